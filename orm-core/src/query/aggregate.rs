//! Aggregates and grouping: `Post::aggregate((Agg::count_rows(), Post::VIEW_COUNT.sum()))` over the
//! matching rows, `Post::group_by((Post::AUTHOR_ID,))` per group, with `having` and an order on
//! aggregates. Every result is typed: a sum of `i32` is an `Option<i64>`, an average an
//! `Option<f64>` (an `Option<Decimal>` for decimals), a minimum keeps the column's type.

use std::any::Any;
use std::marker::PhantomData;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::filter::{Expr, Filter};
use super::order::OrderBy;
use crate::ast::{
    AggExpr, AggFunc, CmpOp, GroupOrder, GroupOrderTerm, HavingTerm, Order, OrderTerm,
};
use crate::client::Executor;
use crate::error::{Error, Result};
use crate::model::{Column, ColumnDef, Model};
use crate::sql::{AggSpec, Deleted, Dialect, Statement, Writer};
use crate::types::{DecodeError, FieldType, IntoValue, RowRef, Scalar, ScalarKind};

/// An aggregate of model `M`'s rows whose value is a `T`: `Agg::count_rows()`,
/// `Post::VIEW_COUNT.sum()`, `.avg()`, `.min()`, `.max()`, `.count()`, `.count_distinct()`.
/// Compare it in [`having`](GroupBy::having) (`Agg::count_rows().gt(2)`) and order groups by it
/// (`.desc()`).
pub struct Agg<M, T> {
    expr: AggExpr,
    _marker: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for Agg<M, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M, T> Copy for Agg<M, T> {}

impl<M, T> std::fmt::Debug for Agg<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Agg({:?}({}))",
            self.expr.func,
            self.expr.column.map_or("*", |c| c.name)
        )
    }
}

impl<M: Model> Agg<M, i64> {
    /// `COUNT(*)`: the rows (of each group).
    pub fn count_rows() -> Self {
        Agg::new(AggFunc::CountRows, None)
    }
}

impl<M, T> Agg<M, T> {
    fn new(func: AggFunc, column: Option<&'static ColumnDef>) -> Self {
        Agg {
            expr: AggExpr { func, column },
            _marker: PhantomData,
        }
    }
}

impl<M: Model, T: AggValue> Agg<M, T> {
    fn cmp(self, op: CmpOp, value: impl IntoValue<T::Cmp>) -> Having<M> {
        Having {
            terms: vec![HavingTerm {
                agg: self.expr,
                op,
                value: value.into_value(),
            }],
            _model: PhantomData,
        }
    }
    /// `aggregate = value`.
    pub fn eq(self, value: impl IntoValue<T::Cmp>) -> Having<M> {
        self.cmp(CmpOp::Eq, value)
    }
    /// `aggregate <> value` (true for an empty sum, min, max or average: two-valued, as filters).
    pub fn ne(self, value: impl IntoValue<T::Cmp>) -> Having<M> {
        self.cmp(CmpOp::Ne, value)
    }
    /// `aggregate < value`.
    pub fn lt(self, value: impl IntoValue<T::Cmp>) -> Having<M> {
        self.cmp(CmpOp::Lt, value)
    }
    /// `aggregate <= value`.
    pub fn lte(self, value: impl IntoValue<T::Cmp>) -> Having<M> {
        self.cmp(CmpOp::Lte, value)
    }
    /// `aggregate > value`.
    pub fn gt(self, value: impl IntoValue<T::Cmp>) -> Having<M> {
        self.cmp(CmpOp::Gt, value)
    }
    /// `aggregate >= value`.
    pub fn gte(self, value: impl IntoValue<T::Cmp>) -> Having<M> {
        self.cmp(CmpOp::Gte, value)
    }
    /// Groups in ascending order of this aggregate (empty sums, minima ... last).
    pub fn asc(self) -> AggOrder<M> {
        AggOrder {
            term: GroupOrder::Agg(self.expr, Order::Asc),
            _model: PhantomData,
        }
    }
    /// Groups in descending order of this aggregate (empty sums, minima ... last).
    pub fn desc(self) -> AggOrder<M> {
        AggOrder {
            term: GroupOrder::Agg(self.expr, Order::Desc),
            _model: PhantomData,
        }
    }
}

