use orm_runtime::prelude::*;

#[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
#[orm(type_name = "theme")]
pub enum Theme {
    Light,
    Dark,
}

fn main() {}
