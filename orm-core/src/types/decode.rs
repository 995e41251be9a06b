//! Positional decoding of one column from a backend row.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use rust_decimal::Decimal;
#[cfg(feature = "mysql")]
use sqlx::mysql::MySqlRow;
#[cfg(feature = "postgres")]
use sqlx::postgres::PgRow;
#[cfg(feature = "sqlite")]
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, ValueRef};
use uuid::Uuid;

use super::DecodeError;

/// A borrowed row from any backend. Generated decoders read it by position.
#[derive(Clone, Copy)]
pub enum RowRef<'r> {
    /// A PostgreSQL row.
    #[cfg(feature = "postgres")]
    Postgres(&'r PgRow),
    /// A MySQL / MariaDB row.
    #[cfg(feature = "mysql")]
    MySql(&'r MySqlRow),
    /// A SQLite row.
    #[cfg(feature = "sqlite")]
    Sqlite(&'r SqliteRow),
    /// A row aggregated into a JSON array by the `Join` load strategy, one element per column.
    Json(&'r [serde_json::Value]),
}

impl std::fmt::Debug for RowRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            #[cfg(feature = "postgres")]
            RowRef::Postgres(_) => "RowRef::Postgres",
            #[cfg(feature = "mysql")]
            RowRef::MySql(_) => "RowRef::MySql",
            #[cfg(feature = "sqlite")]
            RowRef::Sqlite(_) => "RowRef::Sqlite",
            RowRef::Json(_) => "RowRef::Json",
        })
    }
}

/// Text format of date-times stored in SQLite: fixed width, so text order is time order.
pub(crate) const SQLITE_DATETIME: &str = "%Y-%m-%d %H:%M:%S%.6f";
pub(crate) const SQLITE_DATE: &str = "%Y-%m-%d";
pub(crate) const SQLITE_TIME: &str = "%H:%M:%S%.6f";

impl<'r> RowRef<'r> {
    /// The number of columns.
    pub fn len(&self) -> usize {
        match self {
            #[cfg(feature = "postgres")]
            RowRef::Postgres(r) => r.len(),
            #[cfg(feature = "mysql")]
            RowRef::MySql(r) => r.len(),
            #[cfg(feature = "sqlite")]
            RowRef::Sqlite(r) => r.len(),
            RowRef::Json(a) => a.len(),
        }
    }

    /// Whether the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The position of the column called `name`.
    pub fn index_of(&self, name: &str) -> Result<usize, DecodeError> {
        use sqlx::Column;
        let found = match self {
            #[cfg(feature = "postgres")]
            RowRef::Postgres(r) => r.columns().iter().position(|c| c.name() == name),
            #[cfg(feature = "mysql")]
            RowRef::MySql(r) => r.columns().iter().position(|c| c.name() == name),
            #[cfg(feature = "sqlite")]
            RowRef::Sqlite(r) => r.columns().iter().position(|c| c.name() == name),
            RowRef::Json(_) => None,
        };
        found.ok_or_else(|| format!("the result has no column named `{name}`").into())
    }

    /// Whether a decoder may turn `NULL` into a value instead of failing (SQLite reads it as 0 or
    /// an empty string), so non-nullable columns must check first.
    #[doc(hidden)]
    #[inline]
    pub fn __decodes_null_silently(&self) -> bool {
        #[cfg(feature = "sqlite")]
        {
            matches!(self, RowRef::Sqlite(_))
        }
        #[cfg(not(feature = "sqlite"))]
        {
            false
        }
    }

    /// Whether the value at `index` is `NULL`.
    #[inline]
    pub fn is_null(&self, index: usize) -> Result<bool, DecodeError> {
        Ok(match self {
            #[cfg(feature = "postgres")]
            RowRef::Postgres(r) => r.try_get_raw(index)?.is_null(),
            #[cfg(feature = "mysql")]
            RowRef::MySql(r) => r.try_get_raw(index)?.is_null(),
            #[cfg(feature = "sqlite")]
            RowRef::Sqlite(r) => r.try_get_raw(index)?.is_null(),
            RowRef::Json(a) => json_at(a, index)?.is_null(),
        })
    }

    /// Decodes a type every backend supports natively.
    #[inline]
    pub(crate) fn native<T>(&self, index: usize) -> Result<T, DecodeError>
    where
        T: Native,
    {
        Ok(match self {
            #[cfg(feature = "postgres")]
            RowRef::Postgres(r) => r.try_get(index)?,
            #[cfg(feature = "mysql")]
            RowRef::MySql(r) => r.try_get(index)?,
            #[cfg(feature = "sqlite")]
            RowRef::Sqlite(r) => r.try_get(index)?,
            RowRef::Json(a) => T::from_json(json_at(a, index)?)?,
        })
    }

