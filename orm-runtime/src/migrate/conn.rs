//! One dedicated connection for running migration SQL: multi-statement scripts, explicit
//! transactions, and SQLite's foreign-key switch (which only works outside a transaction).

use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, Row};

use crate::client::{Client, Pool, acquire};
use crate::error::{Error, Result};
use crate::sql::Backend;

pub(crate) enum MigConn {
    Postgres(PoolConnection<sqlx::Postgres>),
    MySql(PoolConnection<sqlx::MySql>),
    Sqlite(PoolConnection<sqlx::Sqlite>),
}

fn err(e: sqlx::Error) -> Error {
    Error::from_sqlx(e, None)
}

/// Whether `sql` holds anything but comments and whitespace.
pub(crate) fn has_statements(sql: &str) -> bool {
    sql.lines().any(|l| {
        let l = l.trim();
        !l.is_empty() && !l.starts_with("--") && l != ";"
    })
}

impl MigConn {
    /// Checks out a connection. Unless it is an in-memory SQLite database's only connection, it is
    /// closed rather than returned to the pool if the work is abandoned halfway (cancellation or
    /// panic), so an open transaction or a disabled foreign-key check never leaks into the pool.
    pub(crate) async fn acquire(db: &Client) -> Result<MigConn> {
        let memory = db.inner.memory;
        Ok(match &db.inner.pool {
            Pool::Postgres(p) => {
                let mut c = acquire(p).await?;
                c.close_on_drop();
                MigConn::Postgres(c)
            }
            Pool::MySql(p) => {
                let mut c = acquire(p).await?;
                c.close_on_drop();
                MigConn::MySql(c)
            }
            Pool::Sqlite(p) => {
                let mut c = acquire(p).await?;
                if !memory {
                    c.close_on_drop();
                }
                MigConn::Sqlite(c)
            }
        })
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            MigConn::Postgres(_) => Backend::Postgres,
            MigConn::MySql(_) => Backend::MySql,
            MigConn::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// Runs a script of one or more statements.
    pub(crate) async fn batch(&mut self, sql: &str) -> Result<()> {
        if !has_statements(sql) {
            return Ok(());
        }
        let q = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()));
        match self {
            MigConn::Postgres(c) => q.execute(&mut **c).await.map(|_| ()),
            MigConn::MySql(c) => q.execute(&mut **c).await.map(|_| ()),
            MigConn::Sqlite(c) => q.execute(&mut **c).await.map(|_| ()),
        }
        .map_err(err)
    }

    /// Runs a query returning one integer (a `COUNT(*)`).
    pub(crate) async fn count(&mut self, sql: &str) -> Result<i64> {
        let sql = AssertSqlSafe(sql.to_owned());
        let n: Option<i64> = match self {
            MigConn::Postgres(c) => sqlx::query(sql)
                .fetch_one(&mut **c)
                .await
                .and_then(|r| r.try_get(0)),
            MigConn::MySql(c) => match sqlx::query(sql).fetch_one(&mut **c).await {
                // MySQL sums as DECIMAL; read it as text and parse.
                Ok(r) => r.try_get::<Option<i64>, _>(0).or_else(|_| {
                    r.try_get::<Option<rust_decimal::Decimal>, _>(0)
                        .map(|d| d.and_then(|d| d.trunc().to_string().parse().ok()))
                }),
                Err(e) => Err(e),
            },
            MigConn::Sqlite(c) => sqlx::query(sql)
                .fetch_one(&mut **c)
                .await
                .and_then(|r| r.try_get(0)),
        }
        .map_err(err)?;
        Ok(n.unwrap_or(0))
    }

    /// Runs `PRAGMA foreign_key_check` (SQLite) and describes the first violations.
    pub(crate) async fn foreign_key_violations(&mut self) -> Result<Vec<String>> {
        let MigConn::Sqlite(c) = self else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&mut **c)
            .await
            .map_err(err)?;
        Ok(rows
            .iter()
            .take(5)
            .map(|r| {
                let table: String = r.try_get(0).unwrap_or_default();
                let parent: String = r.try_get(2).unwrap_or_default();
                format!("a row of `{table}` refers to a missing `{parent}` row")
            })
            .collect())
    }

    /// Writes the failure log of a migration (MySQL, where the failed record stays).
    pub(crate) async fn record_failure(&mut self, name: &str, logs: &str) -> Result<()> {
        let sql = format!(
            "UPDATE `{}` SET logs = ? WHERE name = ?",
            crate::schema::HISTORY_TABLE
        );
        match self {
            MigConn::MySql(c) => sqlx::query(AssertSqlSafe(sql))
                .bind(logs)
                .bind(name)
                .execute(&mut **c)
                .await
                .map(|_| ())
                .map_err(err),
            _ => Ok(()),
        }
    }
}
