use orm_runtime::prelude::*;

#[derive(Model)]
#[orm(fulltext(title, views))]
struct Post {
    #[orm(id)]
    id: i64,
    title: String,
    views: i32,
}

fn main() {}
