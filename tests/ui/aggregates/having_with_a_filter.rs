use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct Post {
    #[orm(id)]
    pub id: i64,
    pub author_id: i64,
    pub views: i32,
}

fn main() {
    // `having` takes conditions on aggregates, not on columns (filter the rows with `filter`).
    let _ = Post::group_by((Post::AUTHOR_ID,)).having(Post::VIEWS.gt(10));
}
