//! Migrations generated from the models.
//!
//! The models are the schema. [`Migrator::dev`] compares them with the schema the migration
//! directory produces (replayed into a throwaway *shadow* database), writes the difference as
//! `migrations/<timestamp>_<name>/up.sql` **and** `down.sql`, and applies it.
//! [`Migrator::deploy`] applies pending migrations in production; [`Migrator::down`] rolls back.
//!
//! Every applied migration is recorded in the `_orm_migrations` table with the checksum of its
//! `up.sql`, its start and finish times, and on failure the error. On PostgreSQL and SQLite a
//! migration and its record commit together or not at all. MySQL commits DDL statement by statement,
//! so a failure there leaves a *failed* record, and every later command refuses to run until the
//! migration is [resolved](Migrator::resolve_applied).
//!
//! Steps that can destroy data (dropping a table or a column holding values, narrowing a type,
//! requiring a column that holds `NULL`s) are counted on the live database and refused unless
//! accepted ([`DevOptions::accept_data_loss`]).
//!
//! ```no_run
//! # use orm_runtime::prelude::*;
//! # #[derive(Model, Debug)] struct User { #[orm(id)] id: i64, name: String }
//! # async fn f(db: &Client) -> orm_runtime::Result<()> {
//! use orm_runtime::migrate::{DevOptions, Migrator};
//! let migrator = Migrator::new(Schema::new().model::<User>()).dir("migrations");
//! // development: write and apply a migration for what changed in the models
//! if let Some(m) = migrator.dev(db, "add_users", DevOptions::default()).await? {
//!     println!("wrote {}", m.name);
//! }
//! // production: apply what is pending
//! migrator.deploy(db).await?;
//! # Ok(()) }
//! ```

mod backfill;
mod data;
mod files;
mod lint;
mod prisma;
mod pull;
mod shadow;

#[cfg(feature = "cli")]
pub mod cli;

pub use backfill::{BACKFILL_TABLE, Backfill, BackfillReport};
pub use data::{StepFn, StepFuture};
pub use files::{DATA_STEP_FILE, LocalMigration};
pub use lint::{Lint, lint};
pub use orm_core::error::{DataLossWarning, MigrateError};
pub use prisma::{PrismaImportError, import_prisma, prisma_dialect};
pub use pull::render_models;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::schema::{DbSchema, Schema, Step, diff, introspect};
use orm_core::__migrate::HISTORY_TABLE;
use orm_core::__migrate::MigConn;
use orm_core::client::{Client, Executor, Transaction};
use orm_core::error::{Error, Result};
use orm_core::sql::{Dialect, Statement};

/// A migration as recorded in the history table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    /// The migration's directory name.
    pub name: String,
    /// SHA-256 of its `up.sql` when it was applied.
    pub checksum: String,
    /// When applying started.
    pub started_at: DateTime<Utc>,
    /// When it finished; `None` for a failed migration.
    pub finished_at: Option<DateTime<Utc>>,
    /// The error of a failed migration.
    pub logs: Option<String>,
}

/// Where one migration stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrationState {
    /// Applied, and the file is unchanged.
    Applied,
    /// In the directory, not applied yet.
    Pending,
    /// Started and failed (MySQL); must be resolved.
    Failed {
        /// The recorded error.
        logs: Option<String>,
    },
    /// Applied, but its `up.sql` was edited afterwards.
    Modified,
    /// Applied, but its directory is gone.
    MissingLocally,
}

/// One line of [`Migrator::status`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// The migration's name.
    pub name: String,
    /// Its state.
    pub state: MigrationState,
}

/// What [`Migrator::dev`] may do.
#[derive(Debug, Clone, Default)]
pub struct DevOptions {
    /// Apply steps that destroy data (dropped tables and columns, narrowed types).
    pub accept_data_loss: bool,
    /// Write the migration files but do not apply them.
    pub create_only: bool,
    /// Write the steps that have one in their online form (PostgreSQL `CREATE INDEX
    /// CONCURRENTLY`, foreign keys `NOT VALID` then validated — the migration then runs outside a
    /// transaction, statement by statement, under a lock timeout with retries; MySQL/MariaDB
    /// `ALGORITHM=INPLACE LOCK=NONE`, refused by the server rather than locking).
    pub online: bool,
    /// Give the migration a Rust step (a `data-step` file, see
    /// [`Migrator::data_migration`]); it is applied only if the step is registered.
    pub data_step: bool,
}

/// The migration engine for one [`Schema`] and one migration directory.
#[derive(Debug, Clone)]
pub struct Migrator {
    schema: Schema,
    dir: PathBuf,
    shadow_url: Option<String>,
    data: data::DataSteps,
}

/// A migration that [`Migrator::dev`] wrote.
#[derive(Debug, Clone)]
pub struct NewMigration {
    /// The directory name: `<timestamp>_<name>`.
    pub name: String,
    /// The directory.
    pub path: PathBuf,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// `up.sql`.
    pub up: String,
    /// `down.sql`.
    pub down: String,
    /// The steps that lock or rewrite a table holding rows (also written into `up.sql` as
    /// `-- LINT:` lines).
    pub lints: Vec<Lint>,
    /// Whether it was applied.
    pub applied: bool,
}

/// What [`Migrator::baseline`] did.
#[derive(Debug, Clone)]
pub struct Baseline {
    /// The migration written and recorded as applied (not run: the database has it already).
    pub migration: NewMigration,
    /// The migrations Prisma recorded as applied in `_prisma_migrations`, oldest first (empty when
    /// the database has no Prisma history). The table stays; introspection never reports it.
    pub prisma_migrations: Vec<String>,
}

impl Migrator {
    /// A migrator for `schema`, with migrations in `./migrations`.
    pub fn new(schema: Schema) -> Self {
        Migrator {
            schema,
            dir: PathBuf::from("migrations"),
            shadow_url: None,
            data: Default::default(),
        }
    }