    /// A floating-point score, single or double precision (PostgreSQL's `ts_rank_cd` is
    /// `real`, the other backends' scores double), widened exactly to `f64`.
    pub(crate) fn score(&self, index: usize) -> Result<f64, DecodeError> {
        match self {
            #[cfg(feature = "postgres")]
            RowRef::Postgres(r) => Ok(r
                .try_get::<f32, _>(index)
                .map(f64::from)
                .or_else(|_| r.try_get::<f64, _>(index))?),
            other => other.native::<f64>(index),
        }
    }

    /// An unsigned integer column (MySQL reports `SHOW WARNINGS` codes so).
    pub(crate) fn unsigned(&self, index: usize) -> Result<u64, DecodeError> {
        match self {
            #[cfg(feature = "mysql")]
            RowRef::MySql(r) => Ok(r
                .try_get::<u64, _>(index)
                .or_else(|_| r.try_get::<u32, _>(index).map(u64::from))?),
            other => Ok(u64::try_from(<i64 as crate::types::FieldType>::decode(
                *other, index,
            )?)?),
        }
    }

    /// Decodes text without checking the column's declared type (enums, JSON stored as text).
    #[inline]
    pub fn text(&self, index: usize) -> Result<&'r str, DecodeError> {
        Ok(match self {
            #[cfg(feature = "postgres")]
            RowRef::Postgres(r) => r.try_get_unchecked(index)?,
            #[cfg(feature = "mysql")]
            RowRef::MySql(r) => r.try_get_unchecked(index)?,
            #[cfg(feature = "sqlite")]
            RowRef::Sqlite(r) => r.try_get_unchecked(index)?,
            RowRef::Json(a) => json_at(a, index)?
                .as_str()
                .ok_or_else(|| format!("expected text, found {}", a[index]))?,
        })
    }

    /// A decimal with the smallest scale that holds its value (`1.50` and a `NUMERIC(65,30)`'s
    /// `1.500…0` both read as `1.5`), so every backend returns the same representation.
    /// A decimal, exactly: a stored value with more significant digits than `Decimal` holds (28)
    /// is an error, never rounded (sqlx's own conversions round).
    pub(crate) fn decimal(&self, index: usize) -> Result<Decimal, DecodeError> {
        self.decimal_with(index, exact_decimal)
    }

    /// A decimal rounded to the 28 significant digits `Decimal` holds: for averages, whose exact
    /// value may have no end.
    pub(crate) fn decimal_rounded(&self, index: usize) -> Result<Decimal, DecodeError> {
        self.decimal_with(index, |s| Ok(s.parse::<Decimal>()?))
    }

    fn decimal_with(
        &self,
        index: usize,
        parse: fn(&str) -> Result<Decimal, DecodeError>,
    ) -> Result<Decimal, DecodeError> {
        let d: Decimal = match self {
            #[cfg(feature = "postgres")]
            RowRef::Postgres(r) => {
                let raw = r.try_get_raw(index)?;
                if raw.is_null() {
                    return Err("unexpected NULL".into());
                }
                use sqlx::TypeInfo;
                if raw.type_info().name() != "NUMERIC" {
                    r.try_get::<Decimal, _>(index)?
                } else {
                    match raw.format() {
                        sqlx::postgres::PgValueFormat::Binary => {
                            parse(&pg_numeric_text(raw.as_bytes()?)?)?
                        }
                        sqlx::postgres::PgValueFormat::Text => parse(raw.as_str()?)?,
                    }
                }
            }
            #[cfg(feature = "mysql")]
            RowRef::MySql(r) => {
                // DECIMAL arrives as its text: parsed exactly. Integers and floats as themselves.
                let raw = r.try_get_raw(index)?;
                use sqlx::TypeInfo;
                if raw.type_info().name() == "DECIMAL" {
                    parse(r.try_get_unchecked::<&str, _>(index)?)?
                } else {
                    r.try_get::<Decimal, _>(index)?
                }
            }
            #[cfg(feature = "sqlite")]
            RowRef::Sqlite(r) => {
                let raw = r.try_get_raw(index)?;
                let info = raw.type_info();
                use sqlx::TypeInfo;
                match info.name() {
                    "INTEGER" => Decimal::from(r.try_get::<i64, _>(index)?),
                    "REAL" => Decimal::try_from(r.try_get::<f64, _>(index)?)?,
                    _ => parse(r.try_get::<&str, _>(index)?)?,
                }
            }
            RowRef::Json(a) => match json_at(a, index)? {
                serde_json::Value::String(s) => parse(s)?,
                serde_json::Value::Number(n) => parse(&n.to_string())?,
                other => return Err(format!("expected a decimal, found {other}").into()),
            },
        };
        Ok(d.normalize())
    }

    pub(crate) fn uuid(&self, index: usize) -> Result<Uuid, DecodeError> {
        match self {
            #[cfg(feature = "postgres")]
            RowRef::Postgres(r) => Ok(r.try_get(index)?),
            _ => Ok(Uuid::parse_str(self.text(index)?)?),
        }
    }

    pub(crate) fn datetime(&self, index: usize) -> Result<DateTime<Utc>, DecodeError> {
        match self {
            #[cfg(feature = "postgres")]
            RowRef::Postgres(r) => Ok(r.try_get(index)?),
            // Bound and stored as DATETIME, in UTC.
            #[cfg(feature = "mysql")]
            RowRef::MySql(r) => Ok(Utc.from_utc_datetime(&r.try_get::<NaiveDateTime, _>(index)?)),
            _ => parse_text_datetime(self.text(index)?),
        }
    }

    pub(crate) fn naive_datetime(&self, index: usize) -> Result<NaiveDateTime, DecodeError> {
        match self {
            #[cfg(feature = "postgres")]
            RowRef::Postgres(r) => Ok(r.try_get(index)?),
            #[cfg(feature = "mysql")]
            RowRef::MySql(r) => Ok(r.try_get(index)?),
            _ => {
                let (year, rest) = split_year(self.text(index)?)?;
                with_year(parse_sqlite_naive(&format!("2000{rest}"))?, year)
            }
        }
    }

    pub(crate) fn date(&self, index: usize) -> Result<NaiveDate, DecodeError> {
        match self {
            #[cfg(feature = "postgres")]
            RowRef::Postgres(r) => Ok(r.try_get(index)?),
            #[cfg(feature = "mysql")]
            RowRef::MySql(r) => Ok(r.try_get(index)?),
            _ => {
                let (year, rest) = split_year(self.text(index)?)?;
                let d = NaiveDate::parse_from_str(&format!("2000{rest}"), SQLITE_DATE)?;
                d.with_year(year)
                    .ok_or_else(|| format!("no day {rest} in year {year}").into())
            }
        }
    }

    pub(crate) fn time(&self, index: usize) -> Result<NaiveTime, DecodeError> {
        match self {
            #[cfg(feature = "postgres")]
            RowRef::Postgres(r) => Ok(r.try_get(index)?),
            #[cfg(feature = "mysql")]
            RowRef::MySql(r) => Ok(r.try_get(index)?),
            _ => Ok(NaiveTime::parse_from_str(self.text(index)?, "%H:%M:%S%.f")?),
        }
    }

    /// Decodes a JSON document.
    pub fn json<T: serde::de::DeserializeOwned>(&self, index: usize) -> Result<T, DecodeError> {
        match self {
            #[cfg(feature = "postgres")]
            RowRef::Postgres(r) => {
                let sqlx::types::Json(v) = r.try_get::<sqlx::types::Json<T>, _>(index)?;
                Ok(v)
            }
            RowRef::Json(a) => match json_at(a, index)? {
                // MySQL and SQLite may hand a JSON column over as its text.
                serde_json::Value::String(s) => match serde_json::from_str(s) {
                    Ok(v) => Ok(v),
                    Err(_) => Ok(serde_json::from_value(serde_json::Value::String(
                        s.clone(),
                    ))?),
                },
                v => Ok(serde_json::from_value(v.clone())?),
            },
            // MySQL and SQLite return a JSON column as its text.
            #[allow(unreachable_patterns)]
            _ => Ok(serde_json::from_str(self.text(index)?)?),
        }
    }
}

