//! Reads: `find_many`, `find_first`, `find_unique`, `count`.

use std::marker::PhantomData;

use super::AnyColumn;
use super::filter::{Expr, Filter, UniqueFilter};
use super::order::OrderKey;
use super::order::{IntoOrderBy, Order};
use crate::ast::{Lock, LockStrength, LockWait, TextSearch};
use crate::client::{DbRef, Executor};
use crate::error::{Error, Result};
use crate::hooks::OperationKind;
use crate::model::{Model, SoftDelete};
use crate::relation::{IntoCountInclude, IntoInclude, Select, Shape, Strategy};
use crate::relation::{SearchReads, SearchValues};
use crate::sql::{Deleted, Extra, OrderTerm, SelectSpec, Statement, Writer};
use crate::types::{FieldType, RowRef};

/// `include`, `with_count` and `strategy` for the single-row builders, forwarding to the inner
/// [`FindMany`].
macro_rules! relation_loading {
    () => {
        /// Loads a relation of the row (see [`FindMany::include`]).
        pub fn include(mut self, include: impl IntoInclude<M>) -> Self {
            self.inner = self.inner.include(include);
            self
        }
        /// Counts a to-many relation of the row (see [`FindMany::with_count`]).
        pub fn with_count(mut self, count: impl IntoCountInclude<M>) -> Self {
            self.inner = self.inner.with_count(count);
            self
        }
        /// Chooses how included relations load (see [`Strategy`]).
        pub fn strategy(mut self, strategy: Strategy) -> Self {
            self.inner = self.inner.strategy(strategy);
            self
        }
    };
}

/// Row locks for the single-row builders, forwarding to the inner [`FindMany`].
macro_rules! locking {
    () => {
        /// Locks the row until the transaction ends (see [`FindMany::for_update`]).
        pub fn for_update(mut self) -> Self {
            self.inner = self.inner.for_update();
            self
        }
        /// Share-locks the row until the transaction ends (see [`FindMany::for_share`]).
        pub fn for_share(mut self) -> Self {
            self.inner = self.inner.for_share();
            self
        }
        /// Fails at once if another transaction holds the row (see [`FindMany::nowait`]).
        pub fn nowait(mut self) -> Self {
            self.inner = self.inner.nowait();
            self
        }
        /// Returns nothing if another transaction holds the row (see [`FindMany::skip_locked`]).
        pub fn skip_locked(mut self) -> Self {
            self.inner = self.inner.skip_locked();
            self
        }
    };
}

