use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct User {
    #[orm(id, default = cuid)]
    pub id: String,
    #[orm(unique)]
    pub email: String,
    pub name: String,
    pub age: i32,
    #[orm(default = false)]
    pub verified: bool,
}

#[derive(Model, Debug)]
pub struct Post {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub author_id: String,
    pub title: String,
    pub view_count: i32,
}

async fn f(db: &Client) {
    let _ = Post::find_many().order_by(User::NAME.asc()).exec(db).await;
}

fn main() {}
