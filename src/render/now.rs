//! The now board (`now/index.html`): every system with who answers it now and
//! until when. The page itself is the weekly table (who answers first, when,
//! and how to call them), complete without JavaScript; `assets/now.js` marks
//! the level answering at the reader's minute with `cairn.answering`, the same
//! function as the call cards.

use super::context::{LadderCtx, ladder};
use super::coverage_chart::{self, Segment};
use crate::audience::{SiteView, SystemView};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct NowSystem<'a> {
    ladder: LadderCtx<'a>,
    /// Lowercase words the filter box matches: names, ids, parties, contacts.
    search: String,
    /// Who answers first through the week, cut where that changes.
    week: Vec<WeekRow<'a>>,
    uncovered: Vec<String>,
}

#[derive(Serialize)]
struct WeekRow<'a> {
    when: String,
    /// 1-based level, or none: nobody answers.
    level: Option<usize>,
    party: Option<&'a str>,
    colour: Option<usize>,
}

#[derive(Serialize)]
struct Tier<'a> {
    tier: u8,
    systems: Vec<NowSystem<'a>>,
}

fn system<'a>(view: &SiteView, s: &'a SystemView<'a>) -> NowSystem<'a> {
    let segments = coverage_chart::system_segments(s);
    let mut words = vec![
        s.id.to_string(),
        s.name.to_string(),
        s.owner.name.to_string(),
    ];
    for l in &s.ladder {
        words.push(l.party.name.to_string());
        words.extend(l.contacts.iter().map(|c| c.name.clone()));
    }
    NowSystem {
        ladder: ladder(s),
        search: words.join(" ").to_lowercase(),
        week: segments
            .iter()
            .map(|&Segment { start, end, level }| {
                let l = level.and_then(|i| s.ladder.get(i));
                WeekRow {
                    when: if start == 0 && end == crate::model::MINUTES_PER_WEEK {
                        "all week".into()
                    } else {
                        coverage_chart::describe((start, end))
                    },
                    level: l.map(|l| l.level),
                    party: l.map(|l| l.party.name),
                    colour: l.map(|l| coverage_chart::colour_of(view, l.party.id)),
                }
            })
            .collect(),
        uncovered: coverage_chart::uncovered(&segments)
            .into_iter()
            .map(coverage_chart::describe)
            .collect(),
    }
}

pub(super) fn context(view: &SiteView, ctx: &mut tera::Context) {
    let mut tiers: BTreeMap<u8, Vec<NowSystem>> = BTreeMap::new();
    for s in &view.systems {
        tiers.entry(s.tier.0).or_default().push(system(view, s));
    }
    let tiers: Vec<Tier> = tiers
        .into_iter()
        .map(|(tier, systems)| Tier { tier, systems })
        .collect();
    ctx.insert("title", "Who answers now");
    ctx.insert("tiers", &tiers);
}
