use orm_runtime::prelude::*;

#[derive(FromRow, Debug)]
pub struct Stats {
    pub total: u64,
}

fn main() {}
