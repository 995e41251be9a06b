//! SQLite: byte-exact text matching (`instr`/`substr`), `json_each` long lists, the integer
//! overflow guard, decimals ordered as numbers, `json_array`/`json_group_array`, and the values it
//! cannot hold (NaN, dates outside 0000..9999).

use super::{
    Capabilities, ColumnSql, JSON_LIST_MIN, Rules, Scratch, TypeName, bind_list,
    column_definition_with, create_table, date, json_list, refuse_outside, table_sql,
};
use crate::ast::{LikeOp, TextQuery, TextSearch};
use crate::model::def::ColumnDef;
use crate::schema::repr::{Column, ColumnType, Index, Table};
use crate::sql::{Arith, Writer};
use crate::types::ScalarKind;
use crate::value::Value;

/// SQLite.
pub(crate) struct Sqlite;

static CAPS: Capabilities = Capabilities {
    insert_returning: true,
    update_returning: true,
    delete_returning: true,
    nulls_order: true,
    null_is_largest: false,
    on_duplicate_key: false,
    named_enums: false,
    transactional_ddl: true,
    json_agg_order: true,
    json_agg_limit: false,
    alter_table: false,
    foreign_key_names: false,
    constraint_renames: false,
    set_default_action: true,
    key_needs_index: false,
    decimal_arithmetic: false,
    row_locks: false,
    max_binds: 32_766,
    grouped_counts: false,
    prefer_join: true,
};

/// The column declared `INTEGER PRIMARY KEY AUTOINCREMENT`: an auto-incrementing one-column key.
fn autoincrement_key(t: &Table) -> Option<&str> {
    let pk = t.primary_key.as_ref()?;
    (pk.columns.len() == 1 && t.column(&pk.columns[0]).is_some_and(|c| c.autoincrement))
        .then(|| pk.columns[0].as_str())
}

