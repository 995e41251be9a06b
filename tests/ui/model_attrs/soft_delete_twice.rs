// One column marks a soft-deleted row.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct Note {
    #[orm(id)]
    pub id: i64,
    #[orm(soft_delete)]
    pub deleted_at: Option<chrono::DateTime<chrono::Utc>>,
    #[orm(soft_delete)]
    pub removed_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn main() {}
