//! Operation hooks and operation-level telemetry.
//!
//! Every model operation — a `find_many`, a `create` with its nested writes, a `count`, a raw
//! statement — runs as one *operation*: a `tracing` span named `orm.operation` carrying
//! OpenTelemetry's database attributes, with one `orm.statement` child span per statement sent; and,
//! when the client has [`Hook`]s, a call of each hook before it runs (which may refuse it) and after
//! it ends (with its statements, their durations and row counts, and its error).
//!
//! Hooks are registered on [`ClientOptions::hook`](crate::ClientOptions::hook); the client's clones
//! and transactions share them. A client without hooks pays nothing for them.
//!
//! ```no_run
//! use std::time::Duration;
//! use orm_runtime::hooks::{Hook, OperationReport};
//!
//! /// Logs every operation slower than a threshold, naming it (`Post.find_many`).
//! struct SlowOperations(Duration);
//!
//! impl Hook for SlowOperations {
//!     fn after(&self, report: &OperationReport<'_>) {
//!         if report.duration >= self.0 {
//!             tracing::warn!(operation = %report.operation, elapsed = ?report.duration,
//!                 statements = report.statements.len(), "slow operation");
//!         }
//!     }
//! }
//! # async fn f() -> orm_runtime::Result<()> {
//! let db = orm_runtime::ClientOptions::new("sqlite::memory:")
//!     .hook(SlowOperations(Duration::from_millis(500)))
//!     .connect()
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! # Spans
//! `orm.operation` (level `INFO`) has `otel.name` (`"find_many posts"`), `db.system.name`
//! (`postgresql`, `mysql`, `sqlite`), `db.operation.name` (`find_many`), `db.collection.name` (the
//! table), `db.namespace` (the database), `server.address` and `server.port` (not for SQLite), and
//! when it ends `db.response.returned_rows` and, if it failed, `error.type` (see [`Error::kind`]).
//! `orm.statement` (level `INFO`) has `db.system.name`, `db.collection.name`, `db.query.text` and
//! `db.response.returned_rows`. With `tracing-opentelemetry` they export as standard database
//! client spans.
//!
//! # Metrics
//! With the `metrics` feature, through the [`metrics`](https://docs.rs/metrics) facade:
//! histograms `orm.operation.duration` (seconds; labels `model`, `operation`, `outcome` = `ok` or
//! `error`) and `orm.statement.duration` (seconds; labels `db.system.name`, `model`), counter
//! `orm.errors` (labels `model`, `operation`, `kind`), and gauges `orm.pool.connections` and
//! `orm.pool.idle` (label `db.system.name`), set after each operation.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tracing::Instrument;

