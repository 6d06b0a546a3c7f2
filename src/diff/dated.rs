//! Dated coverage: over the coverage horizon from today, the windows nobody
//! answers a tier-1/2 system though its week hours would (a holiday, an
//! absence without cover, a rotation without holder, a departure), before
//! and after: "this change leaves m365 with nobody on 2026-12-25 08:00–18:00".
//! What the week's hours alone change is the coverage family's (`ladders`).

use super::changes::{DatedCoverageChange, DatedWindow, Kind, Line, Sentence};
use super::compare::{Names, plural};
use super::snapshot::{DatedGap, SystemSnap};
use crate::calendar::Minute;
use crate::calendar::intervals::{normalize, subtract};
use crate::calendar::zone::{format_span, local_date};
use crate::model::Tier;

/// Windows listed under a system's line; the rest are counted.
const MAX_WINDOWS: usize = 10;

/// Minutes of `gaps` up to `until`.
fn minutes(gaps: &[DatedGap], until: Minute) -> Vec<(Minute, Minute)> {
    normalize(gaps.iter().map(|g| (g.start, g.end.min(until))).collect())
}

/// `pieces` as windows, each with the why of the gap of `side` it lies in.
fn windows(tz: chrono_tz::Tz, pieces: &[(Minute, Minute)], side: &[DatedGap]) -> Vec<DatedWindow> {
    pieces
        .iter()
        .map(|&(start, end)| DatedWindow {
            date: local_date(tz, start).to_string(),
            window: format_span(tz, start, end),
            why: side
                .iter()
                .find(|g| g.start <= start && start < g.end)
                .map(|g| g.why.clone())
                .unwrap_or_default(),
        })
        .collect()
}

/// ` and 2 more windows`.
fn more(n: usize) -> String {
    match n {
        0 => String::new(),
        n => format!(" and {n} more window{}", plural(n)),
    }
}

pub(super) fn changes(names: &Names) -> Vec<DatedCoverageChange> {
    let tz: chrono_tz::Tz = names.new.timezone.parse().unwrap_or(chrono_tz::UTC);
    let until = names.old.dated_until.min(names.new.dated_until);
    let mut out = Vec::new();
    for (id, a) in &names.new.systems {
        let Some(b) = names.old.systems.get(id) else {
            continue;
        };
        if let Some(c) = system(tz, until, b, a) {
            out.push(c);
        }
    }
    out
}

fn system(
    tz: chrono_tz::Tz,
    until: Minute,
    b: &SystemSnap,
    a: &SystemSnap,
) -> Option<DatedCoverageChange> {
    if !Tier(a.tier).is_critical() && !Tier(b.tier).is_critical() {
        return None;
    }
    let (before, after) = (minutes(&b.dated, until), minutes(&a.dated, until));
    let uncovered = windows(tz, &subtract(&after, &before), &a.dated);
    let covered = windows(tz, &subtract(&before, &after), &b.dated);
    let first = |w: &[DatedWindow]| w.first().map(|w| w.window.clone()).unwrap_or_default();
    let message = if !uncovered.is_empty() {
        Sentence::new()
            .text("this change leaves ")
            .value(&a.id)
            .text(" with nobody on ")
            .value(first(&uncovered))
            .text(more(uncovered.len() - 1))
    } else if !covered.is_empty() {
        Sentence::new()
            .value(&a.id)
            .text(" is answered again on ")
            .value(first(&covered))
            .text(more(covered.len() - 1))
    } else {
        return None;
    };
    let detail = |w: &DatedWindow, what: &str| {
        let s = Sentence::new().value(&w.window).text(what);
        if w.why.is_empty() {
            s
        } else {
            s.text(": ").name(w.why.join("; "))
        }
    };
    let mut details: Vec<Sentence> = Vec::new();
    details.extend(
        uncovered
            .iter()
            .take(MAX_WINDOWS)
            .map(|w| detail(w, " now uncovered")),
    );
    details.extend(
        covered
            .iter()
            .take(MAX_WINDOWS)
            .map(|w| detail(w, " answered again, was")),
    );
    let left =
        uncovered.len().saturating_sub(MAX_WINDOWS) + covered.len().saturating_sub(MAX_WINDOWS);
    if left > 0 {
        details.push(Sentence::new().text(format!("and {left} more window{}", plural(left))));
    }
    Some(DatedCoverageChange {
        system: a.id.clone(),
        tier: a.tier,
        line: Line {
            change: Kind::Changed,
            message,
            details,
            attention: !uncovered.is_empty(),
        },
        uncovered,
        covered,
    })
}

