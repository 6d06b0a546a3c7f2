//! RACI as CSV for spreadsheets: `matrix.csv` (every system × activity) and
//! `systems/ID/raci.csv` (one system). UTF-8 with a byte-order mark, so
//! spreadsheet apps open accents right; RFC 4180 quoting and CRLF line ends.

use crate::audience::{PartyView, SiteView, SystemView};

const BOM: &[u8] = "\u{feff}".as_bytes();

/// One row per system × activity of the matrix page: the rows a system has,
/// and the required activities a critical system lacks (as `missing` gaps);
/// the gaps are the matrix page's ([`SystemView::matrix_cells`]).
/// One column per party, in `parties.yaml` order.
pub(super) fn matrix_csv(view: &SiteView) -> anyhow::Result<Vec<u8>> {
    let parties: Vec<&PartyView> = view.parties.iter().collect();
    rows_csv(view, &view.systems.iter().collect::<Vec<_>>(), &parties)
}

/// The RACI of one system, with a column for each party it names.
pub(super) fn system_csv(view: &SiteView, system: &SystemView) -> anyhow::Result<Vec<u8>> {
    let parties: Vec<&PartyView> = view
        .parties
        .iter()
        .filter(|p| {
            system
                .raci
                .iter()
                .any(|r| r.cells.iter().any(|(c, _)| c.id == p.id))
        })
        .collect();
    rows_csv(view, &[system], &parties)
}

fn rows_csv(
    view: &SiteView,
    systems: &[&SystemView],
    parties: &[&PartyView],
) -> anyhow::Result<Vec<u8>> {
    let activities = view.matrix_activities();
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    let mut header = vec![
        "System id".to_string(),
        "System".into(),
        "Tier".into(),
        "Activity".into(),
        "Required".into(),
        "Gap".into(),
    ];
    header.extend(parties.iter().map(|p| cell(p.name)));
    out.write_record(&header)?;
    for s in systems {
        for c in s.matrix_cells(activities) {
            // An activity the system has no row for is a row here only when it is a gap.
            if c.row.is_none() && !c.gap.is_gap() {
                continue;
            }
            let mut record = vec![
                s.id.to_string(),
                cell(s.name),
                s.tier.0.to_string(),
                cell(c.activity),
                if c.required { "yes" } else { "" }.to_string(),
                c.gap.as_str().to_string(),
            ];
            record.extend(parties.iter().map(|p| {
                c.row
                    .and_then(|r| r.cells.iter().find(|(c, _)| c.id == p.id))
                    .map(|(_, l)| l.to_string())
                    .unwrap_or_default()
            }));
            out.write_record(&record)?;
        }
    }
    out.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// Text as a spreadsheet shows it: a value that would start a formula (`=`,
/// `+`, `-`, `@`) gets a leading `'`, so opening the file never runs one.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("Patch management"), "Patch management");
    }
}
