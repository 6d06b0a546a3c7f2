//! The dated side of the model: holiday sets (`cairn.yaml` `holidays:`),
//! absences (`data/away.yaml`), rotations of a party, and the dates and
//! date-times they are written with. Shapes only: what they mean over time is
//! `crate::calendar`'s.

use super::{Date, Duration, TimeOfDay};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use indexmap::IndexMap;
use serde::{Deserialize, Deserializer};
use std::fmt;

/// One entry of a holiday set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HolidayEntry {
    /// `2026-12-25: Christmas Day`.
    Date {
        /// The day.
        date: NaiveDate,
        /// What it is called.
        name: String,
    },
    /// `{ from: 2026-12-24, to: 2026-12-26, name: Winter break }`, both days included.
    Range {
        /// First day.
        from: NaiveDate,
        /// Last day (included).
        to: NaiveDate,
        /// What it is called.
        name: String,
    },
    /// `{ every: "12-25", name: Christmas Day }`: that day of every year.
    Every {
        /// 1–12.
        month: u32,
        /// 1–31.
        day: u32,
        /// What it is called.
        name: String,
    },
    /// `{ ics: data/us-holidays.ics }`: the all-day events of an iCalendar file.
    Ics {
        /// Site-relative, under `data/`.
        path: String,
    },
}

const HOLIDAY_FORMS: &str = "write `2026-12-25: Christmas Day`, `{ from: 2026-12-24, to: 2026-12-26, name: Winter break }`, `{ every: \"12-25\", name: Christmas Day }` or `{ ics: data/holidays.ics }`";

impl<'de> Deserialize<'de> for HolidayEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let map: IndexMap<String, Scalar> = IndexMap::deserialize(d).map_err(|e| {
            D::Error::custom(format!("invalid holiday entry: {e}; {HOLIDAY_FORMS}"))
        })?;
        let keys: Vec<&str> = map.keys().map(String::as_str).collect();
        let get = |k: &str| map.get(k).map(|s| s.0.clone());
        let only = |allowed: &[&str]| -> Result<(), D::Error> {
            match keys.iter().find(|k| !allowed.contains(k)) {
                Some(k) => Err(D::Error::custom(format!(
                    "unknown key `{k}` in a holiday entry, expected {}",
                    allowed
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))),
                None => Ok(()),
            }
        };
        let name = |what: &str| -> Result<String, D::Error> {
            get("name")
                .filter(|n| !n.trim().is_empty())
                .ok_or_else(|| D::Error::custom(format!("{what} needs a `name`")))
        };
        let date = |text: String| -> Result<NaiveDate, D::Error> {
            Date::try_from(text).map(|d| d.0).map_err(D::Error::custom)
        };
        if let Some(path) = get("ics") {
            only(&["ics"])?;
            return Ok(HolidayEntry::Ics { path });
        }
        if let Some(every) = get("every") {
            only(&["every", "name"])?;
            let (month, day) = month_day(&every).map_err(D::Error::custom)?;
            return Ok(HolidayEntry::Every {
                month,
                day,
                name: name("a yearly holiday")?,
            });
        }
        if keys.contains(&"from") || keys.contains(&"to") {
            only(&["from", "to", "name"])?;
            let from = date(get("from").ok_or_else(|| D::Error::custom("a range needs `from`"))?)?;
            let to = date(get("to").ok_or_else(|| D::Error::custom("a range needs `to`"))?)?;
            if to < from {
                return Err(D::Error::custom(format!(
                    "invalid range: `to` {to} is before `from` {from}"
                )));
            }
            return Ok(HolidayEntry::Range {
                from,
                to,
                name: name("a range")?,
            });
        }
        match map.iter().next() {
            Some((k, v)) if map.len() == 1 => Ok(HolidayEntry::Date {
                date: date(k.clone())?,
                name: v.0.clone(),
            }),
            _ => Err(D::Error::custom(format!(
                "invalid holiday entry: {HOLIDAY_FORMS}"
            ))),
        }
    }
}

