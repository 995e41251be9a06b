//! Streaming reads (`FindMany::stream`): rows in order, counts and includes per batch, typed
//! selects, dropping a stream half-way, and what cannot stream. The million-row memory bound is in
//! `stream_memory.rs`.

use orm_runtime::prelude::*;
use orm_tests::{backend_test, backend_test_with_url};

/// An author.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "authors")]
pub struct Author {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Name.
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

/// An author's name and book count.
#[derive(Select, Debug, PartialEq)]
#[orm(model = Author)]
pub struct AuthorCard {
    /// Name.
    pub name: String,
    /// How many books.
    #[orm(count = books)]
    pub book_count: i64,
}

fn schema() -> Schema {
    Schema::new().model::<Author>().model::<Book>()
}

const AUTHORS: i64 = 600;

async fn seed(db: &Client) -> orm_runtime::Result<()> {
    Author::create_many((1..=AUTHORS).map(|id| NewAuthor {
        id,
        name: format!("author {id}"),
    }))
    .exec(db)
    .await?;
    Book::create_many((1..=AUTHORS).flat_map(|a| {
        (0..a % 3).map(move |i| NewBook {
            id: a * 10 + i,
            author_id: a,
            title: format!("book {i} of {a}"),
        })
    }))
    .exec(db)
    .await?;
    Ok(())
}

backend_test!(
    streams_rows_with_counts_and_includes_per_batch,
    schema(),
    |db: Client| async move {
        seed(&db).await?;
        let collected = Author::find_many()
            .order_by(Author::ID.desc())
            .include(Author::BOOKS.order_by(Book::ID.asc()))
            .with_count(Author::BOOKS)
            .strategy(Strategy::Query)
            .exec(&db)
            .await?;
        let sent = db.statements_sent();
        let mut stream = Author::find_many()
            .order_by(Author::ID.desc())
            .include(Author::BOOKS.order_by(Book::ID.asc()))
            .with_count(Author::BOOKS)
            .strategy(Strategy::Query)
            .stream(&db);
        let mut streamed = Vec::new();
        while let Some(a) = stream.try_next().await? {
            streamed.push(a);
        }
        assert_eq!(streamed, collected, "the stream returns what exec returns");
        let statements = db.statements_sent() - sent;
        // One for the authors, one per batch of at most 256 parents for the books.
        assert_eq!(
            statements,
            1 + (AUTHORS as u64).div_ceil(256),
            "one statement for the authors, one per batch of 256 for their books"
        );
        // The Join strategy streams the relations inside each row: one statement.
        let sent = db.statements_sent();
        let mut joined = Vec::new();
        let mut stream = Author::find_many()
            .order_by(Author::ID.desc())
            .include(Author::BOOKS.order_by(Book::ID.asc()))
            .with_count(Author::BOOKS)
            .strategy(Strategy::Join)
            .stream(&db);
        while let Some(a) = stream.try_next().await? {
            joined.push(a);
        }
        assert_eq!(joined, collected);
        assert_eq!(db.statements_sent() - sent, 1);
        // A typed select streams too.
        let mut cards = Author::find_many()
            .filter(Author::ID.lte(3))
            .order_by(Author::ID.asc())
            .select::<AuthorCard>()
            .stream(&db);
        let mut got = Vec::new();
        while let Some(c) = futures_util::TryStreamExt::try_next(&mut cards).await? {
            got.push((c.name, c.book_count));
        }
        assert_eq!(
            got,
            [
                ("author 1".to_owned(), 1),
                ("author 2".to_owned(), 2),
                ("author 3".to_owned(), 0)
            ]
        );
        Ok(())
    }
);

backend_test_with_url!(
    a_dropped_stream_gives_its_connection_back,
    schema(),
    |url: String, db: Client| async move {
        seed(&db).await?;
        // One connection: a leaked one would make every later statement wait forever.
        let one = ClientOptions::new(url)
            .max_connections(1)
            .acquire_timeout(std::time::Duration::from_secs(5))
            .connect()
            .await?;
        let session = |db: Client| async move {
            let sql = match db.backend() {
                orm_runtime::sql::Backend::Postgres => {
                    sql!("SELECT CAST(pg_backend_pid() AS BIGINT)")
                }
                orm_runtime::sql::Backend::MySql => sql!("SELECT CAST(CONNECTION_ID() AS SIGNED)"),
                orm_runtime::sql::Backend::Sqlite => return Ok::<_, Error>(None),
            };
            let rows: Vec<(i64,)> = sql.fetch_all(&db).await?;
            Ok(rows.first().map(|r| r.0))
        };
        for _ in 0..3 {
            let before = session(one.clone()).await?;
            let mut stream = Author::find_many().order_by(Author::ID.asc()).stream(&one);
            for id in 1..=10 {
                let a = stream.try_next().await?.expect("a row");
                assert_eq!(a.id, id);
            }
            drop(stream);
            assert_eq!(Author::count().exec(&one).await?, AUTHORS);
            // The abandoned connection was closed, not returned mid-result.
            let after = session(one.clone()).await?;
            if before.is_some() {
                assert_ne!(before, after, "a new session after the dropped stream");
            }
        }
        // A pooled connection the server killed is replaced before the first row, as for `exec`.
        if let Some(pid) = session(one.clone()).await? {
            if let Some(pg) = db.as_postgres() {
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "SELECT pg_terminate_backend({pid})"
                )))
                .execute(pg)
                .await
                .expect("terminate");
            } else if let Some(my) = db.as_mysql() {
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("KILL {pid}")))
                    .execute(my)
                    .await
                    .expect("kill");
            }
            let mut stream = Author::find_many().stream(&one);
            let mut n = 0;
            while stream.try_next().await?.is_some() {
                n += 1;
            }
            assert_eq!(n, AUTHORS, "every row, on a fresh connection");
        }
        // Relations loaded by Query need a second connection: refused on a one-connection pool.
        let mut books = Author::find_many()
            .include(Author::BOOKS)
            .strategy(Strategy::Query)
            .stream(&one);
        assert!(
            matches!(books.try_next().await, Err(Error::InvalidQuery(m)) if m.contains("two connections"))
        );
        // An empty result and a refused query end at once.
        let mut none = Author::find_many()
            .filter(Author::ID.gt(AUTHORS))
            .stream(&one);
        assert!(none.try_next().await?.is_none());
        let mut locked = Author::find_many().for_update().stream(&one);
        assert!(matches!(
            locked.try_next().await,
            Err(Error::InvalidQuery(_))
        ));
        assert!(
            locked.try_next().await?.is_none(),
            "the stream ends after its error"
        );
        assert_eq!(Author::count().exec(&one).await?, AUTHORS);
        one.close().await;
        Ok(())
    }
);

