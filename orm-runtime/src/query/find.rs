//! Reads: `find_many`, `find_first`, `find_unique`, `count`.

use std::marker::PhantomData;

use super::AnyColumn;
use super::filter::{Expr, Filter, UniqueFilter};
use super::order::{IntoOrderBy, Order};
use crate::client::Executor;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::sql::{OrderTerm, SelectSpec, Writer};
use crate::types::{FieldType, RowRef};

/// `SELECT` of many rows. From [`ModelQuery::find_many`](super::ModelQuery::find_many).
///
/// ```no_run
/// # use orm_runtime::prelude::*;
/// # #[derive(Model, Debug)] struct Post { #[orm(id)] id: String, published: bool, created_at: chrono::DateTime<chrono::Utc> }
/// # async fn f(db: &Client, cursor: Option<String>) -> orm_runtime::Result<()> {
/// let page = Post::find_many()
///     .filter(Post::PUBLISHED.eq(true))
///     .order_by(Post::CREATED_AT.desc())
///     .cursor(cursor.map(|c| Post::ID.eq(c)))
///     .take(21)
///     .exec(db)
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct FindMany<M> {
    pub(crate) filter: Expr,
    pub(crate) order: Vec<OrderTerm>,
    pub(crate) skip: Option<u64>,
    pub(crate) take: Option<u64>,
    pub(crate) cursor: Option<Expr>,
    pub(crate) distinct: Vec<usize>,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> Default for FindMany<M> {
    fn default() -> Self {
        FindMany::new()
    }
}

impl<M: Model> FindMany<M> {
    pub(crate) fn new() -> Self {
        FindMany {
            filter: Expr::Bool(true),
            order: Vec::new(),
            skip: None,
            take: None,
            cursor: None,
            distinct: Vec::new(),
            _model: PhantomData,
        }
    }

    /// Keeps rows matching `filter` (ANDed with earlier filters).
    pub fn filter(mut self, filter: impl Into<Filter<M>>) -> Self {
        let expr = std::mem::replace(&mut self.filter, Expr::Bool(true));
        self.filter = expr.and(filter.into().expr);
        self
    }

    /// Adds an ordering term (earlier terms sort first).
    pub fn order_by(mut self, order: impl IntoOrderBy<M>) -> Self {
        let o = order.into_order_by();
        self.order.push(OrderTerm {
            column: o.column,
            order: o.order,
            nulls: o.nulls,
        });
        self
    }

    /// Skips the first `n` rows.
    pub fn skip(mut self, n: u64) -> Self {
        self.skip = Some(n);
        self
    }

    /// Returns at most `n` rows.
    pub fn take(mut self, n: u64) -> Self {
        self.take = Some(n);
        self
    }

    /// Starts at the row identified by `cursor` (inclusive) in this query's order. `None` starts at
    /// the beginning. The order is completed with the primary key, so pages are stable even when
    /// the order keys repeat.
    pub fn cursor(mut self, cursor: impl Into<Option<UniqueFilter<M>>>) -> Self {
        self.cursor = cursor.into().map(|c| c.filter.expr);
        self
    }

    /// Keeps only the first row (in this query's order) of each group of rows equal on `column`.
    /// Call again to add columns.
    pub fn distinct(mut self, column: impl AnyColumn<M>) -> Self {
        self.distinct.push(column.column_def().index);
        self
    }

    /// The order terms, completed with the primary key where pagination needs a total order.
    pub(crate) fn effective_order(&self) -> Vec<OrderTerm> {
        let mut order = self.order.clone();
        let paginated = self.cursor.is_some() || self.skip.is_some() || self.take.is_some();
        if paginated && (!order.is_empty() || self.cursor.is_some()) {
            for &pk in M::DEF.primary_key {
                if !order.iter().any(|t| t.column.index == pk) {
                    order.push(OrderTerm {
                        column: &M::DEF.columns[pk],
                        order: Order::Asc,
                        nulls: None,
                    });
                }
            }
        }
        order
    }

    pub(crate) fn write_select(&self, w: &mut Writer) {
        let order = self.effective_order();
        w.select(&SelectSpec {
            model: M::DEF,
            filter: Some(&self.filter),
            order: &order,
            skip: self.skip,
            take: self.take,
            cursor: self.cursor.as_ref(),
            distinct: &self.distinct,
        });
    }

    /// Runs the query.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<Vec<M>> {
        if self.take == Some(0) {
            return Ok(Vec::new());
        }
        let mut w = Writer::new(db.__dialect());
        self.write_select(&mut w);
        db.__fetch(w.finish(Some(M::DEF)), |row| M::decode(row, 0))
            .await
    }

    /// Counts the rows this query would return (honouring `skip`, `take`, `cursor` and `distinct`).
    pub async fn count<E: Executor + ?Sized>(self, db: &E) -> Result<i64> {
        let mut w = Writer::new(db.__dialect());
        let order = self.effective_order();
        w.count(&SelectSpec {
            model: M::DEF,
            filter: Some(&self.filter),
            order: &order,
            skip: self.skip,
            take: self.take,
            cursor: self.cursor.as_ref(),
            distinct: &self.distinct,
        });
        scalar_i64(db, w, M::DEF).await
    }
}

