//! possible-secret: text that looks like a password, private key or API token,
//! in pages (front matter included) and in the YAML data files. A client site
//! must never publish one, so this errs towards reporting, but stays quiet on
//! placeholders (`<password>`, `********`, `${VAR}`) and on the words
//! "password" or "token" in sentences.
//!
//! Speed: one combined regex finds candidate spots in a whole file; only the
//! lines holding one are looked at closely. Files are scanned in parallel.

use crate::diag::{Code, Diagnostic};
use crate::site::{ACTIVITIES_FILE, CONFIG_FILE, PARTIES_FILE, Site};
use rayon::prelude::*;
use regex::Regex;
use std::sync::LazyLock;

/// The comment that silences a line (either comment syntax is accepted anywhere).
const ALLOW: &str = "cairn: allow-secret";

pub(super) fn check_secrets(site: &Site) -> Vec<Diagnostic> {
    let pages = site
        .pages
        .par_iter()
        .filter(|p| !p.front.allow_secrets)
        .flat_map_iter(|p| scan_file(&p.text, &p.source, Syntax::Markdown(p.body_line)));
    let mut data: Vec<&str> = vec![CONFIG_FILE, PARTIES_FILE, ACTIVITIES_FILE];
    data.extend(site.systems.iter().map(|s| s.file.as_str()));
    let data = data.into_par_iter().flat_map_iter(|file| {
        // Unreadable files, and ones not the site's own (a FIFO would block),
        // have been reported by the loader already.
        let text = if site.is_own_file(file) {
            std::fs::read_to_string(site.root.join(file)).unwrap_or_default()
        } else {
            String::new()
        };
        scan_file(&text, file, Syntax::Yaml)
    });
    // Files published as they are: scripts and configs next to pages or under static/.
    let published = site
        .assets
        .iter()
        .map(|a| format!("content/{}", a.rel))
        .chain(site.static_files.iter().map(|f| format!("static/{f}")))
        .filter_map(|file| published_syntax(&file).map(|syntax| (file, syntax)))
        .collect::<Vec<_>>();
    let published = published.into_par_iter().flat_map_iter(|(file, syntax)| {
        let path = site.root.join(&file);
        let small = std::fs::metadata(&path).is_ok_and(|m| m.len() <= MAX_PUBLISHED_BYTES);
        // Not UTF-8 (an image named .txt, a UTF-16 export): nothing to read as text.
        let text = if small {
            std::fs::read_to_string(&path).unwrap_or_default()
        } else {
            String::new()
        };
        scan_file(&text, &file, syntax)
    });
    pages.chain(data).chain(published).collect()
}

/// Larger published files are data dumps or binaries, not pasted credentials.
const MAX_PUBLISHED_BYTES: u64 = 1024 * 1024;

/// How a published file is read, by extension: YAML as data, scripts and
/// configs as code. Web assets (JS, CSS, HTML, SVG) are not scanned: minified
/// code is full of long random-looking strings.
fn published_syntax(file: &str) -> Option<Syntax> {
    let ext = file.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "yaml" | "yml" => Some(Syntax::Yaml),
        "ps1" | "psm1" | "psd1" | "sh" | "bash" | "zsh" | "bat" | "cmd" | "txt" | "conf"
        | "cfg" | "ini" | "env" | "json" | "xml" | "toml" | "properties" | "reg" | "rdp"
        | "ovpn" | "csv" | "tf" | "tfvars" | "py" | "sql" | "key" | "pem" => Some(Syntax::Text),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    /// A page whose markdown body starts at this 1-based line.
    Markdown(usize),
    Yaml,
    /// A script or config file published as it is: every line is code.
    Text,
}

/// How a line is read: a literal after `password:` counts anywhere in data and
/// code, but in prose only where the key leads the line or sits in code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Data,
    Code,
    Prose,
}

/// Anything a closer look could flag. Keywords are case-insensitive; the rest is
/// as the token formats write it.
static CANDIDATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"-----BEGIN|AKIA|ASIA|gh[pousr]_|github_pat_|xox[abposr]-|hooks\.slack\.com",
        r"|[sr]k_live_|Q~|eyJ|AIza|sig=|://[^/\s:@]+:[^/\s@]+@",
        r"|(?i:password|passwd|passphrase|pwd|secret|api[_-]?key|apikey|access[_-]?key",
        r"|token|bearer|accountkey=|convertto-securestring)",
        r"|[A-Za-z0-9+/=_-]{32,}",
    ))
    .ok()
});

