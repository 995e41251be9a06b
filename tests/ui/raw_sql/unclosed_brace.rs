use orm_runtime::prelude::*;

fn main() {
    let id = 7_i64;
    let _ = sql!("SELECT * FROM users WHERE id = {id");
}
