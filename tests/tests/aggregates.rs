//! Aggregates and group by, checked against the same computation in Rust over the same rows on
//! every backend (an oracle): counts, sums, averages, minima and maxima of every kind of column,
//! empty sets, `having` (two-valued `ne`), orders by aggregates (empty ones last), overflowing sums
//! refused, and what cannot be computed exactly refused.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, TimeZone, Utc};
use orm_runtime::prelude::*;
use orm_runtime::sql::Backend;
use orm_tests::backend_test;
use rust_decimal::Decimal;

/// A sale.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "sales")]
pub struct Sale {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Region (lowercase ASCII: the same order under every collation).
    pub region: String,
    /// Units.
    pub units: i32,
    /// A refund, when there was one.
    pub refund: Option<i64>,
    /// Price (multiples of 0.25: sums are exact in binary floating point).
    pub price: f64,
    /// Amount.
    pub amount: Decimal,
    /// When.
    pub at: DateTime<Utc>,
    /// Flagged.
    pub flagged: bool,
}

fn schema() -> Schema {
    Schema::new().model::<Sale>()
}

const REGIONS: [&str; 4] = ["east", "north", "south", "west"];

fn rows() -> Vec<Sale> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let base = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    (1..=240)
        .map(|id| {
            let r = next();
            let units = (r % 1000) as i32;
            Sale {
                id,
                region: REGIONS[(r >> 10) as usize % 4].to_owned(),
                units,
                refund: ((r >> 20) % 3 == 0).then_some(((r >> 24) % 500) as i64),
                price: units as f64 * 0.25,
                amount: Decimal::new(((r >> 30) % 100_000) as i64, 2),
                at: base + Duration::minutes(((r >> 40) % 100_000) as i64),
                flagged: (r >> 50) % 4 == 0,
            }
        })
        .collect()
}

async fn seed(db: &Client) -> orm_runtime::Result<Vec<Sale>> {
    let rows = rows();
    Sale::create_many(rows.iter().map(|s| NewSale {
        id: s.id,
        region: s.region.clone(),
        units: s.units,
        refund: s.refund,
        price: s.price,
        amount: s.amount,
        at: s.at,
        flagged: s.flagged,
    }))
    .exec(db)
    .await?;
    Ok(rows)
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-12 * a.abs().max(1.0),
        (a, b) => a == b,
    }
}

backend_test!(
    aggregates_match_the_same_computation_in_rust,
    schema(),
    |db: Client| async move {
        let all = seed(&db).await?;
        let rows: Vec<&Sale> = all.iter().filter(|s| !s.flagged).collect();
        let (n, units, avg, refund_sum, refunds, regions, price, cheapest, dearest) =
            Sale::aggregate((
                Agg::count_rows(),
                Sale::UNITS.sum(),
                Sale::UNITS.avg(),
                Sale::REFUND.sum(),
                Sale::REFUND.count(),
                Sale::REGION.count_distinct(),
                Sale::PRICE.sum(),
                Sale::PRICE.min(),
                Sale::PRICE.max(),
            ))
            .filter(Sale::FLAGGED.eq(false))
            .exec(&db)
            .await?;
        let units_sum: i64 = rows.iter().map(|s| i64::from(s.units)).sum();
        assert_eq!(n, rows.len() as i64);
        assert_eq!(units, Some(units_sum));
        assert!(
            close(avg, Some(units_sum as f64 / rows.len() as f64)),
            "{avg:?}"
        );
        assert_eq!(refund_sum, Some(rows.iter().filter_map(|s| s.refund).sum()));
        assert_eq!(
            refunds,
            rows.iter().filter(|s| s.refund.is_some()).count() as i64
        );
        let distinct: BTreeSet<&str> = rows.iter().map(|s| s.region.as_str()).collect();
        assert_eq!(regions, distinct.len() as i64);
        assert_eq!(price, Some(rows.iter().map(|s| s.price).sum::<f64>()));
        assert_eq!(cheapest, rows.iter().map(|s| s.price).reduce(f64::min));
        assert_eq!(dearest, rows.iter().map(|s| s.price).reduce(f64::max));

        let (first, last, lo, hi) = Sale::aggregate((
            Sale::AT.min(),
            Sale::AT.max(),
            Sale::REGION.min(),
            Sale::REGION.max(),
        ))
        .exec(&db)
        .await?;
        assert_eq!(first, all.iter().map(|s| s.at).min());
        assert_eq!(last, all.iter().map(|s| s.at).max());
        assert_eq!(lo.as_deref(), all.iter().map(|s| s.region.as_str()).min());
        assert_eq!(hi.as_deref(), all.iter().map(|s| s.region.as_str()).max());

        // Decimals: exact where the backend has decimal arithmetic; refused on SQLite.
        let amounts = Sale::aggregate((Sale::AMOUNT.sum(), Sale::AMOUNT.max()))
            .exec(&db)
            .await;
        if db.backend() == Backend::Sqlite {
            assert!(
                matches!(&amounts, Err(Error::InvalidQuery(m)) if m.contains("decimals as text")),
                "{amounts:?}"
            );
        } else {
            let (sum, max) = amounts?;
            assert_eq!(sum, Some(all.iter().map(|s| s.amount).sum::<Decimal>()));
            assert_eq!(max, all.iter().map(|s| s.amount).max());
        }

        // An empty set: counts are 0, everything else is None.
        let empty = Sale::aggregate((
            Agg::count_rows(),
            Sale::UNITS.sum(),
            Sale::UNITS.avg(),
            Sale::AT.max(),
            Sale::REGION.count(),
        ))
        .filter(Sale::UNITS.lt(0))
        .exec(&db)
        .await?;
        assert_eq!(empty, (0, None, None, None, 0));
        Ok(())
    }
);

