// A computed field must say which function computes it.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id)]
    pub id: i64,
    pub name: String,
}

#[derive(Select)]
#[orm(model = User)]
struct Card {
    #[orm(computed(needs = [name]))]
    loud: String,
    #[orm(computed(with = str::len, needs = [name], cache = true))]
    length: usize,
}

fn main() {}
