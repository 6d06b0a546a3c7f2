//! A party's page: its contacts, what it owns, answers for and is on call for.

use super::cards::{
    ContactCtx, CredentialCtx, PartyCard, SystemCard, contact, credentials, party_card,
    system_card, system_url,
};
use super::{Base, Shared};
use crate::audience::{Duties, PartyView};
use serde::Serialize;

#[derive(Serialize)]
pub(in crate::render) struct PartyCtx<'c> {
    #[serde(flatten)]
    base: Base<'c>,
    party: PartyCard<'c>,
    /// The party's vCard file, when it has contacts this audience sees.
    vcard: Option<String>,
    contacts: Vec<ContactCtx<'c>>,
    /// Where the party's secrets live.
    credentials: Vec<CredentialCtx<'c>>,
    owns: Vec<SystemCard<'c>>,
    accountable: Vec<DutiesCtx<'c>>,
    responsible: Vec<DutiesCtx<'c>>,
    /// Activities as `Patch management (C)`.
    consulted: Vec<DutiesCtx<'c>>,
    on_call: Vec<OnCallCtx<'c>>,
    /// Where the party answers first (SVG), if it answers anywhere.
    coverage_chart: Option<String>,
}

/// One system's activities the party holds a letter in.
#[derive(Serialize)]
struct DutiesCtx<'c> {
    system: &'c str,
    url: String,
    activities: Vec<String>,
}

/// One escalation level the party answers.
#[derive(Serialize)]
struct OnCallCtx<'c> {
    system: &'c str,
    url: String,
    tier: u8,
    level: usize,
    hours: String,
    hours_name: &'c str,
}

fn duties<'c>(
    list: Vec<Duties<'c, 'c>>,
    show: impl Fn(&str, &str) -> String,
) -> Vec<DutiesCtx<'c>> {
    list.into_iter()
        .map(|d| DutiesCtx {
            system: d.system.name,
            url: system_url(d.system.id),
            activities: d.activities.iter().map(|(a, l)| show(a, l)).collect(),
        })
        .collect()
}

impl Shared<'_, '_> {
    pub(super) fn party<'c>(&'c self, p: &'c PartyView<'c>, path: &'c str) -> PartyCtx<'c> {
        let view = self.view;
        let mut base = self.base(path, p.name);
        base.meta_description = p.description;
        let r = view.responsibilities(p.id);
        PartyCtx {
            base,
            party: party_card(p),
            vcard: super::super::party_vcard_path(p),
            contacts: p.contacts.iter().map(|c| contact(c)).collect(),
            credentials: credentials(&p.credentials),
            owns: r.owns.into_iter().map(system_card).collect(),
            accountable: duties(r.accountable, |a, _| a.to_string()),
            responsible: duties(r.responsible, |a, _| a.to_string()),
            consulted: duties(r.consulted, |a, letters| format!("{a} ({letters})")),
            on_call: r
                .on_call
                .into_iter()
                .map(|(s, l)| OnCallCtx {
                    system: s.name,
                    url: system_url(s.id),
                    tier: s.tier.0,
                    level: l.level,
                    hours: l.hours.describe(),
                    hours_name: &l.hours_name,
                })
                .collect(),
            coverage_chart: super::super::coverage_chart::party_chart(view, p.id, "../../"),
        }
    }
}
