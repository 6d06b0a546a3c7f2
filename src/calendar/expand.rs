//! Expansion: every rule of a site, over a span, into per-level timelines.
//!
//! A level's timeline is the minutes its hours are open (each window in its
//! own zone, `closed_on` occurrences removed, `on` occurrences added) met
//! with who is on duty (the named contact, their cover, or a rotation's
//! holder), cut at the few instants where anything changes: window edges,
//! absences, departures, handoffs, overrides. Never minute by minute.

mod hours;
mod who;

use super::holidays::HolidaySets;
use super::intervals::{intersect, normalize, subtract};
use super::zone::{day_start, local_date, to_utc};
use super::{Closure, Duty, HolidayOn, LevelTimeline, Minute, Span, Stretch};
use crate::model::{Audience, Away, Config, EscalationLevel, Party, Rotation};
use crate::site::{Site, SystemEntry};
use chrono::{NaiveDate, TimeDelta};
use chrono_tz::Tz;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A contact: (party index, contact index) in the site.
type Who = (usize, usize);

/// What closed a level, for messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Why {
    /// A holiday of a `closed_on` set.
    Holiday(String),
    /// The contact is away with no cover that answers.
    Away(String),
    /// The contact left on that day.
    Left(String, NaiveDate),
    /// The rotation has no holder yet (before its start).
    NoHolder(String, NaiveDate),
    /// Not known (never built by the expansion).
    #[default]
    Other,
}

impl Why {
    /// `Christmas Day`, `Marcus Lee away, no cover`: the parenthesis of the check's message.
    pub fn short(&self) -> String {
        match self {
            Why::Holiday(name) => name.clone(),
            Why::Away(name) => format!("{name} away, no cover"),
            Why::Left(name, day) => format!("{name} left {day}"),
            Why::NoHolder(rot, day) => format!("no {rot} holder before {day}"),
            Why::Other => "closed".into(),
        }
    }
}

/// What a level's contact is.
#[derive(Debug, Clone, Copy)]
enum Source<'a> {
    /// No contact named: the party answers as a whole.
    Party,
    /// A named contact.
    Contact(Who),
    /// A rotation of the party, by name.
    Rotation(usize, &'a str, &'a Rotation),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OnDuty<'a> {
    who: Who,
    covering_for: Option<Who>,
    rotation: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Off<'a> {
    Away(Who),
    Left(Who),
    NoHolder(&'a str, NaiveDate),
}

/// Who answers for a person-timeline piece: the party as a whole, a person, or nobody.
type Person<'a> = Result<Option<OnDuty<'a>>, Off<'a>>;

/// An absence with its interval and cover.
#[derive(Debug, Clone)]
struct AwaySpan {
    start: Minute,
    end: Minute,
    cover: Option<Who>,
}

/// One absence as the build's internal data shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Absence {
    /// The party's id.
    pub party: String,
    /// The contact's name.
    pub contact: String,
    /// First minute away.
    pub start: Minute,
    /// First minute back.
    pub end: Minute,
    /// `PARTY/NAME` of the cover.
    pub cover: Option<String>,
}

/// Which level, as the cache knows it: levels written alike share a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct LevelKey {
    party: String,
    contact: Option<String>,
    client_contact: Option<String>,
    hours: String,
    audience: Audience,
}

/// What of a site the calendar reads: its rules, without the pages. A
/// [`crate::audience::SiteView`] holds one, so the render can expand them.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub(crate) config: &'a Config,
    pub(crate) parties: &'a [Party],
    pub(crate) systems: &'a [SystemEntry],
    pub(crate) away: &'a [Away],
    pub(crate) holiday_files: &'a HashMap<String, Vec<crate::ics::IcsHoliday>>,
}

impl<'a> Rules<'a> {
    /// The rules of `site`.
    pub fn of(site: &'a Site) -> Rules<'a> {
        Rules {
            config: &site.config,
            parties: &site.parties,
            systems: &site.systems,
            away: &site.away,
            holiday_files: &site.holiday_files,
        }
    }

    pub(super) fn party(&self, id: &str) -> Option<&'a Party> {
        self.parties.iter().find(|p| p.id.as_str() == id)
    }
}

