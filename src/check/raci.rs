//! RACI rows: letters are R, A, C, I (uppercase, each at most once); every
//! activity has exactly one A and at least one R. Reported at the activity's line.

use crate::diag::{Code, Diagnostic};
use crate::site::Site;

pub(super) fn check_raci(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for entry in &site.systems {
        let file = entry.file.as_str();
        for (activity, cells) in &entry.system.raci {
            let line = site.line(file, &["raci", activity]);
            let bad: Vec<(&str, &str)> = cells
                .iter()
                .filter(|(_, letters)| !valid_letters(letters))
                .map(|(p, l)| (p.as_str(), l.as_str()))
                .collect();
            if !bad.is_empty() {
                // A/R counting on a row with a typo would only add noise about the same mistake.
                for (party, letters) in bad {
                    out.push(Diagnostic::new(
                        Code::RaciBadLetter,
                        file,
                        line,
                        format!(
                            "`{activity}`: party `{party}` has `{letters}`; RACI letters are R, A, C and I, uppercase, each at most once"
                        ),
                    ));
                }
                continue;
            }
            let accountable: Vec<&str> = cells
                .iter()
                .filter(|(_, l)| l.contains('A'))
                .map(|(p, _)| p.as_str())
                .collect();
            match accountable.len() {
                0 => out.push(Diagnostic::new(
                    Code::RaciNoAccountable,
                    file,
                    line,
                    format!("`{activity}` has no accountable party: exactly one party must be A"),
                )),
                1 => {}
                n => out.push(Diagnostic::new(
                    Code::RaciManyAccountable,
                    file,
                    line,
                    format!(
                        "`{activity}` has {n} accountable parties ({}): exactly one party must be A",
                        super::name_list(&accountable)
                    ),
                )),
            }
            if !cells.values().any(|l| l.contains('R')) {
                out.push(Diagnostic::new(
                    Code::RaciNoResponsible,
                    file,
                    line,
                    format!("`{activity}` has no responsible party: at least one party must be R"),
                ));
            }
        }
    }
    out
}

/// Any of R, A, C, I, each at most once, in any order; never empty.
fn valid_letters(letters: &str) -> bool {
    let mut seen = [false; 4];
    !letters.is_empty()
        && letters.chars().all(|c| {
            let Some(i) = "RACI".find(c) else {
                return false;
            };
            !std::mem::replace(&mut seen[i], true)
        })
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestSite;
    use super::*;

    #[test]
    fn raci_letters_must_be_uppercase_and_unique() {
        for ok in ["R", "A", "RA", "AR", "RACI", "IC", "CRA"] {
            assert!(valid_letters(ok), "{ok}");
        }
        for bad in ["", "ra", "RR", "RAX", " R", "R,A", "Ａ", "RAA"] {
            assert!(!valid_letters(bad), "{bad}");
        }
    }

    fn check(raci: &str) -> Vec<(String, Option<usize>, String)> {
        let t = TestSite::new();
        t.write(
            "data/systems/s.yaml",
            &format!("id: s\nname: S\ntier: 3\nowner: it\nraci:\n{raci}"),
        );
        check_raci(&t.load())
            .into_iter()
            .map(|d| (d.code.as_str().to_string(), d.line, d.message))
            .collect()
    }

    #[test]
    fn a_clean_row_says_nothing() {
        assert!(check("  Ops: { it: RA, msp: C }\n").is_empty());
    }

    #[test]
    fn each_row_needs_one_a_and_some_r_reported_at_its_line() {
        let got = check(
            "  Fine: { it: RA }\n  No A: { it: R }\n  Two A:\n    it: RA\n    msp: A\n  No R: { it: A, msp: CI }\n",
        );
        assert_eq!(
            got.iter().map(|g| (g.0.as_str(), g.1)).collect::<Vec<_>>(),
            vec![
                ("raci-no-accountable", Some(7)),
                ("raci-many-accountable", Some(8)),
                ("raci-no-responsible", Some(11)),
            ]
        );
        assert!(got[1].2.contains("`it`, `msp`"), "{}", got[1].2);
    }

    #[test]
    fn a_bad_letter_is_reported_without_more_noise_about_the_row() {
        let got = check("  Ops: { it: ra, msp: I }\n");
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "raci-bad-letter");
        assert_eq!(got[0].1, Some(6));
        assert!(got[0].2.contains("`it`") && got[0].2.contains("`ra`"));
    }
}
