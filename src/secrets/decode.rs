//! Bytes as their reader gets them: a file in any encoding read as text in
//! bounded chunks, HTML entities decoded, HTML reduced to its text and
//! attribute values.

use super::LineKind;
use std::borrow::Cow;
use std::io::{self, Read};

/// Text is handed on in pieces of about this many bytes, cut at a line end.
pub(crate) const CHUNK: usize = 1 << 20;
/// A line longer than a chunk is cut, and this much of its end is scanned
/// again at the start of the next piece, so a token across the cut is found.
pub(crate) const OVERLAP: usize = 4096;

/// A file (or bytes) read as text, a chunk at a time: a BOM (UTF-8, UTF-16
/// LE/BE) or UTF-16 without one is recognised and decoded; anything else is
/// read as UTF-8, invalid bytes replaced.
pub(crate) struct Chunks<R> {
    reader: R,
    decoder: encoding_rs::Decoder,
    buf: Vec<u8>,
    pending: String,
    eof: bool,
    /// NUL bytes in the first 8 KiB of a file that is not UTF-16: not text.
    pub binary: bool,
}

impl<R: Read> Chunks<R> {
    pub(crate) fn new(mut reader: R) -> io::Result<Self> {
        let mut first = vec![0u8; 8192];
        let n = read_full(&mut reader, &mut first)?;
        first.truncate(n);
        let (encoding, bom) = sniff(&first);
        let binary = bom == 0 && encoding == encoding_rs::UTF_8 && first.contains(&0);
        let mut chunks = Chunks {
            reader,
            decoder: encoding.new_decoder_without_bom_handling(),
            buf: vec![0u8; 64 * 1024],
            pending: String::new(),
            eof: n < 8192,
            binary,
        };
        chunks.decode(&first[bom..], chunks.eof);
        Ok(chunks)
    }

    fn decode(&mut self, bytes: &[u8], last: bool) {
        let need = self
            .decoder
            .max_utf8_buffer_length(bytes.len())
            .unwrap_or(bytes.len() * 3 + 16);
        self.pending.reserve(need);
        let _ = self
            .decoder
            .decode_to_string(bytes, &mut self.pending, last);
    }

    /// The next piece of text: whole lines, or for a line longer than
    /// [`CHUNK`] a cut piece that ends without `\n` (the next piece repeats its
    /// last [`OVERLAP`] bytes). `None` at the end.
    pub(crate) fn next_chunk(&mut self) -> io::Result<Option<String>> {
        while !self.eof && self.pending.len() < CHUNK {
            let mut buf = std::mem::take(&mut self.buf);
            let n = read_full(&mut self.reader, &mut buf)?;
            self.eof = n < buf.len();
            self.decode(&buf[..n], self.eof);
            self.buf = buf;
        }
        if self.pending.is_empty() {
            return Ok(None);
        }
        if self.eof && self.pending.len() <= CHUNK {
            return Ok(Some(std::mem::take(&mut self.pending)));
        }
        if let Some(i) = self.pending.rfind('\n') {
            let rest = self.pending.split_off(i + 1);
            return Ok(Some(std::mem::replace(&mut self.pending, rest)));
        }
        let mut cut = self.pending.len().saturating_sub(OVERLAP);
        while !self.pending.is_char_boundary(cut) {
            cut -= 1;
        }
        let rest = self.pending[cut..].to_string();
        Ok(Some(std::mem::replace(&mut self.pending, rest)))
    }
}

/// Fill `buf` as far as the reader goes; the count read.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The encoding of a file from its first bytes, and the length of its BOM.
fn sniff(first: &[u8]) -> (&'static encoding_rs::Encoding, usize) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(first) {
        return (encoding, bom);
    }
    // UTF-16 without a BOM: ASCII text has a NUL in every other byte.
    let pairs = first.len() / 2;
    if pairs >= 8 {
        let odd = first.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
        let even = first.iter().step_by(2).filter(|&&b| b == 0).count();
        if odd * 10 >= pairs * 9 && even * 10 < pairs {
            return (encoding_rs::UTF_16LE, 0);
        }
        if even * 10 >= pairs * 9 && odd * 10 < pairs {
            return (encoding_rs::UTF_16BE, 0);
        }
    }
    (encoding_rs::UTF_8, 0)
}

