//! Cursor pagination property: random rows with `NULL`s and many duplicates, random orders of one
//! to three keys, random page sizes.
//!
//! The semantics checked, on every backend, under both load strategies (`Join` and `Query`) with an
//! `include` of a relation:
//!
//! - `find_many().order_by(..)` returns the rows in the order of a Rust sort implementing the ORM's
//!   comparison: each term ascending or descending; `NULL` placed by `.nulls_first()` /
//!   `.nulls_last()`, or else by the backend's rule (PostgreSQL sorts `NULL` as the largest value,
//!   MySQL and SQLite as the smallest); text by code point; ties broken by the primary key in the
//!   direction of the last term (unless the key is an order term itself).
//! - Walking pages,
//!   `cursor(last.map(|id| Item::ID.eq(id))).skip(if cursor { 1 } else { 0 }).take(n)` with the
//!   last row of each page as the next cursor, visits every row exactly once, in that
//!   order (the cursor row is inclusive, hence the skip). An unknown cursor gives an empty page.
//! - `count()` of a query with a cursor (with and without `skip`/`take`) equals the number of rows
//!   the same query returns, and the number the oracle expects.
//! - The included relation is loaded on every row of every page.
//! - Ordering by a column of a to-one relation (`Item::OWNER.field(Owner::TIER)`) sorts by the
//!   related value; with a cursor it either paginates correctly or is refused with
//!   `Error::InvalidQuery` (by `exec` and `count` alike). Nothing panics.
//!
//! Two properties per backend, so that one defect does not hide the other:
//! `order_matches_the_oracle_*` checks the unpaginated order exactly;
//! `cursor_pages_match_the_order_*` checks the page walks (against the exact order) and the counts,
//! and the unpaginated read only for holding every row sorted by the terms (whatever the order of
//! rows tying on all of them).
//!
//! Rows are inserted in a random order, not by key, so that a missing tie-break shows. Cases:
//! `PROPTEST_CASES` (default [`DEFAULT_CASES`]) with a fixed seed; a failure is shrunk to a minimal
//! case and reported with the backend, the strategy, the order, the data and both orders. A panic
//! inside the ORM is caught (each query runs as its own task) and reported as a failure of the
//! query.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;

use orm_runtime::prelude::*;
use orm_runtime::query::OrderBy;
use orm_tests::{IsolatedDb, TestBackend};
use proptest::prelude::{TestCaseError, any, prop, prop_oneof};
use proptest::sample::Index;
use proptest::strategy::{BoxedStrategy, Just, Strategy as Gen};
use proptest::test_runner::{Config, RngSeed, TestError, TestRunner};

/// Cases per backend when `PROPTEST_CASES` is not set.
const DEFAULT_CASES: u32 = 64;
/// The fixed seed: every run checks the same cases.
const SEED: u64 = 0x9A6E_C0A5_0125;

/// The parent of the paginated rows.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "page_owners")]
pub struct Owner {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Nullable, with duplicates: what related orders sort by.
    pub tier: Option<i32>,
    /// The owner's items.
    #[orm(has_many)]
    pub items: HasMany<Item>,
}

/// The paginated rows.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "page_items")]
pub struct Item {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Non-null integer, few distinct values.
    pub a: i32,
    /// Nullable integer, few distinct values.
    pub b: Option<i32>,
    /// Nullable text, few distinct values.
    pub c: Option<String>,
    /// Non-null text, few distinct values.
    pub d: String,
    /// The owner.
    pub owner_id: i64,
    /// The owner row.
    #[orm(belongs_to(fk = owner_id))]
    pub owner: BelongsTo<Owner>,
}

fn schema() -> Schema {
    Schema::new().model::<Owner>().model::<Item>()
}

// ---------------------------------------------------------------------------------------------
// Orders.

/// What an order term sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    A,
    B,
    C,
    D,
    Id,
    /// `Item::OWNER.field(Owner::TIER)`.
    OwnerTier,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NullsAt {
    First,
    Last,
}

