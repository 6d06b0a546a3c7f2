//! `markdown.raw_html: sanitize`: raw HTML in markdown kept to a GitHub-like
//! allowlist, through ammonia.
//!
//! HTML blocks and inline tags arrive as separate parser events (`<kbd>`,
//! text, `</kbd>`; `<details>`, a markdown paragraph, `</details>`), so a
//! fragment cannot be cleaned alone. The renderer prepares each fragment
//! ([`prepare_fragment`]: iframes become links, unknown tags such as a
//! `<hostname>` placeholder become text), and the page body as a whole is then
//! cleaned ([`sanitize_body`]) with an allowlist that also covers the markup
//! cairn writes itself (heading ids and anchors, highlight classes, callouts,
//! diagrams, footnotes, task-list checkboxes). A page without raw HTML skips
//! the cleaning: pulldown-cmark's own output is trusted.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// Tags kept, with the attributes each may carry beyond the generic ones.
const TAGS: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang", "name", "tabindex"]),
    ("abbr", &[]),
    ("b", &[]),
    ("bdi", &[]),
    ("bdo", &[]),
    ("blockquote", &["cite"]),
    ("br", &[]),
    ("caption", &[]),
    ("cite", &[]),
    ("code", &[]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("dd", &[]),
    ("del", &["cite", "datetime"]),
    ("details", &["open"]),
    ("dfn", &[]),
    ("div", &[]),
    ("dl", &[]),
    ("dt", &[]),
    ("em", &[]),
    ("figcaption", &[]),
    ("figure", &["data-diagram"]),
    ("h1", &[]),
    ("h2", &[]),
    ("h3", &[]),
    ("h4", &[]),
    ("h5", &[]),
    ("h6", &[]),
    ("hr", &[]),
    ("i", &[]),
    ("img", &["src", "alt", "width", "height", "loading"]),
    // Task-list checkboxes; always made inert below.
    ("input", &["type", "checked", "disabled"]),
    ("ins", &["cite", "datetime"]),
    ("kbd", &[]),
    ("li", &["value"]),
    ("mark", &[]),
    ("ol", &["start", "reversed", "type"]),
    ("p", &[]),
    ("pre", &["data-lang"]),
    ("q", &["cite"]),
    ("rp", &[]),
    ("rt", &[]),
    ("ruby", &[]),
    ("s", &[]),
    ("samp", &[]),
    ("small", &[]),
    ("span", &[]),
    ("strike", &[]),
    ("strong", &[]),
    ("sub", &[]),
    ("summary", &[]),
    ("sup", &[]),
    ("table", &[]),
    ("tbody", &[]),
    ("td", &["colspan", "rowspan", "align", "headers", "style"]),
    ("tfoot", &[]),
    (
        "th",
        &["colspan", "rowspan", "align", "headers", "scope", "style"],
    ),
    ("thead", &[]),
    ("time", &["datetime"]),
    ("tr", &[]),
    ("tt", &[]),
    ("u", &[]),
    ("ul", &[]),
    ("var", &[]),
    ("wbr", &[]),
];

/// On any kept tag.
const GENERIC_ATTRIBUTES: &[&str] = &[
    "id",
    "class",
    "lang",
    "title",
    "dir",
    "role",
    "aria-hidden",
    "aria-label",
];

/// Dropped with everything inside them.
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "noscript", "template", "object", "embed", "applet", "textarea",
    "select", "title", "frameset", "noembed", "noframes", "xmp", "svg", "math",
];

