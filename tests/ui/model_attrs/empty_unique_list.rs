// `unique()` with no field names no constraint.
use orm_runtime::prelude::*;

#[derive(Model)]
#[orm(unique())]
struct Tag {
    #[orm(id)]
    id: i64,
    name: String,
}

fn main() {}
