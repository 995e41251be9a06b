//! Filter oracle: random rows full of hostile strings and extreme numbers, random filters, and the
//! rows every backend returns compared with the same predicate evaluated in Rust over the stored
//! rows.
//!
//! The semantics checked (the ORM's contract, implemented by [`eval`]):
//!
//! - Two-valued logic: every filter is true or false for a row; `!f` matches exactly the rows `f`
//!   does not match, rows with `NULL`s included.
//! - `eq(v)` and `lt`/`lte`/`gt`/`gte` with a value are false when the column is `NULL`;
//!   `eq(None)` is `IS NULL`, `ne(None)` is `IS NOT NULL`; `ne(v)` is `!eq(v)` (it matches `NULL`).
//! - `in_(list)` matches the listed values, and `NULL` when the list holds `None`; `in_([])`
//!   matches nothing; `not_in(list)` is `!in_(list)` (so `not_in([])` matches everything).
//! - Text compares by Unicode code point (Rust's `str` order) and equality is exact: `"pad"` is not
//!   `"pad "`.
//! - `contains` / `starts_with` / `ends_with` match literal text of any content and any length
//!   (`%`, `_`, `\`, `*`, `?`, `[` are not wildcards); an empty pattern matches every non-`NULL`
//!   value.
//! - `.insensitive()` folds ASCII letters in every text comparison and match inside the filter
//!   (`in_` stays exact). The data has no non-ASCII cased letters (CJK, emoji and combining marks
//!   have no case).
//! - Floats: `-0.0 == 0.0`; no NaN (MySQL and SQLite cannot store it).
//!
//! Then the writes: `update_many().filter(f).set(..)` and `delete_many().filter(f)` report and
//! touch exactly the rows the oracle selects. A sentinel table with fixed rows must be unchanged after
//! every case: no value was ever executed as SQL.
//!
//! PostgreSQL text cannot hold NUL: its data set has none, and [`postgres_refuses_nul`] asserts the
//! ORM refuses one with [`Error::InvalidValue`]. MySQL `TEXT` holds at most 65,535 bytes and
//! `VARCHAR(191)` 191 characters, so the MySQL data set stays within them, and
//! [`mysql_refuses_oversized_text`] asserts a longer value is refused rather than truncated.
//!
//! Cases: `PROPTEST_CASES` (default [`DEFAULT_CASES`]), with a fixed seed, so every run checks the
//! same cases; a failure is shrunk to a minimal case (by proptest, then by [`minimise`], which can
//! remove rows once the filters' values are frozen), reported with the backend, the filter, the
//! data and the differing row sets. A run also asserts that its filters were meaningful (enough of
//! them selected a proper subset of the rows, and long patterns matched long values).

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fmt;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;

use orm_runtime::model::Column;
use orm_runtime::prelude::*;
use orm_runtime::types::{FieldType, IntoValue, Ordered};
use orm_tests::{IsolatedDb, TestBackend};
use proptest::prelude::{TestCaseError, any, prop, prop_oneof};
use proptest::sample::Index;
use proptest::strategy::{BoxedStrategy, Just, Strategy as Gen, Union};
use proptest::test_runner::{Config, RngSeed, TestError, TestRunner};

/// Cases per backend when `PROPTEST_CASES` is not set.
const DEFAULT_CASES: u32 = 96;
/// The fixed seed: every run checks the same cases.
const SEED: u64 = 0x0DDB_A11F_11E5;

/// The rows under test.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "oracle_rows")]
pub struct Row {
    /// Key, given explicitly.
    #[orm(id)]
    pub id: i64,
    /// Non-null text (`VARCHAR(191)` on MySQL).
    pub name: String,
    /// Nullable text.
    pub note: Option<String>,
    /// Long text.
    #[orm(db_type = "TEXT")]
    pub body: String,
    /// 32-bit integer.
    pub num: i32,
    /// Nullable 64-bit integer.
    pub big: Option<i64>,
    /// Double.
    pub ratio: f64,
    /// Boolean.
    pub flag: bool,
}

/// Fixed rows that nothing may change.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "oracle_sentinel")]
pub struct Sentinel {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// A label.
    pub label: String,
}

const SENTINELS: [&str; 4] = [
    "sentinel",
    "'; DROP TABLE oracle_rows; --",
    "\"; DELETE FROM oracle_sentinel; --",
    "`; UPDATE oracle_sentinel SET label = 'x'; --",
];

fn schema() -> Schema {
    Schema::new().model::<Row>().model::<Sentinel>()
}

// ---------------------------------------------------------------------------------------------
// The data each backend can hold.

/// The hostile alphabet: strings are concatenations of these.
const TOKENS: &[&str] = &[
    "a",
    "",
    " ",
    "pad",
    "pad ",
    "  ",
    "%",
    "_",
    "\\",
    "'",
    "\"",
    "`",
    "*",
    "?",
    "[",
    "]",
    "^",
    "$",
    "%_",
    "\\%",
    "a%b",
    "a_b",
    "[a-z]",
    "'; DROP TABLE oracle_sentinel; --",
    "\"; DELETE FROM oracle_sentinel; --",
    "\t",
    "\n",
    "\r\n",
    "A",
    "b",
    "B",
    "z",
    "Z",
    "0",
    "9",
    "中",
    "文",
    "😀",
    "\u{301}",
    "e\u{301}",
];

/// NUL, for the backends whose text can hold it.
const NUL_TOKENS: &[&str] = &["\0", "a\0b"];

/// What a backend's columns can hold.
#[derive(Debug, Clone, Copy)]
struct Profile {
    /// Text may contain NUL (not on PostgreSQL).
    nul: bool,
    /// The length, in bytes, of the long values of the `TEXT` column.
    long_text: usize,
}

impl Profile {
    fn of(backend: TestBackend) -> Profile {
        match backend {
            TestBackend::Postgres => Profile {
                nul: false,
                long_text: 100_000,
            },
            // MySQL TEXT holds 65,535 bytes.
            TestBackend::MySql => Profile {
                nul: true,
                long_text: 60_000,
            },
            TestBackend::Sqlite => Profile {
                nul: true,
                long_text: 100_000,
            },
        }
    }

    fn tokens(self) -> Vec<&'static str> {
        let mut t = TOKENS.to_vec();
        if self.nul {
            t.extend_from_slice(NUL_TOKENS);
        }
        t
    }
}

/// The length of a long `contains` pattern (SQLite's LIKE/GLOB patterns are limited to 50,000
/// bytes by default).
const LONG_PATTERN: usize = 60_000;
/// MySQL `VARCHAR(191)`.
const VARCHAR: usize = 191;

/// `unit` repeated to about `bytes` bytes.
fn repeat_to(unit: &str, bytes: usize) -> String {
    unit.repeat((bytes / unit.len().max(1)).max(1))
}

fn token(p: Profile) -> impl Gen<Value = &'static str> + Clone {
    prop::sample::select(p.tokens())
}

