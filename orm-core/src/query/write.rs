//! Writes: create, update, upsert, delete — single and many.

use std::marker::PhantomData;

use chrono::{SubsecRound, Utc};

use super::change::Change;
use super::filter::{Expr, Filter, UniqueFilter};
use super::find::FindMany;
use super::{AnyColumn, CmpOp};
use crate::client::{ExecResult, Executor};
use crate::error::{Error, Result};
use crate::hooks::OperationKind;
use crate::model::{
    AsUniqueKey, Column, ColumnDef, CreateInput, DefaultDef, Model, ModelDef, SoftDelete,
    UpdateInput,
};
use crate::relation::NestedWrite;
use crate::sql::{Deleted, Dialect, OnConflict, SelectSpec, Statement, Writer};
use crate::types::{FieldType, IntoValue, Numeric, ScalarKind};
use crate::value::Value;

/// The value `now` stands for in `col`, truncated to the fractional digits the column keeps
/// (microseconds unless its `db_type` says fewer), so what `create` returns equals what a later read
/// returns.
fn now_as(now: chrono::DateTime<Utc>, col: &ColumnDef) -> Value {
    let now = now.trunc_subsecs(col.fraction_digits() as u16);
    match col.kind {
        ScalarKind::NaiveDateTime => Value::NaiveDateTime(now.naive_utc()),
        ScalarKind::Date => Value::Date(now.date_naive()),
        ScalarKind::Time => Value::Time(now.time()),
        ScalarKind::String => Value::String(now.to_rfc3339()),
        _ => Value::DateTime(now),
    }
}

/// Fills defaults for one new row. Returns the values of the inserted columns and which columns those
/// are (auto-increment columns left to the database are omitted).
fn complete_row(
    def: &'static ModelDef,
    given: Vec<Option<Value>>,
) -> Result<(Vec<usize>, Vec<Value>)> {
    // One instant per row, so `created_at` and `updated_at` agree.
    let now = Utc::now().trunc_subsecs(6);
    let mut columns = Vec::with_capacity(def.columns.len());
    let mut values = Vec::with_capacity(def.columns.len());
    for (col, given) in def.columns.iter().zip(given) {
        let value = match given {
            Some(v) => v,
            None => match col.default {
                Some(DefaultDef::Autoincrement) => continue,
                Some(DefaultDef::Cuid) => Value::String(cuid2::create_id()),
                Some(DefaultDef::UuidV4) => uuid_value(col.kind, uuid::Uuid::new_v4()),
                Some(DefaultDef::UuidV7) => uuid_value(col.kind, uuid::Uuid::now_v7()),
                Some(DefaultDef::Now) => now_as(now, col),
                Some(DefaultDef::Value(f)) => f(),
                None if col.updated_at => now_as(now, col),
                None if col.nullable => Value::Null(col.kind),
                None => {
                    return Err(Error::InvalidQuery(format!(
                        "{}.{} is required but was not given",
                        def.name, col.field
                    )));
                }
            },
        };
        columns.push(col.index);
        values.push(value);
    }
    Ok((columns, values))
}

fn uuid_value(kind: ScalarKind, id: uuid::Uuid) -> Value {
    if kind == ScalarKind::String {
        Value::String(id.to_string())
    } else {
        Value::Uuid(id)
    }
}

/// `WHERE key = values` for reading a row back by its key.
fn key_filter(def: &'static ModelDef, key: &[(usize, Value)]) -> Expr {
    Expr::And(
        key.iter()
            .map(|(c, v)| Expr::Compare {
                column: &def.columns[*c],
                op: CmpOp::Eq,
                value: v.clone(),
                insensitive: false,
            })
            .collect(),
    )
}

/// `SELECT` of the rows matching `filter` (a row read before or after a write): soft-deleted
/// rows too, the write's own filter says which rows it touched.
fn select_where(dialect: Dialect, def: &'static ModelDef, filter: &Expr) -> Result<Statement> {
    let mut w = Writer::new(dialect);
    w.select(&SelectSpec {
        model: def,
        deleted: Deleted::Shown,
        filter: Some(filter),
        order: &[],
        skip: None,
        take: None,
        cursor: None,
        distinct: &[],
        counts: &[],
        partition: None,
        joins: &[],
        lock: None,
        extras: &[],
    });
    w.finish(Some(def))
}

/// Runs a statement that returns rows of `M`.
async fn fetch_rows<M: Model, E: Executor + ?Sized>(
    db: &E,
    statement: Statement,
) -> Result<Vec<M>> {
    db.__fetch(statement, |row| M::decode(row, 0)).await
}

/// What a write of one row sends, and where the row comes back from.
pub(crate) enum WriteOne {
    /// One statement that returns the row: the write with `RETURNING`, or the read when there is
    /// nothing to write.
    Fetch(Statement),
    /// The write, then the row read back by its key (no `RETURNING`). With `must_match`, writing
    /// no row is [`Error::NotFound`].
    WriteThenRead {
        write: Statement,
        read: Statement,
        must_match: bool,
    },
    /// The row read, then the write (a `DELETE` without `RETURNING`); deleting no row is
    /// [`Error::NotFound`].
    ReadThenWrite { read: Statement, write: Statement },
    /// An upsert without `RETURNING` (MySQL): the guarded `ON DUPLICATE KEY UPDATE`, then the row
    /// read back by its key. No such row means the new row conflicted on another unique key, which
    /// the guard left untouched: the plain `INSERT` then fails with that key's violation.
    UpsertThenRead {
        write: Statement,
        read: Statement,
        insert: Statement,
    },
}

/// The statements in the order they are sent.
impl From<WriteOne> for Vec<Statement> {
    fn from(w: WriteOne) -> Self {
        match w {
            WriteOne::Fetch(s) => vec![s],
            WriteOne::WriteThenRead { write, read, .. } => vec![write, read],
            WriteOne::ReadThenWrite { read, write } => vec![read, write],
            WriteOne::UpsertThenRead {
                write,
                read,
                insert,
            } => vec![write, read, insert],
        }
    }
}

