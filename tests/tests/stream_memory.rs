//! Streaming a million rows in constant memory, on every configured backend.
//!
//! One test in its own binary, the backends one after another, so that the allocator's peak is
//! this test's alone.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use orm_runtime::prelude::*;
use orm_runtime::sql::Backend;
use orm_tests::isolation::{IsolatedDb, configured_backends};

/// Counts the bytes allocated now and the most allocated at once since the last reset.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A row of about 130 bytes in Rust.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "events")]
pub struct Event {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// A kind.
    pub kind: String,
    /// A payload of 100 bytes.
    #[orm(db_type = "TEXT")]
    pub payload: String,
}

const ROWS: i64 = 1_000_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_rows_stream_in_constant_memory() {
    for backend in configured_backends() {
        let isolated = IsolatedDb::create(backend).await;
        let db = Client::connect(&isolated.url).await.expect("connect");
        Schema::new()
            .model::<Event>()
            .push(&db)
            .await
            .expect("push");
        let fill = match db.backend() {
            Backend::Postgres => sql!(
                "INSERT INTO events (id, kind, payload) SELECT g, 'k', repeat('x', 100) FROM generate_series(1, {ROWS}) g"
            ),
            Backend::MySql => sql!(
                "INSERT INTO events (id, kind, payload) SELECT seq, 'k', REPEAT('x', 100) FROM seq_1_to_1000000"
            ),
            Backend::Sqlite => sql!(
                "INSERT INTO events (id, kind, payload) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {ROWS}) SELECT x, 'k', printf('%.100c', 'x') FROM c"
            ),
        };
        assert_eq!(fill.execute(&db).await.expect("fill"), ROWS as u64);

        let before = CURRENT.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let mut rows = Event::find_many().order_by(Event::ID.asc()).stream(&db);
        let mut n = 0i64;
        while let Some(e) = rows.try_next().await.expect("row") {
            n += 1;
            assert_eq!(e.id, n, "{backend:?}: rows in order, none skipped");
            assert_eq!(e.payload.len(), 100);
        }
        drop(rows);
        let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
        assert_eq!(n, ROWS, "{backend:?}");
        // Collected, the rows alone would take ~130 MB; the stream buffers a few hundred.
        eprintln!(
            "{backend:?}: streamed {n} rows, peak memory above the start {:.1} MiB",
            peak as f64 / (1024.0 * 1024.0)
        );
        assert!(
            peak < 32 * 1024 * 1024,
            "{backend:?}: peak {peak} bytes while streaming"
        );
        db.close().await;
        isolated.cleanup().await;
    }
}
