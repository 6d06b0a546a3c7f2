//! Where each runbook stands with its review, and the review page's order.

use super::SiteView;
use crate::site::Page;
use chrono::NaiveDate;

/// A page's review on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewState {
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
    pub fn of(page: &Page, today: NaiveDate) -> Self {
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

    pub fn is_late(self) -> bool {
        matches!(self, ReviewState::Never | ReviewState::Overdue { .. })
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
pub struct ReviewQueue<'a> {
    /// Never reviewed or overdue, worst first.
    pub late: Vec<&'a Page>,
    /// The rest, the next due first.
    pub upcoming: Vec<&'a Page>,
}

impl<'a> SiteView<'a> {
    /// The runbooks by review urgency on `today` (ties by title).
    pub fn review_queue(&self, today: NaiveDate) -> ReviewQueue<'a> {
        let mut runbooks: Vec<(ReviewState, &'a Page)> = self
            .pages
            .iter()
            .filter(|p| p.is_runbook())
            .map(|p| (ReviewState::of(p, today), *p))
            .collect();
        runbooks.sort_by(|(a, pa), (b, pb)| a.rank().cmp(&b.rank()).then(pa.title.cmp(&pb.title)));
        let (late, upcoming): (Vec<_>, Vec<_>) =
            runbooks.into_iter().partition(|(state, _)| state.is_late());
        ReviewQueue {
            late: late.into_iter().map(|(_, p)| p).collect(),
            upcoming: upcoming.into_iter().map(|(_, p)| p).collect(),
        }
    }
}
