//! The differ: the ordered [`Step`]s that turn one [`DbSchema`] into another, and their SQL per
//! dialect.

use std::borrow::Cow;
use std::fmt::Write;

use orm_core::__migrate::native::{parse_string_list, q, render_default, render_type, str_lit};
use orm_core::model::fit_identifier;
use orm_core::schema::{
    Column, ColumnDefault, ColumnType, DbSchema, EnumType, ForeignKey, Index, PrimaryKey, Table,
};
use orm_core::sql::Dialect;

/// One change to a database schema.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// `CREATE TYPE .. AS ENUM` (PostgreSQL).
    CreateEnum(EnumType),
    /// Appends variants to an enum type (PostgreSQL).
    AddEnumVariants {
        /// The type.
        name: String,
        /// The new variants, appended in order.
        variants: Vec<String>,
    },
    /// Replaces an enum type whose variants were removed or reordered, or whose new variants the
    /// same migration uses, converting the columns that use it (PostgreSQL). The old type, renamed
    /// `<name>_old`, is dropped by a later [`Step::DropEnum`], once nothing uses it.
    ReplaceEnum {
        /// The type as it is.
        from: EnumType,
        /// The type as it becomes.
        to: EnumType,
        /// `(table, column, default)` of every column of this type.
        usages: Vec<(String, String, Option<ColumnDefault>)>,
    },
    /// `DROP TYPE` (PostgreSQL).
    DropEnum(EnumType),
    /// Creates a table with its indexes (and, on SQLite, its foreign keys).
    CreateTable(Table),
    /// Drops a table.
    DropTable(Table),
    /// Renames a table (`#[orm(renamed_from)]` on the model).
    RenameTable {
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Adds a column.
    AddColumn {
        /// The table.
        table: String,
        /// The column.
        column: Column,
    },
    /// Drops a column.
    DropColumn {
        /// The table.
        table: String,
        /// The column as it was.
        column: Column,
    },
    /// Renames a column (`#[orm(renamed_from)]` on the field).
    RenameColumn {
        /// The table.
        table: String,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Changes a column's type, nullability, default or auto-increment.
    AlterColumn {
        /// The table.
        table: String,
        /// The column as it is.
        from: Column,
        /// The column as it becomes.
        to: Column,
    },
    /// Replaces the primary key.
    AlterPrimaryKey {
        /// The table.
        table: String,
        /// The key as it is.
        from: Option<PrimaryKey>,
        /// The key as it becomes.
        to: Option<PrimaryKey>,
    },
    /// Renames a constraint (PostgreSQL: primary and foreign keys).
    RenameConstraint {
        /// The table.
        table: String,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Creates an index.
    CreateIndex {
        /// The table.
        table: String,
        /// The index.
        index: Index,
    },
    /// Drops an index.
    DropIndex {
        /// The table.
        table: String,
        /// The index.
        index: Index,
    },
    /// Renames an index (PostgreSQL, MySQL).
    RenameIndex {
        /// The table.
        table: String,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Adds a foreign key.
    AddForeignKey {
        /// The table.
        table: String,
        /// The key.
        fk: ForeignKey,
    },
    /// Drops a foreign key.
    DropForeignKey {
        /// The table.
        table: String,
        /// The key.
        fk: ForeignKey,
    },
    /// Rebuilds a table where `ALTER TABLE` cannot make the change (SQLite): creates the new table,
    /// copies the rows, drops the old one and renames the new one into place.
    RebuildTable {
        /// The table as it is.
        from: Table,
        /// The table as it becomes.
        to: Table,
    },
}

/// A step that can lose data: what it does, and the query that counts the rows it affects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataLoss {
    /// What is lost, in words.
    pub description: String,
    /// `SELECT COUNT(*) ...` over the affected rows.
    pub count_sql: String,
}

fn same_type(d: Dialect, a: &ColumnType, b: &ColumnType) -> bool {
    match (a, b) {
        (
            ColumnType::Enum {
                name: an,
                variants: av,
            },
            ColumnType::Enum {
                name: bn,
                variants: bv,
            },
        ) => {
            // A named enum is its type name; elsewhere an enum is its variants.
            if d.capabilities().named_enums {
                an == bn
            } else {
                av == bv
            }
        }
        _ => a == b,
    }
}

fn same_column(d: Dialect, a: &Column, b: &Column) -> bool {
    same_type(d, &a.ty, &b.ty)
        && a.collation == b.collation
        && a.nullable == b.nullable
        && a.autoincrement == b.autoincrement
        && (a.autoincrement || a.default == b.default)
}

fn same_fk(d: Dialect, a: &ForeignKey, b: &ForeignKey) -> bool {
    (!d.capabilities().foreign_key_names || a.name == b.name) && same_fk_shape(a, b)
}

fn same_fk_shape(a: &ForeignKey, b: &ForeignKey) -> bool {
    a.columns == b.columns
        && a.referenced_table == b.referenced_table
        && a.referenced_columns == b.referenced_columns
        && a.on_delete == b.on_delete
        && a.on_update == b.on_update
}

fn same_pk(d: Dialect, a: &Option<PrimaryKey>, b: &Option<PrimaryKey>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            a.columns == b.columns && (!d.capabilities().constraint_renames || a.name == b.name)
        }
        (None, None) => true,
        _ => false,
    }
}

