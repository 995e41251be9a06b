//! Typed query builders. Start from the model (`Post::find_many()`, `User::create(..)`), refine, and
//! finish with `.exec(&db)` on a [`Client`](crate::Client) or a [`Transaction`](crate::Transaction).

mod aggregate;
mod change;
pub(crate) mod filter;
mod find;
pub(crate) mod order;
mod scope;
mod search;
mod stream;
mod write;

pub use aggregate::{
    Agg, AggList, AggOrder, AggValue, Aggregate, Extremum, GroupBy, GroupKeys, Having,
    IntoGroupOrder, Summable,
};
pub use change::{Change, Patch};
pub use filter::{CmpOp, Expr, Filter, LikeOp, UniqueFilter};
pub use find::{
    Count, FindFirst, FindMany, FindManySelect, FindOneSelect, FindUnique, FindUniqueOrThrow,
};
pub(crate) use order::OrderKey;
pub use order::{IntoOrderBy, Nulls, Order, OrderBy};
pub use scope::Scope;
pub(crate) use scope::ScopeUse;
pub use search::{FullText, IntoTextQuery, Relevance, Snippet, TextQuery, TextSearch};
pub use stream::{RowStream, SelectStream};
pub use write::{
    Create, CreateMany, CreateManyAndReturn, Delete, DeleteMany, Restore, RestoreMany, Update,
    UpdateMany, Upsert, UpsertMany,
};
pub(crate) use write::{delete_rows, with_updated_at};

use crate::model::{ColumnDef, Model};
use crate::types::FieldType;

/// A column of model `M` of any type: what `distinct` and conflict targets name.
pub trait AnyColumn<M> {
    /// The column's description.
    fn column_def(&self) -> &'static ColumnDef;
}

impl<M: Model, T: FieldType, K> AnyColumn<M> for crate::model::Column<M, T, K> {
    fn column_def(&self) -> &'static ColumnDef {
        self.def()
    }
}

/// The query entry points every model has. `#[derive(Model)]` makes them available as
/// `Post::find_many()`, `User::create(..)` and so on (bring the trait in with the prelude).
pub trait ModelQuery: Model {
    /// All rows matching a filter (all rows without one).
    fn find_many() -> FindMany<Self> {
        FindMany::new()
    }
    /// The first row matching a filter, in the given order.
    fn find_first() -> FindFirst<Self> {
        FindFirst::new()
    }
    /// The row with a unique key: `User::find_unique(User::EMAIL.eq("a@b.c"))` → `Option<User>`.
    fn find_unique(filter: UniqueFilter<Self>) -> FindUnique<Self> {
        FindUnique::new(filter)
    }
    /// Like [`find_unique`](ModelQuery::find_unique), failing with [`Error::NotFound`](crate::Error::NotFound).
    fn find_unique_or_throw(filter: UniqueFilter<Self>) -> FindUniqueOrThrow<Self> {
        FindUniqueOrThrow::new(filter)
    }
    /// The number of rows matching a filter.
    fn count() -> Count<Self> {
        Count::new()
    }
    /// Aggregates over the rows matching a filter: `Post::aggregate((Agg::count_rows(),
    /// Post::VIEW_COUNT.sum()))` → `(i64, Option<i64>)`.
    fn aggregate<A: AggList<Self>>(aggs: A) -> Aggregate<Self, A> {
        Aggregate::new(aggs)
    }
    /// Groups the rows by columns: `Post::group_by((Post::AUTHOR_ID,)).select(Agg::count_rows())`
    /// → `Vec<((String,), i64)>`.
    fn group_by<K: GroupKeys<Self>>(keys: K) -> GroupBy<Self, K> {
        GroupBy::new(keys)
    }
    /// Inserts one row and returns it with every default filled in.
    fn create(data: Self::Create) -> Create<Self> {
        Create::new(data)
    }
    /// Inserts many rows in as few statements as the bind limit allows; returns the count.
    fn create_many(data: impl IntoIterator<Item = Self::Create>) -> CreateMany<Self> {
        CreateMany::new(data)
    }
    /// Updates the row with a unique key and returns it ([`Error::NotFound`](crate::Error::NotFound) if absent).
    fn update(filter: UniqueFilter<Self>) -> Update<Self> {
        Update::new(filter)
    }
    /// Updates every row matching a filter; returns the count.
    fn update_many() -> UpdateMany<Self> {
        UpdateMany::new()
    }
    /// Updates the row with a unique key, or creates it; returns the row.
    fn upsert(filter: UniqueFilter<Self>, create: Self::Create) -> Upsert<Self> {
        Upsert::new(filter, create)
    }
    /// Deletes the row with a unique key and returns it ([`Error::NotFound`](crate::Error::NotFound) if absent).
    fn delete(filter: UniqueFilter<Self>) -> Delete<Self> {
        Delete::new(filter)
    }
    /// Deletes every row matching a filter; returns the count.
    fn delete_many() -> DeleteMany<Self> {
        DeleteMany::new()
    }
    /// Brings back a soft-deleted row (see [`SoftDelete`](crate::model::SoftDelete)).
    fn restore(filter: UniqueFilter<Self>) -> Restore<Self>
    where
        Self: crate::model::SoftDelete,
    {
        Restore::new(filter)
    }
    /// Brings back every matching soft-deleted row; returns the count.
    fn restore_many() -> RestoreMany<Self>
    where
        Self: crate::model::SoftDelete,
    {
        RestoreMany::new()
    }
}

impl<M: Model> ModelQuery for M {}
