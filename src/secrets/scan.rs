//! Scanning a text a line at a time, with the state a line's meaning depends
//! on: markdown fences, PEM blocks, the line above. Text may come in pieces
//! (large files are streamed); the state carries over.

use super::catalogue::{self, ALLOW, Context, Hit, LineKind};
use super::decode::Chunks;
use std::io::Read;

/// How a file's lines are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// A page: front matter (data) above this 1-based line, then prose with
    /// fenced code.
    Markdown {
        /// The body's first line.
        body_line: usize,
    },
    /// Every line the same way.
    Uniform(LineKind),
}

/// A hit on a numbered line; `allowed` when the line carries [`ALLOW`].
#[derive(Debug, Clone)]
pub struct LineHit {
    /// 1-based line of the hit.
    pub line: usize,
    /// What was found.
    pub hit: Hit,
    /// The line carries an allow comment.
    pub allowed: bool,
}

pub(crate) struct Scanner {
    syntax: Syntax,
    /// 1-based number of the line the next piece starts on.
    line: usize,
    fence: Option<(u8, usize)>,
    in_pem: bool,
    hex_context_above: bool,
}

impl Scanner {
    pub(crate) fn new(syntax: Syntax) -> Scanner {
        Scanner {
            syntax,
            line: 1,
            fence: None,
            in_pem: false,
            hex_context_above: false,
        }
    }

    /// Scan a piece of text. A piece that does not end with `\n` continues on
    /// the same line in the next piece. `last`: no piece follows, so lines
    /// after the last candidate need not be read.
    pub(crate) fn feed(&mut self, text: &str, last: bool, out: &mut dyn FnMut(LineHit)) {
        let Ok(patterns) = catalogue::patterns() else {
            // Reported once by the scan's caller (`catalogue::problem`).
            return;
        };
        let mut spots = catalogue::candidates(text, self.uniform_kind())
            .into_iter()
            .peekable();
        if spots.peek().is_none() && last {
            return;
        }
        let mut offset = 0;
        let mut prev: Option<&str> = None;
        for segment in text.split_inclusive('\n') {
            let end = offset + segment.len();
            offset = end;
            let line = segment.trim_end_matches(['\n', '\r']);
            let kind = self.kind(line);
            let pem_body = self.in_pem && is_pem_body(line);
            if patterns.pem_begin.is_match(line) {
                self.in_pem = true;
            } else if line.contains("-----END ") || !pem_body {
                self.in_pem = false;
            }
            let mut here = false;
            while spots.next_if(|&s| s < end).is_some() {
                here = true;
            }
            if here {
                let ctx = Context {
                    hex_context_above: match prev {
                        Some(p) => catalogue::mentions_hex_context(p),
                        None => self.hex_context_above,
                    },
                };
                // A PEM body is reported once, at its header, not per line.
                let kind = if pem_body { LineKind::Opaque } else { kind };
                let allowed = line.contains(ALLOW);
                for hit in catalogue::scan_line(line, kind, ctx) {
                    out(LineHit {
                        line: self.line,
                        hit,
                        allowed,
                    });
                }
            }
            prev = Some(line);
            if segment.ends_with('\n') {
                self.line += 1;
            }
            if last && spots.peek().is_none() {
                return;
            }
        }
        if let Some(p) = prev {
            self.hex_context_above = catalogue::mentions_hex_context(p);
        }
    }

    /// The kind of every line, when it is the same for all.
    fn uniform_kind(&self) -> LineKind {
        match self.syntax {
            Syntax::Uniform(kind) => kind,
            Syntax::Markdown { .. } => LineKind::Prose,
        }
    }

    fn kind(&mut self, line: &str) -> LineKind {
        match self.syntax {
            Syntax::Uniform(kind) => kind,
            Syntax::Markdown { body_line } if self.line < body_line => LineKind::Data,
            Syntax::Markdown { .. } => {
                let was_code = self.fence.is_some();
                self.fence = next_fence(self.fence, line);
                if was_code || self.fence.is_some() {
                    LineKind::Code
                } else {
                    LineKind::Prose
                }
            }
        }
    }
}

/// Scan a whole text held in memory.
pub fn scan_text(text: &str, syntax: Syntax, out: &mut dyn FnMut(LineHit)) {
    Scanner::new(syntax).feed(text, true, out);
}

