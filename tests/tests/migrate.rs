//! The migration engine on every backend: the blog schema from empty, every kind of change applied to
//! a table holding rows (rows checked afterwards), up then down back to the identical schema, drift,
//! checksum tampering, failed migrations, `db push` and `db pull`.

// clippy reads `unique(a, b), unique(a, c)` in `#[orm(..)]` as a repeated attribute.
#![allow(clippy::duplicated_attributes)]

use std::sync::Arc;

use orm_runtime::migrate::{DevOptions, MigrateError, MigrationState, Migrator};
use orm_runtime::prelude::*;
use orm_runtime::schema::{DbSchema, diff};
use orm_tests::TestBackend;
use orm_tests::migrate_env::{MigrateEnv as Env, run};
use orm_tests::migrate_test;

/// The schema with each table's columns sorted by name.
fn by_name(mut s: DbSchema) -> DbSchema {
    for t in &mut s.tables {
        t.columns.sort_by(|a, b| a.name.cmp(&b.name));
    }
    s
}

migrate_test!(blog_schema_from_empty, |env| async move {
    let schema = blog_models::schema();
    let m = env.migrator(schema.clone());
    let created = m
        .dev(&env.db, "init", DevOptions::default())
        .await?
        .expect("a first migration");
    assert!(created.applied);
    assert!(created.up.contains("CREATE TABLE"), "{}", created.up);
    assert!(created.path.join("up.sql").exists() && created.path.join("down.sql").exists());
    // The live schema is exactly what the models describe.
    assert_eq!(env.changes_to(&schema).await, Vec::<String>::new());
    assert!(m.pending_changes(&env.db).await?.is_empty());
    assert!(m.drift(&env.db).await?.is_empty());
    assert!(
        m.dev(&env.db, "again", DevOptions::default())
            .await?
            .is_none()
    );
    let status = m.status(&env.db).await?;
    assert_eq!(status.len(), 1);
    assert_eq!(status[0].state, MigrationState::Applied);
    // The models work on the migrated database.
    blog_models::seed::seed(&env.db, blog_models::seed::SeedSize::small()).await?;
    // Down drops everything again.
    assert_eq!(m.down(&env.db, None).await?, vec![created.name.clone()]);
    assert!(env.live().await.is_empty(), "{:#?}", env.live().await);
    Ok(())
});

/// The schema before the change.
mod v1 {
    use orm_runtime::prelude::*;

    #[derive(DbEnum, Debug, Clone, Copy, PartialEq, Eq)]
    #[orm(name = "item_kind")]
    pub enum Kind {
        A,
        B,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "owners")]
    pub struct Owner {
        #[orm(id)]
        pub id: i64,
        pub name: String,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "items")]
    pub struct Item {
        #[orm(id)]
        pub id: i64,
        pub title: String,
        pub legacy: Option<String>,
        pub old_name: String,
        pub price: i32,
        pub note: Option<String>,
        pub kind: Kind,
        #[orm(index)]
        pub code: String,
        pub owner_id: Option<i64>,
        #[orm(belongs_to(fk = owner_id, on_delete = SetNull))]
        pub owner: BelongsTo<Option<Owner>>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "old_tags")]
    pub struct Tag {
        #[orm(id)]
        pub id: i64,
        pub name: String,
    }

    pub fn schema() -> Schema {
        Schema::new()
            .model::<Owner>()
            .model::<Item>()
            .model::<Tag>()
    }
}

/// The schema after: a dropped column, a renamed column, a widened type, a nullable column made
/// required with a default, an enum variant, an added column with a default, a new index, a dropped
/// index, a full-text index, a changed foreign key, and a renamed table.
mod v2 {
    use orm_runtime::prelude::*;

    #[derive(DbEnum, Debug, Clone, Copy, PartialEq, Eq)]
    #[orm(name = "item_kind")]
    pub enum Kind {
        A,
        B,
        C,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "owners")]
    pub struct Owner {
        #[orm(id)]
        pub id: i64,
        pub name: String,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "items", fulltext(title, label))]
    pub struct Item {
        #[orm(id)]
        pub id: i64,
        #[orm(index)]
        pub title: String,
        #[orm(renamed_from = "old_name")]
        pub label: String,
        pub price: i64,
        #[orm(default = "none")]
        pub note: String,
        pub kind: Kind,
        pub code: String,
        #[orm(default = 0)]
        pub stock: i32,
        pub owner_id: Option<i64>,
        #[orm(belongs_to(fk = owner_id, on_delete = Cascade))]
        pub owner: BelongsTo<Option<Owner>>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "labels", renamed_from = "old_tags")]
    pub struct Tag {
        #[orm(id)]
        pub id: i64,
        pub name: String,
    }

    pub fn schema() -> Schema {
        Schema::new()
            .model::<Owner>()
            .model::<Item>()
            .model::<Tag>()
    }
}

async fn seed_v1(db: &Client) -> orm_runtime::Result<()> {
    use v1::*;
    Owner::create_many(vec![
        NewOwner {
            id: 1,
            name: "ann".into(),
        },
        NewOwner {
            id: 2,
            name: "bob".into(),
        },
    ])
    .exec(db)
    .await?;
    let items = (1..=6)
        .map(|i| NewItem {
            id: i,
            title: format!("title {i}"),
            legacy: (i % 2 == 0).then(|| format!("legacy {i}")),
            old_name: format!("name {i}"),
            price: 100 * i as i32,
            note: (i % 3 == 0).then(|| format!("note {i}")),
            kind: if i % 2 == 0 { Kind::A } else { Kind::B },
            code: format!("c{i}"),
            owner_id: if i == 6 { None } else { Some(1 + i % 2) },
        })
        .collect::<Vec<_>>();
    Item::create_many(items).exec(db).await?;
    Tag::create_many(vec![
        NewTag {
            id: 1,
            name: "rust".into(),
        },
        NewTag {
            id: 2,
            name: "sql".into(),
        },
    ])
    .exec(db)
    .await?;
    Ok(())
}

migrate_test!(
    every_change_keeps_rows_and_down_restores,
    |env| async move {
        let db = &env.db;
        let m1 = env.migrator(v1::schema());
        m1.dev(db, "init", DevOptions::default())
            .await?
            .expect("init");
        seed_v1(db).await?;
        let before = env.live().await;

        // Dropping `legacy` (3 rows hold a value) is refused without the accept flag; nothing is written.
        let m2 = env.migrator(v2::schema());
        match m2.dev(db, "change", DevOptions::default()).await {
            Err(Error::Migrate(MigrateError::DataLoss { warnings })) => {
                let legacy = warnings
                    .iter()
                    .find(|w| w.description.contains("items.legacy"))
                    .unwrap_or_else(|| panic!("{warnings:?}"));
                assert_eq!(legacy.rows, 3);
            }
            other => panic!("expected a data-loss refusal, got {other:?}"),
        }
        assert_eq!(m2.local()?.len(), 1, "a refused migration writes no files");

        let change = m2
            .dev(
                db,
                "change",
                DevOptions {
                    accept_data_loss: true,
                    ..Default::default()
                },
            )
            .await?
            .expect("a second migration");
        let described: Vec<String> = change.steps.iter().map(|s| s.describe()).collect();
        assert!(
            described
                .iter()
                .any(|s| s.contains("rename table `old_tags` to `labels`")),
            "{described:#?}"
        );
        assert!(
            described
                .iter()
                .any(|s| s.contains("rename column `items.old_name` to `label`")),
            "{described:#?}"
        );
        assert!(
            change
                .up
                .contains("-- WARNING: drops column `items.legacy`"),
            "{}",
            change.up
        );
        assert_eq!(env.changes_to(&v2::schema()).await, Vec::<String>::new());

        // Every row survived, with its values carried over.
        let items = v2::Item::find_many()
            .order_by(v2::Item::ID.asc())
            .exec(db)
            .await?;
        assert_eq!(items.len(), 6);
        for it in &items {
            let i = it.id;
            assert_eq!(it.title, format!("title {i}"));
            assert_eq!(it.label, format!("name {i}"));
            assert_eq!(it.price, 100 * i);
            let note = if i % 3 == 0 {
                format!("note {i}")
            } else {
                "none".into()
            };
            assert_eq!(it.note, note);
            assert_eq!(it.kind, if i % 2 == 0 { v2::Kind::A } else { v2::Kind::B });
            assert_eq!(it.stock, 0);
            assert_eq!(it.owner_id, if i == 6 { None } else { Some(1 + i % 2) });
        }
        let tags = v2::Tag::find_many()
            .order_by(v2::Tag::ID.asc())
            .exec(db)
            .await?;
        assert_eq!(
            tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            ["rust", "sql"]
        );
        // The new variant and the new foreign-key action work.
        v2::Item::update(v2::Item::ID.eq(1))
            .data(v2::ItemUpdate {
                kind: Patch::set(v2::Kind::C),
                ..Default::default()
            })
            .exec(db)
            .await?;
        v2::Item::update(v2::Item::ID.eq(1))
            .data(v2::ItemUpdate {
                kind: Patch::set(v2::Kind::A),
                ..Default::default()
            })
            .exec(db)
            .await?;
        v2::Owner::delete(v2::Owner::ID.eq(2)).exec(db).await?;
        assert_eq!(
            v2::Item::count().exec(db).await?,
            3,
            "ON DELETE CASCADE removed owner 2's items"
        );

        // Down returns to the identical schema; the rows keep everything but the dropped column.
        assert_eq!(m2.down(db, None).await?, vec![change.name.clone()]);
        // (Column positions aside: PostgreSQL and MySQL append a re-added column at the end.)
        assert_eq!(by_name(env.live().await), by_name(before));
        let items = v1::Item::find_many()
            .order_by(v1::Item::ID.asc())
            .exec(db)
            .await?;
        assert_eq!(items.iter().map(|i| i.id).collect::<Vec<_>>(), [2, 4, 6]);
        for it in &items {
            assert_eq!(it.old_name, format!("name {}", it.id));
            assert_eq!(it.price, 100 * it.id as i32);
            assert_eq!(it.legacy, None);
        }
        // And up again.
        assert_eq!(m2.deploy(db).await?, vec![change.name.clone()]);
        assert_eq!(env.changes_to(&v2::schema()).await, Vec::<String>::new());
        Ok(())
    }
);

