//! The migration directory: `<dir>/<timestamp>_<name>/up.sql` and `down.sql`.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::schema::Step;
use orm_core::error::Result;
use orm_core::error::{DataLossWarning, MigrateError};
use orm_core::sql::Dialect;

/// A migration directory on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalMigration {
    /// The directory name: `<timestamp>_<name>`.
    pub name: String,
    /// The directory.
    pub path: PathBuf,
    /// `up.sql`.
    pub up: String,
    /// `down.sql`, when present.
    pub down: Option<String>,
    /// The `data-step` file, when the migration has a Rust step: the application registers the
    /// step's functions by name ([`Migrator::data_migration`](super::Migrator::data_migration)).
    pub data_step: Option<String>,
    /// SHA-256 of `up.sql` (line endings normalised), and of the `data-step` file when there is
    /// one, hex.
    pub checksum: String,
}

impl LocalMigration {
    /// The name a Rust step is registered under: the directory name without its timestamp
    /// (`20240101000000_add_user_verification` → `add_user_verification`).
    pub fn step_name(&self) -> &str {
        match self.name.split_once('_') {
            Some((stamp, rest)) if stamp.bytes().all(|b| b.is_ascii_digit()) => rest,
            _ => &self.name,
        }
    }
}

/// The file that marks a migration as having a Rust step.
pub const DATA_STEP_FILE: &str = "data-step";

/// The `data-step` file `migrate dev --data-step` writes.
pub(crate) fn data_step_file(step: &str) -> String {
    format!(
        "# This migration runs a Rust step after its SQL (before its down.sql when rolled back).\n\
         # The application registers it: `Cli::data_migration(\"{step}\", up, down)`.\n\
         # The step is part of the migration's checksum through this file: change `version` when the\n\
         # step changes what it does.\n\
         version = 1\n"
    )
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> orm_core::Error + '_ {
    move |source| {
        MigrateError::Io {
            path: path.to_owned(),
            source,
        }
        .into()
    }
}

/// The directory names of per-backend migrations.
pub(crate) const BACKEND_DIRS: [&str; 4] = ["postgres", "mysql", "mariadb", "sqlite"];

/// `root/<backend>` when `root` holds per-backend directories, else `root`.
pub(crate) fn backend_dir(root: &Path, d: Dialect) -> PathBuf {
    if !BACKEND_DIRS.iter().any(|b| root.join(b).is_dir()) {
        return root.to_owned();
    }
    let name = match d.backend {
        orm_core::sql::Backend::Postgres => "postgres",
        orm_core::sql::Backend::MySql if d.mariadb => "mariadb",
        orm_core::sql::Backend::MySql => "mysql",
        orm_core::sql::Backend::Sqlite => "sqlite",
    };
    root.join(name)
}

