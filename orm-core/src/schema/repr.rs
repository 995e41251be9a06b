//! The database schema as data: what the models describe and what introspection reads back, in one
//! representation, so the two can be compared by [`diff`](super::diff()).

use crate::relation::def::Action;

/// A whole database schema: tables and (PostgreSQL) enum types.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DbSchema {
    /// The tables, in creation order.
    pub tables: Vec<Table>,
    /// Enum types (PostgreSQL only; MySQL and SQLite declare enums on the column).
    pub enums: Vec<EnumType>,
}

impl DbSchema {
    /// The table named `name`.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The enum type named `name`.
    pub fn enum_type(&self, name: &str) -> Option<&EnumType> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// Whether the schema has no tables and no types.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty() && self.enums.is_empty()
    }
}

/// An enum type: its name and its variants' database names, in order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EnumType {
    /// The type name.
    pub name: String,
    /// The variants, in declaration order.
    pub variants: Vec<String>,
}

/// One table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Table {
    /// The table name.
    pub name: String,
    /// The columns, in order.
    pub columns: Vec<Column>,
    /// The primary key.
    pub primary_key: Option<PrimaryKey>,
    /// Unique and secondary indexes (not the primary key).
    pub indexes: Vec<Index>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// The name this table had before (`#[orm(renamed_from = "...")]` on the model); models only.
    pub renamed_from: Option<String>,
}

impl Table {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Column {
    /// The column name.
    pub name: String,
    /// The column type.
    pub ty: ColumnType,
    /// Whether `NULL` is allowed.
    pub nullable: bool,
    /// The database-side default.
    pub default: Option<ColumnDefault>,
    /// Filled by the database from a sequence (`SERIAL`, `AUTO_INCREMENT`, `AUTOINCREMENT`).
    pub autoincrement: bool,
    /// The collation of a text column on MySQL/MariaDB (`None` elsewhere): models ask for a binary
    /// `NO PAD` one, so that comparisons are exact (`'a' <> 'a '`).
    #[serde(default)]
    pub collation: Option<String>,
    /// The name this column had before (`#[orm(renamed_from = "...")]`); models only.
    pub renamed_from: Option<String>,
}

/// A column type, normalised so that a type written by the models and the same type read back from
/// the database compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ColumnType {
    /// `BOOLEAN` (MySQL: `TINYINT(1)`).
    Boolean,
    /// 16-bit integer.
    SmallInt,
    /// 32-bit integer.
    Integer,
    /// 64-bit integer (every integer on SQLite).
    BigInt,
    /// 32-bit float.
    Real,
    /// 64-bit float.
    Double,
    /// Exact decimal with precision and scale.
    Decimal {
        /// Total digits.
        precision: u32,
        /// Digits after the point.
        scale: u32,
    },
    /// Unbounded text.
    Text,
    /// Text up to `n` characters.
    VarChar(u32),
    /// Fixed-length text.
    Char(u32),
    /// Binary data.
    Bytes,
    /// `UUID` (PostgreSQL).
    Uuid,
    /// Timestamp with time zone (PostgreSQL `TIMESTAMPTZ`).
    Timestamptz,
    /// Timestamp without time zone (MySQL `DATETIME(6)`).
    Timestamp,
    /// Date.
    Date,
    /// Time of day.
    Time,
    /// JSON (`JSONB` on PostgreSQL).
    Json,
    /// An enum: a PostgreSQL type, a MySQL `ENUM(...)`, or `TEXT` with a `CHECK` on SQLite.
    Enum {
        /// The type name (PostgreSQL); derived from the table and column elsewhere.
        name: String,
        /// The variants.
        variants: Vec<String>,
    },
    /// Any other native type, lower-cased.
    Other(String),
}

/// A column default as SQL.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ColumnDefault {
    /// The current time.
    Now,
    /// A constant, as a normalised SQL literal (`'draft'`, `0`, `true`).
    Literal(String),
}

/// A primary key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PrimaryKey {
    /// The constraint name (`<table>_pkey`; only PostgreSQL keeps it).
    pub name: String,
    /// The columns, in key order.
    pub columns: Vec<String>,
}

/// The [`Index::language`] of a MySQL/MariaDB `FULLTEXT` index on the columns themselves.
pub const FULLTEXT_ON_COLUMNS: &str = "(the columns themselves)";

/// A unique or secondary index.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Index {
    /// The index name.
    pub name: String,
    /// The columns, in index order.
    pub columns: Vec<String>,
    /// A unique index.
    pub unique: bool,
    /// A full-text index.
    #[serde(default)]
    pub fulltext: bool,
    /// A full-text index's language, where the backend keeps one (PostgreSQL's text-search
    /// configuration; SQLite's `english` (Porter stemming) or `simple`). On MySQL/MariaDB,
    /// [`FULLTEXT_ON_COLUMNS`] marks a `FULLTEXT` index on the columns themselves (one the ORM did
    /// not create: its own reads case-insensitive copies of them), which the differ replaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// A full-text index's column weights (`'A'`..`'D'`, one per column), where the index holds
    /// them (PostgreSQL); empty when unweighted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weights: Vec<char>,
    /// A partial index's condition, as the database prints it (`WHERE` clause of PostgreSQL and
    /// SQLite partial indexes). Models declare none: a partial index in a database is not the
    /// models' full one, and is diffed, dropped and recreated as itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ForeignKey {
    /// The constraint name (`<table>_<column>_fkey`).
    pub name: String,
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub referenced_table: String,
    /// The referenced columns.
    pub referenced_columns: Vec<String>,
    /// `ON DELETE`.
    pub on_delete: Action,
    /// `ON UPDATE`.
    pub on_update: Action,
}
