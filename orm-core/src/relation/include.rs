//! Loading relations: includes and relation counts, and the `Query` load strategy (one statement per
//! included relation, parents' keys batched into `IN (...)`, per-parent pagination in SQL).

use std::collections::{HashMap, HashSet};

use futures_util::future::BoxFuture;

use super::def::RelationDef;
use super::field::{RelationField, ToMany};
use super::handle::{Relation, RelationQuery};
use crate::client::{DbRef, Executor};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::Expr;
use crate::sql::{CountCol, Deleted, Dialect, JoinSpec, Partition, SelectSpec, Statement, Writer};
use crate::types::{FieldType, RowRef};
use crate::value::Value;

/// How a query with includes loads its relations. Both give the same results; without
/// `.strategy(..)` a query uses [`Strategy::default_for`] its backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// One statement for the parents, then one per included relation, with the parents' keys
    /// batched into `IN (...)`.
    Query,
    /// A single statement: related rows are aggregated into JSON by correlated subqueries
    /// (PostgreSQL `json_agg`, MySQL/MariaDB `JSON_ARRAYAGG`, SQLite `json_group_array`).
    ///
    /// Where the backend's JSON cannot carry a column exactly — SQLite renders floats with about 16
    /// digits — the query loads with `Query` instead, so the result is the same either way.
    Join,
}

impl Strategy {
    /// The faster strategy on a backend, as measured by the benchmark suite (BENCHMARKS.md):
    /// `Query` on PostgreSQL and MySQL/MariaDB, whose JSON aggregation costs more than the extra
    /// round trips; `Join` on SQLite, where a statement has no round trip to save but each one has a
    /// fixed cost.
    pub fn default_for(dialect: crate::sql::Dialect) -> Strategy {
        if dialect.capabilities().prefer_join {
            Strategy::Join
        } else {
            Strategy::Query
        }
    }
}

/// An included relation of model `M`, from `include(User::POSTS)` or a refined
/// [`RelationQuery`]. Included rows must be `Clone` (a row related to several parents is copied
/// into each).
pub struct Include<M> {
    pub(crate) node: Box<dyn IncludeNode<M>>,
}

impl<M> std::fmt::Debug for Include<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Include({})", self.node.relation().name)
    }
}

pub(crate) trait IncludeNode<P>: Send + Sync {
    fn relation(&self) -> &'static RelationDef;
    /// `Query` strategy: loads the relation of every parent with one statement.
    fn load<'a>(&'a self, db: DbRef<'a>, parents: &'a mut [P]) -> BoxFuture<'a, Result<()>>;
    /// `Join` strategy: the SQL shape of the aggregated subquery.
    fn join_spec(&self) -> JoinSpec<'_>;
    /// `Join` strategy: stores the aggregated JSON (`None` for SQL `NULL`) into the parent.
    fn assign_json(&self, parent: &mut P, json: Option<&serde_json::Value>) -> Result<()>;
}

impl<M: Model, W: RelationField> From<Relation<M, W>> for Include<M>
where
    W::Target: Clone,
{
    fn from(rel: Relation<M, W>) -> Self {
        rel.query().into()
    }
}

impl<M: Model, W: RelationField> From<RelationQuery<M, W>> for Include<M>
where
    W::Target: Clone,
{
    fn from(q: RelationQuery<M, W>) -> Self {
        Include { node: Box::new(q) }
    }
}

/// What `include` takes: a relation of model `M` ([`Relation`]) or a refined one ([`RelationQuery`]).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a relation of `{M}` that can be included",
    label = "include a relation of the queried model here",
    note = "include a relation of the queried model (`User::POSTS`); nest deeper ones with `User::POSTS.include(Post::COMMENTS)`",
    note = "included rows are cloned into each parent, so the related model must be `Clone`"
)]
pub trait IntoInclude<M> {
    /// The include.
    fn into_include(self) -> Include<M>;
}

impl<M> IntoInclude<M> for Include<M> {
    fn into_include(self) -> Include<M> {
        self
    }
}

impl<M: Model, W: RelationField> IntoInclude<M> for Relation<M, W>
where
    W::Target: Clone,
{
    fn into_include(self) -> Include<M> {
        self.into()
    }
}

