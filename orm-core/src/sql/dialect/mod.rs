//! What differs between the SQL dialects: one [`Rules`] trait whose default methods are standard
//! SQL, one file per backend that overrides only what it does differently, and each backend's
//! [`Capabilities`] as data. MariaDB is a flavour of MySQL (`mysql.rs`), not a copy of it.
//!
//! The SQL writer (`sql/mod.rs`), raw SQL and the schema DDL all render through here: quoting,
//! placeholders, literals, column types, text matching, `IN` lists, arithmetic, JSON rows,
//! upserts, `RETURNING`, `NULL` ordering, and what values a backend cannot hold.

mod mysql;
mod postgres;
mod sqlite;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

use super::{Arith, Writer};
use crate::ast::{AggExpr, AggFunc, LikeOp, Lock, LockStrength, LockWait, TextSearch};
use crate::model::def::ColumnDef;
use crate::schema::repr::{
    Column, ColumnDefault, ColumnType, ForeignKey, Index, PrimaryKey, Table,
};
use crate::types::ScalarKind;
use crate::types::decode::{SQLITE_DATE, SQLITE_DATETIME, SQLITE_TIME};
use crate::value::Value;

/// Renders the column a predicate is about (qualified as the writer needs it).
pub(crate) type ColumnSql<'a> = &'a dyn Fn(&mut Writer);

/// Lists longer than this are bound as one JSON array on MySQL and SQLite (whose statements take
/// at most 65 535 and 32 766 parameters): a list's length is never the caller's problem.
pub(super) const JSON_LIST_MIN: usize = 1000;

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

impl Backend {
    /// The backend's name, for people ("PostgreSQL", "MySQL/MariaDB", "SQLite").
    pub fn name(self) -> &'static str {
        match self {
            Backend::Postgres => "PostgreSQL",
            Backend::MySql => "MySQL/MariaDB",
            Backend::Sqlite => "SQLite",
        }
    }

    /// OpenTelemetry's `db.system.name` of the backend: `postgresql`, `mysql`, `sqlite`.
    pub fn system_name(self) -> &'static str {
        match self {
            Backend::Postgres => "postgresql",
            Backend::MySql => "mysql",
            Backend::Sqlite => "sqlite",
        }
    }
}

