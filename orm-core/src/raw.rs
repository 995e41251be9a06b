//! Raw SQL with bound parameters: the [`sql!`](macro@crate::sql) macro builds a [`RawSql`] whose `{expr}`
//! holes become bind parameters, so values can never be spliced into the text.

use crate::client::Executor;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::sql::{Dialect, Statement};
use crate::types::{FieldType, RowRef};
use crate::value::Value;

/// A raw statement: literal SQL text with bind parameters between the pieces.
///
/// Built by [`sql!`](macro@crate::sql) only, so its text comes from string literals in the source.
///
/// ```no_run
/// # use orm_runtime::prelude::*;
/// # async fn f(db: &Client) -> orm_runtime::Result<()> {
/// let limit = 10_i64;
/// let rows: Vec<(String, i64)> = sql!("SELECT name, COUNT(*) FROM tags GROUP BY name LIMIT {limit}")
///     .fetch_all(db)
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is run"]
pub struct RawSql {
    parts: &'static [&'static str],
    binds: Vec<Value>,
}

/// A value `sql!` can bind: any column type, a reference to one, or `&str`.
#[diagnostic::on_unimplemented(message = "`{Self}` cannot be bound to a raw SQL parameter")]
pub trait RawBind {
    /// The bind value.
    fn into_bind(self) -> Value;
}

impl<T: FieldType> RawBind for T {
    fn into_bind(self) -> Value {
        self.into_value()
    }
}
impl RawBind for &str {
    fn into_bind(self) -> Value {
        Value::String(self.to_owned())
    }
}
impl RawBind for &String {
    fn into_bind(self) -> Value {
        Value::String(self.clone())
    }
}

/// A row type raw queries decode into: tuples of column types (by position), models (in column
/// order), and structs with `#[derive(FromRow)]` (by column name).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be decoded from a row",
    note = "decode into a tuple of column types (up to 8), a model, or a struct with `#[derive(FromRow)]`"
)]
pub trait FromRow: Sized + Send {
    /// Decodes one row.
    fn from_row(row: RowRef<'_>) -> Result<Self>;
}

macro_rules! tuple_from_row {
    ($(($($t:ident: $i:tt),+)),*) => {$(
        impl<$($t: FieldType),+> FromRow for ($($t,)+) {
            fn from_row(row: RowRef<'_>) -> Result<Self> {
                Ok(($($t::decode(row, $i).map_err(|e| Error::decode(None, stringify!($i), e))?,)+))
            }
        }
    )*};
}
tuple_from_row!((A: 0), (A: 0, B: 1), (A: 0, B: 1, C: 2), (A: 0, B: 1, C: 2, D: 3), (A: 0, B: 1, C: 2, D: 3, E: 4),
    (A: 0, B: 1, C: 2, D: 3, E: 4, F: 5), (A: 0, B: 1, C: 2, D: 3, E: 4, F: 5, G: 6), (A: 0, B: 1, C: 2, D: 3, E: 4, F: 5, G: 6, H: 7));

impl<M: Model> FromRow for M {
    fn from_row(row: RowRef<'_>) -> Result<Self> {
        M::decode(row, 0)
    }
}

impl RawSql {
    #[doc(hidden)]
    pub fn __new(parts: &'static [&'static str], binds: Vec<Value>) -> Self {
        RawSql { parts, binds }
    }

    fn statement(self, dialect: Dialect) -> Result<Statement> {
        let rules = dialect.rules();
        let mut binds = Vec::with_capacity(self.binds.len());
        for (i, v) in self.binds.into_iter().enumerate() {
            let v = crate::sql::normalize(v);
            if let Some(reason) = dialect.refuse(&v) {
                return Err(Error::InvalidValue {
                    model: None,
                    field: Some(format!("parameter {}", i + 1)),
                    value: Some(crate::sql::abbreviate(&v)),
                    reason,
                    source: None,
                });
            }
            binds.push(v);
        }
        let mut sql = String::with_capacity(self.parts.iter().map(|p| p.len() + 3).sum());
        for (i, part) in self.parts.iter().enumerate() {
            sql.push_str(part);
            if i + 1 < self.parts.len() {
                rules.placeholder(&mut sql, i + 1);
            }
        }
        Ok(Statement {
            sql,
            binds,
            model: None,
            read_only: false,
        })
    }

    /// Runs the statement and decodes every row.
    pub async fn fetch_all<T: FromRow, E: Executor + ?Sized>(self, db: &E) -> Result<Vec<T>> {
        let run = async {
            let stmt = self.statement(db.__dialect())?;
            db.__fetch(stmt, T::from_row).await
        };
        crate::hooks::run_operation!(db.__db(), None, crate::hooks::OperationKind::Raw, run)
    }

    /// Runs the statement and decodes the first row, if any.
    pub async fn fetch_optional<T: FromRow, E: Executor + ?Sized>(
        self,
        db: &E,
    ) -> Result<Option<T>> {
        Ok(self.fetch_all(db).await?.into_iter().next())
    }

    /// Runs the statement and decodes the first row; [`Error::NotFound`] when there is none.
    pub async fn fetch_one<T: FromRow, E: Executor + ?Sized>(self, db: &E) -> Result<T> {
        self.fetch_optional(db)
            .await?
            .ok_or(Error::NotFound { model: "row" })
    }

    /// Runs a statement that returns no rows; returns the number of rows affected.
    pub async fn execute<E: Executor + ?Sized>(self, db: &E) -> Result<u64> {
        let run = async {
            let stmt = self.statement(db.__dialect())?;
            Ok(db.__execute(stmt).await?.rows_affected)
        };
        crate::hooks::run_operation!(db.__db(), None, crate::hooks::OperationKind::Raw, run)
    }
}
