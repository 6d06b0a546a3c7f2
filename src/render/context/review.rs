//! The review page: runbooks never reviewed or overdue, then the next due (the
//! order is the view's [`crate::audience::ReviewQueue`]).

use super::cards::{PartyLink, ReviewCtx, party_link, review};
use super::{Base, Shared, encode_path};
use crate::site::Page;
use crate::urls;
use serde::Serialize;

#[derive(Serialize)]
pub(in crate::render) struct ReviewPageCtx<'c> {
    #[serde(flatten)]
    base: Base<'c>,
    /// Never reviewed or overdue, worst first.
    overdue: Rows<'c>,
    /// Due within 60 days (the view's review queue decides), next due first.
    soon: Rows<'c>,
    /// Due later.
    later: Rows<'c>,
}

/// A runbook's row in the queue: the few fields of its card a row shows
/// (10k rows make this page the longest to render).
#[derive(Serialize)]
struct ReviewRow<'c> {
    title: &'c str,
    url: String,
    owner: Option<PartyLink<'c>>,
    review: ReviewCtx,
}

/// The rows; when fingerprinting, each page's card key (a row shows part
/// of its card).
#[derive(Serialize)]
#[serde(untagged)]
enum Rows<'c> {
    Rows(Vec<ReviewRow<'c>>),
    Keys(Vec<&'c str>),
}

impl Shared<'_, '_> {
    pub(super) fn review_page<'c>(&'c self, path: &'c str) -> ReviewPageCtx<'c> {
        let queue = self.view.review_queue(self.opts.today);
        ReviewPageCtx {
            base: self.base(path, "Review"),
            overdue: self.review_rows(&queue.late),
            soon: self.review_rows(&queue.soon),
            later: self.review_rows(&queue.later),
        }
    }

    fn review_rows<'c>(&'c self, pages: &[&'c Page]) -> Rows<'c> {
        if self.body_keys.is_some() {
            return Rows::Keys(pages.iter().map(|p| self.card_key(p)).collect());
        }
        let row = |p: &&'c Page| ReviewRow {
            title: &p.title,
            url: encode_path(&urls::page(&p.url)),
            owner: self.view.page_owner(p).map(party_link),
            review: review(p, self.opts.today),
        };
        Rows::Rows(pages.iter().map(row).collect())
    }
}
