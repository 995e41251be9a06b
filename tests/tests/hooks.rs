//! Operation hooks: a hook sees exactly the operations a client runs — model, kind, transaction,
//! the statements each sent with their row counts, the error — and can refuse one before anything
//! is sent. Nested operations are part of the outer one. Spans carry OpenTelemetry's database
//! attributes (`spans.rs` in this file's second half).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use orm_runtime::hooks::{Hook, Operation, OperationKind, OperationReport, StatementReport};
use orm_runtime::prelude::*;
use orm_runtime::sql::Backend;
use orm_tests::backend_test_with_url;

/// An author.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "authors")]
pub struct Author {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Unique name.
    #[orm(unique)]
    pub name: String,
    /// Books.
    #[orm(has_many)]
    pub books: HasMany<Book>,
}

/// A book.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "books")]
pub struct Book {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Its author.
    pub author_id: i64,
    /// Title.
    pub title: String,
    /// The author.
    #[orm(belongs_to(fk = author_id))]
    pub author: BelongsTo<Author>,
}

fn schema() -> Schema {
    Schema::new().model::<Author>().model::<Book>()
}

/// What the recording hook keeps of one report.
#[derive(Debug, Clone)]
struct Seen {
    operation: Operation,
    statements: Vec<StatementReport>,
    rows: u64,
    error: Option<&'static str>,
    cancelled: bool,
}

/// Records every report; refuses writes while `read_only` is set.
#[derive(Default, Clone)]
struct Recorder {
    seen: Arc<Mutex<Vec<Seen>>>,
    before: Arc<Mutex<Vec<Operation>>>,
    read_only: Arc<std::sync::atomic::AtomicBool>,
}

impl Hook for Recorder {
    fn before(&self, op: &Operation) -> orm_runtime::Result<()> {
        self.before.lock().unwrap().push(*op);
        if op.kind.is_write() && self.read_only.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(Error::rejected(op, "read-only mode"));
        }
        Ok(())
    }

    fn after(&self, report: &OperationReport<'_>) {
        self.seen.lock().unwrap().push(Seen {
            operation: report.operation,
            statements: report.statements.to_vec(),
            rows: report.rows(),
            error: report.error.map(Error::kind),
            cancelled: report.cancelled,
        });
    }
}

impl Recorder {
    fn take(&self) -> Vec<Seen> {
        self.before.lock().unwrap().clear();
        std::mem::take(&mut *self.seen.lock().unwrap())
    }
}

async fn hooked(url: &str) -> orm_runtime::Result<(Client, Recorder)> {
    let rec = Recorder::default();
    let db = ClientOptions::new(url).hook(rec.clone()).connect().await?;
    Ok((db, rec))
}

fn kinds(seen: &[Seen]) -> Vec<(Option<&'static str>, OperationKind)> {
    seen.iter()
        .map(|s| (s.operation.model, s.operation.kind))
        .collect()
}

