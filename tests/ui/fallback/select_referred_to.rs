// A misspelled key on a select that another select nests and a query reads into: the derive still
// emits its `Select` impl beside its error, so this is the only error.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub name: String,
    #[orm(has_many)]
    pub posts: HasMany<Post>,
}

#[derive(Model, Debug, Clone)]
pub struct Post {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub author_id: i64,
    #[orm(belongs_to(fk = author_id))]
    pub author: BelongsTo<User>,
}

#[derive(Select)]
#[orm(model = User)]
struct AuthorCard {
    id: i64,
    #[orm(feild = name)]
    display_name: String,
}

#[derive(Select)]
#[orm(model = Post)]
struct PostCard {
    id: i64,
    #[orm(relation)]
    author: AuthorCard,
}

async fn f(db: &Client) -> orm_runtime::Result<()> {
    let _authors: Vec<AuthorCard> = User::find_many().select::<AuthorCard>().exec(db).await?;
    let _posts: Vec<PostCard> = Post::find_many().select::<PostCard>().exec(db).await?;
    Ok(())
}

fn main() {
    let _ = f;
}
