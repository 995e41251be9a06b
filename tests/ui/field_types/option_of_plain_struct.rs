use orm_runtime::prelude::*;

#[derive(Debug, Clone)]
pub struct Avatar {
    pub url: String,
}

#[derive(Model, Debug)]
pub struct Profile {
    #[orm(id)]
    pub id: i64,
    pub avatar: Option<Avatar>,
}

fn main() {}