impl<M: Model, W: RelationField> IntoInclude<M> for RelationQuery<M, W>
where
    W::Target: Clone,
{
    fn into_include(self) -> Include<M> {
        self.into()
    }
}

/// What `with_count` takes: a to-many relation of model `M`, optionally filtered.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a to-many relation of `{M}` that can be counted",
    label = "count a `HasMany` relation of the queried model here",
    note = "count a to-many relation of the queried model (`User::POSTS`, or `User::POSTS.filter(..)`); to count rows use `Model::count()`"
)]
pub trait IntoCountInclude<M> {
    /// The count.
    fn into_count_include(self) -> CountInclude<M>;
}

impl<M> IntoCountInclude<M> for CountInclude<M> {
    fn into_count_include(self) -> CountInclude<M> {
        self
    }
}

impl<M: Model, W: ToMany> IntoCountInclude<M> for Relation<M, W> {
    fn into_count_include(self) -> CountInclude<M> {
        self.into()
    }
}

impl<M: Model, W: ToMany> IntoCountInclude<M> for RelationQuery<M, W> {
    fn into_count_include(self) -> CountInclude<M> {
        self.into()
    }
}
/// Stores a relation count on a row.
pub(crate) type CountSetter<M> = Box<dyn Fn(&mut M, i64) + Send + Sync>;

/// A relation count loaded with the rows (Prisma's `_count`), read back with
/// [`HasMany::count`](super::HasMany::count). From `with_count(User::POSTS)` or
/// `with_count(User::POSTS.filter(..))`. A model holds one count per relation: counting a relation
/// again replaces the earlier count of it (its filter included).
pub struct CountInclude<M> {
    /// The relation's field name: the count's slot in the model.
    relation: &'static str,
    pub(crate) col: CountCol,
    pub(crate) set: CountSetter<M>,
}

impl<M: Model, W: ToMany> From<Relation<M, W>> for CountInclude<M> {
    fn from(rel: Relation<M, W>) -> Self {
        rel.query().into()
    }
}

impl<M: Model, W: ToMany> From<RelationQuery<M, W>> for CountInclude<M> {
    fn from(q: RelationQuery<M, W>) -> Self {
        let slot = q.rel.slot();
        CountInclude {
            relation: q.rel.def().name,
            col: CountCol {
                link: q.rel.def().link(),
                filter: q.query.filter,
            },
            set: Box::new(move |m, n| slot(m).__set_count(n)),
        }
    }
}

/// What to load along with rows of `M`: included relations and relation counts.
pub(crate) struct Shape<M> {
    pub(crate) includes: Vec<Include<M>>,
    pub(crate) count_cols: Vec<CountCol>,
    pub(crate) count_setters: Vec<CountSetter<M>>,
    /// The relation of each count, in `count_cols`' order.
    count_relations: Vec<&'static str>,
}

impl<M> Default for Shape<M> {
    fn default() -> Self {
        Shape {
            includes: Vec::new(),
            count_cols: Vec::new(),
            count_setters: Vec::new(),
            count_relations: Vec::new(),
        }
    }
}

impl<M: Model> Shape<M> {
    /// Adds a count, or replaces the count of the same relation: the model has one slot for it,
    /// and two counts would silently leave it to the last one.
    pub(crate) fn push_count(&mut self, c: CountInclude<M>) {
        match self.count_relations.iter().position(|r| *r == c.relation) {
            Some(i) => {
                self.count_cols[i] = c.col;
                self.count_setters[i] = c.set;
            }
            None => {
                self.count_relations.push(c.relation);
                self.count_cols.push(c.col);
                self.count_setters.push(c.set);
            }
        }
    }

    /// Decodes a row: the model's columns, then the counts.
    pub(crate) fn decode(&self, row: RowRef<'_>) -> Result<M> {
        let mut m = M::decode(row, 0)?;
        let base = M::DEF.columns.len();
        for (i, set) in self.count_setters.iter().enumerate() {
            let n = <i64 as FieldType>::decode(row, base + i)
                .map_err(|e| Error::decode(Some(M::DEF.name), "_count", e))?;
            set(&mut m, n);
        }
        Ok(m)
    }

