use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct Session {
    #[orm(id)]
    pub id: String,
    pub ttl: std::time::Duration,
}

fn main() {}
