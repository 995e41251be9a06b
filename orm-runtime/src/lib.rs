//! A typed ORM for PostgreSQL, MySQL/MariaDB and SQLite, with Prisma's developer experience.
//!
//! Models are plain structs with `#[derive(Model)]`; every query is built from typed column handles
//! and checked by the compiler; statements run through [sqlx](https://docs.rs/sqlx) on tokio.
//!
//! ```no_run
//! use orm_runtime::prelude::*;
//!
//! #[derive(Model, Debug, Clone)]
//! #[orm(table = "users")]
//! pub struct User {
//!     #[orm(id, default = cuid)]
//!     pub id: String,
//!     #[orm(unique)]
//!     pub email: String,
//!     pub name: Option<String>,
//!     #[orm(default = false)]
//!     pub verified: bool,
//! }
//!
//! # async fn run() -> orm_runtime::Result<()> {
//! let db = Client::connect("sqlite::memory:").await?;
//! Schema::new().model::<User>().push(&db).await?;
//!
//! let ada = User::create(NewUser { email: "ada@example.com".into(), name: Some("Ada".into()), ..Default::default() })
//!     .exec(&db)
//!     .await?;
//! let found = User::find_unique(User::EMAIL.eq("ada@example.com")).exec(&db).await?;
//! assert_eq!(found.map(|u| u.id), Some(ada.id));
//! # Ok(()) }
//! ```
//!
//! See the crate README for a tour, and [`Model`](derive@Model) for every model attribute.

#![warn(missing_docs)]

#[doc(inline)]
pub use orm_core::*;

#[cfg(feature = "migrate")]
#[doc(inline)]
pub use orm_migrate::{migrate, schema};

/// The models of an application: verified, described, pushed to a database and migrated (the
/// `migrate` feature).
#[cfg(feature = "migrate")]
#[doc(inline)]
pub use orm_migrate::schema::Schema;

#[cfg(feature = "testing")]
pub mod testing;

/// Runs an `async fn(db: Client) -> orm_runtime::Result<()>` as a test on a fresh, isolated
/// database (feature `testing`; see [`testing`]): `#[orm_runtime::test]` (an empty database),
/// `#[orm_runtime::test(schema = my_schema())]` (the models pushed) or
/// `#[orm_runtime::test(migrations = my_migrator)]` (the migrations applied: a `Migrator`, or a
/// function from the dialect to one), and `fixtures = my_fixtures` (an
/// `async fn(&Client) -> orm_runtime::Result<()>` run first). The server comes from
/// `ORM_TEST_DATABASE_URL` (SQLite when unset); a failure panics with the backend.
#[cfg(feature = "testing")]
pub use orm_macros::test;

/// The names most programs need: `use orm_runtime::prelude::*;`.
pub mod prelude {
    #[doc(inline)]
    pub use orm_core::prelude::*;
    #[cfg(feature = "migrate")]
    #[doc(inline)]
    pub use orm_migrate::schema::Schema;
}
