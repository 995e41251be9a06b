//! Connecting: [`Client`] (a connection pool for one database), [`ClientOptions`], and the
//! [`Executor`] trait every query builder runs on.

mod recording;
mod run;
mod transaction;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub use crate::driver::{ClientOptions, ExecResult};
pub use recording::{RecordedStatement, Recording};
pub use run::{DbRef, Executor};
pub use transaction::{IsolationLevel, Transaction};

use crate::driver::each;
pub(crate) use crate::driver::{ClientInner, Pool};
use crate::error::Result;
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
    /// The model scopes of this handle.
    pub(crate) scopes: crate::driver::Scopes,
    /// Where this handle records the statements it sends ([`Client::recording`]).
    pub(crate) recording: Option<Recording>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("dialect", &self.inner.dialect)
            .finish_non_exhaustive()
    }
}

impl ClientOptions {
    /// Opens the pool and checks the connection: an unreachable server fails here at once with
    /// [`Error::Connection`](crate::Error::Connection) and its cause.
    pub async fn connect(self) -> Result<Client> {
        let url = self.url.as_str();
        let memory =
            url.starts_with("sqlite:") && (url.contains(":memory:") || url.contains("mode=memory"));
        let opened = crate::driver::open(&self).await?;
        Ok(Client {
            inner: Arc::new(ClientInner {
                pool: opened.pool,
                dialect: opened.dialect,
                persistent: self.persistent,
                slow_threshold: self.slow_threshold,
                statement_timeout: self.statement_timeout,
                transaction_timeout: self.transaction_timeout,
                statements: AtomicU64::new(0),
                memory,
                max_packet: opened.max_packet,
                endpoint: opened.endpoint,
                hooks: self.hooks,
                url: self.url,
            }),
            scopes: self.scopes,
            recording: None,
        })
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

    /// The most connections the client's pool opens.
    pub fn max_connections(&self) -> u32 {
        each!(&self.inner.pool, Pool, p => p.options().get_max_connections())
    }

    /// The URL the client was opened with (the migration engine derives shadow databases from it).
    #[doc(hidden)]
    pub fn __url(&self) -> &str {
        &self.inner.url
    }

    /// How many statements this client (and its transactions) has sent since it was opened.
    /// Useful to assert that a code path sends no more statements than it should.
    pub fn statements_sent(&self) -> u64 {
        self.inner.statements.load(Ordering::Relaxed)
    }

    /// Closes every connection; later queries fail with [`Error::Connection`](crate::Error::Connection).
    pub async fn close(&self) {
        self.inner.pool.close().await
    }

    /// The underlying PostgreSQL pool, for what this crate does not cover.
    #[cfg(feature = "postgres")]
    pub fn as_postgres(&self) -> Option<&sqlx::PgPool> {
        #[allow(irrefutable_let_patterns)]
        if let Pool::Postgres(p) = &self.inner.pool {
            Some(p)
        } else {
            None
        }
    }

    /// The underlying MySQL pool.
    #[cfg(feature = "mysql")]
    pub fn as_mysql(&self) -> Option<&sqlx::MySqlPool> {
        #[allow(irrefutable_let_patterns)]
        if let Pool::MySql(p) = &self.inner.pool {
            Some(p)
        } else {
            None
        }
    }

    /// The underlying SQLite pool.
    #[cfg(feature = "sqlite")]
    pub fn as_sqlite(&self) -> Option<&sqlx::SqlitePool> {
        #[allow(irrefutable_let_patterns)]
        if let Pool::Sqlite(p) = &self.inner.pool {
            Some(p)
        } else {
            None
        }
    }
}
