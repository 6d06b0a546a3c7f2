//! What the RACI says, read from the view: a row's gap, the matrix of every
//! system × activity (the matrix page and `matrix.csv` show the same gaps), and
//! what one party answers for.

use super::{LadderLevel, RaciRow, SiteView, SystemView};
use crate::model::Activity;

/// What a RACI row (or its absence) lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gap {
    /// Someone is accountable and someone responsible; or an optional activity
    /// the system has no row for.
    None,
    NoAccountable,
    NoResponsible,
    NoAccountableOrResponsible,
    /// A required activity a critical (tier 1/2) system has no row for.
    Missing,
}

impl Gap {
    pub(crate) fn is_gap(self) -> bool {
        self != Gap::None
    }

    /// The words `matrix.csv` writes in its `Gap` column (empty for no gap).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Gap::None => "",
            Gap::NoAccountable => "no accountable",
            Gap::NoResponsible => "no responsible",
            Gap::NoAccountableOrResponsible => "no accountable or responsible",
            Gap::Missing => "missing",
        }
    }
}

impl RaciRow<'_> {
    /// Some party holds `letter` (`A`, `R`, `C`, `I`) in this row.
    pub(crate) fn has(&self, letter: char) -> bool {
        self.cells.iter().any(|(_, l)| l.contains(letter))
    }

    /// Nobody accountable, or nobody responsible.
    pub(crate) fn gap(&self) -> Gap {
        match (self.has('A'), self.has('R')) {
            (true, true) => Gap::None,
            (false, true) => Gap::NoAccountable,
            (true, false) => Gap::NoResponsible,
            (false, false) => Gap::NoAccountableOrResponsible,
        }
    }
}

/// One column of the matrix.
pub(crate) struct MatrixActivity<'a> {
    pub name: &'a str,
    /// Required of tier 1/2 systems (`data/activities.yaml`).
    pub required: bool,
    pub description: Option<&'a str>,
}

/// One system × activity of the matrix.
pub(crate) struct MatrixCell<'s, 'a> {
    pub activity: &'a str,
    pub required: bool,
    /// The system's row for the activity; none when it has none.
    pub row: Option<&'s RaciRow<'a>>,
    pub gap: Gap,
}

/// [`SiteView::matrix_activities`] of the catalogue `catalogue` and `systems`.
pub(super) fn matrix_columns<'a>(
    catalogue: &[&'a Activity],
    systems: &[SystemView<'a>],
) -> Vec<MatrixActivity<'a>> {
    let mut activities: Vec<MatrixActivity<'a>> = catalogue
        .iter()
        .map(|a| MatrixActivity {
            name: &a.name,
            required: a.required,
            description: a.description.as_deref(),
        })
        .collect();
    for s in systems {
        for row in &s.raci {
            if !activities
                .iter()
                .any(|a| a.name.eq_ignore_ascii_case(row.activity))
            {
                activities.push(MatrixActivity {
                    name: row.activity,
                    required: false,
                    description: None,
                });
            }
        }
    }
    activities
}

impl<'a> SiteView<'a> {
    /// The matrix's columns (and `matrix.csv`'s activities): the catalogue's
    /// activities in its order, then any others by first use (not required).
    /// Made once: every system's `raci.csv` reads them.
    pub(crate) fn matrix_activities(&self) -> &[MatrixActivity<'a>] {
        &self.matrix_columns
    }

    /// What `party_id` answers for, system by system.
    pub(crate) fn responsibilities<'v>(&'v self, party_id: &str) -> Responsibilities<'v, 'a> {
        let mut duties = Responsibilities {
            owns: self
                .systems
                .iter()
                .filter(|s| s.owner.id == party_id)
                .collect(),
            accountable: Vec::new(),
            responsible: Vec::new(),
            consulted: Vec::new(),
            on_call: Vec::new(),
        };
        for s in &self.systems {
            let (mut a, mut r, mut c) = (Vec::new(), Vec::new(), Vec::new());
            for row in &s.raci {
                for (party, letters) in &row.cells {
                    if party.id != party_id {
                        continue;
                    }
                    if letters.contains('A') {
                        a.push((row.activity, *letters));
                    }
                    if letters.contains('R') {
                        r.push((row.activity, *letters));
                    }
                    if letters.contains('C') || letters.contains('I') {
                        c.push((row.activity, *letters));
                    }
                }
            }
            for (list, activities) in [
                (&mut duties.accountable, a),
                (&mut duties.responsible, r),
                (&mut duties.consulted, c),
            ] {
                if !activities.is_empty() {
                    list.push(Duties {
                        system: s,
                        activities,
                    });
                }
            }
            duties.on_call.extend(
                s.ladder
                    .iter()
                    .filter(|l| l.party.id == party_id)
                    .map(|level| (s, level)),
            );
        }
        duties
    }
}

impl<'a> SystemView<'a> {
    /// The system's cell for each of `activities`, with its gap: a row lacking
    /// A or R, or a required activity a critical system has no row for.
    pub(crate) fn matrix_cells<'s>(
        &'s self,
        activities: &[MatrixActivity<'a>],
    ) -> Vec<MatrixCell<'s, 'a>> {
        activities
            .iter()
            .map(|a| {
                let row = self
                    .raci
                    .iter()
                    .find(|r| r.activity.eq_ignore_ascii_case(a.name));
                let gap = match row {
                    Some(row) => row.gap(),
                    None if a.required && self.tier.is_critical() => Gap::Missing,
                    None => Gap::None,
                };
                MatrixCell {
                    activity: a.name,
                    required: a.required,
                    row,
                    gap,
                }
            })
            .collect()
    }
}

