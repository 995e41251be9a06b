// `Follow` belongs to `User` twice (follower, following), so `has_many` must say which with `inverse = ..`.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    #[orm(has_many)]
    pub followers: HasMany<Follow>,
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
