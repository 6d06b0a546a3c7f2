//! Parties and their contacts, as the audience sees them: added, removed,
//! renamed, new hours, a phone number changed, a contact made client-visible.

use super::changes::{ContactChange, Kind, PartyChange, Sentence};
use super::compare::{Fields, in_new_order, line, plural};
use super::snapshot::{ContactSnap, PartySnap, Snapshot};
use crate::model::Audience;
use serde_json::json;

/// `**Bright MSP** (`bright`)`.
fn subject(p: &PartySnap) -> Sentence {
    Sentence::new()
        .name(&p.name)
        .text(" (")
        .value(&p.id)
        .text(")")
}

pub(super) fn changes(old: &Snapshot, new: &Snapshot) -> Vec<PartyChange> {
    in_new_order(&old.parties, &new.parties, |p| p.id.clone())
        .into_iter()
        .filter_map(|pair| match pair {
            (None, Some(a)) => Some(PartyChange {
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
            (Some(b), None) => Some(PartyChange {
                party: b.id.clone(),
                name: b.name.clone(),
                line: line(
                    Kind::Removed,
                    Sentence::new().text("removed ").append(subject(b)),
                ),
                fields: Vec::new(),
            }),
            (Some(b), Some(a)) => changed(b, a),
            (None, None) => None,
        })
        .collect()
}

fn changed(b: &PartySnap, a: &PartySnap) -> Option<PartyChange> {
    let mut f = Fields::default();
    f.name(&b.name, &a.name);
    f.compare(
        "kind",
        b.kind,
        a.kind,
        |b, a| Sentence::new().text(format!("kind {b} → {a}")),
        |k| json!(k),
    );
    f.compare(
        "hours",
        &(&b.hours, &b.hours_text),
        &(&a.hours, &a.hours_text),
        |(bh, _), (ah, at)| {
            Sentence::new()
                .text("hours ")
                .append(super::compare::from_to(Some(bh), Some(ah)))
                .text(" (")
                .value(*at)
                .text(")")
        },
        |(h, _)| json!(h),
    );
    f.description(&b.description, &a.description);
    if f.is_empty() {
        return None;
    }
    Some(PartyChange {
        party: a.id.clone(),
        name: a.name.clone(),
        line: line(Kind::Changed, subject(a).text(": ").append(f.sentence())),
        fields: f.fields,
    })
}

/// `IT Manager, phone `+1 555 0100`, email `dana@…``.
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

/// Contacts of the parties on both sides (a party added or removed is one
/// line of its own).
pub(super) fn contact_changes(old: &Snapshot, new: &Snapshot) -> Vec<ContactChange> {
    let mut out = Vec::new();
    for (pb, pa) in in_new_order(&old.parties, &new.parties, |p| p.id.clone()) {
        let (Some(pb), Some(pa)) = (pb, pa) else {
            continue;
        };
        let subject = |c: &ContactSnap| Sentence::new().name(&pa.name).text(" › ").name(&c.name);
        let change = |c: &ContactSnap, line| ContactChange {
            party: pa.id.clone(),
            contact: c.name.clone(),
            line,
            fields: Vec::new(),
        };
        for pair in in_new_order(&pb.contacts, &pa.contacts, |c| c.name.clone()) {
            match pair {
                (None, Some(a)) => {
                    let desc = contact_text(a);
                    let mut msg = Sentence::new().text("added ").append(subject(a));
                    if !desc.is_empty() {
                        msg = msg.text(": ").append(desc);
                    }
                    out.push(change(a, line(Kind::Added, msg)));
                }
                (Some(b), None) => out.push(change(
                    b,
                    line(
                        Kind::Removed,
                        Sentence::new().text("removed ").append(subject(b)),
                    ),
                )),
                (Some(b), Some(a)) => {
                    let mut f = Fields::default();
                    f.text("role", "role", &b.role, &a.role);
                    f.text("phone", "phone", &b.phone, &a.phone);
                    f.text("email", "email", &b.email, &a.email);
                    let now_client = f.audience(b.audience, a.audience, "internal only");
                    if f.is_empty() {
                        continue;
                    }
                    let msg = subject(a).text(": ").append(f.sentence());
                    out.push(ContactChange {
                        fields: f.fields,
                        ..change(a, line(Kind::Changed, msg).attention(now_client))
                    });
                }
                (None, None) => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::compare::fixtures::{contact, empty, party};
    use super::*;

    type Edit = fn(&mut PartySnap);

    /// Party `msp` edited on the new side: the lines of both sections.
    #[test]
    fn a_party_and_its_contacts_read_field_by_field() {
        let cases: [(&str, Edit, &[&str], bool); 8] = [
            ("nothing", |_| {}, &[], false),
            (
                "rename",
                |p| p.name = "Bright".into(),
                &["~ Bright (msp): renamed from MSP to Bright"],
                false,
            ),
            (
                "kind",
                |p| p.kind = "vendor",
                &["~ MSP (msp): kind internal → vendor"],
                false,
            ),
            (
                "hours",
                |p| {
                    p.hours = "business".into();
                    p.hours_text = "mon-fri".into();
                },
                &["~ MSP (msp): hours always → business (mon-fri)"],
                false,
            ),
            (
                "description",
                |p| p.description = Some("d".into()),
                &["~ MSP (msp): description changed"],
                false,
            ),
            (
                "contact added",
                |p| {
                    p.contacts.push(ContactSnap {
                        phone: Some("1".into()),
                        ..contact("Ann")
                    })
                },
                &["+ added MSP › Ann: phone 1"],
                false,
            ),
            (
                "contact changed",
                |p| {
                    p.contacts = vec![ContactSnap {
                        email: Some("a@x".into()),
                        ..contact("NOC")
                    }];
                },
                &["~ MSP › NOC: email none → a@x; now client-visible (was internal only)"],
                true,
            ),
            (
                "contact removed",
                |p| p.contacts.clear(),
                &["- removed MSP › NOC"],
                false,
            ),
        ];
        for (what, edit, want, attention) in cases {
            let mut old = empty();
            old.parties[1].contacts = vec![ContactSnap {
                audience: Audience::Internal,
                ..contact("NOC")
            }];
            let mut new = empty();
            new.parties[1].contacts = old.parties[1].contacts.clone();
            edit(&mut new.parties[1]);
            let mark = |k: Kind| match k {
                Kind::Added => "+",
                Kind::Removed => "-",
                _ => "~",
            };
            let lines: Vec<(String, bool)> = changes(&old, &new)
                .iter()
                .map(|c| &c.line)
                .chain(contact_changes(&old, &new).iter().map(|c| &c.line))
                .map(|l| (format!("{} {}", mark(l.change), l.message), l.attention))
                .collect();
            let got: Vec<&str> = lines.iter().map(|(l, _)| l.as_str()).collect();
            assert_eq!(got, want, "{what}");
            assert_eq!(lines.iter().any(|(_, a)| *a), attention, "{what}");
        }
    }

    #[test]
    fn parties_added_and_removed_in_the_new_order_then_the_old() {
        let old = empty();
        let mut new = empty();
        new.parties = vec![party("v", "Vendor"), party("it", "IT")];
        let got: Vec<String> = changes(&old, &new)
            .iter()
            .map(|c| c.line.message.to_string())
            .collect();
        assert_eq!(
            got,
            [
                "added Vendor (v), internal, hours always, 0 contacts",
                "removed MSP (msp)"
            ]
        );
        assert!(contact_changes(&old, &new).is_empty());
    }
}
