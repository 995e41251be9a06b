//! What a database error means, independent of the backend that reported it.

/// What a database error means, read from the backend's own code: the SQLSTATE on PostgreSQL, the
/// error number on MySQL/MariaDB, the extended result code on SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    not(all(feature = "postgres", feature = "mysql", feature = "sqlite")),
    allow(dead_code)
)]
pub(crate) enum Class {
    ForeignKey,
    NotNull,
    Serialization,
    Deadlock,
    LockTimeout,
    /// The statement timeout stopped the statement.
    Timeout,
    Connection,
    InvalidValue,
    Aborted,
    Other,
}
