//! The schema: the set of models an application uses, the database schema they describe, the live
//! schema read back from a database, and the differ between the two.
//!
//! - [`Schema`] lists the models and [verifies](Schema::verify) them;
//! - [`Schema::describe`] turns them into a [`DbSchema`] for one dialect;
//! - [`introspect`] reads a live database into the same [`DbSchema`];
//! - [`diff()`] computes the ordered [`Step`]s from one to the other, each with its SQL
//!   ([`Step::sql`]), its description ([`Step::describe`]) and what it may destroy
//!   ([`Step::data_loss`]).
//!
//! The [migration engine](crate::migrate) is built from these pieces.
//!
//! ```no_run
//! # use orm_runtime::prelude::*;
//! # #[derive(Model, Debug)] struct User { #[orm(id)] id: i64, name: String }
//! # async fn f(db: &Client) -> orm_runtime::Result<()> {
//! use orm_runtime::schema::{diff, introspect};
//! let schema = Schema::new().model::<User>();
//! let live = introspect(db).await?;
//! for step in diff(&live, &schema.describe(db.dialect()), db.dialect()) {
//!     println!("{}", step.describe());
//!     for sql in step.sql(db.dialect()) {
//!         println!("    {sql};");
//!     }
//! }
//! # Ok(()) }
//! ```

mod describe;
mod diff;

pub use diff::{DataLoss, Step, diff};
pub use orm_core::schema::{
    Column, ColumnDefault, ColumnType, DbSchema, EnumType, ForeignKey, Index, PrimaryKey, Table,
    introspect,
};

use orm_core::client::Executor;
use orm_core::error::{Error, Result};
use orm_core::model::{Model, ModelDef};
use orm_core::relation::{Action, RelationKind};
use orm_core::sql::{Dialect, Statement};

