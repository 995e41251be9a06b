//! SQL generation. One writer renders every statement; [`Dialect`] rules supply the differences
//! (quoting, placeholders, `RETURNING`, upsert syntax, case-insensitive matching, `NULLS` ordering).
//!
//! Values never enter the SQL text: every one becomes a bind parameter. The same query shape always
//! renders the same text, so the drivers' prepared-statement caches hit.

mod dialect;
#[cfg(test)]
mod tests;

pub use dialect::{Backend, Capabilities, Dialect};
#[doc(hidden)]
pub use dialect::{Ddl, Scratch};
pub(crate) use dialect::{TypeName, parse_string_list};

use dialect::Rules;

pub(crate) use crate::ast::OrderTerm;
use crate::ast::{
    AggExpr, Change, CmpOp, Expr, GroupOrder, HavingTerm, Lock, Nulls, Order, OrderKey, TextSearch,
};
use crate::model::def::{ColumnDef, ModelDef};
use crate::relation::def::Link;
use crate::types::ScalarKind;
use crate::value::Value;

/// A rendered statement: SQL text and its binds.
#[derive(Debug, Clone)]
pub struct Statement {
    /// The SQL text.
    pub sql: String,
    /// The bind values, in placeholder order.
    pub binds: Vec<Value>,
    /// The model the statement is about (used to explain constraint errors).
    pub model: Option<&'static ModelDef>,
    /// A read the ORM generated: running it twice changes nothing, so it may be retried on a
    /// fresh connection when its pooled connection turns out to be dead.
    pub(crate) read_only: bool,
}

impl Statement {
    /// A statement without binds and without a model (DDL, migration bookkeeping).
    #[doc(hidden)]
    pub fn text(sql: String) -> Statement {
        Statement {
            sql,
            binds: Vec::new(),
            model: None,
            read_only: false,
        }
    }
}

pub(crate) struct Writer {
    pub(crate) dialect: Dialect,
    rules: &'static dyn Rules,
    pub(crate) sql: String,
    pub(crate) binds: Vec<Value>,
    /// Nesting depth of correlated subqueries (names their aliases `orm_r1`, `orm_r2`, ...).
    depth: usize,
    /// Relevance order terms the statement computes once, by a join of the main query
    /// (`Rules::relevance_join`) or as a column of a page of rows: the term's address and the SQL
    /// that reads the value.
    relevance_sql: Vec<(usize, String)>,
    /// The searches the main query joins the matches of (`Rules::relevance_join`), with the
    /// join's name: a filter by one of them reads the join instead of searching again.
    search_joins: Vec<(TextSearch, String)>,
    /// The first value a column of this backend cannot hold: `(field, value, reason)`. The
    /// statement is refused by [`Writer::finish`] and never sent.
    invalid: Option<(&'static str, String, String)>,
}

/// A value in the one form every backend stores it in.
pub(crate) fn normalize(v: Value) -> Value {
    match v {
        // One text per value where decimals are text (SQLite): `1.50` is stored and compared as
        // `1.5`.
        Value::Decimal(d) => Value::Decimal(d.normalize()),
        v => v,
    }
}

/// A date-time cut to the microsecond (the value just below it, for a value past it).
fn floor_microsecond(v: Value) -> Value {
    use chrono::SubsecRound;
    match v {
        Value::DateTime(t) => Value::DateTime(t.trunc_subsecs(6)),
        Value::NaiveDateTime(t) => Value::NaiveDateTime(t.trunc_subsecs(6)),
        Value::Time(t) => Value::Time(t.trunc_subsecs(6)),
        v => v,
    }
}

/// A relation count selected as an extra column after the model's columns.
#[derive(Debug, Clone)]
pub(crate) struct CountCol {
    pub link: Link,
    pub filter: Expr,
}

/// Per-group pagination: rows numbered within each group of equal `column`, keeping
/// `skip < n <= skip + take`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Partition {
    pub column: &'static ColumnDef,
    pub skip: u64,
    pub take: Option<u64>,
}

/// An included relation loaded by the `Join` strategy: a correlated subquery that aggregates the
/// related rows (each a JSON array of its columns, counts and nested includes) into JSON.
#[derive(Debug)]
pub(crate) struct JoinSpec<'a> {
    pub link: Link,
    pub many: bool,
    pub filter: &'a Expr,
    pub order: Vec<OrderTerm>,
    pub skip: Option<u64>,
    pub take: Option<u64>,
    pub counts: &'a [CountCol],
    pub children: Vec<JoinSpec<'a>>,
}

impl JoinSpec<'_> {
    /// Whether the backend's JSON carries every column of these rows (and their includes) exactly.
    pub(crate) fn exact_in_json(&self, dialect: Dialect) -> bool {
        let rules = dialect.rules();
        self.link
            .inner
            .columns
            .iter()
            .all(|c| rules.json_exact(c.kind))
            && self.children.iter().all(|c| c.exact_in_json(dialect))
    }
}

/// What a correlated subquery over related rows selects.
enum Related<'a> {
    One,
    Count,
    Column(&'a ColumnDef),
}

/// What a `SELECT` reads.
/// Which rows of a soft-deleting model a statement sees (ignored for other models).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Deleted {
    /// Rows not soft-deleted (the default, and always for related rows).
    #[default]
    Hidden,
    /// Every row.
    Shown,
    /// Only soft-deleted rows.
    Only,
}

impl Deleted {
    /// The condition on `model`'s rows, if any: `col IS NULL` / `col IS NOT NULL`.
    pub(crate) fn condition(self, model: &'static ModelDef) -> Option<Expr> {
        let column = model.soft_delete_column()?;
        match self {
            Deleted::Hidden => Some(Expr::IsNull {
                column,
                negated: false,
            }),
            Deleted::Only => Some(Expr::IsNull {
                column,
                negated: true,
            }),
            Deleted::Shown => None,
        }
    }

    /// `filter` restricted to the rows this visibility sees (borrowed when that is all of them).
    pub(crate) fn restrict<'f>(
        self,
        model: &'static ModelDef,
        filter: &'f Expr,
    ) -> std::borrow::Cow<'f, Expr> {
        match self.condition(model) {
            Some(c) => std::borrow::Cow::Owned(filter.clone().and(c)),
            None => std::borrow::Cow::Borrowed(filter),
        }
    }
}

pub(crate) struct SelectSpec<'a> {
    pub model: &'static ModelDef,
    /// Which soft-deleted rows the statement sees.
    pub deleted: Deleted,
    pub filter: Option<&'a Expr>,
    pub order: &'a [OrderTerm],
    pub skip: Option<u64>,
    pub take: Option<u64>,
    pub cursor: Option<&'a Expr>,
    pub distinct: &'a [usize],
    pub counts: &'a [CountCol],
    pub partition: Option<Partition>,
    pub joins: &'a [JoinSpec<'a>],
    /// A row lock on the model's rows (never with `distinct` or a partition: the builder refuses).
    pub lock: Option<Lock>,
    /// Values read after the row's columns, counts and joins, named `orm_x<i>`: what a typed
    /// select reads of the query's searches.
    pub extras: &'a [Extra],
}

/// A value a typed select reads of a search, after the row.
#[derive(Debug)]
pub(crate) enum Extra {
    /// The search's relevance (an `OrderKey::Relevance`: an order by the same search shares it).
    Relevance(OrderKey),
    /// The column's text around the search's matches, the matches marked.
    Snippet {
        search: TextSearch,
        column: &'static ColumnDef,
    },
}

impl Extra {
    /// The relevance key, for a relevance.
    fn key(&self) -> Option<&OrderKey> {
        match self {
            Extra::Relevance(k) => Some(k),
            Extra::Snippet { .. } => None,
        }
    }
}

/// A `SELECT` of aggregates, over all matching rows or per group of `keys`.
pub(crate) struct AggSpec<'a> {
    pub model: &'static ModelDef,
    /// Which soft-deleted rows the statement sees.
    pub deleted: Deleted,
    pub filter: &'a Expr,
    pub keys: &'a [&'static ColumnDef],
    pub aggs: &'a [AggExpr],
    pub having: &'a [HavingTerm],
    pub order: &'a [GroupOrder],
    pub skip: Option<u64>,
    pub take: Option<u64>,
}

