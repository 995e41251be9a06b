//! Interactive transactions and savepoints.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex as StdMutex};

use tokio::sync::Mutex;

use super::Client;
use super::{ExecResult, Executor};
use crate::driver::{TxConn, each, execute_on, fetch_on, raw_on};
use crate::error::{Error, Result};
use crate::sql::{Backend, Dialect, Statement};
use crate::types::RowRef;

/// Transaction isolation levels. SQLite transactions are always serializable and ignore the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsolationLevel {
    /// `READ UNCOMMITTED`
    ReadUncommitted,
    /// `READ COMMITTED`
    ReadCommitted,
    /// `REPEATABLE READ`
    RepeatableRead,
    /// `SERIALIZABLE`
    Serializable,
}

impl IsolationLevel {
    fn sql(self) -> &'static str {
        match self {
            IsolationLevel::ReadUncommitted => "READ UNCOMMITTED",
            IsolationLevel::ReadCommitted => "READ COMMITTED",
            IsolationLevel::RepeatableRead => "REPEATABLE READ",
            IsolationLevel::Serializable => "SERIALIZABLE",
        }
    }
}

/// The transaction's connection; `None` once it ended.
type Conn = Option<TxConn>;

struct Shared {
    client: Client,
    conn: Mutex<Conn>,
    /// Open savepoint depth (0: only the outer transaction).
    depth: AtomicUsize,
    /// Savepoints whose handles were dropped unfinished, with whether each was internal; rolled
    /// back before the next statement.
    abandoned: StdMutex<Vec<(usize, bool)>>,
    /// The outer handle was dropped unfinished while another handle was using the connection.
    abandoned_outer: AtomicBool,
    /// Set when a statement failed (or was cancelled while running): the savepoint depth it ran at
    /// and why. Until a savepoint at or above that depth rolls back, every statement and `commit`
    /// fail with [`Error::TransactionAborted`] — on every backend, although only PostgreSQL aborts
    /// the transaction itself (MySQL and SQLite would go on and commit the other writes).
    poisoned: StdMutex<Option<(usize, String)>>,
    /// The task that rolls the transaction back when its timeout runs out.
    expiry: StdMutex<Option<tokio::task::AbortHandle>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.stop_expiry();
    }
}

impl Shared {
    /// Rolls the transaction back once `timeout` has passed, unless it ended before.
    fn expire_after(self: &Arc<Self>, timeout: std::time::Duration) {
        let shared = Arc::downgrade(self);
        let task = tokio::spawn(async move {
            tokio::time::sleep(timeout).await;
            let Some(shared) = shared.upgrade() else {
                return;
            };
            // Waits for a statement under way to finish.
            let mut guard = shared.conn.lock().await;
            if guard.is_none() {
                return;
            }
            shared.force_poison(format!(
                "the transaction ran past its {} ms timeout and was rolled back",
                timeout.as_millis()
            ));
            let conn = guard.take();
            let _ = rollback_conn(&shared.client, conn).await;
        });
        *self.expiry.lock().unwrap_or_else(|e| e.into_inner()) = Some(task.abort_handle());
    }

    fn stop_expiry(&self) {
        if let Some(task) = self.expiry.lock().unwrap_or_else(|e| e.into_inner()).take() {
            task.abort();
        }
    }

    /// Poisons the transaction at every depth: no savepoint rollback undoes this.
    fn force_poison(&self, reason: String) {
        *self.poisoned() = Some((0, reason));
    }

    fn poisoned(&self) -> std::sync::MutexGuard<'_, Option<(usize, String)>> {
        self.poisoned.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn poison(&self, reason: String) {
        let mut p = self.poisoned();
        if p.is_none() {
            *p = Some((self.depth.load(Ordering::SeqCst), reason));
        }
    }

    /// The error a poisoned transaction answers with, if it is poisoned.
    fn check_poisoned(&self) -> Result<()> {
        match &*self.poisoned() {
            Some((_, reason)) => Err(Error::TransactionAborted {
                reason: reason.clone(),
            }),
            None => Ok(()),
        }
    }

    /// A savepoint at `level` rolled back: it undid the failure if the failure happened inside it.
    fn rolled_back_to(&self, level: usize) {
        let mut p = self.poisoned();
        if p.as_ref().is_some_and(|(depth, _)| *depth >= level) {
            *p = None;
        }
    }

