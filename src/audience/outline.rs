//! A view's outline: a hash of everything a build for one audience shows but
//! the markdown bodies of its pages.

use crate::model::Audience;
use crate::site::{Page, Site};

/// Every source but page bodies, and the audience: the data files as read,
/// each page's path and front matter, the files published beside pages and
/// under `static/`. The view is made from these alone (bodies come in only
/// when a page renders its own), so two views of one outline differ only in
/// their pages' bodies.
pub(super) fn of(site: &Site, audience: Audience) -> u128 {
    sources(site, audience, |page, add| {
        add(&page.text[..page.body_start])
    })
}

/// The outline less the front matter of runbooks, each runbook standing as
/// its place alone: source, URL, audience. What a page shows of pages other
/// than its own is sections (breadcrumbs, the nav) and the escalation guide,
/// and neither is a runbook; runbooks are listed by section, system, party
/// and site-wide pages. So under one frame, a page's own page changes only
/// with its own file.
pub(super) fn frame(site: &Site, audience: Audience) -> u128 {
    sources(site, audience, |page, add| {
        if page.is_runbook() {
            add(&page.url);
            add(page.audience.as_str());
        } else {
            add(&page.text[..page.body_start]);
        }
    })
}

/// The data files, each page's source with what `page` adds of it, and the
/// files published as they are, hashed.
fn sources(site: &Site, audience: Audience, page: impl Fn(&Page, &mut dyn FnMut(&str))) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&of_data(site, audience).to_le_bytes());
    let mut add = |s: &str| {
        hasher.update(s.as_bytes());
        hasher.update(&[0]);
    };
    for p in &site.pages {
        add(&p.source);
        page(p, &mut add);
    }
    for asset in &site.assets {
        add(&asset.rel);
    }
    site.static_files.iter().for_each(|f| add(f));
    hasher.digest128()
}

/// The part of the outline no page makes: the audience and the data files
/// (`cairn.yaml`, parties, activities, systems) as read.
pub(super) fn of_data(site: &Site, audience: Audience) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut add = |s: &str| {
        hasher.update(s.as_bytes());
        hasher.update(&[0]);
    };
    add(audience.as_str());
    let mut data: Vec<(&String, &String)> = site.texts.iter().collect();
    data.sort();
    for (file, text) in data {
        add(file);
        add(text);
    }
    hasher.digest128()
}
