//! What every family of the diff shares: pairing the items of two sides, and
//! [`Fields`], the one way a field's change becomes both a sentence part and a
//! JSON before/after.

use super::changes::{FieldChange, Kind, Line, Sentence};
use super::snapshot::Snapshot;
use crate::model::Duration;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// Display names, the new side's first.
pub(super) struct Names<'a> {
    pub old: &'a Snapshot,
    pub new: &'a Snapshot,
}

impl Names<'_> {
    pub(super) fn party(&self, id: &str) -> String {
        self.new
            .party(id)
            .or_else(|| self.old.party(id))
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    }
}

pub(super) fn line(change: Kind, message: Sentence) -> Line {
    Line {
        change,
        message,
        details: Vec::new(),
        attention: false,
    }
}

impl Line {
    pub(super) fn attention(mut self, on: bool) -> Line {
        self.attention = on;
        self
    }
}

pub(super) fn field(name: &str, before: impl Into<Value>, after: impl Into<Value>) -> FieldChange {
    FieldChange {
        field: name.to_string(),
        before: before.into(),
        after: after.into(),
    }
}

pub(super) fn human(d: Option<Duration>) -> String {
    d.map_or_else(|| "none".to_string(), |d| d.human())
}

pub(super) fn minutes(d: Option<Duration>) -> Value {
    d.map_or(Value::Null, |d| json!(d.minutes()))
}

pub(super) fn opt(s: &Option<String>) -> Value {
    s.as_ref().map_or(Value::Null, |s| json!(s))
}

/// "`x` → `y`" with `none` for a missing side.
pub(super) fn from_to(before: Option<&str>, after: Option<&str>) -> Sentence {
    let v = |s: Option<&str>| match s {
        Some(s) => Sentence::new().value(s),
        None => Sentence::new().text("none"),
    };
    v(before).text(" → ").append(v(after))
}

/// `lead` then the items as values, comma-separated.
pub(super) fn values<'a>(lead: &str, items: impl Iterator<Item = &'a str>) -> Sentence {
    let mut s = Sentence::new().text(lead);
    for (i, v) in items.enumerate() {
        if i > 0 {
            s = s.text(", ");
        }
        s = s.value(v);
    }
    s
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Each key of either map once, in key order, with its item on each side.
pub(super) fn by_key<'a, K: Ord, V>(
    old: &'a BTreeMap<K, V>,
    new: &'a BTreeMap<K, V>,
) -> impl Iterator<Item = (&'a K, Option<&'a V>, Option<&'a V>)> {
    let keys: BTreeSet<&K> = old.keys().chain(new.keys()).collect();
    keys.into_iter().map(|k| (k, old.get(k), new.get(k)))
}

