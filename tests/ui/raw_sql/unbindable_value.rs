use orm_runtime::prelude::*;

fn main() {
    let ttl = std::time::Duration::from_secs(60);
    let _ = sql!("DELETE FROM sessions WHERE ttl > {ttl}");
}