/// Whether going from `from` to `to` keeps every value: same type, or a wider one.
fn widening(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType as T;
    match (from, to) {
        (a, b) if a == b => true,
        (T::SmallInt, T::Integer | T::BigInt) | (T::Integer, T::BigInt) | (T::Real, T::Double) => {
            true
        }
        (T::VarChar(a), T::VarChar(b)) => b >= a,
        (T::VarChar(_) | T::Char(_), T::Text) => true,
        (T::Char(a), T::VarChar(b)) => b >= a,
        // As many digits before the point and after it, or more.
        (
            T::Decimal {
                precision: p1,
                scale: s1,
            },
            T::Decimal {
                precision: p2,
                scale: s2,
            },
        ) => s2 >= s1 && i64::from(*p2) - i64::from(*s2) >= i64::from(*p1) - i64::from(*s1),
        (T::Enum { variants: a, .. }, T::Enum { variants: b, .. }) => {
            a.iter().all(|v| b.contains(v))
        }
        (T::Timestamp, T::Timestamptz) => true,
        _ => false,
    }
}

/// Rename hints read from `to` and applied to a copy of `from`.
struct Renamed {
    schema: DbSchema,
    steps: Vec<Step>,
}

fn apply_renames(from: &DbSchema, to: &DbSchema) -> Renamed {
    let mut schema = from.clone();
    let mut steps = Vec::new();
    for t in &to.tables {
        let Some(old) = &t.renamed_from else { continue };
        if schema.table(&t.name).is_none() && schema.table(old).is_some() && to.table(old).is_none()
        {
            steps.push(Step::RenameTable {
                from: old.clone(),
                to: t.name.clone(),
            });
            for st in &mut schema.tables {
                if st.name == *old {
                    st.name = t.name.clone();
                }
                for fk in &mut st.foreign_keys {
                    if fk.referenced_table == *old {
                        fk.referenced_table = t.name.clone();
                    }
                }
            }
        }
    }
    for t in &to.tables {
        for c in &t.columns {
            let Some(old) = &c.renamed_from else { continue };
            let Some(st) = schema.tables.iter_mut().find(|st| st.name == t.name) else {
                continue;
            };
            if st.column(&c.name).is_some() || st.column(old).is_none() || t.column(old).is_some() {
                continue;
            }
            steps.push(Step::RenameColumn {
                table: t.name.clone(),
                from: old.clone(),
                to: c.name.clone(),
            });
            let rename = |v: &mut Vec<String>| {
                for n in v.iter_mut() {
                    if n == old {
                        *n = c.name.clone();
                    }
                }
            };
            for col in &mut st.columns {
                if col.name == *old {
                    col.name = c.name.clone();
                }
            }
            if let Some(pk) = &mut st.primary_key {
                rename(&mut pk.columns);
            }
            for i in &mut st.indexes {
                rename(&mut i.columns);
            }
            for fk in &mut st.foreign_keys {
                rename(&mut fk.columns);
            }
            let table = t.name.clone();
            for other in &mut schema.tables {
                for fk in &mut other.foreign_keys {
                    if fk.referenced_table == table {
                        rename(&mut fk.referenced_columns);
                    }
                }
            }
        }
    }
    Renamed { schema, steps }
}

