// A compound `unique(..)` naming the relation field `author` instead of its foreign key `author_id`.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub name: String,
}

#[derive(Model, Debug, Clone)]
#[orm(unique(author, slug))]
pub struct Post {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub slug: String,
    pub author_id: i64,
    #[orm(belongs_to(fk = author_id))]
    pub author: BelongsTo<User>,
}

fn main() {}
