use orm_runtime::prelude::*;

#[derive(Model, Debug)]
#[orm(table = users)]
pub struct User {
    #[orm(id)]
    pub id: i64,
}

fn main() {}
