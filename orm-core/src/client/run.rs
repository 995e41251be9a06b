//! Running statements: the [`Executor`] trait and its implementations for [`Client`] and
//! [`Transaction`].

use std::future::Future;

use super::transaction::Transaction;
use super::{Client, ExecResult};
use crate::driver::{each, execute_pooled, fetch_pooled};
use crate::error::Result;
use crate::sql::{Dialect, Statement};
use crate::types::RowRef;

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

    async fn __fetch<T, F>(&self, stmt: Statement, mut decode: F) -> Result<Vec<T>>
    where
        T: Send,
        F: FnMut(RowRef<'_>) -> Result<T> + Send,
    {
        let inner = &*self.inner;
        self.record(&stmt, false);
        let mut out = Vec::new();
        let mut sink = |row: RowRef<'_>| {
            out.push(decode(row)?);
            Ok(())
        };
        each!(&inner.pool, Pool, p => fetch_pooled(inner, p, stmt, &mut sink).await)?;
        Ok(out)
    }

    async fn __execute(&self, stmt: Statement) -> Result<ExecResult> {
        let inner = &*self.inner;
        self.record(&stmt, false);
        each!(&inner.pool, Pool, p => execute_pooled(inner, p, stmt).await)
    }

    async fn __atomic(&self) -> Result<Transaction> {
        self.begin_write().await
    }

    fn __db(&self) -> DbRef<'_> {
        DbRef::Client(self)
    }
}