/// Every rule of a site, ready to expand over one span.
pub struct Calendar<'a> {
    pub(super) site: Rules<'a>,
    /// The site's zone.
    pub tz: Tz,
    /// What is expanded.
    pub span: Span,
    holidays: HolidaySets,
    away: HashMap<Who, Vec<AwaySpan>>,
    left: HashMap<Who, (Minute, NaiveDate)>,
    /// Every instant an absence or departure begins or ends.
    person_edges: Vec<Minute>,
    cache: Mutex<HashMap<LevelKey, Arc<LevelTimeline>>>,
}

impl<'a> Calendar<'a> {
    /// The rules of `site` over `span`.
    pub fn new(site: &'a Site, span: Span) -> Calendar<'a> {
        Calendar::of(Rules::of(site), span)
    }

    /// `rules` over `span`.
    pub fn of(site: Rules<'a>, span: Span) -> Calendar<'a> {
        let tz = site.config.tz();
        let (first, last) = (local_date(tz, span.start), local_date(tz, span.end));
        // Windows in other zones start on local dates a day either side.
        let holidays = HolidaySets::build(
            site.config,
            site.holiday_files,
            first - TimeDelta::days(2),
            last + TimeDelta::days(3),
        );
        let mut cal = Calendar {
            site,
            tz,
            span,
            holidays,
            away: HashMap::new(),
            left: HashMap::new(),
            person_edges: Vec::new(),
            cache: Mutex::new(HashMap::new()),
        };
        for (p, party) in site.parties.iter().enumerate() {
            for (c, contact) in party.contacts.iter().enumerate() {
                if let Some(left) = contact.left {
                    let at = day_start(tz, left.0);
                    cal.left.insert((p, c), (at, left.0));
                    cal.person_edges.push(at);
                }
            }
        }
        for a in site.away {
            let Some(who) = cal.who(&a.contact) else {
                continue;
            };
            let (start, end) = (to_utc(tz, a.from.start()), to_utc(tz, a.to.end()));
            if start >= end {
                continue;
            }
            let cover = a.cover.as_deref().and_then(|c| cal.who(c));
            cal.away
                .entry(who)
                .or_default()
                .push(AwaySpan { start, end, cover });
            cal.person_edges.extend([start, end]);
        }
        cal.person_edges.sort_unstable();
        cal.person_edges.dedup();
        cal
    }

    /// `PARTY/NAME` → the contact.
    fn who(&self, reference: &str) -> Option<Who> {
        let (party, name) = reference.split_once('/')?;
        let p = self
            .site
            .parties
            .iter()
            .position(|x| x.id.as_str() == party)?;
        let c = self.site.parties[p]
            .contacts
            .iter()
            .position(|x| x.name == name)?;
        Some((p, c))
    }

    fn name(&self, who: Who) -> &'a str {
        &self.site.parties[who.0].contacts[who.1].name
    }

    /// The holidays of every set within the span (site timezone dates).
    pub fn holidays(&self) -> Vec<HolidayOn> {
        let (first, last) = (
            local_date(self.tz, self.span.start),
            local_date(self.tz, self.span.end),
        );
        self.holidays
            .all()
            .into_iter()
            .filter(|h| h.date >= first && h.date < last)
            .collect()
    }

    /// Every absence that meets the span, merged where one person's overlap
    /// (internal builds only: a client build carries none).
    pub fn absences(&self) -> Vec<Absence> {
        let mut out = Vec::new();
        for (&who, spans) in &self.away {
            let merged = normalize(spans.iter().map(|s| (s.start, s.end)).collect());
            for (start, end) in merged {
                if end <= self.span.start || start >= self.span.end {
                    continue;
                }
                let cover = spans
                    .iter()
                    .find(|s| s.start < end && s.end > start && s.cover.is_some())
                    .and_then(|s| s.cover)
                    .map(|c| format!("{}/{}", self.site.parties[c.0].id, self.name(c)));
                out.push(Absence {
                    party: self.site.parties[who.0].id.to_string(),
                    contact: self.name(who).to_string(),
                    start,
                    end,
                    cover,
                });
            }
        }
        out.sort_by(|a, b| (a.start, &a.party, &a.contact).cmp(&(b.start, &b.party, &b.contact)));
        out
    }

    /// The timeline of each level of `system`'s ladder for `audience`, in
    /// ladder order (a level whose party is unknown answers never).
    pub fn ladder(
        &self,
        system: &crate::model::System,
        audience: Audience,
    ) -> Vec<Arc<LevelTimeline>> {
        system
            .escalation
            .iter()
            .map(|level| self.level(level, audience))
            .collect()
    }

    /// The ladder of the system with id `id` (see [`Calendar::ladder`]); empty when there is none.
    pub fn ladder_of(&self, id: &str, audience: Audience) -> Vec<Arc<LevelTimeline>> {
        match self
            .site
            .systems
            .iter()
            .find(|e| e.system.id.as_str() == id)
        {
            Some(e) => self.ladder(&e.system, audience),
            None => Vec::new(),
        }
    }

    /// Who holds rotation `name` of party `party` over the span (internal:
    /// every holder named), for the rotation's feed.
    pub fn rotation(&self, party: &str, name: &str) -> Vec<Stretch> {
        let Some(p) = self
            .site
            .parties
            .iter()
            .position(|x| x.id.as_str() == party)
        else {
            return Vec::new();
        };
        let Some((n, r)) = self.site.parties[p].rotations.get_key_value(name) else {
            return Vec::new();
        };
        self.persons(Source::Rotation(p, n.as_str(), r))
            .into_iter()
            .filter_map(|(start, end, person)| {
                let on = person.ok()??;
                let c = &self.site.parties[on.who.0].contacts[on.who.1];
                Some(Stretch {
                    start,
                    end,
                    duty: Some(Duty {
                        name: Some(c.name.clone()),
                        phone: c.phone.clone(),
                        email: c.email.clone(),
                        covering_for: on.covering_for.map(|w| self.name(w).to_string()),
                        until: end,
                        rotation: Some(name.to_string()),
                    }),
                })
            })
            .collect()
    }

    /// The timeline of one level for `audience`.
    pub fn level(&self, level: &EscalationLevel, audience: Audience) -> Arc<LevelTimeline> {
        let Some(party) = self.site.party(&level.party) else {
            return Arc::default();
        };
        let key = LevelKey {
            party: level.party.clone(),
            contact: level.contact.clone(),
            client_contact: level.client_contact.clone(),
            hours: level.hours_name(party).to_string(),
            audience,
        };
        if let Some(t) = self.cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return t;
        }
        let timeline = Arc::new(self.expand_level(level, party, audience));
        if let Ok(mut c) = self.cache.lock() {
            c.insert(key, timeline.clone());
        }
        timeline
    }

