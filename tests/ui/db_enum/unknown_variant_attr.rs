use orm_runtime::prelude::*;

#[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
pub enum Theme {
    #[orm(name = "light")]
    Light,
    Dark,
}

fn main() {}
