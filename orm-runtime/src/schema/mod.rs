//! The schema: the set of models an application uses, and the DDL that creates their tables.
//!
//! [`Schema::push`] creates every table, enum type, unique constraint and index on an empty database;
//! the migration engine builds on the same description.

mod ddl;

pub use ddl::create_statements;

use crate::client::Executor;
use crate::error::Result;
use crate::model::{Model, ModelDef};
use crate::sql::{Dialect, Statement};

/// The models of an application.
///
/// ```no_run
/// # use orm_runtime::prelude::*;
/// # #[derive(Model, Debug)] struct User { #[orm(id)] id: i64 }
/// # #[derive(Model, Debug)] struct Post { #[orm(id)] id: i64 }
/// # async fn f(db: &Client) -> orm_runtime::Result<()> {
/// let schema = Schema::new().model::<User>().model::<Post>();
/// schema.push(db).await?;          // create the tables on an empty database
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Schema {
    models: Vec<&'static ModelDef>,
}

impl Schema {
    /// An empty schema.
    pub fn new() -> Self {
        Schema::default()
    }

    /// Adds a model.
    pub fn model<M: Model>(mut self) -> Self {
        if !self.models.iter().any(|m| std::ptr::eq(*m, M::DEF)) {
            self.models.push(M::DEF);
        }
        self
    }

    /// The models, in the order added.
    pub fn models(&self) -> &[&'static ModelDef] {
        &self.models
    }

    /// The DDL that creates this schema on an empty database.
    pub fn create_sql(&self, dialect: Dialect) -> Vec<String> {
        create_statements(&self.models, dialect)
    }

    /// Creates every table, type and index (on a database that has none of them).
    pub async fn push<E: Executor + ?Sized>(&self, db: &E) -> Result<()> {
        for sql in self.create_sql(db.__dialect()) {
            db.__execute(Statement {
                sql,
                binds: Vec::new(),
                model: None,
            })
            .await?;
        }
        Ok(())
    }
}
