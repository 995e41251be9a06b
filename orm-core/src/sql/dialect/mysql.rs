//! MySQL and MariaDB: backquotes, `LOWER()` matching over binary collations, `JSON_TABLE` long
//! lists, `DIV`, `JSON_ARRAY`/`JSON_ARRAYAGG`, `INSERT IGNORE` and `ON DUPLICATE KEY UPDATE`, and the
//! values they cannot hold (NaN, ±infinity, dates outside 1000..9999). MariaDB differs only in its
//! capabilities and its JSON depth limit.

use super::parse_string_list;
use super::{
    Capabilities, ColumnSql, JSON_LIST_MIN, Rules, Scratch, TypeName, bind_list,
    column_definition_with, create_table, date, json_depth, json_list, like_pattern, lock_wait,
    refuse_outside,
};
use crate::ast::search::Term;
use crate::ast::{LikeOp, Lock, LockStrength, TextQuery, TextSearch};
use crate::model::def::ColumnDef;
use crate::schema::repr::{Column, ColumnType, Index, PrimaryKey, Table};
use crate::sql::{Arith, Writer};
use crate::types::ScalarKind;
use crate::value::Value;

/// MySQL, or MariaDB when `mariadb` is set.
pub(crate) struct MySql {
    mariadb: bool,
}

/// MySQL 8.
pub(crate) static MYSQL: MySql = MySql { mariadb: false };
/// MariaDB.
pub(crate) static MARIADB: MySql = MySql { mariadb: true };

static MYSQL_CAPS: Capabilities = Capabilities {
    insert_returning: false,
    update_returning: false,
    delete_returning: false,
    nulls_order: false,
    null_is_largest: false,
    on_duplicate_key: true,
    named_enums: false,
    transactional_ddl: false,
    json_agg_order: false,
    json_agg_limit: false,
    alter_table: true,
    foreign_key_names: true,
    constraint_renames: false,
    set_default_action: false,
    key_needs_index: true,
    decimal_arithmetic: true,
    row_locks: true,
    max_binds: 65_535,
    grouped_counts: true,
    prefer_join: false,
};

/// MariaDB adds `INSERT/DELETE ... RETURNING` and `ORDER BY`/`LIMIT` inside `JSON_ARRAYAGG`.
static MARIADB_CAPS: Capabilities = Capabilities {
    insert_returning: true,
    delete_returning: true,
    json_agg_order: true,
    json_agg_limit: true,
    ..MYSQL_CAPS
};

