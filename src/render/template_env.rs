//! Templates cannot read the build machine: tera's `get_env` would put a CI
//! runner's secrets (which need not look like tokens, so the output gate
//! passes them) on every page. A call of it anywhere in a template's tags is
//! `template-env`, found when the theme loads; the function itself is
//! replaced by one that fails, so a call the scan missed still reads nothing.
//! Tera without its default features has no other function or filter that
//! reads the environment or the file system (`include` and `extends` name
//! only templates already loaded).

use std::collections::HashMap;

/// The functions a template may not call.
const FORBIDDEN: &[&str] = &["get_env"];

/// The 1-based lines of `template` where a tag calls a forbidden function,
/// with its name. Strings, comments and `{% raw %}` blocks are text, not calls.
pub(crate) fn forbidden_calls(template: &str) -> Vec<(usize, &'static str)> {
    let bytes = template.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    let mut in_raw = false;
    while let Some(open) = find(bytes, i, b"{") {
        let kind = bytes.get(open + 1).copied();
        if in_raw {
            // Only `{% endraw %}` ends a raw block.
            if kind == Some(b'%') {
                let end = find(bytes, open + 2, b"%}").unwrap_or(bytes.len());
                if tag_word(&template[open + 2..end]) == "endraw" {
                    in_raw = false;
                }
                i = end;
            } else {
                i = open + 1;
            }
            continue;
        }
        match kind {
            Some(b'#') => i = find(bytes, open + 2, b"#}").map_or(bytes.len(), |e| e + 2),
            Some(close @ (b'{' | b'%')) => {
                let closer: &[u8] = if close == b'{' { b"}}" } else { b"%}" };
                let end = tag_calls(template, open + 2, closer, &mut found);
                if close == b'%' && tag_word(&template[open + 2..end.min(bytes.len())]) == "raw" {
                    in_raw = true;
                }
                i = end;
            }
            _ => i = open + 1,
        }
    }
    found
}

/// Read one tag from `start` to its `closer` (outside strings), recording
/// forbidden calls; returns where the tag's text ends.
fn tag_calls(
    template: &str,
    start: usize,
    closer: &[u8],
    found: &mut Vec<(usize, &'static str)>,
) -> usize {
    let bytes = template.as_bytes();
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        if bytes[i..].starts_with(closer) {
            return i;
        }
        if matches!(b, b'"' | b'\'' | b'`') {
            // Tera strings have no escapes: the next same quote ends them.
            i = find(bytes, i + 1, &[b]).map_or(bytes.len(), |e| e + 1);
            continue;
        }
        if is_ident(b) {
            let word_start = i;
            while i < bytes.len() && is_ident(bytes[i]) {
                i += 1;
            }
            let word = &template[word_start..i];
            let mut next = i;
            while next < bytes.len() && bytes[next].is_ascii_whitespace() {
                next += 1;
            }
            let preceded_by_ident = word_start > 0 && is_ident(bytes[word_start - 1]);
            if bytes.get(next) == Some(&b'(')
                && !preceded_by_ident
                && let Some(name) = FORBIDDEN.iter().find(|f| **f == word)
            {
                found.push((line_of(bytes, word_start), *name));
            }
            continue;
        }
        i += 1;
    }
    bytes.len()
}

/// The first word of a `{% … %}` tag's text, whitespace control aside.
fn tag_word(inner: &str) -> &str {
    inner
        .trim_start_matches('-')
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches('-')
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn line_of(bytes: &[u8], at: usize) -> usize {
    1 + bytes[..at].iter().filter(|&&b| b == b'\n').count()
}

/// Stands in for tera's `get_env`: fails the render, reading nothing.
pub(crate) fn refuse_env(_args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    Err(tera::Error::msg(
        "template-env: templates cannot read the environment (`get_env`)",
    ))
}

#[cfg(test)]
mod tests {
    use super::forbidden_calls;

    #[test]
    fn calls_in_tags_are_found_with_their_line() {
        let t = "<p>\n{{ get_env(name=\"DBPASS\", default=\"none\") }}</p>\n{% set x = get_env (name='A') %}\n{{ x | default(value=get_env(name=`B`)) }}";
        assert_eq!(
            forbidden_calls(t),
            vec![(2, "get_env"), (3, "get_env"), (4, "get_env")]
        );
    }

    #[test]
    fn text_strings_comments_and_raw_blocks_are_not_calls() {
        let t = "get_env(name='X') in text\n{{ \"get_env(\" }}\n{# get_env(name='X') #}\n{% raw %}{{ get_env(name='X') }}{% endraw %}\n{{ my_get_env(x=1) }}{{ get_envy() }}";
        assert_eq!(forbidden_calls(t), vec![]);
    }

    #[test]
    fn whitespace_control_and_macros_are_read() {
        let t = "{%- macro m() -%}{{- get_env(name='A') -}}{%- endmacro m -%}\n{%- raw -%}x{%- endraw -%}{{ get_env(name='B') }}";
        assert_eq!(forbidden_calls(t), vec![(1, "get_env"), (2, "get_env")]);
    }
}
