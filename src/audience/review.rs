//! Where each runbook stands with its review, and the review page's order.

use super::SiteView;
use crate::site::Page;
use chrono::NaiveDate;

/// A page's review on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReviewState {
    /// Due on `due`, `days` from today.
    Ok { due: NaiveDate, days: i64 },
    /// Was due on `due`, `days` ago.
    Overdue { due: NaiveDate, days: i64 },
    /// A runbook never reviewed.
    Never,
    /// Nothing due: a plain doc, or no `review_every`.
    None,
}

impl ReviewState {
    pub(crate) fn of(page: &Page, today: NaiveDate) -> Self {
        match page.review_due() {
            Some(due) => {
                let days = (today - due).num_days().abs();
                if due < today {
                    ReviewState::Overdue { due, days }
                } else {
                    ReviewState::Ok { due, days }
                }
            }
            None if page.is_runbook() && page.front.last_reviewed.is_none() => ReviewState::Never,
            None => ReviewState::None,
        }
    }

    pub(crate) fn is_late(self) -> bool {
        matches!(self, ReviewState::Never | ReviewState::Overdue { .. })
    }

    /// Not late, and due within [`SOON_DAYS`] (or never due).
    fn is_soon(self) -> bool {
        match self {
            ReviewState::Ok { days, .. } => days <= SOON_DAYS,
            ReviewState::None => true,
            ReviewState::Never | ReviewState::Overdue { .. } => false,
        }
    }

    /// Worst first: never reviewed, then most days overdue; then the next due.
    fn rank(self) -> (u8, i64) {
        match self {
            ReviewState::Never => (0, 0),
            ReviewState::Overdue { days, .. } => (1, -days),
            ReviewState::Ok { days, .. } => (2, days),
            ReviewState::None => (2, 0),
        }
    }
}

/// The review page's two lists of runbooks.
pub(crate) struct ReviewQueue<'a> {
    /// Never reviewed or overdue, worst first.
    pub late: Vec<&'a Page>,
    /// Due within [`SOON_DAYS`], the next due first.
    pub soon: Vec<&'a Page>,
    /// The rest, the next due first.
    pub later: Vec<&'a Page>,
}

/// How many days ahead a review is coming soon: the review page lists those
/// apart from the ones due later.
pub(crate) const SOON_DAYS: i64 = 60;

impl<'a> SiteView<'a> {
    /// The runbooks by review urgency on `today` (ties by title).
    pub(crate) fn review_queue(&self, today: NaiveDate) -> ReviewQueue<'a> {
        let mut runbooks: Vec<(ReviewState, &'a Page)> = self
            .pages
            .iter()
            .filter(|p| p.is_runbook())
            .map(|p| (ReviewState::of(p, today), *p))
            .collect();
        runbooks.sort_by(|(a, pa), (b, pb)| a.rank().cmp(&b.rank()).then(pa.title.cmp(&pb.title)));
        let mut queue = ReviewQueue {
            late: Vec::new(),
            soon: Vec::new(),
            later: Vec::new(),
        };
        for (state, page) in runbooks {
            if state.is_late() {
                queue.late.push(page);
            } else if state.is_soon() {
                queue.soon.push(page);
            } else {
                queue.later.push(page);
            }
        }
        queue
    }
}

#[cfg(test)]
mod tests {
    use super::ReviewState;
    use crate::check::testing::TestSite;
    use crate::model::Audience;

    #[test]
    fn the_queue_puts_never_reviewed_first_then_most_overdue_then_next_due() {
        // cairn.yaml says every 90d; today is 2026-06-01.
        let t = TestSite::new();
        t.write(
            "data/systems/m.yaml",
            "id: m\nname: M\ntier: 3\nowner: it\n",
        );
        for (name, reviewed) in [
            ("soon", "2026-03-05"),       // due 2026-06-03
            ("late", "2026-01-01"),       // due 2026-04-01, 61 days ago
            ("later", "2026-04-01"),      // due 2026-06-30
            ("much-later", "2026-05-30"), // due 2026-08-28, in 88 days
            ("bit-late", "2026-02-25"),   // due 2026-05-26, 6 days ago
        ] {
            t.write(
                &format!("content/{name}.md"),
                &format!("---\ntitle: {name}\nsystems: [m]\nlast_reviewed: {reviewed}\n---\n"),
            );
        }
        t.write("content/never.md", "---\ntitle: never\nsystems: [m]\n---\n");
        t.write("content/doc.md", "---\ntitle: doc\n---\n");
        let site = t.load();
        let view = crate::audience::view(&site, Audience::Internal);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let queue = view.review_queue(today);
        let titles = |pages: &[&crate::site::Page]| -> Vec<String> {
            pages.iter().map(|p| p.title.clone()).collect()
        };
        assert_eq!(titles(&queue.late), ["never", "late", "bit-late"]);
        assert_eq!(titles(&queue.soon), ["soon", "later"]);
        assert_eq!(titles(&queue.later), ["much-later"]);
        let late = view.page_by_rel("late.md").unwrap();
        assert!(matches!(
            ReviewState::of(late, today),
            ReviewState::Overdue { days: 61, .. }
        ));
        let doc = view.page_by_rel("doc.md").unwrap();
        assert_eq!(ReviewState::of(doc, today), ReviewState::None);
    }
}
