//! A recording client (`Client::recording`) on every backend: what a service call sent — its
//! statements with their binds, in order, its transaction's boundaries — asserted against a real
//! database, the seed's "called with these arguments" tests without a mock.

use blog_models::models::{Post, User};
use blog_models::seed::{self, SeedSize};
use blog_models::service::{DatabaseService, PostInput};
use futures_util::StreamExt;
use orm_runtime::Value;
use orm_runtime::prelude::*;
use orm_tests::backend_test;

backend_test!(
    a_recording_client_records_what_each_call_sent,
    blog_models::schema(),
    |db: Client| async move {
        seed::seed(&db, SeedSize::small()).await?;
        let (rec_db, recording) = db.recording();
        assert!(recording.is_empty());

        // One read: its SQL, its binds, its model, outside a transaction.
        let id = seed::user_id(2);
        let user = User::find_unique(User::ID.eq(&id)).exec(&rec_db).await?;
        assert!(user.is_some());
        let sent = recording.take();
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0].binds, vec![Value::String(id.clone())]);
        assert_eq!(sent[0].model, Some("User"));
        assert!(!sent[0].in_transaction);
        assert!(sent[0].sql.starts_with("SELECT "), "{}", sent[0].sql);
        assert!(recording.is_empty(), "take() starts over");

        // The original handle records nothing.
        User::find_many().take(3).exec(&db).await?;
        assert!(recording.is_empty());

        // A service call in a transaction: BEGIN, the post's INSERT with the title, slug and
        // author it was called with, the tags' INSERT, the read back, COMMIT.
        let service = DatabaseService::new(rec_db.clone());
        let author = seed::user_id(3);
        let card = service
            .create_post_with_tags(
                PostInput {
                    title: "Recorded Post".into(),
                    content: "Body".into(),
                    excerpt: None,
                    author_id: author.clone(),
                    category_id: None,
                },
                &[seed::tag_id("docker")],
            )
            .await?;
        let sent = recording.take();
        let sql: Vec<&str> = sent.iter().map(|s| s.sql.as_str()).collect();
        assert_eq!(sql.first(), Some(&"BEGIN"), "{sql:#?}");
        assert_eq!(sql.last(), Some(&"COMMIT"), "{sql:#?}");
        let inner = &sent[1..sent.len() - 1];
        assert!(inner.iter().all(|s| s.in_transaction), "{sent:#?}");
        let insert = inner
            .iter()
            .find(|s| s.sql.starts_with("INSERT") && s.model == Some("Post"))
            .expect("the post's INSERT");
        for v in ["Recorded Post", "recorded-post", author.as_str()] {
            assert!(
                insert.binds.contains(&Value::String(v.into())),
                "{v} in {:?}",
                insert.binds
            );
        }
        assert!(
            inner
                .iter()
                .any(|s| s.sql.starts_with("INSERT") && s.model == Some("PostTag")),
            "{sql:#?}"
        );
        assert_eq!(card.slug, "recorded-post");

        // A failed call rolls back, and the recording says so.
        let err = service
            .create_post_with_tags(
                PostInput {
                    title: "Recorded Post".into(),
                    content: "Again".into(),
                    excerpt: None,
                    author_id: author.clone(),
                    category_id: None,
                },
                &[],
            )
            .await
            .unwrap_err();
        assert!(matches!(err, Error::UniqueViolation { .. }), "{err:?}");
        let sql = recording.sql();
        assert_eq!(sql.first().map(String::as_str), Some("BEGIN"), "{sql:#?}");
        assert_eq!(sql.last().map(String::as_str), Some("ROLLBACK"), "{sql:#?}");
        recording.take();

        // Raw SQL and streams are recorded too.
        let n: Vec<(i64,)> = orm_runtime::sql!("SELECT COUNT(*) FROM users")
            .fetch_all(&rec_db)
            .await?;
        assert!(n[0].0 > 0);
        let mut posts = Post::find_many().order_by(Post::ID.asc()).stream(&rec_db);
        let mut streamed = 0;
        while let Some(p) = posts.next().await {
            p?;
            streamed += 1;
        }
        assert!(streamed > 0);
        let sent = recording.take();
        assert_eq!(sent.len(), 2, "{sent:#?}");
        assert_eq!(sent[0].model, None);
        assert_eq!(sent[1].model, Some("Post"));
        Ok(())
    }
);

/// `binds` with date-times masked: `updated_at` is the time of the call.
fn untimed(binds: &[Value]) -> Vec<Value> {
    binds
        .iter()
        .map(|v| match v {
            Value::DateTime(_) => Value::String("<now>".into()),
            v => v.clone(),
        })
        .collect()
}

/// Runs `exec` through a recording handle and checks that it sent, first, the statement
/// `to_sql` says it would (`updated_at`'s value aside: it is the time of the call).
async fn sends_what_to_sql_says<F, Fut, T>(
    db: &Client,
    what: &str,
    expected: orm_runtime::Result<orm_runtime::sql::Statement>,
    exec: F,
) -> orm_runtime::Result<()>
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = orm_runtime::Result<T>>,
{
    let expected = expected?;
    let (rec_db, recording) = db.recording();
    exec(rec_db).await?;
    let sent = recording.take();
    let first = sent
        .first()
        .unwrap_or_else(|| panic!("{what}: nothing sent"));
    assert_eq!(first.sql, expected.sql, "{what}");
    assert_eq!(untimed(&first.binds), untimed(&expected.binds), "{what}");
    Ok(())
}

