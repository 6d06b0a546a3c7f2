//! Systems: added, removed, and what changed on one (name, tier, owner,
//! description, dependencies, SLAs). Its RACI and ladder are families of their own.

use super::changes::{Kind, Sentence, SystemChange};
use super::compare::{Fields, Names, by_key, field, gained_lost, human, line, minutes, plural};
use super::snapshot::SystemSnap;
use crate::model::{Duration, Tier};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// `m365 (**Microsoft 365**)`.
fn subject(s: &SystemSnap) -> Sentence {
    Sentence::new()
        .value(&s.id)
        .text(" (")
        .name(&s.name)
        .text(")")
}

pub(super) fn changes(names: &Names) -> Vec<SystemChange> {
    by_key(&names.old.systems, &names.new.systems)
        .filter_map(|(_, b, a)| match (b, a) {
            (None, Some(s)) => Some(added(names, s)),
            (Some(s), None) => Some(removed(names, s)),
            (Some(b), Some(a)) => changed(names, b, a),
            (None, None) => None,
        })
        .collect()
}

fn added(names: &Names, s: &SystemSnap) -> SystemChange {
    let levels = s.ladder.len();
    let msg = Sentence::new()
        .text("added ")
        .append(subject(s))
        .text(format!(", tier {}, owned by ", s.tier))
        .name(names.party(&s.owner))
        .text(format!(
            "; {} RACI row{}, {} escalation level{}",
            s.raci.len(),
            plural(s.raci.len()),
            levels,
            plural(levels)
        ));
    SystemChange {
        system: s.id.clone(),
        name: s.name.clone(),
        line: line(Kind::Added, msg),
        fields: vec![
            field("tier", Value::Null, s.tier),
            field("owner", Value::Null, json!(s.owner)),
        ],
    }
}

fn removed(names: &Names, s: &SystemSnap) -> SystemChange {
    let msg = Sentence::new()
        .text("removed ")
        .append(subject(s))
        .text(format!(", tier {}, owned by ", s.tier))
        .name(names.party(&s.owner));
    SystemChange {
        system: s.id.clone(),
        name: s.name.clone(),
        line: line(Kind::Removed, msg).attention(Tier(s.tier).is_critical()),
        fields: vec![
            field("tier", s.tier, Value::Null),
            field("owner", json!(s.owner), Value::Null),
        ],
    }
}

fn changed(names: &Names, b: &SystemSnap, a: &SystemSnap) -> Option<SystemChange> {
    let mut f = Fields::default();
    f.name(&b.name, &a.name);
    f.compare(
        "tier",
        &b.tier,
        &a.tier,
        |b, a| Sentence::new().text(format!("tier {b} → {a}")),
        |t| json!(t),
    );
    let owner_moved = f.compare(
        "owner",
        b.owner.as_str(),
        a.owner.as_str(),
        |b, a| {
            Sentence::new()
                .text("owner moved from ")
                .name(names.party(b))
                .text(" to ")
                .name(names.party(a))
        },
        |o| json!(o),
    );
    f.description(&b.description, &a.description);
    // Dependencies are a set: order and repeats in the file mean nothing.
    let (before, after) = (dependencies(b), dependencies(a));
    if before != after {
        for part in gained_lost(&before, &after, "now depends on ", "no longer depends on ") {
            f.say(part);
        }
        f.record("depends_on", json!(b.depends_on), json!(a.depends_on));
    }
    sla(&mut f, b, a);
    if f.is_empty() {
        return None;
    }
    Some(SystemChange {
        system: a.id.clone(),
        name: a.name.clone(),
        line: line(Kind::Changed, subject(a).text(": ").append(f.sentence()))
            .attention(owner_moved),
        fields: f.fields,
    })
}

/// Sorted, each once.
fn dependencies(s: &SystemSnap) -> Vec<&str> {
    let set: BTreeSet<&str> = s.depends_on.iter().map(String::as_str).collect();
    set.into_iter().collect()
}

type Sla = (Option<Duration>, Option<Duration>);

