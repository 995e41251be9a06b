//! Connecting: [`Client`] (a connection pool for one database), [`ClientOptions`], and the
//! [`Executor`] trait every query builder runs on.

mod bind;
mod run;
mod transaction;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::ConnectOptions;

pub(crate) use run::{acquire, value_size};
use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

pub use run::{DbRef, ExecResult, Executor};
pub use transaction::{IsolationLevel, Transaction};

use crate::error::{Error, Result};
use crate::sql::{Backend, Dialect};

/// A handle to one database: a connection pool plus what the SQL writer needs to know about the server.
///
/// Cheap to clone; clones share the pool. Every query builder runs on a `&Client` or a
/// `&Transaction` alike.
///
/// ```no_run
/// # async fn f() -> orm_runtime::Result<()> {
/// use orm_runtime::Client;
/// let db = Client::connect("sqlite::memory:").await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) enum Pool {
    Postgres(PgPool),
    MySql(MySqlPool),
    Sqlite(SqlitePool),
}

pub(crate) struct ClientInner {
    pub(crate) pool: Pool,
    pub(crate) dialect: Dialect,
    pub(crate) persistent: bool,
    pub(crate) slow_threshold: Option<Duration>,
    pub(crate) statements: AtomicU64,
    /// The URL the pool was opened with (the migration engine derives its shadow database from it).
    pub(crate) url: String,
    /// An in-memory SQLite database (closing its one connection would lose it).
    pub(crate) memory: bool,
    /// The largest statement the server accepts (MySQL's `max_allowed_packet`).
    pub(crate) max_packet: Option<usize>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("dialect", &self.inner.dialect)
            .finish_non_exhaustive()
    }
}

/// Options for opening a [`Client`]: pool sizes and timeouts, the prepared-statement cache, and the
/// slow-statement warning threshold.
///
/// ```no_run
/// # async fn f() -> orm_runtime::Result<()> {
/// use std::time::Duration;
/// use orm_runtime::ClientOptions;
/// let db = ClientOptions::new("postgres://postgres@127.0.0.1/test")
///     .max_connections(20)
///     .acquire_timeout(Duration::from_secs(5))
///     .slow_statement_threshold(Duration::from_millis(200))
///     .connect()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ClientOptions {
    url: String,
    max_connections: u32,
    min_connections: u32,
    acquire_timeout: Duration,
    idle_timeout: Option<Duration>,
    statement_cache_capacity: usize,
    persistent: bool,
    slow_threshold: Option<Duration>,
    ping_after_idle: Option<Duration>,
    busy_timeout: Duration,
}