migrate_test!(drift_checksum_and_failed_migrations, |env| async move {
    let db = &env.db;
    let d = db.dialect();
    let m = env.migrator(v1::schema());
    let init = m
        .dev(db, "init", DevOptions::default())
        .await?
        .expect("init");
    seed_v1(db).await?;

    // Drift: a column and an index added by hand are explained, and `dev` refuses to go on.
    orm_runtime::sql!("ALTER TABLE owners ADD COLUMN extra INTEGER")
        .execute(db)
        .await?;
    orm_runtime::sql!("CREATE INDEX owners_name_hand ON owners (name)")
        .execute(db)
        .await?;
    let drift = m.drift(db).await?;
    assert!(
        drift.contains(
            &"column `owners.extra` exists in the database, but no migration adds it".to_owned()
        ),
        "{drift:#?}"
    );
    assert!(
        drift
            .iter()
            .any(|l| l.contains("index `owners_name_hand` on `owners` exists in the database")),
        "{drift:#?}"
    );
    match m.dev(db, "next", DevOptions::default()).await {
        Err(Error::Migrate(MigrateError::Drift { differences })) => {
            assert_eq!(differences.len(), 2)
        }
        other => panic!("expected drift, got {other:?}"),
    }
    orm_runtime::sql!("DROP INDEX owners_name_hand ON owners")
        .execute(db)
        .await
        .ok();
    if d.backend != orm_runtime::sql::Backend::MySql {
        orm_runtime::sql!("DROP INDEX owners_name_hand")
            .execute(db)
            .await?;
    }
    orm_runtime::sql!("ALTER TABLE owners DROP COLUMN extra")
        .execute(db)
        .await?;
    assert!(m.drift(db).await?.is_empty());

    // An applied migration edited afterwards is refused.
    let up = init.path.join("up.sql");
    let original = std::fs::read_to_string(&up).unwrap();
    std::fs::write(&up, format!("{original}\n-- edited\n")).unwrap();
    match m.deploy(db).await {
        Err(Error::Migrate(MigrateError::ChecksumMismatch { name, .. })) => {
            assert_eq!(name, init.name)
        }
        other => panic!("expected a checksum error, got {other:?}"),
    }
    assert_eq!(m.status(db).await?[0].state, MigrationState::Modified);
    std::fs::write(&up, &original).unwrap();

    // A failing migration: atomic on PostgreSQL and SQLite (nothing applied, nothing recorded);
    // on MySQL recorded as failed, and everything refuses until it is resolved.
    let bad = env.dir.join("29990101000000_bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        bad.join("up.sql"),
        "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n",
    )
    .unwrap();
    std::fs::write(bad.join("down.sql"), "DROP TABLE half_done;\n").unwrap();
    match m.deploy(db).await {
        Err(Error::Migrate(MigrateError::Apply { name, recorded, .. })) => {
            assert_eq!(name, "29990101000000_bad");
            assert_eq!(recorded, d.backend == orm_runtime::sql::Backend::MySql);
        }
        other => panic!("expected a failed migration, got {other:?}"),
    }
    let half_done = env.live().await.table("half_done").is_some();
    if d.backend == orm_runtime::sql::Backend::MySql {
        assert!(half_done, "MySQL commits DDL statement by statement");
        assert!(matches!(
            m.status(db).await?.last().unwrap().state,
            MigrationState::Failed { .. }
        ));
        match m.deploy(db).await {
            Err(Error::Migrate(MigrateError::Failed { name, logs })) => {
                assert_eq!(name, "29990101000000_bad");
                assert!(logs.unwrap_or_default().contains("no_such_table"));
            }
            other => panic!("expected the failed migration to block, got {other:?}"),
        }
        // Undo by hand, fix the file, resolve, deploy.
        orm_runtime::sql!("DROP TABLE half_done")
            .execute(db)
            .await?;
        m.resolve_rolled_back(db, "29990101000000_bad").await?;
    } else {
        assert!(
            !half_done,
            "the failed migration was rolled back as a whole"
        );
        assert_eq!(
            m.status(db).await?.last().unwrap().state,
            MigrationState::Pending
        );
    }
    std::fs::write(bad.join("up.sql"), "CREATE TABLE half_done (id INTEGER);\n").unwrap();
    assert_eq!(m.deploy(db).await?, vec!["29990101000000_bad".to_owned()]);
    assert!(env.live().await.table("half_done").is_some());
    assert_eq!(
        m.down(db, Some(&init.name)).await?,
        vec!["29990101000000_bad".to_owned()]
    );
    assert!(env.live().await.table("half_done").is_none());
    // The seeded rows were never touched.
    assert_eq!(v1::Item::count().exec(db).await?, 6);

    // Reset drops everything and re-applies.
    std::fs::remove_dir_all(&bad).unwrap();
    assert_eq!(m.reset(db).await?, vec![init.name.clone()]);
    assert_eq!(v1::Item::count().exec(db).await?, 0);
    assert_eq!(env.changes_to(&v1::schema()).await, Vec::<String>::new());
    Ok(())
});

migrate_test!(db_push_syncs_without_history, |env| async move {
    let db = &env.db;
    let m1 = env.migrator(v1::schema());
    assert!(!m1.push(db, false).await?.is_empty());
    seed_v1(db).await?;
    assert!(
        m1.push(db, false).await?.is_empty(),
        "a second push has nothing to do"
    );
    let m2 = env.migrator(v2::schema());
    assert!(matches!(
        m2.push(db, false).await,
        Err(Error::Migrate(MigrateError::DataLoss { .. }))
    ));
    m2.push(db, true).await?;
    assert_eq!(env.changes_to(&v2::schema()).await, Vec::<String>::new());
    assert_eq!(v2::Item::count().exec(db).await?, 6);
    assert!(m2.history(db).await?.is_empty());
    Ok(())
});

/// `db pull` of the blog database on every configured backend writes models that compile and
/// describe the same schema again: each generated file is built and run by trybuild, and its `main`
/// diffs the pulled models against the introspected schema (embedded as JSON).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn db_pull_writes_models_that_compile_and_round_trip() {
    let dir = std::env::temp_dir().join("orm-tests").join("pull");
    std::fs::create_dir_all(&dir).unwrap();
    let cases = trybuild::TestCases::new();
    for backend in orm_tests::isolation::configured_backends() {
        let env = Env::new(backend).await;
        let m = env.migrator(blog_models::schema());
        m.push(&env.db, false).await.expect("push");
        let live = env.live().await;
        let d = env.db.dialect();
        let source = orm_runtime::migrate::render_models(&live, d);
        assert!(source.contains("pub struct User {"), "{source}");
        assert!(source.contains("BelongsTo<User>"), "{source}");
        let dialect = match d.backend {
            orm_runtime::sql::Backend::Postgres => "POSTGRES",
            orm_runtime::sql::Backend::MySql if d.mariadb => "MARIADB",
            orm_runtime::sql::Backend::MySql => "MYSQL",
            orm_runtime::sql::Backend::Sqlite => "SQLITE",
        };
        let json = serde_json::to_string(&live).unwrap();
        let program = format!(
            "{source}\nfn main() {{\n    let live: orm_runtime::schema::DbSchema = serde_json::from_str(LIVE).unwrap();\n    \
             let d = orm_runtime::sql::Dialect::{dialect};\n    \
             let steps = orm_runtime::schema::diff(&live, &schema().describe(d), d);\n    \
             let described: Vec<String> = steps.iter().map(|s| s.describe()).collect();\n    \
             assert!(described.is_empty(), \"{{described:#?}}\");\n}}\n\nconst LIVE: &str = r####\"{json}\"####;\n"
        );
        let file = dir.join(format!("blog_{}.rs", dialect.to_ascii_lowercase()));
        std::fs::write(&file, program).unwrap();
        cases.pass(&file);
        env.finish().await;
    }
    drop(cases);
}

