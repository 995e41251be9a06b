//! Migration-engine commands on every backend that had no test of their own: baselining an existing
//! database (`migrate baseline`, `migrate resolve --applied`), resolving a failed migration,
//! `migrate dev --create-only` followed by a hand edit, `--shadow-database-url`, the command line's
//! `DATABASE_URL` from the environment and from `.env`, and `migrate diff`.
//!
//! The command-line tests that need a working directory of their own or the printed output run the
//! command line in a child process: the test binary itself, re-run on the one test
//! (`<test> --exact`), which sees [`CHILD_ARGS`] and runs `Cli::exit_status_from` there instead of
//! the test. No binary is built for it (`CARGO_BIN_EXE_orm` is not available to this crate) and this
//! process's current directory and environment are never changed, so the other tests running in
//! parallel are not affected.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use orm_runtime::migrate::cli::{Cli, EXIT_PENDING};
use orm_runtime::migrate::{DevOptions, MigrateError, MigrationState, Migrator};
use orm_runtime::prelude::*;
use orm_runtime::schema::introspect;
use orm_runtime::sql::Backend;
use orm_tests::migrate_env::{MigrateEnv as Env, changes_to, temp_path};
use orm_tests::migrate_test;
use orm_tests::{IsolatedDb, TestBackend};

/// The models before the change.
mod v1 {
    use orm_runtime::prelude::*;

    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "widgets")]
    pub struct Widget {
        #[orm(id)]
        pub id: i64,
        pub name: String,
    }

    pub fn schema() -> Schema {
        Schema::new().model::<Widget>()
    }
}

/// The models after: a nullable column added to `widgets`, and a new table.
mod v2 {
    use orm_runtime::prelude::*;

    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "widgets")]
    pub struct Widget {
        #[orm(id)]
        pub id: i64,
        pub name: String,
        pub color: Option<String>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "gadgets")]
    pub struct Gadget {
        #[orm(id)]
        pub id: i64,
        pub label: String,
    }

    pub fn schema() -> Schema {
        Schema::new().model::<Widget>().model::<Gadget>()
    }
}

/// The states of [`Migrator::status`], in order.
async fn states(m: &Migrator, db: &Client) -> orm_runtime::Result<Vec<MigrationState>> {
    Ok(m.status(db).await?.into_iter().map(|s| s.state).collect())
}

/// Writes a hand-made migration `name` into `dir`.
fn write_migration(dir: &Path, name: &str, up: &str, down: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(&path).unwrap();
    std::fs::write(path.join("up.sql"), up).unwrap();
    std::fs::write(path.join("down.sql"), down).unwrap();
    path
}

/// Appends `text` to the `up.sql` of the migration in `path`; returns the text before.
fn append_to_up(path: &Path, text: &str) -> String {
    let up = path.join("up.sql");
    let before = std::fs::read_to_string(&up).unwrap();
    std::fs::write(&up, format!("{before}{text}")).unwrap();
    before
}

// ---------------------------------------------------------------------------------------------
// Baselining an existing database.
// ---------------------------------------------------------------------------------------------

