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

async fn f() {
    let _ = User::find_many().exec("sqlite::memory:").await;
}

fn main() {}