/// The `orm` command line on every configured backend: exit codes a script can rely on.
#[test]
fn cli_commands_and_exit_codes() {
    use orm_runtime::migrate::cli::{Cli, EXIT_PENDING};
    let rt = tokio::runtime::Runtime::new().unwrap();
    for backend in orm_tests::isolation::configured_backends() {
        let env = rt.block_on(Env::new(backend));
        let url = env.isolated.url.clone();
        let dir = env.dir.to_string_lossy().into_owned();
        let cli = |args: &[&str]| -> u8 {
            let mut all = vec!["orm", "--database-url", &url, "--migrations", &dir];
            all.extend_from_slice(args);
            Cli::new(blog_models::schema())
                .seed(|db| async move {
                    blog_models::seed::seed(&db, blog_models::seed::SeedSize::small())
                        .await
                        .map(|_| ())
                })
                .exit_status_from(all)
        };
        assert_eq!(
            cli(&["migrate", "status"]),
            EXIT_PENDING,
            "{backend:?}: models not migrated"
        );
        assert_eq!(cli(&["migrate", "dev", "--name", "init"]), 0, "{backend:?}");
        assert_eq!(std::fs::read_dir(&env.dir).unwrap().count(), 1);
        assert_eq!(cli(&["migrate", "status"]), 0, "{backend:?}: up to date");
        assert_eq!(cli(&["migrate", "diff"]), 0, "{backend:?}");
        assert_eq!(cli(&["db", "seed"]), 0, "{backend:?}");
        assert_eq!(cli(&["migrate", "down"]), 0, "{backend:?}");
        assert_eq!(
            cli(&["migrate", "status"]),
            EXIT_PENDING,
            "{backend:?}: pending"
        );
        assert_eq!(cli(&["migrate", "deploy"]), 0, "{backend:?}");
        let pulled = env.dir.join("pulled.rs");
        assert_eq!(
            cli(&["db", "pull", "--output", &pulled.to_string_lossy()]),
            0
        );
        assert!(
            std::fs::read_to_string(&pulled)
                .unwrap()
                .contains("pub struct Post {")
        );
        assert_eq!(
            cli(&["migrate", "reset"]),
            2,
            "{backend:?}: reset needs --force"
        );
        assert_eq!(cli(&["migrate", "reset", "--force"]), 0, "{backend:?}");
        assert_eq!(
            cli(&["migrate", "resolve", "--applied", "nope"]),
            1,
            "{backend:?}"
        );
        assert_eq!(
            cli(&["migrate"]),
            2,
            "{backend:?}: a missing subcommand is a usage error"
        );
        rt.block_on(env.finish());
    }
}

/// A model whose generated names pass the 63-byte identifier limit: both compound keys start with
/// the same 63 bytes, which PostgreSQL used to cut into one name.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(
    table = "a_table_whose_name_is_long_enough_to_matter",
    unique(first_column_with_a_long_name, second_column_with_a_long_name_a),
    unique(first_column_with_a_long_name, second_column_with_a_long_name_b),
    index(second_column_with_a_long_name_a, second_column_with_a_long_name_b)
)]
pub struct LongNames {
    #[orm(id)]
    pub id: i64,
    pub first_column_with_a_long_name: String,
    pub second_column_with_a_long_name_a: String,
    pub second_column_with_a_long_name_b: String,
}

migrate_test!(generated_names_fit_the_identifier_limit, |env| async move {
    let schema = Schema::new().model::<LongNames>();
    for name in schema
        .describe(env.db.dialect())
        .tables
        .iter()
        .flat_map(|t| t.indexes.iter().map(|i| i.name.clone()))
    {
        assert!(name.len() <= 63, "`{name}` is {} bytes", name.len());
    }
    schema.push(&env.db).await?;
    // Introspection reads the same names back: nothing to change.
    assert_eq!(env.changes_to(&schema).await, Vec::<String>::new());
    let row = |id, a: &str, b: &str| NewLongNames {
        id,
        first_column_with_a_long_name: "x".into(),
        second_column_with_a_long_name_a: a.into(),
        second_column_with_a_long_name_b: b.into(),
    };
    LongNames::create(row(1, "a", "b")).exec(&env.db).await?;
    // Each key is its own constraint, and a violation names the right fields.
    match LongNames::create(row(2, "c", "b")).exec(&env.db).await {
        Err(Error::UniqueViolation { fields, .. }) => assert_eq!(
            fields,
            [
                "first_column_with_a_long_name",
                "second_column_with_a_long_name_b"
            ]
        ),
        other => panic!("expected a unique violation, got {other:?}"),
    }
    LongNames::create(row(3, "c", "d")).exec(&env.db).await?;
    Ok(())
});

/// Two models whose generated names collide (`a_b` + `c` and `a` + `b_c`).
#[derive(Model, Debug, Clone)]
#[orm(table = "a_b")]
pub struct CollideOne {
    #[orm(id)]
    pub id: i64,
    #[orm(unique)]
    pub c: String,
}

/// See [`CollideOne`].
#[derive(Model, Debug, Clone)]
#[orm(table = "a")]
pub struct CollideTwo {
    #[orm(id)]
    pub id: i64,
    #[orm(unique)]
    pub b_c: String,
}

#[test]
fn verify_reports_colliding_names() {
    let err = Schema::new()
        .model::<CollideOne>()
        .model::<CollideTwo>()
        .verify()
        .unwrap_err();
    assert!(err.to_string().contains("`a_b_c_key`"), "{err}");
}

