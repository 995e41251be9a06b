// A computed field that needs a column the model does not have.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id)]
    pub id: i64,
    pub name: String,
}

fn shout(name: &String) -> String {
    name.to_uppercase()
}

#[derive(Select)]
#[orm(model = User)]
struct Card {
    id: i64,
    #[orm(computed(with = shout, needs = [nickname]))]
    loud: String,
}

fn main() {}
