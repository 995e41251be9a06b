//! Coming from Prisma: a database the ORM did not create — the seed's schema as Prisma 7 lays it out
//! on PostgreSQL (`tests/fixtures/prisma-seed-schema.sql`: camelCase columns, PascalCase enum types,
//! `timestamp(3)`, no foreign-key indexes), filled with rows the way Prisma's client writes them.
//!
//! `db pull` of it writes models that compile, describe the live schema exactly (no drift), and run
//! the seed's `DatabaseService` operations through the relations pull generated on both sides; a
//! baseline then adopts the database, Prisma's history table included.

#[cfg(orm_postgres)]
mod postgres {
    use orm_runtime::prelude::*;
    use orm_tests::isolation::{IsolatedDb, TestBackend};

    const FIXTURE: &str = include_str!("../fixtures/prisma-seed-schema.sql");

    /// Rows as Prisma's client writes them: cuid ids and `updatedAt` from the client, millisecond
    /// timestamps.
    const ROWS: &str = r#"
INSERT INTO users (id, email, username, name, role, "createdAt", "updatedAt") VALUES
  ('u_ada', 'ada@example.com', 'ada', 'Ada', 'ADMIN', '2024-01-01 10:00:00.123', '2024-01-01 10:00:00.123'),
  ('u_bob', 'bob@example.com', 'bob', 'Bob', 'USER', '2024-01-02 10:00:00', '2024-01-02 10:00:00'),
  ('u_cy', 'cy@example.com', NULL, NULL, 'USER', '2024-01-03 10:00:00', '2024-01-03 10:00:00');
INSERT INTO user_settings (id, "userId", theme) VALUES ('s_ada', 'u_ada', 'DARK');
INSERT INTO categories (id, name, slug) VALUES ('c_tech', 'Tech', 'tech');
INSERT INTO posts (id, title, content, slug, published, "createdAt", "updatedAt", "authorId", "categoryId") VALUES
  ('p1', 'First', 'one', 'first', true, '2024-02-01 09:00:00', '2024-02-01 09:00:00', 'u_ada', 'c_tech'),
  ('p2', 'Second', 'two', 'second', true, '2024-02-02 09:00:00', '2024-02-02 09:00:00', 'u_ada', NULL),
  ('p3', 'Draft', 'three', 'draft', false, '2024-02-03 09:00:00', '2024-02-03 09:00:00', 'u_bob', NULL),
  ('p4', 'Fourth', 'four', 'fourth', true, '2024-02-04 09:00:00', '2024-02-04 09:00:00', 'u_bob', 'c_tech');
INSERT INTO tags (id, name, slug) VALUES ('t_rust', 'rust', 'rust'), ('t_sql', 'sql', 'sql');
INSERT INTO post_tags ("postId", "tagId") VALUES ('p1', 't_rust'), ('p2', 't_rust'), ('p2', 't_sql'), ('p4', 't_rust');
INSERT INTO comments (id, content, "createdAt", "updatedAt", "postId", "authorId", "parentId") VALUES
  ('k1', 'nice', '2024-02-05 09:00:00', '2024-02-05 09:00:00', 'p1', 'u_bob', NULL),
  ('k2', 'thanks', '2024-02-05 10:00:00', '2024-02-05 10:00:00', 'p1', 'u_ada', 'k1');
INSERT INTO likes (id, "userId", "postId") VALUES ('l1', 'u_bob', 'p1'), ('l2', 'u_cy', 'p1'), ('l3', 'u_ada', 'p4');
INSERT INTO follows (id, "followerId", "followingId") VALUES ('f1', 'u_bob', 'u_ada'), ('f2', 'u_cy', 'u_ada'), ('f3', 'u_ada', 'u_bob');
INSERT INTO notifications (id, type, title, message, "recipientId", "senderId") VALUES ('n1', 'LIKE', 'Like', 'Bob liked First', 'u_ada', 'u_bob');
CREATE TABLE "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
);
INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, rolled_back_at, applied_steps_count) VALUES
  ('9a1c', 'c0ffee', '2024-01-01 00:00:01+00', '20240101000000_init', NULL, 1),
  ('9a1d', 'c0ffee', NULL, '20240102000000_broken', '2024-01-02 00:00:01+00', 0);
