//! `db pull`: Rust model source for an introspected schema.

use std::fmt::Write;

use crate::schema::{Column, ColumnDefault, ColumnType, DbSchema, Table};
use orm_core::__migrate::native::{kind_type, normalize_type, parse_string_list, render_type};
use orm_core::model::FullTextDef;
use orm_core::schema::FULLTEXT_ON_COLUMNS;
use orm_core::sql::Dialect;
use orm_core::types::ScalarKind;

/// Rust keywords: a field named like one is written `r#name` (or `name_`).
pub(crate) const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// PascalCase, keeping the case inside words (`user_settings` → `UserSettings`).
pub(crate) fn pascal(s: &str) -> String {
    let mut out = String::new();
    for part in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        let mut chars = part.chars();
        if let Some(f) = chars.next() {
            out.push(f.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

fn singular(s: &str) -> String {
    if let Some(stem) = s.strip_suffix("ies") {
        format!("{stem}y")
    } else if s.ends_with("ss") || s.ends_with("us") {
        s.to_owned()
    } else if let Some(stem) = s.strip_suffix('s') {
        stem.to_owned()
    } else {
        s.to_owned()
    }
}

/// The plural of an English snake_case name, unless it already looks plural.
fn plural(s: &str) -> String {
    if singular(s) != s {
        return s.to_owned();
    }
    if let Some(stem) = s.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        return format!("{stem}ies");
    }
    if s.ends_with(['s', 'x']) || s.ends_with("ch") || s.ends_with("sh") {
        return format!("{s}es");
    }
    format!("{s}s")
}

/// The snake_case form of a name (`"PostTag"`, `"postTags"`, `"post_tags"` → `"post_tags"`).
fn snake(s: &str) -> String {
    field_ident(s)
        .0
        .trim_start_matches("r#")
        .trim_end_matches('_')
        .to_owned()
}

/// A relation `db pull` generates: the `belongs_to` on the table holding a single-column foreign key
/// to another table's primary key, and its other side on that table.
struct Rel {
    /// The tables holding the foreign key and referenced by it.
    source: usize,
    target: usize,
    /// The foreign key.
    fk: usize,
    /// The `belongs_to` field on the source.
    name: String,
    /// The `has_many`/`has_one` field on the target.
    inverse: String,
    /// The foreign key is unique: the other side is a `has_one`.
    one: bool,
    /// Several foreign keys join the same two tables: the other side names its `belongs_to`.
    ambiguous: bool,
}

/// Every relation of `schema`, with field names that collide with nothing on either side: the
/// `belongs_to` named after its foreign-key column (`author_id` → `author`), the other side after
/// the source table (`posts`; `user_setting` for a `has_one`), or, where several foreign keys join the
/// same tables or a table refers to itself, after both (`notifications_as_sender`; a self-reference
/// named `parent` gets `children`).
fn plan_relations(schema: &DbSchema) -> Vec<Rel> {
    let columns_of =
        |t: &Table| -> Vec<String> { table_fields(t).into_iter().map(|(f, _)| f).collect() };
    let mut rels: Vec<Rel> = Vec::new();
    for (si, t) in schema.tables.iter().enumerate() {
        let fields = columns_of(t);
        for (fi, fk) in t.foreign_keys.iter().enumerate() {
            if fk.columns.len() != 1 {
                continue;
            }
            let Some(ti) = schema
                .tables
                .iter()
                .position(|x| x.name == fk.referenced_table)
            else {
                continue;
            };
            // A relation references the target's primary key.
            if schema.tables[ti].primary_key.as_ref().map(|p| &p.columns)
                != Some(&fk.referenced_columns)
            {
                continue;
            }
            let fk_field = field_ident(&fk.columns[0]).0;
            let base = fk_field
                .trim_start_matches("r#")
                .trim_end_matches("_id")
                .to_owned();
            let mut name = if base == fk_field.trim_start_matches("r#") {
                format!("{base}_ref")
            } else {
                base
            };
            while fields.contains(&name)
                || KEYWORDS.contains(&name.as_str())
                || rels.iter().any(|r| r.source == si && r.name == name)
            {
                name.push_str("_rel");
            }
            let one = t
                .primary_key
                .as_ref()
                .is_some_and(|p| p.columns == fk.columns)
                || t.indexes
                    .iter()
                    .any(|i| i.unique && i.columns == fk.columns);
            rels.push(Rel {
                source: si,
                target: ti,
                fk: fi,
                name,
                inverse: String::new(),
                one,
                ambiguous: false,
            });
        }
    }
    for i in 0..rels.len() {
        let (source, target) = (rels[i].source, rels[i].target);
        let ambiguous = rels
            .iter()
            .filter(|r| r.source == source && r.target == target)
            .count()
            > 1;
        let table = snake(&schema.tables[source].name);
        let mut inverse = if source == target && !ambiguous && rels[i].name == "parent" {
            "children".to_owned()
        } else if source == target || ambiguous {
            format!("{}_as_{}", plural(&table), rels[i].name)
        } else if rels[i].one {
            singular(&table)
        } else {
            plural(&table)
        };
        let target_fields = columns_of(&schema.tables[target]);
        while target_fields.contains(&inverse)
            || KEYWORDS.contains(&inverse.as_str())
            || rels.iter().any(|r| {
                (r.source == target && r.name == inverse)
                    || (r.target == target && r.inverse == inverse)
            })
        {
            inverse.push_str("_rel");
        }
        rels[i].inverse = inverse;
        rels[i].ambiguous = ambiguous;
    }
    rels
}

/// The field identifiers of a table's columns, made unique (`userId` and `user_id` both snake to
/// `user_id`: the second becomes `user_id_2`), each with whether `column = ".."` must name it.
fn table_fields(t: &Table) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::with_capacity(t.columns.len());
    for c in &t.columns {
        let (mut ident, mut renamed) = field_ident(&c.name);
        if out.iter().any(|(f, _)| *f == ident) {
            let base = ident.trim_start_matches("r#").to_owned();
            let mut n = 2;
            while out.iter().any(|(f, _)| *f == format!("{base}_{n}")) {
                n += 1;
            }
            ident = format!("{base}_{n}");
            renamed = true;
        }
        out.push((ident, renamed));
    }
    out
}

/// A field identifier for a column, and whether `column = ".."` must name the column.
fn field_ident(column: &str) -> (String, bool) {
    let mut snake = String::new();
    for (i, c) in column.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !snake.ends_with('_') {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() || c == '_' {
            snake.push(c);
        } else {
            snake.push('_');
        }
    }
    if snake.is_empty() || snake.starts_with(|c: char| c.is_ascii_digit()) {
        snake.insert(0, '_');
    }
    let renamed = snake != column;
    if KEYWORDS.contains(&snake.as_str()) {
        if matches!(snake.as_str(), "self" | "Self" | "super" | "crate") {
            return (format!("{snake}_"), true);
        }
        return (format!("r#{snake}"), renamed);
    }
    (snake, renamed)
}

/// The field types `db pull` chooses from, in order of preference where several are stored alike
/// (SQLite keeps every integer as `INTEGER` and most else as `TEXT`), with their kinds.
const FIELD_TYPES: &[(&str, ScalarKind)] = &[
    ("i64", ScalarKind::I64),
    ("i32", ScalarKind::I32),
    ("i16", ScalarKind::I16),
    ("bool", ScalarKind::Bool),
    ("f64", ScalarKind::F64),
    ("f32", ScalarKind::F32),
    ("String", ScalarKind::String),
    ("rust_decimal::Decimal", ScalarKind::Decimal),
    ("uuid::Uuid", ScalarKind::Uuid),
    ("chrono::DateTime<chrono::Utc>", ScalarKind::DateTime),
    ("chrono::NaiveDateTime", ScalarKind::NaiveDateTime),
    ("chrono::NaiveDate", ScalarKind::Date),
    ("chrono::NaiveTime", ScalarKind::Time),
    ("serde_json::Value", ScalarKind::Json),
    ("Vec<u8>", ScalarKind::Bytes),
];

/// The Rust type for a column, and the column type that Rust type gets by default on `d` (when it
/// differs from the column's, the model says `db_type`).
///
/// The first field type the dialect stores exactly as the column is chosen, so the model describes
/// the column again without `db_type`; a column holding the current time by default prefers the
/// date-time types (SQLite's are text). Otherwise the field type of the column's type family.
fn rust_type(d: Dialect, c: &Column, enum_name: &str) -> (String, ColumnType) {
    use ColumnType as T;
    if let T::Enum { .. } = c.ty {
        return (enum_name.to_owned(), c.ty.clone());
    }
    let stored = |kind| normalize_type(d, kind_type(d, kind));
    let now = c.default == Some(ColumnDefault::Now);
    let exact = FIELD_TYPES
        .iter()
        .filter(|(_, k)| now && matches!(k, ScalarKind::DateTime | ScalarKind::NaiveDateTime))
        .chain(FIELD_TYPES)
        .find(|(_, k)| stored(*k) == c.ty);
    if let Some((rust, _)) = exact {
        return ((*rust).to_owned(), c.ty.clone());
    }
    let kind = match c.ty {
        T::Boolean => ScalarKind::Bool,
        T::SmallInt => ScalarKind::I16,
        T::Integer => ScalarKind::I32,
        T::BigInt => ScalarKind::I64,
        T::Real => ScalarKind::F32,
        T::Double => ScalarKind::F64,
        T::Decimal { .. } => ScalarKind::Decimal,
        T::Bytes => ScalarKind::Bytes,
        T::Uuid => ScalarKind::Uuid,
        // Where both date-time types are stored alike (MySQL's DATETIME), the UTC one.
        T::Timestamp if stored(ScalarKind::DateTime) == stored(ScalarKind::NaiveDateTime) => {
            ScalarKind::DateTime
        }
        T::Timestamptz => ScalarKind::DateTime,
        T::Timestamp => ScalarKind::NaiveDateTime,
        T::Date => ScalarKind::Date,
        T::Time => ScalarKind::Time,
        T::Json => ScalarKind::Json,
        T::Other(ref native) => other_kind(native, stored),
        T::Text | T::VarChar(_) | T::Char(_) | T::Enum { .. } => ScalarKind::String,
    };
    let rust = FIELD_TYPES
        .iter()
        .find(|(_, k)| *k == kind)
        .map_or("String", |(r, _)| r);
    (rust.to_owned(), stored(kind))
}

/// The field kind for a native type the dialect keeps as written (`timestamp(3)`, `time(0)`,
/// `datetime(3)`, `numeric` without precision ...): by its type family, else text.
fn other_kind(native: &str, stored: impl Fn(ScalarKind) -> ColumnType) -> ScalarKind {
    let lower = native.to_ascii_lowercase();
    let base = lower.split('(').next().unwrap_or("").trim();
    let with_tz = lower.contains("with time zone") || base == "timestamptz" || base == "timetz";
    match base {
        "timestamptz" => ScalarKind::DateTime,
        "timestamp" if with_tz => ScalarKind::DateTime,
        // Where both date-time types are stored alike (MySQL's DATETIME), the UTC one.
        "timestamp" | "datetime"
            if stored(ScalarKind::DateTime) == stored(ScalarKind::NaiveDateTime) =>
        {
            ScalarKind::DateTime
        }
        "timestamp" | "datetime" => ScalarKind::NaiveDateTime,
        "time" if !with_tz => ScalarKind::Time,
        "date" => ScalarKind::Date,
        "numeric" | "decimal" => ScalarKind::Decimal,
        "smallint" | "int2" => ScalarKind::I16,
        "integer" | "int" | "int4" | "mediumint" => ScalarKind::I32,
        "bigint" | "int8" => ScalarKind::I64,
        "real" | "float4" => ScalarKind::F32,
        "double precision" | "float8" | "double" | "float" => ScalarKind::F64,
        "boolean" | "bool" => ScalarKind::Bool,
        "bytea" | "blob" | "longblob" | "mediumblob" | "tinyblob" | "binary" | "varbinary" => {
            ScalarKind::Bytes
        }
        "json" | "jsonb" => ScalarKind::Json,
        "uuid" => ScalarKind::Uuid,
        _ => ScalarKind::String,
    }
}

/// Rust source declaring a `#[derive(Model)]` struct per table (and a `#[derive(DbEnum)]` per enum),
/// with the attributes that make the models describe exactly `schema` again: table and column
/// names, keys, indexes, defaults, native types where they differ from the defaults, and a
/// `belongs_to` relation per foreign key.
///
/// ```
/// use orm_runtime::migrate::render_models;
/// use orm_runtime::schema::{Column, ColumnType, DbSchema, PrimaryKey, Table};
/// use orm_runtime::sql::Dialect;
///
/// let schema = DbSchema {
///     tables: vec![Table {
///         name: "users".into(),
///         columns: vec![Column {
///             name: "id".into(), ty: ColumnType::BigInt, nullable: false, default: None,
///             autoincrement: true, collation: None, renamed_from: None,
///         }],
///         primary_key: Some(PrimaryKey { name: "users_pkey".into(), columns: vec!["id".into()] }),
///         indexes: vec![],
///         foreign_keys: vec![],
///         renamed_from: None,
///     }],
///     enums: vec![],
/// };
/// let source = render_models(&schema, Dialect::POSTGRES);
/// assert!(source.contains("pub struct User {"));
/// assert!(source.contains("#[orm(id, default = autoincrement)]"));
/// ```
pub fn render_models(schema: &DbSchema, d: Dialect) -> String {
    let mut out = String::new();
    out.push_str("//! Models generated by `orm db pull` from the live database.\n\n");
    out.push_str("#![allow(missing_docs)]\n\n");
    out.push_str("use orm_runtime::prelude::*;\n");

    // Enums: PostgreSQL types by name; elsewhere one per distinct variant list, named after the
    // first column that uses it.
    let mut enums: Vec<(String, String, Vec<String>)> = Vec::new(); // (rust name, db name, variants)
    let enum_for = |enums: &mut Vec<(String, String, Vec<String>)>,
                    table: &str,
                    column: &str,
                    ty: &ColumnType|
     -> String {
        let ColumnType::Enum { name, variants } = ty else {
            return String::new();
        };
        let db_name = if name.is_empty() {
            format!("{table}_{column}")
        } else {
            name.clone()
        };
        if let Some((rust, _, _)) = enums.iter().find(|(_, n, v)| {
            if name.is_empty() {
                v == variants
            } else {
                n == name
            }
        }) {
            return rust.clone();
        }
        let mut rust = pascal(&db_name);
        while enums.iter().any(|(r, _, _)| *r == rust)
            || schema
                .tables
                .iter()
                .any(|t| pascal(&singular(&t.name)) == rust)
        {
            rust.push_str("Enum");
        }
        enums.push((rust.clone(), db_name, variants.clone()));
        rust
    };
    let mut enum_names: Vec<Vec<String>> = Vec::new();
    for t in &schema.tables {
        enum_names.push(
            t.columns
                .iter()
                .map(|c| enum_for(&mut enums, &t.name, &c.name, &c.ty))
                .collect(),
        );
    }
    for (rust, db_name, variants) in &enums {
        out.push('\n');
        let _ = writeln!(out, "#[derive(DbEnum, Debug, Clone, Copy, PartialEq, Eq)]");
        let _ = writeln!(out, "#[orm(name = {db_name:?})]");
        let _ = writeln!(out, "pub enum {rust} {{");
        let mut used: Vec<String> = Vec::new();
        for v in variants {
            let mut ident = pascal(&v.to_ascii_lowercase());
            while used.contains(&ident) {
                ident.push('_');
            }
            used.push(ident.clone());
            let _ = writeln!(out, "    #[orm(rename = {v:?})]");
            let _ = writeln!(out, "    {ident},");
        }
        out.push_str("}\n");
    }

    let struct_names: Vec<String> = {
        let mut names: Vec<String> = Vec::new();
        for t in &schema.tables {
            let mut n = pascal(&singular(&t.name));
            while names.contains(&n) {
                n.push('_');
            }
            names.push(n);
        }
        names
    };
    let rels = plan_relations(schema);
    for (ti, enum_names) in enum_names.iter().enumerate() {
        out.push('\n');
        render_table(&mut out, d, schema, ti, &rels, &struct_names, enum_names);
    }
    out.push_str("\n/// Every model above.\npub fn schema() -> Schema {\n    Schema::new()");
    for n in &struct_names {
        let _ = write!(out, "\n        .model::<{n}>()");
    }
    out.push_str("\n}\n");
    out
}

fn render_table(
    out: &mut String,
    d: Dialect,
    schema: &DbSchema,
    ti: usize,
    rels: &[Rel],
    structs: &[String],
    enum_names: &[String],
) {
    let t = &schema.tables[ti];
    let fields = table_fields(t);
    let field_of = |col: &str| -> String {
        let i = t.columns.iter().position(|c| c.name == col).unwrap_or(0);
        fields[i].0.clone()
    };
    let name = &structs[ti];
    let _ = writeln!(out, "#[derive(Model, Debug, Clone, PartialEq)]");
    let mut struct_attrs = vec![format!("table = {:?}", t.name)];
    let pk_cols: Vec<String> = t
        .primary_key
        .iter()
        .flat_map(|p| p.columns.clone())
        .collect();
    if pk_cols.len() > 1 {
        struct_attrs.push(format!(
            "id({})",
            pk_cols
                .iter()
                .map(|c| field_of(c))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    // Single-column unique indexes with the default name become `#[orm(unique)]` on the field;
    // the rest are struct-level.
    let default_name = |cols: &[String], suffix: &str| {
        orm_core::model::fit_identifier(&format!("{}_{}_{suffix}", t.name, cols.join("_")))
            .into_owned()
    };
    let fields_of = |cols: &[String]| {
        cols.iter()
            .map(|c| field_of(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut notes: Vec<String> = Vec::new();
    // Foreign keys the derive cannot express as a relation are named, never dropped silently.
    for (fi, fk) in t.foreign_keys.iter().enumerate() {
        if !rels.iter().any(|r| r.source == ti && r.fk == fi) {
            notes.push(format!(
                "foreign key `{}` ({}) → `{}` ({}) is not a relation the models can express (composite, or not to the primary key); the models leave it out, so a migration from them would drop it",
                fk.name,
                fk.columns.join(", "),
                fk.referenced_table,
                fk.referenced_columns.join(", ")
            ));
        }
    }
    let mut field_unique: Vec<&str> = Vec::new();
    let mut field_index: Vec<&str> = Vec::new();
    for i in &t.indexes {
        if let Some(p) = &i.predicate {
            notes.push(format!(
                "partial index `{}` (WHERE {p}) cannot be declared on a model: left out, so \
                 `migrate dev` would drop it",
                i.name
            ));
            continue;
        }
        if i.fulltext {
            // Each column, weighted as the index weighs it, then the language where the
            // backend keeps one (not the default, nor MySQL's marker for an index of another form).
            let mut parts: Vec<String> = i
                .columns
                .iter()
                .enumerate()
                .map(|(n, c)| {
                    let field = fields_of(std::slice::from_ref(c));
                    match i.weights.get(n) {
                        Some(w) => format!("{field}(weight = \"{w}\")"),
                        None => field,
                    }
                })
                .collect();
            if let Some(l) = i
                .language
                .as_deref()
                .filter(|l| *l != FullTextDef::DEFAULT_LANGUAGE && *l != FULLTEXT_ON_COLUMNS)
            {
                parts.push(format!("language = \"{l}\""));
            }
            struct_attrs.push(format!("fulltext({})", parts.join(", ")));
            if i.name != default_name(&i.columns, "fts") {
                notes.push(format!(
                    "full-text index `{}` gets the default name",
                    i.name
                ));
            }
            continue;
        }
        let suffix = if i.unique { "key" } else { "idx" };
        let named = i.name == default_name(&i.columns, suffix);
        // Foreign-key indexes are generated by the relation.
        let fk_index = !i.unique
            && i.columns.len() == 1
            && named
            && rels
                .iter()
                .any(|r| r.source == ti && t.foreign_keys[r.fk].columns == i.columns);
        if fk_index {
            continue;
        }
        if i.columns.len() == 1 && named && !(i.unique && pk_cols == i.columns) {
            if i.unique {
                field_unique.push(&i.columns[0]);
            } else {
                field_index.push(&i.columns[0]);
            }
            continue;
        }
        let cols = fields_of(&i.columns);
        let kind = if i.unique { "unique" } else { "index" };
        if !named {
            notes.push(format!(
                "index `{}` is named differently from the default `{}`; the model renames it",
                i.name,
                default_name(&i.columns, suffix)
            ));
        }
        struct_attrs.push(format!("{kind}({cols})"));
    }
    for n in &notes {
        let _ = writeln!(out, "// Note: {n}.");
    }
    let _ = writeln!(out, "#[orm({})]", struct_attrs.join(", "));
    let _ = writeln!(out, "pub struct {name} {{");
    for (ci, c) in t.columns.iter().enumerate() {
        let (ident, renamed) = &fields[ci];
        let mut attrs: Vec<String> = Vec::new();
        if pk_cols.len() == 1 && pk_cols[0] == c.name {
            attrs.push("id".into());
        }
        if field_unique.contains(&c.name.as_str()) {
            attrs.push("unique".into());
        }
        if field_index.contains(&c.name.as_str()) {
            attrs.push("index".into());
        }
        if *renamed {
            attrs.push(format!("column = {:?}", c.name));
        }
        let (rust, default_ty) = rust_type(d, c, &enum_names[ci]);
        if !matches!(c.ty, ColumnType::Enum { .. }) && default_ty != c.ty {
            attrs.push(format!(
                "db_type = {:?}",
                d.ddl().explicit_native(render_type(d, &c.ty, false))
            ));
        }
        let time = matches!(
            rust.as_str(),
            "chrono::DateTime<chrono::Utc>" | "chrono::NaiveDateTime"
        );
        if c.autoincrement {
            attrs.push("default = autoincrement".into());
        } else if c.default.is_none()
            && !c.nullable
            && pk_cols.len() == 1
            && pk_cols[0] == c.name
            && c.name == "id"
            && c.ty == normalize_type(d, kind_type(d, ScalarKind::String))
        {
            // A text key named `id` in the type Prisma gives `String` (`text`, `varchar(191)`),
            // which the database does not fill: filled by the client, as Prisma's `cuid()`.
            attrs.push("default = cuid".into());
        } else if c.default.is_none()
            && !c.nullable
            && time
            && ident.trim_start_matches("r#") == "updated_at"
        {
            // Prisma's `@updatedAt`: set by the client on every write.
            attrs.push("updated_at".into());
        } else if let Some(def) = &c.default {
            match def {
                ColumnDefault::Now => attrs.push("default = now".into()),
                ColumnDefault::Literal(lit) => {
                    if let Some(expr) = default_expr(&c.ty, lit, &enum_names[ci]) {
                        attrs.push(format!("default = {expr}"));
                    }
                }
            }
        }
        if !attrs.is_empty() {
            let _ = writeln!(out, "    #[orm({})]", attrs.join(", "));
        }
        let ty = if c.nullable {
            format!("Option<{rust}>")
        } else {
            rust
        };
        let _ = writeln!(out, "    pub {ident}: {ty},");
    }
    // A belongs_to per single-column foreign key to a primary key ...
    for r in rels.iter().filter(|r| r.source == ti) {
        let fk = &t.foreign_keys[r.fk];
        let target = &structs[r.target];
        let nullable = t.column(&fk.columns[0]).is_some_and(|c| c.nullable);
        let target_ty = if nullable {
            format!("Option<{target}>")
        } else {
            target.clone()
        };
        // The derive indexes a foreign key no key or index starts with; a database without that
        // index (Prisma's) says so, and the missing index is a migration to propose, not drift.
        let col = &fk.columns[0];
        let covered = t
            .primary_key
            .as_ref()
            .is_some_and(|p| p.columns.first() == Some(col))
            || t.indexes
                .iter()
                .any(|i| !i.fulltext && i.columns.first() == Some(col));
        let _ = writeln!(
            out,
            "    #[orm(belongs_to(fk = {}, on_delete = {}, on_update = {}{}))]",
            field_of(col),
            action_ident(fk.on_delete),
            action_ident(fk.on_update),
            if covered { "" } else { ", index = false" }
        );
        let _ = writeln!(out, "    pub {}: BelongsTo<{target_ty}>,", r.name);
    }
    // ... and its other side on the referenced table.
    for r in rels.iter().filter(|r| r.target == ti) {
        let kind = if r.one { "has_one" } else { "has_many" };
        let attr = if r.ambiguous {
            format!("{kind}(inverse = {})", r.name)
        } else {
            kind.to_owned()
        };
        let ty = if r.one { "HasOne" } else { "HasMany" };
        let _ = writeln!(out, "    #[orm({attr})]");
        let _ = writeln!(out, "    pub {}: {ty}<{}>,", r.inverse, structs[r.source]);
    }
    out.push_str("}\n");
}

fn action_ident(a: orm_core::relation::Action) -> &'static str {
    use orm_core::relation::Action;
    match a {
        Action::Cascade => "Cascade",
        Action::Restrict => "Restrict",
        Action::NoAction => "NoAction",
        Action::SetNull => "SetNull",
        Action::SetDefault => "SetDefault",
    }
}

/// A Rust expression for a normalised default literal.
fn default_expr(ty: &ColumnType, lit: &str, enum_name: &str) -> Option<String> {
    use ColumnType as T;
    let text = || parse_string_list(lit).into_iter().next();
    match ty {
        T::Boolean => Some(lit.to_owned()),
        T::SmallInt | T::Integer | T::BigInt => lit.parse::<i64>().ok().map(|n| n.to_string()),
        T::Real | T::Double => lit.parse::<f64>().ok().map(|f| format!("{f:?}")),
        T::Text | T::VarChar(_) | T::Char(_) => text().map(|s| format!("{s:?}")),
        T::Enum { variants, .. } => {
            let v = text()?;
            variants.iter().position(|x| *x == v)?;
            Some(format!("{enum_name}::{}", pascal(&v.to_ascii_lowercase())))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::render_models;
    use crate::schema::{Column, ColumnType, DbSchema, ForeignKey, PrimaryKey, Table};
    use orm_core::relation::Action;
    use orm_core::sql::Dialect;

    fn col(name: &str, ty: ColumnType) -> Column {
        Column {
            name: name.into(),
            ty,
            nullable: false,
            default: None,
            autoincrement: false,
            collation: None,
            renamed_from: None,
        }
    }

    fn table(name: &str, columns: Vec<Column>, pk: &[&str], fks: Vec<ForeignKey>) -> Table {
        Table {
            name: name.into(),
            columns,
            primary_key: Some(PrimaryKey {
                name: format!("{name}_pkey"),
                columns: pk.iter().map(|c| (*c).to_owned()).collect(),
            }),
            indexes: vec![],
            foreign_keys: fks,
            renamed_from: None,
        }
    }

    #[test]
    fn colliding_field_names_and_unexpressible_foreign_keys() {
        let pairs = table(
            "pairs",
            vec![col("a", ColumnType::BigInt), col("b", ColumnType::BigInt)],
            &["a", "b"],
            vec![],
        );
        let refs = table(
            "refs",
            vec![
                col("id", ColumnType::BigInt),
                col("userId", ColumnType::BigInt),
                col("user_id", ColumnType::BigInt),
                col("a", ColumnType::BigInt),
                col("b", ColumnType::BigInt),
            ],
            &["id"],
            vec![ForeignKey {
                name: "refs_a_b_fkey".into(),
                columns: vec!["a".into(), "b".into()],
                referenced_table: "pairs".into(),
                referenced_columns: vec!["a".into(), "b".into()],
                on_delete: Action::Cascade,
                on_update: Action::Cascade,
            }],
        );
        let schema = DbSchema {
            tables: vec![pairs, refs],
            enums: vec![],
        };
        let source = render_models(&schema, Dialect::POSTGRES);
        assert!(
            source.contains("#[orm(column = \"userId\")]\n    pub user_id: i64,"),
            "{source}"
        );
        assert!(
            source.contains("#[orm(column = \"user_id\")]\n    pub user_id_2: i64,"),
            "{source}"
        );
        assert!(
            source.contains("// Note: foreign key `refs_a_b_fkey` (a, b)"),
            "{source}"
        );
    }
}
