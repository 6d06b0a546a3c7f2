//! The three faces of a [`Diff`]: terminal text, a pull-request comment in
//! markdown, and JSON for bots. Wording comes from the change list; these only
//! lay it out and escape it for their medium.

use super::changes::*;
use crate::diag::{printable_message, printable_name};
use std::fmt::Write as _;

mod markdown;
pub(crate) use markdown::to_markdown;

/// Sections in report order: heading, lines.
fn sections(diff: &Diff) -> Vec<(&'static str, Vec<&Line>)> {
    vec![
        ("Site settings", diff.site.iter().map(|c| &c.line).collect()),
        ("Systems", diff.systems.iter().map(|c| &c.line).collect()),
        ("RACI", diff.raci.iter().map(|c| &c.line).collect()),
        (
            "Escalation ladders",
            diff.ladders.iter().map(|c| &c.line).collect(),
        ),
        (
            "Coverage of tier 1-2 systems",
            diff.coverage.iter().map(|c| &c.line).collect(),
        ),
        (
            "Dated coverage of tier 1-2 systems",
            diff.dated_coverage.iter().map(|c| &c.line).collect(),
        ),
        (
            "Parties and contacts",
            diff.parties
                .iter()
                .map(|c| &c.line)
                .chain(diff.contacts.iter().map(|c| &c.line))
                .collect(),
        ),
        (
            "Runbooks and pages",
            diff.runbooks.iter().map(|c| &c.line).collect(),
        ),
    ]
}

fn n(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// The summary in three groups: what changed (counts per part of the model),
/// what needs sign-off from both sides, and check results.
pub(super) struct Summary {
    pub changes: Vec<String>,
    pub attention: Vec<String>,
    pub checks: Vec<String>,
}

pub(super) fn summary(diff: &Diff) -> Summary {
    fn push(out: &mut Vec<String>, count: usize, one: &str, many: &str) {
        if count > 0 {
            out.push(n(count, one, many));
        }
    }
    let s = &diff.summary;
    let mut changes = Vec::new();
    push(
        &mut changes,
        s.systems_added,
        "system added",
        "systems added",
    );
    push(
        &mut changes,
        s.systems_removed,
        "system removed",
        "systems removed",
    );
    push(
        &mut changes,
        s.systems_changed,
        "system changed",
        "systems changed",
    );
    push(&mut changes, s.raci, "RACI row", "RACI rows");
    push(&mut changes, s.ladders, "ladder", "ladders");
    push(
        &mut changes,
        s.coverage,
        "system's coverage",
        "systems' coverage",
    );
    push(
        &mut changes,
        s.dated_coverage,
        "system's dated coverage",
        "systems' dated coverage",
    );
    push(&mut changes, s.parties, "party", "parties");
    push(&mut changes, s.contacts, "contact", "contacts");
    push(&mut changes, s.runbooks, "page", "pages");
    push(&mut changes, s.site, "site setting", "site settings");

    let mut attention = Vec::new();
    let owners = diff
        .systems
        .iter()
        .filter(|c| c.line.change == Kind::Changed && c.fields.iter().any(|f| f.field == "owner"))
        .count();
    let tier12_removed = diff
        .systems
        .iter()
        .filter(|c| c.line.change == Kind::Removed && c.line.attention)
        .count();
    let rows_removed = diff
        .raci
        .iter()
        .filter(|c| c.line.change == Kind::Removed)
        .count();
    let levels_removed = diff
        .ladders
        .iter()
        .flat_map(|l| &l.levels)
        .filter(|l| l.change == Kind::Removed)
        .count();
    let pages_visible = diff.runbooks.iter().filter(|c| c.line.attention).count();
    let contacts_visible = diff.contacts.iter().filter(|c| c.line.attention).count();
    push(
        &mut attention,
        s.accountable_moves,
        "accountable moved",
        "accountables moved",
    );
    push(&mut attention, owners, "owner moved", "owners moved");
    push(
        &mut attention,
        tier12_removed,
        "tier-1/2 system removed",
        "tier-1/2 systems removed",
    );
    push(
        &mut attention,
        rows_removed,
        "RACI row removed",
        "RACI rows removed",
    );
    push(
        &mut attention,
        levels_removed,
        "ladder level removed",
        "ladder levels removed",
    );
    push(
        &mut attention,
        s.windows_uncovered,
        "window now uncovered",
        "windows now uncovered",
    );
    push(
        &mut attention,
        s.dated_windows_uncovered,
        "dated window now uncovered",
        "dated windows now uncovered",
    );
    push(
        &mut attention,
        pages_visible,
        "page made client-visible",
        "pages made client-visible",
    );
    push(
        &mut attention,
        contacts_visible,
        "contact made client-visible",
        "contacts made client-visible",
    );
    push(
        &mut attention,
        s.errors_introduced,
        "error introduced",
        "errors introduced",
    );

    let mut checks = Vec::new();
    push(
        &mut checks,
        s.warnings_introduced,
        "warning introduced",
        "warnings introduced",
    );
    push(
        &mut checks,
        s.problems_fixed,
        "problem fixed",
        "problems fixed",
    );
    Summary {
        changes,
        attention,
        checks,
    }
}

fn side(info: &SideInfo) -> String {
    match &info.commit {
        Some(c) => format!("{} ({})", info.label, &c[..c.len().min(9)]),
        None => info.label.clone(),
    }
}

/// `error[code]: file:line: message`, as `cairn check` prints it: the file
/// and the message quote the site, so neither may drive the terminal.
fn problem_line(p: &Problem) -> String {
    let sev = match p.severity {
        crate::diag::Severity::Error => "error",
        crate::diag::Severity::Warning => "warning",
    };
    format!(
        "{sev}[{}]: {}: {}",
        p.code.as_str(),
        printable_name(&location(p)),
        printable_message(&p.message)
    )
}

/// `file:line`, or the file alone.
fn location(p: &Problem) -> String {
    match p.line {
        Some(l) => format!("{}:{l}", p.file),
        None => p.file.clone(),
    }
}

// ---------------------------------------------------------------- text

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

fn text_sentence(s: &Sentence, paint: &Paint) -> String {
    s.0.iter()
        .map(|seg| match seg {
            Seg::Text(t) => printable_name(t),
            Seg::Name(t) => paint.wrap("1", &printable_name(t)),
            Seg::Value(t) => paint.wrap("36", &printable_name(t)),
        })
        .collect()
}

fn marker(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Added => ("+", "32"),
        Kind::Removed => ("-", "31"),
        Kind::Changed => ("~", "33"),
        Kind::Moved => (">", "34"),
    }
}