migrate_test!(
    baseline_adopts_a_database_made_without_migrations,
    |env| async move {
        let db = &env.db;
        // A database made without migrations, holding a row.
        v1::schema().push(db).await?;
        v1::Widget::create(v1::NewWidget {
            id: 1,
            name: "existing".into(),
        })
        .exec(db)
        .await?;

        // Models that do not describe the database are refused, and nothing is written.
        match env.migrator(v2::schema()).baseline(db, "baseline").await {
            Err(Error::Migrate(MigrateError::NotBaselined { differences })) => {
                assert!(
                    differences.iter().any(|d| d.contains("color")),
                    "{differences:#?}"
                );
                assert!(
                    differences.iter().any(|d| d.contains("gadgets")),
                    "{differences:#?}"
                );
            }
            other => panic!("expected NotBaselined, got {other:?}"),
        }
        assert_eq!(env.files(), 0, "a refused baseline writes no file");

        let m1 = env.migrator(v1::schema());
        let b = m1.baseline(db, "baseline").await?;
        let base = b.migration;
        assert!(base.name.ends_with("_baseline"), "{}", base.name);
        assert!(!base.applied, "a baseline is recorded, not run");
        assert!(b.prisma_migrations.is_empty());
        assert_eq!(
            std::fs::read_to_string(base.path.join("up.sql")).unwrap(),
            base.up
        );
        assert!(base.up.contains("CREATE TABLE"), "{}", base.up);
        assert!(base.path.join("down.sql").exists());

        // Recorded as applied: clean status, no drift, nothing to deploy (running the CREATE TABLE
        // again would fail), nothing to write, and the row is still there.
        assert_eq!(states(&m1, db).await?, vec![MigrationState::Applied]);
        let history = m1.history(db).await?;
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].name, base.name);
        assert!(history[0].finished_at.is_some() && history[0].logs.is_none());
        assert!(m1.drift(db).await?.is_empty());
        assert!(m1.pending_changes(db).await?.is_empty());
        assert_eq!(m1.deploy(db).await?, Vec::<String>::new());
        assert!(
            m1.dev(db, "again", DevOptions::default()).await?.is_none(),
            "the models match the baseline"
        );

        // A second baseline is refused: there is a history now.
        match m1.baseline(db, "baseline").await {
            Err(Error::Migrate(MigrateError::HistoryExists { applied, local })) => {
                assert_eq!((applied, local), (1, 1))
            }
            other => panic!("expected HistoryExists, got {other:?}"),
        }
        assert_eq!(env.files(), 1);

        // A later model change is written and applied on top of the baseline: only the change.
        let m2 = env.migrator(v2::schema());
        let next = m2
            .dev(db, "add_color", DevOptions::default())
            .await?
            .expect("a migration for the change");
        assert!(next.applied);
        let steps: Vec<String> = next.steps.iter().map(|s| s.describe()).collect();
        assert_eq!(steps.len(), 2, "{steps:#?}");
        assert!(steps.iter().any(|s| s.contains("color")), "{steps:#?}");
        assert!(steps.iter().any(|s| s.contains("gadgets")), "{steps:#?}");
        assert_eq!(env.changes_to(&v2::schema()).await, Vec::<String>::new());
        assert_eq!(
            v2::Widget::find_many().exec(db).await?,
            vec![v2::Widget {
                id: 1,
                name: "existing".into(),
                color: None,
            }]
        );
        assert_eq!(
            states(&m2, db).await?,
            vec![MigrationState::Applied, MigrationState::Applied]
        );

        // The baseline's up.sql really creates the schema: a fresh database deployed from the
        // directory gets the baseline and the change, and matches the models.
        let fresh = IsolatedDb::create(env.backend).await;
        let fresh_db = Client::connect(&fresh.url).await?;
        assert_eq!(
            m2.deploy(&fresh_db).await?,
            vec![base.name.clone(), next.name.clone()]
        );
        assert_eq!(
            changes_to(&fresh_db, &v2::schema()).await,
            Vec::<String>::new()
        );
        fresh_db.close().await;
        fresh.cleanup().await;
        Ok(())
    }
);

