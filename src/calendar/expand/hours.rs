//! A level's hours over the span: each window of its hours set in its own
//! zone (the window's, else the party's, else the site's), day by day, with
//! `on` occurrences added and `closed_on` occurrences set apart by name; and
//! the plain weekly minutes, no date counted.

use super::super::Minute;
use super::super::intervals::normalize;
use super::super::zone::{local_date, to_utc};
use super::Calendar;
use crate::model::{EscalationLevel, HoursSpec, Party, weekday_index};
use chrono::TimeDelta;
use chrono_tz::Tz;

impl Calendar<'_> {
    /// A level's open minutes and its holiday-closed occurrences.
    pub(super) fn hours(&self, level: &EscalationLevel, party: &Party) -> Hours {
        let spec = self
            .site
            .config
            .hours_named(level.hours_name(party))
            .unwrap_or(HoursSpec::Always);
        let span = self.span;
        let windows = match spec {
            HoursSpec::Always => {
                return Hours {
                    open: vec![(span.start, span.end)],
                    weekly: vec![(span.start, span.end)],
                    closed: Vec::new(),
                };
            }
            HoursSpec::Windows(ws) => ws,
        };
        let party_tz = party.timezone.as_ref().and_then(|t| t.0.parse::<Tz>().ok());
        let mut open = Vec::new();
        let mut weekly = Vec::new();
        let mut closed = Vec::new();
        for w in &windows {
            let tz = w
                .timezone
                .as_ref()
                .and_then(|t| t.0.parse::<Tz>().ok())
                .or(party_tz)
                .unwrap_or(self.tz);
            let (from, to) = (w.from.minutes() as i64, w.to.minutes() as i64);
            let length_days = if to > from { 0 } else { 1 };
            let mut day = local_date(tz, span.start) - TimeDelta::days(1);
            let last = local_date(tz, span.end);
            while day <= last {
                let d = day;
                day += TimeDelta::days(1);
                if !w.days.contains(weekday_index(d) as usize) {
                    continue;
                }
                if let Some(set) = &w.on
                    && self.holidays.name_on(set, d).is_none()
                {
                    continue;
                }
                let midnight = d.and_time(chrono::NaiveTime::MIN);
                let start = to_utc(tz, midnight + TimeDelta::minutes(from));
                let end = to_utc(
                    tz,
                    midnight + TimeDelta::days(length_days) + TimeDelta::minutes(to),
                );
                let (start, end) = (start.max(span.start), end.min(span.end));
                if start >= end {
                    continue;
                }
                if w.on.is_none() {
                    weekly.push((start, end));
                }
                match w
                    .closed_on
                    .as_deref()
                    .and_then(|set| self.holidays.name_on(set, d))
                {
                    Some(name) => closed.push((start, end, name.to_string())),
                    None => open.push((start, end)),
                }
            }
        }
        Hours {
            open: normalize(open),
            weekly: normalize(weekly),
            closed,
        }
    }
}

pub(super) struct Hours {
    pub open: Vec<(Minute, Minute)>,
    /// What ordinary weeks open, without dates (no `closed_on`, no `on`).
    pub weekly: Vec<(Minute, Minute)>,
    /// Occurrences a `closed_on` holiday removed, with its name.
    pub closed: Vec<(Minute, Minute, String)>,
}
