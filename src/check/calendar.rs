//! The calendar's checks: references of holidays, absences and rotations;
//! contact names as keys; and, from today to `coverage_horizon`, the dated
//! coverage of tier-1/2 systems, absences without cover on a ladder, and
//! departed contacts still named.

use super::{SiteIndex, did_you_mean, name_list};
use crate::calendar::zone::{format_span, local_date};
use crate::calendar::{Calendar, Span};
use crate::diag::{Code, Diagnostic};
use crate::model::{Audience, HoursSpec, Party};
use crate::site::{AWAY_FILE, CONFIG_FILE, PARTIES_FILE, Site};
use chrono::NaiveDate;
use std::collections::HashMap;

pub(super) fn check_calendar(site: &Site, index: &SiteIndex, today: NaiveDate) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !site.failed.config {
        check_holiday_sets(site, &mut out);
    }
    if site.failed.parties {
        return out;
    }
    check_contact_names(site, &mut out);
    check_rotations(site, &mut out);
    check_away(site, index, &mut out);
    if site.failed.config {
        return out;
    }
    let tz = site.config.tz();
    let days = site.config.horizon().days().max(1);
    let span = Span::days_from(today, days, tz);
    check_departed(site, span, &mut out);
    let calendar = Calendar::new(site, span);
    check_away_without_cover(site, &calendar, &mut out);
    check_dated_coverage(site, index, &calendar, &mut out);
    out
}

/// `closed_on:` and `on:` name sets of `holidays:`.
fn check_holiday_sets(site: &Site, out: &mut Vec<Diagnostic>) {
    let sets: Vec<&str> = site.config.holidays.keys().map(String::as_str).collect();
    for (name, spec) in &site.config.hours {
        let HoursSpec::Windows(windows) = spec else {
            continue;
        };
        let many = site
            .lines
            .get(CONFIG_FILE)
            .and_then(|m| m.exact(&["hours", name, "0"]))
            .is_some();
        for (i, w) in windows.iter().enumerate() {
            for (key, set) in [("closed_on", &w.closed_on), ("on", &w.on)] {
                let Some(set) = set else { continue };
                if site.config.holidays.contains_key(set) {
                    continue;
                }
                let idx = i.to_string();
                let path: Vec<&str> = if many {
                    vec!["hours", name, &idx, key]
                } else {
                    vec!["hours", name, key]
                };
                let known = if sets.is_empty() {
                    "cairn.yaml defines no `holidays:`".to_string()
                } else {
                    format!("holiday sets in cairn.yaml: {}", name_list(&sets))
                };
                out.push(Diagnostic::new(
                    Code::UnknownHolidays,
                    CONFIG_FILE,
                    site.line(CONFIG_FILE, &path),
                    format!(
                        "unknown holidays `{set}` in `{key}` of hours `{name}`{}; {known}",
                        did_you_mean(set, sets.iter().copied())
                    ),
                ));
            }
        }
    }
}

/// Contact names are keys now: two of one party with one name is `duplicate-id`.
fn check_contact_names(site: &Site, out: &mut Vec<Diagnostic>) {
    for (p, party) in site.parties.iter().enumerate() {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (c, contact) in party.contacts.iter().enumerate() {
            match seen.get(contact.name.as_str()) {
                Some(&first) => {
                    let first_line = site
                        .line(
                            PARTIES_FILE,
                            &[&p.to_string(), "contacts", &first.to_string()],
                        )
                        .map_or(String::new(), |l| format!(" at {PARTIES_FILE}:{l}"));
                    out.push(Diagnostic::new(
                        Code::DuplicateId,
                        PARTIES_FILE,
                        site.line(
                            PARTIES_FILE,
                            &[&p.to_string(), "contacts", &c.to_string(), "name"],
                        ),
                        format!(
                            "duplicate contact `{}` in party `{}`: already listed{first_line}; ladders, covers and rotations name contacts, so each name is used once",
                            contact.name, party.id
                        ),
                    ));
                }
                None => {
                    seen.insert(&contact.name, c);
                }
            }
        }
    }
}

fn unknown_contact(party: &Party, name: &str, what: &str) -> String {
    let names: Vec<&str> = party.contacts.iter().map(|c| c.name.as_str()).collect();
    format!(
        "unknown contact `{name}` of party `{}` {what}{}; its contacts: {}",
        party.id,
        did_you_mean(name, names.iter().copied()),
        name_list(&names)
    )
}

