//! A tour of the ORM on an embedded SQLite database (or any URL in `DATABASE_URL`):
//! `cargo run -p orm-examples --bin quickstart`.

use chrono::{DateTime, Utc};
use orm_runtime::prelude::*;

#[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
#[orm(rename_all = "SCREAMING_SNAKE_CASE")]
enum Role {
    User,
    Admin,
}

#[derive(Model, Debug, Clone)]
#[orm(table = "users")]
struct User {
    #[orm(id, default = cuid)]
    id: String,
    #[orm(unique)]
    email: String,
    name: Option<String>,
    #[orm(default = Role::User)]
    role: Role,
    #[orm(default = now)]
    created_at: DateTime<Utc>,
}

#[derive(Model, Debug, Clone)]
#[orm(table = "posts", index(published, created_at))]
struct Post {
    #[orm(id, default = autoincrement)]
    id: i64,
    title: String,
    #[orm(unique)]
    slug: String,
    #[orm(default = false)]
    published: bool,
    #[orm(default = 0)]
    view_count: i32,
    author_id: String,
    #[orm(default = now)]
    created_at: DateTime<Utc>,
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite::memory:".into());
    let db = Client::connect(&url).await?;
    Schema::new()
        .model::<User>()
        .model::<Post>()
        .push(&db)
        .await?;

    // Create, with defaults filled in and returned.
    let ada = User::create(NewUser {
        email: "ada@example.com".into(),
        name: Some("Ada".into()),
        role: Some(Role::Admin),
        ..Default::default()
    })
    .exec(&db)
    .await?;
    println!(
        "created {} ({:?}) at {}",
        ada.email, ada.role, ada.created_at
    );

    // Many rows in one statement, inside a transaction that rolls back on error.
    let author = ada.id.clone();
    db.transaction(|tx| async move {
        Post::create_many((1..=5).map(|i| NewPost {
            title: format!("Post {i}"),
            slug: format!("post-{i}"),
            published: Some(i % 2 == 1),
            author_id: author.clone(),
            ..Default::default()
        }))
        .exec(&tx)
        .await?;
        Ok::<_, Error>(())
    })
    .await?;

    // Typed filters: a wrong column or value type does not compile.
    let search: Option<&str> = Some("post");
    let published = Post::find_many()
        .filter(Post::PUBLISHED.eq(true) & search.map(|q| Post::TITLE.contains(q).insensitive()))
        .order_by(Post::CREATED_AT.desc())
        .take(10)
        .exec(&db)
        .await?;
    println!(
        "{} published posts: {:?}",
        published.len(),
        published.iter().map(|p| &p.slug).collect::<Vec<_>>()
    );

    // Atomic update, returning the row.
    let hot = Post::update(Post::SLUG.eq("post-1"))
        .increment(Post::VIEW_COUNT, 1)
        .exec(&db)
        .await?;
    println!("{} now has {} views", hot.slug, hot.view_count);

    // Typed errors, not strings.
    match User::create(NewUser {
        email: "ada@example.com".into(),
        ..Default::default()
    })
    .exec(&db)
    .await
    {
        Err(Error::UniqueViolation { fields, .. }) => println!("duplicate rejected on {fields:?}"),
        other => println!("unexpected: {other:?}"),
    }

    // Raw SQL with bound values.
    let min_views = 1_i32;
    let rows: Vec<(String, i32)> =
        sql!("SELECT slug, view_count FROM posts WHERE view_count >= {min_views}")
            .fetch_all(&db)
            .await?;
    println!("raw: {rows:?}");
    Ok(())
}
