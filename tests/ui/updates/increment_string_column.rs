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

async fn f(db: &Client) {
    let _ = User::update(User::EMAIL.eq("ada@example.com"))
        .increment(User::NAME, 1)
        .exec(db)
        .await;
}

fn main() {}
