//! `data/parties.yaml`: who takes part (internal team, providers, vendors) and how to reach them.

use super::{Audience, CredentialPointer, Date, Id, Rotation, Timezone};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// What a party is to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartyKind {
    /// The client's own IT.
    Internal,
    /// A managed service provider.
    Provider,
    /// A vendor of a product the client runs.
    Vendor,
}

impl PartyKind {
    /// As written in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            PartyKind::Internal => "internal",
            PartyKind::Provider => "provider",
            PartyKind::Vendor => "vendor",
        }
    }
}

/// An entry of `data/parties.yaml`: an organisation that answers for systems.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Referred to by systems, RACI and ladders.
    pub id: Id,
    /// As shown on pages.
    pub name: String,
    /// What it is to the client.
    pub kind: PartyKind,
    /// A sentence about it.
    pub description: Option<String>,
    /// A name from `cairn.yaml` `hours`; absent means 24x7.
    pub hours: Option<String>,
    /// The zone its hours are written in; the site's when absent.
    pub timezone: Option<Timezone>,
    /// People to call, in order.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Named rotations (`on-call`) that a ladder level's `contact:` may name.
    #[serde(default)]
    pub rotations: IndexMap<String, Rotation>,
    /// Where the party's shared secrets live: links to vault entries.
    #[serde(default)]
    pub credentials_at: Vec<CredentialPointer>,
}

/// A person of a party.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// As shown on pages; escalation levels name contacts by it.
    pub name: String,
    /// What they do (`Service desk`).
    pub role: Option<String>,
    /// A plain address: it becomes a `mailto:` link, where `?bcc=` would add recipients.
    #[serde(default, deserialize_with = "email")]
    pub email: Option<String>,
    /// Digits and the usual separators: it becomes a `tel:` link.
    #[serde(default, deserialize_with = "phone")]
    pub phone: Option<String>,
    /// Who may see this contact.
    #[serde(default)]
    pub audience: Audience,
    /// The day they left: from it they are shown nowhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left: Option<Date>,
}

/// `local@domain`, nothing else: no spaces, no `?`/`,`/`;`/`%`/`<>`/quotes that
/// would smuggle headers or more recipients into the `mailto:` link.
pub(crate) fn is_plain_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || ".!#$&'*+=^_`{|}~-".contains(c));
    let label_ok = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    local_ok && domain.len() <= 253 && domain.split('.').all(label_ok)
}

/// A phone number's extension at its end (`, x123`, ` ext. 12`).
static EXTENSION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    crate::pattern::constant(r"(?i)\s*(?:,\s*)?(?:x|ext\.?|extension)\s*\d{1,6}$")
});

/// Digits, spaces and `+ - ( ) .` (a `+` only first), at least three digits,
/// and an optional extension: `x123`, `ext. 12`, `ext 12`, `extension 12`.
pub(crate) fn is_phone_number(s: &str) -> bool {
    let number = match EXTENSION.find(s) {
        Some(m) => &s[..m.start()],
        None => s,
    };
    let body = number.strip_prefix('+').unwrap_or(number);
    body.chars().filter(char::is_ascii_digit).count() >= 3
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || " -().".contains(c))
}

fn email<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(try_from = "String")]
    struct Email(String);
    impl TryFrom<String> for Email {
        type Error = String;
        fn try_from(s: String) -> Result<Self, String> {
            if is_plain_email(&s) {
                Ok(Email(s))
            } else {
                Err(format!(
                    "invalid email `{s}`: write a plain address such as name@example.com (no spaces, `?`, `,` or `;`)"
                ))
            }
        }
    }
    Ok(Option::<Email>::deserialize(d)?.map(|e| e.0))
}

fn phone<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(try_from = "String")]
    struct Phone(String);
    impl TryFrom<String> for Phone {
        type Error = String;
        fn try_from(s: String) -> Result<Self, String> {
            if is_phone_number(&s) {
                Ok(Phone(s))
            } else {
                Err(format!(
                    "invalid phone `{s}`: write digits, spaces and `+ - ( ) .`, with an optional extension such as `x123` (e.g. \"+1 555 0100 x12\")"
                ))
            }
        }
    }
    Ok(Option::<Phone>::deserialize(d)?.map(|p| p.0))
}

impl Party {
    /// The contact named `name`.
    pub fn contact(&self, name: &str) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.name == name)
    }

    /// The name of the hours the party answers: its `hours`, else `24x7`.
    pub fn hours_name(&self) -> &str {
        self.hours.as_deref().unwrap_or("24x7")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_pattern_compiles() {
        std::sync::LazyLock::force(&EXTENSION);
    }

    #[test]
    fn emails_are_plain_addresses() {
        for ok in [
            "dana@acme.example",
            "o'brien+it@x.co.uk",
            "noc@bright.example",
            "jürgen@bücher.de",
            "root@localhost",
        ] {
            assert!(is_plain_email(ok), "{ok}");
        }
        for bad in [
            "dana@acme.example?bcc=attacker@evil.example",
            "a@b.example,c@d.example",
            "a@b.example;c@d.example",
            "dana @acme.example",
            "Dana <dana@acme.example>",
            "dana",
            "@acme.example",
            "dana@",
            "dana@acme..example",
            "dana%3Fbcc@acme.example",
            "dana@acme.example\n",
            "a@b@c",
        ] {
            assert!(!is_plain_email(bad), "{bad}");
        }
    }

    #[test]
    fn phones_are_digits_and_separators() {
        for ok in [
            "+1 555 0100",
            "(555) 010-0199",
            "+44 20 7946 0958",
            "555.0100",
            "+1 555 0100 x123",
            "+1 555 0100 ext. 12",
            "0800-123 ext 4",
            "911",
        ] {
            assert!(is_phone_number(ok), "{ok}");
        }
        for bad in [
            "+1 555 0100?call",
            "javascript:alert(1)",
            "call me",
            "12",
            "+1 555 0100;ext=1",
            "1+555",
            "+1 555 0100 x",
            "",
        ] {
            assert!(!is_phone_number(bad), "{bad}");
        }
    }
}
