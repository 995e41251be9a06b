// A `HasMany` of a type that is not a model (`HasMany<String>`).
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    #[orm(has_many)]
    pub tags: HasMany<String>,
}

fn main() {}
