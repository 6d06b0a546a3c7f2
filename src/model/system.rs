//! `data/systems/ID.yaml`, `data/activities.yaml` and runbook front matter.

use super::{Audience, CredentialPointer, Date, Duration, Fact, Id, Tier};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// `data/systems/ID.yaml`: a system, who answers for it and how.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct System {
    /// Its id: the file name, and the URL `systems/ID/`.
    pub id: Id,
    /// As shown on pages.
    pub name: String,
    /// How much the business needs it (1 = stops without it).
    pub tier: Tier,
    /// A sentence about it.
    pub description: Option<String>,
    /// The id of the party that owns it.
    pub owner: String,
    /// Ids of the systems it needs.
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// activity → party → letters, in file order.
    #[serde(default)]
    pub raci: IndexMap<String, IndexMap<String, String>>,
    /// Who to call, in order.
    #[serde(default)]
    pub escalation: Vec<EscalationLevel>,
    /// Promised times by priority (`P1: { respond: 15m }`).
    #[serde(default)]
    pub sla: IndexMap<String, Sla>,
    /// What a caller is asked for (circuit ID, account, serial), label → value
    /// in file order: shown with every call card of the system.
    #[serde(default)]
    pub facts: IndexMap<String, Fact>,
    /// Where the system's secrets live: links to vault entries.
    #[serde(default)]
    pub credentials_at: Vec<CredentialPointer>,
}

/// One level of an escalation ladder.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationLevel {
    /// The id of the party called.
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
    /// How soon this level answers.
    pub respond_within: Option<Duration>,
}

impl EscalationLevel {
    /// The name of the hours this level answers: its own `hours`, else its
    /// party's (see [`super::Party::hours_name`]).
    pub fn hours_name<'a>(&'a self, party: &'a super::Party) -> &'a str {
        self.hours.as_deref().unwrap_or_else(|| party.hours_name())
    }
}

/// Promised times for one priority.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sla {
    /// Time to first answer.
    pub respond: Option<Duration>,
    /// Time to fix.
    pub resolve: Option<Duration>,
}

/// An entry of `data/activities.yaml`: a task that RACI rows name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    /// As RACI rows write it.
    pub name: String,
    /// A sentence about it.
    pub description: Option<String>,
    /// Every tier-1 or tier-2 system must have a row for it.
    #[serde(default)]
    pub required: bool,
}

/// The front matter of a markdown page or a section's `_index.md`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Required on pages; a section without one is titled after its folder.
    pub title: Option<String>,
    /// The summary under the title, and in search; the first paragraph when absent.
    pub description: Option<String>,
    /// Ids of the systems the runbook is for.
    #[serde(default, deserialize_with = "super::one_or_many")]
    pub systems: Vec<String>,
    /// The id of the party that keeps it up to date.
    pub owner: Option<String>,
    /// Words to find it by.
    #[serde(default, deserialize_with = "super::one_or_many")]
    pub tags: Vec<String>,
    /// Who may see it; inherited from its folder when absent.
    pub audience: Option<Audience>,
    /// When it was last checked to be right.
    pub last_reviewed: Option<Date>,
    /// How often it must be reviewed; `cairn.yaml`'s when absent.
    pub review_every: Option<Duration>,
    /// The page may hold what looks like a secret: the secret check and gate let it through.
    #[serde(default)]
    pub allow_secrets: bool,
    /// Order within the section's list; lower first, then by title.
    pub weight: Option<i64>,
}
