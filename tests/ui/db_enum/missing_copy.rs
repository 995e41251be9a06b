use orm_runtime::prelude::*;

#[derive(DbEnum, Debug, Clone, PartialEq)]
pub enum Theme {
    Light,
    Dark,
}

fn main() {}