migrate_test!(
    resolve_applied_records_an_existing_database,
    |env| async move {
        let db = &env.db;
        // A database made without migrations, holding a row.
        v1::schema().push(db).await?;
        v1::Widget::create(v1::NewWidget {
            id: 1,
            name: "existing".into(),
        })
        .exec(db)
        .await?;
        let m1 = env.migrator(v1::schema());

        // `dev` cannot start a history on it: the (empty) migrations do not produce its tables.
        match m1.dev(db, "init", DevOptions::default()).await {
            Err(Error::Migrate(MigrateError::Drift { differences })) => {
                assert!(
                    differences.iter().any(|d| d.contains("widgets")),
                    "{differences:#?}"
                )
            }
            other => panic!("expected drift, got {other:?}"),
        }
        assert_eq!(env.files(), 0);

        // The first migration is written elsewhere (an empty database, `--create-only`)...
        let scratch = IsolatedDb::create(env.backend).await;
        let scratch_db = Client::connect(&scratch.url).await?;
        let init = m1
            .dev(
                &scratch_db,
                "init",
                DevOptions {
                    create_only: true,
                    ..DevOptions::default()
                },
            )
            .await?
            .expect("a first migration");
        assert!(!init.applied);
        scratch_db.close().await;
        scratch.cleanup().await;
        assert_eq!(states(&m1, db).await?, vec![MigrationState::Pending]);

        // ...and recorded as applied on the existing database without running it.
        match m1.resolve_applied(db, "20000101000000_nope").await {
            Err(Error::Migrate(MigrateError::UnknownMigration { name })) => {
                assert_eq!(name, "20000101000000_nope")
            }
            other => panic!("expected UnknownMigration, got {other:?}"),
        }
        m1.resolve_applied(db, &init.name).await?;
        assert_eq!(states(&m1, db).await?, vec![MigrationState::Applied]);
        assert_eq!(m1.deploy(db).await?, Vec::<String>::new());
        assert!(m1.drift(db).await?.is_empty());
        assert_eq!(v1::Widget::count().exec(db).await?, 1);
        match m1.resolve_applied(db, &init.name).await {
            Err(Error::Migrate(MigrateError::NotFailed { name })) => assert_eq!(name, init.name),
            other => panic!("expected NotFailed, got {other:?}"),
        }

        // A later model change goes on top.
        let m2 = env.migrator(v2::schema());
        let next = m2
            .dev(db, "add_color", DevOptions::default())
            .await?
            .expect("a migration for the change");
        assert!(next.applied);
        assert_eq!(env.changes_to(&v2::schema()).await, Vec::<String>::new());
        assert_eq!(v2::Widget::count().exec(db).await?, 1);
        Ok(())
    }
);

migrate_test!(resolve_applied_after_a_failed_migration, |env| async move {
    let db = &env.db;
    let mysql = db.dialect().backend == Backend::MySql;
    let m = env.migrator(v1::schema());
    let init = m
        .dev(db, "init", DevOptions::default())
        .await?
        .expect("init");
    // A hand-written migration whose second statement fails, and one after it.
    let bad_name = "29990101000000_add_parts";
    let bad = write_migration(
        &env.dir,
        bad_name,
        "CREATE TABLE parts (id INTEGER PRIMARY KEY, label VARCHAR(50));\n\
         INSERT INTO no_such_table VALUES (1);\n",
        "DROP TABLE parts;\n",
    );
    let after_name = "29990102000000_add_bins";
    write_migration(
        &env.dir,
        after_name,
        "CREATE TABLE bins (id INTEGER PRIMARY KEY);\n",
        "DROP TABLE bins;\n",
    );

    match m.deploy(db).await {
        Err(Error::Migrate(MigrateError::Apply { name, recorded, .. })) => {
            assert_eq!(name, bad_name);
            assert_eq!(recorded, mysql, "only MySQL/MariaDB records the failure");
        }
        other => panic!("expected the migration to fail, got {other:?}"),
    }
    assert!(
        env.live().await.table("bins").is_none(),
        "deploy stops at the failed migration"
    );
    let parts_created = env.live().await.table("parts").is_some();
    if mysql {
        // The first statement committed; the migration is recorded as failed and blocks everything.
        assert!(parts_created, "MySQL commits DDL statement by statement");
        match &states(&m, db).await?[..] {
            [
                MigrationState::Applied,
                MigrationState::Failed { logs },
                MigrationState::Pending,
            ] => assert!(
                logs.as_deref()
                    .unwrap_or_default()
                    .contains("no_such_table"),
                "{logs:?}"
            ),
            other => panic!("unexpected status {other:?}"),
        }
        for (what, result) in [
            ("deploy", m.deploy(db).await.map(|_| ())),
            (
                "dev",
                m.dev(db, "next", DevOptions::default()).await.map(|_| ()),
            ),
            ("down", m.down(db, None).await.map(|_| ())),
        ] {
            match result {
                Err(Error::Migrate(MigrateError::Failed { name, logs })) => {
                    assert_eq!(name, bad_name, "{what}");
                    assert!(logs.unwrap_or_default().contains("no_such_table"), "{what}");
                }
                other => panic!("{what}: expected the failed migration to block, got {other:?}"),
            }
        }
    } else {
        // PostgreSQL and SQLite roll the migration back as a whole and record nothing: there is
        // nothing to resolve as rolled back, so it is finished by hand here.
        assert!(!parts_created, "the failed migration was rolled back");
        assert_eq!(
            states(&m, db).await?,
            vec![
                MigrationState::Applied,
                MigrationState::Pending,
                MigrationState::Pending
            ]
        );
        match m.resolve_rolled_back(db, bad_name).await {
            Err(Error::Migrate(MigrateError::UnknownMigration { name })) => {
                assert_eq!(name, bad_name)
            }
            other => panic!("expected UnknownMigration, got {other:?}"),
        }
        orm_runtime::sql!("CREATE TABLE parts (id INTEGER PRIMARY KEY, label VARCHAR(50))")
            .execute(db)
            .await?;
    }

    // The migration is finished by hand: the file gets what really ran, and it is resolved as
    // applied with the file's new checksum (not reported as edited).
    std::fs::write(
        bad.join("up.sql"),
        "CREATE TABLE parts (id INTEGER PRIMARY KEY, label VARCHAR(50));\n",
    )
    .unwrap();
    m.resolve_applied(db, bad_name).await?;
    let history = m.history(db).await?;
    let resolved = history.iter().find(|h| h.name == bad_name).unwrap();
    assert!(
        resolved.finished_at.is_some() && resolved.logs.is_none(),
        "{resolved:?}"
    );
    assert_eq!(
        states(&m, db).await?,
        vec![
            MigrationState::Applied,
            MigrationState::Applied,
            MigrationState::Pending
        ]
    );
    for (what, result) in [
        ("resolve --applied", m.resolve_applied(db, bad_name).await),
        (
            "resolve --rolled-back",
            m.resolve_rolled_back(db, bad_name).await,
        ),
    ] {
        match result {
            Err(Error::Migrate(MigrateError::NotFailed { name })) => {
                assert_eq!(name, bad_name, "{what}")
            }
            other => panic!("{what}: expected NotFailed, got {other:?}"),
        }
    }

    // Deploy goes on with the migration after it.
    assert_eq!(m.deploy(db).await?, vec![after_name.to_owned()]);
    assert!(env.live().await.table("bins").is_some());
    assert_eq!(
        states(&m, db).await?,
        vec![MigrationState::Applied; 3],
        "everything applied"
    );
    // The resolved migration rolls back like any other.
    assert_eq!(
        m.down(db, Some(&init.name)).await?,
        vec![after_name.to_owned(), bad_name.to_owned()]
    );
    let live = env.live().await;
    assert!(live.table("parts").is_none() && live.table("bins").is_none());
    assert_eq!(env.changes_to(&v1::schema()).await, Vec::<String>::new());
    Ok(())
});

