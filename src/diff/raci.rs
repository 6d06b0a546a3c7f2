//! RACI rows of the systems on both sides: a row added or removed, who became
//! accountable or responsible, who is consulted or informed now.

use super::changes::{BeforeAfter, Kind, RaciChange, Sentence};
use super::compare::{Names, in_new_order, line};
use super::snapshot::SystemSnap;
use std::collections::BTreeMap;

const LETTERS: [(char, &str); 4] = [
    ('R', "responsible"),
    ('A', "accountable"),
    ('C', "consulted"),
    ('I', "informed"),
];

fn has(letters: &str, c: char) -> bool {
    letters.contains(c)
}

/// Letters in R, A, C, I order, so `AR` and `RA` compare equal.
fn normal(letters: &str) -> String {
    let mut out: String = LETTERS
        .iter()
        .filter(|(c, _)| has(letters, *c))
        .map(|(c, _)| *c)
        .collect();
    // Anything else is a raci-bad-letter error; keep it visible, not equal.
    let other: String = letters
        .chars()
        .filter(|c| !LETTERS.iter().any(|(l, _)| l == c))
        .collect();
    out.push_str(&other);
    out
}

type Row = (String, Vec<(String, String)>);

pub(super) fn changes(names: &Names) -> Vec<RaciChange> {
    let mut out = Vec::new();
    for (id, a) in &names.new.systems {
        let Some(b) = names.old.systems.get(id) else {
            continue;
        };
        // Activities match case-insensitively, as the catalogue does.
        for (before, after) in in_new_order(&b.raci, &a.raci, |(k, _)| k.to_lowercase()) {
            if let Some(c) = row(names, a, before, after) {
                out.push(c);
            }
        }
    }
    out
}

/// The parties holding `letter` in a row.
fn with(cells: Option<&Row>, letter: char) -> Vec<String> {
    cells
        .map(|(_, c)| {
            c.iter()
                .filter(|(_, l)| has(l, letter))
                .map(|(p, _)| p.clone())
                .collect()
        })
        .unwrap_or_default()
}

fn cells_map(row: Option<&Row>) -> Option<indexmap::IndexMap<String, String>> {
    row.map(|(_, c)| c.iter().cloned().collect())
}

fn cells_text(names: &Names, row: &Row) -> Sentence {
    let parts = row
        .1
        .iter()
        .map(|(p, l)| Sentence::new().name(names.party(p)).text(" ").value(l))
        .collect();
    Sentence::join(parts, ", ")
}

fn party_list(names: &Names, ids: &[String]) -> Sentence {
    Sentence::join(
        ids.iter()
            .map(|p| Sentence::new().name(names.party(p)))
            .collect(),
        " and ",
    )
}

fn row(
    names: &Names,
    system: &SystemSnap,
    before: Option<&Row>,
    after: Option<&Row>,
) -> Option<RaciChange> {
    let activity = after.or(before).map(|(a, _)| a.clone())?;
    let subject = Sentence::new()
        .name(&activity)
        .text(" on ")
        .value(&system.id);
    let acc = BeforeAfter {
        before: with(before, 'A'),
        after: with(after, 'A'),
    };
    let resp = BeforeAfter {
        before: with(before, 'R'),
        after: with(after, 'R'),
    };
    let (kind, msg, attention) = match (before, after) {
        (None, Some(row)) => (
            Kind::Added,
            subject.text(": row added: ").append(cells_text(names, row)),
            false,
        ),
        (Some(row), None) => (
            Kind::Removed,
            subject
                .text(": row removed (was ")
                .append(cells_text(names, row))
                .text(")"),
            true,
        ),
        (Some(b), Some(a)) => {
            let norm = |r: &Row| -> BTreeMap<String, String> {
                r.1.iter().map(|(p, l)| (p.clone(), normal(l))).collect()
            };
            if norm(b) == norm(a) {
                return None;
            }
            let (parts, attention) = letters_changed(names, b, a, &acc, &resp);
            (
                Kind::Changed,
                subject.text(": ").append(Sentence::join(parts, "; ")),
                attention,
            )
        }
        (None, None) => return None,
    };
    Some(RaciChange {
        system: system.id.clone(),
        activity,
        line: line(kind, msg).attention(attention),
        before: cells_map(before),
        after: cells_map(after),
        accountable: acc,
        responsible: resp,
    })
}

/// The parts of a changed row: A and R moves, then C and I per party (in the
/// row's new order, then parties that left it); `true` when A moved.
fn letters_changed(
    names: &Names,
    b: &Row,
    a: &Row,
    acc: &BeforeAfter<Vec<String>>,
    resp: &BeforeAfter<Vec<String>>,
) -> (Vec<Sentence>, bool) {
    let mut parts = Vec::new();
    let mut attention = false;
    for (letter, word, set) in [('A', "accountable", acc), ('R', "responsible", resp)] {
        if set.before == set.after {
            continue;
        }
        if letter == 'A' {
            attention = true;
        }
        parts.push(moved(names, word, &set.before, &set.after));
    }
    for (cb, ca) in in_new_order(&b.1, &a.1, |(p, _)| p.clone()) {
        let Some((p, _)) = ca.or(cb) else {
            continue;
        };
        let letters = |c: Option<&(String, String)>| c.map(|(_, l)| l.clone()).unwrap_or_default();
        let (lb, la) = (letters(cb), letters(ca));
        let mut bits = Vec::new();
        for (c, word) in &LETTERS[2..] {
            match (has(&lb, *c), has(&la, *c)) {
                (false, true) => bits.push(format!("now {word}")),
                (true, false) => bits.push(format!("no longer {word}")),
                _ => {}
            }
        }
        let (ob, oa) = (normal(&lb), normal(&la));
        let odd = |s: &str| s.chars().any(|c| !"RACI".contains(c));
        if (odd(&ob) || odd(&oa)) && ob != oa {
            bits.push(format!("letters {} → {}", show(&lb), show(&la)));
        }
        if !bits.is_empty() {
            parts.push(
                Sentence::new()
                    .name(names.party(p))
                    .text(format!(" {}", bits.join(", "))),
            );
        }
    }
    if parts.is_empty() {
        parts.push(
            Sentence::new()
                .append(cells_text(names, b))
                .text(" → ")
                .append(cells_text(names, a)),
        );
    }
    (parts, attention)
}

