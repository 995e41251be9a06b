//! Nested writes: related rows created, connected, disconnected, updated or deleted along with a
//! `create` or `update`, in one transaction.

use futures_util::future::BoxFuture;

use super::field::{BelongsTo, HasMany, HasOne, RelationField, ToOneTarget};
use super::handle::Relation;
use crate::client::{DbRef, Executor};
use crate::error::{Error, Result};
use crate::model::{ColumnDef, CreateInput, Model, ModelDef, UpdateInput};
use crate::query::{Change, CmpOp, CreateMany, Expr, Filter, ModelQuery, UniqueFilter};
use crate::sql::Writer;
use crate::value::Value;

/// A write to a relation of model `M`, run with the `create` or `update` of an `M` row by
/// `.with(..)`. Built from a relation handle: `User::SETTINGS.create(..)`, `User::POSTS.connect(..)`,
/// `Post::CATEGORY.connect_or_create(..)`, ...
///
/// ```no_run
/// # use orm_runtime::prelude::*;
/// # #[derive(Model, Debug, Clone)] struct User { #[orm(id, default = cuid)] id: String, #[orm(unique)] email: String,
/// #   #[orm(has_one)] settings: HasOne<Settings>, #[orm(has_many)] posts: HasMany<Post> }
/// # #[derive(Model, Debug, Clone)] struct Settings { #[orm(id, default = cuid)] id: String, #[orm(unique)] user_id: String,
/// #   #[orm(default = false)] dark: bool, #[orm(belongs_to(fk = user_id))] user: BelongsTo<User> }
/// # #[derive(Model, Debug, Clone)] struct Post { #[orm(id, default = cuid)] id: String, #[orm(unique)] slug: String,
/// #   author_id: Option<String>, #[orm(belongs_to(fk = author_id))] author: BelongsTo<Option<User>> }
/// # async fn f(db: &Client) -> orm_runtime::Result<()> {
/// let ada = User::create(NewUser { email: "ada@example.com".into(), ..Default::default() })
///     .with(User::SETTINGS.create(NewSettings { dark: Some(true), ..Default::default() }))
///     .exec(db)
///     .await?;
/// User::update(User::ID.eq(&ada.id))
///     .with(User::POSTS.connect(Post::SLUG.eq("hello")))
///     .with(User::POSTS.disconnect(Post::SLUG.eq("old")))
///     .exec(db)
///     .await?;
/// # Ok(()) }
/// ```
pub struct NestedWrite<M> {
    inner: Inner<M>,
}

enum Inner<M> {
    Before(Box<dyn BeforeOp>),
    After(Box<dyn AfterOp<M>>),
}

impl<M: Model> NestedWrite<M> {
    #[allow(clippy::type_complexity)]
    pub(crate) fn split(
        all: Vec<NestedWrite<M>>,
    ) -> (Vec<Box<dyn BeforeOp>>, Vec<Box<dyn AfterOp<M>>>) {
        let mut before = Vec::new();
        let mut after = Vec::new();
        for w in all {
            match w.inner {
                Inner::Before(b) => before.push(b),
                Inner::After(a) => after.push(a),
            }
        }
        (before, after)
    }
}

/// Runs before the parent row is written: resolves a `BelongsTo` foreign key.
pub(crate) trait BeforeOp: Send + Sync {
    /// The foreign-key column and its new value.
    fn run<'a>(self: Box<Self>, db: DbRef<'a>) -> BoxFuture<'a, Result<(usize, Value)>>;
}

/// Runs after the parent row is written: writes the rows that refer to it.
pub(crate) trait AfterOp<M>: Send + Sync {
    fn run<'a>(self: Box<Self>, db: DbRef<'a>, parent: &'a mut M) -> BoxFuture<'a, Result<()>>;
}

enum ToOneKind<T: Model> {
    Connect(UniqueFilter<T>),
    Create(T::Create),
    ConnectOrCreate(UniqueFilter<T>, T::Create),
    Disconnect,
}

struct ToOneWrite<T: Model> {
    fk: usize,
    key: usize,
    nullable: bool,
    kind: ToOneKind<T>,
}