/// The ordered steps that turn `from` into `to` on `d`.
///
/// Renames come from `#[orm(renamed_from = "...")]` in `to`. Steps are ordered so that every
/// statement finds what it needs: foreign keys and indexes are dropped first and created last, enum
/// types exist before the columns that use them, and tables are dropped only once nothing refers
/// to them.
pub fn diff(from: &DbSchema, to: &DbSchema, d: Dialect) -> Vec<Step> {
    let (from, to) = (with_auto_indexes(from, d), with_auto_indexes(to, d));
    let (from, to) = (from.as_ref(), to.as_ref());
    let Renamed {
        schema: from,
        steps: renames,
    } = apply_renames(from, to);
    let mut drop_fks = Vec::new();
    let mut drop_indexes = Vec::new();
    let mut renames = renames;
    let mut enums_before = Vec::new();
    let mut create_tables = Vec::new();
    let mut alters = Vec::new();
    let mut drop_columns = Vec::new();
    let mut drop_tables = Vec::new();
    let mut drop_enums = Vec::new();
    let mut create_indexes = Vec::new();
    let mut add_fks = Vec::new();

    // Enum types (PostgreSQL). A value added by `ALTER TYPE .. ADD VALUE` cannot be used in the
    // transaction that added it, and a migration is one transaction: when the migration uses a new
    // variant (as a default), the type is replaced instead.
    for e in &to.enums {
        match from.enum_type(&e.name) {
            None => enums_before.push(Step::CreateEnum(e.clone())),
            Some(old) if old.variants == e.variants => {}
            Some(old)
                if e.variants.starts_with(&old.variants)
                    && !defaults_to_any(to, &e.name, &e.variants[old.variants.len()..]) =>
            {
                enums_before.push(Step::AddEnumVariants {
                    name: e.name.clone(),
                    variants: e.variants[old.variants.len()..].to_vec(),
                })
            }
            Some(old) => {
                // The columns of this type on both sides (a column added later gets the new type).
                let usages = to
                    .tables
                    .iter()
                    .filter_map(|t| from.table(&t.name).map(|ft| (t, ft)))
                    .flat_map(|(t, ft)| {
                        t.columns
                            .iter()
                            .filter(move |c| {
                                is_enum(&c.ty, &e.name)
                                    && ft.column(&c.name).is_some_and(|f| is_enum(&f.ty, &e.name))
                            })
                            .map(move |c| (t.name.clone(), c.name.clone(), c.default.clone()))
                    })
                    .collect();
                enums_before.push(Step::ReplaceEnum {
                    from: old.clone(),
                    to: e.clone(),
                    usages,
                });
                // The old type goes once the columns and tables still using it are dropped.
                drop_enums.push(Step::DropEnum(EnumType {
                    name: replaced_enum_name(&e.name),
                    variants: old.variants.clone(),
                }));
            }
        }
    }
    for e in &from.enums {
        if to.enum_type(&e.name).is_none() {
            drop_enums.push(Step::DropEnum(e.clone()));
        }
    }

    for t in &to.tables {
        let Some(ft) = from.table(&t.name) else {
            create_tables.push(Step::CreateTable(t.clone()));
            if d.capabilities().alter_table {
                for fk in &t.foreign_keys {
                    add_fks.push(Step::AddForeignKey {
                        table: t.name.clone(),
                        fk: fk.clone(),
                    });
                }
            }
            continue;
        };
        let name = &t.name;
        let added: Vec<&Column> = t
            .columns
            .iter()
            .filter(|c| ft.column(&c.name).is_none())
            .collect();
        let dropped: Vec<&Column> = ft
            .columns
            .iter()
            .filter(|c| t.column(&c.name).is_none())
            .collect();
        let altered: Vec<(&Column, &Column)> = t
            .columns
            .iter()
            .filter_map(|c| ft.column(&c.name).map(|f| (f, c)))
            .filter(|(f, c)| !same_column(d, f, c))
            .collect();
        let fks_dropped: Vec<&ForeignKey> = ft
            .foreign_keys
            .iter()
            .filter(|f| !t.foreign_keys.iter().any(|g| same_fk(d, f, g)))
            .collect();
        let fks_added: Vec<&ForeignKey> = t
            .foreign_keys
            .iter()
            .filter(|g| !ft.foreign_keys.iter().any(|f| same_fk(d, f, g)))
            .collect();
        let pk_changed = !same_pk(d, &ft.primary_key, &t.primary_key);

        if !d.capabilities().alter_table {
            let simple_add = |c: &&Column| {
                !c.autoincrement
                    && (c.nullable || matches!(c.default, Some(ColumnDefault::Literal(_))))
                    && c.default != Some(ColumnDefault::Now)
            };
            let rebuild = !altered.is_empty()
                || !dropped.is_empty()
                || !fks_dropped.is_empty()
                || !fks_added.is_empty()
                || pk_changed
                || !added.iter().all(simple_add);
            if rebuild {
                alters.push(Step::RebuildTable {
                    from: ft.clone(),
                    to: t.clone(),
                });
                continue;
            }
        }

        for c in added {
            alters.push(Step::AddColumn {
                table: name.clone(),
                column: c.clone(),
            });
        }
        // A column becomes auto-incrementing once its key is in place, and stops being so before
        // its key changes (MySQL: an auto-increment column must lead a key).
        let (gains_auto, altered): (Vec<_>, Vec<_>) = altered
            .into_iter()
            .partition(|(f, c)| c.autoincrement && !f.autoincrement);
        for (f, c) in altered {
            alters.push(Step::AlterColumn {
                table: name.clone(),
                from: f.clone(),
                to: c.clone(),
            });
        }
        for c in dropped {
            drop_columns.push(Step::DropColumn {
                table: name.clone(),
                column: c.clone(),
            });
        }
        let mut alter_pk = None;
        if pk_changed {
            match (&ft.primary_key, &t.primary_key) {
                (Some(a), Some(b)) if a.columns == b.columns => {
                    renames.push(Step::RenameConstraint {
                        table: name.clone(),
                        from: a.name.clone(),
                        to: b.name.clone(),
                    })
                }
                (a, b) => {
                    alter_pk = Some(Step::AlterPrimaryKey {
                        table: name.clone(),
                        from: a.clone(),
                        to: b.clone(),
                    })
                }
            }
        }
        // Indexes: by name; an index whose name alone changed is renamed where the backend can.
        let mut created: Vec<&Index> = Vec::new();
        let mut removed: Vec<&Index> = Vec::new();
        for i in &t.indexes {
            match ft.indexes.iter().find(|f| f.name == i.name) {
                Some(f) if f == i => {}
                Some(f) => {
                    removed.push(f);
                    created.push(i);
                }
                None => created.push(i),
            }
        }
        for f in &ft.indexes {
            if !t.indexes.iter().any(|i| i.name == f.name) {
                removed.push(f);
            }
        }
        if d.capabilities().alter_table {
            created.retain(|i| {
                let Some(pos) = removed.iter().position(|f| {
                    f.columns == i.columns
                        && f.unique == i.unique
                        && f.fulltext == i.fulltext
                        && f.language == i.language
                        && f.weights == i.weights
                        && f.predicate == i.predicate
                        && f.name != i.name
                        && (!i.fulltext || d.ddl().fulltext_renames())
                }) else {
                    return true;
                };
                let f = removed.remove(pos);
                renames.push(Step::RenameIndex {
                    table: name.clone(),
                    from: f.name.clone(),
                    to: i.name.clone(),
                });
                false
            });
        }
        // MySQL: an index leading with an auto-increment column (it may be the key that keeps the
        // column valid) is created before the primary key changes and dropped after.
        let key_needs_index = d.capabilities().key_needs_index;
        let leads_auto = |i: &Index, tb: &Table| {
            !i.fulltext
                && i.columns
                    .first()
                    .is_some_and(|c| tb.column(c).is_some_and(|c| c.autoincrement))
        };
        let (early, created): (Vec<&Index>, Vec<&Index>) = created.into_iter().partition(|i| {
            key_needs_index && leads_auto(i, t) && ft.column(&i.columns[0]).is_some()
        });
        let (late, removed): (Vec<&Index>, Vec<&Index>) = removed.into_iter().partition(|f| {
            key_needs_index && leads_auto(f, ft) && t.column(&f.columns[0]).is_some()
        });
        for i in &early {
            alters.push(Step::CreateIndex {
                table: name.clone(),
                index: (*i).clone(),
            });
        }
        alters.extend(alter_pk);
        for (f, c) in gains_auto {
            alters.push(Step::AlterColumn {
                table: name.clone(),
                from: f.clone(),
                to: c.clone(),
            });
        }
        for f in &late {
            alters.push(Step::DropIndex {
                table: name.clone(),
                index: (*f).clone(),
            });
        }
        for f in &removed {
            drop_indexes.push(Step::DropIndex {
                table: name.clone(),
                index: (*f).clone(),
            });
        }
        for i in created {
            create_indexes.push(Step::CreateIndex {
                table: name.clone(),
                index: i.clone(),
            });
        }
        let mut fks_dropped = fks_dropped;
        let mut fks_added = fks_added;
        // MySQL: a foreign key needs an index leading with its columns for as long as it exists.
        // A kept key whose index goes, with no other one covering it all along, is dropped first
        // and added again once the new indexes exist.
        if key_needs_index {
            let gone: Vec<&Index> = removed.iter().chain(&late).copied().collect();
            let pk_columns = |tb: &Table| tb.primary_key.as_ref().map(|p| p.columns.clone());
            let pk_moves = pk_columns(ft) != pk_columns(t);
            for f in &ft.foreign_keys {
                let Some(g) = t.foreign_keys.iter().find(|g| same_fk(d, f, g)) else {
                    continue;
                };
                let covers = |cols: &[String]| cols.starts_with(&f.columns);
                let pk_covers =
                    |tb: &Table| tb.primary_key.as_ref().is_some_and(|p| covers(&p.columns));
                let kept_cover = ft
                    .indexes
                    .iter()
                    .filter(|i| !i.fulltext && !gone.contains(i))
                    .any(|i| covers(&i.columns))
                    || (pk_covers(ft) && (!pk_moves || pk_covers(t)));
                let lost_cover = gone.iter().any(|i| !i.fulltext && covers(&i.columns))
                    || (pk_moves && pk_covers(ft));
                if lost_cover && !kept_cover {
                    fks_dropped.push(f);
                    fks_added.push(g);
                }
            }
        }
        // Foreign keys: PostgreSQL renames a key whose name alone changed.
        for f in fks_dropped {
            if d.capabilities().constraint_renames
                && let Some(pos) = fks_added.iter().position(|g| same_fk_shape(f, g))
            {
                let g = fks_added.remove(pos);
                renames.push(Step::RenameConstraint {
                    table: name.clone(),
                    from: f.name.clone(),
                    to: g.name.clone(),
                });
                continue;
            }
            drop_fks.push(Step::DropForeignKey {
                table: name.clone(),
                fk: f.clone(),
            });
        }
        for g in fks_added {
            add_fks.push(Step::AddForeignKey {
                table: name.clone(),
                fk: g.clone(),
            });
        }
    }
    for ft in &from.tables {
        if to.table(&ft.name).is_none() {
            if d.capabilities().alter_table {
                for fk in &ft.foreign_keys {
                    drop_fks.push(Step::DropForeignKey {
                        table: ft.name.clone(),
                        fk: fk.clone(),
                    });
                }
            }
            drop_tables.push(Step::DropTable(ft.clone()));
        }
    }

    let mut steps = drop_fks;
    steps.extend(drop_indexes);
    steps.extend(renames);
    steps.extend(enums_before);
    steps.extend(create_tables);
    steps.extend(alters);
    steps.extend(drop_columns);
    steps.extend(drop_tables);
    steps.extend(drop_enums);
    steps.extend(create_indexes);
    steps.extend(add_fks);
    steps
}

