// `id` on the relation field of a one-to-one model keyed by its user, instead of on the foreign key `user_id`.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id, default = autoincrement)]
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
pub struct Profile {
    pub user_id: i64,
    pub bio: String,
    #[orm(id, belongs_to(fk = user_id))]
    pub user: BelongsTo<User>,
}

fn main() {}
