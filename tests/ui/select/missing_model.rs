// A select without `#[orm(model = ..)]`.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id)]
    pub id: i64,
    pub name: String,
}

#[derive(Select)]
struct Card {
    id: i64,
    nickname: String,
}

fn main() {}
