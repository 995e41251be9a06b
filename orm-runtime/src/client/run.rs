//! Running statements: the [`Executor`] trait and its implementations for [`Client`] and
//! [`Transaction`].

use std::future::Future;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, IntoArguments, SqlSafeStr, SqlStr};
use tracing::Instrument;

use super::transaction::Transaction;
use super::{Client, ClientInner, Pool, bind};
use crate::error::{Error, Result};
use crate::model::ModelDef;
use crate::sql::{Backend, Dialect, Statement};
use crate::types::RowRef;

/// What a statement that returns no rows reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExecResult {
    /// Rows inserted, updated or deleted.
    pub rows_affected: u64,
    /// The auto-increment id of the last inserted row (MySQL, SQLite).
    pub last_insert_id: Option<i64>,
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::Client {}
    impl Sealed for crate::Transaction {}
    impl Sealed for super::DbRef<'_> {}
}

/// A borrowed executor of either kind, for code that cannot be generic over [`Executor`]
/// (the relation loaders, which recurse through trait objects).
#[doc(hidden)]
#[derive(Clone, Copy)]
pub enum DbRef<'a> {
    Client(&'a Client),
    Transaction(&'a Transaction),
}

/// Where queries run: a [`Client`] (each statement on a pooled connection) or a [`Transaction`].
///
/// Every builder's `exec` takes `&impl Executor`, so the same query code runs inside and outside
/// transactions. Sealed: the methods are this crate's internals.
#[diagnostic::on_unimplemented(
    message = "queries run on a `&Client` or a `&Transaction`, not on `{Self}`",
    label = "pass `&db` or `&tx` here"
)]
pub trait Executor: Send + Sync + sealed::Sealed {
    /// The SQL dialect of the database this runs on.
    fn dialect(&self) -> Dialect {
        self.__dialect()
    }

    #[doc(hidden)]
    fn __dialect(&self) -> Dialect;

    #[doc(hidden)]
    fn __fetch<T, F>(
        &self,
        stmt: Statement,
        decode: F,
    ) -> impl Future<Output = Result<Vec<T>>> + Send
    where
        T: Send,
        F: FnMut(RowRef<'_>) -> Result<T> + Send;

    #[doc(hidden)]
    fn __execute(&self, stmt: Statement) -> impl Future<Output = Result<ExecResult>> + Send;

    /// A scope in which several statements apply atomically: a new transaction on a client, a savepoint
    /// inside a transaction.
    #[doc(hidden)]
    fn __atomic(&self) -> impl Future<Output = Result<Transaction>> + Send;

    #[doc(hidden)]
    fn __db(&self) -> DbRef<'_>;

    /// About how many bytes of values one statement should carry at most (bulk inserts are split
    /// to stay under it).
    #[doc(hidden)]
    fn __statement_budget(&self) -> usize {
        self.__db().client().inner.statement_budget()
    }
}

impl DbRef<'_> {
    pub(crate) fn client(&self) -> &Client {
        match self {
            DbRef::Client(c) => c,
            DbRef::Transaction(t) => t.client(),
        }
    }
}

impl Executor for DbRef<'_> {
    fn __dialect(&self) -> Dialect {
        match self {
            DbRef::Client(c) => c.__dialect(),
            DbRef::Transaction(t) => t.__dialect(),
        }
    }

    async fn __fetch<T, F>(&self, stmt: Statement, decode: F) -> Result<Vec<T>>
    where
        T: Send,
        F: FnMut(RowRef<'_>) -> Result<T> + Send,
    {
        match self {
            DbRef::Client(c) => c.__fetch(stmt, decode).await,
            DbRef::Transaction(t) => t.__fetch(stmt, decode).await,
        }
    }

    async fn __execute(&self, stmt: Statement) -> Result<ExecResult> {
        match self {
            DbRef::Client(c) => c.__execute(stmt).await,
            DbRef::Transaction(t) => t.__execute(stmt).await,
        }
    }

    async fn __atomic(&self) -> Result<Transaction> {
        match self {
            DbRef::Client(c) => c.__atomic().await,
            DbRef::Transaction(t) => t.__atomic().await,
        }
    }

    fn __db(&self) -> DbRef<'_> {
        *self
    }
}

impl Executor for Client {
    fn __dialect(&self) -> Dialect {
        self.inner.dialect
    }

