//! Static descriptions of models and their relations, read by the query builder, the SQL writers,
//! the loaders and the migration engine. One file: a model describes its relations, and a relation
//! the models it joins.

use crate::types::ScalarKind;
use crate::value::Value;

/// A model's table: name, columns, keys and indexes. `#[derive(Model)]` emits one as a `static`.
#[derive(Debug)]
pub struct ModelDef {
    /// The Rust struct's name.
    pub name: &'static str,
    /// The table name.
    pub table: &'static str,
    /// Every column, in field declaration order.
    pub columns: &'static [ColumnDef],
    /// The primary key's columns (indexes into `columns`).
    pub primary_key: &'static [usize],
    /// Unique constraints (single-column and compound).
    pub uniques: &'static [UniqueDef],
    /// Secondary (non-unique) indexes.
    pub indexes: &'static [IndexDef],
    /// Relation fields, in declaration order.
    pub relations: &'static [RelationDef],
    /// The table's previous name (`#[orm(renamed_from = "...")]`), read by the migration engine.
    pub renamed_from: Option<&'static str>,
    /// The `#[orm(soft_delete)]` column (an index into `columns`): deleting sets it, reads skip
    /// rows where it is set.
    pub soft_delete: Option<usize>,
}

impl ModelDef {
    /// The `#[orm(soft_delete)]` column.
    pub fn soft_delete_column(&self) -> Option<&'static ColumnDef> {
        // `columns` is `'static`; the index is the derive's.
        self.soft_delete.map(|i| {
            let columns: &'static [ColumnDef] = self.columns;
            &columns[i]
        })
    }

    /// The column for a Rust field name.
    pub fn column_by_field(&self, field: &str) -> Option<&'static ColumnDef> {
        self.columns.iter().find(|c| c.field == field)
    }

    /// The column with a database name.
    pub fn column_by_name(&self, name: &str) -> Option<&'static ColumnDef> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The primary key constraint's name: `<table>_pkey` (see [`fit_identifier`]).
    pub fn primary_key_name(&self) -> String {
        fit_identifier(&format!("{}_pkey", self.table)).into_owned()
    }

    /// The relation for a Rust field name.
    pub fn relation_by_field(&self, field: &str) -> Option<&'static RelationDef> {
        self.relations.iter().find(|r| r.name == field)
    }

    /// Whether the primary key is a single auto-incrementing column.
    pub fn autoincrement_column(&self) -> Option<&'static ColumnDef> {
        self.columns
            .iter()
            .find(|c| matches!(c.default, Some(DefaultDef::Autoincrement)))
    }
}

/// The longest identifier every backend keeps whole: PostgreSQL cuts names at 63 bytes (MySQL at
/// 64), so that two long generated names could become one.
pub const MAX_IDENTIFIER: usize = 63;

/// A generated constraint or index name as it is created: unchanged when it fits in
/// [`MAX_IDENTIFIER`] bytes, otherwise cut and suffixed with `_` and eight hex digits of its
/// SHA-256, so that it stays unique and stable across builds and introspection.
///
/// ```
/// use orm_runtime::model::fit_identifier;
/// assert_eq!(fit_identifier("users_email_key"), "users_email_key");
/// let long = format!("{}_key", "a_very_long_column_name".repeat(4));
/// let fitted = fit_identifier(&long);
/// assert_eq!(fitted.len(), 63);
/// assert_ne!(fitted, fit_identifier(&format!("{long}2")));
/// ```
pub fn fit_identifier(name: &str) -> std::borrow::Cow<'_, str> {
    use sha2::Digest;
    if name.len() <= MAX_IDENTIFIER {
        return std::borrow::Cow::Borrowed(name);
    }
    let digest = sha2::Sha256::digest(name.as_bytes());
    let mut end = MAX_IDENTIFIER - 9;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    std::borrow::Cow::Owned(format!("{}_{hex}", &name[..end]))
}

impl UniqueDef {
    /// The constraint's name as created ([`fit_identifier`] of [`name`](UniqueDef::name)).
    pub fn db_name(&self) -> std::borrow::Cow<'static, str> {
        fit_identifier(self.name)
    }
}

impl IndexDef {
    /// The index's name as created ([`fit_identifier`] of [`name`](IndexDef::name)).
    pub fn db_name(&self) -> std::borrow::Cow<'static, str> {
        fit_identifier(self.name)
    }
}

