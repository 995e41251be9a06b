//! SQL snapshots of the differ: for every kind of [`Step`], the steps `diff` computes between two
//! schemas and the statements each step sends, in each dialect, rendered without a database. The
//! live suites prove what the migrations do; these pin how they are spelled, so a change in the
//! differ or the DDL writer shows up as a reviewable diff. Accept changes with
//! `INSTA_UPDATE=always cargo test -p orm-migrate --lib`.
//!
//! A snapshot holds one test's cases: `## <case>`, then one block per group of dialects that send
//! the same thing (`[mysql, mariadb]`). Each step is a `-- <description>` line, then what it may
//! destroy (`-- data loss: ..` and the query that counts the affected rows), then its statements in
//! the order they run.
//!
//! The schemas are written by hand, once, and adapted to each dialect the way `Schema::describe`
//! and introspection see them: types as the backend reports them back (every integer is a
//! `BigInt` on SQLite), defaults normalised, enum types listed on PostgreSQL only, MySQL's text
//! collation on text columns, no full-text index on SQLite.

use std::fmt::Write as _;

use orm_core::__migrate::native::{
    normalize_default, normalize_type, render_default, text_collation,
};
use orm_core::relation::Action;
use orm_core::sql::{Backend, Dialect};

use crate::schema::{
    Column, ColumnDefault, ColumnType, DbSchema, EnumType, ForeignKey, Index, PrimaryKey, Step,
    Table, diff,
};

const DIALECTS: [(&str, Dialect); 4] = [
    ("postgres", Dialect::POSTGRES),
    ("mysql", Dialect::MYSQL),
    ("mariadb", Dialect::MARIADB),
    ("sqlite", Dialect::SQLITE),
];

// ---------------------------------------------------------------------------------------------
// Building schemas by hand.

/// A required column without a default.
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

/// An enum type of the given name and variants.
fn enum_ty(name: &str, variants: &[&str]) -> ColumnType {
    ColumnType::Enum {
        name: name.into(),
        variants: variants.iter().map(|v| (*v).into()).collect(),
    }
}

trait ColumnExt {
    fn null(self) -> Self;
    /// A literal default, normalised (`0`, `true`, `'draft'`).
    fn default_to(self, literal: &str) -> Self;
    fn default_now(self) -> Self;
    fn serial(self) -> Self;
    fn was(self, old: &str) -> Self;
    /// A collation other than the dialect's own (MySQL/MariaDB; ignored elsewhere).
    fn collate(self, collation: &str) -> Self;
}

impl ColumnExt for Column {
    fn null(mut self) -> Self {
        self.nullable = true;
        self
    }
    fn default_to(mut self, literal: &str) -> Self {
        self.default = Some(ColumnDefault::Literal(literal.into()));
        self
    }
    fn default_now(mut self) -> Self {
        self.default = Some(ColumnDefault::Now);
        self
    }
    fn serial(mut self) -> Self {
        self.autoincrement = true;
        self
    }
    fn was(mut self, old: &str) -> Self {
        self.renamed_from = Some(old.into());
        self
    }
    fn collate(mut self, collation: &str) -> Self {
        self.collation = Some(collation.into());
        self
    }
}

/// A table; its primary key is `id` when it has such a column.
fn table(name: &str, columns: Vec<Column>) -> Table {
    let primary_key = columns.iter().any(|c| c.name == "id").then(|| PrimaryKey {
        name: format!("{name}_pkey"),
        columns: vec!["id".into()],
    });
    Table {
        name: name.into(),
        columns,
        primary_key,
        indexes: Vec::new(),
        foreign_keys: Vec::new(),
        renamed_from: None,
    }
}

fn names(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|c| (*c).into()).collect()
}

trait TableExt {
    fn pk(self, columns: &[&str]) -> Self;
    fn pk_named(self, name: &str, columns: &[&str]) -> Self;
    fn no_pk(self) -> Self;
    fn index(self, name: &str, columns: &[&str]) -> Self;
    fn unique(self, name: &str, columns: &[&str]) -> Self;
    fn fulltext(self, name: &str, columns: &[&str]) -> Self;
    /// A foreign key `<table>_<column>_fkey` from `column` to `referenced.id`.
    fn fk(self, column: &str, referenced: &str, on_delete: Action, on_update: Action) -> Self;
    fn fk_named(self, name: &str, column: &str, referenced: &str, on_delete: Action) -> Self;
    fn was(self, old: &str) -> Self;
}

