//! The one catalogue of what a secret looks like, shared by the source scan
//! (`check::secrets`, file:line diagnostics) and the output gate
//! ([`super::gate`], every byte a build writes): the token formats, the
//! `password: VALUE` family, the placeholder rules and the context rules.
//! Regexes are compiled once.

use crate::diag::{Code, Diagnostic, Severity};
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// The comment that silences a line (any comment syntax around it).
pub(crate) const ALLOW: &str = "cairn: allow-secret";

/// How a line is read: a literal after `password:` counts anywhere in data and
/// code, but in prose only where the key leads the line or sits in code; long
/// random strings count only in code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// YAML, front matter, HTML attribute values.
    Data,
    /// Fenced code, scripts and configs.
    Code,
    /// Markdown prose, rendered text.
    Prose,
    /// HTML, JS, CSS, templates: like code, without the random-string rule
    /// (minified code and data URIs are full of long random-looking strings).
    Markup,
    /// A binary file: only the token formats, which are unmistakable.
    Opaque,
}

/// One thing that looks like a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// What it looks like: "a GitHub token".
    pub what: &'static str,
    /// A safe hint of where: never the secret itself.
    pub shown: String,
    /// The text that decided it (the token, the value): how an allowance at the
    /// source is recognised in the output. Never printed.
    pub evidence: String,
}

/// What the lines around a line say.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Context {
    /// The line above speaks of commits, checksums or hashes: hex below is one.
    pub hex_context_above: bool,
}

/// Words the value rules' keys contain (ASCII case ignored). With
/// [`FORMAT_KEYWORDS`], anything a closer look could flag contains one of
/// them: one Aho-Corasick pass finds them in a whole text.
const VALUE_KEYWORDS: &[&str] = &[
    "pass",
    "pwd",
    "secret",
    "api_key",
    "api-key",
    "apikey",
    "access_key",
    "access-key",
    "accesskey",
    "token",
    "bearer",
    "convertto-securestring",
    "://",
    "net use",
];

/// The token formats' literal starts alone: all a binary file is read for.
const FORMAT_KEYWORDS: &[&str] = &[
    "begin",
    "putty-user-key",
    "akia",
    "asia",
    "abia",
    "acca",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "xoxa-",
    "xoxb-",
    "xoxp-",
    "xoxo-",
    "xoxs-",
    "xoxr-",
    "hooks.slack.com",
    "sk_live_",
    "rk_live_",
    "q~",
    "eyj",
    "aiza",
    "sig=",
    "accountkey=",
    "secret_access",
    "secretaccess",
];

/// A line holds the start of a token format (case as the formats write it).
const FORMAT_CANDIDATE: &str = concat!(
    r"BEGIN|PuTTY-User-Key|AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|xox[abposr]-",
    r"|hooks\.slack\.com|[sr]k_live_|Q~|eyJ|AIza|sig=|(?i:accountkey=|secret_?access)",
);

/// An HTML tag, as [`flatten`] removes it.
const TAG: &str = r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>";
/// An email address, a value that is not a secret.
const EMAIL: &str = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$";
/// A PowerShell `Verb-Noun` cmdlet.
const CMDLET: &str = r"^[A-Z][a-z]+(?:To|From)?-[A-Z][A-Za-z]+$";
/// `-----BEGIN CERTIFICATE-----` and kin: the lines after it are a PEM block's body.
const PEM_BEGIN: &str = r"-{3,}\s*BEGIN [A-Z0-9 ]+-{3,}";

