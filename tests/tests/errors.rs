//! Every [`Error`] variant, triggered for real on every backend that can raise it.
//!
//! Each test makes the database (or the ORM) fail one way and asserts the variant, the fields that
//! carry information (model, fields, constraint, column) and [`Error::is_retryable`]. Where a
//! backend cannot raise an error at all (SQLite has no deadlocks, no `lock_timeout`, no NUL-free
//! text), the test exists only for the backends that can; where the same trigger behaves differently
//! per backend, the test says what each backend must do.
//!
//! `writes.rs` already covers the basic unique (single and compound), not-null and not-found cases on
//! the shared models; the tests here extend them to primary keys, updates, bulk inserts, raw SQL,
//! foreign keys, checks, concurrency failures, pool and connection failures, and decoding.

use std::future::Future;
use std::time::{Duration, Instant};

use orm_runtime::Executor;
use orm_runtime::prelude::*;
use orm_runtime::sql::Backend;
use orm_tests::TestBackend;

/// A size class: a PostgreSQL enum type, a MySQL `ENUM`, `TEXT` with a `CHECK` on SQLite.
#[derive(DbEnum, Debug, Clone, Copy, PartialEq, Eq)]
#[orm(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Size {
    /// Small.
    Small,
    /// Large.
    Large,
}

/// A parent row: a primary key and a single-column unique key.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "owners")]
pub struct Owner {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Unique.
    #[orm(unique)]
    pub handle: String,
    /// Children.
    #[orm(has_many)]
    pub pets: HasMany<Pet>,
}

/// A child row: a required foreign key (`ON DELETE RESTRICT`) and a compound unique key.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "pets", unique(owner_id, name))]
pub struct Pet {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Parent.
    pub owner_id: i64,
    /// Name, unique per owner.
    pub name: String,
    /// The parent relation (required, so `Restrict` on delete).
    #[orm(belongs_to(fk = owner_id))]
    pub owner: BelongsTo<Owner>,
}

/// Integer arithmetic, a `VARCHAR(191)` on MySQL, an enum column.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "counters")]
pub struct Counter {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// A 32-bit counter.
    pub n: i32,
    /// A string (`VARCHAR(191)` on MySQL, `TEXT` elsewhere).
    pub label: String,
    /// An enum.
    pub size: Option<Size>,
}

/// A table whose `CHECK (qty > 0)` is created by raw SQL (the ORM writes no checks of its own but
/// the enum check on SQLite).
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "stock")]
pub struct Stock {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Must be positive.
    pub qty: i32,
}

/// Binary data (`LONGBLOB` on MySQL).
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "blobs")]
pub struct Blob {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Bytes.
    pub data: Vec<u8>,
}

