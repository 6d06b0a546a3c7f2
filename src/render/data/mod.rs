//! Data files beside the pages, for the build's audience: `cairn.json` and its
//! schema, RACI as CSV, contacts as vCards, calendar feeds as iCalendar. They are jobs of the same render
//! as the pages (so `cairn serve` rebuilds them too), made from the same
//! [`SiteView`], so they can hold nothing the audience may not see.

mod csv;
mod feeds;
pub(super) mod json;
mod vcard;

use super::{calendar, party_vcard_path};
use crate::audience::{PartyView, SiteView, SystemView};
use crate::urls;

/// One data file of the output.
#[derive(Clone, Copy)]
pub(super) enum DataFile<'v, 'a> {
    CairnJson,
    Schema,
    MatrixCsv,
    SystemCsv(&'v SystemView<'a>),
    SiteVcards,
    PartyVcards(&'v PartyView<'a>),
    /// `assets/calendar.js`: the dated "who answers" data of every ladder.
    Calendar,
    /// `oncall.ics`: who answers each system first.
    OncallIcs,
    /// `systems/ID/oncall.ics`.
    SystemIcs(&'v SystemView<'a>),
    /// `rotations/PARTY-NAME.ics` of (party id, rotation name), internal
    /// builds only; `true`: its name is taken, add a hash of the rotation's.
    RotationIcs(&'a str, &'a str, bool),
    /// `holidays.ics`.
    HolidaysIcs,
}

impl DataFile<'_, '_> {
    pub(super) fn path(&self) -> String {
        match self {
            DataFile::CairnJson => urls::CAIRN_JSON.into(),
            DataFile::Schema => urls::CAIRN_SCHEMA.into(),
            DataFile::MatrixCsv => urls::MATRIX_CSV.into(),
            DataFile::SystemCsv(s) => urls::system_csv(s.id),
            DataFile::SiteVcards => urls::SITE_VCARDS.into(),
            DataFile::PartyVcards(p) => urls::party_vcards(p.id),
            DataFile::Calendar => calendar::CALENDAR_JS.into(),
            DataFile::OncallIcs => urls::ONCALL_ICS.into(),
            DataFile::SystemIcs(s) => urls::system_ics(s.id),
            DataFile::RotationIcs(party, name, false) => urls::rotation_ics(party, name),
            DataFile::RotationIcs(party, name, true) => {
                urls::rotation_ics(party, &format!("{name}\u{1f}"))
            }
            DataFile::HolidaysIcs => urls::HOLIDAYS_ICS.into(),
        }
    }

    /// Whether the file lists pages; the others are made of the data files
    /// alone (RACI, contacts), so a page's edit leaves them as they were.
    pub(super) fn lists_pages(&self) -> bool {
        matches!(self, DataFile::CairnJson)
    }

    /// Whether the file changes with the build date, not only with the data files.
    pub(super) fn is_dated(&self) -> bool {
        matches!(
            self,
            DataFile::Calendar
                | DataFile::CairnJson
                | DataFile::OncallIcs
                | DataFile::SystemIcs(_)
                | DataFile::RotationIcs(..)
                | DataFile::HolidaysIcs
        )
    }

    /// `calendar`: the render's calendar, expanded on first use; `stamp`:
    /// the feeds' DTSTAMP (Unix seconds).
    pub(super) fn bytes<'c>(
        &self,
        view: &SiteView<'c>,
        today: chrono::NaiveDate,
        stamp: i64,
        calendar: &dyn Fn() -> &'c crate::calendar::Calendar<'c>,
    ) -> anyhow::Result<Vec<u8>> {
        let feed = || feeds::FeedContext {
            view,
            calendar: calendar(),
            today,
            stamp,
        };
        Ok(match self {
            DataFile::CairnJson => json::cairn_json(view, today, calendar())?,
            DataFile::Schema => json::SCHEMA.as_bytes().to_vec(),
            DataFile::MatrixCsv => csv::matrix_csv(view)?,
            DataFile::SystemCsv(s) => csv::system_csv(view, s)?,
            DataFile::SiteVcards => vcard::site_vcards(view),
            DataFile::PartyVcards(p) => vcard::party_vcards(view, p),
            DataFile::Calendar => calendar::calendar_js(&calendar::gather(view, calendar())),
            DataFile::OncallIcs => feeds::site_oncall(&feed()),
            DataFile::SystemIcs(s) => feeds::system_oncall(&feed(), s),
            DataFile::RotationIcs(party, name, _) => match view
                .rotations()
                .into_iter()
                .find(|r| r.party == *party && r.name == *name)
            {
                Some(r) => feeds::rotation(&feed(), &r),
                None => Vec::new(),
            },
            DataFile::HolidaysIcs => feeds::holidays(&feed()),
        })
    }
}

/// `cairn.json` made of `parts` kept from an earlier render when they are
/// what `key` says they are made of (see [`json::Parts`]): the file and the
/// parts it was made of, with their key.
#[allow(clippy::type_complexity)]
pub(super) fn cairn_json_reusing<'c>(
    view: &SiteView<'c>,
    today: chrono::NaiveDate,
    calendar: &dyn Fn() -> &'c crate::calendar::Calendar<'c>,
    kept: Option<&(u128, std::sync::Arc<json::Parts>)>,
    key: u128,
) -> anyhow::Result<(Vec<u8>, (u128, std::sync::Arc<json::Parts>))> {
    let parts = match kept {
        Some((was, parts)) if *was == key => parts.clone(),
        _ => std::sync::Arc::new(json::cairn_json_parts(view, today, calendar())?),
    };
    let bytes = json::cairn_json_with(&parts, view, today)?;
    Ok((bytes, (key, parts)))
}

/// Every data file of `view`.
pub(super) fn files<'v, 'a>(view: &'v SiteView<'a>) -> Vec<DataFile<'v, 'a>> {
    let mut files = vec![
        DataFile::CairnJson,
        DataFile::Schema,
        DataFile::MatrixCsv,
        DataFile::SiteVcards,
        DataFile::Calendar,
        DataFile::OncallIcs,
        DataFile::HolidaysIcs,
    ];
    files.extend(view.systems.iter().map(DataFile::SystemCsv));
    files.extend(view.systems.iter().map(DataFile::SystemIcs));
    if view.audience == crate::model::Audience::Internal {
        let mut taken = std::collections::HashSet::new();
        for r in view.rotations() {
            let clash = !taken.insert(urls::rotation_ics(r.party, r.name));
            files.push(DataFile::RotationIcs(r.party, r.name, clash));
        }
    }
    files.extend(
        view.parties
            .iter()
            .filter(|p| party_vcard_path(p).is_some())
            .map(DataFile::PartyVcards),
    );
    files
}
