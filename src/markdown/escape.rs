//! What never reaches the output as written: text is escaped, HTML
//! comments dropped, script URLs neutralised.

use std::sync::LazyLock;

use regex::Regex;

/// An HTML comment, or one left open up to the end. `<!-->` and `<!--->`
/// are complete (empty) comments in HTML.
pub(super) static COMMENT: LazyLock<Regex> =
    LazyLock::new(|| crate::pattern::constant(r"(?s)<!--(?:>|->|.*?-->|.*\z)"));

/// Drops HTML comments, including one left open (which would otherwise hide
/// the rest of the page, theme included).
pub(super) fn strip_comments(html: &str) -> String {
    if html.contains("<!--") {
        COMMENT.replace_all(html, "").into_owned()
    } else {
        html.to_owned()
    }
}

/// Whether a browser would run `url` as script or load it as a document we
/// did not write: `javascript:`, `vbscript:`, and `data:` except images.
pub(super) fn is_dangerous_url(url: &str, is_image: bool) -> bool {
    // Browsers skip leading spaces and control characters and ignore tabs
    // and newlines anywhere before reading the scheme.
    let mut chars = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'));
    let mut scheme = String::new();
    loop {
        match chars.next() {
            Some(':') => break,
            Some(c) if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                if scheme.len() > 16 {
                    return false;
                }
                scheme.push(c.to_ascii_lowercase());
            }
            // No scheme: a relative URL.
            _ => return false,
        }
    }
    match scheme.as_str() {
        "javascript" | "vbscript" => true,
        "data" => {
            let media_type: String = chars.take(6).collect();
            !(is_image && media_type.eq_ignore_ascii_case("image/"))
        }
        _ => false,
    }
}

/// Escape text for HTML element content and quoted attribute values (`/` is
/// left alone, so URLs read as written). The one escaper of the crate: the
/// markdown renderer, tera's autoescape and serve's error panel all use it.
pub(crate) fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    escape_html_into(&mut escaped, text);
    escaped
}

/// [`escape_html`] appended to `out`: the text between escaped characters is
/// copied a run at a time, not a character at a time.
pub(crate) fn escape_html_into(out: &mut String, text: &str) {
    let mut from = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // The escaped characters are ASCII: `at` is a character boundary.
        out.push_str(&text[from..at]);
        out.push_str(entity);
        from = at + 1;
    }
    out.push_str(&text[from..]);
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn escapes_the_five_characters_and_keeps_the_rest() {
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("plain"), "plain");
        assert_eq!(
            escape_html("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(escape_html("&é<ü>€/"), "&amp;é&lt;ü&gt;€/");
    }
}
