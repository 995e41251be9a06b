// The foreign key is nullable (`Option<i64>`) but the relation is `BelongsTo<User>` instead of `BelongsTo<Option<User>>`.
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
    pub author: BelongsTo<User>,
}

fn main() {}