#[cfg(test)]
mod tests {
    use super::super::compare::fixtures::{assert_one_line, system, with};
    use super::*;

    /// 2026-12-25 00:00 UTC, in minutes.
    const XMAS: Minute = 29_969_280;
    const H: Minute = 60;

    fn gap(start: Minute, end: Minute, why: &str) -> DatedGap {
        DatedGap {
            start,
            end,
            why: if why.is_empty() {
                Vec::new()
            } else {
                vec![why.to_string()]
            },
        }
    }

    fn side(tier: u8, dated: Vec<DatedGap>) -> super::super::snapshot::Snapshot {
        let mut s = system("m365");
        s.tier = tier;
        s.dated = dated;
        let mut snap = with(vec![s], vec![]);
        snap.dated_until = XMAS + 90 * 24 * H;
        snap
    }

    /// Old gaps, new gaps, the line, its details, whether it is flagged.
    #[test]
    fn dated_windows_uncovered_and_answered_again() {
        type Case = (
            Vec<DatedGap>,
            Vec<DatedGap>,
            Option<&'static str>,
            &'static [&'static str],
            bool,
        );
        let xmas = || {
            gap(
                XMAS + 8 * H,
                XMAS + 18 * H,
                "Christmas Day — Acme <IT> closed",
            )
        };
        let cases: [Case; 5] = [
            (vec![], vec![], None, &[], false),
            (vec![xmas()], vec![xmas()], None, &[], false),
            (
                vec![],
                vec![xmas()],
                Some("this change leaves m365 with nobody on 2026-12-25 08:00–18:00"),
                &["2026-12-25 08:00–18:00 now uncovered: Christmas Day — Acme <IT> closed"],
                true,
            ),
            (
                vec![xmas()],
                vec![],
                Some("m365 is answered again on 2026-12-25 08:00–18:00"),
                &["2026-12-25 08:00–18:00 answered again, was: Christmas Day — Acme <IT> closed"],
                false,
            ),
            (
                vec![gap(XMAS + 8 * H, XMAS + 12 * H, "")],
                vec![xmas(), gap(XMAS + 48 * H, XMAS + 50 * H, "")],
                Some(
                    "this change leaves m365 with nobody on 2026-12-25 12:00–18:00 and 1 more window",
                ),
                &[
                    "2026-12-25 12:00–18:00 now uncovered: Christmas Day — Acme <IT> closed",
                    "2026-12-27 00:00–02:00 now uncovered",
                ],
                true,
            ),
        ];
        for (before, after, want, details, attention) in cases {
            let (old, new) = (side(1, before), side(1, after));
            let got = changes(&Names {
                old: &old,
                new: &new,
            });
            let Some(want) = want else {
                assert!(got.is_empty());
                continue;
            };
            assert_one_line(&got, |c| &c.line, want, details, attention);
        }
    }

    #[test]
    fn tier_3_systems_and_windows_past_either_horizon_are_left_out() {
        let late = || vec![gap(XMAS + 80 * 24 * H, XMAS + 80 * 24 * H + H, "")];
        let (old, new) = (side(3, vec![]), side(3, late()));
        assert!(
            changes(&Names {
                old: &old,
                new: &new
            })
            .is_empty()
        );
        let (mut old, new) = (side(1, vec![]), side(1, late()));
        old.dated_until = XMAS + 30 * 24 * H;
        assert!(
            changes(&Names {
                old: &old,
                new: &new
            })
            .is_empty()
        );
    }
}
