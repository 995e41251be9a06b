//! What differs between the SQL dialects. The defaults are standard SQL; each backend overrides only
//! what it does differently.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

use super::{Arith, Writer};
use crate::model::ColumnDef;
use crate::query::LikeOp;
use crate::types::ScalarKind;
use crate::types::decode::{SQLITE_DATE, SQLITE_DATETIME, SQLITE_TIME};
use crate::value::{KeyArray, Value};

/// Renders the column a predicate is about (qualified as the writer needs it).
pub(crate) type ColumnSql<'a> = &'a dyn Fn(&mut Writer);

/// Lists longer than this are bound as one JSON array on MySQL and SQLite (whose statements take
/// at most 65 535 and 32 766 parameters): a list's length is never the caller's problem.
const JSON_LIST_MIN: usize = 1000;

/// A backend family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    MySql,
    /// SQLite.
    Sqlite,
}

/// The dialect a statement is written in: the backend plus the server capabilities that matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// The backend family.
    pub backend: Backend,
    /// MariaDB rather than MySQL: supports `INSERT/DELETE ... RETURNING`.
    pub mariadb: bool,
}

impl Dialect {
    /// PostgreSQL.
    pub const POSTGRES: Dialect = Dialect {
        backend: Backend::Postgres,
        mariadb: false,
    };
    /// SQLite.
    pub const SQLITE: Dialect = Dialect {
        backend: Backend::Sqlite,
        mariadb: false,
    };
    /// MySQL (no `RETURNING`).
    pub const MYSQL: Dialect = Dialect {
        backend: Backend::MySql,
        mariadb: false,
    };
    /// MariaDB.
    pub const MARIADB: Dialect = Dialect {
        backend: Backend::MySql,
        mariadb: true,
    };

    pub(crate) fn rules(self) -> &'static dyn Rules {
        match self.backend {
            Backend::Postgres => &Postgres,
            Backend::MySql if self.mariadb => &MariaDb,
            Backend::MySql => &MySql,
            Backend::Sqlite => &Sqlite,
        }
    }

    /// How a transaction with an isolation level starts: a statement to run on the connection
    /// first, and the statement that begins it (both `None`: a plain `BEGIN`).
    pub(crate) fn begin_with(self, level: &str) -> (Option<String>, Option<String>) {
        match self.backend {
            Backend::Postgres => (None, Some(format!("BEGIN ISOLATION LEVEL {level}"))),
            // Applies to the next transaction on the connection only.
            Backend::MySql => (
                Some(format!("SET TRANSACTION ISOLATION LEVEL {level}")),
                None,
            ),
            // Always serializable.
            Backend::Sqlite => (None, None),
        }
    }

    /// Why `v` cannot be bound on this backend (no column of it holds the value exactly), or
    /// `None` when it can.
    pub(crate) fn refuse(self, v: &Value) -> Option<String> {
        refuse_anywhere(v).or_else(|| self.rules().refuse(v))
    }

    /// The largest number of bind parameters one statement may carry.
    pub fn max_binds(self) -> usize {
        match self.backend {
            Backend::Postgres | Backend::MySql => 65_535,
            Backend::Sqlite => 32_766,
        }
    }
}

