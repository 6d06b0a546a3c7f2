//! One side of a diff: the responsibility model of a loaded, checked site as
//! its audience sees it (built from [`crate::audience::view`], so a client diff
//! never mentions an internal page or contact), owned so the site can be dropped.

use crate::audience::SiteView;
use crate::diag::Diagnostic;
use crate::model::{Audience, Duration, WeekMask};
use crate::site::Site;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

pub(super) struct Snapshot {
    pub timezone: String,
    /// Named hours of `cairn.yaml`, described (`mon-fri 08:00–18:00`).
    pub hours: BTreeMap<String, String>,
    pub systems: BTreeMap<String, SystemSnap>,
    /// In file order.
    pub parties: Vec<PartySnap>,
    /// By path under `content/`.
    pub pages: BTreeMap<String, PageSnap>,
    pub diagnostics: Vec<Diagnostic>,
    /// The end of the coverage horizon the dated gaps were looked for in.
    pub dated_until: crate::calendar::Minute,
}

pub(super) struct SystemSnap {
    pub id: String,
    pub name: String,
    pub tier: u8,
    pub description: Option<String>,
    pub owner: String,
    pub depends_on: Vec<String>,
    /// activity → (party, letters), in file order.
    pub raci: Vec<(String, Vec<(String, String)>)>,
    pub ladder: Vec<LevelSnap>,
    /// priority → (respond, resolve).
    pub sla: Vec<(String, Option<Duration>, Option<Duration>)>,
    /// Minutes of the week some level answers.
    pub coverage: WeekMask,
    /// Tier-1/2 systems: the windows of the coverage horizon nobody answers
    /// though the week hours would.
    pub dated: Vec<DatedGap>,
}

/// A window nobody answers, and why (one reason per level shut then).
pub(super) struct DatedGap {
    pub start: crate::calendar::Minute,
    pub end: crate::calendar::Minute,
    pub why: Vec<String>,
}

#[derive(Clone, PartialEq, Eq)]
pub(super) struct LevelSnap {
    pub party: String,
    /// The contact the level names, when this audience may see it.
    pub contact: Option<String>,
    /// The client-visible stand-in for an internal contact.
    pub client_contact: Option<String>,
    pub hours: String,
    pub hours_text: String,
    pub after: Duration,
    pub after_total: Duration,
    pub respond_within: Option<Duration>,
}

pub(super) struct PartySnap {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub description: Option<String>,
    pub hours: String,
    pub hours_text: String,
    /// Only those this audience may see.
    pub contacts: Vec<ContactSnap>,
}

#[derive(Clone, PartialEq, Eq)]
pub(super) struct ContactSnap {
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub audience: Audience,
}

pub(super) struct PageSnap {
    pub rel: String,
    pub title: String,
    pub runbook: bool,
    pub audience: Audience,
    pub systems: Vec<String>,
    pub owner: Option<String>,
    pub last_reviewed: Option<String>,
    pub review_every: Option<Duration>,
    pub review_due: Option<String>,
    /// Of the markdown body: a moved page is found by its unchanged text.
    pub body_hash: u64,
}