/// `SELECT` of many rows. From [`ModelQuery::find_many`](super::ModelQuery::find_many).
///
/// ```no_run
/// # use orm_runtime::prelude::*;
/// # #[derive(Model, Debug)] struct Post { #[orm(id)] id: String, published: bool, created_at: chrono::DateTime<chrono::Utc> }
/// # async fn f(db: &Client, cursor: Option<String>) -> orm_runtime::Result<()> {
/// let page = Post::find_many()
///     .filter(Post::PUBLISHED.eq(true))
///     .order_by(Post::CREATED_AT.desc())
///     .cursor(cursor.map(|c| Post::ID.eq(c)))
///     .take(21)
///     .exec(db)
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct FindMany<M> {
    pub(crate) filter: Expr,
    pub(crate) order: Vec<OrderTerm>,
    pub(crate) skip: Option<u64>,
    pub(crate) take: Option<u64>,
    pub(crate) cursor: Option<Expr>,
    pub(crate) distinct: Vec<usize>,
    pub(crate) shape: Shape<M>,
    pub(crate) strategy: Option<Strategy>,
    pub(crate) lock: Option<LockStrength>,
    pub(crate) lock_wait: LockWait,
    pub(crate) deleted: Deleted,
    pub(crate) scope: super::ScopeUse,
    /// What a typed select reads of the query's searches (relevance, snippets).
    pub(crate) reads: SearchReads,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> Default for FindMany<M> {
    fn default() -> Self {
        FindMany::new()
    }
}

impl<M: Model> FindMany<M> {
    pub(crate) fn new() -> Self {
        FindMany {
            filter: Expr::Bool(true),
            order: Vec::new(),
            skip: None,
            take: None,
            cursor: None,
            distinct: Vec::new(),
            shape: Shape::default(),
            strategy: None,
            lock: None,
            lock_wait: LockWait::Wait,
            deleted: Deleted::Hidden,
            scope: super::ScopeUse::Full,
            reads: SearchReads::default(),
            _model: PhantomData,
        }
    }

    /// Leaves the client's [`Scope`](super::Scope)s of `M` out of this read.
    pub fn unscoped(mut self) -> Self {
        self.scope = super::ScopeUse::None;
        self
    }

    /// Loads a relation of every returned row: `include(User::POSTS)`, or a refined one,
    /// `include(User::POSTS.filter(..).order_by(..).take(5).include(Post::TAGS))`.
    /// No N+1: each included relation costs one statement for all rows (see [`Strategy`]).
    pub fn include(mut self, include: impl IntoInclude<M>) -> Self {
        self.shape.includes.push(include.into_include());
        self
    }

    /// Counts a to-many relation of every returned row (Prisma's `_count`), optionally filtered:
    /// `with_count(User::POSTS.filter(Post::PUBLISHED.eq(true)))`. Read it back with
    /// `user.posts.count()`. The count is part of the main statement.
    pub fn with_count(mut self, count: impl IntoCountInclude<M>) -> Self {
        self.shape.push_count(count.into_count_include());
        self
    }

    /// Chooses how included relations load (default: [`Strategy::default_for`] the backend).
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = Some(strategy);
        self
    }

    /// Returns rows shaped as the `#[derive(Select)]` struct `S`: the relations and counts it
    /// declares are loaded (no N+1), everything else is left out of the result.
    pub fn select<S: Select<Model = M>>(mut self) -> FindManySelect<S> {
        // A select names what it reads: scopes filter it, they do not shape it.
        if self.scope == super::ScopeUse::Full {
            self.scope = super::ScopeUse::Filter;
        }
        self.reads = S::__search_reads();
        FindManySelect {
            inner: self.with_select::<S>(),
        }
    }

    /// Loads the relations and counts select `S` reads.
    pub(crate) fn with_select<S: Select<Model = M>>(mut self) -> Self {
        self.shape.includes.extend(S::__includes());
        for c in S::__counts() {
            self.shape.push_count(c);
        }
        self
    }

    /// Keeps rows matching `filter` (ANDed with earlier filters).
    pub fn filter(mut self, filter: impl Into<Filter<M>>) -> Self {
        let expr = std::mem::replace(&mut self.filter, Expr::Bool(true));
        self.filter = expr.and(filter.into().expr);
        self
    }

    /// Adds an ordering term (earlier terms sort first). The primary key is appended as a final
    /// tie-break, in the direction of the last term (`created_at DESC` → `created_at DESC, id DESC`),
    /// so results are deterministic and an index on the order columns serves them.
    pub fn order_by(mut self, order: impl IntoOrderBy<M>) -> Self {
        let o = order.into_order_by();
        self.order.push(OrderTerm {
            key: o.key,
            order: o.order,
            nulls: o.nulls,
        });
        self
    }

    /// Orders by the primary key, ascending (replacing earlier order terms): the order of batched
    /// work over a table.
    ///
    /// ```no_run
    /// # use orm_runtime::prelude::*;
    /// # #[derive(Model, Debug, Clone)] struct Job { #[orm(id)] id: i64, done: bool }
    /// # async fn f(db: &Client) -> orm_runtime::Result<()> {
    /// let first = Job::find_many().filter(Job::DONE.eq(false)).order_by_key().take(100).exec(db).await?;
    /// # Ok(()) }
    /// ```
    pub fn order_by_key(mut self) -> Self {
        self.order = M::DEF
            .primary_key
            .iter()
            .map(|&pk| OrderTerm {
                key: OrderKey::Column(&M::DEF.columns[pk]),
                order: Order::Asc,
                nulls: None,
            })
            .collect();
        self
    }

    /// Skips the first `n` rows.
    pub fn skip(mut self, n: u64) -> Self {
        self.skip = Some(n);
        self
    }

    /// Returns at most `n` rows.
    pub fn take(mut self, n: u64) -> Self {
        self.take = Some(n);
        self
    }

    /// Starts at the row identified by `cursor` (inclusive) in this query's order. `None` starts at
    /// the beginning. The order is completed with the primary key, so pages are stable even when
    /// the order keys repeat.
    pub fn cursor(mut self, cursor: impl Into<Option<UniqueFilter<M>>>) -> Self {
        self.cursor = cursor.into().map(|c| c.filter.expr);
        self
    }

    /// Locks the returned rows against updates, deletes and other locks until the transaction ends
    /// (`SELECT .. FOR UPDATE`): read-then-write without a lost update. Inside a transaction only
    /// (outside one the lock would end with the statement: refused with [`Error::InvalidQuery`]);
    /// PostgreSQL and MySQL/MariaDB (SQLite has no row locks — a write transaction locks the whole
    /// database — and refuses it). The model's rows are locked, not those of included relations
    /// (which load with [`Strategy::Query`] under a lock) or counted ones; not with
    /// [`distinct`](Self::distinct).
    ///
    /// ```no_run
    /// # use orm_runtime::prelude::*;
    /// # #[derive(Model, Debug)] struct Job { #[orm(id)] id: i64, done: bool }
    /// # async fn f(db: &Client) -> orm_runtime::Result<()> {
    /// // A worker claims up to 10 open jobs no other worker holds, without waiting for them.
    /// db.transaction(|tx| async move {
    ///     let jobs = Job::find_many()
    ///         .filter(Job::DONE.eq(false))
    ///         .order_by(Job::ID.asc())
    ///         .take(10)
    ///         .for_update()
    ///         .skip_locked()
    ///         .exec(&tx)
    ///         .await?;
    ///     for job in jobs {
    ///         Job::update(Job::ID.eq(job.id)).set(Job::DONE, true).exec(&tx).await?;
    ///     }
    ///     Ok::<_, Error>(())
    /// })
    /// .await?;
    /// # Ok(()) }
    /// ```
    pub fn for_update(mut self) -> Self {
        self.lock = Some(LockStrength::Update);
        self
    }

    /// Locks the returned rows against updates and deletes, letting other transactions share the
    /// lock (`FOR SHARE`; MariaDB's `LOCK IN SHARE MODE`): the rows stay as read until the
    /// transaction ends. As [`for_update`](Self::for_update) otherwise.
    pub fn for_share(mut self) -> Self {
        self.lock = Some(LockStrength::Share);
        self
    }

    /// With a lock: fails at once with [`Error::LockTimeout`] instead of waiting when another
    /// transaction holds a row (`NOWAIT`). The failure aborts the transaction like any failed
    /// statement; run the read in a nested [`transaction`](crate::Transaction::transaction) to
    /// carry on after it.
    pub fn nowait(mut self) -> Self {
        self.lock_wait = LockWait::NoWait;
        self
    }

    /// With a lock: leaves out the rows another transaction holds instead of waiting for them
    /// (`SKIP LOCKED`; MariaDB 10.6+): work queues where each worker takes what is free.
    pub fn skip_locked(mut self) -> Self {
        self.lock_wait = LockWait::SkipLocked;
        self
    }

    /// The lock this query takes, checked against the query and the backend.
    pub(crate) fn lock(&self, dialect: crate::sql::Dialect) -> Result<Option<Lock>> {
        let Some(strength) = self.lock else {
            if self.lock_wait != LockWait::Wait {
                return Err(Error::InvalidQuery(format!(
                    "`nowait()`/`skip_locked()` on a {} read without `for_update()` or `for_share()`",
                    M::DEF.name
                )));
            }
            return Ok(None);
        };
        if !dialect.capabilities().row_locks {
            return Err(Error::InvalidQuery(format!(
                "{} has no row locks (a write transaction locks the whole database): drop `for_update()`/`for_share()` on the {} read",
                dialect.backend.name(),
                M::DEF.name
            )));
        }
        if !self.distinct.is_empty() {
            return Err(Error::InvalidQuery(format!(
                "a locking read of {} cannot be `distinct`: lock the rows, then keep one per group",
                M::DEF.name
            )));
        }
        Ok(Some(Lock {
            strength,
            wait: self.lock_wait,
        }))
    }

    /// Keeps only the first row (in this query's order) of each group of rows equal on `column`.
    /// Call again to add columns.
    pub fn distinct(mut self, column: impl AnyColumn<M>) -> Self {
        self.distinct.push(column.column_def().index);
        self
    }

    /// The order terms, completed with the primary key into a total order whenever there is an
    /// order (so equal keys always come back in the same order) or a cursor.
    pub(crate) fn effective_order(&self) -> Vec<OrderTerm> {
        if !self.order.is_empty() || self.cursor.is_some() {
            self.order_with_key()
        } else {
            self.order.clone()
        }
    }

    /// The order terms followed by the primary key columns they do not already name: a total order.
    pub(crate) fn order_with_key(&self) -> Vec<OrderTerm> {
        let mut order = self.order.clone();
        // Ties are broken by the primary key in the direction of the last term, so that an index on
        // the order columns (which ends with the key) serves the whole order in one direction;
        // `created_at DESC, id ASC` would make MySQL sort every row.
        let direction = order.last().map_or(Order::Asc, |t| t.order);
        for &pk in M::DEF.primary_key {
            if !order
                .iter()
                .any(|t| t.key.column().is_some_and(|c| c.index == pk))
            {
                order.push(OrderTerm {
                    key: OrderKey::Column(&M::DEF.columns[pk]),
                    order: direction,
                    nulls: None,
                });
            }
        }
        order
    }

    /// Whether the includes load with the `Join` strategy: asked for (or the backend's default),
    /// and able to carry every included column exactly through the backend's JSON (SQLite's renders
    /// floats with too few digits: those includes load with `Query`, which gives the same result).
    pub(crate) fn joined(&self, dialect: crate::sql::Dialect) -> bool {
        let strategy = self
            .strategy
            .unwrap_or_else(|| Strategy::default_for(dialect));
        strategy == Strategy::Join
            && self.lock.is_none()
            && !self.shape.includes.is_empty()
            && self
                .shape
                .join_specs()
                .iter()
                .all(|j| j.exact_in_json(dialect))
    }

    /// The `SELECT` this query sends (with the `Join` strategy's subqueries when it uses them;
    /// the `Query` strategy's statements per included relation follow once the rows are read).
    pub(crate) fn statement(&self, dialect: crate::sql::Dialect) -> Result<Statement> {
        let mut w = Writer::new(dialect);
        self.write_select(&mut w)?;
        w.finish(Some(M::DEF))
    }

    /// The first statement this query sends on `dialect`, its SQL text and binds, without a
    /// database: to assert on generated SQL, or to `EXPLAIN` it. Included relations are inside it
    /// when they load with [`Strategy::Join`](crate::Strategy::Join) (asked for, or the backend's
    /// default); with [`Strategy::Query`](crate::Strategy::Query) each adds a statement once the
    /// rows are read.
    ///
    /// ```
    /// # use orm_runtime::prelude::*;
    /// # use orm_runtime::sql::Dialect;
    /// # #[derive(Model, Debug)] struct Post { #[orm(id)] id: i64, published: bool }
    /// let st = Post::find_many().filter(Post::PUBLISHED.eq(true)).take(5).to_sql(Dialect::POSTGRES)?;
    /// assert_eq!(
    ///     st.sql,
    ///     r#"SELECT "id", "published" FROM "posts" WHERE "published" = $1 LIMIT 5"#
    /// );
    /// assert_eq!(st.binds, vec![orm_runtime::Value::Bool(true)]);
    /// # Ok::<(), orm_runtime::Error>(())
    /// ```
    pub fn to_sql(&self, dialect: crate::sql::Dialect) -> Result<Statement> {
        self.statement(dialect)
    }

    /// The search through `index` whose values a typed select reads (`what`, for the error): the
    /// search the query is ordered by, else the one its filter matches.
    fn read_search(
        &self,
        covers: impl Fn(&TextSearch) -> bool,
        what: &dyn Fn() -> String,
    ) -> Result<TextSearch> {
        if let Some(s) = self.order.iter().find_map(|t| match &t.key {
            OrderKey::Relevance(s) if covers(s) => Some(s),
            _ => None,
        }) {
            return Ok(s.clone());
        }
        let mut found: Vec<&TextSearch> = Vec::new();
        self.filter.searches(&mut |s| {
            if covers(s) && !found.iter().any(|f| f.same(s)) {
                found.push(s);
            }
        });
        match found[..] {
            [s] => Ok(s.clone()),
            [] => Err(Error::InvalidQuery(format!(
                "the select reads {}, but the query neither orders by such a `relevance(..)` nor filters by such a `matches(..)`",
                what()
            ))),
            _ => Err(Error::InvalidQuery(format!(
                "the select reads {}, and the query's filter has {} different such searches: order by the `relevance(..)` to read",
                what(),
                found.len()
            ))),
        }
    }

    /// What a typed select reads of the query's searches, after each row: relevance, then
    /// snippets, in the select's order.
    fn search_extras(&self) -> Result<Vec<Extra>> {
        let mut out = Vec::new();
        for &index in &self.reads.relevance {
            let search = self.read_search(|s| std::ptr::eq(s.index, index), &|| {
                format!(
                    "the relevance of {}'s full-text index {}",
                    M::DEF.name,
                    index.name
                )
            })?;
            out.push(Extra::Relevance(OrderKey::Relevance(search)));
        }
        for &column in &self.reads.snippets {
            let search = self.read_search(|s| s.index.columns.contains(&column.index), &|| {
                format!(
                    "a snippet of {}.{}, a search of a full-text index holding it",
                    M::DEF.name,
                    column.field
                )
            })?;
            out.push(Extra::Snippet { search, column });
        }
        Ok(out)
    }

    pub(crate) fn write_select(&self, w: &mut Writer) -> Result<()> {
        let lock = self.lock(w.dialect)?;
        let extras = self.search_extras()?;
        let order = self.effective_order();
        w.select(&SelectSpec {
            model: M::DEF,
            deleted: self.deleted,
            filter: Some(&self.filter),
            order: &order,
            skip: self.skip,
            take: self.take,
            cursor: self.cursor.as_ref(),
            distinct: &self.distinct,
            counts: &self.shape.count_cols,
            partition: None,
            joins: &if self.joined(w.dialect) {
                self.shape.join_specs()
            } else {
                Vec::new()
            },
            lock,
            extras: &extras,
        });
        Ok(())
    }

    /// Runs the query.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<Vec<M>> {
        crate::hooks::run_operation!(
            db.__db(),
            Some(M::DEF),
            OperationKind::FindMany,
            self.exec_inner(db)
        )
    }

    async fn exec_inner<E: Executor + ?Sized>(self, db: &E) -> Result<Vec<M>> {
        let this = db.__db().client().scopes.apply(self);
        this.run(db).await
    }

    /// The statement the read sends, `None` when it reads nothing (`take(0)`); a locking read
    /// outside a transaction is refused.
    fn read_statement<E: Executor + ?Sized>(&self, db: &E) -> Result<Option<Statement>> {
        if self.lock.is_some() && matches!(db.__db(), DbRef::Client(_)) {
            return Err(Error::InvalidQuery(format!(
                "a locking read of {} outside a transaction would release its locks at once: run it in `transaction(..)`",
                M::DEF.name
            )));
        }
        let statement = self.statement(db.__dialect())?;
        Ok((self.take != Some(0)).then_some(statement))
    }

    async fn run<E: Executor + ?Sized>(self, db: &E) -> Result<Vec<M>> {
        let Some(statement) = self.read_statement(db)? else {
            return Ok(Vec::new());
        };
        Ok(self.fetch_rows(db, statement, |_, _| Ok(())).await?.0)
    }

    /// Sends `statement` and decodes its rows — each with `extra(row, base)`, the values a typed
    /// select reads after the row's columns, counts and joins (`base`: where they start) — then
    /// loads the included relations the statement did not carry.
    async fn fetch_rows<E: Executor + ?Sized, X: Send>(
        &self,
        db: &E,
        statement: Statement,
        extra: impl Fn(RowRef<'_>, usize) -> Result<X> + Send + Sync,
    ) -> Result<(Vec<M>, Vec<X>)> {
        let shape = &self.shape;
        let joined = self.joined(db.__dialect());
        let base = M::DEF.columns.len()
            + shape.count_setters.len()
            + if joined { shape.includes.len() } else { 0 };
        let mut extras = Vec::new();
        let mut rows = db
            .__fetch(statement, |row| {
                let m = if joined {
                    shape.decode_joined(row)?
                } else {
                    shape.decode(row)?
                };
                extras.push(extra(row, base)?);
                Ok(m)
            })
            .await?;
        if !joined && !shape.includes.is_empty() {
            shape.load(db.__db(), &mut rows).await?;
        }
        Ok((rows, extras))
    }

    /// Runs the query of a typed select reading its searches: each row with the values
    /// (`orm_x<i>`, after the columns, counts and joins).
    pub(crate) async fn exec_ranked<E: Executor + ?Sized>(
        self,
        db: &E,
    ) -> Result<Vec<(M, SearchValues)>> {
        let this = db.__db().client().scopes.apply(self);
        let Some(statement) = this.read_statement(db)? else {
            return Ok(Vec::new());
        };
        let (ranks, snippets) = (this.reads.relevance.len(), this.reads.snippets.len());
        let values = |row: RowRef<'_>, base: usize| {
            Ok(SearchValues {
                relevance: (base..base + ranks)
                    .map(|i| {
                        row.score(i)
                            .map_err(|e| Error::decode(Some(M::DEF.name), "relevance", e))
                    })
                    .collect::<Result<_>>()?,
                snippets: (base + ranks..base + ranks + snippets)
                    .map(|i| {
                        <Option<String> as FieldType>::decode(row, i)
                            .map_err(|e| Error::decode(Some(M::DEF.name), "snippet", e))
                    })
                    .collect::<Result<_>>()?,
            })
        };
        let (rows, values) = this.fetch_rows(db, statement, values).await?;
        Ok(rows.into_iter().zip(values).collect())
    }

    /// Counts the rows this query would return (honouring `skip`, `take`, `cursor` and `distinct`).
    pub async fn count<E: Executor + ?Sized>(mut self, db: &E) -> Result<i64> {
        if self.scope == super::ScopeUse::Full {
            self.scope = super::ScopeUse::Filter;
        }
        let this = db.__db().client().scopes.apply(self);
        let count = async { scalar_i64(db, this.count_statement(db.__dialect())?, M::DEF).await };
        crate::hooks::run_operation!(db.__db(), Some(M::DEF), OperationKind::Count, count)
    }

    /// The `SELECT COUNT(*)` that [`count`](FindMany::count) sends.
    pub(crate) fn count_statement(&self, dialect: crate::sql::Dialect) -> Result<Statement> {
        if self.lock.is_some() || self.lock_wait != LockWait::Wait {
            return Err(Error::InvalidQuery(format!(
                "a count of {} takes no row locks: lock the rows with a locking `exec`, then count them",
                M::DEF.name
            )));
        }
        let mut w = Writer::new(dialect);
        let order = self.effective_order();
        w.count(&SelectSpec {
            model: M::DEF,
            deleted: self.deleted,
            filter: Some(&self.filter),
            order: &order,
            skip: self.skip,
            take: self.take,
            cursor: self.cursor.as_ref(),
            distinct: &self.distinct,
            counts: &[],
            partition: None,
            joins: &[],
            lock: None,
            extras: &[],
        });
        w.finish(Some(M::DEF))
    }
}