/// Runs `exec` through a recording handle and checks that the model statements it sent are, in
/// order, those `to_sql` lists (transaction control aside; times aside, as above).
async fn sends_all_that_to_sql_says<F, Fut, T>(
    db: &Client,
    what: &str,
    expected: orm_runtime::Result<Vec<orm_runtime::sql::Statement>>,
    exec: F,
) -> orm_runtime::Result<()>
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = orm_runtime::Result<T>>,
{
    let expected: Vec<(String, Vec<Value>)> = expected?
        .into_iter()
        .map(|s| (s.sql, untimed(&s.binds)))
        .collect();
    let (rec_db, recording) = db.recording();
    exec(rec_db).await?;
    let sent: Vec<(String, Vec<Value>)> = recording
        .take()
        .into_iter()
        .filter(|s| s.model.is_some())
        .map(|s| (s.sql, untimed(&s.binds)))
        .collect();
    assert_eq!(sent, expected, "{what}");
    Ok(())
}

backend_test!(
    every_builder_sends_what_to_sql_says,
    blog_models::schema(),
    |db: Client| async move {
        use blog_models::service::PostCard;
        seed::seed(&db, SeedSize::small()).await?;
        let d = db.dialect();
        let id = seed::user_id(1);
        let published = || Post::PUBLISHED.eq(true);
        let many = || Post::find_many().filter(published()).take(5);
        sends_what_to_sql_says(&db, "find_many", many().to_sql(d), |c| async move {
            many().exec(&c).await
        })
        .await?;
        let first = || {
            Post::find_first()
                .filter(published())
                .order_by(Post::ID.desc())
        };
        sends_what_to_sql_says(&db, "find_first", first().to_sql(d), |c| async move {
            first().exec(&c).await
        })
        .await?;
        let unique = || User::find_unique(User::ID.eq(&id));
        sends_what_to_sql_says(&db, "find_unique", unique().to_sql(d), |c| async move {
            unique().exec(&c).await
        })
        .await?;
        let cards = || many().select::<PostCard>().strategy(Strategy::Join);
        sends_what_to_sql_says(&db, "select", cards().to_sql(d), |c| async move {
            cards().exec(&c).await
        })
        .await?;
        let count = || Post::count().filter(published());
        sends_what_to_sql_says(&db, "count", count().to_sql(d), |c| async move {
            count().exec(&c).await
        })
        .await?;
        let agg =
            || Post::aggregate((Agg::count_rows(), Post::VIEW_COUNT.max())).filter(published());
        sends_what_to_sql_says(&db, "aggregate", agg().to_sql(d), |c| async move {
            agg().exec(&c).await
        })
        .await?;
        let groups = || {
            Post::group_by((Post::AUTHOR_ID,))
                .select((Agg::count_rows(),))
                .order_by(Agg::count_rows().desc())
                .take(3)
        };
        sends_what_to_sql_says(&db, "group_by", groups().to_sql(d), |c| async move {
            groups().exec(&c).await
        })
        .await?;
        let bump = || {
            Post::update_many()
                .filter(Post::AUTHOR_ID.eq(&id))
                .increment(Post::VIEW_COUNT, 1)
        };
        let expected = bump().to_sql(d)?.expect("something to set");
        sends_what_to_sql_says(&db, "update_many", Ok(expected), |c| async move {
            bump().exec(&c).await
        })
        .await?;
        let purge = || Post::delete_many().filter(Post::SLUG.eq("no-such-post"));
        sends_what_to_sql_says(&db, "delete_many", purge().to_sql(d), |c| async move {
            purge().exec(&c).await
        })
        .await?;
        // Writes of one row: every statement, in order (the row's read back where there is no
        // `RETURNING`).
        use blog_models::models::{NewTag, Tag};
        let tag = |name: &str| NewTag {
            id: Some(format!("tag-{name}")),
            name: name.into(),
            slug: name.into(),
            ..Default::default()
        };
        // (On MySQL/MariaDB the created row is then read back by its key.)
        sends_what_to_sql_says(
            &db,
            "create",
            Tag::create(tag("alpha")).to_sql(d),
            |c| async move { Tag::create(tag("alpha")).exec(&c).await },
        )
        .await?;
        let rename = || Tag::update(Tag::ID.eq("tag-alpha")).set(Tag::NAME, "Alpha");
        sends_all_that_to_sql_says(&db, "update", rename().to_sql(d), |c| async move {
            rename().exec(&c).await
        })
        .await?;
        let upsert = || Tag::upsert(Tag::SLUG.eq("beta"), tag("beta"));
        // MySQL/MariaDB's third statement, a plain INSERT, is sent only when the guarded one
        // changed nothing (a conflict on another key): not here.
        let mut expected = upsert().to_sql(d)?;
        if db.backend() == orm_runtime::sql::Backend::MySql {
            assert_eq!(expected.len(), 3);
            expected.truncate(2);
        }
        sends_all_that_to_sql_says(&db, "upsert", Ok(expected), |c| async move {
            upsert().exec(&c).await
        })
        .await?;
        let remove = || Tag::delete(Tag::ID.eq("tag-beta"));
        sends_all_that_to_sql_says(&db, "delete", remove().to_sql(d), |c| async move {
            remove().exec(&c).await
        })
        .await?;
        let many = || Tag::create_many([tag("gamma"), tag("delta")]);
        sends_all_that_to_sql_says(&db, "create_many", many().to_sql(d), |c| async move {
            many().exec(&c).await
        })
        .await?;
        Ok(())
    }
);
