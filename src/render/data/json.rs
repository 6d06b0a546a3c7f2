//! `cairn.json`: the resolved model of one build's audience, for scripts and
//! bots (which runbooks are overdue, who answers the firewall on Saturday).
//! Built from the [`SiteView`] like every page, so it holds only what the
//! audience may see. Its shape is `cairn.schema.json` (JSON Schema 2020-12),
//! written beside it; `SCHEMA_VERSION` changes when a field changes meaning or
//! goes away (adding a field does not; 2 came with the calendar: holidays,
//! rotations, absences).

use super::super::coverage_chart::{self, Segment};
use crate::audience::{LadderLevel, PartyView, SiteView, SystemView};
use crate::model::{Contact, CredentialPointer, HoursSpec};
use crate::render::context::{ReviewCtx, review};
use crate::render::tel;
use crate::site::Page;
use crate::urls;
use serde::Serialize;
use std::collections::BTreeMap;

pub(crate) const SCHEMA_VERSION: u32 = 2;
pub(super) const SCHEMA: &str = include_str!("cairn.schema.json");

#[derive(Serialize)]
struct Model<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    schema_version: u32,
    site: SiteJson<'a>,
    hours: BTreeMap<&'a str, HoursJson<'a>>,
    parties: Vec<PartyJson<'a>>,
    activities: Vec<ActivityJson<'a>>,
    systems: Vec<SystemJson<'a>>,
    runbooks: Vec<RunbookJson<'a>>,
    /// The holidays of the build's calendar span.
    holidays: Vec<crate::calendar::HolidayOn>,
    /// Who holds each rotation over the span.
    rotations: Vec<RotationJson<'a>>,
    /// Internal builds only: a client build carries no absence record.
    #[serde(skip_serializing_if = "Option::is_none")]
    absences: Option<Vec<AbsenceJson>>,
}

#[derive(Serialize)]
struct RotationJson<'a> {
    party: &'a str,
    name: &'a str,
    holders: Vec<HolderJson>,
}

#[derive(Serialize)]
struct HolderJson {
    start: String,
    end: String,
    /// The holder, when this audience may see them.
    contact: Option<String>,
    /// Whom they stand in for (internal builds only).
    covering_for: Option<String>,
}

#[derive(Serialize)]
struct AbsenceJson {
    party: String,
    contact: String,
    start: String,
    end: String,
    /// `PARTY/NAME`.
    cover: Option<String>,
}

/// `2026-11-30T14:00:00Z`.
fn instant(minute: crate::calendar::Minute) -> String {
    chrono::DateTime::from_timestamp(minute.saturating_mul(60), 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn rotations<'a>(
    view: &SiteView<'a>,
    cal: &crate::calendar::Calendar<'a>,
) -> Vec<RotationJson<'a>> {
    view.rotations()
        .into_iter()
        .map(|r| RotationJson {
            party: r.party,
            name: r.name,
            holders: view
                .rotation_holders(cal, &r)
                .into_iter()
                .map(|s| HolderJson {
                    start: instant(s.start),
                    end: instant(s.end),
                    contact: s.duty.as_ref().and_then(|d| d.name.clone()),
                    covering_for: s.duty.and_then(|d| d.covering_for),
                })
                .collect(),
        })
        .collect()
}

#[derive(Serialize)]
struct SiteJson<'a> {
    title: &'a str,
    base_url: &'a str,
    timezone: &'a str,
    audience: &'static str,
    /// The date review statuses are counted from.
    today: String,
    review_every_days: Option<i64>,
    /// The last date the calendar (holidays, rotations, absences) covers.
    calendar_ends: String,
}

#[derive(Serialize)]
struct HoursJson<'a> {
    name: &'a str,
    text: String,
    /// Half-open minute spans of the week, Monday 00:00 = 0, in the site's timezone.
    spans: Vec<[usize; 2]>,
}

fn hours<'a>(name: &'a str, spec: &HoursSpec) -> HoursJson<'a> {
    HoursJson {
        name,
        text: spec.describe(),
        spans: spec.week_spans().into_iter().map(|(a, b)| [a, b]).collect(),
    }
}

#[derive(Serialize)]
struct ContactJson<'a> {
    name: &'a str,
    role: Option<&'a str>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    tel: Option<String>,
}

fn contact(c: &Contact) -> ContactJson<'_> {
    ContactJson {
        name: &c.name,
        role: c.role.as_deref(),
        email: c.email.as_deref(),
        phone: c.phone.as_deref(),
        tel: c.phone.as_deref().map(tel).filter(|t| !t.is_empty()),
    }
}

#[derive(Serialize)]
struct PartyJson<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    description: Option<&'a str>,
    url: String,
    /// `parties/ID/contacts.vcf`, or null when the audience sees no contact.
    vcard: Option<String>,
    hours: HoursJson<'a>,
    contacts: Vec<ContactJson<'a>>,
    credentials_at: Vec<CredentialJson<'a>>,
}

#[derive(Serialize)]
struct CredentialJson<'a> {
    name: &'a str,
    url: &'a str,
}