/// Every compiled pattern of the catalogue, built once on first use. A
/// pattern that does not compile makes the catalogue an error that the
/// source scan and the output gate report ([`problem`]), never a scan that
/// quietly finds nothing.
pub(crate) struct Patterns {
    candidate: aho_corasick::AhoCorasick,
    format_candidate_words: aho_corasick::AhoCorasick,
    format_candidate: Regex,
    formats: Vec<(&'static str, Regex)>,
    key_value: Regex,
    /// A superset of `key_value` without its word boundaries: Unicode `\b`
    /// keeps the regex engine off its fast automaton on non-ASCII lines, so
    /// this decides cheaply whether a line needs the full pattern.
    key_value_hint: Regex,
    prose_is: Regex,
    bearer: Regex,
    url_password: Regex,
    secure_string: Regex,
    config_value: Regex,
    net_use: Regex,
    tag: Regex,
    email: Regex,
    cmdlet: Regex,
    pub(super) pem_begin: Regex,
}

fn compile(name: &str, pattern: &str) -> Result<Regex, String> {
    Regex::new(pattern).map_err(|e| format!("pattern `{name}` does not compile: {e}"))
}

fn keyword_finder<'w>(
    name: &str,
    words: impl IntoIterator<Item = &'w &'w str>,
) -> Result<aho_corasick::AhoCorasick, String> {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(words)
        .map_err(|e| format!("keywords `{name}` do not compile: {e}"))
}

impl Patterns {
    fn compile() -> Result<Patterns, String> {
        Ok(Patterns {
            candidate: keyword_finder("candidate", FORMAT_KEYWORDS.iter().chain(VALUE_KEYWORDS))?,
            format_candidate_words: keyword_finder("format-candidate", FORMAT_KEYWORDS)?,
            format_candidate: compile("format-candidate", FORMAT_CANDIDATE)?,
            formats: FORMATS
                .iter()
                .map(|&(what, re, _, _)| compile(what, re).map(|re| (what, re)))
                .collect::<Result<_, _>>()?,
            key_value: compile("key-value", KEY_VALUE)?,
            key_value_hint: compile("key-value-hint", KEY_VALUE_HINT)?,
            prose_is: compile("password-is", PROSE_IS)?,
            bearer: compile("bearer", BEARER)?,
            url_password: compile("url-password", URL_PASSWORD)?,
            secure_string: compile("secure-string", SECURE_STRING)?,
            config_value: compile("config-value", CONFIG_VALUE)?,
            net_use: compile("net-use", NET_USE)?,
            tag: compile("tag", TAG)?,
            email: compile("email", EMAIL)?,
            cmdlet: compile("cmdlet", CMDLET)?,
            pem_begin: compile("pem-begin", PEM_BEGIN)?,
        })
    }
}

static PATTERNS: LazyLock<Result<Patterns, String>> = LazyLock::new(Patterns::compile);

/// The compiled catalogue, or why it could not be compiled.
pub(crate) fn patterns() -> Result<&'static Patterns, &'static str> {
    PATTERNS.as_ref().map_err(String::as_str)
}

/// The error a scan reports when the catalogue did not compile: without its
/// patterns nothing could be found, and that must not read as "no secrets".
pub(crate) fn problem() -> Option<Diagnostic> {
    problem_of(patterns().err())
}

fn problem_of(error: Option<&str>) -> Option<Diagnostic> {
    let mut d = Diagnostic::new(
        Code::PossibleSecret,
        "cairn.yaml",
        None,
        format!(
            "the secret scan cannot run, so nothing was checked: {}; this is a bug in cairn, please report it",
            error?
        ),
    );
    d.severity = Severity::Error;
    Some(d)
}

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

