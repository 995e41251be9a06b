use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct Post {
    #[orm(id)]
    pub id: i64,
    #[orm(default = now)]
    pub created_at: String,
}

fn main() {}