fn credentials<'a>(list: &[&'a CredentialPointer]) -> Vec<CredentialJson<'a>> {
    list.iter()
        .map(|c| CredentialJson {
            name: &c.name,
            url: &c.url,
        })
        .collect()
}

#[derive(Serialize)]
struct FactJson<'a> {
    label: &'a str,
    value: &'a str,
    copy: bool,
}

fn party<'a>(p: &'a PartyView<'a>) -> PartyJson<'a> {
    PartyJson {
        id: p.id,
        name: p.name,
        kind: p.kind.as_str(),
        description: p.description,
        url: urls::party(p.id),
        vcard: super::super::party_vcard_path(p),
        hours: hours(&p.hours_name, &p.hours),
        contacts: p.contacts.iter().map(|c| contact(c)).collect(),
        credentials_at: credentials(&p.credentials),
    }
}

#[derive(Serialize)]
struct ActivityJson<'a> {
    name: &'a str,
    description: Option<&'a str>,
    required: bool,
}

#[derive(Serialize)]
struct SystemJson<'a> {
    id: &'a str,
    name: &'a str,
    tier: u8,
    description: Option<&'a str>,
    url: String,
    raci_csv: String,
    owner: &'a str,
    depends_on: Vec<&'a str>,
    dependents: Vec<&'a str>,
    raci: Vec<RaciJson<'a>>,
    escalation: Vec<LevelJson<'a>>,
    coverage: CoverageJson,
    sla: Vec<SlaJson<'a>>,
    /// URLs of the audience's runbooks naming the system.
    runbooks: Vec<String>,
    facts: Vec<FactJson<'a>>,
    credentials_at: Vec<CredentialJson<'a>>,
}

#[derive(Serialize)]
struct RaciJson<'a> {
    activity: &'a str,
    /// Party id → letters, in file order.
    letters: indexmap::IndexMap<&'a str, &'a str>,
}

#[derive(Serialize)]
struct LevelJson<'a> {
    level: usize,
    party: &'a str,
    /// Whom to call: the named contact, or the party's visible contacts.
    contacts: Vec<ContactJson<'a>>,
    /// A contact was named that this audience may not see.
    contact_hidden: bool,
    /// The rotation the level calls (whoever holds it), when it names one.
    rotation: Option<&'a str>,
    hours: HoursJson<'a>,
    after_minutes: u64,
    after_total_minutes: u64,
    respond_within_minutes: Option<u64>,
}

fn level<'a>(l: &'a LadderLevel<'a>) -> LevelJson<'a> {
    LevelJson {
        level: l.level,
        party: l.party.id,
        contacts: l.contacts.iter().map(|c| contact(c)).collect(),
        contact_hidden: l.contact_hidden,
        rotation: l.rotation,
        hours: hours(&l.hours_name, &l.hours),
        after_minutes: l.after.minutes(),
        after_total_minutes: l.after_total.minutes(),
        respond_within_minutes: l.respond_within.map(|d| d.minutes()),
    }
}

#[derive(Serialize)]
struct CoverageJson {
    /// Who answers first, cut where that changes; `level` null: nobody.
    first_answer: Vec<SegmentJson>,
    /// The windows nobody answers, as `coverage-gap` names them.
    uncovered: Vec<WindowJson>,
}

#[derive(Serialize)]
struct SegmentJson {
    start: usize,
    end: usize,
    level: Option<usize>,
}

#[derive(Serialize)]
struct WindowJson {
    start: usize,
    /// May pass 10080 (the end of the week) for a window over Sunday midnight.
    end: usize,
    text: String,
}

fn coverage(s: &SystemView) -> CoverageJson {
    let segments = coverage_chart::system_segments(s);
    CoverageJson {
        uncovered: coverage_chart::uncovered(&segments)
            .into_iter()
            .map(|(start, end)| WindowJson {
                start,
                end,
                text: coverage_chart::describe((start, end)),
            })
            .collect(),
        first_answer: segments
            .iter()
            .map(|&Segment { start, end, level }| SegmentJson {
                start,
                end,
                level: level.map(|i| i + 1),
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct SlaJson<'a> {
    priority: &'a str,
    respond_minutes: Option<u64>,
    resolve_minutes: Option<u64>,
}

fn system<'a>(s: &'a SystemView<'a>) -> SystemJson<'a> {
    SystemJson {
        id: s.id,
        name: s.name,
        tier: s.tier.0,
        description: s.description,
        url: urls::system(s.id),
        raci_csv: urls::system_csv(s.id),
        owner: s.owner.id,
        depends_on: s.depends_on.iter().map(|d| d.id).collect(),
        dependents: s.dependents.iter().map(|d| d.id).collect(),
        raci: s
            .raci
            .iter()
            .map(|r| RaciJson {
                activity: r.activity,
                letters: r.cells.iter().map(|(p, l)| (p.id, *l)).collect(),
            })
            .collect(),
        escalation: s.ladder.iter().map(level).collect(),
        coverage: coverage(s),
        sla: s
            .sla
            .iter()
            .map(|(priority, sla)| SlaJson {
                priority,
                respond_minutes: sla.respond.map(|d| d.minutes()),
                resolve_minutes: sla.resolve.map(|d| d.minutes()),
            })
            .collect(),
        runbooks: s.runbooks.iter().map(|p| page_url(p)).collect(),
        facts: s
            .facts
            .iter()
            .map(|(label, f)| FactJson {
                label,
                value: &f.value,
                copy: f.copy,
            })
            .collect(),
        credentials_at: credentials(&s.credentials),
    }
}

#[derive(Serialize)]
struct RunbookJson<'a> {
    title: &'a str,
    url: String,
    description: Option<&'a str>,
    systems: Vec<&'a str>,
    owner: Option<&'a str>,
    tags: &'a [String],
    review_every_days: Option<i64>,
    review: ReviewCtx,
}

fn page_url(p: &Page) -> String {
    urls::page(&p.url)
}

/// The model as compact JSON (it weighs megabytes on a big site), keys in a fixed order.
pub(super) fn cairn_json<'a>(
    view: &SiteView<'a>,
    today: chrono::NaiveDate,
    cal: &crate::calendar::Calendar<'a>,
) -> anyhow::Result<Vec<u8>> {
    cairn_json_with(&cairn_json_parts(view, today, cal)?, view, today)
}

/// `cairn.json` but its runbooks: what comes before them and after, made
/// of the data files, the audience, the day and which runbooks name each
/// system (`cairn serve` keeps it while they stay as they were: a page's
/// edit writes the runbooks only).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Parts {
    before: Vec<u8>,
    after: Vec<u8>,
}

