//! Faults: connections killed by the server, errors ignored inside transactions, futures dropped
//! mid-statement, panics and cancellation inside transaction closures, pool exhaustion, isolation
//! levels, the atomicity of chunked bulk inserts and oversized `IN` lists, and the tracing output.
//!
//! The contract these tests hold the ORM to:
//! - A pool whose connections the server killed never reports [`Error::Database`]: a statement either
//!   succeeds (retried on a fresh connection when that is safe) or fails with [`Error::Connection`],
//!   and the pool is usable for the next one.
//! - A transaction whose statement failed, was cancelled, or whose connection died never commits:
//!   later statements and `commit` fail ([`Error::TransactionAborted`]) and none of its writes persist
//!   — on PostgreSQL, MySQL and SQLite alike. A savepoint undoes a failure inside it.
//! - Panicking or cancelled transaction closures roll back and give their connection back.
//! - Bulk inserts are atomic however many statements they are split into.
//!
//! Kill tests use only connections the test opened: PostgreSQL connections are found by a unique
//! `application_name`, MySQL ones by the test's own isolated database name.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use orm_runtime::prelude::*;
use orm_runtime::sql::Backend;
use orm_runtime::{Executor, RawSql};
use orm_tests::TestBackend;

/// A row with a caller-chosen key and a counter.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "items")]
pub struct Item {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Counter.
    pub n: i32,
}

/// A row with a large text body (`TEXT`: 64 KiB on MySQL).
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "docs")]
pub struct Doc {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Body.
    #[orm(db_type = "TEXT")]
    pub body: String,
}

fn schema() -> Schema {
    Schema::new().model::<Item>().model::<Doc>()
}

/// Runs `body` with the URL of a fresh isolated database holding [`schema`] and a client on it.
async fn with_db<F, Fut>(backend: TestBackend, body: F)
where
    F: FnOnce(String, Client) -> Fut,
    Fut: Future<Output = orm_runtime::Result<()>>,
{
    orm_tests::run_with_url(backend, schema(), body).await
}

/// One test per configured backend whose body gets the database URL and a client.
macro_rules! each_backend {
    ($name:ident, $body:expr) => {
        orm_tests::backend_test_with_url!($name, schema(), $body);
    };
}

fn new_item(id: i64) -> NewItem {
    NewItem { id, n: 0 }
}

async fn item(db: &impl Executor, id: i64) -> orm_runtime::Result<Item> {
    Item::create(new_item(id)).exec(db).await
}

/// Every item's id, ascending.
async fn ids(db: &impl Executor) -> orm_runtime::Result<Vec<i64>> {
    Ok(Item::find_many()
        .order_by(Item::ID.asc())
        .exec(db)
        .await?
        .into_iter()
        .map(|i| i.id)
        .collect())
}

/// A statement that runs for about a second (SQLite: a recursive CTE that counts for a while).
fn slow(backend: Backend) -> RawSql {
    match backend {
        Backend::Postgres => sql!("SELECT pg_sleep(1)"),
        Backend::MySql => sql!("SELECT SLEEP(1)"),
        Backend::Sqlite => sql!(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) \
             SELECT count(*) FROM c"
        ),
    }
}

/// A client with a single connection, so that what one statement left behind on the connection
/// is what the next one finds.
async fn single(url: &str) -> orm_runtime::Result<Client> {
    ClientOptions::new(url)
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .connect()
        .await
}

// ---------------------------------------------------------------------------------------------
// Connections killed by the server.
// ---------------------------------------------------------------------------------------------

/// What a statement on a pool whose connections were killed may report.
#[cfg(any(orm_postgres, orm_mysql))]
#[track_caller]
fn ok_or_connection<T: std::fmt::Debug>(r: &orm_runtime::Result<T>, what: &str) {
    match r {
        Ok(_) | Err(Error::Connection(_)) => {}
        Err(e) => panic!("{what}: expected Ok or Error::Connection, got {e:?}"),
    }
}

/// How many connections the kill tests open and kill: more than a statement and its one retry use.
#[cfg(any(orm_postgres, orm_mysql))]
const POOLED: u32 = 4;

/// Opens [`POOLED`] connections at once, so that all of them sit idle afterwards.
#[cfg(any(orm_postgres, orm_mysql))]
async fn fill_pool(db: &Client) -> orm_runtime::Result<()> {
    let tasks: Vec<_> = (0..POOLED)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                let tx = db.begin().await?;
                // A statement makes sure the connection is really open and in use.
                Item::count().exec(&tx).await?;
                tokio::time::sleep(Duration::from_millis(150)).await;
                tx.commit().await
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task panicked")?;
    }
    Ok(())
}

/// Kills one server connection, or all of this test's, from a separate admin connection.
#[cfg(any(orm_postgres, orm_mysql))]
mod admin {
    use std::time::Duration;

    #[cfg(orm_mysql)]
    use sqlx::AssertSqlSafe;
    use sqlx::Connection;

    fn base(var: &str) -> String {
        std::env::var(var).unwrap_or_else(|_| panic!("{var} is not set"))
    }

