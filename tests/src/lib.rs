//! Test support for the ORM workspace.
//!
//! Tests for a database backend are compiled in only when that backend's
//! connection URL is configured at build time (`ORM_TEST_POSTGRES_URL`,
//! `ORM_TEST_MYSQL_URL`; see `build.rs`). SQLite tests are always compiled
//! in. A configured backend that cannot be reached makes its tests fail
//! loudly; nothing is ever skipped silently.

pub mod isolation;
pub mod migrate_env;
pub mod models;

use std::future::Future;

pub use isolation::{IsolatedDb, TestBackend};
use orm_runtime::{Client, Schema};

/// Runs `body` against a fresh, isolated database of `backend` holding `schema`'s tables.
/// Panics (failing the test) on any error, naming the backend.
pub async fn run_on<F, Fut>(backend: TestBackend, schema: Schema, body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = orm_runtime::Result<()>>,
{
    run_with_url(backend, schema, |_url, client| body(client)).await
}

/// [`run_on`], with the database's URL for tests that open more clients on it: the test kit's
/// `run_on` on the backend's server.
pub async fn run_with_url<F, Fut>(backend: TestBackend, schema: Schema, body: F)
where
    F: FnOnce(String, Client) -> Fut,
    Fut: Future<Output = orm_runtime::Result<()>>,
{
    let base = IsolatedDb::base_url(backend);
    orm_runtime::testing::run_on(base.as_deref(), schema, body).await
}

/// Runs `f` and returns its result with the number of statements it sent on `db`: how tests assert
/// that a code path has no N+1.
pub async fn counted<T, Fut>(db: &Client, f: impl FnOnce() -> Fut) -> orm_runtime::Result<(T, u64)>
where
    Fut: Future<Output = orm_runtime::Result<T>>,
{
    let before = db.statements_sent();
    let out = f().await?;
    Ok((out, db.statements_sent() - before))
}

/// Defines one test per configured backend: `name::sqlite`, `name::postgres`, `name::mysql`.
///
/// ```text
/// backend_test!(creates_users, schema(), |db| async move { ...; Ok(()) });
/// ```
#[macro_export]
macro_rules! backend_test {
    ($name:ident, $schema:expr, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::run_on($crate::TestBackend::Sqlite, $schema, $body).await;
            }

            #[cfg(orm_postgres)]
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::run_on($crate::TestBackend::Postgres, $schema, $body).await;
            }

            #[cfg(orm_mysql)]
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mysql() {
                $crate::run_on($crate::TestBackend::MySql, $schema, $body).await;
            }
        }
    };
}

/// [`backend_test!`] whose body also gets the database URL: `|url: String, db: Client| ..`.
#[macro_export]
macro_rules! backend_test_with_url {
    ($name:ident, $schema:expr, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::run_with_url($crate::TestBackend::Sqlite, $schema, $body).await;
            }

            #[cfg(orm_postgres)]
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::run_with_url($crate::TestBackend::Postgres, $schema, $body).await;
            }

            #[cfg(orm_mysql)]
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mysql() {
                $crate::run_with_url($crate::TestBackend::MySql, $schema, $body).await;
            }
        }
    };
}