    /// Registers the Rust step of the migration named `name` (its directory name without the
    /// timestamp, or the whole directory name): `up` runs after the migration's SQL, `down` before
    /// its `down.sql`, each with the migration's transaction, so the step's writes commit with the
    /// migration or not at all. On PostgreSQL the SQL, the step and the history record are one
    /// transaction; on MySQL/MariaDB and SQLite the SQL applies first (recorded as started) and the
    /// step's transaction records the migration as finished — if the step fails, the migration is
    /// recorded as failed with the step's error and the next [`deploy`](Self::deploy) runs the step
    /// again. A step must change data only: the shadow database replays the SQL alone.
    ///
    /// A migration gets a step with a `data-step` file in its directory (`migrate dev
    /// --data-step` writes one); its content is part of the migration's checksum. A pending
    /// migration whose step is not registered stops [`deploy`](Self::deploy) before anything runs
    /// ([`MigrateError::MissingDataStep`]).
    ///
    /// ```no_run
    /// # use orm_runtime::prelude::*;
    /// # #[derive(Model, Debug, Clone)] struct User { #[orm(id)] id: i64, email_verified: bool }
    /// use orm_runtime::migrate::Migrator;
    /// use orm_runtime::Transaction;
    ///
    /// /// Users who signed up before e-mail verification existed count as verified.
    /// async fn verify_existing(tx: &Transaction) -> orm_runtime::Result<()> {
    ///     User::update_many()
    ///         .set(User::EMAIL_VERIFIED, true)
    ///         .exec(tx)
    ///         .await?;
    ///     Ok(())
    /// }
    ///
    /// # fn f(schema: Schema) {
    /// let migrator = Migrator::new(schema).data_migration(
    ///     "add_user_verification",
    ///     |tx| Box::pin(verify_existing(tx)),
    ///     |_tx| Box::pin(async { Ok(()) }), // down.sql drops the columns
    /// );
    /// # }
    /// ```
    pub fn data_migration<U, D>(mut self, name: impl Into<String>, up: U, down: D) -> Self
    where
        U: for<'a> Fn(&'a Transaction) -> StepFuture<'a> + Send + Sync + 'static,
        D: for<'a> Fn(&'a Transaction) -> StepFuture<'a> + Send + Sync + 'static,
    {
        let mut steps = (*self.data.0).clone();
        steps.insert(
            name.into(),
            data::DataStep {
                up: std::sync::Arc::new(up),
                down: std::sync::Arc::new(down),
            },
        );
        self.data = data::DataSteps(std::sync::Arc::new(steps));
        self
    }

    /// Sets the migration directory.
    pub fn dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = dir.into();
        self
    }

    /// Uses the directory of `root` for `dialect`'s migrations: `root/postgres`, `root/mysql`,
    /// `root/mariadb` or `root/sqlite` when `root` holds migrations per backend (any of those
    /// directories exists), else `root` itself. MariaDB's own DDL (its `NO PAD` collation) is not
    /// MySQL 8's, so the two have directories of their own.
    ///
    /// ```
    /// # use orm_runtime::migrate::Migrator;
    /// # use orm_runtime::sql::Dialect;
    /// let root = std::env::temp_dir().join("orm-doc-backend-dir");
    /// std::fs::create_dir_all(root.join("sqlite")).unwrap();
    /// let m = Migrator::new(orm_runtime::Schema::new()).backend_dir(&root, Dialect::SQLITE);
    /// assert_eq!(m.migrations_dir(), root.join("sqlite"));
    /// let m = Migrator::new(orm_runtime::Schema::new()).backend_dir(&root, Dialect::POSTGRES);
    /// assert_eq!(m.migrations_dir(), root.join("postgres"));
    /// ```
    pub fn backend_dir(mut self, root: impl AsRef<Path>, dialect: Dialect) -> Self {
        self.dir = files::backend_dir(root.as_ref(), dialect);
        self
    }

    /// Uses this database as the shadow database instead of a temporary schema (PostgreSQL), a
    /// temporary database (MySQL) or an in-memory database (SQLite) next to the real one. Its
    /// contents are dropped.
    pub fn shadow_url(mut self, url: impl Into<String>) -> Self {
        self.shadow_url = Some(url.into());
        self
    }

    /// The migration directory.
    pub fn migrations_dir(&self) -> &Path {
        &self.dir
    }

    /// The schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The migrations in the directory, oldest first.
    pub fn local(&self) -> Result<Vec<LocalMigration>> {
        files::read_dir(&self.dir)
    }

    /// The history table's rows, oldest first (empty before the first migration).
    pub async fn history(&self, db: &Client) -> Result<Vec<AppliedMigration>> {
        ensure_history(db).await?;
        type Row = (
            String,
            String,
            DateTime<Utc>,
            Option<DateTime<Utc>>,
            Option<String>,
        );
        let rows: Vec<Row> = db
            .__fetch(
                Statement::text(format!(
                    "SELECT name, checksum, started_at, finished_at, logs FROM {} ORDER BY name",
                    quote(db.dialect(), HISTORY_TABLE)
                )),
                <(
                    String,
                    String,
                    DateTime<Utc>,
                    Option<DateTime<Utc>>,
                    Option<String>,
                ) as orm_core::FromRow>::from_row,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(name, checksum, started_at, finished_at, logs)| AppliedMigration {
                    name,
                    checksum,
                    started_at,
                    finished_at,
                    logs,
                },
            )
            .collect())
    }

    /// Every migration, local or recorded, with its state.
    pub async fn status(&self, db: &Client) -> Result<Vec<MigrationStatus>> {
        let local = self.local()?;
        let history = self.history(db).await?;
        let mut out = Vec::new();
        for m in &local {
            let state = match history.iter().find(|h| h.name == m.name) {
                None => MigrationState::Pending,
                Some(h) if h.finished_at.is_none() => MigrationState::Failed {
                    logs: h.logs.clone(),
                },
                Some(h) if h.checksum != m.checksum => MigrationState::Modified,
                Some(_) => MigrationState::Applied,
            };
            out.push(MigrationStatus {
                name: m.name.clone(),
                state,
            });
        }
        for h in &history {
            if !local.iter().any(|m| m.name == h.name) {
                out.push(MigrationStatus {
                    name: h.name.clone(),
                    state: if h.finished_at.is_none() {
                        MigrationState::Failed {
                            logs: h.logs.clone(),
                        }
                    } else {
                        MigrationState::MissingLocally
                    },
                });
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Refuses to go on while a migration failed, was edited after being applied, or is missing.
    async fn check_history(
        &self,
        db: &Client,
    ) -> Result<(Vec<LocalMigration>, Vec<AppliedMigration>)> {
        let local = self.local()?;
        let history = self.history(db).await?;
        for h in &history {
            if h.finished_at.is_none() {
                return Err(MigrateError::Failed {
                    name: h.name.clone(),
                    logs: h.logs.clone(),
                }
                .into());
            }
            match local.iter().find(|m| m.name == h.name) {
                None => {
                    return Err(MigrateError::MissingLocally {
                        name: h.name.clone(),
                        dir: self.dir.clone(),
                    }
                    .into());
                }
                Some(m) if m.checksum != h.checksum => {
                    return Err(MigrateError::ChecksumMismatch {
                        name: h.name.clone(),
                        recorded: h.checksum.clone(),
                        actual: m.checksum.clone(),
                    }
                    .into());
                }
                Some(_) => {}
            }
        }
        Ok((local, history))
    }

    /// Applies every pending migration, oldest first; returns their names.
    pub async fn deploy(&self, db: &Client) -> Result<Vec<String>> {
        self.schema.verify_for(db.dialect())?;
        let mut applied = self.retry_data_steps(db).await?;
        let (local, history) = self.check_history(db).await?;
        let pending: Vec<&LocalMigration> = local
            .iter()
            .filter(|m| !history.iter().any(|h| h.name == m.name))
            .collect();
        self.data.check(pending.iter().copied())?;
        for m in pending {
            self.apply(db, m).await?;
            applied.push(m.name.clone());
        }
        Ok(applied)
    }

    /// Applies one migration, with its data step if it has one.
    async fn apply(&self, db: &Client, m: &LocalMigration) -> Result<()> {
        let Some(step) = self.data.for_migration(m)? else {
            return apply(db, &m.name, &m.checksum, &m.up).await;
        };
        let d = db.dialect();
        let failed = |e: Error, recorded: bool| -> Error {
            MigrateError::Apply {
                name: m.name.clone(),
                recorded,
                source: Box::new(e),
            }
            .into()
        };
        if data::one_transaction(d, &m.up) {
            let record = insert_history_sql(d, &m.name, &m.checksum, true);
            return data::run_step(db, &step.up, Some(&m.up), Some(&record))
                .await
                .map_err(|e| failed(e, false));
        }
        apply_started(db, &m.name, &m.checksum, &m.up).await?;
        self.finish_data_step(db, &m.name, step).await
    }

    /// Runs the data step of a migration whose SQL is applied and recorded as started, and records
    /// it finished — or failed with the step's error.
    async fn finish_data_step(&self, db: &Client, name: &str, step: &data::DataStep) -> Result<()> {
        let d = db.dialect();
        let finish = finish_history_sql(d, name);
        match data::run_step(db, &step.up, None, Some(&finish)).await {
            Ok(()) => Ok(()),
            Err(e) => {
                let history = quote(d, HISTORY_TABLE);
                let _ = data::record_step_pending(db, &history, name, &e.to_string()).await;
                Err(MigrateError::Apply {
                    name: name.to_owned(),
                    recorded: true,
                    source: Box::new(e),
                }
                .into())
            }
        }
    }

    /// Runs again the data steps that failed after their SQL applied (the SQL is not repeated);
    /// returns the migrations so finished.
    async fn retry_data_steps(&self, db: &Client) -> Result<Vec<String>> {
        let history = self.history(db).await?;
        let retry: Vec<&AppliedMigration> = history
            .iter()
            .filter(|h| {
                h.finished_at.is_none()
                    && h.logs
                        .as_deref()
                        .is_some_and(|l| l.starts_with(data::STEP_FAILED))
            })
            .collect();
        if retry.is_empty() {
            return Ok(Vec::new());
        }
        let local = self.local()?;
        let mut done = Vec::new();
        for h in retry {
            let Some(m) = local
                .iter()
                .find(|m| m.name == h.name && m.checksum == h.checksum)
            else {
                continue;
            };
            if let Some(step) = self.data.for_migration(m)? {
                self.finish_data_step(db, &m.name, step).await?;
                done.push(m.name.clone());
            }
        }
        Ok(done)
    }

    /// The schema the migration directory produces, replayed into a shadow database.
    pub async fn replay(&self, db: &Client, migrations: &[LocalMigration]) -> Result<DbSchema> {
        shadow::replay(db, self.shadow_url.as_deref(), migrations).await
    }

    /// Differences between the live database and what its applied migrations produce, explained
    /// one per line; empty when there is no drift.
    pub async fn drift(&self, db: &Client) -> Result<Vec<String>> {
        let (local, history) = self.check_history(db).await?;
        let applied: Vec<LocalMigration> = local
            .into_iter()
            .filter(|m| history.iter().any(|h| h.name == m.name))
            .collect();
        let expected = self.replay(db, &applied).await?;
        let live = introspect(db).await?;
        Ok(diff(&expected, &live, db.dialect())
            .iter()
            .map(explain_drift)
            .collect())
    }

    /// The steps from what the migration directory produces to what the models describe: what
    /// [`dev`](Self::dev) would write.
    pub async fn pending_changes(&self, db: &Client) -> Result<Vec<Step>> {
        self.schema.verify_for(db.dialect())?;
        let local = self.local()?;
        let expected = self.replay(db, &local).await?;
        Ok(diff(
            &expected,
            &self.schema.describe(db.dialect()),
            db.dialect(),
        ))
    }

    /// Development: applies pending migrations, checks for drift, then writes a migration for
    /// whatever the models changed and (unless `create_only`) applies it. `None` when the models
    /// match the migrations.
    pub async fn dev(
        &self,
        db: &Client,
        name: &str,
        opts: DevOptions,
    ) -> Result<Option<NewMigration>> {
        files::check_name(name)?;
        self.schema.verify_for(db.dialect())?;
        self.deploy(db).await?;
        let local = self.local()?;
        let d = db.dialect();
        let expected = self.replay(db, &local).await?;
        let live = introspect(db).await?;
        let drift: Vec<String> = diff(&expected, &live, d)
            .iter()
            .map(explain_drift)
            .collect();
        if !drift.is_empty() {
            return Err(MigrateError::Drift { differences: drift }.into());
        }
        let target = self.schema.describe(d);
        let steps = diff(&expected, &target, d);
        if steps.is_empty() {
            return Ok(None);
        }
        let warnings = guard_data_loss(db, &steps, opts.accept_data_loss).await?;
        let down_steps = diff(&target, &reverse_renames(&expected, &steps), d);
        let dir_name = files::next_name(&local, name);
        // Steps written in their online form raise no lint.
        let linted: Vec<Step> = steps
            .iter()
            .filter(|s| !(opts.online && s.online_sql(d).is_some()))
            .cloned()
            .collect();
        let lints = lint::lint(db, &linted).await?;
        let mut up = files::render(d, &dir_name, "up", &steps, &warnings, opts.online);
        files::insert_lints(&mut up, &lints);
        let down_warnings: Vec<DataLossWarning> = down_steps
            .iter()
            .filter_map(|s| s.data_loss(d))
            .map(|l| DataLossWarning {
                description: l.description,
                rows: -1,
            })
            .collect();
        let down = files::render(d, &dir_name, "down", &down_steps, &down_warnings, false);
        let path = files::write(&self.dir, &dir_name, &up, &down)?;
        if opts.data_step {
            files::write_data_step(&path, name)?;
        }
        let mut applied = false;
        if !opts.create_only {
            let written = files::read_migration(&path)?.expect("just written");
            // A new data step is applied once the application registers it.
            if self.data.for_migration(&written).is_ok() {
                self.apply(db, &written).await?;
                applied = true;
            }
        }
        Ok(Some(NewMigration {
            name: dir_name,
            path,
            steps,
            up,
            down,
            lints,
            applied,
        }))
    }

    /// The online-safety lint of what is still to come: the `-- LINT:` lines recorded in pending
    /// migrations (by name), then the lint of the model changes no migration has yet.
    pub async fn lint(&self, db: &Client) -> Result<(Vec<(String, Vec<String>)>, Vec<Lint>)> {
        let (local, history) = self.check_history(db).await?;
        let recorded = local
            .iter()
            .filter(|m| !history.iter().any(|h| h.name == m.name))
            .map(|m| {
                let lints = lint::recorded(&m.up)
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
                (m.name.clone(), lints)
            })
            .filter(|(_, l): &(String, Vec<String>)| !l.is_empty())
            .collect();
        let changes = self.pending_changes(db).await?;
        Ok((recorded, lint::lint(db, &changes).await?))
    }

    /// Rolls back the last applied migration, or with `to`, every migration applied after `to`;
    /// returns the names rolled back, newest first.
    pub async fn down(&self, db: &Client, to: Option<&str>) -> Result<Vec<String>> {
        let (local, history) = self.check_history(db).await?;
        let targets: Vec<&AppliedMigration> = match to {
            None => history.last().into_iter().collect(),
            Some(to) => {
                let Some(pos) = history.iter().position(|h| h.name == to) else {
                    return Err(MigrateError::UnknownMigration {
                        name: to.to_owned(),
                    }
                    .into());
                };
                history[pos + 1..].iter().rev().collect()
            }
        };
        let targets: Vec<&LocalMigration> = targets
            .iter()
            .map(|h| {
                local
                    .iter()
                    .find(|m| m.name == h.name)
                    .expect("checked by check_history")
            })
            .collect();
        // Nothing is rolled back unless every target can be.
        for m in &targets {
            if m.down.is_none() {
                return Err(MigrateError::NoDown {
                    name: m.name.clone(),
                }
                .into());
            }
        }
        self.data.check(targets.iter().copied())?;
        let mut done = Vec::new();
        for m in targets {
            let down = m.down.as_deref().expect("checked above");
            if let Some(step) = self.data.for_migration(m)? {
                let d = db.dialect();
                let delete = format!(
                    "DELETE FROM {} WHERE name = {}",
                    quote(d, HISTORY_TABLE),
                    lit(d, &m.name)
                );
                let failed = |e: Error| -> Error {
                    MigrateError::Apply {
                        name: format!("{} (down)", m.name),
                        recorded: false,
                        source: Box::new(e),
                    }
                    .into()
                };
                if data::one_transaction(d, down) {
                    // The step, then down.sql and the record, in one transaction.
                    let after = format!("{down}\n;\n{delete}");
                    data::run_step(db, &step.down, None, Some(&after))
                        .await
                        .map_err(failed)?;
                    done.push(m.name.clone());
                    continue;
                }
                // The step's transaction first; then down.sql, which removes the record.
                data::run_step(db, &step.down, None, None)
                    .await
                    .map_err(failed)?;
            }
            revert(db, &m.name, down).await?;
            done.push(m.name.clone());
        }
        Ok(done)
    }

    /// Drops everything in the database (tables, enum types, the history) and applies every
    /// migration from scratch.
    pub async fn reset(&self, db: &Client) -> Result<Vec<String>> {
        drop_all(db).await?;
        self.deploy(db).await
    }

    /// Makes the database match the models directly, without migration files or history (for
    /// prototyping). Returns the steps applied.
    pub async fn push(&self, db: &Client, accept_data_loss: bool) -> Result<Vec<Step>> {
        self.schema.verify_for(db.dialect())?;
        let d = db.dialect();
        let live = introspect(db).await?;
        let steps = diff(&live, &self.schema.describe(d), d);
        guard_data_loss(db, &steps, accept_data_loss).await?;
        run_steps(db, &steps, None).await?;
        Ok(steps)
    }

    /// Adopts a database this engine did not create (Prisma's, another tool's, a hand-made one):
    /// writes a first migration `name` that creates what the models describe, and records it as
    /// applied without running it. Afterwards [`status`](Self::status) and [`drift`](Self::drift)
    /// are clean and [`dev`](Self::dev) writes only what the models change.
    ///
    /// Refused unless the models describe the live database exactly
    /// ([`MigrateError::NotBaselined`], listing the differences: `db pull` writes models that do),
    /// and when there is a history already ([`MigrateError::HistoryExists`]). Prisma's history,
    /// if any, is read and returned; its table is left alone.
    ///
    /// ```no_run
    /// # use orm_runtime::prelude::*;
    /// # #[derive(Model, Debug)] struct User { #[orm(id)] id: i64 }
    /// # async fn f(db: &Client) -> orm_runtime::Result<()> {
    /// use orm_runtime::migrate::Migrator;
    /// let migrator = Migrator::new(Schema::new().model::<User>());
    /// let baseline = migrator.baseline(db, "baseline").await?;
    /// println!("adopted {} Prisma migrations as {}", baseline.prisma_migrations.len(), baseline.migration.name);
    /// assert!(migrator.drift(db).await?.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn baseline(&self, db: &Client, name: &str) -> Result<Baseline> {
        files::check_name(name)?;
        let d = db.dialect();
        self.schema.verify_for(d)?;
        let history = self.history(db).await?;
        let local = self.local()?;
        if !history.is_empty() || !local.is_empty() {
            return Err(MigrateError::HistoryExists {
                applied: history.len(),
                local: local.len(),
            }
            .into());
        }
        let target = self.schema.describe(d);
        let live = introspect(db).await?;
        let differences: Vec<String> = diff(&live, &target, d)
            .iter()
            .map(|s| s.describe())
            .collect();
        if !differences.is_empty() {
            return Err(MigrateError::NotBaselined { differences }.into());
        }
        let empty = DbSchema::default();
        let steps = diff(&empty, &target, d);
        let down_steps = diff(&target, &empty, d);
        let down_warnings: Vec<DataLossWarning> = down_steps
            .iter()
            .filter_map(|s| s.data_loss(d))
            .map(|l| DataLossWarning {
                description: l.description,
                rows: -1,
            })
            .collect();
        let dir_name = files::next_name(&local, name);
        let up = files::render(d, &dir_name, "up", &steps, &[], false);
        let down = files::render(d, &dir_name, "down", &down_steps, &down_warnings, false);
        let path = files::write(&self.dir, &dir_name, &up, &down)?;
        // The files and the record go together: without the record, the files are removed again.
        let record = insert_history_sql(d, &dir_name, &files::checksum(&up), true);
        if let Err(e) = exec(db, record).await {
            let _ = std::fs::remove_dir_all(&path);
            return Err(e);
        }
        Ok(Baseline {
            migration: NewMigration {
                name: dir_name,
                path,
                steps,
                up,
                down,
                lints: Vec::new(),
                applied: false,
            },
            prisma_migrations: prisma_history(db).await,
        })
    }

    /// Marks a failed migration as applied (after finishing it by hand), or records a migration as
    /// applied without running it (a baseline for an existing database).
    pub async fn resolve_applied(&self, db: &Client, name: &str) -> Result<()> {
        let local = self.local()?;
        let Some(m) = local.iter().find(|m| m.name == name) else {
            return Err(MigrateError::UnknownMigration {
                name: name.to_owned(),
            }
            .into());
        };
        let history = self.history(db).await?;
        let d = db.dialect();
        let t = quote(d, HISTORY_TABLE);
        match history.iter().find(|h| h.name == name) {
            Some(h) if h.finished_at.is_some() => {
                return Err(MigrateError::NotFailed {
                    name: name.to_owned(),
                }
                .into());
            }
            Some(_) => {
                exec(
                    db,
                    format!(
                        "UPDATE {t} SET finished_at = {now}, logs = NULL, checksum = {} WHERE name = {}",
                        lit(d, &m.checksum),
                        lit(d, &m.name),
                        now = now_sql(d)
                    ),
                )
                .await?;
            }
            None => {
                exec(db, insert_history_sql(d, &m.name, &m.checksum, true)).await?;
            }
        }
        Ok(())
    }

    /// Marks a failed migration as rolled back (after undoing what it did by hand): its record is
    /// removed, and the next deploy runs it again.
    pub async fn resolve_rolled_back(&self, db: &Client, name: &str) -> Result<()> {
        let history = self.history(db).await?;
        match history.iter().find(|h| h.name == name) {
            None => Err(MigrateError::UnknownMigration {
                name: name.to_owned(),
            }
            .into()),
            Some(h) if h.finished_at.is_some() => Err(MigrateError::NotFailed {
                name: name.to_owned(),
            }
            .into()),
            Some(_) => {
                let d = db.dialect();
                exec(
                    db,
                    format!(
                        "DELETE FROM {} WHERE name = {}",
                        quote(d, HISTORY_TABLE),
                        lit(d, name)
                    ),
                )
                .await?;
                Ok(())
            }
        }
    }
}

/// Rename hints for the way back: what `up` renamed, `down` renames back.
fn reverse_renames(expected: &DbSchema, steps: &[Step]) -> DbSchema {
    let mut back = expected.clone();
    for s in steps {
        match s {
            Step::RenameTable { from, to } => {
                if let Some(t) = back.tables.iter_mut().find(|t| t.name == *from) {
                    t.renamed_from = Some(to.clone());
                }
            }
            Step::RenameColumn { table, from, to } => {
                let old_table = steps
                    .iter()
                    .find_map(|s| match s {
                        Step::RenameTable { from, to } if to == table => Some(from.clone()),
                        _ => None,
                    })
                    .unwrap_or_else(|| table.clone());
                if let Some(t) = back.tables.iter_mut().find(|t| t.name == old_table)
                    && let Some(c) = t.columns.iter_mut().find(|c| c.name == *from)
                {
                    c.renamed_from = Some(to.clone());
                }
            }
            _ => {}
        }
    }
    back
}

/// Explains one drift step: how the live database differs from what the migrations produce.
pub fn explain_drift(step: &Step) -> String {
    match step {
        Step::CreateTable(t) => format!(
            "table `{}` exists in the database, but no migration creates it",
            t.name
        ),
        Step::DropTable(t) => format!(
            "table `{}` is created by the migrations, but is missing from the database",
            t.name
        ),
        Step::AddColumn { table, column } => format!(
            "column `{table}.{}` exists in the database, but no migration adds it",
            column.name
        ),
        Step::DropColumn { table, column } => format!(
            "column `{table}.{}` is added by the migrations, but is missing from the database",
            column.name
        ),
        Step::CreateIndex { table, index } => format!(
            "index `{}` on `{table}` exists in the database, but no migration creates it",
            index.name
        ),
        Step::DropIndex { table, index } => format!(
            "index `{}` on `{table}` is created by the migrations, but is missing from the database",
            index.name
        ),
        Step::AddForeignKey { table, fk } => format!(
            "foreign key `{}` on `{table}` exists in the database, but no migration creates it",
            fk.name
        ),
        Step::DropForeignKey { table, fk } => format!(
            "foreign key `{}` on `{table}` is created by the migrations, but is missing from the database",
            fk.name
        ),
        Step::CreateEnum(e) => format!(
            "enum `{}` exists in the database, but no migration creates it",
            e.name
        ),
        Step::DropEnum(e) => format!(
            "enum `{}` is created by the migrations, but is missing from the database",
            e.name
        ),
        other => format!(
            "the database differs from the migrations: to match it, one would {}",
            other.describe()
        ),
    }
}

/// Counts on the live database what `steps` would destroy; refuses (`DataLoss`) when rows would be
/// lost and `accept` is false.
async fn guard_data_loss(
    db: &Client,
    steps: &[Step],
    accept: bool,
) -> Result<Vec<DataLossWarning>> {
    refuse_unique_violations(db, steps).await?;
    let warnings = data_loss(db, steps).await?;
    if warnings.iter().any(|w| w.rows != 0) && !accept {
        return Err(MigrateError::DataLoss { warnings }.into());
    }
    Ok(warnings)
}

/// Runs `steps`, then `then`, as one script: atomically where the backend allows.
async fn run_steps(db: &Client, steps: &[Step], then: Option<String>) -> Result<()> {
    let d = db.dialect();
    let mut sql: Vec<String> = steps.iter().flat_map(|s| s.sql(d)).collect();
    sql.extend(then);
    let mut conn = MigConn::acquire(db).await?;
    run_script(&mut conn, &sql.join(";\n"), None).await
}

/// Drops every table and enum type, and the history table: what `reset` and a reused shadow
/// database start from.
pub(crate) async fn drop_all(db: &Client) -> Result<()> {
    let d = db.dialect();
    let live = introspect(db).await?;
    let steps = diff(&live, &DbSchema::default(), d);
    let history = format!("DROP TABLE IF EXISTS {}", quote(d, HISTORY_TABLE));
    run_steps(db, &steps, Some(history)).await
}

/// Refuses a change that adds a unique index to a table whose rows already share a key value (the
/// index would fail half-way through the migration): with the number of shared values and a few of
/// them. Rows with a `NULL` in the key never conflict, on every backend.
async fn refuse_unique_violations(db: &Client, steps: &[Step]) -> Result<()> {
    let d = db.dialect();
    let mut counter = Counter::new(db);
    for s in steps {
        let Step::CreateIndex { table, index } = s else {
            continue;
        };
        if !index.unique {
            continue;
        }
        let cols: Vec<String> = index.columns.iter().map(|c| quote(d, c)).collect();
        let mut filter: Vec<String> = cols.iter().map(|c| format!("{c} IS NOT NULL")).collect();
        if let Some(p) = &index.predicate {
            filter.push(format!("({p})"));
        }
        let groups = format!(
            "SELECT {cols}, COUNT(*) AS n FROM {t} WHERE {filter} GROUP BY {cols} HAVING COUNT(*) > 1",
            cols = cols.join(", "),
            t = quote(d, table),
            filter = filter.join(" AND "),
        );
        // A table or column the live database lacks yet holds no duplicates.
        let Ok(duplicates) = counter
            .count(&format!("SELECT COUNT(*) FROM ({groups}) orm_d"))
            .await
        else {
            continue;
        };
        if duplicates == 0 {
            continue;
        }
        let shown: Vec<String> = cols.iter().map(|c| d.ddl().text_cast(c)).collect();
        let n = cols.len();
        let examples = db
            .__fetch(
                Statement::text(format!(
                    "SELECT {shown}, COUNT(*) FROM {t} WHERE {filter} GROUP BY {cols} \
                     HAVING COUNT(*) > 1 ORDER BY COUNT(*) DESC LIMIT 3",
                    shown = shown.join(", "),
                    cols = cols.join(", "),
                    t = quote(d, table),
                    filter = filter.join(" AND "),
                )),
                move |row| {
                    use orm_core::types::FieldType;
                    let mut key = Vec::with_capacity(n);
                    for i in 0..n {
                        let v = <Option<String> as FieldType>::decode(row, i)
                            .map_err(|e| Error::InvalidQuery(format!("{e:?}")))?;
                        key.push(v.unwrap_or_default());
                    }
                    let rows = <i64 as FieldType>::decode(row, n)
                        .map_err(|e| Error::InvalidQuery(format!("{e:?}")))?;
                    Ok(format!("({}) × {rows}", key.join(", ")))
                },
            )
            .await
            .unwrap_or_default();
        return Err(MigrateError::UniqueViolated {
            table: table.clone(),
            index: index.name.clone(),
            columns: index.columns.clone(),
            duplicates,
            examples,
        }
        .into());
    }
    Ok(())
}

/// Counts rows for the checks before a migration, on one connection checked out at the first
/// count.
struct Counter<'a> {
    db: &'a Client,
    conn: Option<MigConn>,
}