    /// Terminates the PostgreSQL backends with `application_name = app` (`pid` only, if given) and
    /// waits until they are gone. Returns how many were terminated.
    #[cfg(orm_postgres)]
    pub async fn pg_kill(app: &str, pid: Option<i32>) -> i64 {
        let mut c = sqlx::PgConnection::connect(&base("ORM_TEST_POSTGRES_URL"))
            .await
            .expect("admin connection");
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = $1 AND ($2::int IS NULL OR pid = $2)) t",
        )
        .bind(app)
        .bind(pid)
        .fetch_one(&mut c)
        .await
        .expect("pg_terminate_backend");
        for _ in 0..250 {
            let left: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pg_stat_activity \
                 WHERE application_name = $1 AND ($2::int IS NULL OR pid = $2)",
            )
            .bind(app)
            .bind(pid)
            .fetch_one(&mut c)
            .await
            .expect("pg_stat_activity");
            if left == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        c.close().await.expect("close the admin connection");
        n
    }

    /// The ids of the MySQL connections whose current database is `database`, but `c`'s own.
    #[cfg(orm_mysql)]
    async fn processlist(c: &mut sqlx::MySqlConnection, database: &str) -> Vec<i64> {
        sqlx::query_scalar::<_, i64>(
            "SELECT CAST(ID AS SIGNED) FROM information_schema.PROCESSLIST \
             WHERE DB = ? AND ID <> CONNECTION_ID()",
        )
        .bind(database)
        .fetch_all(c)
        .await
        .expect("PROCESSLIST")
    }

    /// Kills the MySQL connections whose current database is `database` (`id` only, if given) and
    /// waits until they are gone. Returns how many were killed.
    #[cfg(orm_mysql)]
    pub async fn mysql_kill(database: &str, id: Option<i64>) -> usize {
        let mut c = sqlx::MySqlConnection::connect(&base("ORM_TEST_MYSQL_URL"))
            .await
            .expect("admin connection");
        let victims: Vec<i64> = processlist(&mut c, database)
            .await
            .into_iter()
            .filter(|v| id.is_none_or(|id| id == *v))
            .collect();
        for v in &victims {
            // Already gone is fine.
            let _ = sqlx::raw_sql(AssertSqlSafe(format!("KILL CONNECTION {v}")))
                .execute(&mut c)
                .await;
        }
        for _ in 0..250 {
            let alive = processlist(&mut c, database).await;
            if !victims.iter().any(|v| alive.contains(v)) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        c.close().await.expect("close the admin connection");
        victims.len()
    }
}

/// `url` with a unique `application_name`, by which the test finds its own connections.
#[cfg(orm_postgres)]
fn with_app_name(url: &str) -> (String, String) {
    let app = format!("orm_faults_{}", uuid::Uuid::new_v4().simple());
    let sep = if url.contains('?') { '&' } else { '?' };
    (format!("{url}{sep}application_name={app}"), app)
}

/// The isolated MySQL database's name: the URL's path.
#[cfg(orm_mysql)]
fn database_of(url: &str) -> String {
    let path = url.rsplit('/').next().expect("a database path");
    path.split('?').next().unwrap_or(path).to_owned()
}

/// Kills every idle connection of `db` (all [`POOLED`] of them) twice: a read and then a write right after each kill
/// succeed or report `Error::Connection`, and the statement after that succeeds.
#[cfg(any(orm_postgres, orm_mysql))]
async fn idle_connections_killed<K, KFut>(db: &Client, mut kill: K) -> orm_runtime::Result<()>
where
    K: FnMut() -> KFut,
    KFut: Future<Output = usize>,
{
    let b = db.backend();
    item(db, 1).await?;
    fill_pool(db).await?;
    let killed = kill().await;
    assert_eq!(killed, POOLED as usize, "{b:?}: connections killed");

    let read = Item::find_many().exec(db).await;
    ok_or_connection(&read, "a read on a pool of killed connections");
    if let Ok(rows) = &read {
        assert_eq!(rows.len(), 1);
    }
    match ids(db).await {
        Ok(ids) => assert_eq!(ids, [1]),
        Err(e) => {
            panic!(
                "{b:?}: the read after the first one must succeed (pool usable), got {e:?} \
                 (the first read gave {read:?})"
            )
        }
    }

    fill_pool(db).await?;
    let killed = kill().await;
    assert_eq!(killed, POOLED as usize, "{b:?}: connections killed");
    let write = item(db, 2).await;
    ok_or_connection(&write, "a write on a pool of killed connections");
    let after = ids(db).await.unwrap_or_else(|e| {
        panic!(
            "{b:?}: the statement after the write must succeed (pool usable), got {e:?} \
             (the write gave {write:?})"
        )
    });
    if write.is_ok() {
        assert_eq!(after, [1, 2], "a successful write applied exactly once");
    } else {
        assert!(after == [1] || after == [1, 2], "{after:?}");
    }
    // The pool is fully usable again: several connections at once.
    fill_pool(db).await?;
    Ok(())
}