/// Pings a pooled connection before handing it out only when it sat idle for `idle` or longer
/// (sqlx's default pings on every checkout: a round trip per statement).
fn ping_policy<DB: sqlx::Database>(
    opts: sqlx::pool::PoolOptions<DB>,
    idle: Option<Duration>,
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

impl ClientOptions {
    /// Options for the database at `url`: `postgres://…`, `mysql://…` (or `mariadb://…`), `sqlite:…`.
    pub fn new(url: impl Into<String>) -> Self {
        ClientOptions {
            url: url.into(),
            max_connections: 10,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(30),
            idle_timeout: Some(Duration::from_secs(600)),
            statement_cache_capacity: 100,
            persistent: true,
            slow_threshold: Some(Duration::from_secs(1)),
            ping_after_idle: Some(Duration::from_secs(10)),
            busy_timeout: Duration::from_secs(5),
        }
    }

    /// SQLite: how long a statement waits for a database another connection has locked before it
    /// fails with [`Error::LockTimeout`] (default 5 s). Ignored by the other backends.
    pub fn busy_timeout(mut self, d: Duration) -> Self {
        self.busy_timeout = d;
        self
    }

    /// Checks a pooled connection with a ping before handing it out when it sat idle at least this
    /// long (default 10 s), so a connection the server closed while idle is replaced rather than
    /// failing a query. `Duration::ZERO` pings on every checkout (one extra round trip per statement);
    /// `None` never pings.
    pub fn ping_after_idle(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.ping_after_idle = d.into();
        self
    }

    /// The most connections the pool opens (default 10).
    pub fn max_connections(mut self, n: u32) -> Self {
        self.max_connections = n;
        self
    }

    /// Connections the pool keeps open when idle (default 0).
    pub fn min_connections(mut self, n: u32) -> Self {
        self.min_connections = n;
        self
    }

    /// How long to wait for a free connection before [`Error::PoolTimeout`] (default 30 s).
    pub fn acquire_timeout(mut self, d: Duration) -> Self {
        self.acquire_timeout = d;
        self
    }

    /// How long an idle connection lives (default 10 min; `None` keeps it forever).
    pub fn idle_timeout(mut self, d: Option<Duration>) -> Self {
        self.idle_timeout = d;
        self
    }

    /// Prepared statements cached per connection (default 100).
    pub fn statement_cache_capacity(mut self, n: usize) -> Self {
        self.statement_cache_capacity = n;
        self
    }

    /// Whether statements are prepared once and reused (default `true`). Turn off behind PgBouncer in
    /// transaction-pooling mode, where named prepared statements break.
    pub fn persistent_statements(mut self, on: bool) -> Self {
        self.persistent = on;
        self
    }

    /// Statements slower than this are logged as `tracing` warnings (default 1 s; `None` disables).
    pub fn slow_statement_threshold(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.slow_threshold = d.into();
        self
    }

    /// Opens the pool and checks the connection.
    pub async fn connect(self) -> Result<Client> {
        let conn_err = |e: sqlx::Error| match e {
            sqlx::Error::Configuration(_) => {
                Error::InvalidQuery(format!("invalid database URL: {e}"))
            }
            e => Error::from_sqlx(e, None),
        };
        let url = self.url.as_str();
        let memory =
            url.starts_with("sqlite:") && (url.contains(":memory:") || url.contains("mode=memory"));
        // sqlx's pool retries a refused connection until the acquire timeout and then reports only
        // the timeout: one direct connection first fails fast with the cause.
        let probe_timeout = self.acquire_timeout;
        let probe = |e: sqlx::Error| match e {
            sqlx::Error::Configuration(_) => conn_err(e),
            e => Error::Connection(Box::new(e)),
        };
        let (pool, dialect, max_packet) = if url.starts_with("postgres://")
            || url.starts_with("postgresql://")
        {
            let opts: PgConnectOptions = url.parse().map_err(conn_err)?;
            // Date-times reach the ORM in UTC whatever the server's zone (JSON aggregation renders
            // them in the session's zone).
            let opts = opts
                .statement_cache_capacity(self.statement_cache_capacity)
                .log_statements(log::LevelFilter::Trace)
                .options([("TimeZone", "UTC")]);
            let conn = tokio::time::timeout(probe_timeout, opts.connect())
                .await
                .map_err(|_| connect_timed_out())?
                .map_err(probe)?;
            let _ = sqlx::Connection::close(conn).await;
            let pool = ping_policy(PgPoolOptions::new(), self.ping_after_idle)
                .max_connections(self.max_connections)
                .min_connections(self.min_connections)
                .acquire_timeout(self.acquire_timeout)
                .idle_timeout(self.idle_timeout)
                .connect_lazy_with(opts);
            (Pool::Postgres(pool), Dialect::POSTGRES, None)
        } else if url.starts_with("mysql://") || url.starts_with("mariadb://") {
            let url = url.replacen("mariadb://", "mysql://", 1);
            let opts: MySqlConnectOptions = url.parse().map_err(conn_err)?;
            let opts = opts
                .statement_cache_capacity(self.statement_cache_capacity)
                .log_statements(log::LevelFilter::Trace);
            let mut conn = tokio::time::timeout(probe_timeout, opts.connect())
                .await
                .map_err(|_| connect_timed_out())?
                .map_err(probe)?;
            let (version, max_packet): (String, i64) =
                sqlx::query_as("SELECT VERSION(), CAST(@@max_allowed_packet AS SIGNED)")
                    .fetch_one(&mut conn)
                    .await
                    .map_err(conn_err)?;
            let _ = sqlx::Connection::close(conn).await;
            let dialect = if version.to_ascii_lowercase().contains("mariadb") {
                Dialect::MARIADB
            } else {
                Dialect::MYSQL
            };
            let pool = ping_policy(MySqlPoolOptions::new(), self.ping_after_idle)
                .max_connections(self.max_connections)
                .min_connections(self.min_connections)
                .acquire_timeout(self.acquire_timeout)
                .idle_timeout(self.idle_timeout)
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        // JSON_ARRAYAGG (the Join load strategy) is capped by group_concat_max_len,
                        // 1 MiB by default: lift the cap so large includes are never truncated.
                        // Strict mode on every table: a value the column cannot hold is an error,
                        // never truncated, zeroed or NULL, whatever the server's default mode.
                        sqlx::query(
                            "SET SESSION group_concat_max_len = 4294967295, \
                             sql_mode = CONCAT(@@sql_mode, \
                             ',STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO')",
                        )
                        .execute(conn)
                        .await
                        .map(|_| ())
                    })
                })
                .connect_lazy_with(opts);
            (Pool::MySql(pool), dialect, usize::try_from(max_packet).ok())
        } else if url.starts_with("sqlite:") {
            let opts: SqliteConnectOptions = url.parse().map_err(conn_err)?;
            let memory = url.contains(":memory:") || url.contains("mode=memory");
            let mut opts = opts
                .foreign_keys(true)
                .busy_timeout(self.busy_timeout)
                .statement_cache_capacity(self.statement_cache_capacity)
                .log_statements(log::LevelFilter::Trace);
            if !memory {
                opts = opts.journal_mode(SqliteJournalMode::Wal);
            }
            // An in-memory database lives in one connection; keep exactly that one.
            let (max, idle) = if memory {
                (1, None)
            } else {
                (self.max_connections, self.idle_timeout)
            };
            let pool = ping_policy(SqlitePoolOptions::new(), self.ping_after_idle)
                .max_connections(max)
                .min_connections(if memory { 1 } else { self.min_connections })
                .acquire_timeout(self.acquire_timeout)
                .idle_timeout(idle)
                .max_lifetime(if memory {
                    None
                } else {
                    Some(Duration::from_secs(1800))
                })
                .connect_with(opts)
                .await
                .map_err(conn_err)?;
            (Pool::Sqlite(pool), Dialect::SQLITE, None)
        } else {
            return Err(Error::UnsupportedUrl(self.url));
        };
        Ok(Client {
            inner: Arc::new(ClientInner {
                pool,
                dialect,
                persistent: self.persistent,
                slow_threshold: self.slow_threshold,
                statements: AtomicU64::new(0),
                memory,
                max_packet,
                url: self.url,
            }),
        })
    }
}