// ---------------------------------------------------------------------------------------------
// `migrate dev --create-only`, then a hand edit.
// ---------------------------------------------------------------------------------------------

migrate_test!(create_only_then_hand_edit, |env| async move {
    let db = &env.db;
    let create_only = || DevOptions {
        create_only: true,
        ..DevOptions::default()
    };

    // The files are written, nothing is applied.
    let m1 = env.migrator(v1::schema());
    let init = m1
        .dev(db, "init", create_only())
        .await?
        .expect("a first migration");
    assert!(!init.applied);
    assert_eq!(
        std::fs::read_to_string(init.path.join("up.sql")).unwrap(),
        init.up
    );
    assert!(init.path.join("down.sql").exists());
    assert!(env.live().await.is_empty(), "{:#?}", env.live().await);
    assert_eq!(states(&m1, db).await?, vec![MigrationState::Pending]);

    // Edited by hand before it is applied: a comment and a row. Deploy applies the edited file.
    append_to_up(
        &init.path,
        "\n-- Added by hand after review: the first widget.\n\
         INSERT INTO widgets (id, name) VALUES (1, 'added by hand');\n",
    );
    assert_eq!(m1.deploy(db).await?, vec![init.name.clone()]);
    assert_eq!(
        v1::Widget::find_many().exec(db).await?,
        vec![v1::Widget {
            id: 1,
            name: "added by hand".into(),
        }]
    );
    assert_eq!(states(&m1, db).await?, vec![MigrationState::Applied]);
    assert!(m1.drift(db).await?.is_empty());
    assert!(m1.dev(db, "again", DevOptions::default()).await?.is_none());

    // A model change the same way: written only, then a backfill added by hand.
    let m2 = env.migrator(v2::schema());
    let change = m2
        .dev(db, "add_color", create_only())
        .await?
        .expect("a migration for the change");
    assert!(!change.applied);
    let live = env.live().await;
    assert!(live.table("widgets").unwrap().column("color").is_none());
    assert!(live.table("gadgets").is_none());
    assert_eq!(
        states(&m2, db).await?,
        vec![MigrationState::Applied, MigrationState::Pending]
    );
    let generated = append_to_up(&change.path, "UPDATE widgets SET color = 'red';\n");
    assert_eq!(generated, change.up);
    assert_eq!(m2.deploy(db).await?, vec![change.name.clone()]);
    assert_eq!(
        v2::Widget::find_many().exec(db).await?,
        vec![v2::Widget {
            id: 1,
            name: "added by hand".into(),
            color: Some("red".into()),
        }]
    );
    assert_eq!(env.changes_to(&v2::schema()).await, Vec::<String>::new());

    // Editing a file after it was applied is refused, by deploy and dev, and shown by status.
    let applied = append_to_up(&change.path, "-- edited after it was applied\n");
    for (what, result) in [
        ("deploy", m2.deploy(db).await.map(|_| ())),
        (
            "dev",
            m2.dev(db, "next", DevOptions::default()).await.map(|_| ()),
        ),
    ] {
        match result {
            Err(Error::Migrate(MigrateError::ChecksumMismatch {
                name,
                recorded,
                actual,
            })) => {
                assert_eq!(name, change.name, "{what}");
                assert_ne!(recorded, actual, "{what}");
            }
            other => panic!("{what}: expected a checksum error, got {other:?}"),
        }
    }
    assert_eq!(
        states(&m2, db).await?,
        vec![MigrationState::Applied, MigrationState::Modified]
    );
    // Only the content counts: the applied file with Windows line endings is unchanged.
    std::fs::write(change.path.join("up.sql"), applied.replace('\n', "\r\n")).unwrap();
    assert_eq!(
        states(&m2, db).await?,
        vec![MigrationState::Applied, MigrationState::Applied]
    );
    std::fs::write(change.path.join("up.sql"), &applied).unwrap();
    assert_eq!(m2.deploy(db).await?, Vec::<String>::new());
    assert!(m2.dev(db, "next", DevOptions::default()).await?.is_none());
    Ok(())
});

