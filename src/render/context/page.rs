//! A content page (runbook or doc): its rendered body, its card, and the call
//! cards of the systems it names.

use super::cards::{Link, PageCard};
use super::ladder::{LadderCtx, PageLadder};
use super::{Base, Shared, meta_description};
use crate::site::Page;
use serde::Serialize;

#[derive(Serialize)]
pub(in crate::render) struct PageCtx<'c> {
    #[serde(flatten)]
    base: Base<'c>,
    escalation_guide: &'c Option<Link>,
    /// The front matter's description.
    description: Option<&'c str>,
    /// The body, rendered, without its opening H1.
    content: String,
    /// The body's opening H1: the page's heading, in place of the theme's.
    heading: Option<String>,
    page: PageCard<'c>,
    ladders: Ladders<'c>,
    breadcrumbs: Vec<Link>,
    /// The source file, relative to the site root.
    source: &'c str,
}

/// The call cards of a page's systems; when fingerprinting, each card's key.
#[derive(Serialize)]
#[serde(untagged)]
enum Ladders<'c> {
    Cards(Vec<PageLadder<'c>>),
    Keys(Vec<&'c str>),
}

impl PageCtx<'_> {
    /// Each call card's `html`, from `render(ladder, root)`.
    pub(super) fn render_ladders(
        &mut self,
        mut render: impl FnMut(&LadderCtx, &str) -> Result<String, String>,
    ) -> Result<(), String> {
        if let Ladders::Cards(cards) = &mut self.ladders {
            for card in cards {
                card.html = Some(render(card.ladder, &self.base.root)?);
            }
        }
        Ok(())
    }
}

impl Shared<'_, '_> {
    pub(super) fn page<'c>(&'c self, p: &'c Page, path: &'c str) -> anyhow::Result<PageCtx<'c>> {
        let mut base = self.base(path, &p.title);
        let body = self.body_html(p, path)?;
        base.has_diagram = body.has_diagram;
        base.meta_description = meta_description(p);
        base.has_ladder = p
            .front
            .systems
            .iter()
            .filter_map(|id| self.view.system(id))
            .any(|s| !s.ladder.is_empty());
        Ok(PageCtx {
            base,
            escalation_guide: &self.escalation_guide,
            description: p.front.description.as_deref(),
            content: body.html,
            heading: body.heading,
            page: self.card(p),
            ladders: if self.body_keys.is_some() {
                let keys = p.front.systems.iter();
                Ladders::Keys(keys.filter_map(|id| self.ladder_key(id.as_str())).collect())
            } else {
                let ladders = p.front.systems.iter().filter_map(|id| self.ladder(id));
                let cards = ladders.map(|ladder| PageLadder { ladder, html: None });
                Ladders::Cards(cards.collect())
            },
            breadcrumbs: self.breadcrumbs(p.folder(), true),
            source: &p.source,
        })
    }
}