/// What an `INSERT` does on a unique conflict.
pub(crate) enum OnConflict<'a> {
    /// Fail.
    Error,
    /// Skip the conflicting row.
    Ignore,
    /// Update the existing row with `changes`.
    Update {
        key: &'a [usize],
        changes: &'a [(usize, Change)],
    },
    /// Overwrite `columns` of the existing row with the new row's values.
    Overwrite {
        key: &'a [usize],
        columns: &'a [usize],
    },
}

impl Writer {
    pub(crate) fn new(dialect: Dialect) -> Self {
        Writer {
            dialect,
            rules: dialect.rules(),
            sql: String::with_capacity(256),
            binds: Vec::new(),
            depth: 0,
            relevance_sql: Vec::new(),
            search_joins: Vec::new(),
            invalid: None,
        }
    }

    /// The statement, or [`Error::InvalidValue`](crate::Error::InvalidValue) when a bound value
    /// cannot be stored by this backend (nothing is sent then).
    pub(crate) fn finish(self, model: Option<&'static ModelDef>) -> crate::Result<Statement> {
        if let Some((field, value, reason)) = self.invalid {
            return Err(crate::Error::InvalidValue {
                model: model.map(|m| m.name),
                field: Some(field.to_owned()),
                value: Some(value),
                reason,
                source: None,
            });
        }
        Ok(Statement {
            read_only: self.sql.starts_with("SELECT "),
            sql: self.sql,
            binds: self.binds,
            model,
        })
    }

    /// Binds a value of `column` (a comparison's, or one written): normalised, and checked against
    /// what the backend can hold.
    pub(crate) fn bind_col(&mut self, column: &'static ColumnDef, value: Value) {
        let value = normalize(value);
        if self.invalid.is_none()
            && let Some(reason) = self.dialect.refuse(&value)
        {
            self.invalid = Some((column.field, abbreviate(&value), reason));
        }
        self.bind(value);
    }

    /// Binds a value to be stored in `column`: as [`bind_col`](Self::bind_col), and checked against
    /// what the column keeps, which its `db_type` may narrow (a `timestamp(3)` column would round
    /// sub-millisecond digits away, a `numeric(10,2)` one a third decimal). Comparisons need no
    /// such check: they compare exactly with a finer value.
    pub(crate) fn bind_stored(&mut self, column: &'static ColumnDef, value: Value) {
        let value = normalize(value);
        if self.invalid.is_none() {
            let reason = self
                .dialect
                .refuse(&value)
                .or_else(|| dialect::finer_than(column, &value));
            if let Some(reason) = reason {
                self.invalid = Some((column.field, abbreviate(&value), reason));
            }
        }
        self.bind(value);
    }

    /// Refuses the statement: `value` of `column` is not acceptable.
    pub(crate) fn refuse(&mut self, column: &'static ColumnDef, value: &Value, reason: String) {
        if self.invalid.is_none() {
            self.invalid = Some((column.field, abbreviate(value), reason));
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, s: &str) {
        self.sql.push_str(s);
    }

    pub(crate) fn ident(&mut self, name: &str) {
        self.rules.quote(&mut self.sql, name);
    }

    fn column(&mut self, alias: Option<&str>, column: &ColumnDef) {
        if let Some(alias) = alias {
            self.ident(alias);
            self.sql.push('.');
        }
        self.ident(column.name);
    }

    pub(crate) fn bind(&mut self, value: Value) {
        self.binds.push(value);
        self.rules.placeholder(&mut self.sql, self.binds.len());
    }

    fn column_list(&mut self, model: &ModelDef, alias: Option<&str>) {
        for (i, c) in model.columns.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.column(alias, c);
        }
    }