fn schema() -> Schema {
    Schema::new()
        .model::<Owner>()
        .model::<Pet>()
        .model::<Counter>()
        .model::<Blob>()
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

/// The driver's database error behind an [`Error`], if there is one.
fn db_error(e: &Error) -> Option<&(dyn sqlx::error::DatabaseError + 'static)> {
    let source = std::error::Error::source(e)?;
    // The variants hold the driver's error boxed.
    let sqlx = match source.downcast_ref::<Box<sqlx::Error>>() {
        Some(b) => &**b,
        None => source.downcast_ref::<sqlx::Error>()?,
    };
    sqlx.as_database_error()
}

/// The SQLSTATE (PostgreSQL, MySQL) or extended result code (SQLite) behind an [`Error`].
fn db_code(e: &Error) -> Option<String> {
    db_error(e)?.code().map(|c| c.into_owned())
}

/// MySQL's error number behind an [`Error`].
#[cfg(any(orm_postgres, orm_mysql))]
fn mysql_number(e: &Error) -> Option<u16> {
    db_error(e)?
        .try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
        .map(|m| m.number())
}

/// Every message in the error's source chain, outermost first.
#[cfg(any(orm_postgres, orm_mysql))]
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(" <- ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

async fn owner(db: &impl Executor, id: i64, handle: &str) -> orm_runtime::Result<Owner> {
    Owner::create(NewOwner {
        id,
        handle: handle.into(),
    })
    .exec(db)
    .await
}

async fn pet(db: &impl Executor, id: i64, owner_id: i64, name: &str) -> orm_runtime::Result<Pet> {
    Pet::create(NewPet {
        id,
        owner_id,
        name: name.into(),
    })
    .exec(db)
    .await
}

async fn counter(db: &impl Executor, id: i64, n: i32) -> orm_runtime::Result<Counter> {
    Counter::create(NewCounter {
        id,
        n,
        label: format!("c{id}"),
        size: None,
    })
    .exec(db)
    .await
}

async fn counter_value(db: &impl Executor, id: i64) -> orm_runtime::Result<i32> {
    Ok(Counter::find_unique_or_throw(Counter::ID.eq(id))
        .exec(db)
        .await?
        .n)
}

/// The name a backend reports for a violated unique key: PostgreSQL and MySQL name the constraint
/// (MySQL calls a primary key `PRIMARY`), SQLite names none.
fn reported_key(backend: Backend, name: &str, primary: bool) -> Option<String> {
    match backend {
        Backend::Postgres => Some(name.to_owned()),
        Backend::MySql if primary => Some("PRIMARY".to_owned()),
        Backend::MySql => Some(name.to_owned()),
        Backend::Sqlite => None,
    }
}

#[track_caller]
fn expect_unique(
    r: orm_runtime::Result<impl std::fmt::Debug>,
    want_model: Option<&str>,
    want_fields: &[&str],
    want_constraint: Option<String>,
    what: &str,
) {
    match r {
        Err(
            ref e @ Error::UniqueViolation {
                model,
                ref fields,
                ref constraint,
                ..
            },
        ) => {
            assert_eq!(model, want_model, "{what}: model of {e:?}");
            assert_eq!(fields, want_fields, "{what}: fields of {e:?}");
            assert_eq!(constraint, &want_constraint, "{what}: constraint of {e:?}");
            assert!(
                !e.is_retryable(),
                "{what}: a unique violation is not retryable"
            );
        }
        other => panic!("{what}: expected UniqueViolation, got {other:?}"),
    }
}

each_backend!(
    unique_violations_name_the_key_everywhere,
    |_url: String, db: Client| async move {
        let b = db.backend();
        owner(&db, 1, "a").await?;
        owner(&db, 2, "b").await?;
        // Single-column unique key on insert.
        expect_unique(
            owner(&db, 3, "a").await,
            Some("Owner"),
            &["handle"],
            reported_key(b, "owners_handle_key", false),
            "duplicate handle",
        );
        // Primary key.
        expect_unique(
            owner(&db, 1, "c").await,
            Some("Owner"),
            &["id"],
            reported_key(b, "owners_pkey", true),
            "duplicate primary key",
        );
        // An update that collides with another row's key.
        expect_unique(
            Owner::update(Owner::ID.eq(2))
                .set(Owner::HANDLE, "a")
                .exec(&db)
                .await,
            Some("Owner"),
            &["handle"],
            reported_key(b, "owners_handle_key", false),
            "update onto a taken handle",
        );
        assert_eq!(
            Owner::find_unique(Owner::ID.eq(2))
                .exec(&db)
                .await?
                .map(|o| o.handle),
            Some("b".to_owned()),
            "the failed update changed nothing"
        );
        // Compound unique key.
        pet(&db, 1, 1, "rex").await?;
        pet(&db, 2, 2, "rex").await?;
        expect_unique(
            pet(&db, 3, 1, "rex").await,
            Some("Pet"),
            &["owner_id", "name"],
            reported_key(b, "pets_owner_id_name_key", false),
            "duplicate (owner_id, name)",
        );
        // A bulk insert whose second row collides with an existing one.
        expect_unique(
            Owner::create_many([
                NewOwner {
                    id: 10,
                    handle: "fresh".into(),
                },
                NewOwner {
                    id: 11,
                    handle: "b".into(),
                },
            ])
            .exec(&db)
            .await,
            Some("Owner"),
            &["handle"],
            reported_key(b, "owners_handle_key", false),
            "create_many with a taken handle",
        );
        assert_eq!(Owner::count().exec(&db).await?, 2, "create_many is atomic");
        // Raw SQL knows no model: the constraint (PostgreSQL, MySQL) or the columns (SQLite) remain.
        match sql!("INSERT INTO owners (id, handle) VALUES (99, 'a')")
            .execute(&db)
            .await
        {
            Err(
                ref e @ Error::UniqueViolation {
                    model: None,
                    ref fields,
                    ref constraint,
                    ..
                },
            ) => {
                match b {
                    Backend::Sqlite => assert_eq!(fields, &["handle"], "{e:?}"),
                    _ => assert_eq!(constraint.as_deref(), Some("owners_handle_key"), "{e:?}"),
                }
                assert!(!e.is_retryable());
            }
            other => {
                panic!("raw duplicate: expected UniqueViolation without a model, got {other:?}")
            }
        }
        Ok(())
    }
);

#[track_caller]
fn expect_fk(
    r: orm_runtime::Result<impl std::fmt::Debug>,
    backend: Backend,
    want_model: Option<&str>,
    what: &str,
) {
    match r {
        Err(
            ref e @ Error::ForeignKeyViolation {
                model,
                ref constraint,
                ..
            },
        ) => {
            assert_eq!(model, want_model, "{what}: model of {e:?}");
            // SQLite never names the constraint; the others must.
            let want = (backend != Backend::Sqlite).then(|| "pets_owner_id_fkey".to_owned());
            assert_eq!(constraint, &want, "{what}: constraint of {e:?}");
            assert!(!e.is_retryable(), "{what}: not retryable");
        }
        other => panic!("{what}: expected ForeignKeyViolation, got {other:?}"),
    }
}

each_backend!(
    foreign_key_violations_on_insert_update_and_restricted_delete,
    |_url: String, db: Client| async move {
        let b = db.backend();
        owner(&db, 1, "a").await?;
        owner(&db, 2, "b").await?;
        // A child whose parent does not exist.
        expect_fk(
            pet(&db, 1, 42, "rex").await,
            b,
            Some("Pet"),
            "insert, missing parent",
        );
        assert_eq!(Pet::count().exec(&db).await?, 0);
        pet(&db, 1, 1, "rex").await?;
        // Re-pointing a child at a missing parent.
        expect_fk(
            Pet::update(Pet::ID.eq(1))
                .set(Pet::OWNER_ID, 42)
                .exec(&db)
                .await,
            b,
            Some("Pet"),
            "update, missing parent",
        );
        // Deleting a parent that a child references (ON DELETE RESTRICT). On SQLite this is
        // SQLITE_CONSTRAINT_TRIGGER (extended code 1811), not SQLITE_CONSTRAINT_FOREIGNKEY.
        let r = Owner::delete(Owner::ID.eq(1)).exec(&db).await;
        if b == Backend::Sqlite
            && let Err(e) = &r
        {
            assert_eq!(db_code(e).as_deref(), Some("1811"), "{e:?}");
        }
        expect_fk(r, b, Some("Owner"), "delete of a referenced parent");
        expect_fk(
            Owner::delete_many().filter(Owner::ID.eq(1)).exec(&db).await,
            b,
            Some("Owner"),
            "delete_many of a referenced parent",
        );
        expect_fk(
            sql!("DELETE FROM owners WHERE id = 1").execute(&db).await,
            b,
            None,
            "raw delete of a referenced parent",
        );
        assert_eq!(Owner::count().exec(&db).await?, 2, "nothing was deleted");
        // An unreferenced parent deletes fine.
        Owner::delete(Owner::ID.eq(2)).exec(&db).await?;
        Ok(())
    }
);

each_backend!(
    null_violations_name_the_column,
    |_url: String, db: Client| async move {
        counter(&db, 1, 0).await?;
        // A NOT NULL column without a default left out (MySQL: 1364, "doesn't have a default").
        match sql!("INSERT INTO counters (id, n) VALUES (2, 0)")
            .execute(&db)
            .await
        {
            Err(ref e @ Error::NullViolation { ref column, .. }) => {
                assert_eq!(column.as_deref(), Some("label"), "{e:?}");
                assert!(!e.is_retryable());
            }
            other => panic!("omitted NOT NULL column: expected NullViolation, got {other:?}"),
        }
        // Set to NULL by an UPDATE (MySQL: 1048, "cannot be null").
        match sql!("UPDATE counters SET n = NULL WHERE id = 1")
            .execute(&db)
            .await
        {
            Err(ref e @ Error::NullViolation { ref column, .. }) => {
                assert_eq!(column.as_deref(), Some("n"), "{e:?}");
            }
            other => panic!("UPDATE ... = NULL: expected NullViolation, got {other:?}"),
        }
        assert_eq!(counter_value(&db, 1).await?, 0);
        assert_eq!(Counter::count().exec(&db).await?, 1);
        Ok(())
    }
);

each_backend!(
    check_violations_from_a_raw_check_and_the_sqlite_enum_check,
    |_url: String, db: Client| async move {
        let b = db.backend();
        sql!(
            "CREATE TABLE stock (id BIGINT NOT NULL PRIMARY KEY, qty INTEGER NOT NULL, \
             CONSTRAINT stock_qty_positive CHECK (qty > 0))"
        )
        .execute(&db)
        .await?;
        match Stock::create(NewStock { id: 1, qty: 0 }).exec(&db).await {
            Err(ref e @ Error::CheckViolation { model, .. }) => {
                assert_eq!(model, Some("Stock"), "{e:?}");
                assert!(!e.is_retryable());
            }
            other => panic!("insert breaking a CHECK: expected CheckViolation, got {other:?}"),
        }
        Stock::create(NewStock { id: 1, qty: 5 }).exec(&db).await?;
        match Stock::update(Stock::ID.eq(1))
            .decrement(Stock::QTY, 5)
            .exec(&db)
            .await
        {
            Err(Error::CheckViolation {
                model: Some("Stock"),
                ..
            }) => {}
            other => panic!("update breaking a CHECK: expected CheckViolation, got {other:?}"),
        }
        match sql!("UPDATE stock SET qty = -1").execute(&db).await {
            Err(Error::CheckViolation { model: None, .. }) => {}
            other => panic!("raw update breaking a CHECK: expected CheckViolation, got {other:?}"),
        }
        assert_eq!(
            Stock::find_unique(Stock::ID.eq(1))
                .exec(&db)
                .await?
                .map(|s| s.qty),
            Some(5)
        );
        // A value outside an enum: SQLite's enum column is TEXT with a CHECK; PostgreSQL's enum
        // type and MySQL's ENUM refuse the value itself.
        let r = sql!("INSERT INTO counters (id, n, label, size) VALUES (7, 0, 'x', 'HUGE')")
            .execute(&db)
            .await;
        match (b, &r) {
            (Backend::Sqlite, Err(Error::CheckViolation { model: None, .. })) => {}
            (Backend::Postgres | Backend::MySql, Err(Error::InvalidValue { .. })) => {}
            _ => panic!(
                "{b:?}: a value outside the enum: expected {}, got {r:?}",
                if b == Backend::Sqlite {
                    "CheckViolation"
                } else {
                    "InvalidValue"
                }
            ),
        }
        if let (Backend::MySql, Err(Error::InvalidValue { field, .. })) = (b, &r) {
            assert_eq!(field.as_deref(), Some("size"), "MySQL names the column");
        }
        assert_eq!(Counter::count().exec(&db).await?, 0);
        Ok(())
    }
);

#[cfg(any(orm_postgres, orm_mysql))]
async fn bump(tx: &Transaction, id: i64) -> orm_runtime::Result<()> {
    Counter::update_many()
        .filter(Counter::ID.eq(id))
        .increment(Counter::N, 1)
        .exec(tx)
        .await
        .map(|_| ())
}

/// Two transactions lock two rows in opposite order. Each ends as soon as its second update
/// returns: committing on success, rolling back on failure (PostgreSQL keeps the victim's locks
/// until it rolls back). Returns what each second update (or its commit) gave.
#[cfg(any(orm_postgres, orm_mysql))]
async fn deadlock(db: &Client) -> (orm_runtime::Result<()>, orm_runtime::Result<()>) {
    counter(db, 1, 0).await.expect("seed row 1");
    counter(db, 2, 0).await.expect("seed row 2");
    async fn finish(tx: Transaction, r: orm_runtime::Result<()>) -> orm_runtime::Result<()> {
        match r {
            Ok(()) => tx.commit().await,
            Err(e) => {
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }
    let a = db.begin().await.expect("begin a");
    let b = db.begin().await.expect("begin b");
    bump(&a, 1).await.expect("a locks row 1");
    bump(&b, 2).await.expect("b locks row 2");
    let ta = tokio::spawn(async move {
        let r = bump(&a, 2).await;
        finish(a, r).await
    });
    // Let `a` block on row 2 before `b` closes the cycle.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let tb = tokio::spawn(async move {
        let r = bump(&b, 1).await;
        finish(b, r).await
    });
    let ra = tokio::time::timeout(Duration::from_secs(20), ta)
        .await
        .expect("the deadlock was never resolved")
        .expect("task a panicked");
    let rb = tokio::time::timeout(Duration::from_secs(20), tb)
        .await
        .expect("the deadlock was never resolved")
        .expect("task b panicked");
    (ra, rb)
}

/// Exactly one side is the deadlock victim (`Error::Deadlock`, retryable); the other commits.
#[cfg(any(orm_postgres, orm_mysql))]
async fn assert_one_deadlock_victim(db: &Client, want_code: &str, want_number: Option<u16>) {
    let (ra, rb) = deadlock(db).await;
    let victim = match (&ra, &rb) {
        (Err(e), Ok(())) | (Ok(()), Err(e)) => e,
        _ => panic!("expected exactly one deadlock victim, got a: {ra:?}, b: {rb:?}"),
    };
    assert!(
        matches!(victim, Error::Deadlock(_)),
        "the victim must get Error::Deadlock, got {victim:?}"
    );
    assert!(victim.is_retryable(), "a deadlock is retryable");
    assert_eq!(db_code(victim).as_deref(), Some(want_code), "{victim:?}");
    assert_eq!(mysql_number(victim), want_number, "{victim:?}");
    // The winner's two increments committed, the victim's none.
    let total = counter_value(db, 1).await.unwrap() + counter_value(db, 2).await.unwrap();
    assert_eq!(total, 2, "only the winner's writes persist");
}

#[cfg(orm_postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlock_postgres() {
    with_db(TestBackend::Postgres, |_url, db| async move {
        assert_one_deadlock_victim(&db, "40P01", None).await;
        Ok(())
    })
    .await;
}

#[cfg(orm_mysql)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlock_mysql() {
    with_db(TestBackend::MySql, |_url, db| async move {
        // MariaDB reports a deadlock as error 1213 with the coarse SQLSTATE 40001.
        assert_one_deadlock_victim(&db, "40001", Some(1213)).await;
        Ok(())
    })
    .await;
}

