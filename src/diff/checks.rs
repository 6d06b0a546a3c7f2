//! Check results on both sides: problems introduced and problems fixed.

use super::changes::CheckChanges;
use super::snapshot::Snapshot;
use crate::diag::{Code, Diagnostic, Severity};
use std::collections::HashMap;

/// A problem is the same on both sides when its severity, code, file and
/// message are: its line shifts with every edit above it.
type ProblemKey<'a> = (Severity, Code, &'a str, &'a str);

fn key(d: &Diagnostic) -> ProblemKey<'_> {
    (d.severity, d.code, &d.file, &d.message)
}

/// Problems on one side and not the other, as multisets (two equal warnings stay two).
pub(super) fn changes(old: &Snapshot, new: &Snapshot) -> CheckChanges {
    CheckChanges {
        introduced: only_in(&new.diagnostics, &old.diagnostics),
        fixed: only_in(&old.diagnostics, &new.diagnostics),
    }
}

/// Those of `these` that `others` lacks, each of `others` matching one at most.
fn only_in(these: &[Diagnostic], others: &[Diagnostic]) -> Vec<super::changes::Problem> {
    let mut count: HashMap<ProblemKey, usize> = HashMap::new();
    for d in others {
        *count.entry(key(d)).or_default() += 1;
    }
    these
        .iter()
        .filter(|d| match count.get_mut(&key(d)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .map(Into::into)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::compare::fixtures::empty;
    use super::*;

    fn problem(code: Code, file: &str, line: usize, message: &str) -> Diagnostic {
        Diagnostic::new(code, file, Some(line), message)
    }

    /// Old and new problems: (introduced, fixed) as `code file:line`.
    #[test]
    fn problems_match_without_their_line_and_count_as_a_multiset() {
        let warn = |line| problem(Code::OrphanPage, "content/a.md", line, "no page links here");
        let err = |line| problem(Code::BrokenLink, "content/a.md", line, "broken link `x`");
        /// Old problems, new problems, then what is introduced and fixed.
        type Case = (
            Vec<Diagnostic>,
            Vec<Diagnostic>,
            &'static [&'static str],
            &'static [&'static str],
        );
        let cases: [Case; 5] = [
            (vec![], vec![], &[], &[]),
            (vec![warn(1)], vec![warn(9)], &[], &[]),
            (vec![], vec![err(3)], &["broken-link content/a.md:3"], &[]),
            (vec![err(3)], vec![], &[], &["broken-link content/a.md:3"]),
            (
                vec![warn(1)],
                vec![warn(1), warn(2)],
                &["orphan-page content/a.md:2"],
                &[],
            ),
        ];
        for (before, after, introduced, fixed) in cases {
            let (mut old, mut new) = (empty(), empty());
            old.diagnostics = before;
            new.diagnostics = after;
            let got = changes(&old, &new);
            let show = |ps: &[super::super::changes::Problem]| -> Vec<String> {
                ps.iter()
                    .map(|p| format!("{} {}:{}", p.code.as_str(), p.file, p.line.unwrap_or(0)))
                    .collect()
            };
            assert_eq!(show(&got.introduced), introduced);
            assert_eq!(show(&got.fixed), fixed);
        }
    }
}
