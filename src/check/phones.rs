//! Numbers a reader dials: a phone number typed in a page must be a contact's
//! in `parties.yaml` (`stray-phone`, else a changed number hides in a runbook
//! forever), a client page must not type an internal contact's number
//! (`internal-phone`: it would publish what the audience split hides), and
//! every level a client build shows must offer a number or an address
//! (`client-dead-end`).

use crate::audience::{self, sees};
use crate::diag::{Code, Diagnostic, edit_distance};
use crate::markdown::phones::{digits, same_number};
use crate::model::{Audience, Contact};
use crate::site::{Page, Site};
use chrono::NaiveDate;

/// Silences `stray-phone` and `internal-phone` for the numbers on its line.
const ALLOW: &str = "cairn: allow-phone";

/// A contact's number, as digits.
#[derive(Debug)]
pub(super) struct Known<'a> {
    digits: String,
    party: &'a str,
    contact: &'a Contact,
}

impl Known<'_> {
    fn departed(&self, today: NaiveDate) -> Option<NaiveDate> {
        self.contact.left.map(|l| l.0).filter(|l| *l <= today)
    }

    fn who(&self) -> String {
        format!("{} ({})", self.contact.name, self.party)
    }
}

/// The contacts with a number, of every party.
pub(super) fn known(site: &Site) -> Vec<Known<'_>> {
    site.parties
        .iter()
        .flat_map(|p| {
            p.contacts.iter().filter_map(move |c| {
                Some(Known {
                    digits: digits(c.phone.as_deref()?),
                    party: &p.name,
                    contact: c,
                })
            })
        })
        .collect()
}

/// The numbers typed in `page`, against the contacts' numbers `known`.
pub(super) fn check_page(page: &Page, known: &[Known], today: NaiveDate) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for phone in &page.scan.phones {
        let line = page.body_line + phone.line.max(1) - 1;
        if allowed(page, line) {
            continue;
        }
        if let Some(d) = check_number(page, line, &phone.written, known, today) {
            out.push(d);
        }
    }
    out
}

fn check_number(
    page: &Page,
    line: usize,
    written: &str,
    known: &[Known],
    today: NaiveDate,
) -> Option<Diagnostic> {
    let number = digits(written);
    let owners: Vec<&Known> = known
        .iter()
        .filter(|k| same_number(&k.digits, &number))
        .collect();
    let current: Vec<&&Known> = owners
        .iter()
        .filter(|k| k.departed(today).is_none())
        .collect();
    let file = page.source.as_str();
    if let Some(first) = current.first() {
        let client_visible = current.iter().any(|k| sees(Audience::Client, k.contact));
        if page.audience == Audience::Client && !client_visible {
            return Some(Diagnostic::new(
                Code::InternalPhone,
                file,
                Some(line),
                format!(
                    "`{written}` is the number of {}, an internal contact, on a page clients see: a client build refuses it; write the client-visible contact's number, mark the page `audience: internal`, or add `<!-- cairn: allow-phone -->` to the line",
                    first.who()
                ),
            ));
        }
        return None;
    }
    let message = match owners.first() {
        Some(gone) => format!(
            "`{written}` is the number of {}, who left on {}: write the number of whoever took over{}",
            gone.who(),
            gone.departed(today).unwrap_or(today),
            nearest(&number, known, today)
        ),
        None => format!(
            "`{written}` is no contact's number in data/parties.yaml{}; add it to a party's contacts, or add `<!-- cairn: allow-phone -->` to the line if it is nobody's contact by design",
            nearest(&number, known, today)
        ),
    };
    Some(Diagnostic::new(Code::StrayPhone, file, Some(line), message))
}

/// ` (did you mean +1 555 0142, NOC (Bright MSP)?)` when a current contact's
/// digits are one or two edits away: a typo, or a number that changed.
fn nearest(number: &str, known: &[Known], today: NaiveDate) -> String {
    let best = known
        .iter()
        .filter(|k| k.departed(today).is_none() && k.digits != number)
        .map(|k| (edit_distance(&k.digits, number), k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d);
    match best {
        Some((_, k)) => format!(
            " (did you mean {}, {}?)",
            k.contact.phone.as_deref().unwrap_or_default(),
            k.who()
        ),
        None => String::new(),
    }
}

/// The page's line `line` (1-based, in the file) carries the allow comment.
fn allowed(page: &Page, line: usize) -> bool {
    page.text
        .lines()
        .nth(line.saturating_sub(1))
        .is_some_and(|l| l.contains(ALLOW))
}

/// Every level a client build shows with nobody to dial or write to: the
/// client would read "through your account manager" and have no number.
pub(super) fn check_dead_ends(site: &Site, today: NaiveDate) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for entry in &site.systems {
        for level in audience::ladder(site, Audience::Client, Some(today), entry) {
            let reachable = level.contacts.iter().any(|c| {
                (c.phone.is_some() || c.email.is_some()) && c.left.is_none_or(|l| l.0 > today)
            });
            if reachable {
                continue;
            }
            let index = (level.level - 1).to_string();
            let line = site.line(&entry.file, &["escalation", &index]);
            let why = if level.contact_hidden {
                "its contact is internal and it has no `client_contact`"
            } else {
                "the party has no client-visible contact with a phone or email"
            };
            out.push(Diagnostic::new(
                Code::ClientDeadEnd,
                &entry.file,
                line,
                format!(
                    "level {} of `{}` ({}) shows a client no number or address to reach: {why}; add a `client_contact` with a phone or email",
                    level.level, entry.system.id, level.party.name
                ),
            ));
        }
    }
    out
}