impl WriteOne {
    async fn run<M: Model, E: Executor + ?Sized>(self, db: &E) -> Result<M> {
        match self {
            WriteOne::Fetch(statement) => one(fetch_rows(db, statement).await?),
            WriteOne::WriteThenRead {
                write,
                read,
                must_match,
            } => {
                let r = db.__execute(write).await?;
                if must_match && r.rows_affected == 0 {
                    return Err(Error::NotFound { model: M::DEF.name });
                }
                one(fetch_rows(db, read).await?)
            }
            WriteOne::ReadThenWrite { read, write } => {
                let row = one(fetch_rows(db, read).await?)?;
                if db.__execute(write).await?.rows_affected == 0 {
                    return Err(Error::NotFound { model: M::DEF.name });
                }
                Ok(row)
            }
            WriteOne::UpsertThenRead {
                write,
                read,
                insert,
            } => {
                db.__execute(write).await?;
                if let Some(row) = fetch_rows(db, read.clone()).await?.into_iter().next() {
                    return Ok(row);
                }
                db.__execute(insert).await?;
                one(fetch_rows(db, read).await?)
            }
        }
    }
}

/// After an `INSERT` without `RETURNING` (MySQL): the inserted row's primary key.
fn inserted_key(
    def: &'static ModelDef,
    columns: &[usize],
    values: &[Value],
    r: ExecResult,
) -> Result<Vec<(usize, Value)>> {
    def.primary_key
        .iter()
        .map(|&pk| {
            if let Some(pos) = columns.iter().position(|&c| c == pk) {
                Ok((pk, values[pos].clone()))
            } else {
                let id = r.last_insert_id.ok_or_else(|| {
                    Error::InvalidQuery("the database reported no inserted id".into())
                })?;
                let v = match def.columns[pk].kind {
                    ScalarKind::I16 => Value::I16(id as i16),
                    ScalarKind::I32 => Value::I32(id as i32),
                    _ => Value::I64(id),
                };
                Ok((pk, v))
            }
        })
        .collect()
}

fn one<M: Model>(rows: Vec<M>) -> Result<M> {
    rows.into_iter()
        .next()
        .ok_or(Error::NotFound { model: M::DEF.name })
}

/// Adds `updated_at = now` for every `#[orm(updated_at)]` column the changes do not set.
pub(crate) fn with_updated_at(
    def: &'static ModelDef,
    mut changes: Vec<(usize, Change)>,
) -> Vec<(usize, Change)> {
    let now = Utc::now().trunc_subsecs(6);
    for col in def.columns.iter().filter(|c| c.updated_at) {
        if !changes.iter().any(|(c, _)| *c == col.index) {
            changes.push((col.index, Change::Set(now_as(now, col))));
        }
    }
    changes
}

/// Inserts one row and returns it. From [`ModelQuery::create`](super::ModelQuery::create).
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct Create<M: Model> {
    data: M::Create,
    nested: Vec<NestedWrite<M>>,
}

impl<M: Model> Create<M> {
    pub(crate) fn new(data: M::Create) -> Self {
        Create {
            data,
            nested: Vec::new(),
        }
    }

    /// Also writes related rows, in the same transaction: `User::SETTINGS.create(..)`,
    /// `Post::TAGS.create_many(..)`, `Post::AUTHOR.connect(..)`, `Post::CATEGORY.connect_or_create(..)`.
    /// A foreign key the nested write sets overrides the value given in the data.
    pub fn with(mut self, write: NestedWrite<M>) -> Self {
        self.nested.push(write);
        self
    }

    /// Runs the insert; returns the row as stored, defaults filled in (and the relations written
    /// by `with` loaded).
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<M> {
        crate::hooks::run_operation!(
            db.__db(),
            Some(M::DEF),
            OperationKind::Create,
            self.exec_inner(db)
        )
    }

    async fn exec_inner<E: Executor + ?Sized>(self, db: &E) -> Result<M> {
        if self.nested.is_empty() {
            let insert = self.statement(db.__dialect())?;
            return insert_one::<M, E>(db, insert).await;
        }
        let tx = db.__atomic().await?;
        let mut given = self.data.into_values();
        let (before, after) = NestedWrite::split(self.nested);
        for op in before {
            let (fk, key) = op.run(tx.__db()).await?;
            given[fk] = Some(key);
        }
        let insert = InsertOne::new(tx.__dialect(), M::DEF, given)?;
        let mut row = insert_one::<M, _>(&tx, insert).await?;
        for op in after {
            op.run(tx.__db(), &mut row).await?;
        }
        tx.commit().await?;
        Ok(row)
    }

    /// The `INSERT` this create sends on `dialect`, without a database (nested creates and
    /// connects aside; on MySQL/MariaDB, which have no `RETURNING`, the row is then read back by
    /// its key). Generated defaults (`cuid`, `uuid`, `now`) are generated for this statement.
    pub fn to_sql(self, dialect: Dialect) -> Result<Statement> {
        Ok(self.statement(dialect)?.statement)
    }

    /// The `INSERT` this create sends for its row (nested writes aside).
    pub(crate) fn statement(self, dialect: Dialect) -> Result<InsertOne> {
        InsertOne::new(dialect, M::DEF, self.data.into_values())
    }
}

/// The `INSERT` of one new row, and how the row comes back.
pub(crate) struct InsertOne {
    statement: Statement,
    /// Without `RETURNING` (MySQL): the inserted columns and values, which give the row's key to
    /// read it back by. `None`: the statement returns the row.
    read_back: Option<(Vec<usize>, Vec<Value>)>,
}