fn nonempty_token(p: Profile) -> impl Gen<Value = &'static str> + Clone {
    prop::sample::select(
        p.tokens()
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>(),
    )
}

/// A short hostile string (at most 4 tokens: well within `VARCHAR(191)`).
fn short_string(p: Profile) -> BoxedStrategy<String> {
    prop::collection::vec(token(p), 0..=4)
        .prop_map(|t| t.concat())
        .boxed()
}

/// A string for a `VARCHAR(191)` column: mostly short, sometimes exactly 191 characters.
fn varchar_string(p: Profile) -> BoxedStrategy<String> {
    prop_oneof![
        12 => short_string(p),
        1 => nonempty_token(p).prop_map(|u| u.chars().cycle().take(VARCHAR).collect()),
    ]
    .boxed()
}

/// About `bytes` bytes of hostile tokens, picked by a pseudo-random sequence from `seed`.
///
/// Not one token repeated: a periodic 100 kB value makes PostgreSQL's `LIKE '%…'` backtrack for
/// seconds per row (quadratic), which would make the run too slow without testing more.
fn noise(seed: u64, bytes: usize, p: Profile) -> String {
    let tokens = p.tokens();
    let mut state = seed | 1;
    let mut out = String::with_capacity(bytes + 64);
    while out.len() < bytes {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        out.push_str(tokens[(state >> 33) as usize % tokens.len()]);
    }
    out
}

/// A string for the `TEXT` column: mostly short, sometimes `head + noise + tail` of about
/// `long_text` bytes.
fn text_string(p: Profile) -> BoxedStrategy<String> {
    prop_oneof![
        3 => short_string(p),
        1 => (short_string(p), any::<u64>(), short_string(p))
            .prop_map(move |(h, seed, t)| format!("{h}{}{t}", noise(seed, p.long_text, p))),
    ]
    .boxed()
}

fn int32() -> BoxedStrategy<i32> {
    prop_oneof![
        prop::sample::select(vec![0, 1, -1, 2, 42, i32::MIN, i32::MAX, i32::MIN + 1]),
        any::<i32>(),
    ]
    .boxed()
}

fn int64() -> BoxedStrategy<i64> {
    prop_oneof![
        prop::sample::select(vec![
            0,
            1,
            -1,
            42,
            i64::MIN,
            i64::MAX,
            i64::from(i32::MAX) + 1,
            i64::from(i32::MIN) - 1,
        ]),
        any::<i64>(),
    ]
    .boxed()
}

/// Finite doubles, zeros of both signs, subnormals and extremes; never NaN or infinite.
fn float64() -> BoxedStrategy<f64> {
    prop_oneof![
        prop::sample::select(vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.5,
            1.5,
            -2.5,
            1e300,
            -1e300,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::MIN,
        ]),
        prop::num::f64::NORMAL | prop::num::f64::ZERO,
    ]
    .boxed()
}

/// One generated row (the key is its position).
#[derive(Clone)]
struct RowData {
    name: String,
    note: Option<String>,
    body: String,
    num: i32,
    big: Option<i64>,
    ratio: f64,
    flag: bool,
}

impl fmt::Debug for RowData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&show_fields(
            &self.name,
            self.note.as_deref(),
            &self.body,
            self.num,
            self.big,
            self.ratio,
            self.flag,
        ))
    }
}

fn row_data(p: Profile) -> BoxedStrategy<RowData> {
    (
        varchar_string(p),
        prop::option::weighted(0.75, varchar_string(p)),
        text_string(p),
        int32(),
        prop::option::weighted(0.75, int64()),
        float64(),
        any::<bool>(),
    )
        .prop_map(|(name, note, body, num, big, ratio, flag)| RowData {
            name,
            note,
            body,
            num,
            big,
            ratio,
            flag,
        })
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// Filters.

/// A column of [`Row`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    Note,
    Body,
    Num,
    Big,
    Ratio,
    Flag,
}

impl Col {
    const ALL: [Col; 7] = [
        Col::Name,
        Col::Note,
        Col::Body,
        Col::Num,
        Col::Big,
        Col::Ratio,
        Col::Flag,
    ];

    fn handle(self) -> &'static str {
        match self {
            Col::Name => "NAME",
            Col::Note => "NOTE",
            Col::Body => "BODY",
            Col::Num => "NUM",
            Col::Big => "BIG",
            Col::Ratio => "RATIO",
            Col::Flag => "FLAG",
        }
    }

    fn is_text(self) -> bool {
        matches!(self, Col::Name | Col::Note | Col::Body)
    }

    fn ordered(self) -> bool {
        self != Col::Flag
    }
}

/// A value of some column (`Null` only for nullable columns).
#[derive(Debug, Clone, PartialEq)]
enum V {
    Null,
    S(String),
    I(i32),
    L(i64),
    F(f64),
    B(bool),
}

impl fmt::Display for V {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            V::Null => f.write_str("None"),
            V::S(s) => f.write_str(&show(s)),
            V::I(i) => write!(f, "{i}"),
            V::L(l) => write!(f, "{l}"),
            V::F(x) => write!(f, "{x:?}"),
            V::B(b) => write!(f, "{b}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::Lt => "lt",
            Op::Lte => "lte",
            Op::Gt => "gt",
            Op::Gte => "gte",
        }
    }

    fn holds(self, o: Ordering) -> bool {
        match self {
            Op::Eq => o == Ordering::Equal,
            Op::Ne => o != Ordering::Equal,
            Op::Lt => o == Ordering::Less,
            Op::Lte => o != Ordering::Greater,
            Op::Gt => o == Ordering::Greater,
            Op::Gte => o != Ordering::Less,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LikeOp {
    Contains,
    StartsWith,
    EndsWith,
}

impl LikeOp {
    fn name(self) -> &'static str {
        match self {
            LikeOp::Contains => "contains",
            LikeOp::StartsWith => "starts_with",
            LikeOp::EndsWith => "ends_with",
        }
    }
}

/// A resolved filter: what the ORM is asked, and what [`eval`] evaluates.
#[derive(Debug, Clone)]
enum Spec {
    Cmp(Col, Op, V),
    In(Col, Vec<V>, bool),
    Like(Col, LikeOp, String),
    Null(Col, bool),
    And(Vec<Spec>),
    Or(Vec<Spec>),
    Not(Box<Spec>),
    Insensitive(Box<Spec>),
}

/// Renders the filter as the Rust expression that builds it.
impl fmt::Display for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Spec::Cmp(c, op, v) => write!(f, "Row::{}.{}({v})", c.handle(), op.name()),
            Spec::In(c, vs, negated) => {
                let list: Vec<String> = vs.iter().map(V::to_string).collect();
                let name = if *negated { "not_in" } else { "in_" };
                write!(f, "Row::{}.{name}([{}])", c.handle(), list.join(", "))
            }
            Spec::Like(c, op, p) => write!(f, "Row::{}.{}({})", c.handle(), op.name(), show(p)),
            Spec::Null(c, negated) => {
                let name = if *negated { "is_not_null" } else { "is_null" };
                write!(f, "Row::{}.{name}()", c.handle())
            }
            Spec::And(list) | Spec::Or(list) => {
                let sep = if matches!(self, Spec::And(_)) {
                    " & "
                } else {
                    " | "
                };
                let parts: Vec<String> = list.iter().map(Spec::to_string).collect();
                write!(f, "({})", parts.join(sep))
            }
            Spec::Not(inner) => write!(f, "!({inner})"),
            Spec::Insensitive(inner) => write!(f, "({inner}).insensitive()"),
        }
    }
}

