use orm_runtime::prelude::*;

#[derive(Model)]
#[orm(fulltext(title(weight = "E"), body))]
struct Post {
    #[orm(id)]
    id: i64,
    title: String,
    body: String,
}

fn main() {}
