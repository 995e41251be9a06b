//! Ordering.

use std::marker::PhantomData;

pub(crate) use crate::ast::OrderKey;
pub use crate::ast::{Nulls, Order};
use crate::model::def::ColumnDef;

/// One ordering term on model `M`: `Post::CREATED_AT.desc()`, optionally `.nulls_last()`.
///
/// Without `nulls_first`/`nulls_last` each database uses its own rule (PostgreSQL sorts `NULL` as the
/// largest value, MySQL and SQLite as the smallest).
pub struct OrderBy<M> {
    pub(crate) key: OrderKey,
    pub(crate) order: Order,
    pub(crate) nulls: Option<Nulls>,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for OrderBy<M> {
    fn clone(&self) -> Self {
        OrderBy {
            key: self.key.clone(),
            order: self.order,
            nulls: self.nulls,
            _model: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for OrderBy<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} {:?} {:?}", self.key, self.order, self.nulls)
    }
}

impl<M> OrderBy<M> {
    pub(crate) fn new(column: &'static ColumnDef, order: Order) -> Self {
        OrderBy::with_key(OrderKey::Column(column), order)
    }

    pub(crate) fn with_key(key: OrderKey, order: Order) -> Self {
        OrderBy {
            key,
            order,
            nulls: None,
            _model: PhantomData,
        }
    }

    /// Sorts `NULL` first.
    pub fn nulls_first(mut self) -> Self {
        self.nulls = Some(Nulls::First);
        self
    }

    /// Sorts `NULL` last.
    pub fn nulls_last(mut self) -> Self {
        self.nulls = Some(Nulls::Last);
        self
    }
}

/// Anything `order_by` takes: an [`OrderBy`] or a bare column (ascending).
pub trait IntoOrderBy<M> {
    /// The ordering term.
    fn into_order_by(self) -> OrderBy<M>;
}

impl<M> IntoOrderBy<M> for OrderBy<M> {
    fn into_order_by(self) -> OrderBy<M> {
        self
    }
}