fn json_at(a: &[serde_json::Value], index: usize) -> Result<&serde_json::Value, DecodeError> {
    a.get(index)
        .ok_or_else(|| format!("no element {index} in an aggregated row").into())
}

/// A type every enabled driver decodes natively (and the JSON rows of the `Join` strategy).
pub(crate) trait Native: PgNative + MySqlNative + SqliteNative + FromJson {}
impl<T: PgNative + MySqlNative + SqliteNative + FromJson> Native for T {}

macro_rules! native_for {
    ($($name:ident, $feature:literal, $db:ty;)*) => {$(
        #[cfg(feature = $feature)]
        pub(crate) trait $name: for<'a> sqlx::Decode<'a, $db> + sqlx::Type<$db> {}
        #[cfg(feature = $feature)]
        impl<T: for<'a> sqlx::Decode<'a, $db> + sqlx::Type<$db>> $name for T {}
        #[cfg(not(feature = $feature))]
        pub(crate) trait $name {}
        #[cfg(not(feature = $feature))]
        impl<T> $name for T {}
    )*};
}
native_for! {
    PgNative, "postgres", sqlx::Postgres;
    MySqlNative, "mysql", sqlx::MySql;
    SqliteNative, "sqlite", sqlx::Sqlite;
}

/// Decoding from an element of a JSON-aggregated row (the `Join` load strategy).
pub(crate) trait FromJson: Sized {
    fn from_json(v: &serde_json::Value) -> Result<Self, DecodeError>;
}

