use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct Upload {
    #[orm(id, default = uuid)]
    pub id: i32,
}

fn main() {}
