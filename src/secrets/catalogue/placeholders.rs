//! What is not a literal secret: stand-ins (`<password>`, `********`),
//! variables, expressions, paths, and words where a value would be.

use super::patterns;

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
pub(super) fn words(v: &str) -> Vec<String> {
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
pub(super) fn is_command_name(value: &str) -> bool {
    patterns().is_ok_and(|p| p.cmdlet.is_match(value))
}

pub(super) fn has_placeholder_word(v: &str) -> bool {
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
