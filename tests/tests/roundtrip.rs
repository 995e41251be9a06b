//! The round-trip property suite.
//!
//! **Contract:** a value is read back exactly, or refused on create with
//! [`Error::InvalidValue`] and nothing is stored — never altered, truncated, or turned into `NULL`.
//!
//! Every column type (nullable and not) has its own pair of tables: a `Parent` and a `Child` whose
//! `v` column is `T` and whose `n` column is `Option<T>`. Each value `x` (the hand-picked edges of
//! the type, then proptest-generated batches) is written twice:
//!
//! * row A (`v = x`, `n = None`) with `create_many(..).and_return()` (one row at a time with
//!   `create` when the batch is refused), and
//! * row B (`v = baseline`, `n = Some(x)`) with `create`,
//!
//! and every row that was stored is read back four ways, each a separate decode path: what the
//! write returned, `find_unique` by key, `find_many` filtered with `eq` on the value's own column
//! (the bound value must compare equal to the stored one, and must match no other value), and the
//! parent's `include(Parent::CHILDREN)` under `Strategy::Query` and `Strategy::Join` (the child row
//! aggregated into JSON on the server). A refusal must be `Error::InvalidValue` naming the field
//! (when it names one) and must leave the row count unchanged.
//!
//! "Exactly": floats by bit pattern (any NaN equals any NaN; `-0.0` may come back as `0.0`, which
//! MariaDB and SQLite store without a sign — the two are `==`); decimals by value, in their
//! canonical scale (every backend reads them back normalised: `1.50` as `1.5`); JSON by
//! `serde_json::Value` equality (so `i64::MAX` must not come back as a float, nor a float as an
//! integer); date-times to the nanosecond.
//!
//! Each edge value carries an expectation per backend ([`Hold`]): `Must` (the column holds it, so
//! refusing it fails the test), `Cannot` (the column cannot hold it, so storing it fails the test)
//! or `Either`. Storing a value altered fails the test whatever the expectation. Every failure is
//! collected, so one run lists all of them; the test panics at the end with the list (and prints
//! what each edge did, so `--nocapture` shows the table below as observed).
//!
//! # What each backend cannot hold
//!
//! The values the ORM must refuse with `InvalidValue` (the `Cannot` expectations; anything else
//! must come back exactly):
//!
//! | Column type | PostgreSQL 15 | MariaDB 10.11 | SQLite |
//! |---|---|---|---|
//! | `f32`, `f64` | — | NaN, ±inf | NaN |
//! | `String` (`VARCHAR(191)` on MariaDB) | NUL (`U+0000`) | more than 191 characters | — |
//! | `String` as `TEXT` | NUL | more than 65 535 bytes | — |
//! | `DateTime<Utc>`, `NaiveDateTime` | before 4714-11-24 BC (`-4713-11-24`); sub-microsecond nanoseconds; leap seconds | years before 1 or after 9999; sub-microsecond nanoseconds; leap seconds | — |
//! | `NaiveDate` | before 4714-11-24 BC | years before 1 or after 9999 | — |
//! | `NaiveTime` | sub-microsecond nanoseconds; leap seconds | sub-microsecond nanoseconds; leap seconds | — |
//! | `serde_json::Value` | `"\u0000"` in a string or a key | nesting deeper than 31 levels (`JSON_VALID`) | — |
//! | `Json<T>` | what `serde_json` cannot write (NaN or ±inf floats, maps with non-string keys); NUL in a string | what `serde_json` cannot write | what `serde_json` cannot write |
//!
//! Every backend holds the rest: bools, integers from `MIN` to `MAX`, every other float (PostgreSQL
//! also NaN, ±inf and `-0.0`), bytes of every value and length, decimals from `Decimal::MIN` to
//! `Decimal::MAX` at every scale, UUIDs, enums, every Unicode scalar value `U+0001..=U+10FFFF`
//! (checked in chunks that fit MariaDB's `TEXT`), PostgreSQL dates and times from 4714 BC to
//! chrono's last year, MariaDB's from 1000-01-01 to 9999-12-31, SQLite's from year 0 to 9999, JSON
//! numbers up to `u64::MAX` and `f64::MAX`.
//!
//! `Either` (refusing it and keeping it exactly both pass): `-0.0` in a MariaDB or SQLite float
//! column; years 1 to 999 on MariaDB (documented as unsupported; the ORM refuses them); on SQLite,
//! which stores date-times as text, years outside 0..=9999, sub-microsecond nanoseconds and leap
//! seconds (the ORM refuses the years and the leap seconds); JSON nested deeper than 100 levels
//! (`serde_json` reads at most 128); `-0.0` inside a `Json<T>` on PostgreSQL (a `jsonb` number has
//! no negative zero).
//!
//! `PROPTEST_CASES` sets the number of generated batches per column type (default
//! [`DEFAULT_CASES`]); the seed is fixed, so a run is reproducible.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::panic::AssertUnwindSafe;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use orm_runtime::prelude::*;
use orm_tests::{IsolatedDb, TestBackend};
use proptest::prelude::{Just, any, prop_oneof};
use proptest::strategy::{BoxedStrategy, Strategy as _};
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

/// Generated batches per column type when `PROPTEST_CASES` is not set.
const DEFAULT_CASES: u32 = 10;
/// Values per generated batch, at most.
const BATCH: usize = 6;
/// Edge values written per batch.
const EDGE_BATCH: usize = 12;

// ---------------------------------------------------------------------------------------------
// Expectations and exact comparison
// ---------------------------------------------------------------------------------------------

/// What a backend's column can do with a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Hold {
    /// The column cannot hold it: it must be refused with `InvalidValue`.
    Cannot,
    /// Refusing it and keeping it exactly both pass.
    Either,
    /// The column holds it: it must be stored and read back exactly.
    Must,
}

/// The weakest of two expectations (a date-time is held when its date and its time are).
fn weakest(a: Hold, b: Hold) -> Hold {
    a.min(b)
}

/// Exact comparison of a column value with what came back.
trait Exact: Clone + Debug + Send + Sync + 'static {
    /// Whether `other` is exactly `self`.
    fn exact(&self, other: &Self) -> bool;
    /// Whether SQL `=` may match `other` when asked for `self` (numerically equal numbers).
    fn sql_eq(&self, other: &Self) -> bool {
        self.exact(other)
    }
    /// A short description for failure messages.
    fn show(&self) -> String {
        abbreviate(&format!("{self:?}"))
    }
}

fn abbreviate(s: &str) -> String {
    const MAX: usize = 120;
    if s.len() <= MAX {
        return s.to_owned();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &s[..end], s.len())
}

macro_rules! exact_by_eq {
    ($($t:ty),*) => {$(
        impl Exact for $t {
            fn exact(&self, other: &Self) -> bool {
                self == other
            }
        }
    )*};
}
exact_by_eq!(
    bool,
    i16,
    i32,
    i64,
    Uuid,
    DateTime<Utc>,
    NaiveDateTime,
    NaiveDate,
    NaiveTime,
    Mood
);

impl Exact for String {
    fn exact(&self, other: &Self) -> bool {
        self == other
    }
    fn show(&self) -> String {
        let chars = self.chars().count();
        if chars <= 40 {
            format!("{self:?}")
        } else {
            let head: String = self.chars().take(24).collect();
            format!("{head:?}… ({chars} chars, {} bytes)", self.len())
        }
    }
}

impl Exact for Vec<u8> {
    fn exact(&self, other: &Self) -> bool {
        self == other
    }
    fn show(&self) -> String {
        if self.len() <= 24 {
            format!("{self:?}")
        } else {
            format!("{:?}… ({} bytes)", &self[..16], self.len())
        }
    }
}

macro_rules! exact_float {
    ($($t:ty),*) => {$(
        impl Exact for $t {
            /// Bit for bit, except that any NaN equals any NaN and `-0.0` may come back as `0.0`
            /// (MariaDB and SQLite keep no sign on zero; the two are `==`).
            fn exact(&self, other: &Self) -> bool {
                self.to_bits() == other.to_bits()
                    || (self.is_nan() && other.is_nan())
                    || (*self == 0.0 && *other == 0.0)
            }
            fn sql_eq(&self, other: &Self) -> bool {
                self == other || (self.is_nan() && other.is_nan())
            }
            fn show(&self) -> String {
                format!("{self:?} (bits {:#x})", self.to_bits())
            }
        }
    )*};
}
exact_float!(f32, f64);

impl Exact for Decimal {
    /// The value, in its canonical scale: every backend returns decimals normalised (`1.50` reads
    /// back as `1.5`), whatever scale the column pads to.
    fn exact(&self, other: &Self) -> bool {
        self == other && self.normalize().scale() == other.scale()
    }
    fn sql_eq(&self, other: &Self) -> bool {
        self == other
    }
    fn show(&self) -> String {
        format!("{self} (scale {})", self.scale())
    }
}

impl Exact for serde_json::Value {
    fn exact(&self, other: &Self) -> bool {
        self == other
    }
    fn sql_eq(&self, other: &Self) -> bool {
        json_numeric_eq(self, other)
    }
    fn show(&self) -> String {
        abbreviate(&self.to_string())
    }
}

/// JSON equality with numbers compared by value (`1.0` equals `1`), as `jsonb = jsonb` does.
fn json_numeric_eq(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
            (Some(p), Some(q), _, _) => p == q,
            (_, _, Some(p), Some(q)) => p == q,
            _ => x.as_f64() == y.as_f64(),
        },
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_numeric_eq(p, q))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, p)| y.get(k).is_some_and(|q| json_numeric_eq(p, q)))
        }
        _ => a == b,
    }
}

