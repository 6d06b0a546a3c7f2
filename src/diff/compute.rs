//! Two snapshots in, the typed change list out. Every sentence of the report is
//! worded here, once; printers only style it.

use super::changes::*;
use super::snapshot::{ContactSnap, LevelSnap, PageSnap, PartySnap, Snapshot, SystemSnap};
use crate::diag::Severity;
use crate::model::{Audience, Duration, MINUTES_PER_WEEK, Tier, WeekMask};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

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
        systems: system_changes(&names),
        raci: raci_changes(&names),
        ladders: ladder_changes(&names),
        coverage: coverage_changes(&names),
        parties: party_changes(old, new),
        contacts: contact_changes(old, new),
        runbooks: page_changes(&names),
        checks: check_changes(old, new),
    };
    diff.summary = summary(&diff);
    diff.changed = diff.all_lines().next().is_some()
        || !diff.checks.introduced.is_empty()
        || !diff.checks.fixed.is_empty();
    diff
}

/// Display names, the new side's first.
struct Names<'a> {
    old: &'a Snapshot,
    new: &'a Snapshot,
}

impl Names<'_> {
    fn party(&self, id: &str) -> String {
        self.new
            .party(id)
            .or_else(|| self.old.party(id))
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    }
}

fn line(change: Kind, message: Sentence) -> Line {
    Line {
        change,
        message,
        details: Vec::new(),
        attention: false,
    }
}

fn field(name: &str, before: impl Into<Value>, after: impl Into<Value>) -> FieldChange {
    FieldChange {
        field: name.to_string(),
        before: before.into(),
        after: after.into(),
    }
}

fn human(d: Option<Duration>) -> String {
    d.map_or_else(|| "none".to_string(), |d| d.human())
}

fn minutes(d: Option<Duration>) -> Value {
    d.map_or(Value::Null, |d| json!(d.minutes()))
}

fn opt(s: &Option<String>) -> Value {
    s.as_ref().map_or(Value::Null, |s| json!(s))
}

/// "`x` → `y`" with `none` for a missing side.
fn from_to(before: Option<&str>, after: Option<&str>) -> Sentence {
    let v = |s: Option<&str>| match s {
        Some(s) => Sentence::new().value(s),
        None => Sentence::new().text("none"),
    };
    v(before).text(" → ").append(v(after))
}

// ---------------------------------------------------------------- site

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
    let names: BTreeSet<&String> = old.hours.keys().chain(new.hours.keys()).collect();
    for name in names {
        let (b, a) = (old.hours.get(name), new.hours.get(name));
        if b == a {
            continue;
        }
        let (kind, msg) = match (b, a) {
            (None, Some(a)) => (
                Kind::Added,
                Sentence::new()
                    .text("hours ")
                    .value(name)
                    .text(" added: ")
                    .value(a),
            ),
            (Some(b), None) => (
                Kind::Removed,
                Sentence::new()
                    .text("hours ")
                    .value(name)
                    .text(" removed (was ")
                    .value(b)
                    .text(")"),
            ),
            _ => (
                Kind::Changed,
                Sentence::new()
                    .text("hours ")
                    .value(name)
                    .text(": ")
                    .append(from_to(b.map(String::as_str), a.map(String::as_str))),
            ),
        };
        out.push(SiteChange {
            line: line(kind, msg),
            fields: vec![field(&format!("hours.{name}"), json!(b), json!(a))],
        });
    }
    out
}

// ---------------------------------------------------------------- systems

fn system_subject(s: &SystemSnap) -> Sentence {
    Sentence::new()
        .value(&s.id)
        .text(" (")
        .name(&s.name)
        .text(")")
}