use crate::client::{ClientInner, DbRef};
use crate::error::{Error, Result};
use crate::model::ModelDef;

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
    pub(crate) fn new(def: Option<&'static ModelDef>, kind: OperationKind, db: DbRef<'_>) -> Self {
        Operation {
            model: def.map(|d| d.name),
            table: def.map(|d| d.table),
            kind,
            in_transaction: matches!(db, DbRef::Transaction(_)),
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

/// The state of one running operation, shared by the tasks that run it (a stream's reader and
/// relation loader). Its report is made once: on the first error, or when the last task lets go.
pub(crate) struct OpState {
    operation: Operation,
    inner: Arc<ClientInner>,
    started: Instant,
    statements: Mutex<Vec<StatementReport>>,
    /// Whether statements are recorded (only when there are hooks to read them).
    record: bool,
    /// Rows its statements returned or changed.
    rows: std::sync::atomic::AtomicU64,
    reported: AtomicBool,
    span: tracing::Span,
    /// A stream's: its tasks let go of it when they are done, which is no cancellation.
    detached: bool,
}

tokio::task_local! {
    static CURRENT: Arc<OpState>;
}

impl OpState {
    fn new(
        operation: Operation,
        inner: &Arc<ClientInner>,
        span: tracing::Span,
        detached: bool,
    ) -> Arc<OpState> {
        Arc::new(OpState {
            operation,
            inner: inner.clone(),
            started: Instant::now(),
            statements: Mutex::new(Vec::new()),
            record: !inner.hooks.0.is_empty(),
            rows: Default::default(),
            reported: AtomicBool::new(false),
            span,
            detached,
        })
    }

    /// Reports the operation to the hooks and the metrics, once.
    pub(crate) fn finish(&self, error: Option<&Error>) {
        self.report(error, false)
    }

    fn report(&self, error: Option<&Error>, cancelled: bool) {
        if self.reported.swap(true, Ordering::AcqRel) {
            return;
        }
        let duration = self.started.elapsed();
        if !self.span.is_disabled() {
            self.span.record(
                "db.response.returned_rows",
                self.rows.load(Ordering::Relaxed),
            );
            if let Some(e) = error {
                self.span.record("error.type", e.kind());
            }
        }
        #[cfg(feature = "metrics")]
        metrics_operation(&self.inner, &self.operation, duration, error);
        if self.inner.hooks.0.is_empty() {
            return;
        }
        let statements =
            std::mem::take(&mut *self.statements.lock().unwrap_or_else(|p| p.into_inner()));
        let report = OperationReport {
            operation: self.operation,
            duration,
            statements: &statements,
            error,
            cancelled,
        };
        for h in &self.inner.hooks.0 {
            h.after(&report);
        }
    }
}

impl Drop for OpState {
    fn drop(&mut self) {
        self.report(None, !self.detached);
    }
}

/// Whether operations of this client are tracked (hooks or metrics); they are also while their
/// span is enabled, for its row count.
fn tracked(inner: &ClientInner) -> bool {
    cfg!(feature = "metrics") || !inner.hooks.0.is_empty()
}

/// Whether nothing records operations on `db`: no hook, no metrics, and no subscriber that could
/// want an `INFO` span. The builders then await their work directly, without [`operation`]'s
/// state machine around it (measurable on the cheapest reads).
pub(crate) fn untracked(db: DbRef<'_>) -> bool {
    !tracked(&db.client().inner) && !tracing::level_enabled!(tracing::Level::INFO)
}

/// Runs a builder's work as one operation: `run_operation!(db, model, kind, future)`. The future is
/// awaited directly when nothing records operations ([`untracked`]), through [`operation`]
/// otherwise.
macro_rules! run_operation {
    ($db:expr, $model:expr, $kind:expr, $fut:expr) => {{
        let db = $db;
        if $crate::hooks::untracked(db) {
            $fut.await
        } else {
            $crate::hooks::operation(db, $model, $kind, $fut).await
        }
    }};
}
pub(crate) use run_operation;

/// Runs `fut` as the operation `op`: in its span, between the hooks. An operation inside another is
/// part of the outer one (its own span, no report of its own). With no hook, no metrics and the
/// span disabled, it is `fut` itself.
pub(crate) async fn operation<T>(
    db: DbRef<'_>,
    model: Option<&'static ModelDef>,
    kind: OperationKind,
    fut: impl Future<Output = Result<T>>,
) -> Result<T> {
    let inner = &db.client().inner;
    let op = Operation::new(model, kind, db);
    let span = operation_span(inner, &op);
    let nested = || CURRENT.try_with(|_| ()).is_ok();
    if span.is_disabled() && (!tracked(inner) || nested()) {
        return fut.await;
    }
    if !tracked(inner) || nested() {
        return fut.instrument(span).await;
    }
    let state = start(inner, op, span.clone(), false)?;
    let r = CURRENT.scope(state.clone(), fut.instrument(span)).await;
    state.finish(r.as_ref().err());
    r
}

/// Starts an operation that outlives the call (a stream): runs the `before` hooks and returns the
/// shared state to run its tasks in (see [`in_operation`]); `None` when nothing tracks operations.
pub(crate) fn start_detached(
    db: DbRef<'_>,
    op: Operation,
    span: &tracing::Span,
) -> Result<Option<Arc<OpState>>> {
    let inner = &db.client().inner;
    if !tracked(inner) && span.is_disabled() {
        return Ok(None);
    }
    start(inner, op, span.clone(), true).map(Some)
}

/// Runs one task of a detached operation; its first error is reported.
pub(crate) async fn in_operation<T>(
    state: Option<Arc<OpState>>,
    span: tracing::Span,
    fut: impl Future<Output = Result<T>>,
) -> Result<T> {
    match state {
        None => fut.instrument(span).await,
        Some(state) => {
            let r = CURRENT.scope(state.clone(), fut.instrument(span)).await;
            if let Err(e) = &r {
                state.finish(Some(e));
            }
            r
        }
    }
}

fn start(
    inner: &Arc<ClientInner>,
    op: Operation,
    span: tracing::Span,
    detached: bool,
) -> Result<Arc<OpState>> {
    let state = OpState::new(op, inner, span, detached);
    for h in &inner.hooks.0 {
        if let Err(e) = h.before(&op) {
            state.finish(Some(&e));
            return Err(e);
        }
    }
    Ok(state)
}

fn system(inner: &ClientInner) -> &'static str {
    inner.dialect.backend.system_name()
}

/// The `orm.operation` span of `op`.
pub(crate) fn operation_span(inner: &ClientInner, op: &Operation) -> tracing::Span {
    let e = &inner.endpoint;
    tracing::info_span!(
        "orm.operation",
        otel.name = %format_args!("{} {}", op.kind, op.table.unwrap_or("")),
        otel.kind = "client",
        db.system.name = system(inner),
        db.operation.name = op.kind.name(),
        db.collection.name = op.table,
        db.namespace = e.namespace.as_str(),
        server.address = e.address.as_deref(),
        server.port = e.port,
        db.response.returned_rows = tracing::field::Empty,
        error.type = tracing::field::Empty,
    )
}

/// The `orm.statement` span of a statement.
pub(crate) fn statement_span(
    inner: &ClientInner,
    model: Option<&'static ModelDef>,
    sql: &str,
) -> tracing::Span {
    tracing::info_span!(
        "orm.statement",
        otel.kind = "client",
        db.system.name = system(inner),
        db.collection.name = model.map(|m| m.table),
        db.query.text = sql,
        db.response.returned_rows = tracing::field::Empty,
        error.type = tracing::field::Empty,
    )
}

/// Records a statement's end: on its span, in the running operation's report, in the metrics.
pub(crate) fn statement_finished(
    inner: &ClientInner,
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
        "db.system.name" => system(inner),
        "model" => model.map_or("", |m| m.name),
    )
    .record(duration.as_secs_f64());
    let _ = inner;
    let _ = CURRENT.try_with(|s| {
        s.rows
            .fetch_add(*outcome.as_ref().unwrap_or(&0), Ordering::Relaxed);
        if s.record {
            s.statements
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(StatementReport {
                    sql: sql.to_owned(),
                    duration,
                    rows: *outcome.as_ref().unwrap_or(&0),
                    failed: outcome.is_err(),
                });
        }
    });
}

#[cfg(feature = "metrics")]
fn metrics_operation(
    inner: &ClientInner,
    op: &Operation,
    duration: Duration,
    error: Option<&Error>,
) {
    let model = op.model.unwrap_or("");
    let operation = op.kind.name();
    metrics::histogram!(
        "orm.operation.duration",
        "model" => model,
        "operation" => operation,
        "outcome" => if error.is_some() { "error" } else { "ok" },
    )
    .record(duration.as_secs_f64());
    if let Some(e) = error {
        metrics::counter!(
            "orm.errors",
            "model" => model,
            "operation" => operation,
            "kind" => e.kind(),
        )
        .increment(1);
    }
    let (size, idle) = inner.pool.usage();
    let system = system(inner);
    metrics::gauge!("orm.pool.connections", "db.system.name" => system).set(size as f64);
    metrics::gauge!("orm.pool.idle", "db.system.name" => system).set(idle as f64);
}