    fn comma_columns(&mut self, model: &ModelDef, columns: &[usize]) {
        for (i, &c) in columns.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.ident(model.columns[c].name);
        }
    }

    /// Renders a boolean expression.
    ///
    /// Filters are two-valued: a comparison with a `NULL` column is false (never unknown), `ne` and
    /// `not_in` are the complements of `eq` and `in_` (so they match `NULL`s), and `NOT` is the
    /// complement of what it negates.
    pub(crate) fn expr(&mut self, expr: &Expr, alias: Option<&str>) {
        match expr {
            Expr::Compare {
                column,
                op,
                value,
                insensitive,
            } => self.compare(alias, column, *op, value, *insensitive),
            Expr::In {
                column,
                values,
                negated,
            } => self.in_list(alias, column, values, *negated),
            Expr::IsNull { column, negated } => {
                self.column(alias, column);
                self.push(if *negated { " IS NOT NULL" } else { " IS NULL" });
            }
            Expr::Like {
                column,
                op,
                pattern,
                insensitive,
            } => {
                let rules = self.rules;
                rules.like(
                    self,
                    &|w: &mut Writer| w.column(alias, column),
                    column,
                    *op,
                    pattern,
                    *insensitive,
                );
            }
            Expr::And(list) | Expr::Or(list) => {
                let is_and = matches!(expr, Expr::And(_));
                if list.is_empty() {
                    self.push(if is_and { "1=1" } else { "1=0" });
                    return;
                }
                if list.len() == 1 {
                    self.expr(&list[0], alias);
                    return;
                }
                self.push("(");
                for (i, e) in list.iter().enumerate() {
                    if i > 0 {
                        self.push(if is_and { " AND " } else { " OR " });
                    }
                    self.expr(e, alias);
                }
                self.push(")");
            }
            Expr::Not(inner) => {
                // An unknown (NULL) operand would make `NOT` unknown too, and drop the row: read it
                // as false, so `NOT` keeps exactly the rows the operand does not.
                if may_be_unknown(inner) {
                    self.push("NOT COALESCE(");
                    self.expr(inner, alias);
                    self.push(", 1=0)");
                } else {
                    self.push("NOT (");
                    self.expr(inner, alias);
                    self.push(")");
                }
            }
            Expr::Bool(b) => self.push(if *b { "1=1" } else { "1=0" }),
            Expr::Exists {
                link,
                filter,
                negated,
            } => {
                if *negated {
                    self.push("NOT ");
                }
                self.related(Related::One, link, filter, alias);
            }
            Expr::Search(search) => {
                if search.query.is_empty() {
                    return self.push("1=0");
                }
                // The main row matches when the join of the search's matches found it.
                if alias.is_none()
                    && let Some((_, join)) = self.search_joins.iter().find(|(s, _)| s.same(search))
                {
                    let join = join.clone();
                    self.ident(&join);
                    self.push(".");
                    self.ident("orm_id");
                    return self.push(" IS NOT NULL");
                }
                let rules = self.rules;
                rules.text_match(self, search, alias.unwrap_or(search.model.table));
            }
            Expr::CountCmp {
                link,
                filter,
                op,
                value,
            } => {
                self.related(Related::Count, link, filter, alias);
                self.push(cmp_sql(*op));
                self.bind(Value::I64(*value));
            }
        }
    }

    fn compare(
        &mut self,
        alias: Option<&str>,
        column: &'static ColumnDef,
        op: CmpOp,
        value: &Value,
        insensitive: bool,
    ) {
        if value.is_null() {
            // `eq(None)` / `ne(None)` test for NULL; an order comparison with NULL holds for no row.
            match op {
                CmpOp::Eq | CmpOp::Ne => {
                    self.column(alias, column);
                    self.push(if op == CmpOp::Eq {
                        " IS NULL"
                    } else {
                        " IS NOT NULL"
                    });
                }
                _ => self.push("1=0"),
            }
            return;
        }
        // Stored date-times hold microseconds, so against a value with nanoseconds `=` never holds
        // and the order comparisons are exact against the microsecond just below it.
        let (op, value) = if dialect::sub_microsecond(value) {
            let op = match op {
                CmpOp::Eq => return self.push("1=0"),
                CmpOp::Ne => return self.push("1=1"),
                CmpOp::Lt | CmpOp::Lte => CmpOp::Lte,
                CmpOp::Gt | CmpOp::Gte => CmpOp::Gt,
            };
            (op, &floor_microsecond(value.clone()))
        } else {
            (op, value)
        };
        // `ne(v)` is the complement of `eq(v)`: a NULL differs from every value.
        let or_null = op == CmpOp::Ne && column.nullable;
        if or_null {
            self.push("(");
        }
        let lower = insensitive && column.kind == ScalarKind::String;
        let ordered = !matches!(op, CmpOp::Eq | CmpOp::Ne);
        let rules = self.rules;
        if lower {
            self.push(self.rules.lower());
        }
        if ordered {
            rules.ordered(self, &|w: &mut Writer| w.column(alias, column), column);
        } else {
            self.column(alias, column);
        }
        if lower {
            self.push(")");
        }
        self.push(cmp_sql(op));
        if lower {
            self.push(self.rules.lower());
        }
        if ordered {
            let value = value.clone();
            rules.ordered(
                self,
                &|w: &mut Writer| w.bind_col(column, value.clone()),
                column,
            );
        } else {
            self.bind_col(column, value.clone());
        }
        if lower {
            self.push(")");
        }
        if or_null {
            self.push(" OR ");
            self.column(alias, column);
            self.push(" IS NULL)");
        }
    }

    /// `col IN (..)`, two-valued: a `None` in the list matches NULLs, and `NOT IN` matches NULLs
    /// unless the list holds `None`.
    fn in_list(
        &mut self,
        alias: Option<&str>,
        column: &'static ColumnDef,
        values: &[Value],
        negated: bool,
    ) {
        let has_null = values.iter().any(Value::is_null);
        // A date-time with nanoseconds equals no stored one (they hold microseconds).
        let present: Vec<&Value> = values
            .iter()
            .filter(|v| !v.is_null() && !dialect::sub_microsecond(v))
            .collect();
        if present.is_empty() {
            match (has_null, negated) {
                (false, false) => self.push("1=0"),
                (false, true) => self.push("1=1"),
                (true, _) => {
                    self.column(alias, column);
                    self.push(if negated { " IS NOT NULL" } else { " IS NULL" });
                }
            }
            return;
        }
        // The NULL test that makes the list two-valued: `IN` also matches NULLs when the list has
        // `None`; `NOT IN` matches them when it has not.
        let null_test = match (has_null, negated, column.nullable) {
            (true, false, _) => Some(" IS NULL"),
            (true, true, _) => Some(" IS NOT NULL"),
            (false, true, true) => Some(" IS NULL"),
            _ => None,
        };
        if let Some(test) = null_test {
            self.push("(");
            self.column(alias, column);
            self.push(test);
            self.push(if negated && has_null { " AND " } else { " OR " });
        }
        let mut checked = Vec::with_capacity(present.len());
        for v in present {
            let v = normalize(v.clone());
            if let Some(reason) = self.dialect.refuse(&v) {
                self.refuse(column, &v, reason);
            }
            checked.push(v);
        }
        let rules = self.rules;
        rules.in_list(
            self,
            &|w: &mut Writer| w.column(alias, column),
            column,
            checked,
            negated,
        );
        if null_test.is_some() {
            self.push(")");
        }
    }

    /// A correlated subquery over the rows related through `link` to the outer row (named `alias`,
    /// or by its table): `EXISTS (SELECT 1 ...)`, `(SELECT COUNT(*) ...)` or `(SELECT r.col ...)`.
    fn related(&mut self, what: Related<'_>, link: &Link, filter: &Expr, alias: Option<&str>) {
        self.depth += 1;
        let inner = format!("orm_r{}", self.depth);
        match what {
            Related::One => self.push("EXISTS (SELECT 1"),
            Related::Count => self.push("(SELECT COUNT(*)"),
            Related::Column(c) => {
                self.push("(SELECT ");
                self.column(Some(&inner), c);
            }
        }
        self.push(" FROM ");
        self.related_rows(link, filter, &inner, alias);
        self.push(")");
        self.depth -= 1;
    }

    /// `inner_table r WHERE r.inner_column = outer.outer_column [AND filter]`: the rows related
    /// through `link` to the outer row (named `outer`, or by its table), aliased `r`.
    fn related_rows(&mut self, link: &Link, filter: &Expr, r: &str, outer: Option<&str>) {
        self.ident(link.inner.table);
        self.push(" ");
        self.ident(r);
        self.push(" WHERE ");
        self.column(Some(r), link.inner_column);
        self.push(" = ");
        self.column(Some(outer.unwrap_or(link.outer.table)), link.outer_column);
        self.related_conditions(link, filter, r);
    }

    /// ` AND filter AND r.deleted_at IS NULL`: what else related rows `r` must satisfy.
    fn related_conditions(&mut self, link: &Link, filter: &Expr, r: &str) {
        if !matches!(filter, Expr::Bool(true)) {
            self.push(" AND ");
            self.expr(filter, Some(r));
        }
        // Soft-deleted related rows are never related.
        if let Some(c) = link.inner.soft_delete_column() {
            self.push(" AND ");
            self.column(Some(r), c);
            self.push(" IS NULL");
        }
    }

    fn order_key(&mut self, key: &OrderKey, alias: Option<&str>) {
        match key {
            OrderKey::Column(c) => {
                let rules = self.rules;
                rules.ordered(self, &|w: &mut Writer| w.column(alias, c), c)
            }
            OrderKey::Related { link, column } => {
                self.related(Related::Column(column), link, &Expr::Bool(true), alias)
            }
            OrderKey::Count { link, filter } => self.related(Related::Count, link, filter, alias),
            // Not a bare constant: PostgreSQL refuses one, and an integer names a select-list
            // position.
            OrderKey::Relevance(search) if search.query.is_empty() => {
                let rules = self.rules;
                self.push(rules.no_relevance())
            }
            OrderKey::Relevance(search) => {
                let joined = alias
                    .is_none()
                    .then(|| {
                        let at = addr(key);
                        self.relevance_sql.iter().find(|(k, _)| *k == at)
                    })
                    .flatten()
                    .map(|(_, sql)| sql.clone());
                match joined {
                    Some(sql) => self.push(&sql),
                    None => {
                        let rules = self.rules;
                        rules.text_relevance(self, search, alias.unwrap_or(search.model.table));
                    }
                }
            }
        }
    }

    /// The order of a `SELECT` whose list computes `counts` (named `orm_c<i>`): a term ordering by
    /// one of those counts names it instead of counting again, so the count is computed once per
    /// row however many places use it.
    fn order_by_selected(&mut self, terms: &[OrderTerm], counts: &[CountCol]) {
        for (i, t) in terms.iter().enumerate() {
            let selected = match &t.key {
                OrderKey::Count { link, filter } => {
                    let key = format!("{link:?} {filter:?}");
                    counts
                        .iter()
                        .position(|c| format!("{:?} {:?}", c.link, c.filter) == key)
                }
                _ => None,
            };
            match selected {
                Some(c) if t.nulls.is_none() => {
                    if i > 0 {
                        self.push(", ");
                    }
                    self.ident(&format!("orm_c{c}"));
                    self.push(if t.order == Order::Asc {
                        " ASC"
                    } else {
                        " DESC"
                    });
                }
                _ => {
                    if i > 0 {
                        self.push(", ");
                    }
                    self.order_by(std::slice::from_ref(t), None);
                }
            }
        }
    }

    fn order_by(&mut self, terms: &[OrderTerm], alias: Option<&str>) {
        for (i, t) in terms.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            if let (Some(nulls), false) = (t.nulls, self.rules.caps().nulls_order) {
                self.order_key(&t.key, alias);
                self.push(if nulls == Nulls::First {
                    " IS NULL DESC, "
                } else {
                    " IS NULL ASC, "
                });
            }
            self.order_key(&t.key, alias);
            self.push(if t.order == Order::Asc {
                " ASC"
            } else {
                " DESC"
            });
            if let (Some(nulls), true) = (t.nulls, self.rules.caps().nulls_order) {
                self.push(if nulls == Nulls::First {
                    " NULLS FIRST"
                } else {
                    " NULLS LAST"
                });
            }
        }
    }

    fn limit_offset(&mut self, skip: Option<u64>, take: Option<u64>) {
        // A literal: PostgreSQL plans a bound LIMIT anew on every execution (a custom plan per
        // call), and a page size hardly varies. The offset, which does, stays a parameter.
        if let Some(take) = take {
            self.push(&format!(" LIMIT {}", take.min(i64::MAX as u64)));
        }
        if let Some(skip) = skip.filter(|s| *s > 0) {
            if take.is_none()
                && let Some(l) = self.rules.offset_only_limit()
            {
                self.push(l);
            }
            self.push(" OFFSET ");
            self.bind(Value::I64(skip.min(i64::MAX as u64) as i64));
        }
    }

    /// `WHERE filter AND <cursor condition>` (or nothing).
    fn where_clause(&mut self, spec: &SelectSpec<'_>) {
        let model = spec.model;
        let has_filter = spec.filter.is_some_and(|f| !matches!(f, Expr::Bool(true)));
        let visible = spec.deleted.condition(model);
        if !has_filter && spec.cursor.is_none() && visible.is_none() {
            return;
        }
        self.push(" WHERE ");
        if let Some(v) = &visible {
            self.expr(v, None);
            if has_filter || spec.cursor.is_some() {
                self.push(" AND ");
            }
        }
        if let Some(filter) = spec.filter.filter(|_| has_filter) {
            self.expr(filter, None);
            if spec.cursor.is_some() {
                self.push(" AND ");
            }
        }
        if let Some(cursor) = spec.cursor {
            self.cursor_condition(model, spec.order, cursor);
        }
    }

    /// Rows at or after the cursor row in `order` (which ends with a unique key):
    /// `(k1 > c1) OR (k1 = c1 AND k2 > c2) OR … OR (k1 = c1 AND … AND kn = cn)`, where each `cX` reads
    /// the cursor row's value in a scalar subquery, `>` follows each term's direction, and both
    /// comparisons place `NULL` where the order does (equality is `NULL`-safe). When the first key
    /// cannot be `NULL`, a leading `k1 >= c1` lets the planner read an index range that stops after
    /// the page. A cursor row that does not exist selects nothing.
    fn cursor_condition(&mut self, model: &'static ModelDef, order: &[OrderTerm], cursor: &Expr) {
        if order.is_empty() {
            self.push("1=1");
            return;
        }
        self.push("(");
        if order.iter().any(|t| key_nullable(&t.key)) {
            self.push("EXISTS (SELECT 1 FROM ");
            self.ident(model.table);
            self.push(" ");
            self.ident("orm_cursor");
            self.push(" WHERE ");
            self.expr(cursor, Some("orm_cursor"));
            self.push(") AND ");
        } else {
            let first = &order[0];
            self.order_key(&first.key, None);
            self.push(if first.order == Order::Asc {
                " >= "
            } else {
                " <= "
            });
            self.cursor_value(model, first, cursor);
            self.push(" AND ");
        }
        self.push("(");
        for i in 0..=order.len() {
            if i > 0 {
                self.push(" OR ");
            }
            self.push("(");
            for (j, term) in order.iter().enumerate().take(i + 1) {
                if j > 0 {
                    self.push(" AND ");
                }
                if j < i || i == order.len() {
                    self.cursor_equal(model, term, cursor);
                } else {
                    self.cursor_after(model, term, cursor);
                }
            }
            self.push(")");
        }
        self.push("))");
    }

    /// The cursor row's value of an order key: `(SELECT <key> FROM table orm_cursor WHERE <cursor>)`.
    fn cursor_value(&mut self, model: &'static ModelDef, term: &OrderTerm, cursor: &Expr) {
        self.push("(SELECT ");
        self.order_key(&term.key, Some("orm_cursor"));
        self.push(" FROM ");
        self.ident(model.table);
        self.push(" ");
        self.ident("orm_cursor");
        self.push(" WHERE ");
        self.expr(cursor, Some("orm_cursor"));
        self.push(")");
    }

    /// The row equals the cursor row on `term` (two `NULL`s are equal).
    fn cursor_equal(&mut self, model: &'static ModelDef, term: &OrderTerm, cursor: &Expr) {
        self.order_key(&term.key, None);
        self.push(if key_nullable(&term.key) {
            self.rules.null_safe_eq()
        } else {
            " = "
        });
        self.cursor_value(model, term, cursor);
    }

    /// The row sorts strictly after the cursor row on `term`.
    fn cursor_after(&mut self, model: &'static ModelDef, term: &OrderTerm, cursor: &Expr) {
        let op = if term.order == Order::Asc {
            " > "
        } else {
            " < "
        };
        if !key_nullable(&term.key) {
            self.order_key(&term.key, None);
            self.push(op);
            self.cursor_value(model, term, cursor);
            return;
        }
        // NULLs last: after a non-NULL cursor value come greater values, then every NULL:
        //   `(c IS NOT NULL AND (k IS NULL OR k > c))`.
        // NULLs first: after the NULLs come all values; after a value, the greater ones:
        //   `(k IS NOT NULL AND (c IS NULL OR k > c))`.
        let last = self.nulls_last(term);
        let key = |w: &mut Self| w.order_key(&term.key, None);
        let value = |w: &mut Self| w.cursor_value(model, term, cursor);
        self.push("(");
        if last {
            value(self)
        } else {
            key(self)
        }
        self.push(" IS NOT NULL AND (");
        if last {
            key(self)
        } else {
            value(self)
        }
        self.push(" IS NULL OR ");
        self.order_key(&term.key, None);
        self.push(op);
        self.cursor_value(model, term, cursor);
        self.push("))");
    }

    /// Whether `NULL`s sort after every value in this term: as asked, or the backend's rule
    /// (PostgreSQL sorts `NULL` as the largest value, MySQL and SQLite as the smallest).
    fn nulls_last(&self, term: &OrderTerm) -> bool {
        let null_is_largest = self.rules.caps().null_is_largest;
        match term.nulls {
            Some(n) => n == Nulls::Last,
            None => (term.order == Order::Asc) == null_is_largest,
        }
    }

    /// The model's columns, then one `COUNT(*)` subquery per relation count, then one JSON
    /// subquery per included relation (`Join` strategy).
    fn select_list(&mut self, spec: &SelectSpec<'_>, named_extras: bool) {
        self.column_list(spec.model, None);
        for (i, c) in spec.counts.iter().enumerate() {
            self.push(", ");
            self.related(Related::Count, &c.link, &c.filter, None);
            if named_extras {
                self.push(" AS ");
                self.ident(&format!("orm_c{i}"));
            }
        }
        for (i, j) in spec.joins.iter().enumerate() {
            self.push(", ");
            self.join_expr(j, None);
            if named_extras {
                self.push(" AS ");
                self.ident(&format!("orm_j{i}"));
            }
        }
        for (i, x) in spec.extras.iter().enumerate() {
            self.push(", ");
            self.extra(x);
            self.push(" AS ");
            self.ident(&format!("orm_x{i}"));
        }
    }

    /// A value a typed select reads of a search, for the row of the main table.
    fn extra(&mut self, x: &Extra) {
        match x {
            Extra::Relevance(key) => self.order_key(key, None),
            Extra::Snippet { search, column } => {
                let rules = self.rules;
                rules.text_snippet(self, search, column, search.model.table);
            }
        }
    }

    /// The related rows of `j`, aggregated into JSON by a subquery correlated to the outer row
    /// (named `outer`, or by its table): an array of row arrays for a to-many relation, one row
    /// array (or `NULL`) for a to-one relation.
    fn join_expr(&mut self, j: &JoinSpec<'_>, outer: Option<&str>) {
        self.depth += 1;
        let r = format!("orm_r{}", self.depth);
        let caps = self.rules.caps();
        let agg = self.rules.json_agg();
        let paginated = j.skip.is_some() || j.take.is_some();
        let ordered = !j.order.is_empty();
        // A page of related rows (and, where the aggregate takes no ORDER BY, their order) comes
        // from a derived table — except on MariaDB, which cannot correlate one but limits inside
        // the aggregate.
        let derived =
            j.many && !caps.json_agg_limit && (paginated || (ordered && !caps.json_agg_order));
        self.push("(SELECT ");
        if j.many {
            self.push(agg);
            self.json_row(j, &r);
            if ordered && caps.json_agg_order {
                self.push(" ORDER BY ");
                self.order_by(&j.order, Some(&r));
            }
            if caps.json_agg_limit && paginated {
                // Literal numbers: JSON_ARRAYAGG's LIMIT takes no parameters.
                let take = j.take.unwrap_or(u64::MAX >> 1);
                self.push(&format!(" LIMIT {}, {}", j.skip.unwrap_or(0), take));
            }
            self.push(")");
        } else {
            self.json_row(j, &r);
        }
        self.push(" FROM ");
        if derived {
            self.push("(SELECT * FROM ");
        }
        self.related_rows(&j.link, j.filter, &r, outer);
        if derived {
            if !j.order.is_empty() {
                self.push(" ORDER BY ");
                self.order_by(&j.order, Some(&r));
            }
            self.limit_offset(j.skip, j.take);
            self.push(") ");
            self.ident(&r);
        } else if !j.many {
            self.push(" LIMIT 1");
        }
        self.push(")");
        self.depth -= 1;
    }

    /// One related row as a JSON array: its columns (converted where JSON cannot carry the value
    /// exactly), its relation counts, its nested includes.
    fn json_row(&mut self, j: &JoinSpec<'_>, r: &str) {
        let rules = self.rules;
        self.push(rules.json_array());
        for (i, c) in j.link.inner.columns.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            rules.json_value(self, &|w: &mut Writer| w.column(Some(r), c), c);
        }
        for c in j.counts {
            self.push(", ");
            self.related(Related::Count, &c.link, &c.filter, Some(r));
        }
        for child in &j.children {
            self.push(", ");
            self.join_expr(child, Some(r));
        }
        self.push(")");
    }

    pub(crate) fn select(&mut self, spec: &SelectSpec<'_>) {
        let m = spec.model;
        let window: Option<&[usize]> = if !spec.distinct.is_empty() {
            Some(spec.distinct)
        } else {
            spec.partition
                .as_ref()
                .map(|p| std::slice::from_ref(&p.column.index))
        };
        match window {
            None if relevance_page(spec) => {
                self.select_relevance_page(spec);
                return;
            }
            None if self.rules.caps().grouped_counts
                && counts_per_page(spec)
                && spec.extras.is_empty() =>
            {
                self.select_with_grouped_counts(spec);
                return;
            }
            None => {
                self.plan_relevance_joins(spec);
                self.push("SELECT ");
                self.select_list(spec, !spec.counts.is_empty());
                self.push(" FROM ");
                self.ident(m.table);
                self.write_relevance_joins(spec);
                self.where_clause(spec);
                // An order by a relevance the row also reads names the read value (computed once;
                // an expression in both lists, with binds of its own, would be computed twice).
                for t in spec.order {
                    if let Some(i) = spec
                        .extras
                        .iter()
                        .position(|x| x.key().is_some_and(|k| same_relevance(k, &t.key)))
                    {
                        let mut sql = String::new();
                        self.rules.quote(&mut sql, &format!("orm_x{i}"));
                        self.relevance_sql.insert(0, (addr(&t.key), sql));
                    }
                }
            }
            Some(groups) => {
                // Number the rows of each group in the requested order, then keep the wanted ones:
                // the first of each group for DISTINCT, a page of each group for per-parent pagination.
                self.push("SELECT ");
                self.column_list(m, None);
                for i in 0..spec.counts.len() {
                    self.push(", ");
                    self.ident(&format!("orm_c{i}"));
                }
                for i in 0..spec.joins.len() {
                    self.push(", ");
                    self.ident(&format!("orm_j{i}"));
                }
                for i in 0..spec.extras.len() {
                    self.push(", ");
                    self.ident(&format!("orm_x{i}"));
                }
                self.push(" FROM (SELECT ");
                self.select_list(spec, true);
                // The outer order reads relevance from the numbered rows (the outer query is not
                // over the table: no index copies on MySQL, no rowid on SQLite).
                let ranked: Vec<usize> = (0..spec.order.len())
                    .filter(|&i| matches!(spec.order[i].key, OrderKey::Relevance(_)))
                    .collect();
                for &i in &ranked {
                    self.push(", ");
                    self.order_key(&spec.order[i].key, None);
                    self.push(" AS ");
                    self.ident(&format!("orm_o{i}"));
                }
                self.push(", ROW_NUMBER() OVER (PARTITION BY ");
                self.comma_columns(m, groups);
                if !spec.order.is_empty() {
                    self.push(" ORDER BY ");
                    self.order_by(spec.order, None);
                }
                self.push(") AS ");
                self.ident("orm_rn");
                self.push(" FROM ");
                self.ident(m.table);
                self.where_clause(spec);
                self.push(") ");
                self.ident(m.table);
                for &i in &ranked {
                    let mut sql = String::new();
                    self.rules.quote(&mut sql, &format!("orm_o{i}"));
                    self.relevance_sql
                        .insert(0, (addr(&spec.order[i].key), sql));
                }
                self.push(" WHERE ");
                self.ident("orm_rn");
                match spec.partition.filter(|_| spec.distinct.is_empty()) {
                    None => self.push(" = 1"),
                    Some(p) => {
                        self.push(" > ");
                        self.bind(Value::I64(p.skip.min(i64::MAX as u64) as i64));
                        if let Some(take) = p.take {
                            self.push(" AND ");
                            self.ident("orm_rn");
                            self.push(" <= ");
                            self.bind(Value::I64(
                                p.skip.saturating_add(take).min(i64::MAX as u64) as i64
                            ));
                        }
                    }
                }
            }
        }
        if !spec.order.is_empty() {
            self.push(" ORDER BY ");
            if window.is_none() && !spec.counts.is_empty() {
                self.order_by_selected(spec.order, spec.counts);
            } else {
                self.order_by(spec.order, None);
            }
        }
        self.limit_offset(spec.skip, spec.take);
        if let Some(lock) = spec.lock {
            let rules = self.rules;
            rules.lock_clause(self, lock, m.table);
        }
    }

    /// Where the backend computes relevance by a join of the main query (SQLite: one FTS5 scan
    /// for all rows, not one per row), the relevance terms read the joins' columns from now on.
    fn plan_relevance_joins(&mut self, spec: &SelectSpec<'_>) {
        if !self.rules.relevance_by_join() {
            return;
        }
        for (n, (search, keys)) in relevance_searches(spec).into_iter().enumerate() {
            self.search_joins
                .push((search.clone(), format!("orm_rel{n}")));
            let mut sql = String::from("COALESCE(");
            self.rules.quote(&mut sql, &format!("orm_rel{n}"));
            sql.push('.');
            self.rules.quote(&mut sql, "orm_rank");
            sql.push_str(", 0.0)");
            for key in keys {
                self.relevance_sql.push((key, sql.clone()));
            }
        }
    }

    /// The joins [`plan_relevance_joins`](Self::plan_relevance_joins) planned, after `FROM t`.
    fn write_relevance_joins(&mut self, spec: &SelectSpec<'_>) {
        if !self.rules.relevance_by_join() {
            return;
        }
        for (n, (search, _)) in relevance_searches(spec).into_iter().enumerate() {
            let rules = self.rules;
            let inner = spec.filter.is_some_and(|f| requires(f, search));
            rules.relevance_join(
                self,
                search,
                spec.model.table,
                &format!("orm_rel{n}"),
                inner,
            );
        }
    }

    /// A page of rows ordered by relevance, with relation counts, JSON includes or snippets: the
    /// page's keys first, with its relevance as columns, then the rows of those keys with their
    /// counts, includes and snippets —
    ///
    /// ```sql
    /// WITH orm_page AS (SELECT t.key AS orm_k0, <relevance> AS orm_o0 FROM t WHERE ..
    ///                   ORDER BY .. LIMIT ..)
    /// SELECT cols, <counts>, <includes> FROM orm_page JOIN t ON t.key = orm_page.orm_k0
    /// ORDER BY orm_o0 DESC, ..
    /// ```
    ///
    /// (MySQL/MariaDB and SQLite compute a select list for every row they sort, and a search may
    /// match every row: the sort carries keys and scores only.)
    fn select_relevance_page(&mut self, spec: &SelectSpec<'_>) {
        let m = spec.model;
        let page = "orm_page";
        self.plan_relevance_joins(spec);
        self.push("WITH ");
        self.ident(page);
        self.push(" AS (SELECT ");
        self.page_keys(m, ", ", " AS ", false);
        let ranked: Vec<usize> = (0..spec.order.len())
            .filter(|&i| matches!(&spec.order[i].key, OrderKey::Relevance(_)))
            .collect();
        for &i in &ranked {
            self.push(", ");
            self.order_key(&spec.order[i].key, None);
            self.push(" AS ");
            self.ident(&format!("orm_o{i}"));
        }
        // The relevance the rows read: the order's column when they are ordered by it. Snippets
        // are computed by the outer query, for the page's rows only.
        let mut extras: Vec<(usize, String)> = Vec::new();
        for (k, x) in spec.extras.iter().enumerate() {
            let Some(key) = x.key() else {
                continue;
            };
            let name = match ranked
                .iter()
                .find(|&&i| same_relevance(key, &spec.order[i].key))
            {
                Some(i) => format!("orm_o{i}"),
                None => {
                    self.push(", ");
                    self.order_key(key, None);
                    self.push(" AS ");
                    self.ident(&format!("orm_x{k}"));
                    format!("orm_x{k}")
                }
            };
            let mut sql = String::new();
            self.rules.quote(&mut sql, &name);
            extras.push((addr(key), sql));
        }
        self.push(" FROM ");
        self.ident(m.table);
        self.write_relevance_joins(spec);
        self.where_clause(spec);
        // Both orders and the outer select list read the page's relevance columns (computed once
        // per row; the names are the page's alone).
        self.relevance_sql = ranked
            .iter()
            .map(|&i| {
                let mut sql = String::new();
                self.rules.quote(&mut sql, &format!("orm_o{i}"));
                (addr(&spec.order[i].key), sql)
            })
            .chain(extras)
            .collect();
        self.push(" ORDER BY ");
        self.order_by(spec.order, None);
        self.limit_offset(spec.skip, spec.take);
        self.push(") SELECT ");
        self.select_list(spec, !spec.counts.is_empty());
        self.push(" FROM ");
        self.ident(page);
        self.push(" JOIN ");
        self.ident(m.table);
        self.push(" ON ");
        self.page_keys(m, " AND ", " = ", true);
        self.push(" ORDER BY ");
        if spec.counts.is_empty() {
            self.order_by(spec.order, None);
        } else {
            self.order_by_selected(spec.order, spec.counts);
        }
    }

    /// The table's key columns against a page's (`orm_k<i>`), joined by `sep`: `t.k AS orm_k0`,
    /// or `t.k = orm_page.orm_k0`.
    fn page_keys(&mut self, m: &ModelDef, sep: &str, op: &str, qualified: bool) {
        for (n, &k) in m.primary_key.iter().enumerate() {
            if n > 0 {
                self.push(sep);
            }
            self.column(Some(m.table), &m.columns[k]);
            self.push(op);
            if qualified {
                self.ident("orm_page");
                self.push(".");
            }
            self.ident(&format!("orm_k{n}"));
        }
    }

    /// The rows of `spec` with their relation counts, each count aggregated once over the related
    /// rows of the selected rows instead of once per row:
    ///
    /// ```sql
    /// WITH orm_page AS (SELECT cols FROM t WHERE .. ORDER BY .. LIMIT ..)
    /// SELECT cols, COALESCE(orm_g0.orm_n, 0) AS orm_c0, .. FROM orm_page AS t
    /// LEFT JOIN (SELECT r.fk AS orm_k, COUNT(*) AS orm_n FROM related r
    ///            WHERE r.fk IN (SELECT key FROM orm_page) [AND filter] GROUP BY r.fk) AS orm_g0
    ///   ON orm_g0.orm_k = t.key ..
    /// ORDER BY ..
    /// ```
    ///
    /// A correlated `(SELECT COUNT(*) ..)` per row scans the related table once per row when its
    /// foreign key has no index (as in most schemas the ORM did not create); this reads the
    /// related rows once, and with an index reads only the selected rows' ones. The page is
    /// named after the model's table, so everything else written for the row (JSON includes,
    /// orders by a related column) reads it unchanged.
    fn select_with_grouped_counts(&mut self, spec: &SelectSpec<'_>) {
        let m = spec.model;
        let page = "orm_page";
        self.push("WITH ");
        self.ident(page);
        self.push(" AS (SELECT ");
        self.column_list(m, None);
        self.push(" FROM ");
        self.ident(m.table);
        self.where_clause(spec);
        if spec.skip.is_some() || spec.take.is_some() {
            if !spec.order.is_empty() {
                self.push(" ORDER BY ");
                self.order_by(spec.order, None);
            }
            self.limit_offset(spec.skip, spec.take);
        }
        self.push(") SELECT ");
        self.column_list(m, None);
        for i in 0..spec.counts.len() {
            self.push(", COALESCE(");
            self.ident(&format!("orm_g{i}"));
            self.push(".");
            self.ident("orm_n");
            self.push(", 0) AS ");
            self.ident(&format!("orm_c{i}"));
        }
        for (i, j) in spec.joins.iter().enumerate() {
            self.push(", ");
            self.join_expr(j, None);
            self.push(" AS ");
            self.ident(&format!("orm_j{i}"));
        }
        self.push(" FROM ");
        self.ident(page);
        self.push(" AS ");
        self.ident(m.table);
        for (i, c) in spec.counts.iter().enumerate() {
            let g = format!("orm_g{i}");
            self.depth += 1;
            let r = format!("orm_r{}", self.depth);
            let link = &c.link;
            self.push(" LEFT JOIN (SELECT ");
            self.column(Some(&r), link.inner_column);
            self.push(" AS ");
            self.ident("orm_k");
            self.push(", COUNT(*) AS ");
            self.ident("orm_n");
            self.push(" FROM ");
            self.ident(link.inner.table);
            self.push(" ");
            self.ident(&r);
            self.push(" WHERE ");
            self.column(Some(&r), link.inner_column);
            self.push(" IN (SELECT ");
            self.ident(link.outer_column.name);
            self.push(" FROM ");
            self.ident(page);
            self.push(")");
            self.related_conditions(link, &c.filter, &r);
            self.push(" GROUP BY ");
            self.column(Some(&r), link.inner_column);
            self.push(") ");
            self.ident(&g);
            self.push(" ON ");
            self.ident(&g);
            self.push(".");
            self.ident("orm_k");
            self.push(" = ");
            self.column(Some(m.table), link.outer_column);
            self.depth -= 1;
        }
        if !spec.order.is_empty() {
            self.push(" ORDER BY ");
            self.order_by(spec.order, None);
        }
    }

    /// `SELECT keys.., aggregates.. FROM t WHERE .. GROUP BY keys HAVING .. ORDER BY .. LIMIT ..`.
    /// Groups are ordered as asked, then by their keys, so the order is total; aggregates sort
    /// `NULL` (an empty sum, min, max or average) last on every backend.
    pub(crate) fn aggregate(&mut self, spec: &AggSpec<'_>) {
        let m = spec.model;
        self.push("SELECT ");
        let mut first = true;
        for k in spec.keys {
            if !first {
                self.push(", ");
            }
            first = false;
            self.column(None, k);
        }
        for a in spec.aggs {
            if !first {
                self.push(", ");
            }
            first = false;
            self.agg(a);
        }
        if first {
            self.push("COUNT(*)");
        }
        self.push(" FROM ");
        self.ident(m.table);
        let filter = spec.deleted.restrict(m, spec.filter);
        if !matches!(*filter, Expr::Bool(true)) {
            self.push(" WHERE ");
            self.expr(&filter, None);
        }
        if !spec.keys.is_empty() {
            self.push(" GROUP BY ");
            for (i, k) in spec.keys.iter().enumerate() {
                if i > 0 {
                    self.push(", ");
                }
                self.column(None, k);
            }
        }
        for (i, h) in spec.having.iter().enumerate() {
            self.push(if i == 0 { " HAVING " } else { " AND " });
            self.having(h);
        }
        if !spec.keys.is_empty() {
            self.push(" ORDER BY ");
            let mut first = true;
            for o in spec.order {
                if !first {
                    self.push(", ");
                }
                first = false;
                match o {
                    GroupOrder::Column(t) => self.order_by(std::slice::from_ref(t), None),
                    GroupOrder::Agg(a, order) => {
                        if a.nullable() {
                            self.agg(a);
                            self.push(" IS NULL, ");
                        }
                        self.agg(a);
                        self.push(if *order == Order::Asc {
                            " ASC"
                        } else {
                            " DESC"
                        });
                    }
                }
            }
            let direction = spec.order.last().map_or(Order::Asc, |o| match o {
                GroupOrder::Column(t) => t.order,
                GroupOrder::Agg(_, order) => *order,
            });
            for k in spec.keys {
                let ordered = spec
                    .order
                    .iter()
                    .any(|o| matches!(o, GroupOrder::Column(t) if t.key.column().is_some_and(|c| std::ptr::eq(c, *k))));
                if ordered {
                    continue;
                }
                if !first {
                    self.push(", ");
                }
                first = false;
                // A nullable key's NULL group sorts last on every backend.
                self.order_by(
                    &[OrderTerm {
                        key: OrderKey::Column(k),
                        order: direction,
                        nulls: k.nullable.then_some(Nulls::Last),
                    }],
                    None,
                );
            }
        }
        self.limit_offset(spec.skip, spec.take);
    }

    /// One aggregate, as the dialect spells it.
    fn agg(&mut self, a: &AggExpr) {
        let rules = self.rules;
        rules.aggregate(self, a);
    }

    /// `aggregate op value`; `ne` holds for a `NULL` aggregate too (filters are two-valued).
    fn having(&mut self, h: &HavingTerm) {
        let ne = h.op == CmpOp::Ne && h.agg.nullable();
        if ne {
            self.push("(");
        }
        self.agg(&h.agg);
        self.push(match h.op {
            CmpOp::Eq => " = ",
            CmpOp::Ne => " <> ",
            CmpOp::Lt => " < ",
            CmpOp::Lte => " <= ",
            CmpOp::Gt => " > ",
            CmpOp::Gte => " >= ",
        });
        let value = normalize(h.value.clone());
        match h.agg.column {
            // The value of a column's own type (min, max): checked as a value of that column.
            Some(c)
                if matches!(
                    h.agg.func,
                    crate::ast::AggFunc::Min | crate::ast::AggFunc::Max
                ) =>
            {
                self.bind_col(c, value)
            }
            _ => {
                if self.invalid.is_none()
                    && let Some(reason) = self.dialect.refuse(&value)
                {
                    self.invalid = Some(("having", abbreviate(&value), reason));
                }
                self.bind(value);
            }
        }
        if ne {
            self.push(" OR ");
            self.agg(&h.agg);
            self.push(" IS NULL)");
        }
    }

    pub(crate) fn count(&mut self, spec: &SelectSpec<'_>) {
        if spec.skip.is_none() && spec.take.is_none() && spec.distinct.is_empty() {
            self.push("SELECT COUNT(*) FROM ");
            self.ident(spec.model.table);
            self.where_clause(spec);
        } else {
            self.push("SELECT COUNT(*) FROM (");
            self.select(spec);
            self.push(") ");
            self.ident("orm_count");
        }
    }

    /// `INSERT INTO t (columns) VALUES (...), ... [conflict clause] [RETURNING *]`.
    pub(crate) fn insert(
        &mut self,
        model: &'static ModelDef,
        columns: &[usize],
        rows: impl IntoIterator<Item = Vec<Value>>,
        conflict: &OnConflict<'_>,
        returning: bool,
    ) {
        let ignore_kw = match conflict {
            OnConflict::Ignore => self.rules.insert_ignore(),
            _ => None,
        };
        self.push(ignore_kw.unwrap_or("INSERT INTO "));
        self.ident(model.table);
        self.push(" (");
        self.comma_columns(model, columns);
        self.push(") VALUES ");
        for (i, row) in rows.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push("(");
            for (j, v) in row.into_iter().enumerate() {
                if j > 0 {
                    self.push(", ");
                }
                self.bind_stored(&model.columns[columns[j]], v);
            }
            self.push(")");
        }
        match conflict {
            OnConflict::Error => {}
            OnConflict::Ignore => {
                if ignore_kw.is_none() {
                    self.push(" ON CONFLICT DO NOTHING");
                }
            }
            OnConflict::Update { key, changes } => {
                self.upsert_head(model, key);
                if changes.is_empty() {
                    // A no-op assignment, so the existing row is still returned.
                    let pk = &model.columns[model.primary_key[0]];
                    self.assignment_target(model, pk);
                    self.push(" = ");
                    self.column_for_change(model, pk, true);
                } else if self.rules.caps().on_duplicate_key {
                    // Key columns last: later assignments must still see the row's own key.
                    let mut ordered: Vec<&(usize, Change)> = changes.iter().collect();
                    ordered.sort_by_key(|(c, _)| key.contains(c));
                    for (i, (c, change)) in ordered.into_iter().enumerate() {
                        if i > 0 {
                            self.push(", ");
                        }
                        self.guarded(model, key, *c, |w| w.change_value(model, *c, change, true));
                    }
                } else {
                    self.changes(model, changes, true);
                }
            }
            OnConflict::Overwrite { key, columns } => {
                self.upsert_head(model, key);
                for (i, &c) in columns.iter().enumerate() {
                    if i > 0 {
                        self.push(", ");
                    }
                    let col = &model.columns[c];
                    if self.rules.caps().on_duplicate_key {
                        self.guarded(model, key, c, |w| {
                            w.push("VALUES(");
                            w.ident(col.name);
                            w.push(")");
                        });
                    } else {
                        self.ident(col.name);
                        self.push(" = ");
                        self.ident("excluded");
                        self.push(".");
                        self.ident(col.name);
                    }
                }
            }
        }
        if returning {
            self.returning(model);
        }
    }

    /// `col = IF(<the row's key is the new row's key>, <value>, col)`: `ON DUPLICATE KEY UPDATE`
    /// fires on a conflict with any unique key, and must change only the row the upsert names —
    /// a conflict on another key leaves that row untouched (and the caller reports it).
    fn guarded(
        &mut self,
        model: &'static ModelDef,
        key: &[usize],
        column: usize,
        value: impl FnOnce(&mut Self),
    ) {
        let col = &model.columns[column];
        self.ident(col.name);
        self.push(" = IF(");
        for (i, &k) in key.iter().enumerate() {
            if i > 0 {
                self.push(" AND ");
            }
            let kc = &model.columns[k];
            self.ident(kc.name);
            self.push(" <=> VALUES(");
            self.ident(kc.name);
            self.push(")");
        }
        self.push(", ");
        value(self);
        self.push(", ");
        self.ident(col.name);
        self.push(")");
    }

    fn upsert_head(&mut self, model: &ModelDef, key: &[usize]) {
        if self.rules.caps().on_duplicate_key {
            self.push(" ON DUPLICATE KEY UPDATE ");
        } else {
            self.push(" ON CONFLICT (");
            self.comma_columns(model, key);
            self.push(") DO UPDATE SET ");
        }
    }

    fn assignment_target(&mut self, _model: &ModelDef, col: &ColumnDef) {
        self.ident(col.name);
    }

    /// The current value of a column inside `SET` (qualified by the table in an upsert).
    fn column_for_change(&mut self, model: &ModelDef, col: &ColumnDef, upsert: bool) {
        if upsert && !self.rules.caps().on_duplicate_key {
            self.ident(model.table);
            self.push(".");
        }
        self.ident(col.name);
    }

    fn changes(&mut self, model: &'static ModelDef, changes: &[(usize, Change)], upsert: bool) {
        for (i, (c, change)) in changes.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            let col = &model.columns[*c];
            self.assignment_target(model, col);
            self.push(" = ");
            self.change_value(model, *c, change, upsert);
        }
    }

    /// The new value of column `c` under `change`: the bound value, or the column's arithmetic.
    fn change_value(&mut self, model: &'static ModelDef, c: usize, change: &Change, upsert: bool) {
        let col = &model.columns[c];
        let (op, v) = match change {
            Change::Set(v) => return self.bind_stored(col, v.clone()),
            Change::Increment(v) => (Arith::Add, v),
            Change::Decrement(v) => (Arith::Sub, v),
            Change::Multiply(v) => (Arith::Mul, v),
            Change::Divide(v) => (Arith::Div, v),
        };
        if op == Arith::Div && is_zero(v) {
            // PostgreSQL and MySQL would fail, SQLite would store NULL.
            self.refuse(col, v, "division by zero".into());
        }
        // Adding a finer decimal to a `numeric(p,s)` column would round the sum; a product or a
        // quotient generally has more decimals than the column keeps.
        if matches!(op, Arith::Add | Arith::Sub) {
            if let Some(reason) = dialect::finer_than(col, v) {
                self.refuse(col, v, reason);
            }
        } else if let Some((_, scale)) = col.decimal_digits() {
            self.refuse(
                col,
                v,
                format!(
                    "the column keeps {scale} decimal places and the database would round the result; read the value, compute it and set it"
                ),
            );
        }
        let rules = self.rules;
        rules.arithmetic(
            self,
            &|w: &mut Writer| w.column_for_change(model, col, upsert),
            col,
            op,
            v.clone(),
        );
    }

    pub(crate) fn returning(&mut self, model: &ModelDef) {
        self.push(" RETURNING ");
        self.column_list(model, None);
    }

    pub(crate) fn update(
        &mut self,
        model: &'static ModelDef,
        changes: &[(usize, Change)],
        filter: &Expr,
        returning: bool,
    ) {
        self.push("UPDATE ");
        self.ident(model.table);
        self.push(" SET ");
        self.changes(model, changes, false);
        if !matches!(filter, Expr::Bool(true)) {
            self.push(" WHERE ");
            self.expr(filter, None);
        }
        if returning {
            self.returning(model);
        }
    }

    pub(crate) fn delete(&mut self, model: &ModelDef, filter: &Expr, returning: bool) {
        self.push("DELETE FROM ");
        self.ident(model.table);
        if !matches!(filter, Expr::Bool(true)) {
            self.push(" WHERE ");
            self.expr(filter, None);
        }
        if returning {
            self.returning(model);
        }
    }

    pub(crate) fn rules(&self) -> &'static dyn Rules {
        self.rules
    }
}

