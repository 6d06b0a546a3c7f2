//! The home page and the section (folder) pages: an intro from `_index.md`,
//! then what the folder holds.

use super::cards::{
    Link, PageCard, PartyCard, SectionCard, SystemCard, TierGroup, by_tier, party_card, system_card,
};
use super::{Base, Shared, meta_description};
use crate::audience::SectionView;
use serde::Serialize;

#[derive(Serialize)]
pub(in crate::render) struct HomeCtx<'c> {
    #[serde(flatten)]
    base: Base<'c>,
    /// The root `_index.md`, rendered.
    intro: Option<String>,
    /// The intro's opening H1, printed in place of the theme's.
    heading: Option<String>,
    tiers: Vec<TierGroup<SystemCard<'c>>>,
    sections: Vec<SectionCard<'c>>,
    pages: Vec<PageCard<'c>>,
    parties: Vec<PartyCard<'c>>,
    /// Who answers first for the tier-1/2 systems (SVG), if there are any.
    coverage_overview: Option<String>,
}

#[derive(Serialize)]
pub(in crate::render) struct SectionCtx<'c> {
    #[serde(flatten)]
    base: Base<'c>,
    /// The folder's `_index.md`, rendered.
    intro: Option<String>,
    /// The intro's opening H1, printed in place of the theme's.
    heading: Option<String>,
    description: Option<&'c str>,
    pages: Vec<PageCard<'c>>,
    subsections: Vec<SectionCard<'c>>,
    breadcrumbs: Vec<Link>,
}

impl Shared<'_, '_> {
    pub(super) fn home<'c>(&'c self, path: &'c str) -> anyhow::Result<HomeCtx<'c>> {
        let view = self.view;
        let root = view.sections.get("");
        let index = root.and_then(|s| s.index);
        let mut base = self.base(path, &view.config.title);
        let intro = index.map(|p| self.body_html(p, path)).transpose()?;
        base.has_diagram = intro.as_ref().is_some_and(|b| b.has_diagram);
        base.meta_description = index.and_then(meta_description);
        let coverage_overview = if self.body_keys.is_some() {
            // Fingerprinting: the overview is drawn from the data files alone.
            Some(format!("overview {:032x}", view.data_outline))
        } else {
            super::super::coverage_chart::overview(view, &base.root)
        };
        let (intro, heading) = match intro {
            Some(b) => (Some(b.html), b.heading),
            None => (None, None),
        };
        Ok(HomeCtx {
            coverage_overview,
            base,
            intro,
            heading,
            tiers: by_tier(view, system_card),
            sections: self.subsections(root.map_or(&[][..], |s| &s.subsections[..])),
            pages: self.cards(root.map_or(&[][..], |s| &s.pages[..])),
            parties: view.parties.iter().map(party_card).collect(),
        })
    }

    pub(super) fn section<'c>(
        &'c self,
        s: &'c SectionView<'c>,
        path: &'c str,
    ) -> anyhow::Result<SectionCtx<'c>> {
        let mut base = self.base(path, &s.title);
        let intro = s.index.map(|p| self.body_html(p, path)).transpose()?;
        base.has_diagram = intro.as_ref().is_some_and(|b| b.has_diagram);
        base.meta_description = s.index.and_then(meta_description);
        let (intro, heading) = match intro {
            Some(b) => (Some(b.html), b.heading),
            None => (None, None),
        };
        Ok(SectionCtx {
            base,
            intro,
            heading,
            description: s.index.and_then(|p| p.front.description.as_deref()),
            pages: self.cards(&s.pages),
            subsections: self.subsections(&s.subsections),
            breadcrumbs: self.breadcrumbs(&s.folder, false),
        })
    }
}
