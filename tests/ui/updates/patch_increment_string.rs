use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct User {
    #[orm(id, default = cuid)]
    pub id: String,
    #[orm(unique)]
    pub email: String,
    pub name: String,
    pub age: i32,
    #[orm(default = false)]
    pub verified: bool,
}

#[derive(Model, Debug)]
pub struct Post {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub author_id: String,
    pub title: String,
    pub view_count: i32,
}

fn main() {
    let _ = UserUpdate {
        name: Patch::<String>::increment(1),
        ..Default::default()
    };
}
