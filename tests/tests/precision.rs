//! Columns whose `db_type` keeps less than the Rust type holds — `numeric(10,2)`, `timestamp(3)`,
//! MySQL's `datetime(3)` and whole-second `datetime(0)` — refuse a value the database would round
//! (`Error::InvalidValue`), on create, update and increment; filters compare exactly with finer
//! values.

use chrono::{NaiveDate, NaiveDateTime};
use orm_runtime::prelude::*;
use orm_runtime::sql::Backend;
use orm_tests::backend_test;
use rust_decimal::Decimal;

/// A price with two decimals.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "prices")]
pub struct Price {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// At most 8 integer digits and 2 decimals.
    #[orm(db_type = "numeric(10,2)")]
    pub amount: Decimal,
}

/// Milliseconds, as Prisma's `DateTime` on PostgreSQL.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "stamps")]
pub struct Stamp {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// When.
    #[orm(db_type = "timestamp(3)")]
    pub at: NaiveDateTime,
}

/// Milliseconds and whole seconds on MySQL.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "my_stamps")]
pub struct MyStamp {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Milliseconds.
    #[orm(db_type = "datetime(3)")]
    pub at: NaiveDateTime,
    /// Whole seconds (`datetime` without a precision, as `db pull` writes it out).
    #[orm(db_type = "datetime(0)")]
    pub second: NaiveDateTime,
}

fn at(micros: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 3, 1)
        .unwrap()
        .and_hms_micro_opt(12, 0, 0, micros)
        .unwrap()
}

fn refused<T: std::fmt::Debug>(r: orm_runtime::Result<T>) -> bool {
    matches!(r, Err(Error::InvalidValue { .. }))
}

backend_test!(
    decimals_beyond_the_declared_scale_are_refused,
    Schema::new().model::<Price>(),
    |db: Client| async move {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let r = Price::create(NewPrice {
            id: 1,
            amount: d("1.005"),
        })
        .exec(&db)
        .await;
        assert!(refused(r), "a third decimal");
        let r = Price::create(NewPrice {
            id: 1,
            amount: d("123456789.5"),
        })
        .exec(&db)
        .await;
        assert!(refused(r), "nine integer digits");
        assert_eq!(Price::count().exec(&db).await?, 0, "nothing was written");
        let p = Price::create(NewPrice {
            id: 1,
            amount: d("12345678.91"),
        })
        .exec(&db)
        .await?;
        assert_eq!(p.amount, d("12345678.91"));
        // Trailing zeros are not extra digits.
        Price::create(NewPrice {
            id: 2,
            amount: d("1.500"),
        })
        .exec(&db)
        .await?;
        let r = Price::update(Price::ID.eq(1))
            .set(Price::AMOUNT, d("0.125"))
            .exec(&db)
            .await;
        assert!(refused(r), "update");
        let r = Price::update(Price::ID.eq(1))
            .increment(Price::AMOUNT, d("0.001"))
            .exec(&db)
            .await;
        assert!(refused(r), "increment");
        let r = Price::update(Price::ID.eq(1))
            .multiply(Price::AMOUNT, d("1.5"))
            .exec(&db)
            .await;
        assert!(
            refused(r),
            "a product may have more decimals than the column keeps"
        );
        if db.backend() != Backend::Sqlite {
            // (SQLite refuses decimal arithmetic altogether: it keeps decimals as text.)
            Price::update(Price::ID.eq(2))
                .increment(Price::AMOUNT, d("0.25"))
                .exec(&db)
                .await?;
            // SQLite's NUMERIC affinity keeps such values as REAL; PostgreSQL and MySQL exactly.
            let rows = Price::find_many()
                .order_by(Price::ID.asc())
                .exec(&db)
                .await?;
            assert_eq!(
                rows.iter().map(|p| p.amount).collect::<Vec<_>>(),
                [d("12345678.91"), d("1.75")]
            );
            // A filter with more decimals than the column compares exactly.
            assert_eq!(
                Price::count()
                    .filter(Price::AMOUNT.lt(d("1.7500001")))
                    .exec(&db)
                    .await?,
                1
            );
        }
        Ok(())
    }
);

backend_test!(
    date_times_beyond_the_declared_precision_are_refused,
    Schema::new().model::<Stamp>(),
    |db: Client| async move {
        if db.backend() == Backend::MySql {
            // `timestamp(3)` is another type on MySQL (time-zone converting): `mysql_datetimes`.
            return Ok(());
        }
        let r = Stamp::create(NewStamp {
            id: 1,
            at: at(123_456),
        })
        .exec(&db)
        .await;
        assert!(refused(r), "microseconds into timestamp(3)");
        let s = Stamp::create(NewStamp {
            id: 1,
            at: at(123_000),
        })
        .exec(&db)
        .await?;
        let r = Stamp::update(Stamp::ID.eq(1))
            .set(Stamp::AT, at(999))
            .exec(&db)
            .await;
        assert!(refused(r), "update");
        let read = Stamp::find_unique(Stamp::ID.eq(1)).exec(&db).await?;
        assert_eq!(read.as_ref(), Some(&s), "read back exactly");
        for (filter, n) in [
            (Stamp::AT.lt(at(123_001)), 1),
            (Stamp::AT.gt(at(122_999)), 1),
            (Stamp::AT.lte(at(122_999)), 0),
            (Stamp::AT.eq(at(123_001)), 0),
            (Stamp::AT.ne(at(123_001)), 1),
        ] {
            assert_eq!(Stamp::count().filter(filter).exec(&db).await?, n);
        }
        Ok(())
    }
);

