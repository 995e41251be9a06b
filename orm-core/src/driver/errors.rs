//! Mapping a driver's error to [`Error`]: by each backend's own codes (see the drivers'
//! `classify`), naming the model's fields a violated constraint covers.

use super::class::Class;
use crate::error::Error;
use crate::model::def::ModelDef;

impl Error {
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
            (_, Class::Timeout) => Error::Timeout(Some(Box::new(err))),
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

fn classify(db: &dyn sqlx::error::DatabaseError) -> Class {
    #[cfg(feature = "postgres")]
    if let Some(c) = super::postgres::classify(db) {
        return c;
    }
    #[cfg(feature = "mysql")]
    if let Some(c) = super::mysql::classify(db) {
        return c;
    }
    #[cfg(feature = "sqlite")]
    if let Some(c) = super::sqlite::classify(db) {
        return c;
    }
    Class::Other
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
