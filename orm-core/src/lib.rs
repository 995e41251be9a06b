//! The core of [`orm-runtime`](https://docs.rs/orm-runtime): models, queries, relations, the SQL
//! writer and its dialects, the drivers, transactions and errors.
//!
//! Depend on `orm-runtime`, which re-exports this crate and, behind its `migrate` feature, the
//! migration engine (`orm-migrate`). The examples here are written against `orm-runtime`.

#![warn(missing_docs)]

// The derives name `::orm_runtime`; this crate's own unit tests use them too.
#[cfg(test)]
extern crate self as orm_runtime;

mod ast;
pub mod client;
mod driver;
pub mod error;
pub mod hooks;
pub mod model;
pub mod query;
mod raw;
pub mod relation;
pub mod schema;
pub mod sql;
pub mod types;
mod value;

pub use client::{Client, ClientOptions, Executor, IsolationLevel, Transaction};
pub use driver::with_statement_timeout;
pub use error::{Error, Result};
pub use model::Model;
pub use query::{Filter, ModelQuery, Patch, UniqueFilter};
pub use raw::{FromRow, RawBind, RawSql};
pub use relation::{BelongsTo, HasMany, HasOne, Select, Strategy};
pub use types::{DbEnum, Json};
pub use value::Value;

/// Derives [`Model`](trait@Model) for a struct: typed column handles, the row decoder, the
/// `New<Model>` insert type, the `<Model>Update` type and the schema description.
///
/// # Struct attributes — `#[orm(...)]` on the struct
/// - `crate = "path"`: where the runtime is, when it is not `::orm_runtime` (a renamed dependency,
///   or a crate re-exporting it); every derive takes it, and `sql!` takes `crate = path;` first.
/// - `table = "name"`: the table name. Default: the struct name in snake case, pluralised with a
///   trailing `s` (`User` → `users`, `PostTag` → `post_tags`, `Category` → `categorys` — name it).
/// - `id(a, b)`: a composite primary key.
/// - `unique(a, b)`: a compound unique constraint (repeatable); generates a key handle `A_B`.
/// - `index(a, b)`: a secondary index (repeatable).
/// - `fulltext(a, b(weight = "A"), language = "english")`: a full-text index over text fields
///   (repeatable), with a language (default `simple`: no stemming) and optional weights `"A"`
///   (highest) to `"D"` (a field without one weighs `"D"` when another has one); generates the
///   handle `A_B_FTS` ([`FullText`](query::FullText): `matches` and `relevance`).
///
/// # Field attributes
/// - `id`: the primary key.
/// - `unique`: a single-column unique constraint; `eq` on the column then gives a `UniqueFilter`.
/// - `index`: a single-column index.
/// - `column = "name"`: the column name (default: the field name).
/// - `default = cuid | uuid | uuid_v7 | autoincrement | now | <literal> | <path>`: the default.
/// - `updated_at`: set to the current time on every create and update.
/// - `soft_delete`, on one `Option<DateTime<Utc>>` field: `delete`/`delete_many` (and nested
///   deletes) set it to the current time instead of removing the row, and every read leaves such
///   rows out — unique lookups, lists, counts, aggregates, group by, includes, relation counts and
///   relation filters, with both load strategies; updates skip them. `.with_deleted()` /
///   `.only_deleted()` on reads (and `with_deleted` on updates) see them, `Model::restore(key)` /
///   `restore_many()` bring them back, `.force()` on a delete removes rows for good (see
///   [`SoftDelete`](model::SoftDelete)). Unique constraints still count soft-deleted rows: a new row
///   cannot take a soft-deleted row's key (restore or force-delete it). Raw SQL and upserts see every
///   row; database `ON DELETE` actions do not run on a soft delete.
/// - `db_type = "TEXT"`: the column type in generated DDL.
///
/// # Relation fields
/// Fields of type [`BelongsTo`], [`HasOne`] or [`HasMany`] are relations, not columns (see
/// [`relation`]). The derive generates a handle per relation (`Post::AUTHOR`) and an accessor
/// `author_query()`.
/// - `belongs_to(fk = field, on_delete = Action, on_update = Action, index = bool)`: this model holds
///   the foreign key `field`; `BelongsTo<Option<T>>` when it is nullable. `on_delete` defaults to
///   `SetNull` for an optional relation and `Restrict` otherwise, `on_update` to `Cascade`; actions
///   are `Cascade`, `Restrict`, `NoAction`, `SetNull`, `SetDefault`. `index = false` opts out of the
///   foreign-key index.
/// - `has_many` / `has_one`: the other model holds the foreign key, in its single `belongs_to` to this
///   model; `has_many(inverse = field)` names that `belongs_to` when there are several.
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

