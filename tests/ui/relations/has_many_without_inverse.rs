// `User` declares `has_many` posts, but `Post` has no `belongs_to` pointing back at `User`.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    #[orm(has_many)]
    pub posts: HasMany<Post>,
}

#[derive(Model, Debug, Clone)]
pub struct Post {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub author_id: i64,
}

fn main() {}
