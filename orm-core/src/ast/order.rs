//! Order as data: directions, `NULL` placement, what a term sorts by.

use super::expr::Expr;
use super::search::TextSearch;
use crate::model::def::ColumnDef;
use crate::relation::def::Link;

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// Where `NULL`s sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nulls {
    /// Before every value.
    First,
    /// After every value.
    Last,
}

/// What a term sorts by.
#[derive(Debug, Clone)]
pub(crate) enum OrderKey {
    /// A column of the model.
    Column(&'static ColumnDef),
    /// A column of a to-one related row.
    Related {
        link: Link,
        column: &'static ColumnDef,
    },
    /// The number of related rows matching a filter.
    Count { link: Link, filter: Expr },
    /// How well the row matches a full-text search (higher is better; 0 when it does not match).
    Relevance(TextSearch),
}

impl OrderKey {
    pub(crate) fn column(&self) -> Option<&'static ColumnDef> {
        match self {
            OrderKey::Column(c) => Some(c),
            _ => None,
        }
    }
}

/// An ordering term in untyped form.
#[derive(Debug, Clone)]
pub(crate) struct OrderTerm {
    pub key: OrderKey,
    pub order: Order,
    pub nulls: Option<Nulls>,
}
