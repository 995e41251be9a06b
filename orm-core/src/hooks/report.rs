//! What operations and their reports are, the [`Hook`] trait, and the statement side of
//! operation tracking: the statement spans and reports the driver layer sends, to the operation
//! running on the task (see the parent module for the operation side).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::model::ModelDef;
use crate::sql::Backend;

/// What a model operation does. `#[non_exhaustive]`: later versions may add kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OperationKind {
    /// `find_many` (and its typed `select`).
    FindMany,
    /// `find_first`.
    FindFirst,
    /// `find_unique`.
    FindUnique,
    /// `find_unique_or_throw`.
    FindUniqueOrThrow,
    /// `find_many(..).stream(..)`.
    Stream,
    /// `count`.
    Count,
    /// `aggregate`.
    Aggregate,
    /// `group_by`.
    GroupBy,
    /// `create`.
    Create,
    /// `create_many`.
    CreateMany,
    /// `update`.
    Update,
    /// `update_many`.
    UpdateMany,
    /// `upsert`.
    Upsert,
    /// `delete`.
    Delete,
    /// `delete_many`.
    DeleteMany,
    /// A raw statement (`sql!`, [`RawSql`](crate::RawSql)).
    Raw,
}

impl OperationKind {
    /// The operation's name, as Prisma's client spells it in snake case: `find_many`, `create`, …
    pub fn name(self) -> &'static str {
        use OperationKind::*;
        match self {
            FindMany => "find_many",
            FindFirst => "find_first",
            FindUnique => "find_unique",
            FindUniqueOrThrow => "find_unique_or_throw",
            Stream => "stream",
            Count => "count",
            Aggregate => "aggregate",
            GroupBy => "group_by",
            Create => "create",
            CreateMany => "create_many",
            Update => "update",
            UpdateMany => "update_many",
            Upsert => "upsert",
            Delete => "delete",
            DeleteMany => "delete_many",
            Raw => "raw",
        }
    }

    /// Whether the operation may write: every kind but the reads. A raw statement counts as a
    /// write (the ORM does not parse it).
    pub fn is_write(self) -> bool {
        use OperationKind::*;
        !matches!(
            self,
            FindMany
                | FindFirst
                | FindUnique
                | FindUniqueOrThrow
                | Stream
                | Count
                | Aggregate
                | GroupBy
        )
    }
}

impl fmt::Display for OperationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A model operation about to run, or that ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The model (`"Post"`); `None` for raw statements.
    pub model: Option<&'static str>,
    /// The model's table (`"posts"`); `None` for raw statements.
    pub table: Option<&'static str>,
    /// What it does.
    pub kind: OperationKind,
    /// Whether it runs inside a transaction.
    pub in_transaction: bool,
}

impl Operation {
    pub(crate) fn new(
        def: Option<&'static ModelDef>,
        kind: OperationKind,
        in_transaction: bool,
    ) -> Self {
        Operation {
            model: def.map(|d| d.name),
            table: def.map(|d| d.table),
            kind,
            in_transaction,
        }
    }
}

/// `Post.find_many`, or `raw` for a raw statement.
impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.model {
            Some(m) => write!(f, "{m}.{}", self.kind),
            None => f.write_str(self.kind.name()),
        }
    }
}

/// One statement an operation sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementReport {
    /// Its SQL text (with placeholders; bind values are not reported).
    pub sql: String,
    /// From sending it to reading its last row.
    pub duration: Duration,
    /// Rows it returned, or rows it inserted, updated or deleted.
    pub rows: u64,
    /// Whether it failed.
    pub failed: bool,
}

/// What a hook's [`after`](Hook::after) sees: the operation, how long it took, the statements it
/// sent, and its error if it failed.
#[derive(Debug)]
#[non_exhaustive]
pub struct OperationReport<'a> {
    /// The operation.
    pub operation: Operation,
    /// From `before` to the end: statements, decoding, relation loading.
    pub duration: Duration,
    /// The statements it sent, in order (nested writes and relation loads included; transaction
    /// control statements not).
    pub statements: &'a [StatementReport],
    /// Its error, if it failed (including a refusal by a hook's `before`).
    pub error: Option<&'a Error>,
    /// Whether its future was dropped before it ended (a timeout, a cancelled request): it may
    /// have sent only some of its statements. A stream dropped early is not reported so; its
    /// report has the rows read until then.
    pub cancelled: bool,
}

