//! Test support for the ORM workspace.
//!
//! Tests for a database backend are compiled in only when that backend's
//! connection URL is configured at build time (`ORM_TEST_POSTGRES_URL`,
//! `ORM_TEST_MYSQL_URL`; see `build.rs`). SQLite tests are always compiled
//! in. A configured backend that cannot be reached makes its tests fail
//! loudly; nothing is ever skipped silently.

pub mod isolation;
