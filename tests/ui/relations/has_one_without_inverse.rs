// `User` declares `has_one` profile, but `Profile` has no `belongs_to` pointing back at `User`.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    #[orm(has_one)]
    pub profile: HasOne<Profile>,
}

#[derive(Model, Debug, Clone)]
pub struct Profile {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    #[orm(unique)]
    pub user_id: i64,
}

fn main() {}
