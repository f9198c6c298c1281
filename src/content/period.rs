//! The time a figure refers to: a year, a half-year, a quarter or a month.
//!
//! Reports state figures for all four (瓯海's "2月…5月" growth rates sit next to
//! annual counts), so a period is more than a year, yet must sort, plot on one time
//! axis and print in Chinese.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Periods are ordered in time, by [`Period::sort_key`], everywhere: on the pages, in
/// the charts and in the CSVs (`2023` < `2023-H1` < `2023-Q1` < `2023-01` < `2023-05` <
/// `2023-H2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Year(i32),
    Half(i32, u8),
    Quarter(i32, u8),
    Month(i32, u8),
}

impl Ord for Period {
    fn cmp(&self, other: &Period) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Period) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Period {
    pub fn year(self) -> i32 {
        match self {
            Period::Year(y) | Period::Half(y, _) | Period::Quarter(y, _) | Period::Month(y, _) => y,
        }
    }

    /// The same part of another year.
    pub fn with_year(self, y: i32) -> Period {
        match self {
            Period::Year(_) => Period::Year(y),
            Period::Half(_, h) => Period::Half(y, h),
            Period::Quarter(_, q) => Period::Quarter(y, q),
            Period::Month(_, m) => Period::Month(y, m),
        }
    }

    /// Months covered, 1-based inclusive.
    fn months(self) -> (u8, u8) {
        match self {
            Period::Year(_) => (1, 12),
            Period::Half(_, h) => (h * 6 - 5, h * 6),
            Period::Quarter(_, q) => (q * 3 - 2, q * 3),
            Period::Month(_, m) => (m, m),
        }
    }

    /// The order of periods: by start, then longer periods first (a year before its
    /// first half, a half before its first quarter). No two periods share a key.
    fn sort_key(self) -> (i32, u8, u8) {
        let (start, end) = self.months();
        (self.year(), start, 12 - (end - start))
    }

    /// Position on a continuous time axis in years: the middle of the period for parts
    /// of a year, the year itself for a whole year (so annual series sit on integers).
    pub fn axis_position(self) -> f64 {
        match self {
            Period::Year(y) => f64::from(y),
            _ => {
                let (start, end) = self.months();
                let mid = (f64::from(start) - 1.0 + f64::from(end)) / 2.0;
                f64::from(self.year()) - 0.5 + mid / 12.0
            }
        }
    }

    /// How the period reads in Chinese: 2022年, 2023年上半年, 2023年第二季度, 2023年5月.
    pub fn label_zh(self) -> String {
        match self {
            Period::Year(y) => format!("{y}年"),
            Period::Half(y, 1) => format!("{y}年上半年"),
            Period::Half(y, _) => format!("{y}年下半年"),
            Period::Quarter(y, q) => {
                format!(
                    "{y}年第{}季度",
                    ["一", "二", "三", "四"][usize::from(q - 1)]
                )
            }
            Period::Month(y, m) => format!("{y}年{m}月"),
        }
    }

    /// A short label for chart axes: 2022, 2023上, 2023Q2, 2023.5.
    pub fn label_short(self) -> String {
        match self {
            Period::Year(y) => y.to_string(),
            Period::Half(y, 1) => format!("{y}上半年"),
            Period::Half(y, _) => format!("{y}下半年"),
            Period::Quarter(y, q) => format!("{y}Q{q}"),
            Period::Month(y, m) => format!("{y}.{m}"),
        }
    }
}

impl fmt::Display for Period {
    /// The canonical form curators write in YAML and that URLs and CSV use.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Half(y, h) => write!(f, "{y}-H{h}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
        }
    }
}

const FORMS: &str =
    "a year `2022`, a half-year `2023-H1`, a quarter `2023-Q2` or a month `2023-05`";

impl FromStr for Period {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a period; write {FORMS}");
        let year = |y: &str| -> Result<i32, String> {
            match y.parse::<i32>() {
                Ok(n) if (1900..=2200).contains(&n) && y.len() == 4 => Ok(n),
                _ => Err(bad()),
            }
        };
        let s = s.trim();
        let Some((y, part)) = s.split_once('-') else {
            return Ok(Period::Year(year(s)?));
        };
        let y = year(y)?;
        let num = |t: &str, max: u8| -> Result<u8, String> {
            match t.parse::<u8>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(bad()),
            }
        };
        if let Some(h) = part.strip_prefix(['H', 'h']) {
            Ok(Period::Half(y, num(h, 2)?))
        } else if let Some(q) = part.strip_prefix(['Q', 'q']) {
            Ok(Period::Quarter(y, num(q, 4)?))
        } else if part.len() == 2 {
            Ok(Period::Month(y, num(part, 12)?))
        } else {
            Err(bad())
        }
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Period;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{FORMS}")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Period, E> {
                v.to_string().parse().map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Period, E> {
                v.to_string().parse().map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Period, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form_and_round_trips() {
        for (text, p) in [
            ("2022", Period::Year(2022)),
            ("2023-H1", Period::Half(2023, 1)),
            ("2023-Q2", Period::Quarter(2023, 2)),
            ("2023-05", Period::Month(2023, 5)),
        ] {
            assert_eq!(text.parse::<Period>().unwrap(), p);
            assert_eq!(p.to_string(), text);
        }
    }

    #[test]
    fn rejects_what_is_not_a_period() {
        for bad in [
            "22",
            "2023-13",
            "2023-H3",
            "2023-Q0",
            "2023-5",
            "二〇二二",
            "",
            "2023-05-01",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn sorts_chronologically_and_places_months_inside_their_year() {
        let mut ps = vec![
            Period::Month(2023, 5),
            Period::Year(2023),
            Period::Month(2023, 2),
            Period::Half(2023, 1),
            Period::Year(2022),
        ];
        ps.sort();
        assert_eq!(
            ps,
            vec![
                Period::Year(2022),
                Period::Year(2023),
                Period::Half(2023, 1),
                Period::Month(2023, 2),
                Period::Month(2023, 5),
            ]
        );
        // The CSV once sorted by the text, which put `2023-05` before `2023-H1`.
        assert!(Period::Half(2023, 1) < Period::Month(2023, 5));
        assert!(Period::Month(2023, 5) < Period::Half(2023, 2));
        assert!(Period::Quarter(2023, 4) < Period::Year(2024));
        let feb = Period::Month(2023, 2).axis_position();
        assert!(feb > 2022.5 && feb < 2023.0, "{feb}");
        assert_eq!(Period::Quarter(2023, 2).label_zh(), "2023年第二季度");
    }
}