    /// The `Join` strategy's subqueries for the included relations.
    pub(crate) fn join_specs(&self) -> Vec<JoinSpec<'_>> {
        self.includes.iter().map(|i| i.node.join_spec()).collect()
    }

    /// Decodes a row of a `Join` statement: the model's columns, the counts, then one JSON
    /// column per include.
    pub(crate) fn decode_joined(&self, row: RowRef<'_>) -> Result<M> {
        let mut m = self.decode(row)?;
        let base = M::DEF.columns.len() + self.count_setters.len();
        for (i, inc) in self.includes.iter().enumerate() {
            let idx = base + i;
            let field = inc.node.relation().name;
            let null = row
                .is_null(idx)
                .map_err(|e| Error::decode(Some(M::DEF.name), field, e))?;
            if null {
                inc.node.assign_json(&mut m, None)?;
            } else {
                let text = row
                    .text(idx)
                    .map_err(|e| Error::decode(Some(M::DEF.name), field, e))?;
                let v: serde_json::Value = serde_json::from_str(text)
                    .map_err(|e| Error::decode(Some(M::DEF.name), field, e.into()))?;
                inc.node.assign_json(&mut m, Some(&v))?;
            }
        }
        Ok(m)
    }

    /// Decodes one aggregated row: `[columns..., counts..., includes...]`.
    fn decode_json(&self, row: &[serde_json::Value]) -> Result<M> {
        let mut m = self.decode(RowRef::Json(row))?;
        let base = M::DEF.columns.len() + self.count_setters.len();
        for (i, inc) in self.includes.iter().enumerate() {
            inc.node.assign_json(&mut m, row.get(base + i))?;
        }
        Ok(m)
    }

    /// Loads every included relation into `rows`, one statement per relation (and level).
    pub(crate) async fn load(&self, db: DbRef<'_>, rows: &mut [M]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        for inc in &self.includes {
            inc.node.load(db, rows).await?;
        }
        Ok(())
    }
}

impl<P: Model, W: RelationField> IncludeNode<P> for RelationQuery<P, W>
where
    W::Target: Clone,
{
    fn relation(&self) -> &'static RelationDef {
        self.rel.def()
    }

    fn load<'a>(&'a self, db: DbRef<'a>, parents: &'a mut [P]) -> BoxFuture<'a, Result<()>> {
        Box::pin(self.load_query(db, parents))
    }

    fn join_spec(&self) -> JoinSpec<'_> {
        let def = self.rel.def();
        JoinSpec {
            link: def.link(),
            many: def.is_many(),
            filter: &self.query.filter,
            order: self.query.order_with_key(),
            skip: self.query.skip,
            take: self.query.take,
            counts: &self.query.shape.count_cols,
            children: self.query.shape.join_specs(),
        }
    }

    fn assign_json(&self, parent: &mut P, json: Option<&serde_json::Value>) -> Result<()> {
        let model = <W::Target as Model>::DEF.name;
        let bad = |what: String| Error::decode(Some(model), self.rel.def().name, what.into());
        let parsed;
        let json = match json {
            // MySQL and SQLite may pass a nested aggregate on as its text.
            Some(serde_json::Value::String(s)) => {
                parsed =
                    serde_json::from_str::<serde_json::Value>(s).map_err(|e| bad(e.to_string()))?;
                Some(&parsed)
            }
            other => other,
        };
        let rows = match json {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(serde_json::Value::Array(items)) if self.rel.def().is_many() => items
                .iter()
                .map(|item| match item {
                    serde_json::Value::Array(row) => self.query.shape.decode_json(row),
                    other => Err(bad(format!("expected an aggregated row, found {other}"))),
                })
                .collect::<Result<Vec<_>>>()?,
            Some(serde_json::Value::Array(row)) => vec![self.query.shape.decode_json(row)?],
            Some(other) => return Err(bad(format!("expected aggregated rows, found {other}"))),
        };
        (self.rel.slot())(parent).__load(rows);
        Ok(())
    }
}