pub(crate) async fn scalar_i64<E: Executor + ?Sized>(
    db: &E,
    w: Writer,
    model: &'static crate::model::ModelDef,
) -> Result<i64> {
    let rows = db
        .__fetch(w.finish(Some(model)), |row: RowRef<'_>| {
            <i64 as FieldType>::decode(row, 0)
                .map_err(|e| Error::decode(Some(model.name), "count", e))
        })
        .await?;
    Ok(rows.into_iter().next().unwrap_or(0))
}

/// The first matching row. From [`ModelQuery::find_first`](super::ModelQuery::find_first).
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct FindFirst<M> {
    inner: FindMany<M>,
}

impl<M: Model> FindFirst<M> {
    pub(crate) fn new() -> Self {
        FindFirst {
            inner: FindMany::new(),
        }
    }
    /// Keeps rows matching `filter`.
    pub fn filter(mut self, filter: impl Into<Filter<M>>) -> Self {
        self.inner = self.inner.filter(filter);
        self
    }
    /// Adds an ordering term.
    pub fn order_by(mut self, order: impl IntoOrderBy<M>) -> Self {
        self.inner = self.inner.order_by(order);
        self
    }
    /// Skips the first `n` rows.
    pub fn skip(mut self, n: u64) -> Self {
        self.inner = self.inner.skip(n);
        self
    }
    /// Starts at a cursor row (see [`FindMany::cursor`]).
    pub fn cursor(mut self, cursor: impl Into<Option<UniqueFilter<M>>>) -> Self {
        self.inner = self.inner.cursor(cursor);
        self
    }
    /// Runs the query.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<Option<M>> {
        Ok(self.inner.take(1).exec(db).await?.into_iter().next())
    }
    /// Runs the query, failing with [`Error::NotFound`] when no row matches.
    pub async fn exec_or_throw<E: Executor + ?Sized>(self, db: &E) -> Result<M> {
        self.exec(db)
            .await?
            .ok_or(Error::NotFound { model: M::DEF.name })
    }
}

/// The row with a unique key. From [`ModelQuery::find_unique`](super::ModelQuery::find_unique).
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct FindUnique<M> {
    filter: UniqueFilter<M>,
}

impl<M: Model> FindUnique<M> {
    pub(crate) fn new(filter: UniqueFilter<M>) -> Self {
        FindUnique { filter }
    }
    /// Runs the query.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<Option<M>> {
        let mut w = Writer::new(db.__dialect());
        w.select(&SelectSpec {
            model: M::DEF,
            filter: Some(&self.filter.filter.expr),
            order: &[],
            skip: None,
            take: None,
            cursor: None,
            distinct: &[],
        });
        Ok(db
            .__fetch(w.finish(Some(M::DEF)), |row| M::decode(row, 0))
            .await?
            .into_iter()
            .next())
    }
}

/// The row with a unique key, or [`Error::NotFound`].
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct FindUniqueOrThrow<M> {
    inner: FindUnique<M>,
}

impl<M: Model> FindUniqueOrThrow<M> {
    pub(crate) fn new(filter: UniqueFilter<M>) -> Self {
        FindUniqueOrThrow {
            inner: FindUnique::new(filter),
        }
    }
    /// Runs the query.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<M> {
        self.inner
            .exec(db)
            .await?
            .ok_or(Error::NotFound { model: M::DEF.name })
    }
}

/// `SELECT COUNT(*)`. From [`ModelQuery::count`](super::ModelQuery::count).
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct Count<M> {
    inner: FindMany<M>,
}

impl<M: Model> Count<M> {
    pub(crate) fn new() -> Self {
        Count {
            inner: FindMany::new(),
        }
    }
    /// Counts rows matching `filter`.
    pub fn filter(mut self, filter: impl Into<Filter<M>>) -> Self {
        self.inner = self.inner.filter(filter);
        self
    }
    /// Counts distinct rows on `column` (see [`FindMany::distinct`]).
    pub fn distinct(mut self, column: impl AnyColumn<M>) -> Self {
        self.inner = self.inner.distinct(column);
        self
    }
    /// Runs the query.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<i64> {
        self.inner.count(db).await
    }
}
