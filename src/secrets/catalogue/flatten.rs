//! A line as its reader sees it: entities, escapes, percent-encoding,
//! zero-width characters and the markup a token can hide behind undone.

use super::patterns;
use std::borrow::Cow;

/// A line as its reader sees it: HTML entities decoded, backslash escapes
/// dropped, and the markup a token can hide behind (`**`, `` ` ``, inline
/// tags) removed. Borrowed when there is nothing to undo.
pub(crate) fn flatten(line: &str) -> Cow<'_, str> {
    if !line.contains(['&', '\\', '*', '`', '<', '%']) && !line.contains(ZERO_WIDTH) {
        return Cow::Borrowed(line);
    }
    let unseen: String;
    let line = if line.contains(ZERO_WIDTH) {
        unseen = line.replace(ZERO_WIDTH, "");
        unseen.as_str()
    } else {
        line
    };
    let percent: String;
    let line = if line.contains('%') {
        percent = percent_decoded(line);
        percent.as_str()
    } else {
        line
    };
    let decoded = crate::secrets::decode::decode_entities(line);
    let mut out = String::with_capacity(decoded.len());
    let mut chars = decoded.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(|n| n.is_ascii_punctuation()) => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '*' | '`' => {}
            c => out.push(c),
        }
    }
    match patterns() {
        Ok(p) if out.contains('<') => Cow::Owned(p.tag.replace_all(&out, "").into_owned()),
        _ => Cow::Owned(out),
    }
}

/// Characters a reader does not see, which split a token for a plain match.
pub(super) const ZERO_WIDTH: [char; 5] =
    ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];

/// `%XX` of printable ASCII decoded, as a browser shows a link's target.
pub(super) fn percent_decoded(line: &str) -> String {
    let b = line.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            )
            && (0x20..0x7f).contains(&(h * 16 + l))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    // Only ASCII bytes were put in place of ASCII: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}
