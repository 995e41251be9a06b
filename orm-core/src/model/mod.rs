//! Models: the [`Model`] trait `#[derive(Model)]` implements, the schema descriptors it emits, and the
//! typed column handles (`User::EMAIL`) queries are built from.

pub(crate) mod column;
pub(crate) mod def;
pub(crate) mod traits;

pub use column::{AsUniqueKey, Column, IntoValues, Plain, Unique, UniqueKey};
pub use def::{
    ColumnDef, DefaultDef, FullTextDef, IndexDef, MAX_IDENTIFIER, ModelDef, UniqueDef,
    fit_identifier,
};
pub use traits::{CreateInput, Model, SoftDelete, UpdateInput};
