// A misspelled key on a `DbEnum` that a model stores: the derive still emits the enum's impls beside
// its error, so the model's column of that type raises no error of its own.
use orm_runtime::prelude::*;

#[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
#[orm(rename_al = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    User,
    Admin,
}

#[derive(Model, Debug, Clone)]
pub struct Account {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    #[orm(default = Role::User)]
    pub role: Role,
}

fn main() {
    let _admins = Account::ROLE.eq(Role::Admin);
}