/// SHA-256 of a script, hex, with `\r\n` read as `\n` so a checkout's line endings do not matter.
pub(crate) fn checksum(sql: &str) -> String {
    let digest = Sha256::digest(sql.replace("\r\n", "\n").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn check_name(name: &str) -> Result<()> {
    if name.is_empty()
        || name.len() > 100
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(MigrateError::InvalidName {
            name: name.to_owned(),
        }
        .into());
    }
    Ok(())
}

pub(crate) fn read_dir(dir: &Path) -> Result<Vec<LocalMigration>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        if let Some(m) = read_migration(&entry.path())? {
            out.push(m);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The migration in directory `path`; `None` when it is not one (no `up.sql`).
pub(crate) fn read_migration(path: &Path) -> Result<Option<LocalMigration>> {
    let up_path = path.join("up.sql");
    if !path.is_dir() || !up_path.exists() {
        return Ok(None);
    }
    let read = |p: &Path| -> Result<Option<String>> {
        if p.exists() {
            std::fs::read_to_string(p).map(Some).map_err(io(p))
        } else {
            Ok(None)
        }
    };
    let up = std::fs::read_to_string(&up_path).map_err(io(&up_path))?;
    let down = read(&path.join("down.sql"))?;
    let data_step = read(&path.join(DATA_STEP_FILE))?;
    let checksum = match &data_step {
        None => checksum(&up),
        Some(step) => checksum(&format!("{up}\n-- {DATA_STEP_FILE}\n{step}")),
    };
    Ok(Some(LocalMigration {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        checksum,
        path: path.to_owned(),
        up,
        down,
        data_step,
    }))
}

/// `<UTC timestamp>_<name>`, later than every existing migration even within one second.
pub(crate) fn next_name(existing: &[LocalMigration], name: &str) -> String {
    let mut stamp: u64 = chrono::Utc::now()
        .format("%Y%m%d%H%M%S")
        .to_string()
        .parse()
        .expect("digits");
    if let Some(last) = existing
        .iter()
        .filter_map(|m| m.name.split('_').next()?.parse::<u64>().ok())
        .max()
    {
        stamp = stamp.max(last + 1);
    }
    format!("{stamp}_{name}")
}

/// Adds `-- LINT:` lines after the header's steps and warnings.
pub(crate) fn insert_lints(up: &mut String, lints: &[super::Lint]) {
    if lints.is_empty() {
        return;
    }
    let at = up.find("\n\n").map_or(up.len(), |i| i + 1);
    let lines: String = lints.iter().map(|l| format!("-- LINT: {l}\n")).collect();
    up.insert_str(at, &lines);
}

/// The text of `up.sql` or `down.sql`: a header listing the steps and warnings, then the statements.
pub(crate) fn render(
    d: Dialect,
    name: &str,
    which: &str,
    steps: &[Step],
    warnings: &[DataLossWarning],
    online: bool,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "-- {name}: {which}");
    // PostgreSQL's online forms (`CREATE INDEX CONCURRENTLY`) cannot run in a transaction.
    let online = online && steps.iter().any(|s| s.online_sql(d).is_some());
    if online && d.capabilities().transactional_ddl {
        let _ = writeln!(out, "{NO_TRANSACTION}");
    }
    let backend = d.backend.name();
    let _ = writeln!(out, "-- Generated from the models for {backend}. Steps:");
    if steps.is_empty() {
        let _ = writeln!(out, "--   (none)");
    }
    for (i, s) in steps.iter().enumerate() {
        let _ = writeln!(out, "--   {}. {}", i + 1, s.describe());
    }
    for w in warnings {
        let _ = writeln!(out, "-- WARNING: {w}");
    }
    for s in steps {
        out.push('\n');
        let _ = writeln!(out, "-- {}", s.describe());
        let sql = match online.then(|| s.online_sql(d)).flatten() {
            Some(sql) => sql,
            None => s.sql(d),
        };
        for sql in sql {
            let _ = writeln!(out, "{sql};");
        }
    }
    out
}

/// The header line of a migration that runs outside a transaction, statement by statement, with a
/// lock timeout and retries (PostgreSQL's online forms).
pub const NO_TRANSACTION: &str = "-- orm: no-transaction";

/// Whether a migration runs outside a transaction ([`NO_TRANSACTION`]).
pub(crate) fn no_transaction(up: &str) -> bool {
    up.lines().take(3).any(|l| l.trim_end() == NO_TRANSACTION)
}

/// The statements of a script, split at the `;` that end them (outside quotes and comments),
/// comments dropped.
pub(crate) fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = sql.chars().peekable();
    let (mut single, mut double) = (false, false);
    while let Some(c) = chars.next() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '-' if !single && !double && chars.peek() == Some(&'-') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                cur.push('\n');
                continue;
            }
            ';' if !single && !double => {
                if !cur.trim().is_empty() {
                    out.push(cur.trim().to_owned());
                }
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_owned());
    }
    out
}

pub(crate) fn write(dir: &Path, name: &str, up: &str, down: &str) -> Result<PathBuf> {
    let path = dir.join(name);
    std::fs::create_dir_all(&path).map_err(io(&path))?;
    let up_path = path.join("up.sql");
    std::fs::write(&up_path, up).map_err(io(&up_path))?;
    let down_path = path.join("down.sql");
    std::fs::write(&down_path, down).map_err(io(&down_path))?;
    Ok(path)
}

/// Writes the `data-step` file of migration directory `path`.
pub(crate) fn write_data_step(path: &Path, step: &str) -> Result<()> {
    let file = path.join(DATA_STEP_FILE);
    std::fs::write(&file, data_step_file(step)).map_err(io(&file))
}
