// `inverse` names a `belongs_to` of `Post` that points at `Category`, not back at `User`.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    #[orm(has_many(inverse = category))]
    pub posts: HasMany<Post>,
}

#[derive(Model, Debug, Clone)]
pub struct Category {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub name: String,
}

#[derive(Model, Debug, Clone)]
pub struct Post {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub author_id: i64,
    pub category_id: Option<i64>,
    #[orm(belongs_to(fk = author_id))]
    pub author: BelongsTo<User>,
    #[orm(belongs_to(fk = category_id))]
    pub category: BelongsTo<Option<Category>>,
}

fn main() {}
