// A `belongs_to` referencing `PostTag`, whose primary key is composite.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
#[orm(id(post_id, tag_id))]
pub struct PostTag {
    pub post_id: i64,
    pub tag_id: i64,
}

#[derive(Model, Debug, Clone)]
pub struct TagVote {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub post_tag_id: i64,
    #[orm(belongs_to(fk = post_tag_id))]
    pub post_tag: BelongsTo<PostTag>,
}

fn main() {}