    /// Records the outcome of a statement: a failure the server saw poisons the transaction.
    fn observe<T>(&self, r: Result<T>) -> Result<T> {
        if let Err(e) = &r
            && poisons(e)
        {
            self.poison(e.to_string());
        }
        r
    }
}

/// Whether an error from a statement inside a transaction leaves the transaction unable to commit
/// what it did: anything the database reported. Errors raised before the statement was sent (an
/// invalid query or value) and errors decoding rows the statement returned do not.
fn poisons(e: &Error) -> bool {
    !matches!(
        e,
        Error::InvalidQuery(_)
            | Error::InvalidValue { source: None, .. }
            | Error::Decode { .. }
            | Error::TransactionAborted { .. }
            | Error::TransactionClosed
    )
}

/// Poisons the transaction if the statement future is dropped before the statement finished: the
/// server may have run it, failed it, or still be running it.
struct InFlight<'a> {
    shared: &'a Shared,
    done: bool,
}

impl<'a> InFlight<'a> {
    fn start(shared: &'a Shared) -> Self {
        InFlight {
            shared,
            done: false,
        }
    }

    fn finish<T>(mut self, r: Result<T>) -> Result<T> {
        self.done = true;
        self.shared.observe(r)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.shared
                .poison("a statement was cancelled while it ran; its outcome is unknown".into());
        }
    }
}

/// An open transaction (or, from [`Transaction::begin`], a savepoint inside one).
///
/// Run queries on it with `.exec(&tx)`. It ends with [`commit`](Transaction::commit) or
/// [`rollback`](Transaction::rollback); dropped without either — on an early `?` return, a panic, or a
/// cancelled future — it rolls back.
///
/// **A failed statement poisons the transaction**, on every backend alike: once a statement fails
/// (or is cancelled while it runs), later statements and `commit` return
/// [`Error::TransactionAborted`] and the transaction rolls back — nothing it wrote is kept, even if
/// the caller ignored the error. To go on after a statement that may fail, run it in a savepoint:
///
/// ```no_run
/// # use orm_runtime::prelude::*;
/// # #[derive(Model, Debug)] struct Tag { #[orm(id)] id: i64, #[orm(unique)] name: String }
/// # async fn f(db: &Client) -> orm_runtime::Result<()> {
/// db.transaction(|tx| async move {
///     let created = tx
///         .transaction(|sp| async move {
///             Tag::create(NewTag { id: 1, name: "rust".into() }).exec(&sp).await
///         })
///         .await;
///     if let Err(Error::UniqueViolation { .. }) = created {
///         // Only the savepoint rolled back: the transaction goes on.
///     }
///     Tag::create(NewTag { id: 2, name: "sql".into() }).exec(&tx).await?;
///     Ok::<_, Error>(())
/// }).await?;
/// # Ok(()) }
/// ```
///
/// ```no_run
/// # use orm_runtime::prelude::*;
/// # #[derive(Model, Debug)] struct Account { #[orm(id)] id: i64, balance: i64 }
/// # async fn f(db: &Client) -> orm_runtime::Result<()> {
/// // Closure form: commits when the closure returns Ok, rolls back on Err.
/// db.transaction(|tx| async move {
///     Account::update(Account::ID.eq(1)).data(AccountUpdate { balance: Patch::decrement(10), ..Default::default() }).exec(&tx).await?;
///     Account::update(Account::ID.eq(2)).data(AccountUpdate { balance: Patch::increment(10), ..Default::default() }).exec(&tx).await?;
///     Ok::<_, orm_runtime::Error>(())
/// }).await?;
///
/// // Explicit form.
/// let tx = db.begin().await?;
/// Account::delete_many().filter(Account::BALANCE.eq(0)).exec(&tx).await?;
/// tx.commit().await?;
/// # Ok(()) }
/// ```
pub struct Transaction {
    shared: Arc<Shared>,
    /// 0 for the outer transaction, n for the n-th nested savepoint.
    level: usize,
    /// Whether dropping this handle unfinished rolls back (false for the copy a closure receives).
    owner: bool,
    /// A savepoint the ORM opened to make one operation atomic (a chunked `create_many`, a nested
    /// write): when the operation fails, undoing it does not undo the failure — the transaction
    /// stays poisoned, as after any failed statement.
    internal: bool,
    finished: bool,
}

