//! Reading a live database's schema into a [`DbSchema`]: PostgreSQL catalogs (the current schema),
//! `information_schema` on MySQL/MariaDB (the current database), `sqlite_schema` and pragmas on SQLite.

#[cfg(feature = "mysql")]
use super::native::is_text;
#[cfg(feature = "sqlite")]
use super::native::parse_string_list;
use super::native::{normalize_default, parse_type};
#[cfg(feature = "postgres")]
use super::repr::EnumType;
#[cfg(feature = "mysql")]
use super::repr::FULLTEXT_ON_COLUMNS;
use super::repr::{Column, ColumnType, DbSchema, ForeignKey, Index, PrimaryKey, Table};
use crate::client::{Client, Pool};
use crate::error::{Error, Result};
#[cfg(any(feature = "mysql", feature = "sqlite"))]
use crate::model::fit_identifier;
use crate::relation::Action;
use crate::sql::Dialect;

/// Tables the engine owns, never reported.
pub const HISTORY_TABLE: &str = "_orm_migrations";

/// The history tables of other migration tools (Prisma, sqlx, Diesel, SeaORM), never reported either:
/// a database adopted from one of them keeps its table, and no migration proposes to drop it.
pub const FOREIGN_HISTORY_TABLES: &[&str] = &[
    "_prisma_migrations",
    "_sqlx_migrations",
    "__diesel_schema_migrations",
    "seaql_migrations",
];

fn err(e: sqlx::Error) -> Error {
    Error::from_sqlx(e, None)
}

