//! The section tree of the pages a view shows: a section per folder holding
//! visible pages (and every folder above one), its index page and title, its
//! pages in weight, title, path order, and its subsections.

use super::SectionView;
use crate::site::Page;
use std::collections::BTreeMap;

pub(super) fn of<'a>(pages: &[&'a Page]) -> BTreeMap<String, SectionView<'a>> {
    let mut sections: BTreeMap<String, SectionView> = BTreeMap::new();
    let ensure = |folder: &str, sections: &mut BTreeMap<String, SectionView<'a>>| {
        // Every ancestor of a folder with content is a section too.
        let mut f = folder.to_string();
        loop {
            sections.entry(f.clone()).or_insert_with(|| SectionView {
                folder: f.clone(),
                index: None,
                title: crate::site::title_from_folder(&f),
                pages: Vec::new(),
                subsections: Vec::new(),
            });
            if f.is_empty() {
                break;
            }
            f = crate::site::parent_folder(&f).to_string();
        }
    };
    for page in pages {
        ensure(page.folder(), &mut sections);
    }
    for page in pages {
        if let Some(s) = sections.get_mut(page.folder()) {
            if page.is_section {
                s.index = Some(page);
                // An index titled `""` keeps the folder's name.
                if !page.title.is_empty() {
                    s.title = page.title.clone();
                }
            } else {
                s.pages.push(page);
            }
        }
    }
    let folders: Vec<String> = sections.keys().filter(|f| !f.is_empty()).cloned().collect();
    for f in folders {
        let parent = crate::site::parent_folder(&f).to_string();
        if let Some(p) = sections.get_mut(&parent) {
            p.subsections.push(f);
        }
    }
    for s in sections.values_mut() {
        s.pages.sort_by(|a, b| {
            (a.front.weight.unwrap_or(0), &a.title, &a.rel).cmp(&(
                b.front.weight.unwrap_or(0),
                &b.title,
                &b.rel,
            ))
        });
    }
    sections
}