/// Kills the connection of an open transaction: the next statement fails with `Connection` (or
/// `TransactionAborted`), `commit` fails, none of the transaction's writes persist, earlier
/// committed writes all do, and the pool goes on.
#[cfg(any(orm_postgres, orm_mysql))]
async fn transaction_connection_killed<K, KFut>(
    db: &Client,
    conn_id: RawSql,
    kill: K,
) -> orm_runtime::Result<()>
where
    K: FnOnce(i64) -> KFut,
    KFut: Future<Output = usize>,
{
    for id in 1..=3 {
        item(db, id).await?;
    }
    let tx = db.begin().await?;
    item(&tx, 10).await?;
    Item::update_many()
        .filter(Item::ID.eq(1))
        .increment(Item::N, 5)
        .exec(&tx)
        .await?;
    let (id,): (i64,) = conn_id.fetch_one(&tx).await?;
    assert_eq!(kill(id).await, 1, "the transaction's connection was killed");

    match item(&tx, 11).await {
        Err(Error::Connection(_) | Error::TransactionAborted { .. }) => {}
        other => panic!(
            "a statement on a killed transaction: expected Connection or TransactionAborted, got {other:?}"
        ),
    }
    match Item::count().exec(&tx).await {
        Err(Error::Connection(_) | Error::TransactionAborted { .. }) => {}
        other => panic!("a read on a killed transaction: expected an error, got {other:?}"),
    }
    let commit = tx.commit().await;
    assert!(
        commit.is_err(),
        "commit of a transaction whose connection died must not report success"
    );
    assert!(
        !matches!(commit, Err(Error::Database(_))),
        "commit: {commit:?}"
    );
    assert_eq!(
        ids(db).await?,
        [1, 2, 3],
        "no write of the transaction persists"
    );
    assert_eq!(
        Item::find_unique_or_throw(Item::ID.eq(1)).exec(db).await?.n,
        0
    );
    // The pool goes on, transactions included.
    let tx = db.begin().await?;
    item(&tx, 20).await?;
    tx.commit().await?;
    assert_eq!(ids(db).await?, [1, 2, 3, 20]);
    Ok(())
}

#[cfg(orm_postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_idle_connections_postgres() {
    with_db(TestBackend::Postgres, |url, _db| async move {
        let (url, app) = with_app_name(&url);
        let db = ClientOptions::new(&url)
            .max_connections(POOLED)
            .connect()
            .await?;
        idle_connections_killed(&db, || {
            let app = app.clone();
            async move { admin::pg_kill(&app, None).await as usize }
        })
        .await?;
        db.close().await;
        Ok(())
    })
    .await;
}

#[cfg(orm_mysql)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_idle_connections_mysql() {
    with_db(TestBackend::MySql, |url, db| async move {
        // The fixture's own client has to go: its idle connections sit in the same database.
        db.close().await;
        let database = database_of(&url);
        let db = ClientOptions::new(&url)
            .max_connections(POOLED)
            .connect()
            .await?;
        idle_connections_killed(&db, || {
            let database = database.clone();
            async move { admin::mysql_kill(&database, None).await }
        })
        .await?;
        db.close().await;
        Ok(())
    })
    .await;
}

#[cfg(orm_postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_transaction_connection_postgres() {
    with_db(TestBackend::Postgres, |url, _db| async move {
        let (url, app) = with_app_name(&url);
        let db = ClientOptions::new(&url)
            .max_connections(POOLED)
            .connect()
            .await?;
        transaction_connection_killed(
            &db,
            sql!("SELECT CAST(pg_backend_pid() AS BIGINT)"),
            |pid| async move { admin::pg_kill(&app, Some(pid as i32)).await as usize },
        )
        .await?;
        db.close().await;
        Ok(())
    })
    .await;
}

