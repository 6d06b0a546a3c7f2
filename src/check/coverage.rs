//! Coverage: a tier-1 or tier-2 system's escalation ladder must leave no minute
//! of the week with nobody answering.

use super::SiteIndex;
use crate::calendar::week::party_hours;
use crate::diag::{Code, Diagnostic};
use crate::model::WeekMask;
use crate::site::{Site, SystemEntry};

pub(super) fn check_coverage(
    site: &Site,
    index: &SiteIndex,
    today: chrono::NaiveDate,
) -> Vec<Diagnostic> {
    // Without cairn.yaml or parties.yaml no level's hours are knowable; their
    // load errors already stand for this.
    if site.failed.config || site.failed.parties {
        return Vec::new();
    }
    site.systems
        .iter()
        .filter(|e| e.system.tier.is_critical())
        .filter_map(|e| coverage_gap(site, index, e, today))
        .collect()
}

fn coverage_gap(
    site: &Site,
    index: &SiteIndex,
    entry: &SystemEntry,
    today: chrono::NaiveDate,
) -> Option<Diagnostic> {
    let sys = &entry.system;
    let file = entry.file.as_str();
    let what = format!("tier-{} system `{}`", sys.tier.0, sys.id);
    if sys.escalation.is_empty() {
        return Some(Diagnostic::new(
            Code::CoverageGap,
            file,
            None,
            format!("nobody answers at any hour: {what} has no escalation ladder"),
        ));
    }
    let mut specs = Vec::with_capacity(sys.escalation.len());
    for level in &sys.escalation {
        let party = &site.parties[*index.parties.get(level.party.as_str())?];
        specs.push(party_hours(
            &site.config,
            party,
            level.hours_name(party),
            today,
        )?);
    }
    let mask = WeekMask::union_of(&specs);
    // A level with an unknown party or hours returned above: its error already stands,
    // and a gap computed without it would be a second report of the same mistake.
    let gaps = mask.gaps();
    let first = *gaps.first()?;
    let more = match gaps.len() - 1 {
        0 => String::new(),
        1 => " and 1 more window".into(),
        n => format!(" and {n} more windows"),
    };
    Some(Diagnostic::new(
        Code::CoverageGap,
        file,
        site.line(file, &["escalation"]),
        format!(
            "nobody answers {}{more}: the escalation ladder of {what} leaves these hours uncovered",
            WeekMask::describe_span(first)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestSite;
    use super::*;

    fn gaps(tier: u8, escalation: &str) -> Vec<(Option<usize>, String)> {
        let t = TestSite::new();
        t.write(
            "data/systems/s.yaml",
            &format!("id: s\nname: S\ntier: {tier}\nowner: it\nescalation:{escalation}"),
        );
        let site = t.load();
        check_coverage(&site, &SiteIndex::new(&site), crate::today())
            .into_iter()
            .map(|d| (d.line, d.message))
            .collect()
    }

    #[test]
    fn business_and_weeknights_leave_the_weekend_uncovered() {
        let got = gaps(
            1,
            "\n  - party: it\n  - party: msp\n    hours: after-hours\n",
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, Some(5));
        assert!(
            got[0].1.starts_with("nobody answers sat 08:00–mon 08:00:"),
            "{}",
            got[0].1
        );
    }

    #[test]
    fn a_party_without_hours_answers_always() {
        assert!(gaps(1, "\n  - party: it\n  - party: msp\n").is_empty());
    }

    /// One rule for the check and the ladder page: a level answers at its own
    /// hours, else its party's, else the hours named `24x7` (what a site calls
    /// that, if it defines them).
    #[test]
    fn the_check_and_the_ladder_agree_on_a_levels_hours() {
        let t = TestSite::new();
        t.write(
            "cairn.yaml",
            "title: T\ntimezone: UTC\nhours:\n  24x7: { days: mon-fri, from: \"00:00\", to: \"23:59\" }\n",
        );
        t.write(
            "data/systems/s.yaml",
            "id: s\nname: S\ntier: 1\nowner: it\nescalation:\n  - party: msp\n",
        );
        let site = t.load();
        let got = check_coverage(&site, &SiteIndex::new(&site), crate::today());
        assert_eq!(got.len(), 1, "{got:?}");
        let view = crate::audience::view(&site, crate::model::Audience::Internal);
        let level = &view.system("s").unwrap().ladder[0];
        assert_eq!(level.hours_name, "24x7");
        assert_ne!(level.hours, crate::model::HoursSpec::Always);
    }

    #[test]
    fn several_gaps_name_the_first_and_count_the_rest() {
        let got = gaps(2, "\n  - party: it\n");
        assert_eq!(got.len(), 1);
        assert!(
            got[0]
                .1
                .starts_with("nobody answers mon 18:00–tue 08:00 and 4 more windows"),
            "{}",
            got[0].1
        );
    }

    #[test]
    fn tiers_three_and_four_may_sleep() {
        assert!(gaps(3, "\n  - party: it\n").is_empty());
    }

    #[test]
    fn no_ladder_at_all_is_a_gap_for_the_whole_week() {
        let got = gaps(1, " []\n");
        assert_eq!(got.len(), 1);
        assert!(got[0].1.contains("any hour"), "{}", got[0].1);
    }

    #[test]
    fn a_level_with_unknown_hours_suppresses_the_gap() {
        assert!(gaps(1, "\n  - party: it\n    hours: nope\n").is_empty());
        assert!(gaps(1, "\n  - party: nobody\n").is_empty());
    }
}