// ---------------------------------------------------------------------------------------------
// `--shadow-database-url`.
// ---------------------------------------------------------------------------------------------

migrate_test!(shadow_database_url, |env| async move {
    let db = &env.db;
    // The shadow database: a second isolated database (a second file on SQLite), holding a table
    // of its own, which the engine drops before replaying.
    let shadow = IsolatedDb::create(env.backend).await;
    let shadow_db = Client::connect(&shadow.url).await?;
    let leftover = || async {
        orm_runtime::sql!("CREATE TABLE leftover (id INTEGER PRIMARY KEY)")
            .execute(&shadow_db)
            .await
    };
    let shadow_live = || async { introspect(&shadow_db).await };
    leftover().await?;

    let m1 = env.migrator(v1::schema()).shadow_url(shadow.url.clone());
    let steps: Vec<String> = m1
        .pending_changes(db)
        .await?
        .iter()
        .map(|s| s.describe())
        .collect();
    assert_eq!(steps.len(), 1, "{steps:#?}");
    assert!(steps[0].contains("widgets"), "{steps:#?}");
    assert!(
        env.live().await.is_empty(),
        "the main database is untouched"
    );
    assert_eq!(env.files(), 0);
    assert!(
        shadow_live().await?.is_empty(),
        "the shadow database was emptied and the (no) migrations replayed into it"
    );

    let init = m1
        .dev(db, "init", DevOptions::default())
        .await?
        .expect("a first migration");
    assert!(init.applied);
    v1::Widget::create(v1::NewWidget {
        id: 1,
        name: "kept".into(),
    })
    .exec(db)
    .await?;

    // The change is computed from `init` replayed into the shadow database; the main database is
    // not changed by it.
    let m2 = env.migrator(v2::schema()).shadow_url(shadow.url.clone());
    let steps: Vec<String> = m2
        .pending_changes(db)
        .await?
        .iter()
        .map(|s| s.describe())
        .collect();
    assert_eq!(steps.len(), 2, "{steps:#?}");
    assert_eq!(env.changes_to(&v1::schema()).await, Vec::<String>::new());
    let replayed = shadow_live().await?;
    assert!(
        replayed
            .table("widgets")
            .is_some_and(|t| t.column("color").is_none())
            && replayed.table("gadgets").is_none(),
        "the shadow database holds `init` replayed: {replayed:#?}"
    );
    assert_eq!(
        changes_to(&shadow_db, &v1::schema()).await,
        Vec::<String>::new()
    );
    assert_eq!(
        v1::Widget::count().exec(&shadow_db).await?,
        0,
        "the shadow holds no rows of the main database"
    );

    let change = m2
        .dev(db, "add_color", DevOptions::default())
        .await?
        .expect("a migration for the change");
    assert!(change.applied);
    assert_eq!(env.changes_to(&v2::schema()).await, Vec::<String>::new());
    assert_eq!(v2::Widget::count().exec(db).await?, 1);
    assert!(m2.drift(db).await?.is_empty());

    // The command line's `--shadow-database-url`: `migrate status` replays both migrations there.
    leftover().await?;
    let dir = env.dir.to_string_lossy();
    let args: Vec<String> = [
        "orm",
        "--database-url",
        env.isolated.url.as_str(),
        "--migrations",
        dir.as_ref(),
        "--shadow-database-url",
        shadow.url.as_str(),
        "migrate",
        "status",
    ]
    .map(str::to_owned)
    .into();
    // `exit_status_from` starts its own runtime: not on this one's threads.
    let code = tokio::task::spawn_blocking(move || Cli::new(v2::schema()).exit_status_from(args))
        .await
        .unwrap();
    assert_eq!(code, 0, "up to date");
    let replayed = shadow_live().await?;
    assert!(replayed.table("leftover").is_none(), "{replayed:#?}");
    assert_eq!(
        changes_to(&shadow_db, &v2::schema()).await,
        Vec::<String>::new(),
        "the shadow database holds both migrations replayed"
    );
    assert_eq!(v2::Widget::count().exec(db).await?, 1);

    shadow_db.close().await;
    shadow.cleanup().await;
    Ok(())
});

