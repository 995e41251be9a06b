// The nullable foreign key is an `Option<String>`, but `User`'s primary key is an `i64`.
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
    pub author_id: Option<String>,
    #[orm(belongs_to(fk = author_id))]
    pub author: BelongsTo<Option<User>>,
}

fn main() {}