#[cfg(orm_postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serialization_failure_postgres_repeatable_read_concurrent_update() {
    with_db(TestBackend::Postgres, |_url, db| async move {
        counter(&db, 1, 0).await?;
        let tx = db.begin_with(IsolationLevel::RepeatableRead).await?;
        assert_eq!(counter_value(&tx, 1).await?, 0, "the snapshot is taken");
        // Another connection commits a change to the row.
        Counter::update(Counter::ID.eq(1))
            .set(Counter::N, 1)
            .exec(&db)
            .await?;
        let r = Counter::update(Counter::ID.eq(1))
            .increment(Counter::N, 10)
            .exec(&tx)
            .await;
        match &r {
            Err(e @ Error::SerializationFailure(_)) => {
                assert!(e.is_retryable());
                assert_eq!(db_code(e).as_deref(), Some("40001"));
            }
            other => panic!("expected SerializationFailure (40001), got {other:?}"),
        }
        let _ = tx.rollback().await;
        assert_eq!(
            counter_value(&db, 1).await?,
            1,
            "the lost update did not happen"
        );
        Ok(())
    })
    .await;
}

#[cfg(orm_postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serialization_failure_postgres_serializable_write_skew() {
    with_db(TestBackend::Postgres, |_url, db| async move {
        counter(&db, 1, 1).await?;
        counter(&db, 2, 1).await?;
        let t1 = db.begin_with(IsolationLevel::Serializable).await?;
        let t2 = db.begin_with(IsolationLevel::Serializable).await?;
        let on = || Counter::count().filter(Counter::N.eq(1));
        assert_eq!(on().exec(&t1).await?, 2);
        assert_eq!(on().exec(&t2).await?, 2);
        // Each takes a different row off duty after seeing two on duty: write skew.
        let mut results = Vec::new();
        let r1 = Counter::update_many()
            .filter(Counter::ID.eq(1))
            .set(Counter::N, 0)
            .exec(&t1)
            .await;
        let r2 = Counter::update_many()
            .filter(Counter::ID.eq(2))
            .set(Counter::N, 0)
            .exec(&t2)
            .await;
        results.push(match r1 {
            Ok(_) => t1.commit().await,
            Err(e) => Err(e),
        });
        results.push(match r2 {
            Ok(_) => t2.commit().await,
            Err(e) => Err(e),
        });
        let failures: Vec<&Error> = results.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(failures.len(), 1, "exactly one side fails: {results:?}");
        assert!(
            matches!(failures[0], Error::SerializationFailure(_)),
            "expected SerializationFailure, got {:?}",
            failures[0]
        );
        assert!(failures[0].is_retryable());
        assert_eq!(
            on().exec(&db).await?,
            1,
            "the invariant held: one row stays on"
        );
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serialization_failure_sqlite_stale_snapshot() {
    with_db(TestBackend::Sqlite, |_url, db| async move {
        counter(&db, 1, 0).await?;
        // A deferred transaction takes a read snapshot with its first read...
        let tx = db.begin().await?;
        assert_eq!(counter_value(&tx, 1).await?, 0);
        // ...another connection commits a write...
        Counter::update(Counter::ID.eq(1))
            .set(Counter::N, 1)
            .exec(&db)
            .await?;
        // ...so the snapshot cannot become a write transaction: SQLITE_BUSY_SNAPSHOT (517).
        let t = Instant::now();
        let r = Counter::update(Counter::ID.eq(1))
            .increment(Counter::N, 10)
            .exec(&tx)
            .await;
        match &r {
            Err(e @ Error::SerializationFailure(_)) => {
                assert!(e.is_retryable());
                assert_eq!(db_code(e).as_deref(), Some("517"));
            }
            other => panic!("expected SerializationFailure (SQLITE_BUSY_SNAPSHOT), got {other:?}"),
        }
        assert!(
            t.elapsed() < Duration::from_secs(3),
            "a stale snapshot fails at once, not after the busy timeout: {:?}",
            t.elapsed()
        );
        let _ = tx.rollback().await;
        assert_eq!(counter_value(&db, 1).await?, 1);
        Ok(())
    })
    .await;
}

#[cfg(orm_mysql)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serialization_failure_mariadb_snapshot_isolation() {
    with_db(TestBackend::MySql, |url, db| async move {
        counter(&db, 1, 0).await?;
        // One connection, so the session setting and the transaction share it.
        let one = ClientOptions::new(&url)
            .max_connections(1)
            .connect()
            .await?;
        sql!("SET SESSION innodb_snapshot_isolation = ON")
            .execute(&one)
            .await?;
        let tx = one.begin_with(IsolationLevel::RepeatableRead).await?;
        assert_eq!(counter_value(&tx, 1).await?, 0, "the snapshot is taken");
        Counter::update(Counter::ID.eq(1))
            .set(Counter::N, 1)
            .exec(&db)
            .await?;
        // MariaDB refuses the lost update with error 1020 ("Record has changed since last read"):
        // the transaction must be retried, exactly as a PostgreSQL 40001.
        let r = Counter::update(Counter::ID.eq(1))
            .increment(Counter::N, 10)
            .exec(&tx)
            .await;
        match &r {
            Err(e @ Error::SerializationFailure(_)) => {
                assert!(e.is_retryable());
                assert_eq!(mysql_number(e), Some(1020));
            }
            other => panic!("expected SerializationFailure (MariaDB 1020), got {other:?}"),
        }
        let _ = tx.rollback().await;
        one.close().await;
        assert_eq!(
            counter_value(&db, 1).await?,
            1,
            "the lost update did not happen"
        );
        Ok(())
    })
    .await;
}

#[track_caller]
fn expect_lock_timeout(
    r: &orm_runtime::Result<impl std::fmt::Debug>,
    elapsed: Duration,
    what: &str,
) {
    match r {
        Err(e @ Error::LockTimeout(_)) => assert!(e.is_retryable(), "{what}: retryable"),
        other => panic!("{what}: expected LockTimeout, got {other:?}"),
    }
    assert!(
        elapsed < Duration::from_secs(5),
        "{what}: the lock wait gave up after {elapsed:?}"
    );
}

#[cfg(orm_postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lock_timeout_postgres() {
    with_db(TestBackend::Postgres, |_url, db| async move {
        counter(&db, 1, 0).await?;
        let holder = db.begin().await?;
        Counter::update(Counter::ID.eq(1))
            .increment(Counter::N, 1)
            .exec(&holder)
            .await?;
        // `lock_timeout`: 55P03.
        let waiter = db.begin().await?;
        sql!("SET LOCAL lock_timeout = '100ms'")
            .execute(&waiter)
            .await?;
        let t = Instant::now();
        let r = Counter::update(Counter::ID.eq(1))
            .increment(Counter::N, 10)
            .exec(&waiter)
            .await;
        expect_lock_timeout(&r, t.elapsed(), "lock_timeout");
        if let Err(e) = &r {
            assert_eq!(db_code(e).as_deref(), Some("55P03"));
        }
        let _ = waiter.rollback().await;
        // `FOR UPDATE NOWAIT`: 55P03 at once.
        let waiter = db.begin().await?;
        let t = Instant::now();
        let r = sql!("SELECT id FROM counters WHERE id = 1 FOR UPDATE NOWAIT")
            .fetch_all::<(i64,), _>(&waiter)
            .await;
        expect_lock_timeout(&r, t.elapsed(), "NOWAIT");
        let _ = waiter.rollback().await;
        holder.commit().await?;
        assert_eq!(counter_value(&db, 1).await?, 1);
        Ok(())
    })
    .await;
}