/// How a filter value is taken from a row's value.
#[derive(Debug, Clone)]
enum Cut {
    Whole,
    Prefix(Index),
    Suffix(Index),
    Middle(Index, Index),
    /// ASCII case swapped (strings), the negation (floats).
    Swap,
}

/// A filter value before resolution: a literal, or taken from one of the rows (so that filters hit
/// the data).
#[derive(Debug, Clone)]
enum Arg {
    Lit(V),
    Pick(Index, Cut),
}

/// A `contains`/`starts_with`/`ends_with` pattern before resolution.
#[derive(Debug, Clone)]
enum Pat {
    Arg(Arg),
    /// A token repeated to [`LONG_PATTERN`] bytes.
    Long(&'static str),
    /// A window of about [`LONG_PATTERN`] bytes of a row's long value (a long value of its own
    /// when the row's is short).
    Window(Index, Index),
}

/// A generated filter; [`resolve`] turns it into a [`Spec`] against the rows.
#[derive(Debug, Clone)]
enum G {
    Cmp(Col, Op, Arg),
    In(Col, Vec<Arg>, bool),
    Like(Col, LikeOp, Pat),
    Null(Col, bool),
    And(Vec<G>),
    Or(Vec<G>),
    Not(Box<G>),
    Insensitive(Box<G>),
}

fn lit(col: Col, p: Profile) -> BoxedStrategy<V> {
    match col {
        Col::Name => varchar_string(p).prop_map(V::S).boxed(),
        Col::Body => text_string(p).prop_map(V::S).boxed(),
        Col::Note => prop_oneof![1 => Just(V::Null), 4 => varchar_string(p).prop_map(V::S)].boxed(),
        Col::Num => int32().prop_map(V::I).boxed(),
        Col::Big => prop_oneof![1 => Just(V::Null), 4 => int64().prop_map(V::L)].boxed(),
        Col::Ratio => float64().prop_map(V::F).boxed(),
        Col::Flag => any::<bool>().prop_map(V::B).boxed(),
    }
}

fn cut() -> BoxedStrategy<Cut> {
    prop_oneof![
        3 => Just(Cut::Whole),
        1 => any::<Index>().prop_map(Cut::Prefix),
        1 => any::<Index>().prop_map(Cut::Suffix),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Cut::Middle(a, b)),
        1 => Just(Cut::Swap),
    ]
    .boxed()
}

fn arg(col: Col, p: Profile) -> BoxedStrategy<Arg> {
    prop_oneof![
        lit(col, p).prop_map(Arg::Lit),
        (any::<Index>(), cut()).prop_map(|(i, c)| Arg::Pick(i, c)),
    ]
    .boxed()
}

fn leaf_for(col: Col, p: Profile) -> BoxedStrategy<G> {
    let ops = if col.ordered() {
        vec![Op::Eq, Op::Ne, Op::Lt, Op::Lte, Op::Gt, Op::Gte]
    } else {
        vec![Op::Eq, Op::Ne]
    };
    let cmp = (prop::sample::select(ops), arg(col, p))
        .prop_map(move |(op, a)| G::Cmp(col, op, a))
        .boxed();
    let in_ = (prop::collection::vec(arg(col, p), 0..=4), any::<bool>())
        .prop_map(move |(list, negated)| G::In(col, list, negated))
        .boxed();
    let null = any::<bool>()
        .prop_map(move |negated| G::Null(col, negated))
        .boxed();
    if col.is_text() {
        let like_op =
            prop::sample::select(vec![LikeOp::Contains, LikeOp::StartsWith, LikeOp::EndsWith]);
        let pat = prop_oneof![
            6 => arg(col, p).prop_map(Pat::Arg),
            1 => nonempty_token(p).prop_map(Pat::Long),
            2 => (any::<Index>(), any::<Index>()).prop_map(|(r, at)| Pat::Window(r, at)),
        ];
        let like = (like_op, pat)
            .prop_map(move |(op, pat)| G::Like(col, op, pat))
            .boxed();
        prop_oneof![3 => cmp, 2 => in_, 3 => like, 1 => null].boxed()
    } else {
        prop_oneof![3 => cmp, 2 => in_, 1 => null].boxed()
    }
}

/// Text matching with a long pattern on the `TEXT` column.
fn long_like() -> BoxedStrategy<G> {
    let op = prop::sample::select(vec![LikeOp::Contains, LikeOp::StartsWith, LikeOp::EndsWith]);
    (op, any::<Index>(), any::<Index>())
        .prop_map(|(op, row, at)| G::Like(Col::Body, op, Pat::Window(row, at)))
        .boxed()
}

fn filter(p: Profile) -> BoxedStrategy<G> {
    let leaves = Col::ALL
        .map(|c| (2, leaf_for(c, p)))
        .into_iter()
        .chain([(1, long_like())]);
    let leaf = Union::new_weighted(leaves.collect()).boxed();
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..=3).prop_map(G::And),
            prop::collection::vec(inner.clone(), 2..=3).prop_map(G::Or),
            inner.clone().prop_map(|g| G::Not(Box::new(g))),
            inner.prop_map(|g| G::Insensitive(Box::new(g))),
        ]
    })
    .boxed()
}

/// One case: the rows, the filters read with, and the writes.
#[derive(Clone)]
struct Case {
    rows: Vec<RowData>,
    reads: Vec<G>,
    update: G,
    set_num: i32,
    set_note: Option<String>,
    delete: G,
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Case")
            .field("rows", &self.rows)
            .field("reads", &self.reads)
            .field("update", &self.update)
            .field("set_num", &self.set_num)
            .field("set_note", &self.set_note.as_deref().map(show))
            .field("delete", &self.delete)
            .finish()
    }
}

fn case(p: Profile) -> impl Gen<Value = Case> {
    (
        prop::collection::vec(row_data(p), 0..=10),
        prop::collection::vec(filter(p), 1..=3),
        filter(p),
        int32(),
        prop::option::of(varchar_string(p)),
        filter(p),
    )
        .prop_map(|(rows, reads, update, set_num, set_note, delete)| Case {
            rows,
            reads,
            update,
            set_num,
            set_note,
            delete,
        })
}

// ---------------------------------------------------------------------------------------------
// Resolution, the oracle, and the ORM filter.