/// What a backend can do, as data: the SQL writer and the migration engine read it instead of
/// asking which backend they are on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Capabilities {
    /// `INSERT ... RETURNING`.
    pub insert_returning: bool,
    /// `UPDATE ... RETURNING`.
    pub update_returning: bool,
    /// `DELETE ... RETURNING`.
    pub delete_returning: bool,
    /// `ORDER BY ... NULLS FIRST/LAST`.
    pub nulls_order: bool,
    /// Without `NULLS FIRST/LAST`, `NULL` sorts as the largest value (else as the smallest).
    pub null_is_largest: bool,
    /// Upserts are `INSERT ... ON DUPLICATE KEY UPDATE` (else `ON CONFLICT (..) DO UPDATE`).
    pub on_duplicate_key: bool,
    /// Enums are named types (`CREATE TYPE`), not declared on the column.
    pub named_enums: bool,
    /// Schema changes run inside a transaction (a failed migration leaves nothing behind).
    pub transactional_ddl: bool,
    /// The JSON array aggregate takes `ORDER BY` inside it.
    pub json_agg_order: bool,
    /// The JSON array aggregate takes `LIMIT` inside it (MariaDB), so a page of related rows needs
    /// no derived table (which MariaDB cannot correlate).
    pub json_agg_limit: bool,
    /// `ALTER TABLE` changes columns, keys and constraints in place (SQLite rebuilds the table, and
    /// declares foreign keys inside `CREATE TABLE`).
    pub alter_table: bool,
    /// Foreign keys keep their names (SQLite's are read back from the table's SQL, if named at all).
    pub foreign_key_names: bool,
    /// Primary keys keep their names, and constraints can be renamed (PostgreSQL).
    pub constraint_renames: bool,
    /// Foreign keys take `ON DELETE/UPDATE SET DEFAULT` (InnoDB does not: MySQL refuses the
    /// clause, MariaDB accepts it and enforces `RESTRICT` instead).
    pub set_default_action: bool,
    /// An index must start with a foreign key's columns for as long as the key exists, and one
    /// must start with the auto-increment column (InnoDB: dropping the last such index fails).
    pub key_needs_index: bool,
    /// Decimals take part in arithmetic and comparisons exactly (SQLite keeps them as text: sums,
    /// averages, minima and maxima of decimals are refused there).
    pub decimal_arithmetic: bool,
    /// Reads can lock the rows they return (`FOR UPDATE`/`FOR SHARE`; SQLite locks the database).
    pub row_locks: bool,
    /// The most bind parameters one statement may carry.
    pub max_binds: usize,
    /// Relation counts of a read that may return several rows are aggregated once over those rows
    /// (a `GROUP BY` per count, joined), not once per row: one pass over the related rows whether
    /// or not the foreign key has an index. Measured (BENCHMARKS.md): on PostgreSQL and MariaDB
    /// as fast or faster with an index, 10–50× faster without; SQLite's plan for it costs
    /// 0.4 ms more per statement when the key is indexed (as the ORM's own schemas always are), so
    /// SQLite counts per row.
    pub grouped_counts: bool,
    /// One statement with JSON aggregation loads relations faster than a statement per relation
    /// (the default load strategy, as measured by the benchmarks).
    pub prefer_join: bool,
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
            Backend::Postgres => &postgres::Postgres,
            Backend::MySql if self.mariadb => &mysql::MARIADB,
            Backend::MySql => &mysql::MYSQL,
            Backend::Sqlite => &sqlite::Sqlite,
        }
    }

    /// The DDL writer of this dialect, for the migration engine (`orm-migrate`).
    #[doc(hidden)]
    pub fn ddl(self) -> Ddl {
        Ddl(self.rules())
    }

    /// What this backend can do.
    pub fn capabilities(self) -> &'static Capabilities {
        self.rules().caps()
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

    /// What begins a transaction that will write, when not the driver's `BEGIN`: SQLite's
    /// `BEGIN IMMEDIATE` takes the write lock at once (see [`Client::begin_write`]).
    ///
    /// [`Client::begin_write`]: crate::Client
    pub(crate) fn begin_write(self) -> Option<String> {
        match self.backend {
            Backend::Sqlite => Some("BEGIN IMMEDIATE".into()),
            Backend::Postgres | Backend::MySql => None,
        }
    }

    /// Why `v` cannot be bound on this backend (no column of it holds the value exactly), or
    /// `None` when it can.
    pub(crate) fn refuse(self, v: &Value) -> Option<String> {
        refuse_anywhere(v).or_else(|| self.rules().refuse(v))
    }

    /// The largest number of bind parameters one statement may carry.
    pub fn max_binds(self) -> usize {
        self.capabilities().max_binds
    }
}

/// Parses `'a', 'b'` (doubled quotes and backslash escapes allowed) into its strings.
pub(crate) fn parse_string_list(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut cur = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(n) = chars.next() {
                        cur.push(n);
                    }
                }
                '\'' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    cur.push('\'');
                }
                '\'' => break,
                c => cur.push(c),
            }
        }
        out.push(cur);
    }
    out
}

/// A native type's name split for parsing: lower-cased and whitespace-normalised (`s`), its base
/// name and its parenthesised arguments (`timestamp(3) with time zone` → `timestamp with time
/// zone`, `3`).
pub(crate) struct TypeName<'a> {
    pub(crate) raw: &'a str,
    pub(crate) s: String,
    pub(crate) base: String,
    pub(crate) args: Option<String>,
}

impl<'a> TypeName<'a> {
    pub(crate) fn new(raw: &'a str) -> Self {
        let s = raw.trim().to_ascii_lowercase();
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        let (base, args) = match s.find('(') {
            Some(i) if s.ends_with(')') => (
                s[..i].trim().to_owned(),
                Some(s[i + 1..s.len() - 1].to_owned()),
            ),
            Some(i) => {
                let close = s.find(')').unwrap_or(s.len() - 1);
                let rest = s[close + 1..].trim();
                let base = format!("{} {rest}", s[..i].trim());
                (base.trim().to_owned(), Some(s[i + 1..close].to_owned()))
            }
            None => (s.clone(), None),
        };
        TypeName { raw, s, base, args }
    }
}