impl Exact for Json<Doc> {
    fn exact(&self, other: &Self) -> bool {
        let (a, b) = (&self.0, &other.0);
        a.text == b.text
            && a.big == b.big
            && a.huge == b.huge
            && a.ratio.exact(&b.ratio)
            && a.items == b.items
            && a.note == b.note
            && a.pairs == b.pairs
    }
    fn sql_eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.0, &other.0);
        a.text == b.text
            && a.big == b.big
            && a.huge == b.huge
            && a.ratio.sql_eq(&b.ratio)
            && a.items == b.items
            && a.note == b.note
            && a.pairs == b.pairs
    }
    fn show(&self) -> String {
        let d = &self.0;
        abbreviate(&format!(
            "Doc {{ text: {}, big: {}, huge: {}, ratio: {}, items: {:?}, note: {:?}, pairs: {:?} }}",
            d.text.show(),
            d.big,
            d.huge,
            d.ratio.show(),
            d.items,
            d.note,
            d.pairs
        ))
    }
}

fn opt_exact<V: Exact>(a: &Option<V>, b: &Option<V>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.exact(b),
        _ => false,
    }
}

fn opt_show<V: Exact>(v: &Option<V>) -> String {
    match v {
        None => "None (NULL)".to_owned(),
        Some(v) => format!("Some({})", v.show()),
    }
}

// ---------------------------------------------------------------------------------------------
// Column types: baseline, expectations, edges, generators
// ---------------------------------------------------------------------------------------------

/// A column type under test.
trait Kind {
    /// The Rust type of the column.
    type V: Exact;
    /// Its name in failure messages.
    const NAME: &'static str;
    /// A value every backend holds, written where the other column is under test.
    fn baseline() -> Self::V;
    /// Whether a backend's column holds `v`.
    fn holds(backend: TestBackend, v: &Self::V) -> Hold;
    /// The hand-picked values, labelled.
    fn edges() -> Vec<(String, Self::V)>;
    /// Generated values.
    fn strategy() -> BoxedStrategy<Self::V>;
}

fn e<V>(label: impl Into<String>, v: V) -> (String, V) {
    (label.into(), v)
}

/// A fieldless enum stored as a database enum.
#[derive(DbEnum, Debug, Clone, Copy, PartialEq, Eq)]
#[orm(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Mood {
    /// `CALM`.
    Calm,
    /// `VERY_HAPPY`.
    VeryHappy,
    /// A database name with a space, a hyphen and a quote.
    #[orm(rename = "so-so, it's \"fine\"")]
    SoSo,
}

/// A typed JSON document.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Doc {
    /// Text.
    pub text: String,
    /// Signed 64-bit.
    pub big: i64,
    /// Unsigned 64-bit.
    pub huge: u64,
    /// A float.
    pub ratio: f64,
    /// A list.
    pub items: Vec<i32>,
    /// Optional text.
    pub note: Option<String>,
    /// A map whose keys are not strings: JSON cannot hold it unless it is empty.
    #[serde(default)]
    pub pairs: BTreeMap<Point, i32>,
}

/// A map key that serializes as a JSON object (not a string).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Point {
    /// x.
    pub x: i32,
    /// y.
    pub y: i32,
}

struct KBool;
impl Kind for KBool {
    type V = bool;
    const NAME: &'static str = "bool";
    fn baseline() -> bool {
        false
    }
    fn holds(_: TestBackend, _: &bool) -> Hold {
        Hold::Must
    }
    fn edges() -> Vec<(String, bool)> {
        vec![e("true", true), e("false", false)]
    }
    fn strategy() -> BoxedStrategy<bool> {
        any::<bool>().boxed()
    }
}

macro_rules! int_kind {
    ($k:ident, $t:ty, $name:literal) => {
        struct $k;
        impl Kind for $k {
            type V = $t;
            const NAME: &'static str = $name;
            fn baseline() -> $t {
                0
            }
            fn holds(_: TestBackend, _: &$t) -> Hold {
                Hold::Must
            }
            fn edges() -> Vec<(String, $t)> {
                vec![
                    e("MIN", <$t>::MIN),
                    e("MIN + 1", <$t>::MIN + 1),
                    e("-1", -1),
                    e("0", 0),
                    e("1", 1),
                    e("MAX - 1", <$t>::MAX - 1),
                    e("MAX", <$t>::MAX),
                ]
            }
            fn strategy() -> BoxedStrategy<$t> {
                prop_oneof![
                    4 => any::<$t>(),
                    1 => Just(<$t>::MIN),
                    1 => Just(<$t>::MAX),
                    1 => (-3i8..=3).prop_map(<$t>::from),
                ]
                .boxed()
            }
        }
    };
}
int_kind!(KI16, i16, "i16");
int_kind!(KI32, i32, "i32");
int_kind!(KI64, i64, "i64");

fn hold_float(backend: TestBackend, finite: bool, nan: bool, negative_zero: bool) -> Hold {
    match backend {
        TestBackend::Postgres => Hold::Must,
        TestBackend::MySql if !finite => Hold::Cannot,
        TestBackend::Sqlite if nan => Hold::Cannot,
        TestBackend::MySql | TestBackend::Sqlite if negative_zero => Hold::Either,
        TestBackend::MySql | TestBackend::Sqlite => Hold::Must,
    }
}

macro_rules! float_kind {
    ($k:ident, $t:ty, $bits:ty, $name:literal, $nan_payload:expr, $third:expr, $pi:expr, $big_int:expr) => {
        struct $k;
        impl Kind for $k {
            type V = $t;
            const NAME: &'static str = $name;
            fn baseline() -> $t {
                0.0
            }
            fn holds(backend: TestBackend, v: &$t) -> Hold {
                hold_float(
                    backend,
                    v.is_finite(),
                    v.is_nan(),
                    *v == 0.0 && v.is_sign_negative(),
                )
            }
            fn edges() -> Vec<(String, $t)> {
                let min_sub = <$t>::from_bits(1);
                let max_sub = <$t>::from_bits(<$t>::MIN_POSITIVE.to_bits() - 1);
                vec![
                    e("0.0", 0.0),
                    e("-0.0", -0.0),
                    e("1.0", 1.0),
                    e("-1.0", -1.0),
                    e("0.1", 0.1),
                    e("1/3", $third),
                    e("pi", $pi),
                    e("EPSILON", <$t>::EPSILON),
                    e("1 + EPSILON", 1.0 + <$t>::EPSILON),
                    e("largest exact integer", $big_int),
                    e("MIN", <$t>::MIN),
                    e("MAX", <$t>::MAX),
                    e("MIN_POSITIVE", <$t>::MIN_POSITIVE),
                    e("-MIN_POSITIVE", -<$t>::MIN_POSITIVE),
                    e("smallest subnormal", min_sub),
                    e("largest subnormal", max_sub),
                    e("negative subnormal", -min_sub),
                    e("+inf", <$t>::INFINITY),
                    e("-inf", <$t>::NEG_INFINITY),
                    e("NaN", <$t>::NAN),
                    e("-NaN", -<$t>::NAN),
                    e("signalling NaN with payload", <$t>::from_bits($nan_payload)),
                ]
            }
            fn strategy() -> BoxedStrategy<$t> {
                prop_oneof![
                    3 => any::<$t>(),
                    2 => any::<$bits>().prop_map(<$t>::from_bits),
                    1 => (-1000i32..1000).prop_map(|i| i as $t / 8.0),
                ]
                .boxed()
            }
        }
    };
}
float_kind!(
    KF32,
    f32,
    u32,
    "f32",
    0x7f80_0001,
    1.0f32 / 3.0,
    std::f32::consts::PI,
    16_777_216.0
);
float_kind!(
    KF64,
    f64,
    u64,
    "f64",
    0x7ff0_0000_0000_0001,
    1.0f64 / 3.0,
    std::f64::consts::PI,
    9_007_199_254_740_992.0
);

fn hold_string(backend: TestBackend, s: &str, text_column: bool) -> Hold {
    match backend {
        TestBackend::Postgres if s.contains('\0') => Hold::Cannot,
        TestBackend::MySql if text_column && s.len() > 65_535 => Hold::Cannot,
        TestBackend::MySql if !text_column && s.chars().count() > 191 => Hold::Cannot,
        _ => Hold::Must,
    }
}

