//! The drivers: one module per backend, each behind its cargo feature (`postgres`, `mysql`,
//! `sqlite`), owning its sqlx pool and connection options, argument binding, row access, query
//! results and error codes.
//!
//! Everything that differs per driver is dispatched here, in one place, by [`each!`]: the rest of
//! the crate holds a [`Pool`], a [`TxConn`] (a transaction's connection) or a [`PooledConn`] (a
//! checked-out connection) and runs statements through the functions of `exec`, which are generic
//! over [`Driver`] only — never over the rows a query decodes — so a query costs one copy of the
//! execution path per enabled driver, not one per model.

#[cfg(not(any(feature = "postgres", feature = "mysql", feature = "sqlite")))]
compile_error!("orm-runtime needs at least one backend feature: `postgres`, `mysql` or `sqlite`");

mod class;
mod errors;
mod exec;
#[cfg(feature = "mysql")]
pub(crate) mod mysql;
mod options;
#[cfg(feature = "postgres")]
pub(crate) mod postgres;
pub(crate) mod script;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite;

pub use exec::ExecResult;
pub use exec::with_statement_timeout;
pub(crate) use exec::{
    acquire, current_scope, execute_on, execute_pooled, fetch_on, fetch_pooled, in_scope, raw_on,
    stream_pooled, value_size,
};
pub(crate) use options::ClientInner;
pub use options::ClientOptions;
pub(crate) use options::{ScopeEntry, Scopes};

use crate::error::Result;
use crate::sql::Dialect;
use crate::types::RowRef;
use crate::value::Value;

/// One `match` over the enabled drivers: `each!(value, Enum, binding => body)` runs `body` with
/// `binding` bound to the driver's payload of `value`, an `Enum` with one variant per driver
/// (`Postgres`, `MySql`, `Sqlite`). `body` is compiled once per enabled driver.
macro_rules! each {
    ($value:expr, $enum:ident, $v:ident => $body:expr) => {
        match $value {
            #[cfg(feature = "postgres")]
            $crate::driver::$enum::Postgres($v) => $body,
            #[cfg(feature = "mysql")]
            $crate::driver::$enum::MySql($v) => $body,
            #[cfg(feature = "sqlite")]
            $crate::driver::$enum::Sqlite($v) => $body,
        }
    };
}
pub(crate) use each;

/// What the crate needs from a sqlx driver beyond sqlx's own traits.
pub(crate) trait Driver: sqlx::Database + sqlx::database::HasStatementCache {
    /// The driver's bound arguments.
    type Args: sqlx::IntoArguments<Self> + Clone + Send + 'static;
    /// Binds values (already checked by the SQL writer) as the driver's arguments.
    fn bind(values: Vec<Value>) -> Result<Self::Args>;
    /// A row as the decoders read it.
    fn row(row: &Self::Row) -> RowRef<'_>;
    /// What a statement that returns no rows reports.
    fn result(r: Self::QueryResult) -> ExecResult;
    /// Whether a pooled connection left in an unknown state (a statement abandoned while it ran,
    /// a result not read to its end) is closed rather than returned to the pool. Not for SQLite:
    /// its statements run in the client's process, sqlx resets an abandoned one, and an in-memory
    /// database lives in its one connection — closing it would lose the database.
    const CLOSE_ABANDONED: bool = true;
    /// Ends whatever a statement that failed on a pooled connection (outside a transaction) left
    /// open. On SQLite (sqlx 0.9, SQLite 3.51) a failed statement — a foreign-key violation of an
    /// `INSERT` — left the connection's read snapshot open until its next statement: the next
    /// read on it missed rows other connections had committed (a count after a successful
    /// insert read the count before it), and a write on it failed with `SQLITE_BUSY_SNAPSHOT`.
    fn after_failure(conn: &mut Self::Connection) -> impl std::future::Future<Output = ()> + Send {
        let _ = conn;
        std::future::ready(())
    }
    /// Arms the statement timeout for the next statement on `conn`, where the driver enforces it
    /// per statement rather than per session (SQLite); the returned flag, set once the statement is
    /// over, disarms it. The server-side drivers set a session timeout when a connection opens.
    fn arm_timeout(
        conn: &mut Self::Connection,
        timeout: std::time::Duration,
    ) -> impl std::future::Future<Output = Result<Option<Armed>>> + Send {
        let _ = (conn, timeout);
        std::future::ready(Ok(None))
    }
}

/// Disarms a per-statement timeout (see [`Driver::arm_timeout`]) when set.
pub(crate) type Armed = std::sync::Arc<std::sync::atomic::AtomicBool>;

/// A connection pool of one of the enabled drivers.
pub(crate) enum Pool {
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
    #[cfg(feature = "mysql")]
    MySql(sqlx::MySqlPool),
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
}