/// Reads the schema of the database `db` is connected to (its current schema on PostgreSQL).
///
/// ```no_run
/// # async fn f(db: &orm_runtime::Client) -> orm_runtime::Result<()> {
/// let live = orm_runtime::schema::introspect(db).await?;
/// for table in &live.tables {
///     println!("{}: {} columns", table.name, table.columns.len());
/// }
/// # Ok(()) }
/// ```
pub async fn introspect(db: &Client) -> Result<DbSchema> {
    let mut schema = match &db.inner.pool {
        #[cfg(feature = "postgres")]
        Pool::Postgres(p) => postgres(p).await?,
        #[cfg(feature = "mysql")]
        Pool::MySql(p) => mysql(p, db.inner.dialect).await?,
        #[cfg(feature = "sqlite")]
        Pool::Sqlite(p) => sqlite(p).await?,
    };
    schema
        .tables
        .retain(|t| t.name != HISTORY_TABLE && !FOREIGN_HISTORY_TABLES.contains(&t.name.as_str()));
    schema.tables.sort_by(|a, b| a.name.cmp(&b.name));
    schema.enums.sort_by(|a, b| a.name.cmp(&b.name));
    for t in &mut schema.tables {
        t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(schema)
}

fn action(s: &str) -> Action {
    match s.trim().to_ascii_uppercase().as_str() {
        "CASCADE" | "C" => Action::Cascade,
        "RESTRICT" | "R" => Action::Restrict,
        "SET NULL" | "N" => Action::SetNull,
        "SET DEFAULT" | "D" => Action::SetDefault,
        _ => Action::NoAction,
    }
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
/// One column of one index, as the catalogs list them (in key order).
struct IndexRow {
    table: String,
    index: String,
    column: String,
    primary: bool,
    unique: bool,
    fulltext: bool,
    /// A partial index's condition.
    predicate: Option<String>,
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
/// Adds an index column to its table's primary key (named `pk_name`) or index.
fn add_index_column(schema: &mut DbSchema, row: IndexRow, pk_name: String) {
    let Some(t) = table_mut(&mut schema.tables, &row.table) else {
        return;
    };
    if row.primary {
        t.primary_key
            .get_or_insert_with(|| PrimaryKey {
                name: pk_name,
                columns: Vec::new(),
            })
            .columns
            .push(row.column);
    } else {
        match t.indexes.iter_mut().find(|i| i.name == row.index) {
            Some(i) => i.columns.push(row.column),
            None => t.indexes.push(Index {
                name: row.index,
                columns: vec![row.column],
                unique: row.unique,
                fulltext: row.fulltext,
                language: None,
                weights: Vec::new(),
                predicate: row.predicate,
            }),
        }
    }
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
/// Folds `(name, table, referenced table, on delete, on update, column, referenced column)` rows,
/// one per key column in order, into the tables' foreign keys.
fn add_foreign_keys(
    schema: &mut DbSchema,
    rows: Vec<(String, String, String, String, String, String, String)>,
) {
    for (name, table, referenced, del, upd, col, rcol) in rows {
        let Some(t) = table_mut(&mut schema.tables, &table) else {
            continue;
        };
        match t.foreign_keys.iter_mut().find(|f| f.name == name) {
            Some(f) => {
                f.columns.push(col);
                f.referenced_columns.push(rcol);
            }
            None => t.foreign_keys.push(ForeignKey {
                name,
                columns: vec![col],
                referenced_table: referenced,
                referenced_columns: vec![rcol],
                on_delete: action(&del),
                on_update: action(&upd),
            }),
        }
    }
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
fn table_mut<'a>(tables: &'a mut [Table], name: &str) -> Option<&'a mut Table> {
    tables.iter_mut().find(|t| t.name == name)
}

fn new_table(name: String) -> Table {
    Table {
        name,
        columns: Vec::new(),
        primary_key: None,
        indexes: Vec::new(),
        foreign_keys: Vec::new(),
        renamed_from: None,
    }
}

#[cfg(feature = "postgres")]
async fn postgres(p: &sqlx::PgPool) -> Result<DbSchema> {
    let d = Dialect::POSTGRES;
    let mut schema = DbSchema::default();
    let enums: Vec<(String, String)> = sqlx::query_as(
        "SELECT t.typname::text, e.enumlabel::text FROM pg_type t \
         JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace \
         WHERE n.nspname = current_schema() ORDER BY t.typname, e.enumsortorder",
    )
    .fetch_all(p)
    .await
    .map_err(err)?;
    for (name, label) in enums {
        match schema.enums.iter_mut().find(|e| e.name == name) {
            Some(e) => e.variants.push(label),
            None => schema.enums.push(EnumType {
                name,
                variants: vec![label],
            }),
        }
    }
    type Row = (String, String, String, bool, Option<String>, bool, String);
    let columns: Vec<Row> = sqlx::query_as(
        "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull, \
         pg_get_expr(d.adbin, d.adrelid), t.typtype::text = 'e', a.attidentity::text \
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid \
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 \
         AND NOT a.attisdropped ORDER BY c.relname, a.attnum",
    )
    .fetch_all(p)
    .await
    .map_err(err)?;
    for (table, name, ty, not_null, default, is_enum, identity) in columns {
        if table_mut(&mut schema.tables, &table).is_none() {
            schema.tables.push(new_table(table.clone()));
        }
        let ty = if is_enum {
            let name = ty.trim_matches('"').to_owned();
            let variants = schema
                .enum_type(&name)
                .map(|e| e.variants.clone())
                .unwrap_or_default();
            ColumnType::Enum { name, variants }
        } else {
            parse_type(d, &ty)
        };
        let serial = default
            .as_deref()
            .is_some_and(|s| s.starts_with("nextval("));
        let autoincrement = serial || !identity.is_empty();
        let default = if autoincrement {
            None
        } else {
            default.and_then(|s| normalize_default(d, &ty, &s))
        };
        let t = table_mut(&mut schema.tables, &table).expect("pushed above");
        t.columns.push(Column {
            name,
            ty,
            nullable: !not_null,
            default,
            autoincrement,
            collation: None,
            renamed_from: None,
        });
    }
    let indexes: Vec<(String, String, bool, bool, String, Option<String>)> = sqlx::query_as(
        "SELECT tc.relname::text, ic.relname::text, ix.indisunique, ix.indisprimary, a.attname::text, \
         pg_get_expr(ix.indpred, ix.indrelid) \
         FROM pg_index ix JOIN pg_class tc ON tc.oid = ix.indrelid JOIN pg_class ic ON ic.oid = ix.indexrelid \
         JOIN pg_namespace n ON n.oid = tc.relnamespace \
         CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
         JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = k.attnum \
         WHERE n.nspname = current_schema() AND tc.relkind IN ('r', 'p') ORDER BY tc.relname, ic.relname, k.ord",
    )
    .fetch_all(p)
    .await
    .map_err(err)?;
    for (table, index, unique, primary, column, predicate) in indexes {
        let pk_name = index.clone();
        let row = IndexRow {
            table,
            index,
            column,
            primary,
            unique,
            fulltext: false,
            predicate,
        };
        add_index_column(&mut schema, row, pk_name);
    }
    // Expression indexes: the full-text ones we write, `GIN (to_tsvector('simple', COALESCE(a, '') ..))`.
    let expr_indexes: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT tc.relname::text, ic.relname::text, pg_get_indexdef(ix.indexrelid) \
         FROM pg_index ix JOIN pg_class tc ON tc.oid = ix.indrelid JOIN pg_class ic ON ic.oid = ix.indexrelid \
         JOIN pg_namespace n ON n.oid = tc.relnamespace \
         WHERE n.nspname = current_schema() AND 0 = ANY(ix.indkey::int2[]) ORDER BY 1, 2",
    )
    .fetch_all(p)
    .await
    .map_err(err)?;
    for (table, index, def) in expr_indexes {
        let Some(t) = table_mut(&mut schema.tables, &table) else {
            continue;
        };
        let lower = def.to_ascii_lowercase();
        if !lower.contains("using gin (") || !lower.contains("to_tsvector(") {
            continue;
        }
        let columns = def
            .match_indices("COALESCE(")
            .filter_map(|(i, m)| {
                let rest = &def[i + m.len()..];
                let ident = rest[..rest.find(',')?].trim();
                Some(ident.trim_matches('"').replace("\"\"", "\""))
            })
            .collect();
        // `to_tsvector('english'::regconfig, ..)`; weighted: `setweight(.., 'A'::"char")` per column.
        let language = def
            .split_once("to_tsvector('")
            .and_then(|(_, rest)| rest.split_once('\''))
            .map(|(l, _)| l.to_owned());
        let weights = if def.contains("setweight(") {
            def.match_indices("'::\"char\"")
                .filter_map(|(i, _)| def[..i].chars().last())
                .collect()
        } else {
            Vec::new()
        };
        t.indexes.push(Index {
            name: index,
            columns,
            unique: false,
            fulltext: true,
            language,
            weights,
            predicate: None,
        });
    }
    let fks: Vec<(String, String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT con.conname::text, c.relname::text, rc.relname::text, con.confdeltype::text, \
         con.confupdtype::text, a.attname::text, ra.attname::text \
         FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid \
         JOIN pg_class rc ON rc.oid = con.confrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(col, rcol, ord) \
         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.col \
         JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.rcol \
         WHERE con.contype = 'f' AND n.nspname = current_schema() ORDER BY con.conname, k.ord",
    )
    .fetch_all(p)
    .await
    .map_err(err)?;
    add_foreign_keys(&mut schema, fks);
    Ok(schema)
}

#[cfg(feature = "mysql")]
async fn mysql(p: &sqlx::MySqlPool, d: Dialect) -> Result<DbSchema> {
    let mut schema = DbSchema::default();
    // MariaDB stores JSON as LONGTEXT with a `json_valid` check.
    let json_checks: Vec<(String, String)> = if d.mariadb {
        sqlx::query_as(
            "SELECT CAST(TABLE_NAME AS CHAR), CAST(CHECK_CLAUSE AS CHAR) FROM information_schema.CHECK_CONSTRAINTS \
             WHERE CONSTRAINT_SCHEMA = DATABASE()",
        )
        .fetch_all(p)
        .await
        .map_err(err)?
    } else {
        Vec::new()
    };
    type Row = (
        String,
        String,
        String,
        String,
        Option<String>,
        String,
        Option<String>,
    );
    let columns: Vec<Row> = sqlx::query_as(
        "SELECT CAST(c.TABLE_NAME AS CHAR), CAST(c.COLUMN_NAME AS CHAR), CAST(c.COLUMN_TYPE AS CHAR), \
         CAST(c.IS_NULLABLE AS CHAR), CAST(c.COLUMN_DEFAULT AS CHAR), CAST(c.EXTRA AS CHAR), \
         CAST(c.COLLATION_NAME AS CHAR) \
         FROM information_schema.COLUMNS c JOIN information_schema.TABLES t \
         ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME \
         WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE' \
         ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION",
    )
    .fetch_all(p)
    .await
    .map_err(err)?;
    for (table, name, ty, nullable, default, extra, collation) in columns {
        if table_mut(&mut schema.tables, &table).is_none() {
            schema.tables.push(new_table(table.clone()));
        }
        let is_json = ty.eq_ignore_ascii_case("longtext")
            && json_checks.iter().any(|(t, clause)| {
                *t == table
                    && clause
                        .replace('`', "")
                        .eq_ignore_ascii_case(&format!("json_valid({name})"))
            });
        let ty = if is_json {
            ColumnType::Json
        } else {
            parse_type(d, &ty)
        };
        let autoincrement = extra.to_ascii_lowercase().contains("auto_increment");
        let default = if autoincrement {
            None
        } else {
            default.and_then(|s| normalize_default(d, &ty, &s))
        };
        let t = table_mut(&mut schema.tables, &table).expect("pushed above");
        // MariaDB's JSON is LONGTEXT with its own fixed collation.
        let collation = collation.filter(|_| is_text(&ty));
        t.columns.push(Column {
            name,
            ty,
            nullable: nullable.eq_ignore_ascii_case("YES"),
            default,
            autoincrement,
            collation,
            renamed_from: None,
        });
    }
    let indexes: Vec<(String, String, i64, String, String)> = sqlx::query_as(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), CAST(NON_UNIQUE AS SIGNED), CAST(COLUMN_NAME AS CHAR), \
         CAST(INDEX_TYPE AS CHAR) \
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
         ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
    )
    .fetch_all(p)
    .await
    .map_err(err)?;
    for (table, index, non_unique, column, index_type) in indexes {
        let pk_name = fit_identifier(&format!("{table}_pkey")).into_owned();
        let row = IndexRow {
            table,
            primary: index == "PRIMARY",
            index,
            column,
            unique: non_unique == 0,
            fulltext: index_type.eq_ignore_ascii_case("FULLTEXT"),
            predicate: None,
        };
        add_index_column(&mut schema, row, pk_name);
    }
    // A full-text index reads stored copies of its columns (`GENERATED ALWAYS AS (`col`)`): the
    // index is on the columns copied, and the copies are not the table's columns.
    let generated: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), CAST(GENERATION_EXPRESSION AS CHAR) \
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
         AND GENERATION_EXPRESSION IS NOT NULL AND GENERATION_EXPRESSION <> ''",
    )
    .fetch_all(p)
    .await
    .map_err(err)?;
    for t in &mut schema.tables {
        let mut copies = Vec::new();
        for i in t.indexes.iter_mut().filter(|i| i.fulltext) {
            for c in &mut i.columns {
                let source = generated
                    .iter()
                    .find(|(table, name, _)| *table == t.name && name == c)
                    .map(|(_, _, expr)| expr.trim().trim_matches('`').replace("``", "`"));
                match source {
                    Some(source) => copies.push(std::mem::replace(c, source)),
                    None => i.language = Some(FULLTEXT_ON_COLUMNS.to_owned()),
                }
            }
        }
        t.columns.retain(|c| !copies.contains(&c.name));
    }
    let fks: Vec<(String, String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT CAST(k.CONSTRAINT_NAME AS CHAR), CAST(k.TABLE_NAME AS CHAR), CAST(k.REFERENCED_TABLE_NAME AS CHAR), \
         CAST(r.DELETE_RULE AS CHAR), CAST(r.UPDATE_RULE AS CHAR), CAST(k.COLUMN_NAME AS CHAR), \
         CAST(k.REFERENCED_COLUMN_NAME AS CHAR) \
         FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
         ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
         AND r.TABLE_NAME = k.TABLE_NAME \
         WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL \
         ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
    )
    .fetch_all(p)
    .await
    .map_err(err)?;
    add_foreign_keys(&mut schema, fks);
    Ok(schema)
}

