//! Row locks: `for_update()` / `for_share()` with `skip_locked()` / `nowait()` on PostgreSQL and
//! MySQL/MariaDB, tested with concurrent transactions; SQLite (which locks the whole database) and
//! locking reads outside a transaction refuse them with `Error::InvalidQuery`.

use std::time::Duration;

use orm_runtime::prelude::*;
use orm_runtime::sql::Backend;
use orm_tests::backend_test;
use tokio::sync::oneshot;

/// A job of a work queue.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "jobs")]
pub struct Job {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Processed.
    pub done: bool,
    /// The worker that processed it.
    pub worker: Option<i32>,
    /// How many times it was processed.
    pub runs: i32,
}

fn schema() -> Schema {
    Schema::new().model::<Job>()
}

const JOBS: i64 = 200;
const WORKERS: i32 = 8;

async fn seed(db: &Client, n: i64) -> orm_runtime::Result<()> {
    Job::create_many((1..=n).map(|id| NewJob {
        id,
        done: false,
        worker: None,
        runs: 0,
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// SQLite has no row locks: every locking read is refused, before anything is sent.
async fn sqlite_refuses(db: &Client) -> orm_runtime::Result<()> {
    let sent = db.statements_sent();
    let r = db
        .transaction(|tx| async move {
            Job::find_many()
                .for_update()
                .skip_locked()
                .exec(&tx)
                .await
                .map(|_| ())
        })
        .await;
    assert!(
        matches!(&r, Err(Error::InvalidQuery(m)) if m.contains("no row locks")),
        "{r:?}"
    );
    // BEGIN and ROLLBACK only.
    assert!(db.statements_sent() - sent <= 2);
    Ok(())
}

backend_test!(
    workers_claim_each_job_exactly_once_with_skip_locked,
    schema(),
    |db: Client| async move {
        if db.backend() == Backend::Sqlite {
            return sqlite_refuses(&db).await;
        }
        seed(&db, JOBS).await?;
        let mut workers = Vec::new();
        for w in 0..WORKERS {
            let db = db.clone();
            workers.push(tokio::spawn(async move {
                let mut claimed = 0usize;
                loop {
                    let n = db
                        .transaction(|tx| async move {
                            let jobs = Job::find_many()
                                .filter(Job::DONE.eq(false))
                                .order_by(Job::ID.asc())
                                .take(5)
                                .for_update()
                                .skip_locked()
                                .exec(&tx)
                                .await?;
                            for j in &jobs {
                                Job::update(Job::ID.eq(j.id))
                                    .set(Job::DONE, true)
                                    .set(Job::WORKER, Some(w))
                                    .increment(Job::RUNS, 1)
                                    .exec(&tx)
                                    .await?;
                            }
                            // Hold the locks a moment, so that the other workers must skip them.
                            tokio::time::sleep(Duration::from_millis(3)).await;
                            Ok::<_, Error>(jobs.len())
                        })
                        .await?;
                    if n == 0 {
                        return Ok::<usize, Error>(claimed);
                    }
                    claimed += n;
                }
            }));
        }
        let mut total = 0;
        let mut busy = 0;
        for w in workers {
            let claimed = w.await.expect("worker panicked")?;
            total += claimed;
            busy += usize::from(claimed > 0);
        }
        assert_eq!(total as i64, JOBS, "jobs claimed, all workers together");
        let jobs = Job::find_many().exec(&db).await?;
        assert_eq!(jobs.len() as i64, JOBS);
        let twice: Vec<i64> = jobs.iter().filter(|j| j.runs != 1).map(|j| j.id).collect();
        assert!(
            twice.is_empty(),
            "jobs not processed exactly once: {twice:?}"
        );
        assert!(jobs.iter().all(|j| j.done && j.worker.is_some()));
        assert!(
            busy > 1,
            "the queue was shared ({busy} worker(s) claimed jobs)"
        );
        Ok(())
    }
);

backend_test!(
    nowait_fails_at_once_on_a_held_row_and_a_savepoint_recovers,
    schema(),
    |db: Client| async move {
        if db.backend() == Backend::Sqlite {
            return sqlite_refuses(&db).await;
        }
        seed(&db, 2).await?;
        let (locked_tx, locked_rx) = oneshot::channel::<()>();
        let (release_tx, release_rx) = oneshot::channel::<()>();
        let holder = {
            let db = db.clone();
            tokio::spawn(async move {
                db.transaction(|tx| async move {
                    let job = Job::find_unique(Job::ID.eq(1))
                        .for_update()
                        .exec(&tx)
                        .await?;
                    assert!(job.is_some());
                    locked_tx.send(()).unwrap();
                    release_rx.await.unwrap();
                    Job::update(Job::ID.eq(1))
                        .set(Job::DONE, true)
                        .exec(&tx)
                        .await?;
                    Ok::<_, Error>(())
                })
                .await
            })
        };
        locked_rx.await.unwrap();
        let outcome = db
            .transaction(|tx| async move {
                // The held row: refused at once, inside a savepoint the transaction survives.
                let held = tx
                    .transaction(|sp| async move {
                        Job::find_unique(Job::ID.eq(1))
                            .for_update()
                            .nowait()
                            .exec(&sp)
                            .await
                    })
                    .await;
                assert!(matches!(held, Err(Error::LockTimeout(_))), "{held:?}");
                // A free row locks fine, and the transaction carries on.
                let free = Job::find_unique(Job::ID.eq(2))
                    .for_update()
                    .nowait()
                    .exec(&tx)
                    .await?;
                assert_eq!(free.map(|j| j.id), Some(2));
                // skip_locked leaves the held row out.
                let open = Job::find_many()
                    .order_by(Job::ID.asc())
                    .for_update()
                    .skip_locked()
                    .exec(&tx)
                    .await?;
                assert_eq!(open.iter().map(|j| j.id).collect::<Vec<_>>(), [2]);
                Job::update(Job::ID.eq(2))
                    .set(Job::RUNS, 7)
                    .exec(&tx)
                    .await?;
                Ok::<_, Error>(())
            })
            .await;
        release_tx.send(()).unwrap();
        holder.await.expect("holder panicked")?;
        outcome?;
        let jobs = Job::find_many().order_by(Job::ID.asc()).exec(&db).await?;
        assert!(jobs[0].done, "the holder's write committed");
        assert_eq!(jobs[1].runs, 7, "the other transaction's write committed");
        // Without a savepoint the failure aborts the transaction, as any failed statement does.
        let (locked_tx, locked_rx) = oneshot::channel::<()>();
        let (release_tx, release_rx) = oneshot::channel::<()>();
        let holder = {
            let db = db.clone();
            tokio::spawn(async move {
                db.transaction(|tx| async move {
                    Job::find_unique(Job::ID.eq(1))
                        .for_update()
                        .exec(&tx)
                        .await?;
                    locked_tx.send(()).unwrap();
                    release_rx.await.unwrap();
                    Ok::<_, Error>(())
                })
                .await
            })
        };
        locked_rx.await.unwrap();
        let aborted = db
            .transaction(|tx| async move {
                let held = Job::find_unique(Job::ID.eq(1))
                    .for_update()
                    .nowait()
                    .exec(&tx)
                    .await;
                assert!(matches!(held, Err(Error::LockTimeout(_))), "{held:?}");
                Job::update(Job::ID.eq(2))
                    .set(Job::RUNS, 8)
                    .exec(&tx)
                    .await?;
                Ok::<_, Error>(())
            })
            .await;
        release_tx.send(()).unwrap();
        holder.await.expect("holder panicked")?;
        assert!(
            matches!(aborted, Err(Error::TransactionAborted { .. })),
            "{aborted:?}"
        );
        let job = Job::find_unique(Job::ID.eq(2)).exec(&db).await?.unwrap();
        assert_eq!(job.runs, 7, "nothing of the aborted transaction persisted");
        Ok(())
    }
);

backend_test!(
    shared_locks_share_and_exclude_writers,
    schema(),
    |db: Client| async move {
        if db.backend() == Backend::Sqlite {
            return sqlite_refuses(&db).await;
        }
        seed(&db, 1).await?;
        let (locked_tx, locked_rx) = oneshot::channel::<()>();
        let (release_tx, release_rx) = oneshot::channel::<()>();
        let holder = {
            let db = db.clone();
            tokio::spawn(async move {
                db.transaction(|tx| async move {
                    Job::find_unique(Job::ID.eq(1))
                        .for_share()
                        .exec(&tx)
                        .await?;
                    locked_tx.send(()).unwrap();
                    release_rx.await.unwrap();
                    Ok::<_, Error>(())
                })
                .await
            })
        };
        locked_rx.await.unwrap();
        let outcome = db
            .transaction(|tx| async move {
                // A second shared lock is granted at once ...
                let shared = Job::find_unique(Job::ID.eq(1))
                    .for_share()
                    .nowait()
                    .exec(&tx)
                    .await?;
                assert!(shared.is_some());
                Ok::<_, Error>(())
            })
            .await;
        outcome?;
        let exclusive = db
            .transaction(|tx| async move {
                // ... an exclusive one is not.
                Job::find_unique(Job::ID.eq(1))
                    .for_update()
                    .nowait()
                    .exec(&tx)
                    .await
            })
            .await;
        release_tx.send(()).unwrap();
        holder.await.expect("holder panicked")?;
        assert!(
            matches!(exclusive, Err(Error::LockTimeout(_))),
            "{exclusive:?}"
        );
        Ok(())
    }
);

backend_test!(
    locking_reads_outside_a_transaction_are_refused,
    schema(),
    |db: Client| async move {
        seed(&db, 1).await?;
        let sent = db.statements_sent();
        let r = Job::find_many().for_update().exec(&db).await;
        assert!(
            matches!(&r, Err(Error::InvalidQuery(m)) if m.contains("outside a transaction")),
            "{r:?}"
        );
        let r = Job::find_unique(Job::ID.eq(1)).for_share().exec(&db).await;
        assert!(matches!(r, Err(Error::InvalidQuery(_))), "{r:?}");
        // A count takes no locks: refused rather than silently unlocked.
        let r = db
            .transaction(
                |tx| async move { Job::find_many().for_update().nowait().count(&tx).await },
            )
            .await;
        assert!(
            matches!(&r, Err(Error::InvalidQuery(m)) if m.contains("takes no row locks")),
            "{r:?}"
        );
        let r = db
            .transaction(
                |tx| async move { Job::find_many().skip_locked().exec(&tx).await.map(|_| ()) },
            )
            .await;
        assert!(
            matches!(&r, Err(Error::InvalidQuery(m)) if m.contains("without `for_update()`")),
            "{r:?}"
        );
        assert!(
            db.statements_sent() - sent <= 4,
            "nothing but BEGIN/ROLLBACK was sent"
        );
        Ok(())
    }
);
