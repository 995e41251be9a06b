use orm_runtime::prelude::*;

#[derive(Model, Debug)]
#[orm(id(user_id, post))]
pub struct Like {
    pub user_id: String,
    pub post_id: String,
}

fn main() {}
