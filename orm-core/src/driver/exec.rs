//! Running a statement on a driver's pool or connection: checking out (failing fast when the
//! server is unreachable), binding, sending, streaming rows into a [`Sink`], retrying on a fresh
//! connection when that is safe, tracing. Generic over the [`Driver`] only.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, SqlSafeStr, SqlStr};
use tracing::Instrument;

use super::ClientInner;
use super::{Armed, Driver};
use crate::error::{Error, Result};
use crate::model::ModelDef;
use crate::sql::Statement;
use crate::types::RowRef;

/// What a statement that returns no rows reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExecResult {
    /// Rows inserted, updated or deleted.
    pub rows_affected: u64,
    /// The auto-increment id of the last inserted row (MySQL, SQLite).
    pub last_insert_id: Option<i64>,
}

/// Where a row-returning statement puts its rows: the caller's decoder, which collects them.
/// A trait object, so the execution path is compiled once per driver, not once per row type.
pub(crate) type Sink<'a> = &'a mut (dyn FnMut(RowRef<'_>) -> Result<()> + Send);

/// How long an acquire waits before asking whether the server is reachable at all.
const PROBE_AFTER: Duration = Duration::from_millis(250);

/// Checks out a pooled connection.
///
/// sqlx keeps retrying a refused connection until the acquire timeout and then reports only that
/// it timed out. When an acquire is slow and the pool is not simply exhausted (it has room to open a
/// connection, so sqlx is trying to), one connection is opened directly: if that fails, the cause is
/// returned at once as [`Error::Connection`].
pub(crate) async fn acquire<DB: sqlx::Database>(
    pool: &sqlx::Pool<DB>,
) -> Result<PoolConnection<DB>> {
    let err = |e| Error::from_sqlx(e, None);
    let acquire = pool.acquire();
    tokio::pin!(acquire);
    tokio::select! {
        biased;
        r = &mut acquire => return r.map_err(err),
        _ = tokio::time::sleep(PROBE_AFTER) => {}
    }
    if pool.size() >= pool.options().get_max_connections() {
        return acquire.await.map_err(err);
    }
    let options = pool.connect_options();
    let probe = async move {
        match sqlx::ConnectOptions::connect(&*options).await {
            Ok(conn) => {
                let _ = sqlx::Connection::close(conn).await;
                std::future::pending().await
            }
            Err(e) => e,
        }
    };
    tokio::select! {
        biased;
        r = &mut acquire => r.map_err(err),
        e = probe => Err(Error::Connection(Box::new(e))),
    }
}

/// Whether a statement that failed with `e` on a pooled connection may run again on a fresh one:
/// the connection broke, and the statement is a read, or the server said it ended the session
/// (PostgreSQL `57P01`..`57P03`: the statement never ran, or was rolled back with the session).
fn retry_on_fresh_connection(e: &Error, read_only: bool) -> bool {
    let Error::Connection(source) = e else {
        return false;
    };
    if read_only {
        return true;
    }
    match &**source {
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|c| matches!(c.as_ref(), "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

/// Refuses a statement larger than the server accepts (MySQL's `max_allowed_packet`).
fn check_size(inner: &ClientInner, stmt: &Statement) -> Result<()> {
    let Some(limit) = inner.max_packet else {
        return Ok(());
    };
    let size = stmt.sql.len() + stmt.binds.iter().map(value_size).sum::<usize>();
    if size > limit {
        return Err(Error::InvalidValue {
            model: stmt.model.map(|m| m.name),
            field: None,
            value: None,
            reason: format!(
                "the statement is {size} bytes, larger than the server's max_allowed_packet \
                 ({limit} bytes)"
            ),
            source: None,
        });
    }
    Ok(())
}

/// About how many bytes a value takes on the wire.
pub(crate) fn value_size(v: &crate::Value) -> usize {
    use crate::Value as V;
    match v {
        V::String(s) => s.len() + 9,
        V::Bytes(b) => b.len() + 9,
        V::Json(j) => j.to_string().len() + 9,
        V::Array(_) => 64,
        _ => 16,
    }
}

/// A statement ready to send: its text (shared with the slow-statement log), bound arguments,
/// model, whether it only reads, the statement timeout in force and, when that is not the
/// session's, the settings to send around it.
struct Prepared<A> {
    sql: SqlStr,
    args: A,
    model: Option<&'static ModelDef>,
    read_only: bool,
    timeout: Option<Duration>,
    around: Option<Around>,
}

/// `local`: the statement runs inside a transaction.
fn prepare<D: Driver>(
    inner: &ClientInner,
    stmt: Statement,
    local: bool,
) -> Result<Prepared<D::Args>> {
    check_size(inner, &stmt)?;
    let Statement {
        sql,
        binds,
        model,
        read_only,
    } = stmt;
    let (timeout, scoped) = timeout_in_force(inner);
    let (sql, around) = if scoped {
        let (sql, around) =
            inner
                .dialect
                .rules()
                .scoped_timeout(sql, timeout, inner.statement_timeout, local);
        (sql, around.map(|[set, reset]| Around { set, reset }))
    } else {
        (sql, None)
    };
    Ok(Prepared {
        args: D::bind(binds)?,
        sql: AssertSqlSafe(sql).into_sql_str(),
        model,
        read_only,
        timeout,
        around,
    })
}

tokio::task_local! {
    /// The statement timeout of a [`with_statement_timeout`] scope.
    static SCOPED_TIMEOUT: Option<Duration>;
}

/// Runs `fut` with `timeout` as the statement timeout of every statement it sends — on any client
/// or transaction, through any builder or raw SQL — instead of the client's
/// [`statement_timeout`](crate::ClientOptions::statement_timeout); `None` lifts the limit. Enforced
/// as the client's is (the server stops the statement; [`Error::Timeout`]), statement by statement:
///
/// | backend | how | cost per statement |
/// |---|---|---|
/// | PostgreSQL | `SET statement_timeout` before the statement and back after it (`SET LOCAL` in a transaction) | two round trips |
/// | MariaDB | the statement runs as `SET STATEMENT max_statement_time = .. FOR ..` | none |
/// | MySQL | a `MAX_EXECUTION_TIME` hint on reads (MySQL limits no writes) | none |
/// | SQLite | the progress handler's deadline | none beyond the timeout's own |
///
/// A PostgreSQL connection dropped between the two settings (a cancelled future) is closed, not
/// returned to the pool with the scope's timeout. Statements of a [`stream`](crate::query) started
/// in the scope keep its timeout. Scopes nest: the innermost wins.
///
/// ```no_run
/// # use orm_runtime::prelude::*;
/// # #[derive(Model, Debug, Clone)] struct Post { #[orm(id)] id: i64, title: String }
/// # async fn f(db: &Client) -> orm_runtime::Result<()> {
/// use std::time::Duration;
/// // A report may take a minute; everything else keeps the client's 5 s.
/// let posts = orm_runtime::with_statement_timeout(Duration::from_secs(60), async {
///     Post::find_many().exec(db).await
/// })
/// .await?;
/// # Ok(()) }
/// ```
pub async fn with_statement_timeout<F: std::future::Future>(
    timeout: impl Into<Option<Duration>>,
    fut: F,
) -> F::Output {
    let timeout = timeout.into().map(|d| d.max(Duration::from_millis(1)));
    SCOPED_TIMEOUT.scope(timeout, fut).await
}

/// The statement timeout of a statement about to be prepared, and whether it is a scope's that
/// differs from the session's.
fn timeout_in_force(inner: &ClientInner) -> (Option<Duration>, bool) {
    match SCOPED_TIMEOUT.try_with(|t| *t) {
        Ok(t) if t != inner.statement_timeout => (t, true),
        _ => (inner.statement_timeout, false),
    }
}

/// The scope a stream's tasks run in: the statement timeout in force where the stream started.
pub(crate) fn current_scope() -> Option<Option<Duration>> {
    SCOPED_TIMEOUT.try_with(|t| *t).ok()
}

/// Runs a stream's task in the scope it was started in.
pub(crate) async fn in_scope<F: std::future::Future>(
    scope: Option<Option<Duration>>,
    fut: F,
) -> F::Output {
    match scope {
        Some(t) => SCOPED_TIMEOUT.scope(t, fut).await,
        None => fut.await,
    }
}

/// Session settings sent around one statement whose timeout is not the session's (PostgreSQL).
struct Around {
    set: String,
    reset: String,
}

/// Sends one of [`Around`]'s settings.
async fn setting<D: Driver>(inner: &ClientInner, conn: &mut D::Connection, sql: &str) -> Result<()>
where
    for<'c> &'c mut D::Connection: sqlx::Executor<'c, Database = D>,
{
    inner.statements.fetch_add(1, Ordering::Relaxed);
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(conn)
        .await
        .map(|_| ())
        .map_err(|e| Error::from_sqlx(e, None))
}

/// A pooled connection that is closed rather than returned to the pool when it is dropped while
/// `dirty`: in an unknown state — a statement still running (its future was dropped), a scope's
/// session setting not yet undone, a result not read to its end. Returned, sqlx would first wait
/// for the server to finish the abandoned statement; closed, the server stops it (PostgreSQL 14+
/// notices the closed connection within a second) and the pool
/// opens a fresh connection.
///
/// Not on drivers that run statements in the client's process ([`Driver::CLOSE_ABANDONED`]).
struct Checked<D: Driver> {
    conn: PoolConnection<D>,
    dirty: std::sync::atomic::AtomicBool,
}

impl<D: Driver> Checked<D> {
    fn new(conn: PoolConnection<D>) -> Self {
        Checked {
            conn,
            dirty: Default::default(),
        }
    }
}

impl<D: Driver> Checked<D> {
    /// Closes the connection when it is dropped, where the driver allows it.
    fn close_on_drop(&mut self) {
        if D::CLOSE_ABANDONED {
            self.conn.close_on_drop();
        }
    }
}

impl<D: Driver> Drop for Checked<D> {
    fn drop(&mut self) {
        if self.dirty.load(Ordering::Relaxed) {
            self.close_on_drop();
        }
    }
}

/// Runs a row-returning statement on a pooled connection, again on another one when that is safe
/// (see [`retry_on_fresh_connection`]).
pub(crate) async fn fetch_pooled<D: Driver>(
    inner: &ClientInner,
    pool: &sqlx::Pool<D>,
    stmt: Statement,
    sink: Sink<'_>,
) -> Result<()>
where
    for<'c> &'c mut D::Connection: sqlx::Executor<'c, Database = D>,
{
    let p = prepare::<D>(inner, stmt, false)?;
    // When the server ended every session, each idle connection fails in turn: try past all of
    // them, at most once per pool slot, until a live or new connection runs the statement.
    let mut attempts = pool.options().get_max_connections().max(1);
    loop {
        let mut c = Checked::new(acquire(pool).await?);
        let r = run_fetch::<D>(inner, &mut c.conn, &p, p.args.clone(), &c.dirty, sink).await;
        match r {
            Err(e) if attempts > 0 && retry_on_fresh_connection(&e, p.read_only) => {
                c.close_on_drop();
                attempts -= 1;
            }
            r => {
                if abandoned(&r) {
                    c.close_on_drop();
                }
                return r;
            }
        }
    }
}

/// Streams a row-returning statement's rows, decoded, into `tx`, on one pooled connection held
/// until the last row is read or the receiver goes away. The channel's bound is the backpressure:
/// rows are read from the server as fast as the consumer takes them. A row that fails to decode is
/// sent as the last item; a failure of the statement is returned, for the caller to send. A
/// connection abandoned mid-result is closed rather than returned to the pool (not on SQLite, see
/// [`Driver::CLOSE_ABANDONED`]).
pub(crate) async fn stream_pooled<D: Driver, T: Send>(
    inner: &ClientInner,
    pool: &sqlx::Pool<D>,
    stmt: Statement,
    mut decode: impl FnMut(RowRef<'_>) -> Result<T> + Send,
    tx: &tokio::sync::mpsc::Sender<Result<T>>,
) -> Result<()>
where
    for<'c> &'c mut D::Connection: sqlx::Executor<'c, Database = D>,
{
    let span = crate::hooks::report::statement_span(inner.dialect.backend, stmt.model, &stmt.sql);
    let model = stmt.model;
    let sql = stmt.sql.clone();
    let started = Instant::now();
    let result = async {
        let p = prepare::<D>(inner, stmt, false)?;
        // A connection found dead before the first row is sent is replaced, as for a collected
        // read; after that the caller has rows, and the failure is theirs to see.
        let mut attempts = pool.options().get_max_connections().max(1);
        loop {
            // Dirty until the result is read to its end (and a scope's setting undone): a
            // connection dropped before — an early return, the stream's task aborted
            // mid-result — is closed (a pooled one would first have to drain the result).
            let mut held = Checked::new(acquire(pool).await?);
            held.dirty.store(true, Ordering::Relaxed);
            if let Some(a) = &p.around {
                setting::<D>(inner, &mut held.conn, &a.set).await?;
            }
            inner.statements.fetch_add(1, Ordering::Relaxed);
            let armed = match p.timeout {
                Some(t) => D::arm_timeout(&mut held.conn, t).await?,
                None => None,
            };
            let mut stream = sqlx::query_with(p.sql.clone(), p.args.clone())
                .persistent(inner.persistent)
                .fetch(&mut *held.conn);
            let mut n = 0u64;
            let mut complete = true;
            loop {
                let row = match stream.try_next().await {
                    Ok(Some(row)) => row,
                    Ok(None) => break,
                    Err(e) => {
                        let e = Error::from_sqlx(e, p.model);
                        if n == 0 && attempts > 0 && retry_on_fresh_connection(&e, p.read_only) {
                            complete = false;
                            break;
                        }
                        drop(stream);
                        D::after_failure(&mut held.conn).await;
                        return Err(e);
                    }
                };
                let item = decode(D::row(&row));
                let failed = item.is_err();
                if tx.send(item).await.is_err() || failed {
                    return Ok(n);
                }
                n += 1;
            }
            drop(stream);
            disarm(armed);
            if complete {
                if let Some(a) = &p.around {
                    setting::<D>(inner, &mut held.conn, &a.reset).await?;
                }
                held.dirty.store(false, Ordering::Relaxed);
                return Ok::<_, Error>(n);
            }
            attempts -= 1;
        }
    }
    .instrument(span.clone())
    .await;
    finished(inner, &span, model, &sql, started, result.as_ref().copied());
    result.map(|_| ())
}

/// Runs a statement that returns no rows on a pooled connection, retried as [`fetch_pooled`].
pub(crate) async fn execute_pooled<D: Driver>(
    inner: &ClientInner,
    pool: &sqlx::Pool<D>,
    stmt: Statement,
) -> Result<ExecResult>
where
    for<'c> &'c mut D::Connection: sqlx::Executor<'c, Database = D>,
{
    let p = prepare::<D>(inner, stmt, false)?;
    let mut attempts = pool.options().get_max_connections().max(1);
    loop {
        let mut c = Checked::new(acquire(pool).await?);
        let r = run_execute::<D>(inner, &mut c.conn, &p, p.args.clone(), &c.dirty).await;
        match r {
            Err(e) if attempts > 0 && retry_on_fresh_connection(&e, p.read_only) => {
                c.close_on_drop();
                attempts -= 1;
            }
            r => {
                if abandoned(&r) {
                    c.close_on_drop();
                } else if r.is_err() {
                    D::after_failure(&mut c.conn).await;
                }
                return r;
            }
        }
    }
}

/// One connection of driver `D` held for several statements: a transaction's, or a checked-out one.
pub(crate) trait Held: Send {
    type D: Driver;
    fn conn(&mut self) -> &mut <Self::D as sqlx::Database>::Connection;
}

impl<D: Driver> Held for sqlx::Transaction<'_, D> {
    type D = D;
    fn conn(&mut self) -> &mut D::Connection {
        self
    }
}

impl<D: Driver> Held for PoolConnection<D> {
    type D = D;
    fn conn(&mut self) -> &mut D::Connection {
        self
    }
}

/// Runs a row-returning statement on a held connection.
pub(crate) async fn fetch_on<H: Held>(
    inner: &ClientInner,
    held: &mut H,
    stmt: Statement,
    sink: Sink<'_>,
) -> Result<()>
where
    for<'c> &'c mut <H::D as sqlx::Database>::Connection: sqlx::Executor<'c, Database = H::D>,
{
    let p = prepare::<H::D>(inner, stmt, true)?;
    let dirty = Default::default();
    run_fetch::<H::D>(inner, held.conn(), &p, p.args.clone(), &dirty, sink).await
}

/// Runs a statement that returns no rows on a held connection.
pub(crate) async fn execute_on<H: Held>(
    inner: &ClientInner,
    held: &mut H,
    stmt: Statement,
) -> Result<ExecResult>
where
    for<'c> &'c mut <H::D as sqlx::Database>::Connection: sqlx::Executor<'c, Database = H::D>,
{
    let p = prepare::<H::D>(inner, stmt, true)?;
    let dirty = Default::default();
    run_execute::<H::D>(inner, held.conn(), &p, p.args.clone(), &dirty).await
}

/// Runs SQL text without binds, which may hold several statements (savepoints, migration scripts).
pub(crate) async fn raw_on<H: Held>(inner: &ClientInner, held: &mut H, sql: String) -> Result<()>
where
    for<'c> &'c mut <H::D as sqlx::Database>::Connection: sqlx::Executor<'c, Database = H::D>,
{
    inner.statements.fetch_add(1, Ordering::Relaxed);
    sqlx::raw_sql(AssertSqlSafe(sql))
        .execute(held.conn())
        .await
        .map(|_| ())
        .map_err(|e| Error::from_sqlx(e, None))
}

/// Records a statement's end (span, operation report, metrics) and warns when it was slow.
fn finished(
    inner: &ClientInner,
    span: &tracing::Span,
    model: Option<&'static ModelDef>,
    sql: &str,
    started: Instant,
    outcome: std::result::Result<u64, &Error>,
) {
    let elapsed = started.elapsed();
    crate::hooks::report::statement_finished(
        inner.dialect.backend,
        span,
        model,
        sql,
        elapsed,
        outcome,
    );
    if inner.slow_threshold.is_some_and(|t| elapsed >= t) {
        let ms = elapsed.as_secs_f64() * 1e3;
        tracing::warn!(target: "orm::slow", elapsed_ms = ms, sql, "slow statement");
    }
}

/// Disarms what [`Driver::arm_timeout`] armed: the statement is over.
fn disarm(armed: Option<Armed>) {
    if let Some(done) = armed {
        done.store(true, Ordering::Relaxed);
    }
}

/// How long the client waits for a statement under `timeout`: the timeout plus a grace period
/// for the server to report it (a second, or half the timeout when that is longer).
fn client_deadline(timeout: Option<Duration>) -> Option<Duration> {
    timeout.map(|t| t + (t / 2).max(Duration::from_secs(1)))
}

/// Waits for a statement at most the client's deadline: past it the server has not reported its
/// own timeout, and the call fails with [`Error::Timeout`] without a source — the caller must not
/// reuse the connection.
async fn within_deadline<T>(
    deadline: Duration,
    work: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    tokio::time::timeout(deadline, work)
        .await
        .unwrap_or(Err(Error::Timeout(None)))
}

/// Whether a statement's failure leaves its connection in an unknown state: the client gave up
/// waiting for the server.
fn abandoned(r: &Result<impl Sized>) -> bool {
    matches!(r, Err(Error::Timeout(None)))
}

/// Sends a row-returning statement, handing rows to `sink` as they stream in; a scope's timeout
/// around it (`dirty` while it is set).
async fn run_fetch<D: Driver>(
    inner: &ClientInner,
    conn: &mut D::Connection,
    p: &Prepared<D::Args>,
    args: D::Args,
    dirty: &std::sync::atomic::AtomicBool,
    sink: Sink<'_>,
) -> Result<()>
where
    for<'c> &'c mut D::Connection: sqlx::Executor<'c, Database = D>,
{
    let (sql, model) = (&p.sql, p.model);
    // Dirty until the statement is over: a future dropped while it runs closes the connection.
    dirty.store(true, Ordering::Relaxed);
    if let Some(a) = &p.around {
        setting::<D>(inner, conn, &a.set).await?;
    }
    inner.statements.fetch_add(1, Ordering::Relaxed);
    let span = crate::hooks::report::statement_span(inner.dialect.backend, model, sql.as_str());
    let started = Instant::now();
    let work = async {
        let armed = match p.timeout {
            Some(t) => D::arm_timeout(conn, t).await?,
            None => None,
        };
        let rows = async {
            let mut stream = sqlx::query_with(sql.clone(), args)
                .persistent(inner.persistent)
                .fetch(&mut *conn);
            let mut n = 0u64;
            while let Some(row) = stream
                .try_next()
                .await
                .map_err(|e| Error::from_sqlx(e, model))?
            {
                sink(D::row(&row))?;
                n += 1;
            }
            Ok::<_, Error>(n)
        }
        .await;
        disarm(armed);
        rows
    };
    let work = work.instrument(span.clone());
    let rows = match client_deadline(p.timeout) {
        Some(d) => within_deadline(d, work).await,
        None => work.await,
    };
    finished(
        inner,
        &span,
        model,
        sql.as_str(),
        started,
        rows.as_ref().copied(),
    );
    let rows = settle::<D, _>(inner, conn, p, dirty, rows).await;
    rows.map(|_| ())
}

/// Sends a statement that returns no rows, as [`run_fetch`].
async fn run_execute<D: Driver>(
    inner: &ClientInner,
    conn: &mut D::Connection,
    p: &Prepared<D::Args>,
    args: D::Args,
    dirty: &std::sync::atomic::AtomicBool,
) -> Result<ExecResult>
where
    for<'c> &'c mut D::Connection: sqlx::Executor<'c, Database = D>,
{
    let (sql, model) = (&p.sql, p.model);
    // Dirty until the statement is over: a future dropped while it runs closes the connection.
    dirty.store(true, Ordering::Relaxed);
    if let Some(a) = &p.around {
        setting::<D>(inner, conn, &a.set).await?;
    }
    inner.statements.fetch_add(1, Ordering::Relaxed);
    let span = crate::hooks::report::statement_span(inner.dialect.backend, model, sql.as_str());
    let started = Instant::now();
    let work = async {
        let armed = match p.timeout {
            Some(t) => D::arm_timeout(conn, t).await?,
            None => None,
        };
        let r = sqlx::query_with(sql.clone(), args)
            .persistent(inner.persistent)
            .execute(&mut *conn)
            .await
            .map(D::result)
            .map_err(|e| Error::from_sqlx(e, model));
        disarm(armed);
        r
    };
    let work = work.instrument(span.clone());
    let r = match client_deadline(p.timeout) {
        Some(d) => within_deadline(d, work).await,
        None => work.await,
    };
    let outcome = r.as_ref().map(|r| r.rows_affected);
    finished(inner, &span, model, sql.as_str(), started, outcome);
    settle::<D, _>(inner, conn, p, dirty, r).await
}

/// Marks the connection clean once a statement is over, after setting the session's timeout back
/// if a scope changed it. A connection the client gave up waiting on stays `dirty`. After a failed
/// statement inside a transaction the setting cannot be sent (PostgreSQL refuses everything until
/// the rollback, which undoes it): the statement's error stands, and the connection stays `dirty`
/// (closed if pooled).
async fn settle<D: Driver, T>(
    inner: &ClientInner,
    conn: &mut D::Connection,
    p: &Prepared<D::Args>,
    dirty: &std::sync::atomic::AtomicBool,
    r: Result<T>,
) -> Result<T>
where
    for<'c> &'c mut D::Connection: sqlx::Executor<'c, Database = D>,
{
    if abandoned(&r) {
        return r;
    }
    let Some(a) = &p.around else {
        dirty.store(false, Ordering::Relaxed);
        return r;
    };
    match setting::<D>(inner, conn, &a.reset).await {
        Ok(()) => {
            dirty.store(false, Ordering::Relaxed);
            r
        }
        Err(e) => r.and(Err(e)),
    }
}