// ---------------------------------------------------------------------------------------------
// The command line in a child process: `DATABASE_URL` and `.env`, `migrate diff`.
// ---------------------------------------------------------------------------------------------

/// The command line's arguments, separated by `\x1f`, in a child process started by [`cli_child`].
const CHILD_ARGS: &str = "ORM_MIGRATE_CLI_TEST_ARGS";
/// The models the child's command line is built for: `v1` or `v2`.
const CHILD_SCHEMA: &str = "ORM_MIGRATE_CLI_TEST_SCHEMA";
/// Around the command line's output in the child's standard output (the test harness writes there
/// too).
const BEGIN: &str = "<<< orm cli output >>>";
const END: &str = "<<< end of orm cli output >>>";

/// In a child process started by [`cli_child`]: runs the command line and exits with its status.
/// Elsewhere returns at once.
fn child_entry() {
    let Ok(args) = std::env::var(CHILD_ARGS) else {
        return;
    };
    let schema = match std::env::var(CHILD_SCHEMA).as_deref() {
        Ok("v1") => v1::schema(),
        Ok("v2") => v2::schema(),
        other => panic!("{CHILD_SCHEMA}: {other:?}"),
    };
    let mut out = std::io::stdout();
    writeln!(out, "\n{BEGIN}").unwrap();
    out.flush().unwrap();
    let code = Cli::new(schema).exit_status_from(args.split('\u{1f}'));
    let mut out = std::io::stdout();
    writeln!(out, "{END}").unwrap();
    out.flush().unwrap();
    std::process::exit(i32::from(code));
}

/// What the command line did in a child process.
#[derive(Debug)]
struct ChildRun {
    code: i32,
    /// What it printed on standard output.
    stdout: String,
    stderr: String,
}