/// The edges both string columns share.
fn string_edges() -> Vec<(String, String)> {
    let every_plane: String = (0u32..=16)
        .map(|plane| char::from_u32(plane * 0x1_0000 + 0x41).unwrap())
        .collect();
    let s = |label: &str, v: &str| e(label, v.to_owned());
    vec![
        s("empty", ""),
        s("one space", " "),
        s("spaces only", "   "),
        s("tab newline return", "\t\n\r"),
        s("pad", "pad"),
        s("pad + space", "pad "),
        s("pad + 2 spaces", "pad  "),
        s("space + pad", " pad"),
        s("upper case", "CASE"),
        s("lower case", "case"),
        s("NUL", "\0"),
        s("NUL inside", "a\0b"),
        s("trailing NUL", "pad\0"),
        s("backslash x00 (text)", "\\x00"),
        s("backslash zero (text)", "\\0"),
        s("percent", "%"),
        s("underscore", "_"),
        s("like pattern", "%_%"),
        s("quote", "'"),
        s("two quotes", "''"),
        s("double quote", "\""),
        s("backslash", "\\"),
        s("two backslashes", "\\\\"),
        s("injection", "'; DROP TABLE rt_string_c; --"),
        s("placeholders", "$1 ? :name {} %s"),
        s(
            "C0 controls and DEL",
            "\u{1}\u{8}\u{b}\u{c}\u{1b}\u{1f}\u{7f}",
        ),
        s("C1 control, NBSP, NEL", "\u{80}\u{85}\u{a0}\u{9f}"),
        s("precomposed e-acute", "\u{e9}"),
        s("e + combining acute", "e\u{301}"),
        s("lone combining mark", "\u{301}"),
        s(
            "stacked combining marks",
            "a\u{300}\u{301}\u{302}\u{303}\u{304}\u{305}",
        ),
        s("BOM U+FEFF", "\u{feff}"),
        s("BOM inside", "a\u{feff}b"),
        s("U+FFFE", "\u{fffe}"),
        s("U+FFFF", "\u{ffff}"),
        s("U+FFFD", "\u{fffd}"),
        s("U+D7FF, U+E000", "\u{d7ff}\u{e000}"),
        s("U+10000", "\u{10000}"),
        s("U+10FFFF", "\u{10ffff}"),
        s("line and paragraph separators", "\u{2028}\u{2029}"),
        s("zero-width space and joiner", "\u{200b}\u{200d}"),
        s("right-to-left override", "\u{202e}abc"),
        s("emoji", "😀"),
        s("ZWJ family", "👩\u{200d}👩\u{200d}👧\u{200d}👦"),
        s("flag", "🇺🇳"),
        s("CJK", "漢字かなカナ한글"),
        e("one character of every plane", every_plane),
        e("191 x", "x".repeat(191)),
        e("192 x", "x".repeat(192)),
        e("191 emoji (764 bytes)", "😀".repeat(191)),
        e("192 emoji", "😀".repeat(192)),
        e("191 e-acute", "\u{e9}".repeat(191)),
        e("1000 x", "x".repeat(1000)),
    ]
}

/// Characters the generators favour: collisions, padding, escapes, every width.
const STRING_ALPHABET: &[char] = &[
    ' ',
    'a',
    'A',
    '\0',
    '%',
    '_',
    '\'',
    '\\',
    '"',
    '\u{e9}',
    '\u{301}',
    '\u{feff}',
    '\u{ffff}',
    '😀',
    '\u{10ffff}',
    '\n',
];

fn string_strategy(max_repeat: usize) -> BoxedStrategy<String> {
    prop_oneof![
        3 => proptest::collection::vec(any::<char>(), 0..24).prop_map(String::from_iter),
        3 => proptest::collection::vec(proptest::sample::select(STRING_ALPHABET), 0..6)
            .prop_map(String::from_iter),
        1 => (0..max_repeat, proptest::sample::select(STRING_ALPHABET))
            .prop_map(|(n, c)| std::iter::repeat_n(c, n).collect::<String>()),
    ]
    .boxed()
}

struct KString;
impl Kind for KString {
    type V = String;
    const NAME: &'static str = "String";
    fn baseline() -> String {
        String::new()
    }
    fn holds(backend: TestBackend, v: &String) -> Hold {
        hold_string(backend, v, false)
    }
    fn edges() -> Vec<(String, String)> {
        string_edges()
    }
    fn strategy() -> BoxedStrategy<String> {
        string_strategy(400)
    }
}

/// Every Unicode scalar value from U+0001, in chunks of at most 16 000 characters (64 000 bytes,
/// under MariaDB's `TEXT` limit).
fn every_scalar_in_chunks() -> Vec<(String, String)> {
    let all: Vec<char> = (1u32..=0x10_ffff).filter_map(char::from_u32).collect();
    all.chunks(16_000)
        .map(|chunk| {
            let first = chunk[0] as u32;
            let last = chunk[chunk.len() - 1] as u32;
            e(
                format!("every scalar U+{first:04X}..=U+{last:04X}"),
                chunk.iter().collect(),
            )
        })
        .collect()
}

struct KText;
impl Kind for KText {
    type V = String;
    const NAME: &'static str = "String as TEXT";
    fn baseline() -> String {
        String::new()
    }
    fn holds(backend: TestBackend, v: &String) -> Hold {
        hold_string(backend, v, true)
    }
    fn edges() -> Vec<(String, String)> {
        let mut edges = string_edges();
        edges.extend([
            e("65 535 bytes", "y".repeat(65_535)),
            e("65 536 bytes", "y".repeat(65_536)),
            e("16 383 emoji (65 532 bytes)", "😀".repeat(16_383)),
            e("16 384 emoji (65 536 bytes)", "😀".repeat(16_384)),
            e("1 MiB", "z".repeat(1 << 20)),
            e(
                "1 MiB mixed widths",
                "a\u{e9}\u{20ac}😀".repeat((1 << 20) / 10),
            ),
        ]);
        edges.extend(every_scalar_in_chunks());
        edges
    }
    fn strategy() -> BoxedStrategy<String> {
        prop_oneof![
            3 => string_strategy(400),
            1 => (65_000usize..66_000).prop_map(|n| "y".repeat(n)),
            1 => (16_300usize..16_400).prop_map(|n| "😀".repeat(n)),
        ]
        .boxed()
    }
}

struct KBytes;
impl Kind for KBytes {
    type V = Vec<u8>;
    const NAME: &'static str = "Vec<u8>";
    fn baseline() -> Vec<u8> {
        Vec::new()
    }
    fn holds(_: TestBackend, _: &Vec<u8>) -> Hold {
        Hold::Must
    }
    fn edges() -> Vec<(String, Vec<u8>)> {
        vec![
            e("empty", vec![]),
            e("one zero byte", vec![0]),
            e("three zero bytes", vec![0, 0, 0]),
            e("0xff", vec![0xff]),
            e("every byte ascending", (0..=255).collect()),
            e("every byte descending", (0..=255).rev().collect()),
            e("bytes of \"\\x00\"", b"\\x00".to_vec()),
            e(
                "invalid UTF-8",
                vec![0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1],
            ),
            e("trailing zeros", vec![1, 2, 0, 0]),
            e("trailing spaces", b"pad  ".to_vec()),
            e("1000 x 0xff", vec![0xff; 1000]),
            e(
                "1 MiB",
                (0..1u32 << 20).map(|i| (i.wrapping_mul(7)) as u8).collect(),
            ),
        ]
    }
    fn strategy() -> BoxedStrategy<Vec<u8>> {
        prop_oneof![
            3 => proptest::collection::vec(any::<u8>(), 0..64),
            1 => proptest::collection::vec(any::<u8>(), 0..5000),
        ]
        .boxed()
    }
}

struct KDecimal;
impl Kind for KDecimal {
    type V = Decimal;
    const NAME: &'static str = "Decimal";
    fn baseline() -> Decimal {
        Decimal::ZERO
    }
    fn holds(_: TestBackend, _: &Decimal) -> Hold {
        Hold::Must
    }
    fn edges() -> Vec<(String, Decimal)> {
        let d = |s: &str| e(s, s.parse::<Decimal>().unwrap());
        vec![
            d("0"),
            d("0.00"),
            d("1"),
            d("1.0"),
            d("1.50"),
            d("-1.50"),
            d("0.1"),
            d("123456789.123456789"),
            d("0.0000000000000000000000000001"),
            d("-0.0000000000000000000000000001"),
            d("0.1234567890123456789012345678"),
            d("3.1415926535897932384626433833"),
            d("7.9228162514264337593543950335"),
            d("10000000000000000000000000000"),
            e("Decimal::MAX", Decimal::MAX),
            e("Decimal::MIN", Decimal::MIN),
            e("-0", Decimal::from_parts(0, 0, 0, true, 0)),
            e("-0.000", Decimal::from_parts(0, 0, 0, true, 3)),
        ]
    }
    fn strategy() -> BoxedStrategy<Decimal> {
        prop_oneof![
            2 => (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..=28)
                .prop_map(|(lo, mid, hi, neg, scale)| Decimal::from_parts(lo, mid, hi, neg, scale)),
            2 => (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
            1 => (-10_000i64..10_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s)),
        ]
        .boxed()
    }
}

struct KUuid;
impl Kind for KUuid {
    type V = Uuid;
    const NAME: &'static str = "Uuid";
    fn baseline() -> Uuid {
        Uuid::nil()
    }
    fn holds(_: TestBackend, _: &Uuid) -> Hold {
        Hold::Must
    }
    fn edges() -> Vec<(String, Uuid)> {
        vec![
            e("nil", Uuid::nil()),
            e("max", Uuid::from_u128(u128::MAX)),
            e("1", Uuid::from_u128(1)),
            e(
                "v4",
                Uuid::from_u128(0x6f1e_2b4c_8a9d_4e3f_b0a1_c2d3_e4f5_0617),
            ),
            e(
                "v7",
                Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001),
            ),
        ]
    }
    fn strategy() -> BoxedStrategy<Uuid> {
        any::<u128>().prop_map(Uuid::from_u128).boxed()
    }
}

/// PostgreSQL's first date, 4714-11-24 BC (proleptic Gregorian year -4713).
fn pg_first_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(-4713, 11, 24).unwrap()
}

fn hold_date(backend: TestBackend, d: NaiveDate) -> Hold {
    match backend {
        TestBackend::Postgres if d < pg_first_date() => Hold::Cannot,
        TestBackend::Postgres => Hold::Must,
        TestBackend::MySql => match d.year() {
            1000..=9999 => Hold::Must,
            1..=999 => Hold::Either,
            _ => Hold::Cannot,
        },
        TestBackend::Sqlite => match d.year() {
            0..=9999 => Hold::Must,
            _ => Hold::Either,
        },
    }
}