#[cfg(orm_mysql)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lock_timeout_mysql() {
    with_db(TestBackend::MySql, |_url, db| async move {
        counter(&db, 1, 0).await?;
        let holder = db.begin().await?;
        Counter::update(Counter::ID.eq(1))
            .increment(Counter::N, 1)
            .exec(&holder)
            .await?;
        // innodb_lock_wait_timeout: error 1205.
        let waiter = db.begin().await?;
        sql!("SET SESSION innodb_lock_wait_timeout = 1")
            .execute(&waiter)
            .await?;
        let t = Instant::now();
        let r = Counter::update(Counter::ID.eq(1))
            .increment(Counter::N, 10)
            .exec(&waiter)
            .await;
        expect_lock_timeout(&r, t.elapsed(), "innodb_lock_wait_timeout");
        if let Err(e) = &r {
            assert_eq!(mysql_number(e), Some(1205));
        }
        // Restore the pooled connection's default before it goes back to the pool.
        let _ = waiter.rollback().await;
        // `FOR UPDATE NOWAIT` (MariaDB: 1205 as well).
        let waiter = db.begin().await?;
        let t = Instant::now();
        let r = sql!("SELECT id FROM counters WHERE id = 1 FOR UPDATE NOWAIT")
            .fetch_all::<(i64,), _>(&waiter)
            .await;
        expect_lock_timeout(&r, t.elapsed(), "NOWAIT");
        let _ = waiter.rollback().await;
        holder.commit().await?;
        assert_eq!(counter_value(&db, 1).await?, 1);
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lock_timeout_sqlite_busy() {
    with_db(TestBackend::Sqlite, |url, db| async move {
        counter(&db, 1, 0).await?;
        let holder = db.begin().await?;
        Counter::update(Counter::ID.eq(1))
            .increment(Counter::N, 1)
            .exec(&holder)
            .await?;
        // A second client on the same file that waits at most 100 ms for a lock.
        let other = ClientOptions::new(&url)
            .max_connections(1)
            .busy_timeout(Duration::from_millis(100))
            .connect()
            .await?;
        let t = Instant::now();
        let r = Counter::update(Counter::ID.eq(1))
            .increment(Counter::N, 10)
            .exec(&other)
            .await;
        expect_lock_timeout(&r, t.elapsed(), "SQLITE_BUSY");
        if let Err(e) = &r {
            let code: u32 = db_code(e).and_then(|c| c.parse().ok()).unwrap_or(0);
            assert_eq!(code & 0xff, 5, "SQLITE_BUSY, got {code}: {e:?}");
        }
        // A writer waiting inside a transaction times out the same way.
        let tx = other.begin().await?;
        let r = Counter::update(Counter::ID.eq(1))
            .increment(Counter::N, 10)
            .exec(&tx)
            .await;
        expect_lock_timeout(&r, t.elapsed(), "SQLITE_BUSY in a transaction");
        let _ = tx.rollback().await;
        holder.commit().await?;
        assert_eq!(counter_value(&other, 1).await?, 1);
        other.close().await;
        Ok(())
    })
    .await;
}

each_backend!(
    pool_timeout_when_the_only_connection_is_held,
    |url: String, _db: Client| async move {
        let small = ClientOptions::new(&url)
            .max_connections(1)
            .acquire_timeout(Duration::from_millis(200))
            .connect()
            .await?;
        let tx = small.begin().await?;
        let t = Instant::now();
        let r = Counter::count().exec(&small).await;
        let elapsed = t.elapsed();
        match &r {
            Err(e @ Error::PoolTimeout(_)) => {
                assert!(
                    !e.is_retryable(),
                    "PoolTimeout is not a retryable database error"
                );
                assert!(!e.is_connection());
            }
            other => panic!("expected PoolTimeout, got {other:?}"),
        }
        assert!(
            elapsed >= Duration::from_millis(150) && elapsed < Duration::from_secs(2),
            "PoolTimeout after the 200 ms acquire timeout, got {elapsed:?}"
        );
        // A transaction cannot start either.
        assert!(matches!(small.begin().await, Err(Error::PoolTimeout(_))));
        tx.rollback().await?;
        assert_eq!(Counter::count().exec(&small).await?, 0, "usable once freed");
        small.close().await;
        Ok(())
    }
);

/// `Client::connect` to a closed port fails fast with `Error::Connection` naming the cause.
#[cfg(any(orm_postgres, orm_mysql))]
async fn assert_connect_refused(url: &str) {
    let t = Instant::now();
    let r = tokio::time::timeout(Duration::from_secs(5), Client::connect(url)).await;
    let elapsed = t.elapsed();
    let r = r.unwrap_or_else(|_| {
        panic!(
            "Client::connect({url}) had not failed after 5 s (expected Error::Connection at once)"
        )
    });
    match &r {
        Err(e @ Error::Connection(_)) => {
            let text = chain(e).to_lowercase();
            assert!(
                text.contains("refused"),
                "the source chain names the cause: {text}"
            );
            assert!(e.is_connection() && !e.is_retryable());
        }
        other => panic!("Client::connect({url}): expected Error::Connection, got {other:?}"),
    }
    assert!(
        elapsed < Duration::from_secs(2),
        "Client::connect({url}) took {elapsed:?} to fail"
    );
}

#[cfg(orm_postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_refused_postgres_fails_fast() {
    assert_connect_refused("postgres://postgres@127.0.0.1:1/test").await;
}

#[cfg(orm_mysql)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_refused_mysql_fails_fast() {
    assert_connect_refused("mysql://root@127.0.0.1:1/test").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_error_sqlite_cannot_open() {
    let url = "sqlite:///nonexistent-orm-tests-dir/sub/x.db?mode=rwc";
    let t = Instant::now();
    let r = tokio::time::timeout(Duration::from_secs(5), Client::connect(url))
        .await
        .expect("opening a file in a missing directory fails at once");
    match &r {
        Err(e @ Error::Connection(_)) => assert!(e.is_connection()),
        other => panic!("expected Error::Connection (SQLITE_CANTOPEN), got {other:?}"),
    }
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
}

each_backend!(
    connection_error_after_close,
    |url: String, _db: Client| async move {
        let c = Client::connect(&url).await?;
        counter(&c, 1, 0).await?;
        c.close().await;
        match Counter::count().exec(&c).await {
            Err(e @ Error::Connection(_)) => assert!(e.is_connection()),
            other => panic!("a query on a closed client: expected Connection, got {other:?}"),
        }
        assert!(matches!(c.begin().await, Err(Error::Connection(_))));
        Ok(())
    }
);

#[tokio::test]
async fn unsupported_and_invalid_urls() {
    match Client::connect("oracle://scott@127.0.0.1/orcl").await {
        Err(Error::UnsupportedUrl(u)) => assert_eq!(u, "oracle://scott@127.0.0.1/orcl"),
        other => panic!("expected UnsupportedUrl, got {other:?}"),
    }
    match Client::connect("postgres://postgres@127.0.0.1:notaport/test").await {
        Err(Error::InvalidQuery(m)) => assert!(m.contains("URL"), "{m}"),
        other => panic!("a malformed URL: expected InvalidQuery, got {other:?}"),
    }
}

each_backend!(
    invalid_queries_are_refused_before_sending,
    |_url: String, db: Client| async move {
        owner(&db, 1, "a").await?;
        let before = db.statements_sent();
        // An upsert whose created row does not carry the key it is found by.
        match Owner::upsert(
            Owner::HANDLE.eq("x"),
            NewOwner {
                id: 2,
                handle: "y".into(),
            },
        )
        .exec(&db)
        .await
        {
            Err(e @ Error::InvalidQuery(_)) => assert!(!e.is_retryable()),
            other => panic!("expected InvalidQuery, got {other:?}"),
        }
        // An upsert narrowed by more than its key.
        match Owner::upsert(
            Owner::ID.eq(1).and(Owner::HANDLE.ne("zz")),
            NewOwner {
                id: 1,
                handle: "a".into(),
            },
        )
        .exec(&db)
        .await
        {
            Err(Error::InvalidQuery(_)) => {}
            other => panic!("expected InvalidQuery, got {other:?}"),
        }
        assert_eq!(db.statements_sent(), before, "nothing was sent");
        assert_eq!(Owner::count().exec(&db).await?, 1);
        Ok(())
    }
);

each_backend!(
    not_found_from_every_throwing_read_and_write,
    |_url: String, db: Client| async move {
        owner(&db, 1, "a").await?;
        let check = |r: orm_runtime::Result<Owner>, what: &str| match r {
            Err(e @ Error::NotFound { model: "Owner" }) => assert!(!e.is_retryable()),
            other => panic!("{what}: expected NotFound on Owner, got {other:?}"),
        };
        check(
            Owner::find_unique_or_throw(Owner::ID.eq(9)).exec(&db).await,
            "find_unique_or_throw",
        );
        check(
            Owner::find_first()
                .filter(Owner::HANDLE.eq("zz"))
                .exec_or_throw(&db)
                .await,
            "find_first().exec_or_throw",
        );
        check(
            Owner::update(Owner::ID.eq(9))
                .set(Owner::HANDLE, "q")
                .exec(&db)
                .await,
            "update",
        );
        check(Owner::delete(Owner::ID.eq(9)).exec(&db).await, "delete");
        // A unique key that exists but whose narrowing condition does not hold.
        check(
            Owner::update(Owner::ID.eq(1).and(Owner::HANDLE.ne("a")))
                .set(Owner::HANDLE, "q")
                .exec(&db)
                .await,
            "update narrowed",
        );
        // Inside a transaction, NotFound is the ORM's verdict on a successful statement.
        let tx = db.begin().await?;
        check(
            Owner::delete(Owner::ID.eq(9)).exec(&tx).await,
            "delete in a transaction",
        );
        owner(&tx, 2, "b").await?;
        tx.commit().await?;
        assert_eq!(
            Owner::count().exec(&db).await?,
            2,
            "NotFound does not abort a transaction"
        );
        match sql!("SELECT id FROM owners WHERE id = -1")
            .fetch_one::<(i64,), _>(&db)
            .await
        {
            Err(Error::NotFound { model: "row" }) => {}
            other => panic!("raw fetch_one: expected NotFound on row, got {other:?}"),
        }
        Ok(())
    }
);

each_backend!(
    transaction_closed_for_leaked_handles,
    |_url: String, db: Client| async move {
        // The handle a closure receives, used after the transaction committed.
        let leaked = db
            .transaction(|tx| async move {
                owner(&tx, 1, "a").await?;
                Ok::<_, Error>(tx)
            })
            .await?;
        match owner(&leaked, 2, "b").await {
            Err(e @ Error::TransactionClosed) => assert!(!e.is_retryable()),
            other => panic!(
                "a write on a committed transaction: expected TransactionClosed, got {other:?}"
            ),
        }
        assert!(matches!(
            Owner::count().exec(&leaked).await,
            Err(Error::TransactionClosed)
        ));
        assert!(matches!(
            leaked.commit().await,
            Err(Error::TransactionClosed)
        ));
        // A savepoint handle leaked out of its (released) savepoint; the outer one goes on.
        let tx = db.begin().await?;
        let sp = tx
            .transaction(|sp| async move {
                owner(&sp, 3, "c").await?;
                Ok::<_, Error>(sp)
            })
            .await?;
        assert!(matches!(
            owner(&sp, 4, "d").await,
            Err(Error::TransactionClosed)
        ));
        owner(&tx, 5, "e").await?;
        tx.commit().await?;
        let mut ids: Vec<i64> = Owner::find_many()
            .exec(&db)
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect();
        ids.sort();
        assert_eq!(ids, [1, 3, 5]);
        Ok(())
    }
);

each_backend!(
    transaction_aborted_after_a_failed_statement,
    |_url: String, db: Client| async move {
        owner(&db, 1, "a").await?;
        let tx = db.begin().await?;
        owner(&tx, 2, "b").await?;
        let failed = owner(&tx, 3, "a").await;
        assert!(
            matches!(failed, Err(Error::UniqueViolation { .. })),
            "{failed:?}"
        );
        // Every later statement, and the commit, report the aborted transaction and why.
        match owner(&tx, 4, "d").await {
            Err(ref e @ Error::TransactionAborted { ref reason }) => {
                assert!(
                    reason.to_lowercase().contains("unique"),
                    "the reason names the failed statement's error: {reason}"
                );
                assert!(!e.is_retryable());
            }
            other => panic!("a write after a failure: expected TransactionAborted, got {other:?}"),
        }
        assert!(
            matches!(
                Owner::count().exec(&tx).await,
                Err(Error::TransactionAborted { .. })
            ),
            "a read after a failure"
        );
        match tx.commit().await {
            Err(Error::TransactionAborted { .. }) => {}
            other => panic!("commit after a failure: expected TransactionAborted, got {other:?}"),
        }
        assert_eq!(Owner::count().exec(&db).await?, 1, "nothing of it persists");
        Ok(())
    }
);

each_backend!(
    invalid_value_out_of_range_increment,
    |_url: String, db: Client| async move {
        counter(&db, 1, i32::MAX - 1).await?;
        counter(&db, 2, i32::MIN + 1).await?;
        let check = |r: orm_runtime::Result<u64>, what: &str| match r {
            Err(
                ref e @ Error::InvalidValue {
                    model, ref field, ..
                },
            ) => {
                assert_eq!(model, Some("Counter"), "{what}: {e:?}");
                if let Some(f) = field {
                    assert_eq!(f, "n", "{what}: {e:?}");
                }
                assert!(!e.is_retryable());
            }
            other => panic!("{what}: expected InvalidValue (out of range for i32), got {other:?}"),
        };
        check(
            Counter::update_many()
                .filter(Counter::ID.eq(1))
                .increment(Counter::N, 5)
                .exec(&db)
                .await,
            "increment past i32::MAX",
        );
        check(
            Counter::update_many()
                .filter(Counter::ID.eq(2))
                .decrement(Counter::N, 5)
                .exec(&db)
                .await,
            "decrement past i32::MIN",
        );
        check(
            Counter::update(Counter::ID.eq(1))
                .increment(Counter::N, 5)
                .exec(&db)
                .await
                .map(|_| 1),
            "update().increment past i32::MAX",
        );
        // Nothing was written: both rows still read back with their old values.
        assert_eq!(counter_value(&db, 1).await?, i32::MAX - 1);
        assert_eq!(counter_value(&db, 2).await?, i32::MIN + 1);
        // In range, the same statements work.
        Counter::update_many()
            .filter(Counter::ID.eq(1))
            .increment(Counter::N, 1)
            .exec(&db)
            .await?;
        assert_eq!(counter_value(&db, 1).await?, i32::MAX);
        Ok(())
    }
);

each_backend!(
    invalid_value_for_strings_the_column_cannot_hold,
    |_url: String, db: Client| async move {
        let b = db.backend();
        let create = |id: i64, label: String| {
            Counter::create(NewCounter {
                id,
                n: 0,
                label,
                size: None,
            })
        };
        // 191 characters (multi-byte) fit a MySQL VARCHAR(191); 192 do not. PostgreSQL and SQLite
        // store TEXT of any length.
        let fits = "€".repeat(191);
        assert_eq!(create(1, fits.clone()).exec(&db).await?.label, fits);
        let long = "x".repeat(192);
        let r = create(2, long.clone()).exec(&db).await;
        match (b, &r) {
            (Backend::MySql, Err(e @ Error::InvalidValue { model, field, .. })) => {
                assert_eq!(*model, Some("Counter"), "{e:?}");
                assert_eq!(field.as_deref(), Some("label"), "{e:?}");
                assert!(!e.is_retryable());
                assert_eq!(Counter::count().exec(&db).await?, 1, "nothing stored");
            }
            (Backend::Postgres | Backend::Sqlite, Ok(c)) => assert_eq!(c.label, long),
            _ => panic!("{b:?}: 192 characters: got {r:?}"),
        }
        assert!(
            Counter::find_many()
                .exec(&db)
                .await?
                .iter()
                .all(|c| c.label == fits || c.label == long),
            "no label was truncated"
        );
        // A NUL character: PostgreSQL text cannot hold it (22021); the others must store it intact.
        let nul = "a\0b".to_owned();
        let r = create(3, nul.clone()).exec(&db).await;
        match (b, &r) {
            (Backend::Postgres, Err(e @ Error::InvalidValue { model, .. })) => {
                assert_eq!(*model, Some("Counter"), "{e:?}");
                assert!(
                    Counter::find_unique(Counter::ID.eq(3))
                        .exec(&db)
                        .await?
                        .is_none()
                );
            }
            (Backend::MySql | Backend::Sqlite, Ok(_)) => {
                assert_eq!(
                    Counter::find_unique_or_throw(Counter::ID.eq(3))
                        .exec(&db)
                        .await?
                        .label,
                    nul,
                    "stored unaltered"
                );
            }
            _ => panic!("{b:?}: a NUL in text: got {r:?}"),
        }
        Ok(())
    }
);

each_backend!(
    invalid_value_for_a_statement_over_max_allowed_packet,
    |_url: String, db: Client| async move {
        // 17 MiB in one value: more than MySQL's 16 MiB max_allowed_packet, so MySQL must refuse it
        // before sending (the server would drop the connection); the others store it.
        let big = vec![7_u8; 17 << 20];
        let r = Blob::create(NewBlob {
            id: 1,
            data: big.clone(),
        })
        .exec(&db)
        .await;
        match (db.backend(), &r) {
            (Backend::MySql, Err(e @ Error::InvalidValue { model, .. })) => {
                assert_eq!(*model, Some("Blob"), "{e:?}");
                assert!(!e.is_retryable() && !e.is_connection());
                assert_eq!(Blob::count().exec(&db).await?, 0);
                // Refused before sending: it does not poison a transaction.
                let tx = db.begin().await?;
                let again = Blob::create(NewBlob { id: 2, data: big }).exec(&tx).await;
                assert!(
                    matches!(again, Err(Error::InvalidValue { .. })),
                    "{again:?}"
                );
                Blob::create(NewBlob {
                    id: 3,
                    data: vec![1, 2, 3],
                })
                .exec(&tx)
                .await?;
                tx.commit().await?;
                assert_eq!(Blob::count().exec(&db).await?, 1);
            }
            (Backend::Postgres | Backend::Sqlite, Ok(b)) => {
                assert_eq!(b.data.len(), big.len());
                let read = Blob::find_unique_or_throw(Blob::ID.eq(1)).exec(&db).await?;
                assert!(read.data == big, "stored intact");
            }
            (b, _) => panic!("{b:?}: a 17 MiB value: got {:?}", r.as_ref().map(|b| b.id)),
        }
        Ok(())
    }
);

each_backend!(
    decode_errors_name_the_column,
    |_url: String, db: Client| async move {
        counter(&db, 1, 0).await?;
        // A text column read into an integer.
        match sql!("SELECT label FROM counters")
            .fetch_all::<(i64,), _>(&db)
            .await
        {
            Err(
                ref e @ Error::Decode {
                    model: None,
                    ref column,
                    ..
                },
            ) => {
                assert_eq!(column, "0", "{e:?}");
                assert!(!e.is_retryable());
            }
            other => panic!("text as i64: expected Decode, got {other:?}"),
        }
        // A model decoded from a row whose `n` is text.
        match sql!("SELECT id, label AS n, label, size FROM counters")
            .fetch_all::<Counter, _>(&db)
            .await
        {
            Err(
                ref e @ Error::Decode {
                    model, ref column, ..
                },
            ) => {
                assert_eq!(model, Some("Counter"), "{e:?}");
                assert_eq!(column, "n", "{e:?}");
            }
            other => panic!("a model from a mistyped row: expected Decode, got {other:?}"),
        }
        if db.backend() == Backend::Sqlite {
            // SQLite stores what it is given: a text value in the INTEGER column makes the model
            // unreadable, and reading it says which column.
            sql!("UPDATE counters SET n = 'abc' WHERE id = 1")
                .execute(&db)
                .await?;
            match Counter::find_many().exec(&db).await {
                Err(Error::Decode {
                    model: Some("Counter"),
                    column,
                    ..
                }) => assert_eq!(column, "n"),
                other => panic!("an unreadable stored value: expected Decode, got {other:?}"),
            }
        }
        Ok(())
    }
);
