//! Errors: one enum a caller can match, the driver's error kept as the source; the migration
//! engine's own [`MigrateError`] (reached through [`Error::Migrate`]).

mod migrate;

pub use migrate::{DataLossWarning, MigrateError};

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
    /// A statement ran past the client's
    /// [`statement_timeout`](crate::ClientOptions::statement_timeout) and was stopped: by the server
    /// (the driver's error is the source), or by the client when the server did not answer within
    /// the grace period after it (no source; that connection is closed). Not retryable: the same
    /// statement would most likely time out again. Inside a transaction it aborts the transaction.
    #[error("the statement ran past the statement timeout and was stopped")]
    Timeout(#[source] Option<Box<sqlx::Error>>),
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
    Migrate(#[from] MigrateError),
    /// An operation hook refused the operation before anything was sent (see
    /// [`Error::rejected`]).
    #[error("{operation} was refused: {reason}")]
    Rejected {
        /// The operation, as `Model.operation` (`Post.create`).
        operation: String,
        /// Why.
        reason: String,
    },
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

    /// A short, stable name of the error's kind, for metrics and traces (OpenTelemetry's
    /// `error.type`): `not_found`, `unique_violation`, `connection`, …
    pub fn kind(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "not_found",
            Error::UniqueViolation { .. } => "unique_violation",
            Error::ForeignKeyViolation { .. } => "foreign_key_violation",
            Error::NullViolation { .. } => "null_violation",
            Error::CheckViolation { .. } => "check_violation",
            Error::SerializationFailure(_) => "serialization_failure",
            Error::Deadlock(_) => "deadlock",
            Error::LockTimeout(_) => "lock_timeout",
            Error::Timeout(_) => "timeout",
            Error::InvalidValue { .. } => "invalid_value",
            Error::TransactionAborted { .. } => "transaction_aborted",
            Error::Decode { .. } => "decode",
            Error::Connection(_) => "connection",
            Error::PoolTimeout(_) => "pool_timeout",
            Error::InvalidQuery(_) => "invalid_query",
            Error::TransactionClosed => "transaction_closed",
            Error::UnsupportedUrl(_) => "unsupported_url",
            Error::Database(_) => "database",
            Error::InvalidSchema { .. } => "invalid_schema",
            Error::Migrate(_) => "migrate",
            Error::Rejected { .. } => "rejected",
        }
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
}
