// The foreign key is a `String`, but `User`'s primary key is an `i64`.
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
    pub author_id: String,
    #[orm(belongs_to(fk = author_id))]
    pub author: BelongsTo<User>,
}

fn main() {}
