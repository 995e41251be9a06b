use orm_runtime::prelude::*;

#[derive(Model, Debug)]
#[orm(tabel = "users")]
pub struct User {
    #[orm(id)]
    pub id: i64,
    pub email: String,
}

fn main() {}
