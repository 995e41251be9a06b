//! Statement timeouts: the server stops a statement that runs past the client's
//! `statement_timeout` (PostgreSQL `statement_timeout`, MariaDB `max_statement_time`, SQLite's
//! progress handler), the caller gets `Error::Timeout` at once, nothing of the statement stays
//! running on the server, the connection is reusable, and a transaction it ran in commits nothing.

use std::time::{Duration, Instant};

use orm_runtime::prelude::*;
use orm_runtime::sql::Backend;
use orm_tests::backend_test_with_url;

/// A row to write before a statement times out.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "notes")]
pub struct Note {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Text.
    pub body: String,
}

fn schema() -> Schema {
    Schema::new().model::<Note>()
}

const TIMEOUT: Duration = Duration::from_millis(200);

/// A statement the server works on for about ten seconds.
fn ten_seconds(backend: Backend) -> orm_runtime::RawSql {
    match backend {
        Backend::Postgres => orm_runtime::sql!("SELECT pg_sleep(10)"),
        Backend::MySql => orm_runtime::sql!("SELECT SLEEP(10)"),
        Backend::Sqlite => orm_runtime::sql!(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000000) SELECT count(*) FROM c"
        ),
    }
}

/// How many statements other than the asking one are still running the sleep on the server
/// (SQLite runs in the client's process: its statement is gone when the call returns).
async fn still_running(db: &Client) -> orm_runtime::Result<i64> {
    Ok(match db.backend() {
        Backend::Postgres => {
            orm_runtime::sql!(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' \
                 AND query LIKE '%pg\\_sleep(10)%' AND pid <> pg_backend_pid()"
            )
            .fetch_one::<(i64,), _>(db)
            .await?
            .0
        }
        Backend::MySql => {
            orm_runtime::sql!(
                "SELECT CAST(COUNT(*) AS SIGNED) FROM information_schema.PROCESSLIST \
                 WHERE INFO LIKE '%SLEEP(10)%' AND ID <> CONNECTION_ID()"
            )
            .fetch_one::<(i64,), _>(db)
            .await?
            .0
        }
        Backend::Sqlite => 0,
    })
}

async fn timed_client(url: &str) -> orm_runtime::Result<Client> {
    ClientOptions::new(url)
        .statement_timeout(TIMEOUT)
        .max_connections(1)
        .connect()
        .await
}

backend_test_with_url!(
    a_statement_past_the_timeout_is_stopped_by_the_server,
    schema(),
    |url: String, observer: Client| async move {
        let db = timed_client(&url).await?;
        let started = Instant::now();
        let err = ten_seconds(db.backend())
            .execute(&db)
            .await
            .expect_err("a ten-second statement cannot finish within the timeout");
        let elapsed = started.elapsed();
        assert!(matches!(err, Error::Timeout(_)), "{err:?}");
        assert_eq!(err.kind(), "timeout");
        assert!(
            !err.is_retryable(),
            "the same statement would time out again"
        );
        assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
        assert_eq!(still_running(&observer).await?, 0);

        // The one connection is reusable at once, for statements and transactions alike.
        let started = Instant::now();
        let one = orm_runtime::sql!("SELECT 'one'")
            .fetch_one::<(String,), _>(&db)
            .await?;
        assert_eq!(one.0, "one");
        assert!(started.elapsed() < Duration::from_secs(1));
        db.transaction(|tx| async move {
            Note::create(NewNote {
                id: 1,
                body: "kept".into(),
            })
            .exec(&tx)
            .await
        })
        .await?;
        assert_eq!(Note::count().exec(&observer).await?, 1);
        Ok(())
    }
);

