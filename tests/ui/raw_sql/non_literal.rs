use orm_runtime::prelude::*;

fn main() {
    let query = String::from("SELECT * FROM users");
    let _ = sql!(query);
}