impl<T: Model> BeforeOp for ToOneWrite<T>
where
    T::Create: Sync,
{
    fn run<'a>(self: Box<Self>, db: DbRef<'a>) -> BoxFuture<'a, Result<(usize, Value)>> {
        Box::pin(async move {
            let row = match self.kind {
                ToOneKind::Disconnect => {
                    if !self.nullable {
                        return Err(Error::InvalidQuery(
                            "disconnect needs a nullable foreign key".into(),
                        ));
                    }
                    let kind = T::DEF.columns[self.key].kind;
                    return Ok((self.fk, Value::Null(kind)));
                }
                ToOneKind::Connect(f) => T::find_unique_or_throw(f).unscoped().exec(&db).await?,
                ToOneKind::Create(data) => T::create(data).exec(&db).await?,
                ToOneKind::ConnectOrCreate(f, data) => {
                    match T::find_unique(f).unscoped().exec(&db).await? {
                        Some(row) => row,
                        None => T::create(data).exec(&db).await?,
                    }
                }
            };
            Ok((self.fk, row.column_value(self.key)))
        })
    }
}

impl<M: Model, T: ToOneTarget> Relation<M, BelongsTo<T>>
where
    <T::Model as Model>::Create: Sync,
{
    fn to_one(self, kind: ToOneKind<T::Model>) -> NestedWrite<M> {
        let def = self.def();
        NestedWrite {
            inner: Inner::Before(Box::new(ToOneWrite {
                fk: def.fk[0],
                key: def.target_column().index,
                nullable: def.optional,
                kind,
            })),
        }
    }

    /// Points the foreign key at an existing row ([`Error::NotFound`] if there is none).
    pub fn connect(self, row: UniqueFilter<T::Model>) -> NestedWrite<M> {
        self.to_one(ToOneKind::Connect(row))
    }

    /// Creates the related row first and points the foreign key at it.
    pub fn create(self, data: <T::Model as Model>::Create) -> NestedWrite<M> {
        self.to_one(ToOneKind::Create(data))
    }

    /// Points the foreign key at the row `row` finds, creating it from `data` if there is none.
    pub fn connect_or_create(
        self,
        row: UniqueFilter<T::Model>,
        data: <T::Model as Model>::Create,
    ) -> NestedWrite<M> {
        self.to_one(ToOneKind::ConnectOrCreate(row, data))
    }
}

impl<M: Model, T: Model> Relation<M, BelongsTo<Option<T>>>
where
    T::Create: Sync,
{
    /// Sets the (nullable) foreign key to `NULL`.
    pub fn disconnect(self) -> NestedWrite<M> {
        self.to_one(ToOneKind::Disconnect)
    }
}

enum ChildKind {
    Create(Vec<Vec<Option<Value>>>),
    Connect(Vec<Expr>),
    Disconnect(Expr),
    Set(Vec<Expr>),
    Delete(Expr, bool),
    Update(Expr, Vec<(usize, Change)>),
    Upsert(Expr, Vec<Option<Value>>, Vec<(usize, Change)>),
}

struct ChildWrite<P, W> {
    rel: Relation<P, W>,
    kind: ChildKind,
}

/// The rows of `target` whose foreign key `fk` refers to one parent, keyed `key`.
struct Children<'a> {
    db: DbRef<'a>,
    target: &'static ModelDef,
    fk: &'static ColumnDef,
    key: Value,
}

