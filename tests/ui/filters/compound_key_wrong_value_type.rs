use orm_runtime::prelude::*;

#[derive(Model, Debug)]
#[orm(id(user_id, post_id))]
pub struct Like {
    pub user_id: String,
    pub post_id: i64,
}

fn main() {
    let _ = Like::USER_ID_POST_ID.eq(("u1", "p1"));
}