pub(crate) async fn scalar_i64<E: Executor + ?Sized>(
    db: &E,
    statement: Statement,
    model: &'static crate::model::ModelDef,
) -> Result<i64> {
    let rows = db
        .__fetch(statement, |row: RowRef<'_>| {
            <i64 as FieldType>::decode(row, 0)
                .map_err(|e| Error::decode(Some(model.name), "count", e))
        })
        .await?;
    Ok(rows.into_iter().next().unwrap_or(0))
}

impl<M: SoftDelete> FindMany<M> {
    /// Also reads soft-deleted rows (of this model; related rows stay filtered).
    pub fn with_deleted(mut self) -> Self {
        self.deleted = Deleted::Shown;
        self
    }
    /// Reads only soft-deleted rows.
    pub fn only_deleted(mut self) -> Self {
        self.deleted = Deleted::Only;
        self
    }
}

/// `with_deleted` / `only_deleted` on the builders wrapping a [`FindMany`].
macro_rules! soft_delete_reads {
    ($($builder:ident),*) => {$(
        impl<M: SoftDelete> $builder<M> {
            /// Also reads soft-deleted rows (see [`FindMany::with_deleted`]).
            pub fn with_deleted(mut self) -> Self {
                self.inner = self.inner.with_deleted();
                self
            }
            /// Reads only soft-deleted rows (see [`FindMany::only_deleted`]).
            pub fn only_deleted(mut self) -> Self {
                self.inner = self.inner.only_deleted();
                self
            }
        }
    )*};
}
soft_delete_reads!(FindFirst, FindUnique, FindUniqueOrThrow, Count);