impl InsertOne {
    /// The row's given values completed with its defaults, inserted.
    fn new(dialect: Dialect, def: &'static ModelDef, given: Vec<Option<Value>>) -> Result<Self> {
        let (columns, values) = complete_row(def, given)?;
        let returning = dialect.capabilities().insert_returning;
        let read_back = (!returning).then(|| (columns.clone(), values.clone()));
        let mut w = Writer::new(dialect);
        w.insert(def, &columns, [values], &OnConflict::Error, returning);
        Ok(InsertOne {
            statement: w.finish(Some(def))?,
            read_back,
        })
    }
}

/// The `INSERT` (the read back by key that may follow depends on the inserted id).
impl From<InsertOne> for Vec<Statement> {
    fn from(i: InsertOne) -> Self {
        vec![i.statement]
    }
}

async fn insert_one<M: Model, E: Executor + ?Sized>(db: &E, insert: InsertOne) -> Result<M> {
    let Some((columns, values)) = insert.read_back else {
        return one(fetch_rows(db, insert.statement).await?);
    };
    let r = db.__execute(insert.statement).await?;
    let key = inserted_key(M::DEF, &columns, &values, r)?;
    let read = select_where(db.__dialect(), M::DEF, &key_filter(M::DEF, &key))?;
    one(fetch_rows(db, read).await?)
}

/// Splits rows into statements under the backend's bind limit and the executor's byte budget
/// (MySQL refuses a statement over `max_allowed_packet`), grouping rows that insert the same
/// columns (rows that leave an auto-increment key to the database differ from rows that give it).
/// The columns one `INSERT` writes and its rows.
type Batch = (Vec<usize>, Vec<Vec<Value>>);

fn batches(
    dialect: Dialect,
    budget: usize,
    def: &'static ModelDef,
    data: Vec<Vec<Option<Value>>>,
) -> Result<Vec<Batch>> {
    let max_binds = dialect.max_binds();
    let mut out: Vec<(Vec<usize>, Vec<Vec<Value>>, usize)> = Vec::new();
    for given in data {
        let (columns, values) = complete_row(def, given)?;
        let per_stmt = (max_binds / columns.len().max(1)).max(1);
        let size: usize = values.iter().map(crate::driver::value_size).sum();
        match out.last_mut() {
            Some((cols, rows, bytes))
                if *cols == columns && rows.len() < per_stmt && *bytes + size <= budget =>
            {
                rows.push(values);
                *bytes += size;
            }
            _ => out.push((columns, vec![values], size)),
        }
    }
    Ok(out.into_iter().map(|(c, r, _)| (c, r)).collect())
}

/// Inserts many rows. From [`ModelQuery::create_many`](super::ModelQuery::create_many).
///
/// Rows are sent in as few multi-row `INSERT`s as the backend's bind-parameter limit allows.
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct CreateMany<M: Model> {
    data: Vec<Vec<Option<Value>>>,
    skip_duplicates: bool,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> CreateMany<M> {
    pub(crate) fn from_values(data: Vec<Vec<Option<Value>>>) -> Self {
        CreateMany {
            data,
            skip_duplicates: false,
            _model: PhantomData,
        }
    }

    pub(crate) fn new(data: impl IntoIterator<Item = M::Create>) -> Self {
        CreateMany {
            data: data.into_iter().map(CreateInput::into_values).collect(),
            skip_duplicates: false,
            _model: PhantomData,
        }
    }

    /// Skips rows that would violate a unique constraint instead of failing
    /// (`ON CONFLICT DO NOTHING`; `INSERT IGNORE` on MySQL).
    pub fn skip_duplicates(mut self) -> Self {
        self.skip_duplicates = true;
        self
    }

    /// Returns the inserted rows instead of their count.
    pub fn and_return(self) -> CreateManyAndReturn<M> {
        CreateManyAndReturn { inner: self }
    }

    /// On a conflict on `key`, overwrites the existing row's other columns with the new values: a bulk
    /// upsert (`ON CONFLICT (key) DO UPDATE` / `ON DUPLICATE KEY UPDATE`).
    pub fn upsert_on(self, key: impl AsUniqueKey<M>) -> UpsertMany<M> {
        let key = key.key_columns();
        let columns = M::DEF
            .columns
            .iter()
            .filter(|c| !key.contains(&c.index) && !M::DEF.primary_key.contains(&c.index))
            .filter(|c| !matches!(c.default, Some(DefaultDef::Now)) || c.updated_at)
            .map(|c| c.index)
            .collect();
        UpsertMany {
            data: self.data,
            key,
            columns,
            _model: PhantomData,
        }
    }

    /// Runs the inserts in one atomic scope; returns how many rows were inserted.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<u64> {
        crate::hooks::run_operation!(
            db.__db(),
            Some(M::DEF),
            OperationKind::CreateMany,
            self.exec_inner(db)
        )
    }

    async fn exec_inner<E: Executor + ?Sized>(self, db: &E) -> Result<u64> {
        if self.data.is_empty() {
            return Ok(0);
        }
        let ignore = self.skip_duplicates;
        let statements = self.statements(db.__dialect(), db.__statement_budget())?;
        run_inserts(db, statements, ignore).await
    }

    /// The `INSERT`s this sends on `dialect`, without a database: as few as the bind limit
    /// allows (a server's `max_allowed_packet` may split them further).
    pub fn to_sql(self, dialect: Dialect) -> Result<Vec<Statement>> {
        self.statements(dialect, 32 << 20)
    }

    /// The `INSERT`s this sends: as few as the bind limit and `budget` (bytes of values per
    /// statement) allow.
    pub(crate) fn statements(self, dialect: Dialect, budget: usize) -> Result<Vec<Statement>> {
        let conflict = if self.skip_duplicates {
            OnConflict::Ignore
        } else {
            OnConflict::Error
        };
        insert_statements(
            dialect,
            M::DEF,
            batches(dialect, budget, M::DEF, self.data)?,
            &conflict,
        )
    }
}

/// One multi-row `INSERT` per batch.
fn insert_statements(
    dialect: Dialect,
    def: &'static ModelDef,
    batches: Vec<Batch>,
    conflict: &OnConflict<'_>,
) -> Result<Vec<Statement>> {
    batches
        .into_iter()
        .map(|(columns, rows)| {
            let mut w = Writer::new(dialect);
            w.insert(def, &columns, rows, conflict, false);
            w.finish(Some(def))
        })
        .collect()
}

