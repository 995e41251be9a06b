// `inverse` names a relation that `Follow` does not have (`followed` instead of `following`).
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    #[orm(has_many(inverse = followed))]
    pub followers: HasMany<Follow>,
    #[orm(has_many(inverse = follower))]
    pub following: HasMany<Follow>,
}

#[derive(Model, Debug, Clone)]
pub struct Follow {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub follower_id: i64,
    pub following_id: i64,
    #[orm(belongs_to(fk = follower_id))]
    pub follower: BelongsTo<User>,
    #[orm(belongs_to(fk = following_id))]
    pub following: BelongsTo<User>,
}

fn main() {}