/// `unscoped` on the builders wrapping a [`FindMany`].
macro_rules! unscoped {
    ($($builder:ident),*) => {$(
        impl<M: Model> $builder<M> {
            /// Leaves the client's [`Scope`](super::Scope)s of `M` out (see [`FindMany::unscoped`]).
            pub fn unscoped(mut self) -> Self {
                self.inner = self.inner.unscoped();
                self
            }
        }
    )*};
}
unscoped!(FindFirst, FindUnique, FindUniqueOrThrow, Count);

impl<S: Select> FindManySelect<S> {
    /// Leaves the client's [`Scope`](super::Scope)s out (see [`FindMany::unscoped`]).
    pub fn unscoped(mut self) -> Self {
        self.inner = self.inner.unscoped();
        self
    }
}

impl<S: Select> FindOneSelect<S> {
    /// Leaves the client's [`Scope`](super::Scope)s out (see [`FindMany::unscoped`]).
    pub fn unscoped(mut self) -> Self {
        self.inner = self.inner.unscoped();
        self
    }
}

/// The first matching row. From [`ModelQuery::find_first`](super::ModelQuery::find_first).
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct FindFirst<M> {
    inner: FindMany<M>,
}

impl<M: Model> FindFirst<M> {
    pub(crate) fn new() -> Self {
        FindFirst {
            inner: FindMany::new().take(1),
        }
    }
    /// The statement this sends on `dialect`, without a database (see [`FindMany::to_sql`]).
    pub fn to_sql(&self, dialect: crate::sql::Dialect) -> Result<Statement> {
        self.inner.to_sql(dialect)
    }
    /// Keeps rows matching `filter`.
    pub fn filter(mut self, filter: impl Into<Filter<M>>) -> Self {
        self.inner = self.inner.filter(filter);
        self
    }
    /// Adds an ordering term.
    pub fn order_by(mut self, order: impl IntoOrderBy<M>) -> Self {
        self.inner = self.inner.order_by(order);
        self
    }
    /// Skips the first `n` rows.
    pub fn skip(mut self, n: u64) -> Self {
        self.inner = self.inner.skip(n);
        self
    }
    /// Starts at a cursor row (see [`FindMany::cursor`]).
    pub fn cursor(mut self, cursor: impl Into<Option<UniqueFilter<M>>>) -> Self {
        self.inner = self.inner.cursor(cursor);
        self
    }
    relation_loading!();
    locking!();
    /// Returns the row shaped as the `#[derive(Select)]` struct `S`.
    pub fn select<S: Select<Model = M>>(self) -> FindOneSelect<S> {
        FindOneSelect {
            inner: self.inner.select::<S>().inner,
            kind: OperationKind::FindFirst,
        }
    }
    /// Runs the query.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<Option<M>> {
        crate::hooks::run_operation!(
            db.__db(),
            Some(M::DEF),
            OperationKind::FindFirst,
            self.exec_inner(db)
        )
    }

    async fn exec_inner<E: Executor + ?Sized>(self, db: &E) -> Result<Option<M>> {
        Ok(self.inner.exec(db).await?.into_iter().next())
    }
    /// Runs the query, failing with [`Error::NotFound`] when no row matches.
    pub async fn exec_or_throw<E: Executor + ?Sized>(self, db: &E) -> Result<M> {
        self.exec(db)
            .await?
            .ok_or(Error::NotFound { model: M::DEF.name })
    }
}