fn value(r: &Row, col: Col) -> V {
    match col {
        Col::Name => V::S(r.name.clone()),
        Col::Note => r.note.clone().map_or(V::Null, V::S),
        Col::Body => V::S(r.body.clone()),
        Col::Num => V::I(r.num),
        Col::Big => r.big.map_or(V::Null, V::L),
        Col::Ratio => V::F(r.ratio),
        Col::Flag => V::B(r.flag),
    }
}

fn cut_text(s: &str, cut: &Cut) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    match cut {
        Cut::Whole => s.to_owned(),
        Cut::Prefix(i) => chars[..i.index(n + 1)].iter().collect(),
        Cut::Suffix(i) => chars[n - i.index(n + 1)..].iter().collect(),
        Cut::Middle(a, b) => {
            let start = a.index(n + 1);
            let len = b.index(n - start + 1);
            chars[start..start + len].iter().collect()
        }
        Cut::Swap => s
            .chars()
            .map(|c| {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect(),
    }
}

fn resolve_arg(col: Col, a: &Arg, rows: &[Row]) -> V {
    match a {
        Arg::Lit(v) => v.clone(),
        Arg::Pick(_, _) if rows.is_empty() => default_value(col),
        Arg::Pick(i, cut) => match (value(&rows[i.index(rows.len())], col), cut) {
            (V::S(s), cut) => V::S(cut_text(&s, cut)),
            (V::I(x), Cut::Prefix(_)) => V::I(x.saturating_sub(1)),
            (V::I(x), Cut::Suffix(_)) => V::I(x.saturating_add(1)),
            (V::L(x), Cut::Prefix(_)) => V::L(x.saturating_sub(1)),
            (V::L(x), Cut::Suffix(_)) => V::L(x.saturating_add(1)),
            (V::F(x), Cut::Swap) => V::F(-x),
            (v, _) => v,
        },
    }
}

/// About [`LONG_PATTERN`] bytes (nine tenths of the value when shorter: MySQL's long values are
/// 60 kB) of one of the rows' long values of `col`: its start for `starts_with`, its end for
/// `ends_with`, from `at` for `contains`. Without long values, a short value repeated.
fn window(col: Col, op: LikeOp, rows: &[Row], row: &Index, at: &Index) -> String {
    let texts: Vec<String> = rows
        .iter()
        .filter_map(|r| match value(r, col) {
            V::S(s) => Some(s),
            _ => None,
        })
        .collect();
    let long: Vec<&String> = texts
        .iter()
        .filter(|s| s.len() >= LONG_PATTERN / 2)
        .collect();
    if long.is_empty() {
        let unit = texts
            .iter()
            .find(|s| !s.is_empty())
            .map_or("a", String::as_str);
        return repeat_to(unit, LONG_PATTERN);
    }
    let chars: Vec<char> = long[row.index(long.len())].chars().collect();
    let len = LONG_PATTERN.min(chars.len() * 9 / 10);
    let start = match op {
        LikeOp::StartsWith => 0,
        LikeOp::EndsWith => chars.len() - len,
        LikeOp::Contains => at.index(chars.len() - len + 1),
    };
    chars[start..start + len].iter().collect()
}

/// A non-null value of the column (what an ordered comparison uses in place of `NULL`).
fn default_value(col: Col) -> V {
    match col {
        Col::Name | Col::Note | Col::Body => V::S(String::new()),
        Col::Num => V::I(0),
        Col::Big => V::L(0),
        Col::Ratio => V::F(0.0),
        Col::Flag => V::B(false),
    }
}

fn resolve(g: &G, rows: &[Row]) -> Spec {
    match g {
        G::Cmp(col, op, a) => {
            let mut v = resolve_arg(*col, a, rows);
            // Ordered comparisons take a value; `NULL` is for `eq`/`ne`.
            if v == V::Null && !matches!(op, Op::Eq | Op::Ne) {
                v = default_value(*col);
            }
            Spec::Cmp(*col, *op, v)
        }
        G::In(col, list, negated) => Spec::In(
            *col,
            list.iter().map(|a| resolve_arg(*col, a, rows)).collect(),
            *negated,
        ),
        G::Like(col, op, pat) => {
            let pattern = match pat {
                Pat::Arg(a) => match resolve_arg(*col, a, rows) {
                    V::S(s) => s,
                    _ => String::new(),
                },
                Pat::Long(unit) => repeat_to(unit, LONG_PATTERN),
                Pat::Window(row, at) => window(*col, *op, rows, row, at),
            };
            Spec::Like(*col, *op, pattern)
        }
        G::Null(col, negated) => Spec::Null(*col, *negated),
        G::And(list) => Spec::And(list.iter().map(|g| resolve(g, rows)).collect()),
        G::Or(list) => Spec::Or(list.iter().map(|g| resolve(g, rows)).collect()),
        G::Not(inner) => Spec::Not(Box::new(resolve(inner, rows))),
        G::Insensitive(inner) => Spec::Insensitive(Box::new(resolve(inner, rows))),
    }
}

/// Compares two non-null values of one column; text by code point, ASCII-folded when insensitive.
fn compare(a: &V, b: &V, insensitive: bool) -> Ordering {
    match (a, b) {
        (V::S(a), V::S(b)) if insensitive => a.to_ascii_lowercase().cmp(&b.to_ascii_lowercase()),
        (V::S(a), V::S(b)) => a.as_str().cmp(b.as_str()),
        (V::I(a), V::I(b)) => a.cmp(b),
        (V::L(a), V::L(b)) => a.cmp(b),
        (V::F(a), V::F(b)) => a.partial_cmp(b).expect("no NaN in the data"),
        (V::B(a), V::B(b)) => a.cmp(b),
        (a, b) => panic!("oracle: cannot compare {a:?} with {b:?}"),
    }
}

/// The oracle: whether `spec` holds for `r` under the ORM's semantics (two-valued logic).
fn eval(spec: &Spec, r: &Row, insensitive: bool) -> bool {
    match spec {
        Spec::Cmp(col, op, v) => {
            let x = value(r, *col);
            match (op, v) {
                (Op::Eq, V::Null) => x == V::Null,
                (Op::Ne, V::Null) => x != V::Null,
                (Op::Ne, v) => !eval(&Spec::Cmp(*col, Op::Eq, v.clone()), r, insensitive),
                (op, v) => x != V::Null && op.holds(compare(&x, v, insensitive && col.is_text())),
            }
        }
        Spec::In(col, list, negated) => {
            let x = value(r, *col);
            let hit = list.iter().any(|v| match (&x, v) {
                (V::Null, V::Null) => true,
                (V::Null, _) | (_, V::Null) => false,
                (x, v) => compare(x, v, false) == Ordering::Equal,
            });
            hit != *negated
        }
        Spec::Like(col, op, pattern) => {
            let V::S(text) = value(r, *col) else {
                return false;
            };
            let (text, pattern) = if insensitive {
                (text.to_ascii_lowercase(), pattern.to_ascii_lowercase())
            } else {
                (text, pattern.clone())
            };
            match op {
                LikeOp::Contains => text.contains(&pattern),
                LikeOp::StartsWith => text.starts_with(&pattern),
                LikeOp::EndsWith => text.ends_with(&pattern),
            }
        }
        Spec::Null(col, negated) => (value(r, *col) == V::Null) != *negated,
        Spec::And(list) => list.iter().all(|s| eval(s, r, insensitive)),
        Spec::Or(list) => list.iter().any(|s| eval(s, r, insensitive)),
        Spec::Not(inner) => !eval(inner, r, insensitive),
        Spec::Insensitive(inner) => eval(inner, r, true),
    }
}

fn ordered<T: FieldType + Ordered>(
    column: Column<Row, T>,
    op: Op,
    v: impl IntoValue<T>,
) -> Filter<Row> {
    match op {
        Op::Eq => column.eq(v),
        Op::Ne => column.ne(v),
        Op::Lt => column.lt(v),
        Op::Lte => column.lte(v),
        Op::Gt => column.gt(v),
        Op::Gte => column.gte(v),
    }
}

fn text(v: &V) -> &str {
    match v {
        V::S(s) => s,
        v => panic!("not text: {v:?}"),
    }
}

fn opt_text(v: &V) -> Option<String> {
    match v {
        V::Null => None,
        v => Some(text(v).to_owned()),
    }
}

fn opt_i64(v: &V) -> Option<i64> {
    match v {
        V::Null => None,
        V::L(l) => Some(*l),
        v => panic!("not an i64: {v:?}"),
    }
}

fn i32_of(v: &V) -> i32 {
    match v {
        V::I(i) => *i,
        v => panic!("not an i32: {v:?}"),
    }
}

fn f64_of(v: &V) -> f64 {
    match v {
        V::F(x) => *x,
        v => panic!("not an f64: {v:?}"),
    }
}

fn bool_of(v: &V) -> bool {
    match v {
        V::B(b) => *b,
        v => panic!("not a bool: {v:?}"),
    }
}

/// The ORM filter for `spec`.
fn build(spec: &Spec) -> Filter<Row> {
    match spec {
        Spec::Cmp(col, op, v) => match col {
            Col::Name => ordered(Row::NAME, *op, text(v)),
            Col::Body => ordered(Row::BODY, *op, text(v)),
            Col::Note => ordered(Row::NOTE, *op, opt_text(v)),
            Col::Num => ordered(Row::NUM, *op, i32_of(v)),
            Col::Big => ordered(Row::BIG, *op, opt_i64(v)),
            Col::Ratio => ordered(Row::RATIO, *op, f64_of(v)),
            Col::Flag => match op {
                Op::Eq => Row::FLAG.eq(bool_of(v)),
                Op::Ne => Row::FLAG.ne(bool_of(v)),
                op => panic!("no {op:?} on a bool column"),
            },
        },
        Spec::In(col, list, negated) => {
            macro_rules! list {
                ($column:expr, $conv:expr) => {{
                    let values = list.iter().map($conv);
                    if *negated {
                        $column.not_in(values)
                    } else {
                        $column.in_(values)
                    }
                }};
            }
            match col {
                Col::Name => list!(Row::NAME, text),
                Col::Body => list!(Row::BODY, text),
                Col::Note => list!(Row::NOTE, opt_text),
                Col::Num => list!(Row::NUM, i32_of),
                Col::Big => list!(Row::BIG, opt_i64),
                Col::Ratio => list!(Row::RATIO, f64_of),
                Col::Flag => list!(Row::FLAG, bool_of),
            }
        }
        Spec::Like(col, op, pattern) => {
            macro_rules! like {
                ($column:expr) => {
                    match op {
                        LikeOp::Contains => $column.contains(pattern),
                        LikeOp::StartsWith => $column.starts_with(pattern),
                        LikeOp::EndsWith => $column.ends_with(pattern),
                    }
                };
            }
            match col {
                Col::Name => like!(Row::NAME),
                Col::Note => like!(Row::NOTE),
                Col::Body => like!(Row::BODY),
                col => panic!("no text matching on {col:?}"),
            }
        }
        Spec::Null(col, negated) => {
            macro_rules! null {
                ($column:expr) => {
                    if *negated {
                        $column.is_not_null()
                    } else {
                        $column.is_null()
                    }
                };
            }
            match col {
                Col::Name => null!(Row::NAME),
                Col::Note => null!(Row::NOTE),
                Col::Body => null!(Row::BODY),
                Col::Num => null!(Row::NUM),
                Col::Big => null!(Row::BIG),
                Col::Ratio => null!(Row::RATIO),
                Col::Flag => null!(Row::FLAG),
            }
        }
        Spec::And(list) => list
            .iter()
            .map(build)
            .reduce(|a, b| a & b)
            .unwrap_or_else(Filter::all),
        Spec::Or(list) => list
            .iter()
            .map(build)
            .reduce(|a, b| a | b)
            .unwrap_or_else(Filter::none),
        Spec::Not(inner) => !build(inner),
        Spec::Insensitive(inner) => build(inner).insensitive(),
    }
}

// ---------------------------------------------------------------------------------------------
// Reporting.

/// A string as a Rust literal, abbreviated when long.
fn show(s: &str) -> String {
    let n = s.chars().count();
    if n <= 80 {
        return format!("{s:?}");
    }
    let head: String = s.chars().take(24).collect();
    let tail: String = s.chars().skip(n - 24).collect();
    format!("{head:?}…{tail:?} ({n} chars, {} bytes)", s.len())
}

fn show_fields(
    name: &str,
    note: Option<&str>,
    body: &str,
    num: i32,
    big: Option<i64>,
    ratio: f64,
    flag: bool,
) -> String {
    format!(
        "{{name: {}, note: {}, body: {}, num: {num}, big: {big:?}, ratio: {ratio:?}, flag: {flag}}}",
        show(name),
        note.map_or_else(|| "None".to_owned(), show),
        show(body),
    )
}

fn show_row(r: &Row) -> String {
    format!(
        "id {}: {}",
        r.id,
        show_fields(
            &r.name,
            r.note.as_deref(),
            &r.body,
            r.num,
            r.big,
            r.ratio,
            r.flag
        )
    )
}

fn show_rows(rows: &[Row]) -> String {
    if rows.is_empty() {
        return "  (no rows)".to_owned();
    }
    rows.iter()
        .map(|r| format!("  {}", show_row(r)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn ids(rows: &[Row]) -> BTreeSet<i64> {
    rows.iter().map(|r| r.id).collect()
}

/// The differing row sets of a mismatch.
fn diff(expected: &BTreeSet<i64>, got: &BTreeSet<i64>) -> String {
    let missing: Vec<_> = expected.difference(got).collect();
    let extra: Vec<_> = got.difference(expected).collect();
    format!("expected ids {expected:?}, got {got:?} (missing {missing:?}, unexpected {extra:?})")
}

// ---------------------------------------------------------------------------------------------
// One case.

fn new_row(id: i64, d: &RowData) -> NewRow {
    NewRow {
        id,
        name: d.name.clone(),
        note: d.note.clone(),
        body: d.body.clone(),
        num: d.num,
        big: d.big,
        ratio: d.ratio,
        flag: d.flag,
    }
}

fn stored(d: &RowData, id: i64) -> Row {
    Row {
        id,
        name: d.name.clone(),
        note: d.note.clone(),
        body: d.body.clone(),
        num: d.num,
        big: d.big,
        ratio: d.ratio,
        flag: d.flag,
    }
}

async fn all_rows(db: &Client) -> Result<Vec<Row>, String> {
    Row::find_many()
        .order_by(Row::ID.asc())
        .exec(db)
        .await
        .map_err(|e| format!("reading the table failed: {e} ({e:?})"))
}

async fn check_sentinel(db: &Client, when: &str) -> Result<(), String> {
    let got = Sentinel::find_many()
        .order_by(Sentinel::ID.asc())
        .exec(db)
        .await
        .map_err(|e| format!("{when}: reading the sentinel table failed: {e} ({e:?})"))?;
    let want: Vec<Sentinel> = sentinels();
    if got != want {
        return Err(format!(
            "{when}: the sentinel table changed: {got:?}, expected {want:?}"
        ));
    }
    Ok(())
}

fn sentinels() -> Vec<Sentinel> {
    SENTINELS
        .iter()
        .zip(1..)
        .map(|(label, id)| Sentinel {
            id,
            label: (*label).to_owned(),
        })
        .collect()
}

/// How often the generated filters select a proper, non-empty subset of the rows: asserted at the
/// end of a run, so the generators cannot silently degrade into filters that match all or nothing.
#[derive(Default)]
struct Coverage {
    reads: AtomicU64,
    proper_reads: AtomicU64,
    writes: AtomicU64,
    proper_writes: AtomicU64,
    long_matches: AtomicU64,
}

impl Coverage {
    fn record(&self, write: bool, selected: usize, of: usize) {
        let (all, proper) = if write {
            (&self.writes, &self.proper_writes)
        } else {
            (&self.reads, &self.proper_reads)
        };
        all.fetch_add(1, Relaxed);
        if selected > 0 && selected < of {
            proper.fetch_add(1, Relaxed);
        }
    }

    /// Counts the long patterns in `spec` that match one of `rows`.
    fn record_long(&self, spec: &Spec, rows: &[Row]) {
        match spec {
            Spec::Like(_, _, p)
                if p.len() >= LONG_PATTERN / 2 && rows.iter().any(|r| eval(spec, r, false)) =>
            {
                self.long_matches.fetch_add(1, Relaxed);
            }
            Spec::And(list) | Spec::Or(list) => list.iter().for_each(|s| self.record_long(s, rows)),
            Spec::Not(inner) | Spec::Insensitive(inner) => self.record_long(inner, rows),
            _ => {}
        }
    }

    /// Panics unless at least a fifth of the reads and a tenth of the writes selected a proper
    /// subset, and a long pattern matched a long value.
    fn assert_meaningful(&self, backend: TestBackend) {
        let (reads, proper_reads) = (self.reads.load(Relaxed), self.proper_reads.load(Relaxed));
        let (writes, proper_writes) = (self.writes.load(Relaxed), self.proper_writes.load(Relaxed));
        let long = self.long_matches.load(Relaxed);
        eprintln!(
            "{backend:?}: {proper_reads} of {reads} reads and {proper_writes} of {writes} writes \
             selected a proper non-empty subset of the rows; {long} long patterns matched"
        );
        if reads >= 200 {
            assert!(
                proper_reads * 5 >= reads && proper_writes * 10 >= writes && long > 0,
                "{backend:?}: the generated filters are too weak: only {proper_reads} of {reads} \
                 reads and {proper_writes} of {writes} writes selected a proper subset, {long} \
                 long patterns matched"
            );
        }
    }
}

/// Runs one case; `Err` lists every mismatch, with the data.
async fn check_case(
    db: &Client,
    backend: TestBackend,
    case: &Case,
    coverage: &Coverage,
) -> Result<(), String> {
    let fail = |what: String, rows: &[Row]| {
        Err(format!(
            "{backend:?}: {what}\ndata ({} rows):\n{}",
            rows.len(),
            show_rows(rows)
        ))
    };
    Row::delete_many()
        .exec(db)
        .await
        .map_err(|e| format!("{backend:?}: clearing the table failed: {e} ({e:?})"))?;
    let expected: Vec<Row> = case
        .rows
        .iter()
        .zip(1..)
        .map(|(d, id)| stored(d, id))
        .collect();
    if let Err(e) = Row::create_many(case.rows.iter().zip(1..).map(|(d, id)| new_row(id, d)))
        .exec(db)
        .await
    {
        return fail(format!("create_many failed: {e} ({e:?})"), &expected);
    }
    let rows = all_rows(db)
        .await
        .map_err(|e| format!("{backend:?}: {e}"))?;
    if rows != expected {
        return fail(
            format!(
                "the stored rows differ from the inserted ones; stored:\n{}",
                show_rows(&rows)
            ),
            &expected,
        );
    }

    // Reads: every filter with `find_many` and `count`, and its negation with `find_many`.
    let mut mismatches = Vec::new();
    for g in &case.reads {
        let spec = resolve(g, &rows);
        coverage.record_long(&spec, &rows);
        for (negated, spec) in [(false, spec.clone()), (true, Spec::Not(Box::new(spec)))] {
            let want: BTreeSet<i64> = rows
                .iter()
                .filter(|r| eval(&spec, r, false))
                .map(|r| r.id)
                .collect();
            coverage.record(false, want.len(), rows.len());
            match Row::find_many().filter(build(&spec)).exec(db).await {
                Ok(got) if ids(&got) == want => {}
                Ok(got) => mismatches.push(format!(
                    "find_many().filter({spec}): {}",
                    diff(&want, &ids(&got))
                )),
                Err(e) => mismatches.push(format!(
                    "find_many().filter({spec}) failed: {e} ({e:?}); expected ids {want:?}"
                )),
            }
            if negated {
                continue;
            }
            match Row::count().filter(build(&spec)).exec(db).await {
                Ok(n) if n == want.len() as i64 => {}
                Ok(n) => mismatches.push(format!(
                    "count().filter({spec}) = {n}, expected {} (ids {want:?})",
                    want.len()
                )),
                Err(e) => mismatches.push(format!("count().filter({spec}) failed: {e} ({e:?})")),
            }
        }
    }
    if !mismatches.is_empty() {
        return fail(mismatches.join("\n"), &rows);
    }

    // update_many: exactly the rows the oracle selects.
    let spec = resolve(&case.update, &rows);
    let want: BTreeSet<i64> = rows
        .iter()
        .filter(|r| eval(&spec, r, false))
        .map(|r| r.id)
        .collect();
    coverage.record(true, want.len(), rows.len());
    let what = format!(
        "update_many().filter({spec}).set(Row::NUM, {}).set(Row::NOTE, {})",
        case.set_num,
        case.set_note.as_deref().map_or_else(|| "None".into(), show)
    );
    match Row::update_many()
        .filter(build(&spec))
        .set(Row::NUM, case.set_num)
        .set(Row::NOTE, case.set_note.clone())
        .exec(db)
        .await
    {
        Ok(n) if n == want.len() as u64 => {}
        Ok(n) => mismatches.push(format!(
            "{what} reported {n} rows, expected {} (ids {want:?})",
            want.len()
        )),
        Err(e) => mismatches.push(format!("{what} failed: {e} ({e:?})")),
    }
    let updated: Vec<Row> = rows
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if want.contains(&r.id) {
                r.num = case.set_num;
                r.note = case.set_note.clone();
            }
            r
        })
        .collect();
    let after = all_rows(db)
        .await
        .map_err(|e| format!("{backend:?}: {e}"))?;
    if after != updated {
        mismatches.push(format!(
            "after {what} (expected to change ids {want:?}) the table is:\n{}\nexpected:\n{}",
            show_rows(&after),
            show_rows(&updated)
        ));
    }
    if !mismatches.is_empty() {
        return fail(mismatches.join("\n"), &rows);
    }

    // delete_many: exactly the rows the oracle selects, over the updated rows.
    let rows = after;
    let spec = resolve(&case.delete, &rows);
    let (gone, kept): (Vec<Row>, Vec<Row>) =
        rows.iter().cloned().partition(|r| eval(&spec, r, false));
    coverage.record(true, gone.len(), rows.len());
    match Row::delete_many().filter(build(&spec)).exec(db).await {
        Ok(n) if n == gone.len() as u64 => {}
        Ok(n) => mismatches.push(format!(
            "delete_many().filter({spec}) reported {n} rows, expected {} (ids {:?})",
            gone.len(),
            ids(&gone)
        )),
        Err(e) => mismatches.push(format!("delete_many().filter({spec}) failed: {e} ({e:?})")),
    }
    let after = all_rows(db)
        .await
        .map_err(|e| format!("{backend:?}: {e}"))?;
    if after != kept {
        mismatches.push(format!(
            "after delete_many().filter({spec}): {}",
            diff(&ids(&kept), &ids(&after))
        ));
    }
    if !mismatches.is_empty() {
        return fail(mismatches.join("\n"), &rows);
    }
    check_sentinel(db, &format!("{backend:?}: after the case"))
        .await
        .map_err(|e| format!("{e}\ndata:\n{}", show_rows(&rows)))
}

// ---------------------------------------------------------------------------------------------
// The harness.

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A fresh database of `backend` with the schema and the sentinel rows.
async fn setup(backend: TestBackend) -> (IsolatedDb, Client) {
    let db = IsolatedDb::create(backend).await;
    let client = Client::connect(&db.url)
        .await
        .unwrap_or_else(|e| panic!("{backend:?}: cannot connect to {}: {e}", db.url));
    schema()
        .push(&client)
        .await
        .unwrap_or_else(|e| panic!("{backend:?}: cannot create the schema: {e}"));
    Sentinel::create_many(sentinels().into_iter().map(|s| NewSentinel {
        id: s.id,
        label: s.label,
    }))
    .exec(&client)
    .await
    .unwrap_or_else(|e| panic!("{backend:?}: cannot insert the sentinel rows: {e}"));
    (db, client)
}

async fn teardown(db: IsolatedDb, client: Client) {
    client.close().await;
    db.cleanup().await;
}

/// `spec` as a generated filter with literal values only.
fn literal(spec: &Spec) -> G {
    let lit = |v: &V| Arg::Lit(v.clone());
    match spec {
        Spec::Cmp(c, op, v) => G::Cmp(*c, *op, lit(v)),
        Spec::In(c, list, negated) => G::In(*c, list.iter().map(lit).collect(), *negated),
        Spec::Like(c, op, p) => G::Like(*c, *op, Pat::Arg(Arg::Lit(V::S(p.clone())))),
        Spec::Null(c, negated) => G::Null(*c, *negated),
        Spec::And(list) => G::And(list.iter().map(literal).collect()),
        Spec::Or(list) => G::Or(list.iter().map(literal).collect()),
        Spec::Not(inner) => G::Not(Box::new(literal(inner))),
        Spec::Insensitive(inner) => G::Insensitive(Box::new(literal(inner))),
    }
}

/// The case with every value taken from a row replaced by that value, so that rows can be removed
/// without changing the filters.
fn freeze(case: &Case) -> Case {
    let rows: Vec<Row> = case
        .rows
        .iter()
        .zip(1..)
        .map(|(d, id)| stored(d, id))
        .collect();
    let update = resolve(&case.update, &rows);
    let updated: Vec<Row> = rows
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if eval(&update, &r, false) {
                r.num = case.set_num;
                r.note = case.set_note.clone();
            }
            r
        })
        .collect();
    Case {
        reads: case
            .reads
            .iter()
            .map(|g| literal(&resolve(g, &rows)))
            .collect(),
        update: literal(&update),
        delete: literal(&resolve(&case.delete, &updated)),
        ..case.clone()
    }
}

