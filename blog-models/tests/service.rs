//! The seed's `DatabaseService` tests, written with the test kit (`#[orm_runtime::test]`): each
//! test on a fresh database with the committed migrations applied — SQLite by default,
//! PostgreSQL or MySQL/MariaDB when `ORM_TEST_DATABASE_URL` names one — asserting what the
//! service returned and, through a recording handle, what it sent (the seed mocks the client
//! and checks "called with these arguments"; here the database is real).

use blog_models::migrations::migrator;
use blog_models::models::{NewUser, User};
use blog_models::service::{DatabaseService, PostInput};
use orm_runtime::Value;
use orm_runtime::prelude::*;

async fn author(db: &Client) -> orm_runtime::Result<User> {
    User::create(NewUser {
        email: "author@example.com".into(),
        username: Some("author".into()),
        name: Some("Ada".into()),
        ..Default::default()
    })
    .exec(db)
    .await
}

/// The seed's "getUserWithStats returns the user with their counts".
#[orm_runtime::test(migrations = migrator)]
async fn user_with_stats(db: Client) -> orm_runtime::Result<()> {
    let ada = author(&db).await?;
    let service = DatabaseService::new(db.clone());
    let stats = service.user_with_stats(&ada.id).await?.expect("the user");
    assert_eq!(stats.id, ada.id);
    assert_eq!(stats.counts.published_posts, 0);
    assert!(service.user_with_stats("nobody").await?.is_none());
    Ok(())
}

/// The seed's "createPostWithTags creates the post with a slug, in one transaction": the
/// post's `INSERT` carried the title, the slug and the author, between `BEGIN` and `COMMIT`.
#[orm_runtime::test(migrations = migrator)]
async fn create_post_with_tags_sends_one_transaction(db: Client) -> orm_runtime::Result<()> {
    let ada = author(&db).await?;
    let (recorded, recording) = db.recording();
    let card = DatabaseService::new(recorded)
        .create_post_with_tags(
            PostInput {
                title: "Hello, World!".into(),
                content: "First post.".into(),
                excerpt: None,
                author_id: ada.id.clone(),
                category_id: None,
            },
            &[],
        )
        .await?;
    assert_eq!(card.slug, "hello-world");
    let sent = recording.take();
    assert_eq!(sent.first().map(|s| s.sql.as_str()), Some("BEGIN"));
    assert_eq!(sent.last().map(|s| s.sql.as_str()), Some("COMMIT"));
    let insert = sent
        .iter()
        .find(|s| s.model == Some("Post") && s.sql.starts_with("INSERT"))
        .expect("the post's INSERT");
    for v in ["Hello, World!", "hello-world", ada.id.as_str()] {
        assert!(insert.binds.contains(&Value::String(v.into())), "{v}");
    }
    Ok(())
}
