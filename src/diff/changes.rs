//! The typed change list `cairn diff` computes, one struct per section of the
//! report. It is also the JSON schema (README "cairn diff JSON"): every field
//! here is public API for bots, so rename nothing without bumping
//! [`SCHEMA_VERSION`].

use crate::diag::Diagnostic;
use crate::model::Audience;
use serde::{Serialize, Serializer};
use std::fmt;

/// Bumped when a field of the JSON output changes meaning or goes away.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// Everything that differs between two sites, for one audience.
#[derive(Debug, Serialize)]
pub(crate) struct Diff {
    pub schema_version: u32,
    pub old: SideInfo,
    pub new: SideInfo,
    pub audience: Audience,
    /// Whether anything below is non-empty (what `--exit-code` reports).
    pub changed: bool,
    pub summary: Summary,
    pub site: Vec<SiteChange>,
    pub systems: Vec<SystemChange>,
    pub raci: Vec<RaciChange>,
    pub ladders: Vec<LadderChange>,
    pub coverage: Vec<CoverageChange>,
    pub dated_coverage: Vec<DatedCoverageChange>,
    pub parties: Vec<PartyChange>,
    pub contacts: Vec<ContactChange>,
    pub runbooks: Vec<PageChange>,
    pub checks: CheckChanges,
}

/// Where one side came from.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SideInfo {
    /// What the report calls it: the folder as given, a revision, or `working tree`.
    pub label: String,
    /// `folder`, `git` or `worktree`.
    pub kind: &'static str,
    /// The full commit id of a `git` side.
    pub commit: Option<String>,
}

/// Counts for the summary line; `attention` counts the lines marked for a reviewer.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Summary {
    pub site: usize,
    pub systems_added: usize,
    pub systems_removed: usize,
    pub systems_changed: usize,
    pub raci: usize,
    pub accountable_moves: usize,
    pub ladders: usize,
    pub coverage: usize,
    pub windows_uncovered: usize,
    pub dated_coverage: usize,
    pub dated_windows_uncovered: usize,
    pub parties: usize,
    pub contacts: usize,
    pub runbooks: usize,
    pub client_visible: usize,
    pub errors_introduced: usize,
    pub warnings_introduced: usize,
    pub problems_fixed: usize,
    pub attention: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Kind {
    Added,
    Removed,
    Changed,
    Moved,
}

/// How every change reads: a sentence, optional sub-lines, and whether a
/// reviewer should look twice (an accountable moved, a window left uncovered,
/// something made client-visible, a level dropped).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Line {
    pub change: Kind,
    pub message: Sentence,
    pub details: Vec<Sentence>,
    pub attention: bool,
}

/// One field before and after; `null` where it did not exist.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FieldChange {
    pub field: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

#[derive(Debug, Serialize)]
pub(crate) struct SiteChange {
    #[serde(flatten)]
    pub line: Line,
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Serialize)]
pub(crate) struct SystemChange {
    pub system: String,
    pub name: String,
    #[serde(flatten)]
    pub line: Line,
    pub fields: Vec<FieldChange>,
}