backend_test_with_url!(
    hooks_see_each_operation_with_its_statements,
    schema(),
    |url: String, _db: Client| async move {
        let (db, rec) = hooked(&url).await?;

        // A create with a nested create_many: one operation, its statements all reported.
        let sent = db.statements_sent();
        Author::create(NewAuthor {
            id: 1,
            name: "Ada".into(),
        })
        .with(Author::BOOKS.create_many((1..=3).map(|id| NewBook {
            id,
            title: format!("book {id}"),
            ..Default::default()
        })))
        .exec(&db)
        .await?;
        let create_sent = db.statements_sent() - sent;
        let seen = rec.take();
        assert_eq!(kinds(&seen), [(Some("Author"), OperationKind::Create)]);
        assert_eq!(seen[0].operation.table, Some("authors"));
        assert!(!seen[0].operation.in_transaction);
        // The two inserts; transaction control (BEGIN, savepoints, COMMIT) is not reported.
        let st = &seen[0].statements;
        assert_eq!(st.len(), 2, "{st:#?}");
        assert!(st[0].sql.starts_with("INSERT INTO") && st[0].sql.contains("authors"));
        assert!(st[1].sql.starts_with("INSERT INTO") && st[1].sql.contains("books"));
        assert_eq!(st.iter().map(|s| s.rows).collect::<Vec<_>>(), [1, 3]);
        assert!(create_sent > 2);
        assert!(seen[0].statements.iter().all(|s| !s.failed));
        assert!(seen[0].error.is_none());

        // A read with an include (Query strategy: rows, then the books): one report, two
        // statements, their rows.
        let authors = Author::find_many()
            .include(Author::BOOKS)
            .strategy(Strategy::Query)
            .exec(&db)
            .await?;
        assert_eq!(authors[0].books.iter().count(), 3);
        let seen = rec.take();
        assert_eq!(kinds(&seen), [(Some("Author"), OperationKind::FindMany)]);
        assert_eq!(seen[0].statements.len(), 2);
        assert_eq!(
            seen[0]
                .statements
                .iter()
                .map(|s| s.rows)
                .collect::<Vec<_>>(),
            [1, 3]
        );
        assert_eq!(seen[0].rows, 4);
        assert!(seen[0].statements[1].sql.contains("books"));

        // Operations built on others are reported once, under their own kind.
        Book::find_first()
            .filter(Book::TITLE.eq("book 2"))
            .exec(&db)
            .await?;
        Book::find_unique(Book::ID.eq(3)).exec(&db).await?;
        assert_eq!(Book::count().exec(&db).await?, 3);
        Book::update_many()
            .filter(Book::ID.gt(1))
            .data(BookUpdate {
                title: Patch::set("later".to_string()),
                ..Default::default()
            })
            .exec(&db)
            .await?;
        Book::delete(Book::ID.eq(3)).exec(&db).await?;
        orm_runtime::sql!("UPDATE books SET title = title WHERE id = 1")
            .execute(&db)
            .await?;
        let seen = rec.take();
        assert_eq!(
            kinds(&seen),
            [
                (Some("Book"), OperationKind::FindFirst),
                (Some("Book"), OperationKind::FindUnique),
                (Some("Book"), OperationKind::Count),
                (Some("Book"), OperationKind::UpdateMany),
                (Some("Book"), OperationKind::Delete),
                (None, OperationKind::Raw),
            ]
        );
        assert!(seen.iter().all(|s| !s.statements.is_empty()));
        // update_many changed books 2 and 3.
        assert_eq!(seen[3].rows, 2);
        assert_eq!(seen[0].operation.to_string(), "Book.find_first");

        // Inside a transaction: flagged, and still one report per operation.
        db.transaction(|tx| async move {
            Book::find_many().exec(&tx).await?;
            Book::count().exec(&tx).await?;
            Ok::<_, Error>(())
        })
        .await?;
        let seen = rec.take();
        assert_eq!(
            kinds(&seen),
            [
                (Some("Book"), OperationKind::FindMany),
                (Some("Book"), OperationKind::Count)
            ]
        );
        assert!(seen.iter().all(|s| s.operation.in_transaction));
        Ok(())
    }
);

