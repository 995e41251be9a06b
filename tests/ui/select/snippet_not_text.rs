// A snippet of a column that is not text.
use orm_runtime::prelude::*;
use orm_runtime::query::Snippet;

#[derive(Model, Debug, Clone)]
#[orm(fulltext(title))]
pub struct Post {
    #[orm(id)]
    pub id: i64,
    pub title: String,
    pub views: i32,
}

#[derive(Select)]
#[orm(model = Post)]
struct Excerpt {
    id: i64,
    #[orm(snippet = views)]
    views: Option<Snippet>,
}

fn main() {}
