use orm_runtime::prelude::*;

pub struct Stats {
    pub total: i64,
}

async fn f(db: &Client) {
    let _: Vec<Stats> = sql!("SELECT COUNT(*) AS total FROM users")
        .fetch_all(db)
        .await
        .unwrap();
}

fn main() {}