/// Derives [`Select`](trait@Select): a struct shaped after a model, for `.select::<T>()`.
///
/// - `#[orm(model = Post)]` on the struct: the model it reads (required).
/// - A plain field is the model's column of the same name and type (`#[orm(field = name)]` to
///   read another one). A missing column or a different type is a compile error at the field.
/// - `#[orm(relation)]`: a relation of the same name (`#[orm(relation = name)]` otherwise), selected
///   as a nested select struct `S` (required `BelongsTo`), `Option<S>` (optional `BelongsTo`,
///   `HasOne`) or `Vec<S>` (`HasMany`). `#[orm(relation(through = PostTag::TAG))] tags: Vec<TagChip>`
///   goes through a join model: `Post.tags` (`PostTag` rows) selected as their `tag`s. A to-many
///   relation takes `order_by = <order>` (on the related model, or the join model with `through`:
///   `relation(through = PostTag::TAG, order_by = PostTag::TAG.field(Tag::NAME).asc())`).
/// - `#[orm(count = comments)]` / `#[orm(count(likes, filter = <Filter>))]`: an `i64` relation count.
/// - `#[orm(computed(with = <function>, needs = [name, username, count(posts, filter = ..)]))]`: a
///   field computed by a function of yours from what it declares it needs, passed in that order —
///   columns by reference (`&Option<String>`), counts as `i64`. The needed columns and counts are
///   read whether or not the struct names them; an unknown column or a function whose parameters do
///   not fit the needs is a compile error at the attribute. A select reads one count per relation:
///   counting one relation twice with different filters is a compile error.
/// - `#[orm(relevance = TITLE_CONTENT_FTS)] score: f64`: how well the row matches the query's
///   search through that full-text index of the model — the search it is ordered by
///   (`.order_by(Post::TITLE_CONTENT_FTS.relevance(q).desc())`), else the one its filter
///   `matches`; the value the rows are ordered by, computed once. A query with neither fails with
///   `Error::InvalidQuery`. Only the query's own rows can read relevance (a relation cannot be
///   selected as such a struct), and such a select does not stream. See
///   [`FullText`](query::FullText).
/// - `#[orm(snippet = content)] excerpt: Option<Snippet>`: the column's text around the matches of
///   the query's search through a full-text index holding it (found as for `relevance`), the
///   matched words marked ([`Snippet`](query::Snippet): `to_html()` escapes the text). PostgreSQL
///   `ts_headline`, SQLite FTS5 `snippet()` (16 tokens); `None` for a `NULL` column, and always on
///   MySQL/MariaDB, which have no snippets. A page (`take`) computes them for its rows only.
///
/// ```
/// use orm_runtime::prelude::*;
/// # #[derive(Model, Debug, Clone)] struct User { #[orm(id)] id: i64, name: String, #[orm(has_many)] posts: HasMany<Post> }
/// # #[derive(Model, Debug, Clone)] struct Post { #[orm(id)] id: i64, title: String, published: bool, author_id: i64,
/// #   #[orm(belongs_to(fk = author_id))] author: BelongsTo<User> }
/// #[derive(Select, Debug)]
/// #[orm(model = User)]
/// struct AuthorCard {
///     id: i64,
///     #[orm(computed(with = initial, needs = [name]))]
///     initial: char,
/// }
///
/// fn initial(name: &String) -> char {
///     name.chars().next().unwrap_or('?')
/// }
///
/// #[derive(Select, Debug)]
/// #[orm(model = Post)]
/// struct PostCard {
///     id: i64,
///     title: String,
///     #[orm(relation)]
///     author: AuthorCard,
/// }
///
/// #[derive(Select, Debug)]
/// #[orm(model = User)]
/// struct Profile {
///     name: String,
///     #[orm(relation)]
///     posts: Vec<PostCard>,
///     #[orm(count(posts, filter = Post::PUBLISHED.eq(true)))]
///     published: i64,
///     #[orm(computed(with = rank, needs = [count(posts, filter = Post::PUBLISHED.eq(true))]))]
///     rank: &'static str,
/// }
///
/// fn rank(published: i64) -> &'static str {
///     if published >= 10 { "prolific" } else { "new" }
/// }
/// # async fn f(db: &Client) -> orm_runtime::Result<()> {
/// let cards: Vec<PostCard> = Post::find_many().take(20).select::<PostCard>().exec(db).await?;
/// # Ok(()) }
/// ```
pub use orm_macros::Select;

/// Builds a [`RawSql`] from a string literal; `{expr}` holes become bind parameters (`{{` and `}}` are
/// literal braces). Values can never be interpolated into the text.
///
/// ```
/// use orm_runtime::sql;
/// let min = 18_i32;
/// let query = sql!("SELECT id FROM users WHERE age >= {min}");
/// // Where the runtime is re-exported under another name, say so first:
/// let same = sql!(crate = ::orm_runtime; "SELECT id FROM users WHERE age >= {min}");
/// # let _ = (query, same);
/// ```
pub use orm_macros::sql;

/// Everything a user needs in scope: the derives, the query entry points and the common types.
pub mod prelude {
    pub use crate::query::{Agg, Filter, ModelQuery, Patch, Scope, UniqueFilter};
    pub use crate::{
        BelongsTo, Client, ClientOptions, DbEnum, Error, FromRow, HasMany, HasOne, IsolationLevel,
        Json, Model, Select, Strategy, Transaction, sql,
    };
}