#[cfg(feature = "sqlite")]
/// Finds `CHECK ("col" IN ('a', 'b'))` in a table's SQL: the enum check we write on SQLite.
fn sqlite_enum_check(sql: &str, column: &str) -> Option<Vec<String>> {
    let needle = format!("CHECK (\"{}\" IN (", column.replace('"', "\"\""));
    let start = sql.find(&needle)? + needle.len();
    let rest = &sql[start..];
    // The list ends at the first `)` outside a string literal.
    let mut in_str = false;
    for (i, c) in rest.char_indices() {
        match c {
            '\'' => in_str = !in_str,
            ')' if !in_str => return Some(parse_string_list(&rest[..i])),
            _ => {}
        }
    }
    None
}

#[cfg(feature = "sqlite")]
/// Finds `CONSTRAINT "name" FOREIGN KEY ("col")` in a table's SQL.
fn sqlite_fk_name(sql: &str, columns: &[String]) -> Option<String> {
    let cols = columns
        .iter()
        .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(", ");
    let tail = format!("\" FOREIGN KEY ({cols})");
    let end = sql.find(&tail)?;
    let head = &sql[..end];
    let start = head.rfind("CONSTRAINT \"")? + "CONSTRAINT \"".len();
    Some(head[start..].replace("\"\"", "\""))
}