/// HTML elements that are dropped (their text kept) rather than shown as
/// text: `<form>`, `<button>`, `<video>` are markup, `<hostname>` is a
/// placeholder in prose.
const HTML_ELEMENTS: &[&str] = &[
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "base",
    "basefont",
    "big",
    "blink",
    "body",
    "button",
    "canvas",
    "center",
    "data",
    "datalist",
    "dialog",
    "dir",
    "fieldset",
    "font",
    "footer",
    "form",
    "frame",
    "head",
    "header",
    "hgroup",
    "html",
    "keygen",
    "label",
    "legend",
    "link",
    "main",
    "map",
    "marquee",
    "menu",
    "meta",
    "meter",
    "nav",
    "optgroup",
    "option",
    "output",
    "param",
    "picture",
    "plaintext",
    "portal",
    "progress",
    "rb",
    "rtc",
    "search",
    "section",
    "slot",
    "source",
    "track",
    "video",
];

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    let tags: HashSet<&str> = TAGS.iter().map(|(tag, _)| *tag).collect();
    let tag_attributes: HashMap<&str, HashSet<&str>> = TAGS
        .iter()
        .map(|(tag, attrs)| (*tag, attrs.iter().copied().collect()))
        .collect();
    builder
        .tags(tags)
        .tag_attributes(tag_attributes)
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        // `data:` passes here only for `attribute_filter` to keep images alone.
        .url_schemes(["http", "https", "mailto", "tel", "data"].into())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(None)
        .strip_comments(true)
        .set_tag_attribute_value("input", "disabled", "")
        .attribute_filter(keep_attribute);
    builder
});

/// The last word on attribute values ammonia let through.
fn keep_attribute<'v>(element: &str, attribute: &str, value: &'v str) -> Option<Cow<'v, str>> {
    let keep = match (element, attribute) {
        (_, "href" | "src" | "cite") => !super::is_dangerous_url(value, element == "img"),
        ("input", "type") => value.eq_ignore_ascii_case("checkbox"),
        // The alignment of table columns (pulldown-cmark writes it so).
        (_, "style") => matches!(
            value,
            "text-align: left" | "text-align: center" | "text-align: right"
        ),
        (_, "role") => value == "note",
        (_, "tabindex") => value == "-1",
        ("figure", "data-diagram") => value == "mermaid",
        (_, "loading") => value == "lazy",
        _ => true,
    };
    keep.then_some(Cow::Borrowed(value))
}

/// A tag as an author writes it: `/`, name, attributes, `/`.
const TAG: &str = r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)(/?)>";
/// One attribute: its name and its value, quoted either way or bare.
const ATTRIBUTE: &str =
    r#"(?i)(?:^|\s)([a-z_:][-a-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"#;
/// A comment, or an opening tag with attributes (for their ids).
const OPENING_TAG: &str = r"(?s)<!--.*?(?:-->|\z)|<([A-Za-z][A-Za-z0-9-]*)(\s[^<>]*)>";
/// A comment, or an `<img>` with its attributes.
const IMG: &str = r"(?is)<!--.*?(?:-->|\z)|<img(\s[^<>]*)>";
/// What a reader does not see: comments, scripts and kin with their content, tags.
const HIDDEN: &str = r"(?is)<!--.*?(?:-->|\z)|<(script|style|template|noscript|textarea)\b.*?(?:</(?:script|style|template|noscript|textarea)\s*>|\z)|<[A-Za-z/!?][^<>]*>?";

/// The patterns raw HTML is read with, compiled once. A pattern that does not
/// compile is reported by `check` ([`problem`]); until then raw HTML is shown
/// escaped and its ids, images and text are not read.
struct Patterns {
    tag: Regex,
    attribute: Regex,
    opening_tag: Regex,
    img: Regex,
    hidden: Regex,
}

static PATTERNS: LazyLock<Result<Patterns, String>> = LazyLock::new(|| {
    let compile = |name: &str, pattern: &str| {
        Regex::new(pattern).map_err(|e| format!("pattern `{name}` does not compile: {e}"))
    };
    Ok(Patterns {
        tag: compile("tag", TAG)?,
        attribute: compile("attribute", ATTRIBUTE)?,
        opening_tag: compile("opening-tag", OPENING_TAG)?,
        img: compile("img", IMG)?,
        hidden: compile("hidden", HIDDEN)?,
    })
});