/// The filters one step simpler than `g`: its operands, and the filter matching nothing.
fn simpler_filters(g: &G) -> Vec<G> {
    let nothing = G::Null(Col::Name, false);
    let mut out = match g {
        G::And(list) | G::Or(list) => list.clone(),
        G::Not(inner) | G::Insensitive(inner) => vec![(**inner).clone()],
        _ => Vec::new(),
    };
    if !matches!(g, G::Null(Col::Name, false)) {
        out.push(nothing);
    }
    out
}

/// The cases one step simpler than `case` (frozen): a row, a read or an operand fewer, a field of
/// a row emptied.
fn simpler_cases(case: &Case) -> Vec<Case> {
    let mut out = Vec::new();
    for i in 0..case.rows.len() {
        let mut c = case.clone();
        c.rows.remove(i);
        out.push(c);
    }
    for i in 0..case.reads.len() {
        if case.reads.len() > 1 {
            let mut c = case.clone();
            c.reads.remove(i);
            out.push(c);
        }
        for g in simpler_filters(&case.reads[i]) {
            let mut c = case.clone();
            c.reads[i] = g;
            out.push(c);
        }
    }
    for g in simpler_filters(&case.update) {
        out.push(Case {
            update: g,
            ..case.clone()
        });
    }
    for g in simpler_filters(&case.delete) {
        out.push(Case {
            delete: g,
            ..case.clone()
        });
    }
    for i in 0..case.rows.len() {
        let r = &case.rows[i];
        let plain = RowData {
            name: String::new(),
            note: None,
            body: String::new(),
            num: 0,
            big: None,
            ratio: 0.0,
            flag: false,
        };
        let variants = [
            RowData {
                name: String::new(),
                ..r.clone()
            },
            RowData {
                note: None,
                ..r.clone()
            },
            RowData {
                body: String::new(),
                ..r.clone()
            },
            RowData {
                num: 0,
                ..r.clone()
            },
            RowData {
                big: None,
                ..r.clone()
            },
            RowData {
                ratio: 0.0,
                ..r.clone()
            },
            RowData {
                flag: false,
                ..r.clone()
            },
            plain,
        ];
        for v in variants {
            if format!("{v:?}") != format!("{r:?}") {
                let mut c = case.clone();
                c.rows[i] = v;
                out.push(c);
            }
        }
    }
    out
}

