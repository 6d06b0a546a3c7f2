//! Calendar: who answers on a given date, not only at a minute of the week.
//!
//! Every rule (hours windows in their own zones, holidays, absences with
//! cover, rotations with overrides, departures) is expanded over a span into
//! per-level timelines of UTC minutes: sorted, disjoint, half-open intervals.
//! Nothing here walks minute by minute; the check, the feeds, the pages'
//! data and `cairn diff` all read these timelines, and [`answering`] is the
//! one function that says which level is called at a minute (its JavaScript
//! twin in the theme is tested against `tests/fixtures/calendar-cases.json`).

// The feeds and the dated check use the rest of these helpers (next commits).
#![allow(dead_code)]

mod expand;
mod gaps;
pub(crate) mod holidays;
pub(crate) mod intervals;
pub(crate) mod week;
pub(crate) mod zone;

pub use expand::Calendar;
pub use expand::{Absence, Rules, Why};

use chrono::NaiveDate;
use serde::Serialize;

/// Minutes since the Unix epoch, UTC.
pub type Minute = i64;

/// A half-open span of minutes `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    /// First minute.
    pub start: Minute,
    /// First minute after it.
    pub end: Minute,
}

impl Span {
    /// From 00:00 of `day` in `tz` to 00:00 of `days` days later.
    pub fn days_from(day: NaiveDate, days: i64, tz: chrono_tz::Tz) -> Span {
        let end_day = day
            .checked_add_signed(chrono::TimeDelta::days(days))
            .unwrap_or(day);
        Span {
            start: zone::day_start(tz, day),
            end: zone::day_start(tz, end_day),
        }
    }

    /// What the build expands for the browser: the build date to +400 days.
    pub fn for_build(today: NaiveDate, tz: chrono_tz::Tz) -> Span {
        Span::days_from(today, 400, tz)
    }
}

/// One stretch during which a ladder level answers, with the person on duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stretch {
    /// First minute.
    pub start: Minute,
    /// First minute after it.
    pub end: Minute,
    /// Who picks up. `None`: the level as written (its party) with no one named.
    pub duty: Option<Duty>,
}

/// The person on duty over a stretch, as the build's audience may see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duty {
    /// The contact to call; in a client build only a client-visible name (the
    /// level's `client_contact`), else `None`: reach the party.
    pub name: Option<String>,
    /// Their phone.
    pub phone: Option<String>,
    /// Their email.
    pub email: Option<String>,
    /// The person they stand in for (internal builds only).
    pub covering_for: Option<String>,
    /// Where this duty ends: the covered person's return, the next handoff.
    pub until: Minute,
    /// The rotation the person holds, when they come from one (`on-call`).
    pub rotation: Option<String>,
}

/// Why a level is closed over a stretch it would otherwise answer by its week hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Closure {
    /// First minute.
    pub start: Minute,
    /// First minute after it.
    pub end: Minute,
    /// For readers: "Christmas Day — Acme Internal IT closed"; in a client
    /// build an absence or departure is only "closed".
    pub reason: String,
    /// What closed it, for the check's message (`acme-it closed (Christmas Day)`).
    #[serde(skip)]
    pub why: Why,
}

/// What one ladder level does over the span.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LevelTimeline {
    /// When it answers, and who; sorted, disjoint.
    pub open: Vec<Stretch>,
    /// When it would answer by its week hours and does not; sorted, disjoint.
    pub closures: Vec<Closure>,
}

impl LevelTimeline {
    /// The stretch open at `at`.
    pub fn stretch_at(&self, at: Minute) -> Option<&Stretch> {
        let i = self.open.partition_point(|s| s.end <= at);
        self.open.get(i).filter(|s| s.start <= at)
    }

    /// Whether the level answers at `at`.
    pub fn is_open(&self, at: Minute) -> bool {
        self.stretch_at(at).is_some()
    }

    /// The closure at `at`.
    pub fn closure_at(&self, at: Minute) -> Option<&Closure> {
        let i = self.closures.partition_point(|s| s.end <= at);
        self.closures.get(i).filter(|s| s.start <= at)
    }

    /// Open intervals only.
    pub fn open_intervals(&self) -> Vec<(Minute, Minute)> {
        self.open.iter().map(|s| (s.start, s.end)).collect()
    }
}

/// Which level answers at a minute, and when each level would be called.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// The level called first (open at `at`); `None`: nobody answers.
    pub first: Option<usize>,
    /// For each level open at `at`, when it is called; `None` for a closed one.
    pub call_at: Vec<Option<Minute>>,
}

/// SPEC "Ladder timing" over dates: levels closed at `at` are skipped; the
/// first open level is called at `at`, each later open level its own `after`
/// (minutes) after the previous open one. The person of a later level is the
/// one on duty at its call time ([`Answer::duty`]).
pub fn answering(levels: &[(&LevelTimeline, i64)], at: Minute) -> Answer {
    let mut first = None;
    let mut last_call: Option<Minute> = None;
    let call_at = levels
        .iter()
        .enumerate()
        .map(|(i, (timeline, after))| {
            if !timeline.is_open(at) {
                return None;
            }
            let call = match last_call {
                None => {
                    first = Some(i);
                    at
                }
                Some(prev) => prev.saturating_add((*after).max(0)),
            };
            last_call = Some(call);
            Some(call)
        })
        .collect();
    Answer { first, call_at }
}

impl Answer {
    /// The stretch of level `i` that is on duty when it is called: the one
    /// holding its call time, else the one open at `at`.
    pub fn duty<'a>(
        &self,
        levels: &[(&'a LevelTimeline, i64)],
        i: usize,
        at: Minute,
    ) -> Option<&'a Stretch> {
        let (timeline, _) = levels.get(i)?;
        let call = (*self.call_at.get(i)?)?;
        timeline
            .stretch_at(call)
            .or_else(|| timeline.stretch_at(at))
    }
}

/// A holiday on a date: its name and the set that holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HolidayOn {
    /// The local date (site timezone).
    #[serde(serialize_with = "as_text")]
    pub date: NaiveDate,
    /// "Christmas Day".
    pub name: String,
    /// The set in `cairn.yaml` (`us-office`).
    pub set: String,
}

fn as_text<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&d.format("%Y-%m-%d"))
}

#[cfg(test)]
mod tests;
