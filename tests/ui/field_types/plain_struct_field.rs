use orm_runtime::prelude::*;

#[derive(Debug, Clone)]
pub struct Address {
    pub street: String,
    pub city: String,
}

#[derive(Model, Debug)]
pub struct Customer {
    #[orm(id)]
    pub id: i64,
    pub address: Address,
}

fn main() {}
