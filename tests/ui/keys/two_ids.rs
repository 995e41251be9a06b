use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct Like {
    #[orm(id)]
    pub user_id: String,
    #[orm(id)]
    pub post_id: String,
}

fn main() {}
