//! Escalation ladders and the coverage they give: levels added, removed,
//! changed or reordered; the time until the last level is tried; the hours of
//! the week a tier-1/2 system is no longer answered.

use super::changes::{
    BeforeAfter, CoverageChange, Kind, LadderChange, Level, LevelChange, Line, Sentence,
};
use super::compare::{Fields, Names, plural};
use super::snapshot::{LevelSnap, SystemSnap};
use crate::model::{Duration, MINUTES_PER_WEEK, Tier, WeekMask};
use serde_json::json;

fn level_out(names: &Names, i: usize, l: &LevelSnap) -> Level {
    Level {
        level: i + 1,
        party: l.party.clone(),
        party_name: names.party(&l.party),
        contact: l.contact.clone(),
        client_contact: l.client_contact.clone(),
        hours: l.hours.clone(),
        hours_text: l.hours_text.clone(),
        after_minutes: l.after.minutes(),
        after_total_minutes: l.after_total.minutes(),
        respond_within_minutes: l.respond_within.map(Duration::minutes),
    }
}

/// `Bright MSP (NOC)`.
fn who(names: &Names, l: &LevelSnap) -> Sentence {
    let s = Sentence::new().name(names.party(&l.party));
    match &l.contact {
        Some(c) => s.text(" (").name(c).text(")"),
        None => s,
    }
}

/// `Bright MSP (NOC), hours always, after 15m, respond within 1h`.
fn level_text(names: &Names, l: &LevelSnap) -> Sentence {
    let mut s = who(names, l).text(", hours ").value(&l.hours);
    if l.after.minutes() > 0 {
        s = s.text(format!(", after {}", l.after.human()));
    }
    if let Some(r) = l.respond_within {
        s = s.text(format!(", respond within {}", r.human()));
    }
    s
}

/// Old and new level indexes that are "the same level": first the same party and
/// contact, then the same party, each in ladder order.
fn match_levels(b: &[LevelSnap], a: &[LevelSnap]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut used_b = vec![false; b.len()];
    let mut used_a = vec![false; a.len()];
    let passes: [fn(&LevelSnap, &LevelSnap) -> bool; 3] = [
        |x, y| x == y,
        |x, y| x.party == y.party && x.contact == y.contact,
        |x, y| x.party == y.party,
    ];
    for same in passes {
        for (j, y) in a.iter().enumerate() {
            if used_a[j] {
                continue;
            }
            if let Some(i) = (0..b.len()).find(|&i| !used_b[i] && same(&b[i], y)) {
                used_b[i] = true;
                used_a[j] = true;
                pairs.push((i, j));
            }
        }
    }
    pairs.sort();
    pairs
}

pub(super) fn changes(names: &Names) -> Vec<LadderChange> {
    let mut out = Vec::new();
    for (id, a) in &names.new.systems {
        let Some(b) = names.old.systems.get(id) else {
            continue;
        };
        if b.ladder != a.ladder {
            out.push(ladder(names, b, a));
        }
    }
    out
}

fn ladder(names: &Names, b: &SystemSnap, a: &SystemSnap) -> LadderChange {
    let pairs = match_levels(&b.ladder, &a.ladder);
    let mut levels = Vec::new();
    // Removed levels, by old position.
    for (i, l) in b.ladder.iter().enumerate() {
        if !pairs.iter().any(|&(x, _)| x == i) {
            levels.push(LevelChange {
                change: Kind::Removed,
                before: Some(level_out(names, i, l)),
                after: None,
                fields: Vec::new(),
                message: Sentence::new()
                    .text(format!("level {} removed: ", i + 1))
                    .append(level_text(names, l)),
            });
        }
    }
    // Reordered: the matched levels' relative order is not the same.
    let news: Vec<usize> = pairs.iter().map(|&(_, j)| j).collect();
    let reordered = news.windows(2).any(|w| w[0] > w[1]);
    for (j, l) in a.ladder.iter().enumerate() {
        match pairs.iter().find(|&&(_, y)| y == j) {
            None => levels.push(LevelChange {
                change: Kind::Added,
                before: None,
                after: Some(level_out(names, j, l)),
                fields: Vec::new(),
                message: Sentence::new()
                    .text(format!("level {} added: ", j + 1))
                    .append(level_text(names, l)),
            }),
            Some(&(i, _)) => {
                if let Some(c) = level_changed(names, (i, &b.ladder[i]), (j, l), reordered) {
                    levels.push(c);
                }
            }
        }
    }
    let last = |s: &SystemSnap| s.ladder.last().map(|l| l.after_total.minutes());
    let total = BeforeAfter {
        before: last(b),
        after: last(a),
    };
    let mut msg = Sentence::new().value(&a.id).text(format!(
        ": {} level{}",
        a.ladder.len(),
        plural(a.ladder.len())
    ));
    if b.ladder.len() != a.ladder.len() {
        msg = msg.text(format!(", was {}", b.ladder.len()));
    }
    if total.before != total.after {
        let t = |m: Option<u64>| {
            m.map_or_else(
                || "no level".to_string(),
                |m| Duration::from_minutes(m).human(),
            )
        };
        msg = msg.text(format!(
            "; the last level is tried {} after the first call, was {}",
            t(total.after),
            t(total.before)
        ));
    }
    if reordered {
        msg = msg.text("; levels reordered");
    }
    let attention = levels.iter().any(|l| l.change == Kind::Removed);
    let details = levels.iter().map(|l| l.message.clone()).collect();
    LadderChange {
        system: a.id.clone(),
        line: Line {
            change: Kind::Changed,
            message: msg,
            details,
            attention,
        },
        levels,
        reordered,
        last_level_after_minutes: total,
    }
}

