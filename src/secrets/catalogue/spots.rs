//! Where in a text a closer look is worth it: the keywords of every rule,
//! long runs of token characters, and the writing that hides a token.

use super::patterns;
use crate::secrets::LineKind;

/// Byte offsets of the spots in `text` worth a closer look, in order: the
/// keywords, and (except in binary files) what one pass over the bytes finds:
/// runs of 32 or more token characters, and the writing that hides a token
/// from a plain match (entities, backslash escapes, `*`/`` ` `` or a tag
/// inside a word).
pub(crate) fn candidates(text: &str, kind: LineKind) -> Vec<usize> {
    let Ok(p) = patterns() else {
        return vec![0];
    };
    let finder = if kind == LineKind::Opaque {
        &p.format_candidate_words
    } else {
        &p.candidate
    };
    let mut spots: Vec<usize> = finder
        .find_iter(text)
        .filter(|m| &text[m.start()..m.end()] != "://" || url_with_password(&text[m.end()..]))
        .map(|m| m.start())
        .collect();
    if kind != LineKind::Opaque {
        let before = spots.len();
        byte_spots(text.as_bytes(), &mut spots);
        if spots.len() > before {
            spots.sort_unstable();
        }
    }
    spots
}

/// `user:password@` right after `://`.
fn url_with_password(rest: &str) -> bool {
    let end = rest
        .find(|c: char| c == '/' || c.is_whitespace())
        .unwrap_or(rest.len());
    let authority = &rest[..end];
    authority
        .split_once(':')
        .is_some_and(|(user, rest)| !user.is_empty() && !user.contains('@') && rest.contains('@'))
}

/// How [`byte_spots`] reads a byte.
const OTHER: u8 = 0;
const TOKEN: u8 = 1;
/// `&`, `\`, `*`, `` ` ``, `<`, `%`, and the lead bytes of zero-width
/// characters: may hide a token from a plain match.
const HIDER: u8 = 2;
const BYTE_CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-') {
            t[c] = TOKEN;
        } else if matches!(b, b'&' | b'\\' | b'*' | b'`' | b'<' | b'%' | 0xE2 | 0xEF) {
            t[c] = HIDER;
        }
        c += 1;
    }
    t
};

fn byte_spots(b: &[u8], spots: &mut Vec<usize>) {
    let mut run = 0usize;
    for (i, &c) in b.iter().enumerate() {
        match BYTE_CLASS[c as usize] {
            TOKEN => {
                run += 1;
                if run == 32 {
                    spots.push(i + 1 - 32);
                }
                continue;
            }
            OTHER => {
                run = 0;
                continue;
            }
            _ => run = 0,
        }
        let next = b.get(i + 1).copied().unwrap_or(b' ');
        let prev_alnum = i > 0 && b[i - 1].is_ascii_alphanumeric();
        let hides = match c {
            b'&' => next == b'#' || next.is_ascii_alphabetic(),
            b'\\' => next.is_ascii_punctuation(),
            b'*' | b'`' => {
                prev_alnum
                    && b[i..]
                        .iter()
                        .find(|&&x| x != b'*' && x != b'`')
                        .is_some_and(u8::is_ascii_alphanumeric)
            }
            b'<' => prev_alnum && (next.is_ascii_alphabetic() || next == b'/'),
            b'%' => next.is_ascii_hexdigit() && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit),
            // U+200B-U+200D, U+2060 (E2 80 8B-8D, E2 81 A0) and U+FEFF (EF BB BF).
            0xE2 => matches!(
                (next, b.get(i + 2).copied()),
                (0x80, Some(0x8B..=0x8D)) | (0x81, Some(0xA0))
            ),
            0xEF => next == 0xBB && b.get(i + 2) == Some(&0xBF),
            _ => false,
        };
        if hides {
            spots.push(i);
        }
    }
}
