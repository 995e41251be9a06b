use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct Post {
    #[orm(id)]
    pub id: i64,
    pub view_count: u32,
}

fn main() {}
