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
    /// SHA-256 of `up.sql` (line endings normalised), hex.
    pub checksum: String,
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
        let path = entry.path();
        let up_path = path.join("up.sql");
        if !path.is_dir() || !up_path.exists() {
            continue;
        }
        let up = std::fs::read_to_string(&up_path).map_err(io(&up_path))?;
        let down_path = path.join("down.sql");
        let down = if down_path.exists() {
            Some(std::fs::read_to_string(&down_path).map_err(io(&down_path))?)
        } else {
            None
        };
        out.push(LocalMigration {
            name: entry.file_name().to_string_lossy().into_owned(),
            checksum: checksum(&up),
            path,
            up,
            down,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
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

/// The text of `up.sql` or `down.sql`: a header listing the steps and warnings, then the statements.
pub(crate) fn render(
    d: Dialect,
    name: &str,
    which: &str,
    steps: &[Step],
    warnings: &[DataLossWarning],
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "-- {name}: {which}");
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
        for sql in s.sql(d) {
            let _ = writeln!(out, "{sql};");
        }
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
