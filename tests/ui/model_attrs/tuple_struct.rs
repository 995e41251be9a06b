use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct Tag(#[orm(id)] i64, String);

fn main() {}