/// Runs `orm <args>` for `schema`'s models in a child process: this test binary, running the test
/// `test` only, in the working directory `cwd`, with `DATABASE_URL` set to `database_url` or unset.
fn cli_child(
    test: &str,
    cwd: &Path,
    database_url: Option<&str>,
    schema: &str,
    args: &[&str],
) -> ChildRun {
    let mut all = vec!["orm"];
    all.extend_from_slice(args);
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([test, "--exact", "--nocapture", "--test-threads=1"])
        .current_dir(cwd)
        .env(CHILD_ARGS, all.join("\u{1f}"))
        .env(CHILD_SCHEMA, schema)
        .env_remove("DATABASE_URL")
        .env_remove("SHADOW_DATABASE_URL")
        .env("NO_COLOR", "1");
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    let out = cmd.output().unwrap();
    let all_stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let Some(stdout) = all_stdout
        .split_once(BEGIN)
        .and_then(|(_, rest)| rest.split_once(END))
        .map(|(printed, _)| printed.trim_start_matches('\n').to_owned())
    else {
        panic!(
            "the child process did not run the command line ({:?}):\n{all_stdout}\n{stderr}",
            out.status
        );
    };
    ChildRun {
        code: out.status.code().expect("an exit code"),
        stdout,
        stderr,
    }
}

macro_rules! cli_test {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;

            #[test]
            fn sqlite() {
                run_cli(
                    TestBackend::Sqlite,
                    concat!(stringify!($name), "::sqlite"),
                    $body,
                );
            }

            #[cfg(orm_postgres)]
            #[test]
            fn postgres() {
                run_cli(
                    TestBackend::Postgres,
                    concat!(stringify!($name), "::postgres"),
                    $body,
                );
            }

            #[cfg(orm_mysql)]
            #[test]
            fn mysql() {
                run_cli(
                    TestBackend::MySql,
                    concat!(stringify!($name), "::mysql"),
                    $body,
                );
            }
        }
    };
}

/// Runs a command-line test `test` (its name, for the child processes) on `backend`; in a child
/// process, runs the command line instead.
fn run_cli<F>(backend: TestBackend, test: &str, body: F)
where
    F: FnOnce(&tokio::runtime::Runtime, &Env, &str),
{
    child_entry();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let env = rt.block_on(Env::new(backend));
    body(&rt, &env, test);
    rt.block_on(env.finish());
}

cli_test!(database_url_from_environment_and_dotenv, |rt, env, test| {
    let backend = env.backend;
    let a = env.isolated.url.as_str();
    let other = rt.block_on(IsolatedDb::create(backend));
    let b = other.url.as_str();
    let dir = env.dir.to_string_lossy().into_owned();
    // An empty working directory of its own (the `.env` goes there).
    let cwd = temp_path("cwd");
    std::fs::create_dir_all(&cwd).unwrap();
    let cli = |url: Option<&str>, args: &[&str]| {
        let mut all = vec!["--migrations", dir.as_str()];
        all.extend_from_slice(args);
        cli_child(test, &cwd, url, "v1", &all)
    };
    let tables = |url: &str| {
        rt.block_on(async {
            let db = Client::connect(url).await.unwrap();
            let live = introspect(&db).await.unwrap();
            db.close().await;
            live.tables.into_iter().map(|t| t.name).collect::<Vec<_>>()
        })
    };

    // No URL anywhere: a usage error.
    let run = cli(None, &["migrate", "status"]);
    assert_eq!(run.code, 2, "{backend:?}: {run:?}");
    assert!(run.stderr.contains("no database"), "{backend:?}: {run:?}");

    // `DATABASE_URL` from the environment.
    let run = cli(Some(a), &["migrate", "dev", "--name", "init"]);
    assert_eq!(run.code, 0, "{backend:?}: {run:?}");
    assert!(run.stdout.contains("Applied"), "{backend:?}: {run:?}");
    assert_eq!(tables(a), vec!["widgets".to_owned()], "{backend:?}");
    assert_eq!(tables(b), Vec::<String>::new(), "{backend:?}");

    // A `.env` in the working directory naming the other, empty database.
    std::fs::write(cwd.join(".env"), format!("DATABASE_URL='{b}'\n")).unwrap();
    // The environment wins over `.env` (`a` is up to date; `b` would have a pending migration)...
    let run = cli(Some(a), &["migrate", "status"]);
    assert_eq!(run.code, 0, "{backend:?}: {run:?}");
    // ...and `--database-url` over both.
    let run = cli(None, &["--database-url", a, "migrate", "status"]);
    assert_eq!(run.code, 0, "{backend:?}: {run:?}");
    assert_eq!(tables(b), Vec::<String>::new(), "{backend:?}");
    // With nothing in the environment, `.env` names the database.
    let run = cli(None, &["migrate", "status"]);
    assert_eq!(
        run.code,
        i32::from(EXIT_PENDING),
        "{backend:?}: `b` has the migration pending: {run:?}"
    );
    let run = cli(None, &["migrate", "deploy"]);
    assert_eq!(run.code, 0, "{backend:?}: {run:?}");
    assert_eq!(tables(b), vec!["widgets".to_owned()], "{backend:?}");
    let run = cli(None, &["migrate", "status"]);
    assert_eq!(run.code, 0, "{backend:?}: {run:?}");

    std::fs::remove_dir_all(&cwd).unwrap();
    rt.block_on(other.cleanup());
});

