//! The review page: runbooks never reviewed or overdue, then the next due (the
//! order is the view's [`crate::audience::ReviewQueue`]).

use super::cards::PageCard;
use super::{Base, Shared};
use serde::Serialize;

#[derive(Serialize)]
pub(in crate::render) struct ReviewPageCtx<'c> {
    #[serde(flatten)]
    base: Base<'c>,
    /// Never reviewed or overdue, worst first.
    overdue: Vec<PageCard<'c>>,
    /// Due within 60 days (the view's review queue decides), next due first.
    soon: Vec<PageCard<'c>>,
    /// Due later.
    later: Vec<PageCard<'c>>,
}

impl Shared<'_, '_> {
    pub(super) fn review_page<'c>(&'c self, path: &'c str) -> ReviewPageCtx<'c> {
        let queue = self.view.review_queue(self.opts.today);
        ReviewPageCtx {
            base: self.base(path, "Review"),
            overdue: self.cards(&queue.late),
            soon: self.cards(&queue.soon),
            later: self.cards(&queue.later),
        }
    }
}
