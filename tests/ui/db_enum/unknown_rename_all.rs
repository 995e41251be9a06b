use orm_runtime::prelude::*;

#[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
#[orm(rename_all = "kebab-case")]
pub enum Theme {
    Light,
    Dark,
}

fn main() {}