impl TableExt for Table {
    fn pk(self, columns: &[&str]) -> Self {
        let name = format!("{}_pkey", self.name);
        self.pk_named(&name, columns)
    }
    fn pk_named(mut self, name: &str, columns: &[&str]) -> Self {
        self.primary_key = Some(PrimaryKey {
            name: name.into(),
            columns: names(columns),
        });
        self
    }
    fn no_pk(mut self) -> Self {
        self.primary_key = None;
        self
    }
    fn index(mut self, name: &str, columns: &[&str]) -> Self {
        self.indexes.push(Index {
            name: name.into(),
            columns: names(columns),
            unique: false,
            fulltext: false,
            language: None,
            weights: Vec::new(),
            predicate: None,
        });
        self
    }
    fn unique(mut self, name: &str, columns: &[&str]) -> Self {
        self.indexes.push(Index {
            name: name.into(),
            columns: names(columns),
            unique: true,
            fulltext: false,
            language: None,
            weights: Vec::new(),
            predicate: None,
        });
        self
    }
    fn fulltext(mut self, name: &str, columns: &[&str]) -> Self {
        self.indexes.push(Index {
            name: name.into(),
            columns: names(columns),
            unique: false,
            fulltext: true,
            language: None,
            weights: Vec::new(),
            predicate: None,
        });
        self
    }
    fn fk(self, column: &str, referenced: &str, on_delete: Action, on_update: Action) -> Self {
        let name = format!("{}_{column}_fkey", self.name);
        let mut t = self.fk_named(&name, column, referenced, on_delete);
        t.foreign_keys.last_mut().unwrap().on_update = on_update;
        t
    }
    fn fk_named(mut self, name: &str, column: &str, referenced: &str, on_delete: Action) -> Self {
        self.foreign_keys.push(ForeignKey {
            name: name.into(),
            columns: vec![column.into()],
            referenced_table: referenced.into(),
            referenced_columns: vec!["id".into()],
            on_delete,
            on_update: Action::NoAction,
        });
        self
    }
    fn was(mut self, old: &str) -> Self {
        self.renamed_from = Some(old.into());
        self
    }
}

/// `tables` as `d` sees them (see the module documentation).
fn schema(d: Dialect, tables: Vec<Table>) -> DbSchema {
    let mut out = DbSchema::default();
    for mut t in tables {
        for c in &mut t.columns {
            let written = c.ty.clone();
            c.ty = normalize_type(d, written.clone());
            c.collation = text_collation(d, &c.ty)
                .map(|own| c.collation.clone().unwrap_or_else(|| own.into()));
            if let Some(def @ ColumnDefault::Literal(_)) = &c.default {
                c.default = normalize_default(d, &c.ty, &render_default(d, &written, def));
            }
            if let (true, ColumnType::Enum { name, variants }) =
                (d.capabilities().named_enums, &c.ty)
                && out.enum_type(name).is_none()
            {
                out.enums.push(EnumType {
                    name: name.clone(),
                    variants: variants.clone(),
                });
            }
        }
        for i in t.indexes.iter_mut().filter(|i| i.fulltext) {
            (i.language, i.weights) = d.ddl().fulltext_form("simple", &[]);
        }
        out.tables.push(t);
    }
    out
}

// Tables used by several cases.

fn users() -> Table {
    table(
        "users",
        vec![
            col("id", ColumnType::BigInt).serial(),
            col("email", ColumnType::VarChar(191)),
            col("name", ColumnType::Text).null(),
        ],
    )
    .unique("users_email_key", &["email"])
}

/// `users` renamed to `name` (`#[orm(renamed_from = "users")]`), its key and unique index named
/// after it as the models name them.
fn users_renamed(name: &str) -> Table {
    let mut t = users().was("users");
    t.name = name.into();
    t.primary_key.as_mut().unwrap().name = format!("{name}_pkey");
    t.indexes[0].name = format!("{name}_email_key");
    t
}

fn posts() -> Table {
    table(
        "posts",
        vec![
            col("id", ColumnType::BigInt).serial(),
            col("author_id", ColumnType::BigInt),
            col("title", ColumnType::VarChar(200)),
            col("body", ColumnType::Text).null(),
            col("view_count", ColumnType::Integer).default_to("0"),
            col("created_at", ColumnType::Timestamptz).default_now(),
        ],
    )
    .index("posts_author_id_idx", &["author_id"])
    .fk("author_id", "users", Action::Cascade, Action::NoAction)
}

/// `posts` with `f` applied.
fn posts_with(f: impl FnOnce(&mut Table)) -> Table {
    let mut t = posts();
    f(&mut t);
    t
}

fn column_mut<'a>(t: &'a mut Table, name: &str) -> &'a mut Column {
    t.columns.iter_mut().find(|c| c.name == name).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Rendering.

/// The steps from `from` to `to`, each with its description, data loss and statements.
fn render_steps(steps: &[Step], d: Dialect) -> String {
    let mut out = String::new();
    if steps.is_empty() {
        out.push_str("(no changes)\n");
    }
    for s in steps {
        writeln!(out, "-- {}", s.describe()).unwrap();
        if let Some(loss) = s.data_loss(d) {
            writeln!(out, "-- data loss: {}", loss.description).unwrap();
            writeln!(out, "--   counted by: {}", loss.count_sql).unwrap();
        }
        for sql in s.sql(d) {
            writeln!(out, "{sql};").unwrap();
        }
    }
    out
}

/// Cases of one snapshot: a label and the `(from, to)` schemas on each dialect, rendered per
/// dialect (dialects that send the same thing share one block).
#[derive(Default)]
struct Snap {
    out: String,
}

impl Snap {
    fn case(mut self, label: &str, build: impl Fn(Dialect) -> (DbSchema, DbSchema)) -> Self {
        let mut blocks: Vec<(Vec<&str>, String)> = Vec::new();
        for (name, d) in DIALECTS {
            let (from, to) = build(d);
            // Both sides are stable: a schema has nothing to change against itself.
            assert!(diff(&from, &from, d).is_empty(), "{label} on {name}: from");
            assert!(diff(&to, &to, d).is_empty(), "{label} on {name}: to");
            let text = render_steps(&diff(&from, &to, d), d);
            match blocks.iter_mut().find(|(_, t)| *t == text) {
                Some((names, _)) => names.push(name),
                None => blocks.push((vec![name], text)),
            }
        }
        writeln!(self.out, "## {label}").unwrap();
        for (names, text) in blocks {
            writeln!(self.out, "[{}]", names.join(", ")).unwrap();
            self.out.push_str(&text);
        }
        self.out.push('\n');
        self
    }

