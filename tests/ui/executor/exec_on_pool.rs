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

async fn f(pool: &sqlx::SqlitePool) {
    let _ = User::find_many().exec(pool).await;
}

fn main() {}
