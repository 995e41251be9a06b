//! Relations between models.
//!
//! A relation is a field of a relation type on a model struct — [`BelongsTo`] on the side holding the
//! foreign key, [`HasOne`] / [`HasMany`] on the other — declared with `#[orm(belongs_to(fk = ..))]`,
//! `#[orm(has_one)]` or `#[orm(has_many)]`. The derive generates a typed handle per relation
//! (`User::POSTS: Relation<User, HasMany<Post>>`) from which queries include related rows
//! (`include`), count them (`with_count`), filter by them (`some`, `every`, `none`, `is`, `is_not`,
//! `count().gt(n)`) and order by them.

pub(crate) mod def;
mod field;
mod handle;
mod include;
mod nested;
mod select;

pub use def::{Action, Link, RelationDef, RelationKind};
pub use field::{BelongsTo, HasMany, HasOne, RelationField, ToMany, ToOne, ToOneTarget};
pub use handle::{RelatedField, Relation, RelationCount, RelationQuery};
pub(crate) use include::Shape;
pub use include::{CountInclude, Include, IntoCountInclude, IntoInclude, Strategy};
pub use nested::NestedWrite;
#[doc(hidden)]
pub use select::glue as __select_glue;
pub use select::{
    NoSearch, ReadsSearch, SearchReads, SearchValues, Select, SelectMany, SelectOne, SelectOptional,
};

/// Implemented by `#[derive(Model)]` on a model with exactly one `belongs_to` relation to `P`: the
/// relation a `has_one`/`has_many` on `P` mirrors when it does not name one with `inverse = ..`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no single `belongs_to` relation to `{P}`",
    note = "add `#[orm(belongs_to(fk = ..))] field: BelongsTo<{P}>` to `{Self}`, or, when it has several, name the one this relation mirrors: `#[orm(has_many(inverse = field))]`"
)]
pub trait BelongsToOf<P>: Model {
    /// The `belongs_to` relation.
    const RELATION: &'static RelationDef;
}

use crate::model::Model;