/// A table created with the padding `utf8mb4_bin` collation (as before the NO PAD collation) gets a
/// migration step, after which trailing spaces count.
#[cfg(orm_mysql)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn padded_collation_gets_a_migration_step() {
    #[derive(Model, Debug, Clone)]
    #[orm(table = "words")]
    struct Word {
        #[orm(id)]
        id: i64,
        #[orm(unique)]
        text: String,
    }
    run(TestBackend::MySql, |env| async move {
        let schema = Schema::new().model::<Word>();
        schema.push(&env.db).await?;
        sql!("ALTER TABLE words MODIFY text VARCHAR(191) NOT NULL COLLATE utf8mb4_bin")
            .execute(&env.db)
            .await?;
        let steps = env.changes_to(&schema).await;
        assert!(
            steps.len() == 1 && steps[0].contains("collation utf8mb4_bin → utf8mb4_nopad_bin"),
            "{steps:?}"
        );
        env.migrator(schema.clone()).push(&env.db, false).await?;
        assert_eq!(env.changes_to(&schema).await, Vec::<String>::new());
        for (id, text) in [(1, "pad"), (2, "pad ")] {
            Word::create(NewWord {
                id,
                text: text.into(),
            })
            .exec(&env.db)
            .await?;
        }
        assert_eq!(
            Word::count()
                .filter(Word::TEXT.eq("pad"))
                .exec(&env.db)
                .await?,
            1
        );
        Ok(())
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// Index, key and type changes on tables holding rows.

/// Posts with the foreign-key index the models add (`posts_author_id_idx`), then an index that
/// starts with the key and covers it instead, then a unique key on it.
mod fk_index {
    pub mod v1 {
        use orm_runtime::prelude::*;

        #[derive(Model, Debug, Clone, PartialEq)]
        #[orm(table = "users")]
        pub struct User {
            #[orm(id)]
            pub id: i64,
            pub name: String,
        }

        #[derive(Model, Debug, Clone, PartialEq)]
        #[orm(table = "posts")]
        pub struct Post {
            #[orm(id)]
            pub id: i64,
            pub author_id: i64,
            pub title: String,
            #[orm(belongs_to(fk = author_id, on_delete = Cascade))]
            pub author: BelongsTo<User>,
        }

        pub fn schema() -> Schema {
            Schema::new().model::<User>().model::<Post>()
        }
    }

    pub mod v2 {
        use orm_runtime::prelude::*;

        pub use super::v1::User;

        #[derive(Model, Debug, Clone, PartialEq)]
        #[orm(table = "posts", index(author_id, title))]
        pub struct Post {
            #[orm(id)]
            pub id: i64,
            pub author_id: i64,
            pub title: String,
            #[orm(belongs_to(fk = author_id, on_delete = Cascade))]
            pub author: BelongsTo<User>,
        }

        pub fn schema() -> Schema {
            Schema::new().model::<User>().model::<Post>()
        }
    }

    pub mod v3 {
        use orm_runtime::prelude::*;

        pub use super::v1::User;

        #[derive(Model, Debug, Clone, PartialEq)]
        #[orm(table = "posts")]
        pub struct Post {
            #[orm(id)]
            pub id: i64,
            #[orm(unique)]
            pub author_id: i64,
            pub title: String,
            #[orm(belongs_to(fk = author_id, on_delete = Cascade))]
            pub author: BelongsTo<User>,
        }

        pub fn schema() -> Schema {
            Schema::new().model::<User>().model::<Post>()
        }
    }
}

// The index a foreign key needs is replaced (MySQL refuses to drop it while the key needs it):
// by one that gains a column, then by a unique one of another name, and back down.
migrate_test!(
    foreign_key_index_replaced_keeps_rows_and_key,
    |env| async move {
        use fk_index::*;
        let db = &env.db;
        let m1 = env.migrator(v1::schema());
        m1.dev(db, "init", DevOptions::default())
            .await?
            .expect("init");
        let v1_live = env.live().await;
        v1::User::create_many(
            (1..=3)
                .map(|id| v1::NewUser {
                    id,
                    name: format!("user {id}"),
                })
                .collect::<Vec<_>>(),
        )
        .exec(db)
        .await?;
        v1::Post::create_many(
            (1..=3)
                .map(|id| v1::NewPost {
                    id,
                    author_id: id,
                    title: format!("post {id}"),
                })
                .collect::<Vec<_>>(),
        )
        .exec(db)
        .await?;

        let wider = env
            .migrator(v2::schema())
            .dev(db, "wider", DevOptions::default())
            .await?
            .expect("wider");
        assert!(
            wider.up.contains("posts_author_id_title_idx"),
            "{}",
            wider.up
        );
        assert_eq!(env.changes_to(&v2::schema()).await, Vec::<String>::new());
        let v2_live = env.live().await;

        let m3 = env.migrator(v3::schema());
        let unique = m3
            .dev(db, "unique", DevOptions::default())
            .await?
            .expect("unique");
        assert!(unique.up.contains("posts_author_id_key"), "{}", unique.up);
        assert_eq!(env.changes_to(&v3::schema()).await, Vec::<String>::new());
        let posts = v3::Post::find_many()
            .order_by(v3::Post::ID.asc())
            .exec(db)
            .await?;
        assert_eq!(
            posts
                .iter()
                .map(|p| (p.id, p.author_id, p.title.clone()))
                .collect::<Vec<_>>(),
            (1..=3)
                .map(|i| (i, i, format!("post {i}")))
                .collect::<Vec<_>>()
        );
        // The key is still there, with its action, and the unique index holds.
        assert!(
            v3::Post::create(v3::NewPost {
                id: 9,
                author_id: 1,
                title: "again".into(),
            })
            .exec(db)
            .await
            .is_err()
        );
        v3::User::delete(v3::User::ID.eq(3)).exec(db).await?;
        assert_eq!(v3::Post::count().exec(db).await?, 2, "ON DELETE CASCADE");

        // Down, one migration at a time.
        assert_eq!(m3.down(db, None).await?, vec![unique.name.clone()]);
        assert_eq!(by_name(env.live().await), by_name(v2_live));
        assert_eq!(m3.down(db, None).await?, vec![wider.name.clone()]);
        assert_eq!(by_name(env.live().await), by_name(v1_live));
        assert_eq!(v1::Post::count().exec(db).await?, 2);
        v1::User::delete(v1::User::ID.eq(2)).exec(db).await?;
        assert_eq!(v1::Post::count().exec(db).await?, 1, "ON DELETE CASCADE");
        Ok(())
    }
);

/// A table whose auto-incrementing key becomes part of a composite key, and back.
mod composite_key {
    pub mod v1 {
        use orm_runtime::prelude::*;

        #[derive(Model, Debug, Clone, PartialEq)]
        #[orm(table = "settings")]
        pub struct Setting {
            #[orm(id, default = autoincrement)]
            pub id: i64,
            pub tenant_id: i64,
            pub value: String,
        }

        pub fn schema() -> Schema {
            Schema::new().model::<Setting>()
        }
    }

    pub mod v2 {
        use orm_runtime::prelude::*;

        #[derive(Model, Debug, Clone, PartialEq)]
        #[orm(table = "settings", id(tenant_id, id))]
        pub struct Setting {
            pub id: i64,
            pub tenant_id: i64,
            pub value: String,
        }

        pub fn schema() -> Schema {
            Schema::new().model::<Setting>()
        }
    }
}

migrate_test!(
    auto_increment_key_becomes_composite_and_back,
    |env| async move {
        use composite_key::*;
        let db = &env.db;
        env.migrator(v1::schema())
            .dev(db, "init", DevOptions::default())
            .await?
            .expect("init");
        let before = env.live().await;
        for (tenant_id, value) in [(1, "a"), (1, "b"), (2, "c")] {
            v1::Setting::create(v1::NewSetting {
                id: None,
                tenant_id,
                value: value.into(),
            })
            .exec(db)
            .await?;
        }
        let m2 = env.migrator(v2::schema());
        let change = m2
            .dev(db, "composite", DevOptions::default())
            .await?
            .expect("composite");
        assert_eq!(env.changes_to(&v2::schema()).await, Vec::<String>::new());
        let rows = v2::Setting::find_many()
            .order_by(v2::Setting::ID.asc())
            .exec(db)
            .await?;
        assert_eq!(
            rows.iter()
                .map(|s| (s.id, s.tenant_id, s.value.as_str()))
                .collect::<Vec<_>>(),
            [(1, 1, "a"), (2, 1, "b"), (3, 2, "c")]
        );
        v2::Setting::create(v2::NewSetting {
            id: 10,
            tenant_id: 2,
            value: "d".into(),
        })
        .exec(db)
        .await?;

        // Down: the key is `id` again, auto-incrementing past the rows.
        assert_eq!(m2.down(db, None).await?, vec![change.name.clone()]);
        assert_eq!(by_name(env.live().await), by_name(before));
        let next = v1::Setting::create(v1::NewSetting {
            id: None,
            tenant_id: 3,
            value: "e".into(),
        })
        .exec(db)
        .await?;
        assert_eq!(next.id, 11);
        assert_eq!(v1::Setting::count().exec(db).await?, 5);
        Ok(())
    }
);

/// An auto-incrementing key on a table rebuilt by SQLite (a column made optional).
mod autoincrement_rebuild {
    pub mod v1 {
        use orm_runtime::prelude::*;

        #[derive(Model, Debug, Clone, PartialEq)]
        #[orm(table = "tags")]
        pub struct Tag {
            #[orm(id, default = autoincrement)]
            pub id: i64,
            pub label: String,
        }

        pub fn schema() -> Schema {
            Schema::new().model::<Tag>()
        }
    }

    pub mod v2 {
        use orm_runtime::prelude::*;

        #[derive(Model, Debug, Clone, PartialEq)]
        #[orm(table = "tags")]
        pub struct Tag {
            #[orm(id, default = autoincrement)]
            pub id: i64,
            pub label: Option<String>,
        }

        pub fn schema() -> Schema {
            Schema::new().model::<Tag>()
        }
    }
}

migrate_test!(
    rebuilt_table_keeps_auto_increment_and_its_counter,
    |env| async move {
        use autoincrement_rebuild::*;
        let db = &env.db;
        env.migrator(v1::schema())
            .dev(db, "init", DevOptions::default())
            .await?
            .expect("init");
        for label in ["a", "b", "c"] {
            v1::Tag::create(v1::NewTag {
                id: None,
                label: label.into(),
            })
            .exec(db)
            .await?;
        }
        // The last id is deleted: it must not be handed out again.
        v1::Tag::delete(v1::Tag::ID.eq(3)).exec(db).await?;
        let autoincrement_declared = |live: DbSchema| {
            live.table("tags")
                .and_then(|t| t.column("id"))
                .is_some_and(|c| c.autoincrement)
        };

        let m2 = env.migrator(v2::schema());
        let change = m2
            .dev(db, "optional_label", DevOptions::default())
            .await?
            .expect("a migration");
        assert!(autoincrement_declared(env.live().await));
        assert_eq!(env.changes_to(&v2::schema()).await, Vec::<String>::new());
        let next = v2::Tag::create(v2::NewTag {
            id: None,
            label: None,
        })
        .exec(db)
        .await?;
        assert_eq!(next.id, 4, "an id deleted before the rebuild is not reused");
        v2::Tag::delete(v2::Tag::ID.eq(4)).exec(db).await?;
        assert_eq!(
            v2::Tag::find_many()
                .order_by(v2::Tag::ID.asc())
                .exec(db)
                .await?
                .into_iter()
                .map(|t| (t.id, t.label))
                .collect::<Vec<_>>(),
            [(1, Some("a".to_owned())), (2, Some("b".to_owned()))]
        );

        assert_eq!(m2.down(db, None).await?, vec![change.name.clone()]);
        assert!(autoincrement_declared(env.live().await));
        assert_eq!(env.changes_to(&v1::schema()).await, Vec::<String>::new());
        let next = v1::Tag::create(v1::NewTag {
            id: None,
            label: "e".into(),
        })
        .exec(db)
        .await?;
        assert_eq!(next.id, 5, "nor one deleted before the rebuild back");
        Ok(())
    }
);

/// A key holding rows becomes auto-incrementing, and back.
mod becomes_autoincrement {
    pub mod v1 {
        use orm_runtime::prelude::*;

        #[derive(Model, Debug, Clone, PartialEq)]
        #[orm(table = "counters")]
        pub struct Counter {
            #[orm(id)]
            pub id: i64,
            pub label: String,
        }

        pub fn schema() -> Schema {
            Schema::new().model::<Counter>()
        }
    }

    pub mod v2 {
        use orm_runtime::prelude::*;

        #[derive(Model, Debug, Clone, PartialEq)]
        #[orm(table = "counters")]
        pub struct Counter {
            #[orm(id, default = autoincrement)]
            pub id: i64,
            pub label: String,
        }

        pub fn schema() -> Schema {
            Schema::new().model::<Counter>()
        }
    }
}

migrate_test!(
    key_made_auto_increment_continues_after_rows,
    |env| async move {
        use becomes_autoincrement::*;
        let db = &env.db;
        env.migrator(v1::schema())
            .dev(db, "init", DevOptions::default())
            .await?
            .expect("init");
        let before = env.live().await;
        v1::Counter::create_many(
            (1..=3)
                .map(|id| v1::NewCounter {
                    id,
                    label: format!("c{id}"),
                })
                .collect::<Vec<_>>(),
        )
        .exec(db)
        .await?;
        let m2 = env.migrator(v2::schema());
        let change = m2
            .dev(db, "auto", DevOptions::default())
            .await?
            .expect("auto");
        assert_eq!(env.changes_to(&v2::schema()).await, Vec::<String>::new());
        let next = v2::Counter::create(v2::NewCounter {
            id: None,
            label: "next".into(),
        })
        .exec(db)
        .await?;
        assert_eq!(next.id, 4, "the sequence starts after the existing rows");

        assert_eq!(m2.down(db, None).await?, vec![change.name.clone()]);
        assert_eq!(by_name(env.live().await), by_name(before));
        v1::Counter::create(v1::NewCounter {
            id: 10,
            label: "explicit".into(),
        })
        .exec(db)
        .await?;
        // And up again: past the largest id.
        assert_eq!(m2.deploy(db).await?, vec![change.name.clone()]);
        assert_eq!(env.changes_to(&v2::schema()).await, Vec::<String>::new());
        let next = v2::Counter::create(v2::NewCounter {
            id: None,
            label: "after".into(),
        })
        .exec(db)
        .await?;
        assert_eq!(next.id, 11);
        assert_eq!(v2::Counter::count().exec(db).await?, 6);
        Ok(())
    }
);

/// An enum gains a variant that the same migration uses as a default (PostgreSQL cannot use a
/// value added by `ALTER TYPE .. ADD VALUE` in the transaction that added it).
mod enum_new_default {
    pub mod v1 {
        use orm_runtime::prelude::*;

        #[derive(DbEnum, Debug, Clone, Copy, PartialEq, Eq)]
        #[orm(name = "ticket_state")]
        pub enum State {
            Open,
            Closed,
        }

        #[derive(Model, Debug, Clone, PartialEq)]
        #[orm(table = "tickets")]
        pub struct Ticket {
            #[orm(id)]
            pub id: i64,
            pub state: State,
        }

        pub fn schema() -> Schema {
            Schema::new().model::<Ticket>()
        }
    }

    pub mod v2 {
        use orm_runtime::prelude::*;

        #[derive(DbEnum, Debug, Clone, Copy, PartialEq, Eq)]
        #[orm(name = "ticket_state")]
        pub enum State {
            Open,
            Closed,
            Triage,
        }

        #[derive(Model, Debug, Clone, PartialEq)]
        #[orm(table = "tickets")]
        pub struct Ticket {
            #[orm(id)]
            pub id: i64,
            #[orm(default = State::Triage)]
            pub state: State,
            #[orm(default = State::Triage)]
            pub previous: State,
        }

        pub fn schema() -> Schema {
            Schema::new().model::<Ticket>()
        }
    }
}

migrate_test!(enum_variant_added_and_used_as_default, |env| async move {
    use enum_new_default::*;
    let db = &env.db;
    env.migrator(v1::schema())
        .dev(db, "init", DevOptions::default())
        .await?
        .expect("init");
    let before = env.live().await;
    v1::Ticket::create_many(vec![
        v1::NewTicket {
            id: 1,
            state: v1::State::Open,
        },
        v1::NewTicket {
            id: 2,
            state: v1::State::Closed,
        },
    ])
    .exec(db)
    .await?;
    let m2 = env.migrator(v2::schema());
    let change = m2
        .dev(db, "triage", DevOptions::default())
        .await?
        .expect("triage");
    assert_eq!(env.changes_to(&v2::schema()).await, Vec::<String>::new());
    let rows = v2::Ticket::find_many()
        .order_by(v2::Ticket::ID.asc())
        .exec(db)
        .await?;
    assert_eq!(
        rows.iter()
            .map(|t| (t.id, t.state, t.previous))
            .collect::<Vec<_>>(),
        [
            (1, v2::State::Open, v2::State::Triage),
            (2, v2::State::Closed, v2::State::Triage)
        ]
    );
    // The database applies the new default.
    sql!("INSERT INTO tickets (id) VALUES (3)")
        .execute(db)
        .await?;
    let third = v2::Ticket::find_unique(v2::Ticket::ID.eq(3))
        .exec(db)
        .await?
        .expect("row 3");
    assert_eq!(
        (third.state, third.previous),
        (v2::State::Triage, v2::State::Triage)
    );

    // Down (the new variant goes: no row may hold it).
    v2::Ticket::delete(v2::Ticket::ID.eq(3)).exec(db).await?;
    assert_eq!(m2.down(db, None).await?, vec![change.name.clone()]);
    assert_eq!(by_name(env.live().await), by_name(before));
    assert_eq!(v1::Ticket::count().exec(db).await?, 2);
    Ok(())
});

/// `ON DELETE SET DEFAULT`: kept by PostgreSQL and SQLite; InnoDB does not support it (MariaDB
/// accepts the clause and enforces `RESTRICT`), so MySQL/MariaDB refuse the schema.
mod set_default {
    use orm_runtime::prelude::*;

    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "owners")]
    pub struct Owner {
        #[orm(id)]
        pub id: i64,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "things")]
    pub struct Thing {
        #[orm(id)]
        pub id: i64,
        #[orm(default = 1)]
        pub owner_id: i64,
        #[orm(belongs_to(fk = owner_id, on_delete = SetDefault))]
        pub owner: BelongsTo<Owner>,
    }

    pub fn schema() -> Schema {
        Schema::new().model::<Owner>().model::<Thing>()
    }
}