    async fn __fetch<T, F>(&self, stmt: Statement, decode: F) -> Result<Vec<T>>
    where
        T: Send,
        F: FnMut(RowRef<'_>) -> Result<T> + Send,
    {
        let inner = &*self.inner;
        match &inner.pool {
            Pool::Postgres(p) => {
                fetch_pooled(
                    inner,
                    p,
                    stmt,
                    bind::postgres,
                    |r| RowRef::Postgres(r),
                    decode,
                )
                .await
            }
            Pool::MySql(p) => {
                fetch_pooled(inner, p, stmt, bind::mysql, |r| RowRef::MySql(r), decode).await
            }
            Pool::Sqlite(p) => {
                fetch_pooled(inner, p, stmt, bind::sqlite, |r| RowRef::Sqlite(r), decode).await
            }
        }
    }

    async fn __execute(&self, stmt: Statement) -> Result<ExecResult> {
        let inner = &*self.inner;
        match &inner.pool {
            Pool::Postgres(p) => execute_pooled(inner, p, stmt, bind::postgres, pg_result).await,
            Pool::MySql(p) => execute_pooled(inner, p, stmt, bind::mysql, mysql_result).await,
            Pool::Sqlite(p) => execute_pooled(inner, p, stmt, bind::sqlite, sqlite_result).await,
        }
    }

    async fn __atomic(&self) -> Result<Transaction> {
        self.begin().await
    }

    fn __db(&self) -> DbRef<'_> {
        DbRef::Client(self)
    }
}

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

/// The size limit of one statement on this client (MySQL's `max_allowed_packet`).
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

/// Runs a row-returning statement on a pooled connection, again on another one when that is safe
/// (see [`retry_on_fresh_connection`]).
async fn fetch_pooled<DB, A, T, F>(
    inner: &ClientInner,
    pool: &sqlx::Pool<DB>,
    stmt: Statement,
    binder: fn(Vec<crate::Value>) -> Result<A>,
    wrap: for<'r> fn(&'r DB::Row) -> RowRef<'r>,
    mut decode: F,
) -> Result<Vec<T>>
where
    DB: sqlx::Database + sqlx::database::HasStatementCache,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    A: for<'q> IntoArguments<DB> + Clone + Send + 'static,
    T: Send,
    F: FnMut(RowRef<'_>) -> Result<T> + Send,
{
    check_size(inner, &stmt)?;
    let Statement {
        sql,
        binds,
        model,
        read_only,
    } = stmt;
    let args = binder(binds)?;
    let sql: SqlStr = AssertSqlSafe(sql).into_sql_str();
    // When the server ended every session, each idle connection fails in turn: try past all of
    // them, at most once per pool slot, until a live or new connection runs the statement.
    let mut attempts = pool.options().get_max_connections().max(1);
    loop {
        let mut conn = acquire(pool).await?;
        match run_fetch(
            inner,
            &mut *conn,
            &sql,
            args.clone(),
            model,
            wrap,
            &mut decode,
        )
        .await
        {
            Err(e) if attempts > 0 && retry_on_fresh_connection(&e, read_only) => {
                conn.close_on_drop();
                attempts -= 1;
            }
            r => return r,
        }
    }
}

/// Runs a statement that returns no rows on a pooled connection, retried as [`fetch_pooled`].
async fn execute_pooled<DB, A>(
    inner: &ClientInner,
    pool: &sqlx::Pool<DB>,
    stmt: Statement,
    binder: fn(Vec<crate::Value>) -> Result<A>,
    result: fn(DB::QueryResult) -> ExecResult,
) -> Result<ExecResult>
where
    DB: sqlx::Database + sqlx::database::HasStatementCache,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    A: for<'q> IntoArguments<DB> + Clone + Send + 'static,
{
    check_size(inner, &stmt)?;
    let Statement {
        sql,
        binds,
        model,
        read_only,
    } = stmt;
    let args = binder(binds)?;
    let sql: SqlStr = AssertSqlSafe(sql).into_sql_str();
    let mut attempts = pool.options().get_max_connections().max(1);
    loop {
        let mut conn = acquire(pool).await?;
        match run_execute(inner, &mut *conn, &sql, args.clone(), model, result).await {
            Err(e) if attempts > 0 && retry_on_fresh_connection(&e, read_only) => {
                conn.close_on_drop();
                attempts -= 1;
            }
            r => return r,
        }
    }
}

pub(crate) fn pg_result(r: sqlx::postgres::PgQueryResult) -> ExecResult {
    ExecResult {
        rows_affected: r.rows_affected(),
        last_insert_id: None,
    }
}

pub(crate) fn mysql_result(r: sqlx::mysql::MySqlQueryResult) -> ExecResult {
    let id = r.last_insert_id();
    ExecResult {
        rows_affected: r.rows_affected(),
        last_insert_id: (id != 0).then_some(id as i64),
    }
}

pub(crate) fn sqlite_result(r: sqlx::sqlite::SqliteQueryResult) -> ExecResult {
    ExecResult {
        rows_affected: r.rows_affected(),
        last_insert_id: Some(r.last_insert_rowid()),
    }
}

fn system(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "postgresql",
        Backend::MySql => "mysql",
        Backend::Sqlite => "sqlite",
    }
}

fn span(inner: &ClientInner, sql: &str) -> tracing::Span {
    tracing::debug_span!(
        "orm.statement",
        db.system = system(inner.dialect.backend),
        db.statement = sql
    )
}