backend_test_with_url!(
    a_hook_refuses_writes_and_sees_failures,
    schema(),
    |url: String, _db: Client| async move {
        let (db, rec) = hooked(&url).await?;
        Author::create(NewAuthor {
            id: 1,
            name: "Ada".into(),
        })
        .exec(&db)
        .await?;

        // A failing statement: the report names the error, the statement is marked failed.
        let dup = Author::create(NewAuthor {
            id: 2,
            name: "Ada".into(),
        })
        .exec(&db)
        .await;
        assert!(matches!(dup, Err(Error::UniqueViolation { .. })), "{dup:?}");
        let seen = rec.take();
        let last = seen.last().unwrap();
        assert_eq!(last.error, Some("unique_violation"));
        assert!(last.statements.iter().any(|s| s.failed));

        // Read-only: writes are refused before anything is sent, reads go on.
        rec.read_only
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let sent = db.statements_sent();
        let refused = Author::create(NewAuthor {
            id: 3,
            name: "Bob".into(),
        })
        .exec(&db)
        .await;
        match &refused {
            Err(Error::Rejected { operation, reason }) => {
                assert_eq!(operation, "Author.create");
                assert_eq!(reason, "read-only mode");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        let refused_delete = Author::delete_many()
            .filter(Author::ID.gt(0))
            .exec(&db)
            .await;
        assert!(matches!(refused_delete, Err(Error::Rejected { .. })));
        let refused_raw = orm_runtime::sql!("DELETE FROM authors").execute(&db).await;
        assert!(matches!(refused_raw, Err(Error::Rejected { .. })));
        assert_eq!(
            db.statements_sent(),
            sent,
            "a refused operation sends nothing"
        );
        let seen = rec.take();
        assert_eq!(seen.len(), 3);
        assert!(
            seen.iter()
                .all(|s| s.error == Some("rejected") && s.statements.is_empty())
        );

        assert_eq!(Author::count().exec(&db).await?, 1);
        rec.read_only
            .store(false, std::sync::atomic::Ordering::Relaxed);
        assert_eq!(
            Author::delete_many()
                .filter(Author::ID.gt(0))
                .exec(&db)
                .await?,
            1
        );
        Ok(())
    }
);

backend_test_with_url!(
    a_stream_is_one_operation,
    schema(),
    |url: String, _db: Client| async move {
        let (db, rec) = hooked(&url).await?;
        Author::create_many((1..=5).map(|id| NewAuthor {
            id,
            name: format!("a{id}"),
        }))
        .exec(&db)
        .await?;
        rec.take();
        let mut rows = Author::find_many().order_by(Author::ID.asc()).stream(&db);
        let mut n = 0;
        while rows.try_next().await?.is_some() {
            n += 1;
        }
        assert_eq!(n, 5);
        drop(rows);
        // The report is made when the stream's task lets go of it.
        let mut seen = Vec::new();
        for _ in 0..100 {
            seen = rec.take();
            if !seen.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(kinds(&seen), [(Some("Author"), OperationKind::Stream)]);
        assert_eq!(seen[0].rows, 5);

        // A refused stream yields the refusal.
        rec.read_only
            .store(true, std::sync::atomic::Ordering::Relaxed);
        struct NoStreams;
        impl Hook for NoStreams {
            fn before(&self, op: &Operation) -> orm_runtime::Result<()> {
                if op.kind == OperationKind::Stream {
                    return Err(Error::rejected(op, "no streams"));
                }
                Ok(())
            }
        }
        let strict = ClientOptions::new(url).hook(NoStreams).connect().await?;
        let mut rows = Author::find_many().stream(&strict);
        assert!(matches!(rows.try_next().await, Err(Error::Rejected { .. })));
        Ok(())
    }
);

backend_test_with_url!(
    a_dropped_operation_is_reported_cancelled,
    schema(),
    |url: String, _db: Client| async move {
        let (db, rec) = hooked(&url).await?;
        Author::create(NewAuthor {
            id: 1,
            name: "Ada".into(),
        })
        .exec(&db)
        .await?;
        rec.take();
        // A slow statement whose future is dropped by a timeout.
        let slow = match db.backend() {
            Backend::Postgres => orm_runtime::sql!("SELECT pg_sleep(0.5)"),
            Backend::MySql => orm_runtime::sql!("SELECT SLEEP(0.5)"),
            Backend::Sqlite => orm_runtime::sql!(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000000) SELECT count(*) FROM c"
            ),
        };
        let timed_out = tokio::time::timeout(Duration::from_millis(50), slow.execute(&db)).await;
        assert!(timed_out.is_err(), "the statement cannot be done in 50 ms");
        let seen = rec.take();
        assert_eq!(kinds(&seen), [(None, OperationKind::Raw)]);
        assert!(seen[0].cancelled);
        assert!(seen[0].error.is_none());
        // The client goes on.
        assert_eq!(Author::count().exec(&db).await?, 1);
        let seen = rec.take();
        assert!(!seen[0].cancelled);
        Ok(())
    }
);
