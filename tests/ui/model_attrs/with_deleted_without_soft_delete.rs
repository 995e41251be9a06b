// `with_deleted` and `restore` need a model with a `soft_delete` column.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct Note {
    #[orm(id)]
    pub id: i64,
    pub body: String,
}

async fn f(db: &Client) -> orm_runtime::Result<()> {
    let _ = Note::find_many().with_deleted().exec(db).await?;
    let _ = Note::restore(Note::ID.eq(1)).exec(db).await?;
    Ok(())
}

fn main() {}