impl<'a> Counter<'a> {
    fn new(db: &'a Client) -> Self {
        Counter { db, conn: None }
    }

    /// The number `sql` returns.
    async fn count(&mut self, sql: &str) -> Result<i64> {
        let conn = match &mut self.conn {
            Some(c) => c,
            None => self.conn.insert(MigConn::acquire(self.db).await?),
        };
        conn.count(sql).await
    }
}

async fn data_loss(db: &Client, steps: &[Step]) -> Result<Vec<DataLossWarning>> {
    let d = db.dialect();
    let mut out = Vec::new();
    let mut counter = Counter::new(db);
    for s in steps {
        if let Some(loss) = s.data_loss(d) {
            // A table the live database lacks has no rows to lose.
            let rows = counter.count(&loss.count_sql).await.unwrap_or(0);
            out.push(DataLossWarning {
                description: loss.description,
                rows,
            });
        }
    }
    Ok(out)
}

async fn exec(db: &Client, sql: String) -> Result<()> {
    db.__execute(Statement::text(sql)).await.map(|_| ())
}

fn quote(d: Dialect, ident: &str) -> String {
    orm_core::__migrate::native::q(d, ident)
}

/// A string literal: migration names and checksums come from the file system.
fn lit(d: Dialect, s: &str) -> String {
    orm_core::__migrate::native::str_lit(d, s)
}

