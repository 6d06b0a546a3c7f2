//! Durations as authors write them: an integer and one unit (`15m`, `4h`, `2d`, `13w`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A span written `15m`, `4h`, `2d` or `13w`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration {
    minutes: u64,
}

impl Duration {
    /// A duration of `minutes`.
    pub fn from_minutes(minutes: u64) -> Self {
        Duration { minutes }
    }

    /// In minutes.
    pub fn minutes(self) -> u64 {
        self.minutes
    }

    /// In whole days, rounded down.
    pub fn days(self) -> i64 {
        (self.minutes / (24 * 60)) as i64
    }

    /// Reads `15m`, `4h`, `2d` or `13w`; the error says what to write.
    pub fn parse(s: &str) -> Result<Duration, String> {
        let bad = || {
            format!(
                "invalid duration `{s}`: write an integer and one unit of m, h, d or w, like 15m, 4h, 2d, 13w"
            )
        };
        let unit = s.chars().last().ok_or_else(bad)?;
        let digits = &s[..s.len() - unit.len_utf8()];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n: u64 = digits.parse().map_err(|_| bad())?;
        let per = match unit {
            'm' => 1,
            'h' => 60,
            'd' => 24 * 60,
            'w' => 7 * 24 * 60,
            _ => return Err(bad()),
        };
        n.checked_mul(per)
            .map(Duration::from_minutes)
            .ok_or_else(bad)
    }
}

impl Duration {
    /// For readers: whole days, hours and minutes, largest first (`4h 30m`, `1d 2h`).
    pub fn human(self) -> String {
        let (d, h, m) = (
            self.minutes / (24 * 60),
            self.minutes / 60 % 24,
            self.minutes % 60,
        );
        let parts: Vec<String> = [(d, "d"), (h, "h"), (m, "m")]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, unit)| format!("{n}{unit}"))
            .collect();
        if parts.is_empty() {
            "0m".into()
        } else {
            parts.join(" ")
        }
    }
}

/// The largest whole unit that divides the value, so `90m` shows as `90m`, `120m` as `2h`.
impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.minutes;
        let (n, unit) = if m == 0 {
            (0, "m")
        } else if m.is_multiple_of(7 * 24 * 60) {
            (m / (7 * 24 * 60), "w")
        } else if m.is_multiple_of(24 * 60) {
            (m / (24 * 60), "d")
        } else if m.is_multiple_of(60) {
            (m / 60, "h")
        } else {
            (m, "m")
        };
        write!(f, "{n}{unit}")
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as 15m, 4h, 2d or 13w")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Duration, E> {
                Duration::parse(s).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Duration, E> {
                Err(E::custom(format!(
                    "invalid duration `{n}`: add a unit, like {n}m or {n}h"
                )))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Duration, E> {
                Err(E::custom(format!(
                    "invalid duration `{n}`: write an integer and one unit of m, h, d or w"
                )))
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_form_splits_into_units() {
        assert_eq!(Duration::from_minutes(270).human(), "4h 30m");
        assert_eq!(Duration::from_minutes(26 * 60).human(), "1d 2h");
        assert_eq!(Duration::from_minutes(15).human(), "15m");
        assert_eq!(Duration::from_minutes(0).human(), "0m");
    }

    #[test]
    fn parses_each_unit() {
        assert_eq!(Duration::parse("15m").unwrap().minutes(), 15);
        assert_eq!(Duration::parse("4h").unwrap().minutes(), 240);
        assert_eq!(Duration::parse("2d").unwrap().minutes(), 2880);
        assert_eq!(Duration::parse("13w").unwrap().minutes(), 13 * 7 * 24 * 60);
        assert_eq!(Duration::parse("0m").unwrap().minutes(), 0);
    }

    #[test]
    fn rejects_anything_but_integer_and_one_unit() {
        for bad in [
            "", "m", "15", "1.5h", "15 m", "15mm", "-5m", "4H", "2y", "1h30m", "+3d", "١٥m",
        ] {
            assert!(Duration::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn displays_in_the_largest_exact_unit() {
        assert_eq!(Duration::parse("90m").unwrap().to_string(), "90m");
        assert_eq!(Duration::parse("120m").unwrap().to_string(), "2h");
        assert_eq!(Duration::parse("14d").unwrap().to_string(), "2w");
        assert_eq!(Duration::parse("180d").unwrap().to_string(), "180d");
    }
}
