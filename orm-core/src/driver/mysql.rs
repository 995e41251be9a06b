//! The MySQL/MariaDB driver: pool options (strict session mode), argument binding (date-times as
//! `DATETIME`), rows, results and error codes (error numbers, not SQLSTATEs).

use sqlx::Arguments;
use sqlx::mysql::{MySqlArguments, MySqlConnectOptions, MySqlPoolOptions};
use sqlx::{ConnectOptions, MySql};

use super::class::Class;
use super::{
    ClientOptions, Driver, ExecResult, Opened, Pool, bind_err, conn_err, first_connection,
    not_postgres, ping_policy,
};
use crate::error::{Error, Result};
use crate::sql::Dialect;
use crate::types::{RowRef, ScalarKind};
use crate::value::Value;

impl Driver for MySql {
    type Args = MySqlArguments;

    fn bind(values: Vec<Value>) -> Result<MySqlArguments> {
        bind_values(values)
    }

    fn row(row: &sqlx::mysql::MySqlRow) -> RowRef<'_> {
        RowRef::MySql(row)
    }

    fn result(r: sqlx::mysql::MySqlQueryResult) -> ExecResult {
        let id = r.last_insert_id();
        ExecResult {
            rows_affected: r.rows_affected(),
            last_insert_id: (id != 0).then_some(id as i64),
        }
    }
}

/// Opens a pool, after one direct connection proves the server reachable and tells its flavour
/// (MySQL or MariaDB) and its `max_allowed_packet`.
pub(crate) async fn open(o: &ClientOptions) -> Result<Opened> {
    let url = o.url.replacen("mariadb://", "mysql://", 1);
    let opts: MySqlConnectOptions = url.parse().map_err(conn_err)?;
    let endpoint = crate::hooks::report::Endpoint {
        namespace: opts.get_database().unwrap_or_default().to_owned(),
        address: Some(opts.get_host().to_owned()),
        port: Some(opts.get_port()),
    };
    let opts = opts
        .statement_cache_capacity(o.statement_cache_capacity)
        .log_statements(log::LevelFilter::Trace);
    let mut conn = first_connection(o, opts.connect()).await?;
    let (version, max_packet): (String, i64) =
        sqlx::query_as("SELECT VERSION(), CAST(@@max_allowed_packet AS SIGNED)")
            .fetch_one(&mut conn)
            .await
            .map_err(conn_err)?;
    let _ = sqlx::Connection::close(conn).await;
    let dialect = if version.to_ascii_lowercase().contains("mariadb") {
        Dialect::MARIADB
    } else {
        Dialect::MYSQL
    };
    // JSON_ARRAYAGG (the Join load strategy) is capped by group_concat_max_len, 1 MiB by default:
    // lift the cap so large includes are never truncated. Strict mode on every table: a value the
    // column cannot hold is an error, never truncated, zeroed or NULL, whatever the server's
    // default mode. Every warning of a statement is listed (skip_duplicates checks them).
    let mut session = String::from(
        "SET SESSION group_concat_max_len = 4294967295, max_error_count = 65535, \
         sql_mode = CONCAT(@@sql_mode, \
         ',STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO')",
    );
    if let Some(set) = o
        .statement_timeout
        .and_then(|t| dialect.rules().session_timeout(t))
    {
        session.push_str(", ");
        session.push_str(&set);
    }
    let pool = ping_policy(MySqlPoolOptions::new(), o.ping_after_idle)
        .max_connections(o.max_connections)
        .min_connections(o.min_connections)
        .acquire_timeout(o.acquire_timeout)
        .idle_timeout(o.idle_timeout)
        .after_connect(move |conn, _meta| {
            let session = session.clone();
            Box::pin(async move {
                sqlx::raw_sql(sqlx::AssertSqlSafe(session))
                    .execute(conn)
                    .await
                    .map(|_| ())
            })
        })
        .connect_lazy_with(opts);
    Ok(Opened {
        pool: Pool::MySql(pool),
        dialect,
        max_packet: usize::try_from(max_packet).ok(),
        endpoint,
    })
}

/// What a MySQL/MariaDB error means, by its error number (its SQLSTATEs are too coarse: a
/// deadlock is `40001`).
pub(crate) fn classify(db: &dyn sqlx::error::DatabaseError) -> Option<Class> {
    let my = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()?;
    Some(match my.number() {
        1213 => Class::Deadlock,
        // "Record has changed since last read" (MariaDB `innodb_snapshot_isolation`).
        1020 => Class::Serialization,
        // Lock wait timeout; NOWAIT / SKIP LOCKED could not lock (MySQL 8 3572, MariaDB 1205).
        1205 | 3572 => Class::LockTimeout,
        // max_statement_time exceeded (MariaDB); max_execution_time exceeded (MySQL).
        1969 | 3024 => Class::Timeout,
        // Column cannot be null; field has no default.
        1048 | 1364 => Class::NotNull,
        // Out of range; data too long; incorrect date-time / string / integer value; division
        // by zero; BIGINT value out of range; truncated wrong value; data truncated (an ENUM
        // value not in the list).
        1264 | 1406 | 1292 | 1366 | 1365 | 1690 | 1367 | 4078 | 1265 => Class::InvalidValue,
        // Server shutdown; connection killed (MariaDB); too many connections; server gone away;
        // lost connection; query interrupted by KILL CONNECTION.
        1053 | 1927 | 1040 | 2006 | 2013 | 1152 | 1158 | 1159 | 1160 | 1161 => Class::Connection,
        _ => Class::Other,
    })
}

fn bind_values(binds: Vec<Value>) -> Result<MySqlArguments, Error> {
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