/// What one party answers for (its page), each list in the systems' order.
pub(crate) struct Responsibilities<'v, 'a> {
    /// Systems it owns.
    pub owns: Vec<&'v SystemView<'a>>,
    /// Per system, the activities where it holds A.
    pub accountable: Vec<Duties<'v, 'a>>,
    /// … where it holds R.
    pub responsible: Vec<Duties<'v, 'a>>,
    /// … where it holds C or I.
    pub consulted: Vec<Duties<'v, 'a>>,
    /// The escalation levels it answers.
    pub on_call: Vec<(&'v SystemView<'a>, &'v LadderLevel<'a>)>,
}

/// Activities of one system, with the party's letters in each.
pub(crate) struct Duties<'v, 'a> {
    pub system: &'v SystemView<'a>,
    pub activities: Vec<(&'a str, &'a str)>,
}

#[cfg(test)]
mod tests {
    use super::{Duties, Gap, RaciRow};
    use crate::audience::PartyRef;
    use crate::check::testing::TestSite;
    use crate::model::Audience;

    fn row<'a>(cells: &[(&'a str, &'a str)]) -> RaciRow<'a> {
        RaciRow {
            activity: "Patch management",
            cells: cells
                .iter()
                .map(|&(id, letters)| (PartyRef { id, name: id }, letters))
                .collect(),
        }
    }

    #[test]
    fn a_row_is_a_gap_without_an_accountable_or_a_responsible_party() {
        assert_eq!(row(&[("it", "RA")]).gap(), Gap::None);
        assert_eq!(row(&[("it", "A"), ("msp", "R")]).gap(), Gap::None);
        assert_eq!(row(&[("it", "R"), ("msp", "C")]).gap(), Gap::NoAccountable);
        assert_eq!(row(&[("it", "A")]).gap(), Gap::NoResponsible);
        assert_eq!(row(&[("it", "CI")]).gap(), Gap::NoAccountableOrResponsible);
        assert_eq!(row(&[]).gap().as_str(), "no accountable or responsible");
        assert!(!Gap::None.is_gap() && Gap::Missing.is_gap());
    }

    fn site() -> TestSite {
        let t = TestSite::new();
        t.write(
            "data/activities.yaml",
            "- name: Backup verification\n  required: true\n- name: Help desk\n",
        );
        t.write(
            "data/systems/a.yaml",
            "id: a\nname: A\ntier: 1\nowner: it\nraci:\n  Help desk: { it: RA, msp: C }\n  Monitoring: { msp: RA, it: I }\nescalation:\n  - party: msp\n",
        );
        t.write(
            "data/systems/b.yaml",
            "id: b\nname: B\ntier: 3\nowner: msp\nraci:\n  Help desk: { msp: R, it: A }\n",
        );
        t
    }

    #[test]
    fn the_matrix_marks_required_activities_missing_only_on_critical_systems() {
        let site = site().load();
        let view = crate::audience::view(&site, Audience::Internal);
        let activities = view.matrix_activities();
        let names: Vec<&str> = activities.iter().map(|a| a.name).collect();
        // The catalogue in order, then activities only systems name.
        assert_eq!(names, ["Backup verification", "Help desk", "Monitoring"]);
        let gaps = |id: &str| -> Vec<(String, Gap, bool)> {
            view.system(id)
                .unwrap()
                .matrix_cells(activities)
                .iter()
                .map(|c| (c.activity.to_string(), c.gap, c.row.is_some()))
                .collect()
        };
        assert_eq!(
            gaps("a"),
            [
                ("Backup verification".into(), Gap::Missing, false),
                ("Help desk".into(), Gap::None, true),
                ("Monitoring".into(), Gap::None, true),
            ]
        );
        assert_eq!(
            gaps("b"),
            [
                ("Backup verification".into(), Gap::None, false),
                ("Help desk".into(), Gap::None, true),
                ("Monitoring".into(), Gap::None, false),
            ]
        );
    }

    #[test]
    fn a_party_s_responsibilities_follow_its_letters_system_by_system() {
        let site = site().load();
        let view = crate::audience::view(&site, Audience::Internal);
        let r = view.responsibilities("it");
        let list = |d: &[Duties]| -> Vec<(String, Vec<(String, String)>)> {
            d.iter()
                .map(|d| {
                    (
                        d.system.id.to_string(),
                        d.activities
                            .iter()
                            .map(|(a, l)| (a.to_string(), l.to_string()))
                            .collect(),
                    )
                })
                .collect()
        };
        let owns: Vec<&str> = r.owns.iter().map(|s| s.id).collect();
        assert_eq!(owns, ["a"]);
        assert_eq!(
            list(&r.accountable),
            [
                ("a".into(), vec![("Help desk".into(), "RA".into())]),
                ("b".into(), vec![("Help desk".into(), "A".into())]),
            ]
        );
        assert_eq!(
            list(&r.responsible),
            [("a".into(), vec![("Help desk".into(), "RA".into())])]
        );
        assert_eq!(
            list(&r.consulted),
            [("a".into(), vec![("Monitoring".into(), "I".into())])]
        );
        assert!(r.on_call.is_empty());
        let msp = view.responsibilities("msp");
        let on_call: Vec<(&str, usize)> =
            msp.on_call.iter().map(|(s, l)| (s.id, l.level)).collect();
        assert_eq!(on_call, [("a", 1)]);
    }
}
