//! The now board (`now/index.html`): every system with who answers it now and
//! until when. The page itself is the weekly table (who answers first, when,
//! and how to call them), complete without JavaScript; `assets/now.js` marks
//! the level answering at the reader's minute with `cairn.answering`, the same
//! function as the call cards.

use super::Base;
use super::cards::{TierGroup, by_tier};
use super::ladder::{LadderCtx, ladder};
use crate::audience::{SiteView, SystemView};
use crate::render::calendar;
use crate::render::coverage_chart::{self, Segment};
use serde::Serialize;

#[derive(Serialize)]
pub(in crate::render) struct NowCtx<'c> {
    #[serde(flatten)]
    base: Base<'c>,
    tiers: Vec<TierGroup<NowSystem<'c>>>,
    /// Holidays and (internal builds) absences of the 14 days from the build date.
    coming: calendar::Coming,
    /// The calendar feeds: who answers first, holidays.
    oncall_ics: &'static str,
    holidays_ics: &'static str,
}

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

pub(super) fn context<'c>(
    view: &'c SiteView<'c>,
    base: Base<'c>,
    cal: &crate::calendar::Calendar,
    today: chrono::NaiveDate,
) -> NowCtx<'c> {
    NowCtx {
        base,
        tiers: by_tier(view, |s| system(view, s)),
        coming: calendar::coming(&calendar::gather_dates(view, cal), today),
        oncall_ics: crate::urls::ONCALL_ICS,
        holidays_ics: crate::urls::HOLIDAYS_ICS,
    }
}