/// Per-dialect rendering rules.
pub(crate) trait Rules: Sync {
    fn quote(&self, out: &mut String, ident: &str) {
        out.push('"');
        if ident.contains('"') {
            out.push_str(&ident.replace('"', "\"\""));
        } else {
            out.push_str(ident);
        }
        out.push('"');
    }
    /// Writes the placeholder for bind number `n` (1-based).
    fn placeholder(&self, out: &mut String, _n: usize) {
        out.push('?');
    }
    fn insert_returning(&self) -> bool {
        true
    }
    fn update_returning(&self) -> bool {
        true
    }
    fn delete_returning(&self) -> bool {
        true
    }
    /// `NULLS FIRST/LAST` is native.
    fn native_nulls_order(&self) -> bool {
        true
    }
    /// Without `NULLS FIRST/LAST`, `NULL` sorts as the largest value (PostgreSQL) or the smallest.
    fn null_is_largest(&self) -> bool {
        true
    }
    /// `NULL`-safe equality.
    fn null_safe_eq(&self) -> &'static str {
        " IS NOT DISTINCT FROM "
    }
    /// `column` contains / starts with / ends with the literal `text` (never a wildcard pattern).
    fn like(
        &self,
        w: &mut Writer,
        col: ColumnSql<'_>,
        column: &'static ColumnDef,
        op: LikeOp,
        text: &str,
        insensitive: bool,
    ) {
        col(w);
        w.push(if insensitive { " ILIKE " } else { " LIKE " });
        w.bind_col(column, Value::String(like_pattern(op, text)));
    }
    /// An operand of `<`, `>` or `ORDER BY` on `column` (`operand` renders the column or a value).
    fn ordered(&self, w: &mut Writer, operand: ColumnSql<'_>, _column: &'static ColumnDef) {
        operand(w)
    }
    /// The function that builds a JSON array from its arguments (`Join` strategy rows).
    fn json_array(&self) -> &'static str {
        "json_build_array("
    }
    /// The aggregate that collects values into a JSON array.
    fn json_agg(&self) -> &'static str {
        "json_agg("
    }
    /// Whether [`json_value`](Rules::json_value) carries every value of this kind exactly.
    fn json_exact(&self, _kind: ScalarKind) -> bool {
        true
    }
    /// A column as an element of a JSON row, in a form its decoder reads back exactly.
    fn json_value(&self, w: &mut Writer, col: ColumnSql<'_>, column: &'static ColumnDef) {
        // A JSON document as its text, so a JSON `null` stays apart from SQL `NULL`.
        let (before, after) = match column.kind {
            ScalarKind::Decimal | ScalarKind::Json => ("CAST(", " AS TEXT)"),
            ScalarKind::Bytes => ("encode(", ", 'hex')"),
            _ => ("", ""),
        };
        w.push(before);
        col(w);
        w.push(after);
    }
    /// `column <op> value` as the new value of `column` (`target` renders its current value).
    fn arithmetic(
        &self,
        w: &mut Writer,
        target: ColumnSql<'_>,
        column: &'static ColumnDef,
        op: Arith,
        value: Value,
    ) {
        target(w);
        w.push(op.sql());
        w.bind_col(column, value);
    }
    /// `column [NOT] IN (values)`; the values are non-null, normalised and checked.
    fn in_list(
        &self,
        w: &mut Writer,
        col: ColumnSql<'_>,
        _column: &'static ColumnDef,
        values: Vec<Value>,
        negated: bool,
    ) {
        bind_list(w, col, values, negated);
    }
    /// Wraps a text expression for case-insensitive comparison.
    fn lower(&self) -> &'static str {
        "LOWER("
    }
    /// `LIMIT` when only an offset is given.
    fn offset_only_limit(&self) -> Option<&'static str> {
        None
    }
    /// `INSERT` keyword form for skipping duplicates; `None` means `ON CONFLICT DO NOTHING`.
    fn insert_ignore(&self) -> Option<&'static str> {
        None
    }
    /// Upsert syntax family.
    fn on_duplicate_key(&self) -> bool {
        false
    }
    /// Why a column of this backend cannot hold `v` (beyond what no backend holds), or `None`.
    fn refuse(&self, _v: &Value) -> Option<String> {
        None
    }
}

/// JSON documents nested deeper than this cannot be read back (serde_json's recursion limit).
const MAX_JSON_DEPTH: usize = 127;

/// What no backend holds: sub-microsecond date-times (every backend keeps microseconds; they would
/// be rounded or cut), leap seconds, JSON nested past what can be read back, and Rust values with no
/// database form.
fn refuse_anywhere(v: &Value) -> Option<String> {
    let nanos = match v {
        Value::DateTime(t) => t.nanosecond(),
        Value::NaiveDateTime(t) => t.nanosecond(),
        Value::Time(t) => t.nanosecond(),
        Value::Json(j) if json_depth(j) > MAX_JSON_DEPTH => {
            return Some(format!(
                "JSON nested deeper than {MAX_JSON_DEPTH} levels cannot be read back"
            ));
        }
        Value::Invalid(reason) => return Some(reason.clone()),
        _ => return None,
    };
    if nanos >= 1_000_000_000 {
        Some("a leap second cannot be stored".into())
    } else if nanos % 1000 != 0 {
        Some(
            "date-times are stored to the microsecond and this one has nanoseconds \
             (truncate it first: `chrono::SubsecRound::trunc_subsecs(6)`)"
                .into(),
        )
    } else {
        None
    }
}

