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
    /// Hugo, MkDocs, Jekyll: not published unless `build --drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Jekyll: `published: false` is a draft.
    pub published: Option<bool>,
    /// Hugo: a headless page is never published on its own.
    #[serde(default)]
    pub headless: bool,
    /// Hugo: not published before this date (unless `build --drafts`).
    #[serde(rename = "publishDate", alias = "publishdate")]
    pub publish_date: Option<LooseDate>,
    /// Old paths of the page (Hugo; Jekyll's `redirect_from`): each gets a
    /// redirect page.
    #[serde(
        default,
        alias = "redirect_from",
        deserialize_with = "super::one_or_many"
    )]
    pub aliases: Vec<String>,
    /// When it was written; shown.
    pub date: Option<LooseDate>,
    /// When it last changed; stands for `last_reviewed` when that is absent.
    #[serde(alias = "lastMod", alias = "last_modified_at")]
    pub lastmod: Option<LooseDate>,
    /// A short title for lists and breadcrumbs (Hugo's `linkTitle`).
    #[serde(alias = "linkTitle", alias = "linktitle")]
    pub nav_title: Option<String>,
    /// Hugo's summary: the description when that is absent.
    pub summary: Option<String>,
    /// Hugo and Jekyll categories: more tags.
    #[serde(default, alias = "category", deserialize_with = "super::one_or_many")]
    pub categories: Vec<String>,
    /// Keys other generators define that mean nothing here, with their lines:
    /// each is one `foreign-key` warning per site.
    #[serde(skip)]
    pub foreign: Vec<(String, usize)>,
}

impl FrontMatter {
    /// Keys other generators use for what cairn has its own key for, folded
    /// into cairn's: `summary` is the description, `categories` are tags,
    /// `lastmod` stands for `last_reviewed`.
    pub(crate) fn fold_foreign_meanings(&mut self) {
        if self.description.is_none() {
            self.description = self.summary.take();
        }
        for c in std::mem::take(&mut self.categories) {
            if !self.tags.contains(&c) {
                self.tags.push(c);
            }
        }
        if self.last_reviewed.is_none() {
            self.last_reviewed = self.lastmod.map(|d| Date(d.0));
        }
    }

    /// Its author held it back: a draft, `published: false`, headless, or
    /// a `publishDate` after `today`.
    pub(crate) fn is_unpublished(&self, today: chrono::NaiveDate) -> bool {
        self.draft
            || self.published == Some(false)
            || self.headless
            || self.publish_date.is_some_and(|d| d.0 > today)
    }
}

/// A date other generators write: `2024-05-01`, or a timestamp starting with
/// one (`2024-05-01T10:00:00Z`, `2024-05-01 10:00:00 +0200`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct LooseDate(pub chrono::NaiveDate);

impl TryFrom<String> for LooseDate {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.get(..10)
            .filter(|_| s.len() == 10 || s[10..].starts_with(['T', 't', ' ']))
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map(LooseDate)
            .ok_or_else(|| format!("invalid date `{s}`: write dates as YYYY-MM-DD"))
    }
}

/// Front matter keys of Hugo (and its common themes), MkDocs (Material) and
/// Jekyll (and Just the Docs) that mean nothing to cairn: a site brought
/// over keeps them, each reported once as `foreign-key`. Compared without
/// case, as Hugo does.
pub(crate) const FOREIGN_KEYS: &[&str] = &[
    // Hugo
    "build",
    "cascade",
    "expiryDate",
    "isCJKLanguage",
    "keywords",
    "layout",
    "markup",
    "menu",
    "menus",
    "modified",
    "outputs",
    "params",
    "pubdate",
    "resources",
    "sitemap",
    "slug",
    "translationKey",
    "type",
    "url",
    "images",
    "audio",
    "videos",
    "series",
    "toc",
    "author",
    "authors",
    "showToc",
    "hidemeta",
    "comments",
    // Hugo themes: Book, Docsy, Geekdoc, Relearn
    "bookCollapseSection",
    "bookFlatSection",
    "bookHidden",
    "bookToc",
    "bookComments",
    "bookSearchExclude",
    "bookHref",
    "no_list",
    "simple_list",
    "hide_summary",
    "toc_hide",
    "hide_feedback",
    "geekdocHidden",
    "geekdocCollapseSection",
    "geekdocFlatSection",
    "geekdocHiddenTocTree",
    "geekdocAnchor",
    "geekdocEditPath",
    "geekdocRepo",
    "chapter",
    "pre",
    "hidden",
    "alwaysopen",
    "archetype",
    "icon",
    // MkDocs, Material for MkDocs
    "template",
    "hide",
    "status",
    "search",
    "subtitle",
    "render_macros",
    // Jekyll, Just the Docs
    "permalink",
    "excerpt",
    "excerpt_separator",
    "redirect_to",
    "image",
    "nav_order",
    "parent",
    "grand_parent",
    "has_children",
    "nav_exclude",
    "has_toc",
    "sidebar",
    "toc_label",
    "toc_sticky",
    "classes",
    "header",
    "lang",
];

/// Whether `key` is one of [`FOREIGN_KEYS`].
pub(crate) fn is_foreign_key(key: &str) -> bool {
    FOREIGN_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}