/// `cairn.json` of `parts` and the view's runbooks.
pub(super) fn cairn_json_with(
    parts: &Parts,
    view: &SiteView,
    today: chrono::NaiveDate,
) -> anyhow::Result<Vec<u8>> {
    let system_ids: std::collections::HashSet<&str> = view.systems.iter().map(|s| s.id).collect();
    let runbooks: Vec<RunbookJson> = view
        .pages
        .iter()
        .filter(|p| p.is_runbook())
        .map(|p| RunbookJson {
            title: &p.title,
            url: page_url(p),
            description: p.front.description.as_deref(),
            systems: p
                .front
                .systems
                .iter()
                .filter(|id| system_ids.contains(id.as_str()))
                .map(String::as_str)
                .collect(),
            owner: view.page_owner(p).map(|o| o.id),
            tags: &p.front.tags,
            review_every_days: p.review_every.map(|d| d.days()),
            review: review(p, today),
        })
        .collect();
    let list = serde_json::to_vec(&runbooks)?;
    // `[…]`: its items go between the parts' brackets.
    let items = &list[1..list.len() - 1];
    let mut bytes = Vec::with_capacity(parts.before.len() + items.len() + parts.after.len());
    bytes.extend_from_slice(&parts.before);
    bytes.extend_from_slice(items);
    bytes.extend_from_slice(&parts.after);
    Ok(bytes)
}

/// The parts of `cairn.json` around its runbooks (see [`Parts`]).
pub(super) fn cairn_json_parts<'a>(
    view: &SiteView<'a>,
    today: chrono::NaiveDate,
    cal: &crate::calendar::Calendar<'a>,
) -> anyhow::Result<Parts> {
    let model = Model {
        schema: "cairn.schema.json",
        schema_version: SCHEMA_VERSION,
        site: SiteJson {
            title: &view.config.title,
            base_url: &view.config.base_url,
            timezone: &view.config.timezone.0,
            audience: view.audience.as_str(),
            today: today.to_string(),
            review_every_days: view.config.review_every.map(|d| d.days()),
            calendar_ends: super::calendar::end_date(&view.config.timezone.0, cal.span).to_string(),
        },
        hours: view
            .config
            .hours
            .iter()
            .map(|(name, spec)| (name.as_str(), hours(name, spec)))
            .collect(),
        parties: view.parties.iter().map(party).collect(),
        activities: view
            .activities
            .iter()
            .map(|a| ActivityJson {
                name: &a.name,
                description: a.description.as_deref(),
                required: a.required,
            })
            .collect(),
        systems: view.systems.iter().map(system).collect(),
        runbooks: Vec::new(),
        holidays: cal.holidays(),
        rotations: rotations(view, cal),
        absences: view.absences(cal).map(|list| {
            list.into_iter()
                .map(|a| AbsenceJson {
                    party: a.party,
                    contact: a.contact,
                    start: instant(a.start),
                    end: instant(a.end),
                    cover: a.cover,
                })
                .collect()
        }),
    };
    let bytes = serde_json::to_vec(&model)?;
    // The last such key is the model's (a system's comes before it, nothing
    // after it has one); a quote inside a JSON string is escaped.
    const EMPTY: &[u8] = b"\"runbooks\":[]";
    let at = memchr::memmem::rfind(&bytes, EMPTY)
        .ok_or_else(|| anyhow::anyhow!("cairn.json without its runbooks"))?
        + EMPTY.len()
        - 1;
    let mut after = bytes[at..].to_vec();
    after.push(b'\n');
    Ok(Parts {
        before: bytes[..at].to_vec(),
        after,
    })
}