    /// The case, then its down direction (`diff(to, from)`).
    fn case_and_down(self, label: &str, build: impl Fn(Dialect) -> (DbSchema, DbSchema)) -> Self {
        self.case(label, &build)
            .case(&format!("{label} (down)"), |d| {
                let (from, to) = build(d);
                (to, from)
            })
    }

    fn done(self) -> String {
        self.out
    }
}

/// A snapshot named after the test, without the expression that made it.
macro_rules! snapshot {
    ($value:expr) => {
        insta::with_settings!({ omit_expression => true }, {
            insta::assert_snapshot!($value);
        })
    };
}

/// `from` and `to` on `d`.
fn pair(d: Dialect, from: Vec<Table>, to: Vec<Table>) -> (DbSchema, DbSchema) {
    (schema(d, from), schema(d, to))
}

// ---------------------------------------------------------------------------------------------
// Tables.

#[test]
fn create_table() {
    snapshot!(
        Snap::default()
            .case_and_down(
                "create a table with a key, defaults and a unique index",
                |d| {
                    let t = table(
                        "accounts",
                        vec![
                            col("id", ColumnType::BigInt).serial(),
                            col("email", ColumnType::VarChar(191)),
                            col("display_name", ColumnType::Text).null(),
                            col("karma", ColumnType::Integer).default_to("0"),
                            col("active", ColumnType::Boolean).default_to("true"),
                            col("motto", ColumnType::Text).default_to("'it''s me'"),
                            col(
                                "balance",
                                ColumnType::Decimal {
                                    precision: 12,
                                    scale: 2,
                                },
                            )
                            .default_to("0.5"),
                            col("avatar", ColumnType::Bytes).null(),
                            col("settings", ColumnType::Json).null(),
                            col("external_id", ColumnType::Uuid).null(),
                            col("birthday", ColumnType::Date).null(),
                            col("wakes_at", ColumnType::Time).null(),
                            col("ratio", ColumnType::Real).null(),
                            col("score", ColumnType::Double).null(),
                            col("level", ColumnType::SmallInt).default_to("1"),
                            col("code", ColumnType::Char(3)).null(),
                            col("seen_at", ColumnType::Timestamp).null(),
                            col("created_at", ColumnType::Timestamptz).default_now(),
                        ],
                    )
                    .unique("accounts_email_key", &["email"]);
                    pair(d, vec![], vec![t])
                }
            )
            .case(
                "create a table with a composite key and no auto-increment",
                |d| {
                    let t = table(
                        "memberships",
                        vec![
                            col("group_id", ColumnType::BigInt),
                            col("user_id", ColumnType::BigInt),
                            col("role", ColumnType::VarChar(20)).default_to("'member'"),
                        ],
                    )
                    .pk(&["group_id", "user_id"])
                    .index("memberships_user_id_idx", &["user_id"]);
                    pair(d, vec![], vec![t])
                }
            )
            .case("create a table without a primary key", |d| {
                let t = table(
                    "audit_log",
                    vec![
                        col("at", ColumnType::Timestamptz).default_now(),
                        col("message", ColumnType::Text),
                    ],
                );
                pair(d, vec![], vec![t])
            })
            .done()
    );
}

#[test]
fn create_tables_with_foreign_keys() {
    snapshot!(
        Snap::default()
            .case_and_down("create two tables, one referring to the other", |d| {
                pair(d, vec![], vec![users(), posts()])
            })
            .case("create a table referring to an existing one", |d| {
                pair(d, vec![users()], vec![users(), posts()])
            })
            .done()
    );
}

#[test]
fn drop_table() {
    snapshot!(
        Snap::default()
            .case("drop a table that refers to another", |d| {
                pair(d, vec![users(), posts()], vec![users()])
            })
            .case("drop a table and the one referring to it", |d| {
                pair(d, vec![users(), posts()], vec![])
            })
            .done()
    );
}

#[test]
fn rename_table() {
    snapshot!(
        Snap::default()
            .case_and_down("rename a table another one refers to", |d| {
                let members = users_renamed("members");
                let mut p = posts();
                p.foreign_keys[0].referenced_table = "members".into();
                pair(d, vec![users(), posts()], vec![members, p])
            })
            .case("rename a table and add a column", |d| {
                let mut members = users_renamed("members");
                members
                    .columns
                    .push(col("joined_at", ColumnType::Timestamptz).null());
                pair(d, vec![users()], vec![members])
            })
            .case(
                "a rename hint whose old table is gone creates the table",
                |d| {
                    let mut members = users_renamed("members");
                    members.renamed_from = Some("people".into());
                    pair(d, vec![], vec![members])
                }
            )
            .done()
    );
}

// ---------------------------------------------------------------------------------------------
// Columns.

