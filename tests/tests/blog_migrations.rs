//! The blog's committed migration history (`blog-models/migrations/<backend>/`): on a fresh
//! database of each backend it applies cleanly and leaves nothing for `migrate dev` to write — so
//! a model change committed without its migration fails here — and its Rust data step marks the
//! users that existed before `add_user_verification` as verified, runs in order with the SQL, is
//! rolled back by `down`, and stops `deploy` before anything runs when it is not registered.

use blog_models::migrations::{ADD_USER_VERIFICATION, MIGRATIONS_DIR, migrator};
use orm_runtime::migrate::{MigrateError, MigrationState, Migrator};
use orm_runtime::prelude::*;
use orm_tests::backend_test;

/// The committed migrations of `db`'s backend before the one named `before`, copied into a fresh
/// directory.
fn copy_history(db: &Client, before: &str) -> std::path::PathBuf {
    let from = migrator(db.dialect()).migrations_dir().to_owned();
    let to = std::env::temp_dir().join(format!(
        "orm-blog-migrations-{}-{}",
        std::process::id(),
        db.backend().name().replace('/', "-")
    ));
    let _ = std::fs::remove_dir_all(&to);
    let mut names: Vec<_> = std::fs::read_dir(&from)
        .expect("the committed history")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    let suffix = format!("_{before}");
    let keep = names
        .iter()
        .position(|n| n.to_string_lossy().ends_with(&suffix))
        .expect("the migration named");
    names.truncate(keep);
    for dir in names {
        let target = to.join(dir.file_name().expect("name"));
        std::fs::create_dir_all(&target).expect("mkdir");
        for f in std::fs::read_dir(&dir).expect("migration") {
            let f = f.expect("file").path();
            std::fs::copy(&f, target.join(f.file_name().expect("name"))).expect("copy");
        }
    }
    to
}

backend_test!(
    the_committed_history_is_current,
    Schema::new(),
    |db: Client| async move {
        let m = migrator(db.dialect());
        assert!(
            m.migrations_dir().starts_with(MIGRATIONS_DIR)
                && m.migrations_dir() != std::path::Path::new(MIGRATIONS_DIR),
            "the backend's own directory: {}",
            m.migrations_dir().display()
        );
        let applied = m.deploy(&db).await?;
        assert!(applied.len() >= 2, "{applied:?}");
        assert!(applied[0].ends_with("_init"), "{applied:?}");
        assert!(
            applied
                .iter()
                .any(|a| a.ends_with("_add_user_verification"))
        );
        let pending = m.pending_changes(&db).await?;
        assert!(
            pending.is_empty(),
            "the models changed without a migration; run `cargo run -p blog-models --bin orm -- \
             --migrations blog-models/migrations migrate dev --name <change>` on each backend: {:?}",
            pending.iter().map(|s| s.describe()).collect::<Vec<_>>()
        );
        assert_eq!(m.drift(&db).await?, Vec::<String>::new());
        for s in m.status(&db).await? {
            assert_eq!(s.state, MigrationState::Applied, "{}", s.name);
        }
        // The models work on the migrated database: the seed fits it.
        blog_models::seed::seed(&db, blog_models::seed::SeedSize::small()).await?;
        assert!(blog_models::User::count().exec(&db).await? > 0);
        Ok(())
    }
);

