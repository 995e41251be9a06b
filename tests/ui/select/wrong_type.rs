// A select field whose type differs from the column's.
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
    id: String,
    name: String,
}

fn main() {}