fn now_sql(d: Dialect) -> &'static str {
    d.ddl().now_expr()
}

fn insert_history_sql(d: Dialect, name: &str, checksum: &str, finished: bool) -> String {
    format!(
        "INSERT INTO {} (name, checksum, started_at, finished_at) VALUES ({}, {}, {now}, {})",
        quote(d, HISTORY_TABLE),
        lit(d, name),
        lit(d, checksum),
        if finished { now_sql(d) } else { "NULL" },
        now = now_sql(d),
    )
}

/// Records a started migration as finished.
fn finish_history_sql(d: Dialect, name: &str) -> String {
    format!(
        "UPDATE {} SET finished_at = {}, logs = NULL WHERE name = {}",
        quote(d, HISTORY_TABLE),
        now_sql(d),
        lit(d, name)
    )
}

async fn ensure_history(db: &Client) -> Result<()> {
    let d = db.dialect();
    let ts =
        orm_core::__migrate::native::render_type(d, &crate::schema::ColumnType::Timestamptz, false);
    exec(
        db,
        format!(
            "CREATE TABLE IF NOT EXISTS {} (name VARCHAR(255) NOT NULL PRIMARY KEY, checksum VARCHAR(64) NOT NULL, \
             started_at {ts} NOT NULL, finished_at {ts} NULL, logs TEXT NULL)",
            quote(d, HISTORY_TABLE)
        ),
    )
    .await
}

