use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct Post {
    #[orm(id)]
    pub id: i64,
    pub published: bool,
}

fn main() {
    let _ = Post::aggregate(Post::PUBLISHED.max());
}
