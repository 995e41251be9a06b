//! The Rust types a model field may have, and how each maps to a column on every backend.
//!
//! | Rust | PostgreSQL | MySQL / MariaDB | SQLite |
//! |---|---|---|---|
//! | `bool` | `BOOLEAN` | `BOOLEAN` | `INTEGER` |
//! | `i16` / `i32` / `i64` | `SMALLINT` / `INTEGER` / `BIGINT` | `SMALLINT` / `INT` / `BIGINT` | `INTEGER` |
//! | `f32` / `f64` | `REAL` / `DOUBLE PRECISION` | `FLOAT` / `DOUBLE` | `REAL` |
//! | `String` | `TEXT` | `VARCHAR(191)` | `TEXT` |
//! | `Vec<u8>` | `BYTEA` | `LONGBLOB` | `BLOB` |
//! | `rust_decimal::Decimal` | `NUMERIC(65,30)` | `DECIMAL(65,30)` | `TEXT` |
//! | `uuid::Uuid` | `UUID` | `CHAR(36)` | `TEXT` |
//! | `chrono::DateTime<Utc>` | `TIMESTAMPTZ` | `DATETIME(6)` | `TEXT` (`YYYY-MM-DD HH:MM:SS.ffffff`) |
//! | `chrono::NaiveDateTime` | `TIMESTAMP` | `DATETIME(6)` | `TEXT` |
//! | `chrono::NaiveDate` | `DATE` | `DATE` | `TEXT` |
//! | `chrono::NaiveTime` | `TIME` | `TIME(6)` | `TEXT` |
//! | `serde_json::Value`, [`Json<T>`] | `JSONB` | `JSON` | `TEXT` |
//! | a [`DbEnum`] | enum type | `ENUM(...)` | `TEXT` |
//! | `Option<T>` | nullable `T` | nullable `T` | nullable `T` |
//!
//! `#[orm(db_type = "...")]` on a field overrides the column type in generated DDL.
//!
//! A value a backend's column cannot hold is refused with
//! [`Error::InvalidValue`](crate::Error::InvalidValue) before anything is written — never stored
//! altered or as `NULL`: NaN on SQLite and MySQL, ±infinity on MySQL, NUL characters in PostgreSQL
//! text and JSON, dates outside 1000–9999 on MySQL and 0–9999 on SQLite, and on every backend
//! date-times with digits past the microsecond (every backend stores microseconds). Decimals read
//! back normalised (`1.50` as `1.5`). The crate README lists every limit.

pub(crate) mod decode;
mod json;

pub use decode::RowRef;
pub use json::Json;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::value::Value;
pub use crate::value::{EnumDef, ScalarKind};

/// The error a decoder reports for one column.
pub type DecodeError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A non-nullable column type: how it binds and how it decodes on every backend.
///
/// Implemented for the types in the [module table](self) and by `#[derive(DbEnum)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a column",
    note = "supported: bool, i16, i32, i64, f32, f64, String, Vec<u8>, Decimal, Uuid, chrono date-times, serde_json::Value, Json<T>, and #[derive(DbEnum)] enums; wrap in Option<_> for a nullable column"
)]
pub trait Scalar: Sized + Send + Sync + 'static {
    /// The column kind.
    const KIND: ScalarKind;
    /// Converts into a bind value.
    fn into_value(self) -> Value;
    /// Converts a borrowed value into a bind value.
    fn to_value(&self) -> Value;
    /// Decodes a non-null value at `index`.
    fn decode(row: RowRef<'_>, index: usize) -> Result<Self, DecodeError>;
}

/// The type of a model field that is a column: a [`Scalar`] or an `Option` of one (nullable).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the type of a model column",
    note = "supported: bool, i16, i32, i64, f32, f64, String, Vec<u8>, Decimal, Uuid, chrono date-times, serde_json::Value, Json<T>, #[derive(DbEnum)] enums, and Option of any of these"
)]
pub trait FieldType: Sized + Send + Sync + 'static {
    /// The non-nullable column type.
    type Scalar: Scalar;
    /// Whether the column accepts `NULL`.
    const NULLABLE: bool;
    /// Converts into a bind value.
    fn into_value(self) -> Value;
    /// Converts a borrowed value into a bind value.
    fn to_value(&self) -> Value;
    /// Decodes the value at `index`.
    fn decode(row: RowRef<'_>, index: usize) -> Result<Self, DecodeError>;
}