/// The migrations Prisma recorded as applied (finished, not rolled back), oldest first; empty when
/// there is no `_prisma_migrations` table.
async fn prisma_history(db: &Client) -> Vec<String> {
    let d = db.dialect();
    let sql = format!(
        "SELECT migration_name FROM {} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY finished_at, migration_name",
        quote(d, "_prisma_migrations")
    );
    db.__fetch(
        Statement::text(sql),
        <(String,) as orm_core::FromRow>::from_row,
    )
    .await
    .map(|rows| rows.into_iter().map(|(n,)| n).collect())
    .unwrap_or_default()
}

/// Runs a script atomically where the backend allows: in a transaction on PostgreSQL and SQLite
/// (with SQLite's foreign-key enforcement switched off around it, as table rebuilds need, and
/// checked before commit); statement by statement on MySQL. `record` is appended inside the
/// transaction.
async fn run_script(conn: &mut MigConn, script: &str, record: Option<&str>) -> Result<()> {
    let ddl = conn.dialect().ddl();
    if !conn.dialect().capabilities().transactional_ddl {
        conn.batch(script).await?;
        if let Some(r) = record {
            conn.batch(r).await?;
        }
        return Ok(());
    }
    let switch = ddl.foreign_key_switch();
    if let Some((off, _)) = switch {
        conn.batch(off).await?;
    }
    let result = async {
        conn.batch("BEGIN").await?;
        conn.batch(script).await?;
        let violations = conn.foreign_key_violations().await?;
        if !violations.is_empty() {
            return Err(MigrateError::ForeignKeyCheck { violations }.into());
        }
        if let Some(r) = record {
            conn.batch(r).await?;
        }
        conn.batch("COMMIT").await
    }
    .await;
    if result.is_err() {
        let _ = conn.batch("ROLLBACK").await;
    }
    if let Some((_, on)) = switch {
        conn.batch(on).await?;
    }
    result
}