/// HTML character references decoded as a browser would: numeric ones (with
/// or without `;`), every named one that stands for an ASCII character, and
/// `&nbsp;`. A decoded line break becomes a space, so lines stay lines.
pub(crate) fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    push_decoded(&mut out, s);
    Cow::Owned(out)
}

/// [`decode_entities`] appended to `out`.
pub(crate) fn push_decoded(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(at) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        match entity(after) {
            Some((c, used)) => {
                out.push(if c == '\n' || c == '\r' { ' ' } else { c });
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// The character a reference after `&` stands for, and the bytes it used.
fn entity(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    if b.first() == Some(&b'#') {
        let (hex, start) = match b.get(1) {
            Some(b'x' | b'X') => (true, 2),
            _ => (false, 1),
        };
        let digits = b[start..]
            .iter()
            .take_while(|c| {
                if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                }
            })
            .count();
        if digits == 0 {
            return None;
        }
        let text = &s[start..start + digits];
        let code = u32::from_str_radix(text, if hex { 16 } else { 10 }).unwrap_or(0xFFFD);
        let c = char::from_u32(code)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{FFFD}');
        let mut used = start + digits;
        if b.get(used) == Some(&b';') {
            used += 1;
        }
        return Some((c, used));
    }
    let name_len = b.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    let name = &s[..name_len];
    let semi = b.get(name_len) == Some(&b';');
    if semi && let Some(&(_, c)) = NAMED.iter().find(|(n, _)| *n == name) {
        return Some((c, name_len + 1));
    }
    // Without `;` a browser takes the longest legacy name the text starts with.
    let legacy = LEGACY
        .iter()
        .filter(|l| name.starts_with(**l))
        .max_by_key(|l| l.len())?;
    let c = NAMED.iter().find(|(n, _)| n == legacy).map(|&(_, c)| c)?;
    Some((c, legacy.len()))
}

/// Named references a browser reads without the `;`.
const LEGACY: &[&str] = &[
    "amp", "AMP", "lt", "LT", "gt", "GT", "quot", "QUOT", "nbsp", "copy", "reg",
];

/// Every HTML named reference for an ASCII character, and a few spaces.
const NAMED: &[(&str, char)] = &[
    ("Tab", '\t'),
    ("NewLine", '\n'),
    ("excl", '!'),
    ("quot", '"'),
    ("QUOT", '"'),
    ("num", '#'),
    ("dollar", '$'),
    ("percnt", '%'),
    ("amp", '&'),
    ("AMP", '&'),
    ("apos", '\''),
    ("lpar", '('),
    ("rpar", ')'),
    ("ast", '*'),
    ("midast", '*'),
    ("plus", '+'),
    ("comma", ','),
    ("period", '.'),
    ("sol", '/'),
    ("colon", ':'),
    ("semi", ';'),
    ("lt", '<'),
    ("LT", '<'),
    ("equals", '='),
    ("gt", '>'),
    ("GT", '>'),
    ("quest", '?'),
    ("commat", '@'),
    ("lsqb", '['),
    ("lbrack", '['),
    ("bsol", '\\'),
    ("rsqb", ']'),
    ("rbrack", ']'),
    ("Hat", '^'),
    ("lowbar", '_'),
    ("UnderBar", '_'),
    ("grave", '`'),
    ("DiacriticalGrave", '`'),
    ("lcub", '{'),
    ("lbrace", '{'),
    ("verbar", '|'),
    ("vert", '|'),
    ("VerticalLine", '|'),
    ("rcub", '}'),
    ("rbrace", '}'),
    ("nbsp", ' '),
    ("NonBreakingSpace", ' '),
    ("ensp", ' '),
    ("emsp", ' '),
    ("thinsp", ' '),
    ("hyphen", '-'),
    ("dash", '-'),
    ("minus", '-'),
    ("copy", '©'),
    ("reg", '®'),
];

/// What a reader of an HTML file gets, sorted by how it is read: rendered
/// text (inline `<code>` kept in backticks), the text of `<pre>` blocks,
/// attribute values, and the insides of `<script>`/`<style>` and comments.
#[derive(Debug, Default)]
pub(crate) struct ReaderText {
    pub prose: String,
    pub code: String,
    pub data: String,
    pub markup: String,
}

impl ReaderText {
    pub(crate) fn parts(&self) -> [(&str, LineKind); 4] {
        [
            (&self.prose, LineKind::Prose),
            (&self.code, LineKind::Code),
            (&self.data, LineKind::Data),
            (&self.markup, LineKind::Markup),
        ]
    }
}

/// Elements that do not break a line of text.
fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "b"
            | "bdi"
            | "bdo"
            | "cite"
            | "code"
            | "data"
            | "dfn"
            | "em"
            | "font"
            | "i"
            | "ins"
            | "del"
            | "kbd"
            | "mark"
            | "q"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "strong"
            | "sub"
            | "sup"
            | "time"
            | "u"
            | "var"
            | "wbr"
    )
}

