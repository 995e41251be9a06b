// `unique` on the primary key is redundant (and would create a second index).
use orm_runtime::prelude::*;

#[derive(Model)]
struct User {
    #[orm(id, unique)]
    id: i64,
    email: String,
}

fn main() {}
