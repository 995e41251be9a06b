//! PostgreSQL: `$n` placeholders, `ILIKE`, `= ANY($1)` array lists, `json_build_array`/`json_agg`,
//! and the values its columns cannot hold (NUL in text and JSON, dates before 4714 BC).

use chrono::NaiveDate;

use super::{
    Capabilities, ColumnSql, Rules, TypeName, bind_list, create_index_std, date, json_has_nul,
    lock_wait, refuse_outside,
};
use crate::ast::{Lock, LockStrength, TextQuery, TextSearch};
use crate::model::def::ColumnDef;
use crate::schema::repr::{ColumnType, ForeignKey, Index};
use crate::sql::Writer;
use crate::types::ScalarKind;
use crate::value::{KeyArray, Value};

/// PostgreSQL.
pub(crate) struct Postgres;

static CAPS: Capabilities = Capabilities {
    insert_returning: true,
    update_returning: true,
    delete_returning: true,
    nulls_order: true,
    null_is_largest: true,
    on_duplicate_key: false,
    named_enums: true,
    transactional_ddl: true,
    json_agg_order: true,
    json_agg_limit: false,
    alter_table: true,
    foreign_key_names: true,
    constraint_renames: true,
    set_default_action: true,
    key_needs_index: false,
    decimal_arithmetic: true,
    row_locks: true,
    max_binds: 65_535,
    grouped_counts: true,
    prefer_join: false,
};