#[derive(Debug, Clone, Copy)]
struct Term {
    key: Key,
    desc: bool,
    nulls: Option<NullsAt>,
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.key {
            Key::A => f.write_str("Item::A")?,
            Key::B => f.write_str("Item::B")?,
            Key::C => f.write_str("Item::C")?,
            Key::D => f.write_str("Item::D")?,
            Key::Id => f.write_str("Item::ID")?,
            Key::OwnerTier => f.write_str("Item::OWNER.field(Owner::TIER)")?,
        }
        f.write_str(if self.desc { ".desc()" } else { ".asc()" })?;
        match self.nulls {
            Some(NullsAt::First) => f.write_str(".nulls_first()"),
            Some(NullsAt::Last) => f.write_str(".nulls_last()"),
            None => Ok(()),
        }
    }
}

fn show_order(terms: &[Term]) -> String {
    terms
        .iter()
        .map(|t| format!(".order_by({t})"))
        .collect::<String>()
}

fn order_by(t: &Term) -> OrderBy<Item> {
    macro_rules! dir {
        ($handle:expr) => {
            if t.desc {
                $handle.desc()
            } else {
                $handle.asc()
            }
        };
    }
    let o = match t.key {
        Key::A => dir!(Item::A),
        Key::B => dir!(Item::B),
        Key::C => dir!(Item::C),
        Key::D => dir!(Item::D),
        Key::Id => dir!(Item::ID),
        Key::OwnerTier => dir!(Item::OWNER.field(Owner::TIER)),
    };
    match t.nulls {
        Some(NullsAt::First) => o.nulls_first(),
        Some(NullsAt::Last) => o.nulls_last(),
        None => o,
    }
}

fn ordered(terms: &[Term]) -> orm_runtime::query::FindMany<Item> {
    terms
        .iter()
        .fold(Item::find_many(), |q, t| q.order_by(order_by(t)))
}

/// A sort key value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Sv {
    I(i64),
    S(String),
}

fn key_value(item: &Item, key: Key, tiers: &HashMap<i64, Option<i32>>) -> Option<Sv> {
    match key {
        Key::A => Some(Sv::I(item.a.into())),
        Key::B => item.b.map(|b| Sv::I(b.into())),
        Key::C => item.c.clone().map(Sv::S),
        Key::D => Some(Sv::S(item.d.clone())),
        Key::Id => Some(Sv::I(item.id)),
        Key::OwnerTier => tiers[&item.owner_id].map(|t| Sv::I(t.into())),
    }
}

/// Whether `NULL` sorts before every value for `t` on `backend`.
fn nulls_first(t: &Term, backend: TestBackend) -> bool {
    match t.nulls {
        Some(NullsAt::First) => true,
        Some(NullsAt::Last) => false,
        // PostgreSQL: NULL is the largest value; MySQL and SQLite: the smallest.
        None if backend == TestBackend::Postgres => t.desc,
        None => !t.desc,
    }
}

fn compare_term(t: &Term, a: &Option<Sv>, b: &Option<Sv>, backend: TestBackend) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (Some(a), Some(b)) if t.desc => b.cmp(a),
        (Some(a), Some(b)) => a.cmp(b),
        (None, Some(_)) if nulls_first(t, backend) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) if nulls_first(t, backend) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
    }
}

/// The order terms completed as the ORM completes them: the primary key in the direction of the
/// last term, unless it is a term already.
fn completed(terms: &[Term]) -> Vec<Term> {
    let mut all = terms.to_vec();
    if !terms.iter().any(|t| t.key == Key::Id) {
        all.push(Term {
            key: Key::Id,
            desc: terms.last().is_some_and(|t| t.desc),
            nulls: None,
        });
    }
    all
}