    /// The minutes a level answers by its week hours alone, no date counted:
    /// what the weekly `coverage-gap` already sees.
    pub(crate) fn weekly_open(&self, level: &EscalationLevel) -> Vec<(Minute, Minute)> {
        let Some(party) = self.site.party(&level.party) else {
            return Vec::new();
        };
        self.hours(level, party).weekly
    }

    fn expand_level(
        &self,
        level: &EscalationLevel,
        party: &'a Party,
        audience: Audience,
    ) -> LevelTimeline {
        let p = self
            .site
            .parties
            .iter()
            .position(|x| std::ptr::eq(x, party))
            .unwrap_or(0);
        let source = match level.contact.as_deref() {
            None => Source::Party,
            Some(name) => match party.contacts.iter().position(|c| c.name == name) {
                Some(c) => Source::Contact((p, c)),
                None => match party.rotations.get_key_value(name) {
                    Some((n, r)) => Source::Rotation(p, n.as_str(), r),
                    None => Source::Party,
                },
            },
        };
        let hours = self.hours(level, party);
        let persons = self.persons(source);
        let mut open = Vec::new();
        let mut closures = Vec::new();
        for (start, end, person) in &persons {
            for (a, b) in intersect(&hours.open, &[(*start, *end)]) {
                match person {
                    Ok(duty) => open.push(Stretch {
                        start: a,
                        end: b,
                        duty: duty.map(|d| self.duty(level, party, d, *end, audience)),
                    }),
                    Err(off) => closures.push(self.closure(party, *off, a, b, audience)),
                }
            }
        }
        // Holiday closures where no other window of the level is open.
        for (a, b, name) in &hours.closed {
            for (x, y) in subtract(&[(*a, *b)], &hours.open) {
                closures.push(Closure {
                    start: x,
                    end: y,
                    reason: format!("{name} — {} closed", party.name),
                    why: Why::Holiday(name.clone()),
                });
            }
        }
        LevelTimeline {
            open: merge_stretches(open),
            closures: tidy_closures(closures),
        }
    }

