//! Native types and literals per dialect: rendering a [`ColumnType`] or a default as SQL, and parsing
//! what a database reports back into the same normalised form.

use super::repr::{ColumnDefault, ColumnType};
use crate::model::{ColumnDef, DefaultDef};
use crate::sql::{Backend, Dialect};
use crate::types::ScalarKind;
use crate::value::Value;

/// Quotes an identifier.
pub fn q(d: Dialect, ident: &str) -> String {
    let mut out = String::with_capacity(ident.len() + 2);
    d.rules().quote(&mut out, ident);
    out
}

/// A string literal.
pub fn str_lit(d: Dialect, s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    d.rules().string_literal(&mut out, s);
    out
}

/// The logical type a model column asks for, before normalisation.
pub fn model_type(d: Dialect, col: &ColumnDef) -> ColumnType {
    if let Some(t) = col.db_type {
        return parse_type(d, t);
    }
    normalize_type(d, kind_type(d, col.kind))
}

/// The logical type a field of `kind` asks for without `db_type`, before normalisation.
pub fn kind_type(d: Dialect, kind: ScalarKind) -> ColumnType {
    match kind {
        ScalarKind::Bool => ColumnType::Boolean,
        ScalarKind::I16 => ColumnType::SmallInt,
        ScalarKind::I32 => ColumnType::Integer,
        ScalarKind::I64 => ColumnType::BigInt,
        ScalarKind::F32 => ColumnType::Real,
        ScalarKind::F64 => ColumnType::Double,
        ScalarKind::Decimal => ColumnType::Decimal {
            precision: 65,
            scale: 30,
        },
        ScalarKind::String => d.ddl().string_type(),
        ScalarKind::Bytes => ColumnType::Bytes,
        ScalarKind::Uuid => ColumnType::Uuid,
        ScalarKind::DateTime => ColumnType::Timestamptz,
        ScalarKind::NaiveDateTime => ColumnType::Timestamp,
        ScalarKind::Date => ColumnType::Date,
        ScalarKind::Time => ColumnType::Time,
        ScalarKind::Json => ColumnType::Json,
        ScalarKind::Enum(e) => ColumnType::Enum {
            name: e.db_name.to_owned(),
            variants: e.variants.iter().map(|v| (*v).to_owned()).collect(),
        },
    }
}

/// What `ty` becomes on `d` once created: the type the database will report back.
pub fn normalize_type(d: Dialect, ty: ColumnType) -> ColumnType {
    match ty {
        ColumnType::Enum { .. } | ColumnType::Other(_) => ty,
        ty => parse_type(d, &render_type(d, &ty, false)),
    }
}

/// The SQL type for `ty` on `d`; `serial` asks for PostgreSQL's auto-incrementing forms.
pub fn render_type(d: Dialect, ty: &ColumnType, serial: bool) -> String {
    d.rules().column_type(ty, serial)
}

/// Parses a native type as a database reports it (or as written in `db_type`).
pub fn parse_type(d: Dialect, raw: &str) -> ColumnType {
    d.rules().parse_type(&crate::sql::TypeName::new(raw))
}

/// A constant as an SQL literal (for `DEFAULT` clauses; query values are always bound).
pub fn literal(d: Dialect, v: &Value) -> String {
    match v {
        Value::Null(_) => "NULL".into(),
        Value::Bool(b) => d.rules().bool_literal(*b).into(),
        Value::I16(n) => n.to_string(),
        Value::I32(n) => n.to_string(),
        Value::I64(n) => n.to_string(),
        Value::F32(n) => n.to_string(),
        Value::F64(n) => n.to_string(),
        Value::Decimal(n) => n.to_string(),
        Value::String(s) => str_lit(d, s),
        Value::Bytes(b) => {
            let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
            d.rules().bytes_literal(&hex)
        }
        Value::Uuid(u) => str_lit(d, &u.to_string()),
        Value::DateTime(t) => str_lit(
            d,
            &t.format(crate::types::decode::SQLITE_DATETIME).to_string(),
        ),
        Value::NaiveDateTime(t) => str_lit(
            d,
            &t.format(crate::types::decode::SQLITE_DATETIME).to_string(),
        ),
        Value::Date(t) => str_lit(d, &t.to_string()),
        Value::Time(t) => str_lit(d, &t.to_string()),
        Value::Json(j) => str_lit(d, &j.to_string()),
        Value::Enum { value, .. } => str_lit(d, value),
        Value::Array(_) | Value::Invalid(_) => "NULL".into(),
    }
}

/// The default a model column declares, normalised; `None` for client-side defaults.
pub fn model_default(d: Dialect, col: &ColumnDef, ty: &ColumnType) -> Option<ColumnDefault> {
    match col.default? {
        DefaultDef::Now => Some(ColumnDefault::Now),
        DefaultDef::Value(f) => match f() {
            Value::Null(_) => None,
            v => normalize_default(d, ty, &literal(d, &v)),
        },
        DefaultDef::Cuid | DefaultDef::UuidV4 | DefaultDef::UuidV7 | DefaultDef::Autoincrement => {
            None
        }
    }
}