fn hold_time(backend: TestBackend, t: NaiveTime) -> Hold {
    let nanos = t.nanosecond();
    let leap = nanos >= 1_000_000_000;
    let sub_micro = !nanos.is_multiple_of(1000);
    match backend {
        TestBackend::Sqlite if leap || sub_micro => Hold::Either,
        _ if leap || sub_micro => Hold::Cannot,
        _ => Hold::Must,
    }
}

fn hold_naive_datetime(backend: TestBackend, dt: NaiveDateTime) -> Hold {
    weakest(hold_date(backend, dt.date()), hold_time(backend, dt.time()))
}

fn ndt(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, nanos: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d)
        .unwrap()
        .and_hms_nano_opt(h, mi, s, nanos)
        .unwrap()
}

fn datetime_edges() -> Vec<(String, NaiveDateTime)> {
    vec![
        e("unix epoch", ndt(1970, 1, 1, 0, 0, 0, 0)),
        e("epoch + 1 µs", ndt(1970, 1, 1, 0, 0, 0, 1_000)),
        e("epoch - 1 µs", ndt(1969, 12, 31, 23, 59, 59, 999_999_000)),
        e("2038-01-19 03:14:07", ndt(2038, 1, 19, 3, 14, 7, 0)),
        e("2038-01-19 03:14:08", ndt(2038, 1, 19, 3, 14, 8, 0)),
        e("µs", ndt(2024, 6, 15, 12, 34, 56, 123_456_000)),
        e(
            "leap day 2000-02-29",
            ndt(2000, 2, 29, 23, 59, 59, 999_999_000),
        ),
        e("1900-02-28 (1900 not leap)", ndt(1900, 2, 28, 0, 0, 0, 0)),
        e("1900-03-01", ndt(1900, 3, 1, 0, 0, 0, 0)),
        e("1582-10-10 (Gregorian gap)", ndt(1582, 10, 10, 0, 0, 0, 0)),
        e("1000-01-01", ndt(1000, 1, 1, 0, 0, 0, 0)),
        e(
            "0999-12-31 23:59:59.999999",
            ndt(999, 12, 31, 23, 59, 59, 999_999_000),
        ),
        e("0001-01-01", ndt(1, 1, 1, 0, 0, 0, 0)),
        e(
            "9999-12-31 23:59:59.999999",
            ndt(9999, 12, 31, 23, 59, 59, 999_999_000),
        ),
        e("10000-01-01", ndt(10000, 1, 1, 0, 0, 0, 0)),
        e("year 0 (1 BC)", ndt(0, 6, 15, 0, 0, 0, 0)),
        e("44 BC (year -43)", ndt(-43, 3, 15, 12, 0, 0, 0)),
        e(
            "4714-11-24 BC (PostgreSQL's first)",
            ndt(-4713, 11, 24, 0, 0, 0, 0),
        ),
        e(
            "just before PostgreSQL's first",
            ndt(-4713, 11, 23, 23, 59, 59, 999_999_000),
        ),
        e(
            "year 67560 (2024 mod 65536)",
            ndt(67_560, 6, 15, 0, 0, 0, 0),
        ),
        e(
            "year -63512 (2024 mod 65536)",
            ndt(-63_512, 6, 15, 0, 0, 0, 0),
        ),
        e("chrono's first", NaiveDateTime::MIN),
        e(
            "chrono's last, µs",
            ndt(262_142, 12, 31, 23, 59, 59, 999_999_000),
        ),
        e("chrono's last (ns)", NaiveDateTime::MAX),
        e("123456789 ns", ndt(2024, 6, 15, 12, 0, 0, 123_456_789)),
        e("1 ns", ndt(2024, 6, 15, 12, 0, 0, 1)),
        e("999 ns", ndt(2024, 6, 15, 12, 0, 0, 999)),
        e(
            "leap second 23:59:60",
            ndt(2016, 12, 31, 23, 59, 59, 1_000_000_000),
        ),
        e(
            "leap second 23:59:60.5",
            ndt(2016, 12, 31, 23, 59, 59, 1_500_000_000),
        ),
    ]
}

fn nanos_strategy() -> BoxedStrategy<u32> {
    prop_oneof![
        1 => Just(0u32),
        4 => (0u32..1_000_000).prop_map(|u| u * 1000),
        1 => 0u32..1_000_000_000,
    ]
    .boxed()
}

fn naive_datetime_strategy() -> BoxedStrategy<NaiveDateTime> {
    let first = NaiveDateTime::MIN.and_utc().timestamp();
    let last = NaiveDateTime::MAX.and_utc().timestamp();
    // 1000-01-01 .. 9999-12-31, the range every backend holds.
    let common = -30_610_224_000i64..253_402_300_800;
    prop_oneof![
        4 => (common, nanos_strategy()),
        1 => (first..=last, nanos_strategy()),
    ]
    .prop_filter_map("representable", |(secs, nanos)| {
        DateTime::from_timestamp(secs, nanos).map(|dt| dt.naive_utc())
    })
    .boxed()
}

struct KDateTime;
impl Kind for KDateTime {
    type V = DateTime<Utc>;
    const NAME: &'static str = "DateTime<Utc>";
    fn baseline() -> DateTime<Utc> {
        ndt(2000, 1, 1, 0, 0, 0, 0).and_utc()
    }
    fn holds(backend: TestBackend, v: &DateTime<Utc>) -> Hold {
        hold_naive_datetime(backend, v.naive_utc())
    }
    fn edges() -> Vec<(String, DateTime<Utc>)> {
        datetime_edges()
            .into_iter()
            .map(|(l, v)| (l, v.and_utc()))
            .collect()
    }
    fn strategy() -> BoxedStrategy<DateTime<Utc>> {
        naive_datetime_strategy()
            .prop_map(|dt| dt.and_utc())
            .boxed()
    }
}

struct KNaiveDateTime;
impl Kind for KNaiveDateTime {
    type V = NaiveDateTime;
    const NAME: &'static str = "NaiveDateTime";
    fn baseline() -> NaiveDateTime {
        ndt(2000, 1, 1, 0, 0, 0, 0)
    }
    fn holds(backend: TestBackend, v: &NaiveDateTime) -> Hold {
        hold_naive_datetime(backend, *v)
    }
    fn edges() -> Vec<(String, NaiveDateTime)> {
        datetime_edges()
    }
    fn strategy() -> BoxedStrategy<NaiveDateTime> {
        naive_datetime_strategy()
    }
}

struct KDate;
impl Kind for KDate {
    type V = NaiveDate;
    const NAME: &'static str = "NaiveDate";
    fn baseline() -> NaiveDate {
        NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()
    }
    fn holds(backend: TestBackend, v: &NaiveDate) -> Hold {
        hold_date(backend, *v)
    }
    fn edges() -> Vec<(String, NaiveDate)> {
        let d = |l: &str, y, m, d| e(l, NaiveDate::from_ymd_opt(y, m, d).unwrap());
        vec![
            d("unix epoch", 1970, 1, 1),
            d("leap day 2000-02-29", 2000, 2, 29),
            d("leap day 2024-02-29", 2024, 2, 29),
            d("1900-02-28 (1900 not leap)", 1900, 2, 28),
            d("1900-03-01", 1900, 3, 1),
            d("1582-10-10 (Gregorian gap)", 1582, 10, 10),
            d("1000-01-01", 1000, 1, 1),
            d("0999-12-31", 999, 12, 31),
            d("0001-01-01", 1, 1, 1),
            d("9999-12-31", 9999, 12, 31),
            d("10000-01-01", 10000, 1, 1),
            d("year 0 (1 BC), leap", 0, 2, 29),
            d("44 BC (year -43)", -43, 3, 15),
            d("4714-11-24 BC (PostgreSQL's first)", -4713, 11, 24),
            d("just before PostgreSQL's first", -4713, 11, 23),
            d("year 67560 (2024 mod 65536)", 67_560, 6, 15),
            d("year -63512 (2024 mod 65536)", -63_512, 6, 15),
            e("NaiveDate::MIN", NaiveDate::MIN),
            e("NaiveDate::MAX", NaiveDate::MAX),
        ]
    }
    fn strategy() -> BoxedStrategy<NaiveDate> {
        let first = NaiveDate::MIN.num_days_from_ce();
        let last = NaiveDate::MAX.num_days_from_ce();
        // 1000-01-01 ..= 9999-12-31.
        let common = 364_878i32..=3_652_059;
        prop_oneof![4 => common, 1 => first..=last]
            .prop_filter_map("representable", NaiveDate::from_num_days_from_ce_opt)
            .boxed()
    }
}

struct KTime;
impl Kind for KTime {
    type V = NaiveTime;
    const NAME: &'static str = "NaiveTime";
    fn baseline() -> NaiveTime {
        NaiveTime::MIN
    }
    fn holds(backend: TestBackend, v: &NaiveTime) -> Hold {
        hold_time(backend, *v)
    }
    fn edges() -> Vec<(String, NaiveTime)> {
        let t = |l: &str, h, m, s, n| e(l, NaiveTime::from_hms_nano_opt(h, m, s, n).unwrap());
        vec![
            t("midnight", 0, 0, 0, 0),
            t("1 µs", 0, 0, 0, 1_000),
            t("noon", 12, 0, 0, 0),
            t("µs", 12, 34, 56, 123_456_000),
            t("23:59:59", 23, 59, 59, 0),
            t("23:59:59.999999", 23, 59, 59, 999_999_000),
            t("23:59:59.999999999", 23, 59, 59, 999_999_999),
            t("1 ns", 0, 0, 0, 1),
            t("500 ns", 12, 0, 0, 500),
            t("leap second 23:59:60", 23, 59, 59, 1_000_000_000),
            t("leap second 23:59:60.999999", 23, 59, 59, 1_999_999_000),
        ]
    }
    fn strategy() -> BoxedStrategy<NaiveTime> {
        (0u32..86_400, nanos_strategy())
            .prop_filter_map("representable", |(s, n)| {
                NaiveTime::from_num_seconds_from_midnight_opt(s, n)
            })
            .boxed()
    }
}