backend_test_with_url!(
    a_statement_under_the_timeout_runs_normally,
    schema(),
    |url: String, _db: Client| async move {
        let db = timed_client(&url).await?;
        let short = match db.backend() {
            Backend::Postgres => orm_runtime::sql!("SELECT pg_sleep(0.05)"),
            Backend::MySql => orm_runtime::sql!("SELECT SLEEP(0.05)"),
            Backend::Sqlite => orm_runtime::sql!(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) SELECT count(*) FROM c"
            ),
        };
        // Many statements in a row: none inherits an earlier statement's deadline.
        for _ in 0..5 {
            short.clone().execute(&db).await?;
            tokio::time::sleep(Duration::from_millis(60)).await;
        }
        for id in 1..=20 {
            Note::create(NewNote {
                id,
                body: format!("note {id}"),
            })
            .exec(&db)
            .await?;
        }
        assert_eq!(Note::count().exec(&db).await?, 20);
        Ok(())
    }
);

backend_test_with_url!(
    a_timeout_inside_a_transaction_commits_nothing,
    schema(),
    |url: String, observer: Client| async move {
        let db = timed_client(&url).await?;
        let tx = db.begin().await?;
        Note::create(NewNote {
            id: 1,
            body: "written before the timeout".into(),
        })
        .exec(&tx)
        .await?;
        let err = ten_seconds(db.backend())
            .execute(&tx)
            .await
            .expect_err("the statement times out");
        assert!(matches!(err, Error::Timeout(_)), "{err:?}");
        let commit = tx.commit().await;
        assert!(
            matches!(commit, Err(Error::TransactionAborted { .. })),
            "{commit:?}"
        );
        assert_eq!(Note::count().exec(&observer).await?, 0);
        assert_eq!(still_running(&observer).await?, 0);
        // The connection went back to the pool clean.
        assert_eq!(Note::count().exec(&db).await?, 0);
        Ok(())
    }
);

backend_test_with_url!(
    without_a_timeout_statements_are_not_limited,
    schema(),
    |_url: String, db: Client| async move {
        let half_second = match db.backend() {
            Backend::Postgres => orm_runtime::sql!("SELECT pg_sleep(0.3)"),
            Backend::MySql => orm_runtime::sql!("SELECT SLEEP(0.3)"),
            Backend::Sqlite => orm_runtime::sql!(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) FROM c"
            ),
        };
        half_second.execute(&db).await?;
        Ok(())
    }
);

/// A statement the server works on for nine seconds: its text is its own, so the other tests'
/// `still_running` does not count it while the server (MySQL) runs it to its end.
#[cfg(any(orm_postgres, orm_mysql))]
fn nine_seconds(backend: Backend) -> orm_runtime::RawSql {
    match backend {
        Backend::Postgres => orm_runtime::sql!("SELECT pg_sleep(9)"),
        Backend::MySql => orm_runtime::sql!("SELECT SLEEP(9)"),
        Backend::Sqlite => unreachable!("SQLite runs its statements in the client's process"),
    }
}

#[cfg(any(orm_postgres, orm_mysql))]
async fn a_dropped_statement_does_not_hold_its_connection(url: String) -> orm_runtime::Result<()> {
    let observer = Client::connect(&url).await?;
    // No statement timeout: the caller gives up by dropping the future.
    let db = ClientOptions::new(&url)
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(20))
        .connect()
        .await?;
    let backend = db.backend();
    let gave_up = tokio::time::timeout(TIMEOUT, nine_seconds(backend).execute(&db)).await;
    assert!(gave_up.is_err(), "the statement cannot finish in 200 ms");
    // The pool's one connection was closed, not handed back busy: the next statement runs at
    // once on a fresh connection instead of waiting for the abandoned one to finish.
    let started = Instant::now();
    let one = orm_runtime::sql!("SELECT 'one'")
        .fetch_one::<(String,), _>(&db)
        .await?;
    assert_eq!(one.0, "one");
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(3), "waited {waited:?}");
    if backend == Backend::Postgres {
        // The server noticed its client had gone and stopped the statement, seconds before it
        // would have ended.
        let deadline = Instant::now() + Duration::from_secs(4);
        loop {
            let (n,): (i64,) = orm_runtime::sql!(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' \
                 AND query LIKE '%pg\\_sleep(9)%' AND pid <> pg_backend_pid()"
            )
            .fetch_one(&observer)
            .await?;
            if n == 0 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the abandoned statement still runs"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    Ok(())
}

#[cfg(orm_postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_statement_does_not_hold_its_connection_postgres() {
    orm_tests::run_with_url(orm_tests::TestBackend::Postgres, schema(), |url, _| {
        a_dropped_statement_does_not_hold_its_connection(url)
    })
    .await;
}

