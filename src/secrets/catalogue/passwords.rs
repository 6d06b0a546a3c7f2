//! `password: VALUE` and its kin: key and value pairs, "the password is",
//! bearer headers, URLs with a password, `ConvertTo-SecureString`, config
//! attributes, `net use`, and password columns of tables.

use super::placeholders::{is_command_name, is_placeholder};
use super::random::code_spans;
use super::{Hit, Patterns, hit};
use crate::secrets::LineKind;

/// `password: VALUE`, `api_key=VALUE`, `"client_secret": "VALUE"`, `**Password:** VALUE`.
pub(super) const KEY_VALUE: &str = concat!(
    r"(?i)\b([a-z0-9_.-]*(?:password|passwd|passphrase|passcode|pwd|secret|api[_-]?key",
    r#"|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|token))\b["'*_]*\s*(:=|[:=])"#,
);
/// [`KEY_VALUE`] without its word boundaries and the key's leading letters:
/// every line it matches is a line the full pattern may match.
pub(super) const KEY_VALUE_HINT: &str = concat!(
    r"(?i)(?:password|passwd|passphrase|passcode|pwd|secret|api[_-]?key",
    r#"|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|token)["'*_]*\s*[:=]"#,
);

/// "The admin password is VALUE": a password told in a sentence.
pub(super) const PROSE_IS: &str =
    r"(?i)\b(password|passphrase|passcode|pwd)\s+(?:is|was|will be|would be|remains|reads)\b\s*:?";

pub(super) const BEARER: &str = r"(?i)\bbearer\s+([A-Za-z0-9._~+/-]{20,}=*)";

pub(super) const URL_PASSWORD: &str = r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:([^/\s@]+)@";

pub(super) const SECURE_STRING: &str = r#"(?i)ConvertTo-SecureString\b.*?["']([^"']+)["']"#;

/// `<add key="Password" value="…">` (web.config, app.config): the key names
/// the secret, the value holds it.
pub(super) const CONFIG_VALUE: &str = concat!(
    r#"(?i)\bkey\s*=\s*["'][^"']*(?:password|passwd|pwd|secret|token|api[_-]?key)[^"']*["']"#,
    r#"\s+value\s*=\s*["']([^"']*)["']"#,
);

/// `net use \\srv\share /user:DOMAIN\name PASSWORD`: the password follows the user.
pub(super) const NET_USE: &str = r"(?i)\bnet\s+use\b.*?\s/u(?:ser)?:\S+\s+([^\s/][^\s]*)";

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

/// `password: VALUE` and kin, with a literal value.
pub(super) fn key_value(p: &Patterns, line: &str, kind: LineKind, hits: &mut Vec<Hit>) {
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
pub(super) fn password_is(p: &Patterns, line: &str, hits: &mut Vec<Hit>) {
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