/// The nesting depth of a JSON document (a scalar is 0).
fn json_depth(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::Array(a) => 1 + a.iter().map(json_depth).max().unwrap_or(0),
        serde_json::Value::Object(o) => 1 + o.values().map(json_depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Whether a date-time value has digits past the microsecond (`None` for other values).
pub(crate) fn sub_microsecond(v: &Value) -> bool {
    match v {
        Value::DateTime(t) => t.nanosecond() % 1000 != 0,
        Value::NaiveDateTime(t) => t.nanosecond() % 1000 != 0,
        Value::Time(t) => t.nanosecond() % 1000 != 0,
        _ => false,
    }
}

/// The instant of a date-time value, whichever kind it is.
fn instant(v: &Value) -> Option<NaiveDateTime> {
    match v {
        Value::DateTime(t) => Some(t.naive_utc()),
        Value::NaiveDateTime(t) => Some(*t),
        Value::Date(d) => d.and_hms_opt(0, 0, 0),
        _ => None,
    }
}

/// Dates and date-times outside `from ..= to` (by calendar date).
fn refuse_outside(v: &Value, from: NaiveDate, to: NaiveDate, backend: &str) -> Option<String> {
    let t = instant(v)?;
    (t.date() < from || t.date() > to).then(|| {
        format!(
            "{backend} stores dates from {} to {}",
            fmt_date(from),
            fmt_date(to)
        )
    })
}

fn fmt_date(d: NaiveDate) -> String {
    if d.year() <= 0 {
        format!("{:04}-{:02}-{:02} BC", 1 - d.year(), d.month(), d.day())
    } else {
        d.format("%Y-%m-%d").to_string()
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid calendar date")
}

/// Whether a JSON document holds a NUL character in a string or a key.
fn json_has_nul(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(a) => a.iter().any(json_has_nul),
        serde_json::Value::Object(o) => o.iter().any(|(k, v)| k.contains('\0') || json_has_nul(v)),
        _ => false,
    }
}

/// `col [NOT] IN (?, ?, ...)`.
fn bind_list(w: &mut Writer, col: ColumnSql<'_>, values: Vec<Value>, negated: bool) {
    col(w);
    w.push(if negated { " NOT IN (" } else { " IN (" });
    for (i, v) in values.into_iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        w.bind(v);
    }
    w.push(")");
}

/// A list element as JSON that the backend's JSON table function turns back into a value equal to
/// the bound one (text in the formats the binders send).
fn json_element(v: Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Bool(b) => J::from(i64::from(b)),
        Value::I16(n) => J::from(n),
        Value::I32(n) => J::from(n),
        Value::I64(n) => J::from(n),
        Value::F32(f) => J::from(f64::from(f)),
        Value::F64(f) => J::from(f),
        Value::Decimal(d) => J::String(d.to_string()),
        Value::String(s) => J::String(s),
        Value::Bytes(b) => J::String(b.iter().map(|x| format!("{x:02x}")).collect()),
        Value::Uuid(u) => J::String(u.hyphenated().to_string()),
        Value::DateTime(t) => J::String(t.format(SQLITE_DATETIME).to_string()),
        Value::NaiveDateTime(t) => J::String(t.format(SQLITE_DATETIME).to_string()),
        Value::Date(d) => J::String(d.format(SQLITE_DATE).to_string()),
        Value::Time(t) => J::String(t.format(SQLITE_TIME).to_string()),
        Value::Json(j) => J::String(j.to_string()),
        Value::Enum { value, .. } => J::String(value.to_owned()),
        Value::Null(_) | Value::Array(_) | Value::Invalid(_) => J::Null,
    }
}

fn json_list(values: Vec<Value>) -> Value {
    Value::String(
        serde_json::Value::Array(values.into_iter().map(json_element).collect()).to_string(),
    )
}

/// Escapes `%`, `_` and `\` and wraps for the operator.
pub(crate) fn like_pattern(op: LikeOp, text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 2);
    if matches!(op, LikeOp::Contains | LikeOp::EndsWith) {
        escaped.push('%');
    }
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    if matches!(op, LikeOp::Contains | LikeOp::StartsWith) {
        escaped.push('%');
    }
    escaped
}