impl std::fmt::Debug for Transaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction")
            .field("level", &self.level)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a transaction.
    pub async fn begin(&self) -> Result<Transaction> {
        self.begin_inner(None).await
    }

    /// Starts a transaction with an isolation level.
    pub async fn begin_with(&self, level: IsolationLevel) -> Result<Transaction> {
        self.begin_inner(Some(level)).await
    }

    async fn begin_inner(&self, level: Option<IsolationLevel>) -> Result<Transaction> {
        let (setup, begin) = match level {
            Some(l) => self.inner.dialect.begin_with(l.sql()),
            None => (None, None),
        };
        self.begin_raw(setup, begin).await
    }

    /// The transaction of a write the ORM makes atomic (a bulk insert, a nested write): on
    /// SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so it waits its turn behind
    /// other writers (`busy_timeout`) instead of failing to upgrade a read snapshot another
    /// writer made stale (`SQLITE_BUSY_SNAPSHOT`, which no busy handler waits out).
    pub(crate) async fn begin_write(&self) -> Result<Transaction> {
        self.begin_raw(None, self.inner.dialect.begin_write()).await
    }

    async fn begin_raw(&self, setup: Option<String>, begin: Option<String>) -> Result<Transaction> {
        self.inner.statements.fetch_add(1, Ordering::Relaxed);
        if setup.is_some() {
            self.inner.statements.fetch_add(1, Ordering::Relaxed);
        }
        let control = begin.clone().unwrap_or_else(|| "BEGIN".into());
        let conn = Some(self.inner.pool.begin(setup, begin).await?);
        self.record_control(&control);
        let shared = Arc::new(Shared {
            client: self.clone(),
            conn: Mutex::new(conn),
            depth: AtomicUsize::new(0),
            abandoned: StdMutex::new(Vec::new()),
            abandoned_outer: AtomicBool::new(false),
            poisoned: StdMutex::new(None),
            expiry: StdMutex::new(None),
        });
        if let Some(timeout) = self.inner.transaction_timeout {
            shared.expire_after(timeout);
        }
        Ok(Transaction {
            shared,
            level: 0,
            owner: true,
            internal: false,
            finished: false,
        })
    }

    /// Runs `f` in a transaction: commits when it returns `Ok`, rolls back when it returns `Err`,
    /// panics or is cancelled. The error type only needs `From<orm_runtime::Error>`.
    pub async fn transaction<F, Fut, T, E>(&self, f: F) -> std::result::Result<T, E>
    where
        F: FnOnce(Transaction) -> Fut,
        Fut: Future<Output = std::result::Result<T, E>>,
        E: From<Error>,
    {
        let tx = self.begin().await?;
        tx.run(f).await
    }

    /// [`transaction`](Client::transaction) with an isolation level.
    pub async fn transaction_with<F, Fut, T, E>(
        &self,
        level: IsolationLevel,
        f: F,
    ) -> std::result::Result<T, E>
    where
        F: FnOnce(Transaction) -> Fut,
        Fut: Future<Output = std::result::Result<T, E>>,
        E: From<Error>,
    {
        let tx = self.begin_with(level).await?;
        tx.run(f).await
    }
}

/// Ends a transaction with `ROLLBACK`.
async fn rollback_conn(client: &Client, conn: Conn) -> Result<()> {
    client.inner.statements.fetch_add(1, Ordering::Relaxed);
    client.record_control("ROLLBACK");
    conn.ok_or(Error::TransactionClosed)?.rollback().await
}

fn savepoint_name(level: usize) -> String {
    format!("orm_sp_{level}")
}

impl Transaction {
    /// The backend.
    pub fn backend(&self) -> Backend {
        self.shared.client.backend()
    }

    /// The client this transaction came from.
    pub fn client(&self) -> &Client {
        &self.shared.client
    }

    /// Whether this handle is a savepoint inside an outer transaction.
    pub fn is_nested(&self) -> bool {
        self.level > 0
    }