impl FromJson for bool {
    fn from_json(v: &serde_json::Value) -> Result<Self, DecodeError> {
        match v {
            serde_json::Value::Bool(b) => Ok(*b),
            serde_json::Value::Number(n) => Ok(n.as_i64() != Some(0)),
            other => Err(format!("expected a boolean, found {other}").into()),
        }
    }
}

macro_rules! int_from_json {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn from_json(v: &serde_json::Value) -> Result<Self, DecodeError> {
                let n = match v {
                    serde_json::Value::Number(n) => n.as_i64(),
                    serde_json::Value::String(s) => s.parse().ok(),
                    _ => None,
                };
                let n = n.ok_or_else(|| format!("expected an integer, found {v}"))?;
                Ok(<$t>::try_from(n)?)
            }
        }
    )*};
}
int_from_json!(i16, i32, i64);

impl FromJson for f64 {
    fn from_json(v: &serde_json::Value) -> Result<Self, DecodeError> {
        match v {
            serde_json::Value::Number(n) => n.as_f64().ok_or_else(|| "invalid number".into()),
            serde_json::Value::String(s) => Ok(s.parse()?),
            other => Err(format!("expected a number, found {other}").into()),
        }
    }
}

impl FromJson for f32 {
    fn from_json(v: &serde_json::Value) -> Result<Self, DecodeError> {
        f64::from_json(v).map(|f| f as f32)
    }
}

impl FromJson for String {
    fn from_json(v: &serde_json::Value) -> Result<Self, DecodeError> {
        match v {
            serde_json::Value::String(s) => Ok(s.clone()),
            other => Err(format!("expected text, found {other}").into()),
        }
    }
}

impl FromJson for Vec<u8> {
    /// Bytes are aggregated as hexadecimal text.
    fn from_json(v: &serde_json::Value) -> Result<Self, DecodeError> {
        let s = v
            .as_str()
            .ok_or_else(|| format!("expected hexadecimal text, found {v}"))?;
        let s = s.strip_prefix("\\x").unwrap_or(s);
        if s.len() % 2 != 0 {
            return Err("odd-length hexadecimal text".into());
        }
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(Into::into))
            .collect()
    }
}

/// A date-time as text: the SQLite format, RFC 3339 with an offset, or PostgreSQL's JSON rendering
/// (years beyond 9999, and `… BC` for years before 1).
fn parse_text_datetime(s: &str) -> Result<DateTime<Utc>, DecodeError> {
    let (year, rest) = split_year(s)?;
    let normal = format!("2000{rest}");
    if let Ok(dt) = DateTime::parse_from_rfc3339(&normal) {
        let local = with_year(dt.naive_local(), year)?;
        return Ok(Utc.from_utc_datetime(&(local - dt.offset().fix())));
    }
    Ok(Utc.from_utc_datetime(&with_year(parse_sqlite_naive(&normal)?, year)?))
}

/// Splits the (proleptic, astronomical) year off a date text: `"-0044-03-15"`, `"10000-01-01"`,
/// `"0044-03-15T00:00:00+00:00 BC"` (year -43) all work.
fn split_year(s: &str) -> Result<(i32, &str), DecodeError> {
    let (s, bc) = match s.strip_suffix(" BC") {
        Some(s) => (s, true),
        None => (s, false),
    };
    let (sign, digits) = match s.as_bytes().first() {
        Some(b'-') => (-1, &s[1..]),
        Some(b'+') => (1, &s[1..]),
        _ => (1, s),
    };
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("invalid date `{s}`"))?;
    let year: i32 = digits[..end]
        .parse()
        .map_err(|_| format!("invalid year in `{s}`"))?;
    let year = sign * year;
    Ok((if bc { 1 - year } else { year }, &digits[end..]))
}

