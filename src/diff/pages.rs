//! Runbooks and other pages under `content/`: added, removed, moved (found by
//! unchanged text, else by title and systems), made client-visible, reviewed.

use super::changes::{Kind, PageChange, Sentence};
use super::compare::{Fields, Names, by_key, field, gained_lost, line, values};
use super::snapshot::PageSnap;
use crate::model::Audience;
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};

/// `runbooks/a.md (**Title**)`.
fn subject(p: &PageSnap) -> Sentence {
    Sentence::new()
        .value(&p.rel)
        .text(" (")
        .name(&p.title)
        .text(")")
}

/// New page → the old page it moved from: a removed page and an added one
/// with the same text, or else the same title and systems.
fn moves<'a>(old: &[&'a PageSnap], new: &[&'a PageSnap]) -> HashMap<&'a str, &'a PageSnap> {
    let mut moved: HashMap<&str, &PageSnap> = HashMap::new();
    let mut taken: BTreeSet<&str> = BTreeSet::new();
    let passes: [fn(&PageSnap, &PageSnap) -> bool; 2] = [
        |x, y| x.body_hash == y.body_hash,
        |x, y| x.title == y.title && x.systems == y.systems,
    ];
    for same in passes {
        for a in new {
            if moved.contains_key(a.rel.as_str()) {
                continue;
            }
            if let Some(b) = old
                .iter()
                .find(|b| !taken.contains(b.rel.as_str()) && same(b, a))
            {
                taken.insert(&b.rel);
                moved.insert(&a.rel, b);
            }
        }
    }
    moved
}

pub(super) fn changes(names: &Names) -> Vec<PageChange> {
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
    let moved = moves(&removed, &added);
    let moved_from: BTreeSet<&str> = moved.values().map(|b| b.rel.as_str()).collect();

    let mut out = Vec::new();
    for (_, b, a) in by_key(&old.pages, &new.pages) {
        match (b, a) {
            (None, Some(a)) => match moved.get(a.rel.as_str()) {
                Some(b) => out.push(move_of(b, a)),
                None => out.push(added_page(a)),
            },
            (Some(b), None) if !moved_from.contains(b.rel.as_str()) => out.push(PageChange {
                page: b.rel.clone(),
                from: None,
                title: b.title.clone(),
                runbook: b.runbook,
                line: line(
                    Kind::Removed,
                    Sentence::new().text("removed ").append(subject(b)),
                ),
                fields: Vec::new(),
            }),
            (Some(b), Some(a)) => {
                let (f, attention) = fields(b, a);
                if f.is_empty() {
                    continue;
                }
                out.push(PageChange {
                    page: a.rel.clone(),
                    from: None,
                    title: a.title.clone(),
                    runbook: a.runbook,
                    line: line(Kind::Changed, subject(a).text(": ").append(f.sentence()))
                        .attention(attention),
                    fields: f.fields,
                });
            }
            _ => {}
        }
    }
    out
}

fn move_of(b: &PageSnap, a: &PageSnap) -> PageChange {
    let (f, attention) = fields(b, a);
    let mut msg = Sentence::new()
        .text("moved ")
        .value(&b.rel)
        .text(" → ")
        .append(subject(a));
    if !f.is_empty() {
        msg = msg.text(": ").append(f.sentence());
    }
    PageChange {
        page: a.rel.clone(),
        from: Some(b.rel.clone()),
        title: a.title.clone(),
        runbook: a.runbook,
        line: line(Kind::Moved, msg).attention(attention),
        fields: f.fields,
    }
}

fn added_page(a: &PageSnap) -> PageChange {
    let mut msg = Sentence::new().text("added ").append(subject(a));
    if !a.systems.is_empty() {
        msg = msg.append(values(", for ", a.systems.iter().map(String::as_str)));
    }
    msg = msg.text(if a.audience == Audience::Client {
        ", client-visible"
    } else {
        ", internal"
    });
    PageChange {
        page: a.rel.clone(),
        from: None,
        title: a.title.clone(),
        runbook: a.runbook,
        line: line(Kind::Added, msg),
        fields: vec![field("audience", Value::Null, a.audience.as_str())],
    }
}