migrate_test!(on_delete_set_default_or_a_clear_refusal, |env| async move {
    use set_default::*;
    let db = &env.db;
    let d = db.dialect();
    let m = env.migrator(schema());
    if !d.capabilities().set_default_action {
        for result in [
            m.dev(db, "init", DevOptions::default()).await.map(|_| ()),
            m.push(db, false).await.map(|_| ()),
            schema().verify_for(d),
            schema().push(db).await,
        ] {
            match result {
                Err(Error::InvalidSchema { problems }) => assert!(
                    problems.len() == 1
                        && problems[0].contains("`Thing.owner`")
                        && problems[0].contains("SET DEFAULT"),
                    "{problems:?}"
                ),
                other => panic!("expected an invalid schema, got {other:?}"),
            }
        }
        assert!(env.live().await.table("things").is_none());
        assert!(m.local()?.is_empty(), "nothing was written");
        // Other backends take it.
        assert!(
            schema()
                .verify_for(orm_runtime::sql::Dialect::POSTGRES)
                .is_ok()
        );
        return Ok(());
    }
    m.dev(db, "init", DevOptions::default())
        .await?
        .expect("init");
    assert_eq!(env.changes_to(&schema()).await, Vec::<String>::new());
    Owner::create_many(vec![NewOwner { id: 1 }, NewOwner { id: 2 }])
        .exec(db)
        .await?;
    Thing::create_many(vec![
        NewThing {
            id: 1,
            owner_id: Some(2),
        },
        NewThing {
            id: 2,
            owner_id: Some(2),
        },
    ])
    .exec(db)
    .await?;
    Owner::delete(Owner::ID.eq(2)).exec(db).await?;
    let things = Thing::find_many()
        .order_by(Thing::ID.asc())
        .exec(db)
        .await?;
    assert_eq!(
        things.iter().map(|t| t.owner_id).collect::<Vec<_>>(),
        [1, 1]
    );
    Ok(())
});