/// A first connection that did not open within the acquire timeout (an unresponsive host).
fn connect_timed_out() -> Error {
    Error::Connection(Box::new(sqlx::Error::Io(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        "the server did not accept a connection within the acquire timeout",
    ))))
}

impl ClientInner {
    /// Bytes of values per statement for bulk writes: a quarter of MySQL's `max_allowed_packet`
    /// (which caps a whole statement), 32 MiB elsewhere.
    pub(crate) fn statement_budget(&self) -> usize {
        const DEFAULT: usize = 32 << 20;
        self.max_packet
            .map_or(DEFAULT, |p| (p / 4).clamp(1 << 16, DEFAULT))
    }
}

impl Client {
    /// Connects to `url` with default [`ClientOptions`].
    pub async fn connect(url: &str) -> Result<Client> {
        ClientOptions::new(url).connect().await
    }

    /// The backend this client talks to.
    pub fn backend(&self) -> Backend {
        self.inner.dialect.backend
    }

    /// The SQL dialect (backend and server capabilities).
    pub fn dialect(&self) -> Dialect {
        self.inner.dialect
    }

    /// How many statements this client (and its transactions) has sent since it was opened.
    /// Useful to assert that a code path sends no more statements than it should.
    pub fn statements_sent(&self) -> u64 {
        self.inner.statements.load(Ordering::Relaxed)
    }

    /// Closes every connection; later queries fail with [`Error::Connection`].
    pub async fn close(&self) {
        match &self.inner.pool {
            Pool::Postgres(p) => p.close().await,
            Pool::MySql(p) => p.close().await,
            Pool::Sqlite(p) => p.close().await,
        }
    }

    /// The underlying PostgreSQL pool, for what this crate does not cover.
    pub fn as_postgres(&self) -> Option<&PgPool> {
        match &self.inner.pool {
            Pool::Postgres(p) => Some(p),
            _ => None,
        }
    }

    /// The underlying MySQL pool.
    pub fn as_mysql(&self) -> Option<&MySqlPool> {
        match &self.inner.pool {
            Pool::MySql(p) => Some(p),
            _ => None,
        }
    }

    /// The underlying SQLite pool.
    pub fn as_sqlite(&self) -> Option<&SqlitePool> {
        match &self.inner.pool {
            Pool::Sqlite(p) => Some(p),
            _ => None,
        }
    }
}