impl Rules for Sqlite {
    fn column_type(&self, ty: &ColumnType, _serial: bool) -> String {
        use ColumnType as T;
        match ty {
            T::Boolean | T::SmallInt | T::Integer | T::BigInt => "INTEGER".into(),
            T::Real | T::Double => "REAL".into(),
            T::Bytes => "BLOB".into(),
            T::Other(s) => s.clone(),
            _ => "TEXT".into(),
        }
    }
    fn parse_type(&self, t: &TypeName<'_>) -> ColumnType {
        use ColumnType as T;
        match t.base.as_str() {
            "integer" | "int" | "bigint" | "smallint" | "boolean" | "tinyint" => T::BigInt,
            "real" | "double" | "float" | "double precision" => T::Double,
            "text" | "varchar" | "char" | "clob" => T::Text,
            "blob" => T::Bytes,
            _ => T::Other(t.s.clone()),
        }
    }
    fn now_default(&self) -> &'static str {
        "(strftime('%Y-%m-%d %H:%M:%f', 'now'))"
    }
    fn now_expr(&self) -> &'static str {
        "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    }
    /// Enums are text with a `CHECK` of their variants.
    fn column_definition(&self, c: &Column) -> String {
        let check = match &c.ty {
            ColumnType::Enum { variants, .. } => {
                let v: Vec<String> = variants.iter().map(|v| self.literal(v)).collect();
                format!(" CHECK ({} IN ({}))", self.ident(&c.name), v.join(", "))
            }
            _ => String::new(),
        };
        let mut sql = column_definition_with(self, c, "");
        sql.push_str(&check);
        sql
    }
    /// An auto-incrementing key is declared on its column (`INTEGER PRIMARY KEY AUTOINCREMENT`,
    /// a rowid alias); foreign keys are declared inside the table.
    fn create_table(&self, t: &Table, name: &str) -> String {
        let Some(key) = autoincrement_key(t) else {
            return create_table(self, t, name, None);
        };
        let mut parts: Vec<String> = t
            .columns
            .iter()
            .map(|c| {
                if c.name == key {
                    format!(
                        "{} {} PRIMARY KEY AUTOINCREMENT",
                        self.ident(&c.name),
                        self.column_type(&c.ty, true)
                    )
                } else {
                    self.column_definition(c)
                }
            })
            .collect();
        parts.extend(t.foreign_keys.iter().map(|fk| self.foreign_key(fk)));
        table_sql(self, name, &parts, None)
    }
    /// `sqlite_sequence` holds the largest id ever handed out, which the copied rows may not reach
    /// (the last ones were deleted): the new table takes the old one's.
    fn carry_counter(&self, from: &Table, to: &Table, tmp: &str) -> Vec<String> {
        if autoincrement_key(from).is_none() || autoincrement_key(to).is_none() {
            return Vec::new();
        }
        vec![
            format!(
                "DELETE FROM sqlite_sequence WHERE name = {}",
                self.literal(tmp)
            ),
            format!(
                "INSERT INTO sqlite_sequence (name, seq) SELECT {}, seq FROM sqlite_sequence WHERE name = {}",
                self.literal(tmp),
                self.literal(&from.name)
            ),
        ]
    }
    /// A full-text index is an FTS5 table over the model's table (external content: it keeps
    /// only the index, and reads the text from the table), kept in step by triggers on insert,
    /// update of an indexed column (or of the rowid) and delete, and filled from the rows already
    /// there. Creating it drops a previous one first, so that a table rebuild (which drops the
    /// table's triggers and renumbers its rows) creates it afresh.
    fn create_index(&self, table: &str, i: &Index) -> String {
        if !i.fulltext {
            return super::create_index_std(self, table, i);
        }
        let fts = self.ident(&i.name);
        let t = self.ident(table);
        let cols: Vec<String> = i.columns.iter().map(|c| self.ident(c)).collect();
        let list = cols.join(", ");
        let of = |row: &str| {
            cols.iter()
                .map(|c| format!("{row}.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let tokenize = if i.language.as_deref() == Some("english") {
            "porter unicode61"
        } else {
            "unicode61"
        };
        let insert = format!(
            "INSERT INTO {fts}(rowid, {list}) VALUES (new.rowid, {})",
            of("new")
        );
        let delete = format!(
            "INSERT INTO {fts}({fts}, rowid, {list}) VALUES ('delete', old.rowid, {})",
            of("old")
        );
        let changed = std::iter::once("old.rowid IS NOT new.rowid".to_owned())
            .chain(cols.iter().map(|c| format!("old.{c} IS NOT new.{c}")))
            .collect::<Vec<_>>()
            .join(" OR ");
        let trigger = |suffix: &str| self.ident(&format!("{}_{suffix}", i.name));
        [
            self.drop_fulltext(table, i),
            format!(
                "CREATE VIRTUAL TABLE {fts} USING fts5({list}, content={}, content_rowid='rowid', tokenize='{tokenize}')",
                self.literal(table)
            ),
            format!(
                "CREATE TRIGGER {} AFTER INSERT ON {t} BEGIN {insert}; END",
                trigger("ai")
            ),
            format!(
                "CREATE TRIGGER {} AFTER DELETE ON {t} BEGIN {delete}; END",
                trigger("ad")
            ),
            format!(
                "CREATE TRIGGER {} AFTER UPDATE ON {t} WHEN {changed} BEGIN {delete}; {insert}; END",
                trigger("au")
            ),
            format!("INSERT INTO {fts}({fts}) VALUES ('rebuild')"),
        ]
        .join(";\n")
    }
    /// The triggers, then the FTS5 table.
    fn drop_fulltext(&self, _table: &str, i: &Index) -> String {
        let mut out: Vec<String> = ["ai", "ad", "au"]
            .iter()
            .map(|s| {
                format!(
                    "DROP TRIGGER IF EXISTS {}",
                    self.ident(&format!("{}_{s}", i.name))
                )
            })
            .collect();
        out.push(format!("DROP TABLE IF EXISTS {}", self.ident(&i.name)));
        out.join(";\n")
    }
    /// A table's FTS5 tables outlive it (its triggers do not).
    fn drop_table_extras(&self, t: &Table) -> Vec<String> {
        t.indexes
            .iter()
            .filter(|i| i.fulltext)
            .map(|i| format!("DROP TABLE IF EXISTS {}", self.ident(&i.name)))
            .collect()
    }
    /// The tokenizer is the language (`english`: Porter stemming; anything else: none); weights
    /// are the query's, not the table's.
    fn fulltext_form(&self, language: &str, _weights: &[char]) -> (Option<String>, Vec<char>) {
        let language = if language == "english" {
            "english"
        } else {
            "simple"
        };
        (Some(language.to_owned()), Vec::new())
    }
    /// `t.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)`.
    fn text_match(&self, w: &mut Writer, s: &TextSearch, table: &str) {
        let fts = self.ident(&s.index.db_name());
        w.push(&self.ident(table));
        w.push(".rowid IN (SELECT rowid");
        fts_matches(w, &fts, s);
        w.push(")");
    }
    /// ` LEFT JOIN (SELECT rowid AS orm_id, -bm25(..) AS orm_rank FROM fts WHERE fts MATCH ?
    /// LIMIT -1) AS alias ON alias.orm_id = t.rowid`: one FTS5 query for every row (each correlated
    /// `MATCH` costs about half a millisecond, so per row it is quadratic in the matches).
    fn relevance_by_join(&self) -> bool {
        true
    }
    fn relevance_join(
        &self,
        w: &mut Writer,
        s: &TextSearch,
        table: &str,
        alias: &str,
        inner: bool,
    ) {
        let fts = self.ident(&s.index.db_name());
        w.push(if inner { " JOIN" } else { " LEFT JOIN" });
        w.push(" (SELECT rowid AS ");
        w.ident("orm_id");
        w.push(", ");
        bm25(w, &fts, s);
        w.push(" AS ");
        w.ident("orm_rank");
        fts_matches(w, &fts, s);
        // `LIMIT -1` (no limit) keeps SQLite 3.51 from flattening the subquery into the join,
        // which runs the `MATCH` once per row of the table instead of once.
        w.push(" LIMIT -1) AS ");
        w.ident(alias);
        w.push(" ON ");
        w.ident(alias);
        w.push(".");
        w.ident("orm_id");
        w.push(" = ");
        w.ident(table);
        w.push(".rowid");
    }
    /// `-bm25(..)` of the row's match, weighted per column (A 1.0, B 0.4, C 0.2, D 0.1, as
    /// PostgreSQL weighs them); 0 for a row that does not match.
    fn text_relevance(&self, w: &mut Writer, s: &TextSearch, table: &str) {
        let fts = self.ident(&s.index.db_name());
        w.push("COALESCE((SELECT ");
        bm25(w, &fts, s);
        fts_matches(w, &fts, s);
        w.push(" AND rowid = ");
        w.push(&self.ident(table));
        w.push(".rowid), 0.0)");
    }
    /// FTS5 `snippet()` of the row's match (up to 16 tokens, `…` where text is cut), in a
    /// subquery: the auxiliary function needs the `MATCH` in its own query.
    fn text_snippet(
        &self,
        w: &mut Writer,
        s: &TextSearch,
        column: &'static ColumnDef,
        table: &str,
    ) {
        let fts = self.ident(&s.index.db_name());
        let at = s
            .index
            .columns
            .iter()
            .position(|&c| c == column.index)
            .expect("a snippet's column is in its index");
        let table = self.ident(table);
        w.push("CASE WHEN ");
        w.push(&table);
        w.push(".");
        w.push(&self.ident(column.name));
        w.push(" IS NULL THEN NULL ELSE (SELECT snippet(");
        w.push(&fts);
        w.push(&format!(", {at}, char(2), char(3), '…', 16)"));
        fts_matches(w, &fts, s);
        w.push(" AND rowid = ");
        w.push(&table);
        w.push(".rowid) END");
    }
    fn foreign_key_switch(&self) -> Option<(&'static str, &'static str)> {
        Some(("PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys = ON"))
    }
    fn foreign_key_check(&self) -> Option<&'static str> {
        Some("PRAGMA foreign_key_check")
    }
    /// A private in-memory database.
    fn scratch(&self, _url: &str, _name: &str) -> Result<Scratch, String> {
        Ok(Scratch {
            create: None,
            url: "sqlite::memory:".into(),
            drop: None,
        })
    }
    fn caps(&self) -> &'static Capabilities {
        &CAPS
    }
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

