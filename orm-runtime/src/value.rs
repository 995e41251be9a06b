//! Dynamically typed bind values.
//!
//! Every value that reaches SQL goes through [`Value`] and is sent as a bind parameter, never spliced
//! into the statement text.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::types::ScalarKind;

/// A value bound to a statement parameter.
///
/// A `Null` remembers the kind of column it stands for, because PostgreSQL types every parameter.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// SQL `NULL` for a column of the given kind.
    Null(ScalarKind),
    /// `BOOLEAN`.
    Bool(bool),
    /// 16-bit integer.
    I16(i16),
    /// 32-bit integer.
    I32(i32),
    /// 64-bit integer.
    I64(i64),
    /// 32-bit float.
    F32(f32),
    /// 64-bit float.
    F64(f64),
    /// Exact decimal.
    Decimal(Decimal),
    /// Text.
    String(String),
    /// Binary data.
    Bytes(Vec<u8>),
    /// UUID.
    Uuid(Uuid),
    /// Instant in time, stored in UTC.
    DateTime(DateTime<Utc>),
    /// Date and time without a time zone.
    NaiveDateTime(NaiveDateTime),
    /// Calendar date.
    Date(NaiveDate),
    /// Time of day.
    Time(NaiveTime),
    /// JSON document.
    Json(serde_json::Value),
    /// A variant of a [`DbEnum`](crate::DbEnum): the database type name and the variant's database name.
    Enum {
        /// The enum's database type name.
        type_name: &'static str,
        /// The variant's database name.
        value: &'static str,
    },
}

impl Value {
    /// Whether this is SQL `NULL`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null(_))
    }
}
