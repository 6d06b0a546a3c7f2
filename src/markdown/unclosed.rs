//! Blocks that markdown silently runs to the end of a page: an HTML comment
//! (`<!--` without `-->`) or a code fence never closed. Found at load time
//! (in [`super::scan`]); the `unclosed-block` check reports them.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

/// A block that runs to the end of its page, where it starts in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unclosed {
    /// Byte offset in the body.
    pub offset: usize,
    pub block: Block,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    /// `<!--` with no `-->`.
    Comment,
    /// A code fence never closed: its fence (```` ``` ````, `~~~~`).
    Fence(String),
}

/// The comment or fence that runs to the end of `body`, if any. A cheap line
/// scan finds candidates; pulldown-cmark confirms that the block really
/// reaches the end (a fence inside a list item ends with the item), so
/// valid markdown is never reported.
pub(super) fn find(body: &str) -> Option<Unclosed> {
    if !maybe_unclosed(body) {
        return None;
    }
    confirm(body).map(|(offset, block)| Unclosed { offset, block })
}

/// A fence line: up to 3 spaces (any indentation or `>` prefixes here: the
/// scan is loose on purpose), then 3+ backticks or tildes. The fence and what
/// follows it.
fn fence_of(line: &str) -> Option<(char, usize, &str)> {
    let t = line.trim_start_matches([' ', '\t', '>']);
    let c = t.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = t.chars().take_while(|x| *x == c).count();
    if n < 3 {
        return None;
    }
    let rest = &t[n..];
    if c == '`' && rest.contains('`') {
        return None;
    }
    Some((c, n, rest))
}

/// Whether the page may hold a block that runs to its end: an open fence
/// after the last line, or a `<!--` with no `-->` after it.
fn maybe_unclosed(body: &str) -> bool {
    if let Some(last) = body.rfind("<!--")
        && !body[last..].contains("-->")
    {
        return true;
    }
    let mut open: Option<(char, usize)> = None;
    for line in body.lines() {
        let Some((c, n, rest)) = fence_of(line) else {
            continue;
        };
        match open {
            None => open = Some((c, n)),
            Some((oc, on)) if c == oc && n >= on && rest.trim().is_empty() => open = None,
            Some(_) => {}
        }
    }
    open.is_some()
}

/// The byte offset of a fenced code block or HTML comment block that
/// pulldown-cmark runs to the end of `body`.
fn confirm(body: &str) -> Option<(usize, Block)> {
    let end = body.trim_end().len();
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        if range.end < end {
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => {
                let text = &body[range.clone()];
                let first = text.lines().next().unwrap_or("");
                let (c, n, _) = fence_of(first)?;
                // Closed on its last line after all?
                let closed = text.lines().count() > 1
                    && text
                        .lines()
                        .last()
                        .and_then(fence_of)
                        .is_some_and(|(lc, ln, rest)| lc == c && ln >= n && rest.trim().is_empty());
                if !closed {
                    let fence = std::iter::repeat_n(c, n).collect();
                    return Some((range.start, Block::Fence(fence)));
                }
            }
            Event::Start(Tag::HtmlBlock) => {
                let text = &body[range.clone()];
                if let Some(open) = text.rfind("<!--")
                    && !text[open..].contains("-->")
                {
                    return Some((range.start + open, Block::Comment));
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(body: &str) -> Option<(usize, &'static str)> {
        find(body).map(|Unclosed { offset, block }| {
            let line = 1 + body[..offset].matches('\n').count();
            (
                line,
                match block {
                    Block::Comment => "comment",
                    Block::Fence(_) => "fence",
                },
            )
        })
    }

    #[test]
    fn an_unclosed_comment_or_fence_is_found_at_its_line() {
        assert_eq!(
            found("## Steps\n\n1. One\n\n<!-- TODO: check\n\n2. Two\n3. Three\n"),
            Some((5, "comment"))
        );
        assert_eq!(
            found("Intro\n\n```sh\nreboot\n\n## Verify\n\nPing.\n"),
            Some((3, "fence"))
        );
        assert_eq!(found("a\n\n~~~~\nx\n~~~\n"), Some((3, "fence")));
    }

    #[test]
    fn closed_blocks_and_text_that_only_looks_like_them_are_fine() {
        for body in [
            "<!-- a -->\n\ntext\n",
            "<!--\nmulti\nline\n-->\n\ntext\n",
            "```\ncode\n```\n",
            "```\ncode\n```",
            "~~~~\n```\nnot a closer\n~~~~\n",
            // In a code span or a code block, `<!--` is text.
            "Use `<!--` to start a comment.\n",
            "```html\n<!-- unclosed in an example\n```\n",
            "    <!-- indented code\n",
            // A fence inside a list item ends with the item.
            "- item\n\n  ```\n  code\n\nafter the list\n",
            "",
        ] {
            assert_eq!(found(body), None, "{body:?}");
        }
    }
}