/// One level matched on both sides: `(position, level)` before and after.
fn level_changed(
    names: &Names,
    (i, b): (usize, &LevelSnap),
    (j, a): (usize, &LevelSnap),
    reordered: bool,
) -> Option<LevelChange> {
    let mut f = Fields::default();
    f.text("contact", "contact", &b.contact, &a.contact);
    f.text(
        "client_contact",
        "client contact",
        &b.client_contact,
        &a.client_contact,
    );
    f.compare(
        "hours",
        &(&b.hours, &b.hours_text),
        &(&a.hours, &a.hours_text),
        |(bh, bt), (ah, at)| {
            let s = Sentence::new()
                .text("hours ")
                .append(super::compare::from_to(Some(bh), Some(ah)));
            // Same name, new meaning: the hours in cairn.yaml changed.
            if bh == ah {
                s.text(" (").value(*bt).text(" → ").value(*at).text(")")
            } else {
                s
            }
        },
        |(h, _)| json!(h),
    );
    f.duration("after_minutes", "after", Some(b.after), Some(a.after));
    f.duration(
        "respond_within_minutes",
        "respond within",
        b.respond_within,
        a.respond_within,
    );
    // A level that only shifted because one above it went is not a change of its own.
    let moved = reordered && i != j;
    if f.is_empty() && !moved {
        return None;
    }
    let head = if i == j {
        format!("level {}", j + 1)
    } else {
        format!("level {} → {}", i + 1, j + 1)
    };
    let mut msg = Sentence::new()
        .text(format!("{head}, "))
        .append(who(names, b));
    if f.is_empty() {
        msg = msg.text(" moved");
    } else {
        msg = msg.text(": ").append(f.sentence());
    }
    Some(LevelChange {
        change: if f.fields.is_empty() {
            Kind::Moved
        } else {
            Kind::Changed
        },
        before: Some(level_out(names, i, b)),
        after: Some(level_out(names, j, a)),
        fields: f.fields,
        message: msg,
    })
}

// ---------------------------------------------------------------- coverage

/// `120h`, `7h 30m`: a share of a week reads better in hours than in days.
fn hours_of_week(m: usize) -> String {
    if m == 0 {
        return "0h".into();
    }
    let (h, min) = (m / 60, m % 60);
    if min == 0 {
        format!("{h}h")
    } else {
        format!("{h}h {min}m")
    }
}

fn percent(m: usize) -> String {
    let p = format!("{:.1}", m as f64 * 100.0 / MINUTES_PER_WEEK as f64);
    format!("{}%", p.strip_suffix(".0").unwrap_or(&p))
}

