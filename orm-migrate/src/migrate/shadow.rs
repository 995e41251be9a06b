//! The shadow database: a throwaway place to replay migrations and read back the schema they
//! produce. A temporary schema on PostgreSQL, a temporary database on MySQL, an in-memory database
//! on SQLite; or the database at a given URL, emptied first.

use super::LocalMigration;
use crate::schema::{DbSchema, introspect};
use orm_core::__migrate::MigConn;
use orm_core::client::{Client, ClientOptions};
use orm_core::error::MigrateError;
use orm_core::error::{Error, Result};

fn shadow_err(e: Error) -> Error {
    match e {
        Error::Migrate(_) => e,
        e => MigrateError::Shadow(Box::new(e)).into(),
    }
}

fn random_suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_owned()
}

async fn open(db: &Client, url: Option<&str>) -> Result<(Client, Option<String>)> {
    let opts = |u: String| ClientOptions::new(u).max_connections(1).min_connections(0);
    if let Some(url) = url {
        let shadow = opts(url.to_owned()).connect().await?;
        // Empty it: drop whatever a previous run left.
        super::drop_all(&shadow).await?;
        return Ok((shadow, None));
    }
    let name = format!("_orm_shadow_{}", random_suffix());
    let scratch = db
        .dialect()
        .ddl()
        .scratch(db.__url(), &name)
        .map_err(Error::InvalidQuery)?;
    if let Some(create) = scratch.create {
        super::exec(db, create).await?;
    }
    match opts(scratch.url).connect().await {
        Ok(c) => Ok((c, scratch.drop)),
        Err(e) => {
            if let Some(drop) = scratch.drop {
                let _ = super::exec(db, drop).await;
            }
            Err(e)
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
            let replayed = if super::files::no_transaction(&m.up) {
                // Online forms (`CREATE INDEX CONCURRENTLY`) run one statement at a time.
                let mut r = Ok(());
                for stmt in super::files::statements(&m.up) {
                    r = conn.batch(&stmt).await;
                    if r.is_err() {
                        break;
                    }
                }
                r
            } else {
                super::run_script(&mut conn, &m.up, None).await
            };
            replayed.map_err(|e| {
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
    if let Some(drop) = cleanup {
        super::exec(db, drop).await?;
    }
    result
}