/// Why raw HTML cannot be read, if a pattern did not compile (a bug in cairn).
pub(crate) fn problem() -> Option<&'static str> {
    PATTERNS.as_ref().err().map(String::as_str)
}

/// The page body with raw HTML cut down to the allowlist.
pub(super) fn sanitize_body(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

/// A fragment of raw HTML as the author wrote it, before the body is
/// cleaned: an `<iframe>` becomes a link to what it embeds (when that is
/// http(s)), and a tag that is not HTML (`<hostname>`, `<environment>`) is
/// shown as text, as the author meant it.
pub(super) fn prepare_fragment(fragment: &str) -> String {
    let Ok(Patterns { tag, .. }) = PATTERNS.as_ref() else {
        return super::escape_html(fragment);
    };
    if !fragment.contains('<') {
        return fragment.to_owned();
    }
    tag.replace_all(fragment, |caps: &Captures| {
        let closing = !caps[1].is_empty();
        let name = caps[2].to_ascii_lowercase();
        if name == "iframe" {
            return if closing {
                String::new()
            } else {
                iframe_link(&caps[3])
            };
        }
        let known = TAGS.iter().any(|(t, _)| *t == name)
            || DROPPED_WITH_CONTENT.contains(&name.as_str())
            || HTML_ELEMENTS.contains(&name.as_str());
        if known {
            caps[0].to_owned()
        } else {
            super::escape_html(&caps[0])
        }
    })
    .into_owned()
}

/// `<iframe src="https://…" title="Demo">` → a link to the embedded page;
/// nothing when its source is not http(s).
fn iframe_link(attributes: &str) -> String {
    let src = attribute_value(attributes, "src");
    let Some(src) = src.filter(|s| {
        let s = s.trim_start().to_ascii_lowercase();
        s.starts_with("https://") || s.starts_with("http://")
    }) else {
        return String::new();
    };
    let text = attribute_value(attributes, "title")
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| src.clone());
    format!(
        "<a class=\"embed-link\" href=\"{}\">{}</a>",
        super::escape_html(&decode_entities(&src)),
        super::escape_html(&decode_entities(&text))
    )
}

/// The value of `name="…"`, `name='…'` or `name=…` in a tag's attributes.
pub(super) fn attribute_value(attributes: &str, name: &str) -> Option<String> {
    PATTERNS
        .as_ref()
        .ok()?
        .attribute
        .captures_iter(attributes)
        .find(|c| c[1].eq_ignore_ascii_case(name))
        .and_then(|c| c.get(2).or(c.get(3)).or(c.get(4)))
        .map(|m| m.as_str().to_owned())
}

