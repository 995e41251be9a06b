//! Filters as data: the untyped expression tree the typed `Filter<M>` wraps and the SQL writer
//! renders.

use super::search::TextSearch;
use crate::model::def::ColumnDef;
use crate::relation::def::Link;
use crate::value::Value;

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `>`
    Gt,
    /// `>=`
    Gte,
}

/// Text matching operators; the pattern is literal text, never a wildcard pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LikeOp {
    /// Contains the text.
    Contains,
    /// Starts with the text.
    StartsWith,
    /// Ends with the text.
    EndsWith,
}

/// An untyped boolean expression over one model's columns.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Expr {
    /// `column op value`
    Compare {
        /// The column.
        column: &'static ColumnDef,
        /// The operator.
        op: CmpOp,
        /// The value (a `Null` turns `=`/`<>` into `IS [NOT] NULL`).
        value: Value,
        /// Compare text case-insensitively.
        insensitive: bool,
    },
    /// `column [NOT] IN (values)`
    In {
        /// The column.
        column: &'static ColumnDef,
        /// The values.
        values: Vec<Value>,
        /// `NOT IN`.
        negated: bool,
    },
    /// `column IS [NOT] NULL`
    IsNull {
        /// The column.
        column: &'static ColumnDef,
        /// `IS NOT NULL`.
        negated: bool,
    },
    /// Text matching.
    Like {
        /// The column.
        column: &'static ColumnDef,
        /// The operator.
        op: LikeOp,
        /// The literal text.
        pattern: String,
        /// Match case-insensitively.
        insensitive: bool,
    },
    /// All must hold (an empty list holds).
    And(Vec<Expr>),
    /// One must hold (an empty list does not).
    Or(Vec<Expr>),
    /// Negation.
    Not(Box<Expr>),
    /// A constant.
    Bool(bool),
    /// `[NOT] EXISTS` a related row matching a filter.
    Exists {
        /// How the related rows join.
        link: Link,
        /// The filter on the related rows.
        filter: Box<Expr>,
        /// `NOT EXISTS`.
        negated: bool,
    },
    /// The row matches a full-text search of one of its model's full-text indexes.
    Search(TextSearch),
    /// The number of related rows matching a filter, compared with a number.
    CountCmp {
        /// How the related rows join.
        link: Link,
        /// The filter on the related rows.
        filter: Box<Expr>,
        /// The comparison.
        op: CmpOp,
        /// The number compared with.
        value: i64,
    },
}

impl Expr {
    /// Calls `f` with each full-text search of the model's own rows (not of related rows).
    pub(crate) fn searches<'a>(&'a self, f: &mut impl FnMut(&'a super::TextSearch)) {
        match self {
            Expr::Search(s) => f(s),
            Expr::And(list) | Expr::Or(list) => list.iter().for_each(|e| e.searches(f)),
            Expr::Not(inner) => inner.searches(f),
            _ => {}
        }
    }

    pub(crate) fn set_insensitive(&mut self) {
        match self {
            Expr::Compare { insensitive, .. } | Expr::Like { insensitive, .. } => {
                *insensitive = true
            }
            Expr::And(list) | Expr::Or(list) => list.iter_mut().for_each(Expr::set_insensitive),
            Expr::Not(inner) => inner.set_insensitive(),
            Expr::Exists { filter, .. } | Expr::CountCmp { filter, .. } => filter.set_insensitive(),
            Expr::In { .. } | Expr::IsNull { .. } | Expr::Bool(_) | Expr::Search(_) => {}
        }
    }

    pub(crate) fn and(self, other: Expr) -> Expr {
        match (self, other) {
            (Expr::Bool(true), e) | (e, Expr::Bool(true)) => e,
            (Expr::And(mut a), Expr::And(b)) => {
                a.extend(b);
                Expr::And(a)
            }
            (Expr::And(mut a), e) => {
                a.push(e);
                Expr::And(a)
            }
            (e, Expr::And(mut b)) => {
                b.insert(0, e);
                Expr::And(b)
            }
            (a, b) => Expr::And(vec![a, b]),
        }
    }

    pub(crate) fn or(self, other: Expr) -> Expr {
        match (self, other) {
            (Expr::Or(mut a), Expr::Or(b)) => {
                a.extend(b);
                Expr::Or(a)
            }
            (Expr::Or(mut a), e) => {
                a.push(e);
                Expr::Or(a)
            }
            (a, b) => Expr::Or(vec![a, b]),
        }
    }
}
