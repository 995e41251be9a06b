//! Batched backfills: updating a big table in key-ordered chunks, each its own transaction, with
//! a progress bar and a recorded position, so a run that stops (an error, a deploy, Ctrl-C)
//! continues where it stopped.

use orm_core::Value;
use orm_core::client::{Client, Executor, Transaction};
use orm_core::error::{Error, Result};
use orm_core::model::Model;
use orm_core::query::{CmpOp, Expr};
use orm_core::query::{Filter, ModelQuery};
use orm_core::sql::Statement;
use orm_core::types::ScalarKind;

use super::data::StepFuture;

/// The table recording each backfill's position.
pub const BACKFILL_TABLE: &str = "_orm_backfills";

/// A backfill over the rows of one model that match a filter, in primary-key order, `batch_size`
/// rows per transaction (default 1 000). Each batch's transaction also records the last key done,
/// under the backfill's name (in `_orm_backfills`): run again, it starts after that key, and once it
/// has finished it does nothing. A function that changes the rows so that they stop matching the
/// filter (the usual case: `WHERE email_verified = false` → set it) also makes a re-run after a
/// crash harmless.
///
/// Rows inserted during a run with a key below the position reached are not visited (keys that
/// grow, as auto-increment and time-ordered ids do, land ahead of it). Client scopes do not apply.
///
/// The model needs a one-column integer, text or UUID primary key. With the `cli` feature a
/// progress bar is drawn on standard error when it is a terminal.
///
/// ```no_run
/// # use orm_runtime::prelude::*;
/// # #[derive(Model, Debug, Clone)] struct User { #[orm(id)] id: i64, email_verified: bool }
/// use orm_runtime::migrate::Backfill;
///
/// # async fn f(db: &Client) -> orm_runtime::Result<()> {
/// let report = Backfill::new("verify_existing_users")
///     .batch_size(5_000)
///     .run(db, User::EMAIL_VERIFIED.eq(false), |tx, users: Vec<User>| {
///         Box::pin(async move {
///             let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
///             User::update_many()
///                 .filter(User::ID.in_(ids))
///                 .set(User::EMAIL_VERIFIED, true)
///                 .exec(tx)
///                 .await?;
///             Ok(())
///         })
///     })
///     .await?;
/// println!("{} rows in {} batches", report.rows, report.batches);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Backfill {
    name: String,
    batch_size: u64,
}

/// What a [`Backfill::run`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackfillReport {
    /// Rows handed to the function in this run.
    pub rows: u64,
    /// Batches committed in this run.
    pub batches: u64,
    /// Rows done by earlier runs of the same backfill.
    pub rows_before: u64,
    /// This run continued an earlier one that had stopped.
    pub resumed: bool,
    /// The backfill had finished before this run, which did nothing.
    pub already_done: bool,
}

impl Backfill {
    /// A backfill named `name` (its position is recorded under the name).
    pub fn new(name: impl Into<String>) -> Self {
        Backfill {
            name: name.into(),
            batch_size: 1_000,
        }
    }

    /// Rows per batch (and per transaction); at least 1.
    pub fn batch_size(mut self, n: u64) -> Self {
        self.batch_size = n.max(1);
        self
    }

    /// Runs `f` over the rows matching `filter`, batch after batch, each batch in a transaction
    /// that records its position; stops at the first error (what committed before stays, and the
    /// next run continues after it).
    pub async fn run<M, F>(
        &self,
        db: &Client,
        filter: impl Into<Filter<M>>,
        mut f: F,
    ) -> Result<BackfillReport>
    where
        M: Model + Clone,
        F: for<'a> FnMut(&'a Transaction, Vec<M>) -> StepFuture<'a> + Send,
    {
        let filter = filter.into();
        let key = key_column::<M>()?;
        ensure_table(db).await?;
        let (last, rows_before, finished) = self.position(db, key.kind).await?;
        if finished {
            return Ok(BackfillReport {
                rows: 0,
                batches: 0,
                rows_before,
                resumed: false,
                already_done: true,
            });
        }
        let resumed = last.is_some();
        let after = |last: &Option<Value>| match last {
            None => filter.clone(),
            Some(v) => filter.clone() & after_key::<M>(key, v.clone()),
        };
        let total = M::count().filter(after(&last)).unscoped().exec(db).await?;
        let bar = progress::Bar::new(&self.name, total.max(0) as u64);
        let mut report = BackfillReport {
            rows: 0,
            batches: 0,
            rows_before,
            resumed,
            already_done: false,
        };
        let mut last = last;
        loop {
            let batch = M::find_many()
                .filter(after(&last))
                .order_by_key()
                .take(self.batch_size)
                .unscoped()
                .exec(db)
                .await?;
            let Some(next) = batch.last().map(|m| m.column_value(key.index)) else {
                break;
            };
            let n = batch.len() as u64;
            let record = self.record_sql(db, Some(&next), rows_before + report.rows + n, false)?;
            let f = &mut f;
            db.transaction(|tx| async move {
                f(&tx, batch).await?;
                tx.__execute(record).await?;
                Ok::<_, Error>(())
            })
            .await?;
            report.rows += n;
            report.batches += 1;
            bar.inc(n);
            last = Some(next);
            if n < self.batch_size {
                break;
            }
        }
        let done = self.record_sql(db, last.as_ref(), rows_before + report.rows, true)?;
        db.__execute(done).await?;
        bar.finish();
        Ok(report)
    }

    /// Forgets the recorded position: the next run starts from the first row.
    pub async fn reset(&self, db: &Client) -> Result<()> {
        ensure_table(db).await?;
        let sql = format!(
            "DELETE FROM {} WHERE name = {}",
            table(db),
            lit(db, &self.name)
        );
        db.__execute(Statement::text(sql)).await.map(|_| ())
    }

    /// The recorded last key, rows done, and whether it finished.
    async fn position(&self, db: &Client, kind: ScalarKind) -> Result<(Option<Value>, u64, bool)> {
        let sql = format!(
            "SELECT last_key, done_rows, finished FROM {} WHERE name = {}",
            table(db),
            lit(db, &self.name)
        );
        let rows: Vec<(Option<String>, i64, i64)> = db
            .__fetch(
                Statement::text(sql),
                <(Option<String>, i64, i64) as orm_core::FromRow>::from_row,
            )
            .await?;
        let Some((last, done, finished)) = rows.into_iter().next() else {
            let insert = format!(
                "INSERT INTO {} (name, last_key, done_rows, finished) VALUES ({}, NULL, 0, 0)",
                table(db),
                lit(db, &self.name)
            );
            db.__execute(Statement::text(insert)).await?;
            return Ok((None, 0, false));
        };
        let last = last.map(|s| parse_key(&s, kind)).transpose()?;
        Ok((last, done.max(0) as u64, finished != 0))
    }

    /// Records the position `last`, `done` rows in all, and whether the backfill finished.
    fn record_sql(
        &self,
        db: &Client,
        last: Option<&Value>,
        done: u64,
        finished: bool,
    ) -> Result<Statement> {
        let last = match last {
            Some(v) => format!("last_key = {}, ", lit(db, &key_text(v)?)),
            None => String::new(),
        };
        Ok(Statement::text(format!(
            "UPDATE {} SET {last}done_rows = {}, finished = {} WHERE name = {}",
            table(db),
            done.min(i64::MAX as u64),
            i64::from(finished),
            lit(db, &self.name)
        )))
    }
}