/// The value of an aggregate, decoded from whatever the backend returns for it (PostgreSQL and
/// MySQL widen integer sums to `NUMERIC`/`DECIMAL`: decoded back exactly, or refused with
/// [`Error::Decode`] when out of range — never rounded).
pub trait AggValue: Sized + Send + 'static {
    /// What the aggregate is compared with in `having` (the value without its `Option`).
    type Cmp: FieldType;
    #[doc(hidden)]
    fn decode_agg(
        row: RowRef<'_>,
        index: usize,
        average: bool,
    ) -> std::result::Result<Self, DecodeError>;
}

impl AggValue for i64 {
    type Cmp = i64;
    fn decode_agg(
        row: RowRef<'_>,
        index: usize,
        _average: bool,
    ) -> std::result::Result<Self, DecodeError> {
        <i64 as FieldType>::decode(row, index).or_else(|e| {
            match <Decimal as FieldType>::decode(row, index) {
                Ok(d) => d.to_i64().ok_or_else(|| out_of_range(d)),
                Err(_) => Err(e),
            }
        })
    }
}

impl<T: Scalar + FieldType> AggValue for Option<T> {
    type Cmp = T;
    fn decode_agg(
        row: RowRef<'_>,
        index: usize,
        average: bool,
    ) -> std::result::Result<Self, DecodeError> {
        // The average of decimals may have no end (1, 1, 2): rounded to what `Decimal` holds.
        if average && T::KIND == ScalarKind::Decimal {
            if row.is_null(index)? {
                return Ok(None);
            }
            let d: Box<dyn Any> = Box::new(Some(row.decimal_rounded(index)?));
            return d
                .downcast::<Option<T>>()
                .map(|v| *v)
                .map_err(|_| "not a decimal".into());
        }
        match <Option<T> as FieldType>::decode(row, index) {
            Ok(v) => Ok(v),
            Err(e) => widened::<T>(row, index).unwrap_or(Err(e)),
        }
    }
}

fn out_of_range(d: Decimal) -> DecodeError {
    format!("the aggregate {d} is out of the range of its Rust type").into()
}

/// An aggregate the backend returned in a wider type than `T` (an integer sum as a decimal, an
/// average as a decimal or an integer), converted exactly or refused.
fn widened<T: Scalar>(
    row: RowRef<'_>,
    index: usize,
) -> Option<std::result::Result<Option<T>, DecodeError>> {
    let boxed: Box<dyn Any> = match T::KIND {
        ScalarKind::I64 => match <Option<Decimal> as FieldType>::decode(row, index).ok()? {
            None => Box::new(None::<i64>),
            Some(d) => match d.to_i64().filter(|_| d.fract().is_zero()) {
                Some(n) => Box::new(Some(n)),
                None => return Some(Err(out_of_range(d))),
            },
        },
        ScalarKind::F64 => {
            if let Ok(d) = <Option<Decimal> as FieldType>::decode(row, index) {
                Box::new(d.and_then(|d| d.to_f64()))
            } else {
                let n = <Option<i64> as FieldType>::decode(row, index).ok()?;
                Box::new(n.map(|n| n as f64))
            }
        }
        ScalarKind::Decimal => {
            let n = <Option<i64> as FieldType>::decode(row, index).ok()?;
            Box::new(n.map(Decimal::from))
        }
        _ => return None,
    };
    boxed.downcast::<Option<T>>().ok().map(|v| Ok(*v))
}

/// Column types that can be summed and averaged, and the types of their sum and average.
#[diagnostic::on_unimplemented(
    message = "a `{Self}` column cannot be summed or averaged",
    note = "`sum` and `avg` work on i16, i32, i64, f32, f64 and Decimal columns (nullable or not)"
)]
pub trait Summable: FieldType {
    /// The sum's type: `Option<i64>` for integers, `Option<f64>` for floats, `Option<Decimal>`.
    type Sum: AggValue;
    /// The average's type: `Option<f64>`, or `Option<Decimal>` for decimals.
    type Avg: AggValue;
}