pub(crate) struct Postgres;
impl Rules for Postgres {
    fn placeholder(&self, out: &mut String, n: usize) {
        use std::fmt::Write;
        let _ = write!(out, "${n}");
    }
    fn in_list(
        &self,
        w: &mut Writer,
        col: ColumnSql<'_>,
        column: &'static ColumnDef,
        values: Vec<Value>,
        negated: bool,
    ) {
        // One array bind, so every list length shares one prepared statement and no list is too
        // long for the protocol's 65 535 parameters.
        let array = (values.len() > 1)
            .then(|| KeyArray::from_values(&values))
            .flatten();
        let Some(array) = array else {
            return bind_list(w, col, values, negated);
        };
        col(w);
        w.push(if negated { " <> ALL(" } else { " = ANY(" });
        if let ScalarKind::Enum(def) = column.kind {
            w.push("CAST(");
            w.bind(Value::Array(array));
            w.push(" AS ");
            w.ident(def.db_name);
            w.push("[])");
        } else {
            w.bind(Value::Array(array));
        }
        w.push(")");
    }
    fn refuse(&self, v: &Value) -> Option<String> {
        match v {
            Value::String(s) if s.contains('\0') => {
                Some("PostgreSQL text cannot hold a NUL character".into())
            }
            Value::Json(j) if json_has_nul(j) => {
                Some("PostgreSQL JSON cannot hold a NUL character".into())
            }
            // Julian day 0 is PostgreSQL's first date; chrono reaches further back.
            _ => refuse_outside(v, date(-4713, 11, 24), NaiveDate::MAX, "PostgreSQL"),
        }
    }
}

pub(crate) struct MySql;
impl Rules for MySql {
    fn quote(&self, out: &mut String, ident: &str) {
        out.push('`');
        if ident.contains('`') {
            out.push_str(&ident.replace('`', "``"));
        } else {
            out.push_str(ident);
        }
        out.push('`');
    }
    fn insert_returning(&self) -> bool {
        false
    }
    fn update_returning(&self) -> bool {
        false
    }
    fn delete_returning(&self) -> bool {
        false
    }
    fn native_nulls_order(&self) -> bool {
        false
    }
    fn null_safe_eq(&self) -> &'static str {
        " <=> "
    }
    fn null_is_largest(&self) -> bool {
        false
    }
    fn like(
        &self,
        w: &mut Writer,
        col: ColumnSql<'_>,
        column: &'static ColumnDef,
        op: LikeOp,
        text: &str,
        insensitive: bool,
    ) {
        mysql_like(w, col, column, op, text, insensitive)
    }
    fn in_list(
        &self,
        w: &mut Writer,
        col: ColumnSql<'_>,
        column: &'static ColumnDef,
        values: Vec<Value>,
        negated: bool,
    ) {
        mysql_in_list(w, col, column, values, negated)
    }
    fn arithmetic(
        &self,
        w: &mut Writer,
        target: ColumnSql<'_>,
        column: &'static ColumnDef,
        op: Arith,
        value: Value,
    ) {
        mysql_arithmetic(w, target, column, op, value)
    }
    fn json_array(&self) -> &'static str {
        "JSON_ARRAY("
    }
    fn json_agg(&self) -> &'static str {
        "JSON_ARRAYAGG("
    }
    fn json_value(&self, w: &mut Writer, col: ColumnSql<'_>, column: &'static ColumnDef) {
        mysql_json_value(w, col, column)
    }
    fn offset_only_limit(&self) -> Option<&'static str> {
        Some(" LIMIT 18446744073709551615")
    }
    fn insert_ignore(&self) -> Option<&'static str> {
        Some("INSERT IGNORE INTO ")
    }
    fn on_duplicate_key(&self) -> bool {
        true
    }
    fn refuse(&self, v: &Value) -> Option<String> {
        refuse_mysql(v)
    }
}