#[cfg(orm_mysql)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_statement_does_not_hold_its_connection_mysql() {
    orm_tests::run_with_url(orm_tests::TestBackend::MySql, schema(), |url, _| {
        a_dropped_statement_does_not_hold_its_connection(url)
    })
    .await;
}

#[cfg(any(orm_postgres, orm_mysql))]
/// A TCP relay to the database server that can stop delivering the server's answers: a network
/// that went silent.
struct Relay {
    port: u16,
    silent: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

#[cfg(any(orm_postgres, orm_mysql))]
impl Relay {
    async fn to(server: &str) -> Relay {
        use std::sync::atomic::Ordering;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let silent = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let server = server.to_owned();
        let quiet = silent.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(upstream) = tokio::net::TcpStream::connect(&server).await else {
                    continue;
                };
                let (mut from_client, mut to_client) = client.into_split();
                let (mut from_server, mut to_server) = upstream.into_split();
                tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut from_client, &mut to_server).await;
                });
                let quiet = quiet.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 16 << 10];
                    loop {
                        let Ok(n) = from_server.read(&mut buf).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        // While silent, what the server says is held back, never delivered.
                        while quiet.load(Ordering::SeqCst) {
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                        if to_client.write_all(&buf[..n]).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Relay { port, silent }
    }
}

/// When the server's answer never arrives, the client gives up after the timeout's grace period
/// with `Error::Timeout` (no server error as source), closes that connection, and the next
/// statement runs on a new one.
#[cfg(any(orm_postgres, orm_mysql))]
async fn a_silent_network_times_out_on_the_client(url: String) -> orm_runtime::Result<()> {
    use std::sync::atomic::Ordering;
    let (scheme, rest) = url.split_once("://").unwrap();
    let (auth, rest) = rest.split_once('@').unwrap();
    let (server, path) = rest.split_once('/').unwrap();
    let relay = Relay::to(server).await;
    let relayed = format!("{scheme}://{auth}@127.0.0.1:{}/{path}", relay.port);
    let db = timed_client(&relayed).await?;
    assert_eq!(
        orm_runtime::sql!("SELECT 'one'")
            .fetch_one::<(String,), _>(&db)
            .await?
            .0,
        "one"
    );
    // (The pool checks the connection as it takes it back: let that round trip finish first.)
    tokio::time::sleep(Duration::from_millis(200)).await;
    relay.silent.store(true, Ordering::SeqCst);
    let started = Instant::now();
    let err = orm_runtime::sql!("SELECT 'two'")
        .fetch_one::<(String,), _>(&db)
        .await
        .expect_err("the answer never arrives");
    let elapsed = started.elapsed();
    assert!(matches!(err, Error::Timeout(None)), "{err:?}");
    // The grace period is a second past the 200 ms timeout.
    assert!(elapsed >= Duration::from_millis(1200), "took {elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    relay.silent.store(false, Ordering::SeqCst);
    assert_eq!(
        orm_runtime::sql!("SELECT 'three'")
            .fetch_one::<(String,), _>(&db)
            .await?
            .0,
        "three"
    );
    Ok(())
}

#[cfg(orm_postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_network_times_out_on_the_client_postgres() {
    orm_tests::run_with_url(orm_tests::TestBackend::Postgres, schema(), |url, _| {
        a_silent_network_times_out_on_the_client(url)
    })
    .await;
}

#[cfg(orm_mysql)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_network_times_out_on_the_client_mysql() {
    orm_tests::run_with_url(orm_tests::TestBackend::MySql, schema(), |url, _| {
        a_silent_network_times_out_on_the_client(url)
    })
    .await;
}

