//! Scanning a text a line at a time, with the state a line's meaning depends
//! on: markdown fences, PEM blocks, the line above. Text may come in pieces
//! (large files are streamed); the state carries over.

use super::LineKind;
use super::catalogue::{self, ALLOW, Context, Hit};
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
    /// The column of the line above, a table header, that names a password.
    header_secret: Option<usize>,
    /// In the body of a markdown table: the column that holds passwords.
    secret_column: Option<usize>,
}

impl Scanner {
    pub(crate) fn new(syntax: Syntax) -> Scanner {
        Scanner {
            syntax,
            line: 1,
            fence: None,
            in_pem: false,
            hex_context_above: false,
            header_secret: None,
            secret_column: None,
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
        if spots.peek().is_none() && last && !self.in_secret_table() {
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
            if let Some(hit) = self.table_row(line, kind) {
                out(LineHit {
                    line: self.line,
                    hit,
                    allowed: line.contains(ALLOW),
                });
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
            if last && spots.peek().is_none() && !self.in_secret_table() {
                return;
            }
        }
        if let Some(p) = prev {
            self.hex_context_above = catalogue::mentions_hex_context(p);
        }
    }

    fn in_secret_table(&self) -> bool {
        self.header_secret.is_some() || self.secret_column.is_some()
    }

    /// A markdown table row under a header that names a password column
    /// (`| User | Password |`): the value in that column, when it is one.
    fn table_row(&mut self, line: &str, kind: LineKind) -> Option<Hit> {
        if kind != LineKind::Prose || !line.contains('|') {
            self.header_secret = None;
            self.secret_column = None;
            return None;
        }
        let cells = table_cells(line);
        if cells.iter().all(|c| is_delimiter_cell(c)) {
            self.secret_column = self.header_secret.take();
            return None;
        }
        if let Some(column) = self.secret_column {
            return catalogue::table_password(cells.get(column)?);
        }
        self.header_secret = cells.iter().position(|c| catalogue::names_password(c));
        None
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

/// The cells of a markdown table row, trimmed, outer pipes dropped.
fn table_cells(line: &str) -> Vec<&str> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|').map(str::trim).collect()
}

/// `---`, `:--`, `:-:`: a cell of the row under a table's header.
fn is_delimiter_cell(cell: &str) -> bool {
    let t = cell.trim_matches(':');
    !t.is_empty() && t.bytes().all(|b| b == b'-')
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

    fn whats(text: &str, syntax: Syntax) -> Vec<&'static str> {
        let mut found = Vec::new();
        scan_text(text, syntax, &mut |h| found.push(h.hit.what));
        found
    }

    const PROSE: Syntax = Syntax::Uniform(LineKind::Prose);
    const MD: Syntax = Syntax::Markdown { body_line: 1 };
    const AWS: &str = "AKIAQ3EGTW7PKD4LRX2M";
    const GHP: &str = "ghp_R8mKq2Lz9XwT4vBn7YcD1eFgH3iJ5kLmN6oP";

    // Issue 24, §3: each a miss of the gate.
    #[test]
    fn a_token_glued_to_a_letter_digit_underscore_or_space_code_is_found() {
        for before in ["x", "7", "_", "%20", "id_"] {
            for token in [AWS, GHP] {
                let text = format!("see {before}{token} here\n");
                for kind in [
                    LineKind::Prose,
                    LineKind::Code,
                    LineKind::Markup,
                    LineKind::Data,
                    LineKind::Opaque,
                ] {
                    assert!(
                        !whats(&text, Syntax::Uniform(kind)).is_empty(),
                        "{kind:?}: {text}"
                    );
                }
            }
        }
    }

    #[test]
    fn zero_width_characters_inside_a_token_do_not_hide_it() {
        for zw in ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'] {
            for token in [AWS, GHP] {
                let (a, b) = token.split_at(6);
                let text = format!("The key is {a}{zw}{b}.\n");
                for syntax in [PROSE, MD, Syntax::Uniform(LineKind::Markup)] {
                    assert!(!whats(&text, syntax).is_empty(), "{zw:?} in {token}");
                }
            }
        }
    }

    #[test]
    fn a_percent_encoded_token_in_a_link_is_found() {
        let link = "[portal](https://portal.example/login?key=%41%4B%49%41Q3EGTW7PKD4LRX2M)\n";
        assert_eq!(whats(link, MD), vec!["an AWS access key id"]);
        let gh =
            "<a href=\"https://x.example/?t=ghp%5FR8mKq2Lz9XwT4vBn7YcD1eFgH3iJ5kLmN6oP\">x</a>\n";
        assert_eq!(
            whats(gh, Syntax::Uniform(LineKind::Markup)),
            vec!["a GitHub token"]
        );
    }

    #[test]
    fn a_password_in_a_markdown_table_under_a_password_header_is_found() {
        let table = "Accounts:\n\n| User | Password |\n|------|----------|\n| admin | P@ssw0rd! |\n| guest | see the vault |\n\nDone.\n| x | Zz9!Zz9!Zz9! |\n";
        let mut lines = Vec::new();
        scan_text(table, MD, &mut |h| lines.push((h.line, h.hit.what)));
        assert_eq!(lines, vec![(5, "a password")]);
    }

    #[test]
    fn a_password_in_web_config_or_net_use_is_found() {
        let config = "<appSettings>\n  <add key=\"Password\" value=\"P@ssw0rd!\" />\n  <add key=\"Password\" value=\"\" />\n</appSettings>\n";
        for kind in [LineKind::Markup, LineKind::Code, LineKind::Data] {
            assert_eq!(lines(config, Syntax::Uniform(kind)), vec![2], "{kind:?}");
        }
        let net = "```\nnet use \\\\srv\\share /user:acme\\svc P@ssw0rd!\nnet use \\\\srv\\share /user:acme\\svc *\n```\n";
        assert_eq!(lines(net, MD), vec![2]);
        let prose = "Map it: net use \\\\srv\\share /user:acme\\svc P@ssw0rd!\n";
        assert_eq!(lines(prose, PROSE), vec![1]);
    }

    // Issue 24, §4: each a false positive that blocked a real site.
    #[test]
    fn names_guids_hashed_files_and_device_ids_in_code_are_not_secrets() {
        for code in [
            "`CollectorHigh403ForbiddenResponseRate`",
            "`NooBaaSystemCapacityWarning100`",
            "`V4SubnetAllocationThresholdExceeded`",
            "`KubePersistentVolumeFillingUp`, `ClusterOperatorDegraded`",
            "`3f2b9c1d8e7a6b5c4d3e2f1a0b9c8d7e`",
            "`app.3f2b9c1d8e7a6b5c.js`",
            "`main.3f2b9c1d8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c.bundle.js`",
            "`nvme-Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R123456A`",
            "`ata-WDC_WD40EFRX-68N32N0_WD-WCC7K4HDX7RT`",
            "`usb-SanDisk_Ultra_Fit_4C530001230523115034-0:0`",
        ] {
            assert!(whats(&format!("Check {code}.\n"), MD).is_empty(), "{code}");
            let fenced = format!("```\n{}\n```\n", code.trim_matches('`'));
            assert!(whats(&fenced, MD).is_empty(), "fenced {code}");
        }
        // Random strings still are.
        for code in [
            "`Zq8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6Gh7I`",
            "`q8Tz1LmN0p_QrStUvWx2Yz3Ab4C-d5Ef6Gh7Ij8Kl9`",
        ] {
            assert!(!whats(&format!("Use {code}.\n"), MD).is_empty(), "{code}");
        }
    }
}
