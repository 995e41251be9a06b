//! One dedicated connection for running migration SQL: multi-statement scripts, explicit
//! transactions, and SQLite's foreign-key switch (which only works outside a transaction).

use crate::client::Client;
use crate::driver::{PooledConn, each, execute_on, fetch_on, raw_on};
use crate::error::Result;
use crate::sql::{Dialect, Statement};
use crate::types::{FieldType, RowRef};
use crate::value::Value;

/// A connection checked out for a migration, with the client it came from.
pub struct MigConn {
    conn: PooledConn,
    client: Client,
}

/// Whether `sql` holds anything but comments and whitespace.
pub fn has_statements(sql: &str) -> bool {
    sql.lines().any(|l| {
        let l = l.trim();
        !l.is_empty() && !l.starts_with("--") && l != ";"
    })
}

impl MigConn {
    /// Checks out a connection. Unless it is an in-memory SQLite database's only connection, it is
    /// closed rather than returned to the pool if the work is abandoned halfway (cancellation or
    /// panic), so an open transaction or a disabled foreign-key check never leaks into the pool.
    pub async fn acquire(db: &Client) -> Result<MigConn> {
        let mut conn = db.inner.pool.acquire().await?;
        if !db.inner.memory {
            each!(&mut conn, PooledConn, c => c.close_on_drop());
        }
        Ok(MigConn {
            conn,
            client: db.clone(),
        })
    }

    /// The dialect of the connection's server.
    pub fn dialect(&self) -> Dialect {
        self.client.dialect()
    }

    /// Runs a script of one or more statements.
    pub async fn batch(&mut self, sql: &str) -> Result<()> {
        if !has_statements(sql) {
            return Ok(());
        }
        let inner = &*self.client.inner;
        each!(&mut self.conn, PooledConn, c => raw_on(inner, c, sql.to_owned()).await)
    }

    /// Rows of a query (no binds), decoded by `decode`.
    async fn rows<T: Send>(
        &mut self,
        sql: &str,
        mut decode: impl FnMut(RowRef<'_>) -> Result<T> + Send,
    ) -> Result<Vec<T>> {
        let inner = &*self.client.inner;
        let mut out = Vec::new();
        let mut sink = |row: RowRef<'_>| {
            out.push(decode(row)?);
            Ok(())
        };
        let stmt = Statement::text(sql.to_owned());
        each!(&mut self.conn, PooledConn, c => fetch_on(inner, c, stmt, &mut sink).await)?;
        Ok(out)
    }

    /// Runs a query returning one integer (a `COUNT(*)`; MySQL sums as `DECIMAL`).
    pub async fn count(&mut self, sql: &str) -> Result<i64> {
        let n = self
            .rows(sql, |row| {
                let n = <Option<i64> as FieldType>::decode(row, 0).or_else(|_| {
                    <Option<rust_decimal::Decimal> as FieldType>::decode(row, 0)
                        .map(|d| d.and_then(|d| d.trunc().to_string().parse().ok()))
                });
                n.map_err(|e| crate::Error::decode(None, "count", e))
            })
            .await?;
        Ok(n.into_iter().next().flatten().unwrap_or(0))
    }

    /// Checks the foreign keys a script may have broken while their enforcement was switched off
    /// (SQLite's `PRAGMA foreign_key_check`; nothing elsewhere) and describes the first violations.
    pub async fn foreign_key_violations(&mut self) -> Result<Vec<String>> {
        let Some(check) = self.dialect().rules().foreign_key_check() else {
            return Ok(Vec::new());
        };
        let rows = self
            .rows(check, |row| {
                let text = |i| row.text(i).map(str::to_owned).unwrap_or_default();
                Ok(format!(
                    "a row of `{}` refers to a missing `{}` row",
                    text(0),
                    text(2)
                ))
            })
            .await?;
        Ok(rows.into_iter().take(5).collect())
    }

    /// Writes the failure log of a migration (without transactional DDL, where the failed record
    /// stays).
    pub async fn record_failure(&mut self, name: &str, logs: &str) -> Result<()> {
        let d = self.dialect();
        if d.capabilities().transactional_ddl {
            return Ok(());
        }
        let rules = d.rules();
        let mut sql = String::from("UPDATE ");
        rules.quote(&mut sql, crate::schema::HISTORY_TABLE);
        sql.push_str(" SET logs = ");
        rules.placeholder(&mut sql, 1);
        sql.push_str(" WHERE name = ");
        rules.placeholder(&mut sql, 2);
        let mut stmt = Statement::text(sql);
        stmt.binds = vec![Value::String(logs.into()), Value::String(name.into())];
        let inner = &*self.client.inner;
        each!(&mut self.conn, PooledConn, c => execute_on(inner, c, stmt).await).map(|_| ())
    }
}