/// Token formats recognisable on their own: (what it looks like, pattern,
/// an example it must match, a near miss it must not). No pattern asks for a
/// word boundary before its prefix: a token glued to a letter, a digit, `_`
/// or `%20` (`xAKIA…`, `id_ghp_…`) is still a token.
pub(crate) const FORMATS: &[(&str, &str, &str, &str)] = &[
    (
        "a private key",
        r"-{2,}\s*BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-*",
        "-----BEGIN RSA PRIVATE KEY-----",
        "-----BEGIN CERTIFICATE-----",
    ),
    (
        "a PuTTY private key",
        r"PuTTY-User-Key-File-\d+:",
        "PuTTY-User-Key-File-3: ssh-ed25519",
        "PuTTY key files (.ppk)",
    ),
    (
        "an AWS access key id",
        r"(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b",
        "AKIAQ3EGTW7PKD4LRX2M",
        "AKIA-style key ids",
    ),
    (
        "an AWS secret access key",
        r#"(?i)aws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}"#,
        "aws_secret_access_key = q8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6Gh7Ij8Kl9",
        "aws_secret_access_key = $AWS_SECRET",
    ),
    (
        "a GitHub token",
        r"(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})",
        "ghp_R8mKq2Lz9XwT4vBn7YcD1eFgH3iJ5kLmN6oP",
        "ghp_short",
    ),
    (
        "a Slack token",
        r"xox[abposr]-[A-Za-z0-9-]{10,}",
        "xoxb-123456789012-abcdefghijkl",
        "xoxb-12",
    ),
    (
        "a Slack webhook URL",
        r"https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9/_-]{20,}",
        "https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/abcdEFGHijklMNOPqrst",
        "https://hooks.slack.com/",
    ),
    (
        "a Stripe live key",
        r"[sr]k_live_[A-Za-z0-9]{20,}",
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    ),
    (
        "an Azure storage account key",
        r"(?i)AccountKey=[A-Za-z0-9+/]{40,}={0,2}",
        "AccountKey=q8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6Gh7Ij8Kl9MnOp==",
        "AccountKey=<key>",
    ),
    (
        "an Azure SAS token",
        r"[?&]sig=[A-Za-z0-9%+/]{30,}",
        "https://x.blob.core.windows.net/c?sv=2022&sig=q8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6G%3D",
        "?sig=abc",
    ),
    (
        "a Microsoft Entra client secret",
        r"[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}",
        "abc8Q~dEfGhIjKlMnOpQrStUvWxYz0123456789",
        "Q~ alone",
    ),
    (
        "a JSON Web Token",
        r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "eyJhbGciOiJIUzI1NiJ9",
    ),
    (
        "a Google API key",
        r"AIza[0-9A-Za-z_-]{35}",
        "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
        "AIzaShort",
    ),
];

/// `password: VALUE`, `api_key=VALUE`, `"client_secret": "VALUE"`, `**Password:** VALUE`.
const KEY_VALUE: &str = concat!(
    r"(?i)\b([a-z0-9_.-]*(?:password|passwd|passphrase|passcode|pwd|secret|api[_-]?key",
    r#"|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|token))\b["'*_]*\s*(:=|[:=])"#,
);
/// [`KEY_VALUE`] without its word boundaries and the key's leading letters:
/// every line it matches is a line the full pattern may match.
const KEY_VALUE_HINT: &str = concat!(
    r"(?i)(?:password|passwd|passphrase|passcode|pwd|secret|api[_-]?key",
    r#"|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|token)["'*_]*\s*[:=]"#,
);

/// "The admin password is VALUE": a password told in a sentence.
const PROSE_IS: &str =
    r"(?i)\b(password|passphrase|passcode|pwd)\s+(?:is|was|will be|would be|remains|reads)\b\s*:?";

const BEARER: &str = r"(?i)\bbearer\s+([A-Za-z0-9._~+/-]{20,}=*)";

const URL_PASSWORD: &str = r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:([^/\s@]+)@";

const SECURE_STRING: &str = r#"(?i)ConvertTo-SecureString\b.*?["']([^"']+)["']"#;

/// `<add key="Password" value="…">` (web.config, app.config): the key names
/// the secret, the value holds it.
const CONFIG_VALUE: &str = concat!(
    r#"(?i)\bkey\s*=\s*["'][^"']*(?:password|passwd|pwd|secret|token|api[_-]?key)[^"']*["']"#,
    r#"\s+value\s*=\s*["']([^"']*)["']"#,
);

/// `net use \\srv\share /user:DOMAIN\name PASSWORD`: the password follows the user.
const NET_USE: &str = r"(?i)\bnet\s+use\b.*?\s/u(?:ser)?:\S+\s+([^\s/][^\s]*)";

