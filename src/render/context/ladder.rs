//! An escalation ladder as call cards show it (system pages, runbooks, the now
//! board): who to call at each level, when, and after how long.

use super::cards::{
    ContactCtx, CredentialCtx, FactCtx, PartyLink, SystemCard, contact, credentials, facts,
    party_link, system_card,
};
use crate::audience::{LadderLevel, SystemView};
use crate::urls;
use serde::Serialize;

#[derive(Serialize)]
struct LevelCtx<'c> {
    level: usize,
    party: PartyLink<'c>,
    contacts: Vec<ContactCtx<'c>>,
    contact_hidden: bool,
    /// Where the party's secrets live.
    credentials: Vec<CredentialCtx<'c>>,
    hours_name: &'c str,
    hours: String,
    /// The level's week as `data-hours` says it to the answers-now script
    /// ([`crate::model::WeekMask::pattern`]: `480-1080/31` is mon-fri 08:00–18:00).
    spans: String,
    after: Option<String>,
    /// `after` in minutes, for the call card's clock times.
    after_minutes: u64,
    after_total: Option<String>,
    respond_within: Option<String>,
    /// The party's vCard file, when this level shows contacts.
    vcard: Option<String>,
}

fn level<'c>(l: &'c LadderLevel<'c>) -> LevelCtx<'c> {
    LevelCtx {
        level: l.level,
        party: party_link(l.party),
        contacts: l.contacts.iter().map(|c| contact(c)).collect(),
        contact_hidden: l.contact_hidden,
        credentials: credentials(&l.credentials),
        hours_name: &l.hours_name,
        hours: l.hours.describe(),
        spans: l.hours.mask().pattern(),
        after: (l.level > 1).then(|| l.after.to_string()),
        after_minutes: l.after.minutes(),
        after_total: (l.level > 1).then(|| l.after_total.human()),
        respond_within: l.respond_within.map(|d| d.to_string()),
        vcard: (!l.contacts.is_empty()).then(|| urls::party_vcards(l.party.id)),
    }
}

#[derive(Serialize)]
pub(super) struct LadderCtx<'c> {
    system: SystemCard<'c>,
    levels: Vec<LevelCtx<'c>>,
    /// What the caller will be asked for: "have this ready".
    facts: Vec<FactCtx<'c>>,
    /// Where the system's secrets live.
    credentials: Vec<CredentialCtx<'c>>,
}

impl LadderCtx<'_> {
    pub(super) fn system_id(&self) -> &str {
        self.system.id
    }
}

/// A call card on a runbook page: its system's ladder, made once per build
/// ([`super::Shared::ladder`]) and shared by every runbook naming the system,
/// with the page's rendering of it.
#[derive(Serialize)]
pub(super) struct PageLadder<'c> {
    #[serde(flatten)]
    pub(super) ladder: &'c LadderCtx<'c>,
    /// The ladder as `runbook_ladder.html` renders it, rendered once per
    /// system and page depth and shared by every runbook that names the system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) html: Option<String>,
}

pub(super) fn ladder<'c>(s: &'c SystemView<'c>) -> LadderCtx<'c> {
    LadderCtx {
        system: system_card(s),
        levels: s.ladder.iter().map(level).collect(),
        facts: facts(&s.facts),
        credentials: credentials(&s.credentials),
    }
}