/// A [`FindMany`] returning `#[derive(Select)]` structs. From [`FindMany::select`].
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct FindManySelect<S: Select> {
    pub(crate) inner: FindMany<S::Model>,
}

impl<S: Select> FindManySelect<S> {
    /// The statement this sends on `dialect`, without a database (see [`FindMany::to_sql`]).
    pub fn to_sql(&self, dialect: crate::sql::Dialect) -> Result<Statement> {
        self.inner.to_sql(dialect)
    }
    /// Chooses how the select's relations load (see [`Strategy`]).
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.inner.strategy = Some(strategy);
        self
    }
    /// Runs the query.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<Vec<S>> {
        crate::hooks::run_operation!(
            db.__db(),
            Some(<S::Model as Model>::DEF),
            OperationKind::FindMany,
            self.exec_inner(db)
        )
    }

    async fn exec_inner<E: Executor + ?Sized>(self, db: &E) -> Result<Vec<S>> {
        if !self.inner.reads.is_empty() {
            return self
                .inner
                .exec_ranked(db)
                .await?
                .into_iter()
                .map(|(m, values)| S::__from_model(m, &values))
                .collect();
        }
        let none = SearchValues::default();
        self.inner
            .exec_inner(db)
            .await?
            .into_iter()
            .map(|m| S::__from_model(m, &none))
            .collect()
    }
}

