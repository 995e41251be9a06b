use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct Post {
    #[orm(id)]
    pub id: i64,
    #[orm(updated_at, default = now)]
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

fn main() {}
