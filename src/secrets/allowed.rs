//! What the authors allowed past the secrets scan on purpose (an allow
//! comment on the line, a page with `allow_secrets: true`): the output gate
//! lets the same words through wherever the build publishes them (the page,
//! a search shard lowercased, `cairn.json` inside JSON, the zip), even where
//! the source scan saw no secret on the line (an entity it reads otherwise).

use super::Syntax;
use super::catalogue::{ALLOW, flatten};
use super::sources::{source_hits, sources};
use crate::site::Site;

/// The allowances of a site, as a reader's words: lowercase letters and
/// digits, accents, markup, entities and punctuation gone.
pub(crate) struct Allowed {
    /// What decided each allowed hit of the source scan.
    hits: Vec<String>,
    /// Every allowed line of a page or data file.
    lines: Vec<String>,
}

impl Allowed {
    pub(crate) fn of(site: &Site) -> Allowed {
        let mut hits: Vec<String> = source_hits(site)
            .into_iter()
            .flat_map(|found| {
                let page_allows = found.page_allows;
                found
                    .hits
                    .into_iter()
                    .filter(move |h| h.allowed || page_allows)
                    .map(|h| words(&h.hit.evidence))
            })
            .collect();
        let mut lines: Vec<String> = sources(site)
            .into_iter()
            .filter_map(|src| {
                let markdown = matches!(src.syntax, Some(Syntax::Markdown { .. }));
                let text = src.text?;
                // Most texts allow nothing: one search, not one per line.
                (src.page_allows || text.contains(ALLOW)).then_some((
                    text,
                    src.page_allows,
                    markdown,
                ))
            })
            .flat_map(|(text, page_allows, markdown)| {
                text.lines()
                    .filter(move |line| page_allows || line.contains(ALLOW))
                    .flat_map(move |line| {
                        // As written, and as the page shows it (every entity decoded).
                        let shown = markdown.then(|| words(&rendered(line)));
                        std::iter::once(words(line)).chain(shown)
                    })
            })
            .collect();
        for list in [&mut hits, &mut lines] {
            list.retain(|w| !w.is_empty());
            list.sort();
            list.dedup();
        }
        Allowed { hits, lines }
    }

    /// Whether `evidence` found in the output is made of allowed words.
    pub(crate) fn covers(&self, evidence: &str) -> bool {
        let e = words(evidence);
        !e.is_empty()
            && (self.lines.iter().any(|line| line.contains(&e))
                || self
                    .hits
                    .iter()
                    .any(|a| a.contains(&e) || e.contains(a.as_str())))
    }
}

/// A markdown line as HTML.
fn rendered(line: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(line));
    html
}

/// `text` as a reader's words: flattened, case and accents folded as the
/// search index folds them, only letters and digits kept.
fn words(text: &str) -> String {
    crate::search::text::normalize(&flatten(text))
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_survive_markup_entities_case_and_accents() {
        assert_eq!(
            words(&rendered("**Wi-Fi password:** bl&uuml;e42X")),
            words("wi-fi password: blüe42x")
        );
        let allowed = Allowed {
            hits: Vec::new(),
            lines: vec![words(&rendered("**Wi-Fi password:** bl&uuml;e42X"))],
        };
        assert!(allowed.covers("password: Blüe42X"));
        assert!(allowed.covers("blue42x"));
        assert!(!allowed.covers("Hunter22x"));
        assert!(!allowed.covers("**"));
    }
}