#[test]
fn add_column() {
    let with = |c: Column| posts_with(|t| t.columns.push(c));
    snapshot!(
        Snap::default()
            .case_and_down("add a nullable column", |d| {
                pair(
                    d,
                    vec![users(), posts()],
                    vec![users(), with(col("subtitle", ColumnType::Text).null())],
                )
            })
            .case("add a required column with a literal default", |d| {
                pair(
                    d,
                    vec![users(), posts()],
                    vec![
                        users(),
                        with(col("published", ColumnType::Boolean).default_to("false")),
                    ],
                )
            })
            .case("add a required text column with a string default", |d| {
                pair(
                    d,
                    vec![users(), posts()],
                    vec![
                        users(),
                        with(col("slug", ColumnType::VarChar(100)).default_to("'untitled'")),
                    ],
                )
            })
            .case("add a required column without a default", |d| {
                pair(
                    d,
                    vec![users(), posts()],
                    vec![users(), with(col("slug", ColumnType::VarChar(100)))],
                )
            })
            .case("add a column defaulting to the current time", |d| {
                pair(
                    d,
                    vec![users(), posts()],
                    vec![
                        users(),
                        with(col("updated_at", ColumnType::Timestamptz).default_now()),
                    ],
                )
            })
            .case("add a json column with a default", |d| {
                pair(
                    d,
                    vec![users(), posts()],
                    vec![
                        users(),
                        with(col("meta", ColumnType::Json).default_to("'{}'")),
                    ],
                )
            })
            .done()
    );
}

#[test]
fn drop_column() {
    snapshot!(
        Snap::default()
            .case_and_down("drop a column", |d| {
                let to = posts_with(|t| t.columns.retain(|c| c.name != "body"));
                pair(d, vec![users(), posts()], vec![users(), to])
            })
            .case("drop an indexed column with its foreign key", |d| {
                let to = posts_with(|t| {
                    t.columns.retain(|c| c.name != "author_id");
                    t.indexes.clear();
                    t.foreign_keys.clear();
                });
                pair(d, vec![users(), posts()], vec![users(), to])
            })
            .done()
    );
}

#[test]
fn rename_column() {
    snapshot!(
        Snap::default()
            .case_and_down("rename a column", |d| {
                let to = posts_with(|t| {
                    let c = column_mut(t, "body");
                    *c = col("content", ColumnType::Text).null().was("body");
                });
                pair(d, vec![users(), posts()], vec![users(), to])
            })
            .case("rename an indexed foreign-key column", |d| {
                let to = posts_with(|t| {
                    let c = column_mut(t, "author_id");
                    *c = col("writer_id", ColumnType::BigInt).was("author_id");
                    t.indexes[0].columns = vec!["writer_id".into()];
                    t.foreign_keys[0].columns = vec!["writer_id".into()];
                });
                pair(d, vec![users(), posts()], vec![users(), to])
            })
            .case("rename a column and change its type", |d| {
                let to = posts_with(|t| {
                    let c = column_mut(t, "view_count");
                    *c = col("views", ColumnType::BigInt)
                        .default_to("0")
                        .was("view_count");
                });
                pair(d, vec![users(), posts()], vec![users(), to])
            })
            .case("rename a referenced key column", |d| {
                let mut u = users();
                u.columns[0] = col("user_id", ColumnType::BigInt).serial().was("id");
                u.primary_key.as_mut().unwrap().columns = vec!["user_id".into()];
                let p =
                    posts_with(|t| t.foreign_keys[0].referenced_columns = vec!["user_id".into()]);
                pair(d, vec![users(), posts()], vec![u, p])
            })
            .done()
    );
}

#[test]
fn alter_column_type() {
    let change = |name: &'static str, f: fn(Column) -> Column| {
        move |d: Dialect| {
            let to = posts_with(|t| {
                let c = column_mut(t, name);
                *c = f(c.clone());
            });
            pair(d, vec![users(), posts()], vec![users(), to])
        }
    };
    snapshot!(
        Snap::default()
            .case(
                "widen an integer",
                change("view_count", |c| Column {
                    ty: ColumnType::BigInt,
                    ..c
                }),
            )
            .case_and_down(
                "narrow a varchar",
                change("title", |c| Column {
                    ty: ColumnType::VarChar(50),
                    ..c
                }),
            )
            .case(
                "text to integer",
                change("body", |c| Column {
                    ty: ColumnType::Integer,
                    ..c
                }),
            )
            .case(
                "integer with a default to text",
                change("view_count", |c| Column {
                    ty: ColumnType::Text,
                    default: Some(ColumnDefault::Literal("'0'".into())),
                    ..c
                }),
            )
            .case("timestamp to timestamp with time zone", |d| {
                let from = posts_with(|t| column_mut(t, "created_at").ty = ColumnType::Timestamp);
                pair(d, vec![users(), from], vec![users(), posts()])
            })
            .case("a decimal's precision", |d| {
                let money = |p| {
                    table(
                        "prices",
                        vec![
                            col("id", ColumnType::BigInt),
                            col(
                                "amount",
                                ColumnType::Decimal {
                                    precision: p,
                                    scale: 2,
                                },
                            ),
                        ],
                    )
                };
                pair(d, vec![money(10)], vec![money(14)])
            })
            .case("a native type the ORM does not model", |d| {
                let t = |ty: &str| {
                    table(
                        "hosts",
                        vec![
                            col("id", ColumnType::BigInt),
                            col("addr", ColumnType::Other(ty.into())),
                        ],
                    )
                };
                let native = match d.backend {
                    Backend::Postgres => "inet",
                    Backend::MySql => "varbinary(16)",
                    Backend::Sqlite => "numeric",
                };
                pair(d, vec![t("text")], vec![t(native)])
            })
            .done()
    );
}