/// Runs the `INSERT`s of a bulk write, in one atomic scope when there are several (or when
/// skipping duplicates needs a check after each); returns the rows affected.
async fn run_inserts<E: Executor + ?Sized>(
    db: &E,
    statements: Vec<Statement>,
    skip_duplicates: bool,
) -> Result<u64> {
    let check = skip_duplicates && ignore_needs_check(db.__dialect());
    if statements.len() == 1 && !check {
        return run_each(db, statements).await;
    }
    let tx = db.__atomic().await?;
    let mut n = 0;
    for statement in statements {
        n += tx.__execute(statement).await?.rows_affected;
        if check {
            only_duplicates_ignored(&tx).await?;
        }
    }
    tx.commit().await?;
    Ok(n)
}

async fn run_each<E: Executor + ?Sized>(db: &E, statements: Vec<Statement>) -> Result<u64> {
    let mut n = 0;
    for statement in statements {
        n += db.__execute(statement).await?.rows_affected;
    }
    Ok(n)
}

/// Whether skipping duplicates uses `INSERT IGNORE` (MySQL/MariaDB), which also turns a foreign-key
/// violation, a value too long, or `NULL` into a non-null column into a warning: each statement
/// is then checked (see [`only_duplicates_ignored`]).
fn ignore_needs_check(dialect: Dialect) -> bool {
    dialect.rules().insert_ignore().is_some()
}

/// After an `INSERT IGNORE`, on the same connection: fails (and so rolls the batch back) when the
/// server ignored anything but a duplicate key, with the error the plain `INSERT` would have had.
async fn only_duplicates_ignored(tx: &crate::Transaction) -> Result<()> {
    let warnings = tx
        .__fetch(Statement::text("SHOW WARNINGS".into()), |row| {
            let code = row
                .unsigned(1)
                .map_err(|e| Error::decode(None, "Code", e))?;
            let message = row.text(2).map_err(|e| Error::decode(None, "Message", e))?;
            Ok((code, message.to_owned()))
        })
        .await?;
    // Duplicate key, duplicate entry, duplicate entry with the key's name.
    let Some((code, message)) = warnings
        .into_iter()
        .find(|(code, _)| !matches!(code, 1022 | 1062 | 1586))
    else {
        return Ok(());
    };
    let source = Box::new(sqlx::Error::Protocol(format!(
        "INSERT IGNORE warning {code}: {message}"
    )));
    Err(match code {
        1216 | 1452 => Error::ForeignKeyViolation {
            model: None,
            constraint: None,
            source,
        },
        1048 | 1364 | 1263 => Error::NullViolation {
            model: None,
            column: None,
            source,
        },
        _ => Error::InvalidValue {
            model: None,
            field: None,
            value: None,
            reason: message,
            source: Some(source),
        },
    })
}

/// Inserts many rows and returns them. From [`CreateMany::and_return`].
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct CreateManyAndReturn<M: Model> {
    inner: CreateMany<M>,
}

impl<M: Model> CreateManyAndReturn<M> {
    /// Runs the inserts; returns the inserted rows (skipped duplicates are not returned).
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<Vec<M>> {
        crate::hooks::run_operation!(
            db.__db(),
            Some(M::DEF),
            OperationKind::CreateMany,
            self.exec_inner(db)
        )
    }

    async fn exec_inner<E: Executor + ?Sized>(self, db: &E) -> Result<Vec<M>> {
        let inner = self.inner;
        if inner.data.is_empty() {
            return Ok(Vec::new());
        }
        let conflict = if inner.skip_duplicates {
            OnConflict::Ignore
        } else {
            OnConflict::Error
        };
        let dialect = db.__dialect();
        let returning = Writer::new(dialect).rules().caps().insert_returning;
        let batches = batches(dialect, db.__statement_budget(), M::DEF, inner.data)?;
        let tx = db.__atomic().await?;
        let mut out = Vec::new();
        for (columns, rows) in batches {
            if returning {
                let mut w = Writer::new(dialect);
                w.insert(M::DEF, &columns, rows, &conflict, true);
                out.extend(
                    tx.__fetch(w.finish(Some(M::DEF))?, |row| M::decode(row, 0))
                        .await?,
                );
                if inner.skip_duplicates && ignore_needs_check(dialect) {
                    only_duplicates_ignored(&tx).await?;
                }
            } else {
                // MySQL has no RETURNING: insert row by row and read each back by its key.
                for values in rows {
                    let mut w = Writer::new(dialect);
                    w.insert(M::DEF, &columns, [values.clone()], &conflict, false);
                    let r = tx.__execute(w.finish(Some(M::DEF))?).await?;
                    if inner.skip_duplicates && ignore_needs_check(dialect) {
                        only_duplicates_ignored(&tx).await?;
                    }
                    if r.rows_affected == 0 {
                        continue;
                    }
                    let key = inserted_key(M::DEF, &columns, &values, r)?;
                    let read = select_where(dialect, M::DEF, &key_filter(M::DEF, &key))?;
                    out.extend(fetch_rows::<M, _>(&tx, read).await?);
                }
            }
        }
        tx.commit().await?;
        Ok(out)
    }
}