fn system_changes(names: &Names) -> Vec<SystemChange> {
    let (old, new) = (names.old, names.new);
    let ids: BTreeSet<&String> = old.systems.keys().chain(new.systems.keys()).collect();
    let mut out = Vec::new();
    for id in ids {
        match (old.systems.get(id), new.systems.get(id)) {
            (None, Some(s)) => {
                let mut msg = Sentence::new()
                    .text("added ")
                    .append(system_subject(s))
                    .text(format!(", tier {}, owned by ", s.tier))
                    .name(names.party(&s.owner));
                let levels = s.ladder.len();
                msg = msg.text(format!(
                    "; {} RACI row{}, {} escalation level{}",
                    s.raci.len(),
                    plural(s.raci.len()),
                    levels,
                    plural(levels)
                ));
                out.push(SystemChange {
                    system: s.id.clone(),
                    name: s.name.clone(),
                    line: line(Kind::Added, msg),
                    fields: vec![
                        field("tier", Value::Null, s.tier),
                        field("owner", Value::Null, json!(s.owner)),
                    ],
                });
            }
            (Some(s), None) => out.push(SystemChange {
                system: s.id.clone(),
                name: s.name.clone(),
                line: line(
                    Kind::Removed,
                    Sentence::new()
                        .text("removed ")
                        .append(system_subject(s))
                        .text(format!(", tier {}, owned by ", s.tier))
                        .name(names.party(&s.owner)),
                )
                .attention(Tier(s.tier).is_critical()),
                fields: vec![
                    field("tier", s.tier, Value::Null),
                    field("owner", json!(s.owner), Value::Null),
                ],
            }),
            (Some(b), Some(a)) => {
                if let Some(c) = system_changed(names, b, a) {
                    out.push(c);
                }
            }
            (None, None) => {}
        }
    }
    out
}

fn system_changed(names: &Names, b: &SystemSnap, a: &SystemSnap) -> Option<SystemChange> {
    let mut parts = Vec::new();
    let mut fields = Vec::new();
    let mut attention = false;
    if b.name != a.name {
        parts.push(
            Sentence::new()
                .text("renamed from ")
                .name(&b.name)
                .text(" to ")
                .name(&a.name),
        );
        fields.push(field("name", json!(b.name), json!(a.name)));
    }
    if b.tier != a.tier {
        parts.push(Sentence::new().text(format!("tier {} → {}", b.tier, a.tier)));
        fields.push(field("tier", b.tier, a.tier));
    }
    if b.owner != a.owner {
        parts.push(
            Sentence::new()
                .text("owner moved from ")
                .name(names.party(&b.owner))
                .text(" to ")
                .name(names.party(&a.owner)),
        );
        fields.push(field("owner", json!(b.owner), json!(a.owner)));
        attention = true;
    }
    if b.description != a.description {
        parts.push(Sentence::new().text("description changed"));
        fields.push(field(
            "description",
            opt(&b.description),
            opt(&a.description),
        ));
    }
    let before: BTreeSet<&String> = b.depends_on.iter().collect();
    let after: BTreeSet<&String> = a.depends_on.iter().collect();
    if before != after {
        let gained: Vec<&&String> = after.difference(&before).collect();
        let lost: Vec<&&String> = before.difference(&after).collect();
        if !gained.is_empty() {
            parts.push(values("now depends on ", gained.iter().map(|s| s.as_str())));
        }
        if !lost.is_empty() {
            parts.push(values(
                "no longer depends on ",
                lost.iter().map(|s| s.as_str()),
            ));
        }
        fields.push(field(
            "depends_on",
            json!(b.depends_on),
            json!(a.depends_on),
        ));
    }
    let prios: Vec<&String> = {
        let mut v: Vec<&String> = a.sla.iter().map(|(p, _, _)| p).collect();
        for (p, _, _) in &b.sla {
            if !v.contains(&p) {
                v.push(p);
            }
        }
        v
    };
    for p in prios {
        let find = |s: &SystemSnap| {
            s.sla
                .iter()
                .find(|(q, _, _)| q == p)
                .map(|(_, r, s)| (*r, *s))
        };
        let (x, y) = (find(b), find(a));
        if x == y {
            continue;
        }
        let sla = |v: Option<(Option<Duration>, Option<Duration>)>| match v {
            Some((r, s)) => json!({"respond_minutes": minutes(r), "resolve_minutes": minutes(s)}),
            None => Value::Null,
        };
        fields.push(field(&format!("sla.{p}"), sla(x), sla(y)));
        match (x, y) {
            (None, Some((r, s))) => parts.push(Sentence::new().text(format!(
                "SLA {p} added: respond {}, resolve {}",
                human(r),
                human(s)
            ))),
            (Some(_), None) => parts.push(Sentence::new().text(format!("SLA {p} removed"))),
            (Some((r0, s0)), Some((r1, s1))) => {
                let mut bits = Vec::new();
                if r0 != r1 {
                    bits.push(format!("respond {} → {}", human(r0), human(r1)));
                }
                if s0 != s1 {
                    bits.push(format!("resolve {} → {}", human(s0), human(s1)));
                }
                parts.push(Sentence::new().text(format!("SLA {p} {}", bits.join(", "))));
            }
            (None, None) => {}
        }
    }
    if parts.is_empty() {
        return None;
    }
    let msg = system_subject(a)
        .text(": ")
        .append(Sentence::join(parts, "; "));
    Some(SystemChange {
        system: a.id.clone(),
        name: a.name.clone(),
        line: line(Kind::Changed, msg).attention(attention),
        fields,
    })
}