/// The text of an HTML document, entities decoded and markup removed.
pub(crate) fn reader_text(html: &str) -> ReaderText {
    let mut out = ReaderText::default();
    let b = html.as_bytes();
    let mut pre = 0usize;
    let mut text_from = 0;
    let mut i = 0;
    while i < b.len() {
        match memchr::memchr(b'<', &b[i..]) {
            Some(at) => i += at,
            None => break,
        }
        let next = b.get(i + 1).copied().unwrap_or(0);
        if !(next.is_ascii_alphabetic() || next == b'/' || next == b'!' || next == b'?') {
            i += 1;
            continue;
        }
        let text = &html[text_from..i];
        push_decoded(
            if pre > 0 {
                &mut out.code
            } else {
                &mut out.prose
            },
            text,
        );
        if html[i..].starts_with("<!--") {
            let end = html[i + 4..].find("-->").map_or(b.len(), |e| i + 4 + e);
            out.markup.push_str(&html[i + 4..end]);
            out.markup.push('\n');
            i = (end + 3).min(b.len());
            text_from = i;
            continue;
        }
        if next == b'!' || next == b'?' {
            i = html[i..].find('>').map_or(b.len(), |e| i + e + 1);
            text_from = i;
            continue;
        }
        let closing = next == b'/';
        let name_start = i + 1 + usize::from(closing);
        let name_len = b[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
            .count();
        // Lowercased on the stack: every name this reads is short.
        let mut lower = [0u8; 10];
        let name = match b.get(name_start..name_start + name_len) {
            Some(n) if n.len() <= lower.len() => {
                lower[..n.len()].copy_from_slice(n);
                lower[..n.len()].make_ascii_lowercase();
                std::str::from_utf8(&lower[..n.len()]).unwrap_or("")
            }
            _ => "",
        };
        let end = tag_end(b, name_start + name_len);
        if !closing {
            attributes(
                &html[name_start + name_len..end.saturating_sub(1).max(name_start + name_len)],
                &mut out.data,
            );
        }
        i = end;
        text_from = i;
        match name {
            "pre" if closing => {
                pre = pre.saturating_sub(1);
                out.code.push('\n');
            }
            "pre" => {
                pre += 1;
                out.prose.push('\n');
            }
            "code" if pre == 0 => out.prose.push('`'),
            "script" | "style" | "textarea" | "title" if !closing => {
                let inner_end = find_close(&html[i..], name).map_or(b.len(), |e| i + e);
                let inner = &html[i..inner_end];
                if name == "textarea" || name == "title" {
                    out.prose.push('\n');
                    push_decoded(&mut out.prose, inner);
                    out.prose.push('\n');
                } else {
                    out.markup.push_str(inner);
                    out.markup.push('\n');
                }
                i = inner_end;
                text_from = i;
            }
            _ if is_inline(name) => {}
            _ => {
                if pre > 0 {
                    if name == "br" {
                        out.code.push('\n');
                    }
                } else {
                    out.prose.push('\n');
                }
            }
        }
    }
    let text = &html[text_from.min(b.len())..];
    push_decoded(
        if pre > 0 {
            &mut out.code
        } else {
            &mut out.prose
        },
        text,
    );
    out
}

/// The index just past the `>` that ends a tag, quotes respected.
fn tag_end(b: &[u8], mut i: usize) -> usize {
    let mut quote = 0u8;
    while i < b.len() {
        let c = b[i];
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            quote = c;
        } else if c == b'>' {
            return i + 1;
        }
        i += 1;
    }
    b.len()
}

