//! The traits `#[derive(Model)]` implements: the model, its insert input and its update input.

use super::def::ModelDef;
use crate::error::Error;
use crate::types::RowRef;
use crate::value::Value;

/// A database table mapped to a Rust struct. Implemented by `#[derive(Model)]`; see the derive's
/// documentation for the attributes it accepts.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model",
    note = "add `#[derive(Model)]` to `{Self}`"
)]
pub trait Model: Sized + Send + Sync + Unpin + 'static {
    /// The model's table, columns, keys and indexes.
    const DEF: &'static ModelDef;

    /// The generated insert input (`New<Model>`).
    type Create: CreateInput<Self>;

    /// The generated update input (`<Model>Update`).
    type Update: UpdateInput<Self>;

    /// Decodes one row whose columns start at `offset`, in [`ModelDef::columns`] order.
    fn decode(row: RowRef<'_>, offset: usize) -> Result<Self, Error>;

    /// The value of column `index` (in [`ModelDef::columns`] order).
    fn column_value(&self, index: usize) -> Value;
}

/// The values of a new row, per column in [`ModelDef::columns`] order; `None` means "not given",
/// so the column's default applies. Implemented by the generated `New<Model>` type.
pub trait CreateInput<M: Model>: Send + 'static {
    /// The given values, one per column.
    fn into_values(self) -> Vec<Option<Value>>;
}

/// The changes an update makes, as `(column index, change)` pairs. Implemented by the generated
/// `<Model>Update` type.
pub trait UpdateInput<M: Model>: Send + 'static {
    /// The changes, in column order.
    fn into_changes(self) -> Vec<(usize, crate::ast::Change)>;
}

/// A model with an `#[orm(soft_delete)]` column: `delete` and `delete_many` set it instead of
/// removing the row, and every read leaves such rows out — unique lookups, counts, aggregates,
/// includes, relation counts and relation filters, with both load strategies. Implemented by the
/// derive; it unlocks `.with_deleted()`, `.only_deleted()`, `.force()` on deletes, and
/// [`restore`](crate::query::ModelQuery::restore).
///
/// ```no_run
/// use orm_runtime::prelude::*;
///
/// #[derive(Model, Debug, Clone)]
/// struct Comment {
///     #[orm(id)]
///     id: i64,
///     body: String,
///     #[orm(soft_delete)]
///     deleted_at: Option<chrono::DateTime<chrono::Utc>>,
/// }
///
/// # async fn f(db: &Client) -> orm_runtime::Result<()> {
/// Comment::delete(Comment::ID.eq(7)).exec(db).await?; // marks it
/// assert!(Comment::find_unique(Comment::ID.eq(7)).exec(db).await?.is_none());
/// let bin = Comment::find_many().only_deleted().exec(db).await?;
/// Comment::restore(Comment::ID.eq(7)).exec(db).await?;
/// Comment::delete(Comment::ID.eq(7)).force().exec(db).await?; // gone for good
/// # Ok(()) }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no `#[orm(soft_delete)]` column",
    note = "mark an `Option<DateTime<Utc>>` field `#[orm(soft_delete)]` to soft-delete `{Self}` rows"
)]
pub trait SoftDelete: Model {}
