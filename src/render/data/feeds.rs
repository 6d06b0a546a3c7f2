//! The calendar feeds a build writes beside its pages, for Outlook, Google
//! Calendar and phones to subscribe to (RFC 5545, see `calendar::ics`):
//!
//! - `oncall.ics`: one event per stretch of whoever answers first, naming
//!   the systems they answer for ("m365, firewall: Bright MSP (NOC)"), over
//!   the coverage horizon;
//! - `systems/ID/oncall.ics`: the same for one system;
//! - `rotations/PARTY-NAME.ics` (internal builds only): one event per
//!   stretch of a rotation's holder, over the coverage horizon;
//! - `holidays.ics`: every holiday of the build's calendar, all-day events.
//!
//! A UID is made of what the event is (the site, the system, the level, its
//! first minute; in the site-wide feed, who and how to call them and the
//! stretch), never of the build, so a rebuild replaces an event instead of
//! adding a second one. DTSTAMP is `SOURCE_DATE_EPOCH` when set, else
//! 00:00 of the build date (see [`crate::feed_stamp`]). Times are UTC. Names are the ones
//! the build's audience sees, as on the pages (a client build names an
//! internal holder as the level's `client_contact`, and no absence).

use crate::audience::{RotationView, SiteView, SystemView};
use crate::calendar::{Calendar, Duty, LevelTimeline, Minute, Span, answering};
use crate::ics::{IcsEvent, IcsWriter, When, uid};
use crate::urls;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// What every feed of one build shares.
pub(crate) struct FeedContext<'v, 'a> {
    pub view: &'v SiteView<'a>,
    pub calendar: &'v Calendar<'a>,
    /// The build date: the horizon counts from it.
    pub today: NaiveDate,
    /// DTSTAMP, Unix seconds.
    pub stamp: i64,
}

impl FeedContext<'_, '_> {
    /// From the build date to `coverage_horizon`, within the calendar's span.
    pub(crate) fn horizon(&self) -> Span {
        let days = self.view.config.horizon().days().max(1);
        let h = Span::days_from(self.today, days, self.calendar.tz);
        Span {
            start: h.start.max(self.calendar.span.start),
            end: h.end.min(self.calendar.span.end),
        }
    }

    fn uid(&self, parts: &[&str]) -> String {
        let mut all = vec![self.view.config.title.as_str()];
        all.extend_from_slice(parts);
        uid(&all, &self.domain())
    }

    /// The host of an absolute `base_url`, else `cairn`: the right of every UID.
    fn domain(&self) -> String {
        let base = &self.view.config.base_url;
        base.split_once("://")
            .map(|(_, rest)| rest.split(['/', ':', '?', '#']).next().unwrap_or_default())
            .filter(|h| !h.is_empty())
            .unwrap_or("cairn")
            .to_ascii_lowercase()
    }

    /// The absolute URL of the page at `path`, when `base_url` is absolute.
    fn url(&self, path: &str) -> Option<String> {
        let base = self.view.config.base_url_slash();
        let url = format!("{base}{}", urls::url_of(path));
        (base.contains("://") && !url.chars().any(|c| c.is_control() || c == ' ')).then_some(url)
    }

    fn name(&self, what: &str) -> String {
        format!("{} — {what}", self.view.config.title)
    }
}

/// One stretch of the level that answers first.
struct OnCall<'t> {
    start: Minute,
    end: Minute,
    /// 0-based.
    level: usize,
    duty: Option<&'t Duty>,
}

/// Who is named: the same person (or nobody), whatever `until` says.
fn same_person(a: Option<&Duty>, b: Option<&Duty>) -> bool {
    fn key(d: Option<&Duty>) -> Option<[&Option<String>; 4]> {
        d.map(|d| [&d.name, &d.phone, &d.email, &d.covering_for])
    }
    key(a) == key(b)
}

