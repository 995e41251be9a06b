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
    /// Whether retrying the whole transaction may succeed (serialization failures and deadlocks).
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::SerializationFailure(_) | Error::Deadlock(_))
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
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => {
                return Error::Connection(Box::new(err));
            }
            sqlx::Error::Protocol(_) => return Error::Connection(Box::new(err)),
            _ => return Error::Database(Box::new(err)),
        };
        let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
        let message = db.message().to_owned();
        let constraint = db.constraint().map(str::to_owned);
        match db.kind() {
            ErrorKind::UniqueViolation => {
                let constraint = constraint.or_else(|| mysql_key_name(&message));
                let fields = unique_fields(model, constraint.as_deref(), &message);
                Error::UniqueViolation {
                    model: name,
                    fields,
                    constraint,
                    source: Box::new(err),
                }
            }
            ErrorKind::ForeignKeyViolation => {
                let constraint = constraint.or_else(|| mysql_fk_name(&message));
                Error::ForeignKeyViolation {
                    model: name,
                    constraint,
                    source: Box::new(err),
                }
            }
            ErrorKind::NotNullViolation => {
                let column = null_column(&message);
                Error::NullViolation {
                    model: name,
                    column,
                    source: Box::new(err),
                }
            }
            ErrorKind::CheckViolation => Error::CheckViolation {
                model: name,
                source: Box::new(err),
            },
            _ => match code.as_str() {
                // PostgreSQL serialization_failure / deadlock_detected.
                "40001" => Error::SerializationFailure(Box::new(err)),
                "40P01" | "1213" => Error::Deadlock(Box::new(err)),
                // MySQL/MariaDB: lock wait timeout; SQLite: SQLITE_BUSY and its extended codes.
                "1205" | "5" | "517" | "261" | "773" => Error::SerializationFailure(Box::new(err)),
                // MySQL/MariaDB: column cannot be null (strict mode).
                "1048" | "1364" => {
                    let column = null_column(&message);
                    Error::NullViolation {
                        model: name,
                        column,
                        source: Box::new(err),
                    }
                }
                _ => Error::Database(Box::new(err)),
            },
        }
    }
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
            m.uniques.iter().find(|u| u.name == name).map(|u| u.columns)
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
