//! Model scopes: default behaviour for one model's reads, registered on a client.

use std::any::TypeId;
use std::sync::Arc;

use super::filter::{Expr, Filter};
use super::find::FindMany;
use crate::driver::{ScopeEntry, Scopes};
use crate::model::Model;

/// Default behaviour for the reads of model `M` on a client: a filter every read of `M` applies
/// (lists, unique lookups, counts, selects, streams, aggregates, group by), and a shape model
/// reads take (default includes and relation counts — not selects, which name what they read, nor
/// counts). `.unscoped()` on a read opts out of every scope.
///
/// Register it once on the [`ClientOptions`](crate::ClientOptions) (a published-only or
/// auto-include default), or per handle with [`Client::with_scope`](crate::Client::with_scope) (a
/// tenant's filter per request); transactions begun on a handle keep its scopes. Typed: a scope of
/// `Post` takes `Post`'s columns and relations only.
///
/// Scopes shape reads: writes take their filters as written, and related rows (includes,
/// relation counts and filters of another model's query) are not scoped.
///
/// ```no_run
/// # use orm_runtime::prelude::*;
/// # #[derive(Model, Debug, Clone)] struct User { #[orm(id)] id: i64, #[orm(has_many)] posts: HasMany<Post> }
/// # #[derive(Model, Debug, Clone)] struct Post { #[orm(id)] id: i64, tenant: i64, published: bool, author_id: i64,
/// #   #[orm(belongs_to(fk = author_id))] author: BelongsTo<User> }
/// # async fn f(url: &str, tenant: i64) -> orm_runtime::Result<()> {
/// use orm_runtime::query::Scope;
/// let db = ClientOptions::new(url)
///     .scope(Scope::<Post>::new().shape(|q| q.include(Post::AUTHOR)))
///     .connect()
///     .await?;
/// // Per request: this tenant's published posts only.
/// let db = db.with_scope(
///     Scope::<Post>::new().filter(Post::TENANT.eq(tenant) & Post::PUBLISHED.eq(true)),
/// );
/// let posts = Post::find_many().exec(&db).await?; // the tenant's, with their authors
/// let all = Post::find_many().unscoped().count(&db).await?; // every post
/// # Ok(()) }
/// ```
pub struct Scope<M: Model> {
    filter: Expr,
    shape: Option<Arc<Shaper<M>>>,
}

type Shaper<M> = dyn Fn(FindMany<M>) -> FindMany<M> + Send + Sync;

impl<M: Model> Clone for Scope<M> {
    fn clone(&self) -> Self {
        Scope {
            filter: self.filter.clone(),
            shape: self.shape.clone(),
        }
    }
}

impl<M: Model> Default for Scope<M> {
    fn default() -> Self {
        Scope::new()
    }
}

impl<M: Model> Scope<M> {
    /// A scope that changes nothing yet.
    pub fn new() -> Self {
        Scope {
            filter: Expr::Bool(true),
            shape: None,
        }
    }

    /// Keeps only rows matching `filter` in every read of `M` (ANDed with earlier filters).
    pub fn filter(mut self, filter: impl Into<Filter<M>>) -> Self {
        let expr = std::mem::replace(&mut self.filter, Expr::Bool(true));
        self.filter = expr.and(filter.into().expr);
        self
    }

    /// Shapes every model read of `M` (not selects or counts): default includes, relation counts,
    /// a default order. Applied after the read's own calls.
    pub fn shape(
        mut self,
        shape: impl Fn(FindMany<M>) -> FindMany<M> + Send + Sync + 'static,
    ) -> Self {
        let prev = self.shape.take();
        self.shape = Some(Arc::new(move |q| match &prev {
            Some(p) => shape(p(q)),
            None => shape(q),
        }));
        self
    }
}

/// How much of the scopes a read takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum ScopeUse {
    /// Filters and shapes (model reads).
    #[default]
    Full,
    /// Filters only (selects, counts, aggregates).
    Filter,
    /// None (`.unscoped()`, or already applied).
    None,
}

impl crate::ClientOptions {
    /// Adds a [`Scope`]: default filters and shapes for one model's reads on the client, its
    /// clones and its transactions.
    pub fn scope<M: Model>(mut self, scope: Scope<M>) -> Self {
        self.scopes = self.scopes.with(scope);
        self
    }
}

impl crate::Client {
    /// A handle on the same pool with one more [`Scope`]: its reads of `M` (and those of
    /// transactions begun on it) take the scope too. Cheap; the original handle is unchanged.
    pub fn with_scope<M: Model>(&self, scope: Scope<M>) -> crate::Client {
        crate::Client {
            inner: self.inner.clone(),
            scopes: self.scopes.with(scope),
            recording: self.recording.clone(),
        }
    }
}

impl Scopes {
    /// These scopes and `scope`.
    pub(crate) fn with<M: Model>(&self, scope: Scope<M>) -> Scopes {
        let mut all = (*self.0).clone();
        all.push((TypeId::of::<M>(), Arc::new(scope) as ScopeEntry));
        Scopes(Arc::new(all))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn of<M: Model>(&self) -> impl Iterator<Item = &Scope<M>> {
        self.0
            .iter()
            .filter(|(t, _)| *t == TypeId::of::<M>())
            .filter_map(|(_, s)| s.downcast_ref::<Scope<M>>())
    }

    /// The filter of every scope of `M`, ANDed onto `filter`.
    pub(crate) fn filter<M: Model>(&self, filter: Expr) -> Expr {
        self.of::<M>().fold(filter, |f, s| f.and(s.filter.clone()))
    }

    /// `query` with the scopes of `M` applied as `use_` says; applied at most once.
    pub(crate) fn apply<M: Model>(&self, mut query: FindMany<M>) -> FindMany<M> {
        let use_ = std::mem::replace(&mut query.scope, ScopeUse::None);
        if use_ == ScopeUse::None || self.is_empty() {
            return query;
        }
        query.filter = self.filter::<M>(std::mem::replace(&mut query.filter, Expr::Bool(true)));
        if use_ == ScopeUse::Full {
            for s in self.of::<M>() {
                if let Some(shape) = &s.shape {
                    query = shape(query);
                }
            }
            query.scope = ScopeUse::None;
        }
        query
    }
}
