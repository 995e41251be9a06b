// `inverse` belongs on the `has_many`/`has_one` side, not in `belongs_to(..)`.
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
    #[orm(belongs_to(fk = author_id, inverse = posts))]
    pub author: BelongsTo<User>,
}

fn main() {}