/// The `CREATE` statements for `models` on an empty database, in an order that works.
pub fn create_statements(models: &[&'static ModelDef], d: Dialect) -> Vec<String> {
    diff(&DbSchema::default(), &describe::describe(models, d), d)
        .iter()
        .flat_map(|s| s.sql(d))
        .collect()
}

/// The models of an application.
///
/// ```no_run
/// # use orm_runtime::prelude::*;
/// # #[derive(Model, Debug)] struct User { #[orm(id)] id: i64 }
/// # #[derive(Model, Debug)] struct Post { #[orm(id)] id: i64 }
/// # async fn f(db: &Client) -> orm_runtime::Result<()> {
/// let schema = Schema::new().model::<User>().model::<Post>();
/// schema.verify()?;                // every relation's other side is in the schema, names are unique
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

    /// Checks what the compiler cannot see across models: every relation's other model is part of
    /// the schema, foreign keys have the type of the key they reference, and table, index, enum and
    /// constraint names are unique.
    ///
    /// ```
    /// # use orm_runtime::prelude::*;
    /// #[derive(Model, Debug)]
    /// struct User { #[orm(id)] id: i64, #[orm(has_many)] posts: HasMany<Post> }
    /// #[derive(Model, Debug)]
    /// struct Post { #[orm(id)] id: i64, author_id: i64, #[orm(belongs_to(fk = author_id))] author: BelongsTo<User> }
    ///
    /// assert!(Schema::new().model::<User>().model::<Post>().verify().is_ok());
    /// let err = Schema::new().model::<Post>().verify().unwrap_err();
    /// assert!(err.to_string().contains("`Post.author` refers to `User`"));
    /// ```
    pub fn verify(&self) -> Result<()> {
        into_result(self.problems())
    }

    /// [`verify`](Self::verify), and checks what `dialect` cannot hold: on MySQL/MariaDB, a
    /// foreign key with `SetDefault` (InnoDB does not support it).
    ///
    /// ```
    /// # use orm_runtime::prelude::*;
    /// # use orm_runtime::sql::Dialect;
    /// #[derive(Model, Debug)]
    /// struct User { #[orm(id)] id: i64 }
    /// #[derive(Model, Debug)]
    /// struct Post {
    ///     #[orm(id)] id: i64,
    ///     #[orm(default = 0)] author_id: i64,
    ///     #[orm(belongs_to(fk = author_id, on_delete = SetDefault))] author: BelongsTo<User>,
    /// }
    ///
    /// let schema = Schema::new().model::<User>().model::<Post>();
    /// assert!(schema.verify_for(Dialect::POSTGRES).is_ok());
    /// let err = schema.verify_for(Dialect::MARIADB).unwrap_err();
    /// assert!(err.to_string().contains("`Post.author` uses ON DELETE SET DEFAULT"));
    /// ```
    pub fn verify_for(&self, dialect: Dialect) -> Result<()> {
        let mut problems = self.problems();
        if !dialect.capabilities().set_default_action {
            for m in &self.models {
                for r in describe::foreign_keys(m) {
                    for (clause, action) in [("ON DELETE", r.on_delete), ("ON UPDATE", r.on_update)]
                    {
                        if action == Action::SetDefault {
                            problems.push(format!(
                                "`{}.{}` uses {clause} SET DEFAULT, which {} does not support \
                                 (InnoDB rejects or ignores it): use `SetNull`, `Cascade`, \
                                 `Restrict` or `NoAction`",
                                m.name,
                                r.name,
                                dialect.backend.name()
                            ));
                        }
                    }
                }
            }
        }
        into_result(problems)
    }

    /// What [`verify`](Self::verify) reports, one line per problem.
    fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let has = |m: &ModelDef| self.models.iter().any(|x| std::ptr::eq(*x, m));
        let mut tables: Vec<&str> = Vec::new();
        let mut names: Vec<(String, &str)> = Vec::new();
        let mut enums: Vec<&orm_core::types::EnumDef> = Vec::new();
        for m in &self.models {
            if tables.contains(&m.table) {
                problems.push(format!("two models use the table `{}`", m.table));
            }
            tables.push(m.table);
            for r in m.relations {
                let target = (r.target)();
                if !has(target) {
                    problems.push(format!(
                        "`{}.{}` refers to `{}`, which is not in the schema: add `.model::<{}>()`",
                        m.name, r.name, target.name, target.name
                    ));
                }
                if r.kind == RelationKind::BelongsTo {
                    let fk = &m.columns[r.fk[0]];
                    let key = r.target_column();
                    if fk.kind != key.kind {
                        problems.push(format!(
                            "`{}.{}` ({:?}) does not have the type of `{}.{}` ({:?}) it references",
                            m.name, fk.field, fk.kind, target.name, key.field, key.kind
                        ));
                    }
                }
            }
            let constraint_names = std::iter::once(m.primary_key_name())
                .chain(m.uniques.iter().map(|u| u.db_name().into_owned()))
                .chain(m.indexes.iter().map(|i| i.db_name().into_owned()))
                .chain(describe::fk_indexes(m).into_iter().map(|(n, _)| n))
                .chain(describe::foreign_keys(m).map(|r| describe::fk_name(m, r)));
            for n in constraint_names {
                if let Some((_, other)) = names.iter().find(|(x, _)| *x == n) {
                    problems.push(format!(
                        "the index or constraint name `{n}` is used by `{other}` and `{}`",
                        m.name
                    ));
                } else {
                    names.push((n, m.name));
                }
            }
            for c in m.columns {
                if let orm_core::types::ScalarKind::Enum(e) = c.kind {
                    match enums.iter().find(|x| x.db_name == e.db_name) {
                        Some(x) if x.variants != e.variants => problems.push(format!(
                            "two enums use the database type `{}` with different variants (`{}` and `{}`)",
                            e.db_name, x.rust_name, e.rust_name
                        )),
                        Some(_) => {}
                        None => enums.push(e),
                    }
                }
            }
        }
        problems
    }

    /// The database schema these models describe on `dialect`.
    pub fn describe(&self, dialect: Dialect) -> DbSchema {
        describe::describe(&self.models, dialect)
    }

    /// The DDL that creates this schema on an empty database.
    pub fn create_sql(&self, dialect: Dialect) -> Vec<String> {
        create_statements(&self.models, dialect)
    }

    /// [Verifies](Self::verify) the schema, then creates every table, type and index (on a database
    /// that has none of them). To bring an
    /// existing database in line with the models, use the [migration engine](crate::migrate).
    pub async fn push<E: Executor + ?Sized>(&self, db: &E) -> Result<()> {
        self.verify_for(db.__dialect())?;
        for sql in self.create_sql(db.__dialect()) {
            db.__execute(Statement::text(sql)).await?;
        }
        Ok(())
    }
}

fn into_result(problems: Vec<String>) -> Result<()> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidSchema { problems })
    }
}
