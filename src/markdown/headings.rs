//! Heading ids (GitHub's slug rules, numbered repeats, `{#id .class}`
//! blocks) and heading text, shared by `scan` and `render` so their ids agree.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use regex::Regex;
use serde::Serialize;

/// A heading of a page, in document order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// Plain text, without markup.
    pub text: String,
    /// The `id` attribute `render` gives it: unique within the page.
    pub id: String,
}

/// What a heading id leaves out. GitHub drops `[^\p{Word}\- ]`; regex's
/// Unicode `\w` is that word class.
pub(super) static NOT_IN_SLUG: LazyLock<Regex> =
    LazyLock::new(|| crate::pattern::constant(r"[^\w\- ]"));

/// GitHub-style heading id: lowercase, each space to `-`, every character
/// but letters, marks, digits, `-` and `_` dropped. Repeats are numbered by
/// the caller (`scan` and `render` do it the same way).
pub(crate) fn slugify(text: &str) -> String {
    let lower = text.to_lowercase();
    NOT_IN_SLUG.replace_all(&lower, "").replace(' ', "-")
}

/// What a heading's trailing `{…}` gives it.
#[derive(Default)]
pub(super) struct HeadingAttrs {
    /// `{#id}`.
    pub(super) id: Option<String>,
    /// `{.class}`, letters, digits, `-` and `_` only.
    pub(super) classes: Vec<String>,
    /// A `{…}` that holds more than `#id` and `.class` (`{service}`,
    /// `{{ var }}`) is text the author wrote, given back to the heading.
    pub(super) literal: String,
}

pub(super) fn heading_attrs(
    source: &str,
    id: Option<CowStr<'_>>,
    classes: &[CowStr<'_>],
    attrs: &[(CowStr<'_>, Option<CowStr<'_>>)],
) -> HeadingAttrs {
    if attrs.is_empty() {
        return HeadingAttrs {
            id: id.map(|id| id.into_string()).filter(|id| !id.is_empty()),
            classes: classes
                .iter()
                .filter(|c| {
                    !c.is_empty()
                        && c.chars()
                            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_'))
                })
                .map(|c| c.to_string())
                .collect(),
            literal: String::new(),
        };
    }
    // The block is the last `{…}` of the heading's source.
    let literal = source
        .rfind('}')
        .and_then(|end| {
            let start = source[..end].rfind('{')?;
            let space = if source[..start].ends_with([' ', '\t']) {
                " "
            } else {
                ""
            };
            Some(format!("{space}{}", &source[start..=end]))
        })
        .unwrap_or_default();
    HeadingAttrs {
        literal,
        ..HeadingAttrs::default()
    }
}

/// Collects a heading's plain text from its events. `scan` and `render` feed
/// it the same parser events, so their ids agree.
#[derive(Default)]
pub(super) struct HeadingText {
    pub(super) text: String,
    /// Inside an image, text is alt text, which a heading's id leaves out
    /// (as on GitHub, where the id comes from the visible text).
    image_depth: usize,
}

impl HeadingText {
    pub(super) fn feed(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(Tag::Image { .. }) => self.image_depth += 1,
            Event::End(TagEnd::Image) => self.image_depth = self.image_depth.saturating_sub(1),
            Event::Text(text) | Event::Code(text) if self.image_depth == 0 => {
                self.text.push_str(text);
            }
            Event::SoftBreak | Event::HardBreak if self.image_depth == 0 => self.text.push(' '),
            _ => {}
        }
    }
}

/// Gives each heading of one page a unique id.
#[derive(Default)]
pub(super) struct HeadingIds {
    used: HashSet<String>,
    /// Per base id, the number to try next: those below it are taken, so a
    /// page of many equal headings is not quadratic.
    next: HashMap<String, usize>,
}

impl HeadingIds {
    /// An id the author wrote (`{#id}`): used as written; later headings'
    /// ids step around it.
    pub(super) fn custom(&mut self, id: String) -> String {
        self.used.insert(id.clone());
        id
    }

    pub(super) fn assign(&mut self, text: &str) -> String {
        let mut base = slugify(text);
        if base.is_empty() {
            // A heading of only punctuation still needs a usable anchor.
            base.push_str("section");
        }
        if self.used.insert(base.clone()) {
            return base;
        }
        // GitHub numbers repeats `-1`, `-2`; unlike GitHub, skip numbers a
        // heading already took ("A", "A", "A 1") so ids stay unique.
        let n = self.next.entry(base.clone()).or_insert(1);
        loop {
            let candidate = format!("{base}-{n}");
            *n += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}