/// Token formats recognisable on their own: (what it looks like, pattern).
static FORMATS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    [
        (
            "a private key",
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----",
        ),
        (
            "an AWS access key id",
            r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b",
        ),
        (
            "an AWS secret access key",
            r#"(?i)aws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}"#,
        ),
        (
            "a GitHub token",
            r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})",
        ),
        ("a Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
        (
            "a Slack webhook URL",
            r"https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9/_-]{20,}",
        ),
        ("a Stripe live key", r"\b[sr]k_live_[A-Za-z0-9]{20,}"),
        (
            "an Azure storage account key",
            r"(?i)AccountKey=[A-Za-z0-9+/]{40,}={0,2}",
        ),
        ("an Azure SAS token", r"[?&]sig=[A-Za-z0-9%+/]{30,}"),
        (
            "a Microsoft Entra client secret",
            r"[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}",
        ),
        (
            "a JSON Web Token",
            r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        ),
        ("a Google API key", r"\bAIza[0-9A-Za-z_-]{35}"),
    ]
    .into_iter()
    .filter_map(|(what, re)| Regex::new(re).ok().map(|re| (what, re)))
    .collect()
});

/// `password: VALUE`, `api_key=VALUE`, `"client_secret": "VALUE"`, `**Password:** VALUE`.
static KEY_VALUE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b((?:[a-z0-9_.-]*[_.-])?(?:password|passwd|passphrase|pwd|secret|api[_-]?key",
        r#"|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|token))\b["'*_]*\s*(:=|[:=])"#,
    ))
    .ok()
});

static BEARER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)\bbearer\s+([A-Za-z0-9._~+/-]{20,}=*)").ok());

static URL_PASSWORD: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:([^/\s@]+)@").ok());

static SECURE_STRING: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?i)ConvertTo-SecureString\b.*?["']([^"']+)["']"#).ok());

/// Words that mark a value as a stand-in, not a secret.
const PLACEHOLDER_WORDS: &[&str] = &[
    "xxxx",
    "****",
    "••",
    "redacted",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "example",
    "your",
    "dummy",
    "sample",
    "password",
    "read-host",
    "get-credential",
    "getenv",
    "environ",
    "process.env",
    "vault",
    "keychain",
    "1password",
    "bitwarden",
    "lastpass",
    "none",
    "null",
    "undefined",
    "required",
    "optional",
    "string",
    "todo",
    "tbd",
    "hidden",
    "omitted",
    "removed",
    "notset",
    "not-set",
    "unset",
    "empty",
    "prompt",
];

fn scan_file(text: &str, file: &str, syntax: Syntax) -> Vec<Diagnostic> {
    let Some(candidate) = CANDIDATE.as_ref() else {
        return Vec::new();
    };
    // Most files hold nothing worth a closer look: find that out in one pass.
    let mut spots = candidate.find_iter(text).map(|m| m.start()).peekable();
    if spots.peek().is_none() {
        return Vec::new();
    }
    let marker = match syntax {
        Syntax::Markdown(_) => "`<!-- cairn: allow-secret -->`",
        Syntax::Yaml => "`# cairn: allow-secret`",
        Syntax::Text => "a comment holding `cairn: allow-secret`",
    };
    let mut out = Vec::new();
    let mut fence: Option<(u8, usize)> = None;
    let mut in_pem = false;
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let number = i + 1;
        let end = offset + line.len();
        offset = end;
        let line = line.trim_end_matches(['\n', '\r']);
        let kind = match syntax {
            Syntax::Yaml => LineKind::Data,
            Syntax::Text => LineKind::Code,
            Syntax::Markdown(body) if number < body => LineKind::Data,
            Syntax::Markdown(_) => {
                let was_code = fence.is_some();
                fence = next_fence(fence, line);
                if was_code || fence.is_some() {
                    LineKind::Code
                } else {
                    LineKind::Prose
                }
            }
        };
        let pem_body = in_pem;
        if line.contains("-----BEGIN ") {
            in_pem = true;
        } else if line.contains("-----END ") || kind == LineKind::Prose {
            in_pem = false;
        }
        let mut here = false;
        while spots.next_if(|&s| s < end).is_some() {
            here = true;
        }
        if here
            && !pem_body
            && !line.contains(ALLOW)
            && let Some((what, shown)) = scan_line(line, kind)
        {
            out.push(Diagnostic::new(
                Code::PossibleSecret,
                file,
                Some(number),
                format!(
                    "possible secret: looks like {what} ({shown}); if it is not a secret, add {marker} to the line"
                ),
            ));
        }
        if spots.peek().is_none() {
            break;
        }
    }
    out
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

