//! `data/parties.yaml`: who takes part (internal team, providers, vendors) and how to reach them.

use super::{Audience, Id};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartyKind {
    Internal,
    Provider,
    Vendor,
}

impl PartyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PartyKind::Internal => "internal",
            PartyKind::Provider => "provider",
            PartyKind::Vendor => "vendor",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub id: Id,
    pub name: String,
    pub kind: PartyKind,
    pub description: Option<String>,
    /// A name from `cairn.yaml` `hours`; absent means 24x7.
    pub hours: Option<String>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[serde(default)]
    pub audience: Audience,
}

impl Party {
    pub fn contact(&self, name: &str) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.name == name)
    }
}