/// An arithmetic update: `column = column <op> value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

impl Arith {
    pub(crate) fn sql(self) -> &'static str {
        match self {
            Arith::Add => " + ",
            Arith::Sub => " - ",
            Arith::Mul => " * ",
            Arith::Div => " / ",
        }
    }
}

/// Whether a `SELECT` computes its relation counts grouped over its rows
/// ([`Writer::select_with_grouped_counts`]) rather than per row: when it counts, may return more
/// than one row, locks nothing and orders by no count (a count it orders by decides which rows
/// are selected, so it must exist before the page does).
fn counts_per_page(spec: &SelectSpec<'_>) -> bool {
    !spec.counts.is_empty()
        && spec.take != Some(1)
        && spec.lock.is_none()
        && !spec
            .order
            .iter()
            .any(|t| matches!(t.key, OrderKey::Count { .. } | OrderKey::Relevance(_)))
}

/// The address of an order key, which names it in [`Writer::relevance_sql`].
fn addr(key: &OrderKey) -> usize {
    key as *const OrderKey as usize
}

/// Whether every row `filter` keeps matches `search` (the search is the filter or one of its
/// conjuncts).
fn requires(filter: &Expr, search: &TextSearch) -> bool {
    match filter {
        Expr::Search(s) => s.same(search),
        Expr::And(list) => list.iter().any(|e| requires(e, search)),
        _ => false,
    }
}

