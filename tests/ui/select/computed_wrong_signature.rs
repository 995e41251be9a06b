// A computed field whose function does not take what it needs.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id)]
    pub id: i64,
    pub name: String,
}

fn double(n: &i64) -> i64 {
    n * 2
}

#[derive(Select)]
#[orm(model = User)]
struct Card {
    #[orm(computed(with = double, needs = [name]))]
    twice: i64,
}

fn main() {}