backend_test!(
    groups_match_the_same_grouping_in_rust,
    schema(),
    |db: Client| async move {
        let all = seed(&db).await?;
        // Per region: rows, units, the dearest price; groups of more than 40 rows; by units, most
        // first; the top 3.
        let got = Sale::group_by((Sale::REGION,))
            .select((Agg::count_rows(), Sale::UNITS.sum(), Sale::PRICE.max()))
            .having(Agg::count_rows().gt(40))
            .order_by(Sale::UNITS.sum().desc())
            .take(3)
            .exec(&db)
            .await?;
        let mut groups: BTreeMap<&str, (i64, i64, f64)> = BTreeMap::new();
        for s in &all {
            let g = groups.entry(&s.region).or_insert((0, 0, f64::MIN));
            g.0 += 1;
            g.1 += i64::from(s.units);
            g.2 = g.2.max(s.price);
        }
        type Group = ((String,), (i64, Option<i64>, Option<f64>));
        let mut want: Vec<Group> = groups
            .into_iter()
            .filter(|(_, g)| g.0 > 40)
            .map(|(r, g)| ((r.to_owned(),), (g.0, Some(g.1), Some(g.2))))
            .collect();
        want.sort_by(|a, b| b.1.1.cmp(&a.1.1).then(b.0.cmp(&a.0)));
        want.truncate(3);
        assert_eq!(got, want);

        // Two keys, ordered by the first; the second completes the order.
        let got = Sale::group_by((Sale::REGION, Sale::FLAGGED))
            .select(Agg::count_rows())
            .filter(Sale::UNITS.gte(100))
            .order_by(Sale::REGION.asc())
            .exec(&db)
            .await?;
        let mut counts: BTreeMap<(String, bool), i64> = BTreeMap::new();
        for s in all.iter().filter(|s| s.units >= 100) {
            *counts.entry((s.region.clone(), s.flagged)).or_default() += 1;
        }
        let want: Vec<((String, bool), i64)> = counts.into_iter().collect();
        assert_eq!(got, want);

        // skip, and having on an aggregate that is not selected.
        let got = Sale::group_by((Sale::REGION,))
            .having(Sale::REFUND.count().gte(1) & Agg::count_rows().lt(1000))
            .order_by(Sale::REGION.desc())
            .skip(1)
            .exec(&db)
            .await?;
        let mut regions: Vec<&str> = REGIONS.to_vec();
        regions.reverse();
        let want: Vec<((String,), ())> = regions[1..]
            .iter()
            .map(|r| (((*r).to_owned(),), ()))
            .collect();
        assert_eq!(got, want);
        Ok(())
    }
);

backend_test!(
    empty_aggregates_sort_last_and_ne_holds_for_them,
    schema(),
    |db: Client| async move {
        seed(&db).await?;
        // A region whose sales have no refund: its refund sum is empty.
        Sale::create_many((0..3).map(|i| NewSale {
            id: 1000 + i,
            region: "nowhere".into(),
            units: 1,
            refund: None,
            price: 0.25,
            amount: Decimal::ONE,
            at: Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap(),
            flagged: false,
        }))
        .exec(&db)
        .await?;
        for order in [Sale::REFUND.sum().asc(), Sale::REFUND.sum().desc()] {
            let got = Sale::group_by((Sale::REGION,))
                .select(Sale::REFUND.sum())
                .order_by(order)
                .exec(&db)
                .await?;
            assert_eq!(got.len(), 5);
            assert_eq!(got[4], (("nowhere".to_owned(),), None), "{got:?}");
        }
        // A nullable key: its NULL group sorts last on every backend.
        let got = Sale::group_by((Sale::REFUND,)).exec(&db).await?;
        assert_eq!(got.last().map(|((k,), ())| *k), Some(None));
        let got = Sale::group_by((Sale::REGION,))
            .select(Sale::REFUND.sum())
            .having(Sale::REFUND.sum().ne(-1))
            .exec(&db)
            .await?;
        assert_eq!(got.len(), 5, "ne is true for an empty sum: {got:?}");
        let got = Sale::group_by((Sale::REGION,))
            .select(Sale::REFUND.sum())
            .having(Sale::REFUND.sum().eq(-1))
            .exec(&db)
            .await?;
        assert!(got.is_empty());
        Ok(())
    }
);

backend_test!(
    overflowing_sums_and_ungrouped_orders_are_errors,
    schema(),
    |db: Client| async move {
        Sale::create_many((1..=2).map(|id| NewSale {
            id,
            region: "east".into(),
            units: i32::MAX,
            refund: Some(i64::MAX - 1),
            price: 1.0,
            amount: Decimal::ONE,
            at: Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap(),
            flagged: false,
        }))
        .exec(&db)
        .await?;
        // i32 sums widen: exact.
        let units = Sale::aggregate(Sale::UNITS.sum()).exec(&db).await?;
        assert_eq!(units, Some(2 * i64::from(i32::MAX)));
        // An i64 sum past i64::MAX is an error, never a wrapped or rounded value.
        let refunds = Sale::aggregate(Sale::REFUND.sum()).exec(&db).await;
        assert!(refunds.is_err(), "{refunds:?}");
        let refunds = db
            .transaction(|tx| async move {
                Sale::group_by((Sale::REGION,))
                    .select(Sale::REFUND.sum())
                    .exec(&tx)
                    .await
            })
            .await;
        assert!(refunds.is_err(), "{refunds:?}");
        // Groups ordered by a column they are not grouped by.
        let r = Sale::group_by((Sale::REGION,))
            .order_by(Sale::UNITS.asc())
            .exec(&db)
            .await;
        assert!(
            matches!(&r, Err(Error::InvalidQuery(m)) if m.contains("not grouped by")),
            "{r:?}"
        );
        Ok(())
    }
);
