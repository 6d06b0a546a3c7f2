//! The three faces of a [`Diff`]: terminal text, a pull-request comment in
//! markdown, and JSON for bots. Wording comes from the change list; these only
//! lay it out and escape it for their medium.

use super::changes::*;
use crate::diag::printable;
use std::fmt::Write as _;

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

/// The summary line's phrases, most consequential first.
pub fn summary_phrases(diff: &Diff) -> Vec<String> {
    let s = &diff.summary;
    let mut out = Vec::new();
    let mut push = |count: usize, one: &str, many: &str| {
        if count > 0 {
            out.push(n(count, one, many));
        }
    };
    push(
        s.accountable_moves,
        "accountable moved",
        "accountables moved",
    );
    push(
        s.windows_uncovered,
        "window now uncovered",
        "windows now uncovered",
    );
    push(
        s.client_visible,
        "item made client-visible",
        "items made client-visible",
    );
    push(s.systems_added, "system added", "systems added");
    push(s.systems_removed, "system removed", "systems removed");
    push(s.systems_changed, "system changed", "systems changed");
    push(s.raci, "RACI row changed", "RACI rows changed");
    push(s.ladders, "ladder changed", "ladders changed");
    push(s.coverage, "coverage changed", "coverages changed");
    push(s.site, "site setting changed", "site settings changed");
    push(s.parties, "party changed", "parties changed");
    push(s.contacts, "contact changed", "contacts changed");
    push(s.runbooks, "page changed", "pages changed");
    push(s.errors_introduced, "error introduced", "errors introduced");
    push(
        s.warnings_introduced,
        "warning introduced",
        "warnings introduced",
    );
    push(s.problems_fixed, "problem fixed", "problems fixed");
    out
}

fn side(info: &SideInfo) -> String {
    match &info.commit {
        Some(c) => format!("{} ({})", info.label, &c[..c.len().min(9)]),
        None => info.label.clone(),
    }
}

fn problem_line(p: &Problem) -> String {
    let sev = match p.severity {
        crate::diag::Severity::Error => "error",
        crate::diag::Severity::Warning => "warning",
    };
    let at = match p.line {
        Some(l) => format!("{}:{l}", p.file),
        None => p.file.clone(),
    };
    format!("{sev}[{}]: {at}: {}", p.code.as_str(), p.message)
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
            Seg::Text(t) => printable(t),
            Seg::Name(t) => paint.wrap("1", &printable(t)),
            Seg::Value(t) => paint.wrap("36", &printable(t)),
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
pub fn to_text(diff: &Diff, color: bool) -> String {
    let paint = Paint(color);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} → {} (audience {})",
        paint.wrap("1", "cairn diff:"),
        printable(&side(&diff.old)),
        printable(&side(&diff.new)),
        diff.audience.as_str()
    );
    let phrases = summary_phrases(diff);
    if phrases.is_empty() {
        let _ = writeln!(out, "No changes to responsibilities.");
        return out;
    }
    let _ = writeln!(out, "{}", phrases.join(", "));
    if diff.summary.attention > 0 {
        let _ = writeln!(
            out,
            "{} {} marked ! need a careful look.",
            paint.wrap("1;33", "!"),
            n(diff.summary.attention, "line", "lines")
        );
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
                printable(&problem_line(p))
            );
        }
        for p in &checks.fixed {
            let _ = writeln!(
                out,
                "  {} fixed {}",
                paint.wrap("32", "-"),
                printable(&problem_line(p))
            );
        }
    }
    out
}

// ---------------------------------------------------------------- markdown

