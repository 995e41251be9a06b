//! Data migrations: a Rust step that runs with a migration's SQL.
//!
//! A migration directory with a `data-step` file has a step the application registers by name
//! ([`Migrator::data_migration`](super::Migrator::data_migration)). Where the backend runs schema
//! changes and data changes in one transaction and the script needs no foreign-key switch
//! (PostgreSQL), the SQL, the step and the history record commit together. Elsewhere (MySQL/MariaDB
//! commit each DDL statement; SQLite's table rebuilds need foreign keys off, outside any
//! transaction) the SQL applies first and is recorded as started, then the step runs in a
//! transaction that also records the migration as finished; a step that fails leaves the migration
//! recorded as failed with the step's error, and the next `deploy` runs the step again (the SQL is
//! not repeated).

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use orm_core::client::{Client, Executor, Transaction};
use orm_core::error::{Error, MigrateError, Result};
use orm_core::sql::{Dialect, Statement};

use super::files::LocalMigration;

/// The future a data step returns.
pub type StepFuture<'a> = Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;

/// A data step's function: it receives the migration's transaction.
pub type StepFn = Arc<dyn for<'a> Fn(&'a Transaction) -> StepFuture<'a> + Send + Sync>;

/// A registered Rust step: what runs after the migration's SQL, and before its `down.sql`.
#[derive(Clone)]
pub(crate) struct DataStep {
    pub(crate) up: StepFn,
    pub(crate) down: StepFn,
}

/// The registered steps, by name.
#[derive(Clone, Default)]
pub(crate) struct DataSteps(pub(crate) Arc<BTreeMap<String, DataStep>>);

impl std::fmt::Debug for DataSteps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl DataSteps {
    /// The step of `m`: `None` when it has none; an error when it has one nobody registered.
    pub(crate) fn for_migration(&self, m: &LocalMigration) -> Result<Option<&DataStep>> {
        if m.data_step.is_none() {
            return Ok(None);
        }
        self.0
            .get(m.step_name())
            .or_else(|| self.0.get(&m.name))
            .map(Some)
            .ok_or_else(|| {
                MigrateError::MissingDataStep {
                    name: m.name.clone(),
                    step: m.step_name().to_owned(),
                }
                .into()
            })
    }

    /// Refuses before anything runs when one of `migrations` has a step nobody registered.
    pub(crate) fn check<'a>(
        &self,
        migrations: impl IntoIterator<Item = &'a LocalMigration>,
    ) -> Result<()> {
        for m in migrations {
            self.for_migration(m)?;
        }
        Ok(())
    }
}

/// What the history's `logs` say when a migration's SQL applied and its data step failed.
pub(crate) const STEP_FAILED: &str = "the SQL was applied; the data step failed: ";

/// Whether one transaction can hold the migration's SQL (`up`) and its step: the backend has
/// transactional DDL, the script needs no foreign-key switch, runs in a transaction at all (not an
/// online migration's `CREATE INDEX CONCURRENTLY`), and adds no enum value (PostgreSQL cannot use a
/// value `ALTER TYPE .. ADD VALUE` added before the transaction commits, and the step may write it).
pub(crate) fn one_transaction(d: Dialect, up: &str) -> bool {
    d.capabilities().transactional_ddl
        && d.ddl().foreign_key_switch().is_none()
        && !super::files::no_transaction(up)
        && !up.contains(" ADD VALUE ")
}

/// Runs the step (and the statement recording the migration) in a transaction.
pub(crate) async fn run_step(
    db: &Client,
    f: &StepFn,
    before: Option<&str>,
    after: Option<&str>,
) -> Result<()> {
    db.transaction(|tx| async move {
        if let Some(sql) = before {
            tx.__script(sql).await?;
        }
        f(&tx).await?;
        if let Some(sql) = after {
            tx.__script(sql).await?;
        }
        Ok::<_, Error>(())
    })
    .await
}

/// Records that the migration's data step failed, or has not run yet (its SQL is applied and
/// recorded as started): the next `deploy` runs it.
pub(crate) async fn record_step_pending(
    db: &Client,
    history: &str,
    name: &str,
    why: &str,
) -> Result<()> {
    record_logs(db, history, name, &format!("{STEP_FAILED}{why}")).await
}

/// Sets a recorded migration's `logs`.
pub(crate) async fn record_logs(db: &Client, history: &str, name: &str, logs: &str) -> Result<()> {
    let d = db.dialect();
    let sql = format!(
        "UPDATE {history} SET logs = {} WHERE name = {}",
        super::lit(d, logs),
        super::lit(d, name)
    );
    db.__execute(Statement::text(sql)).await.map(|_| ())
}
