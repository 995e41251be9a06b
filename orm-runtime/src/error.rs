//! Errors: one enum a caller can match, the driver's error kept as the source.

use crate::model::ModelDef;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong talking to the database.
///
/// Constraint violations are recognised on every backend and carry the model and the fields involved:
///
/// ```
/// # use orm_runtime::Error;
/// fn explain(e: &Error) -> String {
///     match e {
///         Error::UniqueViolation { model: Some("User"), fields, .. } if fields == &["email"] =>
///             "that e-mail is taken".into(),
///         Error::NotFound { model } => format!("no such {model}"),
///         e if e.is_retryable() => "please try again".into(),
///         e => e.to_string(),
///     }
/// }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A query that must find a record found none (`find_unique_or_throw`, `update`, `delete`).
    #[error("no {model} record matched the query")]
    NotFound {
        /// The model's name.
        model: &'static str,
    },
    /// A unique constraint (or primary key) was violated.
    #[error("unique constraint violated{}: {}", on_model(*model), fields_or(fields, constraint))]
    UniqueViolation {
        /// The model, when the statement was about one.
        model: Option<&'static str>,
        /// The model's fields in the violated key (column names when no model is known).
        fields: Vec<String>,
        /// The constraint's name, when the database reports it.
        constraint: Option<String>,
        /// The driver's error.
        #[source]
        source: Box<sqlx::Error>,
    },
    /// A foreign key constraint was violated.
    #[error("foreign key constraint violated{}: {}", on_model(*model), constraint.as_deref().unwrap_or("(unnamed)"))]
    ForeignKeyViolation {
        /// The model, when the statement was about one.
        model: Option<&'static str>,
        /// The constraint's name, when the database reports it.
        constraint: Option<String>,
        /// The driver's error.
        #[source]
        source: Box<sqlx::Error>,
    },
    /// `NULL` was written to a non-nullable column.
    #[error("null value violates not-null constraint{}: {}", on_model(*model), column.as_deref().unwrap_or("(unknown column)"))]
    NullViolation {
        /// The model, when the statement was about one.
        model: Option<&'static str>,
        /// The column, when the database reports it.
        column: Option<String>,
        /// The driver's error.
        #[source]
        source: Box<sqlx::Error>,
    },
    /// A check constraint failed.
    #[error("check constraint violated{}", on_model(*model))]
    CheckViolation {
        /// The model, when the statement was about one.
        model: Option<&'static str>,
        /// The driver's error.
        #[source]
        source: Box<sqlx::Error>,
    },
    /// The transaction could not be serialized; retrying it may succeed.
    #[error("transaction serialization failure (retryable)")]
    SerializationFailure(#[source] Box<sqlx::Error>),
    /// The transaction was chosen as a deadlock victim; retrying it may succeed.
    #[error("deadlock detected (retryable)")]
    Deadlock(#[source] Box<sqlx::Error>),
    /// A lock could not be acquired in time (MySQL `innodb_lock_wait_timeout`, PostgreSQL
    /// `lock_timeout` or `NOWAIT`, SQLite's busy timeout); retrying may succeed.
    #[error("lock wait timeout (retryable)")]
    LockTimeout(#[source] Box<sqlx::Error>),
    /// A value the column cannot hold: refused before it was written (by the ORM, or by the database
    /// in strict mode), never stored altered, truncated or as `NULL`.
    #[error("invalid value{} for {}: {reason}{}", on_model(*model), field.as_deref().unwrap_or("(unknown column)"), value.as_deref().map(|v| format!(" (value: {v})")).unwrap_or_default())]
    InvalidValue {
        /// The model, when the statement was about one.
        model: Option<&'static str>,
        /// The field (or column, when the database names it), when known.
        field: Option<String>,
        /// The refused value, abbreviated, when known.
        value: Option<String>,
        /// Why the value was refused.
        reason: String,
        /// The driver's error, when the database refused it.
        #[source]
        source: Option<Box<sqlx::Error>>,
    },
    /// The transaction can no longer commit: a statement in it failed (or was cancelled while
    /// running), so the database has rolled it back or will. Every backend behaves alike: after a
    /// failed statement the transaction is poisoned, later statements and `commit` return this error,
    /// and the transaction rolls back. Run a statement that may fail inside a nested
    /// [`transaction`](crate::Transaction::transaction) (a savepoint) to recover from its failure.
    #[error("the transaction was aborted and rolled back: {reason}")]
    TransactionAborted {
        /// What aborted it: the failed statement's error.
        reason: String,
    },
    /// A column's value could not be decoded into its Rust type.
    #[error("cannot decode {}.{column}: {source}", model.unwrap_or("row"))]
    Decode {
        /// The model being decoded.
        model: Option<&'static str>,
        /// The column.
        column: String,
        /// What went wrong.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// The database could not be reached, or the connection broke.
    #[error("connection error: {0}")]
    Connection(#[source] Box<sqlx::Error>),
    /// No connection became free within the pool's acquire timeout.
    #[error("timed out waiting for a database connection")]
    PoolTimeout(#[source] Box<sqlx::Error>),
    /// A query argument is invalid (caught before anything was sent).
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    /// A transaction handle was used after its transaction ended.
    #[error("the transaction has already been committed or rolled back")]
    TransactionClosed,
    /// The URL names an unsupported database.
    #[error(
        "unsupported database URL `{0}`: expected postgres://, mysql://, mariadb:// or sqlite:"
    )]
    UnsupportedUrl(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[source] Box<sqlx::Error>),
    /// The models do not form a consistent schema ([`Schema::verify`](crate::Schema::verify)).
    #[error("invalid schema:\n  - {}", problems.join("\n  - "))]
    InvalidSchema {
        /// One line per problem.
        problems: Vec<String>,
    },
    /// A migration command refused or failed.
    #[error(transparent)]
    Migrate(#[from] crate::migrate::MigrateError),
}

fn on_model(model: Option<&'static str>) -> String {
    model.map(|m| format!(" on {m}")).unwrap_or_default()
}

fn fields_or(fields: &[String], constraint: &Option<String>) -> String {
    if fields.is_empty() {
        constraint.clone().unwrap_or_else(|| "(unknown key)".into())
    } else {
        fields.join(", ")
    }
}

impl Error {
    /// Whether retrying the whole transaction may succeed: serialization failures, deadlocks and
    /// lock timeouts.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Error::SerializationFailure(_) | Error::Deadlock(_) | Error::LockTimeout(_)
        )
    }

    /// Whether the database could not be reached or the connection broke ([`Error::Connection`]):
    /// a new connection may succeed, but a write that was under way may or may not have applied.
    pub fn is_connection(&self) -> bool {
        matches!(self, Error::Connection(_))
    }

    pub(crate) fn decode(
        model: Option<&'static str>,
        column: impl Into<String>,
        source: crate::types::DecodeError,
    ) -> Self {
        Error::Decode {
            model,
            column: column.into(),
            source,
        }
    }

    /// Maps a driver error, using the statement's model to name the fields of a violated key.
    pub(crate) fn from_sqlx(err: sqlx::Error, model: Option<&'static ModelDef>) -> Error {
        use sqlx::error::ErrorKind;
        let name = model.map(|m| m.name);
        let db = match &err {
            sqlx::Error::Database(db) => db,
            sqlx::Error::PoolTimedOut => return Error::PoolTimeout(Box::new(err)),
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => return Error::Connection(Box::new(err)),
            _ => return Error::Database(Box::new(err)),
        };
        let class = classify(db.as_ref());
        let message = db.message().to_owned();
        let constraint = db.constraint().map(str::to_owned);
        match (db.kind(), class) {
            (ErrorKind::UniqueViolation, _) => {
                let constraint = constraint.or_else(|| mysql_key_name(&message));
                let fields = unique_fields(model, constraint.as_deref(), &message);
                Error::UniqueViolation {
                    model: name,
                    fields,
                    constraint,
                    source: Box::new(err),
                }
            }
            (ErrorKind::ForeignKeyViolation, _) | (_, Class::ForeignKey) => {
                let constraint = constraint.or_else(|| mysql_fk_name(&message));
                Error::ForeignKeyViolation {
                    model: name,
                    constraint,
                    source: Box::new(err),
                }
            }
            (ErrorKind::NotNullViolation, _) | (_, Class::NotNull) => Error::NullViolation {
                model: name,
                column: null_column(&message),
                source: Box::new(err),
            },
            (ErrorKind::CheckViolation, _) => Error::CheckViolation {
                model: name,
                source: Box::new(err),
            },
            (_, Class::Serialization) => Error::SerializationFailure(Box::new(err)),
            (_, Class::Deadlock) => Error::Deadlock(Box::new(err)),
            (_, Class::LockTimeout) => Error::LockTimeout(Box::new(err)),
            (_, Class::Connection) => Error::Connection(Box::new(err)),
            (_, Class::InvalidValue) => Error::InvalidValue {
                model: name,
                field: value_column(&message).map(|c| {
                    model
                        .and_then(|m| m.column_by_name(&c))
                        .map_or(c, |col| col.field.to_owned())
                }),
                value: None,
                reason: message,
                source: Some(Box::new(err)),
            },
            (_, Class::Aborted) => Error::TransactionAborted { reason: message },
            (_, Class::Other) => Error::Database(Box::new(err)),
        }
    }
}

/// What a database error means, read from the backend's own code: the SQLSTATE on PostgreSQL, the
/// error number on MySQL/MariaDB (whose SQLSTATEs are too coarse: a deadlock is `40001`), the
/// extended result code on SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    ForeignKey,
    NotNull,
    Serialization,
    Deadlock,
    LockTimeout,
    Connection,
    InvalidValue,
    Aborted,
    Other,
}

fn classify(db: &dyn sqlx::error::DatabaseError) -> Class {
    if let Some(my) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return match my.number() {
            1213 => Class::Deadlock,
            // Lock wait timeout; NOWAIT / SKIP LOCKED could not lock (MySQL 8 3572, MariaDB 1205).
            1205 | 3572 => Class::LockTimeout,
            // Column cannot be null; field has no default.
            1048 | 1364 => Class::NotNull,
            // Out of range; data too long; incorrect date-time / string / integer value; division
            // by zero; BIGINT value out of range; truncated wrong value.
            // Data truncated (an ENUM value not in the list).
            1264 | 1406 | 1292 | 1366 | 1365 | 1690 | 1367 | 4078 | 1265 => Class::InvalidValue,
            // "Record has changed since last read" (MariaDB `innodb_snapshot_isolation`).
            1020 => Class::Serialization,
            // Server shutdown; connection killed (MariaDB); too many connections; server gone away;
            // lost connection; query interrupted by KILL CONNECTION.
            1053 | 1927 | 1040 | 2006 | 2013 | 1152 | 1158 | 1159 | 1160 | 1161 => {
                Class::Connection
            }
            _ => Class::Other,
        };
    }
    let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
    if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        let extended: u32 = code.parse().unwrap_or(0);
        return match (extended, extended & 0xff) {
            // SQLITE_BUSY_SNAPSHOT: a read snapshot went stale under a writer.
            (517, _) => Class::Serialization,
            // SQLITE_BUSY and SQLITE_LOCKED, with their extended codes.
            (_, 5 | 6) => Class::LockTimeout,
            // SQLITE_CONSTRAINT_TRIGGER: how ON DELETE/UPDATE RESTRICT reports.
            (1811, _) if db.message().contains("FOREIGN KEY") => Class::ForeignKey,
            // SQLITE_TOOBIG, SQLITE_MISMATCH.
            (_, 18 | 20) => Class::InvalidValue,
            // `abs(i64::MIN)`: the overflow guard of integer arithmetic (see the SQL writer).
            (1, _) if db.message() == "integer overflow" => Class::InvalidValue,
            // SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_NOTADB.
            (_, 10 | 14 | 26) => Class::Connection,
            _ => Class::Other,
        };
    }
    // PostgreSQL SQLSTATEs.
    match code.as_str() {
        "40001" => Class::Serialization,
        "40P01" => Class::Deadlock,
        "55P03" => Class::LockTimeout,
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
    }
}

