// `inverse` names a `has_many` of the target (`Post::COMMENTS`) instead of a `belongs_to` back to `User`.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    #[orm(has_many(inverse = comments))]
    pub posts: HasMany<Post>,
}

#[derive(Model, Debug, Clone)]
pub struct Post {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub author_id: i64,
    #[orm(belongs_to(fk = author_id))]
    pub author: BelongsTo<User>,
    #[orm(has_many)]
    pub comments: HasMany<Comment>,
}

#[derive(Model, Debug, Clone)]
pub struct Comment {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub post_id: i64,
    #[orm(belongs_to(fk = post_id))]
    pub post: BelongsTo<Post>,
}

fn main() {}