async fn transaction_timed_client(url: &str) -> orm_runtime::Result<Client> {
    ClientOptions::new(url)
        .transaction_timeout(Duration::from_millis(300))
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .connect()
        .await
}

fn aborted_by_timeout(r: &orm_runtime::Result<impl std::fmt::Debug>) -> bool {
    matches!(r, Err(Error::TransactionAborted { reason }) if reason.contains("300 ms timeout"))
}

backend_test_with_url!(
    a_transaction_past_its_timeout_is_rolled_back_and_cannot_commit,
    schema(),
    |url: String, observer: Client| async move {
        let db = transaction_timed_client(&url).await?;
        let tx = db.begin().await?;
        Note::create(NewNote {
            id: 1,
            body: "inside".into(),
        })
        .exec(&tx)
        .await?;
        // The code holding the transaction is busy elsewhere past the timeout.
        tokio::time::sleep(Duration::from_millis(600)).await;
        // Rolled back already: its one connection is back in the pool, so the client works
        // while the expired handle is still alive.
        assert_eq!(Note::count().exec(&db).await?, 0);
        assert_eq!(Note::count().exec(&observer).await?, 0);
        let late = Note::create(NewNote {
            id: 2,
            body: "too late".into(),
        })
        .exec(&tx)
        .await;
        assert!(aborted_by_timeout(&late), "{late:?}");
        let commit = tx.commit().await;
        assert!(aborted_by_timeout(&commit), "{commit:?}");
        assert_eq!(Note::count().exec(&observer).await?, 0);
        Ok(())
    }
);

backend_test_with_url!(
    a_transaction_closure_past_its_timeout_returns_the_abort,
    schema(),
    |url: String, observer: Client| async move {
        let db = transaction_timed_client(&url).await?;
        let r = db
            .transaction(|tx| async move {
                Note::create(NewNote {
                    id: 1,
                    body: "inside".into(),
                })
                .exec(&tx)
                .await?;
                tokio::time::sleep(Duration::from_millis(600)).await;
                Ok::<_, Error>("done")
            })
            .await;
        assert!(aborted_by_timeout(&r), "{r:?}");
        assert_eq!(Note::count().exec(&observer).await?, 0);

        // A savepoint cannot undo the expiry.
        let tx = db.begin().await?;
        let sp = tx.begin().await?;
        tokio::time::sleep(Duration::from_millis(600)).await;
        let _ = sp.rollback().await;
        let commit = tx.commit().await;
        assert!(aborted_by_timeout(&commit), "{commit:?}");
        Ok(())
    }
);

backend_test_with_url!(
    a_transaction_within_its_timeout_commits,
    schema(),
    |url: String, observer: Client| async move {
        let db = transaction_timed_client(&url).await?;
        for id in 1..=3 {
            db.transaction(|tx| async move {
                Note::create(NewNote {
                    id,
                    body: "inside".into(),
                })
                .exec(&tx)
                .await?;
                tokio::time::sleep(Duration::from_millis(50)).await;
                Ok::<_, Error>(())
            })
            .await?;
        }
        // Well after the first transactions' timeouts would have run out, nothing is undone.
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(Note::count().exec(&observer).await?, 3);
        Ok(())
    }
);

/// A statement the server works on for about half a second.
fn half_second(backend: Backend) -> orm_runtime::RawSql {
    match backend {
        Backend::Postgres => orm_runtime::sql!("SELECT pg_sleep(0.5)"),
        Backend::MySql => orm_runtime::sql!("SELECT SLEEP(0.5)"),
        Backend::Sqlite => orm_runtime::sql!(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 4000000) SELECT count(*) FROM c"
        ),
    }
}