/// `-bm25(fts, weights..)`: higher is better.
fn bm25(w: &mut Writer, fts: &str, s: &TextSearch) {
    w.push("-bm25(");
    w.push(fts);
    for weight in s.options().weights {
        w.push(match weight {
            'A' => ", 1.0",
            'B' => ", 0.4",
            'C' => ", 0.2",
            _ => ", 0.1",
        });
    }
    w.push(")");
}

/// A parsed query in FTS5 syntax: `("a" AND ("b" OR "c d")) NOT "e"`. Every word is quoted (and
/// is letters and digits only), so no column filter, `NEAR`, prefix `*` or operator can come from
/// the user's input.
fn fts5_text(q: &TextQuery) -> String {
    let term = |t: &crate::ast::search::Term| format!("\"{}\"", t.words().join(" "));
    let (required, excluded) = q.render(term, |alts| format!("({})", alts.join(" OR ")));
    let mut out = format!("({})", required.join(" AND "));
    for t in excluded {
        out.push_str(" NOT ");
        out.push_str(&t);
    }
    out
}

/// ` FROM fts WHERE fts MATCH ?`: the rows of the FTS5 table `fts` matching the search.
fn fts_matches(w: &mut Writer, fts: &str, s: &TextSearch) {
    w.push(" FROM ");
    w.push(fts);
    w.push(" WHERE ");
    w.push(fts);
    w.push(" MATCH ");
    w.bind(Value::String(fts5_text(&s.query)));
}