/// A decimal widened (more integer digits, same scale) loses nothing: no data-loss refusal.
mod wider_decimal {
    pub mod v1 {
        use orm_runtime::prelude::*;

        #[derive(Model, Debug, Clone, PartialEq)]
        #[orm(table = "prices")]
        pub struct Price {
            #[orm(id)]
            pub id: i64,
            #[orm(db_type = "NUMERIC(10,2)")]
            pub amount: rust_decimal::Decimal,
        }

        pub fn schema() -> Schema {
            Schema::new().model::<Price>()
        }
    }

    pub mod v2 {
        use orm_runtime::prelude::*;

        #[derive(Model, Debug, Clone, PartialEq)]
        #[orm(table = "prices")]
        pub struct Price {
            #[orm(id)]
            pub id: i64,
            #[orm(db_type = "NUMERIC(14,2)")]
            pub amount: rust_decimal::Decimal,
        }

        pub fn schema() -> Schema {
            Schema::new().model::<Price>()
        }
    }
}

migrate_test!(decimal_widened_without_data_loss, |env| async move {
    use wider_decimal::*;
    // SQLite keeps decimals as text: nothing to widen.
    if env.backend == TestBackend::Sqlite {
        return Ok(());
    }
    let db = &env.db;
    env.migrator(v1::schema())
        .dev(db, "init", DevOptions::default())
        .await?
        .expect("init");
    let before = env.live().await;
    let amounts = ["12345678.90", "-0.01", "0"];
    v1::Price::create_many(
        amounts
            .iter()
            .zip(1..)
            .map(|(a, id)| v1::NewPrice {
                id,
                amount: a.parse().unwrap(),
            })
            .collect::<Vec<_>>(),
    )
    .exec(db)
    .await?;
    let m2 = env.migrator(v2::schema());
    // Applied without accepting data loss: nothing was flagged.
    let change = m2
        .dev(db, "wider", DevOptions::default())
        .await?
        .expect("wider");
    assert!(!change.up.contains("WARNING"), "{}", change.up);
    assert_eq!(env.changes_to(&v2::schema()).await, Vec::<String>::new());
    let rows = v2::Price::find_many()
        .order_by(v2::Price::ID.asc())
        .exec(db)
        .await?;
    assert_eq!(
        rows.iter().map(|p| p.amount).collect::<Vec<_>>(),
        amounts
            .iter()
            .map(|a| a.parse::<rust_decimal::Decimal>().unwrap())
            .collect::<Vec<_>>()
    );
    v2::Price::create(v2::NewPrice {
        id: 4,
        amount: "123456789012.34".parse().unwrap(),
    })
    .exec(db)
    .await?;
    // Narrowing back is flagged in the down migration.
    assert!(change.down.contains("WARNING"), "{}", change.down);
    v2::Price::delete(v2::Price::ID.eq(4)).exec(db).await?;
    assert_eq!(m2.down(db, None).await?, vec![change.name.clone()]);
    assert_eq!(by_name(env.live().await), by_name(before));
    assert_eq!(v1::Price::count().exec(db).await?, 3);
    Ok(())
});

// A schema written by hand (the models cannot declare it): the auto-incrementing `id` stays so
// while the key becomes `(tenant_id, id)`. InnoDB needs an index leading with `id`, which the
// differ adds; PostgreSQL takes the change as it is. (SQLite has no auto-increment column outside
// a one-column key.)
migrate_test!(
    hand_written_key_change_keeps_auto_increment_valid,
    |env| async move {
        use composite_key::*;
        if env.backend == TestBackend::Sqlite {
            return Ok(());
        }
        let db = &env.db;
        let d = db.dialect();
        let m = env.migrator(v1::schema());
        m.dev(db, "init", DevOptions::default())
            .await?
            .expect("init");
        for (tenant_id, value) in [(1, "a"), (2, "b")] {
            v1::Setting::create(v1::NewSetting {
                id: None,
                tenant_id,
                value: value.into(),
            })
            .exec(db)
            .await?;
        }
        let before = env.live().await;
        let mut to = before.clone();
        to.tables[0].primary_key.as_mut().unwrap().columns = vec!["tenant_id".into(), "id".into()];
        let script = |steps: Vec<orm_runtime::schema::Step>| {
            steps
                .iter()
                .flat_map(|s| s.sql(d))
                .map(|s| format!("{s};\n"))
                .collect::<String>()
        };
        let dir = env.dir.join("29990101000000_tenant_key");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("up.sql"), script(diff(&before, &to, d))).unwrap();
        std::fs::write(dir.join("down.sql"), script(diff(&to, &before, d))).unwrap();
        assert_eq!(
            m.deploy(db).await?,
            vec!["29990101000000_tenant_key".to_owned()]
        );
        let after = env.live().await;
        assert!(diff(&after, &to, d).is_empty(), "{after:#?}");
        assert_eq!(
            after.tables[0].primary_key.as_ref().unwrap().columns,
            ["tenant_id", "id"]
        );
        assert!(after.tables[0].column("id").unwrap().autoincrement);
        let next: Vec<(i64,)> = sql!("SELECT id FROM settings ORDER BY id")
            .fetch_all(db)
            .await?;
        assert_eq!(next, [(1,), (2,)]);
        sql!("INSERT INTO settings (tenant_id, value) VALUES (1, 'c')")
            .execute(db)
            .await?;
        let ids: Vec<(i64,)> = sql!("SELECT id FROM settings ORDER BY id")
            .fetch_all(db)
            .await?;
        assert_eq!(ids, [(1,), (2,), (3,)]);

        assert_eq!(
            m.down(db, None).await?,
            vec!["29990101000000_tenant_key".to_owned()]
        );
        assert_eq!(by_name(env.live().await), by_name(before));
        let next = v1::Setting::create(v1::NewSetting {
            id: None,
            tenant_id: 3,
            value: "d".into(),
        })
        .exec(db)
        .await?;
        assert_eq!(next.id, 4);
        Ok(())
    }
);

// ---------------------------------------------------------------------------------------------
// Partial indexes the models did not create.

mod partial {
    use orm_runtime::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[orm(table = "accounts")]
    pub struct Account {
        #[orm(id)]
        pub id: i64,
        #[orm(unique)]
        pub email: String,
        pub deleted_at: Option<chrono::DateTime<chrono::Utc>>,
    }
}

