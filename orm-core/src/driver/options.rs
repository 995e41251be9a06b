//! Connection options and the state a client's statements run with.

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use super::Pool;
use crate::sql::Dialect;

/// Options for opening a [`Client`](crate::Client): pool sizes and timeouts, the prepared-statement cache, and the
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
    pub(crate) url: String,
    pub(crate) max_connections: u32,
    pub(crate) min_connections: u32,
    pub(crate) acquire_timeout: Duration,
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) statement_cache_capacity: usize,
    pub(crate) persistent: bool,
    pub(crate) slow_threshold: Option<Duration>,
    pub(crate) ping_after_idle: Option<Duration>,
    pub(crate) busy_timeout: Duration,
    pub(crate) statement_timeout: Option<Duration>,
    pub(crate) transaction_timeout: Option<Duration>,
    pub(crate) hooks: crate::hooks::report::Hooks,
    pub(crate) scopes: Scopes,
}

/// The model scopes of a client handle, by model (type-erased `query::Scope`s; the query layer
/// reads them).
#[derive(Clone, Default)]
pub(crate) struct Scopes(pub(crate) std::sync::Arc<Vec<(std::any::TypeId, ScopeEntry)>>);

/// One type-erased scope.
pub(crate) type ScopeEntry = std::sync::Arc<dyn std::any::Any + Send + Sync>;

impl std::fmt::Debug for Scopes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Scopes({})", self.0.len())
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
            statement_timeout: None,
            transaction_timeout: None,
            hooks: Default::default(),
            scopes: Default::default(),
        }
    }

    /// SQLite: how long a statement waits for a database another connection has locked before it
    /// fails with [`Error::LockTimeout`](crate::Error::LockTimeout) (default 5 s). Ignored by the other backends.
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

    /// How long to wait for a free connection before [`Error::PoolTimeout`](crate::Error::PoolTimeout) (default 30 s).
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

    /// The longest any one statement may run (default: no limit). The server stops a statement
    /// that runs longer and the call fails with [`Error::Timeout`](crate::Error::Timeout); the
    /// connection stays usable, and a transaction the statement ran in is aborted (its `commit`
    /// fails with [`Error::TransactionAborted`](crate::Error::TransactionAborted)).
    ///
    /// Enforced where the work happens, so nothing keeps running after the error:
    ///
    /// | backend | mechanism | cost |
    /// |---|---|---|
    /// | PostgreSQL | the session's `statement_timeout`, set when each connection opens | none |
    /// | MariaDB | the session's `max_statement_time`, set when each connection opens | none |
    /// | MySQL | the session's `max_execution_time`: **reads only** (MySQL has no limit for writes) | none |
    /// | SQLite | a progress handler interrupts the statement | one call to the database thread per statement |
    ///
    /// A client-side deadline of the timeout plus a grace period (a second, or half the timeout when
    /// that is longer) backs it up: when the server does not answer in time (a network that stopped
    /// delivering), the call fails with [`Error::Timeout`](crate::Error::Timeout) and the connection is
    /// closed rather than reused.
    ///
    /// Timeouts shorter than a millisecond are rounded up to one. Some statements can run under
    /// another limit, or none: [`with_statement_timeout`](crate::with_statement_timeout).
    ///
    /// Without a timeout, a statement whose future is dropped (the caller's own timeout, a
    /// `select!`) has its connection closed rather than returned to the pool busy; PostgreSQL 14+
    /// stops the statement within a second (`client_connection_check_interval`), MySQL/MariaDB
    /// and SQLite run it to its end — this timeout is what bounds it there.
    ///
    /// ```no_run
    /// # async fn f() -> orm_runtime::Result<()> {
    /// use std::time::Duration;
    /// use orm_runtime::ClientOptions;
    /// let db = ClientOptions::new("postgres://localhost/app")
    ///     .statement_timeout(Duration::from_secs(5))
    ///     .connect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn statement_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.statement_timeout = d.into().map(|d| d.max(Duration::from_millis(1)));
        self
    }

    /// The longest a transaction may stay open (default: no limit), Prisma's interactive-transaction
    /// `timeout`. When it runs out, the transaction is rolled back at once — its locks released, its
    /// connection back in the pool — even if the code holding it is busy elsewhere (a statement
    /// running at that moment finishes first); its later statements and its `commit` fail with
    /// [`Error::TransactionAborted`](crate::Error::TransactionAborted). Nothing of it is committed.
    ///
    /// The wait for a connection (Prisma's `maxWait`) is [`acquire_timeout`](Self::acquire_timeout).
    ///
    /// ```no_run
    /// # async fn f() -> orm_runtime::Result<()> {
    /// use std::time::Duration;
    /// use orm_runtime::ClientOptions;
    /// let db = ClientOptions::new("postgres://localhost/app")
    ///     .transaction_timeout(Duration::from_secs(5))
    ///     .acquire_timeout(Duration::from_secs(2))
    ///     .connect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn transaction_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.transaction_timeout = d.into();
        self
    }

    /// Adds a [`Hook`](crate::hooks::Hook) that sees every model operation of the client, its clones
    /// and its transactions (see [`hooks`](crate::hooks)). Hooks run in the order they were added.
    pub fn hook(mut self, hook: impl crate::hooks::report::Hook) -> Self {
        self.hooks.0.push(std::sync::Arc::new(hook));
        self
    }
}

/// What a client's statements run with: its pool, its dialect and settings, and its statement
/// counter (shared by its clones and transactions).
pub(crate) struct ClientInner {
    pub(crate) pool: Pool,
    pub(crate) dialect: Dialect,
    pub(crate) persistent: bool,
    pub(crate) slow_threshold: Option<Duration>,
    /// The statement timeout the server enforces; the client waits this plus a grace period.
    pub(crate) statement_timeout: Option<Duration>,
    /// How long a transaction may stay open before it is rolled back.
    pub(crate) transaction_timeout: Option<Duration>,
    pub(crate) statements: AtomicU64,
    /// The URL the pool was opened with (the migration engine derives its shadow database from it).
    pub(crate) url: String,
    /// An in-memory SQLite database (closing its one connection would lose it).
    pub(crate) memory: bool,
    /// The largest statement the server accepts (MySQL's `max_allowed_packet`).
    pub(crate) max_packet: Option<usize>,
    /// The operation hooks.
    pub(crate) hooks: crate::hooks::report::Hooks,
    /// The server and database, for spans.
    pub(crate) endpoint: crate::hooks::report::Endpoint,
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