/// Members and overrides name contacts of the party; overrides do not overlap.
fn check_rotations(site: &Site, out: &mut Vec<Diagnostic>) {
    let tz = site.config.tz();
    for (p, party) in site.parties.iter().enumerate() {
        let pi = p.to_string();
        for (name, rotation) in &party.rotations {
            let at = |path: &[&str]| {
                let mut full = vec![pi.as_str(), "rotations", name.as_str()];
                full.extend_from_slice(path);
                site.line(PARTIES_FILE, &full)
            };
            let what = format!("in rotation `{name}`");
            if rotation.contacts.is_empty() {
                out.push(Diagnostic::new(
                    Code::InvalidValue,
                    PARTIES_FILE,
                    at(&["contacts"]),
                    format!(
                        "rotation `{name}` of party `{}` lists no contacts",
                        party.id
                    ),
                ));
            }
            for (j, member) in rotation.contacts.iter().enumerate() {
                if party.contact(member).is_none() {
                    out.push(Diagnostic::new(
                        Code::UnknownContact,
                        PARTIES_FILE,
                        at(&["contacts", &j.to_string()]),
                        unknown_contact(party, member, &what),
                    ));
                }
            }
            if rotation.handoff.every.minutes() == 0 {
                out.push(Diagnostic::new(
                    Code::InvalidValue,
                    PARTIES_FILE,
                    at(&["handoff", "every"]),
                    format!(
                        "rotation `{name}` hands off every 0 minutes: write a duration such as 1w"
                    ),
                ));
            }
            let mut spans = Vec::new();
            for (j, o) in rotation.overrides.iter().enumerate() {
                let js = j.to_string();
                if party.contact(&o.contact).is_none() {
                    out.push(Diagnostic::new(
                        Code::UnknownContact,
                        PARTIES_FILE,
                        at(&["overrides", &js, "contact"]),
                        unknown_contact(
                            party,
                            &o.contact,
                            &format!("in an override of rotation `{name}`"),
                        ),
                    ));
                }
                let (a, b) = (
                    crate::calendar::zone::to_utc(tz, o.from.start()),
                    crate::calendar::zone::to_utc(tz, o.to.end()),
                );
                if b <= a {
                    out.push(Diagnostic::new(
                        Code::InvalidValue,
                        PARTIES_FILE,
                        at(&["overrides", &js, "to"]),
                        format!(
                            "override of rotation `{name}` ends ({}) before it starts ({})",
                            o.to, o.from
                        ),
                    ));
                    continue;
                }
                if let Some((k, _, _)) = spans.iter().find(|(_, x, y)| a < *y && *x < b) {
                    let other: &crate::model::Override = &rotation.overrides[*k];
                    out.push(Diagnostic::new(
                        Code::InvalidValue,
                        PARTIES_FILE,
                        at(&["overrides", &js]),
                        format!(
                            "overlapping overrides in rotation `{name}`: {}–{} ({}) overlaps {}–{} ({}); who would hold it?",
                            o.from, o.to, o.contact, other.from, other.to, other.contact
                        ),
                    ));
                }
                spans.push((j, a, b));
            }
        }
    }
}

/// `data/away.yaml` names contacts (and covers) as `PARTY/NAME`; `to` is not before `from`.
fn check_away(site: &Site, index: &SiteIndex, out: &mut Vec<Diagnostic>) {
    if site.failed.away {
        return;
    }
    for (i, a) in site.away.iter().enumerate() {
        let is = i.to_string();
        for (key, reference) in [("contact", Some(&a.contact)), ("cover", a.cover.as_ref())] {
            let Some(reference) = reference else { continue };
            if let Some(message) = contact_problem(site, index, reference) {
                out.push(Diagnostic::new(
                    Code::UnknownContact,
                    AWAY_FILE,
                    site.line(AWAY_FILE, &[&is, key]),
                    format!("{message} in `{key}`"),
                ));
            }
        }
        if a.cover.as_deref() == Some(a.contact.as_str()) {
            out.push(Diagnostic::new(
                Code::InvalidValue,
                AWAY_FILE,
                site.line(AWAY_FILE, &[&is, "cover"]),
                format!("`{}` cannot cover for themselves", a.contact),
            ));
        }
        if a.to.end() <= a.from.start() {
            out.push(Diagnostic::new(
                Code::InvalidValue,
                AWAY_FILE,
                site.line(AWAY_FILE, &[&is, "to"]),
                format!("`to` {} is not after `from` {}", a.to, a.from),
            ));
        }
    }
}

