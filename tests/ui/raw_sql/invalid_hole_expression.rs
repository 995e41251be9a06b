use orm_runtime::prelude::*;

fn main() {
    let _ = sql!("SELECT * FROM users WHERE age > {18 +}");
}