/// Compares two rows by `terms` (without the key tie-break).
fn compare_items(
    x: &Item,
    y: &Item,
    terms: &[Term],
    tiers: &HashMap<i64, Option<i32>>,
    backend: TestBackend,
) -> Ordering {
    terms
        .iter()
        .map(|t| {
            compare_term(
                t,
                &key_value(x, t.key, tiers),
                &key_value(y, t.key, tiers),
                backend,
            )
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// The oracle: the ids of `items` in the order `terms` defines on `backend`, ties broken by the
/// key.
fn oracle_order(
    items: &[Item],
    tiers: &HashMap<i64, Option<i32>>,
    terms: &[Term],
    backend: TestBackend,
) -> Vec<i64> {
    let terms = completed(terms);
    let mut sorted: Vec<&Item> = items.iter().collect();
    sorted.sort_by(|x, y| compare_items(x, y, &terms, tiers, backend));
    sorted.into_iter().map(|i| i.id).collect()
}

/// Whether `got` holds every row once, sorted by `terms` (rows tying on every term in any order).
fn sorted_by_terms(
    got: &[Item],
    items: &[Item],
    tiers: &HashMap<i64, Option<i32>>,
    terms: &[Term],
    backend: TestBackend,
) -> bool {
    let mut a = ids(got);
    a.sort_unstable();
    let mut b = ids(items);
    b.sort_unstable();
    a == b
        && got
            .windows(2)
            .all(|w| compare_items(&w[0], &w[1], terms, tiers, backend).is_le())
}

// ---------------------------------------------------------------------------------------------
// Cases.

#[derive(Debug, Clone)]
struct ItemData {
    a: i32,
    b: Option<i32>,
    c: Option<&'static str>,
    d: &'static str,
    owner: Index,
    /// Rows are inserted in the order of this key, not of their ids, so that the physical order
    /// of the table is not the key order.
    insert_at: u16,
}

#[derive(Debug, Clone)]
struct Case {
    tiers: Vec<Option<i32>>,
    items: Vec<ItemData>,
    order: Vec<Term>,
    page: u64,
    cursor_at: Index,
}

fn item_data() -> BoxedStrategy<ItemData> {
    (
        0..3i32,
        prop::option::weighted(0.6, 0..3i32),
        prop::option::weighted(
            0.7,
            prop::sample::select(vec!["", "a", "A", "b", "ab", "中"]),
        ),
        prop::sample::select(vec!["", "a", "b", "B"]),
        any::<Index>(),
        any::<u16>(),
    )
        .prop_map(|(a, b, c, d, owner, insert_at)| ItemData {
            a,
            b,
            c,
            d,
            owner,
            insert_at,
        })
        .boxed()
}

fn term() -> BoxedStrategy<Term> {
    let key = prop_oneof![
        2 => Just(Key::A),
        3 => Just(Key::B),
        3 => Just(Key::C),
        2 => Just(Key::D),
        1 => Just(Key::Id),
        1 => Just(Key::OwnerTier),
    ];
    let nulls = prop_oneof![
        2 => Just(None),
        1 => Just(Some(NullsAt::First)),
        1 => Just(Some(NullsAt::Last)),
    ];
    (key, any::<bool>(), nulls)
        .prop_map(|(key, desc, nulls)| Term { key, desc, nulls })
        .boxed()
}

fn case() -> impl Gen<Value = Case> {
    (
        prop::collection::vec(prop::option::weighted(0.6, 0..3i32), 1..=4),
        prop::collection::vec(item_data(), 0..=12),
        prop::collection::vec(term(), 1..=3),
        prop_oneof![1 => Just(1u64), 5 => 2..=8u64, 1 => Just(100u64)],
        any::<Index>(),
    )
        .prop_map(|(tiers, items, order, page, cursor_at)| Case {
            tiers,
            items,
            order,
            page,
            cursor_at,
        })
}

/// The rows a case stores, with the owners' tiers by owner id.
fn rows(case: &Case) -> (Vec<Item>, HashMap<i64, Option<i32>>) {
    let tiers: HashMap<i64, Option<i32>> = case
        .tiers
        .iter()
        .copied()
        .zip(1..)
        .map(|(t, id)| (id, t))
        .collect();
    let items = case
        .items
        .iter()
        .zip(1..)
        .map(|(d, id)| Item {
            id,
            a: d.a,
            b: d.b,
            c: d.c.map(str::to_owned),
            d: d.d.to_owned(),
            owner_id: d.owner.index(case.tiers.len()) as i64 + 1,
            owner: BelongsTo::default(),
        })
        .collect();
    (items, tiers)
}

fn show_data(items: &[Item], tiers: &HashMap<i64, Option<i32>>) -> String {
    let mut owners: Vec<_> = tiers.iter().collect();
    owners.sort();
    let mut out = format!(
        "owners (id: tier): {}\nitems:",
        owners
            .iter()
            .map(|(id, t)| format!("{id}: {t:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for i in items {
        out.push_str(&format!(
            "\n  id {}: a {}, b {:?}, c {:?}, d {:?}, owner {} (tier {:?})",
            i.id, i.a, i.b, i.c, i.d, i.owner_id, tiers[&i.owner_id]
        ));
    }
    if items.is_empty() {
        out.push_str(" (none)");
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Checks.

/// Runs `fut` as a task: a panic inside the ORM becomes an `Err` naming the query.
async fn guarded<T: Send + 'static>(
    what: &str,
    fut: impl Future<Output = orm_runtime::Result<T>> + Send + 'static,
) -> Result<orm_runtime::Result<T>, String> {
    match tokio::spawn(fut).await {
        Ok(r) => Ok(r),
        Err(e) if e.is_panic() => {
            let payload = e.into_panic();
            let msg = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            Err(format!("{what} panicked: {msg}"))
        }
        Err(e) => Err(format!("{what} did not finish: {e}")),
    }
}

fn ids(items: &[Item]) -> Vec<i64> {
    items.iter().map(|i| i.id).collect()
}

/// Every row has its owner loaded, and it is the right one.
fn check_owners(
    rows: &[Item],
    tiers: &HashMap<i64, Option<i32>>,
    what: &str,
) -> Result<(), String> {
    for r in rows {
        match r.owner.get() {
            Some(o) if o.id == r.owner_id && Some(&o.tier) == tiers.get(&o.id) => {}
            other => {
                return Err(format!(
                    "{what}: item {} has owner {:?} loaded, expected owner {} (tier {:?})",
                    r.id,
                    other.map(|o| (o.id, o.tier)),
                    r.owner_id,
                    tiers[&r.owner_id]
                ));
            }
        }
    }
    Ok(())
}

/// Whether an error is the refusal a cursor over a related order may give.
fn refused(e: &Error) -> bool {
    matches!(e, Error::InvalidQuery(_))
}

/// What the page walks exercised: asserted at the end of a run, so the generators cannot silently
/// stop producing cursors on `NULL`s or orders by a related column.
#[derive(Default)]
struct Coverage {
    walks: AtomicU64,
    null_cursors: AtomicU64,
    related_walks: AtomicU64,
    related_refused: AtomicU64,
}

impl Coverage {
    fn assert_meaningful(&self, backend: TestBackend) {
        let walks = self.walks.load(Relaxed);
        let null_cursors = self.null_cursors.load(Relaxed);
        let related_walks = self.related_walks.load(Relaxed);
        let related_refused = self.related_refused.load(Relaxed);
        eprintln!(
            "{backend:?}: {walks} complete page walks, {null_cursors} cursors on a row with a NULL \
             order key, {related_walks} walks over a related order, {related_refused} refused"
        );
        if cases() >= 32 {
            assert!(
                null_cursors > 0 && related_walks + related_refused > 0,
                "{backend:?}: the generated cases are too weak: {null_cursors} cursors on NULL, \
                 {related_walks} + {related_refused} walks over a related order"
            );
        }
    }
}

/// What a property checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The unpaginated order, exactly (with the key tie-break).
    Order,
    /// The page walks and the counts with a cursor.
    Pages,
}

/// The checks of `part` for one case; `Err` names the first failing query with the orders
/// compared.
async fn check_case(
    db: &Client,
    backend: TestBackend,
    case: &Case,
    part: Part,
    coverage: &Coverage,
) -> Result<(), String> {
    let (items, tiers) = rows(case);
    let ctx = |what: String| {
        format!(
            "{backend:?}: {what}\norder: {}\ndata:\n{}",
            show_order(&case.order),
            show_data(&items, &tiers)
        )
    };
    let fail = |what: String| Err(ctx(what));
    if let Err(e) = Item::delete_many().exec(db).await {
        return fail(format!("clearing the items failed: {e}"));
    }
    if let Err(e) = Owner::delete_many().exec(db).await {
        return fail(format!("clearing the owners failed: {e}"));
    }
    let owners = tiers.iter().map(|(&id, &tier)| NewOwner { id, tier });
    if let Err(e) = Owner::create_many(owners).exec(db).await {
        return fail(format!("inserting the owners failed: {e}"));
    }
    let mut insert: Vec<(u16, &Item)> =
        case.items.iter().map(|d| d.insert_at).zip(&items).collect();
    insert.sort_by_key(|(at, _)| *at);
    let new_items = insert.into_iter().map(|(_, i)| NewItem {
        id: i.id,
        a: i.a,
        b: i.b,
        c: i.c.clone(),
        d: i.d.clone(),
        owner_id: i.owner_id,
    });
    if let Err(e) = Item::create_many(new_items).exec(db).await {
        return fail(format!("inserting the items failed: {e}"));
    }

    let want = oracle_order(&items, &tiers, &case.order, backend);
    let related = case.order.iter().any(|t| t.key == Key::OwnerTier);
    let n = case.page;
    let order = show_order(&case.order);

    for strategy in [Strategy::Join, Strategy::Query] {
        // One unpaginated read. `Part::Order` checks it exactly; `Part::Pages` checks the rows
        // and their order by the terms, so that a wrong tie-break there does not hide the
        // pagination checks (the walk is compared with the exact order).
        let what = format!("find_many(){order}.include(Item::OWNER).strategy({strategy:?})");
        let q = ordered(&case.order).include(Item::OWNER).strategy(strategy);
        let all = match guarded(&what, exec_owned(q, db.clone()))
            .await
            .map_err(ctx)?
        {
            Ok(all) => all,
            Err(e) => return fail(format!("{what} failed: {e} ({e:?})")),
        };
        let good = match part {
            Part::Order => ids(&all) == want,
            Part::Pages => sorted_by_terms(&all, &items, &tiers, &case.order, backend),
        };
        if !good {
            return fail(format!(
                "{what} returned ids {:?}, the oracle's order is {want:?}",
                ids(&all)
            ));
        }
        if let Err(e) = check_owners(&all, &tiers, &what) {
            return fail(e);
        }
        if part == Part::Order {
            continue;
        }

        // The page walk.
        let mut seen: Vec<i64> = Vec::new();
        let mut cursor: Option<i64> = None;
        loop {
            let what = format!(
                "find_many(){order}.cursor({}).skip({}).take({n}).include(Item::OWNER).strategy({strategy:?})",
                cursor.map_or_else(|| "None".to_owned(), |c| format!("Some(Item::ID.eq({c}))")),
                u64::from(cursor.is_some()),
            );
            let q = ordered(&case.order)
                .cursor(cursor.map(|id| Item::ID.eq(id)))
                .skip(u64::from(cursor.is_some()))
                .take(n)
                .include(Item::OWNER)
                .strategy(strategy);
            let page = match guarded(&what, exec_owned(q, db.clone()))
                .await
                .map_err(ctx)?
            {
                Ok(page) => page,
                // A cursor over a related order may be refused (only once there is a cursor).
                Err(e) if related && cursor.is_some() && refused(&e) => {
                    coverage.related_refused.fetch_add(1, Relaxed);
                    break;
                }
                Err(e) => {
                    return fail(format!(
                        "{what} failed: {e} ({e:?}); pages so far: {seen:?}"
                    ));
                }
            };
            if let Err(e) = check_owners(&page, &tiers, &what) {
                return fail(e);
            }
            seen.extend(ids(&page));
            if seen.len() > items.len() {
                return fail(format!(
                    "{what}: the walk visited {} rows of {}: {seen:?}, expected {want:?}",
                    seen.len(),
                    items.len()
                ));
            }
            if (page.len() as u64) < n {
                if seen != want {
                    return fail(format!(
                        "walking pages of {n} ({what} was the last) visited {seen:?}, expected {want:?}"
                    ));
                }
                coverage.walks.fetch_add(1, Relaxed);
                if related {
                    coverage.related_walks.fetch_add(1, Relaxed);
                }
                break;
            }
            if let Some(last) = page.last()
                && case
                    .order
                    .iter()
                    .any(|t| key_value(last, t.key, &tiers).is_none())
            {
                coverage.null_cursors.fetch_add(1, Relaxed);
            }
            cursor = page.last().map(|i| i.id);
        }
    }

    if part == Part::Order {
        return Ok(());
    }

    // count() with a cursor equals the rows the same query returns, and the oracle's number.
    let cursors: Vec<(String, Option<usize>, i64)> = if want.is_empty() {
        vec![("an unknown id".to_owned(), None, 0)]
    } else {
        let pos = case.cursor_at.index(want.len());
        vec![
            (format!("row {}", want[pos]), Some(pos), want[pos]),
            ("an unknown id".to_owned(), None, 0),
        ]
    };
    for (name, pos, id) in cursors {
        for paged in [false, true] {
            let (skip, take) = if paged { (1, Some(n)) } else { (0, None) };
            let expected: Vec<i64> = match pos {
                None => Vec::new(),
                Some(p) => want[p..]
                    .iter()
                    .skip(skip)
                    .take(take.map_or(usize::MAX, |t| t as usize))
                    .copied()
                    .collect(),
            };
            let query = || {
                let q = ordered(&case.order).cursor(Item::ID.eq(id));
                if paged { q.skip(1).take(n) } else { q }
            };
            let what = format!(
                "find_many(){order}.cursor(Item::ID.eq({id})){} (cursor at {name})",
                if paged {
                    format!(".skip(1).take({n})")
                } else {
                    String::new()
                }
            );
            let rows = guarded(&what, exec_owned(query(), db.clone()))
                .await
                .map_err(ctx)?;
            let count = guarded(&format!("{what}.count()"), count_owned(query(), db.clone()))
                .await
                .map_err(ctx)?;
            match (rows, count) {
                (Ok(rows), Ok(count)) => {
                    if ids(&rows) != expected {
                        return fail(format!(
                            "{what} returned {:?}, expected {expected:?}",
                            ids(&rows)
                        ));
                    }
                    if count != rows.len() as i64 {
                        return fail(format!(
                            "{what}.count() = {count}, but the query returns {} rows (expected {})",
                            rows.len(),
                            expected.len()
                        ));
                    }
                }
                (Err(a), Err(b)) if related && refused(&a) && refused(&b) => {}
                (rows, count) => {
                    return fail(format!(
                        "{what}: exec gave {:?}, count() gave {count:?}; expected {expected:?}",
                        rows.map(|r| ids(&r))
                    ));
                }
            }
        }
    }
    Ok(())
}

/// `exec` owning the query and the client, so that it can run as its own task.
async fn exec_owned(
    q: orm_runtime::query::FindMany<Item>,
    db: Client,
) -> orm_runtime::Result<Vec<Item>> {
    q.exec(&db).await
}

/// `count` owning the query and the client, so that it can run as its own task.
async fn count_owned(
    q: orm_runtime::query::FindMany<Item>,
    db: Client,
) -> orm_runtime::Result<i64> {
    q.count(&db).await
}

// ---------------------------------------------------------------------------------------------
// The harness.

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn run_property(backend: TestBackend, part: Part) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let (db, client) = rt.block_on(async {
        let db = IsolatedDb::create(backend).await;
        let client = Client::connect(&db.url)
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: cannot connect to {}: {e}", db.url));
        schema()
            .push(&client)
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: cannot create the schema: {e}"));
        (db, client)
    });
    let config = Config {
        cases: cases(),
        rng_seed: RngSeed::Fixed(SEED),
        failure_persistence: None,
        max_shrink_iters: 2048,
        max_shrink_time: 60_000,
        ..Config::default()
    };
    let coverage = Coverage::default();
    let mut runner = TestRunner::new(config);
    let result = runner.run(&case(), |case| {
        rt.block_on(check_case(&client, backend, &case, part, &coverage))
            .map_err(TestCaseError::fail)
    });
    match result {
        Ok(()) if part == Part::Pages => coverage.assert_meaningful(backend),
        Ok(()) => {}
        Err(TestError::Fail(reason, case)) => panic!(
            "{backend:?}: {part:?} failed; minimal failing case:\n{}\npage size {}, case {case:?}",
            reason.message(),
            case.page
        ),
        Err(e) => panic!("{backend:?}: {e}"),
    }
    rt.block_on(async {
        client.close().await;
        db.cleanup().await;
    });
}

macro_rules! per_backend {
    ($($(#[$cfg:meta])* $name:ident => $backend:expr, $part:expr;)*) => {$(
        $(#[$cfg])*
        #[test]
        fn $name() {
            run_property($backend, $part);
        }
    )*};
}

per_backend! {
    order_matches_the_oracle_on_sqlite => TestBackend::Sqlite, Part::Order;
    cursor_pages_match_the_order_on_sqlite => TestBackend::Sqlite, Part::Pages;
    #[cfg(orm_postgres)]
    order_matches_the_oracle_on_postgres => TestBackend::Postgres, Part::Order;
    #[cfg(orm_postgres)]
    cursor_pages_match_the_order_on_postgres => TestBackend::Postgres, Part::Pages;
    #[cfg(orm_mysql)]
    order_matches_the_oracle_on_mysql => TestBackend::MySql, Part::Order;
    #[cfg(orm_mysql)]
    cursor_pages_match_the_order_on_mysql => TestBackend::MySql, Part::Pages;
}
