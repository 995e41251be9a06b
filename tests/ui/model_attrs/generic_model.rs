use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct Setting<T> {
    #[orm(id)]
    pub key: String,
    pub value: T,
}

fn main() {}
