// `has_many` on a model whose primary key is composite.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
#[orm(id(post_id, tag_id))]
pub struct PostTag {
    pub post_id: i64,
    pub tag_id: i64,
    #[orm(has_many)]
    pub votes: HasMany<TagVote>,
}

#[derive(Model, Debug, Clone)]
pub struct TagVote {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub post_id: i64,
    pub tag_id: i64,
}

fn main() {}