"#;

    /// The program trybuild compiles and runs: the pulled models, then the seed's operations on the
    /// database, each checked.
    const MAIN: &str = r#"
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let db = Client::connect(URL).await.unwrap();
    let d = db.dialect();

    // The models describe the live schema exactly.
    let live = orm_runtime::schema::introspect(&db).await.unwrap();
    let steps: Vec<String> = orm_runtime::schema::diff(&live, &schema().describe(d), d)
        .iter()
        .map(|s| s.describe())
        .collect();
    assert!(steps.is_empty(), "{steps:#?}");
    schema().verify().unwrap();

    // User with stats: settings (has_one) and five counts through the generated inverses.
    let ada = User::find_unique(User::EMAIL.eq("ada@example.com"))
        .include(User::USER_SETTING)
        .with_count(User::POSTS.filter(Post::PUBLISHED.eq(true)))
        .with_count(User::FOLLOWS_AS_FOLLOWING)
        .with_count(User::FOLLOWS_AS_FOLLOWER)
        .with_count(User::COMMENTS)
        .with_count(User::LIKES)
        .exec(&db)
        .await
        .unwrap()
        .expect("ada");
    assert_eq!(ada.role, Role::Admin);
    assert_eq!(ada.created_at.and_utc().timestamp_subsec_millis(), 123);
    assert_eq!(ada.user_setting.get().map(|s| s.theme), Some(Theme::Dark));
    assert_eq!(ada.posts.count(), Some(2));
    assert_eq!(ada.follows_as_following.count(), Some(2), "followers");
    assert_eq!(ada.follows_as_follower.count(), Some(1), "following");
    assert_eq!(ada.comments.count(), Some(1));
    assert_eq!(ada.likes.count(), Some(1));

    // Posts page: published, newest first, cursor, with author, category, tags and counts.
    let page = |cursor: Option<String>| {
        Post::find_many()
            .filter(Post::PUBLISHED.eq(true))
            .include(Post::AUTHOR)
            .include(Post::CATEGORY)
            .include(Post::POST_TAGS.include(PostTag::TAG))
            .with_count(Post::COMMENTS)
            .with_count(Post::LIKES)
            .order_by(Post::CREATED_AT.desc())
            .cursor(cursor.map(|c| Post::ID.eq(c)))
            .take(2)
    };
    let first = page(None).exec(&db).await.unwrap();
    let ids: Vec<&str> = first.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["p4", "p2"]);
    assert_eq!(first[0].author.get().map(|u| u.name.clone()), Some(Some("Bob".to_owned())));
    assert_eq!(first[0].category.get().map(|c| c.slug.as_str()), Some("tech"));
    assert_eq!(first[1].post_tags.get().map(|t| t.len()), Some(2));
    assert_eq!(first[0].likes.count(), Some(1));
    let second = page(Some("p2".into())).exec(&db).await.unwrap();
    let ids: Vec<&str> = second.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["p2", "p1"]);
    assert_eq!(second[1].comments.count(), Some(2));

    // Comments with their replies (a self-relation).
    let threads = Comment::find_many()
        .filter(Comment::PARENT_ID.is_null())
        .include(Comment::CHILDREN)
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0].children.get().map(|r| r[0].id.as_str()), Some("k2"));

    // Popular tags: posts per tag.
    let tags = Tag::find_many()
        .with_count(Tag::POST_TAGS)
        .order_by(Tag::NAME.asc())
        .exec(&db)
        .await
        .unwrap();
    let counts: Vec<(&str, Option<i64>)> =
        tags.iter().map(|t| (t.name.as_str(), t.post_tags.count())).collect();
    assert_eq!(counts, [("rust", Some(3)), ("sql", Some(1))]);

    // Create a post with tags in one transaction: the id (cuid) and updatedAt come from the client.
    let post = db
        .transaction(|tx| async move {
            let post = Post::create(NewPost {
                title: "Fifth".into(),
                content: "five".into(),
                slug: "fifth".into(),
                published: Some(true),
                author_id: "u_cy".into(),
                ..Default::default()
            })
            .exec(&tx)
            .await?;
            PostTag::create_many([
                NewPostTag { post_id: post.id.clone(), tag_id: "t_rust".into() },
                NewPostTag { post_id: post.id.clone(), tag_id: "t_sql".into() },
            ])
            .exec(&tx)
            .await?;
            Ok::<_, Error>(post)
        })
        .await
        .unwrap();
    assert_eq!(post.id.len(), 24, "a cuid: {}", post.id);
    let read = Post::find_unique(Post::ID.eq(&post.id))
        .with_count(Post::POST_TAGS)
        .exec(&db)
        .await
        .unwrap()
        .expect("created");
    assert_eq!(read.post_tags.count(), Some(2));
    assert_eq!(read.updated_at, post.updated_at, "timestamp(3) reads back what create returned");
    assert_eq!(post.updated_at.and_utc().timestamp_subsec_nanos() % 1_000_000, 0);

    // A failure undoes the post: an unknown tag.
    let failed = db
        .transaction(|tx| async move {
            let post = Post::create(NewPost {
                title: "Sixth".into(),
                content: "six".into(),
                slug: "sixth".into(),
                author_id: "u_cy".into(),
                ..Default::default()
            })
            .exec(&tx)
            .await?;
            PostTag::create(NewPostTag { post_id: post.id, tag_id: "nope".into() })
                .exec(&tx)
                .await?;
            Ok::<_, Error>(())
        })
        .await;
    assert!(matches!(failed, Err(Error::ForeignKeyViolation { .. })), "{failed:?}");
    assert_eq!(Post::count().filter(Post::SLUG.eq("sixth")).exec(&db).await.unwrap(), 0);

    // A value the column would round is refused, not rounded: timestamp(3) keeps milliseconds.
    let at = chrono::NaiveDate::from_ymd_opt(2024, 3, 1)
        .unwrap()
        .and_hms_micro_opt(12, 0, 0, 123_456)
        .unwrap();
    let refused = User::update(User::ID.eq("u_cy")).set(User::LAST_LOGIN, Some(at)).exec(&db).await;
    assert!(matches!(refused, Err(Error::InvalidValue { .. })), "{refused:?}");
    let at = at.with_nanosecond(123_000_000).unwrap();
    User::update(User::ID.eq("u_cy")).set(User::LAST_LOGIN, Some(at)).exec(&db).await.unwrap();
    let cy = User::find_unique(User::ID.eq("u_cy")).exec(&db).await.unwrap().unwrap();
    assert_eq!(cy.last_login, Some(at));

    // Batch notifications, with a PascalCase enum type.
    let n = Notification::create_many((0..3).map(|i| NewNotification {
        id: None,
        r#type: NotificationType::Follow,
        title: format!("n{i}"),
        message: "followed you".into(),
        read: None,
        created_at: None,
        recipient_id: "u_bob".into(),
        sender_id: Some("u_ada".into()),
        metadata: None,
    }))
    .exec(&db)
    .await
    .unwrap();
    assert_eq!(n, 3);
    let bob = User::find_unique(User::ID.eq("u_bob"))
        .with_count(User::NOTIFICATIONS_AS_RECIPIENT.filter(Notification::TYPE.eq(NotificationType::Follow)))
        .exec(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bob.notifications_as_recipient.count(), Some(3));

    // Adopt the database: models that do not describe it are refused ...
    use orm_runtime::migrate::{MigrateError, MigrationState, Migrator};
    let dir = std::path::PathBuf::from(MIGRATIONS);
    let partial = Migrator::new(Schema::new().model::<AuditLog>()).dir(&dir);
    match partial.baseline(&db, "baseline").await {
        Err(Error::Migrate(MigrateError::NotBaselined { differences })) => {
            assert!(differences.iter().any(|d| d.contains("users")), "{differences:#?}")
        }
        other => panic!("{other:?}"),
    }
    // ... the pulled ones are recorded as the first migration, without running it ...
    let migrator = Migrator::new(schema()).dir(&dir);
    let baseline = migrator.baseline(&db, "baseline").await.unwrap();
    assert_eq!(baseline.prisma_migrations, ["20240101000000_init"]);
    assert!(!baseline.migration.applied);
    assert!(baseline.migration.up.contains("CREATE TABLE \"users\""));
    assert_eq!(Post::count().exec(&db).await.unwrap(), 5, "nothing was run");
    let status = migrator.status(&db).await.unwrap();
    assert_eq!(status.len(), 1);
    assert_eq!(status[0].state, MigrationState::Applied);
    // ... after which there is no drift (the history replayed in a shadow database is the
    // database), nothing to migrate, and Prisma's table is neither reported nor dropped ...
    let drift = migrator.drift(&db).await.unwrap();
    assert!(drift.is_empty(), "{drift:#?}");
    assert!(migrator.pending_changes(&db).await.unwrap().is_empty());
    assert!(migrator.dev(&db, "nothing", Default::default()).await.unwrap().is_none());
    let prisma: Vec<(i64,)> = orm_runtime::sql!("SELECT COUNT(*) FROM _prisma_migrations")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(prisma, [(2,)]);
    // ... and a model change is a migration of that change alone.
    let next = Migrator::new(schema().model::<AuditLog>()).dir(&dir);
    let m = next.dev(&db, "audit_log", Default::default()).await.unwrap().expect("a migration");
    let steps: Vec<String> = m.steps.iter().map(|s| s.describe()).collect();
    assert!(steps.iter().all(|s| s.contains("audit_logs")), "{steps:#?}");
    AuditLog::create(NewAuditLog { action: "adopted".into(), ..Default::default() })
        .exec(&db)
        .await
        .unwrap();
    // A second baseline is refused: the history exists.
    assert!(matches!(
        next.baseline(&db, "again").await,
        Err(Error::Migrate(MigrateError::HistoryExists { applied: 2, .. }))
    ));
    // The same through the `orm` command line.
    // (The command line runs its own runtime: off this one's thread.)
    let cli = |args: &'static [&'static str]| {
        tokio::task::spawn_blocking(move || {
            let mut all = vec!["orm", "--database-url", URL, "--migrations", MIGRATIONS];
            all.extend_from_slice(args);
            orm_runtime::migrate::cli::Cli::new(schema().model::<AuditLog>()).exit_status_from(all)
        })
    };
    assert_eq!(cli(&["migrate", "status"]).await.unwrap(), 0, "adopted and up to date");
    assert_eq!(cli(&["migrate", "baseline"]).await.unwrap(), 1, "a second baseline is an error");
    db.close().await;
}

