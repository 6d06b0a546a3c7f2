//! Wall clock ↔ UTC minutes, with the rules for the nights clocks change: a
//! time that does not exist (spring forward) is the next minute that does;
//! one that happens twice (fall back) is its first occurrence.

use super::Minute;
use chrono::{LocalResult, NaiveDate, NaiveDateTime, TimeDelta, TimeZone};
use chrono_tz::Tz;

/// The UTC minute of a wall-clock minute in `tz`.
pub(crate) fn to_utc(tz: Tz, local: NaiveDateTime) -> Minute {
    let mut t = local;
    // A gap is at most a day long (Samoa skipped 2011-12-30); step to its end.
    for _ in 0..=24 * 60 {
        match tz.from_local_datetime(&t) {
            LocalResult::Single(x) => return x.timestamp().div_euclid(60),
            LocalResult::Ambiguous(a, b) => return a.min(b).timestamp().div_euclid(60),
            LocalResult::None => t += TimeDelta::minutes(1),
        }
    }
    // Unreachable with the tz database; read the wall clock as UTC.
    local.and_utc().timestamp().div_euclid(60)
}

/// The wall clock in `tz` at a UTC minute.
pub(crate) fn to_local(tz: Tz, at: Minute) -> NaiveDateTime {
    match chrono::DateTime::from_timestamp(at.saturating_mul(60), 0) {
        Some(utc) => utc.with_timezone(&tz).naive_local(),
        None => NaiveDateTime::MIN,
    }
}

/// 00:00 (or the first minute that exists) of `day` in `tz`.
pub(crate) fn day_start(tz: Tz, day: NaiveDate) -> Minute {
    to_utc(tz, day.and_time(chrono::NaiveTime::MIN))
}

/// The local date in `tz` at a UTC minute.
pub(crate) fn local_date(tz: Tz, at: Minute) -> NaiveDate {
    to_local(tz, at).date()
}

/// The zone abbreviation at a minute (`EST`).
pub(crate) fn abbreviation(tz: Tz, at: Minute) -> String {
    use chrono::Offset;
    match chrono::DateTime::from_timestamp(at.saturating_mul(60), 0) {
        Some(utc) => {
            let local = utc.with_timezone(&tz);
            let name = local.format("%Z").to_string();
            if name.starts_with(['+', '-']) {
                format!("UTC{}", local.offset().fix())
            } else {
                name
            }
        }
        None => String::new(),
    }
}

/// `2026-12-25 08:00` on the wall clock of `tz`.
pub(crate) fn format_local(tz: Tz, at: Minute) -> String {
    to_local(tz, at).format("%Y-%m-%d %H:%M").to_string()
}

/// `2026-12-25 08:00–18:00`, or with both dates when the span crosses midnight.
pub(crate) fn format_span(tz: Tz, start: Minute, end: Minute) -> String {
    let (a, b) = (to_local(tz, start), to_local(tz, end));
    let same_day = a.date() == b.date()
        || (b.time() == chrono::NaiveTime::MIN
            && b.date() == a.date().succ_opt().unwrap_or(b.date()));
    if same_day {
        let to = if b.date() != a.date() {
            "24:00".to_string()
        } else {
            b.format("%H:%M").to_string()
        };
        format!("{}–{to}", a.format("%Y-%m-%d %H:%M"))
    } else {
        format!(
            "{}–{}",
            a.format("%Y-%m-%d %H:%M"),
            b.format("%Y-%m-%d %H:%M")
        )
    }
}
