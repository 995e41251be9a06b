//! The blog schema as [`orm_runtime`] models: users with accounts, sessions and settings; posts in
//! categories with tags, comments (threaded) and likes (of posts or comments); follows; notifications.

#![warn(missing_docs)]
#![allow(missing_docs)] // model fields are documented by their names

pub mod models;

pub use models::*;