/// A payload whose decoding panics on `"boom"`: a stand-in for a decoder's bug.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Boom(String);

impl<'de> serde::Deserialize<'de> for Boom {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        assert!(s != "boom", "a decoder bug");
        Ok(Boom(s))
    }
}

/// A row with a payload.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "payloads")]
pub struct Payload {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Body.
    pub body: Json<Boom>,
}

backend_test!(
    a_panic_while_streaming_reaches_the_caller,
    Schema::new().model::<Payload>(),
    |db: Client| async move {
        Payload::create_many((1..=4).map(|id| NewPayload {
            id,
            body: Json(Boom(if id == 4 { "boom" } else { "ok" }.into())),
        }))
        .exec(&db)
        .await?;
        let consumer = tokio::spawn({
            let db = db.clone();
            async move {
                let mut stream = Payload::find_many().order_by(Payload::ID.asc()).stream(&db);
                let mut n = 0;
                while let Ok(Some(_)) = stream.try_next().await {
                    n += 1;
                }
                n
            }
        });
        let r = consumer.await;
        assert!(
            r.as_ref().is_err_and(|e| e.is_panic()),
            "the stream must not end as if complete: {r:?}"
        );
        Ok(())
    }
);

/// An in-memory SQLite database lives in its one connection: a stream or a statement dropped
/// half-way must hand that connection back, never close it (which would lose the database).
#[tokio::test]
async fn an_in_memory_sqlite_database_survives_abandoned_statements() -> orm_runtime::Result<()> {
    let db = Client::connect("sqlite::memory:").await?;
    schema().push(&db).await?;
    seed(&db).await?;
    for _ in 0..3 {
        let mut stream = Author::find_many().order_by(Author::ID.asc()).stream(&db);
        assert_eq!(stream.try_next().await?.map(|a| a.id), Some(1));
        drop(stream);
        assert_eq!(Author::count().exec(&db).await?, AUTHORS);
        let long = sql!(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) FROM c"
        );
        let gave_up = tokio::time::timeout(
            std::time::Duration::from_millis(20),
            long.fetch_all::<(i64,), _>(&db),
        )
        .await;
        assert!(gave_up.is_err(), "the statement cannot finish in 20 ms");
        assert_eq!(Author::count().exec(&db).await?, AUTHORS);
    }
    Ok(())
}
