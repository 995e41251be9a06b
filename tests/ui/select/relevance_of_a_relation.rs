// A select reading relevance, selected as a relation: a search ranks the query's own rows only.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id)]
    pub id: i64,
    #[orm(has_many)]
    pub posts: HasMany<Post>,
}

#[derive(Model, Debug, Clone)]
#[orm(fulltext(title))]
pub struct Post {
    #[orm(id)]
    pub id: i64,
    pub author_id: i64,
    pub title: String,
    #[orm(belongs_to(fk = author_id))]
    pub author: BelongsTo<User>,
}

#[derive(Select)]
#[orm(model = Post)]
struct Hit {
    id: i64,
    #[orm(relevance = TITLE_FTS)]
    score: f64,
}

#[derive(Select)]
#[orm(model = User)]
struct Author {
    id: i64,
    #[orm(relation)]
    posts: Vec<Hit>,
}

fn main() {}