/// The ladder's first answering level over `span`, cut where the level or
/// its person changes; nobody answering is no event.
fn first_answering<'t>(levels: &[(&'t LevelTimeline, i64)], span: Span) -> Vec<OnCall<'t>> {
    let mut edges = vec![span.start, span.end];
    for (timeline, _) in levels {
        let from = timeline.open.partition_point(|s| s.end <= span.start);
        for s in timeline.open[from..]
            .iter()
            .take_while(|s| s.start < span.end)
        {
            edges.extend([s.start, s.end]);
        }
    }
    edges.retain(|&e| e >= span.start && e <= span.end);
    edges.sort_unstable();
    edges.dedup();
    let mut out: Vec<OnCall> = Vec::new();
    for w in edges.windows(2) {
        let (a, b) = (w[0], w[1]);
        let answer = answering(levels, a);
        let Some(level) = answer.first else {
            continue;
        };
        let duty = answer.duty(levels, level, a).and_then(|s| s.duty.as_ref());
        match out.last_mut() {
            Some(last) if last.end == a && last.level == level && same_person(last.duty, duty) => {
                last.end = b;
            }
            _ => out.push(OnCall {
                start: a,
                end: b,
                level,
                duty,
            }),
        }
    }
    out
}

/// `Jo Kim: +1 555 0151, jo@bright.example`.
fn reach(name: &str, phone: Option<&str>, email: Option<&str>) -> String {
    let ways: Vec<&str> = [phone, email].into_iter().flatten().collect();
    if ways.is_empty() {
        name.to_string()
    } else {
        format!("{name}: {}", ways.join(", "))
    }
}

/// One stretch of a system's first answering level, in words.
struct Answer {
    start: Minute,
    end: Minute,
    /// 1-based, as pages number levels.
    level: usize,
    /// "Bright MSP (Jo Kim)".
    who: String,
    /// How to reach them ("Call …"), and whom they cover for.
    calls: Vec<String>,
}

/// One system's first answering level over the horizon, stretch by stretch.
fn answers(ctx: &FeedContext, system: &SystemView) -> Vec<Answer> {
    let timelines = ctx.view.ladder_timelines(ctx.calendar, system);
    let levels: Vec<(&LevelTimeline, i64)> = timelines
        .iter()
        .zip(&system.ladder)
        .map(|(t, l)| (t.as_ref(), l.after.minutes() as i64))
        .collect();
    first_answering(&levels, ctx.horizon())
        .into_iter()
        .filter_map(|on| {
            let level = system.ladder.get(on.level)?;
            let party = level.party.name;
            let who = match on.duty.and_then(|d| d.name.as_deref()) {
                Some(p) => format!("{party} ({p})"),
                None => party.to_string(),
            };
            let calls = match on.duty.filter(|d| d.name.is_some()) {
                Some(d) => {
                    let name = d.name.as_deref().unwrap_or_default();
                    let call = reach(name, d.phone.as_deref(), d.email.as_deref());
                    let covering = d
                        .covering_for
                        .as_ref()
                        .map(|other| format!("{name} is covering for {other}."));
                    std::iter::once(format!("Call {call}"))
                        .chain(covering)
                        .collect()
                }
                None => level
                    .contacts
                    .iter()
                    .map(|c| {
                        let call = reach(&c.name, c.phone.as_deref(), c.email.as_deref());
                        format!("Call {call}")
                    })
                    .collect(),
            };
            Some(Answer {
                start: on.start,
                end: on.end,
                level: level.level,
                who,
                calls,
            })
        })
        .collect()
}

/// The events of one system's first answering level over the horizon.
fn system_events(ctx: &FeedContext, system: &SystemView) -> Vec<IcsEvent> {
    let url = ctx.url(&urls::system(system.id));
    answers(ctx, system)
        .into_iter()
        .map(|a| {
            let mut lines = vec![format!(
                "Level {} of the {} escalation ladder answers first.",
                a.level, system.name
            )];
            lines.extend(a.calls);
            lines.extend(url.clone());
            IcsEvent {
                uid: ctx.uid(&[
                    "oncall",
                    system.id,
                    &a.level.to_string(),
                    &a.start.to_string(),
                ]),
                stamp: ctx.stamp,
                when: When::Minutes(a.start, a.end),
                summary: format!("{}: {}", system.id, a.who),
                description: Some(lines.join("\n")),
                url: url.clone(),
            }
        })
        .collect()
}

/// Systems named in a site-wide event's summary before it counts them.
const SUMMARY_SYSTEMS: usize = 3;

