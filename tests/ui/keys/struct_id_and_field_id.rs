use orm_runtime::prelude::*;

#[derive(Model, Debug)]
#[orm(id(user_id, post_id))]
pub struct Like {
    #[orm(id)]
    pub user_id: String,
    pub post_id: String,
}

fn main() {}
