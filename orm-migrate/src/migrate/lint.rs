//! The online-safety lint: steps that lock or rewrite a table that already holds rows, with the
//! row count and the safer way to make the change (the rules of strong_migrations and squawk that
//! apply to what the differ writes).

use std::fmt;

use orm_core::client::Client;
use orm_core::error::Result;
use orm_core::sql::{Backend, Dialect};

use crate::schema::Step;

/// A step that blocks a busy table while it runs, and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    /// The step, in words.
    pub step: String,
    /// The table it locks.
    pub table: String,
    /// The table's rows on the live database.
    pub rows: i64,
    /// What the step does to the table.
    pub problem: String,
    /// The safer way.
    pub safer: String,
}

impl fmt::Display for Lint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (`{}` has {} row{}); {}",
            self.step,
            self.problem,
            self.table,
            self.rows,
            if self.rows == 1 { "" } else { "s" },
            self.safer
        )
    }
}

/// What a step does to its table on `d`, and the safer form: `None` when it neither locks writes
/// for long nor rewrites the table.
fn rule(d: Dialect, step: &Step) -> Option<(&str, String, String)> {
    let pg = d.backend == Backend::Postgres;
    let my = d.backend == Backend::MySql;
    match step {
        Step::CreateIndex { table, index } if pg => Some((
            table,
            "`CREATE INDEX` blocks every write to the table until the index is built".into(),
            format!(
                "build it with `CREATE {}INDEX CONCURRENTLY` outside a transaction (a migration of its \
                 own, run with `--create-only` and edited), and drop the index if it is left `INVALID`",
                if index.unique { "UNIQUE " } else { "" }
            ),
        )),
        Step::CreateIndex { table, index } if my && index.fulltext => Some((
            table,
            "the first `FULLTEXT` index rebuilds the table and blocks writes".into(),
            "create it while the table is quiet, or with an online schema-change tool (gh-ost, \
             pt-online-schema-change)"
                .into(),
        )),
        Step::AddForeignKey { table, fk } if pg => Some((
            table,
            format!(
                "adding a foreign key scans every row while it blocks writes to `{table}` and `{}`",
                fk.referenced_table
            ),
            "add it `NOT VALID`, then `VALIDATE CONSTRAINT` in a second step (which blocks no writes)"
                .into(),
        )),
        Step::AddForeignKey { table, .. } if my => Some((
            table,
            "adding a foreign key with `foreign_key_checks` on copies the table and blocks writes"
                .into(),
            "add it with an online schema-change tool, or with `foreign_key_checks = 0` once the \
             rows are known to match"
                .into(),
        )),
        Step::AlterColumn { table, from, to } => {
            let retyped = from.ty != to.ty;
            let required = from.nullable && !to.nullable;
            if pg && retyped {
                Some((
                    table,
                    format!(
                        "changing `{}`'s type rewrites the table under an exclusive lock (no reads, no writes)",
                        to.name
                    ),
                    "add a column of the new type, backfill it in batches (`Backfill`), then switch \
                     the code over and drop the old one"
                        .into(),
                ))
            } else if pg && required {
                Some((
                    table,
                    format!(
                        "`SET NOT NULL` on `{}` scans every row under an exclusive lock",
                        to.name
                    ),
                    format!(
                        "add `CHECK ({} IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT` it, then \
                         `SET NOT NULL` (PostgreSQL 12+ uses the check instead of scanning) and drop the check",
                        to.name
                    ),
                ))
            } else if my && (retyped || required) {
                Some((
                    table,
                    format!(
                        "changing `{}` copies the table (`ALGORITHM=COPY`) and blocks writes",
                        to.name
                    ),
                    "make the change with an online schema-change tool (gh-ost, \
                     pt-online-schema-change), or add a new column and backfill it in batches"
                        .into(),
                ))
            } else {
                None
            }
        }
        Step::AlterPrimaryKey { table, .. } if pg || my => Some((
            table,
            "replacing the primary key rebuilds its index (and on MySQL the table) under a lock that \
             blocks writes"
                .into(),
            "build the new unique index first (`CONCURRENTLY` on PostgreSQL), then switch the key \
             with `ADD PRIMARY KEY USING INDEX`, or run the change while the table is quiet"
                .into(),
        )),
        Step::RebuildTable { from, .. } => Some((
            &from.name,
            "SQLite cannot alter this in place: the table is copied into a new one, and the database \
             is locked for writes until it is done"
                .into(),
            "run it while the application is quiet, or split the change into steps `ALTER TABLE` \
             can make (adding a nullable column, renaming)"
                .into(),
        )),
        _ => None,
    }
}

/// The steps of `steps` that lock or rewrite a table holding rows on `db`, with the row counts. A
/// table the database does not have yet, or an empty one, raises nothing.
///
/// ```no_run
/// # async fn f(db: &orm_runtime::Client, migrator: orm_runtime::migrate::Migrator) -> orm_runtime::Result<()> {
/// let steps = migrator.pending_changes(db).await?;
/// for l in orm_runtime::migrate::lint(db, &steps).await? {
///     eprintln!("{l}"); // `create index ..: CREATE INDEX blocks every write .. (`posts` has 10000 rows); build it with ..`
/// }
/// # Ok(()) }
/// ```
pub async fn lint(db: &Client, steps: &[Step]) -> Result<Vec<Lint>> {
    let d = db.dialect();
    let mut out = Vec::new();
    let mut counter = super::Counter::new(db);
    for step in steps {
        let Some((table, problem, safer)) = rule(d, step) else {
            continue;
        };
        let sql = format!("SELECT COUNT(*) FROM {}", super::quote(d, table));
        let rows = match counter.count(&sql).await {
            Ok(n) => n,
            Err(_) => continue,
        };
        if rows == 0 {
            continue;
        }
        out.push(Lint {
            step: step.describe(),
            table: table.to_owned(),
            rows,
            problem,
            safer,
        });
    }
    Ok(out)
}

/// The lint lines recorded in a migration file (`-- LINT: ..`).
pub(crate) fn recorded(up: &str) -> Vec<&str> {
    up.lines()
        .filter_map(|l| l.strip_prefix("-- LINT: "))
        .collect()
}
