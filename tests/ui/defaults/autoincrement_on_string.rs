use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct User {
    #[orm(id, default = autoincrement)]
    pub id: String,
}

fn main() {}