/// Attribute values of a tag (except `class`), decoded, one a line.
fn attributes(s: &str, out: &mut String) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let name_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'>' {
            i += 1;
        }
        let name = &s[name_start..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            if i == name_start {
                i += 1;
            }
            continue;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let (value, next) = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = memchr::memchr(q, &b[i + 1..]).map_or(b.len(), |e| i + 1 + e);
                (&s[i + 1..end], end + 1)
            }
            _ => {
                let end = s[i..]
                    .find(|c: char| c.is_ascii_whitespace())
                    .map_or(b.len(), |e| i + e);
                (&s[i..end], end)
            }
        };
        i = next;
        if !name.eq_ignore_ascii_case("class") && !value.is_empty() {
            push_decoded(out, value);
            out.push('\n');
        }
    }
}

/// Where `</name` starts in `hay` (the name in any case).
fn find_close(hay: &str, name: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = name.as_bytes();
    memchr::memmem::find_iter(h, b"</").find(|&i| {
        h.get(i + 2..i + 2 + n.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(n))
    })
}

/// The string literals of a generated script (the search index), decoded:
/// one a line.
pub(crate) fn js_strings(js: &str) -> String {
    let mut out = String::with_capacity(js.len());
    let mut chars = js.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n' | 'r' | 't') => out.push(' '),
                    Some('u') => {
                        let hex: String = chars.by_ref().take(4).collect();
                        let c = u32::from_str_radix(&hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .unwrap_or('\u{FFFD}');
                        out.push(if c == '\n' { ' ' } else { c });
                    }
                    Some(c) => out.push(c),
                    None => break,
                },
                c => out.push(c),
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_decode_like_a_browser() {
        assert_eq!(decode_entities("ghp&#95;x"), "ghp_x");
        assert_eq!(decode_entities("&#x41;KIA"), "AKIA");
        assert_eq!(decode_entities("&#65KIA"), "AKIA");
        assert_eq!(decode_entities("a&lowbar;b &amp; c&ampd"), "a_b & c&d");
        assert_eq!(decode_entities("&unknown; &#;"), "&unknown; &#;");
        assert_eq!(decode_entities("a&#10;b"), "a b");
    }

    #[test]
    fn reader_text_joins_inline_markup_and_keeps_attributes() {
        let r = reader_text(
            "<p title=\"t&#105;tle\">AKIA<span class=\"x\">Q3EG</span>TW7 <code>c</code></p><pre><code>line1\n<span>li</span>ne2</code></pre><script>var a=1</script><!-- note -->",
        );
        assert!(r.prose.contains("AKIAQ3EGTW7 `c`"), "{r:?}");
        assert!(r.code.contains("line1\nline2"), "{r:?}");
        assert!(r.data.contains("title"), "{r:?}");
        assert!(!r.data.contains('x'), "{r:?}");
        assert!(
            r.markup.contains("var a=1") && r.markup.contains("note"),
            "{r:?}"
        );
    }

    #[test]
    fn chunks_decode_utf16_and_cut_long_lines_with_overlap() {
        let text = "$password = \"Winter2024!\"\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let mut c = Chunks::new(&bytes[..]).unwrap();
        assert!(!c.binary);
        assert_eq!(c.next_chunk().unwrap().as_deref(), Some(text));
        assert_eq!(c.next_chunk().unwrap(), None);

        let long = format!("{}TOKEN{}", "a".repeat(CHUNK - 2), "b".repeat(CHUNK));
        let mut c = Chunks::new(long.as_bytes()).unwrap();
        let mut pieces = Vec::new();
        while let Some(p) = c.next_chunk().unwrap() {
            pieces.push(p);
        }
        assert!(pieces.len() >= 2, "{}", pieces.len());
        assert!(pieces.iter().any(|p| p.contains("TOKEN")));
        assert!(pieces.iter().all(|p| p.len() <= 2 * CHUNK + OVERLAP));
    }

    #[test]
    fn nul_bytes_mark_binary() {
        let c = Chunks::new(&b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..]).unwrap();
        assert!(c.binary);
    }
}