/// Applies a migration's SQL and records it as started, its data step still to run (see
/// `data`).
async fn apply_started(db: &Client, name: &str, checksum: &str, up: &str) -> Result<()> {
    let d = db.dialect();
    if d.capabilities().transactional_ddl && files::no_transaction(up) {
        apply_online(db, name, checksum, up, false).await?;
        return data::record_step_pending(db, &quote(d, HISTORY_TABLE), name, "it has not run yet")
            .await;
    }
    let mut conn = MigConn::acquire(db).await?;
    let started = insert_history_sql(d, name, checksum, false);
    let failed = |e: Error, recorded: bool| -> Error {
        MigrateError::Apply {
            name: name.to_owned(),
            recorded,
            source: Box::new(e),
        }
        .into()
    };
    if d.capabilities().transactional_ddl {
        run_script(&mut conn, up, Some(&started))
            .await
            .map_err(|e| failed(e, false))?;
    } else {
        conn.batch(&started).await?;
        if let Err(e) = conn.batch(up).await {
            let _ = conn.record_failure(name, &e.to_string()).await;
            return Err(failed(e, true));
        }
    }
    drop(conn);
    data::record_step_pending(db, &quote(d, HISTORY_TABLE), name, "it has not run yet").await
}

/// How long a statement of an online migration waits for a lock before it gives up (and is tried
/// again, [`ONLINE_ATTEMPTS`] times in all): a busy table's writers wait at most this long behind it.
pub const ONLINE_LOCK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);
/// How many times a statement of an online migration is tried when it cannot get its lock.
pub const ONLINE_ATTEMPTS: u32 = 4;

