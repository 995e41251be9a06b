//! Dynamically typed bind values.
//!
//! Every value that reaches SQL goes through [`Value`] and is sent as a bind parameter, never spliced
//! into the statement text.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

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
    /// A list of keys bound as one PostgreSQL array (`col = ANY($1)`); built by the SQL writer only.
    #[doc(hidden)]
    Array(KeyArray),
    /// A Rust value with no database form (a `Json<T>` serde cannot write): refused with
    /// [`Error::InvalidValue`](crate::Error::InvalidValue) before a statement is sent.
    #[doc(hidden)]
    Invalid(String),
}

/// A homogeneous list of values, bound as one PostgreSQL array.
#[doc(hidden)]
#[derive(Clone, Debug, PartialEq)]
pub enum KeyArray {
    /// `BOOLEAN[]`.
    Bool(Vec<bool>),
    /// `SMALLINT[]`.
    I16(Vec<i16>),
    /// `INTEGER[]`.
    I32(Vec<i32>),
    /// `BIGINT[]`.
    I64(Vec<i64>),
    /// `REAL[]`.
    F32(Vec<f32>),
    /// `DOUBLE PRECISION[]`.
    F64(Vec<f64>),
    /// `NUMERIC[]`.
    Decimal(Vec<Decimal>),
    /// `TEXT[]` (also enum values, cast to the enum's array type in SQL).
    String(Vec<String>),
    /// `BYTEA[]`.
    Bytes(Vec<Vec<u8>>),
    /// `UUID[]`.
    Uuid(Vec<Uuid>),
    /// `TIMESTAMPTZ[]`.
    DateTime(Vec<DateTime<Utc>>),
    /// `TIMESTAMP[]`.
    NaiveDateTime(Vec<NaiveDateTime>),
    /// `DATE[]`.
    Date(Vec<NaiveDate>),
    /// `TIME[]`.
    Time(Vec<NaiveTime>),
    /// `JSONB[]`.
    Json(Vec<serde_json::Value>),
}

impl KeyArray {
    /// The values as one array when they are all non-null and of one kind (enum values as text).
    pub(crate) fn from_values<'a>(values: impl IntoIterator<Item = &'a Value>) -> Option<KeyArray> {
        let mut values = values.into_iter().peekable();
        macro_rules! collect {
            ($variant:ident) => {
                values
                    .map(|v| match v {
                        Value::$variant(x) => Some(x.clone()),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()
                    .map(KeyArray::$variant)
            };
        }
        match values.peek()? {
            Value::Bool(_) => collect!(Bool),
            Value::I16(_) => collect!(I16),
            Value::I32(_) => collect!(I32),
            Value::I64(_) => collect!(I64),
            Value::F32(_) => collect!(F32),
            Value::F64(_) => collect!(F64),
            Value::Decimal(_) => collect!(Decimal),
            Value::String(_) => collect!(String),
            Value::Bytes(_) => collect!(Bytes),
            Value::Uuid(_) => collect!(Uuid),
            Value::DateTime(_) => collect!(DateTime),
            Value::NaiveDateTime(_) => collect!(NaiveDateTime),
            Value::Date(_) => collect!(Date),
            Value::Time(_) => collect!(Time),
            Value::Json(_) => collect!(Json),
            Value::Enum { .. } => values
                .map(|v| match v {
                    Value::Enum { value, .. } => Some((*value).to_owned()),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
                .map(KeyArray::String),
            Value::Null(_) | Value::Array(_) | Value::Invalid(_) => None,
        }
    }
}

impl Value {
    /// Whether this is SQL `NULL`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null(_))
    }
}

/// The kind of a column, independent of nullability.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ScalarKind {
    /// `bool`
    Bool,
    /// `i16`
    I16,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `rust_decimal::Decimal`
    Decimal,
    /// `String`
    String,
    /// `Vec<u8>`
    Bytes,
    /// `uuid::Uuid`
    Uuid,
    /// `chrono::DateTime<Utc>`
    DateTime,
    /// `chrono::NaiveDateTime`
    NaiveDateTime,
    /// `chrono::NaiveDate`
    Date,
    /// `chrono::NaiveTime`
    Time,
    /// JSON
    Json,
    /// A database enum.
    Enum(&'static EnumDef),
}

impl ScalarKind {
    /// Whether values of this kind are numbers (the kinds `increment` and friends accept).
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            ScalarKind::I16
                | ScalarKind::I32
                | ScalarKind::I64
                | ScalarKind::F32
                | ScalarKind::F64
                | ScalarKind::Decimal
        )
    }
}

/// Describes a [`DbEnum`]: its database type name and its variants' database names.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct EnumDef {
    /// The Rust type's name.
    pub rust_name: &'static str,
    /// The database type name (a PostgreSQL enum type; informative elsewhere).
    pub db_name: &'static str,
    /// The variants' database names, in declaration order.
    pub variants: &'static [&'static str],
}
