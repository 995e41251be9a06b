//! Migration errors (re-exported by `migrate`, which raises them).

use std::path::PathBuf;

/// A step that would destroy data, with the number of rows it affects on the live database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataLossWarning {
    /// What is lost.
    pub description: String,
    /// Affected rows (`-1` when not counted, as for `down.sql`).
    pub rows: i64,
}

impl std::fmt::Display for DataLossWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.rows {
            -1 => write!(f, "{}", self.description),
            1 => write!(f, "{} (1 row affected)", self.description),
            n => write!(f, "{} ({n} rows affected)", self.description),
        }
    }
}

/// Why a migration command refused or failed. Reached through
/// [`Error::Migrate`](crate::Error::Migrate).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// An applied migration's `up.sql` was edited afterwards.
    #[error(
        "migration `{name}` was edited after it was applied (recorded checksum {recorded}, file checksum {actual}); restore the file, or reset the database in development"
    )]
    ChecksumMismatch {
        /// The migration.
        name: String,
        /// The checksum recorded when it was applied.
        recorded: String,
        /// The checksum of the file now.
        actual: String,
    },
    /// A migration failed earlier (MySQL) and blocks every other command until resolved.
    #[error(
        "migration `{name}` failed{}; finish or undo it by hand, then run `migrate resolve --applied {name}` or `migrate resolve --rolled-back {name}`",
        logs.as_deref().map(|l| format!(": {l}")).unwrap_or_default()
    )]
    Failed {
        /// The migration.
        name: String,
        /// The recorded error.
        logs: Option<String>,
    },
    /// Applying (or reverting) a migration failed.
    #[error("migration `{name}` failed{}: {source}", if *recorded { " and is recorded as failed" } else { "; nothing was applied" })]
    Apply {
        /// The migration.
        name: String,
        /// Whether a failed record was left (MySQL), blocking later commands until resolved.
        recorded: bool,
        /// The database error.
        #[source]
        source: Box<crate::Error>,
    },
    /// The live database differs from what its applied migrations produce.
    #[error("the database schema has drifted from the migration history:\n  - {}\nundo the manual changes, or reset the database in development", differences.join("\n  - "))]
    Drift {
        /// One explanation per difference.
        differences: Vec<String>,
    },
    /// The change would destroy data and was not accepted.
    #[error("the migration would lose data:\n  - {}\nrerun with the accept-data-loss option to apply it anyway", warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>().join("\n  - "))]
    DataLoss {
        /// The destructive steps with their row counts.
        warnings: Vec<DataLossWarning>,
    },
    /// A unique index the change adds would fail: rows already share its key.
    #[error(
        "the migration adds unique index `{index}` on `{table}` ({}), but {duplicates} key value(s) are shared by several rows, e.g. {}; remove or change the duplicates first (nothing was written or applied)",
        columns.join(", "),
        examples.join("; ")
    )]
    UniqueViolated {
        /// The table.
        table: String,
        /// The index.
        index: String,
        /// Its columns.
        columns: Vec<String>,
        /// How many key values more than one row holds.
        duplicates: i64,
        /// A few of them, with how many rows hold each: `(a@example.com) × 2`.
        examples: Vec<String>,
    },
    /// A migration recorded as applied has no directory.
    #[error("migration `{name}` is recorded as applied but missing from {}", dir.display())]
    MissingLocally {
        /// The migration.
        name: String,
        /// The migration directory.
        dir: PathBuf,
    },
    /// The migration has no `down.sql`.
    #[error("migration `{name}` has no down.sql")]
    NoDown {
        /// The migration.
        name: String,
    },
    /// No migration has this name.
    #[error("no migration named `{name}`")]
    UnknownMigration {
        /// The name asked for.
        name: String,
    },
    /// A migration has a Rust step (a `data-step` file) that the application did not register.
    #[error(
        "migration `{name}` has a Rust data step, but no function is registered for it; register it with `data_migration({step:?}, up, down)` on the CLI or the migrator (nothing was applied)"
    )]
    MissingDataStep {
        /// The migration.
        name: String,
        /// The name to register it under.
        step: String,
    },
    /// `resolve` was asked about a migration that did not fail.
    #[error("migration `{name}` did not fail; only a failed migration can be resolved")]
    NotFailed {
        /// The migration.
        name: String,
    },
    /// A migration name must be a short identifier.
    #[error("invalid migration name `{name}`: use letters, digits and underscores")]
    InvalidName {
        /// The name given.
        name: String,
    },
    /// After a SQLite migration, rows refer to missing rows.
    #[error("foreign key check failed after the migration: {}", violations.join("; "))]
    ForeignKeyCheck {
        /// The first violations.
        violations: Vec<String>,
    },
    /// A baseline was asked for on a database that already has migrations.
    #[error(
        "the database already has a migration history ({applied} applied, {local} in the directory); a baseline starts one: mark committed migrations with `migrate resolve --applied NAME` instead"
    )]
    HistoryExists {
        /// How many migrations are recorded as applied.
        applied: usize,
        /// How many migrations the directory holds.
        local: usize,
    },
    /// A baseline was asked for, but the models do not describe the database.
    #[error("the models do not describe the database, so it cannot be baselined:\n  - {}\nfix the models (or pull them with `db pull`) first", differences.join("\n  - "))]
    NotBaselined {
        /// One explanation per difference (from the database to the models).
        differences: Vec<String>,
    },
    /// The shadow database could not be created or used.
    #[error("shadow database: {0}")]
    Shadow(#[source] Box<crate::Error>),
    /// Reading or writing a migration file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}
