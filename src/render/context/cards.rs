//! The small pieces many pages show: links, system and party cards, contacts,
//! page cards with their review status, breadcrumbs and section lists.

use super::{Shared, encode_path};
use crate::audience::{PartyRef, PartyView, ReviewState, SiteView, SystemRef, SystemView};
use crate::model::{Contact, CredentialPointer, Fact};
use crate::render::tel;
use crate::site::Page;
use crate::urls;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize, Clone)]
pub(super) struct Link {
    pub(super) title: String,
    pub(super) url: String,
}

#[derive(Serialize, Clone)]
pub(super) struct PartyLink<'c> {
    id: &'c str,
    name: &'c str,
    url: String,
}

pub(super) fn party_link(p: PartyRef<'_>) -> PartyLink<'_> {
    PartyLink {
        id: p.id,
        name: p.name,
        url: party_url(p.id),
    }
}

pub(super) fn party_url(id: &str) -> String {
    urls::party(id)
}

pub(super) fn system_url(id: &str) -> String {
    urls::system(id)
}

/// A party with its hours (the home page's list, the party page's heading).
#[derive(Serialize)]
pub(super) struct PartyCard<'c> {
    id: &'c str,
    name: &'c str,
    kind: &'static str,
    description: Option<&'c str>,
    url: String,
    hours: String,
    hours_name: &'c str,
}

pub(super) fn party_card<'c>(p: &'c PartyView<'_>) -> PartyCard<'c> {
    PartyCard {
        id: p.id,
        name: p.name,
        kind: p.kind.as_str(),
        description: p.description,
        url: party_url(p.id),
        hours: p.hours.describe(),
        hours_name: &p.hours_name,
    }
}

#[derive(Serialize, Clone)]
pub(super) struct SystemCard<'c> {
    pub(super) id: &'c str,
    name: &'c str,
    tier: u8,
    url: String,
    description: Option<&'c str>,
    owner: PartyLink<'c>,
}

pub(super) fn system_card<'c>(s: &SystemView<'c>) -> SystemCard<'c> {
    SystemCard {
        id: s.id,
        name: s.name,
        tier: s.tier.0,
        url: system_url(s.id),
        description: s.description,
        owner: party_link(s.owner),
    }
}

/// A system another depends on, or that depends on it.
#[derive(Serialize)]
pub(super) struct SystemRefCard<'c> {
    id: &'c str,
    name: &'c str,
    tier: u8,
    url: String,
}

pub(super) fn system_ref_card<'c>(r: &SystemRef<'c>) -> SystemRefCard<'c> {
    SystemRefCard {
        id: r.id,
        name: r.name,
        tier: r.tier.0,
        url: system_url(r.id),
    }
}

/// Systems grouped by tier, tier 1 first.
#[derive(Serialize)]
pub(super) struct TierGroup<T> {
    tier: u8,
    systems: Vec<T>,
}

/// `card` of each system of `view`, grouped by tier.
pub(super) fn by_tier<'v, 'a, T>(
    view: &'v SiteView<'a>,
    card: impl Fn(&'v SystemView<'a>) -> T,
) -> Vec<TierGroup<T>> {
    let mut tiers: BTreeMap<u8, Vec<T>> = BTreeMap::new();
    for s in &view.systems {
        tiers.entry(s.tier.0).or_default().push(card(s));
    }
    tiers
        .into_iter()
        .map(|(tier, systems)| TierGroup { tier, systems })
        .collect()
}

#[derive(Serialize)]
pub(super) struct ContactCtx<'c> {
    name: &'c str,
    role: Option<&'c str>,
    email: Option<&'c str>,
    phone: Option<&'c str>,
    /// `+15550100` for the `tel:` link.
    tel: Option<String>,
}

pub(super) fn contact(c: &Contact) -> ContactCtx<'_> {
    ContactCtx {
        name: &c.name,
        role: c.role.as_deref(),
        email: c.email.as_deref(),
        phone: c.phone.as_deref(),
        tel: c.phone.as_deref().map(tel).filter(|t| !t.is_empty()),
    }
}

/// A fact a caller is asked for, with or without a copy button.
#[derive(Serialize)]
pub(super) struct FactCtx<'c> {
    label: &'c str,
    value: &'c str,
    copy: bool,
}

pub(super) fn facts<'c>(facts: &[(&'c str, &'c Fact)]) -> Vec<FactCtx<'c>> {
    facts
        .iter()
        .map(|(label, f)| FactCtx {
            label,
            value: &f.value,
            copy: f.copy,
        })
        .collect()
}

/// A link to the vault entry holding a secret.
#[derive(Serialize)]
pub(super) struct CredentialCtx<'c> {
    name: &'c str,
    url: &'c str,
}

