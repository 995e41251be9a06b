//! Streaming reads: rows as they arrive, in constant memory, on one held connection.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use tokio::sync::mpsc;

use super::find::{FindMany, FindManySelect};
use crate::client::{Client, DbRef};
use crate::driver::{each, stream_pooled};
use crate::error::{Error, Result};
use crate::hooks::{self, Operation, OperationKind};
use crate::model::Model;
use crate::relation::{SearchValues, Select};

/// How many rows are read ahead of the consumer, and how many parents one batch of included
/// relations loads for.
const CHUNK: usize = 256;

/// The rows of a streaming read ([`FindMany::stream`]): a [`Stream`] of `Result<T>`.
///
/// It holds one pooled connection until the last row is read or the stream is dropped; dropping it
/// early stops the read and closes that connection (never returned to the pool mid-result). At most
/// a few hundred rows are buffered, however many the query returns. After an error the stream ends.
#[must_use = "streams do nothing unless polled"]
pub struct RowStream<T> {
    rx: mpsc::Receiver<Result<T>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    done: bool,
}

impl<T> RowStream<T> {
    /// A stream whose one item is `e`.
    fn failed(e: Error) -> Self {
        let (tx, rx) = mpsc::channel(1);
        let _ = tx.try_send(Err(e));
        RowStream {
            rx,
            tasks: Vec::new(),
            done: false,
        }
    }

    /// The next row, `None` at the end: `while let Some(row) = rows.try_next().await? { .. }`
    /// without importing a stream extension trait.
    pub async fn try_next(&mut self) -> Result<Option<T>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }
}

impl<T> Stream for RowStream<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match self.rx.poll_recv(cx) {
            Poll::Ready(Some(Err(e))) => {
                self.done = true;
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(None) => {
                // The channel closes when the tasks end. A task that panicked (a decoder's bug)
                // passes its panic on, rather than ending the stream as if every row was read.
                while let Some(t) = self.tasks.last_mut() {
                    match Pin::new(t).poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(r) => {
                            // Each handle is polled to completion once, then dropped.
                            self.tasks.pop();
                            if let Err(e) = r
                                && e.is_panic()
                            {
                                self.done = true;
                                std::panic::resume_unwind(e.into_panic())
                            }
                        }
                    }
                }
                self.done = true;
                Poll::Ready(None)
            }
            other => other,
        }
    }
}

impl<T> Drop for RowStream<T> {
    fn drop(&mut self) {
        // Stop reading: a task waiting for the server or for room in the channel ends now.
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl<T> std::fmt::Debug for RowStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowStream")
            .field("done", &self.done)
            .finish()
    }
}