macro_rules! summable {
    ($($t:ty => $sum:ty, $avg:ty);* $(;)?) => {$(
        impl Summable for $t { type Sum = $sum; type Avg = $avg; }
        impl Summable for Option<$t> { type Sum = $sum; type Avg = $avg; }
    )*};
}
summable! {
    i16 => Option<i64>, Option<f64>;
    i32 => Option<i64>, Option<f64>;
    i64 => Option<i64>, Option<f64>;
    f32 => Option<f64>, Option<f64>;
    f64 => Option<f64>, Option<f64>;
    Decimal => Option<Decimal>, Option<Decimal>;
}

/// Column types with a minimum and a maximum.
#[diagnostic::on_unimplemented(
    message = "a `{Self}` column has no minimum or maximum",
    note = "`min` and `max` work on numbers, decimals, text and dates (nullable or not)"
)]
pub trait Extremum: FieldType {}

macro_rules! extremum {
    ($($t:ty),*) => {$( impl Extremum for $t {} impl Extremum for Option<$t> {} )*};
}
extremum!(
    i16,
    i32,
    i64,
    f32,
    f64,
    Decimal,
    String,
    chrono::DateTime<chrono::Utc>,
    chrono::NaiveDateTime,
    chrono::NaiveDate,
    chrono::NaiveTime
);

impl<M: Model, T: FieldType, K> Column<M, T, K> {
    /// `SUM(column)`: `None` when no row has a value.
    pub fn sum(self) -> Agg<M, T::Sum>
    where
        T: Summable,
    {
        Agg::new(AggFunc::Sum, Some(self.def()))
    }
    /// `AVG(column)`: `None` when no row has a value.
    pub fn avg(self) -> Agg<M, T::Avg>
    where
        T: Summable,
    {
        Agg::new(AggFunc::Avg, Some(self.def()))
    }
    /// `MIN(column)`: `None` when no row has a value.
    pub fn min(self) -> Agg<M, Option<T::Scalar>>
    where
        T: Extremum,
    {
        Agg::new(AggFunc::Min, Some(self.def()))
    }
    /// `MAX(column)`: `None` when no row has a value.
    pub fn max(self) -> Agg<M, Option<T::Scalar>>
    where
        T: Extremum,
    {
        Agg::new(AggFunc::Max, Some(self.def()))
    }
    /// `COUNT(column)`: the rows where the column is not `NULL`.
    pub fn count(self) -> Agg<M, i64> {
        Agg::new(AggFunc::Count, Some(self.def()))
    }
    /// `COUNT(DISTINCT column)`: the distinct non-`NULL` values.
    pub fn count_distinct(self) -> Agg<M, i64> {
        Agg::new(AggFunc::CountDistinct, Some(self.def()))
    }
}