pub(super) fn credentials<'c>(list: &[&'c CredentialPointer]) -> Vec<CredentialCtx<'c>> {
    list.iter()
        .map(|c| CredentialCtx {
            name: &c.name,
            url: &c.url,
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct PageCard<'c> {
    title: &'c str,
    /// `nav_title` (Hugo's `linkTitle`): the title in lists.
    short_title: Option<&'c str>,
    /// The front matter's `date` (when it was written).
    date: Option<String>,
    url: String,
    description: Option<&'c str>,
    systems: Vec<Link>,
    owner: Option<PartyLink<'c>>,
    tags: &'c [String],
    review: ReviewCtx,
}

/// A page's review, as pages and `cairn.json` show it.
#[derive(Serialize, Default)]
pub(in crate::render) struct ReviewCtx {
    /// `ok`, `overdue`, `never` (a runbook never reviewed) or `none` (plain docs).
    status: &'static str,
    last_reviewed: Option<String>,
    due: Option<String>,
    /// Days past due (overdue) or until due (ok).
    days: i64,
}

pub(in crate::render) fn review(page: &Page, today: chrono::NaiveDate) -> ReviewCtx {
    let last_reviewed = page.front.last_reviewed.map(|d| d.0.to_string());
    let dated = |status, due: chrono::NaiveDate, days| ReviewCtx {
        status,
        last_reviewed: last_reviewed.clone(),
        due: Some(due.to_string()),
        days,
    };
    match ReviewState::of(page, today) {
        ReviewState::Overdue { due, days } => dated("overdue", due, days),
        ReviewState::Ok { due, days } => dated("ok", due, days),
        ReviewState::Never => ReviewCtx {
            status: "never",
            ..ReviewCtx::default()
        },
        ReviewState::None => ReviewCtx {
            status: "none",
            last_reviewed,
            ..ReviewCtx::default()
        },
    }
}

/// A section in a list: its title, link and how many pages it holds.
#[derive(Serialize)]
pub(super) struct SectionCard<'c> {
    title: &'c str,
    url: String,
    description: Option<&'c str>,
    count: usize,
}

impl Shared<'_, '_> {
    pub(super) fn cards<'c>(&'c self, pages: &[&'c Page]) -> Vec<PageCard<'c>> {
        pages.iter().map(|p| self.card(p)).collect()
    }

    /// Fingerprinting: the key standing for `p`'s card (see [`Shared::with_body_keys`]).
    pub(super) fn card_key(&self, p: &Page) -> &str {
        self.card_key_of(p).unwrap_or("")
    }

    pub(super) fn card<'c>(&'c self, p: &'c Page) -> PageCard<'c> {
        if let Some(key) = self.card_key_of(p) {
            // Fingerprinting: the card hashed once stands for it.
            return PageCard {
                title: "",
                short_title: None,
                date: None,
                url: key.to_string(),
                description: None,
                systems: Vec::new(),
                owner: None,
                tags: &[],
                review: ReviewCtx::default(),
            };
        }
        self.card_of(p)
    }

    /// `p`'s card as pages show it.
    pub(super) fn card_of<'c>(&'c self, p: &'c Page) -> PageCard<'c> {
        PageCard {
            title: &p.title,
            short_title: p.front.nav_title.as_deref(),
            date: p.front.date.map(|d| d.0.to_string()),
            url: encode_path(&urls::page(&p.url)),
            description: p.front.description.as_deref(),
            systems: p
                .front
                .systems
                .iter()
                .filter_map(|id| self.view.system(id))
                .map(|s| Link {
                    title: s.name.to_string(),
                    url: system_url(s.id),
                })
                .collect(),
            owner: self.view.page_owner(p).map(party_link),
            tags: &p.front.tags,
            review: review(p, self.opts.today),
        }
    }

    /// The sections of `folders`: every folder is one, `_index.md` or not.
    pub(super) fn subsections<'c>(&'c self, folders: &[String]) -> Vec<SectionCard<'c>> {
        folders
            .iter()
            .filter_map(|f| self.view.sections.get(f))
            .map(|s| SectionCard {
                title: &s.title,
                url: encode_path(&urls::folder(&s.folder)),
                description: s.index.and_then(|p| p.front.description.as_deref()),
                count: self.pages_under(&s.folder),
            })
            .collect()
    }

    /// Pages in `folder` and every folder below it (a section's list shows the total).
    fn pages_under(&self, folder: &str) -> usize {
        let prefix = format!("{folder}/");
        self.view
            .sections
            .iter()
            .filter(|(f, _)| *f == folder || f.starts_with(&prefix))
            .map(|(_, s)| s.pages.len())
            .sum()
    }

    /// Home, then each ancestor section of `folder` (and `folder` itself when `include_self`).
    pub(super) fn breadcrumbs(&self, folder: &str, include_self: bool) -> Vec<Link> {
        let mut crumbs = vec![Link {
            title: "Home".into(),
            url: urls::HOME.into(),
        }];
        let parts: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
        let upto = if include_self {
            parts.len()
        } else {
            parts.len().saturating_sub(1)
        };
        for i in 0..upto {
            let f = parts[..=i].join("/");
            if let Some(s) = self.view.sections.get(&f) {
                crumbs.push(Link {
                    title: s.title.clone(),
                    url: encode_path(&urls::folder(&f)),
                });
            }
        }
        crumbs
    }
}

#[cfg(test)]
mod tests {
    use crate::render::tel;

    #[test]
    fn tel_links_keep_digits_and_a_leading_plus() {
        assert_eq!(tel("+1 555 0100"), "+15550100");
        assert_eq!(tel("(555) 010-0100 ext"), "5550100100");
    }
}
