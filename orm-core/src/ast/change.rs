//! Column changes as data: what an update does to one column.

use crate::value::Value;

/// One change to a column's value.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Change {
    /// `col = value`
    Set(Value),
    /// `col = col + value`
    Increment(Value),
    /// `col = col - value`
    Decrement(Value),
    /// `col = col * value`
    Multiply(Value),
    /// `col = col / value`
    Divide(Value),
}