/// The aggregates a query computes: one [`Agg`] or a tuple of them; its `Output` is the tuple of
/// their values.
pub trait AggList<M>: Send + Sync {
    /// The values.
    type Output: Send;
    #[doc(hidden)]
    fn exprs(&self) -> Vec<AggExpr>;
    #[doc(hidden)]
    fn decode(&self, row: RowRef<'_>, start: usize) -> Result<Self::Output>;
}

impl<M> AggList<M> for () {
    type Output = ();
    fn exprs(&self) -> Vec<AggExpr> {
        Vec::new()
    }
    fn decode(&self, _: RowRef<'_>, _: usize) -> Result<()> {
        Ok(())
    }
}

impl<M: Model, T: AggValue> AggList<M> for Agg<M, T> {
    type Output = T;
    fn exprs(&self) -> Vec<AggExpr> {
        vec![self.expr]
    }
    fn decode(&self, row: RowRef<'_>, start: usize) -> Result<T> {
        T::decode_agg(row, start, self.expr.func == AggFunc::Avg)
            .map_err(|e| Error::decode(Some(M::DEF.name), "aggregate", e))
    }
}

macro_rules! agg_tuple {
    ($(($($t:ident: $i:tt),+)),*) => {$(
        impl<M: Model, $($t: AggValue),+> AggList<M> for ($(Agg<M, $t>,)+) {
            type Output = ($($t,)+);
            fn exprs(&self) -> Vec<AggExpr> {
                vec![$(self.$i.expr),+]
            }
            fn decode(&self, row: RowRef<'_>, start: usize) -> Result<Self::Output> {
                Ok(($(
                    $t::decode_agg(row, start + $i, self.$i.expr.func == AggFunc::Avg)
                        .map_err(|e| Error::decode(Some(M::DEF.name), "aggregate", e))?,
                )+))
            }
        }
    )*};
}
agg_tuple!(
    (A: 0),
    (A: 0, B: 1),
    (A: 0, B: 1, C: 2),
    (A: 0, B: 1, C: 2, D: 3),
    (A: 0, B: 1, C: 2, D: 3, E: 4),
    (A: 0, B: 1, C: 2, D: 3, E: 4, F: 5),
    (A: 0, B: 1, C: 2, D: 3, E: 4, F: 5, G: 6),
    (A: 0, B: 1, C: 2, D: 3, E: 4, F: 5, G: 6, H: 7),
    (A: 0, B: 1, C: 2, D: 3, E: 4, F: 5, G: 6, H: 7, I: 8),
    (A: 0, B: 1, C: 2, D: 3, E: 4, F: 5, G: 6, H: 7, I: 8, J: 9),
    (A: 0, B: 1, C: 2, D: 3, E: 4, F: 5, G: 6, H: 7, I: 8, J: 9, K: 10),
    (A: 0, B: 1, C: 2, D: 3, E: 4, F: 5, G: 6, H: 7, I: 8, J: 9, K: 10, L: 11)
);

/// The columns a query groups by: a tuple of columns of `M`; its `Output` is the tuple of their
/// values.
pub trait GroupKeys<M>: Send {
    /// The values of one group's keys.
    type Output: Send;
    #[doc(hidden)]
    fn columns(&self) -> Vec<&'static ColumnDef>;
    #[doc(hidden)]
    fn decode(row: RowRef<'_>) -> Result<Self::Output>;
}

macro_rules! key_tuple {
    ($(($($t:ident $k:ident: $i:tt),+)),*) => {$(
        impl<M: Model, $($t: FieldType, $k: Send),+> GroupKeys<M> for ($(Column<M, $t, $k>,)+) {
            type Output = ($($t,)+);
            fn columns(&self) -> Vec<&'static ColumnDef> {
                vec![$(self.$i.def()),+]
            }
            fn decode(row: RowRef<'_>) -> Result<Self::Output> {
                Ok(($(
                    $t::decode(row, $i).map_err(|e| Error::decode(Some(M::DEF.name), "group key", e))?,
                )+))
            }
        }
    )*};
}
key_tuple!(
    (A KA: 0),
    (A KA: 0, B KB: 1),
    (A KA: 0, B KB: 1, C KC: 2),
    (A KA: 0, B KB: 1, C KC: 2, D KD: 3)
);

/// Conditions on a group's aggregates (`HAVING`), from comparing an [`Agg`]: `Agg::count_rows().gt(2)`.
/// Combine with `&`.
#[must_use]
pub struct Having<M> {
    terms: Vec<HavingTerm>,
    _model: PhantomData<fn() -> M>,
}

impl<M> std::ops::BitAnd for Having<M> {
    type Output = Having<M>;
    fn bitand(mut self, rhs: Having<M>) -> Having<M> {
        self.terms.extend(rhs.terms);
        self
    }
}

impl<M> std::fmt::Debug for Having<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(&self.terms).finish()
    }
}

/// An order of groups by an aggregate, from [`Agg::asc`] / [`Agg::desc`].
#[derive(Debug)]
pub struct AggOrder<M> {
    term: GroupOrder,
    _model: PhantomData<fn() -> M>,
}

/// What groups can be ordered by: a group column (`Post::AUTHOR_ID.asc()`) or an aggregate
/// (`Agg::count_rows().desc()`).
pub trait IntoGroupOrder<M> {
    #[doc(hidden)]
    fn into_group_order(self) -> GroupOrderTerm;
}

