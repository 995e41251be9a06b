// An unknown argument of `#[orm_runtime::test]`.
use orm_runtime::prelude::*;

#[orm_runtime::test(shema = Schema::new())]
async fn misspelt(db: Client) -> orm_runtime::Result<()> {
    let _ = db;
    Ok(())
}

fn main() {}