/// Whether two keys are the relevance of one search.
fn same_relevance(a: &OrderKey, b: &OrderKey) -> bool {
    matches!((a, b), (OrderKey::Relevance(a), OrderKey::Relevance(b)) if a.same(b))
}

/// The distinct searches (with something to find) whose relevance a `SELECT` computes — its
/// order's, then the values it reads — each with the keys that read it.
fn relevance_searches<'s>(spec: &'s SelectSpec<'_>) -> Vec<(&'s TextSearch, Vec<usize>)> {
    let mut out: Vec<(&TextSearch, Vec<usize>)> = Vec::new();
    for key in spec
        .order
        .iter()
        .map(|t| &t.key)
        .chain(spec.extras.iter().filter_map(Extra::key))
    {
        let OrderKey::Relevance(s) = key else {
            continue;
        };
        if s.query.is_empty() {
            continue;
        }
        match out.iter_mut().find(|(o, _)| o.same(s)) {
            Some((_, keys)) => keys.push(addr(key)),
            None => out.push((s, vec![addr(key)])),
        }
    }
    out
}

/// Whether a `SELECT` reads its page before its counts and includes
/// ([`Writer::select_relevance_page`]): a page (`take`) ordered by relevance, with counts or
/// JSON includes, or reading snippets (computed for the page's rows only), locking nothing.
fn relevance_page(spec: &SelectSpec<'_>) -> bool {
    let ranked = spec
        .order
        .iter()
        .any(|t| matches!(&t.key, OrderKey::Relevance(s) if !s.query.is_empty()));
    let snippets = spec
        .extras
        .iter()
        .any(|x| matches!(x, Extra::Snippet { .. }));
    spec.take.is_some()
        && spec.lock.is_none()
        && ((ranked && (!spec.counts.is_empty() || !spec.joins.is_empty())) || snippets)
}

