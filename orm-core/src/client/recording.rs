//! Recording the statements a client sends, for tests that assert what an operation did
//! without mocking the database: [`Client::recording`].

use std::sync::{Arc, Mutex};

use super::Client;
use crate::sql::Statement;
use crate::value::Value;

/// A statement a recording [`Client`] sent: its SQL, its binds, the model it is about (if any),
/// and whether it ran in a transaction. Transactions appear as their own `BEGIN`, `COMMIT` and
/// `ROLLBACK` entries (savepoints as `SAVEPOINT ..`, `RELEASE SAVEPOINT ..`,
/// `ROLLBACK TO SAVEPOINT ..`).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedStatement {
    /// The SQL text, as sent (the backend's placeholders and quoting).
    pub sql: String,
    /// The bound values, in placeholder order.
    pub binds: Vec<Value>,
    /// The model the statement reads or writes (`None` for raw SQL and transaction control).
    pub model: Option<&'static str>,
    /// Whether it ran inside a transaction.
    pub in_transaction: bool,
}

/// The statements sent through a recording handle ([`Client::recording`]), its transactions and
/// its streams, in the order they were sent. Cheap to clone; clones share the record.
///
/// It records what was *sent*, failed statements included; a statement refused before it is
/// sent (an invalid value, a locking read outside a transaction) is not there.
#[derive(Clone, Default)]
pub struct Recording {
    statements: Arc<Mutex<Vec<RecordedStatement>>>,
}

impl std::fmt::Debug for Recording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.statements().iter()).finish()
    }
}

impl Recording {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<RecordedStatement>> {
        self.statements.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Everything recorded so far.
    pub fn statements(&self) -> Vec<RecordedStatement> {
        self.lock().clone()
    }

    /// The SQL of everything recorded so far.
    pub fn sql(&self) -> Vec<String> {
        self.lock().iter().map(|s| s.sql.clone()).collect()
    }

    /// Everything recorded so far, and a fresh start.
    pub fn take(&self) -> Vec<RecordedStatement> {
        std::mem::take(&mut *self.lock())
    }

    /// How many statements were recorded.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    pub(crate) fn record(&self, stmt: &Statement, in_transaction: bool) {
        self.lock().push(RecordedStatement {
            sql: stmt.sql.clone(),
            binds: stmt.binds.clone(),
            model: stmt.model.map(|m| m.name),
            in_transaction,
        });
    }

    pub(crate) fn record_control(&self, sql: &str) {
        self.lock().push(RecordedStatement {
            sql: sql.to_owned(),
            binds: Vec::new(),
            model: None,
            in_transaction: true,
        });
    }
}

impl Client {
    /// A handle on the same pool that records every statement it sends — queries, writes, raw
    /// SQL, streams, and those of its transactions — with the [`Recording`] to read them back: the
    /// test of a service written against a real database can assert what a call sent, not only
    /// what it returned.
    ///
    /// ```no_run
    /// # use orm_runtime::prelude::*;
    /// # #[derive(Model, Debug)] struct User { #[orm(id)] id: i64, email: String }
    /// # async fn f(db: &Client) -> orm_runtime::Result<()> {
    /// let (db, recording) = db.recording();
    /// User::find_unique(User::ID.eq(7)).exec(&db).await?;
    /// let sent = recording.take();
    /// assert_eq!(sent.len(), 1);
    /// assert_eq!(sent[0].binds, vec![orm_runtime::Value::I64(7)]);
    /// # Ok(()) }
    /// ```
    pub fn recording(&self) -> (Client, Recording) {
        let recording = Recording::default();
        let client = Client {
            inner: self.inner.clone(),
            scopes: self.scopes.clone(),
            recording: Some(recording.clone()),
        };
        (client, recording)
    }

    /// Records `stmt` when this handle records.
    pub(crate) fn record(&self, stmt: &Statement, in_transaction: bool) {
        if let Some(r) = &self.recording {
            r.record(stmt, in_transaction);
        }
    }

    /// Records transaction control (`BEGIN`, `COMMIT`, ..) when this handle records.
    pub(crate) fn record_control(&self, sql: &str) {
        if let Some(r) = &self.recording {
            r.record_control(sql);
        }
    }
}