/// MySQL: `Out of range value for column 'x' at row 1`, `Data too long for column 'x'`,
/// `Incorrect datetime value: '…' for column `db`.`t`.`x``.
fn value_column(message: &str) -> Option<String> {
    let rest = message.split("for column ").nth(1)?;
    let rest = rest.trim_start();
    let name = if let Some(r) = rest.strip_prefix('\'') {
        r.split('\'').next()?
    } else {
        // `db`.`t`.`x`
        rest.split('`')
            .filter(|p| !p.is_empty() && *p != ".")
            .nth(2)
            .or_else(|| rest.split('`').nth(1))?
    };
    Some(name.to_owned())
}

/// `Duplicate entry 'x' for key 'users_email_key'` (MySQL 8 writes `'users.users_email_key'`).
fn mysql_key_name(message: &str) -> Option<String> {
    let key = message.rsplit("for key '").next()?.strip_suffix('\'')?;
    Some(key.rsplit('.').next().unwrap_or(key).to_owned())
}

/// `... CONSTRAINT `posts_author_id_fkey` FOREIGN KEY ...`
fn mysql_fk_name(message: &str) -> Option<String> {
    let rest = message.split("CONSTRAINT `").nth(1)?;
    Some(rest.split('`').next()?.to_owned())
}

/// PostgreSQL: `null value in column "x" of relation ...`; MySQL: `Column 'x' cannot be null`;
/// SQLite: `NOT NULL constraint failed: t.x`.
fn null_column(message: &str) -> Option<String> {
    if let Some(rest) = message.split("column \"").nth(1) {
        return rest.split('"').next().map(str::to_owned);
    }
    if let Some(rest) = message.split("Column '").nth(1) {
        return rest.split('\'').next().map(str::to_owned);
    }
    if let Some(rest) = message.split("Field '").nth(1) {
        return rest.split('\'').next().map(str::to_owned);
    }
    message
        .split("constraint failed: ")
        .nth(1)
        .map(|s| s.rsplit('.').next().unwrap_or(s).trim().to_owned())
}

/// The fields of the violated key: by constraint name against the model's keys, or from SQLite's
/// `UNIQUE constraint failed: t.a, t.b` column list.
fn unique_fields(
    model: Option<&'static ModelDef>,
    constraint: Option<&str>,
    message: &str,
) -> Vec<String> {
    let columns: Vec<String> = if let Some(list) = message.split("constraint failed: ").nth(1) {
        list.split(", ")
            .map(|c| c.rsplit('.').next().unwrap_or(c).trim().to_owned())
            .collect()
    } else if let (Some(m), Some(name)) = (model, constraint) {
        let key = if name == m.primary_key_name() || name == "PRIMARY" {
            Some(m.primary_key)
        } else {
            m.uniques
                .iter()
                .find(|u| u.db_name() == name)
                .map(|u| u.columns)
        };
        match key {
            Some(cols) => cols.iter().map(|&i| m.columns[i].name.to_owned()).collect(),
            None => Vec::new(),
        }
    } else {
        Vec::new()
    };
    match model {
        Some(m) => columns
            .into_iter()
            .map(|c| {
                m.column_by_name(&c)
                    .map(|col| col.field.to_owned())
                    .unwrap_or(c)
            })
            .collect(),
        None => columns,
    }
}