/// The other patterns, with an example each must match and one it must not
/// (the unit tests hold every entry to both).
#[cfg(test)]
pub(crate) const RULES: &[(&str, &str, &str, &str)] = &[
    (
        "key-value",
        KEY_VALUE,
        "password: Hunter22x",
        "password policy",
    ),
    (
        "password-is",
        PROSE_IS,
        "The admin password is Xk29!fja8Qz",
        "password resets",
    ),
    (
        "bearer",
        BEARER,
        "Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        "Bearer $token",
    ),
    (
        "url-password",
        URL_PASSWORD,
        "smb://backup:Tr0ub4dor3@nas01/share",
        "https://nas01/share",
    ),
    (
        "config-value",
        CONFIG_VALUE,
        r#"<add key="Password" value="Sup3r!Secret" />"#,
        r#"<add key="PasswordPolicy" name="strict" />"#,
    ),
    (
        "net-use",
        NET_USE,
        r"net use \\srv\share /user:acme\svc P@ssw0rd!",
        r"net use \\srv\share /user:acme\svc",
    ),
    (
        "secure-string",
        SECURE_STRING,
        "ConvertTo-SecureString -AsPlainText \"Temp1234!\"",
        "ConvertTo-SecureString $plain",
    ),
];

/// Words that mark a value as a stand-in, wherever they sit in it.
const PLACEHOLDER_SUBSTRINGS: &[&str] = &["xxxx", "****", "••", "…", "..."];

/// Words that mark a value as a stand-in when they are one of its words.
const PLACEHOLDER_WORDS: &[&str] = &[
    "redacted",
    "placeholder",
    "changeme",
    "example",
    "examples",
    "your",
    "yours",
    "dummy",
    "sample",
    "fake",
    "getenv",
    "environ",
    "vault",
    "keychain",
    "keyvault",
    "1password",
    "bitwarden",
    "vaultwarden",
    "lastpass",
    "keepass",
    "passbolt",
    "dashlane",
    "none",
    "null",
    "nil",
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
    "unset",
    "empty",
    "prompt",
];

/// The last word of a variable that holds a secret (`securePassword`).
const SECRET_NOUNS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "key",
    "creds",
    "credential",
];

/// Words a value made only of them is a name for a secret, not a secret:
/// `YourPasswordHere`, `db-password`, `ADMIN_TOKEN`.
const FILLER_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "key",
    "api",
    "access",
    "client",
    "admin",
    "user",
    "db",
    "new",
    "old",
    "my",
    "the",
    "a",
    "here",
    "goes",
    "value",
    "current",
    "app",
    "service",
    "svc",
    "root",
    "local",
    "default",
    "initial",
    "temp",
    "this",
    "to",
    "set",
    "enter",
    "of",
    "for",
    "and",
    "or",
    "with",
    "auth",
    "login",
    "account",
    "plain",
    "text",
    "secure",
    "encrypted",
    "hashed",
    "cred",
    "creds",
    "private",
    "public",
    "id",
];

/// Everything in `line` that looks like a secret, in order of confidence.
pub(crate) fn scan_line(line: &str, kind: LineKind, ctx: Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    let Ok(p) = patterns() else {
        return hits;
    };
    let flat = if kind == LineKind::Opaque {
        Cow::Borrowed(line)
    } else {
        flatten(line)
    };
    // Each rule runs only where its words are: most candidate lines hold none.
    // The line is read as written and as shown (tags removed hide attributes).
    // A link's target as a browser reads it: `%41KIA…` is `AKIA…`; tags
    // removed would drop it, so it is its own view.
    let in_links = (line.contains('%') && kind != LineKind::Opaque)
        .then(|| percent_decoded(&line.replace(ZERO_WIDTH, "")));
    let mut views: Vec<&str> = vec![line];
    if let Cow::Owned(f) = &flat {
        views.push(f);
    }
    if let Some(l) = &in_links {
        views.push(l);
    }
    for view in views {
        if p.format_candidate.is_match(view) {
            formats(p, view, &mut hits);
        }
    }
    if kind == LineKind::Opaque {
        return hits;
    }
    let mut lower = line.to_ascii_lowercase();
    if let Cow::Owned(f) = &flat {
        lower.push('\n');
        lower.push_str(&f.to_ascii_lowercase());
    }
    let has = |w: &str| lower.contains(w);
    if has("pass") || has("pwd") || has("secret") || has("key") || has("token") {
        key_value(p, line, kind, &mut hits);
        if let Cow::Owned(f) = &flat {
            key_value(p, f, kind, &mut hits);
        }
    }
    if has("pass") || has("pwd") {
        password_is(p, &flat, &mut hits);
    }
    if has("bearer")
        && let Some(c) = p.bearer.captures(&flat)
        && let Some(v) = c.get(1)
        && !is_placeholder(v.as_str())
    {
        hits.push(hit("a bearer token", preview(v.as_str()), v.as_str()));
    }
    if has("://")
        && let Some(c) = p.url_password.captures(&flat)
        && let Some(v) = c.get(1)
        && !is_placeholder(v.as_str())
    {
        hits.push(hit("a password in a URL", "`user:…@`".into(), v.as_str()));
    }
    if has("asplaintext")
        && let Some(c) = p.secure_string.captures(&flat)
        && let Some(v) = c.get(1)
        && !is_placeholder(v.as_str())
    {
        hits.push(hit(
            "a plain-text password",
            "`ConvertTo-SecureString \"…\"`".into(),
            v.as_str(),
        ));
    }
    if has("value")
        && let Some(c) = p.config_value.captures(line)
        && let Some(v) = c.get(1)
        && !is_placeholder(v.as_str())
    {
        hits.push(hit(
            "a password in a config file",
            "`key=\"…\" value=\"…\"`".into(),
            v.as_str(),
        ));
    }
    if has("net use")
        && let Some(c) = p.net_use.captures(&flat)
        && let Some(v) = c.get(1)
        && !is_placeholder(v.as_str())
    {
        hits.push(hit(
            "a password on a command line",
            "`net use … /user:… …`".into(),
            v.as_str(),
        ));
    }
    if matches!(kind, LineKind::Code | LineKind::Prose) {
        high_entropy(line, kind, ctx, &mut hits);
    }
    hits
}