/// Bulk upsert. From [`CreateMany::upsert_on`].
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct UpsertMany<M: Model> {
    data: Vec<Vec<Option<Value>>>,
    key: Vec<usize>,
    columns: Vec<usize>,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> UpsertMany<M> {
    /// Overwrites only these columns on conflict (default: every column but the keys and
    /// creation timestamps).
    pub fn update_only<C: AnyColumn<M>>(mut self, columns: impl IntoIterator<Item = C>) -> Self {
        self.columns = columns.into_iter().map(|c| c.column_def().index).collect();
        self
    }

    /// Runs the upserts; returns the number of rows inserted or updated as the database counts them.
    ///
    /// A row that conflicts on a unique key other than the upsert's fails the whole batch with
    /// [`Error::UniqueViolation`], as on PostgreSQL and SQLite: on MySQL/MariaDB, whose `ON
    /// DUPLICATE KEY UPDATE` fires for any key, such a row is left untouched by the statement and
    /// found missing afterwards.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<u64> {
        crate::hooks::run_operation!(
            db.__db(),
            Some(M::DEF),
            OperationKind::Upsert,
            self.exec_inner(db)
        )
    }

    async fn exec_inner<E: Executor + ?Sized>(self, db: &E) -> Result<u64> {
        if self.data.is_empty() {
            return Ok(0);
        }
        let dialect = db.__dialect();
        if !dialect.capabilities().on_duplicate_key {
            let statements = self.statements(dialect, db.__statement_budget())?;
            return run_inserts(db, statements, false).await;
        }
        let key = self.key.clone();
        let conflict = OnConflict::Overwrite {
            key: &key,
            columns: &self.columns,
        };
        let tx = db.__atomic().await?;
        let mut n = 0;
        for (columns, rows) in batches(dialect, db.__statement_budget(), M::DEF, self.data)? {
            let positions: Option<Vec<usize>> = key
                .iter()
                .map(|k| columns.iter().position(|c| c == k))
                .collect();
            // Rows that leave an auto-increment key to the database always insert.
            let keys: Vec<Vec<(usize, Value)>> = match &positions {
                Some(pos) => rows
                    .iter()
                    .map(|r| {
                        key.iter()
                            .zip(pos)
                            .map(|(&k, &p)| (k, r[p].clone()))
                            .collect()
                    })
                    .collect(),
                None => Vec::new(),
            };
            let mut w = Writer::new(dialect);
            w.insert(M::DEF, &columns, rows, &conflict, false);
            n += tx.__execute(w.finish(Some(M::DEF))?).await?.rows_affected;
            every_key_exists::<M>(&tx, keys).await?;
        }
        tx.commit().await?;
        Ok(n)
    }

    /// The `INSERT ... ON CONFLICT` / `ON DUPLICATE KEY UPDATE` statements this sends (see
    /// [`CreateMany::statements`]).
    pub(crate) fn statements(self, dialect: Dialect, budget: usize) -> Result<Vec<Statement>> {
        let batches = batches(dialect, budget, M::DEF, self.data)?;
        let conflict = OnConflict::Overwrite {
            key: &self.key,
            columns: &self.columns,
        };
        insert_statements(dialect, M::DEF, batches, &conflict)
    }
}

/// After a guarded `ON DUPLICATE KEY UPDATE`: every upserted key now has its row, or a row
/// conflicted on another unique key and was left out.
async fn every_key_exists<M: Model>(
    tx: &crate::Transaction,
    keys: Vec<Vec<(usize, Value)>>,
) -> Result<()> {
    let mut distinct: Vec<Vec<(usize, Value)>> = Vec::with_capacity(keys.len());
    for k in keys {
        if !distinct.contains(&k) {
            distinct.push(k);
        }
    }
    if distinct.is_empty() {
        return Ok(());
    }
    let wanted = distinct.len() as i64;
    let filter = Expr::Or(distinct.iter().map(|k| key_filter(M::DEF, k)).collect());
    let found = FindMany::<M>::new()
        .filter(Filter::from_expr(filter))
        .count(tx)
        .await?;
    if found == wanted {
        return Ok(());
    }
    Err(Error::UniqueViolation {
        model: Some(M::DEF.name),
        fields: Vec::new(),
        constraint: None,
        source: Box::new(sqlx::Error::Protocol(format!(
            "{} of {wanted} upserted rows conflict on a unique key other than the upsert's",
            wanted - found
        ))),
    })
}

/// Changes collected by update builders.
#[derive(Default)]
struct Changes(Vec<(usize, Change)>);

impl Changes {
    fn arith<S: crate::types::Scalar>(&mut self, column: usize, op: fn(Value) -> Change, by: S) {
        self.push(column, op(crate::types::Scalar::into_value(by)));
    }

    fn push(&mut self, column: usize, change: Change) {
        self.0.retain(|(c, _)| *c != column);
        self.0.push((column, change));
    }
}

macro_rules! change_methods {
    () => {
        /// Applies a generated `<Model>Update`.
        pub fn data(mut self, data: M::Update) -> Self {
            for (c, change) in data.into_changes() {
                self.changes.push(c, change);
            }
            self
        }
        /// Sets `column` to `value`.
        pub fn set<T: FieldType, K>(
            mut self,
            column: Column<M, T, K>,
            value: impl IntoValue<T>,
        ) -> Self {
            self.changes
                .push(column.def().index, Change::Set(value.into_value()));
            self
        }
        /// Adds `by` to `column` atomically.
        pub fn increment<T: FieldType + Numeric, K>(
            mut self,
            column: Column<M, T, K>,
            by: T::Scalar,
        ) -> Self {
            self.changes
                .arith(column.def().index, Change::Increment, by);
            self
        }
        /// Subtracts `by` from `column` atomically.
        pub fn decrement<T: FieldType + Numeric, K>(
            mut self,
            column: Column<M, T, K>,
            by: T::Scalar,
        ) -> Self {
            self.changes
                .arith(column.def().index, Change::Decrement, by);
            self
        }
        /// Multiplies `column` by `by` atomically.
        pub fn multiply<T: FieldType + Numeric, K>(
            mut self,
            column: Column<M, T, K>,
            by: T::Scalar,
        ) -> Self {
            self.changes.arith(column.def().index, Change::Multiply, by);
            self
        }
        /// Divides `column` by `by` atomically (integer division on integer columns).
        pub fn divide<T: FieldType + Numeric, K>(
            mut self,
            column: Column<M, T, K>,
            by: T::Scalar,
        ) -> Self {
            self.changes.arith(column.def().index, Change::Divide, by);
            self
        }
    };
}

