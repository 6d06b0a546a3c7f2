//! review-overdue: a runbook whose `last_reviewed` + `review_every` is before
//! today, or that was never reviewed. Only runbooks of the check's audience.

use super::front_line;
#[cfg(test)]
use crate::audience::SiteView;
use crate::diag::{Code, Diagnostic};
use crate::site::Page;

#[cfg(test)]
pub(super) fn check_reviews(view: &SiteView, today: chrono::NaiveDate) -> Vec<Diagnostic> {
    view.pages
        .iter()
        .filter_map(|p| overdue(p, today))
        .collect()
}

/// `page` (one the view shows) is a runbook whose review is overdue.
pub(super) fn overdue(page: &Page, today: chrono::NaiveDate) -> Option<Diagnostic> {
    if !page.is_runbook() {
        return None;
    }
    let Some(last) = page.front.last_reviewed else {
        return Some(Diagnostic::new(
            Code::ReviewOverdue,
            &page.source,
            None,
            "runbook was never reviewed: add `last_reviewed: YYYY-MM-DD` to its front matter",
        ));
    };
    let every = page.review_every?;
    let due = page.review_due()?;
    if due >= today {
        return None;
    }
    let late = (today - due).num_days();
    Some(Diagnostic::new(
        Code::ReviewOverdue,
        &page.source,
        front_line(page, "last_reviewed"),
        format!(
            "review overdue: last reviewed {last}, due every {every}, so due {due} ({late} day{} ago)",
            if late == 1 { "" } else { "s" }
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestSite;
    use super::*;
    use crate::model::Audience;

    fn check(pages: &[(&str, &str)], audience: Audience) -> Vec<(String, Option<usize>, String)> {
        let t = TestSite::new();
        t.write(
            "data/systems/m.yaml",
            "id: m\nname: M\ntier: 3\nowner: it\n",
        );
        for (rel, text) in pages {
            t.write(&format!("content/{rel}"), text);
        }
        let site = t.load();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        check_reviews(&crate::audience::view(&site, audience), today)
            .into_iter()
            .map(|d| (d.file, d.line, d.message))
            .collect()
    }

    #[test]
    fn a_runbook_past_its_interval_is_overdue_at_its_last_reviewed_line() {
        // cairn.yaml says every 90d: 2026-01-01 + 90d = 2026-04-01 < 2026-06-01.
        let got = check(
            &[(
                "a.md",
                "---\ntitle: A\nsystems: [m]\nlast_reviewed: 2026-01-01\n---\n",
            )],
            Audience::Client,
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1, Some(4));
        assert!(
            got[0].2.contains("due 2026-04-01 (61 days ago)"),
            "{}",
            got[0].2
        );
    }

    #[test]
    fn a_runbook_due_today_or_later_is_fine() {
        let got = check(
            &[
                (
                    "a.md",
                    "---\ntitle: A\nsystems: [m]\nlast_reviewed: 2026-03-03\n---\n",
                ),
                (
                    "b.md",
                    "---\ntitle: B\nsystems: [m]\nlast_reviewed: 2025-01-01\nreview_every: 2w\n---\n",
                ),
            ],
            Audience::Client,
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "content/b.md");
    }

    #[test]
    fn never_reviewed_runbooks_are_overdue_but_plain_docs_are_not() {
        let got = check(
            &[
                ("a.md", "---\ntitle: A\nsystems: [m]\n---\n"),
                ("doc.md", "---\ntitle: Doc\n---\n"),
            ],
            Audience::Client,
        );
        assert_eq!(got.len(), 1);
        assert!(got[0].2.contains("never reviewed"));
    }

    #[test]
    fn internal_runbooks_count_only_for_internal_checks() {
        let pages = [(
            "a.md",
            "---\ntitle: A\nsystems: [m]\naudience: internal\n---\n",
        )];
        assert!(check(&pages, Audience::Client).is_empty());
        assert_eq!(check(&pages, Audience::Internal).len(), 1);
    }
}
