// A join model's composite `id(..)` naming the relation fields instead of their foreign keys.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct Post {
    #[orm(id, default = autoincrement)]
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
pub struct Tag {
    #[orm(id, default = autoincrement)]
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
#[orm(id(post, tag))]
pub struct PostTag {
    pub post_id: i64,
    pub tag_id: i64,
    #[orm(belongs_to(fk = post_id))]
    pub post: BelongsTo<Post>,
    #[orm(belongs_to(fk = tag_id))]
    pub tag: BelongsTo<Tag>,
}

fn main() {}
