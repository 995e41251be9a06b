//! Filters: a typed wrapper over an untyped expression tree the SQL writers render.

use std::marker::PhantomData;
use std::ops::{BitAnd, BitOr, Not};

use crate::model::{ColumnDef, Model};
use crate::relation::Link;
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
    fn set_insensitive(&mut self) {
        match self {
            Expr::Compare { insensitive, .. } | Expr::Like { insensitive, .. } => {
                *insensitive = true
            }
            Expr::And(list) | Expr::Or(list) => list.iter_mut().for_each(Expr::set_insensitive),
            Expr::Not(inner) => inner.set_insensitive(),
            Expr::Exists { filter, .. } | Expr::CountCmp { filter, .. } => filter.set_insensitive(),
            Expr::In { .. } | Expr::IsNull { .. } | Expr::Bool(_) => {}
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

    fn or(self, other: Expr) -> Expr {
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

/// A typed filter on model `M`.
///
/// Built from column handles and composed with `&` (AND), `|` (OR) and `!` (NOT). An `Option<Filter>`
/// on the right of `&` is skipped when `None`, which makes optional filters one line:
///
/// ```
/// # use orm_runtime::prelude::*;
/// # #[derive(Model, Debug)] struct Post { #[orm(id)] id: i64, published: bool, author_id: String, title: String }
/// let author: Option<&str> = None;
/// let search = Some("rust");
/// let filter = Post::PUBLISHED.eq(true)
///     & author.map(|a| Post::AUTHOR_ID.eq(a))
///     & search.map(|q| Post::TITLE.contains(q).insensitive());
/// # let _ = filter;
/// ```
pub struct Filter<M> {
    pub(crate) expr: Expr,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Filter<M> {
    fn clone(&self) -> Self {
        Filter {
            expr: self.expr.clone(),
            _model: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for Filter<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.expr.fmt(f)
    }
}

impl<M: Model> Filter<M> {
    #[doc(hidden)]
    pub fn from_expr(expr: Expr) -> Self {
        Filter {
            expr,
            _model: PhantomData,
        }
    }

    /// The filter that matches every row.
    pub fn all() -> Self {
        Filter::from_expr(Expr::Bool(true))
    }

    /// The filter that matches no row.
    pub fn none() -> Self {
        Filter::from_expr(Expr::Bool(false))
    }

    /// All of `filters` (every row when empty).
    pub fn and_all(filters: impl IntoIterator<Item = Filter<M>>) -> Self {
        filters.into_iter().fold(Filter::all(), |a, b| a & b)
    }

    /// Any of `filters` (no row when empty).
    pub fn or_any(filters: impl IntoIterator<Item = Filter<M>>) -> Self {
        Filter::from_expr(Expr::Or(filters.into_iter().map(|f| f.expr).collect()))
    }

    /// Makes every text comparison inside this filter case-insensitive (Prisma's `mode: 'insensitive'`).
    ///
    /// PostgreSQL uses `ILIKE` / `LOWER()`, MySQL `LOWER()`, SQLite `LIKE` (ASCII case folding).
    pub fn insensitive(mut self) -> Self {
        self.expr.set_insensitive();
        self
    }

    /// The untyped expression.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    #[doc(hidden)]
    pub fn into_expr(self) -> Expr {
        self.expr
    }
}

impl<M: Model> BitAnd for Filter<M> {
    type Output = Filter<M>;
    fn bitand(self, rhs: Filter<M>) -> Filter<M> {
        Filter::from_expr(self.expr.and(rhs.expr))
    }
}

impl<M: Model> BitAnd<Option<Filter<M>>> for Filter<M> {
    type Output = Filter<M>;
    fn bitand(self, rhs: Option<Filter<M>>) -> Filter<M> {
        match rhs {
            Some(rhs) => self & rhs,
            None => self,
        }
    }
}

impl<M: Model> BitOr for Filter<M> {
    type Output = Filter<M>;
    fn bitor(self, rhs: Filter<M>) -> Filter<M> {
        Filter::from_expr(self.expr.or(rhs.expr))
    }
}

impl<M: Model> Not for Filter<M> {
    type Output = Filter<M>;
    fn not(self) -> Filter<M> {
        Filter::from_expr(Expr::Not(Box::new(self.expr)))
    }
}

/// A filter that identifies at most one row: equality on a unique key, optionally narrowed further.
///
/// Produced by `eq` on a unique column (`User::EMAIL.eq(..)`) or on a compound key
/// (`Like::USER_ID_POST_ID.eq((user, post))`). `find_unique`, `update`, `delete`, `upsert` and
/// `cursor` take one.
pub struct UniqueFilter<M> {
    pub(crate) filter: Filter<M>,
    /// The key's columns and the values they are compared with.
    pub(crate) key: Vec<(usize, Value)>,
    /// Whether `and` added conditions beyond the key.
    pub(crate) narrowed: bool,
}

impl<M> Clone for UniqueFilter<M> {
    fn clone(&self) -> Self {
        UniqueFilter {
            filter: self.filter.clone(),
            key: self.key.clone(),
            narrowed: self.narrowed,
        }
    }
}

impl<M> std::fmt::Debug for UniqueFilter<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.filter.fmt(f)
    }
}

impl<M: Model> UniqueFilter<M> {
    pub(crate) fn new(filter: Filter<M>, key: Vec<(usize, Value)>) -> Self {
        UniqueFilter {
            filter,
            key,
            narrowed: false,
        }
    }

    /// Narrows the match with a further condition (the row must also satisfy `filter`).
    pub fn and(mut self, filter: Filter<M>) -> Self {
        self.filter = self.filter & filter;
        self.narrowed = true;
        self
    }

    /// A case-insensitive version of this filter. It is no longer unique: several rows may differ
    /// only in case.
    pub fn insensitive(self) -> Filter<M> {
        self.filter.insensitive()
    }

    /// The unique key's columns.
    pub fn key_columns(&self) -> Vec<usize> {
        self.key.iter().map(|(c, _)| *c).collect()
    }
}

impl<M: Model> From<UniqueFilter<M>> for Filter<M> {
    fn from(u: UniqueFilter<M>) -> Filter<M> {
        u.filter
    }
}

impl<M: Model> BitAnd<Filter<M>> for UniqueFilter<M> {
    type Output = Filter<M>;
    fn bitand(self, rhs: Filter<M>) -> Filter<M> {
        self.filter & rhs
    }
}

impl<M: Model> BitOr<Filter<M>> for UniqueFilter<M> {
    type Output = Filter<M>;
    fn bitor(self, rhs: Filter<M>) -> Filter<M> {
        self.filter | rhs
    }
}

impl<M: Model> BitOr<UniqueFilter<M>> for Filter<M> {
    type Output = Filter<M>;
    fn bitor(self, rhs: UniqueFilter<M>) -> Filter<M> {
        self | rhs.filter
    }
}

impl<M: Model> BitAnd<UniqueFilter<M>> for Filter<M> {
    type Output = Filter<M>;
    fn bitand(self, rhs: UniqueFilter<M>) -> Filter<M> {
        self & rhs.filter
    }
}

impl<M: Model> Not for UniqueFilter<M> {
    type Output = Filter<M>;
    fn not(self) -> Filter<M> {
        !self.filter
    }
}