    async fn run<F, Fut, T, E>(self, f: F) -> std::result::Result<T, E>
    where
        F: FnOnce(Transaction) -> Fut,
        Fut: Future<Output = std::result::Result<T, E>>,
        E: From<Error>,
    {
        let handle = Transaction {
            shared: self.shared.clone(),
            level: self.level,
            owner: false,
            internal: self.internal,
            finished: false,
        };
        // `self` stays here: if `f` panics or this future is dropped, dropping it rolls back.
        match f(handle).await {
            Ok(v) => {
                self.commit().await?;
                Ok(v)
            }
            Err(e) => {
                // The caller's error is what matters; a failed rollback still ends the transaction.
                let _ = self.rollback().await;
                Err(e)
            }
        }
    }

    /// Starts a nested transaction: a savepoint that commits into this transaction or rolls back alone.
    pub async fn begin(&self) -> Result<Transaction> {
        self.savepoint(false).await
    }

    async fn savepoint(&self, internal: bool) -> Result<Transaction> {
        let level = self.shared.depth.load(Ordering::SeqCst) + 1;
        self.raw(&format!("SAVEPOINT {}", savepoint_name(level)))
            .await?;
        self.shared.depth.store(level, Ordering::SeqCst);
        Ok(Transaction {
            shared: self.shared.clone(),
            level,
            owner: true,
            internal,
            finished: false,
        })
    }

    /// Runs `f` in a savepoint: kept when it returns `Ok`, undone when it returns `Err`, panics or is
    /// cancelled. The outer transaction goes on either way.
    pub async fn transaction<F, Fut, T, E>(&self, f: F) -> std::result::Result<T, E>
    where
        F: FnOnce(Transaction) -> Fut,
        Fut: Future<Output = std::result::Result<T, E>>,
        E: From<Error>,
    {
        let sp = self.begin().await?;
        sp.run(f).await
    }

    /// Commits (or releases the savepoint).
    ///
    /// Fails with [`Error::TransactionAborted`], and rolls back instead, when a statement of this
    /// transaction (or savepoint) failed or was cancelled: a commit that did not commit everything
    /// that ran is an error, never `Ok`.
    pub async fn commit(mut self) -> Result<()> {
        self.finished = true;
        if self.level > 0 {
            if let Err(e) = self.shared.check_poisoned() {
                self.rollback_savepoint().await?;
                return Err(e);
            }
            self.raw(&format!("RELEASE SAVEPOINT {}", savepoint_name(self.level)))
                .await?;
            self.shared.depth.store(self.level - 1, Ordering::SeqCst);
            return Ok(());
        }
        let mut guard = self.shared.conn.lock().await;
        self.settle(&mut guard).await?;
        if let Err(e) = self.shared.check_poisoned() {
            let conn = guard.take();
            // The caller learns that nothing was committed; a failing rollback (a dead connection)
            // changes nothing about that.
            let _ = rollback_conn(&self.shared.client, conn).await;
            return Err(e);
        }
        let conn = guard.take();
        self.shared.stop_expiry();
        self.shared
            .client
            .inner
            .statements
            .fetch_add(1, Ordering::Relaxed);
        let conn = conn.ok_or(Error::TransactionClosed)?;
        self.shared.client.record_control("COMMIT");
        conn.commit().await
    }

    /// Rolls back (or back to the savepoint).
    pub async fn rollback(mut self) -> Result<()> {
        self.finished = true;
        if self.level > 0 {
            return self.rollback_savepoint().await;
        }
        let mut guard = self.shared.conn.lock().await;
        let conn = guard.take();
        self.shared.stop_expiry();
        rollback_conn(&self.shared.client, conn).await
    }

    /// `ROLLBACK TO SAVEPOINT` + `RELEASE`: undoes the savepoint, and with it a failure inside it.
    async fn rollback_savepoint(&self) -> Result<()> {
        let name = savepoint_name(self.level);
        let mut guard = self.shared.conn.lock().await;
        self.settle(&mut guard).await?;
        for sql in [
            format!("ROLLBACK TO SAVEPOINT {name}"),
            format!("RELEASE SAVEPOINT {name}"),
        ] {
            self.raw_on(&mut guard, sql).await?;
        }
        if !self.internal {
            self.shared.rolled_back_to(self.level);
        }
        self.shared.depth.store(self.level - 1, Ordering::SeqCst);
        Ok(())
    }