/// The connection of an open transaction.
pub(crate) enum TxConn {
    #[cfg(feature = "postgres")]
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
    #[cfg(feature = "mysql")]
    MySql(sqlx::Transaction<'static, sqlx::MySql>),
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
}

/// A connection checked out of the pool (the migration engine's: scripts, and SQLite's
/// foreign-key switch, need one connection outside a transaction).
pub(crate) enum PooledConn {
    #[cfg(feature = "postgres")]
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
    #[cfg(feature = "mysql")]
    MySql(sqlx::pool::PoolConnection<sqlx::MySql>),
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
}

/// An opened pool and what the connection told about the server.
pub(crate) struct Opened {
    pub(crate) pool: Pool,
    pub(crate) dialect: Dialect,
    /// The largest statement the server accepts (MySQL's `max_allowed_packet`).
    pub(crate) max_packet: Option<usize>,
    /// The server and database, for spans.
    pub(crate) endpoint: crate::hooks::report::Endpoint,
}

/// Opens a pool for `options`' URL with the driver its scheme names.
pub(crate) async fn open(options: &ClientOptions) -> Result<Opened> {
    let url = options.url.as_str();
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return postgres::open(options).await;
    }
    #[cfg(feature = "mysql")]
    if url.starts_with("mysql://") || url.starts_with("mariadb://") {
        return mysql::open(options).await;
    }
    #[cfg(feature = "sqlite")]
    if url.starts_with("sqlite:") {
        return sqlite::open(options).await;
    }
    Err(crate::Error::UnsupportedUrl(options.url.clone()))
}

impl Pool {
    /// Open connections and idle ones.
    #[cfg(feature = "metrics")]
    pub(crate) fn usage(&self) -> (u32, usize) {
        each!(self, Pool, p => (p.size(), p.num_idle()))
    }

    /// Closes every connection.
    pub(crate) async fn close(&self) {
        each!(self, Pool, p => p.close().await)
    }

    /// Starts a transaction: runs `setup` on the connection first (MySQL sets the next
    /// transaction's isolation level so), then `begin` instead of the driver's `BEGIN`.
    pub(crate) async fn begin(
        &self,
        setup: Option<String>,
        begin: Option<String>,
    ) -> Result<TxConn> {
        use sqlx::SqlSafeStr;
        let err = |e| crate::Error::from_sqlx(e, None);
        let begin = begin.map(|s| sqlx::AssertSqlSafe(s).into_sql_str());
        Ok(each!(self, Pool, p => {
            let mut conn = acquire(p).await?;
            if let Some(sql) = setup {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut *conn)
                    .await
                    .map_err(err)?;
            }
            From::from(sqlx::Transaction::begin(conn, begin).await.map_err(err)?)
        }))
    }

    /// Checks out one connection.
    pub(crate) async fn acquire(&self) -> Result<PooledConn> {
        Ok(each!(self, Pool, p => From::from(acquire(p).await?)))
    }
}

macro_rules! from_driver {
    ($($feature:literal, $variant:ident, $db:ty;)*) => {$(
        #[cfg(feature = $feature)]
        impl From<sqlx::Transaction<'static, $db>> for TxConn {
            fn from(t: sqlx::Transaction<'static, $db>) -> Self {
                TxConn::$variant(t)
            }
        }
        #[cfg(feature = $feature)]
        impl From<sqlx::pool::PoolConnection<$db>> for PooledConn {
            fn from(c: sqlx::pool::PoolConnection<$db>) -> Self {
                PooledConn::$variant(c)
            }
        }
    )*};
}
from_driver! {
    "postgres", Postgres, sqlx::Postgres;
    "mysql", MySql, sqlx::MySql;
    "sqlite", Sqlite, sqlx::Sqlite;
}

impl TxConn {
    /// Commits.
    pub(crate) async fn commit(self) -> Result<()> {
        let err = |e| crate::Error::from_sqlx(e, None);
        each!(self, TxConn, t => t.commit().await.map_err(err))
    }

    /// Rolls back.
    pub(crate) async fn rollback(self) -> Result<()> {
        let err = |e| crate::Error::from_sqlx(e, None);
        each!(self, TxConn, t => t.rollback().await.map_err(err))
    }
}

/// A malformed URL is the caller's mistake, reported as such; anything else is the driver's.
fn conn_err(e: sqlx::Error) -> crate::Error {
    match e {
        sqlx::Error::Configuration(_) => {
            crate::Error::InvalidQuery(format!("invalid database URL: {e}"))
        }
        e => crate::Error::from_sqlx(e, None),
    }
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
/// The first connection, opened directly: sqlx's pool retries a refused connection until the
/// acquire timeout and then reports only the timeout; this fails fast with the cause.
async fn first_connection<C>(
    o: &ClientOptions,
    connect: impl std::future::Future<Output = Result<C, sqlx::Error>>,
) -> Result<C> {
    match tokio::time::timeout(o.acquire_timeout, connect).await {
        Err(_) => Err(crate::Error::Connection(Box::new(sqlx::Error::Io(
            std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the server did not accept a connection within the acquire timeout",
            ),
        )))),
        Ok(Err(e @ sqlx::Error::Configuration(_))) => Err(conn_err(e)),
        Ok(Err(e)) => Err(crate::Error::Connection(Box::new(e))),
        Ok(Ok(c)) => Ok(c),
    }
}

/// Pings a pooled connection before handing it out only when it sat idle for `idle` or longer
/// (sqlx's default pings on every checkout: a round trip per statement).
fn ping_policy<DB: sqlx::Database>(
    opts: sqlx::pool::PoolOptions<DB>,
    idle: Option<std::time::Duration>,
) -> sqlx::pool::PoolOptions<DB> {
    match idle {
        Some(d) if d.is_zero() => opts.test_before_acquire(true),
        Some(d) => opts
            .test_before_acquire(false)
            .before_acquire(move |conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= d {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            }),
        None => opts.test_before_acquire(false),
    }
}

fn bind_err(e: sqlx::error::BoxDynError) -> crate::Error {
    crate::Error::InvalidQuery(format!("cannot bind a value: {e}"))
}

#[cfg(any(feature = "mysql", feature = "sqlite"))]
fn not_postgres() -> crate::Error {
    crate::Error::InvalidQuery("array binds are PostgreSQL-only".into())
}
