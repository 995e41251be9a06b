use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct User {
    #[orm(id)]
    pub id: i64,
    #[orm(unique = true)]
    pub email: String,
}

fn main() {}