/// `"12-25"` → (12, 25); 02-29 is allowed (it falls on leap years only).
fn month_day(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("invalid yearly date `{s}`: write a quoted \"MM-DD\" such as \"12-25\"");
    let (m, d) = s.split_once('-').ok_or_else(bad)?;
    if m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let (m, d): (u32, u32) = (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    NaiveDate::from_ymd_opt(2000, m, d).ok_or_else(bad)?;
    Ok((m, d))
}

/// A scalar read as text whatever YAML resolved it to (`name: 1776` is a name).
#[derive(Debug, Clone)]
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date, a name or a path")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Scalar, E> {
                Ok(Scalar(s.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Scalar, E> {
                Ok(Scalar(n.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Scalar, E> {
                Ok(Scalar(n.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Scalar, E> {
                Ok(Scalar(n.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Scalar, E> {
                Ok(Scalar(b.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A whole day (`2026-12-21`) or a minute of one (`"2026-12-08 13:00"`), on
/// the wall clock of the site's timezone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DateOrTime {
    /// The whole day.
    Day(NaiveDate),
    /// That minute.
    Minute(NaiveDateTime),
}

impl DateOrTime {
    /// Reads `YYYY-MM-DD` or `YYYY-MM-DD HH:MM`.
    pub fn parse(s: &str) -> Result<DateOrTime, String> {
        let bad = || {
            format!(
                "invalid date `{s}`: write YYYY-MM-DD for a whole day or \"YYYY-MM-DD HH:MM\" for a time"
            )
        };
        let s = s.trim();
        match s.split_once([' ', 'T']) {
            None => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(DateOrTime::Day)
                .map_err(|_| bad()),
            Some((day, time)) => {
                let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| bad())?;
                let time = TimeOfDay::parse(time).map_err(|_| bad())?;
                let at = day.and_hms_opt(0, 0, 0).ok_or_else(bad)?
                    + chrono::TimeDelta::minutes(time.minutes() as i64);
                Ok(DateOrTime::Minute(at))
            }
        }
    }

    /// When it starts: the day's 00:00, or the minute.
    pub fn start(self) -> NaiveDateTime {
        match self {
            DateOrTime::Day(d) => d.and_time(chrono::NaiveTime::MIN),
            DateOrTime::Minute(t) => t,
        }
    }

    /// As the end of a span: a whole day is included (its next day's 00:00),
    /// a minute is not (the span ends there).
    pub fn end(self) -> NaiveDateTime {
        match self {
            DateOrTime::Day(d) => d.succ_opt().unwrap_or(d).and_time(chrono::NaiveTime::MIN),
            DateOrTime::Minute(t) => t,
        }
    }

    /// Whether a time of day is given (a part of a day).
    pub fn is_partial(self) -> bool {
        matches!(self, DateOrTime::Minute(_))
    }
}

impl fmt::Display for DateOrTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateOrTime::Day(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            DateOrTime::Minute(t) => write!(f, "{}", t.format("%Y-%m-%d %H:%M")),
        }
    }
}

impl<'de> Deserialize<'de> for DateOrTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Scalar::deserialize(d)?;
        DateOrTime::parse(&s.0).map_err(serde::de::Error::custom)
    }
}

/// An entry of `data/away.yaml`. There is no reason field and never will be.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Away {
    /// `PARTY/CONTACT`.
    pub contact: String,
    /// First day (or minute) away.
    pub from: DateOrTime,
    /// Last day away (included), or the minute they are back.
    pub to: DateOrTime,
    /// `PARTY/CONTACT` who takes their calls.
    pub cover: Option<String>,
}

/// A party's rotation: who holds it changes at each handoff.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    /// Contacts of the party, in order.
    pub contacts: Vec<String>,
    /// When the holder changes.
    pub handoff: Handoff,
    /// Who holds it instead, from when to when.
    #[serde(default)]
    pub overrides: Vec<Override>,
}

/// `{ every: 1w, at: "mon 09:00", start: 2026-11-02 }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handoff {
    /// How long each holder holds it.
    pub every: Duration,
    /// The wall-clock time of a handoff, with its weekday when `every` is whole weeks.
    pub at: HandoffAt,
    /// The first holder holds it from the first `at` on or after this day.
    pub start: Date,
}

/// `"mon 09:00"` or `"09:00"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandoffAt {
    /// 0 = Monday; `None`: any day.
    pub weekday: Option<u32>,
    /// The time.
    pub time: TimeOfDay,
}

impl<'de> Deserialize<'de> for HandoffAt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Scalar::deserialize(d)?.0;
        let bad = || {
            serde::de::Error::custom(format!(
                "invalid handoff time `{s}`: write a quoted \"mon 09:00\" or \"09:00\""
            ))
        };
        let (day, time) = match s.trim().split_once(' ') {
            Some((day, time)) => (Some(day.trim()), time.trim()),
            None => (None, s.trim()),
        };
        let weekday = match day {
            None => None,
            Some(day) => Some(
                ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                    .iter()
                    .position(|d| *d == day)
                    .ok_or_else(bad)? as u32,
            ),
        };
        let time = TimeOfDay::parse(time).map_err(|_| bad())?;
        if time.minutes() >= 24 * 60 {
            return Err(bad());
        }
        Ok(HandoffAt { weekday, time })
    }
}

/// `{ from, to, contact }`: the contact holds the rotation over that span.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// From (a whole day from its 00:00).
    pub from: DateOrTime,
    /// To (a whole day is included; a minute is not).
    pub to: DateOrTime,
    /// A contact of the party.
    pub contact: String,
}

/// The weekday of a date, 0 = Monday.
pub(crate) fn weekday_index(d: NaiveDate) -> u32 {
    d.weekday().num_days_from_monday()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_minutes_parse_and_end_as_written() {
        let day = DateOrTime::parse("2027-01-03").unwrap();
        assert_eq!(day.end().to_string(), "2027-01-04 00:00:00");
        let t = DateOrTime::parse("2026-12-08 17:00").unwrap();
        assert_eq!(t.end().to_string(), "2026-12-08 17:00:00");
        for bad in ["2026-13-01", "2026-12-08 25:00", "tomorrow", "2026-12-08 9"] {
            assert!(DateOrTime::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn yearly_dates_are_month_and_day() {
        assert_eq!(month_day("12-25"), Ok((12, 25)));
        assert_eq!(month_day("02-29"), Ok((2, 29)));
        assert!(month_day("13-01").is_err());
        assert!(month_day("12/25").is_err());
        assert!(month_day("2026-12-25").is_err());
    }
}
