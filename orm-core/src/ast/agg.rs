//! Aggregates as data: `COUNT`, `SUM`, `AVG`, `MIN`, `MAX` over a model's rows or groups, the
//! `HAVING` conditions on them and the order of groups.

use super::expr::CmpOp;
use super::order::{Order, OrderTerm};
use crate::model::def::ColumnDef;
use crate::value::Value;

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AggFunc {
    /// `COUNT(*)`.
    CountRows,
    /// `COUNT(column)`: the non-`NULL` values.
    Count,
    /// `COUNT(DISTINCT column)`.
    CountDistinct,
    /// `SUM(column)`.
    Sum,
    /// `AVG(column)`.
    Avg,
    /// `MIN(column)`.
    Min,
    /// `MAX(column)`.
    Max,
}

/// One aggregate: a function over a column (none for `COUNT(*)`). Public only to be named by the
/// aggregate traits' hidden methods (its module is private).
#[derive(Debug, Clone, Copy)]
pub struct AggExpr {
    pub(crate) func: AggFunc,
    pub(crate) column: Option<&'static ColumnDef>,
}

impl AggExpr {
    /// Whether the aggregate can be `NULL` (every one but the counts, on an empty group).
    pub(crate) fn nullable(&self) -> bool {
        !matches!(
            self.func,
            AggFunc::CountRows | AggFunc::Count | AggFunc::CountDistinct
        )
    }
}

/// `aggregate op value` in `HAVING`.
#[derive(Debug, Clone)]
pub(crate) struct HavingTerm {
    pub agg: AggExpr,
    pub op: CmpOp,
    pub value: Value,
}

/// One term of a grouped query's order: a group column or an aggregate.
#[derive(Debug, Clone)]
pub(crate) enum GroupOrder {
    Column(OrderTerm),
    Agg(AggExpr, Order),
}

/// A [`GroupOrder`], as the aggregate traits' hidden methods return it (its module is private).
#[derive(Debug, Clone)]
pub struct GroupOrderTerm(pub(crate) GroupOrder);