impl Rules for Postgres {
    /// `SET [LOCAL] statement_timeout` to the timeout before the statement and back to the
    /// session's after it (0: no limit).
    fn scoped_timeout(
        &self,
        sql: String,
        timeout: Option<std::time::Duration>,
        session: Option<std::time::Duration>,
        local: bool,
    ) -> (String, Option<[String; 2]>) {
        let scope = if local { "LOCAL " } else { "" };
        let ms = |t: Option<std::time::Duration>| t.map_or(0, |t| t.as_millis());
        let set = |t| format!("SET {scope}statement_timeout = {}", ms(t));
        (sql, Some([set(timeout), set(session)]))
    }
    fn column_type(&self, ty: &ColumnType, serial: bool) -> String {
        use ColumnType as T;
        match ty {
            T::Boolean => "BOOLEAN".into(),
            T::SmallInt => if serial { "SMALLSERIAL" } else { "SMALLINT" }.into(),
            T::Integer => if serial { "SERIAL" } else { "INTEGER" }.into(),
            T::BigInt => if serial { "BIGSERIAL" } else { "BIGINT" }.into(),
            T::Real => "REAL".into(),
            T::Double => "DOUBLE PRECISION".into(),
            T::Decimal { precision, scale } => format!("NUMERIC({precision},{scale})"),
            T::Text => "TEXT".into(),
            T::VarChar(n) => format!("VARCHAR({n})"),
            T::Char(n) => format!("CHAR({n})"),
            T::Bytes => "BYTEA".into(),
            T::Uuid => "UUID".into(),
            T::Timestamptz => "TIMESTAMPTZ".into(),
            T::Timestamp => "TIMESTAMP".into(),
            T::Date => "DATE".into(),
            T::Time => "TIME".into(),
            T::Json => "JSONB".into(),
            T::Enum { name, .. } => {
                let mut out = String::new();
                self.quote(&mut out, name);
                out
            }
            T::Other(s) => s.clone(),
        }
    }
    fn parse_type(&self, t: &TypeName<'_>) -> ColumnType {
        use ColumnType as T;
        let TypeName { s, base, args, .. } = t;
        let s = s.clone();
        let num = |a: &Option<String>| a.as_deref().and_then(|a| a.trim().parse::<u32>().ok());
        match (base.as_str(), args) {
            ("boolean" | "bool", None) => T::Boolean,
            ("smallint" | "int2" | "smallserial", None) => T::SmallInt,
            ("integer" | "int" | "int4" | "serial", None) => T::Integer,
            ("bigint" | "int8" | "bigserial", None) => T::BigInt,
            ("real" | "float4", None) => T::Real,
            ("double precision" | "float8", None) => T::Double,
            ("numeric" | "decimal", Some(a)) => match a.split_once(',') {
                Some((p, sc)) => match (p.trim().parse(), sc.trim().parse()) {
                    (Ok(precision), Ok(scale)) => T::Decimal { precision, scale },
                    _ => T::Other(s),
                },
                None => T::Other(s),
            },
            ("text", None) => T::Text,
            ("character varying" | "varchar", Some(_)) => num(args).map_or(T::Other(s), T::VarChar),
            ("character" | "char" | "bpchar", Some(_)) => num(args).map_or(T::Other(s), T::Char),
            ("bytea", None) => T::Bytes,
            ("uuid", None) => T::Uuid,
            ("timestamp with time zone" | "timestamptz", None) => T::Timestamptz,
            ("timestamp without time zone" | "timestamp", None) => T::Timestamp,
            ("date", None) => T::Date,
            ("time without time zone" | "time", None) => T::Time,
            ("jsonb", None) => T::Json,
            ("timestamp with time zone" | "timestamptz", Some(a)) => {
                T::Other(format!("timestamptz({a})"))
            }
            ("timestamp without time zone" | "timestamp", Some(a)) => {
                T::Other(format!("timestamp({a})"))
            }
            ("time without time zone" | "time", Some(a)) => T::Other(format!("time({a})")),
            _ => T::Other(s),
        }
    }
    fn now_expr(&self) -> &'static str {
        // The wall clock, not the transaction's start: a migration's start and finish differ.
        "clock_timestamp()"
    }
    fn bool_literal(&self, b: bool) -> &'static str {
        if b { "true" } else { "false" }
    }
    fn bytes_literal(&self, hex: &str) -> String {
        format!("'\\x{hex}'")
    }
    /// `CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS` (which cannot run in a transaction;
    /// `IF NOT EXISTS` makes a rerun after a failure harmless once the `INVALID` index is dropped).
    fn create_index_online(&self, table: &str, i: &Index) -> Option<String> {
        let sql = self.create_index(table, i);
        let kind = if i.unique { "UNIQUE " } else { "" };
        let rest = sql.strip_prefix(&format!("CREATE {kind}INDEX "))?;
        Some(format!(
            "CREATE {kind}INDEX CONCURRENTLY IF NOT EXISTS {rest}"
        ))
    }
    /// The key added `NOT VALID` (no scan), then validated (a scan that blocks no writes).
    fn add_foreign_key_online(&self, table: &str, fk: &ForeignKey) -> Option<Vec<String>> {
        Some(vec![
            format!(
                "ALTER TABLE {} ADD {} NOT VALID",
                self.ident(table),
                self.foreign_key(fk)
            ),
            format!(
                "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                self.ident(table),
                self.ident(&fk.name)
            ),
        ])
    }
    /// A full-text index is a GIN index over exactly the `tsvector` expression searches use.
    fn create_index(&self, table: &str, i: &Index) -> String {
        if !i.fulltext {
            return create_index_std(self, table, i);
        }
        let columns: Vec<String> = i.columns.iter().map(|c| self.ident(c)).collect();
        let language = i
            .language
            .as_deref()
            .unwrap_or(crate::model::FullTextDef::DEFAULT_LANGUAGE);
        format!(
            "CREATE INDEX {} ON {} USING GIN (({}))",
            self.ident(&i.name),
            self.ident(table),
            tsvector(self, language, &columns, &i.weights)
        )
    }
    fn fulltext_renames(&self) -> bool {
        true
    }
    fn fulltext_form(&self, language: &str, weights: &[char]) -> (Option<String>, Vec<char>) {
        (Some(language.to_owned()), weights.to_vec())
    }
    fn text_match(&self, w: &mut Writer, s: &TextSearch, table: &str) {
        w.push("(");
        self.search_vector(w, s, table);
        w.push(") @@ ");
        self.search_query(w, s);
    }
    /// `ts_headline` with the index's language and the query's `tsquery`, the matches between
    /// `chr(2)` and `chr(3)`.
    fn text_snippet(
        &self,
        w: &mut Writer,
        s: &TextSearch,
        column: &'static ColumnDef,
        table: &str,
    ) {
        w.push("ts_headline(");
        w.push(&self.literal(s.options().language));
        w.push(", ");
        w.push(&self.ident(table));
        w.push(".");
        w.push(&self.ident(column.name));
        w.push(", ");
        self.search_query(w, s);
        w.push(", 'StartSel=' || chr(2) || ', StopSel=' || chr(3))");
    }
    /// `ts_rank_cd`'s type.
    fn no_relevance(&self) -> &'static str {
        "CAST(0 AS REAL)"
    }
    fn text_relevance(&self, w: &mut Writer, s: &TextSearch, table: &str) {
        w.push("ts_rank_cd(");
        self.search_vector(w, s, table);
        w.push(", ");
        self.search_query(w, s);
        w.push(")");
    }
    fn caps(&self) -> &'static Capabilities {
        &CAPS
    }
    /// `OF` the model's table: rows of tables a subquery reads (counts, cursors) stay unlocked.
    fn lock_clause(&self, w: &mut Writer, lock: Lock, table: &str) {
        w.push(match lock.strength {
            LockStrength::Update => " FOR UPDATE OF ",
            LockStrength::Share => " FOR SHARE OF ",
        });
        w.ident(table);
        lock_wait(w, lock.wait);
    }
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