/// The deepest nesting of arrays and objects in `v` (a scalar has depth 0).
fn json_depth(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::Array(a) => 1 + a.iter().map(json_depth).max().unwrap_or(0),
        serde_json::Value::Object(o) => 1 + o.values().map(json_depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn json_has_nul(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(a) => a.iter().any(json_has_nul),
        serde_json::Value::Object(o) => o.iter().any(|(k, v)| k.contains('\0') || json_has_nul(v)),
        _ => false,
    }
}

fn hold_json(backend: TestBackend, v: &serde_json::Value) -> Hold {
    let depth = json_depth(v);
    match backend {
        TestBackend::Postgres if json_has_nul(v) => Hold::Cannot,
        TestBackend::MySql if depth > 31 => Hold::Cannot,
        _ if depth > 100 => Hold::Either,
        _ => Hold::Must,
    }
}

fn nested_arrays(depth: usize) -> serde_json::Value {
    let mut v = json!(1);
    for _ in 0..depth {
        v = serde_json::Value::Array(vec![v]);
    }
    v
}

fn nested_objects(depth: usize) -> serde_json::Value {
    let mut v = json!("leaf");
    for _ in 0..depth {
        v = json!({ "k": v });
    }
    v
}

struct KJson;
impl Kind for KJson {
    type V = serde_json::Value;
    const NAME: &'static str = "serde_json::Value";
    fn baseline() -> serde_json::Value {
        json!({})
    }
    fn holds(backend: TestBackend, v: &serde_json::Value) -> Hold {
        hold_json(backend, v)
    }
    fn edges() -> Vec<(String, serde_json::Value)> {
        let many_keys: serde_json::Map<String, serde_json::Value> = (0..1000)
            .map(|i| (format!("key{i:04}"), json!(i)))
            .collect();
        vec![
            e("null", json!(null)),
            e("true", json!(true)),
            e("0", json!(0)),
            e("-1", json!(-1)),
            e("i64::MAX", json!(i64::MAX)),
            e("i64::MIN", json!(i64::MIN)),
            e("u64::MAX", json!(u64::MAX)),
            e("2^53 + 1", json!(9_007_199_254_740_993i64)),
            e("1.5", json!(1.5)),
            e("0.1", json!(0.1)),
            e("1.0", json!(1.0)),
            e("-0.0", json!(-0.0)),
            e("1e15 (float)", json!(1e15)),
            e("1e20 (float)", json!(1e20)),
            e("1e300", json!(1e300)),
            e("5e-324 (smallest subnormal)", json!(5e-324)),
            e("f64::MAX", json!(f64::MAX)),
            e("f64::MIN_POSITIVE", json!(f64::MIN_POSITIVE)),
            e("empty string", json!("")),
            e("empty array", json!([])),
            e("empty object", json!({})),
            e("string with \\u0000", json!("a\u{0}b")),
            e("key with \\u0000", json!({ "a\u{0}": 1 })),
            e("escapes", json!("\\ \" / \n \t \u{8} \u{c} \u{1f}")),
            e(
                "U+10FFFF, U+FEFF, U+2028",
                json!("\u{10ffff}\u{feff}\u{2028}"),
            ),
            e("emoji key", json!({ "😀": "👩\u{200d}👩\u{200d}👧" })),
            e(
                "key order",
                json!({ "b": 1, "a": 2, "c": { "z": 0, "y": [3, 2, 1] } }),
            ),
            e("mixed array", json!([1, "1", 1.5, null, true, [], {}])),
            e("1000 keys", serde_json::Value::Object(many_keys)),
            e("30 nested arrays", nested_arrays(30)),
            e("31 nested objects", nested_objects(31)),
            e("31 nested arrays", nested_arrays(31)),
            e("32 nested arrays", nested_arrays(32)),
            e("33 nested arrays", nested_arrays(33)),
            e("100 nested arrays", nested_arrays(100)),
            e("100 nested objects", nested_objects(100)),
            e("126 nested arrays", nested_arrays(126)),
            e("200 nested arrays", nested_arrays(200)),
        ]
    }
    fn strategy() -> BoxedStrategy<serde_json::Value> {
        use serde_json::Value as J;
        let key = prop_oneof![
            proptest::collection::vec(proptest::sample::select(STRING_ALPHABET), 0..4)
                .prop_map(String::from_iter),
            "[a-z]{1,3}",
        ]
        .boxed();
        let leaf = prop_oneof![
            Just(J::Null),
            any::<bool>().prop_map(J::Bool),
            any::<i64>().prop_map(|i| json!(i)),
            any::<u64>().prop_map(|u| json!(u)),
            any::<f64>()
                .prop_filter_map("finite", serde_json::Number::from_f64)
                .prop_map(J::Number),
            string_strategy(40).prop_map(J::String),
        ];
        leaf.prop_recursive(4, 24, 5, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(J::Array),
                proptest::collection::vec((key.clone(), inner), 0..5)
                    .prop_map(|kvs| J::Object(kvs.into_iter().collect())),
            ]
        })
        .boxed()
    }
}

fn hold_doc(backend: TestBackend, d: &Doc) -> Hold {
    let nul = d.text.contains('\0') || d.note.as_deref().is_some_and(|n| n.contains('\0'));
    // JSON has no NaN or infinity, and only strings as keys.
    let unwritable = !d.ratio.is_finite() || !d.pairs.is_empty();
    let negative_zero = d.ratio == 0.0 && d.ratio.is_sign_negative();
    match backend {
        _ if unwritable => Hold::Cannot,
        TestBackend::Postgres if nul => Hold::Cannot,
        TestBackend::Postgres if negative_zero => Hold::Either,
        _ => Hold::Must,
    }
}

struct KTypedJson;
impl Kind for KTypedJson {
    type V = Json<Doc>;
    const NAME: &'static str = "Json<Doc>";
    fn baseline() -> Json<Doc> {
        Json(Doc::default())
    }
    fn holds(backend: TestBackend, v: &Json<Doc>) -> Hold {
        hold_doc(backend, v)
    }
    fn edges() -> Vec<(String, Json<Doc>)> {
        let doc = |l: &str, f: &dyn Fn(&mut Doc)| {
            let mut d = Doc {
                text: "t".into(),
                big: 1,
                huge: 2,
                ratio: 0.5,
                items: vec![1, 2, 3],
                note: Some("n".into()),
                pairs: BTreeMap::new(),
            };
            f(&mut d);
            e(l, Json(d))
        };
        vec![
            doc("plain", &|_| {}),
            doc("default", &|d| *d = Doc::default()),
            doc("i64::MIN, u64::MAX", &|d| {
                d.big = i64::MIN;
                d.huge = u64::MAX;
            }),
            doc("i64::MAX", &|d| d.big = i64::MAX),
            doc("ratio f64::MAX", &|d| d.ratio = f64::MAX),
            doc("ratio smallest subnormal", &|d| d.ratio = 5e-324),
            doc("ratio 1e15", &|d| d.ratio = 1e15),
            doc("ratio 0.1", &|d| d.ratio = 0.1),
            doc("ratio -0.0", &|d| d.ratio = -0.0),
            doc("ratio NaN", &|d| d.ratio = f64::NAN),
            doc("ratio +inf", &|d| d.ratio = f64::INFINITY),
            doc("ratio -inf", &|d| d.ratio = f64::NEG_INFINITY),
            doc("note None", &|d| d.note = None),
            doc("text with NUL", &|d| d.text = "a\0b".into()),
            doc("text with quotes and escapes", &|d| {
                d.text = "'\"\\\u{10ffff}\u{2028}".into()
            }),
            doc("10 000 items", &|d| d.items = (0..10_000).collect()),
            doc("map with non-string keys", &|d| {
                d.pairs.insert(Point { x: 1, y: 2 }, 3);
            }),
        ]
    }
    fn strategy() -> BoxedStrategy<Json<Doc>> {
        (
            string_strategy(40),
            any::<i64>(),
            any::<u64>(),
            prop_oneof![3 => any::<f64>(), 1 => (-100i32..100).prop_map(f64::from)],
            proptest::collection::vec(any::<i32>(), 0..8),
            proptest::option::of(string_strategy(10)),
            proptest::option::weighted(0.1, (any::<i32>(), any::<i32>(), any::<i32>())),
        )
            .prop_map(|(text, big, huge, ratio, items, note, pair)| {
                let pairs = pair
                    .map(|(x, y, v)| BTreeMap::from([(Point { x, y }, v)]))
                    .unwrap_or_default();
                Json(Doc {
                    text,
                    big,
                    huge,
                    ratio,
                    items,
                    note,
                    pairs,
                })
            })
            .boxed()
    }
}

struct KEnum;
impl Kind for KEnum {
    type V = Mood;
    const NAME: &'static str = "DbEnum";
    fn baseline() -> Mood {
        Mood::Calm
    }
    fn holds(_: TestBackend, _: &Mood) -> Hold {
        Hold::Must
    }
    fn edges() -> Vec<(String, Mood)> {
        vec![
            e("Calm", Mood::Calm),
            e("VeryHappy", Mood::VeryHappy),
            e("SoSo (quoted name)", Mood::SoSo),
        ]
    }
    fn strategy() -> BoxedStrategy<Mood> {
        prop_oneof![Just(Mood::Calm), Just(Mood::VeryHappy), Just(Mood::SoSo)].boxed()
    }
}

