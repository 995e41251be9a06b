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

pub(crate) mod report;

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
#[cfg(feature = "metrics")]
use std::time::Duration;
use std::time::Instant;

use tracing::Instrument;

use report::{CURRENT, StatementSink};
pub use report::{Hook, Operation, OperationKind, OperationReport, StatementReport};

use crate::client::{ClientInner, DbRef};
use crate::error::{Error, Result};
use crate::model::ModelDef;

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

impl StatementSink for OpState {
    fn statement(&self, report: StatementReport) {
        self.rows.fetch_add(report.rows, Ordering::Relaxed);
        if self.record {
            self.statements
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(report);
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
            // Boxed: the tracked path's state stays off the caller's future, which stays the
            // size of the work itself (nested writes nest operations several deep).
            ::std::boxed::Box::pin($crate::hooks::operation(db, $model, $kind, $fut)).await
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
    let op = Operation::new(model, kind, matches!(db, DbRef::Transaction(_)));
    let span = operation_span(inner, &op);
    let nested = || CURRENT.try_with(|_| ()).is_ok();
    if span.is_disabled() && (!tracked(inner) || nested()) {
        return fut.await;
    }
    if !tracked(inner) || nested() {
        return fut.instrument(span).await;
    }
    let state = start(inner, op, span.clone(), false)?;
    let sink: Arc<dyn StatementSink> = state.clone();
    let r = CURRENT.scope(sink, fut.instrument(span)).await;
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
            let sink: Arc<dyn StatementSink> = state.clone();
            let r = CURRENT.scope(sink, fut.instrument(span)).await;
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
