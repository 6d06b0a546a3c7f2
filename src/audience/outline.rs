//! A view's outline: a hash of everything a build for one audience shows but
//! the markdown bodies of its pages.

use crate::model::Audience;
use crate::site::Site;

/// Every source but page bodies, and the audience: the data files as read,
/// each page's path and front matter, the files published beside pages and
/// under `static/`. The view is made from these alone (bodies come in only
/// when a page renders its own), so two views of one outline differ only in
/// their pages' bodies.
pub(super) fn of(site: &Site, audience: Audience) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&of_data(site, audience).to_le_bytes());
    let mut add = |s: &str| {
        hasher.update(s.as_bytes());
        hasher.update(&[0]);
    };
    for page in &site.pages {
        add(&page.source);
        add(&page.text[..page.body_start]);
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
