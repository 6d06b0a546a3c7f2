//! A system's page: its call card, coverage chart, SLA, RACI and runbooks.

use super::cards::{
    Link, PageCard, PartyLink, SystemCard, SystemRefCard, party_link, system_card, system_ref_card,
};
use super::ladder::{LadderCtx, ladder};
use super::{Base, Shared};
use crate::audience::{RaciRow, SystemView};
use crate::urls;
use serde::Serialize;

#[derive(Serialize)]
pub(in crate::render) struct SystemCtx<'c> {
    #[serde(flatten)]
    base: Base<'c>,
    escalation_guide: &'c Option<Link>,
    system: SystemCard<'c>,
    depends_on: Vec<SystemRefCard<'c>>,
    dependents: Vec<SystemRefCard<'c>>,
    ladder: LadderCtx<'c>,
    /// Who answers first through the week (SVG).
    coverage_chart: String,
    sla: Vec<SlaCtx<'c>>,
    raci: Vec<RaciRowCtx<'c>>,
    raci_csv: String,
    /// `systems/ID/oncall.ics`: who answers first, for calendars.
    oncall_ics: String,
    runbooks: Vec<PageCard<'c>>,
    /// The source file, relative to the site root.
    source: &'c str,
}

#[derive(Serialize)]
struct SlaCtx<'c> {
    priority: &'c str,
    respond: Option<String>,
    resolve: Option<String>,
}

#[derive(Serialize)]
pub(super) struct RaciCell<'c> {
    party: PartyLink<'c>,
    letters: &'c str,
}

#[derive(Serialize)]
struct RaciRowCtx<'c> {
    activity: &'c str,
    cells: Vec<RaciCell<'c>>,
    /// No accountable or no responsible party: shown as a gap.
    gap: bool,
}

/// A row's parties and their letters, in file order.
pub(super) fn raci_cells<'c>(row: &RaciRow<'c>) -> Vec<RaciCell<'c>> {
    row.cells
        .iter()
        .map(|(p, l)| RaciCell {
            party: party_link(*p),
            letters: l,
        })
        .collect()
}

impl Shared<'_, '_> {
    pub(super) fn system<'c>(&'c self, s: &'c SystemView<'c>, path: &'c str) -> SystemCtx<'c> {
        let mut base = self.base(path, s.name);
        base.meta_description = s.description;
        base.has_ladder = !s.ladder.is_empty();
        SystemCtx {
            base,
            escalation_guide: &self.escalation_guide,
            system: system_card(s),
            depends_on: s.depends_on.iter().map(system_ref_card).collect(),
            dependents: s.dependents.iter().map(system_ref_card).collect(),
            ladder: ladder(s),
            coverage_chart: if self.body_keys.is_some() {
                // Fingerprinting: a chart is drawn from the data files alone.
                format!(
                    "chart {} {:032x} {}",
                    s.id, self.view.data_outline, self.opts.today
                )
            } else {
                super::super::coverage_chart::system_chart(self.view, s)
                    + &crate::render::coverage_ahead::ahead(
                        self.view,
                        s,
                        self.calendar(),
                        self.opts.today,
                    )
            },
            sla: s
                .sla
                .iter()
                .map(|(name, sla)| SlaCtx {
                    priority: name,
                    respond: sla.respond.map(|d| d.to_string()),
                    resolve: sla.resolve.map(|d| d.to_string()),
                })
                .collect(),
            raci: s
                .raci
                .iter()
                .map(|row| RaciRowCtx {
                    activity: row.activity,
                    cells: raci_cells(row),
                    gap: row.gap().is_gap(),
                })
                .collect(),
            raci_csv: urls::system_csv(s.id),
            oncall_ics: urls::system_ics(s.id),
            runbooks: self.cards(&s.runbooks),
            source: s.file,
        }
    }
}