/// The name an enum type being replaced has until it is dropped (after everything using it).
fn replaced_enum_name(name: &str) -> String {
    format!("{name}_old")
}

fn is_enum(ty: &ColumnType, type_name: &str) -> bool {
    matches!(ty, ColumnType::Enum { name, .. } if name == type_name)
}

/// Whether a column of the enum type `name` defaults to one of `variants`.
fn defaults_to_any(schema: &DbSchema, name: &str, variants: &[String]) -> bool {
    schema
        .tables
        .iter()
        .flat_map(|t| &t.columns)
        .filter(|c| is_enum(&c.ty, name))
        .any(|c| match &c.default {
            Some(ColumnDefault::Literal(l)) => parse_string_list(l)
                .first()
                .is_some_and(|v| variants.contains(v)),
            _ => false,
        })
}

/// On MySQL an auto-increment column must lead a key: where neither the primary key nor an index
/// starts with one (a schema written by hand: models cannot declare it), the index InnoDB needs,
/// `<table>_<column>_idx`, is part of the schema.
fn with_auto_indexes(s: &DbSchema, d: Dialect) -> Cow<'_, DbSchema> {
    let missing = |t: &Table| -> Vec<Index> {
        t.columns
            .iter()
            .filter(|c| c.autoincrement)
            .filter(|c| {
                let leads = |cols: &[String]| cols.first() == Some(&c.name);
                !t.primary_key.as_ref().is_some_and(|p| leads(&p.columns))
                    && !t.indexes.iter().any(|i| !i.fulltext && leads(&i.columns))
            })
            .map(|c| Index {
                name: fit_identifier(&format!("{}_{}_idx", t.name, c.name)).into_owned(),
                columns: vec![c.name.clone()],
                unique: false,
                fulltext: false,
                language: None,
                weights: Vec::new(),
                predicate: None,
            })
            .filter(|i| t.indexes.iter().all(|x| x.name != i.name))
            .collect()
    };
    if !d.capabilities().key_needs_index || s.tables.iter().all(|t| missing(t).is_empty()) {
        return Cow::Borrowed(s);
    }
    let mut s = s.clone();
    for t in &mut s.tables {
        let add = missing(t);
        t.indexes.extend(add);
    }
    Cow::Owned(s)
}