fn is_zero(v: &Value) -> bool {
    match v {
        Value::I16(n) => *n == 0,
        Value::I32(n) => *n == 0,
        Value::I64(n) => *n == 0,
        Value::F32(f) => *f == 0.0,
        Value::F64(f) => *f == 0.0,
        Value::Decimal(d) => d.is_zero(),
        _ => false,
    }
}

/// Whether an order key can be `NULL`: a nullable column, a related row's column (the row may be
/// missing); never a count.
fn key_nullable(key: &OrderKey) -> bool {
    match key {
        OrderKey::Column(c) => c.nullable,
        OrderKey::Related { .. } => true,
        OrderKey::Count { .. } | OrderKey::Relevance(_) => false,
    }
}

/// Whether an expression can evaluate to SQL's unknown (a comparison with a NULL column).
fn may_be_unknown(e: &Expr) -> bool {
    match e {
        Expr::Compare {
            column, op, value, ..
        } => column.nullable && *op != CmpOp::Ne && !value.is_null(),
        Expr::In {
            column,
            values,
            negated,
        } => column.nullable && !negated && !values.iter().any(Value::is_null),
        Expr::Like { column, .. } => column.nullable,
        Expr::And(list) | Expr::Or(list) => list.iter().any(may_be_unknown),
        Expr::Not(_) | Expr::IsNull { .. } | Expr::Bool(_) => false,
        Expr::Exists { .. } | Expr::CountCmp { .. } | Expr::Search(_) => false,
    }
}

/// A value's `Debug` form, cut to a length an error message can carry.
pub(crate) fn abbreviate(v: &Value) -> String {
    let mut s = format!("{v:?}");
    if s.len() > 80 {
        let mut end = 77;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push_str("...");
    }
    s
}

fn cmp_sql(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => " = ",
        CmpOp::Ne => " <> ",
        CmpOp::Lt => " < ",
        CmpOp::Lte => " <= ",
        CmpOp::Gt => " > ",
        CmpOp::Gte => " >= ",
    }
}
