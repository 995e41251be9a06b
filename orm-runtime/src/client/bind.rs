//! Turning [`Value`]s into each driver's arguments.

use sqlx::Arguments;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::mysql::MySqlArguments;
use sqlx::postgres::{PgArgumentBuffer, PgArguments, PgTypeInfo, Postgres};
use sqlx::sqlite::SqliteArguments;

use crate::error::Error;
use crate::types::ScalarKind;
use crate::types::decode::{SQLITE_DATE, SQLITE_DATETIME, SQLITE_TIME};
use crate::value::{KeyArray, Value};

/// A PostgreSQL enum value: sent as text, typed as the enum so no cast is needed in SQL.
struct PgEnum {
    type_name: &'static str,
    value: Option<&'static str>,
}

impl sqlx::Type<Postgres> for PgEnum {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_name("text")
    }
}

impl sqlx::Encode<'_, Postgres> for PgEnum {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        match self.value {
            Some(v) => <&str as sqlx::Encode<Postgres>>::encode_by_ref(&v, buf),
            None => Ok(IsNull::Yes),
        }
    }
    fn produces(&self) -> Option<PgTypeInfo> {
        Some(PgTypeInfo::with_name(quoted_type_name(self.type_name)))
    }
}

/// `"TypeName"`: sqlx looks types up by name with `to_regtype`, which folds an unquoted name to
/// lower case (`NotificationType` would not be found). Interned: one leaked string per enum type.
fn quoted_type_name(name: &'static str) -> &'static str {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashMap<&'static str, &'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    names
        .entry(name)
        .or_insert_with(|| Box::leak(format!("\"{}\"", name.replace('"', "\"\"")).into_boxed_str()))
}

fn not_postgres() -> Error {
    Error::InvalidQuery("array binds are PostgreSQL-only".into())
}

fn bind_err(e: BoxDynError) -> Error {
    Error::InvalidQuery(format!("cannot bind a value: {e}"))
}

pub(crate) fn postgres(binds: Vec<Value>) -> Result<PgArguments, Error> {
    let mut a = PgArguments::default();
    a.reserve(binds.len(), binds.len() * 8);
    for v in binds {
        match v {
            Value::Null(kind) => match kind {
                ScalarKind::Bool => a.add(None::<bool>),
                ScalarKind::I16 => a.add(None::<i16>),
                ScalarKind::I32 => a.add(None::<i32>),
                ScalarKind::I64 => a.add(None::<i64>),
                ScalarKind::F32 => a.add(None::<f32>),
                ScalarKind::F64 => a.add(None::<f64>),
                ScalarKind::Decimal => a.add(None::<rust_decimal::Decimal>),
                ScalarKind::String => a.add(None::<String>),
                ScalarKind::Bytes => a.add(None::<Vec<u8>>),
                ScalarKind::Uuid => a.add(None::<uuid::Uuid>),
                ScalarKind::DateTime => a.add(None::<chrono::DateTime<chrono::Utc>>),
                ScalarKind::NaiveDateTime => a.add(None::<chrono::NaiveDateTime>),
                ScalarKind::Date => a.add(None::<chrono::NaiveDate>),
                ScalarKind::Time => a.add(None::<chrono::NaiveTime>),
                ScalarKind::Json => a.add(None::<sqlx::types::Json<serde_json::Value>>),
                ScalarKind::Enum(def) => a.add(PgEnum {
                    type_name: def.db_name,
                    value: None,
                }),
            },
            Value::Bool(v) => a.add(v),
            Value::I16(v) => a.add(v),
            Value::I32(v) => a.add(v),
            Value::I64(v) => a.add(v),
            Value::F32(v) => a.add(v),
            Value::F64(v) => a.add(v),
            Value::Decimal(v) => a.add(v),
            Value::String(v) => a.add(v),
            Value::Bytes(v) => a.add(v),
            Value::Uuid(v) => a.add(v),
            Value::DateTime(v) => a.add(v),
            Value::NaiveDateTime(v) => a.add(v),
            Value::Date(v) => a.add(v),
            Value::Time(v) => a.add(v),
            Value::Json(v) => a.add(sqlx::types::Json(v)),
            Value::Enum { type_name, value } => a.add(PgEnum {
                type_name,
                value: Some(value),
            }),
            Value::Invalid(reason) => return Err(Error::InvalidQuery(reason)),
            Value::Array(arr) => match arr {
                KeyArray::Bool(v) => a.add(v),
                KeyArray::I16(v) => a.add(v),
                KeyArray::I32(v) => a.add(v),
                KeyArray::I64(v) => a.add(v),
                KeyArray::F32(v) => a.add(v),
                KeyArray::F64(v) => a.add(v),
                KeyArray::Decimal(v) => a.add(v),
                KeyArray::String(v) => a.add(v),
                KeyArray::Bytes(v) => a.add(v),
                KeyArray::Uuid(v) => a.add(v),
                KeyArray::DateTime(v) => a.add(v),
                KeyArray::NaiveDateTime(v) => a.add(v),
                KeyArray::Date(v) => a.add(v),
                KeyArray::Time(v) => a.add(v),
                KeyArray::Json(v) => {
                    a.add(v.into_iter().map(sqlx::types::Json).collect::<Vec<_>>())
                }
            },
        }
        .map_err(bind_err)?;
    }
    Ok(a)
}

pub(crate) fn mysql(binds: Vec<Value>) -> Result<MySqlArguments, Error> {
    let mut a = MySqlArguments::default();
    for v in binds {
        match v {
            Value::Null(kind) => match kind {
                ScalarKind::Bool => a.add(None::<bool>),
                ScalarKind::I16 => a.add(None::<i16>),
                ScalarKind::I32 => a.add(None::<i32>),
                ScalarKind::I64 => a.add(None::<i64>),
                ScalarKind::F32 => a.add(None::<f32>),
                ScalarKind::F64 => a.add(None::<f64>),
                ScalarKind::Decimal => a.add(None::<rust_decimal::Decimal>),
                ScalarKind::Bytes => a.add(None::<Vec<u8>>),
                ScalarKind::DateTime | ScalarKind::NaiveDateTime => {
                    a.add(None::<chrono::NaiveDateTime>)
                }
                ScalarKind::Date => a.add(None::<chrono::NaiveDate>),
                ScalarKind::Time => a.add(None::<chrono::NaiveTime>),
                ScalarKind::String | ScalarKind::Uuid | ScalarKind::Json | ScalarKind::Enum(_) => {
                    a.add(None::<String>)
                }
            },
            Value::Bool(v) => a.add(v),
            Value::I16(v) => a.add(v),
            Value::I32(v) => a.add(v),
            Value::I64(v) => a.add(v),
            Value::F32(v) => a.add(v),
            Value::F64(v) => a.add(v),
            Value::Decimal(v) => a.add(v),
            Value::String(v) => a.add(v),
            Value::Bytes(v) => a.add(v),
            Value::Uuid(v) => a.add(v.hyphenated().to_string()),
            // As the column's DATETIME: sqlx would send a TIMESTAMP, which the server turns into
            // NULL outside 1970..2038.
            Value::DateTime(v) => a.add(v.naive_utc()),
            Value::NaiveDateTime(v) => a.add(v),
            Value::Date(v) => a.add(v),
            Value::Time(v) => a.add(v),
            Value::Json(v) => a.add(v.to_string()),
            Value::Enum { value, .. } => a.add(value),
            Value::Array(_) => return Err(not_postgres()),
            Value::Invalid(reason) => return Err(Error::InvalidQuery(reason)),
        }
        .map_err(bind_err)?;
    }
    Ok(a)
}

pub(crate) fn sqlite(binds: Vec<Value>) -> Result<SqliteArguments, Error> {
    let mut a = SqliteArguments::default();
    for v in binds {
        match v {
            Value::Null(kind) => match kind {
                ScalarKind::Bool => a.add(None::<bool>),
                ScalarKind::I16 | ScalarKind::I32 | ScalarKind::I64 => a.add(None::<i64>),
                ScalarKind::F32 | ScalarKind::F64 => a.add(None::<f64>),
                ScalarKind::Bytes => a.add(None::<Vec<u8>>),
                _ => a.add(None::<String>),
            },
            Value::Bool(v) => a.add(v),
            Value::I16(v) => a.add(v),
            Value::I32(v) => a.add(v),
            Value::I64(v) => a.add(v),
            Value::F32(v) => a.add(v),
            Value::F64(v) => a.add(v),
            Value::Decimal(v) => a.add(v.to_string()),
            Value::String(v) => a.add(v),
            Value::Bytes(v) => a.add(v),
            Value::Uuid(v) => a.add(v.hyphenated().to_string()),
            Value::DateTime(v) => a.add(v.format(SQLITE_DATETIME).to_string()),
            Value::NaiveDateTime(v) => a.add(v.format(SQLITE_DATETIME).to_string()),
            Value::Date(v) => a.add(v.format(SQLITE_DATE).to_string()),
            Value::Time(v) => a.add(v.format(SQLITE_TIME).to_string()),
            Value::Json(v) => a.add(v.to_string()),
            Value::Enum { value, .. } => a.add(value),
            Value::Array(_) => return Err(not_postgres()),
            Value::Invalid(reason) => return Err(Error::InvalidQuery(reason)),
        }
        .map_err(bind_err)?;
    }
    Ok(a)
}