impl<P: Model, W: RelationField> RelationQuery<P, W>
where
    W::Target: Clone,
{
    /// The `Query` strategy's statement for this relation: the related rows of every parent whose
    /// join key is in `keys` (non-null, distinct), paginated per parent.
    pub(crate) fn children_statement(
        &self,
        dialect: Dialect,
        keys: Vec<Value>,
    ) -> Result<Statement> {
        let target = self.rel.def().target_column();
        let q = &self.query;
        let order = q.order_with_key();
        let partition = (q.skip.is_some() || q.take.is_some()).then_some(Partition {
            column: target,
            skip: q.skip.unwrap_or(0),
            take: q.take,
        });
        // One statement for every parent: a long key list is bound as one array (PostgreSQL)
        // or one JSON document (MySQL, SQLite), never split.
        let filter = Expr::In {
            column: target,
            values: keys,
            negated: false,
        }
        .and(q.filter.clone());
        let mut w = Writer::new(dialect);
        w.select(&SelectSpec {
            model: <W::Target as Model>::DEF,
            // Soft-deleted related rows are never loaded.
            deleted: Deleted::Hidden,
            filter: Some(&filter),
            order: &order,
            skip: None,
            take: None,
            cursor: None,
            distinct: &[],
            counts: &q.shape.count_cols,
            partition,
            joins: &[],
            lock: None,
            extras: &[],
        });
        w.finish(Some(<W::Target as Model>::DEF))
    }

    async fn load_query(&self, db: DbRef<'_>, parents: &mut [P]) -> Result<()> {
        let def = self.rel.def();
        let source = def.source_column();
        let target = def.target_column();
        let q = &self.query;

        // Each parent's join key (none when NULL), read once; the distinct ones are bound.
        let parent_keys: Vec<Option<Key>> = parents
            .iter()
            .map(|p| {
                let v = p.column_value(source.index);
                (!v.is_null()).then(|| Key::new(&v))
            })
            .collect();
        let mut keys = Vec::new();
        let mut seen = HashSet::new();
        for (p, k) in parents.iter().zip(&parent_keys) {
            if let Some(k) = k
                && seen.insert(k)
            {
                keys.push(p.column_value(source.index));
            }
        }

        let mut children: Vec<W::Target> = Vec::new();
        if !keys.is_empty() {
            let statement = self.children_statement(db.__dialect(), keys)?;
            children = db.__fetch(statement, |row| q.shape.decode(row)).await?;
            q.shape.load(db, &mut children).await?;
        }

        distribute(
            parents,
            &parent_keys,
            children,
            target.index,
            self.rel.slot(),
        );
        Ok(())
    }
}

/// Hands each parent the children whose join key equals its own, in the children's order. A child
/// related to several parents (a `BelongsTo` shared by many rows) is cloned into each.
fn distribute<P: Model, W: RelationField>(
    parents: &mut [P],
    parent_keys: &[Option<Key>],
    children: Vec<W::Target>,
    target: usize,
    slot: fn(&mut P) -> &mut W,
) where
    W::Target: Clone,
{
    let mut wanted: HashMap<&Key, usize> = HashMap::new();
    for k in parent_keys.iter().flatten() {
        *wanted.entry(k).or_default() += 1;
    }
    let mut groups: HashMap<Key, Vec<W::Target>> = HashMap::new();
    for c in children {
        groups
            .entry(Key::new(&c.column_value(target)))
            .or_default()
            .push(c);
    }
    for (p, k) in parents.iter_mut().zip(parent_keys) {
        let rows = match k {
            None => Vec::new(),
            Some(k) => {
                let left = wanted.get_mut(k).expect("counted above");
                *left -= 1;
                if *left == 0 {
                    groups.remove(k).unwrap_or_default()
                } else {
                    groups.get(k).cloned().unwrap_or_default()
                }
            }
        };
        slot(p).__load(rows);
    }
}

/// A join key, hashable: integer widths are unified so an `i32` key matches an `i64` one.
#[derive(PartialEq, Eq, Hash)]
enum Key {
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
    Uuid(uuid::Uuid),
    Other(String),
}

impl Key {
    fn new(v: &Value) -> Key {
        match v {
            Value::I16(i) => Key::Int(*i as i64),
            Value::I32(i) => Key::Int(*i as i64),
            Value::I64(i) => Key::Int(*i),
            Value::String(s) => Key::Text(s.clone()),
            Value::Bytes(b) => Key::Bytes(b.clone()),
            Value::Uuid(u) => Key::Uuid(*u),
            other => Key::Other(format!("{other:?}")),
        }
    }
}