/// Tables are created with a binary collation, so plain `LIKE` is case-sensitive; the insensitive
/// form lowers both sides.
fn mysql_like(
    w: &mut Writer,
    col: ColumnSql<'_>,
    column: &'static ColumnDef,
    op: LikeOp,
    text: &str,
    insensitive: bool,
) {
    if insensitive {
        w.push("LOWER(");
        col(w);
        w.push(") LIKE LOWER(");
        w.bind_col(column, Value::String(like_pattern(op, text)));
        w.push(")");
    } else {
        col(w);
        w.push(" LIKE ");
        w.bind_col(column, Value::String(like_pattern(op, text)));
    }
}

/// Long lists: `col IN (SELECT v FROM JSON_TABLE(?, '$[*]' COLUMNS (v <type> PATH '$')) t)`, the
/// list bound as one JSON array (MySQL 8.0.4+, MariaDB 10.6+).
fn mysql_in_list(
    w: &mut Writer,
    col: ColumnSql<'_>,
    column: &'static ColumnDef,
    values: Vec<Value>,
    negated: bool,
) {
    if values.len() <= JSON_LIST_MIN {
        return bind_list(w, col, values, negated);
    }
    // Text is compared in the binary NO PAD collation the tables use, whatever the JSON's is.
    let (ty, select) = match column.kind {
        ScalarKind::Bool | ScalarKind::I16 | ScalarKind::I32 | ScalarKind::I64 => ("BIGINT", "v"),
        ScalarKind::F32 => ("FLOAT", "v"),
        ScalarKind::F64 => ("DOUBLE", "v"),
        ScalarKind::Decimal => ("DECIMAL(65,30)", "v"),
        ScalarKind::Uuid => ("CHAR(36)", "v"),
        ScalarKind::DateTime | ScalarKind::NaiveDateTime => ("DATETIME(6)", "v"),
        ScalarKind::Date => ("DATE", "v"),
        ScalarKind::Time => ("TIME(6)", "v"),
        ScalarKind::Bytes => ("LONGTEXT", "UNHEX(v)"),
        ScalarKind::String | ScalarKind::Json | ScalarKind::Enum(_) => {
            ("LONGTEXT", "v COLLATE utf8mb4_bin")
        }
    };
    col(w);
    w.push(if negated {
        " NOT IN (SELECT "
    } else {
        " IN (SELECT "
    });
    w.push(select);
    w.push(" FROM JSON_TABLE(");
    w.bind(json_list(values));
    w.push(", '$[*]' COLUMNS (v ");
    w.push(ty);
    w.push(" PATH '$')) AS orm_in)");
}

fn mysql_json_value(w: &mut Writer, col: ColumnSql<'_>, column: &'static ColumnDef) {
    // A JSON document as its text (a JSON `null` stays apart from SQL `NULL`); a FLOAT as a DOUBLE
    // (JSON renders a FLOAT with 6 digits).
    let (before, after) = match column.kind {
        ScalarKind::Decimal | ScalarKind::Json => ("CAST(", " AS CHAR)"),
        ScalarKind::F32 => ("CAST(", " AS DOUBLE)"),
        ScalarKind::Bytes => ("HEX(", ")"),
        _ => ("", ""),
    };
    w.push(before);
    col(w);
    w.push(after);
}

/// `/` on integers yields a decimal on MySQL: integer division is `DIV`.
fn mysql_arithmetic(
    w: &mut Writer,
    target: ColumnSql<'_>,
    column: &'static ColumnDef,
    op: Arith,
    value: Value,
) {
    target(w);
    let int = matches!(
        column.kind,
        ScalarKind::I16 | ScalarKind::I32 | ScalarKind::I64
    );
    w.push(if op == Arith::Div && int {
        " DIV "
    } else {
        op.sql()
    });
    w.bind_col(column, value);
}

fn refuse_mysql(v: &Value) -> Option<String> {
    match v {
        Value::F32(f) if !f.is_finite() => {
            Some("MySQL and MariaDB cannot store NaN or infinity".into())
        }
        Value::F64(f) if !f.is_finite() => {
            Some("MySQL and MariaDB cannot store NaN or infinity".into())
        }
        _ => refuse_outside(v, date(1000, 1, 1), date(9999, 12, 31), "MySQL/MariaDB"),
    }
}

