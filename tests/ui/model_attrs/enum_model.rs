use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub enum Status {
    Draft,
    Published,
}

fn main() {}
