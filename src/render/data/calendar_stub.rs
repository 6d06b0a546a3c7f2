//! The dated timelines of ladder levels from their weekly hours alone, over the
//! build's span, exact across DST: what the browser's calendar carries until the
//! calendar model (holidays, absences, rotations) provides the timelines. The
//! types are that model's, so it replaces this file without changing the writer.

use crate::audience::SystemView;
use chrono::{NaiveDate, TimeZone};

pub(crate) type Minute = i64;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub start: Minute,
    pub end: Minute,
}

#[derive(Debug, Clone)]
pub(crate) struct Stretch {
    pub start: Minute,
    pub end: Minute,
    pub duty: Option<Duty>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Duty {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub covering_for: Option<String>,
    pub until: Minute,
    pub rotation: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Closure {
    pub start: Minute,
    pub end: Minute,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct LevelTimeline {
    pub open: Vec<Stretch>,
    pub closures: Vec<Closure>,
}

/// The span of a build on `today` in zone `tz`: 00:00 that day to +400 days.
pub(crate) fn span(tz: chrono_tz::Tz, today: NaiveDate) -> Span {
    let at = |d: NaiveDate| local_minute(tz, d, 0);
    Span {
        start: at(today),
        end: at(today + chrono::Days::new(400)),
    }
}

/// `days` days from 00:00 on `today` in `tz`.
pub(crate) fn span_days(tz: chrono_tz::Tz, today: NaiveDate, days: u64) -> Span {
    Span {
        start: local_minute(tz, today, 0),
        end: local_minute(tz, today + chrono::Days::new(days), 0),
    }
}

/// Minutes since the epoch of `minute` past 00:00 on `date` in `tz` (a
/// nonexistent time moves to the next valid minute, a repeated one is the first).
fn local_minute(tz: chrono_tz::Tz, date: NaiveDate, minute: i64) -> Minute {
    let mut t = date.and_hms_opt(0, 0, 0).unwrap_or_default() + chrono::Duration::minutes(minute);
    for _ in 0..180 {
        if let Some(dt) = tz.from_local_datetime(&t).earliest() {
            return dt.timestamp().div_euclid(60);
        }
        t += chrono::Duration::minutes(1);
    }
    t.and_utc().timestamp().div_euclid(60)
}

/// Each ladder level's weekly hours expanded over `span` (no holidays, absences, rotations).
pub(crate) fn ladder_timelines(
    tz: chrono_tz::Tz,
    system: &SystemView,
    span: Span,
) -> Vec<LevelTimeline> {
    let first = chrono::DateTime::from_timestamp(span.start * 60, 0)
        .map(|d| d.with_timezone(&tz).date_naive())
        .unwrap_or_default()
        - chrono::Days::new(7);
    system
        .ladder
        .iter()
        .map(|l| {
            let mut open: Vec<Stretch> = Vec::new();
            let weeks = l.hours.week_spans();
            let mut day = first;
            loop {
                let dow = chrono::Datelike::weekday(&day).num_days_from_monday() as usize;
                for &(a, b) in &weeks {
                    if a / 1440 != dow {
                        continue;
                    }
                    let s = local_minute(tz, day, (a % 1440) as i64);
                    let e = local_minute(tz, day, (a % 1440 + (b - a)) as i64);
                    let (s, e) = (s.max(span.start), e.min(span.end));
                    if s < e {
                        open.push(Stretch {
                            start: s,
                            end: e,
                            duty: None,
                        });
                    }
                }
                if local_minute(tz, day, 0) >= span.end {
                    break;
                }
                day = day + chrono::Days::new(1);
            }
            open.sort_by_key(|s| s.start);
            let mut merged: Vec<Stretch> = Vec::new();
            for s in open {
                match merged.last_mut() {
                    Some(last) if last.end >= s.start => last.end = last.end.max(s.end),
                    _ => merged.push(s),
                }
            }
            LevelTimeline {
                open: merged,
                closures: Vec::new(),
            }
        })
        .collect()
}