#[test]
fn alter_column_nullability() {
    let set = |name: &'static str, f: fn(&mut Column)| {
        move |d: Dialect| {
            let to = posts_with(|t| f(column_mut(t, name)));
            pair(d, vec![users(), posts()], vec![users(), to])
        }
    };
    snapshot!(
        Snap::default()
            .case_and_down(
                "make a nullable column required, without a default",
                set("body", |c| c.nullable = false),
            )
            .case(
                "make a nullable column required, with a default",
                set("body", |c| {
                    c.nullable = false;
                    c.default = Some(ColumnDefault::Literal("''".into()));
                }),
            )
            .case(
                "make a required column nullable",
                set("title", |c| c.nullable = true),
            )
            .done()
    );
}

#[test]
fn alter_column_default() {
    let set = |name: &'static str, f: fn(&mut Column)| {
        move |d: Dialect| {
            let to = posts_with(|t| f(column_mut(t, name)));
            pair(d, vec![users(), posts()], vec![users(), to])
        }
    };
    snapshot!(
        Snap::default()
            .case_and_down(
                "change a default",
                set("view_count", |c| c.default =
                    Some(ColumnDefault::Literal("1".into()))),
            )
            .case("drop a default", set("view_count", |c| c.default = None))
            .case(
                "add a string default",
                set("title", |c| c.default =
                    Some(ColumnDefault::Literal("'untitled'".into()))),
            )
            .case(
                "add a string default to a text column",
                set("body", |c| c.default =
                    Some(ColumnDefault::Literal("''".into()))),
            )
            .case("a literal default becomes the current time", |d| {
                let from = posts_with(|t| {
                    column_mut(t, "created_at").default =
                        Some(ColumnDefault::Literal("'2000-01-01 00:00:00'".into()))
                });
                pair(d, vec![users(), from], vec![users(), posts()])
            })
            .done()
    );
}

#[test]
fn alter_column_autoincrement() {
    snapshot!(
        Snap::default()
            .case_and_down("make a key auto-incrementing", |d| {
                let t = |serial: bool| {
                    let mut id = col("id", ColumnType::BigInt);
                    id.autoincrement = serial;
                    table("tags", vec![id, col("label", ColumnType::Text)])
                };
                pair(d, vec![t(false)], vec![t(true)])
            })
            .done()
    );
}

#[test]
fn alter_column_collation() {
    // Only MySQL and MariaDB give columns a collation: elsewhere there is nothing to change.
    snapshot!(
        Snap::default()
            .case_and_down("a case-insensitive collation", |d| {
                let to = {
                    let mut u = users();
                    u.columns[1] =
                        col("email", ColumnType::VarChar(191)).collate("utf8mb4_general_ci");
                    u
                };
                pair(d, vec![users()], vec![to])
            })
            .case("a collation and a type at once", |d| {
                let to = {
                    let mut u = users();
                    u.columns[2] = col("name", ColumnType::VarChar(100))
                        .null()
                        .collate("utf8mb4_unicode_ci");
                    u
                };
                pair(d, vec![users()], vec![to])
            })
            .done()
    );
}

// ---------------------------------------------------------------------------------------------
// Keys, constraints and indexes.

#[test]
fn alter_primary_key() {
    let t = |pk: Option<&[&str]>| {
        let t = table(
            "settings",
            vec![
                col("id", ColumnType::BigInt),
                col("tenant_id", ColumnType::BigInt),
                col("value", ColumnType::Text).null(),
            ],
        );
        match pk {
            Some(columns) => t.pk(columns),
            None => t.no_pk(),
        }
    };
    snapshot!(
        Snap::default()
            .case_and_down("a key over more columns", |d| {
                pair(
                    d,
                    vec![t(Some(&["id"]))],
                    vec![t(Some(&["tenant_id", "id"]))],
                )
            })
            .case_and_down("drop the primary key", |d| {
                pair(d, vec![t(Some(&["id"]))], vec![t(None)])
            })
            .case_and_down(
                "change the key of a table with an auto-increment column",
                |d| {
                    let from = users();
                    let mut to = users();
                    to.columns
                        .push(col("tenant_id", ColumnType::BigInt).default_to("0"));
                    to.primary_key.as_mut().unwrap().columns =
                        vec!["tenant_id".into(), "id".into()];
                    pair(d, vec![from], vec![to])
                }
            )
            .done()
    );
}

#[test]
fn rename_constraint() {
    // PostgreSQL keeps constraint names and renames them; MySQL has no primary key name and
    // replaces a renamed foreign key; SQLite compares neither name.
    snapshot!(
        Snap::default()
            .case_and_down("rename the primary key", |d| {
                let to = users().pk_named("users_primary", &["id"]);
                pair(d, vec![users()], vec![to])
            })
            .case("rename a foreign key", |d| {
                let to = posts_with(|t| t.foreign_keys[0].name = "posts_author_fk".into());
                pair(d, vec![users(), posts()], vec![users(), to])
            })
            .done()
    );
}

#[test]
fn indexes() {
    snapshot!(
        Snap::default()
            .case_and_down("create a plain, a unique and a multi-column index", |d| {
                let to = posts_with(|t| {
                    *t = t
                        .clone()
                        .index("posts_created_at_idx", &["created_at"])
                        .unique("posts_author_id_title_key", &["author_id", "title"])
                        .index(
                            "posts_author_id_created_at_idx",
                            &["author_id", "created_at"],
                        );
                });
                pair(d, vec![users(), posts()], vec![users(), to])
            })
            .case("create a full-text index", |d| {
                let to = posts_with(|t| {
                    *t = t
                        .clone()
                        .fulltext("posts_title_body_ft", &["title", "body"])
                });
                pair(d, vec![users(), posts()], vec![users(), to])
            })
            .case("drop an index", |d| {
                let from = posts_with(|t| *t = t.clone().unique("posts_title_key", &["title"]));
                pair(d, vec![users(), from], vec![users(), posts()])
            })
            .case("an index keeps its name and gains a column", |d| {
                let to = posts_with(|t| t.indexes[0].columns.push("created_at".into()));
                pair(d, vec![users(), posts()], vec![users(), to])
            })
            .case("an index becomes unique", |d| {
                let from = posts_with(|t| *t = t.clone().index("posts_title_idx", &["title"]));
                let to = posts_with(|t| *t = t.clone().unique("posts_title_idx", &["title"]));
                pair(d, vec![users(), from], vec![users(), to])
            })
            .done()
    );
}

