//! The one catalogue of what a secret looks like, shared by the source scan
//! (`check::secrets`, file:line diagnostics) and the output gate
//! ([`super::gate`], every byte a build writes): the token formats, the
//! `password: VALUE` family, the placeholder rules and the context rules.
//! Regexes are compiled once.

mod flatten;
mod formats;
mod passwords;
mod placeholders;
mod random;
mod spots;
pub(crate) use spots::candidates;
#[cfg(test)]
mod tests;

use super::LineKind;
use crate::diag::{Code, Diagnostic, Severity};
pub(crate) use flatten::flatten;
use flatten::{ZERO_WIDTH, percent_decoded};
use formats::{FORMATS, formats};
use passwords::{
    BEARER, CONFIG_VALUE, KEY_VALUE, KEY_VALUE_HINT, NET_USE, PROSE_IS, SECURE_STRING,
    URL_PASSWORD, key_value, password_is,
};
pub(crate) use passwords::{names_password, table_password};
use placeholders::is_placeholder;
use random::high_entropy;
pub(crate) use random::mentions_hex_context;
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// The comment that silences a line (any comment syntax around it).
pub(crate) const ALLOW: &str = "cairn: allow-secret";

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
    // A DFA: the gate runs these over every byte a build writes, and a few
    // dozen short words make a small one (about 3 % of a 10k build's CPU).
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
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

/// The first 4 characters and an ellipsis, in backticks.
fn preview(s: &str) -> String {
    let head: String = s.chars().take(4).collect();
    format!("`{head}…`")
}
