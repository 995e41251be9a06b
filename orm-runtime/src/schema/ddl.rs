//! `CREATE` statements per dialect.

use std::fmt::Write;

use crate::model::{ColumnDef, DefaultDef, ModelDef};
use crate::relation::{RelationDef, RelationKind};
use crate::sql::{Backend, Dialect};
use crate::types::ScalarKind;
use crate::value::Value;

fn q(d: Dialect, ident: &str) -> String {
    match d.backend {
        Backend::MySql => format!("`{}`", ident.replace('`', "``")),
        _ => format!("\"{}\"", ident.replace('"', "\"\"")),
    }
}

fn str_lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The column type for `col` on `d`.
pub(crate) fn column_type(d: Dialect, col: &ColumnDef) -> String {
    if let Some(t) = col.db_type {
        return t.to_owned();
    }
    let autoinc = matches!(col.default, Some(DefaultDef::Autoincrement));
    match d.backend {
        Backend::Postgres => match col.kind {
            ScalarKind::Bool => "BOOLEAN".into(),
            ScalarKind::I16 => if autoinc { "SMALLSERIAL" } else { "SMALLINT" }.into(),
            ScalarKind::I32 => if autoinc { "SERIAL" } else { "INTEGER" }.into(),
            ScalarKind::I64 => if autoinc { "BIGSERIAL" } else { "BIGINT" }.into(),
            ScalarKind::F32 => "REAL".into(),
            ScalarKind::F64 => "DOUBLE PRECISION".into(),
            ScalarKind::Decimal => "NUMERIC(65,30)".into(),
            ScalarKind::String => "TEXT".into(),
            ScalarKind::Bytes => "BYTEA".into(),
            ScalarKind::Uuid => "UUID".into(),
            ScalarKind::DateTime => "TIMESTAMPTZ".into(),
            ScalarKind::NaiveDateTime => "TIMESTAMP".into(),
            ScalarKind::Date => "DATE".into(),
            ScalarKind::Time => "TIME".into(),
            ScalarKind::Json => "JSONB".into(),
            ScalarKind::Enum(e) => q(d, e.db_name),
        },
        Backend::MySql => match col.kind {
            ScalarKind::Bool => "BOOLEAN".into(),
            ScalarKind::I16 => "SMALLINT".into(),
            ScalarKind::I32 => "INT".into(),
            ScalarKind::I64 => "BIGINT".into(),
            ScalarKind::F32 => "FLOAT".into(),
            ScalarKind::F64 => "DOUBLE".into(),
            ScalarKind::Decimal => "DECIMAL(65,30)".into(),
            ScalarKind::String => "VARCHAR(191)".into(),
            ScalarKind::Bytes => "LONGBLOB".into(),
            ScalarKind::Uuid => "CHAR(36)".into(),
            ScalarKind::DateTime | ScalarKind::NaiveDateTime => "DATETIME(6)".into(),
            ScalarKind::Date => "DATE".into(),
            ScalarKind::Time => "TIME(6)".into(),
            ScalarKind::Json => "JSON".into(),
            ScalarKind::Enum(e) => {
                let variants: Vec<String> = e.variants.iter().map(|v| str_lit(v)).collect();
                format!("ENUM({})", variants.join(", "))
            }
        },
        Backend::Sqlite => match col.kind {
            ScalarKind::Bool | ScalarKind::I16 | ScalarKind::I32 | ScalarKind::I64 => {
                "INTEGER".into()
            }
            ScalarKind::F32 | ScalarKind::F64 => "REAL".into(),
            ScalarKind::Bytes => "BLOB".into(),
            _ => "TEXT".into(),
        },
    }
}