#[test]
fn rename_index() {
    snapshot!(
        Snap::default()
            .case_and_down("rename an index", |d| {
                let to = posts_with(|t| t.indexes[0].name = "posts_by_author".into());
                pair(d, vec![users(), posts()], vec![users(), to])
            })
            .case("rename a unique multi-column index", |d| {
                let from = posts_with(|t| {
                    *t = t
                        .clone()
                        .unique("posts_author_id_title_key", &["author_id", "title"])
                });
                let to = posts_with(|t| {
                    *t = t
                        .clone()
                        .unique("posts_title_per_author", &["author_id", "title"])
                });
                pair(d, vec![users(), from], vec![users(), to])
            })
            .case("an index renamed and made unique is replaced", |d| {
                let to = posts_with(|t| {
                    t.indexes[0].name = "posts_author_id_key".into();
                    t.indexes[0].unique = true;
                });
                pair(d, vec![users(), posts()], vec![users(), to])
            })
            .done()
    );
}

#[test]
fn foreign_keys() {
    let reviewed = |actions: Option<(Action, Action)>| {
        let t = posts_with(|t| {
            t.columns
                .push(col("reviewer_id", ColumnType::BigInt).null())
        });
        match actions {
            Some((on_delete, on_update)) => t.fk("reviewer_id", "users", on_delete, on_update),
            None => t,
        }
    };
    snapshot!(
        Snap::default()
            .case_and_down("add a foreign key", |d| {
                pair(
                    d,
                    vec![users(), reviewed(None)],
                    vec![users(), reviewed(Some((Action::SetNull, Action::Cascade)))],
                )
            })
            .case("add a column with its foreign key", |d| {
                pair(
                    d,
                    vec![users(), posts()],
                    vec![
                        users(),
                        reviewed(Some((Action::Restrict, Action::Restrict))),
                    ],
                )
            })
            .case("change a foreign key's actions", |d| {
                pair(
                    d,
                    vec![
                        users(),
                        reviewed(Some((Action::NoAction, Action::NoAction))),
                    ],
                    vec![
                        users(),
                        reviewed(Some((Action::SetDefault, Action::Cascade))),
                    ],
                )
            })
            .case("a self-referencing foreign key", |d| {
                let category = |parent: bool| {
                    let t = table(
                        "categories",
                        vec![
                            col("id", ColumnType::BigInt).serial(),
                            col("parent_id", ColumnType::BigInt).null(),
                        ],
                    );
                    if parent {
                        t.fk("parent_id", "categories", Action::Cascade, Action::NoAction)
                    } else {
                        t
                    }
                };
                pair(d, vec![category(false)], vec![category(true)])
            })
            .done()
    );
}

// ---------------------------------------------------------------------------------------------
// Enums: PostgreSQL types, MySQL `ENUM(..)` columns, SQLite `TEXT` with a `CHECK`.

fn status(variants: &[&str]) -> ColumnType {
    enum_ty("post_status", variants)
}

fn posts_with_status(variants: &[&str], default: Option<&str>) -> Table {
    posts_with(|t| {
        let mut c = col("status", status(variants));
        c.default = default.map(|d| ColumnDefault::Literal(d.into()));
        t.columns.push(c);
    })
}

#[test]
fn enums() {
    snapshot!(
        Snap::default()
            .case_and_down("create a table with an enum column", |d| {
                let t = table(
                    "tickets",
                    vec![
                        col("id", ColumnType::BigInt).serial(),
                        col("priority", enum_ty("ticket_priority", &["LOW", "HIGH"]))
                            .default_to("'LOW'"),
                    ],
                );
                pair(d, vec![], vec![t])
            })
            .case("add an enum column to a table", |d| {
                pair(
                    d,
                    vec![users(), posts()],
                    vec![
                        users(),
                        posts_with_status(&["draft", "published"], Some("'draft'")),
                    ],
                )
            })
            .case_and_down("append variants", |d| {
                pair(
                    d,
                    vec![
                        users(),
                        posts_with_status(&["draft", "published"], Some("'draft'")),
                    ],
                    vec![
                        users(),
                        posts_with_status(
                            &["draft", "published", "archived", "it's"],
                            Some("'draft'"),
                        ),
                    ],
                )
            })
            .case("append a variant and make it the default", |d| {
                pair(
                    d,
                    vec![
                        users(),
                        posts_with_status(&["draft", "published"], Some("'draft'")),
                    ],
                    vec![
                        users(),
                        posts_with_status(&["draft", "published", "archived"], Some("'archived'")),
                    ],
                )
            })
            .case("remove a variant from a column with a default", |d| {
                pair(
                    d,
                    vec![
                        users(),
                        posts_with_status(&["draft", "review", "published"], Some("'draft'")),
                    ],
                    vec![
                        users(),
                        posts_with_status(&["draft", "published"], Some("'draft'")),
                    ],
                )
            })
            .case("reorder the variants", |d| {
                pair(
                    d,
                    vec![users(), posts_with_status(&["draft", "published"], None)],
                    vec![users(), posts_with_status(&["published", "draft"], None)],
                )
            })
            .case("drop the only column of an enum type", |d| {
                pair(
                    d,
                    vec![users(), posts_with_status(&["draft", "published"], None)],
                    vec![users(), posts()],
                )
            })
            .case("drop a table with an enum column", |d| {
                pair(
                    d,
                    vec![users(), posts_with_status(&["draft", "published"], None)],
                    vec![users()],
                )
            })
            .case(
                "an enum column read back from MySQL has no type name",
                |d| {
                    let mut from = schema(
                        d,
                        vec![users(), posts_with_status(&["draft", "published"], None)],
                    );
                    if d.backend == Backend::MySql {
                        let c = from.tables[1].columns.last_mut().unwrap();
                        c.ty = enum_ty("", &["draft", "published"]);
                    }
                    (
                        from,
                        schema(
                            d,
                            vec![users(), posts_with_status(&["draft", "published"], None)],
                        ),
                    )
                }
            )
            .done()
    );
}