// ---------------------------------------------------------------------------------------------
// Tables: one parent/child pair per column type
// ---------------------------------------------------------------------------------------------

/// A child row as written or read.
#[derive(Clone, Debug)]
struct Stored<V> {
    id: i64,
    parent_id: i64,
    v: V,
    n: Option<V>,
}

type Val<T> = <<T as Table>::K as Kind>::V;
type Res<T> = orm_runtime::Result<T>;

/// The database operations on one column type's tables.
trait Table {
    type K: Kind;
    fn schema(s: Schema) -> Schema;
    async fn parent(db: &Client) -> Res<i64>;
    async fn create(
        db: &Client,
        parent: i64,
        v: Val<Self>,
        n: Option<Val<Self>>,
    ) -> Res<Stored<Val<Self>>>;
    async fn create_many(
        db: &Client,
        parent: i64,
        rows: Vec<(Val<Self>, Option<Val<Self>>)>,
    ) -> Res<Vec<Stored<Val<Self>>>>;
    async fn find_unique(db: &Client, id: i64) -> Res<Option<Stored<Val<Self>>>>;
    /// The parent's children whose `v` (or, with `nullable`, `n`) equals `x`.
    async fn find_eq(
        db: &Client,
        parent: i64,
        nullable: bool,
        x: &Val<Self>,
    ) -> Res<Vec<Stored<Val<Self>>>>;
    /// The parent's children through `include`, all of them or only the one with `only`.
    async fn include(
        db: &Client,
        parent: i64,
        strategy: Strategy,
        only: Option<i64>,
    ) -> Res<Option<Vec<Stored<Val<Self>>>>>;
    async fn count(db: &Client) -> Res<i64>;
}

macro_rules! table {
    ($m:ident, $kind:ty, $ty:ty, $parents:tt, $children:tt $(, [$($attr:tt)*])?) => {
        // The derive generates handles (`Parent::NAME`, `Child::PARENT`, ...) this suite has no use for.
        #[allow(dead_code)]
        mod $m {
            use super::*;

            #[derive(Model, Debug, Clone)]
            #[orm(table = $parents)]
            pub struct Parent {
                #[orm(id, default = autoincrement)]
                pub id: i64,
                pub name: String,
                #[orm(has_many)]
                pub children: HasMany<Child>,
            }

            #[derive(Model, Debug, Clone)]
            #[orm(table = $children)]
            pub struct Child {
                #[orm(id, default = autoincrement)]
                pub id: i64,
                pub parent_id: i64,
                $(#[orm($($attr)*)])?
                pub v: $ty,
                $(#[orm($($attr)*)])?
                pub n: Option<$ty>,
                #[orm(belongs_to(fk = parent_id, on_delete = Cascade))]
                pub parent: BelongsTo<Parent>,
            }

            fn stored(c: Child) -> Stored<$ty> {
                Stored {
                    id: c.id,
                    parent_id: c.parent_id,
                    v: c.v,
                    n: c.n,
                }
            }

            pub struct T;

            impl Table for T {
                type K = $kind;

                fn schema(s: Schema) -> Schema {
                    s.model::<Parent>().model::<Child>()
                }

                async fn parent(db: &Client) -> Res<i64> {
                    let p = Parent::create(NewParent {
                        id: None,
                        name: "p".into(),
                    })
                    .exec(db)
                    .await?;
                    Ok(p.id)
                }

                async fn create(
                    db: &Client,
                    parent: i64,
                    v: $ty,
                    n: Option<$ty>,
                ) -> Res<Stored<$ty>> {
                    let data = NewChild {
                        id: None,
                        parent_id: parent,
                        v,
                        n,
                    };
                    Ok(stored(Child::create(data).exec(db).await?))
                }

                async fn create_many(
                    db: &Client,
                    parent: i64,
                    rows: Vec<($ty, Option<$ty>)>,
                ) -> Res<Vec<Stored<$ty>>> {
                    let data = rows.into_iter().map(|(v, n)| NewChild {
                        id: None,
                        parent_id: parent,
                        v,
                        n,
                    });
                    let rows = Child::create_many(data).and_return().exec(db).await?;
                    Ok(rows.into_iter().map(stored).collect())
                }

                async fn find_unique(db: &Client, id: i64) -> Res<Option<Stored<$ty>>> {
                    let row = Child::find_unique(Child::ID.eq(id)).exec(db).await?;
                    Ok(row.map(stored))
                }

                async fn find_eq(
                    db: &Client,
                    parent: i64,
                    nullable: bool,
                    x: &$ty,
                ) -> Res<Vec<Stored<$ty>>> {
                    let on_value = if nullable {
                        Child::N.eq(x.clone())
                    } else {
                        Child::V.eq(x.clone())
                    };
                    let rows = Child::find_many()
                        .filter(on_value & Child::PARENT_ID.eq(parent))
                        .exec(db)
                        .await?;
                    Ok(rows.into_iter().map(stored).collect())
                }

                async fn include(
                    db: &Client,
                    parent: i64,
                    strategy: Strategy,
                    only: Option<i64>,
                ) -> Res<Option<Vec<Stored<$ty>>>> {
                    let query = Parent::find_unique(Parent::ID.eq(parent));
                    let query = match only {
                        None => query.include(Parent::CHILDREN),
                        Some(id) => query.include(Parent::CHILDREN.filter(Child::ID.in_([id]))),
                    };
                    let Some(p) = query.strategy(strategy).exec(db).await? else {
                        return Ok(None);
                    };
                    Ok(Some(p.children.into_vec().into_iter().map(stored).collect()))
                }

                async fn count(db: &Client) -> Res<i64> {
                    Child::count().exec(db).await
                }
            }
        }
    };
}

table!(t_bool, KBool, bool, "rt_bool_p", "rt_bool_c");
table!(t_i16, KI16, i16, "rt_i16_p", "rt_i16_c");
table!(t_i32, KI32, i32, "rt_i32_p", "rt_i32_c");
table!(t_i64, KI64, i64, "rt_i64_p", "rt_i64_c");
table!(t_f32, KF32, f32, "rt_f32_p", "rt_f32_c");
table!(t_f64, KF64, f64, "rt_f64_p", "rt_f64_c");
table!(t_string, KString, String, "rt_string_p", "rt_string_c");
table!(
    t_text,
    KText,
    String,
    "rt_text_p",
    "rt_text_c",
    [db_type = "TEXT"]
);
table!(t_bytes, KBytes, Vec<u8>, "rt_bytes_p", "rt_bytes_c");
table!(t_decimal, KDecimal, Decimal, "rt_decimal_p", "rt_decimal_c");
table!(t_uuid, KUuid, Uuid, "rt_uuid_p", "rt_uuid_c");
table!(
    t_datetime,
    KDateTime,
    DateTime<Utc>,
    "rt_datetime_p",
    "rt_datetime_c"
);
table!(
    t_naive_datetime,
    KNaiveDateTime,
    NaiveDateTime,
    "rt_naive_dt_p",
    "rt_naive_dt_c"
);
table!(t_date, KDate, NaiveDate, "rt_date_p", "rt_date_c");
table!(t_time, KTime, NaiveTime, "rt_time_p", "rt_time_c");
table!(t_json, KJson, serde_json::Value, "rt_json_p", "rt_json_c");
table!(
    t_typed_json,
    KTypedJson,
    Json<Doc>,
    "rt_typed_json_p",
    "rt_typed_json_c"
);
table!(t_enum, KEnum, Mood, "rt_enum_p", "rt_enum_c");

/// Runs `$body` once per column type with `$t` bound to its table.
macro_rules! for_each_table {
    (|$t:ident| $body:expr) => {{
        {
            type $t = t_bool::T;
            $body
        }
        {
            type $t = t_i16::T;
            $body
        }
        {
            type $t = t_i32::T;
            $body
        }
        {
            type $t = t_i64::T;
            $body
        }
        {
            type $t = t_f32::T;
            $body
        }
        {
            type $t = t_f64::T;
            $body
        }
        {
            type $t = t_string::T;
            $body
        }
        {
            type $t = t_text::T;
            $body
        }
        {
            type $t = t_bytes::T;
            $body
        }
        {
            type $t = t_decimal::T;
            $body
        }
        {
            type $t = t_uuid::T;
            $body
        }
        {
            type $t = t_datetime::T;
            $body
        }
        {
            type $t = t_naive_datetime::T;
            $body
        }
        {
            type $t = t_date::T;
            $body
        }
        {
            type $t = t_time::T;
            $body
        }
        {
            type $t = t_json::T;
            $body
        }
        {
            type $t = t_typed_json::T;
            $body
        }
        {
            type $t = t_enum::T;
            $body
        }
    }};
}

fn schema() -> Schema {
    let mut s = Schema::new();
    for_each_table!(|T| s = T::schema(s));
    s
}

// ---------------------------------------------------------------------------------------------
// The check
// ---------------------------------------------------------------------------------------------

/// Which column of the child a probe is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    /// `v: T`, written by `create_many` (or `create` when the batch is refused).
    V,
    /// `n: Option<T>`, written by `create`.
    N,
}

impl Col {
    fn field(self) -> &'static str {
        match self {
            Col::V => "v",
            Col::N => "n",
        }
    }
}

