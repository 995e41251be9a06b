//! The field types that hold a relation on a model struct: [`BelongsTo`], [`HasOne`], [`HasMany`].
//!
//! A relation is not loaded unless the query asked for it (`include`); an unloaded relation is
//! distinguishable from an empty one.

use serde::{Serialize, Serializer};

use super::def::RelationKind;
use crate::model::Model;

/// The many side of a one-to-many relation: `User.posts: HasMany<Post>`.
///
/// Holds the related rows when the query included them, and the relation's count when it asked for it
/// (`with_count`). Serializes as the list of rows, or `null` when not loaded.
pub struct HasMany<T> {
    items: Option<Vec<T>>,
    count: Option<i64>,
}

impl<T> Default for HasMany<T> {
    fn default() -> Self {
        HasMany {
            items: None,
            count: None,
        }
    }
}

impl<T> HasMany<T> {
    /// A loaded relation holding `items`.
    pub fn loaded(items: Vec<T>) -> Self {
        HasMany {
            items: Some(items),
            count: None,
        }
    }

    /// The related rows, or `None` when the query did not include them.
    pub fn get(&self) -> Option<&[T]> {
        self.items.as_deref()
    }

    /// Whether the query included the relation.
    pub fn is_loaded(&self) -> bool {
        self.items.is_some()
    }

    /// The loaded rows (none when not loaded).
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.as_deref().unwrap_or(&[]).iter()
    }

    /// The relation's count (Prisma's `_count`), when the query asked for it with `with_count`.
    ///
    /// It counts every related row matching the count's filter, independently of any `take` on an
    /// include of the same relation.
    pub fn count(&self) -> Option<i64> {
        self.count
    }

    /// Takes the loaded rows out (an empty list when not loaded).
    pub fn into_vec(self) -> Vec<T> {
        self.items.unwrap_or_default()
    }

    #[doc(hidden)]
    pub fn __set_count(&mut self, n: i64) {
        self.count = Some(n);
    }
}

impl<'a, T> IntoIterator for &'a HasMany<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Clone> Clone for HasMany<T> {
    fn clone(&self) -> Self {
        HasMany {
            items: self.items.clone(),
            count: self.count,
        }
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for HasMany<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.items, self.count) {
            (None, None) => f.write_str("NotLoaded"),
            (items, count) => {
                let mut d = f.debug_struct("HasMany");
                if let Some(items) = items {
                    d.field("items", items);
                }
                if let Some(count) = count {
                    d.field("count", &count);
                }
                d.finish()
            }
        }
    }
}

impl<T: PartialEq> PartialEq for HasMany<T> {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items && self.count == other.count
    }
}

impl<T: Serialize> Serialize for HasMany<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(s)
    }
}

/// The optional single side of a one-to-one relation whose foreign key is on the other model:
/// `User.settings: HasOne<UserSettings>`. Serializes as the row, or `null`.
pub struct HasOne<T> {
    value: Option<Option<Box<T>>>,
}

impl<T> Default for HasOne<T> {
    fn default() -> Self {
        HasOne { value: None }
    }
}

impl<T> HasOne<T> {
    /// A loaded relation (`None`: there is no related row).
    pub fn loaded(value: Option<T>) -> Self {
        HasOne {
            value: Some(value.map(Box::new)),
        }
    }

    /// The related row; `None` when there is none or the query did not include it
    /// (see [`is_loaded`](HasOne::is_loaded)).
    pub fn get(&self) -> Option<&T> {
        self.value.as_ref().and_then(|v| v.as_deref())
    }

    /// Whether the query included the relation.
    pub fn is_loaded(&self) -> bool {
        self.value.is_some()
    }

    /// Takes the related row out.
    pub fn into_inner(self) -> Option<T> {
        self.value.flatten().map(|b| *b)
    }
}

impl<T: Clone> Clone for HasOne<T> {
    fn clone(&self) -> Self {
        HasOne {
            value: self.value.clone(),
        }
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for HasOne<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.value {
            None => f.write_str("NotLoaded"),
            Some(v) => v.fmt(f),
        }
    }
}

impl<T: PartialEq> PartialEq for HasOne<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Serialize> Serialize for HasOne<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(s)
    }
}

/// The side of a relation holding the foreign key: `Post.author: BelongsTo<User>`, or
/// `Post.category: BelongsTo<Option<Category>>` when the foreign key is nullable.
/// Serializes as the row, or `null`.
pub struct BelongsTo<T> {
    value: Option<Box<T>>,
}

impl<T> Default for BelongsTo<T> {
    fn default() -> Self {
        BelongsTo { value: None }
    }
}

impl<T> BelongsTo<T> {
    /// A loaded relation.
    pub fn loaded(value: T) -> Self {
        BelongsTo {
            value: Some(Box::new(value)),
        }
    }

    /// Whether the query included the relation.
    pub fn is_loaded(&self) -> bool {
        self.value.is_some()
    }

    /// The loaded value exactly as declared (`&User`, or `&Option<Category>`).
    pub fn value(&self) -> Option<&T> {
        self.value.as_deref()
    }
}

