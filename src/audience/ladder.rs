//! A system's escalation ladder as one audience may read it: every level,
//! in order (a level is never dropped), with whom to call at it among the
//! contacts this audience sees, the party's hours on the site's clock, and
//! the waits added up.

use super::{PartyRef, shows_contact, site_clock, visible_of};
use crate::model::{Audience, Contact, CredentialPointer, Duration, HoursSpec};
use crate::site::{Site, SystemEntry};

pub(crate) struct LadderLevel<'a> {
    /// 1-based.
    pub level: usize,
    pub party: PartyRef<'a>,
    /// Whom to call: the named contact; when it is hidden from this audience, its
    /// `client_contact` (or nobody: reach the party via the account manager); when
    /// none is named, the party's visible contacts.
    pub contacts: Vec<&'a Contact>,
    /// A contact was named but this audience may not see it.
    pub contact_hidden: bool,
    /// The rotation the level's `contact:` names (`on-call`): whoever holds
    /// it answers, see `crate::calendar`.
    pub rotation: Option<&'a str>,
    /// Where the party's secrets live, as far as this audience may see.
    pub credentials: Vec<&'a CredentialPointer>,
    pub hours_name: String,
    pub hours: HoursSpec,
    /// Wait after the previous level was called.
    pub after: Duration,
    /// Time since level 1 was called when this level is tried.
    pub after_total: Duration,
    pub respond_within: Option<Duration>,
}

/// A level is never dropped: its order must stay true in every build.
pub(crate) fn ladder<'a>(
    site: &'a Site,
    audience: Audience,
    today: Option<chrono::NaiveDate>,
    entry: &'a SystemEntry,
) -> Vec<LadderLevel<'a>> {
    let shown = |c: &Contact| shows_contact(audience, today, c);
    let mut total: u64 = 0;
    entry
        .system
        .escalation
        .iter()
        .enumerate()
        .filter_map(|(i, level)| {
            let party = site.party(&level.party)?;
            let visible: Vec<&Contact> = party.contacts.iter().filter(|c| shown(c)).collect();
            let named = level.contact.as_deref().and_then(|n| party.contact(n));
            // An internal contact is replaced by `client_contact`, or by nobody: the
            // theme then says to go through the account manager. Never by the party's
            // whole contact list, which would offer the account manager at 3 a.m.
            let client_contact = level
                .client_contact
                .as_deref()
                .and_then(|n| party.contact(n))
                .filter(|c| shown(c));
            let rotation = level
                .contact
                .as_deref()
                .and_then(|n| party.rotations.get_key_value(n))
                .filter(|_| named.is_none());
            let (contacts, contact_hidden) = match (named, rotation) {
                (Some(c), _) if shown(c) => (vec![c], false),
                (Some(_), _) => (client_contact.into_iter().collect(), true),
                // A rotation: its visible members (the holder is dated); a
                // client build that sees none of them shows `client_contact`.
                (None, Some((_, r))) => {
                    let members: Vec<&Contact> = r
                        .contacts
                        .iter()
                        .filter_map(|n| party.contact(n))
                        .filter(|c| shown(c))
                        .collect();
                    if members.is_empty() {
                        (client_contact.into_iter().collect(), true)
                    } else {
                        (members, false)
                    }
                }
                (None, None) => (visible, false),
            };
            let hours_name = level.hours_name(party).to_string();
            let after = level.after.unwrap_or_default();
            total = total.saturating_add(after.minutes());
            Some(LadderLevel {
                level: i + 1,
                party: PartyRef {
                    id: party.id.as_str(),
                    name: &party.name,
                },
                contacts,
                contact_hidden,
                rotation: rotation.map(|(n, _)| n.as_str()),
                credentials: visible_of(audience, &party.credentials_at),
                hours: site_clock(site, party, &hours_name, today),
                hours_name,
                after,
                after_total: Duration::from_minutes(total),
                respond_within: level.respond_within,
            })
        })
        .collect()
}