/// What the line looks like it holds, and a safe hint of where: never the secret itself.
fn scan_line(line: &str, kind: LineKind) -> Option<(&'static str, String)> {
    for (what, re) in FORMATS.iter() {
        if let Some(m) = re.find(line)
            && !has_placeholder_word(m.as_str())
        {
            return Some((what, preview(m.as_str())));
        }
    }
    if let Some(found) = key_value(line, kind) {
        return Some(found);
    }
    if let Some(c) = BEARER.as_ref().and_then(|re| re.captures(line))
        && let Some(v) = c.get(1)
        && !is_placeholder(v.as_str())
    {
        return Some(("a bearer token", preview(v.as_str())));
    }
    if let Some(c) = URL_PASSWORD.as_ref().and_then(|re| re.captures(line))
        && let Some(v) = c.get(1)
        && !is_placeholder(v.as_str())
    {
        return Some(("a password in a URL", "`user:…@`".into()));
    }
    if line.to_ascii_lowercase().contains("asplaintext")
        && let Some(c) = SECURE_STRING.as_ref().and_then(|re| re.captures(line))
        && let Some(v) = c.get(1)
        && !is_placeholder(v.as_str())
    {
        return Some((
            "a plain-text password",
            "`ConvertTo-SecureString \"…\"`".into(),
        ));
    }
    if kind != LineKind::Data {
        return high_entropy(line, kind);
    }
    None
}

/// `password: VALUE` and kin, with a literal value.
fn key_value(line: &str, kind: LineKind) -> Option<(&'static str, String)> {
    let re = KEY_VALUE.as_ref()?;
    let spans = if kind == LineKind::Prose {
        code_spans(line)
    } else {
        Vec::new()
    };
    for c in re.captures_iter(line) {
        let (Some(key), Some(sep), Some(all)) = (c.get(1), c.get(2), c.get(0)) else {
            continue;
        };
        let rest = &line[all.end()..];
        // `password == x` compares; it does not assign.
        if sep.as_str() == "=" && rest.starts_with('=') {
            continue;
        }
        let Some((value, quoted, after)) = literal_value(rest) else {
            continue;
        };
        if kind == LineKind::Prose {
            let in_code = |at: usize| spans.iter().any(|&(a, b)| a <= at && at < b);
            let leads = line[..key.start()]
                .chars()
                .all(|c| c.is_whitespace() || c.is_ascii_digit() || "->*+_|#.)".contains(c));
            let value_in_code = quoted == Some('`');
            if !(leads || in_code(key.start()) || value_in_code) {
                continue;
            }
            // In a sentence, a plain word after `Password:` is an instruction, not a password.
            if value.chars().all(char::is_alphabetic) {
                continue;
            }
            if quoted.is_some() && value.contains(char::is_whitespace) {
                continue;
            }
        } else if value.chars().all(char::is_alphabetic) && after.chars().any(char::is_alphabetic) {
            continue;
        }
        if is_placeholder(value) || (quoted.is_none() && is_command_name(value)) {
            continue;
        }
        let k = key.as_str().to_ascii_lowercase();
        let what = if k.contains("pass") || k.ends_with("pwd") {
            "a password"
        } else if k.ends_with("token") {
            "a token"
        } else if k.contains("key") {
            "an API key"
        } else {
            "a secret"
        };
        return Some((
            what,
            format!(
                "`{}{}` followed by a literal value",
                key.as_str(),
                sep.as_str()
            ),
        ));
    }
    None
}