#[cfg(orm_mysql)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_transaction_connection_mysql() {
    with_db(TestBackend::MySql, |url, db| async move {
        let database = database_of(&url);
        transaction_connection_killed(
            &db,
            sql!("SELECT CAST(CONNECTION_ID() AS SIGNED)"),
            |id| async move { admin::mysql_kill(&database, Some(id)).await },
        )
        .await
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// Errors ignored inside transactions.
// ---------------------------------------------------------------------------------------------

#[track_caller]
fn expect_aborted<T: std::fmt::Debug>(r: orm_runtime::Result<T>, what: &str) {
    match r {
        Err(Error::TransactionAborted { reason }) => {
            assert!(!reason.is_empty(), "{what}: the reason is given")
        }
        other => panic!("{what}: expected TransactionAborted, got {other:?}"),
    }
}

each_backend!(
    ignored_errors_poison_the_transaction,
    |_url: String, db: Client| async move {
        item(&db, 1).await?;

        // Explicit handle: after an ignored failure, everything fails and nothing persists.
        let tx = db.begin().await?;
        item(&tx, 2).await?;
        let failed = item(&tx, 1).await;
        assert!(
            matches!(failed, Err(Error::UniqueViolation { .. })),
            "{failed:?}"
        );
        expect_aborted(item(&tx, 3).await, "a write after the failure");
        expect_aborted(Item::count().exec(&tx).await, "a read after the failure");
        expect_aborted(
            sql!("SELECT 1").fetch_all::<(i64,), _>(&tx).await,
            "raw SQL after the failure",
        );
        expect_aborted(tx.begin().await, "a savepoint after the failure");
        expect_aborted(tx.commit().await, "commit after the failure");
        assert_eq!(ids(&db).await?, [1], "explicit: nothing persists");

        // Closure form: the closure's own later write reports the abort.
        let r: Result<(), Error> = db
            .transaction(|tx| async move {
                item(&tx, 4).await?;
                let _ = item(&tx, 1).await;
                item(&tx, 5).await?;
                Ok(())
            })
            .await;
        expect_aborted(r, "closure with a write after the ignored failure");
        assert_eq!(ids(&db).await?, [1], "closure: nothing persists");

        // Closure that ignores the failure and returns Ok: the commit reports the abort.
        let r: Result<(), Error> = db
            .transaction(|tx| async move {
                item(&tx, 6).await?;
                let _ = item(&tx, 1).await;
                Ok(())
            })
            .await;
        expect_aborted(r, "closure returning Ok after an ignored failure");
        assert_eq!(ids(&db).await?, [1], "closure Ok: nothing persists");

        // A savepoint closure returning the failure as Err undoes only the savepoint.
        let tx = db.begin().await?;
        item(&tx, 7).await?;
        let inner: Result<(), Error> = tx
            .transaction(|sp| async move {
                item(&sp, 8).await?;
                item(&sp, 1).await?;
                Ok(())
            })
            .await;
        assert!(
            matches!(inner, Err(Error::UniqueViolation { .. })),
            "{inner:?}"
        );
        item(&tx, 9).await?;
        tx.commit().await?;
        assert_eq!(
            ids(&db).await?,
            [1, 7, 9],
            "the outer transaction commits its own writes"
        );

        // A savepoint closure that ignores the failure: its release reports the abort and undoes
        // it; the outer transaction goes on.
        let tx = db.begin().await?;
        item(&tx, 10).await?;
        let inner: Result<(), Error> = tx
            .transaction(|sp| async move {
                item(&sp, 11).await?;
                let _ = item(&sp, 1).await;
                Ok(())
            })
            .await;
        expect_aborted(inner, "savepoint returning Ok after an ignored failure");
        item(&tx, 12).await?;
        tx.commit().await?;
        assert_eq!(ids(&db).await?, [1, 7, 9, 10, 12]);

        // An explicit savepoint rolled back after a failure inside it.
        let tx = db.begin().await?;
        let sp = tx.begin().await?;
        item(&sp, 13).await?;
        assert!(item(&sp, 1).await.is_err());
        sp.rollback().await?;
        item(&tx, 14).await?;
        tx.commit().await?;
        assert_eq!(ids(&db).await?, [1, 7, 9, 10, 12, 14]);

        // Statements refused before anything is sent do not poison.
        let tx = db.begin().await?;
        item(&tx, 15).await?;
        let refused = Item::upsert(Item::ID.eq(99), new_item(98)).exec(&tx).await;
        assert!(
            matches!(refused, Err(Error::InvalidQuery(_))),
            "{refused:?}"
        );
        item(&tx, 16).await?;
        tx.commit().await?;
        assert_eq!(ids(&db).await?, [1, 7, 9, 10, 12, 14, 15, 16]);
        Ok(())
    }
);

// ---------------------------------------------------------------------------------------------
// Futures dropped mid-statement.
// ---------------------------------------------------------------------------------------------

each_backend!(
    statement_cancelled_on_a_client_leaves_the_pool_usable,
    |url: String, db: Client| async move {
        let b = db.backend();
        let c = single(&url).await?;
        item(&c, 1).await?;
        for round in 0..2 {
            let r = tokio::time::timeout(Duration::from_millis(100), slow(b).execute(&c)).await;
            assert!(
                r.is_err(),
                "round {round}: the slow statement finished within 100 ms: {r:?}"
            );
            // The only connection is the one whose statement was dropped.
            let want: Vec<i64> = [1].into_iter().chain(10..10 + round).collect();
            assert_eq!(
                ids(&c).await?,
                want,
                "round {round}: usable after the cancel"
            );
            item(&c, 10 + round).await?;
        }
        assert_eq!(ids(&c).await?, [1, 10, 11]);
        c.close().await;
        Ok(())
    }
);

each_backend!(
    statement_cancelled_in_a_transaction_poisons_it,
    |url: String, db: Client| async move {
        let b = db.backend();
        let c = single(&url).await?;
        item(&c, 1).await?;
        let tx = c.begin().await?;
        item(&tx, 2).await?;
        let r = tokio::time::timeout(Duration::from_millis(100), slow(b).execute(&tx)).await;
        assert!(
            r.is_err(),
            "the slow statement finished within 100 ms: {r:?}"
        );
        // Its outcome is unknown, so the transaction cannot commit.
        expect_aborted(item(&tx, 3).await, "a write after the cancelled statement");
        expect_aborted(tx.commit().await, "commit after a cancelled statement");
        assert_eq!(ids(&c).await?, [1], "none of its writes persist");
        item(&c, 4).await?;
        assert_eq!(ids(&c).await?, [1, 4], "the connection is usable");
        c.close().await;
        Ok(())
    }
);

// ---------------------------------------------------------------------------------------------
// Panics and cancellation inside transaction closures.
// ---------------------------------------------------------------------------------------------

each_backend!(
    panic_in_a_transaction_closure_rolls_back,
    |url: String, _db: Client| async move {
        let c = single(&url).await?;
        item(&c, 1).await?;
        let c2 = c.clone();
        let joined = tokio::spawn(async move {
            let _: Result<(), Error> = c2
                .transaction(|tx| async move {
                    item(&tx, 2).await?;
                    panic!("boom inside the transaction");
                })
                .await;
        })
        .await;
        assert!(joined.is_err_and(|e| e.is_panic()), "the task panicked");
        // A panic inside a savepoint closure, inside a spawned transaction.
        let c2 = c.clone();
        let joined = tokio::spawn(async move {
            let tx = c2.begin().await.expect("begin");
            item(&tx, 3).await.expect("write");
            let _: Result<(), Error> = tx
                .transaction(|sp| async move {
                    item(&sp, 4).await?;
                    panic!("boom inside the savepoint");
                })
                .await;
        })
        .await;
        assert!(joined.is_err_and(|e| e.is_panic()), "the task panicked");
        // The single connection came back, and runs in no leftover transaction.
        assert_eq!(
            ids(&c).await?,
            [1],
            "nothing of the panicking transactions persists"
        );
        item(&c, 5).await?;
        let tx = c.begin().await?;
        item(&tx, 6).await?;
        tx.commit().await?;
        assert_eq!(ids(&c).await?, [1, 5, 6]);
        c.close().await;
        Ok(())
    }
);

each_backend!(
    cancelled_transaction_closure_rolls_back,
    |url: String, db: Client| async move {
        let b = db.backend();
        let c = single(&url).await?;
        item(&c, 1).await?;
        // Cancelled between statements.
        let r = tokio::time::timeout(
            Duration::from_millis(200),
            c.transaction(|tx| async move {
                item(&tx, 2).await?;
                tokio::time::sleep(Duration::from_secs(30)).await;
                Ok::<_, Error>(())
            }),
        )
        .await;
        assert!(r.is_err(), "the closure was cancelled: {r:?}");
        assert_eq!(
            ids(&c).await?,
            [1],
            "cancelled between statements: rolled back"
        );
        // Cancelled while a statement runs.
        let r = tokio::time::timeout(
            Duration::from_millis(200),
            c.transaction(|tx| async move {
                item(&tx, 3).await?;
                slow(b).execute(&tx).await?;
                Ok::<_, Error>(())
            }),
        )
        .await;
        assert!(r.is_err(), "the closure was cancelled: {r:?}");
        assert_eq!(ids(&c).await?, [1], "cancelled mid-statement: rolled back");
        // An aborted task.
        let c2 = c.clone();
        let task = tokio::spawn(async move {
            c2.transaction(|tx| async move {
                item(&tx, 4).await?;
                tokio::time::sleep(Duration::from_secs(30)).await;
                Ok::<_, Error>(())
            })
            .await
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        task.abort();
        assert!(task.await.is_err_and(|e| e.is_cancelled()));
        assert_eq!(ids(&c).await?, [1], "aborted task: rolled back");
        item(&c, 5).await?;
        assert_eq!(ids(&c).await?, [1, 5], "the connection is usable");
        c.close().await;
        Ok(())
    }
);

// ---------------------------------------------------------------------------------------------
// Pool exhaustion.
// ---------------------------------------------------------------------------------------------

each_backend!(
    many_tasks_on_a_small_pool_all_complete,
    |url: String, _db: Client| async move {
        let c = ClientOptions::new(&url)
            .max_connections(2)
            .connect()
            .await?;
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let c = c.clone();
                tokio::spawn(async move {
                    item(&c, i).await?;
                    c.transaction(|tx| async move {
                        Item::update(Item::ID.eq(i))
                            .increment(Item::N, 1)
                            .exec(&tx)
                            .await?;
                        Item::count().exec(&tx).await
                    })
                    .await
                })
            })
            .collect();
        for (i, t) in tasks.into_iter().enumerate() {
            let r = t.await.expect("task panicked");
            assert!(r.is_ok(), "task {i}: {r:?}");
        }
        assert_eq!(ids(&c).await?, (0..40).collect::<Vec<i64>>(), "none lost");
        assert_eq!(Item::count().filter(Item::N.eq(1)).exec(&c).await?, 40);
        c.close().await;
        Ok(())
    }
);

each_backend!(
    extra_tasks_get_pool_timeout,
    |url: String, _db: Client| async move {
        let c = ClientOptions::new(&url)
            .max_connections(2)
            .acquire_timeout(Duration::from_millis(300))
            .connect()
            .await?;
        // Open both connections first.
        let (a, b) = tokio::join!(c.begin(), c.begin());
        a?.commit().await?;
        b?.commit().await?;
        let started = Instant::now();
        let tasks: Vec<_> = (0..6)
            .map(|_| {
                let c = c.clone();
                tokio::spawn(async move {
                    let tx = c.begin().await?;
                    tokio::time::sleep(Duration::from_millis(1500)).await;
                    tx.commit().await
                })
            })
            .collect();
        let mut ok = 0;
        let mut timed_out = 0;
        for t in tasks {
            match t.await.expect("task panicked") {
                Ok(()) => ok += 1,
                Err(Error::PoolTimeout(_)) => timed_out += 1,
                Err(e) => panic!("expected Ok or PoolTimeout, got {e:?}"),
            }
        }
        assert_eq!(
            (ok, timed_out),
            (2, 4),
            "two hold the connections, four time out"
        );
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(Item::count().exec(&c).await?, 0, "the pool is usable after");
        c.close().await;
        Ok(())
    }
);

// ---------------------------------------------------------------------------------------------
// Isolation levels.
// ---------------------------------------------------------------------------------------------

async fn value(db: &impl Executor, id: i64) -> orm_runtime::Result<i32> {
    Ok(Item::find_unique_or_throw(Item::ID.eq(id))
        .exec(db)
        .await?
        .n)
}

/// Reads a row and the row count in a transaction at `level`, lets another connection commit an
/// update and an insert, and reads again. Returns (first, second) readings.
async fn reread(
    db: &Client,
    level: IsolationLevel,
) -> orm_runtime::Result<((i32, i64), (i32, i64))> {
    Item::delete_many().exec(db).await?;
    item(db, 1).await?;
    let tx = db.begin_with(level).await?;
    let first = (value(&tx, 1).await?, Item::count().exec(&tx).await?);
    Item::update(Item::ID.eq(1))
        .set(Item::N, 7)
        .exec(db)
        .await?;
    item(db, 2).await?;
    let second = (value(&tx, 1).await?, Item::count().exec(&tx).await?);
    tx.commit().await?;
    Ok((first, second))
}

/// PostgreSQL and MySQL: REPEATABLE READ keeps its snapshot; READ COMMITTED sees other commits.
#[cfg(any(orm_postgres, orm_mysql))]
async fn repeatable_and_read_committed(db: &Client) -> orm_runtime::Result<()> {
    assert_eq!(
        reread(db, IsolationLevel::RepeatableRead).await?,
        ((0, 1), (0, 1)),
        "REPEATABLE READ: no non-repeatable read, no phantom"
    );
    assert_eq!(
        reread(db, IsolationLevel::ReadCommitted).await?,
        ((0, 1), (7, 2)),
        "READ COMMITTED sees rows committed after its first read"
    );
    Ok(())
}

/// Whether a transaction at `level` on `reader` reads an uncommitted update made through `writer`.
async fn dirty_read(
    writer: &Client,
    reader: &Client,
    level: IsolationLevel,
) -> orm_runtime::Result<bool> {
    Item::delete_many().exec(writer).await?;
    item(writer, 1).await?;
    let w = writer.begin().await?;
    Item::update(Item::ID.eq(1))
        .set(Item::N, 9)
        .exec(&w)
        .await?;
    let r = reader.begin_with(level).await?;
    let seen = value(&r, 1).await?;
    r.commit().await?;
    w.rollback().await?;
    assert_eq!(value(writer, 1).await?, 0);
    Ok(seen == 9)
}

/// Two transactions at `level` each see two items with `n = 1` and set a different one to 0.
/// Returns how many committed and what they left.
#[cfg(orm_postgres)]
async fn write_skew(db: &Client, level: IsolationLevel) -> (Vec<orm_runtime::Result<()>>, i64) {
    Item::delete_many().exec(db).await.unwrap();
    Item::create_many([NewItem { id: 1, n: 1 }, NewItem { id: 2, n: 1 }])
        .exec(db)
        .await
        .unwrap();
    let on = || Item::count().filter(Item::N.eq(1));
    let t1 = db.begin_with(level).await.unwrap();
    let t2 = db.begin_with(level).await.unwrap();
    assert_eq!(on().exec(&t1).await.unwrap(), 2);
    assert_eq!(on().exec(&t2).await.unwrap(), 2);
    let off = |id: i64| Item::update_many().filter(Item::ID.eq(id)).set(Item::N, 0);
    let r1 = off(1).exec(&t1).await;
    let r2 = off(2).exec(&t2).await;
    let c1 = match r1 {
        Ok(_) => t1.commit().await,
        Err(e) => Err(e),
    };
    let c2 = match r2 {
        Ok(_) => t2.commit().await,
        Err(e) => Err(e),
    };
    (vec![c1, c2], on().exec(db).await.unwrap())
}

#[cfg(orm_postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn isolation_levels_postgres() {
    with_db(TestBackend::Postgres, |_url, db| async move {
        repeatable_and_read_committed(&db).await?;
        // PostgreSQL runs READ UNCOMMITTED as READ COMMITTED: never a dirty read.
        assert!(!dirty_read(&db, &db, IsolationLevel::ReadUncommitted).await?);
        // Write skew: allowed under REPEATABLE READ, refused under SERIALIZABLE.
        let (results, left) = write_skew(&db, IsolationLevel::RepeatableRead).await;
        assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
        assert_eq!(left, 0, "REPEATABLE READ lets both commit");
        let (results, left) = write_skew(&db, IsolationLevel::Serializable).await;
        let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(failed.len(), 1, "SERIALIZABLE: one side fails: {results:?}");
        assert!(
            matches!(failed[0], Error::SerializationFailure(_)) && failed[0].is_retryable(),
            "{:?}",
            failed[0]
        );
        assert_eq!(left, 1, "SERIALIZABLE keeps the invariant");
        Ok(())
    })
    .await;
}

#[cfg(orm_mysql)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn isolation_levels_mysql() {
    with_db(TestBackend::MySql, |url, db| async move {
        repeatable_and_read_committed(&db).await?;
        assert!(
            dirty_read(&db, &db, IsolationLevel::ReadUncommitted).await?,
            "MySQL's READ UNCOMMITTED reads uncommitted rows"
        );
        assert!(!dirty_read(&db, &db, IsolationLevel::ReadCommitted).await?);
        // `begin_with` sets the level for one transaction only: the next one on the same connection
        // runs at the server default (REPEATABLE READ) again.
        let one = single(&url).await?;
        assert!(
            !dirty_read(&db, &one, IsolationLevel::RepeatableRead).await?,
            "REPEATABLE READ reads no uncommitted rows"
        );
        let tx = one.begin_with(IsolationLevel::ReadUncommitted).await?;
        tx.commit().await?;
        let w = db.begin().await?;
        Item::update(Item::ID.eq(1)).set(Item::N, 9).exec(&w).await?;
        let r = one.begin().await?;
        assert_eq!(
            value(&r, 1).await?,
            0,
            "a plain begin after begin_with(ReadUncommitted) on the same connection reads no uncommitted rows"
        );
        r.commit().await?;
        w.rollback().await?;
        one.close().await;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn isolation_levels_sqlite() {
    // SQLite ignores the requested level: every transaction reads one snapshot (serializable), and
    // writers are serialized — a second writer waits for the first to commit. Checked: a snapshot
    // even under READ COMMITTED / READ UNCOMMITTED, no dirty reads, and a blocked second writer.
    with_db(TestBackend::Sqlite, |_url, db| async move {
        for level in [
            IsolationLevel::ReadUncommitted,
            IsolationLevel::ReadCommitted,
            IsolationLevel::RepeatableRead,
            IsolationLevel::Serializable,
        ] {
            assert_eq!(
                reread(&db, level).await?,
                ((0, 1), (0, 1)),
                "{level:?}: SQLite reads one snapshot"
            );
            assert!(
                !dirty_read(&db, &db, level).await?,
                "{level:?}: no dirty read"
            );
        }
        let writer = db.begin_with(IsolationLevel::ReadUncommitted).await?;
        Item::update(Item::ID.eq(1))
            .set(Item::N, 2)
            .exec(&writer)
            .await?;
        let db2 = db.clone();
        let second = tokio::spawn(async move {
            Item::update(Item::ID.eq(1))
                .set(Item::N, 3)
                .exec(&db2)
                .await
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(
            !second.is_finished(),
            "the second writer waits for the first"
        );
        writer.commit().await?;
        second.await.expect("task panicked")?;
        assert_eq!(
            value(&db, 1).await?,
            3,
            "the writers ran one after the other"
        );
        Ok(())
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// Chunked bulk inserts and IN lists beyond the bind limits.
// ---------------------------------------------------------------------------------------------

each_backend!(
    chunked_create_many_is_atomic,
    |_url: String, db: Client| async move {
        // 40 000 rows × 2 binds: two statements on PostgreSQL/MySQL (65 535 binds), three on SQLite
        // (32 766).
        item(&db, 1_000_000).await?;
        let mut rows: Vec<NewItem> = (0..40_000).map(new_item).collect();
        rows.push(new_item(1_000_000));
        let before = db.statements_sent();
        let r = Item::create_many(rows).exec(&db).await;
        assert!(
            matches!(r, Err(Error::UniqueViolation { .. })),
            "a duplicate in the last chunk: {r:?}"
        );
        assert!(
            db.statements_sent() - before >= 3,
            "sent in several statements"
        );
        assert_eq!(
            Item::count().exec(&db).await?,
            1,
            "no row of the batch persists"
        );

        let before = db.statements_sent();
        let n = Item::create_many((0..40_000).map(new_item))
            .exec(&db)
            .await?;
        assert_eq!(n, 40_000);
        assert!(
            db.statements_sent() - before >= 4,
            "BEGIN, two or more INSERTs, COMMIT"
        );
        assert_eq!(Item::count().exec(&db).await?, 40_001);

        // IN lists longer than the bind limit.
        let found = Item::find_many()
            .filter(Item::ID.in_(0..70_000i64))
            .order_by(Item::ID.asc())
            .exec(&db)
            .await;
        match found {
            Ok(rows) => assert_eq!(
                rows.into_iter().map(|i| i.id).collect::<Vec<_>>(),
                (0..40_000).collect::<Vec<i64>>()
            ),
            Err(e) => panic!("find_many with IN of 70 000 values: {e:?}"),
        }
        let evens = Item::count()
            .filter(Item::ID.in_((0..70_000i64).map(|i| i * 2)))
            .exec(&db)
            .await;
        assert_eq!(evens.ok(), Some(20_000), "count with IN of 70 000 values");
        let rest = Item::count()
            .filter(Item::ID.not_in(0..70_000i64))
            .exec(&db)
            .await;
        assert_eq!(rest.ok(), Some(1), "count with NOT IN of 70 000 values");
        Ok(())
    }
);

each_backend!(
    failed_chunked_create_many_poisons_a_transaction,
    |_url: String, db: Client| async move {
        item(&db, 1_000_000).await?;
        // Inside a transaction, a failed create_many is a failed statement like any other: chunked
        // or not, the transaction can no longer commit, and none of the batch persists.
        for rows in [2, 40_000] {
            let tx = db.begin().await?;
            item(&tx, 2_000_000).await?;
            let mut batch: Vec<NewItem> = (3_000_000..3_000_000 + rows - 1).map(new_item).collect();
            batch.push(new_item(1_000_000));
            let r = Item::create_many(batch).exec(&tx).await;
            assert!(
                matches!(r, Err(Error::UniqueViolation { .. })),
                "{rows} rows in a transaction: {r:?}"
            );
            expect_aborted(
                item(&tx, 2_000_001).await,
                &format!("a write after a failed create_many of {rows} rows"),
            );
            expect_aborted(
                tx.commit().await,
                &format!("commit after a failed create_many of {rows} rows"),
            );
            assert_eq!(
                Item::count()
                    .filter(Item::ID.gte(2_000_000))
                    .exec(&db)
                    .await?,
                0,
                "{rows} rows: nothing of the transaction persists"
            );
        }
        assert_eq!(ids(&db).await?, [1_000_000]);
        Ok(())
    }
);

each_backend!(
    create_many_of_large_rows,
    |_url: String, db: Client| async move {
        // 400 rows of 50 kB: 20 MB in all, more than MySQL's 16 MiB max_allowed_packet, so sent in
        // several statements everywhere the ORM splits by size (MySQL's TEXT holds 64 KiB).
        let body = |id: i64| format!("{id:08}{}", "x".repeat(50_000 - 8));
        let docs = |ids: std::ops::Range<i64>| {
            ids.map(|id| NewDoc { id, body: body(id) })
                .collect::<Vec<_>>()
        };
        Doc::create(NewDoc {
            id: 10_000,
            body: body(10_000),
        })
        .exec(&db)
        .await?;
        let mut failing = docs(0..399);
        failing.push(NewDoc {
            id: 10_000,
            body: body(10_000),
        });
        let r = Doc::create_many(failing).exec(&db).await;
        assert!(
            matches!(r, Err(Error::UniqueViolation { .. })),
            "a duplicate in the last rows of a 20 MB batch: {r:?}"
        );
        assert_eq!(
            Doc::count().exec(&db).await?,
            1,
            "no row of the batch persists"
        );

        let before = db.statements_sent();
        let n = Doc::create_many(docs(0..400)).exec(&db).await;
        if db.backend() == Backend::MySql {
            assert!(
                db.statements_sent() - before >= 4,
                "MySQL: BEGIN, two or more INSERTs under max_allowed_packet, COMMIT"
            );
        }
        assert_eq!(n.as_ref().ok(), Some(&400), "a 20 MB batch: {n:?}");
        assert_eq!(Doc::count().exec(&db).await?, 401);
        let last = Doc::find_unique_or_throw(Doc::ID.eq(399)).exec(&db).await?;
        assert_eq!(last.body, body(399), "stored intact");
        Ok(())
    }
);

// ---------------------------------------------------------------------------------------------
// The slow-statement warning and the statement spans.
// ---------------------------------------------------------------------------------------------

/// Collects everything a `fmt` subscriber writes.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

/// Runs on a current-thread runtime (see the tests below), so the thread-default subscriber sees
/// every event and span of the statements.
async fn tracing_output(backend: TestBackend) {
    use tracing_subscriber::fmt::format::FmtSpan;
    use tracing_subscriber::util::SubscriberInitExt;

    // One backend at a time: `tracing` caches which callsites are enabled process-wide, and a
    // thread-default subscriber dropped by a test on another thread resets that cache under this
    // one (a span then goes unrecorded here now and then).
    static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _serial = ONE_AT_A_TIME.lock().await;
    let capture = Capture::default();
    let _guard = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
        .with_span_events(FmtSpan::NEW)
        .with_ansi(false)
        .without_time()
        .finish()
        .set_default();
    let cap = capture.clone();
    with_db(backend, |url, db| async move {
        let system = match db.backend() {
            Backend::Postgres => "postgresql",
            Backend::MySql => "mysql",
            Backend::Sqlite => "sqlite",
        };
        item(&db, 1).await?;
        let sql_text = "SELECT id, n FROM items WHERE n = ";
        let run = |c: Client| async move {
            let rows: Vec<(i64, i32)> = sql!("SELECT id, n FROM items WHERE n = {0_i32}")
                .fetch_all(&c)
                .await?;
            assert_eq!(rows, [(1, 0)]);
            Ok::<_, Error>(())
        };

        // Threshold zero: every statement logs a WARN on target orm::slow with its SQL.
        let eager = ClientOptions::new(&url)
            .slow_statement_threshold(Duration::ZERO)
            .connect()
            .await?;
        cap.clear();
        run(eager.clone()).await?;
        let out = cap.text();
        let warn = out
            .lines()
            .find(|l| l.contains("orm::slow"))
            .unwrap_or_else(|| panic!("no orm::slow event in:\n{out}"));
        assert!(warn.contains("WARN"), "a WARN: {warn}");
        assert!(warn.contains(sql_text), "carries the SQL: {warn}");
        // The statement ran in an `orm.statement` span with OpenTelemetry's db.system.name and
        // db.query.text.
        // The `fmt` layer prints a span's fields as `name{field=value ...}` before each event in it.
        let fields = out
            .lines()
            .find_map(|l| {
                let rest = l.split("orm.statement{").nth(1)?;
                rest.split("}:").next()
            })
            .unwrap_or_else(|| panic!("no orm.statement span in:\n{out}"));
        assert!(
            fields.contains(&format!("db.system.name=\"{system}\"")),
            "db.system.name: {fields}"
        );
        assert!(
            fields.contains(&format!("db.query.text=\"{sql_text}")),
            "db.query.text: {fields}"
        );
        // Every statement, also inside a transaction and from the query builder.
        cap.clear();
        let tx = eager.begin().await?;
        Item::count().exec(&tx).await?;
        tx.commit().await?;
        let out = cap.text();
        assert!(
            out.lines()
                .any(|l| l.contains("orm::slow") && l.contains("items")),
            "the builder's statement in a transaction is logged too:\n{out}"
        );
        eager.close().await;

        // The default threshold (1 s): a fast statement logs no warning; None disables it.
        for quiet in [
            ClientOptions::new(&url).connect().await?,
            ClientOptions::new(&url)
                .slow_statement_threshold(None)
                .connect()
                .await?,
        ] {
            cap.clear();
            run(quiet.clone()).await?;
            let out = cap.text();
            assert!(
                !out.contains("orm::slow"),
                "a fast statement is not slow:\n{out}"
            );
            assert!(
                out.contains("orm.statement{"),
                "but still has its span:\n{out}"
            );
            quiet.close().await;
        }
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn tracing_slow_statements_and_spans_sqlite() {
    tracing_output(TestBackend::Sqlite).await;
}

#[cfg(orm_postgres)]
#[tokio::test]
async fn tracing_slow_statements_and_spans_postgres() {
    tracing_output(TestBackend::Postgres).await;
}

#[cfg(orm_mysql)]
#[tokio::test]
async fn tracing_slow_statements_and_spans_mysql() {
    tracing_output(TestBackend::MySql).await;
}
