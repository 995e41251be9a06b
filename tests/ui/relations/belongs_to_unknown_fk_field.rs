// The `fk` of a `belongs_to` names a field that does not exist (`authorid` for `author_id`).
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
    #[orm(belongs_to(fk = authorid))]
    pub author: BelongsTo<User>,
}

fn main() {}
