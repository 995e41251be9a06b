use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct User {
    #[orm(id)]
    pub id: i64,
    #[orm(default)]
    pub verified: bool,
}

fn main() {}