impl Rules for MySql {
    fn text_match(&self, w: &mut Writer, s: &TextSearch, table: &str) {
        match_against(self, w, s, table);
    }
    /// The `MATCH` score's type.
    fn no_relevance(&self) -> &'static str {
        "CAST(0 AS DOUBLE)"
    }
    /// The `MATCH` score (InnoDB's, unweighted: MySQL has no column weights).
    fn text_relevance(&self, w: &mut Writer, s: &TextSearch, table: &str) {
        match_against(self, w, s, table);
    }
    /// A `FULLTEXT` index over a stored, case-insensitive copy of each column (generated from
    /// it): the tables' binary collation would make InnoDB's full-text search case-sensitive,
    /// and MariaDB's misses phrases and rows indexed when the index is built. The model's own
    /// columns keep their exact collation; the copies exist for the index alone.
    fn create_index(&self, table: &str, i: &Index) -> String {
        if !i.fulltext {
            return super::create_index_std(self, table, i);
        }
        let mut parts: Vec<String> = i
            .columns
            .iter()
            .enumerate()
            .map(|(n, c)| {
                format!(
                    "ADD COLUMN {} LONGTEXT CHARACTER SET utf8mb4 COLLATE {FULLTEXT_COLLATION} GENERATED ALWAYS AS ({}) STORED",
                    self.ident(&fulltext_column(&i.name, n + 1)),
                    self.ident(c)
                )
            })
            .collect();
        let copies: Vec<String> = (1..=i.columns.len())
            .map(|n| self.ident(&fulltext_column(&i.name, n)))
            .collect();
        parts.push(format!(
            "ADD FULLTEXT INDEX {} ({})",
            self.ident(&i.name),
            copies.join(", ")
        ));
        format!("ALTER TABLE {} {}", self.ident(table), parts.join(", "))
    }
    /// The index and its column copies (a `FULLTEXT` index on the columns themselves has none).
    fn drop_fulltext(&self, table: &str, i: &Index) -> String {
        if i.language.as_deref() == Some(crate::schema::repr::FULLTEXT_ON_COLUMNS) {
            return self.drop_index(table, &i.name);
        }
        let mut parts = vec![format!("DROP INDEX {}", self.ident(&i.name))];
        parts.extend(
            (1..=i.columns.len())
                .map(|n| format!("DROP COLUMN {}", self.ident(&fulltext_column(&i.name, n)))),
        );
        format!("ALTER TABLE {} {}", self.ident(table), parts.join(", "))
    }
    /// MariaDB: the statement runs as `SET STATEMENT max_statement_time = .. FOR ..` (0: no
    /// limit). MySQL: a `MAX_EXECUTION_TIME` optimizer hint after a read's `SELECT`; MySQL has no
    /// timeout for other statements.
    fn scoped_timeout(
        &self,
        sql: String,
        timeout: Option<std::time::Duration>,
        _session: Option<std::time::Duration>,
        _local: bool,
    ) -> (String, Option<[String; 2]>) {
        if self.mariadb {
            let secs = timeout.map_or(0.0, |t| t.as_secs_f64());
            return (
                format!("SET STATEMENT max_statement_time = {secs:.3} FOR {sql}"),
                None,
            );
        }
        match sql.strip_prefix("SELECT ") {
            Some(rest) => {
                let ms = timeout.map_or(0, |t| t.as_millis());
                (
                    format!("SELECT /*+ MAX_EXECUTION_TIME({ms}) */ {rest}"),
                    None,
                )
            }
            None => (sql, None),
        }
    }
    /// MariaDB's `max_statement_time` covers every statement, in seconds; MySQL's
    /// `max_execution_time` only reads, in milliseconds.
    fn session_timeout(&self, timeout: std::time::Duration) -> Option<String> {
        Some(if self.mariadb {
            format!("max_statement_time = {:.3}", timeout.as_secs_f64())
        } else {
            format!("max_execution_time = {}", timeout.as_millis())
        })
    }
    fn column_type(&self, ty: &ColumnType, _serial: bool) -> String {
        use ColumnType as T;
        match ty {
            T::Boolean => "BOOLEAN".into(),
            T::SmallInt => "SMALLINT".into(),
            T::Integer => "INT".into(),
            T::BigInt => "BIGINT".into(),
            T::Real => "FLOAT".into(),
            T::Double => "DOUBLE".into(),
            T::Decimal { precision, scale } => format!("DECIMAL({precision},{scale})"),
            T::Text => "TEXT".into(),
            T::VarChar(n) => format!("VARCHAR({n})"),
            T::Char(n) => format!("CHAR({n})"),
            T::Bytes => "LONGBLOB".into(),
            T::Uuid => "CHAR(36)".into(),
            T::Timestamptz | T::Timestamp => "DATETIME(6)".into(),
            T::Date => "DATE".into(),
            T::Time => "TIME(6)".into(),
            T::Json => "JSON".into(),
            T::Enum { variants, .. } => {
                let v: Vec<String> = variants
                    .iter()
                    .map(|v| {
                        let mut out = String::new();
                        self.string_literal(&mut out, v);
                        out
                    })
                    .collect();
                format!("ENUM({})", v.join(", "))
            }
            T::Other(s) => s.clone(),
        }
    }
    fn parse_type(&self, t: &TypeName<'_>) -> ColumnType {
        use ColumnType as T;
        let TypeName { raw, s, base, args } = t;
        let s = s.clone();
        let num = |a: &Option<String>| a.as_deref().and_then(|a| a.trim().parse::<u32>().ok());
        match (base.as_str(), args) {
            ("boolean" | "bool", None) => T::Boolean,
            ("tinyint", Some(a)) if a.trim() == "1" => T::Boolean,
            // Display widths (`int(11)`) mean nothing for storage.
            ("smallint", _) => T::SmallInt,
            ("int" | "integer", _) => T::Integer,
            ("bigint", _) => T::BigInt,
            ("float", None) => T::Real,
            ("double" | "double precision", None) => T::Double,
            ("decimal" | "numeric", Some(a)) => match a.split_once(',') {
                Some((p, sc)) => match (p.trim().parse(), sc.trim().parse()) {
                    (Ok(precision), Ok(scale)) => T::Decimal { precision, scale },
                    _ => T::Other(s),
                },
                None => T::Other(s),
            },
            ("text", None) => T::Text,
            ("varchar", Some(_)) => num(args).map_or(T::Other(s), T::VarChar),
            ("char", Some(_)) => num(args).map_or(T::Other(s), T::Char),
            ("longblob", None) => T::Bytes,
            ("datetime", Some(a)) if a.trim() == "6" => T::Timestamp,
            ("date", None) => T::Date,
            ("time", Some(a)) if a.trim() == "6" => T::Time,
            // Whole seconds, as the server reports them (without the `(0)`).
            ("datetime" | "time" | "timestamp", Some(a)) if a.trim() == "0" => {
                T::Other(base.clone())
            }
            ("json", None) => T::Json,
            ("enum", Some(_)) => T::Enum {
                name: String::new(),
                variants: parse_string_list(
                    raw[raw.find('(').unwrap_or(0) + 1..raw.len() - 1].trim(),
                ),
            },
            _ => T::Other(s),
        }
    }
    /// `\` is an escape inside MySQL string literals: doubled.
    fn string_literal(&self, out: &mut String, s: &str) {
        out.push('\'');
        out.push_str(&s.replace('\'', "''").replace('\\', "\\\\"));
        out.push('\'');
    }
    fn now_default(&self) -> &'static str {
        "CURRENT_TIMESTAMP(6)"
    }
    fn now_expr(&self) -> &'static str {
        "CURRENT_TIMESTAMP(6)"
    }
    fn literal_default(&self, ty: &ColumnType, lit: &str) -> String {
        let lit = match lit {
            "true" => "1".to_owned(),
            "false" => "0".to_owned(),
            // Normalised literals use SQLite's quoting; MySQL also escapes backslashes.
            l if l.starts_with('\'') => {
                self.literal(&parse_string_list(l).into_iter().next().unwrap_or_default())
            }
            l => l.to_owned(),
        };
        // MySQL accepts literal defaults on TEXT/BLOB/JSON columns only as expressions.
        let expr_only = matches!(ty, ColumnType::Json | ColumnType::Bytes | ColumnType::Text)
            || matches!(ty, ColumnType::Other(t) if t.contains("text") || t.contains("blob"));
        if expr_only { format!("({lit})") } else { lit }
    }
    fn column_definition(&self, c: &Column) -> String {
        let mut extra = String::new();
        if let Some(collation) = &c.collation {
            extra.push_str(" COLLATE ");
            extra.push_str(collation);
        }
        if c.autoincrement {
            extra.push_str(" AUTO_INCREMENT");
        }
        column_definition_with(self, c, &extra)
    }
    fn create_table(&self, t: &Table, name: &str) -> String {
        let options = format!(
            "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={}",
            self.table_collation()
        );
        create_table(self, t, name, Some(&options))
    }
    /// `ALGORITHM=INPLACE LOCK=NONE`: the server builds the index while writes go on, or refuses
    /// (a first `FULLTEXT` index) rather than lock the table.
    /// Not for a full-text index: adding its column copies copies the table.
    fn create_index_online(&self, table: &str, i: &Index) -> Option<String> {
        if i.fulltext {
            return None;
        }
        Some(format!(
            "{} ALGORITHM=INPLACE LOCK=NONE",
            self.create_index(table, i)
        ))
    }
    /// MySQL casts to `CHAR`, not `TEXT`.
    fn text_cast(&self, expr: &str) -> String {
        format!("CAST({expr} AS CHAR)")
    }
    fn drop_index(&self, table: &str, name: &str) -> String {
        format!("DROP INDEX {} ON {}", self.ident(name), self.ident(table))
    }
    fn rename_index(&self, table: &str, from: &str, to: &str) -> String {
        format!(
            "ALTER TABLE {} RENAME INDEX {} TO {}",
            self.ident(table),
            self.ident(from),
            self.ident(to)
        )
    }
    fn drop_foreign_key(&self, table: &str, name: &str) -> String {
        format!(
            "ALTER TABLE {} DROP FOREIGN KEY {}",
            self.ident(table),
            self.ident(name)
        )
    }
    /// One statement: a MySQL primary key has no name to drop it by.
    fn alter_primary_key(
        &self,
        table: &str,
        from: Option<&PrimaryKey>,
        to: Option<&PrimaryKey>,
    ) -> Vec<String> {
        let mut parts = Vec::new();
        if from.is_some() {
            parts.push("DROP PRIMARY KEY".to_owned());
        }
        if let Some(pk) = to {
            parts.push(format!(
                "ADD PRIMARY KEY ({})",
                self.ident_list(&pk.columns)
            ));
        }
        vec![format!(
            "ALTER TABLE {} {}",
            self.ident(table),
            parts.join(", ")
        )]
    }
    /// `MODIFY COLUMN` restates the whole column.
    fn alter_column(
        &self,
        table: &str,
        _from: &Column,
        to: &Column,
        _type_changed: bool,
    ) -> Vec<String> {
        vec![format!(
            "ALTER TABLE {} MODIFY COLUMN {}",
            self.ident(table),
            self.column_definition(to)
        )]
    }
    fn table_collation(&self) -> &'static str {
        if self.mariadb {
            "utf8mb4_nopad_bin"
        } else {
            "utf8mb4_0900_bin"
        }
    }
    /// MariaDB spells a shared lock `LOCK IN SHARE MODE`.
    fn lock_clause(&self, w: &mut Writer, lock: Lock, _table: &str) {
        w.push(match (lock.strength, self.mariadb) {
            (LockStrength::Update, _) => " FOR UPDATE",
            (LockStrength::Share, true) => " LOCK IN SHARE MODE",
            (LockStrength::Share, false) => " FOR SHARE",
        });
        lock_wait(w, lock.wait);
    }
    /// A date-time or time type without fractional digits keeps whole seconds: `(0)` written out,
    /// so that the model knows and refuses finer values rather than let them be cut.
    fn explicit_native(&self, native: String) -> String {
        if matches!(
            native.to_ascii_lowercase().as_str(),
            "datetime" | "time" | "timestamp"
        ) {
            format!("{native}(0)")
        } else {
            native
        }
    }
    fn string_type(&self) -> ColumnType {
        ColumnType::VarChar(191)
    }
    /// A database (MySQL's schemas are databases).
    fn scratch(&self, url: &str, name: &str) -> Result<Scratch, String> {
        let mut u = url::Url::parse(&url.replacen("mariadb://", "mysql://", 1))
            .map_err(|e| format!("database URL: {e}"))?;
        u.set_path(&format!("/{name}"));
        Ok(Scratch {
            create: Some(format!("CREATE DATABASE {}", self.ident(name))),
            url: u.to_string(),
            drop: Some(format!("DROP DATABASE {}", self.ident(name))),
        })
    }
    fn caps(&self) -> &'static Capabilities {
        if self.mariadb {
            &MARIADB_CAPS
        } else {
            &MYSQL_CAPS
        }
    }
    fn quote(&self, out: &mut String, ident: &str) {
        out.push('`');
        if ident.contains('`') {
            out.push_str(&ident.replace('`', "``"));
        } else {
            out.push_str(ident);
        }
        out.push('`');
    }
    fn null_safe_eq(&self) -> &'static str {
        " <=> "
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
        mysql_in_list(w, col, column, values, negated, self.table_collation())
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
    fn refuse(&self, v: &Value) -> Option<String> {
        match v {
            // MariaDB's JSON_VALID check (every JSON column has one) refuses deeper documents.
            Value::Json(j) if self.mariadb && json_depth(j) > 31 => {
                Some("MariaDB's JSON holds documents nested at most 31 levels deep".into())
            }
            v => refuse_mysql(v),
        }
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
    collation: &str,
) {
    if values.len() <= JSON_LIST_MIN {
        return bind_list(w, col, values, negated);
    }
    // Text is compared in the binary NO PAD collation the tables use, whatever the JSON's is
    // (a PAD SPACE one would match `'pad '` for `'pad'`).
    let text = format!("v COLLATE {collation}");
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
        ScalarKind::String | ScalarKind::Json | ScalarKind::Enum(_) => ("LONGTEXT", text.as_str()),
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

/// The collation of a full-text index's column copies (on MySQL 8 and MariaDB alike).
const FULLTEXT_COLLATION: &str = "utf8mb4_unicode_ci";

/// The stored copy of the `n`th column (from 1) a full-text index `index` reads: `<index>_<n>`
/// (by position, so that a renamed column keeps its copy's name).
fn fulltext_column(index: &str, n: usize) -> String {
    crate::model::fit_identifier(&format!("{index}_{n}")).into_owned()
}

/// `MATCH (t.a_copy, t.b_copy) AGAINST (? IN BOOLEAN MODE)`, over exactly the `FULLTEXT` index's
/// columns (MySQL requires an index on that list).
fn match_against(r: &MySql, w: &mut Writer, s: &TextSearch, table: &str) {
    let index = s.index.db_name();
    w.push("MATCH (");
    for n in 1..=s.index.columns.len() {
        if n > 1 {
            w.push(", ");
        }
        w.push(&r.ident(table));
        w.push(".");
        w.push(&r.ident(&fulltext_column(&index, n)));
    }
    w.push(") AGAINST (");
    w.bind(Value::String(boolean_mode_text(&s.query)));
    w.push(" IN BOOLEAN MODE)");
}

/// A parsed query in boolean-mode syntax: `+a +(b "c d") -e`. Words are letters and digits only,
/// so no operator of the syntax can come from the user's input.
fn boolean_mode_text(q: &TextQuery) -> String {
    let term = |t: &Term| match t.words() {
        [w] => w.clone(),
        words => format!("\"{}\"", words.join(" ")),
    };
    let (required, excluded) = q.render(term, |alts| format!("({})", alts.join(" ")));
    let mut parts: Vec<String> = required.into_iter().map(|t| format!("+{t}")).collect();
    parts.extend(excluded.into_iter().map(|t| format!("-{t}")));
    parts.join(" ")
}
