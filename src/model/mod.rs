//! Model: the typed shape of a cairn site's YAML (config, parties, systems,
//! activities, front matter). Every struct denies unknown keys so a typo such as
//! `escalaton:` fails loudly with the keys allowed; values that have a grammar
//! (durations, days, times, ids, tiers, timezones) parse in their own types, so a
//! bad one is reported by serde at its line.

mod calendar;
mod config;
mod duration;
mod facts;
mod hours;
mod party;
mod system;

pub(crate) use calendar::weekday_index;
pub use calendar::{Away, DateOrTime, Handoff, HandoffAt, HolidayEntry, Override, Rotation};
pub use config::{
    ByteSize, Config, CspConfig, ImageOrigin, MarkdownConfig, OfflineConfig, RawHtmlMode,
    url_origin,
};
pub use duration::Duration;
pub use facts::{CredentialPointer, Fact};
pub use hours::{CoverageWindow, DaySet, HoursSpec, MINUTES_PER_WEEK, TimeOfDay, WeekMask};
pub use party::{Contact, Party, PartyKind};
pub(crate) use system::is_foreign_key;
pub use system::{Activity, EscalationLevel, FrontMatter, LooseDate, Sla, System};

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// Who may see a page or contact. `Client` is the default: visible to everyone.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Deserialize, Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Everyone: the client and the provider.
    #[default]
    Client,
    /// The provider's own staff only.
    Internal,
    /// Nobody: a page its author held back (a draft, `published: false`, a
    /// future `publishDate`), in a build without `--drafts`. Never written
    /// in YAML, never the audience of a build.
    #[serde(skip)]
    Unpublished,
}

impl Audience {
    /// As written in YAML and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Client => "client",
            Audience::Internal => "internal",
            Audience::Unpublished => "unpublished",
        }
    }

    /// Whether something marked `self` may appear in a build for `build`.
    pub fn visible_in(self, build: Audience) -> bool {
        self <= build
    }
}

impl std::str::FromStr for Audience {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "client" => Ok(Audience::Client),
            "internal" => Ok(Audience::Internal),
            other => Err(format!(
                "unknown audience `{other}`, expected `client` or `internal`"
            )),
        }
    }
}

/// A lowercase `[a-z0-9-]+` identifier of a party or system.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(try_from = "String", into = "String")]
pub struct Id(pub String);

impl Id {
    /// The id as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `s` is a non-empty `[a-z0-9-]+`.
    pub fn is_valid(s: &str) -> bool {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Id {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if Id::is_valid(&s) {
            Ok(Id(s))
        } else {
            Err(format!(
                "invalid id `{s}`: ids are lowercase letters, digits and `-`"
            ))
        }
    }
}

impl From<Id> for String {
    fn from(id: Id) -> String {
        id.0
    }
}

/// Importance of a system: 1 = business stops without it … 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Tier(pub u8);

impl Tier {
    /// Tier 1 or 2: the systems whose escalation ladder must cover every minute of
    /// the week and that must have a row for each required activity.
    pub fn is_critical(self) -> bool {
        self.0 <= 2
    }
}

impl<'de> Deserialize<'de> for Tier {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Tier;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a tier: 1, 2, 3 or 4")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Tier, E> {
                match n {
                    1..=4 => Ok(Tier(n as u8)),
                    _ => Err(E::custom(format!(
                        "invalid tier {n}: a tier is 1, 2, 3 or 4"
                    ))),
                }
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Tier, E> {
                Err(E::custom(format!(
                    "invalid tier {n}: a tier is 1, 2, 3 or 4"
                )))
            }
        }
        d.deserialize_u64(V)
    }
}

/// An IANA timezone name, validated against the tz database.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "String", into = "String")]
pub struct Timezone(pub String);

impl Default for Timezone {
    fn default() -> Self {
        Timezone("UTC".into())
    }
}

impl TryFrom<String> for Timezone {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        match s.parse::<chrono_tz::Tz>() {
            Ok(_) => Ok(Timezone(s)),
            Err(_) => Err(format!(
                "unknown timezone `{s}`: use an IANA name such as America/New_York or UTC"
            )),
        }
    }
}

impl From<Timezone> for String {
    fn from(tz: Timezone) -> String {
        tz.0
    }
}

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct Date(pub chrono::NaiveDate);

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl TryFrom<String> for Date {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map(Date)
            .map_err(|_| format!("invalid date `{s}`: write dates as YYYY-MM-DD"))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// Deserialize one value or a list of them (`days: [sat, sun]`, `tags: x`).
pub(crate) fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        One(T),
        Many(Vec<T>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(t) => vec![t],
        OneOrMany::Many(v) => v,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_is_hidden_from_client_builds_only() {
        assert!(Audience::Client.visible_in(Audience::Client));
        assert!(Audience::Client.visible_in(Audience::Internal));
        assert!(!Audience::Internal.visible_in(Audience::Client));
        assert!(Audience::Internal.visible_in(Audience::Internal));
    }

    #[test]
    fn ids_are_lowercase_letters_digits_and_dashes() {
        assert!(Id::is_valid("m365"));
        assert!(Id::is_valid("entra-id"));
        assert!(!Id::is_valid("M365"));
        assert!(!Id::is_valid("a_b"));
        assert!(!Id::is_valid(""));
    }
}
