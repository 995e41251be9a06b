//! The PostgreSQL driver: pool options, argument binding (enums typed by name, lists as arrays),
//! rows, results and error codes (SQLSTATEs).

use sqlx::Arguments;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgArguments, PgConnectOptions, PgPoolOptions, PgTypeInfo};
use sqlx::{ConnectOptions, Postgres};

use super::class::Class;
use super::{
    ClientOptions, Driver, ExecResult, Opened, Pool, bind_err, conn_err, first_connection,
    ping_policy,
};
use crate::error::{Error, Result};
use crate::sql::Dialect;
use crate::types::{RowRef, ScalarKind};
use crate::value::{KeyArray, Value};

impl Driver for Postgres {
    type Args = PgArguments;

    fn bind(values: Vec<Value>) -> Result<PgArguments> {
        bind_values(values)
    }

    fn row(row: &sqlx::postgres::PgRow) -> RowRef<'_> {
        RowRef::Postgres(row)
    }

    fn result(r: sqlx::postgres::PgQueryResult) -> ExecResult {
        ExecResult {
            rows_affected: r.rows_affected(),
            last_insert_id: None,
        }
    }
}

/// How often a PostgreSQL 14+ server checks, while a statement runs, that its client is still
/// connected (`client_connection_check_interval`): how soon a cancelled statement stops.
pub(crate) const CHECK_CONNECTION_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Opens a pool, after one direct connection proves the server reachable.
pub(crate) async fn open(o: &ClientOptions) -> Result<Opened> {
    let opts: PgConnectOptions = o.url.parse().map_err(conn_err)?;
    let endpoint = crate::hooks::report::Endpoint {
        namespace: opts.get_database().unwrap_or_default().to_owned(),
        address: Some(opts.get_host().to_owned()),
        port: Some(opts.get_port()),
    };
    // Date-times reach the ORM in UTC whatever the server's zone (JSON aggregation renders them
    // in the session's zone).
    let opts = opts
        .statement_cache_capacity(o.statement_cache_capacity)
        .log_statements(log::LevelFilter::Trace)
        .options([("TimeZone", "UTC")]);
    let opts = match o.statement_timeout {
        Some(t) => opts.options([("statement_timeout", t.as_millis().to_string())]),
        None => opts,
    };
    let conn = first_connection(o, opts.connect()).await?;
    let version = conn.server_version_num().unwrap_or(0);
    let _ = sqlx::Connection::close(conn).await;
    // PostgreSQL 14+ checks that the client is still there while a statement runs: a statement
    // whose future was dropped (its connection closed, see `exec`) stops within this interval
    // instead of running to its end. Older servers reject the setting.
    let opts = if version >= 140_000 {
        opts.options([(
            "client_connection_check_interval",
            CHECK_CONNECTION_EVERY.as_millis().to_string(),
        )])
    } else {
        opts
    };
    let pool = ping_policy(PgPoolOptions::new(), o.ping_after_idle)
        .max_connections(o.max_connections)
        .min_connections(o.min_connections)
        .acquire_timeout(o.acquire_timeout)
        .idle_timeout(o.idle_timeout)
        .connect_lazy_with(opts);
    Ok(Opened {
        pool: Pool::Postgres(pool),
        dialect: Dialect::POSTGRES,
        max_packet: None,
        endpoint,
    })
}

/// What a PostgreSQL error means, by its SQLSTATE.
pub(crate) fn classify(db: &dyn sqlx::error::DatabaseError) -> Option<Class> {
    let pg = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()?;
    let code = pg.code();
    Some(match code {
        "40001" => Class::Serialization,
        "40P01" => Class::Deadlock,
        "55P03" => Class::LockTimeout,
        // query_canceled, by the session's statement_timeout (not a cancel request).
        "57014" if pg.message().contains("statement timeout") => Class::Timeout,
        // admin_shutdown, crash_shutdown, cannot_connect_now; too_many_connections.
        "57P01" | "57P02" | "57P03" | "53300" => Class::Connection,
        c if c.starts_with("08") => Class::Connection,
        // string_data_right_truncation, numeric_value_out_of_range, invalid_datetime_format,
        // datetime_field_overflow, division_by_zero, character_not_in_repertoire,
        // untranslatable_character, invalid_text_representation, null_value_not_allowed (NUL in JSON).
        "22001" | "22003" | "22007" | "22008" | "22012" | "22021" | "22P05" | "22P02" | "22004" => {
            Class::InvalidValue
        }
        "25P02" => Class::Aborted,
        _ => Class::Other,
    })
}

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

fn bind_values(binds: Vec<Value>) -> Result<PgArguments, Error> {
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