/// A single-row query returning a `#[derive(Select)]` struct.
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct FindOneSelect<S: Select> {
    inner: FindMany<S::Model>,
    kind: OperationKind,
}

impl<S: Select> FindOneSelect<S> {
    /// The statement this sends on `dialect`, without a database (see [`FindMany::to_sql`]).
    pub fn to_sql(&self, dialect: crate::sql::Dialect) -> Result<Statement> {
        self.inner.to_sql(dialect)
    }
    /// Chooses how the select's relations load (see [`Strategy`]).
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.inner.strategy = Some(strategy);
        self
    }
    /// Runs the query.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<Option<S>> {
        let read = async {
            let select = FindManySelect::<S> { inner: self.inner };
            Ok(select.exec_inner(db).await?.into_iter().next())
        };
        crate::hooks::run_operation!(db.__db(), Some(<S::Model as Model>::DEF), self.kind, read)
    }
}

/// The row with a unique key. From [`ModelQuery::find_unique`](super::ModelQuery::find_unique).
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct FindUnique<M> {
    inner: FindMany<M>,
}

impl<M: Model> FindUnique<M> {
    pub(crate) fn new(filter: UniqueFilter<M>) -> Self {
        FindUnique {
            inner: FindMany::new().filter(filter.filter),
        }
    }
    /// The statement this sends on `dialect`, without a database (see [`FindMany::to_sql`]).
    pub fn to_sql(&self, dialect: crate::sql::Dialect) -> Result<Statement> {
        self.inner.to_sql(dialect)
    }
    relation_loading!();
    locking!();
    /// Returns the row shaped as the `#[derive(Select)]` struct `S`.
    pub fn select<S: Select<Model = M>>(self) -> FindOneSelect<S> {
        FindOneSelect {
            inner: self.inner.select::<S>().inner,
            kind: OperationKind::FindUnique,
        }
    }
    /// Runs the query.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<Option<M>> {
        crate::hooks::run_operation!(
            db.__db(),
            Some(M::DEF),
            OperationKind::FindUnique,
            self.exec_inner(db)
        )
    }

    async fn exec_inner<E: Executor + ?Sized>(self, db: &E) -> Result<Option<M>> {
        Ok(self.inner.exec(db).await?.into_iter().next())
    }
}

