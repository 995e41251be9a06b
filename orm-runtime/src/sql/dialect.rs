//! What differs between the SQL dialects. The defaults are standard SQL; each backend overrides only
//! what it does differently.

use crate::query::LikeOp;

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
    /// How text matching renders: `(sql before the bind, sql after, the bound pattern)`.
    fn like(&self, op: LikeOp, text: &str, insensitive: bool) -> LikeSql {
        let pattern = like_pattern(op, text);
        let before = if insensitive { " ILIKE " } else { " LIKE " };
        LikeSql {
            lower_column: false,
            before,
            after: "",
            pattern,
        }
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
}

/// How a text match renders: `[LOWER(]column[)] <before> bind <after>`.
pub(crate) struct LikeSql {
    pub lower_column: bool,
    pub before: &'static str,
    pub after: &'static str,
    pub pattern: String,
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
    fn like(&self, op: LikeOp, text: &str, insensitive: bool) -> LikeSql {
        // Tables are created with a binary collation, so plain LIKE is case-sensitive.
        let pattern = like_pattern(op, text);
        if insensitive {
            LikeSql {
                lower_column: true,
                before: " LIKE LOWER(",
                after: ")",
                pattern,
            }
        } else {
            LikeSql {
                lower_column: false,
                before: " LIKE ",
                after: "",
                pattern,
            }
        }
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
    fn like(&self, op: LikeOp, text: &str, insensitive: bool) -> LikeSql {
        MySql.like(op, text, insensitive)
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
}

pub(crate) struct Sqlite;
impl Rules for Sqlite {
    fn like(&self, op: LikeOp, text: &str, insensitive: bool) -> LikeSql {
        if insensitive {
            // SQLite's LIKE folds ASCII case.
            LikeSql {
                lower_column: false,
                before: " LIKE ",
                after: " ESCAPE '\\'",
                pattern: like_pattern(op, text),
            }
        } else {
            // GLOB is case-sensitive; escape its metacharacters by bracketing them.
            let mut p = String::with_capacity(text.len() + 2);
            if matches!(op, LikeOp::Contains | LikeOp::EndsWith) {
                p.push('*');
            }
            for c in text.chars() {
                match c {
                    '*' => p.push_str("[*]"),
                    '?' => p.push_str("[?]"),
                    '[' => p.push_str("[[]"),
                    c => p.push(c),
                }
            }
            if matches!(op, LikeOp::Contains | LikeOp::StartsWith) {
                p.push('*');
            }
            LikeSql {
                lower_column: false,
                before: " GLOB ",
                after: "",
                pattern: p,
            }
        }
    }
    fn offset_only_limit(&self) -> Option<&'static str> {
        Some(" LIMIT -1")
    }
}