backend_test_with_url!(
    a_scope_lifts_or_tightens_the_statement_timeout,
    schema(),
    |url: String, _db: Client| async move {
        let db = timed_client(&url).await?;
        let backend = db.backend();
        // Past the client's 200 ms.
        let err = half_second(backend)
            .execute(&db)
            .await
            .expect_err("over 200 ms");
        assert!(matches!(err, Error::Timeout(_)), "{err:?}");
        // A longer limit for these statements, and none at all.
        orm_runtime::with_statement_timeout(
            Duration::from_secs(5),
            half_second(backend).execute(&db),
        )
        .await?;
        orm_runtime::with_statement_timeout(None, half_second(backend).execute(&db)).await?;
        // The session's own timeout is back for the next statement on the same connection.
        let err = half_second(backend)
            .execute(&db)
            .await
            .expect_err("over 200 ms again");
        assert!(matches!(err, Error::Timeout(_)), "{err:?}");
        // Model operations in a scope, nested scopes: the innermost wins.
        let n = orm_runtime::with_statement_timeout(Duration::from_secs(5), async {
            Note::create(NewNote {
                id: 1,
                body: "scoped".into(),
            })
            .exec(&db)
            .await?;
            orm_runtime::with_statement_timeout(
                Duration::from_millis(100),
                half_second(backend).execute(&db),
            )
            .await
            .expect_err("the inner scope's 100 ms");
            Note::count().exec(&db).await
        })
        .await?;
        assert_eq!(n, 1);
        Ok(())
    }
);

backend_test_with_url!(
    a_scope_limits_a_client_without_a_timeout,
    schema(),
    |url: String, observer: Client| async move {
        let db = ClientOptions::new(&url)
            .max_connections(1)
            .connect()
            .await?;
        let backend = db.backend();
        let started = Instant::now();
        let err = orm_runtime::with_statement_timeout(TIMEOUT, ten_seconds(backend).execute(&db))
            .await
            .expect_err("ten seconds in a 200 ms scope");
        assert!(matches!(err, Error::Timeout(_)), "{err:?}");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(still_running(&observer).await?, 0);
        // Outside the scope the connection has no limit again.
        half_second(backend).execute(&db).await?;

        // In a transaction: a scoped statement, then an unscoped one past the scope's limit.
        let tx = db.begin().await?;
        orm_runtime::with_statement_timeout(TIMEOUT, Note::count().exec(&tx)).await?;
        half_second(backend).execute(&tx).await?;
        Note::create(NewNote {
            id: 1,
            body: "kept".into(),
        })
        .exec(&tx)
        .await?;
        tx.commit().await?;
        // A scoped timeout inside a transaction aborts it, and its setting goes with it.
        let tx = db.begin().await?;
        Note::create(NewNote {
            id: 2,
            body: "rolled back".into(),
        })
        .exec(&tx)
        .await?;
        let err = orm_runtime::with_statement_timeout(TIMEOUT, ten_seconds(backend).execute(&tx))
            .await
            .expect_err("times out");
        assert!(matches!(err, Error::Timeout(_)), "{err:?}");
        assert!(matches!(
            tx.commit().await,
            Err(Error::TransactionAborted { .. })
        ));
        half_second(backend).execute(&db).await?;
        assert_eq!(Note::count().exec(&observer).await?, 1);
        Ok(())
    }
);

backend_test_with_url!(
    a_scoped_statement_dropped_midway_leaves_no_setting_behind,
    schema(),
    |url: String, _db: Client| async move {
        let db = timed_client(&url).await?;
        let backend = db.backend();
        let dropped = tokio::time::timeout(
            Duration::from_millis(50),
            orm_runtime::with_statement_timeout(
                Duration::from_secs(5),
                half_second(backend).execute(&db),
            ),
        )
        .await;
        assert!(dropped.is_err(), "the statement cannot be done in 50 ms");
        // The next statement has the client's 200 ms, not the dropped scope's 5 s.
        let err = half_second(backend)
            .execute(&db)
            .await
            .expect_err("over 200 ms");
        assert!(matches!(err, Error::Timeout(_)), "{err:?}");
        Ok(())
    }
);
