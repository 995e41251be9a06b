// A scope of `Post` filters `Post`'s columns, not another model's.
use orm_runtime::prelude::*;
use orm_runtime::query::Scope;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id)]
    pub id: i64,
    pub name: String,
}

#[derive(Model, Debug, Clone)]
pub struct Post {
    #[orm(id)]
    pub id: i64,
    pub published: bool,
}

fn main() {
    let _ = Scope::<Post>::new().filter(User::NAME.eq("Ada"));
}