/// One column of a model.
#[derive(Debug)]
pub struct ColumnDef {
    /// Position in [`ModelDef::columns`].
    pub index: usize,
    /// The Rust field name.
    pub field: &'static str,
    /// The column name.
    pub name: &'static str,
    /// The column kind.
    pub kind: ScalarKind,
    /// Whether the column accepts `NULL`.
    pub nullable: bool,
    /// The default applied when an insert leaves the column out.
    pub default: Option<DefaultDef>,
    /// Set to the current time on every update (`#[orm(updated_at)]`).
    pub updated_at: bool,
    /// A native type override for DDL (`#[orm(db_type = "...")]`).
    pub db_type: Option<&'static str>,
    /// The column's previous name (`#[orm(renamed_from = "...")]`), read by the migration engine.
    pub renamed_from: Option<&'static str>,
}

impl ColumnDef {
    /// The fractional-second digits a date-time or time column keeps: 6 (microseconds, what every
    /// backend stores by default), or fewer when its `db_type` says so (`timestamp(3)`,
    /// `DATETIME(3)`, `time(0)`: Prisma's `DateTime` is `timestamp(3)`).
    ///
    /// ```
    /// # use orm_runtime::prelude::*;
    /// #[derive(Model, Debug)]
    /// struct Event {
    ///     #[orm(id)] id: i64,
    ///     #[orm(db_type = "timestamp(3)")] at: chrono::NaiveDateTime,
    ///     created: chrono::NaiveDateTime,
    /// }
    /// assert_eq!(Event::DEF.columns[1].fraction_digits(), 3);
    /// assert_eq!(Event::DEF.columns[2].fraction_digits(), 6);
    /// ```
    pub fn fraction_digits(&self) -> u32 {
        let temporal = matches!(
            self.kind,
            ScalarKind::DateTime | ScalarKind::NaiveDateTime | ScalarKind::Time
        );
        let declared = self.db_type.filter(|_| temporal).and_then(|t| {
            let (_, rest) = t.split_once('(')?;
            let (digits, _) = rest.split_once(')')?;
            digits.trim().parse::<u32>().ok()
        });
        declared.map_or(6, |p| p.min(6))
    }

    /// The precision and scale a decimal column's `db_type` declares (`numeric(10,2)` → `(10, 2)`,
    /// `DECIMAL(10)` → `(10, 0)`), if it declares them.
    pub fn decimal_digits(&self) -> Option<(u32, u32)> {
        if self.kind != ScalarKind::Decimal {
            return None;
        }
        let (base, rest) = self.db_type?.split_once('(')?;
        let base = base.trim().to_ascii_lowercase();
        if !matches!(base.as_str(), "numeric" | "decimal" | "dec" | "fixed") {
            return None;
        }
        let (args, _) = rest.split_once(')')?;
        let mut args = args.split(',').map(|a| a.trim().parse::<u32>());
        let precision = args.next()?.ok()?;
        let scale = match args.next() {
            Some(s) => s.ok()?,
            None => 0,
        };
        Some((precision, scale))
    }
}

/// A column default.
#[derive(Debug, Clone, Copy)]
pub enum DefaultDef {
    /// A CUID2 string, generated by the client.
    Cuid,
    /// A random (v4) UUID, generated by the client.
    UuidV4,
    /// A time-ordered (v7) UUID, generated by the client.
    UuidV7,
    /// An auto-incrementing integer, generated by the database.
    Autoincrement,
    /// The current time.
    Now,
    /// A constant.
    Value(fn() -> Value),
}

/// A unique constraint.
#[derive(Debug)]
pub struct UniqueDef {
    /// The constraint name: `<table>_<col>_<col>_key` unless given.
    pub name: &'static str,
    /// The columns (indexes into [`ModelDef::columns`]).
    pub columns: &'static [usize],
}

/// A secondary index.
#[derive(Debug)]
pub struct IndexDef {
    /// The index name: `<table>_<col>_<col>_idx` (`_fts` for a full-text index).
    pub name: &'static str,
    /// The columns (indexes into [`ModelDef::columns`]).
    pub columns: &'static [usize],
    /// A full-text index (`#[orm(fulltext(..))]`) and how it reads its columns: `GIN` over
    /// `to_tsvector` on PostgreSQL, `FULLTEXT` on MySQL/MariaDB, an FTS5 table kept in step by
    /// triggers on SQLite.
    pub fulltext: Option<FullTextDef>,
}

/// How a full-text index reads its columns (`#[orm(fulltext(title(weight = "A"), body, language = "english"))]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FullTextDef {
    /// The text-search language: a PostgreSQL text-search configuration (`simple`, `english`,
    /// `french`, ..); on SQLite `english` stems words with the Porter stemmer and every other
    /// language does not; MySQL/MariaDB have none (no stemming).
    pub language: &'static str,
    /// One weight per column, `'A'` (highest) to `'D'`, or empty when the columns weigh the same.
    /// PostgreSQL and SQLite rank with them; MySQL/MariaDB rank without.
    pub weights: &'static [char],
}