/// Scan a file or byte stream of any size and encoding in bounded memory.
/// `syntax_of` picks the reading from whether the bytes are binary.
pub(crate) fn scan_reader(
    reader: impl Read,
    syntax_of: impl FnOnce(bool) -> Syntax,
    out: &mut dyn FnMut(LineHit),
) -> std::io::Result<()> {
    let mut chunks = Chunks::new(reader)?;
    let mut scanner = Scanner::new(syntax_of(chunks.binary));
    let mut current = chunks.next_chunk()?;
    while let Some(text) = current {
        let next = chunks.next_chunk()?;
        scanner.feed(&text, next.is_none(), out);
        current = next;
    }
    Ok(())
}

/// A line inside a PEM block: base64, a header line, or blank.
fn is_pem_body(line: &str) -> bool {
    let t = line.trim_matches(|c: char| c.is_whitespace() || "\"',".contains(c));
    if t.is_empty() {
        return true;
    }
    if t.len() <= 100
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
    {
        return true;
    }
    // Headers of PEM (RFC 1421) and OpenPGP armor.
    const HEADERS: &[&str] = &[
        "Proc-Type",
        "DEK-Info",
        "Version",
        "Comment",
        "Hash",
        "Charset",
    ];
    t.split_once(": ")
        .is_some_and(|(k, _)| HEADERS.iter().any(|h| h.eq_ignore_ascii_case(k)))
}

/// The fence state after `line`: opened by ``` or ~~~ (3 or more), closed by the same run.
fn next_fence(fence: Option<(u8, usize)>, line: &str) -> Option<(u8, usize)> {
    let t = line.trim_start();
    let ch = match t.as_bytes().first() {
        Some(&c @ (b'`' | b'~')) => c,
        _ => return fence,
    };
    let run = t.bytes().take_while(|&b| b == ch).count();
    if run < 3 {
        return fence;
    }
    match fence {
        None if ch == b'`' && t[run..].contains('`') => None,
        None => Some((ch, run)),
        Some((c, n)) if c == ch && run >= n && t[run..].trim().is_empty() => None,
        Some(f) => Some(f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, syntax: Syntax) -> Vec<usize> {
        let mut found = Vec::new();
        scan_text(text, syntax, &mut |h| found.push(h.line));
        found.dedup();
        found
    }

    #[test]
    fn fences_open_and_close() {
        let mut f = None;
        f = next_fence(f, "```bash");
        assert_eq!(f, Some((b'`', 3)));
        f = next_fence(f, "``");
        assert!(f.is_some());
        f = next_fence(f, "~~~");
        assert!(f.is_some());
        f = next_fence(f, "````");
        assert_eq!(f, None);
        assert_eq!(next_fence(None, "```inline``` text"), None);
    }

    #[test]
    fn a_begin_line_does_not_stop_the_scan() {
        let text = "```\n# -----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHHIG...\nexport TOKEN=Zq8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6Gh7Ij8Kl9\n```\n";
        assert_eq!(lines(text, Syntax::Markdown { body_line: 1 }), vec![4]);
    }

    #[test]
    fn a_certificate_body_is_not_random_text() {
        let text = "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\nRTESMBAGA1UEChMJQmFsdGltb3JlMRMwEQYDVQQLEwpDeWJlclRydXN0MSIwIAYD\n-----END CERTIFICATE-----\n";
        assert!(lines(text, Syntax::Uniform(LineKind::Code)).is_empty());
    }

    #[test]
    fn hex_after_a_commit_line_is_a_commit() {
        let text = "# pinned to a commit SHA\nrun: echo c86d0dc0a1b2c3d4e5f60718293a4b5c6d7e8f90\n- uses: some/action@c86d0dc0a1b2c3d4e5f60718293a4b5c6d7e8f90\n";
        assert!(lines(text, Syntax::Uniform(LineKind::Code)).is_empty());
        let random = "git commit -m wip && export KEY=Zq8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6Gh7I\n";
        assert_eq!(lines(random, Syntax::Uniform(LineKind::Code)), vec![1]);
    }

    #[test]
    fn streamed_text_finds_a_token_across_a_cut() {
        // The first piece ends after 8 KiB + 16 reads of 64 KiB: put a token across it.
        let cut = 8192 + 16 * 65536;
        let token = "ghp_R8mKq2Lz9XwT4vBn7YcD1eFgH3iJ5kLmN6oP";
        let mut text = "x".repeat(cut - 20);
        text.push(' ');
        text.push_str(token);
        text.push(' ');
        text.push_str(&"y".repeat(2 * super::super::decode::CHUNK));
        let mut found = Vec::new();
        scan_reader(
            text.as_bytes(),
            |_| Syntax::Uniform(LineKind::Markup),
            &mut |h| found.push(h.hit.what),
        )
        .unwrap();
        assert!(found.contains(&"a GitHub token"), "{found:?}");
    }
}
