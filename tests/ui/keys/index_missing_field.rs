use orm_runtime::prelude::*;

#[derive(Model, Debug)]
#[orm(index(nope))]
pub struct Post {
    #[orm(id)]
    pub id: i64,
    pub author_id: i64,
}

fn main() {}