/// Text as markdown that renders as itself: punctuation escaped, no raw HTML,
/// no `@mention` (a zero-width space after `@`), one line.
fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '!' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@\u{200B}"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A code span that holds any text: a fence longer than its longest backtick run.
fn md_code(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

fn md_sentence(s: &Sentence) -> String {
    s.0.iter()
        .map(|seg| match seg {
            Seg::Text(t) => md_text(t),
            Seg::Name(t) => format!("**{}**", md_text(t)),
            Seg::Value(t) => md_code(t),
        })
        .collect()
}

fn md_line(out: &mut String, line: &Line) {
    let flag = if line.attention { "⚠️ " } else { "" };
    let _ = writeln!(out, "- {flag}{}", md_sentence(&line.message));
    for d in &line.details {
        let _ = writeln!(out, "  - {}", md_sentence(d));
    }
}

/// Sections longer than this show their flagged lines and fold the rest.
const MD_FOLD_AFTER: usize = 10;

/// A pull-request comment: heading, summary line, then one section per part
/// of the model; long sections fold into `<details>`, flagged lines stay out.
pub fn to_markdown(diff: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### cairn diff: {} → {}\n",
        md_code(&side(&diff.old)),
        md_code(&side(&diff.new))
    );
    let phrases = summary_phrases(diff);
    if phrases.is_empty() {
        let _ = writeln!(
            out,
            "No changes to responsibilities ({} audience).",
            diff.audience.as_str()
        );
        return out;
    }
    let total = diff.all_lines().count();
    let mut lead = format!(
        "**{}**: {}",
        n(total, "change", "changes"),
        phrases.join(" · ")
    );
    if total == 0 {
        lead = phrases.join(" · ");
    }
    let _ = writeln!(out, "{lead}\n");
    if diff.summary.attention > 0 {
        let _ = writeln!(
            out,
            "⚠️ marks {} that {} sign-off from both sides.\n",
            n(diff.summary.attention, "line", "lines"),
            if diff.summary.attention == 1 {
                "needs"
            } else {
                "need"
            }
        );
    }
    for (title, lines) in sections(diff) {
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "#### {title} ({})\n", lines.len());
        if lines.len() <= MD_FOLD_AFTER {
            for line in &lines {
                md_line(&mut out, line);
            }
        } else {
            let (flagged, rest): (Vec<&Line>, Vec<&Line>) = lines.iter().partition(|l| l.attention);
            for line in &flagged {
                md_line(&mut out, line);
            }
            let _ = writeln!(
                out,
                "\n<details><summary>{}</summary>\n",
                if flagged.is_empty() {
                    n(rest.len(), "change", "changes")
                } else {
                    n(rest.len(), "more change", "more changes")
                }
            );
            for line in &rest {
                md_line(&mut out, line);
            }
            let _ = writeln!(out, "\n</details>");
        }
        out.push('\n');
    }
    let checks = &diff.checks;
    if !checks.introduced.is_empty() || !checks.fixed.is_empty() {
        let _ = writeln!(out, "#### Check results\n");
        let mut list = |what: &str, items: &[Problem]| {
            if items.is_empty() {
                return;
            }
            let body: String = items
                .iter()
                .map(|p| {
                    let at = match p.line {
                        Some(l) => format!("{}:{l}", p.file),
                        None => p.file.clone(),
                    };
                    let sev = match p.severity {
                        crate::diag::Severity::Error => "⛔ error",
                        crate::diag::Severity::Warning => "warning",
                    };
                    format!(
                        "- {sev} {} {}: {}\n",
                        md_code(p.code.as_str()),
                        md_code(&at),
                        md_text(&p.message)
                    )
                })
                .collect();
            if items.len() > MD_FOLD_AFTER {
                let _ = writeln!(
                    out,
                    "<details><summary>{} {what}</summary>\n\n{body}\n</details>\n",
                    n(items.len(), "problem", "problems")
                );
            } else {
                let _ = writeln!(
                    out,
                    "{} {what}:\n\n{body}",
                    n(items.len(), "problem", "problems")
                );
            }
        };
        list("introduced", &checks.introduced);
        list("fixed", &checks.fixed);
    }
    let _ = writeln!(
        out,
        "<sub>{} audience · `cairn diff` compares responsibilities, not text; the file diff shows every edit.</sub>",
        diff.audience.as_str()
    );
    out
}

// ---------------------------------------------------------------- json

/// The documented JSON schema (README "cairn diff JSON").
pub fn to_json(diff: &Diff) -> String {
    serde_json::to_string_pretty(diff).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