/// The items of two lists paired by `key`: the new list's order first, then
/// what only the old one has, in its order. The first item with a key stands
/// for its key.
pub(super) fn in_new_order<'a, T, K: PartialEq>(
    old: &'a [T],
    new: &'a [T],
    key: impl Fn(&T) -> K,
) -> Vec<(Option<&'a T>, Option<&'a T>)> {
    let mut keys: Vec<K> = Vec::new();
    for item in new.iter().chain(old) {
        let k = key(item);
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys.into_iter()
        .map(|k| {
            let find = |list: &'a [T]| list.iter().find(|x| key(x) == k);
            (find(old), find(new))
        })
        .collect()
}

/// What changed on one item, field by field: a part of its sentence and a
/// JSON before/after for each field that differs. Every family words its
/// "changed" line through this, so a field is reported the same way everywhere.
#[derive(Default)]
pub(super) struct Fields {
    pub parts: Vec<Sentence>,
    pub fields: Vec<FieldChange>,
}

impl Fields {
    /// When `before != after`: `say` words the change, `json` gives each side's
    /// value. Returns whether they differ.
    pub(super) fn compare<T: PartialEq + ?Sized>(
        &mut self,
        name: &str,
        before: &T,
        after: &T,
        say: impl FnOnce(&T, &T) -> Sentence,
        json: impl Fn(&T) -> Value,
    ) -> bool {
        if before == after {
            return false;
        }
        self.parts.push(say(before, after));
        self.fields.push(field(name, json(before), json(after)));
        true
    }

    /// An optional text: `label x → y`, `none` for a missing side.
    pub(super) fn text(
        &mut self,
        name: &str,
        label: &str,
        before: &Option<String>,
        after: &Option<String>,
    ) -> bool {
        self.compare(
            name,
            before,
            after,
            |b, a| {
                Sentence::new()
                    .text(format!("{label} "))
                    .append(from_to(b.as_deref(), a.as_deref()))
            },
            opt,
        )
    }

    /// A name: `renamed from **x** to **y**`.
    pub(super) fn name(&mut self, before: &str, after: &str) -> bool {
        self.compare(
            "name",
            before,
            after,
            |b, a| {
                Sentence::new()
                    .text("renamed from ")
                    .name(b)
                    .text(" to ")
                    .name(a)
            },
            |s| json!(s),
        )
    }

    /// A description, too long to quote: `description changed`.
    pub(super) fn description(&mut self, before: &Option<String>, after: &Option<String>) -> bool {
        self.compare(
            "description",
            before,
            after,
            |_, _| Sentence::new().text("description changed"),
            opt,
        )
    }

    /// A duration: `label 1h → 4h` (`none` when unset), minutes in JSON.
    pub(super) fn duration(
        &mut self,
        name: &str,
        label: &str,
        before: Option<Duration>,
        after: Option<Duration>,
    ) -> bool {
        self.compare(
            name,
            &before,
            &after,
            |b, a| Sentence::new().text(format!("{label} {} → {}", human(*b), human(*a))),
            |d| minutes(*d),
        )
    }

    /// Who sees the item: `now client-visible (was internal…)` and back; `true`
    /// in the result when it became client-visible (a reviewer looks twice).
    pub(super) fn audience(
        &mut self,
        before: crate::model::Audience,
        after: crate::model::Audience,
        internal: &str,
    ) -> bool {
        let now_client = after == crate::model::Audience::Client;
        let differs = self.compare(
            "audience",
            &before,
            &after,
            |_, _| {
                Sentence::new().text(if now_client {
                    format!("now client-visible (was {internal})")
                } else {
                    format!("now {internal} (was client-visible)")
                })
            },
            |a| json!(a.as_str()),
        );
        differs && now_client
    }

    /// A part with no field of its own (one field may word several parts).
    pub(super) fn say(&mut self, part: Sentence) {
        self.parts.push(part);
    }

    /// A field whose parts were said separately.
    pub(super) fn record(&mut self, name: &str, before: Value, after: Value) {
        self.fields.push(field(name, before, after));
    }

    pub(super) fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The parts as one sentence, `; `-joined.
    pub(super) fn sentence(&self) -> Sentence {
        Sentence::join(self.parts.clone(), "; ")
    }
}

/// `now for `a`, `b`` and `no longer for `c``: what `after` lists that `before`
/// does not and back, each in its list's order.
pub(super) fn gained_lost<'a>(
    before: &[&'a str],
    after: &[&'a str],
    now: &str,
    no_longer: &str,
) -> Vec<Sentence> {
    let gained: Vec<&str> = after
        .iter()
        .filter(|s| !before.contains(s))
        .copied()
        .collect();
    let lost: Vec<&str> = before
        .iter()
        .filter(|s| !after.contains(s))
        .copied()
        .collect();
    let mut parts = Vec::new();
    if !gained.is_empty() {
        parts.push(values(now, gained.into_iter()));
    }
    if !lost.is_empty() {
        parts.push(values(no_longer, lost.into_iter()));
    }
    parts
}

#[cfg(test)]
pub(super) mod fixtures {
    //! Snapshots written in a line, for the families' table-driven tests.
    use super::super::snapshot::*;
    use crate::model::{Audience, Duration, WeekMask};
    use std::collections::BTreeMap;

    /// One table row's expectation: the family wrote exactly one line, worded
    /// `want`, with these details and attention.
    pub(crate) fn assert_one_line<T>(
        got: &[T],
        line_of: impl Fn(&T) -> &super::super::changes::Line,
        want: &str,
        details: &[&str],
        attention: bool,
    ) {
        assert_eq!(got.len(), 1, "{want}");
        let line = line_of(&got[0]);
        assert_eq!(line.message.to_string(), want);
        let got_details: Vec<String> = line.details.iter().map(|d| d.to_string()).collect();
        assert_eq!(got_details, details, "{want}");
        assert_eq!(line.attention, attention, "{want}");
    }

    /// One table row's expectation of the first line a family wrote (none:
    /// it wrote nothing); `what` names the row in a failure.
    pub(crate) fn assert_first_line<'g, T>(
        got: &'g [T],
        line_of: impl Fn(&T) -> &super::super::changes::Line,
        want: Option<&str>,
        attention: bool,
        what: &str,
    ) -> Option<&'g T> {
        let first = got.first();
        let message = first.map(|c| line_of(c).message.to_string());
        assert_eq!(message.as_deref(), want, "{what}");
        if let Some(c) = first {
            assert_eq!(line_of(c).attention, attention, "{what}");
        }
        first
    }

    pub(crate) fn mins(m: u64) -> Duration {
        Duration::from_minutes(m)
    }

    pub(crate) fn empty() -> Snapshot {
        Snapshot {
            timezone: "UTC".into(),
            hours: BTreeMap::new(),
            systems: BTreeMap::new(),
            parties: vec![party("it", "IT"), party("msp", "MSP")],
            pages: BTreeMap::new(),
            diagnostics: Vec::new(),
            dated_until: 0,
        }
    }

    pub(crate) fn party(id: &str, name: &str) -> PartySnap {
        PartySnap {
            id: id.into(),
            name: name.into(),
            kind: "internal",
            description: None,
            hours: "always".into(),
            hours_text: "24x7".into(),
            contacts: Vec::new(),
        }
    }

    pub(crate) fn contact(name: &str) -> ContactSnap {
        ContactSnap {
            name: name.into(),
            role: None,
            email: None,
            phone: None,
            audience: Audience::Client,
        }
    }

    pub(crate) fn level(party: &str, after: u64) -> LevelSnap {
        LevelSnap {
            party: party.into(),
            contact: None,
            client_contact: None,
            hours: "always".into(),
            hours_text: "24x7".into(),
            after: mins(after),
            after_total: mins(after),
            respond_within: None,
        }
    }

    /// System `id`, tier 3, owned by `it`, one RACI row, a one-level ladder.
    pub(crate) fn system(id: &str) -> SystemSnap {
        SystemSnap {
            id: id.into(),
            name: id.to_uppercase(),
            tier: 3,
            description: None,
            owner: "it".into(),
            depends_on: Vec::new(),
            raci: vec![("Patching".into(), vec![("it".into(), "RA".into())])],
            ladder: vec![level("it", 0)],
            sla: Vec::new(),
            coverage: WeekMask::default(),
            dated: Vec::new(),
        }
    }

    pub(crate) fn page(rel: &str) -> PageSnap {
        PageSnap {
            rel: rel.into(),
            title: "T".into(),
            runbook: true,
            audience: Audience::Client,
            systems: Vec::new(),
            owner: None,
            last_reviewed: None,
            review_every: None,
            review_due: None,
            body_hash: 1,
        }
    }

    /// A snapshot holding `systems` and `pages`.
    pub(crate) fn with(systems: Vec<SystemSnap>, pages: Vec<PageSnap>) -> Snapshot {
        let mut s = empty();
        s.systems = systems.into_iter().map(|x| (x.id.clone(), x)).collect();
        s.pages = pages.into_iter().map(|p| (p.rel.clone(), p)).collect();
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_word_each_difference_once_and_record_its_json() {
        let mut f = Fields::default();
        assert!(!f.text("phone", "phone", &Some("1".into()), &Some("1".into())));
        assert!(f.text("phone", "phone", &None, &Some("2".into())));
        assert!(f.name("A", "B"));
        assert!(f.duration(
            "after_minutes",
            "after",
            Some(Duration::from_minutes(60)),
            None
        ));
        assert!(f.audience(
            crate::model::Audience::Internal,
            crate::model::Audience::Client,
            "internal"
        ));
        assert_eq!(
            f.sentence().to_string(),
            "phone none → 2; renamed from A to B; after 1h → none; now client-visible (was internal)"
        );
        let json: Vec<(String, Value, Value)> = f
            .fields
            .iter()
            .map(|c| (c.field.clone(), c.before.clone(), c.after.clone()))
            .collect();
        assert_eq!(
            json,
            vec![
                ("phone".into(), Value::Null, json!("2")),
                ("name".into(), json!("A"), json!("B")),
                ("after_minutes".into(), json!(60), Value::Null),
                ("audience".into(), json!("internal"), json!("client")),
            ]
        );
    }

    #[test]
    fn lists_pair_in_the_new_order_then_what_only_the_old_side_has() {
        let old = ["a", "b", "c"];
        let new = ["c", "d", "a"];
        let pairs: Vec<(Option<&&str>, Option<&&str>)> = in_new_order(&old, &new, |s| *s);
        let got: Vec<(Option<&str>, Option<&str>)> = pairs
            .into_iter()
            .map(|(b, a)| (b.copied(), a.copied()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some("c"), Some("c")),
                (None, Some("d")),
                (Some("a"), Some("a")),
                (Some("b"), None),
            ]
        );
    }

    #[test]
    fn gained_and_lost_keep_each_lists_order() {
        let cases: [(&[&str], &[&str], &str); 4] = [
            (&["a"], &["a"], ""),
            (&[], &["b", "a"], "now for b, a"),
            (&["a", "b"], &[], "no longer for a, b"),
            (&["a", "b"], &["c", "a"], "now for c; no longer for b"),
        ];
        for (before, after, want) in cases {
            let got = Sentence::join(
                gained_lost(before, after, "now for ", "no longer for "),
                "; ",
            );
            assert_eq!(got.to_string(), want, "{before:?} → {after:?}");
        }
    }
}
