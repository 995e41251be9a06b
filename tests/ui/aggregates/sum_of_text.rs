use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct Post {
    #[orm(id)]
    pub id: i64,
    pub title: String,
    pub views: i32,
}

fn main() {
    let _ = Post::aggregate(Post::TITLE.sum());
}