/// A partial unique index (`WHERE deleted_at IS NULL`) is not the models' full unique key: it is
/// introspected with its condition, diffed as a different index (so `migrate` makes the key
/// full, failing loudly while rows the partial index allowed break it), and recreated as itself,
/// condition included, by the reverse diff (a `down.sql`).
async fn partial_unique_index_is_not_the_full_key(env: Arc<Env>) -> orm_runtime::Result<()> {
    use partial::*;
    let schema = Schema::new().model::<Account>();
    let d = env.db.dialect();
    schema.push(&env.db).await?;
    let full = env.live().await;
    let key = full.tables[0]
        .indexes
        .iter()
        .find(|i| i.unique)
        .expect("the unique key")
        .name
        .clone();
    assert_eq!(key, "accounts_email_key");
    // On one connection: another one's cached schema would still hold the dropped index.
    let tx = env.db.begin().await?;
    sql!("DROP INDEX accounts_email_key").execute(&tx).await?;
    sql!("CREATE UNIQUE INDEX accounts_email_key ON accounts (email) WHERE deleted_at IS NULL")
        .execute(&tx)
        .await?;
    tx.commit().await?;
    let live = env.live().await;
    let index = live.tables[0]
        .indexes
        .iter()
        .find(|i| i.name == "accounts_email_key")
        .expect("the partial index");
    let predicate = index.predicate.as_deref().expect("introspected as partial");
    assert!(
        predicate
            .to_ascii_lowercase()
            .contains("deleted_at is null"),
        "{predicate}"
    );
    // Rows the partial index allows and the models' key does not.
    Account::create(NewAccount {
        id: 1,
        email: "a@example.com".into(),
        deleted_at: chrono::DateTime::from_timestamp(1_700_000_000, 0),
    })
    .exec(&env.db)
    .await?;
    Account::create(NewAccount {
        id: 2,
        email: "a@example.com".into(),
        deleted_at: None,
    })
    .exec(&env.db)
    .await?;
    let steps = env.changes_to(&schema).await;
    assert!(
        steps.iter().any(|s| s.contains("accounts_email_key")),
        "the partial index must not pass for the full key: {steps:?}"
    );
    // The reverse diff recreates the partial index with its condition.
    let back = diff(&schema.describe(d), &live, d);
    let sql: Vec<String> = back.iter().flat_map(|s| s.sql(d)).collect();
    assert!(
        sql.iter()
            .any(|s| s.contains("CREATE UNIQUE INDEX") && s.contains("WHERE")),
        "{sql:?}"
    );
    // Making the key full fails while the rows break it, and changes nothing.
    let refused = env.migrator(schema.clone()).push(&env.db, false).await;
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(Account::count().exec(&env.db).await?, 2);
    Account::delete(Account::ID.eq(1)).exec(&env.db).await?;
    env.migrator(schema.clone()).push(&env.db, false).await?;
    assert_eq!(env.changes_to(&schema).await, Vec::<String>::new());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_unique_index_is_not_the_full_key_sqlite() {
    run(
        TestBackend::Sqlite,
        partial_unique_index_is_not_the_full_key,
    )
    .await;
}

#[cfg(orm_postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_unique_index_is_not_the_full_key_postgres() {
    run(
        TestBackend::Postgres,
        partial_unique_index_is_not_the_full_key,
    )
    .await;
}

mod unique_v1 {
    use orm_runtime::prelude::*;
    /// A member whose handle is not unique yet.
    #[derive(Model, Debug, Clone)]
    #[orm(table = "members")]
    pub struct Member {
        /// Key.
        #[orm(id)]
        pub id: i64,
        /// Handle.
        pub handle: Option<String>,
    }
    pub fn schema() -> Schema {
        Schema::new().model::<Member>()
    }
}

mod unique_v2 {
    use orm_runtime::prelude::*;
    /// The member, with a unique handle.
    #[derive(Model, Debug, Clone)]
    #[orm(table = "members")]
    pub struct Member {
        /// Key.
        #[orm(id)]
        pub id: i64,
        /// Handle.
        #[orm(unique)]
        pub handle: Option<String>,
    }
    pub fn schema() -> Schema {
        Schema::new().model::<Member>()
    }
}

migrate_test!(
    a_unique_index_over_duplicates_is_refused_before_anything_runs,
    |env| async move {
        let m1 = env.migrator(unique_v1::schema());
        m1.dev(&env.db, "init", DevOptions::default()).await?;
        for (id, handle) in [
            (1, Some("ada")),
            (2, Some("ada")),
            (3, Some("bob")),
            (4, Some("bob")),
            (5, Some("bob")),
            (6, None),
            (7, None),
            (8, Some("cy")),
        ] {
            unique_v1::Member::create(unique_v1::NewMember {
                id,
                handle: handle.map(Into::into),
            })
            .exec(&env.db)
            .await?;
        }
        let m2 = env.migrator(unique_v2::schema());
        let before = m2.local()?.len();
        let err = m2
            .dev(
                &env.db,
                "unique_handle",
                DevOptions {
                    accept_data_loss: true,
                    ..Default::default()
                },
            )
            .await
            .expect_err("duplicates");
        match &err {
            Error::Migrate(MigrateError::UniqueViolated {
                table,
                columns,
                duplicates,
                examples,
                ..
            }) => {
                assert_eq!(table, "members");
                assert_eq!(columns, &["handle".to_owned()]);
                // `ada` twice, `bob` three times; the NULLs never conflict.
                assert_eq!(*duplicates, 2);
                assert_eq!(examples, &["(bob) × 3".to_owned(), "(ada) × 2".to_owned()]);
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("bob"), "{err}");
        // Nothing was written or applied.
        assert_eq!(m2.local()?.len(), before);
        // `db push` refuses alike.
        assert!(matches!(
            m2.push(&env.db, true).await,
            Err(Error::Migrate(MigrateError::UniqueViolated { .. }))
        ));
        // Without duplicates it goes through.
        unique_v1::Member::delete_many()
            .filter(unique_v1::Member::ID.in_([2, 4, 5]))
            .exec(&env.db)
            .await?;
        let created = m2
            .dev(&env.db, "unique_handle", DevOptions::default())
            .await?
            .expect("a migration");
        assert!(created.applied);
        Ok(())
    }
);

mod lint_v1 {
    use orm_runtime::prelude::*;
    /// A gadget whose label may be missing.
    #[derive(Model, Debug, Clone)]
    #[orm(table = "gadgets")]
    pub struct Gadget {
        /// Key.
        #[orm(id)]
        pub id: i64,
        /// Label.
        pub label: Option<String>,
    }
    pub fn schema() -> Schema {
        Schema::new().model::<Gadget>()
    }
}

mod lint_v2 {
    use orm_runtime::prelude::*;
    /// The gadget, its label required and indexed.
    #[derive(Model, Debug, Clone)]
    #[orm(table = "gadgets", index(label))]
    pub struct Gadget {
        /// Key.
        #[orm(id)]
        pub id: i64,
        /// Label.
        pub label: String,
    }
    pub fn schema() -> Schema {
        Schema::new().model::<Gadget>()
    }
}

migrate_test!(
    the_lint_flags_steps_that_lock_a_table_with_rows,
    |env| async move {
        let m1 = env.migrator(lint_v1::schema());
        m1.dev(&env.db, "init", DevOptions::default()).await?;
        let m2 = env.migrator(lint_v2::schema());
        // An empty table: nothing to flag.
        let (recorded, changes) = m2.lint(&env.db).await?;
        assert!(recorded.is_empty() && changes.is_empty(), "{changes:?}");
        for id in 1..=3 {
            lint_v1::Gadget::create(lint_v1::NewGadget {
                id,
                label: Some(format!("g{id}")),
            })
            .exec(&env.db)
            .await?;
        }
        let (_, changes) = m2.lint(&env.db).await?;
        assert!(!changes.is_empty());
        for l in &changes {
            assert_eq!((l.table.as_str(), l.rows), ("gadgets", 3), "{l}");
        }
        let text: Vec<String> = changes.iter().map(|l| l.to_string()).collect();
        match env.backend {
            TestBackend::Postgres => {
                assert!(
                    text.iter()
                        .any(|t| t.contains("SET NOT NULL") && t.contains("NOT VALID")),
                    "{text:?}"
                );
                assert!(text.iter().any(|t| t.contains("CONCURRENTLY")), "{text:?}");
            }
            TestBackend::MySql => assert!(
                text.iter().any(|t| t.contains("ALGORITHM=COPY")),
                "{text:?}"
            ),
            TestBackend::Sqlite => assert!(
                text.iter().any(|t| t.contains("copied into a new one")),
                "{text:?}"
            ),
        }
        // `migrate dev` writes the findings into the file, and `lint` reads them back while pending.
        let created = m2
            .dev(
                &env.db,
                "require_label",
                DevOptions {
                    create_only: true,
                    ..Default::default()
                },
            )
            .await?
            .expect("a migration");
        assert_eq!(created.lints, changes);
        assert!(created.up.contains("-- LINT: "), "{}", created.up);
        let (recorded, changes) = m2.lint(&env.db).await?;
        assert_eq!(recorded.len(), 1);
        assert_eq!(recorded[0].1.len(), created.lints.len());
        assert!(changes.is_empty());
        // The lint warns; it does not stop the migration.
        assert_eq!(m2.deploy(&env.db).await?, vec![created.name.clone()]);
        assert!(m2.lint(&env.db).await?.0.is_empty());
        Ok(())
    }
);

mod online_v1 {
    use orm_runtime::prelude::*;
    /// A sensor reading.
    #[derive(Model, Debug, Clone)]
    #[orm(table = "readings")]
    pub struct Reading {
        /// Key.
        #[orm(id)]
        pub id: i64,
        /// The sensor.
        pub sensor: i64,
        /// The value.
        pub value: f64,
    }
    pub fn schema() -> Schema {
        Schema::new().model::<Reading>()
    }
}

mod online_v2 {
    use orm_runtime::prelude::*;
    /// The reading, indexed by sensor.
    #[derive(Model, Debug, Clone)]
    #[orm(table = "readings", index(sensor, value))]
    pub struct Reading {
        /// Key.
        #[orm(id)]
        pub id: i64,
        /// The sensor.
        pub sensor: i64,
        /// The value.
        pub value: f64,
    }
    pub fn schema() -> Schema {
        Schema::new().model::<Reading>()
    }
}

const READINGS: i64 = 200_000;

/// Writes (without applying) the migration that indexes `readings` online.
async fn write_online_index(
    env: &Env,
) -> orm_runtime::Result<(Migrator, orm_runtime::migrate::NewMigration)> {
    let m2 = env.migrator(online_v2::schema());
    let created = m2
        .dev(
            &env.db,
            "index_sensor",
            DevOptions {
                online: true,
                create_only: true,
                ..Default::default()
            },
        )
        .await?
        .expect("a migration");
    Ok((m2, created))
}

migrate_test!(an_online_index_lets_writers_go_on, |env| async move {
    let m1 = env.migrator(online_v1::schema());
    m1.dev(&env.db, "init", DevOptions::default()).await?;
    let fill = match env.backend {
        TestBackend::Postgres => orm_runtime::sql!(
            "INSERT INTO readings (id, sensor, value) SELECT i, i % 1000, i * 0.5 FROM generate_series(1, 200000) i"
        ),
        TestBackend::MySql => orm_runtime::sql!(
            "INSERT INTO readings (id, sensor, value) SELECT seq, seq % 1000, seq * 0.5 FROM seq_1_to_200000"
        ),
        TestBackend::Sqlite => orm_runtime::sql!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) \
             INSERT INTO readings (id, sensor, value) SELECT i, i % 1000, i * 0.5 FROM n"
        ),
    };
    fill.execute(&env.db).await?;
    let (m2, created) = write_online_index(&env).await?;
    match env.backend {
        TestBackend::Postgres => {
            assert!(
                created.up.contains("CONCURRENTLY IF NOT EXISTS"),
                "{}",
                created.up
            );
            assert!(
                created.up.contains("-- orm: no-transaction"),
                "{}",
                created.up
            );
            // Written in its online form, the index raises no lint.
            assert!(created.lints.is_empty(), "{:?}", created.lints);
        }
        TestBackend::MySql => {
            assert!(
                created.up.contains("ALGORITHM=INPLACE LOCK=NONE"),
                "{}",
                created.up
            )
        }
        TestBackend::Sqlite => assert!(!created.up.contains("orm:"), "{}", created.up),
    }
    // A writer keeps inserting while the migration builds the index.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let db = env.db.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            let (mut n, mut worst) = (0i64, std::time::Duration::ZERO);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let started = std::time::Instant::now();
                online_v1::Reading::create(online_v1::NewReading {
                    id: READINGS + 1 + n,
                    sensor: n % 1000,
                    value: 1.0,
                })
                .exec(&db)
                .await?;
                worst = worst.max(started.elapsed());
                n += 1;
            }
            Ok::<_, Error>((n, worst))
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let started = std::time::Instant::now();
    assert_eq!(m2.deploy(&env.db).await?, vec![created.name.clone()]);
    let took = started.elapsed();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (written, worst) = writer.await.expect("writer")?;
    eprintln!(
        "{:?}: index on {READINGS} rows in {took:?}; the writer inserted {written} rows, its longest insert {worst:?}",
        env.backend
    );
    assert!(written > 0);
    assert!(
        worst < orm_runtime::migrate::ONLINE_LOCK_TIMEOUT,
        "a writer waited {worst:?}"
    );
    assert!(m2.pending_changes(&env.db).await?.is_empty());
    assert_eq!(
        online_v1::Reading::count().exec(&env.db).await?,
        READINGS + written
    );
    Ok(())
});