impl Snapshot {
    pub(super) fn new(
        site: &Site,
        view: &SiteView,
        diagnostics: Vec<Diagnostic>,
        today: chrono::NaiveDate,
    ) -> Snapshot {
        let (mut dated, dated_until) = dated_gaps(site, view, today);
        let systems = view
            .systems
            .iter()
            .map(|s| {
                let raw = site.system(s.id).map(|e| &e.system);
                let ladder: Vec<LevelSnap> = s
                    .ladder
                    .iter()
                    .map(|l| {
                        // The view lists whom to call; the diff wants the name the level gives.
                        let raw_level = raw.and_then(|r| r.escalation.get(l.level - 1));
                        // A hidden contact reads as whom this audience is told to call instead.
                        let contact = if l.contact_hidden {
                            l.contacts.first().map(|c| c.name.clone())
                        } else {
                            raw_level.and_then(|lvl| lvl.contact.clone())
                        };
                        LevelSnap {
                            party: l.party.id.to_string(),
                            contact,
                            client_contact: raw_level
                                .and_then(|lvl| lvl.client_contact.clone())
                                .filter(|name| !hidden_contact(site, view, l.party.id, name)),
                            hours: l.hours_name.clone(),
                            hours_text: l.hours.describe(),
                            after: l.after,
                            after_total: l.after_total,
                            respond_within: l.respond_within,
                        }
                    })
                    .collect();
                let coverage = WeekMask::union_of(s.ladder.iter().map(|l| &l.hours));
                let snap = SystemSnap {
                    id: s.id.to_string(),
                    name: s.name.to_string(),
                    tier: s.tier.0,
                    description: s.description.map(str::to_string),
                    owner: s.owner.id.to_string(),
                    depends_on: raw.map(|r| r.depends_on.clone()).unwrap_or_default(),
                    raci: s
                        .raci
                        .iter()
                        .map(|row| {
                            (
                                row.activity.to_string(),
                                row.cells
                                    .iter()
                                    .map(|(p, l)| (p.id.to_string(), l.to_string()))
                                    .collect(),
                            )
                        })
                        .collect(),
                    ladder,
                    sla: s
                        .sla
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.respond, v.resolve))
                        .collect(),
                    coverage,
                    dated: dated.remove(s.id).unwrap_or_default(),
                };
                (snap.id.clone(), snap)
            })
            .collect();
        let parties = view
            .parties
            .iter()
            .map(|p| PartySnap {
                id: p.id.to_string(),
                name: p.name.to_string(),
                kind: p.kind.as_str(),
                description: p.description.map(str::to_string),
                hours: p.hours_name.clone(),
                hours_text: p.hours.describe(),
                contacts: p
                    .contacts
                    .iter()
                    .map(|c| ContactSnap {
                        name: c.name.clone(),
                        role: c.role.clone(),
                        email: c.email.clone(),
                        phone: c.phone.clone(),
                        audience: c.audience,
                    })
                    .collect(),
            })
            .collect();
        let pages = view
            .pages
            .iter()
            .map(|p| {
                // Fx: 8 bytes a step; flooding resistance buys nothing on the site's own text.
                let mut h = crate::search::Fx::default();
                p.body().hash(&mut h);
                let snap = PageSnap {
                    rel: p.rel.clone(),
                    title: p.title.clone(),
                    runbook: p.is_runbook(),
                    audience: p.audience,
                    systems: p.front.systems.clone(),
                    owner: p.front.owner.clone(),
                    last_reviewed: p.front.last_reviewed.map(|d| d.to_string()),
                    review_every: p.review_every,
                    review_due: p.review_due().map(|d| d.format("%Y-%m-%d").to_string()),
                    body_hash: h.finish(),
                };
                (snap.rel.clone(), snap)
            })
            .collect();
        Snapshot {
            timezone: site.config.timezone.0.clone(),
            hours: site
                .config
                .hours
                .iter()
                .map(|(k, v)| (k.clone(), v.describe()))
                .collect(),
            systems,
            parties,
            pages,
            diagnostics: crate::audience::problems::for_audience(site, view, diagnostics),
            dated_until,
        }
    }

    pub(super) fn party(&self, id: &str) -> Option<&PartySnap> {
        self.parties.iter().find(|p| p.id == id)
    }
}

/// A contact of `party` that the view's audience may not see: a client diff
/// does not name it, even where a ladder wrongly offers it as `client_contact`.
fn hidden_contact(site: &Site, view: &SiteView, party: &str, name: &str) -> bool {
    site.party(party)
        .and_then(|p| p.contact(name))
        .is_some_and(|c| !view.shows(c))
}

/// The dated gaps of every tier-1/2 system of `view` from `today` over the
/// site's coverage horizon, with why (as the view's audience may read it),
/// and the end of that horizon.
fn dated_gaps(
    site: &Site,
    view: &SiteView,
    today: chrono::NaiveDate,
) -> (BTreeMap<String, Vec<DatedGap>>, crate::calendar::Minute) {
    let tz = site.config.tz();
    let span = crate::calendar::Span::days_from(today, site.config.horizon().days().max(1), tz);
    let calendar = crate::calendar::Calendar::new(site, span);
    let mut out = BTreeMap::new();
    for s in view.systems.iter().filter(|s| s.tier.is_critical()) {
        let Some(entry) = site.system(s.id) else {
            continue;
        };
        let timelines = view.ladder_timelines(&calendar, s);
        let gaps = calendar
            .dated_gaps(&entry.system, &timelines)
            .into_iter()
            .map(|(start, end)| DatedGap {
                start,
                end,
                why: calendar
                    .closed_levels(&entry.system, &timelines, start)
                    .into_iter()
                    .map(|(_, c)| c.reason.clone())
                    .collect(),
            })
            .collect();
        out.insert(s.id.to_string(), gaps);
    }
    (out, span.end)
}