/// Each priority of either side, the new side's order first.
fn sla(f: &mut Fields, b: &SystemSnap, a: &SystemSnap) {
    let pairs = super::compare::in_new_order(&b.sla, &a.sla, |(p, _, _)| p.clone());
    for (x, y) in pairs {
        let Some((p, _, _)) = y.or(x) else {
            continue;
        };
        let times = |v: Option<&(String, Option<Duration>, Option<Duration>)>| -> Option<Sla> {
            v.map(|(_, r, s)| (*r, *s))
        };
        let (x, y) = (times(x), times(y));
        if x == y {
            continue;
        }
        let json = |v: Option<Sla>| match v {
            Some((r, s)) => json!({"respond_minutes": minutes(r), "resolve_minutes": minutes(s)}),
            None => Value::Null,
        };
        f.record(&format!("sla.{p}"), json(x), json(y));
        f.say(match (x, y) {
            (None, Some((r, s))) => Sentence::new().text(format!(
                "SLA {p} added: respond {}, resolve {}",
                human(r),
                human(s)
            )),
            (Some(_), None) => Sentence::new().text(format!("SLA {p} removed")),
            (Some((r0, s0)), Some((r1, s1))) => {
                let mut bits = Vec::new();
                if r0 != r1 {
                    bits.push(format!("respond {} → {}", human(r0), human(r1)));
                }
                if s0 != s1 {
                    bits.push(format!("resolve {} → {}", human(s0), human(s1)));
                }
                Sentence::new().text(format!("SLA {p} {}", bits.join(", ")))
            }
            (None, None) => continue,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::compare::fixtures::{assert_first_line, mins, system, with};
    use super::*;

    type Edit = fn(&mut SystemSnap);

    /// One system edited on the new side: the line the report prints.
    #[test]
    fn each_field_of_a_system_reads_as_one_part() {
        let cases: [(&str, Edit, Option<&str>, bool); 9] = [
            ("nothing", |_| {}, None, false),
            (
                "rename",
                |s| s.name = "Mail".into(),
                Some("m (Mail): renamed from M to Mail"),
                false,
            ),
            ("tier", |s| s.tier = 1, Some("m (M): tier 3 → 1"), false),
            (
                "owner",
                |s| s.owner = "msp".into(),
                Some("m (M): owner moved from IT to MSP"),
                true,
            ),
            (
                "description",
                |s| s.description = Some("x".into()),
                Some("m (M): description changed"),
                false,
            ),
            (
                "dependencies",
                |s| s.depends_on = vec!["z".into(), "a".into(), "a".into()],
                Some("m (M): now depends on a, z"),
                false,
            ),
            (
                "an SLA added",
                |s| s.sla = vec![("P1".into(), Some(mins(15)), None)],
                Some("m (M): SLA P1 added: respond 15m, resolve none"),
                false,
            ),
            ("the RACI alone", |s| s.raci.clear(), None, false),
            ("the ladder alone", |s| s.ladder.clear(), None, false),
        ];
        for (what, edit, want, attention) in cases {
            let old = with(vec![system("m")], vec![]);
            let mut m = system("m");
            edit(&mut m);
            let new = with(vec![m], vec![]);
            let got = changes(&Names {
                old: &old,
                new: &new,
            });
            if let Some(c) = assert_first_line(&got, |c| &c.line, want, attention, what) {
                assert_eq!(c.line.change, Kind::Changed, "{what}");
            }
        }
    }

    #[test]
    fn an_sla_changed_and_removed() {
        let mut b = system("m");
        b.sla = vec![
            ("P1".into(), Some(mins(15)), Some(mins(240))),
            ("P2".into(), Some(mins(60)), None),
        ];
        let mut a = system("m");
        a.sla = vec![("P1".into(), Some(mins(30)), Some(mins(240)))];
        let (old, new) = (with(vec![b], vec![]), with(vec![a], vec![]));
        let got = changes(&Names {
            old: &old,
            new: &new,
        });
        assert_eq!(
            got[0].line.message.to_string(),
            "m (M): SLA P1 respond 15m → 30m; SLA P2 removed"
        );
        let fields: Vec<&str> = got[0].fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["sla.P1", "sla.P2"]);
        assert_eq!(got[0].fields[1].after, Value::Null);
    }

    #[test]
    fn added_and_removed_systems_in_id_order() {
        let mut gone = system("a");
        gone.tier = 1;
        let old = with(vec![gone], vec![]);
        let new = with(vec![system("b")], vec![]);
        let got: Vec<(Kind, String, bool)> = changes(&Names {
            old: &old,
            new: &new,
        })
        .into_iter()
        .map(|c| (c.line.change, c.line.message.to_string(), c.line.attention))
        .collect();
        assert_eq!(
            got,
            vec![
                (
                    Kind::Removed,
                    "removed a (A), tier 1, owned by IT".into(),
                    true
                ),
                (
                    Kind::Added,
                    "added b (B), tier 3, owned by IT; 1 RACI row, 1 escalation level".into(),
                    false
                ),
            ]
        );
    }
}
