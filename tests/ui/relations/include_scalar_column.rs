// Includes a scalar column (`User::EMAIL`) as if it were a relation.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    #[orm(unique)]
    pub email: String,
    pub name: String,
    #[orm(has_many)]
    pub posts: HasMany<Post>,
}

#[derive(Model, Debug, Clone)]
pub struct Post {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub title: String,
    pub published: bool,
    pub author_id: i64,
    #[orm(belongs_to(fk = author_id, on_delete = Cascade))]
    pub author: BelongsTo<User>,
}

fn main() {
    let _ = User::find_many().include(User::EMAIL);
}