    /// Rolls back savepoints whose handles were dropped unfinished, deepest first.
    async fn settle(&self, conn: &mut Conn) -> Result<()> {
        if self.shared.abandoned_outer.load(Ordering::SeqCst) {
            *conn = None;
            return Err(Error::TransactionClosed);
        }
        let pending: Vec<(usize, bool)> = std::mem::take(
            &mut *self
                .shared
                .abandoned
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
        if let Some(&(lowest, internal)) = pending.iter().min() {
            let name = savepoint_name(lowest);
            for sql in [
                format!("ROLLBACK TO SAVEPOINT {name}"),
                format!("RELEASE SAVEPOINT {name}"),
            ] {
                self.raw_on(conn, sql).await?;
            }
            if !internal {
                self.shared.rolled_back_to(lowest);
            }
            self.shared.depth.store(lowest - 1, Ordering::SeqCst);
        }
        if self.level > self.shared.depth.load(Ordering::SeqCst) {
            return Err(Error::TransactionClosed);
        }
        Ok(())
    }

    /// Runs SQL text without binds, which may hold several statements (a migration's script),
    /// as a statement of this transaction: a failure poisons it.
    #[doc(hidden)]
    pub async fn __script(&self, sql: &str) -> Result<()> {
        self.raw(sql).await
    }

    async fn raw(&self, sql: &str) -> Result<()> {
        let mut guard = self.shared.conn.lock().await;
        self.settle(&mut guard).await?;
        self.shared.check_poisoned()?;
        self.raw_on(&mut guard, sql.to_owned()).await
    }

    async fn raw_on(&self, conn: &mut Conn, sql: String) -> Result<()> {
        self.shared
            .client
            .inner
            .statements
            .fetch_add(1, Ordering::Relaxed);
        let inner = &*self.shared.client.inner;
        let flight = InFlight::start(&self.shared);
        self.shared.client.record_control(&sql);
        let r = match conn {
            Some(c) => each!(c, TxConn, t => raw_on(inner, t, sql).await),
            None => Err(Error::TransactionClosed),
        };
        flight.finish(r)
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        if self.finished || !self.owner {
            return;
        }
        if self.level > 0 {
            self.shared
                .abandoned
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((self.level, self.internal));
            return;
        }
        // Dropping sqlx's transaction queues its ROLLBACK; the connection then returns to the pool.
        self.shared.client.record_control("ROLLBACK");
        match self.shared.conn.try_lock() {
            Ok(mut guard) => *guard = None,
            Err(_) => self.shared.abandoned_outer.store(true, Ordering::SeqCst),
        }
    }
}

impl Executor for Transaction {
    fn __dialect(&self) -> Dialect {
        self.shared.client.inner.dialect
    }

    async fn __fetch<T, F>(&self, stmt: Statement, mut decode: F) -> Result<Vec<T>>
    where
        T: Send,
        F: FnMut(RowRef<'_>) -> Result<T> + Send,
    {
        let inner = &*self.shared.client.inner;
        let mut guard = self.shared.conn.lock().await;
        self.settle(&mut guard).await?;
        self.shared.check_poisoned()?;
        let flight = InFlight::start(&self.shared);
        self.shared.client.record(&stmt, true);
        let mut out = Vec::new();
        let mut sink = |row: RowRef<'_>| {
            out.push(decode(row)?);
            Ok(())
        };
        let r = match &mut *guard {
            Some(c) => each!(c, TxConn, t => fetch_on(inner, t, stmt, &mut sink).await),
            None => Err(Error::TransactionClosed),
        }
        .map(|()| out);
        flight.finish(r)
    }

    async fn __execute(&self, stmt: Statement) -> Result<ExecResult> {
        let inner = &*self.shared.client.inner;
        let mut guard = self.shared.conn.lock().await;
        self.settle(&mut guard).await?;
        self.shared.check_poisoned()?;
        let flight = InFlight::start(&self.shared);
        self.shared.client.record(&stmt, true);
        let r = match &mut *guard {
            Some(c) => each!(c, TxConn, t => execute_on(inner, t, stmt).await),
            None => Err(Error::TransactionClosed),
        };
        flight.finish(r)
    }

    async fn __atomic(&self) -> Result<Transaction> {
        self.savepoint(true).await
    }

    fn __db(&self) -> super::run::DbRef<'_> {
        super::run::DbRef::Transaction(self)
    }
}
