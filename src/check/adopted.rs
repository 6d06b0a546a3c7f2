//! What a site brought over from another generator keeps that cairn does
//! not read: `foreign-key` (a Hugo, MkDocs or Jekyll front matter key with no
//! meaning here, reported once per key for the whole site, at its first
//! page) and `unsupported-shortcode` (a Hugo shortcode left as text, at each
//! place it is written). Neither stops a build: the pages read as before.

use crate::diag::{Code, Diagnostic};
use crate::site::{Page, Site};
use std::collections::BTreeMap;

pub(super) fn check_foreign_keys(site: &Site) -> Vec<Diagnostic> {
    // Pages are sorted by source: the first page holding a key names it.
    let mut first: BTreeMap<String, (&str, usize, usize)> = BTreeMap::new();
    for page in &site.pages {
        for (key, line) in &page.front.foreign {
            first
                .entry(key.to_ascii_lowercase())
                .and_modify(|(_, _, n)| *n += 1)
                .or_insert((&page.source, *line, 1));
        }
    }
    let mut diags: Vec<Diagnostic> = first
        .into_iter()
        .map(|(_, (source, line, count))| {
            let page = site.pages.iter().find(|p| p.source == source);
            let key = page
                .and_then(|p| p.front.foreign.iter().find(|(_, l)| *l == line))
                .map_or("", |(k, _)| k.as_str());
            let also = match count {
                1 => String::new(),
                n => format!(" (on {n} pages)"),
            };
            Diagnostic::new(
                Code::ForeignKey,
                source,
                Some(line),
                format!(
                    "`{key}` is another site generator's front matter key{also}; cairn ignores it"
                ),
            )
        })
        .collect();
    diags.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    diags
}

/// The Hugo shortcodes left as text in `page`.
pub(super) fn check_shortcodes(page: &Page) -> Vec<Diagnostic> {
    {
        {
            page.scan.unsupported_shortcodes.iter().map(|(name, line)| {
                Diagnostic::new(
                    Code::UnsupportedShortcode,
                    &page.source,
                    Some(page.body_line + line - 1),
                    format!(
                        "the Hugo shortcode `{name}` is not supported, so it shows as written; \
                         replace it with markdown (cairn reads `ref`, `relref`, `figure`, `hint` and `notice`)"
                    ),
                )
            })
        }
    }
    .collect()
}
