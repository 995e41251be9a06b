// An `#[orm_runtime::test]` function that is not async.
use orm_runtime::prelude::*;

#[orm_runtime::test]
fn not_async(db: Client) -> orm_runtime::Result<()> {
    let _ = db;
    Ok(())
}

fn main() {}