impl<T: ToOneTarget> BelongsTo<T> {
    /// The related row; `None` when the foreign key is `NULL` or the query did not include it
    /// (see [`is_loaded`](BelongsTo::is_loaded)).
    pub fn get(&self) -> Option<&T::Model> {
        self.value.as_deref().and_then(ToOneTarget::as_model)
    }

    /// Takes the related row out.
    pub fn into_inner(self) -> Option<T::Model> {
        self.value.and_then(|b| (*b).into_model())
    }
}

impl<T: Clone> Clone for BelongsTo<T> {
    fn clone(&self) -> Self {
        BelongsTo {
            value: self.value.clone(),
        }
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for BelongsTo<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.value {
            None => f.write_str("NotLoaded"),
            Some(v) => v.fmt(f),
        }
    }
}

impl<T: PartialEq> PartialEq for BelongsTo<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Serialize> Serialize for BelongsTo<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

/// What a [`BelongsTo`] may point at: a model, or `Option` of one for a nullable foreign key.
#[diagnostic::on_unimplemented(
    message = "`BelongsTo<{Self}>` must point at a model or an `Option` of one",
    note = "write `BelongsTo<User>`, or `BelongsTo<Option<User>>` when the foreign key is nullable"
)]
pub trait ToOneTarget: Send + Sync + 'static {
    /// The related model.
    type Model: Model;
    /// Whether the relation may be absent.
    const OPTIONAL: bool;
    #[doc(hidden)]
    fn as_model(&self) -> Option<&Self::Model>;
    #[doc(hidden)]
    fn into_model(self) -> Option<Self::Model>;
    #[doc(hidden)]
    fn from_model(m: Option<Self::Model>) -> Option<Self>
    where
        Self: Sized;
}

impl<M: Model> ToOneTarget for M {
    type Model = M;
    const OPTIONAL: bool = false;
    fn as_model(&self) -> Option<&M> {
        Some(self)
    }
    fn into_model(self) -> Option<M> {
        Some(self)
    }
    fn from_model(m: Option<M>) -> Option<M> {
        m
    }
}

impl<M: Model> ToOneTarget for Option<M> {
    type Model = M;
    const OPTIONAL: bool = true;
    fn as_model(&self) -> Option<&M> {
        self.as_ref()
    }
    fn into_model(self) -> Option<M> {
        self
    }
    fn from_model(m: Option<M>) -> Option<Option<M>> {
        Some(m)
    }
}

/// A relation field type: [`BelongsTo`], [`HasOne`] or [`HasMany`] of a model.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a relation field",
    note = "relation fields are `BelongsTo<T>`, `BelongsTo<Option<T>>`, `HasOne<T>` or `HasMany<T>` of a model `T`"
)]
pub trait RelationField: Default + Send + Sync + 'static {
    /// The related model.
    type Target: Model;
    /// The relation kind this field type holds.
    const KIND: RelationKind;
    /// Whether the related row may be absent.
    const OPTIONAL: bool;
    #[doc(hidden)]
    fn __load(&mut self, rows: Vec<Self::Target>);
}

impl<T: Model> RelationField for HasMany<T> {
    type Target = T;
    const KIND: RelationKind = RelationKind::HasMany;
    const OPTIONAL: bool = true;
    fn __load(&mut self, rows: Vec<T>) {
        self.items = Some(rows);
    }
}

impl<T: Model> RelationField for HasOne<T> {
    type Target = T;
    const KIND: RelationKind = RelationKind::HasOne;
    const OPTIONAL: bool = true;
    fn __load(&mut self, rows: Vec<T>) {
        self.value = Some(rows.into_iter().next().map(Box::new));
    }
}

impl<T: ToOneTarget> RelationField for BelongsTo<T> {
    type Target = T::Model;
    const KIND: RelationKind = RelationKind::BelongsTo;
    const OPTIONAL: bool = T::OPTIONAL;
    fn __load(&mut self, rows: Vec<T::Model>) {
        self.value = T::from_model(rows.into_iter().next()).map(Box::new);
    }
}

/// A to-many relation ([`HasMany`]): what `some`, `every`, `none` and relation counts need.
#[diagnostic::on_unimplemented(
    message = "this needs a to-many relation, and `{Self}` holds at most one row",
    note = "`some`, `every`, `none`, `count` and `with_count` apply to `HasMany` relations; use `is` / `is_not` on a to-one relation"
)]
pub trait ToMany: RelationField {
    #[doc(hidden)]
    fn __set_count(&mut self, n: i64);
}

impl<T: Model> ToMany for HasMany<T> {
    fn __set_count(&mut self, n: i64) {
        HasMany::__set_count(self, n)
    }
}

/// A to-one relation ([`BelongsTo`] or [`HasOne`]): what `is`, `is_not` and ordering by a related
/// field need.
#[diagnostic::on_unimplemented(
    message = "this needs a to-one relation, and `{Self}` holds many rows",
    note = "`is`, `is_not` and `field` apply to `BelongsTo` and `HasOne` relations; use `some` / `every` / `none` on a to-many relation"
)]
pub trait ToOne: RelationField {}

impl<T: Model> ToOne for HasOne<T> {}
impl<T: ToOneTarget> ToOne for BelongsTo<T> {}