impl Children<'_> {
    /// `fk = key AND filter`.
    fn of_parent(&self, filter: Expr) -> Expr {
        Expr::Compare {
            column: self.fk,
            op: CmpOp::Eq,
            value: self.key.clone(),
            insensitive: false,
        }
        .and(filter)
    }

    /// Sets the foreign key of the rows `filter` matches (and their `updated_at`).
    async fn set_fk(&self, filter: Expr, value: Value) -> Result<u64> {
        let changes =
            crate::query::with_updated_at(self.target, vec![(self.fk.index, Change::Set(value))]);
        self.update(filter, changes).await
    }

    async fn update(&self, filter: Expr, changes: Vec<(usize, Change)>) -> Result<u64> {
        let mut w = Writer::new(self.db.__dialect());
        w.update(self.target, &changes, &filter, false);
        Ok(self
            .db
            .__execute(w.finish(Some(self.target))?)
            .await?
            .rows_affected)
    }

    /// Points each row one of `rows` finds at the parent ([`Error::NotFound`] if one is missing).
    async fn connect(&self, rows: Vec<Expr>) -> Result<()> {
        let wanted = rows.len() as u64;
        if wanted > 0 && self.set_fk(Expr::Or(rows), self.key.clone()).await? < wanted {
            return Err(Error::NotFound {
                model: self.target.name,
            });
        }
        Ok(())
    }

    /// Sets the foreign key of the parent's rows `filter` matches to `NULL`.
    async fn detach(&self, filter: Expr) -> Result<()> {
        if !self.fk.nullable {
            return Err(Error::InvalidQuery(format!(
                "{}.{} is not nullable: a {} cannot be disconnected, only deleted",
                self.target.name, self.fk.field, self.target.name
            )));
        }
        self.set_fk(self.of_parent(filter), Value::Null(self.fk.kind))
            .await?;
        Ok(())
    }

    /// Inserts rows referring to the parent.
    async fn create<T: Model>(&self, mut rows: Vec<Vec<Option<Value>>>) -> Result<Vec<T>> {
        for r in &mut rows {
            r[self.fk.index] = Some(self.key.clone());
        }
        CreateMany::<T>::from_values(rows)
            .and_return()
            .exec(&self.db)
            .await
    }
}

impl<P: Model, W: RelationField> AfterOp<P> for ChildWrite<P, W> {
    fn run<'a>(self: Box<Self>, db: DbRef<'a>, parent: &'a mut P) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let def = self.rel.def();
            let c = Children {
                db,
                target: <W::Target as Model>::DEF,
                fk: def.target_column(),
                key: parent.column_value(def.source_column().index),
            };
            match self.kind {
                ChildKind::Create(rows) => {
                    let created = c.create::<W::Target>(rows).await?;
                    (self.rel.slot())(parent).__load(created);
                }
                ChildKind::Connect(rows) => c.connect(rows).await?,
                ChildKind::Disconnect(filter) => c.detach(filter).await?,
                ChildKind::Set(rows) => {
                    c.detach(Expr::Not(Box::new(Expr::Or(rows.clone()))))
                        .await?;
                    c.connect(rows).await?;
                }
                ChildKind::Delete(filter, unique) => {
                    // A soft-deleting target's rows are marked deleted, as by `delete_many`.
                    let statement = crate::query::delete_rows(
                        db.__dialect(),
                        c.target,
                        &c.of_parent(filter),
                        true,
                    )?;
                    let r = db.__execute(statement).await?;
                    if unique && r.rows_affected == 0 {
                        return Err(Error::NotFound {
                            model: c.target.name,
                        });
                    }
                }
                ChildKind::Update(filter, changes) => {
                    if !changes.is_empty() {
                        let changes = crate::query::with_updated_at(c.target, changes);
                        c.update(c.of_parent(filter), changes).await?;
                    }
                }
                ChildKind::Upsert(filter, create, changes) => {
                    let existing = crate::query::FindMany::<W::Target>::new()
                        .unscoped()
                        .filter(Filter::from_expr(c.of_parent(filter.clone())))
                        .take(1)
                        .exec(&db)
                        .await?;
                    if existing.is_empty() {
                        let created = c.create::<W::Target>(vec![create]).await?;
                        (self.rel.slot())(parent).__load(created);
                    } else if !changes.is_empty() {
                        let changes = crate::query::with_updated_at(c.target, changes);
                        c.update(c.of_parent(filter), changes).await?;
                    }
                }
            }
            Ok(())
        })
    }
}

impl<P: Model, W: RelationField> Relation<P, W> {
    fn child(self, kind: ChildKind) -> NestedWrite<P> {
        NestedWrite {
            inner: Inner::After(Box::new(ChildWrite { rel: self, kind })),
        }
    }
}