/// Terminal text; `color` adds ANSI styles (only for a TTY without NO_COLOR).
pub(crate) fn to_text(diff: &Diff, color: bool) -> String {
    let paint = Paint(color);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} → {} (audience {})",
        paint.wrap("1", "cairn diff:"),
        printable_name(&side(&diff.old)),
        printable_name(&side(&diff.new)),
        diff.audience.as_str()
    );
    if !diff.changed {
        let _ = writeln!(out, "No changes to responsibilities.");
        return out;
    }
    let sum = summary(diff);
    let total = diff.all_lines().count();
    if total > 0 {
        let _ = writeln!(
            out,
            "{}: {}",
            n(total, "change", "changes"),
            sum.changes.join(", ")
        );
    }
    if !sum.attention.is_empty() {
        let _ = writeln!(
            out,
            "{} needs sign-off from both sides (lines marked !): {}",
            paint.wrap("1;33", "!"),
            sum.attention.join(", ")
        );
    }
    if !sum.checks.is_empty() {
        let _ = writeln!(out, "checks: {}", sum.checks.join(", "));
    }
    for (title, lines) in sections(diff) {
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}", paint.wrap("1;4", title));
        for line in lines {
            let (m, c) = marker(line.change);
            let flag = if line.attention {
                paint.wrap("1;33", "!")
            } else {
                " ".into()
            };
            let _ = writeln!(
                out,
                "{flag} {} {}",
                paint.wrap(c, m),
                text_sentence(&line.message, &paint)
            );
            for d in &line.details {
                let _ = writeln!(out, "      {}", text_sentence(d, &paint));
            }
        }
    }
    let checks = &diff.checks;
    if !checks.introduced.is_empty() || !checks.fixed.is_empty() {
        let _ = writeln!(out, "\n{}", paint.wrap("1;4", "Check results"));
        for p in &checks.introduced {
            let flag = if p.severity == crate::diag::Severity::Error {
                paint.wrap("1;33", "!")
            } else {
                " ".into()
            };
            let _ = writeln!(
                out,
                "{flag} {} introduced {}",
                paint.wrap("31", "+"),
                problem_line(p)
            );
        }
        for p in &checks.fixed {
            let _ = writeln!(out, "  {} fixed {}", paint.wrap("32", "-"), problem_line(p));
        }
    }
    out
}

// ---------------------------------------------------------------- json

/// The documented JSON schema (README "cairn diff JSON").
pub(crate) fn to_json(diff: &Diff) -> String {
    let json =
        serde_json::to_string_pretty(diff).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    json_ascii_controls(&json)
}

/// serde_json escapes the C0 controls in strings but passes DEL and the C1
/// controls (U+009B opens an escape sequence on many terminals) through:
/// write them as `\u00XX` too. Outside strings pretty JSON has only `\n`.
fn json_ascii_controls(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_control() && c != '\n' {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}
