// A nested select of the wrong model.
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
    pub author_id: i64,
    #[orm(belongs_to(fk = author_id))]
    pub author: BelongsTo<User>,
}

#[derive(Select)]
#[orm(model = Post)]
struct PostId {
    id: i64,
}

#[derive(Select)]
#[orm(model = User)]
struct UserId {
    id: i64,
}

#[derive(Select)]
#[orm(model = User)]
struct Card {
    #[orm(relation)]
    posts: Vec<UserId>,
}

fn main() {}