impl<S: Scalar> FieldType for Option<S> {
    type Scalar = S;
    const NULLABLE: bool = true;
    fn into_value(self) -> Value {
        match self {
            Some(v) => v.into_value(),
            None => Value::Null(S::KIND),
        }
    }
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null(S::KIND),
        }
    }
    fn decode(row: RowRef<'_>, index: usize) -> Result<Self, DecodeError> {
        if row.is_null(index)? {
            Ok(None)
        } else {
            S::decode(row, index).map(Some)
        }
    }
}

/// Implements [`FieldType`] for a [`Scalar`] (the non-nullable case). `#[derive(DbEnum)]` emits it too.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_field_type_for_scalar {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::types::FieldType for $t {
            type Scalar = $t;
            const NULLABLE: bool = false;
            #[inline]
            fn into_value(self) -> $crate::Value { $crate::types::Scalar::into_value(self) }
            #[inline]
            fn to_value(&self) -> $crate::Value { $crate::types::Scalar::to_value(self) }
            #[inline]
            fn decode(row: $crate::types::RowRef<'_>, index: usize)
                -> ::core::result::Result<Self, $crate::types::DecodeError> {
                // PostgreSQL, MySQL and JSON decoders refuse NULL themselves, so the check costs a
                // second column lookup only on SQLite (which would read NULL as 0 or "").
                if row.__decodes_null_silently() && row.is_null(index)? {
                    return ::core::result::Result::Err(
                        ::core::convert::From::from("unexpected NULL in a non-nullable column"),
                    );
                }
                match <$t as $crate::types::Scalar>::decode(row, index) {
                    ::core::result::Result::Ok(v) => ::core::result::Result::Ok(v),
                    ::core::result::Result::Err(e) if row.is_null(index).unwrap_or(false) => {
                        let _ = e;
                        ::core::result::Result::Err(::core::convert::From::from(
                            "unexpected NULL in a non-nullable column",
                        ))
                    }
                    ::core::result::Result::Err(e) => ::core::result::Result::Err(e),
                }
            }
        }
    )*};
}

macro_rules! copy_scalar {
    ($($t:ty => $kind:ident, $decode:ident;)*) => {$(
        impl Scalar for $t {
            const KIND: ScalarKind = ScalarKind::$kind;
            #[inline]
            fn into_value(self) -> Value { Value::$kind(self) }
            #[inline]
            fn to_value(&self) -> Value { Value::$kind(*self) }
            #[inline]
            fn decode(row: RowRef<'_>, index: usize) -> Result<Self, DecodeError> { row.$decode(index) }
        }
        __impl_field_type_for_scalar!($t);
    )*};
}

copy_scalar! {
    bool => Bool, native;
    i16 => I16, native;
    i32 => I32, native;
    i64 => I64, native;
    f32 => F32, native;
    f64 => F64, native;
    Decimal => Decimal, decimal;
    Uuid => Uuid, uuid;
    DateTime<Utc> => DateTime, datetime;
    NaiveDateTime => NaiveDateTime, naive_datetime;
    NaiveDate => Date, date;
    NaiveTime => Time, time;
}

impl Scalar for String {
    const KIND: ScalarKind = ScalarKind::String;
    #[inline]
    fn into_value(self) -> Value {
        Value::String(self)
    }
    #[inline]
    fn to_value(&self) -> Value {
        Value::String(self.clone())
    }
    #[inline]
    fn decode(row: RowRef<'_>, index: usize) -> Result<Self, DecodeError> {
        row.native(index)
    }
}

impl Scalar for Vec<u8> {
    const KIND: ScalarKind = ScalarKind::Bytes;
    #[inline]
    fn into_value(self) -> Value {
        Value::Bytes(self)
    }
    #[inline]
    fn to_value(&self) -> Value {
        Value::Bytes(self.clone())
    }
    #[inline]
    fn decode(row: RowRef<'_>, index: usize) -> Result<Self, DecodeError> {
        row.native(index)
    }
}

impl Scalar for serde_json::Value {
    const KIND: ScalarKind = ScalarKind::Json;
    fn into_value(self) -> Value {
        Value::Json(self)
    }
    fn to_value(&self) -> Value {
        Value::Json(self.clone())
    }
    fn decode(row: RowRef<'_>, index: usize) -> Result<Self, DecodeError> {
        row.json(index)
    }
}

__impl_field_type_for_scalar!(String, Vec<u8>, serde_json::Value);

/// A Rust value that can stand where a value of a column of type `T` is expected: in a filter,
/// an assignment or a default.
///
/// `T` itself, `&T`, `&str` for text columns, and for a nullable column `Option<T>` as well as the bare
/// inner value.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a value of a `{T}` column",
    label = "expected a value of type `{T}` here",
    note = "a column of type `{T}` accepts `{T}`, a reference to it, and for text columns `&str`"
)]
pub trait IntoValue<T: FieldType> {
    /// Converts into a bind value.
    fn into_value(self) -> Value;
}