/// The row with a unique key, or [`Error::NotFound`].
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct FindUniqueOrThrow<M> {
    inner: FindMany<M>,
}

impl<M: Model> FindUniqueOrThrow<M> {
    pub(crate) fn new(filter: UniqueFilter<M>) -> Self {
        FindUniqueOrThrow {
            inner: FindMany::new().filter(filter.filter),
        }
    }
    /// The statement this sends on `dialect`, without a database (see [`FindMany::to_sql`]).
    pub fn to_sql(&self, dialect: crate::sql::Dialect) -> Result<Statement> {
        self.inner.to_sql(dialect)
    }
    relation_loading!();
    locking!();
    /// Runs the query.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<M> {
        crate::hooks::run_operation!(
            db.__db(),
            Some(M::DEF),
            OperationKind::FindUniqueOrThrow,
            self.exec_inner(db)
        )
    }

    async fn exec_inner<E: Executor + ?Sized>(self, db: &E) -> Result<M> {
        self.inner
            .exec(db)
            .await?
            .into_iter()
            .next()
            .ok_or(Error::NotFound { model: M::DEF.name })
    }
}

/// `SELECT COUNT(*)`. From [`ModelQuery::count`](super::ModelQuery::count).
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct Count<M> {
    inner: FindMany<M>,
}

impl<M: Model> Count<M> {
    pub(crate) fn new() -> Self {
        Count {
            inner: FindMany::new(),
        }
    }
    /// Counts rows matching `filter`.
    pub fn filter(mut self, filter: impl Into<Filter<M>>) -> Self {
        self.inner = self.inner.filter(filter);
        self
    }
    /// Counts distinct rows on `column` (see [`FindMany::distinct`]).
    pub fn distinct(mut self, column: impl AnyColumn<M>) -> Self {
        self.inner = self.inner.distinct(column);
        self
    }
    /// The statement this sends on `dialect`, without a database (see [`FindMany::to_sql`]).
    pub fn to_sql(&self, dialect: crate::sql::Dialect) -> Result<Statement> {
        self.inner.count_statement(dialect)
    }
    /// Runs the query.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<i64> {
        crate::hooks::run_operation!(
            db.__db(),
            Some(M::DEF),
            OperationKind::Count,
            self.exec_inner(db)
        )
    }

    async fn exec_inner<E: Executor + ?Sized>(self, db: &E) -> Result<i64> {
        self.inner.count(db).await
    }
}
