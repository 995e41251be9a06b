// Writes the foreign-key field as a string: `fk = "author_id"` instead of `fk = author_id`.
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
    pub author_id: i64,
    #[orm(belongs_to(fk = "author_id"))]
    pub author: BelongsTo<User>,
}

fn main() {}