impl OperationReport<'_> {
    /// The rows its statements returned or changed, summed.
    pub fn rows(&self) -> u64 {
        self.statements.iter().map(|s| s.rows).sum()
    }
}

/// Code that sees every model operation of a client: before it runs, with the right to refuse it,
/// and after it ends. Both methods default to doing nothing.
///
/// Hooks run synchronously on the task running the operation: keep them fast (hand slow work to a
/// channel). An operation inside another — the nested writes of a `create`, a `find_first` built
/// on a `find_many` — is part of it and is not reported separately.
///
/// A read-only mode:
///
/// ```
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use orm_runtime::hooks::{Hook, Operation};
/// use orm_runtime::Error;
///
/// struct ReadOnly(AtomicBool);
///
/// impl Hook for ReadOnly {
///     fn before(&self, op: &Operation) -> orm_runtime::Result<()> {
///         if op.kind.is_write() && self.0.load(Ordering::Relaxed) {
///             return Err(Error::rejected(op, "the service is in read-only mode"));
///         }
///         Ok(())
///     }
/// }
/// ```
pub trait Hook: Send + Sync + 'static {
    /// Called before the operation sends anything. An error refuses it: the operation returns
    /// that error (usually [`Error::Rejected`]) and sends nothing.
    fn before(&self, operation: &Operation) -> Result<()> {
        let _ = operation;
        Ok(())
    }

    /// Called when the operation has ended, successfully or not.
    fn after(&self, report: &OperationReport<'_>) {
        let _ = report;
    }
}

/// The hooks of a client.
#[derive(Clone, Default)]
pub(crate) struct Hooks(pub(crate) Vec<Arc<dyn Hook>>);

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} hook(s)", self.0.len())
    }
}

/// The address attributes of spans, read off the driver's connect options when the client opens.
#[derive(Debug, Default)]
pub(crate) struct Endpoint {
    pub(crate) namespace: String,
    pub(crate) address: Option<String>,
    pub(crate) port: Option<u16>,
}

/// Where a statement's report goes: the operation running on the task.
pub(crate) trait StatementSink: Send + Sync {
    /// A statement of the operation ended.
    fn statement(&self, report: StatementReport);
}

tokio::task_local! {
    /// The operation running on this task, if any.
    pub(crate) static CURRENT: Arc<dyn StatementSink>;
}

/// The `orm.statement` span of a statement.
pub(crate) fn statement_span(
    backend: Backend,
    model: Option<&'static ModelDef>,
    sql: &str,
) -> tracing::Span {
    tracing::info_span!(
        "orm.statement",
        otel.kind = "client",
        db.system.name = backend.system_name(),
        db.collection.name = model.map(|m| m.table),
        db.query.text = sql,
        db.response.returned_rows = tracing::field::Empty,
        error.type = tracing::field::Empty,
    )
}

/// Records a statement's end: on its span, in the running operation's report, in the metrics.
pub(crate) fn statement_finished(
    backend: Backend,
    span: &tracing::Span,
    model: Option<&'static ModelDef>,
    sql: &str,
    duration: Duration,
    outcome: std::result::Result<u64, &Error>,
) {
    let _ = model;
    if !span.is_disabled() {
        match outcome {
            Ok(rows) => span.record("db.response.returned_rows", rows),
            Err(e) => span.record("error.type", e.kind()),
        };
    }
    #[cfg(feature = "metrics")]
    metrics::histogram!(
        "orm.statement.duration",
        "db.system.name" => backend.system_name(),
        "model" => model.map_or("", |m| m.name),
    )
    .record(duration.as_secs_f64());
    let _ = backend;
    let _ = CURRENT.try_with(|s| {
        s.statement(StatementReport {
            sql: sql.to_owned(),
            duration,
            rows: *outcome.as_ref().unwrap_or(&0),
            failed: outcome.is_err(),
        })
    });
}

impl Error {
    /// The error a hook's `before` returns to refuse `operation`.
    pub fn rejected(operation: &Operation, reason: impl Into<String>) -> Self {
        Error::Rejected {
            operation: operation.to_string(),
            reason: reason.into(),
        }
    }
}