/// The statements of a migration's `up.sql`: what follows its header, without blank lines.
fn body_lines(up: &str) -> Vec<&str> {
    let (_, body) = up.split_once("\n\n").expect("a header, then the steps");
    body.lines().filter(|l| !l.trim().is_empty()).collect()
}

cli_test!(migrate_diff_prints_what_dev_writes, |rt, env, test| {
    let backend = env.backend;
    let url = env.isolated.url.as_str();
    let dir = env.dir.to_string_lossy().into_owned();
    let cwd = std::env::temp_dir();
    let diff = |schema: &str| {
        let run = cli_child(
            test,
            &cwd,
            None,
            schema,
            &[
                "--database-url",
                url,
                "--migrations",
                &dir,
                "migrate",
                "diff",
            ],
        );
        assert_eq!(run.code, 0, "{backend:?}: {run:?}");
        run
    };
    let db = &env.db;

    // From an empty database: the SQL of the first migration; nothing is written or applied.
    let first = diff("v1");
    assert!(
        first.stdout.contains("CREATE TABLE"),
        "{backend:?}: {first:?}"
    );
    assert_eq!(env.files(), 0, "{backend:?}: diff writes no file");
    assert!(rt.block_on(env.live()).is_empty(), "{backend:?}");
    assert!(
        rt.block_on(orm_runtime::sql!("SELECT COUNT(*) FROM _orm_migrations").execute(db))
            .is_err(),
        "{backend:?}: diff starts no history"
    );
    let init = rt
        .block_on(
            env.migrator(v1::schema())
                .dev(db, "init", DevOptions::default()),
        )
        .unwrap()
        .expect("init");
    assert_eq!(
        first.stdout.lines().collect::<Vec<_>>(),
        body_lines(&init.up),
        "{backend:?}: diff printed what dev wrote"
    );

    // A model change on a database holding rows.
    rt.block_on(
        v1::Widget::create(v1::NewWidget {
            id: 1,
            name: "kept".into(),
        })
        .exec(db),
    )
    .unwrap();
    let second = diff("v2");
    assert!(second.stdout.contains("color"), "{backend:?}: {second:?}");
    assert!(second.stdout.contains("gadgets"), "{backend:?}: {second:?}");
    assert_eq!(env.files(), 1, "{backend:?}: diff writes no file");
    assert_eq!(
        rt.block_on(env.changes_to(&v1::schema())),
        Vec::<String>::new(),
        "{backend:?}: diff applies nothing"
    );
    let change = rt
        .block_on(
            env.migrator(v2::schema())
                .dev(db, "add_color", DevOptions::default()),
        )
        .unwrap()
        .expect("a migration for the change");
    assert_eq!(
        second.stdout.lines().collect::<Vec<_>>(),
        body_lines(&change.up),
        "{backend:?}: diff printed what dev wrote"
    );

    // In sync: nothing on standard output, a note on standard error.
    let none = diff("v2");
    assert_eq!(none.stdout, "", "{backend:?}: {none:?}");
    assert!(none.stderr.contains("No changes"), "{backend:?}: {none:?}");
    assert_eq!(env.files(), 2);
});
