//! The migration engine of [`orm-runtime`](https://docs.rs/orm-runtime): the models described as a
//! database schema, the differ, migration files with their history and checksums, drift detection
//! through a shadow database, `db pull` rendering, and the `orm` command-line interface.
//!
//! Depend on `orm-runtime`, which re-exports this crate as `orm_runtime::schema` and
//! `orm_runtime::migrate` behind its default `migrate` feature. The examples here are written
//! against `orm-runtime`.

#![warn(missing_docs)]

pub mod migrate;
pub mod schema;

#[cfg(test)]
mod tests;