/// Per-dialect rendering rules: standard SQL by default, overridden per backend.
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
    /// What the backend can do.
    fn caps(&self) -> &'static Capabilities;
    /// A statement timeout other than the session's (`session`) for one statement: the
    /// statement's text as sent, and the settings to send before and after it (`local`: inside
    /// a transaction); `None` is no limit. By default nothing (SQLite arms a progress handler per
    /// statement instead).
    fn scoped_timeout(
        &self,
        sql: String,
        timeout: Option<std::time::Duration>,
        session: Option<std::time::Duration>,
        local: bool,
    ) -> (String, Option<[String; 2]>) {
        let _ = (timeout, session, local);
        (sql, None)
    }
    /// The session assignment that sets every statement's timeout, for a `SET SESSION` sent when
    /// a connection opens (MySQL/MariaDB; PostgreSQL takes it as a startup parameter).
    fn session_timeout(&self, timeout: std::time::Duration) -> Option<String> {
        let _ = timeout;
        None
    }
    /// The SQL type for `ty` in DDL; `serial` asks for an auto-incrementing form where the type
    /// carries it (PostgreSQL's `SERIAL`s).
    fn column_type(&self, ty: &ColumnType, serial: bool) -> String;
    /// A native type as the database reports it (or as written in `db_type`), normalised.
    fn parse_type(&self, t: &TypeName<'_>) -> ColumnType;
    /// A string literal (DDL defaults and migration bookkeeping only: query values are bound).
    fn string_literal(&self, out: &mut String, s: &str) {
        out.push('\'');
        out.push_str(&s.replace('\'', "''"));
        out.push('\'');
    }
    /// The current time as a column default.
    fn now_default(&self) -> &'static str {
        "CURRENT_TIMESTAMP"
    }
    /// The current time, read when the statement runs (migration history timestamps).
    fn now_expr(&self) -> &'static str {
        "CURRENT_TIMESTAMP"
    }
    /// A boolean literal.
    fn bool_literal(&self, b: bool) -> &'static str {
        if b { "1" } else { "0" }
    }
    /// A byte-string literal from its hexadecimal digits.
    fn bytes_literal(&self, hex: &str) -> String {
        format!("X'{hex}'")
    }

    // ---- DDL: the standard forms, overridden where a backend differs. ----

    /// A column default: the current time, or a normalised literal (booleans as `true`/`false`,
    /// strings quoted the SQLite way) in this backend's form.
    fn default_sql(&self, ty: &ColumnType, def: &ColumnDefault) -> String {
        match def {
            ColumnDefault::Now => self.now_default().into(),
            ColumnDefault::Literal(lit) => self.literal_default(ty, lit),
        }
    }
    /// A normalised literal default in this backend's form.
    fn literal_default(&self, _ty: &ColumnType, lit: &str) -> String {
        match lit {
            "true" => self.bool_literal(true).into(),
            "false" => self.bool_literal(false).into(),
            l => l.to_owned(),
        }
    }
    /// A column in `CREATE TABLE` or `ADD COLUMN`: `name type [NOT NULL] [DEFAULT ..]`.
    fn column_definition(&self, c: &Column) -> String {
        column_definition(self, c)
    }
    /// `CREATE TABLE name (...)` for `t` (a rebuild creates it under a temporary name).
    fn create_table(&self, t: &Table, name: &str) -> String {
        create_table(self, t, name, None)
    }
    /// `CONSTRAINT name FOREIGN KEY (..) REFERENCES t (..) ON DELETE .. ON UPDATE ..`.
    fn foreign_key(&self, fk: &ForeignKey) -> String {
        format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
            self.ident(&fk.name),
            self.ident_list(&fk.columns),
            self.ident(&fk.referenced_table),
            self.ident_list(&fk.referenced_columns),
            fk.on_delete.sql(),
            fk.on_update.sql()
        )
    }
    /// `CREATE [UNIQUE | FULLTEXT] INDEX`.
    fn create_index(&self, table: &str, i: &Index) -> String {
        create_index_std(self, table, i)
    }
    /// `CREATE INDEX` in a form that does not block writes to a busy table, where the backend has
    /// one (`None`: it has not).
    fn create_index_online(&self, _table: &str, _i: &Index) -> Option<String> {
        None
    }
    /// Adding a foreign key without blocking writes while the rows are checked, where the backend
    /// can (`None`: it cannot).
    fn add_foreign_key_online(&self, _table: &str, _fk: &ForeignKey) -> Option<Vec<String>> {
        None
    }
    /// `expr` cast to text (to show a key's values in a message).
    fn text_cast(&self, expr: &str) -> String {
        format!("CAST({expr} AS TEXT)")
    }
    /// `DROP INDEX`.
    fn drop_index(&self, _table: &str, name: &str) -> String {
        format!("DROP INDEX {}", self.ident(name))
    }
    /// Renames an index.
    fn rename_index(&self, _table: &str, from: &str, to: &str) -> String {
        format!(
            "ALTER INDEX {} RENAME TO {}",
            self.ident(from),
            self.ident(to)
        )
    }
    /// Drops a foreign key.
    fn drop_foreign_key(&self, table: &str, name: &str) -> String {
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            self.ident(table),
            self.ident(name)
        )
    }
    /// Replaces a table's primary key.
    fn alter_primary_key(
        &self,
        table: &str,
        from: Option<&PrimaryKey>,
        to: Option<&PrimaryKey>,
    ) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(pk) = from {
            out.push(format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                self.ident(table),
                self.ident(&pk.name)
            ));
        }
        if let Some(pk) = to {
            out.push(format!(
                "ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY ({})",
                self.ident(table),
                self.ident(&pk.name),
                self.ident_list(&pk.columns)
            ));
        }
        out
    }
    /// Changes a column in place (`type_changed`: its type differs, not just its spelling).
    fn alter_column(
        &self,
        table: &str,
        from: &Column,
        to: &Column,
        type_changed: bool,
    ) -> Vec<String> {
        let alter = |s: String| {
            format!(
                "ALTER TABLE {} ALTER COLUMN {} {s}",
                self.ident(table),
                self.ident(&to.name)
            )
        };
        let mut out = Vec::new();
        let default_changed = from.default != to.default || type_changed;
        // An identity column (what `ADD .. IDENTITY` makes) or a `SERIAL` (a sequence default, what
        // `CREATE TABLE` makes): both are auto-incrementing, and this undoes either.
        if from.autoincrement && !to.autoincrement {
            out.push(alter("DROP IDENTITY IF EXISTS".into()));
            out.push(alter("DROP DEFAULT".into()));
        }
        if default_changed && from.default.is_some() && !from.autoincrement {
            out.push(alter("DROP DEFAULT".into()));
        }
        if type_changed {
            let ty = self.column_type(&to.ty, false);
            out.push(alter(format!(
                "TYPE {ty} USING {}::{ty}",
                self.ident(&to.name)
            )));
        }
        if from.nullable != to.nullable {
            out.push(alter(if to.nullable {
                "DROP NOT NULL".into()
            } else {
                "SET NOT NULL".into()
            }));
        }
        if default_changed
            && !to.autoincrement
            && let Some(def) = &to.default
        {
            out.push(alter(format!(
                "SET DEFAULT {}",
                self.default_sql(&to.ty, def)
            )));
        }
        if to.autoincrement && !from.autoincrement {
            out.push(alter("ADD GENERATED BY DEFAULT AS IDENTITY".into()));
            // The identity starts at 1: it continues past the rows' values instead. (Its own
            // sequence: a `SERIAL`'s, left behind by a former `DROP DEFAULT`, may still be owned by
            // the column, so `pg_get_serial_sequence` is ambiguous.)
            let (t, c) = (self.ident(table), self.ident(&to.name));
            out.push(format!(
                "DO $orm$ BEGIN EXECUTE format('ALTER TABLE %s ALTER COLUMN %s RESTART WITH %s', {}, {}, \
                 (SELECT GREATEST(COALESCE(MAX({c}), 0) + 1, 1) FROM {t})); END $orm$",
                self.literal(&t),
                self.literal(&c),
            ));
        }
        out
    }
    /// An aggregate. Sums and averages of integers and floats are computed in double precision
    /// where the backend would round (MySQL's `AVG` of integers keeps 4 decimals, PostgreSQL sums
    /// `REAL`s as `REAL`); sums of integers stay exact (decoded from `NUMERIC`/`DECIMAL` where
    /// the backend widens them).
    fn aggregate(&self, w: &mut Writer, a: &AggExpr) {
        let Some(c) = a.column else {
            w.push("COUNT(*)");
            return;
        };
        let float = matches!(c.kind, ScalarKind::F32 | ScalarKind::F64);
        let integer = matches!(c.kind, ScalarKind::I16 | ScalarKind::I32 | ScalarKind::I64);
        let (open, cast) = match a.func {
            AggFunc::CountRows => ("COUNT(", false),
            AggFunc::Count => ("COUNT(", false),
            AggFunc::CountDistinct => ("COUNT(DISTINCT ", false),
            AggFunc::Sum => ("SUM(", float),
            AggFunc::Avg => ("AVG(", float || integer),
            AggFunc::Min => ("MIN(", false),
            AggFunc::Max => ("MAX(", false),
        };
        w.push(open);
        if cast {
            w.push("CAST(");
        }
        w.ident(c.name);
        if cast {
            w.push(" AS ");
            w.push(&self.column_type(&ColumnType::Double, false));
            w.push(")");
        }
        w.push(")");
    }
    /// The locking clause of a `SELECT` from `table` (MySQL 8's syntax by default).
    fn lock_clause(&self, w: &mut Writer, lock: Lock, _table: &str) {
        w.push(match lock.strength {
            LockStrength::Update => " FOR UPDATE",
            LockStrength::Share => " FOR SHARE",
        });
        lock_wait(w, lock.wait);
    }
    /// A native type as a model's `db_type` should spell it: with what the server leaves implicit
    /// written out where the model reads it (MySQL's whole-second `datetime` is `datetime(0)`).
    fn explicit_native(&self, native: String) -> String {
        native
    }
    /// The column type a `String` field gets without `db_type`.
    fn string_type(&self) -> ColumnType {
        ColumnType::Text
    }
    /// What this backend's full-text index keeps of a model's language and weights: the parts
    /// introspection reads back and the differ compares (default: neither, as MySQL's `FULLTEXT`).
    fn fulltext_form(&self, _language: &str, _weights: &[char]) -> (Option<String>, Vec<char>) {
        (None, Vec::new())
    }
    /// Drops a full-text index (default: `DROP INDEX`).
    fn drop_fulltext(&self, table: &str, i: &Index) -> String {
        self.drop_index(table, &i.name)
    }
    /// What must go with a dropped table besides the table itself (a full-text index kept in
    /// tables of its own).
    fn drop_table_extras(&self, _t: &Table) -> Vec<String> {
        Vec::new()
    }
    /// Whether a full-text index can be renamed in place (else it is dropped and created anew:
    /// what it is made of is named after it).
    fn fulltext_renames(&self) -> bool {
        false
    }

    // ---- Full-text search ----

    /// `table` (a table name or alias) matches the search, through the full-text index.
    fn text_match(&self, w: &mut Writer, s: &TextSearch, table: &str);
    /// The relevance of `table`'s row to the search: higher is better, 0 when it does not match.
    fn text_relevance(&self, w: &mut Writer, s: &TextSearch, table: &str);
    /// `column`'s text around the search's matches in `table`'s row, each matched word between
    /// U+0002 and U+0003 ([`Snippet`](crate::query::Snippet)), `NULL` when the column is; `NULL`
    /// where the backend has no snippets (MySQL/MariaDB).
    fn text_snippet(
        &self,
        w: &mut Writer,
        _s: &TextSearch,
        _column: &'static ColumnDef,
        _table: &str,
    ) {
        w.push("CAST(NULL AS CHAR)");
    }
    /// The relevance of every row to a query with nothing to find: a zero of the type
    /// [`text_relevance`](Rules::text_relevance) computes, and not a bare constant (PostgreSQL
    /// refuses one in `ORDER BY`, and an integer names a select-list position).
    fn no_relevance(&self) -> &'static str {
        "ABS(0.0)"
    }
    /// A join of the main query that computes the relevance of every matching row at once,
    /// as column `orm_rank` of `alias`, where that is cheaper than [`text_relevance`] per row
    /// (see [`relevance_by_join`](Rules::relevance_by_join)).
    ///
    /// [`text_relevance`]: Rules::text_relevance
    ///
    /// `inner` when the main query's filter requires the match (a `JOIN`: the planner may start
    /// from the matches), else a `LEFT JOIN` (rows that do not match score 0).
    fn relevance_join(
        &self,
        _w: &mut Writer,
        _s: &TextSearch,
        _table: &str,
        _alias: &str,
        _inner: bool,
    ) {
    }
    /// Whether the main query computes relevance by [`relevance_join`](Rules::relevance_join).
    fn relevance_by_join(&self) -> bool {
        false
    }
    /// In a table rebuild, after the rows are copied from `from` into its replacement `tmp` (built
    /// as `to`): the statements that carry over an auto-increment counter kept apart from the rows
    /// (SQLite's `sqlite_sequence`), so that ids deleted before the rebuild are not reused.
    fn carry_counter(&self, _from: &Table, _to: &Table, _tmp: &str) -> Vec<String> {
        Vec::new()
    }
    /// The statements that switch foreign-key enforcement off and back on around a migration
    /// script, where table rebuilds need it and it cannot be deferred inside the transaction
    /// (SQLite, where the switch only works outside a transaction).
    fn foreign_key_switch(&self) -> Option<(&'static str, &'static str)> {
        None
    }
    /// The query listing rows whose foreign keys broke while enforcement was switched off (see
    /// [`Rules::foreign_key_switch`]).
    fn foreign_key_check(&self) -> Option<&'static str> {
        None
    }
    /// A throwaway namespace named `name` next to the database at `url`, for replaying migrations:
    /// the statement that creates it on the original connection, the URL that connects into it, and
    /// the statement that drops it. The default is a schema (PostgreSQL).
    fn scratch(&self, url: &str, name: &str) -> Result<Scratch, String> {
        let mut u = url::Url::parse(url).map_err(|e| format!("database URL: {e}"))?;
        u.query_pairs_mut()
            .append_pair("options", &format!("-c search_path={name}"));
        Ok(Scratch {
            create: Some(format!("CREATE SCHEMA {}", self.ident(name))),
            url: u.to_string(),
            drop: Some(format!("DROP SCHEMA {} CASCADE", self.ident(name))),
        })
    }
    /// The collation of tables and their text columns (MySQL/MariaDB's binary `NO PAD` one), or
    /// `""` where columns have none to choose.
    fn table_collation(&self) -> &'static str {
        ""
    }
    /// A quoted identifier.
    fn ident(&self, name: &str) -> String {
        let mut out = String::with_capacity(name.len() + 2);
        self.quote(&mut out, name);
        out
    }
    /// Quoted identifiers, comma-separated.
    fn ident_list(&self, names: &[String]) -> String {
        names
            .iter()
            .map(|n| self.ident(n))
            .collect::<Vec<_>>()
            .join(", ")
    }
    /// A string literal, as a `String`.
    fn literal(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len() + 2);
        self.string_literal(&mut out, s);
        out
    }
    /// Writes the placeholder for bind number `n` (1-based).
    fn placeholder(&self, out: &mut String, _n: usize) {
        out.push('?');
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
pub(super) fn json_depth(v: &serde_json::Value) -> usize {
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

/// ` NOWAIT` / ` SKIP LOCKED` after a locking clause.
pub(super) fn lock_wait(w: &mut Writer, wait: LockWait) {
    w.push(match wait {
        LockWait::Wait => "",
        LockWait::NoWait => " NOWAIT",
        LockWait::SkipLocked => " SKIP LOCKED",
    });
}

/// Why `v` cannot be stored in `column` unchanged, if its `db_type` keeps less than the value
/// holds: fewer fractional-second digits than microseconds (`timestamp(3)`), or a decimal's
/// precision and scale (`numeric(10,2)`: at most 2 decimals and 8 integer digits).
pub(crate) fn finer_than(column: &ColumnDef, v: &Value) -> Option<String> {
    column.db_type?;
    if let Value::Decimal(d) = v {
        let (precision, scale) = column.decimal_digits()?;
        let d = d.normalize();
        let frac = d.scale();
        let integer_digits = {
            let int = d.trunc().abs();
            if int.is_zero() {
                0
            } else {
                int.to_string().len() as u32
            }
        };
        if frac > scale {
            return Some(format!(
                "the column keeps {scale} decimal places; the database would round this value"
            ));
        }
        if integer_digits > precision.saturating_sub(scale) {
            return Some(format!(
                "the column holds at most {} integer digits (precision {precision}, scale {scale})",
                precision.saturating_sub(scale)
            ));
        }
        return None;
    }
    let p = column.fraction_digits();
    if p >= 6 {
        return None;
    }
    let nanos = match v {
        Value::DateTime(t) => t.nanosecond(),
        Value::NaiveDateTime(t) => t.nanosecond(),
        Value::Time(t) => t.nanosecond(),
        _ => return None,
    };
    let unit = 10u32.pow(9 - p);
    (nanos % unit != 0).then(|| {
        format!(
            "the column keeps {p} fractional-second digits; the database would round this value"
        )
    })
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
pub(super) fn refuse_outside(
    v: &Value,
    from: NaiveDate,
    to: NaiveDate,
    backend: &str,
) -> Option<String> {
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

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid calendar date")
}

/// Whether a JSON document holds a NUL character in a string or a key.
pub(super) fn json_has_nul(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(a) => a.iter().any(json_has_nul),
        serde_json::Value::Object(o) => o.iter().any(|(k, v)| k.contains('\0') || json_has_nul(v)),
        _ => false,
    }
}

/// `name type [NOT NULL] [DEFAULT ..]`, with `extra` (collation, auto-increment) after the
/// nullability.
pub(super) fn column_definition_with<R: Rules + ?Sized>(r: &R, c: &Column, extra: &str) -> String {
    use std::fmt::Write;
    let mut sql = format!(
        "{} {}",
        r.ident(&c.name),
        r.column_type(&c.ty, c.autoincrement)
    );
    if !c.nullable {
        sql.push_str(" NOT NULL");
    }
    sql.push_str(extra);
    if let Some(def) = &c.default
        && !c.autoincrement
    {
        let _ = write!(sql, " DEFAULT {}", r.default_sql(&c.ty, def));
    }
    sql
}

fn column_definition<R: Rules + ?Sized>(r: &R, c: &Column) -> String {
    column_definition_with(r, c, "")
}

/// `CREATE TABLE name (columns, [pk], [foreign keys when declared inline]) [options]`.
pub(super) fn create_table<R: Rules + ?Sized>(
    r: &R,
    t: &Table,
    name: &str,
    options: Option<&str>,
) -> String {
    let mut parts: Vec<String> = t.columns.iter().map(|c| r.column_definition(c)).collect();
    if let Some(pk) = &t.primary_key {
        parts.push(format!(
            "CONSTRAINT {} PRIMARY KEY ({})",
            r.ident(&pk.name),
            r.ident_list(&pk.columns)
        ));
    }
    if !r.caps().alter_table {
        parts.extend(t.foreign_keys.iter().map(|fk| r.foreign_key(fk)));
    }
    table_sql(r, name, &parts, options)
}

/// `CREATE [UNIQUE | FULLTEXT] INDEX name ON table (columns)`.
pub(super) fn create_index_std<R: Rules + ?Sized>(r: &R, table: &str, i: &Index) -> String {
    let kind = if i.fulltext {
        "FULLTEXT "
    } else if i.unique {
        "UNIQUE "
    } else {
        ""
    };
    let predicate = i
        .predicate
        .as_ref()
        .map(|p| format!(" WHERE {p}"))
        .unwrap_or_default();
    format!(
        "CREATE {kind}INDEX {} ON {} ({}){predicate}",
        r.ident(&i.name),
        r.ident(table),
        r.ident_list(&i.columns)
    )
}

/// `CREATE TABLE name (\n    part,\n    part\n) [options]`.
pub(super) fn table_sql<R: Rules + ?Sized>(
    r: &R,
    name: &str,
    parts: &[String],
    options: Option<&str>,
) -> String {
    use std::fmt::Write;
    let mut sql = format!("CREATE TABLE {} (\n", r.ident(name));
    for (i, p) in parts.iter().enumerate() {
        let _ = writeln!(sql, "    {p}{}", if i + 1 < parts.len() { "," } else { "" });
    }
    sql.push(')');
    if let Some(o) = options {
        sql.push(' ');
        sql.push_str(o);
    }
    sql
}

/// `col [NOT] IN (?, ?, ...)`.
pub(super) fn bind_list(w: &mut Writer, col: ColumnSql<'_>, values: Vec<Value>, negated: bool) {
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

pub(super) fn json_list(values: Vec<Value>) -> Value {
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

/// A throwaway namespace for the migration engine's shadow database (see [`Ddl::scratch`]).
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scratch {
    /// Creates it, on the original connection (`None`: nothing to create).
    pub create: Option<String>,
    /// Connects into it.
    pub url: String,
    /// Drops it, on the original connection (`None`: it goes away with its last connection).
    pub drop: Option<String>,
}

/// The DDL half of a dialect, as the migration engine (`orm-migrate`) renders schema changes through
/// it. Not a public API: it changes with the engine.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct Ddl(&'static dyn Rules);

#[doc(hidden)]
impl Ddl {
    /// A column's definition, as in `CREATE TABLE` or `ADD COLUMN`.
    pub fn column_definition(self, c: &Column) -> String {
        self.0.column_definition(c)
    }
    /// `CREATE TABLE name (...)` for `t` (a rebuild creates it under a temporary name).
    pub fn create_table(self, t: &Table, name: &str) -> String {
        self.0.create_table(t, name)
    }
    /// `CONSTRAINT name FOREIGN KEY (..) REFERENCES ..`.
    pub fn foreign_key(self, fk: &ForeignKey) -> String {
        self.0.foreign_key(fk)
    }
    /// `CREATE INDEX`.
    pub fn create_index(self, table: &str, i: &Index) -> String {
        self.0.create_index(table, i)
    }
    /// `CREATE INDEX` that does not block writes, where the backend has one.
    pub fn create_index_online(self, table: &str, i: &Index) -> Option<String> {
        self.0.create_index_online(table, i)
    }
    /// Adding a foreign key without blocking writes, where the backend can.
    pub fn add_foreign_key_online(self, table: &str, fk: &ForeignKey) -> Option<Vec<String>> {
        self.0.add_foreign_key_online(table, fk)
    }
    /// `expr` cast to text.
    pub fn text_cast(self, expr: &str) -> String {
        self.0.text_cast(expr)
    }
    /// `DROP INDEX`.
    pub fn drop_index(self, table: &str, name: &str) -> String {
        self.0.drop_index(table, name)
    }
    /// Renames an index.
    pub fn rename_index(self, table: &str, from: &str, to: &str) -> String {
        self.0.rename_index(table, from, to)
    }
    /// Drops a foreign key.
    pub fn drop_foreign_key(self, table: &str, name: &str) -> String {
        self.0.drop_foreign_key(table, name)
    }
    /// Replaces a table's primary key.
    pub fn alter_primary_key(
        self,
        table: &str,
        from: Option<&PrimaryKey>,
        to: Option<&PrimaryKey>,
    ) -> Vec<String> {
        self.0.alter_primary_key(table, from, to)
    }
    /// Changes a column in place (`type_changed`: its type differs, not just its spelling).
    pub fn alter_column(
        self,
        table: &str,
        from: &Column,
        to: &Column,
        type_changed: bool,
    ) -> Vec<String> {
        self.0.alter_column(table, from, to, type_changed)
    }
    /// The current time as an expression.
    pub fn now_expr(self) -> &'static str {
        self.0.now_expr()
    }
    /// The table default collation (MySQL/MariaDB; empty elsewhere).
    pub fn table_collation(self) -> &'static str {
        self.0.table_collation()
    }
    /// A native type as a model's `db_type` should spell it (see `Rules::explicit_native`).
    pub fn explicit_native(self, native: String) -> String {
        self.0.explicit_native(native)
    }
    /// The column type a `String` field gets without `db_type`.
    pub fn string_type(self) -> ColumnType {
        self.0.string_type()
    }
    /// What this backend's full-text index keeps of a model's language and weights.
    pub fn fulltext_form(self, language: &str, weights: &[char]) -> (Option<String>, Vec<char>) {
        self.0.fulltext_form(language, weights)
    }
    /// Drops a full-text index.
    pub fn drop_fulltext(self, table: &str, i: &Index) -> String {
        self.0.drop_fulltext(table, i)
    }
    /// What must go with a dropped table besides the table itself.
    pub fn drop_table_extras(self, t: &Table) -> Vec<String> {
        self.0.drop_table_extras(t)
    }
    /// Whether a full-text index can be renamed in place.
    pub fn fulltext_renames(self) -> bool {
        self.0.fulltext_renames()
    }
    /// Carries a rebuilt table's auto-increment counter over to its replacement `tmp`.
    pub fn carry_counter(self, from: &Table, to: &Table, tmp: &str) -> Vec<String> {
        self.0.carry_counter(from, to, tmp)
    }
    /// Foreign-key enforcement off and on around a migration script, where needed.
    pub fn foreign_key_switch(self) -> Option<(&'static str, &'static str)> {
        self.0.foreign_key_switch()
    }
    /// A throwaway namespace named `name` next to the database at `url` (the shadow database).
    pub fn scratch(self, url: &str, name: &str) -> Result<Scratch, String> {
        self.0.scratch(url, name)
    }
}