/// Updates the row with a unique key and returns it. From [`ModelQuery::update`](super::ModelQuery::update).
///
/// ```no_run
/// # use orm_runtime::prelude::*;
/// # #[derive(Model, Debug)] struct Post { #[orm(id)] id: String, title: String, view_count: i32 }
/// # async fn f(db: &Client) -> orm_runtime::Result<()> {
/// let post = Post::update(Post::ID.eq("p1"))
///     .set(Post::TITLE, "New title")
///     .increment(Post::VIEW_COUNT, 1)
///     .exec(db)
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct Update<M: Model> {
    filter: UniqueFilter<M>,
    changes: Changes,
    nested: Vec<NestedWrite<M>>,
    deleted: Deleted,
}

impl<M: Model> Update<M> {
    pub(crate) fn new(filter: UniqueFilter<M>) -> Self {
        Update {
            filter,
            changes: Changes::default(),
            nested: Vec::new(),
            deleted: Deleted::Hidden,
        }
    }

    change_methods!();

    /// Also writes related rows, in the same transaction: `User::POSTS.connect(..)`,
    /// `.disconnect(..)`, `.set(..)`, `.create(..)`, `.update_many(..)`, `.delete(..)`,
    /// `Post::CATEGORY.disconnect()`, ...
    pub fn with(mut self, write: NestedWrite<M>) -> Self {
        self.nested.push(write);
        self
    }

    /// Runs the update; [`Error::NotFound`] when no row has the key.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<M> {
        crate::hooks::run_operation!(
            db.__db(),
            Some(M::DEF),
            OperationKind::Update,
            self.exec_inner(db)
        )
    }

    async fn exec_inner<E: Executor + ?Sized>(mut self, db: &E) -> Result<M> {
        if self.nested.is_empty() {
            return self.exec_plain(db).await;
        }
        let tx = db.__atomic().await?;
        let (before, after) = NestedWrite::split(std::mem::take(&mut self.nested));
        for op in before {
            let (fk, key) = op.run(tx.__db()).await?;
            self.changes.0.retain(|(c, _)| *c != fk);
            self.changes.0.push((fk, Change::Set(key)));
        }
        let mut row = self.exec_plain(&tx).await?;
        for op in after {
            op.run(tx.__db(), &mut row).await?;
        }
        tx.commit().await?;
        Ok(row)
    }

    async fn exec_plain<E: Executor + ?Sized>(self, db: &E) -> Result<M> {
        self.statement(db.__dialect())?.run(db).await
    }

    /// The statements this sends on `dialect`, in order, without a database: the write with
    /// `RETURNING`, or without it (MySQL/MariaDB) the write and the row's read (nested writes
    /// aside).
    pub fn to_sql(self, dialect: Dialect) -> Result<Vec<Statement>> {
        self.statement(dialect).map(Vec::from)
    }

    /// What this update sends for its row (nested writes aside).
    pub(crate) fn statement(self, dialect: Dialect) -> Result<WriteOne> {
        let changes = with_updated_at(M::DEF, self.changes.0);
        // A soft-deleted row is not updated (unless asked for), as it is not read.
        let filter = self.deleted.restrict(M::DEF, &self.filter.filter.expr);
        if changes.is_empty() {
            // Nothing to set (a model without `updated_at`, only nested writes): read the row.
            return Ok(WriteOne::Fetch(select_where(dialect, M::DEF, &filter)?));
        }
        let mut w = Writer::new(dialect);
        if w.rules().caps().update_returning {
            w.update(M::DEF, &changes, &filter, true);
            return Ok(WriteOne::Fetch(w.finish(Some(M::DEF))?));
        }
        // MySQL: update, then read the row back by its key (with the key's new values, if set).
        let mut key = self.filter.key.clone();
        for (c, v) in &mut key {
            match changes.iter().find(|(col, _)| col == c) {
                Some((_, Change::Set(new))) => *v = new.clone(),
                Some(_) => {
                    return Err(Error::InvalidQuery(format!(
                        "on MySQL an update cannot apply arithmetic to {}.{}, the key it is found by",
                        M::DEF.name,
                        M::DEF.columns[*c].field
                    )));
                }
                None => {}
            }
        }
        w.update(M::DEF, &changes, &filter, false);
        Ok(WriteOne::WriteThenRead {
            write: w.finish(Some(M::DEF))?,
            read: select_where(dialect, M::DEF, &key_filter(M::DEF, &key))?,
            must_match: true,
        })
    }
}

/// Updates every matching row. From [`ModelQuery::update_many`](super::ModelQuery::update_many).
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct UpdateMany<M: Model> {
    filter: Expr,
    changes: Changes,
    deleted: Deleted,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> UpdateMany<M> {
    pub(crate) fn new() -> Self {
        UpdateMany {
            filter: Expr::Bool(true),
            changes: Changes::default(),
            deleted: Deleted::Hidden,
            _model: PhantomData,
        }
    }

    /// Updates rows matching `filter` (ANDed with earlier filters).
    pub fn filter(mut self, filter: impl Into<Filter<M>>) -> Self {
        let expr = std::mem::replace(&mut self.filter, Expr::Bool(true));
        self.filter = expr.and(filter.into().expr);
        self
    }

    change_methods!();

    /// Runs the update; returns how many rows matched.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<u64> {
        crate::hooks::run_operation!(
            db.__db(),
            Some(M::DEF),
            OperationKind::UpdateMany,
            self.exec_inner(db)
        )
    }

    async fn exec_inner<E: Executor + ?Sized>(self, db: &E) -> Result<u64> {
        match self.statement(db.__dialect())? {
            Some(statement) => Ok(db.__execute(statement).await?.rows_affected),
            None => Ok(0),
        }
    }

    /// The `UPDATE` this sends on `dialect` (`None`: nothing to set, nothing is sent), without a
    /// database.
    pub fn to_sql(self, dialect: Dialect) -> Result<Option<Statement>> {
        self.statement(dialect)
    }

    /// The `UPDATE` this sends (`None`: nothing to set, nothing is sent).
    pub(crate) fn statement(self, dialect: Dialect) -> Result<Option<Statement>> {
        let changes = with_updated_at(M::DEF, self.changes.0);
        if changes.is_empty() {
            return Ok(None);
        }
        let mut w = Writer::new(dialect);
        w.update(
            M::DEF,
            &changes,
            &self.deleted.restrict(M::DEF, &self.filter),
            false,
        );
        w.finish(Some(M::DEF)).map(Some)
    }
}

