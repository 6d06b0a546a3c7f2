//! The token formats, recognisable on their own (`ghp_…`, `AKIA…`, private
//! keys): the one table, with an example and a near miss for each.

use super::placeholders::has_placeholder_word;
use super::{Hit, Patterns, hit, preview};

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

/// The token formats in a (flattened) line.
pub(super) fn formats(p: &Patterns, line: &str, hits: &mut Vec<Hit>) {
    for (what, re) in &p.formats {
        for m in re.find_iter(line) {
            if !has_placeholder_word(m.as_str()) && !hits.iter().any(|h| h.evidence == m.as_str()) {
                hits.push(hit(what, preview(m.as_str()), m.as_str()));
            }
        }
    }
}