/// Applies a migration marked [`files::NO_TRANSACTION`] (PostgreSQL's online forms): statement by
/// statement outside a transaction, each under [`ONLINE_LOCK_TIMEOUT`] and tried again when it
/// cannot get its lock. A `CREATE INDEX CONCURRENTLY` that fails leaves an `INVALID` index, which is
/// dropped; the migration is then recorded as failed, with the error.
async fn apply_online(
    db: &Client,
    name: &str,
    checksum: &str,
    up: &str,
    finish: bool,
) -> Result<()> {
    let d = db.dialect();
    let mut conn = MigConn::acquire(db).await?;
    conn.batch(&insert_history_sql(d, name, checksum, false))
        .await?;
    conn.batch(&format!(
        "SET lock_timeout = {}",
        ONLINE_LOCK_TIMEOUT.as_millis()
    ))
    .await?;
    for stmt in files::statements(up) {
        let mut attempt = 1;
        loop {
            match conn.batch(&stmt).await {
                Ok(()) => break,
                Err(Error::LockTimeout(_)) if attempt < ONLINE_ATTEMPTS => {
                    tokio::time::sleep(std::time::Duration::from_millis(200 * u64::from(attempt)))
                        .await;
                    attempt += 1;
                }
                Err(e) => {
                    if let Some(index) = concurrent_index(&stmt) {
                        let _ = conn
                            .batch(&format!("DROP INDEX CONCURRENTLY IF EXISTS {index}"))
                            .await;
                    }
                    drop(conn);
                    let history = quote(d, HISTORY_TABLE);
                    let _ = data::record_logs(db, &history, name, &e.to_string()).await;
                    return Err(MigrateError::Apply {
                        name: name.to_owned(),
                        recorded: true,
                        source: Box::new(e),
                    }
                    .into());
                }
            }
        }
    }
    if finish {
        conn.batch(&finish_history_sql(d, name)).await?;
    }
    Ok(())
}