    fn duty(
        &self,
        level: &EscalationLevel,
        party: &Party,
        on: OnDuty<'a>,
        until: Minute,
        audience: Audience,
    ) -> Duty {
        let contact = &self.site.parties[on.who.0].contacts[on.who.1];
        let shown = if contact.audience.visible_in(audience) {
            Some(contact)
        } else {
            level
                .client_contact
                .as_deref()
                .and_then(|n| party.contact(n))
                .filter(|c| c.audience.visible_in(audience))
        };
        let internal = audience == Audience::Internal;
        Duty {
            name: shown.map(|c| c.name.clone()),
            phone: shown.and_then(|c| c.phone.clone()),
            email: shown.and_then(|c| c.email.clone()),
            covering_for: on
                .covering_for
                .filter(|_| internal && shown.is_some_and(|c| std::ptr::eq(c, contact)))
                .map(|w| self.name(w).to_string()),
            until,
            rotation: on.rotation.map(str::to_string),
        }
    }

    fn closure(
        &self,
        party: &Party,
        off: Off<'a>,
        start: Minute,
        end: Minute,
        audience: Audience,
    ) -> Closure {
        let why = match off {
            Off::Away(w) => Why::Away(self.name(w).to_string()),
            Off::Left(w) => Why::Left(
                self.name(w).to_string(),
                self.left.get(&w).map_or(NaiveDate::MIN, |l| l.1),
            ),
            Off::NoHolder(rot, day) => Why::NoHolder(rot.to_string(), day),
        };
        // A client build never says why a person is not there.
        let reason = match (&why, audience) {
            (Why::Away(_) | Why::Left(..), Audience::Client) => format!("{} closed", party.name),
            (why, _) => format!("{} — {} closed", why.short(), party.name),
        };
        Closure {
            start,
            end,
            reason,
            why,
        }
    }
}

/// Joins touching stretches whose duty is the same but for `until` (a client
/// build, which names fewer people, has many such).
fn merge_stretches(mut v: Vec<Stretch>) -> Vec<Stretch> {
    v.sort_by_key(|s| s.start);
    let mut out: Vec<Stretch> = Vec::with_capacity(v.len());
    for s in v {
        if let Some(last) = out.last_mut()
            && last.end == s.start
            && same_duty(&last.duty, &s.duty)
        {
            last.end = s.end;
            last.duty = s.duty;
            continue;
        }
        out.push(s);
    }
    out
}

fn same_duty(a: &Option<Duty>, b: &Option<Duty>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            (&a.name, &a.phone, &a.email, &a.covering_for, &a.rotation)
                == (&b.name, &b.phone, &b.email, &b.covering_for, &b.rotation)
        }
        _ => false,
    }
}

/// Sorted and disjoint: an overlap keeps the earlier closure's reason.
fn tidy_closures(mut v: Vec<Closure>) -> Vec<Closure> {
    v.sort_by_key(|c| (c.start, c.end));
    let mut out: Vec<Closure> = Vec::with_capacity(v.len());
    for mut c in v {
        if let Some(last) = out.last_mut() {
            if c.start < last.end {
                c.start = last.end;
            }
            if c.start >= c.end {
                continue;
            }
            if last.end == c.start && last.reason == c.reason {
                last.end = c.end;
                continue;
            }
        }
        out.push(c);
    }
    out
}
