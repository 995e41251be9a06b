//! The SQLite driver: pool options (WAL, foreign keys, busy timeout; one connection for an
//! in-memory database), argument binding (decimals and date-times as text), rows, results and error
//! codes (extended result codes).

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use sqlx::Arguments;
use sqlx::sqlite::{SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{ConnectOptions, Sqlite};

use super::class::Class;
use super::{
    Armed, ClientOptions, Driver, ExecResult, Opened, Pool, bind_err, conn_err, not_postgres,
    ping_policy,
};
use crate::error::{Error, Result};
use crate::sql::Dialect;
use crate::types::decode::{SQLITE_DATE, SQLITE_DATETIME, SQLITE_TIME};
use crate::types::{RowRef, ScalarKind};
use crate::value::Value;

impl Driver for Sqlite {
    type Args = SqliteArguments;

    const CLOSE_ABANDONED: bool = false;

    fn bind(values: Vec<Value>) -> Result<SqliteArguments> {
        bind_values(values)
    }

    fn row(row: &sqlx::sqlite::SqliteRow) -> RowRef<'_> {
        RowRef::Sqlite(row)
    }

    fn result(r: sqlx::sqlite::SqliteQueryResult) -> ExecResult {
        ExecResult {
            rows_affected: r.rows_affected(),
            last_insert_id: Some(r.last_insert_rowid()),
        }
    }

    /// `ROLLBACK`: whatever the failed statement left open ends before the connection is used
    /// again (outside a transaction the server answers that none is active, which is expected).
    async fn after_failure(conn: &mut sqlx::SqliteConnection) {
        let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
    }

    /// A progress handler, called every [`PROGRESS_STEPS`] virtual-machine steps, interrupts the
    /// statement once its deadline passes (`SQLITE_INTERRUPT`, reported as
    /// [`Error::Timeout`]). It fires at most once and is inert once the statement is over; the next
    /// armed statement replaces it. A statement whose future is dropped leaves it armed, so the work
    /// it started is still stopped at the deadline.
    async fn arm_timeout(
        conn: &mut sqlx::SqliteConnection,
        timeout: Duration,
    ) -> Result<Option<Armed>> {
        let done = Armed::default();
        let over = done.clone();
        let deadline = Instant::now() + timeout;
        let mut fired = false;
        conn.lock_handle()
            .await
            .map_err(|e| Error::from_sqlx(e, None))?
            .set_progress_handler(PROGRESS_STEPS, move || {
                if fired || over.load(Ordering::Relaxed) {
                    return true;
                }
                fired = Instant::now() >= deadline;
                !fired
            });
        Ok(Some(done))
    }
}

/// How many virtual-machine steps SQLite runs between two checks of a statement's deadline (a few
/// microseconds of work; a check reads the clock).
const PROGRESS_STEPS: i32 = 1000;

/// Opens a pool (an in-memory database keeps exactly one connection, which holds it).
pub(crate) async fn open(o: &ClientOptions) -> Result<Opened> {
    let url = o.url.as_str();
    let opts: SqliteConnectOptions = url.parse().map_err(conn_err)?;
    let endpoint = crate::hooks::report::Endpoint {
        namespace: opts.get_filename().display().to_string(),
        address: None,
        port: None,
    };
    let memory = url.contains(":memory:") || url.contains("mode=memory");
    let mut opts = opts
        .foreign_keys(true)
        .busy_timeout(o.busy_timeout)
        .statement_cache_capacity(o.statement_cache_capacity)
        .log_statements(log::LevelFilter::Trace);
    if !memory {
        opts = opts.journal_mode(SqliteJournalMode::Wal);
    }
    let (max, idle) = if memory {
        (1, None)
    } else {
        (o.max_connections, o.idle_timeout)
    };
    let pool = ping_policy(SqlitePoolOptions::new(), o.ping_after_idle)
        .max_connections(max)
        .min_connections(if memory { 1 } else { o.min_connections })
        .acquire_timeout(o.acquire_timeout)
        .idle_timeout(idle)
        .max_lifetime(if memory {
            None
        } else {
            Some(Duration::from_secs(1800))
        })
        .connect_with(opts)
        .await
        .map_err(conn_err)?;
    Ok(Opened {
        pool: Pool::Sqlite(pool),
        dialect: Dialect::SQLITE,
        max_packet: None,
        endpoint,
    })
}

/// What a SQLite error means, by its extended result code.
pub(crate) fn classify(db: &dyn sqlx::error::DatabaseError) -> Option<Class> {
    db.try_downcast_ref::<sqlx::sqlite::SqliteError>()?;
    let extended: u32 = db.code().and_then(|c| c.parse().ok()).unwrap_or(0);
    Some(match (extended, extended & 0xff) {
        // SQLITE_BUSY_SNAPSHOT: a read snapshot went stale under a writer.
        (517, _) => Class::Serialization,
        // SQLITE_BUSY and SQLITE_LOCKED, with their extended codes.
        (_, 5 | 6) => Class::LockTimeout,
        // SQLITE_CONSTRAINT_TRIGGER: how ON DELETE/UPDATE RESTRICT reports.
        (1811, _) if db.message().contains("FOREIGN KEY") => Class::ForeignKey,
        // SQLITE_TOOBIG, SQLITE_MISMATCH.
        (_, 18 | 20) => Class::InvalidValue,
        // `abs(i64::MIN)`: the overflow guard of integer arithmetic (see the SQL dialect).
        (1, _) if db.message() == "integer overflow" => Class::InvalidValue,
        // SQLITE_INTERRUPT: the statement timeout's progress handler stopped the statement.
        (_, 9) => Class::Timeout,
        // SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_NOTADB.
        (_, 10 | 14 | 26) => Class::Connection,
        _ => Class::Other,
    })
}

fn bind_values(binds: Vec<Value>) -> Result<SqliteArguments, Error> {
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
