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

fn main() {
    let _ = User::AGE.in_(["18", "21"]);
}