#[cfg(feature = "sqlite")]
async fn sqlite(p: &sqlx::SqlitePool) -> Result<DbSchema> {
    let d = Dialect::SQLITE;
    let mut schema = DbSchema::default();
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(p)
    .await
    .map_err(err)?;
    // Full-text indexes are FTS5 tables (`CREATE VIRTUAL TABLE x USING fts5(..)`) with shadow
    // tables of their own (`x_data`, `x_idx`, ..): they become indexes of their content table.
    let fts: Vec<(String, Index)> = tables
        .iter()
        .filter_map(|(name, sql)| sqlite_fts(name, sql))
        .collect();
    let shadow = |name: &str| {
        fts.iter().any(|(_, i)| {
            name.strip_prefix(i.name.as_str()).is_some_and(|rest| {
                ["_data", "_idx", "_docsize", "_config", "_content"].contains(&rest)
            })
        })
    };
    for (name, sql) in tables {
        if shadow(&name) || fts.iter().any(|(_, i)| i.name == name) {
            continue;
        }
        let mut t = new_table(name.clone());
        let cols: Vec<(String, String, bool, Option<String>, i64)> = sqlx::query_as(
            "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid",
        )
        .bind(&name)
        .fetch_all(p)
        .await
        .map_err(err)?;
        let autoinc_sql = sql.to_ascii_uppercase().contains("AUTOINCREMENT");
        let mut pk: Vec<(i64, String)> = Vec::new();
        for (col, ty, not_null, default, pk_pos) in &cols {
            let ty = match sqlite_enum_check(&sql, col) {
                Some(variants) => ColumnType::Enum {
                    name: String::new(),
                    variants,
                },
                None => parse_type(d, ty),
            };
            if *pk_pos > 0 {
                pk.push((*pk_pos, col.clone()));
            }
            let autoincrement = *pk_pos > 0 && autoinc_sql;
            t.columns.push(Column {
                name: col.clone(),
                default: if autoincrement {
                    None
                } else {
                    default
                        .as_deref()
                        .and_then(|s| normalize_default(d, &ty, s))
                },
                ty,
                // A rowid alias (`INTEGER PRIMARY KEY`) never holds NULL.
                nullable: !*not_null && !(autoincrement),
                autoincrement,
                collation: None,
                renamed_from: None,
            });
        }
        pk.sort();
        if !pk.is_empty() {
            t.primary_key = Some(PrimaryKey {
                name: fit_identifier(&format!("{name}_pkey")).into_owned(),
                columns: pk.into_iter().map(|(_, c)| c).collect(),
            });
        }
        let indexes: Vec<(String, bool, String, bool)> = sqlx::query_as(
            "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?) ORDER BY name",
        )
        .bind(&name)
        .fetch_all(p)
        .await
        .map_err(err)?;
        for (index, unique, origin, partial) in indexes {
            if origin == "pk" {
                continue;
            }
            // A partial index's condition: what follows `WHERE` in its definition.
            let predicate = if partial {
                let (sql,): (String,) = sqlx::query_as(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                )
                .bind(&index)
                .fetch_one(p)
                .await
                .map_err(err)?;
                sqlite_index_predicate(&sql)
            } else {
                None
            };
            let columns: Vec<(String,)> =
                sqlx::query_as("SELECT name FROM pragma_index_info(?) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(p)
                    .await
                    .map_err(err)?;
            t.indexes.push(Index {
                name: index,
                columns: columns.into_iter().map(|(c,)| c).collect(),
                unique,
                fulltext: false,
                language: None,
                weights: Vec::new(),
                predicate,
            });
        }
        let fks: Vec<(i64, String, String, Option<String>, String, String)> = sqlx::query_as(
            "SELECT id, \"table\", \"from\", \"to\", on_delete, on_update FROM pragma_foreign_key_list(?) ORDER BY id, seq",
        )
        .bind(&name)
        .fetch_all(p)
        .await
        .map_err(err)?;
        let mut by_id: Vec<(i64, ForeignKey)> = Vec::new();
        for (id, referenced, from, to, del, upd) in fks {
            let to = to.unwrap_or_default();
            match by_id.iter_mut().find(|(i, _)| *i == id) {
                Some((_, f)) => {
                    f.columns.push(from);
                    f.referenced_columns.push(to);
                }
                None => by_id.push((
                    id,
                    ForeignKey {
                        name: String::new(),
                        columns: vec![from],
                        referenced_table: referenced,
                        referenced_columns: vec![to],
                        on_delete: action(&del),
                        on_update: action(&upd),
                    },
                )),
            }
        }
        for (_, mut f) in by_id {
            f.name = sqlite_fk_name(&sql, &f.columns).unwrap_or_else(|| {
                fit_identifier(&format!("{name}_{}_fkey", f.columns.join("_"))).into_owned()
            });
            t.foreign_keys.push(f);
        }
        t.indexes.extend(
            fts.iter()
                .filter(|(content, _)| *content == name)
                .map(|(_, i)| i.clone()),
        );
        schema.tables.push(t);
    }
    Ok(schema)
}

/// An FTS5 table the ORM creates for a full-text index, as `(content table, index)`:
/// `CREATE VIRTUAL TABLE "x" USING fts5("a", "b", content='t', content_rowid='rowid',
/// tokenize='porter unicode61')`.
#[cfg(feature = "sqlite")]
fn sqlite_fts(name: &str, sql: &str) -> Option<(String, Index)> {
    let upper = sql.to_ascii_uppercase();
    if !upper.starts_with("CREATE VIRTUAL TABLE") {
        return None;
    }
    let start = upper.find("USING FTS5(")? + "USING FTS5(".len();
    let end = sql.rfind(')')?;
    let mut columns = Vec::new();
    let mut content = None;
    let mut language = "simple";
    for part in sql[start..end].split(',') {
        let part = part.trim();
        match part.split_once('=') {
            Some((key, value)) => {
                let value = value.trim().trim_matches('\'').replace("''", "'");
                match key.trim() {
                    "content" => content = Some(value),
                    "tokenize" if value.split_whitespace().any(|t| t == "porter") => {
                        language = "english"
                    }
                    _ => {}
                }
            }
            None => columns.push(part.trim_matches('"').replace("\"\"", "\"")),
        }
    }
    let content = content.filter(|c| !c.is_empty())?;
    Some((
        content,
        Index {
            name: name.to_owned(),
            columns,
            unique: false,
            fulltext: true,
            language: Some(language.to_owned()),
            weights: Vec::new(),
            predicate: None,
        },
    ))
}

/// The condition of a SQLite partial index, from its `CREATE INDEX .. WHERE ..` text: after the
/// last `WHERE` that is outside quotes and parentheses.
#[cfg(feature = "sqlite")]
fn sqlite_index_predicate(sql: &str) -> Option<String> {
    let bytes = sql.as_bytes();
    let (mut depth, mut quote, mut found) = (0i32, None::<u8>, None);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'\'' | b'"' | b'`' => quote = Some(b),
                b'[' => quote = Some(b']'),
                b'(' => depth += 1,
                b')' => depth -= 1,
                _ if depth == 0
                    && sql[i..].len() >= 5
                    && sql[i..i + 5].eq_ignore_ascii_case("where")
                    && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
                    && bytes.get(i + 5).is_none_or(|c| !c.is_ascii_alphanumeric()) =>
                {
                    found = Some(i + 5);
                }
                _ => {}
            },
        }
        i += 1;
    }
    found.map(|at| sql[at..].trim().to_owned())
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use super::sqlite_index_predicate as predicate;

    #[test]
    fn sqlite_partial_index_conditions() {
        assert_eq!(
            predicate("CREATE UNIQUE INDEX a ON t (email) WHERE deleted_at IS NULL").as_deref(),
            Some("deleted_at IS NULL")
        );
        assert_eq!(
            predicate("create index \"where\" on t (x) where x > 'a where b' and (y) = 1")
                .as_deref(),
            Some("x > 'a where b' and (y) = 1")
        );
        assert_eq!(predicate("CREATE INDEX nowhere ON t (somewhere)"), None);
    }
}