pub(crate) struct MariaDb;
impl Rules for MariaDb {
    fn quote(&self, out: &mut String, ident: &str) {
        MySql.quote(out, ident)
    }
    fn update_returning(&self) -> bool {
        false
    }
    fn native_nulls_order(&self) -> bool {
        false
    }
    fn null_safe_eq(&self) -> &'static str {
        " <=> "
    }
    fn null_is_largest(&self) -> bool {
        false
    }
    fn like(
        &self,
        w: &mut Writer,
        col: ColumnSql<'_>,
        column: &'static ColumnDef,
        op: LikeOp,
        text: &str,
        insensitive: bool,
    ) {
        mysql_like(w, col, column, op, text, insensitive)
    }
    fn in_list(
        &self,
        w: &mut Writer,
        col: ColumnSql<'_>,
        column: &'static ColumnDef,
        values: Vec<Value>,
        negated: bool,
    ) {
        mysql_in_list(w, col, column, values, negated)
    }
    fn arithmetic(
        &self,
        w: &mut Writer,
        target: ColumnSql<'_>,
        column: &'static ColumnDef,
        op: Arith,
        value: Value,
    ) {
        mysql_arithmetic(w, target, column, op, value)
    }
    fn json_array(&self) -> &'static str {
        "JSON_ARRAY("
    }
    fn json_agg(&self) -> &'static str {
        "JSON_ARRAYAGG("
    }
    fn json_value(&self, w: &mut Writer, col: ColumnSql<'_>, column: &'static ColumnDef) {
        mysql_json_value(w, col, column)
    }
    fn offset_only_limit(&self) -> Option<&'static str> {
        MySql.offset_only_limit()
    }
    fn insert_ignore(&self) -> Option<&'static str> {
        MySql.insert_ignore()
    }
    fn on_duplicate_key(&self) -> bool {
        true
    }
    fn refuse(&self, v: &Value) -> Option<String> {
        match v {
            // MariaDB's JSON_VALID check (every JSON column has one) refuses deeper documents.
            Value::Json(j) if json_depth(j) > 31 => {
                Some("MariaDB's JSON holds documents nested at most 31 levels deep".into())
            }
            v => refuse_mysql(v),
        }
    }
}

