// `fk` given on the `has_many` side; only `inverse = ..` is accepted there (the key lives on `belongs_to`).
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    #[orm(has_many(fk = author_id))]
    pub posts: HasMany<Post>,
}

#[derive(Model, Debug, Clone)]
pub struct Post {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub author_id: i64,
    #[orm(belongs_to(fk = author_id))]
    pub author: BelongsTo<User>,
}

fn main() {}