/// The few entities authors write in attribute values and `<pre>` blocks.
pub(super) fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The `id`s (and `<a name>`s) a fragment of raw HTML gives the page:
/// anchors a link may point at.
pub(super) fn anchor_ids(fragment: &str) -> Vec<String> {
    let Ok(Patterns {
        opening_tag: tag, ..
    }) = PATTERNS.as_ref()
    else {
        return Vec::new();
    };
    if !fragment.contains("id") && !fragment.contains("name") {
        return Vec::new();
    }
    let mut ids = Vec::new();
    for caps in tag.captures_iter(fragment) {
        let (Some(name), Some(attributes)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        ids.extend(attribute_value(attributes.as_str(), "id"));
        if name.as_str().eq_ignore_ascii_case("a") {
            ids.extend(attribute_value(attributes.as_str(), "name"));
        }
    }
    ids.retain(|id| !id.is_empty());
    ids
}

/// The `src` of each `<img>` in a fragment of raw HTML, with the byte offset
/// of its tag.
pub(super) fn image_sources(fragment: &str) -> Vec<(usize, String)> {
    let Ok(Patterns { img, .. }) = PATTERNS.as_ref() else {
        return Vec::new();
    };
    if !fragment.contains("img") && !fragment.contains("IMG") {
        return Vec::new();
    }
    img.captures_iter(fragment)
        .filter_map(|caps| {
            let attributes = caps.get(1)?;
            let src = attribute_value(attributes.as_str(), "src")?;
            Some((caps.get(0)?.start(), decode_entities(&src)))
        })
        .collect()
}

/// The text a reader sees of a raw HTML fragment, for search: tags, comments
/// and the content of scripts and styles removed.
pub(super) fn visible_text(fragment: &str) -> String {
    match PATTERNS.as_ref() {
        Ok(p) => decode_entities(&p.hidden.replace_all(fragment, " ")),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        assert_eq!(problem(), None);
    }

    #[test]
    fn iframes_become_links_to_their_source() {
        assert_eq!(
            prepare_fragment(
                "<iframe width=\"560\" src=\"https://www.youtube.com/embed/x?a=1&amp;b=2\" title=\"Demo video\"></iframe>"
            ),
            "<a class=\"embed-link\" href=\"https://www.youtube.com/embed/x?a=1&amp;b=2\">Demo video</a>"
        );
        assert_eq!(
            prepare_fragment("<iframe src='https://a.example/p'></iframe>"),
            "<a class=\"embed-link\" href=\"https://a.example/p\">https://a.example/p</a>"
        );
        assert_eq!(
            prepare_fragment("<iframe src=\"javascript:alert(1)\"></iframe>"),
            ""
        );
    }

    #[test]
    fn placeholders_in_angle_brackets_stay_text() {
        assert_eq!(
            prepare_fragment("<environment> and <kbd>"),
            "&lt;environment&gt; and <kbd>"
        );
        assert_eq!(prepare_fragment("</user-name>"), "&lt;/user-name&gt;");
        assert_eq!(prepare_fragment("<form action=x>"), "<form action=x>");
    }

    #[test]
    fn hostile_markup_is_cleaned() {
        let html = sanitize_body(
            "<p><img src=x onerror=alert(1)><script>alert(2)</script><a href=\"javascript:alert(3)\">x</a>\
             <a href=\"data:text/html,<script>\">d</a><img src=\"data:image/png;base64,AA\">\
             <style>p{}</style><form><input type=\"text\" name=q></form><div onclick=\"x()\" style=\"color:red\">t</div></p>",
        );
        assert_eq!(
            html,
            "<p><img src=\"x\"><a>x</a><a>d</a><img src=\"data:image/png;base64,AA\"></p>\
             <input disabled=\"\"><div>t</div><p></p>"
        );
    }

    #[test]
    fn cairn_markup_survives_cleaning() {
        let html = "<h2 id=\"steps\" class=\"x\">Steps<a class=\"anchor\" href=\"#steps\">#</a></h2>\n\
                    <pre class=\"code hl-code\" data-lang=\"sh\"><code class=\"language-sh\"><span class=\"hl-source\">ls</span></code></pre>\n\
                    <div class=\"markdown-alert markdown-alert-note\" role=\"note\"><p class=\"markdown-alert-title\">Note</p></div>\n\
                    <figure class=\"diagram\" data-diagram=\"mermaid\"><pre class=\"code\" data-lang=\"mermaid\"><code>a</code></pre></figure>\n\
                    <ul><li><input disabled=\"\" type=\"checkbox\" checked=\"\">done</li></ul>\n\
                    <table><thead><tr><th style=\"text-align: center\">a</th></tr></thead></table>\n\
                    <sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup>\n";
        assert_eq!(sanitize_body(html), html);
    }

    #[test]
    fn visible_text_drops_markup_and_scripts() {
        assert_eq!(
            visible_text(
                "<details><summary>More &amp; less</summary><script>x()</script></details>"
            )
            .split_whitespace()
            .collect::<Vec<_>>(),
            ["More", "&", "less"]
        );
    }
}