impl<P: Model, T: Model> Relation<P, HasMany<T>> {
    /// Creates a related row (its foreign key is set to the parent's key, whatever `data` says).
    pub fn create(self, data: T::Create) -> NestedWrite<P> {
        self.child(ChildKind::Create(vec![data.into_values()]))
    }

    /// Creates related rows, in as few statements as the bind limit allows.
    pub fn create_many(self, data: impl IntoIterator<Item = T::Create>) -> NestedWrite<P> {
        self.child(ChildKind::Create(
            data.into_iter().map(CreateInput::into_values).collect(),
        ))
    }

    /// Points an existing row's foreign key at the parent ([`Error::NotFound`] if there is none).
    pub fn connect(self, row: UniqueFilter<T>) -> NestedWrite<P> {
        self.child(ChildKind::Connect(vec![row.filter.into_expr()]))
    }

    /// Detaches a related row (sets its nullable foreign key to `NULL`).
    pub fn disconnect(self, row: UniqueFilter<T>) -> NestedWrite<P> {
        self.child(ChildKind::Disconnect(row.filter.into_expr()))
    }

    /// Makes `rows` exactly the related rows: detaches the others, connects these.
    pub fn set(self, rows: impl IntoIterator<Item = UniqueFilter<T>>) -> NestedWrite<P> {
        self.child(ChildKind::Set(
            rows.into_iter().map(|r| r.filter.into_expr()).collect(),
        ))
    }

    /// Deletes a related row ([`Error::NotFound`] if the parent has no such row).
    pub fn delete(self, row: UniqueFilter<T>) -> NestedWrite<P> {
        self.child(ChildKind::Delete(row.filter.into_expr(), true))
    }

    /// Deletes the related rows matching `filter`.
    pub fn delete_many(self, filter: impl Into<Filter<T>>) -> NestedWrite<P> {
        self.child(ChildKind::Delete(filter.into().into_expr(), false))
    }

    /// Updates the related row `row` finds with `update`, or creates it from `create` when the
    /// parent has no such row.
    pub fn upsert(
        self,
        row: UniqueFilter<T>,
        create: T::Create,
        update: T::Update,
    ) -> NestedWrite<P> {
        self.child(ChildKind::Upsert(
            row.filter.into_expr(),
            create.into_values(),
            update.into_changes(),
        ))
    }

    /// Updates the related rows matching `filter`.
    pub fn update_many(self, filter: impl Into<Filter<T>>, data: T::Update) -> NestedWrite<P> {
        self.child(ChildKind::Update(
            filter.into().into_expr(),
            data.into_changes(),
        ))
    }
}

impl<P: Model, T: Model> Relation<P, HasOne<T>> {
    /// Creates the related row (its foreign key is set to the parent's key).
    pub fn create(self, data: T::Create) -> NestedWrite<P> {
        self.child(ChildKind::Create(vec![data.into_values()]))
    }

    /// Points an existing row's foreign key at the parent.
    pub fn connect(self, row: UniqueFilter<T>) -> NestedWrite<P> {
        self.child(ChildKind::Connect(vec![row.filter.into_expr()]))
    }

    /// Detaches the related row (sets its nullable foreign key to `NULL`).
    pub fn disconnect(self) -> NestedWrite<P> {
        self.child(ChildKind::Disconnect(Expr::Bool(true)))
    }

    /// Deletes the related row, if any.
    pub fn delete(self) -> NestedWrite<P> {
        self.child(ChildKind::Delete(Expr::Bool(true), false))
    }

    /// Updates the related row with `update`, or creates it from `create` when there is none.
    pub fn upsert(self, create: T::Create, update: T::Update) -> NestedWrite<P> {
        self.child(ChildKind::Upsert(
            Expr::Bool(true),
            create.into_values(),
            update.into_changes(),
        ))
    }

    /// Updates the related row, if any.
    pub fn update(self, data: T::Update) -> NestedWrite<P> {
        self.child(ChildKind::Update(Expr::Bool(true), data.into_changes()))
    }
}
