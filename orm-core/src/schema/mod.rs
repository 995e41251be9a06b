//! The database schema as data: tables, columns, types, defaults, keys, indexes and enums
//! ([`DbSchema`]), and [`introspect`], which reads a live database into it.
//!
//! The dialect layer renders DDL from these types; the migration engine (`orm_runtime::migrate`,
//! the `orm-migrate` crate) describes models as a [`DbSchema`] and diffs two of them.

mod introspect;
#[doc(hidden)]
pub mod native;
pub(crate) mod repr;

pub use introspect::FOREIGN_HISTORY_TABLES;
#[doc(hidden)]
pub use introspect::HISTORY_TABLE;
pub use introspect::introspect;
pub use repr::{
    Column, ColumnDefault, ColumnType, DbSchema, EnumType, FULLTEXT_ON_COLUMNS, ForeignKey, Index,
    PrimaryKey, Table,
};
