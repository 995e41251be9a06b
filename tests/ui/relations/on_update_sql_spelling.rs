// Writes the referential action in SQL spelling: `on_update = SET_NULL` instead of `SetNull`.
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
    #[orm(belongs_to(fk = author_id, on_update = SET_NULL))]
    pub author: BelongsTo<Option<User>>,
}

fn main() {}