/// A model the Prisma schema does not have: the first change after the baseline.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "audit_logs")]
pub struct AuditLog {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub action: String,
}

use chrono::Timelike as _;
"#;

    /// `db pull` of the Prisma-made database writes models that compile, have no drift, and run the
    /// seed's operations with the right results (built and run by trybuild).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn db_pull_of_a_prisma_database_compiles_and_runs() {
        let isolated = IsolatedDb::create(TestBackend::Postgres).await;
        let db = Client::connect(&isolated.url).await.expect("connect");
        let pool = db.as_postgres().expect("a PostgreSQL client");
        for script in [FIXTURE, ROWS] {
            sqlx::raw_sql(script).execute(pool).await.expect("fixture");
        }
        let live = orm_runtime::schema::introspect(&db)
            .await
            .expect("introspect");
        let source = orm_runtime::migrate::render_models(&live, db.dialect());
        for expected in [
            "pub created_at: chrono::NaiveDateTime,",
            "#[orm(id, default = cuid)]",
            "#[orm(column = \"updatedAt\", db_type = \"timestamp(3)\", updated_at)]",
            "#[orm(has_many(inverse = follower))]\n    pub follows_as_follower: HasMany<Follow>,",
            "#[orm(has_one)]\n    pub user_setting: HasOne<UserSetting>,",
            "pub children: HasMany<Comment>,",
        ] {
            assert!(
                source.contains(expected),
                "missing {expected:?} in\n{source}"
            );
        }
        let dir = std::env::temp_dir().join("orm-tests").join("prisma");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("pulled_postgres.rs");
        let migrations = dir.join(format!("migrations-{}", uuid::Uuid::new_v4().simple()));
        let program = format!(
            "{source}\n{MAIN}\nconst URL: &str = {:?};\nconst MIGRATIONS: &str = {:?};\n",
            isolated.url,
            migrations.to_string_lossy()
        );
        std::fs::write(&file, program).unwrap();
        db.close().await;
        {
            let cases = trybuild::TestCases::new();
            cases.pass(&file);
        }
        let _ = std::fs::remove_dir_all(&migrations);
        isolated.cleanup().await;
    }
}
