// `autoincrement` on a field that is not the primary key: the database cannot generate it.
use orm_runtime::prelude::*;

#[derive(Model)]
struct Ticket {
    #[orm(id)]
    code: String,
    #[orm(default = autoincrement)]
    number: i64,
}

fn main() {}
