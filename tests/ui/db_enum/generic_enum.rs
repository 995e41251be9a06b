use orm_runtime::prelude::*;

#[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
pub enum Level<const N: usize> {
    Low,
    High,
}

fn main() {}
