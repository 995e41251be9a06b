use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct Post {
    #[orm(id)]
    pub id: i64,
    #[orm(updated_at)]
    pub updated_at: i32,
}

fn main() {}
