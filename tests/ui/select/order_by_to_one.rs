// `order_by` orders a to-many relation; a to-one relation has nothing to order.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id)]
    pub id: i64,
    pub name: String,
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
#[orm(model = User)]
struct Name {
    name: String,
}

#[derive(Select)]
#[orm(model = Post)]
struct Card {
    id: i64,
    #[orm(relation(order_by = User::NAME.asc()))]
    author: Name,
}

fn main() {}
