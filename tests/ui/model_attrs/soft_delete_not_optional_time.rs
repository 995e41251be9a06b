// `soft_delete` marks a row with when it was deleted: an `Option<DateTime<Utc>>`.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct Note {
    #[orm(id)]
    pub id: i64,
    #[orm(soft_delete)]
    pub deleted_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Model, Debug, Clone)]
pub struct Memo {
    #[orm(id)]
    pub id: i64,
    #[orm(soft_delete)]
    pub deleted: Option<bool>,
}

fn main() {}
