use orm_runtime::prelude::*;

#[derive(DbEnum, Debug, Clone, PartialEq)]
pub enum Status {
    Active,
    Banned(String),
}

fn main() {}