fn create_index_sql(d: Dialect, table: &str, i: &Index) -> String {
    d.ddl().create_index(table, i)
}

fn create_table_sql(d: Dialect, t: &Table, name: &str) -> String {
    d.ddl().create_table(t, name)
}

fn enum_list(d: Dialect, variants: &[String]) -> String {
    variants
        .iter()
        .map(|v| str_lit(d, v))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Step {
    /// The statements that make this change on `d` without blocking writes to a busy table, where
    /// that form differs from [`sql`](Self::sql): PostgreSQL `CREATE INDEX CONCURRENTLY IF NOT
    /// EXISTS` (which cannot run in a transaction) and foreign keys added `NOT VALID` then validated;
    /// MySQL/MariaDB `CREATE INDEX .. ALGORITHM=INPLACE LOCK=NONE` (the server refuses rather than
    /// lock). `None`: the step has no such form.
    pub fn online_sql(&self, d: Dialect) -> Option<Vec<String>> {
        match self {
            Step::CreateIndex { table, index } => {
                d.ddl().create_index_online(table, index).map(|s| vec![s])
            }
            Step::AddForeignKey { table, fk } => d.ddl().add_foreign_key_online(table, fk),
            _ => None,
        }
    }

    /// The statements that make this change on `d`.
    pub fn sql(&self, d: Dialect) -> Vec<String> {
        let t = |n: &str| q(d, n);
        match self {
            Step::CreateEnum(e) => vec![format!(
                "CREATE TYPE {} AS ENUM ({})",
                t(&e.name),
                enum_list(d, &e.variants)
            )],
            Step::AddEnumVariants { name, variants } => variants
                .iter()
                .map(|v| format!("ALTER TYPE {} ADD VALUE {}", t(name), str_lit(d, v)))
                .collect(),
            Step::ReplaceEnum { from, to, usages } => {
                let old = replaced_enum_name(&to.name);
                let mut out = vec![
                    format!("ALTER TYPE {} RENAME TO {}", t(&from.name), t(&old)),
                    format!(
                        "CREATE TYPE {} AS ENUM ({})",
                        t(&to.name),
                        enum_list(d, &to.variants)
                    ),
                ];
                for (table, column, default) in usages {
                    // A default of the old type (whatever it becomes) cannot be cast.
                    out.push(format!(
                        "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT",
                        t(table),
                        t(column)
                    ));
                    out.push(format!(
                        "ALTER TABLE {} ALTER COLUMN {} TYPE {} USING ({}::text::{})",
                        t(table),
                        t(column),
                        t(&to.name),
                        t(column),
                        t(&to.name)
                    ));
                    if let Some(def) = default {
                        let ty = ColumnType::Enum {
                            name: to.name.clone(),
                            variants: to.variants.clone(),
                        };
                        out.push(format!(
                            "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}",
                            t(table),
                            t(column),
                            render_default(d, &ty, def)
                        ));
                    }
                }
                out
            }
            Step::DropEnum(e) => vec![format!("DROP TYPE {}", t(&e.name))],
            Step::CreateTable(table) => {
                let mut out = vec![create_table_sql(d, table, &table.name)];
                out.extend(
                    table
                        .indexes
                        .iter()
                        .map(|i| create_index_sql(d, &table.name, i)),
                );
                out
            }
            Step::DropTable(table) => std::iter::once(format!("DROP TABLE {}", t(&table.name)))
                .chain(d.ddl().drop_table_extras(table))
                .collect(),
            Step::RenameTable { from, to } => {
                vec![format!("ALTER TABLE {} RENAME TO {}", t(from), t(to))]
            }
            Step::AddColumn { table, column } => {
                vec![format!(
                    "ALTER TABLE {} ADD COLUMN {}",
                    t(table),
                    d.ddl().column_definition(column)
                )]
            }
            Step::DropColumn { table, column } => {
                vec![format!(
                    "ALTER TABLE {} DROP COLUMN {}",
                    t(table),
                    t(&column.name)
                )]
            }
            Step::RenameColumn { table, from, to } => {
                vec![format!(
                    "ALTER TABLE {} RENAME COLUMN {} TO {}",
                    t(table),
                    t(from),
                    t(to)
                )]
            }
            Step::AlterColumn { table, from, to } => alter_column_sql(d, table, from, to),
            Step::AlterPrimaryKey { table, from, to } => {
                d.ddl().alter_primary_key(table, from.as_ref(), to.as_ref())
            }
            Step::RenameConstraint { table, from, to } => {
                vec![format!(
                    "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
                    t(table),
                    t(from),
                    t(to)
                )]
            }
            Step::CreateIndex { table, index } => vec![create_index_sql(d, table, index)],
            Step::DropIndex { table, index } if index.fulltext => {
                vec![d.ddl().drop_fulltext(table, index)]
            }
            Step::DropIndex { table, index } => vec![d.ddl().drop_index(table, &index.name)],
            Step::RenameIndex { table, from, to } => vec![d.ddl().rename_index(table, from, to)],
            Step::AddForeignKey { table, fk } => {
                vec![format!(
                    "ALTER TABLE {} ADD {}",
                    t(table),
                    d.ddl().foreign_key(fk)
                )]
            }
            Step::DropForeignKey { table, fk } => {
                vec![d.ddl().drop_foreign_key(table, &fk.name)]
            }
            Step::RebuildTable { from, to } => {
                let tmp = format!("_orm_new_{}", to.name);
                let mut out = vec![create_table_sql(d, to, &tmp)];
                let mut cols = Vec::new();
                let mut exprs = Vec::new();
                for c in &to.columns {
                    let Some(f) = from.column(&c.name) else {
                        continue;
                    };
                    cols.push(t(&c.name));
                    match (&c.default, f.nullable && !c.nullable) {
                        (Some(def), true) => exprs.push(format!(
                            "COALESCE({}, {})",
                            t(&c.name),
                            render_default(d, &c.ty, def)
                        )),
                        _ => exprs.push(t(&c.name)),
                    }
                }
                if !cols.is_empty() {
                    out.push(format!(
                        "INSERT INTO {} ({}) SELECT {} FROM {}",
                        t(&tmp),
                        cols.join(", "),
                        exprs.join(", "),
                        t(&from.name)
                    ));
                }
                out.extend(d.ddl().carry_counter(from, to, &tmp));
                out.push(format!("DROP TABLE {}", t(&from.name)));
                // What outlives the table (SQLite's FTS5 tables): the new table's indexes are
                // created below.
                out.extend(d.ddl().drop_table_extras(from));
                out.push(format!("ALTER TABLE {} RENAME TO {}", t(&tmp), t(&to.name)));
                out.extend(to.indexes.iter().map(|i| create_index_sql(d, &to.name, i)));
                out
            }
        }
    }

    /// The step in words, for reviews and `migrate status`.
    pub fn describe(&self) -> String {
        match self {
            Step::CreateEnum(e) => format!("create enum `{}` ({})", e.name, e.variants.join(", ")),
            Step::AddEnumVariants { name, variants } => {
                format!("add variant(s) {} to enum `{name}`", variants.join(", "))
            }
            Step::ReplaceEnum { from, to, .. } => format!(
                "change enum `{}` from ({}) to ({})",
                to.name,
                from.variants.join(", "),
                to.variants.join(", ")
            ),
            Step::DropEnum(e) => format!("drop enum `{}`", e.name),
            Step::CreateTable(t) => format!("create table `{}`", t.name),
            Step::DropTable(t) => format!("drop table `{}`", t.name),
            Step::RenameTable { from, to } => format!("rename table `{from}` to `{to}`"),
            Step::AddColumn { table, column } => {
                format!(
                    "add column `{table}.{}` ({})",
                    column.name,
                    column_summary(column)
                )
            }
            Step::DropColumn { table, column } => format!("drop column `{table}.{}`", column.name),
            Step::RenameColumn { table, from, to } => {
                format!("rename column `{table}.{from}` to `{to}`")
            }
            Step::AlterColumn { table, from, to } => format!(
                "change column `{table}.{}`: {}",
                to.name,
                column_changes(from, to).join(", ")
            ),
            Step::AlterPrimaryKey { table, to, .. } => match to {
                Some(pk) => format!(
                    "set the primary key of `{table}` to ({})",
                    pk.columns.join(", ")
                ),
                None => format!("drop the primary key of `{table}`"),
            },
            Step::RenameConstraint { table, from, to } => {
                format!("rename constraint `{from}` on `{table}` to `{to}`")
            }
            Step::CreateIndex { table, index } => format!(
                "create {}index `{}` on `{table}` ({})",
                if index.unique {
                    "unique "
                } else if index.fulltext {
                    "full-text "
                } else {
                    ""
                },
                index.name,
                index.columns.join(", ")
            ),
            Step::DropIndex { table, index } => format!("drop index `{}` on `{table}`", index.name),
            Step::RenameIndex { table, from, to } => {
                format!("rename index `{from}` on `{table}` to `{to}`")
            }
            Step::AddForeignKey { table, fk } => format!(
                "add foreign key `{}` on `{table}` ({}) referencing `{}` ({})",
                fk.name,
                fk.columns.join(", "),
                fk.referenced_table,
                fk.referenced_columns.join(", ")
            ),
            Step::DropForeignKey { table, fk } => {
                format!("drop foreign key `{}` on `{table}`", fk.name)
            }
            Step::RebuildTable { from, to } => {
                let mut changes = Vec::new();
                for c in &to.columns {
                    match from.column(&c.name) {
                        None => changes.push(format!("add column `{}`", c.name)),
                        Some(f) => {
                            let diff = column_changes(f, c);
                            if !diff.is_empty() {
                                changes.push(format!(
                                    "change column `{}`: {}",
                                    c.name,
                                    diff.join(", ")
                                ));
                            }
                        }
                    }
                }
                for f in &from.columns {
                    if to.column(&f.name).is_none() {
                        changes.push(format!("drop column `{}`", f.name));
                    }
                }
                if from.foreign_keys.len() != to.foreign_keys.len()
                    || !from
                        .foreign_keys
                        .iter()
                        .all(|f| to.foreign_keys.iter().any(|g| same_fk_shape(f, g)))
                {
                    changes.push("change foreign keys".into());
                }
                if from.primary_key.as_ref().map(|p| &p.columns)
                    != to.primary_key.as_ref().map(|p| &p.columns)
                {
                    changes.push("change the primary key".into());
                }
                if changes.is_empty() {
                    changes.push("recreate".into());
                }
                format!("rebuild table `{}`: {}", to.name, changes.join("; "))
            }
        }
    }

    /// What this step destroys, if anything, with the query that counts the affected rows.
    pub fn data_loss(&self, d: Dialect) -> Option<DataLoss> {
        let t = |n: &str| q(d, n);
        match self {
            Step::DropTable(table) => Some(DataLoss {
                description: format!("drops table `{}` and every row in it", table.name),
                count_sql: format!("SELECT COUNT(*) FROM {}", t(&table.name)),
            }),
            Step::DropColumn { table, column } => Some(DataLoss {
                description: format!("drops column `{table}.{}` and its values", column.name),
                count_sql: format!(
                    "SELECT COUNT(*) FROM {} WHERE {} IS NOT NULL",
                    t(table),
                    t(&column.name)
                ),
            }),
            Step::AddColumn { table, column }
                if !column.nullable && column.default.is_none() && !column.autoincrement =>
            {
                Some(DataLoss {
                    description: format!(
                        "adds required column `{table}.{}` without a default: fails on a table with rows",
                        column.name
                    ),
                    count_sql: format!("SELECT COUNT(*) FROM {}", t(table)),
                })
            }
            Step::AlterColumn { table, from, to } => column_loss(d, table, from, to),
            Step::ReplaceEnum { from, to, usages } => {
                let removed: Vec<&String> = from
                    .variants
                    .iter()
                    .filter(|v| !to.variants.contains(v))
                    .collect();
                if removed.is_empty() || usages.is_empty() {
                    return None;
                }
                let lits = removed
                    .iter()
                    .map(|v| str_lit(d, v))
                    .collect::<Vec<_>>()
                    .join(", ");
                let counts: Vec<String> = usages
                    .iter()
                    .map(|(table, column, _)| {
                        format!(
                            "(SELECT COUNT(*) FROM {} WHERE {}::text IN ({lits}))",
                            t(table),
                            t(column)
                        )
                    })
                    .collect();
                Some(DataLoss {
                    description: format!(
                        "removes variant(s) {} from enum `{}`: rows holding them cannot be converted",
                        removed
                            .iter()
                            .map(|v| v.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                        to.name
                    ),
                    count_sql: format!("SELECT {}", counts.join(" + ")),
                })
            }
            Step::RebuildTable { from, to } => {
                let mut parts = Vec::new();
                let mut counts = Vec::new();
                for f in &from.columns {
                    if to.column(&f.name).is_none() {
                        parts.push(format!("drops column `{}.{}`", from.name, f.name));
                        counts.push(format!(
                            "(SELECT COUNT(*) FROM {} WHERE {} IS NOT NULL)",
                            t(&from.name),
                            t(&f.name)
                        ));
                    }
                }
                for c in &to.columns {
                    match from.column(&c.name) {
                        Some(f) => {
                            if let Some(loss) = column_loss(d, &from.name, f, c) {
                                parts.push(loss.description);
                                counts.push(format!("({})", loss.count_sql));
                            }
                        }
                        None if !c.nullable && c.default.is_none() && !c.autoincrement => {
                            parts.push(format!(
                                "adds required column `{}.{}` without a default",
                                from.name, c.name
                            ));
                            counts.push(format!("(SELECT COUNT(*) FROM {})", t(&from.name)));
                        }
                        None => {}
                    }
                }
                (!parts.is_empty()).then(|| DataLoss {
                    description: parts.join("; "),
                    count_sql: format!("SELECT {}", counts.join(" + ")),
                })
            }
            _ => None,
        }
    }
}

fn column_loss(d: Dialect, table: &str, from: &Column, to: &Column) -> Option<DataLoss> {
    let t = |n: &str| q(d, n);
    if !widening(&from.ty, &to.ty) && !same_type(d, &from.ty, &to.ty) {
        return Some(DataLoss {
            description: format!(
                "changes the type of `{table}.{}` from {} to {}: values may not convert",
                to.name,
                render_type(d, &from.ty, false),
                render_type(d, &to.ty, false)
            ),
            count_sql: format!(
                "SELECT COUNT(*) FROM {} WHERE {} IS NOT NULL",
                t(table),
                t(&from.name)
            ),
        });
    }
    if from.nullable && !to.nullable && to.default.is_none() {
        return Some(DataLoss {
            description: format!(
                "makes `{table}.{}` required without a default: fails while rows hold NULL",
                to.name
            ),
            count_sql: format!(
                "SELECT COUNT(*) FROM {} WHERE {} IS NULL",
                t(table),
                t(&from.name)
            ),
        });
    }
    None
}

fn column_summary(c: &Column) -> String {
    let mut s = type_name(&c.ty);
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if c.autoincrement {
        s.push_str(" autoincrement");
    }
    if let Some(def) = &c.default {
        let _ = write!(s, " DEFAULT {}", default_name(def));
    }
    s
}

fn type_name(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Enum { name, variants } if name.is_empty() => {
            format!("enum({})", variants.join(", "))
        }
        ColumnType::Enum { name, .. } => format!("enum {name}"),
        ColumnType::Other(s) => s.clone(),
        ColumnType::Decimal { precision, scale } => format!("decimal({precision},{scale})"),
        ColumnType::VarChar(n) => format!("varchar({n})"),
        ColumnType::Char(n) => format!("char({n})"),
        other => format!("{other:?}").to_ascii_lowercase(),
    }
}

fn default_name(d: &ColumnDefault) -> String {
    match d {
        ColumnDefault::Now => "now".into(),
        ColumnDefault::Literal(l) => l.clone(),
    }
}

fn column_changes(from: &Column, to: &Column) -> Vec<String> {
    let mut out = Vec::new();
    if from.ty != to.ty {
        out.push(format!(
            "type {} → {}",
            type_name(&from.ty),
            type_name(&to.ty)
        ));
    }
    if from.collation != to.collation {
        let show = |c: &Option<String>| c.clone().unwrap_or_else(|| "none".into());
        out.push(format!(
            "collation {} → {}",
            show(&from.collation),
            show(&to.collation)
        ));
    }
    if from.nullable != to.nullable {
        out.push(if to.nullable {
            "NULL allowed".into()
        } else {
            "NOT NULL".into()
        });
    }
    if from.default != to.default && !to.autoincrement {
        let show = |d: &Option<ColumnDefault>| d.as_ref().map_or("none".into(), default_name);
        out.push(format!(
            "default {} → {}",
            show(&from.default),
            show(&to.default)
        ));
    }
    if from.autoincrement != to.autoincrement {
        out.push(if to.autoincrement {
            "autoincrement".into()
        } else {
            "no autoincrement".into()
        });
    }
    out
}

fn alter_column_sql(d: Dialect, table: &str, from: &Column, to: &Column) -> Vec<String> {
    let t = |n: &str| q(d, n);
    let mut out = Vec::new();
    // Rows holding NULL get the default before the column becomes required.
    if from.nullable
        && !to.nullable
        && let Some(def) = &to.default
    {
        out.push(format!(
            "UPDATE {} SET {} = {} WHERE {} IS NULL",
            t(table),
            t(&to.name),
            render_default(d, &to.ty, def),
            t(&to.name)
        ));
    }
    out.extend(
        d.ddl()
            .alter_column(table, from, to, !same_type(d, &from.ty, &to.ty)),
    );
    out
}
