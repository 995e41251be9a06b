use orm_runtime::prelude::*;

#[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
pub struct Role {
    pub admin: bool,
}

fn main() {}
