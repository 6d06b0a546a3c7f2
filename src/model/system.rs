//! `data/systems/ID.yaml`, `data/activities.yaml` and runbook front matter.

use super::{Audience, Date, Duration, Id, Tier};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct System {
    pub id: Id,
    pub name: String,
    pub tier: Tier,
    pub description: Option<String>,
    pub owner: String,
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// activity → party → letters, in file order.
    #[serde(default)]
    pub raci: IndexMap<String, IndexMap<String, String>>,
    #[serde(default)]
    pub escalation: Vec<EscalationLevel>,
    #[serde(default)]
    pub sla: IndexMap<String, Sla>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationLevel {
    pub party: String,
    /// Must name a contact of that party.
    pub contact: Option<String>,
    /// Shown in client builds instead of an internal `contact`; must name a
    /// client-visible contact of the same party.
    pub client_contact: Option<String>,
    /// When this level answers; default: the party's hours.
    pub hours: Option<String>,
    /// Time after the previous level was called.
    pub after: Option<Duration>,
    pub respond_within: Option<Duration>,
}

impl EscalationLevel {
    /// The name of the hours this level answers: its own `hours`, else its
    /// party's (see [`super::Party::hours_name`]).
    pub fn hours_name<'a>(&'a self, party: &'a super::Party) -> &'a str {
        self.hours.as_deref().unwrap_or_else(|| party.hours_name())
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sla {
    pub respond: Option<Duration>,
    pub resolve: Option<Duration>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    pub name: String,
    pub description: Option<String>,
    #[serde(default)]
    pub required: bool,
}

/// The front matter of a markdown page or a section's `_index.md`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Required on pages; a section without one is titled after its folder.
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default, deserialize_with = "super::one_or_many")]
    pub systems: Vec<String>,
    pub owner: Option<String>,
    #[serde(default, deserialize_with = "super::one_or_many")]
    pub tags: Vec<String>,
    pub audience: Option<Audience>,
    pub last_reviewed: Option<Date>,
    pub review_every: Option<Duration>,
    #[serde(default)]
    pub allow_secrets: bool,
    /// Order within the section's list; lower first, then by title.
    pub weight: Option<i64>,
}