/// The quoted name of the index a `CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS` creates.
fn concurrent_index(stmt: &str) -> Option<&str> {
    let rest = stmt
        .strip_prefix("CREATE INDEX CONCURRENTLY IF NOT EXISTS ")
        .or_else(|| stmt.strip_prefix("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "))?;
    let end = rest.find(" ON ")?;
    Some(&rest[..end])
}

/// Applies one migration and records it.
async fn apply(db: &Client, name: &str, checksum: &str, up: &str) -> Result<()> {
    let d = db.dialect();
    if d.capabilities().transactional_ddl && files::no_transaction(up) {
        return apply_online(db, name, checksum, up, true).await;
    }
    let mut conn = MigConn::acquire(db).await?;
    if !d.capabilities().transactional_ddl {
        conn.batch(&insert_history_sql(d, name, checksum, false))
            .await?;
        match conn.batch(up).await {
            Ok(()) => conn.batch(&finish_history_sql(d, name)).await,
            Err(e) => {
                let _ = conn.record_failure(name, &e.to_string()).await;
                Err(MigrateError::Apply {
                    name: name.to_owned(),
                    recorded: true,
                    source: Box::new(e),
                }
                .into())
            }
        }
    } else {
        run_script(
            &mut conn,
            up,
            Some(&insert_history_sql(d, name, checksum, true)),
        )
        .await
        .map_err(|e| {
            MigrateError::Apply {
                name: name.to_owned(),
                recorded: false,
                source: Box::new(e),
            }
            .into()
        })
    }
}

/// Runs a migration's `down.sql` and removes its record.
async fn revert(db: &Client, name: &str, down: &str) -> Result<()> {
    let d = db.dialect();
    let mut conn = MigConn::acquire(db).await?;
    let delete = format!(
        "DELETE FROM {} WHERE name = {}",
        quote(d, HISTORY_TABLE),
        lit(d, name)
    );
    run_script(&mut conn, down, Some(&delete))
        .await
        .map_err(|e| {
            Error::from(MigrateError::Apply {
                name: format!("{name} (down)"),
                recorded: false,
                source: Box::new(e),
            })
        })
}
