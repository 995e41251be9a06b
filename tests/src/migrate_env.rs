//! The migration-engine tests' harness: a fresh empty database and migration directory per test
//! and backend ([`MigrateEnv`]), and [`migrate_test!`](crate::migrate_test) to run a body on every
//! backend.

use std::path::PathBuf;
use std::sync::Arc;

use orm_runtime::migrate::Migrator;
use orm_runtime::prelude::*;
use orm_runtime::schema::{DbSchema, diff, introspect};

use crate::{IsolatedDb, TestBackend};

/// A fresh empty database and migration directory.
pub struct MigrateEnv {
    /// The backend.
    pub backend: TestBackend,
    /// A client of the database.
    pub db: Client,
    /// The migration directory (not created).
    pub dir: PathBuf,
    /// The database (its URL).
    pub isolated: IsolatedDb,
}

impl MigrateEnv {
    /// An empty database of `backend` and a directory name nobody else uses.
    pub async fn new(backend: TestBackend) -> MigrateEnv {
        let isolated = IsolatedDb::create(backend).await;
        let db = Client::connect(&isolated.url)
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: cannot connect: {e}"));
        MigrateEnv {
            backend,
            db,
            dir: temp_path("migrations"),
            isolated,
        }
    }

    /// A migrator for `schema` on this directory.
    pub fn migrator(&self, schema: Schema) -> Migrator {
        Migrator::new(schema).dir(&self.dir)
    }

    /// The live schema.
    pub async fn live(&self) -> DbSchema {
        introspect(&self.db).await.expect("introspect")
    }

    /// The steps from the live database to `schema`'s models: empty when they match.
    pub async fn changes_to(&self, schema: &Schema) -> Vec<String> {
        changes_to(&self.db, schema).await
    }

    /// How many migrations the directory holds (`0` when it does not exist).
    pub fn files(&self) -> usize {
        match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries.count(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(e) => panic!("cannot read {}: {e}", self.dir.display()),
        }
    }

    /// Closes the client, removes the directory and drops the database.
    pub async fn finish(self) {
        self.db.close().await;
        let _ = std::fs::remove_dir_all(&self.dir);
        self.isolated.cleanup().await;
    }
}

/// The steps from `db`'s live schema to `schema`'s models: empty when they match.
pub async fn changes_to(db: &Client, schema: &Schema) -> Vec<String> {
    let d = db.dialect();
    let live = introspect(db).await.expect("introspect");
    diff(&live, &schema.describe(d), d)
        .iter()
        .map(|s| s.describe())
        .collect()
}

/// A unique path under the temporary directory (not created).
pub fn temp_path(what: &str) -> PathBuf {
    std::env::temp_dir()
        .join("orm-tests")
        .join(format!("{what}-{}", uuid::Uuid::new_v4().simple()))
}

/// Runs `body` with a fresh [`MigrateEnv`] of `backend`, cleans up, and fails the test if the
/// body failed.
pub async fn run<F, Fut>(backend: TestBackend, body: F)
where
    F: FnOnce(Arc<MigrateEnv>) -> Fut,
    Fut: std::future::Future<Output = orm_runtime::Result<()>>,
{
    let env = Arc::new(MigrateEnv::new(backend).await);
    let result = body(env.clone()).await;
    let env = Arc::try_unwrap(env).unwrap_or_else(|_| panic!("the test body kept its env"));
    env.finish().await;
    if let Err(e) = result {
        panic!("{backend:?}: {e}\n{e:?}");
    }
}

/// A migration-engine test on every configured backend: `migrate_test!(name, |env| async move {
/// .. })`, the body getting an `Arc<MigrateEnv>`.
#[macro_export]
macro_rules! migrate_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::migrate_env::run($crate::TestBackend::Sqlite, $body).await;
            }

            #[cfg(orm_postgres)]
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::migrate_env::run($crate::TestBackend::Postgres, $body).await;
            }

            #[cfg(orm_mysql)]
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mysql() {
                $crate::migrate_env::run($crate::TestBackend::MySql, $body).await;
            }
        }
    };
}