/// Normalises a default expression as a database reports it (or as we would write it).
pub fn normalize_default(d: Dialect, ty: &ColumnType, raw: &str) -> Option<ColumnDefault> {
    let mut s = raw.trim().to_owned();
    // Outer parentheses: SQLite keeps `(expr)`, MySQL needs them for expression defaults.
    while s.starts_with('(') && s.ends_with(')') && balanced(&s[1..s.len() - 1]) {
        s = s[1..s.len() - 1].trim().to_owned();
    }
    let lower = s.to_ascii_lowercase();
    if lower == "null" || s.is_empty() {
        return None;
    }
    if lower.starts_with("current_timestamp")
        || lower == "now()"
        || lower.starts_with("strftime(")
        || lower == "localtimestamp"
    {
        return Some(ColumnDefault::Now);
    }
    // PostgreSQL casts: `'draft'::"PostStatus"`, `'{}'::jsonb`, `'x'::character varying`.
    if d.backend == Backend::Postgres
        && let Some(i) = last_cast(&s)
    {
        s = s[..i].to_owned();
    }
    let unquoted = (s.len() >= 2 && s.starts_with('\'') && s.ends_with('\''))
        .then(|| parse_string_list(&s).into_iter().next().unwrap_or_default());
    let numeric = matches!(
        ty,
        ColumnType::SmallInt
            | ColumnType::Integer
            | ColumnType::BigInt
            | ColumnType::Real
            | ColumnType::Double
            | ColumnType::Decimal { .. }
    );
    if *ty == ColumnType::Boolean {
        let v = unquoted.as_deref().unwrap_or(&s).to_ascii_lowercase();
        return Some(ColumnDefault::Literal(
            match v.as_str() {
                "1" | "true" | "t" => "true",
                "0" | "false" | "f" => "false",
                other => other,
            }
            .to_owned(),
        ));
    }
    if numeric {
        let v = unquoted.unwrap_or(s);
        return Some(ColumnDefault::Literal(normalize_number(&v)));
    }
    match unquoted {
        Some(text) => Some(ColumnDefault::Literal(str_lit(Dialect::SQLITE, &text))),
        // MySQL 8 reports string defaults unquoted.
        None if d.backend == Backend::MySql
            && !s
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c == '-') =>
        {
            Some(ColumnDefault::Literal(str_lit(Dialect::SQLITE, &s)))
        }
        None => Some(ColumnDefault::Literal(s)),
    }
}

fn normalize_number(v: &str) -> String {
    let v = v.trim();
    if let Ok(n) = v.parse::<i64>() {
        return n.to_string();
    }
    if let Ok(n) = v.parse::<rust_decimal::Decimal>() {
        return n.normalize().to_string();
    }
    if let Ok(f) = v.parse::<f64>() {
        return f.to_string();
    }
    v.to_owned()
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    let mut in_str = false;
    for c in s.chars() {
        match c {
            '\'' => in_str = !in_str,
            '(' if !in_str => depth += 1,
            ')' if !in_str => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// The byte offset of a trailing `::type` cast outside quotes.
fn last_cast(s: &str) -> Option<usize> {
    let mut in_str = false;
    let mut last = None;
    let b = s.as_bytes();
    for i in 0..b.len() {
        match b[i] {
            b'\'' => in_str = !in_str,
            b':' if !in_str
                && i + 1 < b.len()
                && b[i + 1] == b':'
                && last.is_none_or(|l| l + 1 != i) =>
            {
                last = Some(i)
            }
            _ => {}
        }
    }
    last.filter(|&i| i > 0)
}

/// A default as it is written into DDL.
pub fn render_default(d: Dialect, ty: &ColumnType, def: &ColumnDefault) -> String {
    d.rules().default_sql(ty, def)
}

/// The collation text columns get on `d`: a binary one without trailing-space padding, so that
/// equality and uniqueness are exact as on PostgreSQL and SQLite (MySQL/MariaDB only).
pub fn text_collation(d: Dialect, ty: &ColumnType) -> Option<&'static str> {
    let collation = d.ddl().table_collation();
    (!collation.is_empty() && is_text(ty)).then_some(collation)
}

/// Whether a column of this type has a collation (MySQL's character types).
pub fn is_text(ty: &ColumnType) -> bool {
    match ty {
        ColumnType::Text
        | ColumnType::VarChar(_)
        | ColumnType::Char(_)
        | ColumnType::Uuid
        | ColumnType::Enum { .. } => true,
        ColumnType::Other(t) => {
            t.contains("char")
                || t.contains("text")
                || t.starts_with("enum")
                || t.starts_with("set")
        }
        _ => false,
    }
}

/// Splits a `'a','b'` list (MySQL enum variants, SQLite `CHECK (.. IN (..))`).
pub fn parse_string_list(s: &str) -> Vec<String> {
    crate::sql::parse_string_list(s)
}