/// A constant as an SQL literal (for `DEFAULT` clauses; query values are always bound).
pub(crate) fn literal(d: Dialect, v: &Value) -> String {
    match v {
        Value::Null(_) => "NULL".into(),
        Value::Bool(b) => match d.backend {
            Backend::Postgres => if *b { "true" } else { "false" }.into(),
            _ => if *b { "1" } else { "0" }.into(),
        },
        Value::I16(n) => n.to_string(),
        Value::I32(n) => n.to_string(),
        Value::I64(n) => n.to_string(),
        Value::F32(n) => n.to_string(),
        Value::F64(n) => n.to_string(),
        Value::Decimal(n) => n.to_string(),
        Value::String(s) => str_lit(s),
        Value::Bytes(b) => {
            let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
            match d.backend {
                Backend::Postgres => format!("'\\x{hex}'"),
                _ => format!("X'{hex}'"),
            }
        }
        Value::Uuid(u) => str_lit(&u.to_string()),
        Value::DateTime(t) => str_lit(&t.format(crate::types::decode::SQLITE_DATETIME).to_string()),
        Value::NaiveDateTime(t) => {
            str_lit(&t.format(crate::types::decode::SQLITE_DATETIME).to_string())
        }
        Value::Date(t) => str_lit(&t.to_string()),
        Value::Time(t) => str_lit(&t.to_string()),
        Value::Json(j) => str_lit(&j.to_string()),
        Value::Enum { value, .. } => str_lit(value),
    }
}

fn default_clause(d: Dialect, col: &ColumnDef) -> Option<String> {
    match col.default? {
        DefaultDef::Now => Some(match (d.backend, col.kind) {
            (Backend::Postgres, _) => "CURRENT_TIMESTAMP".into(),
            (Backend::MySql, _) => "CURRENT_TIMESTAMP(6)".into(),
            (Backend::Sqlite, _) => "(strftime('%Y-%m-%d %H:%M:%f', 'now'))".into(),
        }),
        DefaultDef::Value(f) => {
            let v = f();
            // MySQL accepts literal defaults on TEXT/BLOB/JSON only as expressions.
            let lit = literal(d, &v);
            if d.backend == Backend::MySql
                && matches!(col.kind, ScalarKind::Json | ScalarKind::Bytes)
                || (d.backend == Backend::MySql
                    && col
                        .db_type
                        .is_some_and(|t| t.to_ascii_lowercase().contains("text")))
            {
                Some(format!("({lit})"))
            } else {
                Some(lit)
            }
        }
        DefaultDef::Cuid | DefaultDef::UuidV4 | DefaultDef::UuidV7 | DefaultDef::Autoincrement => {
            None
        }
    }
}

/// `CREATE TYPE` / `CREATE TABLE` / `CREATE INDEX` statements for `models`, in dependency-free order.
pub fn create_statements(models: &[&'static ModelDef], d: Dialect) -> Vec<String> {
    let mut out = Vec::new();
    if d.backend == Backend::Postgres {
        let mut seen = Vec::new();
        for m in models {
            for c in m.columns {
                if let ScalarKind::Enum(e) = c.kind {
                    if !seen.contains(&e.db_name) {
                        seen.push(e.db_name);
                        let variants: Vec<String> = e.variants.iter().map(|v| str_lit(v)).collect();
                        out.push(format!(
                            "CREATE TYPE {} AS ENUM ({})",
                            q(d, e.db_name),
                            variants.join(", ")
                        ));
                    }
                }
            }
        }
    }
    for m in models {
        out.push(create_table(m, d));
        for u in m.uniques {
            out.push(create_index(d, m, u.name, u.columns, true));
        }
        for i in m.indexes {
            out.push(create_index(d, m, i.name, i.columns, false));
        }
        for (name, col) in fk_indexes(m) {
            out.push(create_index(d, m, &name, &[col], false));
        }
    }
    // SQLite declares foreign keys inside CREATE TABLE; elsewhere they are added once every table
    // exists, so the order of the models does not matter.
    if d.backend != Backend::Sqlite {
        for m in models {
            for r in foreign_keys(m) {
                out.push(format!(
                    "ALTER TABLE {} ADD {}",
                    q(d, m.table),
                    fk_clause(d, m, r)
                ));
            }
        }
    }
    out
}

/// The `belongs_to` relations of a model: its foreign keys.
pub(crate) fn foreign_keys(m: &ModelDef) -> impl Iterator<Item = &'static RelationDef> + '_ {
    m.relations
        .iter()
        .filter(|r| r.kind == RelationKind::BelongsTo)
}

/// The foreign-key constraint name: `<table>_<column>_fkey`.
pub(crate) fn fk_name(m: &ModelDef, r: &RelationDef) -> String {
    format!("{}_{}_fkey", m.table, m.columns[r.fk[0]].name)
}

fn fk_clause(d: Dialect, m: &ModelDef, r: &RelationDef) -> String {
    let target = (r.target)();
    format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
        q(d, &fk_name(m, r)),
        q(d, m.columns[r.fk[0]].name),
        q(d, target.table),
        q(d, r.target_column().name),
        r.on_delete.sql(),
        r.on_update.sql()
    )
}

