// Orders comments by a related field of `Post` (`Post::AUTHOR.field(..)`), which orders posts, not comments.
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
    #[orm(has_one)]
    pub profile: HasOne<Profile>,
}

#[derive(Model, Debug, Clone)]
pub struct Profile {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub bio: String,
    #[orm(unique)]
    pub user_id: i64,
    #[orm(belongs_to(fk = user_id, on_delete = Cascade))]
    pub user: BelongsTo<User>,
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
    #[orm(has_many)]
    pub comments: HasMany<Comment>,
}

#[derive(Model, Debug, Clone)]
pub struct Comment {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub body: String,
    pub post_id: i64,
    #[orm(belongs_to(fk = post_id, on_delete = Cascade))]
    pub post: BelongsTo<Post>,
}

fn main() {
    let _ = Comment::find_many().order_by(Post::AUTHOR.field(User::NAME).asc());
}