impl FullTextDef {
    /// The language of an index that names none.
    pub const DEFAULT_LANGUAGE: &'static str = "simple";
}

// ---- Relations ----

/// How a model refers to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    /// This model holds the foreign key (`Post.author`).
    BelongsTo,
    /// The other model holds a unique foreign key to this one (`User.settings`).
    HasOne,
    /// The other model holds a foreign key to this one (`User.posts`).
    HasMany,
}

/// A referential action for `ON DELETE` / `ON UPDATE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Action {
    /// Delete (or update) the referring rows too.
    Cascade,
    /// Refuse while referring rows exist.
    Restrict,
    /// Refuse while referring rows exist, checked at the end of the statement.
    NoAction,
    /// Set the foreign key to `NULL`.
    SetNull,
    /// Set the foreign key to its default.
    SetDefault,
}

impl Action {
    /// The SQL keywords.
    pub fn sql(self) -> &'static str {
        match self {
            Action::Cascade => "CASCADE",
            Action::Restrict => "RESTRICT",
            Action::NoAction => "NO ACTION",
            Action::SetNull => "SET NULL",
            Action::SetDefault => "SET DEFAULT",
        }
    }
}

/// One relation field of a model. `#[derive(Model)]` emits one per `belongs_to`, `has_one` and
/// `has_many` field.
#[derive(Debug)]
pub struct RelationDef {
    /// The Rust field name.
    pub name: &'static str,
    /// The relation's kind.
    pub kind: RelationKind,
    /// Whether the related row may be absent (a nullable foreign key, or any `has_one`).
    pub optional: bool,
    /// The model declaring the relation.
    pub model: fn() -> &'static ModelDef,
    /// The related model.
    pub target: fn() -> &'static ModelDef,
    /// `BelongsTo`: the foreign-key column on this model. Empty otherwise.
    pub fk: &'static [usize],
    /// `HasOne`/`HasMany`: the `BelongsTo` relation on the target that this relation mirrors.
    pub inverse: Option<fn() -> &'static RelationDef>,
    /// `BelongsTo`: what deleting the referenced row does.
    pub on_delete: Action,
    /// `BelongsTo`: what changing the referenced key does.
    pub on_update: Action,
    /// `BelongsTo`: whether migrations create an index on the foreign key when no index starts with it.
    pub fk_index: bool,
}

impl RelationDef {
    /// The column of the declaring model the relation joins on: the foreign key of a `BelongsTo`,
    /// the referenced key otherwise.
    pub fn source_column(&self) -> &'static ColumnDef {
        let model = (self.model)();
        match self.kind {
            RelationKind::BelongsTo => &model.columns[self.fk[0]],
            RelationKind::HasOne | RelationKind::HasMany => {
                let inv = self.inverse_def();
                &model.columns[(inv.target)().primary_key[0]]
            }
        }
    }

    /// The column of the related model the relation joins on: its key for a `BelongsTo`, its
    /// foreign key otherwise.
    pub fn target_column(&self) -> &'static ColumnDef {
        let target = (self.target)();
        match self.kind {
            RelationKind::BelongsTo => &target.columns[target.primary_key[0]],
            RelationKind::HasOne | RelationKind::HasMany => {
                &target.columns[self.inverse_def().fk[0]]
            }
        }
    }

    /// The mirrored `BelongsTo` of a `HasOne`/`HasMany`.
    pub fn inverse_def(&self) -> &'static RelationDef {
        (self
            .inverse
            .expect("has_one/has_many relations have an inverse"))()
    }

    /// Whether the relation yields many rows.
    pub fn is_many(&self) -> bool {
        self.kind == RelationKind::HasMany
    }

    /// The join between the declaring model (outer) and the related model (inner).
    pub fn link(&self) -> Link {
        Link {
            outer: (self.model)(),
            outer_column: self.source_column(),
            inner: (self.target)(),
            inner_column: self.target_column(),
        }
    }
}

/// A join condition `inner.inner_column = outer.outer_column`, used by relation filters, counts and
/// includes.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    /// The model the condition is written from.
    pub outer: &'static ModelDef,
    /// Its joined column.
    pub outer_column: &'static ColumnDef,
    /// The related model.
    pub inner: &'static ModelDef,
    /// Its joined column.
    pub inner_column: &'static ColumnDef,
}

impl Link {
    /// The same join seen from the other side.
    pub fn reverse(self) -> Link {
        Link {
            outer: self.inner,
            outer_column: self.inner_column,
            inner: self.outer,
            inner_column: self.outer_column,
        }
    }
}