/// Updates the row with a unique key or creates it. From [`ModelQuery::upsert`](super::ModelQuery::upsert).
///
/// One statement: `INSERT ... ON CONFLICT (key) DO UPDATE` (PostgreSQL, SQLite) or
/// `INSERT ... ON DUPLICATE KEY UPDATE` (MySQL). The created row must carry the key's values.
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct Upsert<M: Model> {
    filter: UniqueFilter<M>,
    create: M::Create,
    changes: Changes,
}

impl<M: Model> Upsert<M> {
    pub(crate) fn new(filter: UniqueFilter<M>, create: M::Create) -> Self {
        Upsert {
            filter,
            create,
            changes: Changes::default(),
        }
    }

    change_methods!();

    /// Runs the upsert; returns the created or updated row.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<M> {
        crate::hooks::run_operation!(
            db.__db(),
            Some(M::DEF),
            OperationKind::Upsert,
            self.exec_inner(db)
        )
    }

    async fn exec_inner<E: Executor + ?Sized>(self, db: &E) -> Result<M> {
        self.statement(db.__dialect())?.run(db).await
    }

    /// The statements this sends on `dialect`, in order, without a database: the upsert with
    /// `RETURNING`; on MySQL/MariaDB the guarded `ON DUPLICATE KEY UPDATE`, the row's read, and
    /// the plain `INSERT` sent only when the read finds no row (the new row conflicted on another
    /// unique key: it fails with that key's violation).
    pub fn to_sql(self, dialect: Dialect) -> Result<Vec<Statement>> {
        self.statement(dialect).map(Vec::from)
    }

    /// What this upsert sends.
    pub(crate) fn statement(self, dialect: Dialect) -> Result<WriteOne> {
        if self.filter.narrowed {
            return Err(Error::InvalidQuery(
                "upsert takes a unique key alone, without `and` conditions".into(),
            ));
        }
        let (columns, values) = complete_row(M::DEF, self.create.into_values())?;
        for (c, v) in &self.filter.key {
            let given = columns.iter().position(|x| x == c).map(|p| &values[p]);
            if given != Some(v) {
                return Err(Error::InvalidQuery(format!(
                    "upsert: the created {} must have {} equal to the key it is found by",
                    M::DEF.name,
                    M::DEF.columns[*c].field
                )));
            }
        }
        let changes = if self.changes.0.is_empty() {
            Vec::new()
        } else {
            with_updated_at(M::DEF, self.changes.0)
        };
        let key_cols = self.filter.key_columns();
        let conflict = OnConflict::Update {
            key: &key_cols,
            changes: &changes,
        };
        let mut w = Writer::new(dialect);
        if w.rules().caps().insert_returning && !w.rules().caps().on_duplicate_key {
            w.insert(M::DEF, &columns, [values], &conflict, true);
            return Ok(WriteOne::Fetch(w.finish(Some(M::DEF))?));
        }
        let mut key = self.filter.key.clone();
        for (c, v) in &mut key {
            if let Some((_, Change::Set(new))) = changes.iter().find(|(col, _)| col == c) {
                *v = new.clone();
            }
        }
        w.insert(M::DEF, &columns, [values.clone()], &conflict, false);
        let write = w.finish(Some(M::DEF))?;
        let mut w = Writer::new(dialect);
        w.insert(M::DEF, &columns, [values], &OnConflict::Error, false);
        Ok(WriteOne::UpsertThenRead {
            write,
            read: select_where(dialect, M::DEF, &key_filter(M::DEF, &key))?,
            insert: w.finish(Some(M::DEF))?,
        })
    }
}

/// Deletes the row with a unique key and returns it. From [`ModelQuery::delete`](super::ModelQuery::delete).
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct Delete<M: Model> {
    filter: UniqueFilter<M>,
    force: bool,
}

impl<M: Model> Delete<M> {
    pub(crate) fn new(filter: UniqueFilter<M>) -> Self {
        Delete {
            filter,
            force: false,
        }
    }

    /// Runs the delete; [`Error::NotFound`] when no row has the key.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<M> {
        crate::hooks::run_operation!(
            db.__db(),
            Some(M::DEF),
            OperationKind::Delete,
            self.exec_inner(db)
        )
    }

    async fn exec_inner<E: Executor + ?Sized>(self, db: &E) -> Result<M> {
        self.statement(db.__dialect())?.run(db).await
    }

    /// The statements this sends on `dialect`, in order, without a database: the write with
    /// `RETURNING`, or without it (MySQL/MariaDB) the write and the row's read (nested writes
    /// aside).
    pub fn to_sql(self, dialect: Dialect) -> Result<Vec<Statement>> {
        self.statement(dialect).map(Vec::from)
    }

    /// What this delete sends: for a soft-deleting model (not forced), an update that marks the
    /// row deleted, if it was not already.
    pub(crate) fn statement(self, dialect: Dialect) -> Result<WriteOne> {
        if let (Some(col), false) = (M::DEF.soft_delete_column(), self.force) {
            let mut update = Update::new(self.filter);
            update
                .changes
                .0
                .push((col.index, Change::Set(now_as(Utc::now(), col))));
            return update.statement(dialect);
        }
        let mut w = Writer::new(dialect);
        if w.rules().caps().delete_returning {
            w.delete(M::DEF, &self.filter.filter.expr, true);
            return Ok(WriteOne::Fetch(w.finish(Some(M::DEF))?));
        }
        let read = select_where(dialect, M::DEF, &self.filter.filter.expr)?;
        w.delete(M::DEF, &self.filter.filter.expr, false);
        Ok(WriteOne::ReadThenWrite {
            read,
            write: w.finish(Some(M::DEF))?,
        })
    }
}

