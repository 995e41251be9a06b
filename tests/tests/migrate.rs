//! The migration engine on every backend: the blog schema from empty, every kind of change applied to
//! a table holding rows (rows checked afterwards), up then down back to the identical schema, drift,
//! checksum tampering, failed migrations, `db push` and `db pull`.

use std::path::PathBuf;
use std::sync::Arc;

use orm_runtime::migrate::{DevOptions, MigrationState, Migrator};
use orm_runtime::prelude::*;
use orm_runtime::schema::{DbSchema, diff, introspect};
use orm_tests::{IsolatedDb, TestBackend};

/// A fresh empty database and migration directory per test and backend.
struct Env {
    #[allow(dead_code)]
    backend: TestBackend,
    db: Client,
    dir: PathBuf,
    isolated: IsolatedDb,
}

impl Env {
    async fn new(backend: TestBackend) -> Env {
        let isolated = IsolatedDb::create(backend).await;
        let db = Client::connect(&isolated.url)
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: cannot connect: {e}"));
        let dir = std::env::temp_dir()
            .join("orm-tests")
            .join(format!("migrations-{}", uuid::Uuid::new_v4().simple()));
        Env {
            backend,
            db,
            dir,
            isolated,
        }
    }

    fn migrator(&self, schema: Schema) -> Migrator {
        Migrator::new(schema).dir(&self.dir)
    }

    async fn live(&self) -> DbSchema {
        introspect(&self.db).await.expect("introspect")
    }

    /// The steps from the live database to `schema`'s models: empty when they match.
    async fn changes_to(&self, schema: &Schema) -> Vec<String> {
        let d = self.db.dialect();
        diff(&self.live().await, &schema.describe(d), d)
            .iter()
            .map(|s| s.describe())
            .collect()
    }

    async fn finish(self) {
        self.db.close().await;
        let _ = std::fs::remove_dir_all(&self.dir);
        self.isolated.cleanup().await;
    }
}

macro_rules! migrate_test {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run(TestBackend::Sqlite, $body).await;
            }

            #[cfg(orm_postgres)]
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run(TestBackend::Postgres, $body).await;
            }

            #[cfg(orm_mysql)]
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mysql() {
                run(TestBackend::MySql, $body).await;
            }
        }
    };
}

async fn run<F, Fut>(backend: TestBackend, body: F)
where
    F: FnOnce(Arc<Env>) -> Fut,
    Fut: std::future::Future<Output = orm_runtime::Result<()>>,
{
    let env = Arc::new(Env::new(backend).await);
    let result = body(env.clone()).await;
    let env = Arc::try_unwrap(env).unwrap_or_else(|_| panic!("the test body kept its Env"));
    env.finish().await;
    if let Err(e) = result {
        panic!("{backend:?}: {e}\n{e:?}");
    }
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
