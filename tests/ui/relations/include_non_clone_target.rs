// Includes `User::POSTS` although `Post` does not derive `Clone` (included rows must be `Clone`).
use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct User {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub name: String,
    #[orm(has_many)]
    pub posts: HasMany<Post>,
}

#[derive(Model, Debug)]
pub struct Post {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub title: String,
    pub author_id: i64,
    #[orm(belongs_to(fk = author_id))]
    pub author: BelongsTo<User>,
}

fn main() {
    let _ = User::find_many().include(User::POSTS);
}
