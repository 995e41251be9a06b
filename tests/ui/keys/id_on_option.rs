use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct User {
    #[orm(id)]
    pub id: Option<i64>,
    pub email: String,
}

fn main() {}
