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

pub mod client;
pub mod error;
pub mod model;
pub mod query;
mod raw;
pub mod schema;
pub mod sql;
pub mod types;
mod value;

pub use client::{Client, ClientOptions, Executor, IsolationLevel, Transaction};
pub use error::{Error, Result};
pub use model::Model;
pub use query::{Filter, ModelQuery, Patch, UniqueFilter};
pub use raw::{FromRow, RawBind, RawSql};
pub use schema::Schema;
pub use types::{DbEnum, Json};
pub use value::Value;

/// Derives [`Model`](trait@Model) for a struct: typed column handles, the row decoder, the
/// `New<Model>` insert type, the `<Model>Update` type and the schema description.
///
/// # Struct attributes — `#[orm(...)]` on the struct
/// - `table = "name"`: the table name. Default: the struct name in snake case, pluralised with a
///   trailing `s` (`User` → `users`, `PostTag` → `post_tags`, `Category` → `categorys` — name it).
/// - `id(a, b)`: a composite primary key.
/// - `unique(a, b)`: a compound unique constraint (repeatable); generates a key handle `A_B`.
/// - `index(a, b)`: a secondary index (repeatable).
///
/// # Field attributes
/// - `id`: the primary key.
/// - `unique`: a single-column unique constraint; `eq` on the column then gives a `UniqueFilter`.
/// - `index`: a single-column index.
/// - `column = "name"`: the column name (default: the field name).
/// - `default = cuid | uuid | uuid_v7 | autoincrement | now | <literal> | <path>`: the default.
/// - `updated_at`: set to the current time on every create and update.
/// - `db_type = "TEXT"`: the column type in generated DDL.
///
/// ```
/// use orm_runtime::prelude::*;
///
/// #[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
/// pub enum Role { User, Admin }
///
/// #[derive(Model, Debug)]
/// #[orm(table = "accounts", unique(provider, provider_account_id), index(user_id))]
/// pub struct Account {
///     #[orm(id, default = autoincrement)]
///     pub id: i64,
///     pub user_id: String,
///     pub provider: String,
///     pub provider_account_id: String,
///     #[orm(default = Role::User)]
///     pub role: Role,
///     #[orm(default = now)]
///     pub created_at: chrono::DateTime<chrono::Utc>,
///     #[orm(updated_at)]
///     pub updated_at: chrono::DateTime<chrono::Utc>,
/// }
///
/// let _key = Account::PROVIDER_PROVIDER_ACCOUNT_ID.eq(("github", "42"));
/// let _filter = Account::ROLE.eq(Role::Admin) & Account::USER_ID.starts_with("u_");
/// ```
pub use orm_macros::Model;

/// Derives [`DbEnum`](trait@DbEnum) for a fieldless enum stored as a PostgreSQL enum type, a MySQL
/// `ENUM`, or SQLite `TEXT`.
///
/// - `#[orm(name = "role")]` on the enum: the database type name (default: snake case of the name).
/// - `#[orm(rename_all = "SCREAMING_SNAKE_CASE" | "snake_case" | "lowercase")]`: variant naming
///   (default: as written).
/// - `#[orm(rename = "x")]` on a variant: its database name.
///
/// ```
/// use orm_runtime::prelude::*;
/// #[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
/// #[orm(rename_all = "SCREAMING_SNAKE_CASE")]
/// pub enum Theme { Light, Dark, System }
/// assert_eq!(Theme::Dark.db_name(), "DARK");
/// ```
pub use orm_macros::DbEnum;

/// Derives [`FromRow`] for a struct with named fields: each field is read from the column of the same
/// name (or `#[orm(column = "...")]`).
pub use orm_macros::FromRow;

/// Builds a [`RawSql`] from a string literal; `{expr}` holes become bind parameters (`{{` and `}}` are
/// literal braces). Values can never be interpolated into the text.
pub use orm_macros::sql;

/// Everything a user needs in scope: the derives, the query entry points and the common types.
pub mod prelude {
    pub use crate::query::{Filter, ModelQuery, Patch, UniqueFilter};
    pub use crate::{
        Client, ClientOptions, DbEnum, Error, FromRow, IsolationLevel, Json, Model, Schema,
        Transaction, sql,
    };
}

#[doc(hidden)]
pub mod __private {
    pub use crate::__impl_field_type_for_scalar;
    pub use crate::model::{
        ColumnDef, CreateInput, DefaultDef, IndexDef, ModelDef, UniqueDef, UpdateInput,
    };
    pub use crate::query::Change;
    pub use crate::raw::RawBind;
    pub use crate::types::{
        DecodeError, EnumDef, FieldType, IntoValue, RowRef, Scalar, ScalarKind,
    };
    pub use crate::{Error, Value};

    /// Column types `#[orm(default = now)]` and `#[orm(updated_at)]` accept.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot hold a timestamp",
        label = "`now` and `updated_at` need a date-time field",
        note = "use chrono::DateTime<Utc> or chrono::NaiveDateTime (or an Option of one)"
    )]
    pub trait TimeField {}
    impl TimeField for chrono::DateTime<chrono::Utc> {}
    impl TimeField for chrono::NaiveDateTime {}
    impl TimeField for Option<chrono::DateTime<chrono::Utc>> {}
    impl TimeField for Option<chrono::NaiveDateTime> {}
    /// Column types `#[orm(default = cuid)]` accepts.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot hold a CUID",
        label = "`cuid` needs a String field"
    )]
    pub trait CuidField {}
    impl CuidField for String {}
    impl CuidField for Option<String> {}
    /// Column types `#[orm(default = uuid)]` accepts.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot hold a UUID",
        label = "`uuid` needs a uuid::Uuid or String field"
    )]
    pub trait UuidField {}
    impl UuidField for uuid::Uuid {}
    impl UuidField for String {}
    impl UuidField for Option<uuid::Uuid> {}
    impl UuidField for Option<String> {}
    /// Column types `#[orm(default = autoincrement)]` accepts.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot auto-increment",
        label = "`autoincrement` needs an i16, i32 or i64 field"
    )]
    pub trait AutoIncrementField {}
    impl AutoIncrementField for i16 {}
    impl AutoIncrementField for i32 {}
    impl AutoIncrementField for i64 {}
    /// Compile-time checks the derive emits, spanned at the user's tokens.
    pub fn assert_field_type<T: FieldType>() {}
    /// See [`TimeField`].
    pub fn assert_time<T: TimeField>() {}
    /// See [`CuidField`].
    pub fn assert_cuid<T: CuidField>() {}
    /// See [`UuidField`].
    pub fn assert_uuid<T: UuidField>() {}
    /// See [`AutoIncrementField`].
    pub fn assert_autoincrement<T: AutoIncrementField>() {}

    /// Wraps a column decode error with its model and column.
    pub fn decode_error(model: &'static str, column: &'static str, e: DecodeError) -> Error {
        Error::decode(Some(model), column, e)
    }
}