/// What is wrong with a `PARTY/NAME` reference, if anything.
fn contact_problem(site: &Site, index: &SiteIndex, reference: &str) -> Option<String> {
    let Some((party_id, name)) = reference.split_once('/') else {
        return Some(format!(
            "unknown contact `{reference}`: write PARTY/NAME, such as acme-it/Dana Ruiz"
        ));
    };
    let Some(&p) = index.parties.get(party_id) else {
        return Some(format!(
            "unknown contact `{reference}`: no party `{party_id}`{}",
            did_you_mean(party_id, site.parties.iter().map(|p| p.id.as_str()))
        ));
    };
    let party = &site.parties[p];
    party
        .contact(name)
        .is_none()
        .then(|| unknown_contact(party, name, &format!("(`{reference}`)")))
}

/// A contact who left (or leaves within the horizon) is still named somewhere.
fn check_departed(site: &Site, span: Span, out: &mut Vec<Diagnostic>) {
    let tz = site.config.tz();
    let today = local_date(tz, span.start);
    let horizon_end = local_date(tz, span.end);
    let left = |party: &Party, name: &str| -> Option<String> {
        let day = party.contact(name)?.left?.0;
        (day < horizon_end).then(|| {
            if day <= today {
                format!("`{name}` of `{}` left on {day}", party.id)
            } else {
                format!("`{name}` of `{}` leaves on {day}", party.id)
            }
        })
    };
    let mut report = |file: &str, line: Option<usize>, what: String| {
        out.push(Diagnostic::new(
            Code::DepartedContact,
            file,
            line,
            format!("{what}: from that day they are shown nowhere; name who takes over"),
        ));
    };
    for entry in &site.systems {
        for (i, level) in entry.system.escalation.iter().enumerate() {
            let Some(party) = site.party(&level.party) else {
                continue;
            };
            let is = i.to_string();
            for (key, name) in [
                ("contact", &level.contact),
                ("client_contact", &level.client_contact),
            ] {
                if let Some(name) = name
                    && let Some(what) = left(party, name)
                {
                    report(
                        &entry.file,
                        site.line(&entry.file, &["escalation", &is, key]),
                        format!("{what}, and escalation level {} names them", i + 1),
                    );
                }
            }
        }
    }
    for (p, party) in site.parties.iter().enumerate() {
        for (name, rotation) in &party.rotations {
            for (j, member) in rotation.contacts.iter().enumerate() {
                if let Some(what) = left(party, member) {
                    report(
                        PARTIES_FILE,
                        site.line(
                            PARTIES_FILE,
                            &[
                                &p.to_string(),
                                "rotations",
                                name,
                                "contacts",
                                &j.to_string(),
                            ],
                        ),
                        format!("{what}, and rotation `{name}` lists them"),
                    );
                }
            }
            for (j, o) in rotation.overrides.iter().enumerate() {
                if let Some(what) = left(party, &o.contact) {
                    report(
                        PARTIES_FILE,
                        site.line(
                            PARTIES_FILE,
                            &[
                                &p.to_string(),
                                "rotations",
                                name,
                                "overrides",
                                &j.to_string(),
                                "contact",
                            ],
                        ),
                        format!("{what}, and an override of rotation `{name}` names them"),
                    );
                }
            }
        }
    }
    for (i, a) in site.away.iter().enumerate() {
        if let Some((party, name)) = a.cover.as_deref().and_then(|c| c.split_once('/'))
            && let Some(party) = site.party(party)
            && let Some(what) = left(party, name)
        {
            report(
                AWAY_FILE,
                site.line(AWAY_FILE, &[&i.to_string(), "cover"]),
                format!("{what}, and covers for `{}`", a.contact),
            );
        }
    }
}

