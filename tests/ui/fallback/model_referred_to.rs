// One misspelled key in `User`, a model that `Post`, a select and user code all refer to: the derive
// still emits `User`'s API beside its error, so this is the only error.
use orm_runtime::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct User {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    #[orm(uniqe)]
    pub email: String,
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
    email: String,
}

#[derive(Select)]
#[orm(model = Post)]
struct PostCard {
    id: i64,
    #[orm(relation)]
    author: AuthorCard,
}

async fn f(db: &Client) -> orm_runtime::Result<()> {
    let user = User::create(NewUser { email: "ada@example.com".into(), ..Default::default() })
        .exec(db)
        .await?;
    let _posts: Vec<PostCard> = user.posts_query().select::<PostCard>().exec(db).await?;
    let _found = User::find_many().filter(User::EMAIL.eq("ada@example.com")).exec(db).await?;
    Ok(())
}

fn main() {
    let _ = f;
}
