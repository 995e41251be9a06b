use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct Post {
    #[orm(id)]
    pub id: i64,
    #[orm(fk)]
    pub author_id: i64,
}

fn main() {}
