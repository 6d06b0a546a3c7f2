//! Long random strings in code: entropy, and what looks random but is not
//! (words, identifiers, hashes under a checksum line, public keys).

use super::placeholders::words;
use super::{Context, Hit, hit, preview};
use crate::secrets::LineKind;

/// Inline code spans of a line, as byte ranges including the backticks.
pub(super) fn code_spans(line: &str) -> Vec<(usize, usize)> {
    let b = line.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'`' {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i] == b'`' {
            i += 1;
        }
        let run = i - start;
        // Find the closing run of exactly the same length.
        let mut j = i;
        let mut closed = None;
        while j < b.len() {
            if b[j] == b'`' {
                let s = j;
                while j < b.len() && b[j] == b'`' {
                    j += 1;
                }
                if j - s == run {
                    closed = Some(j);
                    break;
                }
            } else {
                j += 1;
            }
        }
        match closed {
            Some(end) => {
                spans.push((start, end));
                i = end;
            }
            None => break,
        }
    }
    spans
}

/// Words that make a hex string a commit, checksum or hash.
const HEX_CONTEXT: &[&str] = &[
    "sha",
    "md5",
    "hash",
    "checksum",
    "thumbprint",
    "fingerprint",
    "digest",
    "commit",
    "git ",
    "integrity",
    "revision",
    "pinned",
];

/// The line names commits, checksums or hashes, so a hex string on it or
/// below it is one.
pub(crate) fn mentions_hex_context(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    HEX_CONTEXT.iter().any(|w| lower.contains(w))
}

/// Public keys are meant to be published.
const PUBLIC_KEY_MARKERS: &[&str] = &["ssh-rsa", "ssh-ed25519", "ssh-dss", "ecdsa-sha2"];

/// A long random-looking token in code: fenced code, or an inline code span in prose.
pub(super) fn high_entropy(line: &str, kind: LineKind, ctx: Context, hits: &mut Vec<Hit>) {
    if PUBLIC_KEY_MARKERS.iter().any(|w| line.contains(w)) {
        return;
    }
    let hex_context = ctx.hex_context_above || mentions_hex_context(line);
    let ranges = match kind {
        LineKind::Code => vec![(0, line.len())],
        LineKind::Prose => code_spans(line),
        _ => return,
    };
    for (a, b) in ranges {
        let Some(part) = line.get(a..b) else {
            continue;
        };
        let mut at = 0;
        for token in part.split(|c: char| !(c.is_ascii_alphanumeric() || "+/=_-".contains(c))) {
            let start = at;
            at += token.len() + 1;
            if !looks_random(token) {
                continue;
            }
            let before = &part[..start];
            let hex = token.chars().all(|c| c.is_ascii_hexdigit());
            // A content hash in a file name: `app.3f2b…9c.js`.
            let after = part.get(start + token.len()..).unwrap_or("");
            if hex && before.ends_with('.') && after.starts_with('.') {
                continue;
            }
            // A commit or digest: `action@c86d0dc…`, `image@sha256:…`, or hex
            // where the line or the one above speaks of commits and hashes.
            if hex && (hex_context || before.ends_with('@') || before.ends_with("sha256:")) {
                continue;
            }
            // Subresource integrity (`sha384-…`) and SSH fingerprints (`SHA256:…`).
            let lower = token.to_ascii_lowercase();
            if ["sha256-", "sha384-", "sha512-"]
                .iter()
                .any(|p| lower.starts_with(p))
                || before.ends_with("SHA256:")
                || before.ends_with("MD5:")
            {
                continue;
            }
            hits.push(hit("a high-entropy string in code", preview(token), token));
        }
    }
}

/// At least 32 characters of hex (entropy > 3) or base64 (mixed case and digits,
/// entropy > 4), and not a GUID, a path, a name made of words
/// (`CollectorHigh403ForbiddenResponseRate`) or a device id
/// (`nvme-Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R123456A`).
fn looks_random(token: &str) -> bool {
    let t = token.trim_end_matches('=').trim_matches(['-', '_']);
    if t.len() < 32 || t.starts_with('/') || t.contains("//") || t.starts_with("AAAA") {
        return false;
    }
    let hex = t.chars().all(|c| c.is_ascii_hexdigit());
    if t.contains('-') && t.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return false;
    }
    // A GUID written without its dashes.
    if hex && t.len() == 32 {
        return false;
    }
    if made_of_words(t) || is_structured_id(t) {
        return false;
    }
    let slashes = t.matches('/').count();
    if slashes >= 2 && t.len() / (slashes + 1) < 12 {
        return false;
    }
    let has = |f: fn(&char) -> bool| t.chars().any(|c| f(&c));
    if hex {
        has(char::is_ascii_digit) && has(char::is_ascii_alphabetic) && entropy(t) > 3.0
    } else {
        has(char::is_ascii_digit)
            && has(char::is_ascii_uppercase)
            && has(char::is_ascii_lowercase)
            && entropy(t) > 4.0
    }
}

/// Every run of letters a word of three or more (CamelCase humps split),
/// with few numbers between: `NooBaaSystemCapacityWarning100`. Random text
/// has short runs of letters between its digits and case changes.
fn made_of_words(t: &str) -> bool {
    let words = words(t);
    let is_number = |w: &String| w.chars().all(|c| c.is_ascii_digit());
    let numbers = words.iter().filter(|w| is_number(w)).count();
    // One short run of letters is a version or family prefix when a number
    // follows it: `V4SubnetAllocationThresholdExceeded`.
    let short: Vec<usize> = (0..words.len())
        .filter(|&i| !is_number(&words[i]) && words[i].chars().count() < 3)
        .collect();
    numbers <= 3
        && short.len() <= 1
        && short
            .iter()
            .all(|&i| words.get(i + 1).is_some_and(is_number))
}

/// A hardware or device id: three or more parts between `-`/`_`, none
/// longer than 20 characters or changing case within it (`S4EWNX0R123456A`,
/// `Plus`, `970`); random base64 changes case inside its parts.
fn is_structured_id(t: &str) -> bool {
    let parts: Vec<&str> = t.split(['-', '_']).filter(|p| !p.is_empty()).collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            let rest = p.get(1..).unwrap_or("");
            p.len() <= 20
                && p.chars().all(|c| c.is_ascii_alphanumeric())
                && (!rest.chars().any(|c| c.is_ascii_lowercase())
                    || !rest.chars().any(|c| c.is_ascii_uppercase())
                    || made_of_words(p))
        })
}

/// Shannon entropy in bits per character.
fn entropy(s: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}