/// Shrinks the failing case further than proptest can (its filters take values from the rows, so
/// proptest cannot remove rows without changing them): freezes the values, then removes rows,
/// reads, operands and field values while the case still fails. Returns the last failure.
async fn minimise(db: &Client, backend: TestBackend, case: Case, failure: String) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let coverage = Coverage::default();
    let mut case = freeze(&case);
    let Err(mut failure) = check_case(db, backend, &case, &coverage).await else {
        return failure;
    };
    'outer: while std::time::Instant::now() < deadline {
        for candidate in simpler_cases(&case) {
            if let Err(f) = check_case(db, backend, &candidate, &coverage).await {
                case = candidate;
                failure = f;
                continue 'outer;
            }
        }
        break;
    }
    failure
}

/// Runs the property on `backend`: panics with the minimal failing case.
fn run_oracle(backend: TestBackend) {
    let rt = runtime();
    let (db, client) = rt.block_on(setup(backend));
    let config = Config {
        cases: cases(),
        rng_seed: RngSeed::Fixed(SEED),
        failure_persistence: None,
        max_shrink_iters: 2048,
        max_shrink_time: 40_000,
        ..Config::default()
    };
    let coverage = Coverage::default();
    let mut runner = TestRunner::new(config);
    let result = runner.run(&case(Profile::of(backend)), |case| {
        rt.block_on(check_case(&client, backend, &case, &coverage))
            .map_err(TestCaseError::fail)
    });
    match result {
        Ok(()) => coverage.assert_meaningful(backend),
        Err(TestError::Fail(reason, case)) => {
            let failure = rt.block_on(minimise(
                &client,
                backend,
                case,
                reason.message().to_owned(),
            ));
            panic!("{backend:?}: filter oracle failed; minimal failing case:\n{failure}")
        }
        Err(e) => panic!("{backend:?}: {e}"),
    }
    rt.block_on(async {
        check_sentinel(&client, &format!("{backend:?}: at the end"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        teardown(db, client).await;
    });
}

macro_rules! per_backend {
    ($($(#[$cfg:meta])* $name:ident => $backend:expr;)*) => {$(
        $(#[$cfg])*
        #[test]
        fn $name() {
            run_oracle($backend);
        }
    )*};
}

per_backend! {
    filters_match_the_oracle_on_sqlite => TestBackend::Sqlite;
    #[cfg(orm_postgres)]
    filters_match_the_oracle_on_postgres => TestBackend::Postgres;
    #[cfg(orm_mysql)]
    filters_match_the_oracle_on_mysql => TestBackend::MySql;
}

/// PostgreSQL text cannot hold NUL: every write of one is refused with `InvalidValue`, nothing is
/// stored altered, and a filter on one is refused or matches nothing.
#[cfg(orm_postgres)]
#[test]
fn postgres_refuses_nul() {
    let rt = runtime();
    rt.block_on(async {
        let (db, client) = setup(TestBackend::Postgres).await;
        let base = RowData {
            name: "ok".into(),
            note: None,
            body: String::new(),
            num: 1,
            big: None,
            ratio: 0.0,
            flag: false,
        };
        Row::create(new_row(1, &base))
            .exec(&client)
            .await
            .expect("a row without NUL is stored");
        let nul_rows = [
            RowData {
                name: "a\0b".into(),
                ..base.clone()
            },
            RowData {
                note: Some("\0".into()),
                ..base.clone()
            },
            RowData {
                body: "long\0".repeat(1000),
                ..base.clone()
            },
        ];
        for (i, d) in nul_rows.iter().enumerate() {
            let id = 10 + i as i64;
            match Row::create(new_row(id, d)).exec(&client).await {
                Err(Error::InvalidValue { .. }) => {}
                other => panic!("postgres: create({d:?}) must be InvalidValue, got {other:?}"),
            }
            match Row::create_many([new_row(id, &base), new_row(id + 100, d)])
                .exec(&client)
                .await
            {
                Err(Error::InvalidValue { .. }) => {}
                other => panic!("postgres: create_many(.., {d:?}) must be InvalidValue, got {other:?}"),
            }
        }
        match Row::update_many()
            .set(Row::NAME, "x\0")
            .exec(&client)
            .await
        {
            Err(Error::InvalidValue { .. }) => {}
            other => panic!("postgres: update_many().set(NAME, \"x\\0\") must be InvalidValue, got {other:?}"),
        }
        let rows = all_rows(&client).await.unwrap_or_else(|e| panic!("postgres: {e}"));
        assert_eq!(
            rows,
            vec![stored(&base, 1)],
            "postgres: a refused write changed the table"
        );
        for f in [
            Row::NAME.eq("a\0b"),
            Row::NOTE.contains("\0"),
            Row::NAME.in_(["\0", "ok"]),
        ] {
            match Row::find_many().filter(f.clone()).exec(&client).await {
                Err(Error::InvalidValue { .. }) => {}
                Ok(rows) if rows.is_empty() => {}
                other => panic!(
                    "postgres: a filter with NUL must be refused or match nothing: {f:?} gave {other:?}"
                ),
            }
        }
        check_sentinel(&client, "postgres: after the NUL writes")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        teardown(db, client).await;
    });
}

/// MySQL `TEXT` holds 65,535 bytes: a longer value is refused with `InvalidValue`, not truncated.
#[cfg(orm_mysql)]
#[test]
fn mysql_refuses_oversized_text() {
    let rt = runtime();
    rt.block_on(async {
        let (db, client) = setup(TestBackend::MySql).await;
        let d = RowData {
            name: "ok".into(),
            note: None,
            body: "x".repeat(100_000),
            num: 1,
            big: None,
            ratio: 0.0,
            flag: false,
        };
        match Row::create(new_row(1, &d)).exec(&client).await {
            Err(Error::InvalidValue { .. }) => {}
            other => panic!(
                "mysql: a 100 kB TEXT value must be InvalidValue, got {:?}",
                other.map(|r| show_row(&r))
            ),
        }
        let rows = all_rows(&client)
            .await
            .unwrap_or_else(|e| panic!("mysql: {e}"));
        assert!(
            rows.is_empty(),
            "mysql: a refused write stored {}",
            show_rows(&rows)
        );
        teardown(db, client).await;
    });
}