fn hit(what: &'static str, shown: String, evidence: &str) -> Hit {
    Hit {
        what,
        shown,
        evidence: evidence.to_string(),
    }
}

/// The token formats in a (flattened) line.
fn formats(p: &Patterns, line: &str, hits: &mut Vec<Hit>) {
    for (what, re) in &p.formats {
        for m in re.find_iter(line) {
            if !has_placeholder_word(m.as_str()) && !hits.iter().any(|h| h.evidence == m.as_str()) {
                hits.push(hit(what, preview(m.as_str()), m.as_str()));
            }
        }
    }
}

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
    let decoded = super::decode::decode_entities(line);
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
const ZERO_WIDTH: [char; 5] = ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];

/// `%XX` of printable ASCII decoded, as a browser shows a link's target.
fn percent_decoded(line: &str) -> String {
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

/// `password: VALUE` and kin, with a literal value.
fn key_value(p: &Patterns, line: &str, kind: LineKind, hits: &mut Vec<Hit>) {
    if !p.key_value_hint.is_match(line) {
        return;
    }
    let re = &p.key_value;
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
            let value_in_code = quoted == Some('`');
            if !(leads(&line[..key.start()]) || in_code(key.start()) || value_in_code) {
                continue;
            }
            if quoted.is_some() && value.contains(char::is_whitespace) {
                continue;
            }
            // In a sentence, a plain word after `Password:` is an instruction
            // ("Password: reset it in the portal"), unless it stands alone and
            // reads like a passphrase (`BlueElephantDancing`).
            if value.chars().all(char::is_alphabetic) && !lone_passphrase(value, after) {
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
        hits.push(hit(
            what,
            format!(
                "`{}{}` followed by a literal value",
                key.as_str(),
                sep.as_str()
            ),
            value,
        ));
    }
}

/// The text before a key makes it a label: at most three words after list
/// markers, numbers and emphasis (`**Wi-Fi password:**`, `2. Admin password:`).
fn leads(before: &str) -> bool {
    let words = before
        .split(|c: char| c.is_whitespace() || "*_#>|+".contains(c))
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit() || ".)-".contains(c)))
        .collect::<Vec<_>>();
    words.len() <= 3
        && words.iter().all(|w| {
            w.chars()
                .all(|c| c.is_alphanumeric() || "-/()'".contains(c))
        })
}