/// Indexes on foreign keys that no primary key, unique constraint or index starts with (PostgreSQL
/// and SQLite do not create them; without one, a relation count or an include scans the table).
/// Named `<table>_<column>_idx`; a relation opts out with `belongs_to(.., index = false)`.
pub(crate) fn fk_indexes(m: &ModelDef) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for r in foreign_keys(m).filter(|r| r.fk_index) {
        let col = r.fk[0];
        let covered = m.primary_key.first() == Some(&col)
            || m.uniques.iter().any(|u| u.columns.first() == Some(&col))
            || m.indexes.iter().any(|i| i.columns.first() == Some(&col))
            || out.iter().any(|(_, c)| *c == col);
        if !covered {
            out.push((format!("{}_{}_idx", m.table, m.columns[col].name), col));
        }
    }
    out
}

fn create_index(d: Dialect, m: &ModelDef, name: &str, columns: &[usize], unique: bool) -> String {
    let cols: Vec<String> = columns.iter().map(|&c| q(d, m.columns[c].name)).collect();
    format!(
        "CREATE {}INDEX {} ON {} ({})",
        if unique { "UNIQUE " } else { "" },
        q(d, name),
        q(d, m.table),
        cols.join(", ")
    )
}

fn create_table(m: &ModelDef, d: Dialect) -> String {
    let mut sql = format!("CREATE TABLE {} (", q(d, m.table));
    let sqlite_inline_pk = d.backend == Backend::Sqlite
        && m.primary_key.len() == 1
        && matches!(
            m.columns[m.primary_key[0]].default,
            Some(DefaultDef::Autoincrement)
        );
    for (i, c) in m.columns.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        let _ = write!(sql, "{} {}", q(d, c.name), column_type(d, c));
        if sqlite_inline_pk && m.primary_key[0] == c.index {
            sql.push_str(" PRIMARY KEY AUTOINCREMENT");
            continue;
        }
        if !c.nullable {
            sql.push_str(" NOT NULL");
        }
        if d.backend == Backend::MySql && matches!(c.default, Some(DefaultDef::Autoincrement)) {
            sql.push_str(" AUTO_INCREMENT");
        }
        if let Some(def) = default_clause(d, c) {
            let _ = write!(sql, " DEFAULT {def}");
        }
        if d.backend == Backend::Sqlite {
            if let ScalarKind::Enum(e) = c.kind {
                let variants: Vec<String> = e.variants.iter().map(|v| str_lit(v)).collect();
                let _ = write!(
                    sql,
                    " CHECK ({} IN ({}))",
                    q(d, c.name),
                    variants.join(", ")
                );
            }
        }
    }
    if !sqlite_inline_pk && !m.primary_key.is_empty() {
        let pk: Vec<String> = m
            .primary_key
            .iter()
            .map(|&c| q(d, m.columns[c].name))
            .collect();
        let _ = write!(
            sql,
            ", CONSTRAINT {} PRIMARY KEY ({})",
            q(d, &m.primary_key_name()),
            pk.join(", ")
        );
    }
    if d.backend == Backend::Sqlite {
        for r in foreign_keys(m) {
            let _ = write!(sql, ", {}", fk_clause(d, m, r));
        }
    }
    sql.push(')');
    if d.backend == Backend::MySql {
        sql.push_str(" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    }
    sql
}