/// `oncall.ics`: one event per stretch and whom to call, naming every system
/// they answer first for. A site's systems mostly share a few parties and
/// hours: one event per system would grow the feed with systems × days (23
/// MB for 500 systems over 90 days), past what calendar apps take in.
pub(crate) fn site_oncall(ctx: &FeedContext) -> Vec<u8> {
    let mut stretches: BTreeMap<(Minute, Minute, String, Vec<String>), Vec<&str>> = BTreeMap::new();
    for system in &ctx.view.systems {
        for a in answers(ctx, system) {
            stretches
                .entry((a.start, a.end, a.who, a.calls))
                .or_default()
                .push(system.id);
        }
    }
    let url = ctx.url(urls::NOW);
    let mut w = IcsWriter::new(&ctx.name("on call"));
    for ((start, end, who, calls), systems) in stretches {
        let summary = if systems.len() <= SUMMARY_SYSTEMS {
            format!("{}: {who}", systems.join(", "))
        } else {
            format!("{who}: first for {} systems", systems.len())
        };
        // Whom to call is part of what the event is: one party named by two
        // ladders with other contacts makes two events of one stretch.
        let uid = ctx.uid(&[
            "oncall",
            &who,
            &calls.join("\n"),
            &start.to_string(),
            &end.to_string(),
        ]);
        let mut lines = vec![format!("Answers first for {}.", systems.join(", "))];
        lines.extend(calls);
        lines.extend(url.clone());
        w.event(&IcsEvent {
            uid,
            stamp: ctx.stamp,
            when: When::Minutes(start, end),
            summary,
            description: Some(lines.join("\n")),
            url: url.clone(),
        });
    }
    w.finish().into_bytes()
}

/// `systems/ID/oncall.ics`.
pub(crate) fn system_oncall(ctx: &FeedContext, system: &SystemView) -> Vec<u8> {
    let mut w = IcsWriter::new(&ctx.name(&format!("{} on call", system.name)));
    for e in system_events(ctx, system) {
        w.event(&e);
    }
    w.finish().into_bytes()
}

/// `rotations/PARTY-NAME.ics`: who holds the rotation (internal builds write it).
pub(crate) fn rotation(ctx: &FeedContext, rotation: &RotationView) -> Vec<u8> {
    let title = format!("{} {}", rotation.party_name, rotation.name);
    let mut w = IcsWriter::new(&ctx.name(&title));
    let horizon = ctx.horizon();
    for s in ctx.view.rotation_holders(ctx.calendar, rotation) {
        let (start, end) = (s.start.max(horizon.start), s.end.min(horizon.end));
        if start >= end {
            continue;
        }
        let Some(d) = s.duty.as_ref() else { continue };
        let Some(name) = d.name.as_deref() else {
            continue;
        };
        let mut lines = vec![format!(
            "Holds {title}: {}",
            reach(name, d.phone.as_deref(), d.email.as_deref())
        )];
        if let Some(other) = &d.covering_for {
            lines.push(format!("{name} is covering for {other}."));
        }
        let url = ctx.url(&urls::party(rotation.party));
        w.event(&IcsEvent {
            uid: ctx.uid(&[
                "rotation",
                rotation.party,
                rotation.name,
                &start.to_string(),
            ]),
            stamp: ctx.stamp,
            when: When::Minutes(start, end),
            summary: format!("{title}: {name}"),
            description: Some(lines.join("\n")),
            url,
        });
    }
    w.finish().into_bytes()
}

/// `holidays.ics`: every holiday of the calendar's span, days in a row of one
/// holiday of one set as one event.
pub(crate) fn holidays(ctx: &FeedContext) -> Vec<u8> {
    let mut w = IcsWriter::new(&ctx.name("holidays"));
    // (set, name) → runs of days, in date order.
    let mut runs: Vec<(String, String, NaiveDate, NaiveDate)> = Vec::new();
    for h in ctx.calendar.holidays() {
        let next = h.date.succ_opt().unwrap_or(h.date);
        match runs
            .iter_mut()
            .rev()
            .find(|r| r.0 == h.set && r.1 == h.name && r.3 == h.date)
        {
            Some(run) => run.3 = next,
            None => runs.push((h.set, h.name, h.date, next)),
        }
    }
    runs.sort_by(|a, b| (a.2, &a.0, &a.1).cmp(&(b.2, &b.0, &b.1)));
    for (set, name, from, to) in runs {
        w.event(&IcsEvent {
            uid: ctx.uid(&["holiday", &set, &name, &from.to_string()]),
            stamp: ctx.stamp,
            when: When::Days(from, to),
            summary: name,
            description: Some(format!("Holiday of the set {set}")),
            url: None,
        });
    }
    w.finish().into_bytes()
}