impl<T: FieldType> IntoValue<T> for T {
    #[inline]
    fn into_value(self) -> Value {
        FieldType::into_value(self)
    }
}

impl<T: FieldType> IntoValue<T> for &T {
    #[inline]
    fn into_value(self) -> Value {
        FieldType::to_value(self)
    }
}

impl<S: Scalar> IntoValue<Option<S>> for S {
    #[inline]
    fn into_value(self) -> Value {
        Scalar::into_value(self)
    }
}

impl<S: Scalar> IntoValue<Option<S>> for &S {
    #[inline]
    fn into_value(self) -> Value {
        Scalar::to_value(self)
    }
}

impl IntoValue<String> for &str {
    #[inline]
    fn into_value(self) -> Value {
        Value::String(self.to_owned())
    }
}

impl IntoValue<Option<String>> for &str {
    #[inline]
    fn into_value(self) -> Value {
        Value::String(self.to_owned())
    }
}

impl IntoValue<Vec<u8>> for &[u8] {
    #[inline]
    fn into_value(self) -> Value {
        Value::Bytes(self.to_vec())
    }
}

/// Column types with an order: `lt`, `gt` and friends accept them.
#[diagnostic::on_unimplemented(
    message = "a `{Self}` column has no order to compare with `lt`/`gt`",
    note = "ordered comparisons work on numbers, text, decimals, UUIDs and dates"
)]
pub trait Ordered {}

/// Numeric column types: `increment`, `decrement`, `multiply` and `divide` accept them.
#[diagnostic::on_unimplemented(
    message = "a `{Self}` column is not numeric",
    note = "atomic arithmetic works on i16, i32, i64, f32, f64 and Decimal columns (nullable or not)"
)]
pub trait Numeric {}

/// Text column types: `contains`, `starts_with` and `ends_with` accept them.
#[diagnostic::on_unimplemented(
    message = "a `{Self}` column is not text",
    note = "`contains`, `starts_with` and `ends_with` work on String columns"
)]
pub trait Text {}

macro_rules! marker {
    ($tr:ident: $($t:ty),*) => {$( impl $tr for $t {} impl $tr for Option<$t> {} )*};
}
marker!(Ordered: i16, i32, i64, f32, f64, Decimal, String, Uuid, DateTime<Utc>, NaiveDateTime, NaiveDate, NaiveTime);
marker!(Numeric: i16, i32, i64, f32, f64, Decimal);
marker!(Text: String);

/// A fieldless enum stored as a database enum. Implemented by `#[derive(DbEnum)]`, which needs the
/// enum to also derive `Clone` and `Copy` (values are copied into filters and bind lists).
pub trait DbEnum: Scalar + Copy {
    /// The enum's description.
    const DEF: &'static EnumDef;
    /// This variant's database name.
    fn db_name(&self) -> &'static str;
    /// The variant with a database name.
    fn from_db_name(name: &str) -> Option<Self>;
}
