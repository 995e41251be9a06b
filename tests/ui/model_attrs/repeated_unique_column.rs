// A column listed twice in one compound key.
use orm_runtime::prelude::*;

#[derive(Model)]
#[orm(unique(owner, owner))]
struct Repo {
    #[orm(id)]
    id: i64,
    owner: String,
    name: String,
}

fn main() {}
