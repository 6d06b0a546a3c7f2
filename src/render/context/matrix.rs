//! The responsibility matrix: every system × activity, gaps marked (the view
//! decides what a gap is, for this page and `matrix.csv` alike).

use super::cards::{PartyLink, SystemCard, party_link, system_card};
use super::system::{RaciCell, raci_cells};
use super::{Base, Shared};
use crate::audience::PartyRef;
use serde::Serialize;

#[derive(Serialize)]
pub(in crate::render) struct MatrixCtx<'c> {
    #[serde(flatten)]
    base: Base<'c>,
    activities: Vec<ColumnCtx<'c>>,
    rows: Vec<MatrixRowCtx<'c>>,
    parties: Vec<PartyLink<'c>>,
}

#[derive(Serialize)]
struct ColumnCtx<'c> {
    name: &'c str,
    required: bool,
    description: Option<&'c str>,
}

#[derive(Serialize)]
struct MatrixRowCtx<'c> {
    system: SystemCard<'c>,
    cells: Vec<MatrixCellCtx<'c>>,
}

#[derive(Serialize)]
struct MatrixCellCtx<'c> {
    activity: &'c str,
    cells: Vec<RaciCell<'c>>,
    gap: bool,
    /// The system has no row for the activity.
    missing: bool,
}

impl Shared<'_, '_> {
    pub(super) fn matrix<'c>(&'c self, path: &'c str) -> MatrixCtx<'c> {
        let view = self.view;
        let activities = view.matrix_activities();
        MatrixCtx {
            base: self.base(path, "Responsibility matrix"),
            rows: view
                .systems
                .iter()
                .map(|s| MatrixRowCtx {
                    system: system_card(s),
                    cells: s
                        .matrix_cells(activities)
                        .into_iter()
                        .map(|cell| MatrixCellCtx {
                            activity: cell.activity,
                            cells: cell.row.map(raci_cells).unwrap_or_default(),
                            gap: cell.gap.is_gap(),
                            missing: cell.row.is_none(),
                        })
                        .collect(),
                })
                .collect(),
            activities: activities
                .iter()
                .map(|a| ColumnCtx {
                    name: a.name,
                    required: a.required,
                    description: a.description,
                })
                .collect(),
            parties: view
                .parties
                .iter()
                .map(|p| {
                    party_link(PartyRef {
                        id: p.id,
                        name: p.name,
                    })
                })
                .collect(),
        }
    }
}
