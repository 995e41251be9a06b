use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct User {
    #[orm(id)]
    pub id: i64,
    #[orm(renamed_from = full_name)]
    pub name: String,
}

fn main() {}