/// One activity of one system; `before`/`after` map party ids to letters.
#[derive(Debug, Serialize)]
pub(crate) struct RaciChange {
    pub system: String,
    pub activity: String,
    #[serde(flatten)]
    pub line: Line,
    pub before: Option<indexmap::IndexMap<String, String>>,
    pub after: Option<indexmap::IndexMap<String, String>>,
    pub accountable: BeforeAfter<Vec<String>>,
    pub responsible: BeforeAfter<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct BeforeAfter<T> {
    pub before: T,
    pub after: T,
}

/// The ladder of one system: level changes in `details`/`levels`, and the
/// minutes from the first call until the last level is tried.
#[derive(Debug, Serialize)]
pub(crate) struct LadderChange {
    pub system: String,
    #[serde(flatten)]
    pub line: Line,
    pub levels: Vec<LevelChange>,
    pub reordered: bool,
    pub last_level_after_minutes: BeforeAfter<Option<u64>>,
}

#[derive(Debug, Serialize)]
pub(crate) struct LevelChange {
    pub change: Kind,
    pub before: Option<Level>,
    pub after: Option<Level>,
    pub fields: Vec<FieldChange>,
    pub message: Sentence,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Level {
    /// 1-based position in its ladder.
    pub level: usize,
    pub party: String,
    pub party_name: String,
    /// The named contact, when this audience may see it (else its `client_contact`).
    pub contact: Option<String>,
    pub client_contact: Option<String>,
    pub hours: String,
    pub hours_text: String,
    pub after_minutes: u64,
    /// From the first call until this level is tried.
    pub after_total_minutes: u64,
    pub respond_within_minutes: Option<u64>,
}

/// Minutes of the week (site timezone) a tier-1/2 system's ladder answers.
#[derive(Debug, Serialize)]
pub(crate) struct CoverageChange {
    pub system: String,
    pub tier: u8,
    #[serde(flatten)]
    pub line: Line,
    pub minutes_before: usize,
    pub minutes_after: usize,
    pub minutes_per_week: usize,
    /// Windows answered before and not now, `sat 08:00–sun 08:00`.
    pub uncovered: Vec<String>,
    /// Windows answered now and not before.
    pub covered: Vec<String>,
}

/// Over the coverage horizon from today: windows nobody answers a tier-1/2
/// system though its week hours would (holidays, absences, rotations,
/// departures), now and not before, or before and not now.
#[derive(Debug, Serialize)]
pub(crate) struct DatedCoverageChange {
    pub system: String,
    pub tier: u8,
    #[serde(flatten)]
    pub line: Line,
    pub uncovered: Vec<DatedWindow>,
    pub covered: Vec<DatedWindow>,
}

/// One dated window, site timezone.
#[derive(Debug, Serialize)]
pub(crate) struct DatedWindow {
    /// `2026-12-25`: the date it starts.
    pub date: String,
    /// `2026-12-25 08:00–18:00`.
    pub window: String,
    /// Why each level that would answer does not, as this audience may read
    /// it (`Christmas Day — Acme Internal IT closed`).
    pub why: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct PartyChange {
    pub party: String,
    pub name: String,
    #[serde(flatten)]
    pub line: Line,
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ContactChange {
    pub party: String,
    pub contact: String,
    #[serde(flatten)]
    pub line: Line,
    pub fields: Vec<FieldChange>,
}

/// A page under `content/`, by its path there; `from` is set for a move.
#[derive(Debug, Serialize)]
pub(crate) struct PageChange {
    pub page: String,
    pub from: Option<String>,
    pub title: String,
    pub runbook: bool,
    #[serde(flatten)]
    pub line: Line,
    pub fields: Vec<FieldChange>,
}

/// Check results that differ; a problem is matched by severity, code, file and
/// message (lines shift with every edit above them).
#[derive(Debug, Default, Serialize)]
pub(crate) struct CheckChanges {
    pub introduced: Vec<Problem>,
    pub fixed: Vec<Problem>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Problem {
    pub severity: crate::diag::Severity,
    pub code: crate::diag::Code,
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl From<&Diagnostic> for Problem {
    fn from(d: &Diagnostic) -> Problem {
        Problem {
            severity: d.severity,
            code: d.code,
            file: d.file.clone(),
            line: d.line,
            message: d.message.clone(),
        }
    }
}

/// A sentence of the report in pieces, so each printer can style names and
/// values its own way (bold, code spans, colour) from one wording.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Sentence(pub Vec<Seg>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// Plain words.
    Text(String),
    /// A system, party or contact name, or a page title.
    Name(String),
    /// A value as written: an id, a phone number, a path, hours, a window.
    Value(String),
}

impl Sentence {
    pub(crate) fn new() -> Sentence {
        Sentence(Vec::new())
    }
    pub(crate) fn text(mut self, s: impl Into<String>) -> Sentence {
        let s = s.into();
        if let Some(Seg::Text(last)) = self.0.last_mut() {
            last.push_str(&s);
        } else if !s.is_empty() {
            self.0.push(Seg::Text(s));
        }
        self
    }
    pub(crate) fn name(mut self, s: impl Into<String>) -> Sentence {
        self.0.push(Seg::Name(s.into()));
        self
    }
    pub(crate) fn value(mut self, s: impl Into<String>) -> Sentence {
        self.0.push(Seg::Value(s.into()));
        self
    }
    pub(crate) fn append(mut self, other: Sentence) -> Sentence {
        for seg in other.0 {
            self = match seg {
                Seg::Text(t) => self.text(t),
                seg => {
                    self.0.push(seg);
                    self
                }
            };
        }
        self
    }
    /// Sentences joined by `sep` (`; `).
    pub(crate) fn join(parts: Vec<Sentence>, sep: &str) -> Sentence {
        let mut out = Sentence::new();
        for (i, p) in parts.into_iter().enumerate() {
            if i > 0 {
                out = out.text(sep);
            }
            out = out.append(p);
        }
        out
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Sentence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for seg in &self.0 {
            match seg {
                Seg::Text(s) | Seg::Name(s) | Seg::Value(s) => f.write_str(s)?,
            }
        }
        Ok(())
    }
}

impl Serialize for Sentence {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Diff {
    /// Lines of every section, in report order, for counting.
    pub(crate) fn all_lines(&self) -> impl Iterator<Item = &Line> {
        self.site
            .iter()
            .map(|c| &c.line)
            .chain(self.systems.iter().map(|c| &c.line))
            .chain(self.raci.iter().map(|c| &c.line))
            .chain(self.ladders.iter().map(|c| &c.line))
            .chain(self.coverage.iter().map(|c| &c.line))
            .chain(self.dated_coverage.iter().map(|c| &c.line))
            .chain(self.parties.iter().map(|c| &c.line))
            .chain(self.contacts.iter().map(|c| &c.line))
            .chain(self.runbooks.iter().map(|c| &c.line))
    }
}
