use orm_runtime::prelude::*;

#[derive(FromRow, Debug)]
pub struct Stats(i64, String);

fn main() {}
