use orm_runtime::prelude::*;

#[derive(FromRow, Debug)]
pub struct Stats {
    #[orm(rename = "n")]
    pub total: i64,
}

fn main() {}