fn show(letters: &str) -> String {
    if letters.is_empty() {
        "none".into()
    } else {
        letters.to_string()
    }
}

/// "accountable moved from X to Y", or who gained and lost the letter.
fn moved(names: &Names, word: &str, before: &[String], after: &[String]) -> Sentence {
    let gained: Vec<String> = after
        .iter()
        .filter(|p| !before.contains(p))
        .cloned()
        .collect();
    let lost: Vec<String> = before
        .iter()
        .filter(|p| !after.contains(p))
        .cloned()
        .collect();
    if gained.len() == 1 && lost.len() == 1 && before.len() == 1 && after.len() == 1 {
        return Sentence::new()
            .text(format!("{word} moved from "))
            .append(party_list(names, &lost))
            .text(" to ")
            .append(party_list(names, &gained));
    }
    let mut parts = Vec::new();
    if !gained.is_empty() {
        let nobody_was = if before.is_empty() {
            " (nobody was)"
        } else {
            ""
        };
        parts.push(party_list(names, &gained).text(format!(" now {word}{nobody_was}")));
    }
    if !lost.is_empty() {
        let nobody_is = if after.is_empty() {
            format!(": nobody is {word} now")
        } else {
            String::new()
        };
        parts.push(party_list(names, &lost).text(format!(" no longer {word}{nobody_is}")));
    }
    Sentence::join(parts, "; ")
}

#[cfg(test)]
mod tests {
    use super::super::compare::fixtures::{assert_first_line, system, with};
    use super::*;

    fn cells(cells: &[(&str, &str)]) -> Vec<(String, String)> {
        cells
            .iter()
            .map(|(p, l)| (p.to_string(), l.to_string()))
            .collect()
    }

    /// The `Patching` row of one system, before and after: the line printed.
    #[test]
    fn a_row_reads_as_who_gained_and_lost_each_letter() {
        let it_ra: &[(&str, &str)] = &[("it", "RA")];
        /// Old cells, new cells, the line (none when equal), whether it is flagged.
        type Cells = &'static [(&'static str, &'static str)];
        let cases: [(Cells, Cells, Option<&str>, bool); 9] = [
            (it_ra, &[("it", "AR")], None, false),
            (
                it_ra,
                &[("msp", "RA")],
                Some(
                    "Patching on m: accountable moved from IT to MSP; responsible moved from IT to MSP",
                ),
                true,
            ),
            (
                it_ra,
                &[("it", "A"), ("msp", "R")],
                Some("Patching on m: responsible moved from IT to MSP"),
                false,
            ),
            (
                it_ra,
                &[("it", "RA"), ("msp", "R")],
                Some("Patching on m: MSP now responsible"),
                false,
            ),
            (
                it_ra,
                &[("it", "R")],
                Some("Patching on m: IT no longer accountable: nobody is accountable now"),
                true,
            ),
            (
                &[("it", "R")],
                it_ra,
                Some("Patching on m: IT now accountable (nobody was)"),
                true,
            ),
            (
                it_ra,
                &[("it", "RA"), ("msp", "CI")],
                Some("Patching on m: MSP now consulted, now informed"),
                false,
            ),
            (
                &[("it", "RA"), ("msp", "C")],
                it_ra,
                Some("Patching on m: MSP no longer consulted"),
                false,
            ),
            (
                &[("it", "RAX")],
                &[("it", "RAY")],
                Some("Patching on m: IT letters RAX → RAY"),
                false,
            ),
        ];
        for (before, after, want, attention) in cases {
            let mut b = system("m");
            b.raci[0].1 = cells(before);
            let mut a = system("m");
            a.raci[0].1 = cells(after);
            let (old, new) = (with(vec![b], vec![]), with(vec![a], vec![]));
            let got = changes(&Names {
                old: &old,
                new: &new,
            });
            let what = format!("{before:?} → {after:?}");
            assert_first_line(&got, |c| &c.line, want, attention, &what);
        }
    }

    #[test]
    fn rows_added_and_removed_match_activities_without_case() {
        let b = system("m");
        let mut a = system("m");
        a.raci[0].0 = "PATCHING".into();
        a.raci.push(("Backups".into(), cells(&[("msp", "RA")])));
        let mut gone = system("m");
        gone.raci.clear();
        let (old, new) = (with(vec![b], vec![]), with(vec![a], vec![]));
        let got: Vec<(Kind, String)> = changes(&Names {
            old: &old,
            new: &new,
        })
        .into_iter()
        .map(|c| (c.line.change, c.line.message.to_string()))
        .collect();
        assert_eq!(
            got,
            vec![(Kind::Added, "Backups on m: row added: MSP RA".into())]
        );
        let new = with(vec![gone], vec![]);
        let got = changes(&Names {
            old: &old,
            new: &new,
        });
        assert_eq!(
            got[0].line.message.to_string(),
            "Patching on m: row removed (was IT RA)"
        );
        assert!(got[0].line.attention);
    }
}
