//! Column changes made by updates: assignments and atomic arithmetic.

pub use crate::ast::Change;
use crate::types::{FieldType, Numeric};

/// The change an update makes to one field: unchanged (the default), a new value, or atomic arithmetic.
///
/// The generated `<Model>Update` struct has one `Patch` per column:
///
/// ```
/// # use orm_runtime::prelude::*;
/// # #[derive(Model, Debug)] struct Post { #[orm(id)] id: i64, title: String, view_count: i32 }
/// let changes = PostUpdate {
///     title: Patch::set("Renamed".to_string()),
///     view_count: Patch::increment(1),
///     ..Default::default()
/// };
/// # let _ = changes;
/// ```
#[derive(Debug, Clone)]
pub struct Patch<T> {
    change: Option<Change>,
    _marker: std::marker::PhantomData<fn() -> T>,
}

impl<T> Default for Patch<T> {
    fn default() -> Self {
        Patch::keep()
    }
}

impl<T> Patch<T> {
    /// Leaves the field unchanged.
    pub fn keep() -> Self {
        Patch {
            change: None,
            _marker: std::marker::PhantomData,
        }
    }

    fn with(change: Change) -> Self {
        Patch {
            change: Some(change),
            _marker: std::marker::PhantomData,
        }
    }

    /// The change, if any.
    pub fn into_change(self) -> Option<Change> {
        self.change
    }
}

impl<T: FieldType> Patch<T> {
    /// Sets the field to `value`.
    pub fn set(value: impl crate::types::IntoValue<T>) -> Self {
        Patch::with(Change::Set(value.into_value()))
    }
}

impl<T: FieldType + Numeric> Patch<T> {
    /// Adds `by` atomically (`col = col + by`).
    pub fn increment(by: T::Scalar) -> Self {
        Patch::with(Change::Increment(crate::types::Scalar::into_value(by)))
    }
    /// Subtracts `by` atomically.
    pub fn decrement(by: T::Scalar) -> Self {
        Patch::with(Change::Decrement(crate::types::Scalar::into_value(by)))
    }
    /// Multiplies by `by` atomically.
    pub fn multiply(by: T::Scalar) -> Self {
        Patch::with(Change::Multiply(crate::types::Scalar::into_value(by)))
    }
    /// Divides by `by` atomically.
    pub fn divide(by: T::Scalar) -> Self {
        Patch::with(Change::Divide(crate::types::Scalar::into_value(by)))
    }
}

impl<T: FieldType> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::with(Change::Set(value.into_value()))
    }
}
