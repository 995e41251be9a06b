// A relevance field whose type is not `f64`.
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
    #[orm(relevance = TITLE_FTS)]
    score: i64,
}

fn main() {}