/// What changed on a page other than its text; `true` when it became client-visible.
fn fields(b: &PageSnap, a: &PageSnap) -> (Fields, bool) {
    let mut f = Fields::default();
    let now_client = f.audience(b.audience, a.audience, "internal");
    f.compare(
        "title",
        &b.title,
        &a.title,
        |b, _| Sentence::new().text("title was ").name(b),
        |t| json!(t),
    );
    if b.systems != a.systems {
        let before: Vec<&str> = b.systems.iter().map(String::as_str).collect();
        let after: Vec<&str> = a.systems.iter().map(String::as_str).collect();
        for part in gained_lost(&before, &after, "now for ", "no longer for ") {
            f.say(part);
        }
        f.record("systems", json!(b.systems), json!(a.systems));
    }
    f.text("owner", "owner", &b.owner, &a.owner);
    f.text(
        "last_reviewed",
        "last reviewed",
        &b.last_reviewed,
        &a.last_reviewed,
    );
    f.duration(
        "review_every_minutes",
        "review every",
        b.review_every,
        a.review_every,
    );
    f.text(
        "review_due",
        "next review due",
        &b.review_due,
        &a.review_due,
    );
    (f, now_client)
}

#[cfg(test)]
mod tests {
    use super::super::compare::fixtures::{assert_first_line, mins, page, with};
    use super::*;

    type Edit = fn(&mut PageSnap);

    /// Page `a.md` before and after an edit: the line printed, if any.
    #[test]
    fn each_field_of_a_page_reads_as_one_part() {
        let internal: Edit = |p| p.audience = Audience::Internal;
        let same: Edit = |_| {};
        let cases: [(&str, Edit, Edit, Option<&str>, bool); 10] = [
            ("nothing", same, same, None, false),
            ("text only", same, |p| p.body_hash = 2, None, false),
            (
                "made client-visible",
                internal,
                same,
                Some("a.md (T): now client-visible (was internal)"),
                true,
            ),
            (
                "made internal",
                same,
                internal,
                Some("a.md (T): now internal (was client-visible)"),
                false,
            ),
            (
                "title",
                same,
                |p| p.title = "U".into(),
                Some("a.md (U): title was T"),
                false,
            ),
            (
                "systems",
                same,
                |p| p.systems = vec!["m".into()],
                Some("a.md (T): now for m"),
                false,
            ),
            (
                "owner",
                same,
                |p| p.owner = Some("it".into()),
                Some("a.md (T): owner none → it"),
                false,
            ),
            (
                "reviewed",
                same,
                |p| p.last_reviewed = Some("2026-11-01".into()),
                Some("a.md (T): last reviewed none → 2026-11-01"),
                false,
            ),
            (
                "review every",
                same,
                |p| p.review_every = Some(mins(60 * 24 * 30)),
                Some("a.md (T): review every none → 30d"),
                false,
            ),
            (
                "review due",
                same,
                |p| p.review_due = Some("2027-01-01".into()),
                Some("a.md (T): next review due none → 2027-01-01"),
                false,
            ),
        ];
        for (what, before, after, want, attention) in cases {
            let (mut b, mut a) = (page("a.md"), page("a.md"));
            before(&mut b);
            after(&mut a);
            let (old, new) = (with(vec![], vec![b]), with(vec![], vec![a]));
            let got = changes(&Names {
                old: &old,
                new: &new,
            });
            assert_first_line(&got, |c| &c.line, want, attention, what);
        }
    }

    #[test]
    fn a_move_is_found_by_text_then_by_title_and_systems() {
        let same_text = PageSnap {
            body_hash: 7,
            title: "Old".into(),
            ..page("old/a.md")
        };
        let same_title = PageSnap {
            body_hash: 8,
            ..page("old/b.md")
        };
        let gone = PageSnap {
            body_hash: 9,
            title: "Gone".into(),
            ..page("old/c.md")
        };
        let old = with(vec![], vec![same_text, same_title, gone]);
        let new = with(
            vec![],
            vec![
                PageSnap {
                    body_hash: 7,
                    ..page("new/a.md")
                },
                PageSnap {
                    body_hash: 10,
                    ..page("new/b.md")
                },
                PageSnap {
                    body_hash: 11,
                    title: "New".into(),
                    ..page("new/n.md")
                },
            ],
        );
        let got: Vec<(Kind, String)> = changes(&Names {
            old: &old,
            new: &new,
        })
        .into_iter()
        .map(|c| (c.line.change, c.line.message.to_string()))
        .collect();
        assert_eq!(
            got,
            vec![
                (
                    Kind::Moved,
                    "moved old/a.md → new/a.md (T): title was Old".into()
                ),
                (Kind::Moved, "moved old/b.md → new/b.md (T)".into()),
                (Kind::Added, "added new/n.md (New), client-visible".into()),
                (Kind::Removed, "removed old/c.md (Gone)".into()),
            ]
        );
    }
}
