// Wraps the relation in `Option` (`Option<BelongsTo<User>>`) instead of writing `BelongsTo<Option<User>>`.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub name: String,
}

#[derive(Model, Debug, Clone)]
pub struct Post {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub author_id: Option<i64>,
    #[orm(belongs_to(fk = author_id))]
    pub author: Option<BelongsTo<User>>,
}

fn main() {}
