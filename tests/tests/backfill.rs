//! Batched backfills (`migrate::Backfill`): key-ordered batches, one transaction each, a recorded
//! position — a run that fails half-way keeps what committed and the next run continues after it,
//! touching every row exactly once; a finished backfill does nothing; `reset` starts over.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use orm_runtime::migrate::{Backfill, StepFuture};
use orm_runtime::prelude::*;
use orm_tests::backend_test;

/// A row to backfill.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "bf_items")]
pub struct Item {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// How many times the backfill touched it.
    pub touched: i64,
    /// Whether it needs the backfill.
    pub legacy: bool,
}

fn schema() -> Schema {
    Schema::new().model::<Item>()
}

const ROWS: i64 = 2_500;

/// Touches a batch; fails (after its writes, which must roll back) when `fail_at` batches ran.
fn touch(
    seen: Arc<AtomicU64>,
    fail_at: Option<u64>,
) -> impl for<'a> FnMut(&'a Transaction, Vec<Item>) -> StepFuture<'a> + Send {
    let batches = Arc::new(AtomicU64::new(0));
    move |tx, items| {
        let seen = seen.clone();
        let batches = batches.clone();
        Box::pin(async move {
            let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
            Item::update_many()
                .filter(Item::ID.in_(ids))
                .increment(Item::TOUCHED, 1)
                .exec(tx)
                .await?;
            if Some(batches.fetch_add(1, Ordering::SeqCst) + 1) == fail_at {
                return Err(Error::InvalidQuery("stopped on purpose".into()));
            }
            seen.fetch_add(items.len() as u64, Ordering::SeqCst);
            Ok(())
        })
    }
}

backend_test!(
    a_backfill_resumes_where_it_stopped_and_touches_each_row_once,
    schema(),
    |db: Client| async move {
        Item::create_many((1..=ROWS).map(|id| NewItem {
            id,
            touched: 0,
            legacy: id % 10 != 0,
        }))
        .exec(&db)
        .await?;
        let legacy = (1..=ROWS).filter(|id| id % 10 != 0).count() as u64;
        let backfill = Backfill::new("touch_legacy_items").batch_size(1_000);

        // The second batch fails: the first stays committed, the second rolls back.
        let seen = Arc::new(AtomicU64::new(0));
        let err = backfill
            .run(&db, Item::LEGACY.eq(true), touch(seen.clone(), Some(2)))
            .await
            .expect_err("stops at the second batch");
        assert!(err.to_string().contains("on purpose"), "{err}");
        assert_eq!(seen.load(Ordering::SeqCst), 1_000);
        assert_eq!(
            Item::count().filter(Item::TOUCHED.eq(1)).exec(&db).await?,
            1_000
        );

        // The next run starts after the first batch.
        let seen = Arc::new(AtomicU64::new(0));
        let report = backfill
            .run(&db, Item::LEGACY.eq(true), touch(seen.clone(), None))
            .await?;
        assert!(report.resumed && !report.already_done, "{report:?}");
        assert_eq!(report.rows_before, 1_000);
        assert_eq!(report.rows, legacy - 1_000);
        assert_eq!(report.batches, 2);
        // Every legacy row exactly once, nothing else.
        assert_eq!(
            Item::count().filter(Item::TOUCHED.eq(1)).exec(&db).await?,
            legacy as i64
        );
        assert_eq!(
            Item::count().filter(Item::TOUCHED.gt(1)).exec(&db).await?,
            0
        );
        assert_eq!(
            Item::count()
                .filter(Item::LEGACY.eq(false) & Item::TOUCHED.ne(0))
                .exec(&db)
                .await?,
            0
        );

        // Finished: a third run does nothing.
        let seen = Arc::new(AtomicU64::new(0));
        let again = backfill
            .run(&db, Item::LEGACY.eq(true), touch(seen.clone(), None))
            .await?;
        assert!(again.already_done && again.rows == 0, "{again:?}");
        assert_eq!(seen.load(Ordering::SeqCst), 0);

        // Reset: it starts over (a backfill that does not change its filter's rows runs again).
        backfill.reset(&db).await?;
        let report = backfill
            .run(&db, Item::LEGACY.eq(true), touch(seen.clone(), None))
            .await?;
        assert_eq!(report.rows, legacy);
        assert_eq!(
            Item::count().filter(Item::TOUCHED.eq(2)).exec(&db).await?,
            legacy as i64
        );

        // An empty backfill finishes at once.
        let none = Backfill::new("nothing")
            .run(
                &db,
                Item::ID.lt(0),
                touch(Arc::new(AtomicU64::new(0)), None),
            )
            .await?;
        assert_eq!((none.rows, none.batches), (0, 0));
        assert!(
            Backfill::new("nothing")
                .run(
                    &db,
                    Item::ID.lt(0),
                    touch(Arc::new(AtomicU64::new(0)), None)
                )
                .await?
                .already_done
        );
        Ok(())
    }
);
