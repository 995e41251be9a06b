//! Filters: a typed wrapper over an untyped expression tree the SQL writers render.

use std::marker::PhantomData;
use std::ops::{BitAnd, BitOr, Not};

pub use crate::ast::{CmpOp, Expr, LikeOp};
use crate::model::traits::Model;
use crate::value::Value;

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