/// A contact a ladder names is away within the horizon and nobody covers.
fn check_away_without_cover(site: &Site, calendar: &Calendar, out: &mut Vec<Diagnostic>) {
    let tz = calendar.tz;
    let span = calendar.span;
    for (i, a) in site.away.iter().enumerate() {
        if a.cover.is_some() {
            continue;
        }
        let (start, end) = (
            crate::calendar::zone::to_utc(tz, a.from.start()),
            crate::calendar::zone::to_utc(tz, a.to.end()),
        );
        if end <= start || end <= span.start || start >= span.end {
            continue;
        }
        let Some((party, name)) = a.contact.split_once('/') else {
            continue;
        };
        let ladders: Vec<String> = site
            .systems
            .iter()
            .filter(|e| {
                e.system
                    .escalation
                    .iter()
                    .any(|l| l.party == party && l.contact.as_deref() == Some(name))
            })
            .map(|e| format!("`{}`", e.system.id))
            .collect();
        if ladders.is_empty() {
            continue;
        }
        let shown: Vec<String> = ladders.iter().take(3).cloned().collect();
        let more = match ladders.len().saturating_sub(3) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        out.push(Diagnostic::new(
            Code::AwayNoCover,
            AWAY_FILE,
            site.line(AWAY_FILE, &[&i.to_string()]),
            format!(
                "`{}` is away {} with no cover, and the escalation ladder of {}{more} names them: that level is closed while they are away; add `cover: PARTY/NAME`",
                a.contact,
                format_span(tz, start, end),
                shown.join(", ")
            ),
        ));
    }
}

/// A tier-1/2 system with nobody answering at some minute of the horizon
/// that its week hours would cover (the weekly `coverage-gap` says the rest).
fn check_dated_coverage(
    site: &Site,
    index: &SiteIndex,
    calendar: &Calendar,
    out: &mut Vec<Diagnostic>,
) {
    let tz = calendar.tz;
    for entry in site.systems.iter().filter(|e| e.system.tier.is_critical()) {
        let sys = &entry.system;
        let ladder = &sys.escalation;
        // Unknown parties are errors of their own; a ladder-less system is `coverage-gap`.
        if ladder.is_empty()
            || ladder
                .iter()
                .any(|l| !index.parties.contains_key(l.party.as_str()))
        {
            continue;
        }
        let timelines = calendar.ladder(sys, Audience::Internal);
        let gaps = calendar.dated_gaps(sys, &timelines);
        let Some(&(start, end)) = gaps.first() else {
            continue;
        };
        let why: Vec<String> = calendar
            .closed_levels(sys, &timelines, start)
            .into_iter()
            .map(|(i, c)| format!("{} closed ({})", ladder[i].party, c.why.short()))
            .collect();
        let more = match gaps.len() - 1 {
            0 => String::new(),
            1 => " (and 1 more window)".into(),
            n => format!(" (and {n} more windows)"),
        };
        let zones: Vec<String> = ladder
            .iter()
            .filter_map(|l| {
                let party = site.party(&l.party)?;
                let own = other_zones(site, party, l.hours_name(party));
                (!own.is_empty()).then(|| format!("`{}` keeps {} time", l.party, own.join(" and ")))
            })
            .collect();
        let why = if why.is_empty() && !zones.is_empty() {
            format!(
                "nobody answers: {}, and its clocks change on another date than {}",
                zones.join(", "),
                site.config.timezone.0
            )
        } else if why.is_empty() {
            "nobody answers".to_string()
        } else {
            why.join("; ")
        };
        out.push(Diagnostic::new(
            Code::CoverageGapDated,
            &entry.file,
            site.line(&entry.file, &["escalation"]),
            format!(
                "nobody answers tier-{} system `{}` on {}: {why}{more}",
                sys.tier.0,
                sys.id,
                format_span(tz, start, end),
            ),
        ));
    }
}

/// The zones other than the site's that `party`'s hours `name` are written
/// in: its own `timezone:`, and any window's.
fn other_zones(site: &Site, party: &Party, name: &str) -> Vec<String> {
    let windows = match site.config.hours_named(name) {
        Some(HoursSpec::Windows(ws)) => ws,
        _ => Vec::new(),
    };
    let mut zones: Vec<String> = windows
        .iter()
        .filter_map(|w| w.timezone.as_ref())
        .chain(party.timezone.as_ref())
        .map(|z| z.0.clone())
        .filter(|z| *z != site.config.timezone.0)
        .collect();
    zones.sort();
    zones.dedup();
    zones
}