// ---------------------------------------------------------------------------------------------
// SQLite table rebuilds, and steps in order.

#[test]
fn sqlite_rebuild() {
    // SQLite cannot alter a column or a key in place: it rebuilds the table (the other dialects
    // are shown for comparison).
    snapshot!(
        Snap::default()
            .case_and_down("several changes to one table", |d| {
                let to = posts_with(|t| {
                    t.columns.retain(|c| c.name != "view_count");
                    column_mut(t, "body").nullable = false;
                    column_mut(t, "body").default = Some(ColumnDefault::Literal("''".into()));
                    t.columns.push(col("subtitle", ColumnType::Text).null());
                    t.foreign_keys[0].on_delete = Action::Restrict;
                    *t = t.clone().unique("posts_title_key", &["title"]);
                });
                pair(d, vec![users(), posts()], vec![users(), to])
            })
            .case("a table whose key is not auto-incrementing", |d| {
                let t = |extra: bool| {
                    let mut t = table(
                        "memberships",
                        vec![
                            col("group_id", ColumnType::BigInt),
                            col("user_id", ColumnType::BigInt),
                        ],
                    )
                    .pk(&["group_id", "user_id"]);
                    if extra {
                        t.columns.push(col("since", ColumnType::Date));
                    }
                    t
                };
                pair(d, vec![t(false)], vec![t(true)])
            })
            .case("only added columns that ALTER TABLE can add", |d| {
                let to = posts_with(|t| {
                    t.columns.push(col("subtitle", ColumnType::Text).null());
                    t.columns
                        .push(col("rank", ColumnType::Integer).default_to("5"));
                });
                pair(d, vec![users(), posts()], vec![users(), to])
            })
            .done()
    );
}

#[test]
fn steps_in_order() {
    // Foreign keys and indexes are dropped first and created last, renames come before the
    // changes, enum types exist before the columns using them, and tables are dropped once nothing
    // refers to them.
    snapshot!(
        Snap::default()
            .case_and_down(
                "a blog grows comments, loses tags and renames its authors",
                |d| {
                    let tags = table(
                        "tags",
                        vec![
                            col("id", ColumnType::BigInt).serial(),
                            col("post_id", ColumnType::BigInt),
                            col("label", ColumnType::Text),
                        ],
                    )
                    .index("tags_post_id_idx", &["post_id"])
                    .fk("post_id", "posts", Action::Cascade, Action::NoAction);
                    let from = vec![users(), posts(), tags];

                    let mut authors = users_renamed("authors");
                    authors.columns.push(col("bio", ColumnType::Text).null());
                    let p = {
                        let mut p = posts_with_status(&["draft", "published"], Some("'draft'"));
                        p.foreign_keys[0].referenced_table = "authors".into();
                        column_mut(&mut p, "title").ty = ColumnType::VarChar(300);
                        p.indexes[0].name = "posts_by_author".into();
                        p
                    };
                    let comments = table(
                        "comments",
                        vec![
                            col("id", ColumnType::BigInt).serial(),
                            col("post_id", ColumnType::BigInt),
                            col("author_id", ColumnType::BigInt).null(),
                            col("body", ColumnType::Text),
                        ],
                    )
                    .index("comments_post_id_idx", &["post_id"])
                    .fk("post_id", "posts", Action::Cascade, Action::NoAction)
                    .fk(
                        "author_id",
                        "authors",
                        Action::SetNull,
                        Action::NoAction,
                    );
                    pair(d, from, vec![authors, p, comments])
                }
            )
            .done()
    );
}

#[test]
fn no_changes() {
    snapshot!(
        Snap::default()
            .case("the same schema", |d| {
                pair(d, vec![users(), posts()], vec![users(), posts()])
            })
            .case("both empty", |d| pair(d, vec![], vec![]))
            .done()
    );
}

// ---------------------------------------------------------------------------------------------
// What the steps may destroy.

/// The steps from `from` to `to` on `d` that may lose data, as their descriptions.
fn losses(d: Dialect, from: Vec<Table>, to: Vec<Table>) -> Vec<String> {
    let (from, to) = pair(d, from, to);
    diff(&from, &to, d)
        .iter()
        .filter_map(|s| s.data_loss(d))
        .map(|l| l.description)
        .collect()
}