pub(crate) struct Sqlite;
impl Rules for Sqlite {
    /// Byte-exact forms over the text's UTF-8 bytes: `LIKE` and `GLOB` stop at a NUL character and
    /// fail on long patterns. `insensitive` folds ASCII letters, as SQLite's `lower()` does.
    fn like(
        &self,
        w: &mut Writer,
        col: ColumnSql<'_>,
        column: &'static ColumnDef,
        op: LikeOp,
        text: &str,
        insensitive: bool,
    ) {
        if text.is_empty() {
            col(w);
            w.push(" IS NOT NULL");
            return;
        }
        let bytes = if insensitive {
            text.to_ascii_lowercase().into_bytes()
        } else {
            text.as_bytes().to_vec()
        };
        let len = bytes.len() as i64;
        let subject = |w: &mut Writer| {
            w.push(if insensitive { "CAST(lower(" } else { "CAST(" });
            col(w);
            w.push(if insensitive {
                ") AS BLOB)"
            } else {
                " AS BLOB)"
            });
        };
        match op {
            LikeOp::Contains => {
                w.push("instr(");
                subject(w);
                w.push(", ");
                w.bind_col(column, Value::Bytes(bytes));
                w.push(") > 0");
            }
            // `substr` of an empty blob is NULL, not `x''`.
            LikeOp::StartsWith => {
                w.push("coalesce(substr(");
                subject(w);
                w.push(", 1, ");
                w.bind(Value::I64(len));
                w.push("), x'') = ");
                w.bind_col(column, Value::Bytes(bytes));
            }
            LikeOp::EndsWith => {
                w.push("coalesce(substr(");
                subject(w);
                w.push(", -");
                w.bind(Value::I64(len));
                w.push("), x'') = ");
                w.bind_col(column, Value::Bytes(bytes));
            }
        }
    }
    /// SQLite integers are 64-bit whatever the column's declared type, and overflow into floats:
    /// the result is checked against the field's range, and out of range fails the statement
    /// (`abs(-9223372036854775808)` raises "integer overflow") instead of storing a value the
    /// model cannot read back. Decimals are text here: their arithmetic would go through
    /// floating point, so it is refused.
    fn arithmetic(
        &self,
        w: &mut Writer,
        target: ColumnSql<'_>,
        column: &'static ColumnDef,
        op: Arith,
        value: Value,
    ) {
        let range = match column.kind {
            ScalarKind::I16 => Some((i16::MIN as i64, i16::MAX as i64)),
            ScalarKind::I32 => Some((i32::MIN as i64, i32::MAX as i64)),
            ScalarKind::I64 => Some((i64::MIN, i64::MAX)),
            ScalarKind::Decimal => {
                w.refuse(
                    column,
                    &value,
                    "SQLite stores decimals as text and cannot do exact decimal arithmetic; \
                     read the value, compute it and set it"
                        .into(),
                );
                None
            }
            _ => None,
        };
        let Some((min, max)) = range else {
            target(w);
            w.push(op.sql());
            w.bind_col(column, value);
            return;
        };
        let result = |w: &mut Writer| {
            w.push("(");
            target(w);
            w.push(op.sql());
            w.bind_col(column, value.clone());
            w.push(")");
        };
        w.push("CASE WHEN typeof(");
        result(w);
        w.push(") = 'integer' AND ");
        result(w);
        w.push(&format!(" BETWEEN {min} AND {max} THEN "));
        result(w);
        // Depends on the column, so SQLite cannot evaluate it ahead of the branch; NULL stays NULL.
        w.push(" ELSE abs(");
        target(w);
        w.push(" - ");
        target(w);
        w.push(" - 9223372036854775807 - 1) END");
    }
    fn in_list(
        &self,
        w: &mut Writer,
        col: ColumnSql<'_>,
        column: &'static ColumnDef,
        values: Vec<Value>,
        negated: bool,
    ) {
        if values.len() <= JSON_LIST_MIN {
            return bind_list(w, col, values, negated);
        }
        col(w);
        w.push(if negated {
            " NOT IN (SELECT "
        } else {
            " IN (SELECT "
        });
        w.push(if column.kind == ScalarKind::Bytes {
            "unhex(value)"
        } else {
            "value"
        });
        w.push(" FROM json_each(");
        w.bind(json_list(values));
        w.push("))");
    }
    fn offset_only_limit(&self) -> Option<&'static str> {
        Some(" LIMIT -1")
    }
    fn null_is_largest(&self) -> bool {
        false
    }
    fn null_safe_eq(&self) -> &'static str {
        " IS "
    }
    fn json_array(&self) -> &'static str {
        "json_array("
    }
    /// Decimals are text here: they order as numbers (doubles, 15–17 significant digits), not as
    /// text, where `10` would sort before `9`.
    fn ordered(&self, w: &mut Writer, operand: ColumnSql<'_>, column: &'static ColumnDef) {
        if column.kind == ScalarKind::Decimal {
            w.push("CAST(");
            operand(w);
            w.push(" AS REAL)");
        } else {
            operand(w)
        }
    }
    fn json_agg(&self) -> &'static str {
        "json_group_array("
    }
    fn json_value(&self, w: &mut Writer, col: ColumnSql<'_>, column: &'static ColumnDef) {
        match column.kind {
            // `hex(NULL)` is `''`.
            ScalarKind::Bytes => {
                w.push("CASE WHEN ");
                col(w);
                w.push(" IS NULL THEN NULL ELSE hex(");
                col(w);
                w.push(") END");
            }
            _ => col(w),
        }
    }
    /// SQLite turns a REAL into text with about 16 correct digits (JSON and `printf` alike):
    /// float columns cannot go through JSON exactly.
    fn json_exact(&self, kind: ScalarKind) -> bool {
        !matches!(kind, ScalarKind::F32 | ScalarKind::F64)
    }
    fn refuse(&self, v: &Value) -> Option<String> {
        match v {
            // SQLite turns a bound NaN into NULL.
            Value::F32(f) if f.is_nan() => Some("SQLite cannot store NaN".into()),
            Value::F64(f) if f.is_nan() => Some("SQLite cannot store NaN".into()),
            // Date-times are text whose order must be time order: four-digit years only.
            _ => refuse_outside(v, date(0, 1, 1), date(9999, 12, 31), "SQLite"),
        }
    }
}
