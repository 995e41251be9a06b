use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct User {
    pub email: String,
    pub name: Option<String>,
}

fn main() {}
