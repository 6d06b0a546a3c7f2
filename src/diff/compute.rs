//! Two snapshots in, the typed change list out: each family of the model
//! (systems, RACI, ladders and coverage, parties and contacts, pages, checks)
//! is compared in its own module through the helpers of [`super::compare`];
//! every sentence of the report is worded there, once, and printers only style it.

use super::changes::*;
use super::compare::{Names, by_key, field, from_to, line};
use super::snapshot::Snapshot;
use super::{checks, dated, ladders, pages, parties, raci, systems};
use crate::diag::Severity;
use crate::model::Audience;
use serde_json::json;

pub(super) fn compute(
    old: &Snapshot,
    new: &Snapshot,
    old_info: SideInfo,
    new_info: SideInfo,
    audience: Audience,
) -> Diff {
    let names = Names { old, new };
    let mut diff = Diff {
        schema_version: SCHEMA_VERSION,
        old: old_info,
        new: new_info,
        audience,
        changed: false,
        summary: Summary::default(),
        site: site_changes(old, new),
        systems: systems::changes(&names),
        raci: raci::changes(&names),
        ladders: ladders::changes(&names),
        coverage: ladders::coverage_changes(&names),
        dated_coverage: dated::changes(&names),
        parties: parties::changes(old, new),
        contacts: parties::contact_changes(old, new),
        runbooks: pages::changes(&names),
        checks: checks::changes(old, new),
    };
    diff.summary = summary(&diff);
    diff.changed = diff.all_lines().next().is_some()
        || !diff.checks.introduced.is_empty()
        || !diff.checks.fixed.is_empty();
    diff
}

// ---------------------------------------------------------------- site

/// The site's timezone and named hours (`cairn.yaml`).
fn site_changes(old: &Snapshot, new: &Snapshot) -> Vec<SiteChange> {
    let mut out = Vec::new();
    if old.timezone != new.timezone {
        out.push(SiteChange {
            line: line(
                Kind::Changed,
                Sentence::new()
                    .text("timezone ")
                    .append(from_to(Some(&old.timezone), Some(&new.timezone))),
            )
            .attention(true),
            fields: vec![field("timezone", json!(old.timezone), json!(new.timezone))],
        });
    }
    for (name, b, a) in by_key(&old.hours, &new.hours) {
        let msg = Sentence::new().text("hours ").value(name);
        let (kind, msg) = match (b, a) {
            (None, Some(a)) => (Kind::Added, msg.text(" added: ").value(a)),
            (Some(b), None) => (Kind::Removed, msg.text(" removed (was ").value(b).text(")")),
            (Some(b), Some(a)) if b != a => (
                Kind::Changed,
                msg.text(": ").append(from_to(Some(b), Some(a))),
            ),
            _ => continue,
        };
        out.push(SiteChange {
            line: line(kind, msg),
            fields: vec![field(&format!("hours.{name}"), json!(b), json!(a))],
        });
    }
    out
}

// ---------------------------------------------------------------- summary

fn summary(diff: &Diff) -> Summary {
    let count = |k: Kind| diff.systems.iter().filter(|s| s.line.change == k).count();
    let introduced = |sev: Severity| {
        diff.checks
            .introduced
            .iter()
            .filter(|p| p.severity == sev)
            .count()
    };
    Summary {
        site: diff.site.len(),
        systems_added: count(Kind::Added),
        systems_removed: count(Kind::Removed),
        systems_changed: count(Kind::Changed),
        raci: diff.raci.len(),
        accountable_moves: diff
            .raci
            .iter()
            .filter(|r| r.accountable.before != r.accountable.after)
            .count(),
        ladders: diff.ladders.len(),
        coverage: diff.coverage.len(),
        windows_uncovered: diff.coverage.iter().map(|c| c.uncovered.len()).sum(),
        dated_coverage: diff.dated_coverage.len(),
        dated_windows_uncovered: diff.dated_coverage.iter().map(|c| c.uncovered.len()).sum(),
        parties: diff.parties.len(),
        contacts: diff.contacts.len(),
        runbooks: diff.runbooks.len(),
        client_visible: diff
            .runbooks
            .iter()
            .map(|r| &r.line)
            .chain(diff.contacts.iter().map(|c| &c.line))
            .filter(|l| l.attention)
            .count(),
        errors_introduced: introduced(Severity::Error),
        warnings_introduced: introduced(Severity::Warning),
        problems_fixed: diff.checks.fixed.len(),
        attention: diff.all_lines().filter(|l| l.attention).count() + introduced(Severity::Error),
    }
}