/// An all-letter value alone after its label that reads like a passphrase:
/// three or more capitalised words run together, or a long run of letters.
fn lone_passphrase(value: &str, after: &str) -> bool {
    if after
        .trim_matches(|c: char| c.is_whitespace() || "*_.`|".contains(c))
        .chars()
        .any(char::is_alphanumeric)
    {
        return false;
    }
    let humps = value
        .as_bytes()
        .windows(2)
        .filter(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
        .count();
    humps >= 2 || value.chars().count() >= 16
}

/// A table header cell that names a password column (`Password`, `Admin pwd`).
pub(crate) fn names_password(cell: &str) -> bool {
    let lower = cell.to_ascii_lowercase();
    ["password", "passwd", "passphrase", "passcode", "pwd"]
        .iter()
        .any(|w| lower.contains(w))
}

/// A cell in a table's password column, when it holds a literal password.
pub(crate) fn table_password(cell: &str) -> Option<Hit> {
    let value = cell.trim_matches(|c: char| c.is_whitespace() || "`*_".contains(c));
    if value.contains(char::is_whitespace)
        || is_placeholder(value)
        || (value.chars().all(char::is_alphabetic) && !lone_passphrase(value, ""))
    {
        return None;
    }
    Some(hit(
        "a password",
        "a value in a table's password column".into(),
        value,
    ))
}

/// "The admin password is Xk29!fja8Qz": a value that is not a plain word.
fn password_is(p: &Patterns, line: &str, hits: &mut Vec<Hit>) {
    for m in p.prose_is.find_iter(line) {
        let Some((value, quoted, after)) = literal_value(&line[m.end()..]) else {
            continue;
        };
        let value = value.trim_end_matches(['.', ',', ';', ':', '!', '?']);
        if quoted.is_some() && value.contains(char::is_whitespace) {
            continue;
        }
        if value.chars().all(char::is_alphabetic) && !lone_passphrase(value, after) {
            continue;
        }
        if is_placeholder(value) || is_command_name(value) {
            continue;
        }
        hits.push(hit(
            "a password",
            "`password is …` followed by a literal value".into(),
            value,
        ));
    }
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
        .find(|c: char| c.is_whitespace() || ",;)}]&|<".contains(c))
        .unwrap_or(rest.len());
    let value = rest[..end].trim_end_matches(['*', '_']);
    Some((value, None, &rest[end..]))
}

/// Stand-ins, variables, expressions, paths and other values that are not literal secrets.
pub(crate) fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.chars().count() < 6 {
        return true;
    }
    let (Some(first), Some(last)) = (v.chars().next(), v.chars().next_back()) else {
        return true;
    };
    // A YAML tag (`!vault |`, `!Ref Param`) names where the value comes from.
    if first == '!' {
        return v
            .chars()
            .all(|c| c.is_ascii_alphabetic() || "!_-".contains(c));
    }
    if "<[{($%@&*-/~.#=|>\\".contains(first) || ">]})".contains(last) {
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
    let words = words(v);
    if words.iter().all(|w| FILLER_WORDS.contains(&w.as_str())) {
        return true;
    }
    // A variable: `securePassword`, `db_password`, `ADMIN_TOKEN`.
    let identifier = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-".contains(c))
        && first.is_ascii_alphabetic()
        && (first.is_ascii_lowercase()
            || v.chars().all(|c| !c.is_ascii_lowercase()) && v.contains('_'));
    if identifier
        && words
            .last()
            .is_some_and(|w| SECRET_NOUNS.contains(&w.as_str()))
    {
        return true;
    }
    // An email address, a dotted.identifier, a sentence.
    let email = patterns().is_ok_and(|p| p.email.is_match(v));
    let dotted = v.contains('.')
        && v.split('.').all(|part| {
            part.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    let sentence = v.matches(' ').count() >= 3;
    email || dotted || sentence
}

/// The words of a value, lowercase: split at anything not a letter or digit
/// and where a lowercase letter meets an uppercase one or a letter a digit.
fn words(v: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev: Option<char> = None;
    for c in v.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            prev = None;
            continue;
        }
        let boundary = prev.is_some_and(|p| {
            (p.is_lowercase() && c.is_uppercase()) || (p.is_alphabetic() != c.is_alphabetic())
        });
        if boundary && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
        prev = Some(c);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A PowerShell `Verb-Noun` cmdlet (`$token = Get-MsalToken …`): the value is
/// computed by a command, not written out.
fn is_command_name(value: &str) -> bool {
    patterns().is_ok_and(|p| p.cmdlet.is_match(value))
}

fn has_placeholder_word(v: &str) -> bool {
    let lower = v.to_lowercase();
    if PLACEHOLDER_SUBSTRINGS.iter().any(|w| lower.contains(w))
        || lower.contains("change_me")
        || lower.contains("change-me")
        || lower.contains("process.env")
        || lower.contains("read-host")
        || lower.contains("get-credential")
    {
        return true;
    }
    words(v)
        .iter()
        .any(|w| PLACEHOLDER_WORDS.contains(&w.as_str()))
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
fn high_entropy(line: &str, kind: LineKind, ctx: Context, hits: &mut Vec<Hit>) {
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

/// The first 4 characters and an ellipsis, in backticks.
fn preview(s: &str) -> String {
    let head: String = s.chars().take(4).collect();
    format!("`{head}…`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles_and_matches_its_example_only() {
        // The whole catalogue compiles (the scan would report an error otherwise).
        let p = patterns().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.formats.len(), FORMATS.len());
        assert!(problem().is_none());
        for &(what, re, yes, no) in FORMATS.iter().chain(RULES) {
            let re = Regex::new(re).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert!(re.is_match(yes), "{what} misses {yes}");
            assert!(!re.is_match(no), "{what} matches {no}");
        }
        // The cheap look before `key-value` lets every line through that it matches.
        for line in [
            "password: Hunter22x",
            "DB_PASSWORD := 'x'",
            "**Password:** Xk29!fja8Qz",
            "\"client_secret\": \"abc\"",
            "api-key = 1234",
            "Zugang — user_token=abc",
        ] {
            assert!(p.key_value.is_match(line), "{line}");
            assert!(p.key_value_hint.is_match(line), "{line}");
        }
        // Every positive example is a candidate line and a hit as written.
        for &(what, _, yes, _) in FORMATS {
            assert!(!candidates(yes, LineKind::Code).is_empty(), "{what}");
            assert!(!candidates(yes, LineKind::Opaque).is_empty(), "{what}");
            let hits = scan_line(yes, LineKind::Opaque, Context::default());
            assert!(hits.iter().any(|h| h.what == what), "{what}: {hits:?}");
        }
    }

    #[test]
    fn a_pattern_that_does_not_compile_is_an_error_not_an_empty_scan() {
        let error = compile("broken", "(unclosed").err();
        assert!(error.as_deref().is_some_and(|e| e.contains("`broken`")));
        let d = problem_of(error.as_deref());
        assert!(d.is_some_and(|d| d.severity == Severity::Error && d.message.contains("`broken`")));
    }

    #[test]
    fn flatten_undoes_entities_escapes_and_emphasis() {
        assert_eq!(flatten("ghp&#95;R8mK"), "ghp_R8mK");
        assert_eq!(flatten("&#65;KIAQ3"), "AKIAQ3");
        assert_eq!(flatten("ghp\\_R8mK"), "ghp_R8mK");
        assert_eq!(flatten("AKIA**Q3EG**TW7"), "AKIAQ3EGTW7");
        assert_eq!(flatten("AKIA<b>Q3</b>EG"), "AKIAQ3EG");
        assert_eq!(flatten("&#45;----BEGIN"), "-----BEGIN");
        assert!(matches!(flatten("plain words"), Cow::Borrowed(_)));
    }

    #[test]
    fn placeholders() {
        for v in [
            "<password>",
            "********",
            "${DB_PASSWORD}",
            "$token",
            "YOUR_API_KEY",
            "YourPasswordHere",
            "securePassword",
            "db_password",
            "wrong-password",
            "!vault",
            "dana@acme.example",
            "changeme",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
        for v in [
            "Summer2024Password!",
            "P@ssw0rd.2024",
            "!Xk29fja8Qz",
            "Xk29!fja8Qz",
            "Stringer99x",
        ] {
            assert!(!is_placeholder(v), "{v}");
        }
    }
}