/// Deletes every matching row. From [`ModelQuery::delete_many`](super::ModelQuery::delete_many).
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct DeleteMany<M: Model> {
    filter: Expr,
    force: bool,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> DeleteMany<M> {
    pub(crate) fn new() -> Self {
        DeleteMany {
            filter: Expr::Bool(true),
            force: false,
            _model: PhantomData,
        }
    }

    /// Deletes rows matching `filter` (ANDed with earlier filters).
    pub fn filter(mut self, filter: impl Into<Filter<M>>) -> Self {
        let expr = std::mem::replace(&mut self.filter, Expr::Bool(true));
        self.filter = expr.and(filter.into().expr);
        self
    }

    /// Runs the delete; returns how many rows were deleted.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<u64> {
        crate::hooks::run_operation!(
            db.__db(),
            Some(M::DEF),
            OperationKind::DeleteMany,
            self.exec_inner(db)
        )
    }

    async fn exec_inner<E: Executor + ?Sized>(self, db: &E) -> Result<u64> {
        Ok(db
            .__execute(self.statement(db.__dialect())?)
            .await?
            .rows_affected)
    }

    /// The `DELETE` this sends on `dialect` (an `UPDATE` for a soft-deleting model), without a
    /// database.
    pub fn to_sql(self, dialect: Dialect) -> Result<Statement> {
        self.statement(dialect)
    }

    /// The `DELETE` this sends (an `UPDATE` for a soft-deleting model, see [`delete_rows`]).
    pub(crate) fn statement(self, dialect: Dialect) -> Result<Statement> {
        delete_rows(dialect, M::DEF, &self.filter, !self.force)
    }
}

impl<M: SoftDelete> Delete<M> {
    /// Removes the row for good instead of marking it deleted (a soft-deleted row too).
    pub fn force(mut self) -> Self {
        self.force = true;
        self
    }
}

impl<M: SoftDelete> DeleteMany<M> {
    /// Removes the rows for good instead of marking them deleted (soft-deleted rows too).
    pub fn force(mut self) -> Self {
        self.force = true;
        self
    }
}

impl<M: SoftDelete> Update<M> {
    /// Updates the row even if it is soft-deleted.
    pub fn with_deleted(mut self) -> Self {
        self.deleted = Deleted::Shown;
        self
    }
}

impl<M: SoftDelete> UpdateMany<M> {
    /// Updates soft-deleted rows too.
    pub fn with_deleted(mut self) -> Self {
        self.deleted = Deleted::Shown;
        self
    }
}

/// Brings back a soft-deleted row: clears its `#[orm(soft_delete)]` column. From
/// [`ModelQuery::restore`](super::ModelQuery::restore); [`Error::NotFound`] when no
/// soft-deleted row has the key.
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct Restore<M: Model> {
    update: Update<M>,
}

impl<M: SoftDelete> Restore<M> {
    pub(crate) fn new(filter: UniqueFilter<M>) -> Self {
        let mut update = Update::new(filter);
        update.deleted = Deleted::Only;
        if let Some(col) = M::DEF.soft_delete_column() {
            update
                .changes
                .0
                .push((col.index, Change::Set(Value::Null(col.kind))));
        }
        Restore { update }
    }

    /// The statements this sends on `dialect`, in order, without a database (see
    /// [`Update::to_sql`]).
    pub fn to_sql(self, dialect: Dialect) -> Result<Vec<Statement>> {
        self.update.to_sql(dialect)
    }

    /// Runs it; returns the restored row.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<M> {
        self.update.exec(db).await
    }
}

/// Brings back every matching soft-deleted row. From
/// [`ModelQuery::restore_many`](super::ModelQuery::restore_many).
#[must_use = "a query does nothing until `.exec(&db)` is awaited"]
pub struct RestoreMany<M: Model> {
    update: UpdateMany<M>,
}

impl<M: SoftDelete> RestoreMany<M> {
    pub(crate) fn new() -> Self {
        let mut update = UpdateMany::new();
        update.deleted = Deleted::Only;
        if let Some(col) = M::DEF.soft_delete_column() {
            update
                .changes
                .0
                .push((col.index, Change::Set(Value::Null(col.kind))));
        }
        RestoreMany { update }
    }

    /// Restores rows matching `filter` (ANDed with earlier filters).
    pub fn filter(mut self, filter: impl Into<Filter<M>>) -> Self {
        self.update = self.update.filter(filter);
        self
    }

    /// The `UPDATE` this sends on `dialect`, without a database.
    pub fn to_sql(self, dialect: Dialect) -> Result<Statement> {
        Ok(self
            .update
            .to_sql(dialect)?
            .expect("a restore sets the soft-delete column"))
    }

    /// Runs it; returns how many rows were restored.
    pub async fn exec<E: Executor + ?Sized>(self, db: &E) -> Result<u64> {
        self.update.exec(db).await
    }
}

/// Deletes the rows of `def` matching `filter`; with `soft` and a soft-deleting model, marks the
/// rows not yet marked instead (and sets `updated_at`).
pub(crate) fn delete_rows(
    dialect: Dialect,
    def: &'static ModelDef,
    filter: &Expr,
    soft: bool,
) -> Result<Statement> {
    let mut w = Writer::new(dialect);
    match def.soft_delete_column().filter(|_| soft) {
        Some(col) => {
            let changes =
                with_updated_at(def, vec![(col.index, Change::Set(now_as(Utc::now(), col)))]);
            w.update(def, &changes, &Deleted::Hidden.restrict(def, filter), false);
        }
        None => w.delete(def, filter, false),
    }
    w.finish(Some(def))
}
