use orm_runtime::prelude::*;

#[derive(Model, Debug)]
#[orm(fulltext(title, body))]
pub struct Post {
    #[orm(id)]
    pub id: i64,
    pub title: String,
}

fn main() {}
