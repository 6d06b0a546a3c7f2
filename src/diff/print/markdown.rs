//! A [`Diff`] as a pull-request comment: markdown that renders as itself
//! (every name escaped, no raw HTML, no `@mention`), long sections folded.

use super::super::changes::*;
use super::{location, n, sections, side, summary};
use crate::diag::printable_name;
use std::fmt::Write as _;

/// Text as markdown that renders as itself: punctuation escaped, no raw HTML,
/// no `@mention` (a zero-width space after `@`), one line, control characters
/// shown as `\u{1b}` as the terminal shows them.
fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in printable_name(s).chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '!' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@\u{200B}"),
            c => out.push(c),
        }
    }
    out
}

/// A code span that holds any text: a fence longer than its longest backtick
/// run; control characters shown as `\u{1b}`.
fn md_code(s: &str) -> String {
    let s = printable_name(s);
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

/// A message of cairn's own, whose `quoted` values become code spans.
fn md_message(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len().is_multiple_of(2) {
        // Unbalanced: show it all as text.
        return md_text(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| if i % 2 == 1 { md_code(p) } else { md_text(p) })
        .collect()
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
pub(crate) fn to_markdown(diff: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### cairn diff: {} → {}\n",
        md_code(&side(&diff.old)),
        md_code(&side(&diff.new))
    );
    if !diff.changed {
        let _ = writeln!(
            out,
            "No changes to responsibilities ({} audience).",
            diff.audience.as_str()
        );
        return out;
    }
    let sum = summary(diff);
    let total = diff.all_lines().count();
    let mut lead = Vec::new();
    if total > 0 {
        lead.push(format!(
            "**{}**: {}",
            n(total, "change", "changes"),
            sum.changes.join(" · ")
        ));
    }
    if !sum.attention.is_empty() {
        lead.push(format!(
            "⚠️ **Needs sign-off from both sides**: {}",
            sum.attention.join(" · ")
        ));
    }
    if !sum.checks.is_empty() {
        lead.push(format!("Checks: {}", sum.checks.join(" · ")));
    }
    // Two trailing spaces: one line each in the rendered comment.
    let _ = writeln!(
        out,
        "{}
",
        lead.join("  \n")
    );
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
                    let at = location(p);
                    let sev = match p.severity {
                        crate::diag::Severity::Error => "⛔ error",
                        crate::diag::Severity::Warning => "warning",
                    };
                    format!(
                        "- {sev} {} {}: {}\n",
                        md_code(p.code.as_str()),
                        md_code(&at),
                        md_message(&p.message)
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
