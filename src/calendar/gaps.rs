//! Dated gaps: the minutes nobody answers a ladder though its week hours
//! would, which is what holidays, absences, rotations and departures take
//! away. The dated check (`coverage-gap-dated`) and `cairn diff` both read
//! them; the weekly `coverage-gap` reports the rest.

use super::intervals::{contains, normalize, subtract};
use super::week::{over_dates, party_hours, split_at_week_end};
use super::zone::local_date;
use super::{Calendar, Closure, LevelTimeline, Minute};
use crate::model::{System, WeekMask};
use std::sync::Arc;

impl Calendar<'_> {
    /// The gaps of `system`'s ladder over the span, given its levels'
    /// `timelines` (from [`Calendar::ladder`], any audience: which level
    /// answers is the same in every build): sorted, disjoint.
    pub fn dated_gaps(
        &self,
        system: &System,
        timelines: &[Arc<LevelTimeline>],
    ) -> Vec<(Minute, Minute)> {
        let open = normalize(timelines.iter().flat_map(|t| t.open_intervals()).collect());
        // What the weekly `coverage-gap` sees covered (an ordinary week on the
        // site's clock, each party's zone moved onto it), laid over the dates:
        // the rest is that check's.
        let today = local_date(self.tz, self.span.start);
        let Some(specs) = system
            .escalation
            .iter()
            .map(|l| {
                let party = self.site.party(&l.party)?;
                party_hours(self.site.config, party, l.hours_name(party), today)
            })
            .collect::<Option<Vec<_>>>()
        else {
            // An unknown party or hours name is an error of its own.
            return Vec::new();
        };
        let week = WeekMask::union_of(&specs).spans();
        let weekly = over_dates(&split_at_week_end(&week), self.tz, self.span);
        subtract(&weekly, &open)
    }

    /// Why a gap starting at `at` is one: each level its week hours open
    /// then, with the closure that shuts it (level index, closure).
    pub fn closed_levels<'t>(
        &self,
        system: &System,
        timelines: &'t [Arc<LevelTimeline>],
        at: Minute,
    ) -> Vec<(usize, &'t Closure)> {
        system
            .escalation
            .iter()
            .zip(timelines)
            .enumerate()
            .filter(|(_, (l, _))| contains(&self.weekly_open(l), at))
            .filter_map(|(i, (_, t))| Some((i, t.closure_at(at)?)))
            .collect()
    }
}
