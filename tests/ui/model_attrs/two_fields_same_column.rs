// Two fields mapped to one column name.
use orm_runtime::prelude::*;

#[derive(Model)]
struct User {
    #[orm(id)]
    id: i64,
    name: String,
    #[orm(column = "name")]
    display_name: String,
}

fn main() {}