/// The value after `:`/`=`: quoted (`"…"`, `'…'`, `` `…` ``) or up to a separator.
/// Returns the value, its quote, and the rest of the line.
fn literal_value(rest: &str) -> Option<(&str, Option<char>, &str)> {
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '*' || c == '_');
    let first = rest.chars().next()?;
    if matches!(first, '"' | '\'' | '`') {
        let inner = &rest[1..];
        let close = inner.find(first)?;
        return Some((&inner[..close], Some(first), &inner[close + 1..]));
    }
    let end = rest
        .find(|c: char| c.is_whitespace() || ",;)}]&|".contains(c))
        .unwrap_or(rest.len());
    let value = rest[..end].trim_end_matches(['*', '_']);
    Some((value, None, &rest[end..]))
}

/// Stand-ins, variables, expressions, paths and other values that are not literal secrets.
fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.chars().count() < 6 {
        return true;
    }
    let (Some(first), Some(last)) = (v.chars().next(), v.chars().next_back()) else {
        return true;
    };
    if "<[{($%@!&*-/~.#=|>\\".contains(first) || ">]})".contains(last) {
        return true;
    }
    if ["{{", "}}", "${", "$(", "://", "(", "["]
        .iter()
        .any(|s| v.contains(s))
    {
        return true;
    }
    let mut distinct: Vec<char> = v.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() <= 2 || v.chars().all(|c| "*xX•.-_#?".contains(c)) {
        return true;
    }
    if has_placeholder_word(v) || v.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    // An email address, an ENV_VAR_NAME, a dotted.identifier, a sentence.
    let email = v
        .split_once('@')
        .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !v.contains(char::is_whitespace));
    let env_name = v.contains('_')
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let dotted = v.contains('.')
        && v.split('.').all(|part| {
            part.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    let sentence = v.matches(' ').count() >= 3;
    email || env_name || dotted || sentence
}

/// A PowerShell `Verb-Noun` cmdlet (`$token = Get-MsalToken …`): the value is
/// computed by a command, not written out.
fn is_command_name(value: &str) -> bool {
    static CMDLET: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"^[A-Z][a-z]+(?:To|From)?-[A-Z][A-Za-z]+$").ok());
    CMDLET.as_ref().is_some_and(|re| re.is_match(value))
}

fn has_placeholder_word(v: &str) -> bool {
    let lower = v.to_lowercase();
    PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w))
}

