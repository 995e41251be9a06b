use orm_runtime::prelude::*;

#[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
pub enum Role {
    User,
    Admin { level: u8 },
}

fn main() {}
