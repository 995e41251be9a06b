// A relevance field naming a column, not a full-text index.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
#[orm(fulltext(title))]
pub struct Post {
    #[orm(id)]
    pub id: i64,
    pub title: String,
}

#[derive(Select)]
#[orm(model = Post)]
struct Hit {
    id: i64,
    #[orm(relevance = TITLE)]
    score: f64,
}

fn main() {}