/// The minutes of the week some level answers, for tier-1/2 systems on both sides.
pub(super) fn coverage_changes(names: &Names) -> Vec<CoverageChange> {
    let mut out = Vec::new();
    for (id, a) in &names.new.systems {
        let Some(b) = names.old.systems.get(id) else {
            continue;
        };
        if !Tier(a.tier).is_critical() && !Tier(b.tier).is_critical() {
            continue;
        }
        if a.coverage == b.coverage {
            continue;
        }
        let spans = |m: &WeekMask| -> Vec<String> {
            m.spans().into_iter().map(WeekMask::describe_span).collect()
        };
        let uncovered = spans(&b.coverage.minus(&a.coverage));
        let covered = spans(&a.coverage.minus(&b.coverage));
        let (mb, ma) = (b.coverage.count(), a.coverage.count());
        let msg = Sentence::new().value(&a.id).text(format!(
            " (tier {}): answered {} of 168h a week ({}), was {} ({})",
            a.tier,
            hours_of_week(ma),
            percent(ma),
            hours_of_week(mb),
            percent(mb)
        ));
        let mut details: Vec<Sentence> = uncovered
            .iter()
            .map(|w| Sentence::new().value(w).text(" now uncovered"))
            .collect();
        details.extend(
            covered
                .iter()
                .map(|w| Sentence::new().value(w).text(" now covered")),
        );
        out.push(CoverageChange {
            system: a.id.clone(),
            tier: a.tier,
            line: Line {
                change: Kind::Changed,
                message: msg,
                details,
                attention: !uncovered.is_empty(),
            },
            minutes_before: mb,
            minutes_after: ma,
            minutes_per_week: MINUTES_PER_WEEK,
            uncovered,
            covered,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::compare::fixtures::{assert_one_line, level, mins, system, with};
    use super::*;

    fn ladder_of(levels: Vec<LevelSnap>) -> SystemSnap {
        let mut s = system("m");
        s.ladder = levels;
        s
    }

    /// A ladder before and after: its line and each level's detail.
    #[test]
    fn levels_added_removed_changed_and_moved() {
        let it = || level("it", 0);
        let msp = |after| level("msp", after);
        /// Old ladder, new ladder, the line, its details, whether it is flagged.
        type Case = (
            Vec<LevelSnap>,
            Vec<LevelSnap>,
            &'static str,
            &'static [&'static str],
            bool,
        );
        let cases: [Case; 6] = [
            (
                vec![it(), msp(30)],
                vec![it()],
                "m: 1 level, was 2; the last level is tried 0m after the first call, was 30m",
                &["level 2 removed: MSP, hours always, after 30m"],
                true,
            ),
            (
                vec![it()],
                vec![it(), msp(15)],
                "m: 2 levels, was 1; the last level is tried 15m after the first call, was 0m",
                &["level 2 added: MSP, hours always, after 15m"],
                false,
            ),
            (
                vec![it(), msp(30)],
                vec![it(), msp(60)],
                "m: 2 levels; the last level is tried 1h after the first call, was 30m",
                &["level 2, MSP: after 30m → 1h"],
                false,
            ),
            (
                vec![it(), msp(30)],
                vec![msp(30), it()],
                "m: 2 levels; the last level is tried 0m after the first call, was 30m; levels reordered",
                &["level 2 → 1, MSP moved", "level 1 → 2, IT moved"],
                false,
            ),
            (
                vec![it()],
                vec![LevelSnap {
                    contact: Some("Dana".into()),
                    respond_within: Some(mins(15)),
                    ..it()
                }],
                "m: 1 level",
                &["level 1, IT: contact none → Dana; respond within none → 15m"],
                false,
            ),
            (
                vec![it()],
                vec![LevelSnap {
                    hours_text: "mon-fri".into(),
                    ..it()
                }],
                "m: 1 level",
                &["level 1, IT: hours always → always (24x7 → mon-fri)"],
                false,
            ),
        ];
        for (before, after, want, details, attention) in cases {
            let (old, new) = (
                with(vec![ladder_of(before)], vec![]),
                with(vec![ladder_of(after)], vec![]),
            );
            let got = changes(&Names {
                old: &old,
                new: &new,
            });
            assert_one_line(&got, |c| &c.line, want, details, attention);
        }
    }

    #[test]
    fn a_moved_level_is_kind_moved_and_a_changed_one_lists_its_fields() {
        let old = with(
            vec![ladder_of(vec![level("it", 0), level("msp", 30)])],
            vec![],
        );
        let new = with(
            vec![ladder_of(vec![level("msp", 45), level("it", 0)])],
            vec![],
        );
        let got = changes(&Names {
            old: &old,
            new: &new,
        });
        let kinds: Vec<(Kind, Vec<&str>)> = got[0]
            .levels
            .iter()
            .map(|l| {
                (
                    l.change,
                    l.fields.iter().map(|f| f.field.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                (Kind::Changed, vec!["after_minutes"]),
                (Kind::Moved, vec![])
            ]
        );
    }

    #[test]
    fn coverage_of_tier_1_2_systems_only() {
        let always = crate::model::HoursSpec::Always.mask();
        let side = |tier: u8, coverage: &WeekMask| {
            let mut s = system("m");
            s.tier = tier;
            s.coverage = coverage.clone();
            with(vec![s], vec![])
        };
        let (old, new) = (side(2, &always), side(2, &WeekMask::default()));
        let got = coverage_changes(&Names {
            old: &old,
            new: &new,
        });
        assert_eq!(
            got[0].line.message.to_string(),
            "m (tier 2): answered 0h of 168h a week (0%), was 168h (100%)"
        );
        assert!(got[0].line.attention);
        assert_eq!(got[0].uncovered.len(), 1);
        let (old, new) = (side(3, &always), side(3, &WeekMask::default()));
        assert!(
            coverage_changes(&Names {
                old: &old,
                new: &new
            })
            .is_empty()
        );
    }
}
