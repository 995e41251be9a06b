//! Typed selects: `#[derive(Select)]` structs naming the fields, relations and counts they want.

use super::field::{BelongsTo, HasMany, HasOne, RelationField};
use super::handle::{Relation, RelationQuery};
use super::include::{CountInclude, Include};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::def::{ColumnDef, IndexDef};

/// A struct shaped after a model: some of its columns, some relations (as nested selects) and
/// some relation counts. Implemented by `#[derive(Select)]`; run with `.select::<T>()` on
/// `find_many`, `find_first` or `find_unique`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a select of a model",
    note = "add `#[derive(Select)]` and `#[orm(model = ..)]` to `{Self}`"
)]
pub trait Select: Sized + Send + 'static {
    /// The model the select reads.
    type Model: Model + Clone;
    /// [`NoSearch`], or [`ReadsSearch`] for a select with `#[orm(relevance = ..)]` or
    /// `#[orm(snippet = ..)]` fields (which only the query's own rows can be: a search ranks them,
    /// not their related rows).
    #[doc(hidden)]
    type __Search;
    #[doc(hidden)]
    fn __includes() -> Vec<Include<Self::Model>>;
    #[doc(hidden)]
    fn __counts() -> Vec<CountInclude<Self::Model>>;
    /// What the select reads of the query's searches, in the order `__from_model` takes the
    /// values.
    #[doc(hidden)]
    fn __search_reads() -> SearchReads {
        SearchReads::default()
    }
    #[doc(hidden)]
    fn __from_model(m: Self::Model, search: &SearchValues) -> Result<Self>;
}

/// A select that reads nothing of a search (the only kind a relation can be selected as).
#[doc(hidden)]
pub enum NoSearch {}

/// A select that reads the relevance or snippets of the query's search.
#[doc(hidden)]
pub enum ReadsSearch {}

/// What a select reads of the query's searches: the relevance through these full-text indexes,
/// snippets of these columns.
#[doc(hidden)]
#[derive(Default, Clone, Debug)]
pub struct SearchReads {
    pub relevance: Vec<&'static IndexDef>,
    pub snippets: Vec<&'static ColumnDef>,
}

impl SearchReads {
    pub(crate) fn is_empty(&self) -> bool {
        self.relevance.is_empty() && self.snippets.is_empty()
    }
}

/// The values of [`SearchReads`] for one row.
#[doc(hidden)]
#[derive(Default, Debug)]
pub struct SearchValues {
    pub(crate) relevance: Vec<f64>,
    pub(crate) snippets: Vec<Option<String>>,
}

impl<M: Model, W: RelationField> RelationQuery<M, W>
where
    W::Target: Clone,
{
    /// Loads what select `S` needs of the related rows.
    #[doc(hidden)]
    pub fn __with_select<S: Select<Model = W::Target>>(mut self) -> Self {
        self.query = self.query.with_select::<S>();
        self
    }
}

/// A relation selected as a single struct: a required `BelongsTo`.
#[diagnostic::on_unimplemented(
    message = "this relation may hold no row or many, so it cannot be selected as a single struct",
    label = "select it as `Option<..>` (optional to-one) or `Vec<..>` (to-many)",
    note = "`BelongsTo<T>` selects as `S`, `BelongsTo<Option<T>>` and `HasOne<T>` as `Option<S>`, `HasMany<T>` as `Vec<S>`"
)]
pub trait SelectOne: RelationField {
    #[doc(hidden)]
    fn __take(self) -> Option<Self::Target>;
}
impl<T: Model> SelectOne for BelongsTo<T> {
    fn __take(self) -> Option<T> {
        self.into_inner()
    }
}

/// A relation selected as an `Option`: an optional `BelongsTo`, or a `HasOne`.
#[diagnostic::on_unimplemented(
    message = "this relation is not an optional to-one relation, so it cannot be selected as an `Option`",
    label = "select a required `BelongsTo` as a struct and a `HasMany` as a `Vec<..>`",
    note = "`BelongsTo<T>` selects as `S`, `BelongsTo<Option<T>>` and `HasOne<T>` as `Option<S>`, `HasMany<T>` as `Vec<S>`"
)]
pub trait SelectOptional: RelationField {
    #[doc(hidden)]
    fn __take(self) -> Option<Self::Target>;
}
impl<T: Model> SelectOptional for BelongsTo<Option<T>> {
    fn __take(self) -> Option<T> {
        self.into_inner()
    }
}
impl<T: Model> SelectOptional for HasOne<T> {
    fn __take(self) -> Option<T> {
        self.into_inner()
    }
}

/// A relation selected as a `Vec`: a `HasMany`.
#[diagnostic::on_unimplemented(
    message = "this relation holds at most one row, so it cannot be selected as a `Vec`",
    label = "select a required `BelongsTo` as a struct, an optional one or a `HasOne` as `Option<..>`",
    note = "`BelongsTo<T>` selects as `S`, `BelongsTo<Option<T>>` and `HasOne<T>` as `Option<S>`, `HasMany<T>` as `Vec<S>`"
)]
pub trait SelectMany: RelationField {
    #[doc(hidden)]
    fn __take(self) -> Vec<Self::Target>;
}
impl<T: Model> SelectMany for HasMany<T> {
    fn __take(self) -> Vec<T> {
        self.into_vec()
    }
}