fn values<'a>(lead: &str, items: impl Iterator<Item = &'a str>) -> Sentence {
    let mut s = Sentence::new().text(lead);
    for (i, v) in items.enumerate() {
        if i > 0 {
            s = s.text(", ");
        }
        s = s.value(v);
    }
    s
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

// ---------------------------------------------------------------- RACI

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

fn raci_changes(names: &Names) -> Vec<RaciChange> {
    let mut out = Vec::new();
    for (id, a) in &names.new.systems {
        let Some(b) = names.old.systems.get(id) else {
            continue;
        };
        // Activities match case-insensitively, as the catalogue does.
        let key = |s: &str| s.to_lowercase();
        let mut order: Vec<String> = a.raci.iter().map(|(k, _)| key(k)).collect();
        for (k, _) in &b.raci {
            if !order.contains(&key(k)) {
                order.push(key(k));
            }
        }
        for k in order {
            let before = b.raci.iter().find(|(x, _)| key(x) == k);
            let after = a.raci.iter().find(|(x, _)| key(x) == k);
            if let Some(c) = raci_row(names, a, before, after) {
                out.push(c);
            }
        }
    }
    out
}

type Row = (String, Vec<(String, String)>);

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

fn raci_row(
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
            let mut parts = Vec::new();
            let mut attention = false;
            for (letter, word, set) in [('A', "accountable", &acc), ('R', "responsible", &resp)] {
                if set.before == set.after {
                    continue;
                }
                if letter == 'A' {
                    attention = true;
                }
                parts.push(moved(names, word, &set.before, &set.after));
            }
            // C and I per party, in the row's new order, then parties that left it.
            let mut parties: Vec<&String> = a.1.iter().map(|(p, _)| p).collect();
            for (p, _) in &b.1 {
                if !parties.contains(&p) {
                    parties.push(p);
                }
            }
            for p in parties {
                let get = |r: &Row| {
                    r.1.iter()
                        .find(|(q, _)| q == p)
                        .map(|(_, l)| l.clone())
                        .unwrap_or_default()
                };
                let (lb, la) = (get(b), get(a));
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
        parts.push(party_list(names, &gained).text(format!(
            " now {word}{}",
            if before.is_empty() {
                " (nobody was)"
            } else {
                ""
            }
        )));
    }
    if !lost.is_empty() {
        parts.push(party_list(names, &lost).text(format!(
            " no longer {word}{}",
            if after.is_empty() {
                format!(": nobody is {word} now")
            } else {
                String::new()
            }
        )));
    }
    Sentence::join(parts, "; ")
}

// ---------------------------------------------------------------- ladders

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

fn ladder_changes(names: &Names) -> Vec<LadderChange> {
    let mut out = Vec::new();
    for (id, a) in &names.new.systems {
        let Some(b) = names.old.systems.get(id) else {
            continue;
        };
        if b.ladder == a.ladder {
            continue;
        }
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
        let mut news: Vec<usize> = pairs.iter().map(|&(_, j)| j).collect();
        let reordered = news.windows(2).any(|w| w[0] > w[1]);
        news.sort();
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
                    if let Some(c) = level_changed(names, i, &b.ladder[i], j, l, reordered) {
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
        out.push(LadderChange {
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
        });
    }
    out
}

fn level_changed(
    names: &Names,
    i: usize,
    b: &LevelSnap,
    j: usize,
    a: &LevelSnap,
    reordered: bool,
) -> Option<LevelChange> {
    let mut parts = Vec::new();
    let mut fields = Vec::new();
    if b.contact != a.contact {
        parts.push(
            Sentence::new()
                .text("contact ")
                .append(from_to(b.contact.as_deref(), a.contact.as_deref())),
        );
        fields.push(field("contact", opt(&b.contact), opt(&a.contact)));
    }
    if b.client_contact != a.client_contact {
        parts.push(Sentence::new().text("client contact ").append(from_to(
            b.client_contact.as_deref(),
            a.client_contact.as_deref(),
        )));
        fields.push(field(
            "client_contact",
            opt(&b.client_contact),
            opt(&a.client_contact),
        ));
    }
    if b.hours != a.hours || b.hours_text != a.hours_text {
        let mut s = Sentence::new()
            .text("hours ")
            .append(from_to(Some(&b.hours), Some(&a.hours)));
        if b.hours == a.hours {
            s = s
                .text(" (")
                .value(&b.hours_text)
                .text(" → ")
                .value(&a.hours_text)
                .text(")");
        }
        parts.push(s);
        fields.push(field("hours", json!(b.hours), json!(a.hours)));
    }
    if b.after != a.after {
        parts.push(Sentence::new().text(format!(
            "after {} → {}",
            b.after.human(),
            a.after.human()
        )));
        fields.push(field("after_minutes", b.after.minutes(), a.after.minutes()));
    }
    if b.respond_within != a.respond_within {
        parts.push(Sentence::new().text(format!(
            "respond within {} → {}",
            human(b.respond_within),
            human(a.respond_within)
        )));
        fields.push(field(
            "respond_within_minutes",
            minutes(b.respond_within),
            minutes(a.respond_within),
        ));
    }
    // A level that only shifted because one above it went is not a change of its own.
    let moved = reordered && i != j;
    if parts.is_empty() && !moved {
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
    if parts.is_empty() {
        msg = msg.text(" moved");
    } else {
        msg = msg.text(": ").append(Sentence::join(parts, "; "));
    }
    Some(LevelChange {
        change: if fields.is_empty() {
            Kind::Moved
        } else {
            Kind::Changed
        },
        before: Some(level_out(names, i, b)),
        after: Some(level_out(names, j, a)),
        fields,
        message: msg,
    })
}

// ---------------------------------------------------------------- coverage

fn hours_of_week(m: usize) -> String {
    let d = Duration::from_minutes(m as u64);
    if m == 0 {
        "0h".into()
    } else {
        // `120h` reads better than `5d` for a share of a week.
        let (h, min) = (d.minutes() / 60, d.minutes() % 60);
        if min == 0 {
            format!("{h}h")
        } else {
            format!("{h}h {min}m")
        }
    }
}

fn percent(m: usize) -> String {
    let p = format!("{:.1}", m as f64 * 100.0 / MINUTES_PER_WEEK as f64);
    format!("{}%", p.strip_suffix(".0").unwrap_or(&p))
}

fn coverage_changes(names: &Names) -> Vec<CoverageChange> {
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

// ---------------------------------------------------------------- parties

fn party_changes(old: &Snapshot, new: &Snapshot) -> Vec<PartyChange> {
    let mut out = Vec::new();
    let subject = |p: &PartySnap| {
        Sentence::new()
            .name(&p.name)
            .text(" (")
            .value(&p.id)
            .text(")")
    };
    for a in &new.parties {
        match old.party(&a.id) {
            None => out.push(PartyChange {
                party: a.id.clone(),
                name: a.name.clone(),
                line: line(
                    Kind::Added,
                    Sentence::new()
                        .text("added ")
                        .append(subject(a))
                        .text(format!(", {}, hours ", a.kind))
                        .value(&a.hours)
                        .text(format!(
                            ", {} contact{}",
                            a.contacts.len(),
                            plural(a.contacts.len())
                        )),
                ),
                fields: Vec::new(),
            }),
            Some(b) => {
                let mut parts = Vec::new();
                let mut fields = Vec::new();
                if b.name != a.name {
                    parts.push(
                        Sentence::new()
                            .text("renamed from ")
                            .name(&b.name)
                            .text(" to ")
                            .name(&a.name),
                    );
                    fields.push(field("name", json!(b.name), json!(a.name)));
                }
                if b.kind != a.kind {
                    parts.push(Sentence::new().text(format!("kind {} → {}", b.kind, a.kind)));
                    fields.push(field("kind", b.kind, a.kind));
                }
                if b.hours != a.hours || b.hours_text != a.hours_text {
                    parts.push(
                        Sentence::new()
                            .text("hours ")
                            .append(from_to(Some(&b.hours), Some(&a.hours)))
                            .text(" (")
                            .value(&a.hours_text)
                            .text(")"),
                    );
                    fields.push(field("hours", json!(b.hours), json!(a.hours)));
                }
                if b.description != a.description {
                    parts.push(Sentence::new().text("description changed"));
                    fields.push(field(
                        "description",
                        opt(&b.description),
                        opt(&a.description),
                    ));
                }
                if !parts.is_empty() {
                    out.push(PartyChange {
                        party: a.id.clone(),
                        name: a.name.clone(),
                        line: line(
                            Kind::Changed,
                            subject(a).text(": ").append(Sentence::join(parts, "; ")),
                        ),
                        fields,
                    });
                }
            }
        }
    }
    for b in &old.parties {
        if new.party(&b.id).is_none() {
            out.push(PartyChange {
                party: b.id.clone(),
                name: b.name.clone(),
                line: line(
                    Kind::Removed,
                    Sentence::new().text("removed ").append(subject(b)),
                ),
                fields: Vec::new(),
            });
        }
    }
    out
}

fn contact_text(c: &ContactSnap) -> Sentence {
    let mut parts = Vec::new();
    if let Some(r) = &c.role {
        parts.push(Sentence::new().text(r.clone()));
    }
    if let Some(p) = &c.phone {
        parts.push(Sentence::new().text("phone ").value(p));
    }
    if let Some(e) = &c.email {
        parts.push(Sentence::new().text("email ").value(e));
    }
    if c.audience == Audience::Internal {
        parts.push(Sentence::new().text("internal only"));
    }
    Sentence::join(parts, ", ")
}

fn contact_changes(old: &Snapshot, new: &Snapshot) -> Vec<ContactChange> {
    let mut out = Vec::new();
    let mut ids: Vec<&str> = new.parties.iter().map(|p| p.id.as_str()).collect();
    for p in &old.parties {
        if !ids.contains(&p.id.as_str()) {
            ids.push(&p.id);
        }
    }
    for id in ids {
        let (pb, pa) = (old.party(id), new.party(id));
        // A whole party added or removed is one line of its own.
        let (Some(pb), Some(pa)) = (pb, pa) else {
            continue;
        };
        let subject = |c: &ContactSnap| Sentence::new().name(&pa.name).text(" › ").name(&c.name);
        for a in &pa.contacts {
            let Some(b) = pb.contacts.iter().find(|c| c.name == a.name) else {
                let desc = contact_text(a);
                let mut msg = Sentence::new().text("added ").append(subject(a));
                if !desc.is_empty() {
                    msg = msg.text(": ").append(desc);
                }
                out.push(ContactChange {
                    party: id.to_string(),
                    contact: a.name.clone(),
                    line: line(Kind::Added, msg),
                    fields: Vec::new(),
                });
                continue;
            };
            if a == b {
                continue;
            }
            let mut parts = Vec::new();
            let mut fields = Vec::new();
            for (name, x, y) in [
                ("role", &b.role, &a.role),
                ("phone", &b.phone, &a.phone),
                ("email", &b.email, &a.email),
            ] {
                if x != y {
                    parts.push(
                        Sentence::new()
                            .text(format!("{name} "))
                            .append(from_to(x.as_deref(), y.as_deref())),
                    );
                    fields.push(field(name, opt(x), opt(y)));
                }
            }
            let mut attention = false;
            if a.audience != b.audience {
                attention = a.audience == Audience::Client;
                parts.push(Sentence::new().text(if attention {
                    "now client-visible (was internal only)"
                } else {
                    "now internal only (was client-visible)"
                }));
                fields.push(field("audience", b.audience.as_str(), a.audience.as_str()));
            }
            out.push(ContactChange {
                party: id.to_string(),
                contact: a.name.clone(),
                line: line(
                    Kind::Changed,
                    subject(a).text(": ").append(Sentence::join(parts, "; ")),
                )
                .attention(attention),
                fields,
            });
        }
        for b in &pb.contacts {
            if !pa.contacts.iter().any(|c| c.name == b.name) {
                out.push(ContactChange {
                    party: id.to_string(),
                    contact: b.name.clone(),
                    line: line(
                        Kind::Removed,
                        Sentence::new().text("removed ").append(subject(b)),
                    ),
                    fields: Vec::new(),
                });
            }
        }
    }
    out
}

// ---------------------------------------------------------------- pages

fn page_changes(names: &Names) -> Vec<PageChange> {
    let (old, new) = (names.old, names.new);
    let removed: Vec<&PageSnap> = old
        .pages
        .values()
        .filter(|p| !new.pages.contains_key(&p.rel))
        .collect();
    let added: Vec<&PageSnap> = new
        .pages
        .values()
        .filter(|p| !old.pages.contains_key(&p.rel))
        .collect();
    // A move: a removed page and an added one with the same text, or else the same title and systems.
    let mut moved: HashMap<&str, &PageSnap> = HashMap::new();
    let mut taken: BTreeSet<&str> = BTreeSet::new();
    let passes: [fn(&PageSnap, &PageSnap) -> bool; 2] = [
        |x, y| x.body_hash == y.body_hash,
        |x, y| x.title == y.title && x.systems == y.systems,
    ];
    for same in passes {
        for a in &added {
            if moved.contains_key(a.rel.as_str()) {
                continue;
            }
            if let Some(b) = removed
                .iter()
                .find(|b| !taken.contains(b.rel.as_str()) && same(b, a))
            {
                taken.insert(&b.rel);
                moved.insert(&a.rel, b);
            }
        }
    }

    let mut out = Vec::new();
    let rels: BTreeSet<&String> = old.pages.keys().chain(new.pages.keys()).collect();
    for rel in rels {
        let page = |p: &PageSnap| {
            Sentence::new()
                .value(&p.rel)
                .text(" (")
                .name(&p.title)
                .text(")")
        };
        match (old.pages.get(rel), new.pages.get(rel)) {
            (None, Some(a)) => {
                if let Some(b) = moved.get(a.rel.as_str()) {
                    let (parts, fields, attention) = page_fields(b, a);
                    let mut msg = Sentence::new()
                        .text("moved ")
                        .value(&b.rel)
                        .text(" → ")
                        .append(page(a));
                    if !parts.is_empty() {
                        msg = msg.text(": ").append(Sentence::join(parts, "; "));
                    }
                    out.push(PageChange {
                        page: a.rel.clone(),
                        from: Some(b.rel.clone()),
                        title: a.title.clone(),
                        runbook: a.runbook,
                        line: line(Kind::Moved, msg).attention(attention),
                        fields,
                    });
                    continue;
                }
                let mut msg = Sentence::new().text("added ").append(page(a));
                if !a.systems.is_empty() {
                    msg = msg.append(values(", for ", a.systems.iter().map(String::as_str)));
                }
                let client = a.audience == Audience::Client;
                msg = msg.text(if client {
                    ", client-visible"
                } else {
                    ", internal"
                });
                out.push(PageChange {
                    page: a.rel.clone(),
                    from: None,
                    title: a.title.clone(),
                    runbook: a.runbook,
                    line: line(Kind::Added, msg),
                    fields: vec![field("audience", Value::Null, a.audience.as_str())],
                });
            }
            (Some(b), None) => {
                if taken.contains(b.rel.as_str()) {
                    continue;
                }
                out.push(PageChange {
                    page: b.rel.clone(),
                    from: None,
                    title: b.title.clone(),
                    runbook: b.runbook,
                    line: line(
                        Kind::Removed,
                        Sentence::new().text("removed ").append(page(b)),
                    ),
                    fields: Vec::new(),
                });
            }
            (Some(b), Some(a)) => {
                let (parts, fields, attention) = page_fields(b, a);
                if parts.is_empty() {
                    continue;
                }
                out.push(PageChange {
                    page: a.rel.clone(),
                    from: None,
                    title: a.title.clone(),
                    runbook: a.runbook,
                    line: line(
                        Kind::Changed,
                        page(a).text(": ").append(Sentence::join(parts, "; ")),
                    )
                    .attention(attention),
                    fields,
                });
            }
            (None, None) => {}
        }
    }
    out
}

/// What changed on a page other than its text; `true` when it became client-visible.
fn page_fields(b: &PageSnap, a: &PageSnap) -> (Vec<Sentence>, Vec<FieldChange>, bool) {
    let mut parts = Vec::new();
    let mut fields = Vec::new();
    let mut attention = false;
    if b.audience != a.audience {
        attention = a.audience == Audience::Client;
        parts.push(Sentence::new().text(if attention {
            "now client-visible (was internal)"
        } else {
            "now internal (was client-visible)"
        }));
        fields.push(field("audience", b.audience.as_str(), a.audience.as_str()));
    }
    if b.title != a.title {
        parts.push(Sentence::new().text("title was ").name(&b.title));
        fields.push(field("title", json!(b.title), json!(a.title)));
    }
    if b.systems != a.systems {
        let gained: Vec<&str> = a
            .systems
            .iter()
            .filter(|s| !b.systems.contains(s))
            .map(String::as_str)
            .collect();
        let lost: Vec<&str> = b
            .systems
            .iter()
            .filter(|s| !a.systems.contains(s))
            .map(String::as_str)
            .collect();
        if !gained.is_empty() {
            parts.push(values("now for ", gained.into_iter()));
        }
        if !lost.is_empty() {
            parts.push(values("no longer for ", lost.into_iter()));
        }
        fields.push(field("systems", json!(b.systems), json!(a.systems)));
    }
    if b.owner != a.owner {
        parts.push(
            Sentence::new()
                .text("owner ")
                .append(from_to(b.owner.as_deref(), a.owner.as_deref())),
        );
        fields.push(field("owner", opt(&b.owner), opt(&a.owner)));
    }
    if b.last_reviewed != a.last_reviewed {
        parts.push(Sentence::new().text("last reviewed ").append(from_to(
            b.last_reviewed.as_deref(),
            a.last_reviewed.as_deref(),
        )));
        fields.push(field(
            "last_reviewed",
            opt(&b.last_reviewed),
            opt(&a.last_reviewed),
        ));
    }
    if b.review_every != a.review_every {
        parts.push(Sentence::new().text(format!(
            "review every {} → {}",
            human(b.review_every),
            human(a.review_every)
        )));
        fields.push(field(
            "review_every_minutes",
            minutes(b.review_every),
            minutes(a.review_every),
        ));
    }
    if b.review_due != a.review_due {
        parts.push(
            Sentence::new()
                .text("next review due ")
                .append(from_to(b.review_due.as_deref(), a.review_due.as_deref())),
        );
        fields.push(field("review_due", opt(&b.review_due), opt(&a.review_due)));
    }
    (parts, fields, attention)
}

// ---------------------------------------------------------------- checks

type ProblemKey<'a> = (Severity, crate::diag::Code, &'a str, &'a str);

fn problem_key(d: &crate::diag::Diagnostic) -> ProblemKey<'_> {
    (d.severity, d.code, &d.file, &d.message)
}

/// Problems on one side and not the other, as multisets (two equal warnings stay two).
fn check_changes(old: &Snapshot, new: &Snapshot) -> CheckChanges {
    fn count(ds: &[crate::diag::Diagnostic]) -> HashMap<ProblemKey<'_>, usize> {
        let mut m = HashMap::new();
        for d in ds {
            *m.entry(problem_key(d)).or_default() += 1;
        }
        m
    }
    let (mut cb, mut ca) = (count(&old.diagnostics), count(&new.diagnostics));
    let mut out = CheckChanges::default();
    for d in &new.diagnostics {
        match cb.get_mut(&problem_key(d)) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.introduced.push(d.into()),
        }
    }
    for d in &old.diagnostics {
        match ca.get_mut(&problem_key(d)) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.fixed.push(d.into()),
        }
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

impl Line {
    fn attention(mut self, on: bool) -> Line {
        self.attention = on;
        self
    }
}
