//! The shadow database: a throwaway place to replay migrations and read back the schema they
//! produce. A temporary schema on PostgreSQL, a temporary database on MySQL, an in-memory database
//! on SQLite; or the database at a given URL, emptied first.

use super::LocalMigration;
use crate::schema::{DbSchema, introspect};
use orm_core::__migrate::MigConn;
use orm_core::client::{Client, ClientOptions};
use orm_core::error::MigrateError;
use orm_core::error::{Error, Result};
use orm_core::sql::Backend;

fn shadow_err(e: Error) -> Error {
    match e {
        Error::Migrate(_) => e,
        e => MigrateError::Shadow(Box::new(e)).into(),
    }
}

fn random_suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_owned()
}

enum Cleanup {
    None,
    PgSchema(String),
    MySqlDatabase(String),
}

async fn open(db: &Client, url: Option<&str>) -> Result<(Client, Cleanup)> {
    let opts = |u: String| ClientOptions::new(u).max_connections(1).min_connections(0);
    if let Some(url) = url {
        let shadow = opts(url.to_owned()).connect().await?;
        // Empty it: drop whatever a previous run left.
        super::drop_all(&shadow).await?;
        return Ok((shadow, Cleanup::None));
    }
    let base = &db.__url();
    match db.backend() {
        Backend::Sqlite => Ok((
            opts("sqlite::memory:".into()).connect().await?,
            Cleanup::None,
        )),
        Backend::Postgres => {
            let schema = format!("_orm_shadow_{}", random_suffix());
            super::exec(db, format!("CREATE SCHEMA \"{schema}\"")).await?;
            let mut u = url::Url::parse(base)
                .map_err(|e| Error::InvalidQuery(format!("database URL: {e}")))?;
            u.query_pairs_mut()
                .append_pair("options", &format!("-c search_path={schema}"));
            match opts(u.to_string()).connect().await {
                Ok(c) => Ok((c, Cleanup::PgSchema(schema))),
                Err(e) => {
                    let _ = super::exec(db, format!("DROP SCHEMA \"{schema}\" CASCADE")).await;
                    Err(e)
                }
            }
        }
        Backend::MySql => {
            let name = format!("_orm_shadow_{}", random_suffix());
            super::exec(db, format!("CREATE DATABASE `{name}`")).await?;
            let mut u = url::Url::parse(&base.replacen("mariadb://", "mysql://", 1))
                .map_err(|e| Error::InvalidQuery(format!("database URL: {e}")))?;
            u.set_path(&format!("/{name}"));
            match opts(u.to_string()).connect().await {
                Ok(c) => Ok((c, Cleanup::MySqlDatabase(name))),
                Err(e) => {
                    let _ = super::exec(db, format!("DROP DATABASE `{name}`")).await;
                    Err(e)
                }
            }
        }
    }
}

/// Replays `migrations` into a fresh shadow database and returns the schema they produce.
pub(crate) async fn replay(
    db: &Client,
    url: Option<&str>,
    migrations: &[LocalMigration],
) -> Result<DbSchema> {
    let (shadow, cleanup) = open(db, url).await.map_err(shadow_err)?;
    let result = async {
        let mut conn = MigConn::acquire(&shadow).await?;
        for m in migrations {
            super::run_script(&mut conn, &m.up, None)
                .await
                .map_err(|e| {
                    Error::from(MigrateError::Apply {
                        name: format!("{} (replayed in the shadow database)", m.name),
                        recorded: false,
                        source: Box::new(e),
                    })
                })?;
        }
        drop(conn);
        introspect(&shadow).await
    }
    .await;
    shadow.close().await;
    match cleanup {
        Cleanup::None => {}
        Cleanup::PgSchema(s) => super::exec(db, format!("DROP SCHEMA \"{s}\" CASCADE")).await?,
        Cleanup::MySqlDatabase(n) => super::exec(db, format!("DROP DATABASE `{n}`")).await?,
    }
    result
}
