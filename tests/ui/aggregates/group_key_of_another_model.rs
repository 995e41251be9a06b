use orm_runtime::prelude::*;

#[derive(Model, Debug)]
pub struct Post {
    #[orm(id)]
    pub id: i64,
    pub views: i32,
}

#[derive(Model, Debug)]
pub struct User {
    #[orm(id)]
    pub id: i64,
    pub name: String,
}

fn main() {
    let _ = Post::group_by((User::NAME,)).select(Agg::count_rows());
}