/// The model's one-column primary key, of a kind a position can be recorded for.
fn key_column<M: Model>() -> Result<&'static orm_core::model::ColumnDef> {
    let def = M::DEF;
    let [pk] = def.primary_key else {
        return Err(Error::InvalidQuery(format!(
            "a backfill needs a one-column primary key; `{}` has {}",
            def.name,
            def.primary_key.len()
        )));
    };
    let c = &def.columns[*pk];
    match c.kind {
        ScalarKind::I16
        | ScalarKind::I32
        | ScalarKind::I64
        | ScalarKind::String
        | ScalarKind::Uuid => Ok(c),
        other => Err(Error::InvalidQuery(format!(
            "a backfill needs an integer, text or UUID primary key; `{}.{}` is {other:?}",
            def.name, c.field
        ))),
    }
}

/// `key > value`.
fn after_key<M: Model>(key: &'static orm_core::model::ColumnDef, value: Value) -> Filter<M> {
    Filter::from_expr(Expr::Compare {
        column: key,
        op: CmpOp::Gt,
        value,
        insensitive: false,
    })
}

fn key_text(v: &Value) -> Result<String> {
    Ok(match v {
        Value::I16(n) => n.to_string(),
        Value::I32(n) => n.to_string(),
        Value::I64(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Uuid(u) => u.hyphenated().to_string(),
        other => {
            return Err(Error::InvalidQuery(format!(
                "a backfill cannot record the key {other:?}"
            )));
        }
    })
}

fn parse_key(s: &str, kind: ScalarKind) -> Result<Value> {
    let bad = |e: String| Error::InvalidQuery(format!("the recorded backfill key {s:?}: {e}"));
    Ok(match kind {
        ScalarKind::I16 => Value::I16(s.parse().map_err(|e| bad(format!("{e}")))?),
        ScalarKind::I32 => Value::I32(s.parse().map_err(|e| bad(format!("{e}")))?),
        ScalarKind::I64 => Value::I64(s.parse().map_err(|e| bad(format!("{e}")))?),
        ScalarKind::Uuid => Value::Uuid(s.parse().map_err(|e| bad(format!("{e}")))?),
        _ => Value::String(s.to_owned()),
    })
}

/// The position table, quoted.
fn table(db: &Client) -> String {
    super::quote(db.dialect(), BACKFILL_TABLE)
}

fn lit(db: &Client, s: &str) -> String {
    super::lit(db.dialect(), s)
}

async fn ensure_table(db: &Client) -> Result<()> {
    db.__execute(Statement::text(format!(
        "CREATE TABLE IF NOT EXISTS {} (name VARCHAR(255) NOT NULL PRIMARY KEY, last_key TEXT NULL, \
         done_rows BIGINT NOT NULL, finished BIGINT NOT NULL)",
        table(db)
    )))
    .await
    .map(|_| ())
}

#[cfg(feature = "cli")]
mod progress {
    /// An `indicatif` bar on standard error (hidden when it is not a terminal).
    pub(super) struct Bar(indicatif::ProgressBar);

    impl Bar {
        pub(super) fn new(name: &str, total: u64) -> Self {
            let bar = indicatif::ProgressBar::new(total);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{msg} [{bar:30}] {pos}/{len} rows, {per_sec}, {eta} left",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(name.to_owned());
            Bar(bar)
        }
        pub(super) fn inc(&self, n: u64) {
            self.0.inc(n);
        }
        pub(super) fn finish(&self) {
            self.0.finish();
        }
    }
}

#[cfg(not(feature = "cli"))]
mod progress {
    /// No bar without the `cli` feature.
    pub(super) struct Bar;

    impl Bar {
        pub(super) fn new(_name: &str, _total: u64) -> Self {
            Bar
        }
        pub(super) fn inc(&self, _n: u64) {}
        pub(super) fn finish(&self) {}
    }
}