#[test]
fn data_loss() {
    for (name, d) in DIALECTS {
        let sqlite = d.backend == Backend::Sqlite;
        let loses = |from: Vec<Table>, to: Vec<Table>, what: &str| {
            let l = losses(d, from, to);
            assert!(
                l.len() == 1 && l[0].contains(what),
                "{name}: expected one loss mentioning {what:?}, got {l:?}"
            );
        };
        let keeps = |from: Vec<Table>, to: Vec<Table>, what: &str| {
            let l = losses(d, from, to);
            assert!(l.is_empty(), "{name}: {what} loses nothing, got {l:?}");
        };

        // Dropping a column or a table.
        let without_body = posts_with(|t| t.columns.retain(|c| c.name != "body"));
        loses(
            vec![users(), posts()],
            vec![users(), without_body.clone()],
            "drops column `posts.body`",
        );
        let (from, to) = pair(d, vec![users(), posts()], vec![users(), without_body]);
        let steps = diff(&from, &to, d);
        assert!(
            steps.iter().any(|s| matches!(
                (s, sqlite),
                (Step::DropColumn { .. }, false) | (Step::RebuildTable { .. }, true)
            )),
            "{name}: {steps:?}"
        );
        let count = steps.iter().find_map(|s| s.data_loss(d)).unwrap().count_sql;
        assert!(
            count.starts_with("SELECT ") && count.contains("IS NOT NULL"),
            "{name}: {count}"
        );
        loses(vec![users(), posts()], vec![users()], "drops table `posts`");

        // Narrowing a type, where the backend has narrower types; changing it to another one.
        let narrow = posts_with(|t| column_mut(t, "title").ty = ColumnType::VarChar(50));
        if sqlite {
            let (from, to) = pair(d, vec![posts()], vec![narrow]);
            assert!(
                diff(&from, &to, d).is_empty(),
                "{name}: every varchar is TEXT"
            );
        } else {
            loses(
                vec![posts()],
                vec![narrow],
                "changes the type of `posts.title`",
            );
            let bigint_to_int = posts_with(|t| column_mut(t, "author_id").ty = ColumnType::Integer);
            loses(
                vec![posts()],
                vec![bigint_to_int],
                "changes the type of `posts.author_id`",
            );
        }
        let text_to_int = posts_with(|t| column_mut(t, "body").ty = ColumnType::Integer);
        loses(
            vec![posts()],
            vec![text_to_int],
            "changes the type of `posts.body`",
        );

        // Making a nullable column required: without a default it fails while rows hold NULL.
        let required = posts_with(|t| column_mut(t, "body").nullable = false);
        loses(
            vec![posts()],
            vec![required],
            "makes `posts.body` required without a default",
        );
        let required_with_default = posts_with(|t| {
            let c = column_mut(t, "body");
            c.nullable = false;
            c.default = Some(ColumnDefault::Literal("''".into()));
        });
        keeps(
            vec![posts()],
            vec![required_with_default],
            "a required column with a default",
        );

        // A required column without a default fails on a table with rows.
        let slug = posts_with(|t| t.columns.push(col("slug", ColumnType::Text)));
        loses(
            vec![posts()],
            vec![slug],
            "adds required column `posts.slug` without a default",
        );

        // Widening, relaxing and adding optional things lose nothing.
        let wider = posts_with(|t| {
            column_mut(t, "view_count").ty = ColumnType::BigInt;
            column_mut(t, "title").ty = ColumnType::VarChar(500);
            column_mut(t, "title").nullable = true;
            t.columns.push(col("subtitle", ColumnType::Text).null());
        });
        keeps(vec![posts()], vec![wider], "widening");
        // Decimals: more digits before the point, or after it, keep every value; fewer lose them.
        let price = |precision, scale| {
            posts_with(|t| {
                t.columns
                    .push(col("price", ColumnType::Decimal { precision, scale }))
            })
        };
        keeps(
            vec![price(10, 2)],
            vec![price(14, 2)],
            "NUMERIC(10,2) to (14,2)",
        );
        keeps(
            vec![price(10, 2)],
            vec![price(12, 4)],
            "NUMERIC(10,2) to (12,4)",
        );
        if !sqlite {
            loses(
                vec![price(10, 2)],
                vec![price(10, 4)],
                "changes the type of `posts.price`",
            );
            loses(
                vec![price(14, 2)],
                vec![price(10, 2)],
                "changes the type of `posts.price`",
            );
            loses(
                vec![price(10, 4)],
                vec![price(10, 2)],
                "changes the type of `posts.price`",
            );
        }
        let to_text = posts_with(|t| column_mut(t, "title").ty = ColumnType::Text);
        keeps(vec![posts()], vec![to_text], "varchar to text");
        keeps(vec![], vec![users(), posts()], "creating tables");

        // Enums: appending variants keeps every value; removing one loses the rows holding it
        // (PostgreSQL counts them; MySQL and SQLite change the column's type).
        keeps(
            vec![posts_with_status(&["draft"], None)],
            vec![posts_with_status(&["draft", "published"], None)],
            "appending enum variants",
        );
        let removed = losses(
            d,
            vec![posts_with_status(&["draft", "review"], None)],
            vec![posts_with_status(&["draft"], None)],
        );
        let expected = if d.capabilities().named_enums {
            "removes variant(s) review from enum `post_status`"
        } else {
            "changes the type of `posts.status`"
        };
        assert!(
            removed.len() == 1 && removed[0].contains(expected),
            "{name}: {removed:?}"
        );
    }
}
