// Two counts of one relation with different filters: a model read holds one count per relation.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id)]
    pub id: i64,
    #[orm(has_many)]
    pub posts: HasMany<Post>,
}

#[derive(Model, Debug, Clone)]
pub struct Post {
    #[orm(id)]
    pub id: i64,
    pub published: bool,
    pub author_id: i64,
    #[orm(belongs_to(fk = author_id))]
    pub author: BelongsTo<User>,
}

fn share(published: i64, all: i64) -> f64 {
    published as f64 / all.max(1) as f64
}

#[derive(Select)]
#[orm(model = User)]
struct Stats {
    #[orm(count(posts, filter = Post::PUBLISHED.eq(true)))]
    published: i64,
    #[orm(computed(with = share, needs = [count(posts, filter = Post::PUBLISHED.eq(true)), count(posts)]))]
    share: f64,
}

fn main() {}