backend_test!(
    the_data_step_runs_with_its_migration_and_down_undoes_it,
    Schema::new(),
    |db: Client| async move {
        // The database as it was before `add_user_verification`, with users.
        let before = copy_history(&db, ADD_USER_VERIFICATION);
        Migrator::new(blog_models::schema())
            .dir(&before)
            .deploy(&db)
            .await?;
        orm_runtime::sql!(
            "INSERT INTO users (id, email, updated_at) VALUES ('u1', 'ada@example.com', CURRENT_TIMESTAMP), ('u2', 'bob@example.com', CURRENT_TIMESTAMP)"
        )
        .execute(&db)
        .await?;
        // Unregistered, the step stops deploy before anything runs.
        let unregistered =
            Migrator::new(blog_models::schema()).backend_dir(MIGRATIONS_DIR, db.dialect());
        let err = unregistered
            .deploy(&db)
            .await
            .expect_err("no step registered");
        assert!(
            matches!(&err, Error::Migrate(MigrateError::MissingDataStep { step, .. }) if step == "add_user_verification"),
            "{err}"
        );
        assert_eq!(
            orm_runtime::sql!("SELECT COUNT(*) FROM users")
                .fetch_one::<(i64,), _>(&db)
                .await?
                .0,
            2
        );
        let m = migrator(db.dialect());
        let applied = m.deploy(&db).await?;
        assert_eq!(applied.len(), 2, "{applied:?}");
        assert!(
            applied[0].ends_with("_add_user_verification"),
            "{applied:?}"
        );
        // The users who existed are verified; a user created now is not.
        let users = blog_models::User::find_many()
            .order_by(blog_models::User::ID.asc())
            .exec(&db)
            .await?;
        assert_eq!(users.len(), 2);
        assert!(
            users
                .iter()
                .all(|u| u.email_verified && u.verification_token.is_none())
        );
        blog_models::User::create(blog_models::NewUser {
            email: "new@example.com".into(),
            verification_token: Some("token-1".into()),
            ..Default::default()
        })
        .exec(&db)
        .await?;
        let fresh = blog_models::User::find_unique(blog_models::User::EMAIL.eq("new@example.com"))
            .exec(&db)
            .await?
            .expect("created");
        assert!(!fresh.email_verified);
        // The token is unique.
        let dup = blog_models::User::create(blog_models::NewUser {
            email: "other@example.com".into(),
            verification_token: Some("token-1".into()),
            ..Default::default()
        })
        .exec(&db)
        .await;
        assert!(matches!(dup, Err(Error::UniqueViolation { .. })), "{dup:?}");
        for s in m.status(&db).await? {
            assert_eq!(s.state, MigrationState::Applied, "{}", s.name);
        }
        // Down (past the migration after it): the step, then down.sql; the columns are gone and
        // the history forgets it.
        let rolled = m.down(&db, None).await?;
        assert!(rolled[0].ends_with("_add_post_search"), "{rolled:?}");
        let rolled = m.down(&db, None).await?;
        assert_eq!(rolled.len(), 1);
        assert!(rolled[0].ends_with("_add_user_verification"));
        let back = m.status(&db).await?;
        let states: Vec<&MigrationState> = back.iter().rev().take(2).map(|s| &s.state).collect();
        assert_eq!(states, [&MigrationState::Pending, &MigrationState::Pending]);
        // And up again.
        m.deploy(&db).await?;
        assert!(m.pending_changes(&db).await?.is_empty());
        let _ = std::fs::remove_dir_all(before);
        Ok(())
    }
);

static FAIL_ONCE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

fn failing_once(tx: &Transaction) -> orm_runtime::migrate::StepFuture<'_> {
    Box::pin(async move {
        blog_models::migrations::verify_existing_users(tx).await?;
        if FAIL_ONCE.swap(false, std::sync::atomic::Ordering::SeqCst) {
            return Err(Error::InvalidQuery("the step failed on purpose".into()));
        }
        Ok(())
    })
}

fn nothing(_tx: &Transaction) -> orm_runtime::migrate::StepFuture<'_> {
    Box::pin(async { Ok(()) })
}

// One backend per process run at a time would share FAIL_ONCE: run the backends in turn.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_data_step_keeps_nothing_of_itself_and_runs_again() {
    let backends = [
        Some(orm_tests::TestBackend::Sqlite),
        cfg!(orm_postgres).then_some(orm_tests::TestBackend::Postgres),
        cfg!(orm_mysql).then_some(orm_tests::TestBackend::MySql),
    ];
    for backend in backends.into_iter().flatten() {
        FAIL_ONCE.store(true, std::sync::atomic::Ordering::SeqCst);
        orm_tests::run_on(backend, Schema::new(), |db: Client| async move {
            let before = copy_history(&db, ADD_USER_VERIFICATION);
            Migrator::new(blog_models::schema())
                .dir(&before)
                .deploy(&db)
                .await?;
            orm_runtime::sql!(
                "INSERT INTO users (id, email, updated_at) VALUES ('u1', 'ada@example.com', CURRENT_TIMESTAMP)"
            )
            .execute(&db)
            .await?;
            let m = Migrator::new(blog_models::schema())
                .backend_dir(MIGRATIONS_DIR, db.dialect())
                .data_migration("add_user_verification", failing_once, nothing);
            let err = m.deploy(&db).await.expect_err("the step fails");
            assert!(err.to_string().contains("failed on purpose"), "{err}");
            // The step's own writes were rolled back with it.
            let verified: (i64,) = orm_runtime::sql!(
                "SELECT COUNT(*) FROM users WHERE email_verified = TRUE"
            )
            .fetch_one(&db)
            .await
            .unwrap_or((0,));
            assert_eq!(verified.0, 0);
            let last = m
                .status(&db)
                .await?
                .into_iter()
                .find(|s| s.name.ends_with("_add_user_verification"))
                .expect("the migration");
            if db.backend() == orm_runtime::sql::Backend::Postgres {
                // One transaction: nothing of the migration happened.
                assert_eq!(last.state, MigrationState::Pending);
            } else {
                // The SQL applied and is recorded; the step is what is left.
                assert!(matches!(&last.state, MigrationState::Failed { logs: Some(l) } if l.contains("failed on purpose")), "{:?}", last.state);
            }
            // The next deploy finishes it, without running the SQL again.
            m.deploy(&db).await?;
            for s in m.status(&db).await? {
                assert_eq!(s.state, MigrationState::Applied, "{}", s.name);
            }
            let u = blog_models::User::find_unique(blog_models::User::ID.eq("u1"))
                .exec(&db)
                .await?
                .expect("u1");
            assert!(u.email_verified);
            let _ = std::fs::remove_dir_all(before);
            Ok(())
        })
        .await;
    }
}