/// What happened to one edge value in one column.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Exact,
    Refused,
    Failed,
}

struct Ctx {
    db: Client,
    backend: TestBackend,
    /// (type, label, column) → outcome, for the edge values.
    log: RefCell<BTreeMap<(&'static str, String, &'static str), Outcome>>,
}

/// A stored row whose value is under test.
struct Probe<V> {
    label: String,
    col: Col,
    hold: Hold,
    x: V,
    expected: Stored<V>,
}

/// What went wrong (`what`) and on which read or write paths.
type Symptoms = Vec<(String, Vec<String>)>;

/// Failures of one batch: per value and column, what went wrong and on which paths.
#[derive(Default)]
struct Failures {
    /// `(subject, symptoms)`, in the order found.
    by_value: Vec<(String, Symptoms)>,
    /// Failures not about one value.
    other: Vec<String>,
}

impl Failures {
    fn add(&mut self, subject: String, what: String, path: &str) {
        let i = match self.by_value.iter().position(|(s, _)| *s == subject) {
            Some(i) => i,
            None => {
                self.by_value.push((subject, Vec::new()));
                self.by_value.len() - 1
            }
        };
        let whats = &mut self.by_value[i].1;
        match whats.iter_mut().find(|(w, _)| *w == what) {
            Some((_, paths)) => {
                if !paths.iter().any(|p| p == path) {
                    paths.push(path.to_owned());
                }
            }
            None => whats.push((what, vec![path.to_owned()])),
        }
    }

    /// One line per value and column.
    fn lines(self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .by_value
            .into_iter()
            .map(|(subject, whats)| {
                let whats: Vec<String> = whats
                    .into_iter()
                    .map(|(what, paths)| format!("{what} ({})", paths.join(", ")))
                    .collect();
                format!("{subject}: {}", whats.join("; "))
            })
            .collect();
        lines.extend(self.other);
        lines
    }
}

struct Batch<'a, T: Table> {
    ctx: &'a Ctx,
    edge: bool,
    failures: Failures,
    /// Per parent, the rows that must be found under it.
    parents: BTreeMap<i64, Vec<Probe<Val<T>>>>,
    /// Parents holding rows a failed write stored anyway (so not every child is a probe).
    polluted: BTreeSet<i64>,
}

impl<T: Table> Batch<'_, T> {
    fn backend(&self) -> &'static str {
        match self.ctx.backend {
            TestBackend::Postgres => "postgres",
            TestBackend::MySql => "mysql",
            TestBackend::Sqlite => "sqlite",
        }
    }

    /// Records that `path` did `what` to the value `x` of column `col`.
    fn fail(&mut self, col: Col, label: &str, x: &Val<T>, path: &str, what: impl Into<String>) {
        let subject = format!(
            "{} {} `{}` {} [{label}]",
            self.backend(),
            T::K::NAME,
            col.field(),
            x.show(),
        );
        self.failures.add(subject, what.into(), path);
        self.note(col, label, Outcome::Failed);
    }

    fn other(&mut self, what: String) {
        let line = format!("{} {}: {what}", self.backend(), T::K::NAME);
        self.failures.other.push(line);
    }

    fn note(&self, col: Col, label: &str, outcome: Outcome) {
        if !self.edge {
            return;
        }
        let mut log = self.ctx.log.borrow_mut();
        let slot = log
            .entry((T::K::NAME, label.to_owned(), col.field()))
            .or_insert(outcome.clone());
        // A failure anywhere wins over an exact read elsewhere.
        if outcome > *slot {
            *slot = outcome;
        }
    }

    fn row_for(col: Col, x: &Val<T>) -> (Val<T>, Option<Val<T>>) {
        match col {
            Col::V => (x.clone(), None),
            Col::N => (T::K::baseline(), Some(x.clone())),
        }
    }

    /// Describes how `got` differs from `want`, or `None` when it is exact. For a probe of `n`,
    /// `v` holds the baseline, which is not under test (its own probe of `v` covers it).
    fn differs(col: Col, want: &Stored<Val<T>>, got: &Stored<Val<T>>) -> Option<String> {
        let mut parts = Vec::new();
        if col == Col::V && !want.v.exact(&got.v) {
            parts.push(format!("v = {}", got.v.show()));
        }
        if !opt_exact(&want.n, &got.n) {
            parts.push(format!("n = {}", opt_show(&got.n)));
        }
        if want.parent_id != got.parent_id {
            parts.push(format!("parent_id = {}", got.parent_id));
        }
        (!parts.is_empty()).then(|| format!("read back as {}", parts.join(", ")))
    }

    /// A value was stored: checks what the write returned and queues the reads.
    fn accepted(
        &mut self,
        col: Col,
        label: &str,
        x: &Val<T>,
        parent: i64,
        path: &str,
        got: Stored<Val<T>>,
    ) {
        let hold = T::K::holds(self.ctx.backend, x);
        let (v, n) = Self::row_for(col, x);
        let expected = Stored {
            id: got.id,
            parent_id: parent,
            v,
            n,
        };
        if hold == Hold::Cannot {
            self.fail(
                col,
                label,
                x,
                path,
                "stored a value the column cannot hold (expected InvalidValue)",
            );
        }
        if let Some(diff) = Self::differs(col, &expected, &got) {
            self.fail(col, label, x, &format!("{path} returned"), diff);
        }
        self.parents.entry(parent).or_default().push(Probe {
            label: label.to_owned(),
            col,
            hold,
            x: x.clone(),
            expected,
        });
    }

    /// A write failed: checks the error kind and that nothing was stored.
    fn refused(
        &mut self,
        col: Col,
        label: &str,
        x: &Val<T>,
        parent: i64,
        err: &Error,
        stored_rows: i64,
    ) {
        let hold = T::K::holds(self.ctx.backend, x);
        match err {
            Error::InvalidValue { field, .. } => {
                if let Some(f) = field
                    && f != col.field()
                {
                    self.fail(
                        col,
                        label,
                        x,
                        "create",
                        format!("InvalidValue names field {f:?}, not {:?}", col.field()),
                    );
                }
                if hold == Hold::Must {
                    self.fail(
                        col,
                        label,
                        x,
                        "create",
                        format!("refused a value the column holds: {err}"),
                    );
                }
            }
            other => self.fail(
                col,
                label,
                x,
                "create",
                format!(
                    "failed with a wrong error kind (expected InvalidValue): {other} ({other:?})"
                ),
            ),
        }
        if stored_rows != 0 {
            self.polluted.insert(parent);
            self.fail(
                col,
                label,
                x,
                "create",
                format!("failed but stored {stored_rows} row(s)"),
            );
        }
        if matches!(err, Error::InvalidValue { .. }) && hold != Hold::Must && stored_rows == 0 {
            self.note(col, label, Outcome::Refused);
        }
    }

    async fn count(&mut self) -> i64 {
        match T::count(&self.ctx.db).await {
            Ok(n) => n,
            Err(e) => {
                self.other(format!("count failed: {e} ({e:?})"));
                0
            }
        }
    }

    async fn new_parent(&mut self) -> Option<i64> {
        match T::parent(&self.ctx.db).await {
            Ok(p) => Some(p),
            Err(e) => {
                self.other(format!("cannot create a parent: {e} ({e:?})"));
                None
            }
        }
    }

    /// Writes each value alone with `create`.
    async fn create_each(&mut self, parent: i64, col: Col, values: &[(String, Val<T>)]) {
        let db = self.ctx.db.clone();
        let mut rows = self.count().await;
        for (label, x) in values {
            let (v, n) = Self::row_for(col, x);
            match T::create(&db, parent, v, n).await {
                Ok(got) => {
                    rows += 1;
                    self.accepted(col, label, x, parent, "create", got);
                }
                Err(err) => {
                    let now = self.count().await;
                    self.refused(col, label, x, parent, &err, now - rows);
                    rows = now;
                }
            }
        }
        // A failed write may commit its row only later (SQLite, when the statement is reset).
        let late = self.count().await - rows;
        if late != 0 {
            self.polluted.insert(parent);
            self.other(format!(
                "`{}`: {late} row(s) of failed creates appeared only after later statements",
                col.field()
            ));
        }
    }

    /// Writes rows A (`v = x`) with `create_many`, falling back to `create` when refused.
    async fn create_batch(&mut self, values: &[(String, Val<T>)]) {
        let db = self.ctx.db.clone();
        let Some(parent) = self.new_parent().await else {
            return;
        };
        let before = self.count().await;
        let rows = values.iter().map(|(_, x)| (x.clone(), None)).collect();
        match T::create_many(&db, parent, rows).await {
            Ok(got) => {
                if got.len() != values.len() {
                    self.other(format!(
                        "create_many returned {} rows for {} values",
                        got.len(),
                        values.len()
                    ));
                }
                for ((label, x), got) in values.iter().zip(got) {
                    self.accepted(Col::V, label, x, parent, "create_many", got);
                }
            }
            Err(err) => {
                let stored = self.count().await - before;
                let all_must = values
                    .iter()
                    .all(|(_, x)| T::K::holds(self.ctx.backend, x) == Hold::Must);
                let invalid = matches!(err, Error::InvalidValue { .. });
                // The values are written one at a time below: the per-value lines say which one
                // is refused, so only what `create` cannot show is reported here.
                if !invalid || stored != 0 || all_must {
                    let values: Vec<String> = values
                        .iter()
                        .map(|(l, x)| {
                            if self.edge {
                                format!("[{l}]")
                            } else {
                                abbreviate(&x.show()).chars().take(60).collect()
                            }
                        })
                        .collect();
                    self.other(format!(
                        "`v`: create_many of {} failed{}{}: {err}",
                        values.join(", "),
                        if stored != 0 {
                            format!(" and stored {stored} row(s)")
                        } else {
                            String::new()
                        },
                        if all_must {
                            " although the column holds every value"
                        } else if !invalid {
                            " with a wrong error kind (expected InvalidValue)"
                        } else {
                            ""
                        }
                    ));
                }
                // One at a time, under a parent of their own, to see which value is refused.
                if let Some(parent) = self.new_parent().await {
                    self.create_each(parent, Col::V, values).await;
                }
            }
        }
    }

    /// Reads every stored row back by key, by `eq` on its value, and through both includes.
    async fn read_back(&mut self) {
        let db = self.ctx.db.clone();
        let parents = std::mem::take(&mut self.parents);
        for (&parent, probes) in &parents {
            for p in probes {
                match T::find_unique(&db, p.expected.id).await {
                    Ok(Some(got)) => {
                        if let Some(diff) = Self::differs(p.col, &p.expected, &got) {
                            self.fail(p.col, &p.label, &p.x, "find_unique", diff);
                        }
                    }
                    Ok(None) => self.fail(p.col, &p.label, &p.x, "find_unique", "found no row"),
                    Err(e) => {
                        self.fail(p.col, &p.label, &p.x, "find_unique", format!("failed: {e}"))
                    }
                }
                match T::find_eq(&db, parent, p.col == Col::N, &p.x).await {
                    Ok(rows) => {
                        if !rows.iter().any(|r| r.id == p.expected.id) {
                            self.fail(
                                p.col,
                                &p.label,
                                &p.x,
                                "find_many(eq)",
                                "did not match the stored row",
                            );
                        }
                        for r in rows.iter().filter(|r| r.id != p.expected.id) {
                            let other = match p.col {
                                Col::V => Some(r.v.clone()),
                                Col::N => r.n.clone(),
                            };
                            if !other.as_ref().is_some_and(|o| p.x.sql_eq(o)) {
                                self.fail(
                                    p.col,
                                    &p.label,
                                    &p.x,
                                    "find_many(eq)",
                                    format!("also matched another row's {}", opt_show(&other)),
                                );
                            }
                        }
                    }
                    Err(e) => self.fail(
                        p.col,
                        &p.label,
                        &p.x,
                        "find_many(eq)",
                        format!("failed: {e}"),
                    ),
                }
            }
            for strategy in [Strategy::Query, Strategy::Join] {
                self.check_include(parent, probes, strategy).await;
            }
            for p in probes {
                if p.hold != Hold::Cannot {
                    self.note(p.col, &p.label, Outcome::Exact);
                }
            }
        }
    }

    async fn check_include(&mut self, parent: i64, probes: &[Probe<Val<T>>], strategy: Strategy) {
        let db = self.ctx.db.clone();
        let path = format!("include {strategy:?}");
        let polluted = self.polluted.contains(&parent);
        match T::include(&db, parent, strategy, None).await {
            Ok(Some(children)) => {
                let want: BTreeSet<i64> = probes.iter().map(|p| p.expected.id).collect();
                let got: BTreeSet<i64> = children.iter().map(|c| c.id).collect();
                if want != got && !(polluted && want.is_subset(&got)) {
                    self.other(format!("{path} loaded children {got:?}, expected {want:?}"));
                }
                for p in probes {
                    if let Some(c) = children.iter().find(|c| c.id == p.expected.id)
                        && let Some(diff) = Self::differs(p.col, &p.expected, c)
                    {
                        self.fail(p.col, &p.label, &p.x, &path, diff);
                    }
                }
            }
            Ok(None) => self.other(format!("{path} did not find parent {parent}")),
            Err(err) => {
                // Which value breaks it: include each child on its own.
                let before = self.failures.by_value.len();
                for p in probes {
                    match T::include(&db, parent, strategy, Some(p.expected.id)).await {
                        Ok(Some(children)) => match children.as_slice() {
                            [c] => {
                                if let Some(diff) = Self::differs(p.col, &p.expected, c) {
                                    self.fail(p.col, &p.label, &p.x, &path, diff);
                                }
                            }
                            other => self.fail(
                                p.col,
                                &p.label,
                                &p.x,
                                &path,
                                format!("loaded {} rows for one key", other.len()),
                            ),
                        },
                        Ok(None) => self.fail(p.col, &p.label, &p.x, &path, "found no parent"),
                        Err(e) => self.fail(p.col, &p.label, &p.x, &path, format!("failed: {e}")),
                    }
                }
                // A row a failed write stored anyway breaks the parent's include: reported there.
                if self.failures.by_value.len() == before && !polluted {
                    self.other(format!(
                        "{path} failed for the whole parent, though not for any child alone: {err}"
                    ));
                }
            }
        }
    }
}