fn finished(
    inner: &ClientInner,
    model: Option<&'static ModelDef>,
    sql: &str,
    started: Instant,
    rows: u64,
) {
    let elapsed = started.elapsed();
    let ms = elapsed.as_secs_f64() * 1e3;
    tracing::debug!(target: "orm::statement", elapsed_ms = ms, rows, model = model.map(|m| m.name), "statement finished");
    if inner.slow_threshold.is_some_and(|t| elapsed >= t) {
        tracing::warn!(target: "orm::slow", elapsed_ms = ms, sql, "slow statement");
    }
}

/// Runs a row-returning statement on a transaction's connection.
pub(crate) async fn fetch<'c, DB, E, A, T, F>(
    inner: &ClientInner,
    exec: E,
    stmt: Statement,
    binder: fn(Vec<crate::Value>) -> Result<A>,
    wrap: for<'r> fn(&'r DB::Row) -> RowRef<'r>,
    mut decode: F,
) -> Result<Vec<T>>
where
    DB: sqlx::Database + sqlx::database::HasStatementCache,
    E: sqlx::Executor<'c, Database = DB>,
    A: IntoArguments<DB> + Send + 'c,
    T: Send,
    F: FnMut(RowRef<'_>) -> Result<T> + Send,
{
    check_size(inner, &stmt)?;
    let Statement {
        sql, binds, model, ..
    } = stmt;
    let args = binder(binds)?;
    let sql: SqlStr = AssertSqlSafe(sql).into_sql_str();
    run_fetch(inner, exec, &sql, args, model, wrap, &mut decode).await
}

/// Runs a statement that returns no rows on a transaction's connection.
pub(crate) async fn execute<'c, DB, E, A>(
    inner: &ClientInner,
    exec: E,
    stmt: Statement,
    binder: fn(Vec<crate::Value>) -> Result<A>,
    result: fn(DB::QueryResult) -> ExecResult,
) -> Result<ExecResult>
where
    DB: sqlx::Database + sqlx::database::HasStatementCache,
    E: sqlx::Executor<'c, Database = DB>,
    A: IntoArguments<DB> + Send + 'c,
{
    check_size(inner, &stmt)?;
    let Statement {
        sql, binds, model, ..
    } = stmt;
    let args = binder(binds)?;
    let sql: SqlStr = AssertSqlSafe(sql).into_sql_str();
    run_execute(inner, exec, &sql, args, model, result).await
}

/// Sends a row-returning statement, decoding rows as they stream in.
async fn run_fetch<'c, DB, E, A, T, F>(
    inner: &ClientInner,
    exec: E,
    sql: &SqlStr,
    args: A,
    model: Option<&'static ModelDef>,
    wrap: for<'r> fn(&'r DB::Row) -> RowRef<'r>,
    decode: &mut F,
) -> Result<Vec<T>>
where
    DB: sqlx::Database + sqlx::database::HasStatementCache,
    E: sqlx::Executor<'c, Database = DB>,
    A: IntoArguments<DB> + Send + 'c,
    T: Send,
    F: FnMut(RowRef<'_>) -> Result<T> + Send,
{
    inner.statements.fetch_add(1, Ordering::Relaxed);
    let span = span(inner, sql.as_str());
    let started = Instant::now();
    let out = async {
        // Reference-counted: the query and the slow-statement log share one copy of the text.
        let mut rows = sqlx::query_with(sql.clone(), args)
            .persistent(inner.persistent)
            .fetch(exec);
        let mut out = Vec::new();
        while let Some(row) = rows
            .try_next()
            .await
            .map_err(|e| Error::from_sqlx(e, model))?
        {
            out.push(decode(wrap(&row))?);
        }
        Ok::<_, Error>(out)
    }
    .instrument(span)
    .await?;
    finished(inner, model, sql.as_str(), started, out.len() as u64);
    Ok(out)
}

/// Sends a statement that returns no rows.
async fn run_execute<'c, DB, E, A>(
    inner: &ClientInner,
    exec: E,
    sql: &SqlStr,
    args: A,
    model: Option<&'static ModelDef>,
    result: fn(DB::QueryResult) -> ExecResult,
) -> Result<ExecResult>
where
    DB: sqlx::Database + sqlx::database::HasStatementCache,
    E: sqlx::Executor<'c, Database = DB>,
    A: IntoArguments<DB> + Send + 'c,
{
    inner.statements.fetch_add(1, Ordering::Relaxed);
    let span = span(inner, sql.as_str());
    let started = Instant::now();
    let r = sqlx::query_with(sql.clone(), args)
        .persistent(inner.persistent)
        .execute(exec)
        .instrument(span)
        .await
        .map_err(|e| Error::from_sqlx(e, model))?;
    let r = result(r);
    finished(inner, model, sql.as_str(), started, r.rows_affected);
    Ok(r)
}