/// Glue `#[derive(Select)]` emits: typed checks and conversions per field kind.
#[doc(hidden)]
pub mod glue {
    use super::*;

    pub fn include_one<M, W, S>(rel: Relation<M, W>) -> Include<M>
    where
        M: Model,
        W: SelectOne,
        W::Target: Clone,
        S: Select<Model = W::Target, __Search = NoSearch>,
    {
        rel.query().__with_select::<S>().into()
    }

    pub fn include_optional<M, W, S>(rel: Relation<M, W>) -> Include<M>
    where
        M: Model,
        W: SelectOptional,
        W::Target: Clone,
        S: Select<Model = W::Target, __Search = NoSearch>,
    {
        rel.query().__with_select::<S>().into()
    }

    pub fn include_many<M, W, S>(
        rel: Relation<M, W>,
        shape: impl FnOnce(RelationQuery<M, W>) -> RelationQuery<M, W>,
    ) -> Include<M>
    where
        M: Model,
        W: SelectMany,
        W::Target: Clone,
        S: Select<Model = W::Target, __Search = NoSearch>,
    {
        shape(rel.query()).__with_select::<S>().into()
    }

    /// A to-many relation through a join model: `Post.tags` (`PostTag` rows), each taken to its
    /// `tag`.
    pub fn include_through<M, W, J, S>(
        rel: Relation<M, W>,
        through: Relation<W::Target, J>,
        shape: impl FnOnce(RelationQuery<M, W>) -> RelationQuery<M, W>,
    ) -> Include<M>
    where
        M: Model,
        W: SelectMany,
        W::Target: Clone,
        J: SelectOne,
        J::Target: Clone,
        S: Select<Model = J::Target, __Search = NoSearch>,
    {
        shape(rel.query())
            .include(through.query().__with_select::<S>())
            .into()
    }

    pub fn count<M: Model, C: Into<CountInclude<M>>>(c: C) -> CountInclude<M> {
        c.into()
    }

    fn missing(model: &'static str, field: &'static str) -> Error {
        Error::decode(
            Some(model),
            field,
            "the related row is missing (a foreign key without a constraint?)".into(),
        )
    }

    pub fn take_one<W: SelectOne, S: Select<Model = W::Target>>(
        w: W,
        model: &'static str,
        field: &'static str,
    ) -> Result<S> {
        S::__from_model(
            w.__take().ok_or_else(|| missing(model, field))?,
            &SearchValues::default(),
        )
    }

    pub fn take_optional<W: SelectOptional, S: Select<Model = W::Target>>(
        w: W,
    ) -> Result<Option<S>> {
        w.__take()
            .map(|m| S::__from_model(m, &SearchValues::default()))
            .transpose()
    }

    pub fn take_many<W: SelectMany, S: Select<Model = W::Target>>(w: W) -> Result<Vec<S>> {
        w.__take()
            .into_iter()
            .map(|m| S::__from_model(m, &SearchValues::default()))
            .collect()
    }

    pub fn take_through<W, J, S>(
        w: W,
        through: Relation<W::Target, J>,
        model: &'static str,
        field: &'static str,
    ) -> Result<Vec<S>>
    where
        W: SelectMany,
        J: SelectOne,
        S: Select<Model = J::Target>,
    {
        let slot = through.slot();
        w.__take()
            .into_iter()
            .map(|mut row| {
                let j = std::mem::take(slot(&mut row));
                take_one::<J, S>(j, model, field)
            })
            .collect()
    }

    /// The index of a relevance field, checked to be a full-text index of the select's model.
    pub fn relevance<M: Model>(index: crate::query::FullText<M>) -> &'static IndexDef {
        index.def()
    }

    /// A relevance field's value, the `i`th the select reads.
    pub fn relevance_value(search: &SearchValues, i: usize, field: &'static str) -> Result<f64> {
        search
            .relevance
            .get(i)
            .copied()
            .ok_or_else(|| Error::decode(None, field, "the query read no relevance for it".into()))
    }

    /// The column of a snippet field, checked to be a text column of the select's model.
    pub fn snippet<M: Model, T: crate::__private::TextField + crate::types::FieldType, K>(
        column: crate::model::Column<M, T, K>,
    ) -> &'static ColumnDef {
        crate::query::AnyColumn::column_def(&column)
    }

    /// A snippet field's value, the `i`th the select reads.
    pub fn snippet_value(
        search: &SearchValues,
        i: usize,
        field: &'static str,
    ) -> Result<Option<crate::query::Snippet>> {
        match search.snippets.get(i) {
            Some(s) => Ok(s.clone().map(crate::query::Snippet::from_marked)),
            None => Err(Error::decode(
                None,
                field,
                "the query read no snippet for it".into(),
            )),
        }
    }

    /// Checks that a select field has the type of the model's column.
    pub fn column<M, T, K>(_: crate::model::Column<M, T, K>) {}
}