/// MySQL's `datetime(3)` and whole-second `datetime(0)`.
#[cfg(orm_mysql)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_datetimes_beyond_the_declared_precision_are_refused() {
    orm_tests::run_on(
        orm_tests::TestBackend::MySql,
        Schema::new().model::<MyStamp>(),
        |db: Client| async move {
            let r = MyStamp::create(NewMyStamp {
                id: 1,
                at: at(123_456),
                second: at(0),
            })
            .exec(&db)
            .await;
            assert!(refused(r), "microseconds into datetime(3)");
            let r = MyStamp::create(NewMyStamp {
                id: 1,
                at: at(123_000),
                second: at(500_000),
            })
            .exec(&db)
            .await;
            assert!(refused(r), "half a second into datetime(0)");
            let s = MyStamp::create(NewMyStamp {
                id: 1,
                at: at(123_000),
                second: at(0),
            })
            .exec(&db)
            .await?;
            let read = MyStamp::find_unique(MyStamp::ID.eq(1)).exec(&db).await?;
            assert_eq!(read.as_ref(), Some(&s));
            assert_eq!(
                MyStamp::count()
                    .filter(MyStamp::AT.lt(at(123_001)))
                    .exec(&db)
                    .await?,
                1,
                "a finer value in a filter compares exactly"
            );
            assert_eq!(
                MyStamp::count()
                    .filter(MyStamp::AT.gt(at(122_999)))
                    .exec(&db)
                    .await?,
                1
            );
            assert_eq!(
                MyStamp::count()
                    .filter(MyStamp::AT.eq(at(123_001)))
                    .exec(&db)
                    .await?,
                0
            );
            Ok(())
        },
    )
    .await;
}

/// A decimal in the default column (`NUMERIC(65,30)`).
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "ledger")]
pub struct Entry {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Amount.
    pub amount: Decimal,
}

backend_test!(
    decimals_read_back_exactly_or_fail,
    Schema::new().model::<Entry>(),
    |db: Client| async move {
        if db.backend() == Backend::Sqlite {
            // SQLite keeps decimals as text: exact by construction, and no decimal arithmetic.
            return Ok(());
        }
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        for (id, v) in [(1, "1"), (2, "1"), (3, "2")] {
            Entry::create(NewEntry { id, amount: d(v) })
                .exec(&db)
                .await?;
        }
        // An average with no end is rounded to what Decimal holds, on every backend alike.
        let avg = Entry::aggregate(Entry::AMOUNT.avg()).exec(&db).await?;
        assert_eq!(avg, Some(d("1.3333333333333333333333333333")));
        // A value written by someone else with more digits than Decimal holds fails to read,
        // instead of reading back rounded.
        let long = match db.backend() {
            Backend::Postgres => sql!(
                "INSERT INTO ledger (id, amount) VALUES (4, 12345678901234567890.123456789012)"
            ),
            _ => sql!(
                "INSERT INTO ledger (id, amount) VALUES (4, 12345678901234567890.123456789012)"
            ),
        };
        long.execute(&db).await?;
        let r = Entry::find_unique(Entry::ID.eq(4)).exec(&db).await;
        assert!(matches!(r, Err(Error::Decode { .. })), "{r:?}");
        // So does a sum that does not fit.
        sql!("DELETE FROM ledger WHERE id = 4").execute(&db).await?;
        Entry::create(NewEntry {
            id: 5,
            amount: d("10000000000000000000000000000"),
        })
        .exec(&db)
        .await?;
        Entry::create(NewEntry {
            id: 6,
            amount: d("0.1"),
        })
        .exec(&db)
        .await?;
        let sum = Entry::aggregate(Entry::AMOUNT.sum())
            .filter(Entry::ID.gte(5))
            .exec(&db)
            .await;
        assert!(matches!(sum, Err(Error::Decode { .. })), "{sum:?}");
        // What fits reads back exactly, trailing zeros of the column's scale aside.
        let rows = Entry::find_many()
            .order_by(Entry::ID.asc())
            .exec(&db)
            .await?;
        assert_eq!(rows[4].amount, d("0.1"));
        assert_eq!(rows[3].amount, d("10000000000000000000000000000"));
        Ok(())
    }
);
