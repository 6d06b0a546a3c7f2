//! Who is on duty for a level over the span: the named contact, their
//! cover while they are away, or a rotation's holder from handoff to
//! handoff; and where nobody is, why (away without cover, departed, no
//! holder).

use super::super::Minute;
use super::super::zone::to_utc;
use super::{Calendar, Off, OnDuty, Person, Source, Who};
use crate::model::{Rotation, weekday_index};
use chrono::{NaiveDateTime, TimeDelta};

impl<'a> Calendar<'a> {
    /// Who is on duty for a level's source, as pieces over the span, each
    /// with the person (or why nobody), equal neighbours joined.
    pub(super) fn persons(&self, source: Source<'a>) -> Vec<(Minute, Minute, Person<'a>)> {
        let span = self.span;
        let mut edges = vec![span.start, span.end];
        let handoffs = match source {
            Source::Party => return vec![(span.start, span.end, Ok(None))],
            Source::Contact(_) => Vec::new(),
            Source::Rotation(_, _, r) => {
                let h = self.handoffs(r);
                edges.extend(h.iter().map(|x| x.0));
                for o in &r.overrides {
                    edges.push(to_utc(self.tz, o.from.start()));
                    edges.push(to_utc(self.tz, o.to.end()));
                }
                h
            }
        };
        edges.extend(self.person_edges.iter().copied());
        edges.retain(|&e| e >= span.start && e <= span.end);
        edges.sort_unstable();
        edges.dedup();
        let mut out: Vec<(Minute, Minute, Person<'a>)> = Vec::new();
        for w in edges.windows(2) {
            let (a, b) = (w[0], w[1]);
            let person = match source {
                Source::Party => Ok(None),
                Source::Contact(who) => self.resolve(who, a).map(|(w, covering_for)| {
                    Some(OnDuty {
                        who: w,
                        covering_for,
                        rotation: None,
                    })
                }),
                Source::Rotation(p, name, r) => self.holder(p, name, r, &handoffs, a).map(Some),
            };
            match out.last_mut() {
                Some(last) if last.2 == person && last.1 == a => last.1 = b,
                _ => out.push((a, b, person)),
            }
        }
        out
    }

    fn departed(&self, who: Who, at: Minute) -> bool {
        self.left.get(&who).is_some_and(|&(l, _)| at >= l)
    }

    fn is_away(&self, who: Who, at: Minute) -> bool {
        self.away
            .get(&who)
            .is_some_and(|v| v.iter().any(|s| s.start <= at && at < s.end))
    }

    /// Who stands in for `who` at `at`: the cover of an absence holding `at`
    /// (a departed person has none).
    fn cover_of(&self, who: Who, at: Minute) -> Option<Who> {
        if self.departed(who, at) {
            return None;
        }
        self.away
            .get(&who)?
            .iter()
            .find(|s| s.start <= at && at < s.end && s.cover.is_some())
            .and_then(|s| s.cover)
    }

    /// The person who answers for `who` at `at`, following covers (never in a
    /// loop), with whom they cover for; or why nobody does.
    fn resolve(&self, who: Who, at: Minute) -> Result<(Who, Option<Who>), Off<'a>> {
        let mut current = who;
        let mut seen = vec![who];
        loop {
            if !self.departed(current, at) && !self.is_away(current, at) {
                return Ok((current, (current != who).then_some(who)));
            }
            match self.cover_of(current, at) {
                Some(next) if !seen.contains(&next) => {
                    seen.push(next);
                    current = next;
                }
                _ => {
                    return Err(if self.departed(who, at) {
                        Off::Left(who)
                    } else {
                        Off::Away(who)
                    });
                }
            }
        }
    }

    /// A rotation's holder at `at`: an override's contact (or their cover),
    /// else the scheduled holder (or their cover), else the next members in
    /// order (the sequence does not shift).
    fn holder(
        &self,
        p: usize,
        name: &'a str,
        r: &'a Rotation,
        handoffs: &[(Minute, i64)],
        at: Minute,
    ) -> Result<OnDuty<'a>, Off<'a>> {
        let member = |n: &str| {
            self.site.parties[p]
                .contacts
                .iter()
                .position(|c| c.name == n)
                .map(|c| (p, c))
        };
        for o in &r.overrides {
            let (a, b) = (to_utc(self.tz, o.from.start()), to_utc(self.tz, o.to.end()));
            if a <= at
                && at < b
                && let Some(who) = member(&o.contact)
                && let Ok((w, covering_for)) = self.resolve(who, at)
            {
                return Ok(OnDuty {
                    who: w,
                    covering_for,
                    rotation: Some(name),
                });
            }
        }
        let members: Vec<Who> = r.contacts.iter().filter_map(|n| member(n)).collect();
        let i = handoffs.partition_point(|h| h.0 <= at);
        let (Some(&(_, k)), false) = (
            i.checked_sub(1).and_then(|i| handoffs.get(i)),
            members.is_empty(),
        ) else {
            return Err(Off::NoHolder(name, r.handoff.start.0));
        };
        let n = members.len() as i64;
        let scheduled = members[k.rem_euclid(n) as usize];
        let mut first_off = None;
        for step in 0..n {
            let m = members[(k + step).rem_euclid(n) as usize];
            match self.resolve(m, at) {
                Ok((w, _)) => {
                    return Ok(OnDuty {
                        who: w,
                        covering_for: (w != scheduled).then_some(scheduled),
                        rotation: Some(name),
                    });
                }
                Err(off) => {
                    first_off.get_or_insert(off);
                }
            }
        }
        Err(first_off.unwrap_or(Off::NoHolder(name, r.handoff.start.0)))
    }

    /// The handoffs that matter to the span: (instant, holder index), the last
    /// one at or before its start first. Empty before the rotation starts.
    fn handoffs(&self, r: &Rotation) -> Vec<(Minute, i64)> {
        let every = r.handoff.every.minutes() as i64;
        if every <= 0 {
            return Vec::new();
        }
        let mut first_day = r.handoff.start.0;
        if let Some(wd) = r.handoff.at.weekday {
            while weekday_index(first_day) != wd {
                first_day += TimeDelta::days(1);
            }
        }
        let first: NaiveDateTime = first_day.and_time(chrono::NaiveTime::MIN)
            + TimeDelta::minutes(r.handoff.at.time.minutes() as i64);
        let at = |k: i64| to_utc(self.tz, first + TimeDelta::minutes(every.saturating_mul(k)));
        let first_utc = at(0);
        // Wall-clock steps drift from UTC by at most a day's DST; start two early.
        let mut k = ((self.span.start - first_utc) / every - 2).max(0);
        while k > 0 && at(k) > self.span.start {
            k -= 1;
        }
        let mut out = Vec::new();
        loop {
            let t = at(k);
            if t >= self.span.end {
                break;
            }
            if t <= self.span.start {
                out.clear();
            }
            out.push((t, k));
            k += 1;
        }
        out
    }
}
