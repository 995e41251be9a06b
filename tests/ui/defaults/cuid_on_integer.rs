use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct User {
    #[orm(id, default = cuid)]
    pub id: i64,
}

fn main() {}