fn with_year(t: NaiveDateTime, year: i32) -> Result<NaiveDateTime, DecodeError> {
    t.with_year(year)
        .ok_or_else(|| format!("{t} does not exist in year {year}").into())
}

fn parse_sqlite_naive(s: &str) -> Result<NaiveDateTime, DecodeError> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f"))
        .map_err(|e| format!("invalid date-time `{s}`: {e}").into())
}

/// Parses a decimal's text exactly: trailing zeros of the fraction are dropped first (a
/// `NUMERIC(65,30)` column pads to 30 decimals); more significant digits than `Decimal` holds is an
/// error.
fn exact_decimal(text: &str) -> Result<Decimal, DecodeError> {
    let t = text.trim();
    let t = match t.split_once('.') {
        Some((int, frac)) => {
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() {
                std::borrow::Cow::Borrowed(int)
            } else {
                std::borrow::Cow::Owned(format!("{int}.{frac}"))
            }
        }
        None => std::borrow::Cow::Borrowed(t),
    };
    Decimal::from_str_exact(&t).map_err(|e| {
        format!("the stored decimal {text} does not fit a Decimal exactly ({e})").into()
    })
}

/// The text of a PostgreSQL `NUMERIC` in binary form: digit count, weight (of the first base-10000
/// digit), sign, display scale, then the base-10000 digits.
#[cfg(feature = "postgres")]
fn pg_numeric_text(b: &[u8]) -> Result<String, DecodeError> {
    let word = |i: usize| -> Result<u16, DecodeError> {
        b.get(i..i + 2)
            .map(|w| u16::from_be_bytes([w[0], w[1]]))
            .ok_or_else(|| "a truncated NUMERIC".into())
    };
    let ndigits = word(0)? as usize;
    let weight = word(2)? as i16 as i32;
    let sign = word(4)?;
    let dscale = word(6)? as usize;
    match sign {
        0x0000 | 0x4000 => {}
        0xC000 => return Err("NaN is not a decimal".into()),
        _ => return Err("an infinite NUMERIC is not a decimal".into()),
    }
    let digits: Vec<u16> = (0..ndigits)
        .map(|i| word(8 + 2 * i))
        .collect::<Result<_, _>>()?;
    let mut int = String::new();
    for w in 0..=weight.max(-1) {
        let d = digits.get(w as usize).copied().unwrap_or(0);
        if int.is_empty() {
            if d != 0 {
                int.push_str(&d.to_string());
            }
        } else {
            int.push_str(&format!("{d:04}"));
        }
    }
    if int.is_empty() {
        int.push('0');
    }
    let mut frac = String::new();
    let mut i = weight + 1;
    while frac.len() < dscale {
        let d = if i < 0 {
            0
        } else {
            digits.get(i as usize).copied().unwrap_or(0)
        };
        frac.push_str(&format!("{d:04}"));
        i += 1;
    }
    frac.truncate(dscale);
    let sign = if sign == 0x4000 { "-" } else { "" };
    Ok(if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_datetimes_in_every_rendering() {
        let at = |y, m, d, h| {
            Utc.from_utc_datetime(
                &NaiveDate::from_ymd_opt(y, m, d)
                    .unwrap()
                    .and_hms_opt(h, 0, 0)
                    .unwrap(),
            )
        };
        let cases = [
            ("2024-02-29 12:00:00.000000", at(2024, 2, 29, 12)),
            ("2024-02-29T12:00:00+00:00", at(2024, 2, 29, 12)),
            ("2024-02-29T14:00:00+02:00", at(2024, 2, 29, 12)),
            ("10000-01-01T00:00:00+00:00", at(10000, 1, 1, 0)),
            ("0044-03-15T00:00:00+00:00 BC", at(-43, 3, 15, 0)),
            ("0001-01-01T00:00:00+00:00 BC", at(0, 1, 1, 0)),
            ("0005-02-29T00:00:00+00:00 BC", at(-4, 2, 29, 0)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_text_datetime(text).unwrap(), want, "{text}");
        }
        assert!(parse_text_datetime("2023-02-29 00:00:00").is_err());
        assert_eq!(split_year("0044-03-15 BC").unwrap(), (-43, "-03-15"));
        assert_eq!(split_year("-0044-03-15").unwrap(), (-44, "-03-15"));
    }
}
