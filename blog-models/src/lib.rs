//! The blog schema as [`orm_runtime`] models: users with accounts, sessions and settings; posts in
//! categories with tags, comments (threaded) and likes (of posts or comments); follows; notifications.
//!
//! - [`models`]: the twelve models and three enums, and [`schema`] to create their tables.
//! - [`service`]: the application layer — [`service::DatabaseService`] and the computed fields.
//! - [`seed`]: a deterministic data set of any size, inserted in bulk.
//! - [`migrations`]: the committed migration history per backend, with its Rust data step.

// clippy reads `index(a, b), index(c, b)` in `#[orm(..)]` as a repeated attribute.
#![allow(clippy::duplicated_attributes)]
#![warn(missing_docs)]
#![allow(missing_docs)] // model fields are documented by their names

pub mod migrations;
pub mod models;
pub mod seed;
pub mod service;

pub use models::*;
pub use service::{SlowOperationLog, connect, post_reads};