/// Inline code spans of a line, as byte ranges including the backticks.
fn code_spans(line: &str) -> Vec<(usize, usize)> {
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

/// A long random-looking token in code: fenced code, or an inline code span in prose.
fn high_entropy(line: &str, kind: LineKind) -> Option<(&'static str, String)> {
    let lower = line.to_ascii_lowercase();
    // Public keys and checksums are meant to be published.
    const PUBLIC: &[&str] = &[
        "ssh-rsa",
        "ssh-ed25519",
        "ssh-dss",
        "ecdsa-sha2",
        "sha1",
        "sha256",
        "sha384",
        "sha512",
        "md5",
        "hash",
        "checksum",
        "thumbprint",
        "fingerprint",
        "digest",
        "commit",
        "git ",
        "integrity",
    ];
    if PUBLIC.iter().any(|w| lower.contains(w)) {
        return None;
    }
    let ranges = match kind {
        LineKind::Code => vec![(0, line.len())],
        LineKind::Prose => code_spans(line),
        LineKind::Data => return None,
    };
    for (a, b) in ranges {
        let Some(part) = line.get(a..b) else {
            continue;
        };
        for token in part.split(|c: char| !(c.is_ascii_alphanumeric() || "+/=_-".contains(c))) {
            if looks_random(token) {
                return Some(("a high-entropy string in code", preview(token)));
            }
        }
    }
    None
}

/// At least 32 characters of hex (entropy > 3) or base64 (mixed case and digits,
/// entropy > 4), and not a GUID or a path.
fn looks_random(token: &str) -> bool {
    let t = token.trim_end_matches('=').trim_matches(['-', '_']);
    if t.len() < 32 || t.starts_with('/') || t.contains("//") || t.starts_with("AAAA") {
        return false;
    }
    let hex = t.chars().all(|c| c.is_ascii_hexdigit());
    if t.contains('-') && t.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
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

/// The first 4 characters and an ellipsis, in backticks.
fn preview(s: &str) -> String {
    let head: String = s.chars().take(4).collect();
    format!("`{head}…`")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(body: &str) -> Vec<Diagnostic> {
        scan_file(
            &format!("---\ntitle: T\n---\n{body}"),
            "content/a.md",
            Syntax::Markdown(4),
        )
    }

    fn flagged(body: &str) -> bool {
        !md(body).is_empty()
    }

    fn yaml(text: &str) -> Vec<Diagnostic> {
        scan_file(text, "data/systems/a.yaml", Syntax::Yaml)
    }

    #[test]
    fn github_token_is_a_secret() {
        let d = md("Intro.\n\n2. Reboot.\n   token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789ab\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, Some(7));
        assert!(d[0].message.contains("GitHub token"), "{}", d[0].message);
        assert!(d[0].message.contains("`ghp_…`"), "{}", d[0].message);
        assert!(!d[0].message.contains("aBcDeF"), "{}", d[0].message);
    }

    #[test]
    fn known_token_formats_are_secrets() {
        for (text, what) in [
            ("-----BEGIN RSA PRIVATE KEY-----", "private key"),
            ("-----BEGIN OPENSSH PRIVATE KEY-----", "private key"),
            ("-----BEGIN PGP PRIVATE KEY BLOCK-----", "private key"),
            ("key id AKIAZ7Q2LMN4PQRS5TUV here", "AWS access key"),
            (
                "aws_secret_access_key = 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",
                "AWS secret",
            ),
            ("xoxb-123456789012-abcdefghijkl", "Slack token"),
            (
                "https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/abcdEFGHijklMNOPqrst",
                "Slack webhook",
            ),
            ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Stripe"),
            (
                "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=q8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6Gh7Ij8Kl9MnOp==",
                "Azure storage",
            ),
            ("secret abc8Q~dEfGhIjKlMnOpQrStUvWxYz0123456789", "Entra"),
            (
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                "JSON Web Token",
            ),
            (
                "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
                "GitHub token",
            ),
        ] {
            let d = md(&format!("{text}\n"));
            assert_eq!(d.len(), 1, "{text}");
            assert!(d[0].message.contains(what), "{text}: {}", d[0].message);
        }
    }

    #[test]
    fn password_in_prose_is_not_a_secret() {
        for text in [
            "Reset the user's password in the portal.",
            "Password: reset it in the portal.",
            "The token: see the vault entry for the NOC.",
            "Ask the caller for their password: never do this.",
            "Default password: printed on the sticker.",
            "Password: at least 14 characters.",
            "Secret: rotate every 90 days",
            "Use a password manager; tokens expire after 1h.",
            "Token lifetime: 60 minutes.",
            "The `password` field is required.",
        ] {
            assert!(!flagged(text), "{text}: {:?}", md(text));
        }
    }

    #[test]
    fn password_with_a_literal_value_is_a_secret() {
        for text in [
            "Password: Winter2024!",
            "- **Password:** `Sup3r$ecret`",
            "Log in as admin with password: `Winter2024!`",
            "```\nmysql -u root --password=Hunter22x\n```",
            "```yaml\ndb:\n  password: \"Sunshine99\"\n```",
            "```\nServer=db01;Database=pm;User Id=sa;Password=Sup3rS3cret;\n```",
            "```powershell\n$pw = ConvertTo-SecureString -AsPlainText \"Temp1234!\" -Force\n```",
            "```\n$env:API_TOKEN = \"a1b2c3d4e5\"\n```",
            "```\ncurl -H \"Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0\"\n```",
            "```\nsmb://backup:Tr0ub4dor3@nas01/share\n```",
        ] {
            assert!(flagged(text), "{text}");
        }
        let d = md("Password: Winter2024!\n");
        assert!(d[0].message.contains("a password"), "{}", d[0].message);
        assert!(!d[0].message.contains("Wint"), "{}", d[0].message);
    }

    #[test]
    fn placeholder_password_is_not_a_secret() {
        for text in [
            "```\npassword: <password>\n```",
            "```\npassword: ********\n```",
            "```\npassword: xxxxxxxx\n```",
            "```\npassword: ${DB_PASSWORD}\n```",
            "```\n$password = Read-Host -AsSecureString\n```",
            "```\ntoken = $env:GITHUB_TOKEN\n```",
            "```\npassword: \"{{ vault_db_password }}\"\n```",
            "```\npassword: REDACTED\n```",
            "```\npassword: changeme\n```",
            "```\npassword: \"\"\n```",
            "```\napi_key: YOUR_API_KEY\n```",
            "```\ntoken = os.environ[\"TOKEN\"]\n```",
            "```\nif password == expected:\n```",
            "```\nPWD=/home/dana\n```",
            "```\nsecret: !vault |\n```",
            "```\n$pw = ConvertTo-SecureString -AsPlainText $plain -Force\n```",
            "```\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n```",
            "Password: `<the one from Bitwarden>`",
        ] {
            assert!(!flagged(text), "{text}: {:?}", md(text));
        }
    }

    #[test]
    fn allow_comment_silences_the_line() {
        assert!(!flagged(
            "token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789ab <!-- cairn: allow-secret -->\n"
        ));
        assert!(yaml("password: Hunter22x # cairn: allow-secret\n").is_empty());
        assert_eq!(yaml("password: Hunter22x\n").len(), 1);
    }

    #[test]
    fn yaml_data_reports_the_file_line() {
        let d = yaml("- id: it\n  name: IT\n  notes: \"api_key: 3f9a8b7c6d5e\"\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, Some(3));
        assert_eq!(d[0].file, "data/systems/a.yaml");
    }

    #[test]
    fn front_matter_lines_are_scanned_as_data() {
        let d = scan_file(
            "---\ntitle: T\nnotes: password=Hunter22x\n---\nbody\n",
            "content/a.md",
            Syntax::Markdown(5),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, Some(3));
    }

    #[test]
    fn high_entropy_strings_count_only_in_code() {
        let key = "Zq8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6Gh7Ij8Kl9";
        assert!(flagged(&format!("```\nexport KEY={key}\n```\n")));
        assert!(flagged(&format!("Set it to `{key}` first.\n")));
        assert!(!flagged(&format!("Set it to {key} first.\n")));
        let hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert!(flagged(&format!("```\nkey {hex}\n```\n")));
        assert!(!flagged(&format!("```\nsha256sum: {hex}\n```\n")));
    }

    #[test]
    fn guids_paths_identifiers_and_public_keys_are_not_random() {
        for text in [
            "```\nSet-MgUser -UserId 3fa85f64-5717-4562-b3fc-2c963f66afa6\n```",
            "```\nGet-MgUserAuthenticationMicrosoftAuthenticatorMethod -UserId x\n```",
            "```\ncp /usr/local/share/ca-certificates/acme-root-2024/ca.crt /tmp\n```",
            "```\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6 dana@pc\n```",
            "```\nMicrosoft-Windows-TerminalServices-LocalSessionManager/Operational\n```",
        ] {
            assert!(!flagged(text), "{text}: {:?}", md(text));
        }
    }

    #[test]
    fn a_private_key_is_reported_once_not_per_line() {
        let body = "```\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDq8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6Gh7Ij8Kl9MnAAAAJgAAAAAAAAAA\n-----END OPENSSH PRIVATE KEY-----\n```\n";
        let d = md(body);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, Some(5));
    }

    /// Where a line sits decides how it is read: prose, a fenced code block, a
    /// data file (YAML, front matter).
    #[derive(Debug, Clone, Copy)]
    enum At {
        Prose,
        Code,
        Data,
    }

    fn flagged_at(line: &str, at: At) -> Vec<Diagnostic> {
        match at {
            At::Prose => md(&format!("{line}\n")),
            At::Code => md(&format!("```\n{line}\n```\n")),
            At::Data => yaml(&format!("{line}\n")),
        }
    }

    /// The table of issue 4: runbook prose and PowerShell stay quiet; every
    /// credential shape is reported, wherever it is written.
    #[test]
    fn should_flag_and_should_not_flag_table() {
        use At::*;
        let quiet: &[(&str, &[At])] = &[
            // Prose about passwords and tokens.
            (
                "Reset the user's password, then revoke their refresh tokens.",
                &[Prose],
            ),
            ("The password must be at least 14 characters.", &[Prose]),
            ("Never paste a token or secret into a ticket.", &[Prose]),
            (
                "Password: ask the user to choose one at first sign-in.",
                &[Prose],
            ),
            (
                "API key: stored in the vault under \"m365-graph\".",
                &[Prose],
            ),
            // PowerShell cmdlets, parameters and variables.
            (
                "Set-ADAccountPassword -Identity dana -Reset",
                &[Prose, Code],
            ),
            (
                "Get-MgUserAuthenticationPasswordMethod -UserId $upn",
                &[Code],
            ),
            ("Revoke-MgUserSignInSession -UserId $user.Id", &[Code]),
            (
                "Connect-MgGraph -Scopes \"User.ReadWrite.All\",\"UserAuthenticationMethod.ReadWrite.All\"",
                &[Code],
            ),
            ("$cred = Get-Credential", &[Code]),
            (
                "$password = Read-Host -AsSecureString \"New password\"",
                &[Code],
            ),
            (
                "$token = Get-MsalToken -ClientId $clientId -TenantId $tenantId",
                &[Code],
            ),
            (
                "$token = (Invoke-RestMethod -Uri $uri -Body $body).access_token",
                &[Code],
            ),
            ("$token = $response.access_token", &[Code]),
            ("$headers = @{ Authorization = \"Bearer $token\" }", &[Code]),
            ("Authorization = \"Bearer $token\"", &[Code, Data]),
            (
                "curl -H \"Authorization: Bearer $TOKEN\" https://graph.microsoft.com/v1.0/me",
                &[Code],
            ),
            (
                "New-LocalUser -Name svc-backup -Password $securePassword",
                &[Code],
            ),
            (
                "Set-ADAccountPassword -Identity dana -NewPassword $newPassword -Reset",
                &[Code],
            ),
            (
                "$secret = Get-AzKeyVaultSecret -VaultName kv-acme -Name sql-sa",
                &[Code],
            ),
            (
                "$password = ConvertTo-SecureString $plain -AsPlainText -Force",
                &[Code],
            ),
            ("token: Get-MsalToken", &[Code]),
            (
                "Invoke-WebRequest -Uri $uri -Headers @{ \"X-Api-Key\" = $apiKey }",
                &[Code],
            ),
            // Placeholders and stand-ins.
            ("password: <password>", &[Prose, Code, Data]),
            ("password: ********", &[Prose, Code, Data]),
            ("password = \"<your password here>\"", &[Code, Data]),
            ("pwd=<password>", &[Code, Data]),
            ("passwd=********", &[Code, Data]),
            ("client_secret: ${AZURE_CLIENT_SECRET}", &[Code, Data]),
            ("token: $token", &[Code, Data]),
            ("api_key: {{ api_key }}", &[Code]),
            ("password: \"\"", &[Code, Data]),
            ("password: null", &[Code, Data]),
            ("password_policy: strict", &[Code, Data]),
            // Data files about passwords and tokens.
            (
                "description: Password resets, MFA and token revocation.",
                &[Data],
            ),
            ("Password reset: { acme-it: RA, bright: I }", &[Data]),
            (
                "token_endpoint: https://login.microsoftonline.com/acme/oauth2/v2.0/token",
                &[Data, Code],
            ),
            ("password_last_set: 2026-01-01", &[Data]),
            ("pwd: /home/dana", &[Data, Code]),
            ("| Password | in Bitwarden, entry `m365-admin` |", &[Prose]),
            // Identifiers that are long but not random.
            (
                "Get-MgUserAuthenticationMicrosoftAuthenticatorMethod -UserId x",
                &[Code],
            ),
            (
                "tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47",
                &[Code, Data],
            ),
        ];
        let loud: &[(&str, &[At])] = &[
            ("-----BEGIN PRIVATE KEY-----", &[Prose, Code, Data]),
            ("-----BEGIN EC PRIVATE KEY-----", &[Code]),
            (
                "aws_access_key_id = AKIAZ7Q2LMN4PQRS5TUV",
                &[Prose, Code, Data],
            ),
            (
                "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789ab",
                &[Prose, Code, Data],
            ),
            ("gho_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789ab", &[Code]),
            (
                "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
                &[Prose, Code, Data],
            ),
            ("xoxp-123456789012-abcdefghijkl", &[Code]),
            ("xoxa-2-123456789012-abcdefghijkl", &[Code]),
            (
                "client secret: abc8Q~dEfGhIjKlMnOpQrStUvWxYz0123456789",
                &[Prose, Code, Data],
            ),
            (
                "client_secret: \"Zq8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5E\"",
                &[Code, Data],
            ),
            (
                "AZURE_CLIENT_SECRET=Zq8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5E",
                &[Code],
            ),
            ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", &[Prose, Code, Data]),
            ("rk_live_4eC39HqLyjWDarjtT1zdp7dc", &[Code]),
            ("password: hunter2", &[Prose, Code, Data]),
            ("password: letmein", &[Code, Data]),
            ("  - { name: NOC, password: \"Tr0ub4dor&3\" }", &[Data]),
            ("passwd=hunter22", &[Code, Data]),
            ("pwd=Hunter22x", &[Code, Data]),
            ("PWD=Sup3rS3cret", &[Code]),
            ("$password = \"Winter2024!\"", &[Code]),
            ("$password = \"Get-Winter\"", &[Code]),
            ("$token = \"a1b2c3d4e5f6g7h8\"", &[Code]),
            (
                "Authorization = \"Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0\"",
                &[Code, Data],
            ),
            (
                "New-LocalUser -Name x -Password (ConvertTo-SecureString \"Temp1234!\" -AsPlainText -Force)",
                &[Code],
            ),
            (
                "export KEY=Zq8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6Gh7Ij8Kl9",
                &[Code],
            ),
        ];
        let mut wrong = Vec::new();
        for (line, places) in quiet {
            for &at in *places {
                let d = flagged_at(line, at);
                if !d.is_empty() {
                    wrong.push(format!("flagged in {at:?}: {line}  ({})", d[0].message));
                }
            }
        }
        for (line, places) in loud {
            for &at in *places {
                if flagged_at(line, at).is_empty() {
                    wrong.push(format!("missed in {at:?}: {line}"));
                }
            }
        }
        assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
    }

    #[test]
    fn published_scripts_and_configs_are_scanned_as_code() {
        assert_eq!(
            published_syntax("content/runbooks/reset.ps1"),
            Some(Syntax::Text)
        );
        assert_eq!(published_syntax("static/vpn/ACME.OVPN"), Some(Syntax::Text));
        assert_eq!(published_syntax("static/cfg/app.yml"), Some(Syntax::Yaml));
        for web in [
            "static/js/app.min.js",
            "static/site.css",
            "content/a/b.svg",
            "static/x.png",
            "static/noext",
        ] {
            assert_eq!(published_syntax(web), None, "{web}");
        }
        let d = scan_file(
            "$user = \"svc-backup\"\n$password = \"Winter2024!\"\n",
            "static/scripts/backup.ps1",
            Syntax::Text,
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, Some(2));
        assert!(
            d[0].message
                .contains("a comment holding `cairn: allow-secret`"),
            "{}",
            d[0].message
        );
        let quiet = scan_file(
            "# Reset a password\n$password = Read-Host -AsSecureString\n$pw = \"Winter2024!\" # cairn: allow-secret\n",
            "static/scripts/reset.ps1",
            Syntax::Text,
        );
        assert!(quiet.is_empty(), "{quiet:?}");
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
    fn scanning_is_fast() {
        let page = "---\ntitle: T\nsystems: [m365]\n---\n## Steps\n\nReset the password for the user in the admin portal and confirm the token was revoked.\n\n```powershell\nGet-MgUser -UserId dana@acme.example | Select-Object DisplayName, AccountEnabled\n```\n\n".repeat(40);
        let started = std::time::Instant::now();
        for _ in 0..200 {
            assert!(scan_file(&page, "content/a.md", Syntax::Markdown(5)).is_empty());
        }
        // 200 × ~8 KB; generous even for a debug build.
        assert!(started.elapsed().as_secs_f64() < 5.0);
    }
}
