// The relation attribute is misspelled: `belong_to` instead of `belongs_to`.
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
    #[orm(belong_to(fk = author_id))]
    pub author: BelongsTo<User>,
}

fn main() {}