/// What the migration engine (`orm-migrate`) needs from the core and users do not: the dialects'
/// DDL, native types, and a dedicated connection for migration scripts. Not a public API.
#[doc(hidden)]
pub mod __migrate {
    pub use crate::driver::script::{MigConn, has_statements};
    pub use crate::schema::HISTORY_TABLE;
    pub use crate::schema::native;
    pub use crate::sql::Ddl;
}

#[doc(hidden)]
pub mod __private {
    // Every path generated code names, traits and types alike, so that it needs the runtime at one
    // path only (`#[orm(crate = "...")]` overrides it) and public paths can move freely.
    pub use crate::__impl_field_type_for_scalar;
    pub use crate::model::{
        Column, ColumnDef, CreateInput, DefaultDef, FullTextDef, IndexDef, Model, ModelDef, Plain,
        SoftDelete, Unique, UniqueDef, UniqueKey, UpdateInput,
    };
    pub use crate::query::{Change, FindMany, FullText, Patch, Snippet};
    pub use crate::raw::{FromRow, RawBind, RawSql};
    pub use crate::relation::__select_glue as select;
    pub use crate::relation::{
        Action, BelongsToOf, CountInclude, Include, NoSearch, ReadsSearch, Relation, RelationDef,
        RelationField, RelationKind, SearchReads, SearchValues, Select, ToOneTarget,
    };
    pub use crate::types::{
        DbEnum, DecodeError, EnumDef, FieldType, IntoValue, RowRef, Scalar, ScalarKind,
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
    /// See [`TextField`].
    pub fn assert_text<T: TextField>() {}
    /// Column types a full-text index reads.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not text",
        label = "a full-text index reads text fields",
        note = "index String or Option<String> fields"
    )]
    pub trait TextField {}
    impl TextField for String {}
    impl TextField for Option<String> {}
    /// See [`CuidField`].
    pub fn assert_cuid<T: CuidField>() {}
    /// See [`UuidField`].
    pub fn assert_uuid<T: UuidField>() {}
    /// See [`AutoIncrementField`].
    pub fn assert_autoincrement<T: AutoIncrementField>() {}
    /// See [`SoftDeleteField`].
    pub fn assert_soft_delete<T: SoftDeleteField>() {}

    /// Column types `#[orm(soft_delete)]` accepts: when the row was deleted, `None` while it is not.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot mark a soft-deleted row",
        label = "`soft_delete` needs an `Option<DateTime<Utc>>` field",
        note = "the field holds when the row was deleted, and `None` while it is not"
    )]
    pub trait SoftDeleteField {}
    impl SoftDeleteField for Option<chrono::DateTime<chrono::Utc>> {}

    /// A model whose primary key is one column, of type `Key`: what a `belongs_to` can reference.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not a model with a single-column primary key",
        note = "a `belongs_to` references the related model's primary key, which must be one column"
    )]
    pub trait SingleKey: crate::Model {
        /// The key's field type.
        type Key: FieldType;
    }

    /// A foreign-key field type matching a referenced key type: the same scalar, nullable or not.
    #[diagnostic::on_unimplemented(
        message = "the foreign key has type `{Self}`, but the referenced key is `{K}`",
        label = "this foreign key must hold the referenced key's type (or an `Option` of it)"
    )]
    pub trait ForeignKeyOf<K> {}
    impl<K: crate::types::Scalar> ForeignKeyOf<K> for K {}
    impl<K: crate::types::Scalar> ForeignKeyOf<K> for Option<K> {}

    /// Checks a `belongs_to`'s foreign key against the target's primary key.
    pub fn assert_foreign_key<T: SingleKey, F: ForeignKeyOf<T::Key>>() {}

    /// Checks that a relation field's type fits its attribute.
    pub fn assert_relation<W: RelationField>() {}

    /// The `belongs_to` relation a `has_one`/`has_many` names with `inverse = ..`: it must point back
    /// at the model declaring the `has_one`/`has_many`.
    pub const fn inverse<P, C, W>(rel: Relation<C, W>) -> &'static RelationDef
    where
        W: InverseOf<P>,
    {
        rel.def()
    }

    /// A `belongs_to` field type pointing at `P`.
    #[diagnostic::on_unimplemented(
        message = "`inverse` must name a `belongs_to` relation pointing back at `{P}`",
        label = "this relation is a `{Self}`"
    )]
    pub trait InverseOf<P> {}
    impl<P: crate::Model> InverseOf<P> for crate::BelongsTo<P> {}
    impl<P: crate::Model> InverseOf<P> for crate::BelongsTo<Option<P>> {}

    /// Wraps a column decode error with its model and column.
    pub fn decode_error(model: &'static str, column: &'static str, e: DecodeError) -> Error {
        Error::decode(Some(model), column, e)
    }
}
