//! Static descriptions of relations, read by the query builder, the loaders and the migration engine.

use crate::model::{ColumnDef, ModelDef};

/// How a model refers to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    /// This model holds the foreign key (`Post.author`).
    BelongsTo,
    /// The other model holds a unique foreign key to this one (`User.settings`).
    HasOne,
    /// The other model holds a foreign key to this one (`User.posts`).
    HasMany,
}

/// A referential action for `ON DELETE` / `ON UPDATE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Action {
    /// Delete (or update) the referring rows too.
    Cascade,
    /// Refuse while referring rows exist.
    Restrict,
    /// Refuse while referring rows exist, checked at the end of the statement.
    NoAction,
    /// Set the foreign key to `NULL`.
    SetNull,
    /// Set the foreign key to its default.
    SetDefault,
}

impl Action {
    /// The SQL keywords.
    pub fn sql(self) -> &'static str {
        match self {
            Action::Cascade => "CASCADE",
            Action::Restrict => "RESTRICT",
            Action::NoAction => "NO ACTION",
            Action::SetNull => "SET NULL",
            Action::SetDefault => "SET DEFAULT",
        }
    }
}

/// One relation field of a model. `#[derive(Model)]` emits one per `belongs_to`, `has_one` and
/// `has_many` field.
#[derive(Debug)]
pub struct RelationDef {
    /// The Rust field name.
    pub name: &'static str,
    /// The relation's kind.
    pub kind: RelationKind,
    /// Whether the related row may be absent (a nullable foreign key, or any `has_one`).
    pub optional: bool,
    /// The model declaring the relation.
    pub model: fn() -> &'static ModelDef,
    /// The related model.
    pub target: fn() -> &'static ModelDef,
    /// `BelongsTo`: the foreign-key column on this model. Empty otherwise.
    pub fk: &'static [usize],
    /// `HasOne`/`HasMany`: the `BelongsTo` relation on the target that this relation mirrors.
    pub inverse: Option<fn() -> &'static RelationDef>,
    /// `BelongsTo`: what deleting the referenced row does.
    pub on_delete: Action,
    /// `BelongsTo`: what changing the referenced key does.
    pub on_update: Action,
    /// `BelongsTo`: whether migrations create an index on the foreign key when no index starts with it.
    pub fk_index: bool,
}

impl RelationDef {
    /// The column of the declaring model the relation joins on: the foreign key of a `BelongsTo`,
    /// the referenced key otherwise.
    pub fn source_column(&self) -> &'static ColumnDef {
        let model = (self.model)();
        match self.kind {
            RelationKind::BelongsTo => &model.columns[self.fk[0]],
            RelationKind::HasOne | RelationKind::HasMany => {
                let inv = self.inverse_def();
                &model.columns[(inv.target)().primary_key[0]]
            }
        }
    }

    /// The column of the related model the relation joins on: its key for a `BelongsTo`, its
    /// foreign key otherwise.
    pub fn target_column(&self) -> &'static ColumnDef {
        let target = (self.target)();
        match self.kind {
            RelationKind::BelongsTo => &target.columns[target.primary_key[0]],
            RelationKind::HasOne | RelationKind::HasMany => {
                &target.columns[self.inverse_def().fk[0]]
            }
        }
    }

    /// The mirrored `BelongsTo` of a `HasOne`/`HasMany`.
    pub fn inverse_def(&self) -> &'static RelationDef {
        (self
            .inverse
            .expect("has_one/has_many relations have an inverse"))()
    }

    /// Whether the relation yields many rows.
    pub fn is_many(&self) -> bool {
        self.kind == RelationKind::HasMany
    }

    /// The join between the declaring model (outer) and the related model (inner).
    pub fn link(&self) -> Link {
        Link {
            outer: (self.model)(),
            outer_column: self.source_column(),
            inner: (self.target)(),
            inner_column: self.target_column(),
        }
    }
}

/// A join condition `inner.inner_column = outer.outer_column`, used by relation filters, counts and
/// includes.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    /// The model the condition is written from.
    pub outer: &'static ModelDef,
    /// Its joined column.
    pub outer_column: &'static ColumnDef,
    /// The related model.
    pub inner: &'static ModelDef,
    /// Its joined column.
    pub inner_column: &'static ColumnDef,
}

impl Link {
    /// The same join seen from the other side.
    pub fn reverse(self) -> Link {
        Link {
            outer: self.inner,
            outer_column: self.inner_column,
            inner: self.outer,
            inner_column: self.outer_column,
        }
    }
}