/// Writes and reads back `values` in both columns; returns the failures, one line per value.
async fn check_batch<T: Table>(ctx: &Ctx, values: &[(String, Val<T>)], edge: bool) -> Vec<String> {
    let mut b = Batch::<T> {
        ctx,
        edge,
        failures: Failures::default(),
        parents: BTreeMap::new(),
        polluted: BTreeSet::new(),
    };
    b.create_batch(values).await;
    if let Some(parent) = b.new_parent().await {
        b.create_each(parent, Col::N, values).await;
    }
    b.read_back().await;
    b.failures.lines()
}

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    Config {
        cases,
        rng_seed: RngSeed::Fixed(0x0f0a_d1c7_2025),
        failure_persistence: None,
        max_shrink_iters: 24,
        max_shrink_time: 2_000,
        ..Config::default()
    }
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "(non-string panic)".to_owned())
}

/// The edges, then the generated batches, of one column type.
fn run_table<T: Table>(rt: &tokio::runtime::Runtime, ctx: &Ctx) -> Vec<String> {
    let backend = format!("{:?}", ctx.backend).to_lowercase();
    let mut failures = Vec::new();
    for chunk in T::K::edges().chunks(EDGE_BATCH) {
        let run = std::panic::catch_unwind(AssertUnwindSafe(|| {
            rt.block_on(check_batch::<T>(ctx, chunk, true))
        }));
        match run {
            Ok(f) => failures.extend(f),
            Err(p) => {
                let labels: Vec<&str> = chunk.iter().map(|(l, _)| l.as_str()).collect();
                failures.push(format!(
                    "{backend} {}: panicked on the edges {labels:?}: {}",
                    T::K::NAME,
                    panic_message(&*p)
                ));
            }
        }
    }
    let mut runner = TestRunner::new(config());
    let values = proptest::collection::vec(T::K::strategy(), 1..=BATCH);
    let result = runner.run(&values, |values| {
        let labelled: Vec<(String, Val<T>)> = values
            .into_iter()
            .map(|v| ("generated".to_owned(), v))
            .collect();
        let f = rt.block_on(check_batch::<T>(ctx, &labelled, false));
        if f.is_empty() {
            Ok(())
        } else {
            Err(TestCaseError::fail(f.join("\n    ")))
        }
    });
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, values)) => {
            let shown: Vec<String> = values.iter().map(Exact::show).collect();
            failures.push(format!(
                "{backend} {}: generated values fail (shrunk to [{}]):\n    {reason}",
                T::K::NAME,
                shown.join(", ")
            ));
        }
        Err(TestError::Abort(reason)) => failures.push(format!(
            "{backend} {}: proptest aborted: {reason}",
            T::K::NAME
        )),
    }
    failures
}

fn run_backend(backend: TestBackend) {
    let started = std::time::Instant::now();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let (isolated, db) = rt.block_on(async {
        let isolated = IsolatedDb::create(backend).await;
        let db = Client::connect(&isolated.url)
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: cannot connect to {}: {e}", isolated.url));
        schema()
            .push(&db)
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: cannot create the schema: {e}"));
        (isolated, db)
    });
    let ctx = Ctx {
        db,
        backend,
        log: RefCell::new(BTreeMap::new()),
    };
    let mut failures = Vec::new();
    for_each_table!(|T| failures.extend(run_table::<T>(&rt, &ctx)));

    // What each edge did, per column: the observed "cannot hold" table.
    let log = ctx.log.take();
    let mut summary = format!("{backend:?}: edges refused with InvalidValue:\n");
    for ((ty, label, col), outcome) in &log {
        if *outcome == Outcome::Refused {
            summary.push_str(&format!("  {ty} `{col}` [{label}]\n"));
        }
    }
    summary.push_str(&format!("{backend:?}: edges that fail:\n"));
    for ((ty, label, col), outcome) in &log {
        if *outcome == Outcome::Failed {
            summary.push_str(&format!("  {ty} `{col}` [{label}]\n"));
        }
    }
    eprintln!(
        "{summary}{backend:?}: finished in {:.1?}",
        started.elapsed()
    );

    rt.block_on(async {
        ctx.db.close().await;
    });
    if failures.is_empty() {
        rt.block_on(isolated.cleanup());
    } else {
        panic!(
            "{backend:?}: {} round-trip failure(s):\n  {}",
            failures.len(),
            failures.join("\n  ")
        );
    }
}

macro_rules! backend_tests {
    ($($(#[$cfg:meta])* $name:ident => $backend:ident;)*) => {$(
        $(#[$cfg])*
        #[test]
        fn $name() {
            run_backend(TestBackend::$backend);
        }
    )*};
}

backend_tests! {
    sqlite => Sqlite;
    #[cfg(orm_postgres)]
    postgres => Postgres;
    #[cfg(orm_mysql)]
    mysql => MySql;
}