/// The `tsvector` a full-text index is built on and searches compare with, over already-quoted
/// `columns`: `to_tsvector('cfg', COALESCE(a, '') || ' ' || COALESCE(b, ''))`, or with weights
/// `setweight(to_tsvector('cfg', COALESCE(a, '')), 'A') || setweight(..)`. The planner uses the
/// index only for exactly this expression, so the DDL and the queries share it.
fn tsvector(r: &Postgres, language: &str, columns: &[String], weights: &[char]) -> String {
    let cfg = r.literal(language);
    if weights.len() != columns.len() {
        let doc = columns
            .iter()
            .map(|c| format!("COALESCE({c}, '')"))
            .collect::<Vec<_>>()
            .join(" || ' ' || ");
        return format!("to_tsvector({cfg}, {doc})");
    }
    columns
        .iter()
        .zip(weights)
        .map(|(c, w)| format!("setweight(to_tsvector({cfg}, COALESCE({c}, '')), '{w}')"))
        .collect::<Vec<_>>()
        .join(" || ")
}

/// A parsed query as `to_tsquery` input: `'a' & ('b' | ('c' <-> 'd')) & !'e'`. Every word is
/// letters and digits only, so quoting it is all the escaping it needs.
fn tsquery_text(q: &TextQuery) -> String {
    let term = |t: &crate::ast::search::Term| match t.words() {
        [w] => format!("'{w}'"),
        words => {
            let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
            format!("({})", quoted.join(" <-> "))
        }
    };
    let (mut parts, excluded) = q.render(term, |alts| format!("({})", alts.join(" | ")));
    parts.extend(excluded.into_iter().map(|t| format!("!{t}")));
    parts.join(" & ")
}

impl Postgres {
    fn search_vector(&self, w: &mut Writer, s: &TextSearch, table: &str) {
        let columns: Vec<String> = s
            .columns()
            .map(|c| format!("{}.{}", self.ident(table), self.ident(c.name)))
            .collect();
        let def = s.options();
        w.push(&tsvector(self, def.language, &columns, def.weights));
    }
    fn search_query(&self, w: &mut Writer, s: &TextSearch) {
        w.push("to_tsquery(");
        w.push(&self.literal(s.options().language));
        w.push(", ");
        w.bind(Value::String(tsquery_text(&s.query)));
        w.push(")");
    }
}
