//! The HTML of blocks the renderer writes itself: highlighted code,
//! diagrams and GitHub alerts (callouts).

use pulldown_cmark::BlockQuoteKind;

use super::escape::escape_html;
use super::highlight;

/// The language of a fence's info string (```` ```powershell title=x ````),
/// lowercased.
pub(super) fn fence_language(info: &str) -> Option<String> {
    info.split(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .next()
        .filter(|token| !token.is_empty())
        .map(str::to_lowercase)
}

/// A GitHub alert's class and the label shown (and read out) before it.
pub(super) fn callout(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// A mermaid diagram: its source as a code block, which `diagram.js` draws
/// over when it can.
pub(super) fn diagram_html(source: &str) -> String {
    format!(
        "<figure class=\"diagram\" data-diagram=\"mermaid\">\n\
         <pre class=\"code hl-code diagram-source\" data-lang=\"mermaid\">\
         <code class=\"language-mermaid\">{}</code></pre>\n</figure>\n",
        escape_html(source)
    )
}

pub(super) fn code_block_html(code: &str, lang: Option<&str>) -> String {
    let mut html = String::with_capacity(code.len() * 2 + 96);
    html.push_str("<pre class=\"code ");
    html.push_str(highlight::CODE_CLASS);
    html.push('"');
    let body = match lang {
        Some(lang) => {
            let lang_attr = escape_html(lang);
            html.push_str(" data-lang=\"");
            html.push_str(&lang_attr);
            html.push_str("\"><code class=\"language-");
            html.push_str(&lang_attr);
            html.push_str("\">");
            highlight::highlight(code, lang)
        }
        None => {
            html.push_str("><code>");
            None
        }
    };
    match body {
        Some(body) => html.push_str(&body),
        None => html.push_str(&escape_html(code)),
    }
    html.push_str("</code></pre>\n");
    html
}
