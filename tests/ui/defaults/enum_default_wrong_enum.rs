use orm_runtime::prelude::*;

#[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
pub enum Role {
    User,
    Admin,
}

#[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
pub enum Theme {
    Light,
    Dark,
}

#[derive(Model, Debug)]
pub struct Account {
    #[orm(id)]
    pub id: i64,
    #[orm(default = Theme::Light)]
    pub role: Role,
}

fn main() {}