impl<M> IntoGroupOrder<M> for AggOrder<M> {
    fn into_group_order(self) -> GroupOrderTerm {
        GroupOrderTerm(self.term)
    }
}

impl<M> IntoGroupOrder<M> for OrderBy<M> {
    fn into_group_order(self) -> GroupOrderTerm {
        GroupOrderTerm(GroupOrder::Column(OrderTerm {
            key: self.key,
            order: self.order,
            nulls: self.nulls,
        }))
    }
}

impl<M: Model, T: FieldType, K> IntoGroupOrder<M> for Column<M, T, K> {
    fn into_group_order(self) -> GroupOrderTerm {
        <OrderBy<M> as IntoGroupOrder<M>>::into_group_order(
            crate::query::IntoOrderBy::into_order_by(self),
        )
    }
}

/// Aggregates over the rows matching a filter. From
/// [`ModelQuery::aggregate`](super::ModelQuery::aggregate).
///
/// ```no_run
/// # use orm_runtime::prelude::*;
/// # #[derive(Model, Debug)] struct Post { #[orm(id)] id: i64, published: bool, view_count: i32, created_at: chrono::DateTime<chrono::Utc> }
/// # async fn f(db: &Client) -> orm_runtime::Result<()> {
/// let (posts, views, average, newest) = Post::aggregate((
///     Agg::count_rows(),
///     Post::VIEW_COUNT.sum(),   // Option<i64>
///     Post::VIEW_COUNT.avg(),   // Option<f64>
///     Post::CREATED_AT.max(),   // Option<DateTime<Utc>>
/// ))
/// .filter(Post::PUBLISHED.eq(true))
/// .exec(db)
/// .await?;
/// # Ok(()) }
/// ```
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct Aggregate<M, A> {
    aggs: A,
    filter: Expr,
    deleted: Deleted,
    scoped: bool,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model, A> Aggregate<M, A> {
    /// Leaves the client's [`Scope`](super::Scope)s of `M` out.
    pub fn unscoped(mut self) -> Self {
        self.scoped = false;
        self
    }
}

impl<M: Model, K, A> GroupBy<M, K, A> {
    /// Leaves the client's [`Scope`](super::Scope)s of `M` out.
    pub fn unscoped(mut self) -> Self {
        self.scoped = false;
        self
    }
}

impl<M: crate::model::SoftDelete, A> Aggregate<M, A> {
    /// Also aggregates soft-deleted rows.
    pub fn with_deleted(mut self) -> Self {
        self.deleted = Deleted::Shown;
        self
    }
    /// Aggregates only soft-deleted rows.
    pub fn only_deleted(mut self) -> Self {
        self.deleted = Deleted::Only;
        self
    }
}

impl<M: crate::model::SoftDelete, K, A> GroupBy<M, K, A> {
    /// Also groups soft-deleted rows.
    pub fn with_deleted(mut self) -> Self {
        self.deleted = Deleted::Shown;
        self
    }
    /// Groups only soft-deleted rows.
    pub fn only_deleted(mut self) -> Self {
        self.deleted = Deleted::Only;
        self
    }
}

impl<M: Model, A: AggList<M>> Aggregate<M, A> {
    pub(crate) fn new(aggs: A) -> Self {
        Aggregate {
            aggs,
            filter: Expr::Bool(true),
            deleted: Deleted::Hidden,
            scoped: true,
            _model: PhantomData,
        }
    }

    /// Aggregates the rows matching `filter` (ANDed with earlier filters).
    pub fn filter(mut self, filter: impl Into<Filter<M>>) -> Self {
        let expr = std::mem::replace(&mut self.filter, Expr::Bool(true));
        self.filter = expr.and(filter.into().expr);
        self
    }

    /// The statement this sends on `dialect`, without a database (as
    /// [`FindMany::to_sql`](super::FindMany::to_sql)).
    pub fn to_sql(&self, dialect: Dialect) -> Result<Statement> {
        self.statement(dialect)
    }

    pub(crate) fn statement(&self, dialect: Dialect) -> Result<Statement> {
        let aggs = self.aggs.exprs();
        check(M::DEF, dialect, &aggs)?;
        let mut w = Writer::new(dialect);
        w.aggregate(&AggSpec {
            model: M::DEF,
            deleted: self.deleted,
            filter: &self.filter,
            keys: &[],
            aggs: &aggs,
            having: &[],
            order: &[],
            skip: None,
            take: None,
        });
        w.finish(Some(M::DEF))
    }

    /// Runs the query.
    pub async fn exec<E: Executor + ?Sized>(mut self, db: &E) -> Result<A::Output> {
        if std::mem::take(&mut self.scoped) {
            let filter = std::mem::replace(&mut self.filter, Expr::Bool(true));
            self.filter = db.__db().client().scopes.filter::<M>(filter);
        }
        let run = async {
            let statement = self.statement(db.__dialect())?;
            let aggs = &self.aggs;
            let mut rows = db.__fetch(statement, |row| aggs.decode(row, 0)).await?;
            rows.pop()
                .ok_or_else(|| Error::InvalidQuery("an aggregate returned no row".into()))
        };
        crate::hooks::run_operation!(
            db.__db(),
            Some(M::DEF),
            crate::hooks::OperationKind::Aggregate,
            run
        )
    }
}

/// Rows grouped by columns, with aggregates per group. From
/// [`ModelQuery::group_by`](super::ModelQuery::group_by).
///
/// ```no_run
/// # use orm_runtime::prelude::*;
/// # #[derive(Model, Debug)] struct Post { #[orm(id)] id: i64, author_id: String, published: bool, view_count: i32 }
/// # async fn f(db: &Client) -> orm_runtime::Result<()> {
/// // Authors with more than two published posts, most viewed first.
/// let rows: Vec<((String,), (i64, Option<i64>))> = Post::group_by((Post::AUTHOR_ID,))
///     .filter(Post::PUBLISHED.eq(true))
///     .select((Agg::count_rows(), Post::VIEW_COUNT.sum()))
///     .having(Agg::count_rows().gt(2))
///     .order_by(Post::VIEW_COUNT.sum().desc())
///     .take(10)
///     .exec(db)
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct GroupBy<M, K, A = ()> {
    keys: K,
    aggs: A,
    filter: Expr,
    deleted: Deleted,
    scoped: bool,
    having: Vec<HavingTerm>,
    order: Vec<GroupOrder>,
    skip: Option<u64>,
    take: Option<u64>,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model, K: GroupKeys<M>> GroupBy<M, K, ()> {
    pub(crate) fn new(keys: K) -> Self {
        GroupBy {
            keys,
            aggs: (),
            filter: Expr::Bool(true),
            deleted: Deleted::Hidden,
            scoped: true,
            having: Vec::new(),
            order: Vec::new(),
            skip: None,
            take: None,
            _model: PhantomData,
        }
    }
}

impl<M: Model, K: GroupKeys<M>, A: AggList<M>> GroupBy<M, K, A> {
    /// The aggregates computed per group: one [`Agg`] or a tuple of them.
    pub fn select<B: AggList<M>>(self, aggs: B) -> GroupBy<M, K, B> {
        GroupBy {
            keys: self.keys,
            aggs,
            filter: self.filter,
            deleted: self.deleted,
            scoped: self.scoped,
            having: self.having,
            order: self.order,
            skip: self.skip,
            take: self.take,
            _model: PhantomData,
        }
    }

    /// Groups the rows matching `filter` (`WHERE`, before grouping; ANDed with earlier filters).
    pub fn filter(mut self, filter: impl Into<Filter<M>>) -> Self {
        let expr = std::mem::replace(&mut self.filter, Expr::Bool(true));
        self.filter = expr.and(filter.into().expr);
        self
    }

    /// Keeps the groups whose aggregates satisfy `having` (ANDed with earlier conditions). The
    /// aggregates compared need not be selected.
    pub fn having(mut self, having: Having<M>) -> Self {
        self.having.extend(having.terms);
        self
    }

    /// Orders the groups by a group column or an aggregate (earlier terms first). The group columns
    /// complete the order, so it is total.
    pub fn order_by(mut self, order: impl IntoGroupOrder<M>) -> Self {
        self.order.push(order.into_group_order().0);
        self
    }

    /// Skips the first `n` groups.
    pub fn skip(mut self, n: u64) -> Self {
        self.skip = Some(n);
        self
    }

    /// Returns at most `n` groups.
    pub fn take(mut self, n: u64) -> Self {
        self.take = Some(n);
        self
    }

    /// The statement this sends on `dialect`, without a database (as
    /// [`FindMany::to_sql`](super::FindMany::to_sql)).
    pub fn to_sql(&self, dialect: Dialect) -> Result<Statement> {
        self.statement(dialect)
    }

    pub(crate) fn statement(&self, dialect: Dialect) -> Result<Statement> {
        let keys = self.keys.columns();
        let aggs = self.aggs.exprs();
        let mut all = aggs.clone();
        all.extend(self.having.iter().map(|h| h.agg));
        all.extend(self.order.iter().filter_map(|o| match o {
            GroupOrder::Agg(a, _) => Some(*a),
            GroupOrder::Column(_) => None,
        }));
        check(M::DEF, dialect, &all)?;
        for o in &self.order {
            if let GroupOrder::Column(t) = o {
                let grouped = t
                    .key
                    .column()
                    .is_some_and(|c| keys.iter().any(|k| std::ptr::eq(*k, c)));
                if !grouped {
                    return Err(Error::InvalidQuery(format!(
                        "{} groups are ordered by a column they are not grouped by: order by a group column or an aggregate",
                        M::DEF.name
                    )));
                }
            }
        }
        let mut w = Writer::new(dialect);
        w.aggregate(&AggSpec {
            model: M::DEF,
            deleted: self.deleted,
            filter: &self.filter,
            keys: &keys,
            aggs: &aggs,
            having: &self.having,
            order: &self.order,
            skip: self.skip,
            take: self.take,
        });
        w.finish(Some(M::DEF))
    }

    /// Runs the query: one `(keys, aggregates)` pair per group.
    pub async fn exec<E: Executor + ?Sized>(
        mut self,
        db: &E,
    ) -> Result<Vec<(K::Output, A::Output)>> {
        if std::mem::take(&mut self.scoped) {
            let filter = std::mem::replace(&mut self.filter, Expr::Bool(true));
            self.filter = db.__db().client().scopes.filter::<M>(filter);
        }
        let run = async {
            if self.take == Some(0) {
                return Ok(Vec::new());
            }
            let statement = self.statement(db.__dialect())?;
            let n = self.keys.columns().len();
            let aggs = &self.aggs;
            db.__fetch(statement, |row| Ok((K::decode(row)?, aggs.decode(row, n)?)))
                .await
        };
        crate::hooks::run_operation!(
            db.__db(),
            Some(M::DEF),
            crate::hooks::OperationKind::GroupBy,
            run
        )
    }
}

/// Refuses what the backend cannot compute exactly: arithmetic and comparisons on SQLite's text
/// decimals.
fn check(model: &'static crate::model::ModelDef, dialect: Dialect, aggs: &[AggExpr]) -> Result<()> {
    if dialect.capabilities().decimal_arithmetic {
        return Ok(());
    }
    for a in aggs {
        let decimal = a.column.is_some_and(|c| c.kind == ScalarKind::Decimal);
        let arithmetic = matches!(
            a.func,
            AggFunc::Sum | AggFunc::Avg | AggFunc::Min | AggFunc::Max
        );
        if decimal && arithmetic {
            return Err(Error::InvalidQuery(format!(
                "{} keeps decimals as text, so it cannot {} `{}.{}` exactly",
                dialect.backend.name(),
                match a.func {
                    AggFunc::Sum => "sum",
                    AggFunc::Avg => "average",
                    _ => "compare",
                },
                model.name,
                a.column.map_or("", |c| c.field)
            )));
        }
    }
    Ok(())
}
