//! Running statements: the [`Executor`] trait and its implementations for [`Client`] and
//! [`Transaction`].

use std::future::Future;
use std::sync::atomic::Ordering;
use std::time::Instant;

use futures_util::TryStreamExt;
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
                fetch(
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
                fetch(inner, p, stmt, bind::mysql, |r| RowRef::MySql(r), decode).await
            }
            Pool::Sqlite(p) => {
                fetch(inner, p, stmt, bind::sqlite, |r| RowRef::Sqlite(r), decode).await
            }
        }
    }

    async fn __execute(&self, stmt: Statement) -> Result<ExecResult> {
        let inner = &*self.inner;
        match &inner.pool {
            Pool::Postgres(p) => execute(inner, p, stmt, bind::postgres, pg_result).await,
            Pool::MySql(p) => execute(inner, p, stmt, bind::mysql, mysql_result).await,
            Pool::Sqlite(p) => execute(inner, p, stmt, bind::sqlite, sqlite_result).await,
        }
    }

    async fn __atomic(&self) -> Result<Transaction> {
        self.begin().await
    }

    fn __db(&self) -> DbRef<'_> {
        DbRef::Client(self)
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

/// Runs a row-returning statement on any sqlx executor, decoding rows as they stream in.
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
    inner.statements.fetch_add(1, Ordering::Relaxed);
    let Statement { sql, binds, model } = stmt;
    let span = span(inner, &sql);
    let args = binder(binds)?;
    let started = Instant::now();
    // Reference-counted: the query and the slow-statement log share one copy of the text.
    let sql: SqlStr = AssertSqlSafe(sql).into_sql_str();
    let out = async {
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

/// Runs a statement that returns no rows.
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
    inner.statements.fetch_add(1, Ordering::Relaxed);
    let Statement { sql, binds, model } = stmt;
    let span = span(inner, &sql);
    let args = binder(binds)?;
    let started = Instant::now();
    let sql: SqlStr = AssertSqlSafe(sql).into_sql_str();
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