impl<M: Model> FindMany<M> {
    /// Runs the query and returns its rows as a [`Stream`], read from the server as the caller
    /// takes them: constant memory for any number of rows, on one connection held until the stream
    /// ends or is dropped.
    ///
    /// Counts (`with_count`) are part of each row. Included relations load per batch of 256 rows
    /// (one statement per relation and batch, on a second connection while the first streams), or
    /// within each row with [`Strategy::Join`](crate::Strategy::Join). On a [`Client`]: a
    /// transaction's connection cannot be lent to a stream. Locking reads are refused (they need a
    /// transaction).
    ///
    /// ```no_run
    /// # use orm_runtime::prelude::*;
    /// # #[derive(Model, Debug)] struct Event { #[orm(id)] id: i64, kind: String }
    /// # async fn f(db: &Client) -> orm_runtime::Result<()> {
    /// let mut events = Event::find_many().order_by(Event::ID.asc()).stream(db);
    /// while let Some(event) = events.try_next().await? {
    ///     println!("{}: {}", event.id, event.kind);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream(self, db: &Client) -> RowStream<M> {
        let this = db.scopes.apply(self);
        this.stream_scoped(db)
    }

    fn stream_scoped(self, db: &Client) -> RowStream<M> {
        let (tx, rx) = mpsc::channel(CHUNK);
        let fail = RowStream::failed;
        if self.lock.is_some() {
            return fail(Error::InvalidQuery(format!(
                "a locking read of {} cannot stream: locks need a transaction, and a stream runs on a client",
                M::DEF.name
            )));
        }
        let dialect = db.dialect();
        let statement = match self.statement(dialect) {
            Ok(s) => s,
            Err(e) => return fail(e),
        };
        let joined = self.joined(dialect);
        let loads = !joined && !self.shape.includes.is_empty();
        if loads && db.max_connections() < 2 {
            return fail(Error::InvalidQuery(format!(
                "a stream of {} whose relations load with Strategy::Query needs two connections (one streams, one loads) and the pool has one: use Strategy::Join or a larger pool",
                M::DEF.name
            )));
        }
        let op = Operation::new(Some(M::DEF), OperationKind::Stream, false);
        let span = hooks::operation_span(&db.inner, &op);
        let state = match hooks::start_detached(DbRef::Client(db), op, &span) {
            Ok(s) => s,
            Err(e) => return fail(e),
        };
        db.record(&statement, false);
        let shape = std::sync::Arc::new(self.shape);
        // The tasks keep the statement timeout in force here.
        let scope = crate::driver::current_scope();
        let reader = {
            let db = db.clone();
            let shape = shape.clone();
            let state = state.clone();
            let span = span.clone();
            tokio::spawn(crate::driver::in_scope(scope, async move {
                let inner = &*db.inner;
                let decode = |row: crate::types::RowRef<'_>| {
                    if joined {
                        shape.decode_joined(row)
                    } else {
                        shape.decode(row)
                    }
                };
                let read = async {
                    each!(&inner.pool, Pool, p => stream_pooled(inner, p, statement, decode, &tx).await)
                };
                if let Err(e) = hooks::in_operation(state, span, read).await {
                    let _ = tx.send(Err(e)).await;
                }
            }))
        };
        if !loads {
            return RowStream {
                rx,
                tasks: vec![reader],
                done: false,
            };
        }
        // Included relations: one batch of parents at a time.
        let (out_tx, out_rx) = mpsc::channel(CHUNK);
        let loader = {
            let db = db.clone();
            let mut rx = rx;
            tokio::spawn(crate::driver::in_scope(scope, async move {
                let mut buf: Vec<Result<M>> = Vec::with_capacity(CHUNK);
                loop {
                    // A full batch, or what is left at the end.
                    while buf.len() < CHUNK {
                        let room = CHUNK - buf.len();
                        if rx.recv_many(&mut buf, room).await == 0 {
                            break;
                        }
                    }
                    if buf.is_empty() {
                        return;
                    }
                    let failed = buf.iter().position(|r| r.is_err());
                    let error = failed.map(|i| buf.drain(i..).next().expect("an error"));
                    let mut rows: Vec<M> = buf.drain(..).map(|r| r.expect("checked")).collect();
                    // A batch whose relations did not load is never handed out: its error is.
                    let load = shape.load(DbRef::Client(&db), &mut rows);
                    if let Err(e) = hooks::in_operation(state.clone(), span.clone(), load).await {
                        let _ = out_tx.send(Err(e)).await;
                        return;
                    }
                    for row in rows {
                        if out_tx.send(Ok(row)).await.is_err() {
                            return;
                        }
                    }
                    if let Some(Err(e)) = error {
                        let _ = out_tx.send(Err(e)).await;
                        return;
                    }
                }
            }))
        };
        RowStream {
            rx: out_rx,
            tasks: vec![reader, loader],
            done: false,
        }
    }
}

impl<S: Select> FindManySelect<S> {
    /// Runs the query and returns its rows shaped as `S`, as a [`Stream`] (see
    /// [`FindMany::stream`]). A select reading relevance or snippets (`#[orm(relevance = ..)]`,
    /// `#[orm(snippet = ..)]`) does not stream: its one item is [`Error::InvalidQuery`].
    pub fn stream(self, db: &Client) -> SelectStream<S> {
        if !self.inner.reads.is_empty() {
            return SelectStream {
                inner: RowStream::failed(Error::InvalidQuery(
                    "a select reading relevance or snippets cannot be streamed: page it with `take` and `cursor`"
                        .into(),
                )),
            };
        }
        SelectStream {
            inner: self.inner.stream(db),
        }
    }
}

/// The rows of a streaming typed select ([`FindManySelect::stream`]).
#[must_use = "streams do nothing unless polled"]
pub struct SelectStream<S: Select> {
    inner: RowStream<S::Model>,
}

impl<S: Select> Stream for SelectStream<S> {
    type Item = Result<S>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.inner)
            .poll_next(cx)
            .map(|r| r.map(|r| r.and_then(|m| S::__from_model(m, &SearchValues::default()))))
    }
}

impl<S: Select> std::fmt::Debug for SelectStream<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SelectStream").finish()
    }
}
