use orm_runtime::prelude::*;

#[derive(Model)]
#[orm(fulltext(title, body, lang = "english"))]
struct Post {
    #[orm(id)]
    id: i64,
    title: String,
    body: String,
}

#[derive(Model)]
#[orm(fulltext(title, language = "English; DROP"))]
struct Note {
    #[orm(id)]
    id: i64,
    title: String,
}

fn main() {}