/// An online migration that cannot get its lock gives up after the lock timeout, tries again
/// [`ONLINE_ATTEMPTS`] times, and then fails, recorded, leaving no `INVALID` index behind; once the
/// lock is free it is resolved and deployed.
#[cfg(orm_postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_online_migration_gives_up_on_a_lock_it_cannot_get_postgres() {
    use orm_runtime::migrate::{ONLINE_ATTEMPTS, ONLINE_LOCK_TIMEOUT};
    run(TestBackend::Postgres, |env| async move {
        let m1 = env.migrator(online_v1::schema());
        m1.dev(&env.db, "init", DevOptions::default()).await?;
        let (m2, created) = write_online_index(&env).await?;
        // A long transaction holds a lock `CREATE INDEX CONCURRENTLY` waits for (writers are not
        // blocked by it).
        let holder = env.db.begin().await?;
        orm_runtime::sql!("LOCK TABLE readings IN SHARE UPDATE EXCLUSIVE MODE")
            .execute(&holder)
            .await?;
        let started = std::time::Instant::now();
        let err = m2.deploy(&env.db).await.expect_err("the lock is never free");
        let took = started.elapsed();
        assert!(
            matches!(&err, Error::Migrate(MigrateError::Apply { recorded: true, source, .. }) if matches!(**source, Error::LockTimeout(_))),
            "{err:?}"
        );
        let least = ONLINE_LOCK_TIMEOUT * ONLINE_ATTEMPTS;
        assert!(took >= least, "{took:?}: every attempt waits the lock timeout");
        let invalid: (i64,) = orm_runtime::sql!(
            "SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             WHERE NOT i.indisvalid AND c.relname LIKE 'readings%'"
        )
        .fetch_one(&env.db)
        .await?;
        assert_eq!(invalid.0, 0, "no INVALID index is left");
        assert!(matches!(
            m2.status(&env.db).await?.pop().map(|s| s.state),
            Some(MigrationState::Failed { .. })
        ));
        holder.rollback().await?;
        m2.resolve_rolled_back(&env.db, &created.name).await?;
        assert_eq!(m2.deploy(&env.db).await?, vec![created.name.clone()]);
        assert!(m2.pending_changes(&env.db).await?.is_empty());
        Ok(())
    })
    .await;
}

fn halve_values(tx: &Transaction) -> orm_runtime::migrate::StepFuture<'_> {
    Box::pin(async move {
        orm_runtime::sql!("UPDATE readings SET value = value / 2")
            .execute(tx)
            .await?;
        Ok(())
    })
}

fn double_values(tx: &Transaction) -> orm_runtime::migrate::StepFuture<'_> {
    Box::pin(async move {
        orm_runtime::sql!("UPDATE readings SET value = value * 2")
            .execute(tx)
            .await?;
        Ok(())
    })
}

migrate_test!(an_online_migration_with_a_data_step, |env| async move {
    let m1 = env.migrator(online_v1::schema());
    m1.dev(&env.db, "init", DevOptions::default()).await?;
    online_v1::Reading::create(online_v1::NewReading {
        id: 1,
        sensor: 1,
        value: 8.0,
    })
    .exec(&env.db)
    .await?;
    let m2 = env.migrator(online_v2::schema()).data_migration(
        "index_sensor",
        halve_values,
        double_values,
    );
    let created = m2
        .dev(
            &env.db,
            "index_sensor",
            DevOptions {
                online: true,
                data_step: true,
                ..Default::default()
            },
        )
        .await?
        .expect("a migration");
    assert!(created.applied);
    let value = || async {
        online_v1::Reading::find_unique(online_v1::Reading::ID.eq(1))
            .exec(&env.db)
            .await
            .map(|r| r.expect("row").value)
    };
    assert_eq!(value().await?, 4.0);
    for s in m2.status(&env.db).await? {
        assert_eq!(s.state, MigrationState::Applied, "{}", s.name);
    }
    assert!(m2.pending_changes(&env.db).await?.is_empty());
    m2.down(&env.db, None).await?;
    assert_eq!(value().await?, 8.0);
    Ok(())
});
