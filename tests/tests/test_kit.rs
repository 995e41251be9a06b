//! The test kit users write their tests with (`orm_runtime::testing`, `#[orm_runtime::test]`):
//! a fresh database per test on the server `ORM_TEST_DATABASE_URL` names (SQLite here unless it
//! is set), with the schema pushed or the migrations applied. The project's own `backend_test!`
//! runs every test on each backend through the same kit (`run_on`).

use blog_models::models::{NewUser, User};
use orm_runtime::prelude::*;
use orm_runtime::sql::Backend;
use orm_runtime::testing::{Setup, TestDatabase};

fn user(email: &str) -> NewUser {
    NewUser {
        email: email.into(),
        username: Some(email.replace('@', "-")),
        ..Default::default()
    }
}

#[orm_runtime::test(schema = blog_models::schema())]
async fn a_kit_test_runs_on_the_pushed_schema(db: Client) -> orm_runtime::Result<()> {
    User::create(user("kit@example.com")).exec(&db).await?;
    assert_eq!(User::count().exec(&db).await?, 1);
    Ok(())
}

// The same unique e-mail in two tests that may run at once: each has its own database.
#[orm_runtime::test(schema = blog_models::schema())]
async fn kit_tests_do_not_see_each_other(db: Client) -> orm_runtime::Result<()> {
    User::create(user("kit@example.com")).exec(&db).await?;
    assert_eq!(User::count().exec(&db).await?, 1);
    Ok(())
}

#[orm_runtime::test(migrations = blog_models::migrations::migrator)]
async fn a_kit_test_runs_on_the_applied_migrations(db: Client) -> orm_runtime::Result<()> {
    let status = blog_models::migrations::migrator(db.dialect())
        .status(&db)
        .await?;
    assert!(!status.is_empty(), "the history is recorded");
    User::create(user("migrated@example.com")).exec(&db).await?;
    assert_eq!(User::count().exec(&db).await?, 1);
    Ok(())
}

async fn two_users(db: &Client) -> orm_runtime::Result<()> {
    User::create_many([user("one@example.com"), user("two@example.com")])
        .exec(db)
        .await?;
    Ok(())
}

#[orm_runtime::test(schema = blog_models::schema(), fixtures = two_users)]
async fn a_kit_test_starts_from_its_fixtures(db: Client) -> orm_runtime::Result<()> {
    assert_eq!(User::count().exec(&db).await?, 2);
    Ok(())
}

#[orm_runtime::test]
async fn a_kit_test_without_setup_gets_an_empty_database(db: Client) -> orm_runtime::Result<()> {
    let err = User::count().exec(&db).await.unwrap_err();
    assert!(matches!(err, Error::Database(_)), "no tables: {err:?}");
    Ok(())
}

#[test]
#[should_panic(expected = "Sqlite: no User record matched the query")]
fn a_failing_kit_test_fails_naming_the_backend() {
    orm_runtime::testing::block_on(orm_runtime::testing::run(
        Setup::Empty,
        |_db: Client| async move { Err(Error::NotFound { model: "User" }) },
    ));
}

#[tokio::test]
async fn a_passing_test_leaves_nothing_behind() {
    let db = TestDatabase::create_on(None).await;
    assert_eq!(db.backend(), Backend::Sqlite);
    let path = std::path::PathBuf::from(db.name());
    assert!(path.exists());
    db.cleanup().await;
    assert!(!path.exists(), "{} was not removed", path.display());
}

// On every configured backend (the CI's three): the committed migrations applied to a fresh
// database by the kit, as `#[orm_runtime::test(migrations = ..)]` does on the server the
// environment names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kit_applies_migrations_on_every_backend() {
    for backend in orm_tests::isolation::configured_backends() {
        let base = orm_tests::IsolatedDb::base_url(backend);
        orm_runtime::testing::run_on(
            base.as_deref(),
            Setup::migrate(blog_models::migrations::migrator),
            |_url, db: Client| async move {
                assert_eq!(db.backend(), backend, "the database is on {backend:?}");
                User::create(user("migrated@example.com")).exec(&db).await?;
                assert_eq!(User::count().exec(&db).await?, 1);
                Ok(())
            },
        )
        .await;
    }
}
