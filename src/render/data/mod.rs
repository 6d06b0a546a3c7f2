//! Data files beside the pages, for the build's audience: `cairn.json` and its
//! schema, RACI as CSV, contacts as vCards. They are jobs of the same render
//! as the pages (so `cairn serve` rebuilds them too), made from the same
//! [`SiteView`], so they can hold nothing the audience may not see.

mod csv;
mod json;
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
        }
    }

    /// Whether the file lists pages; the others are made of the data files
    /// alone (RACI, contacts), so a page's edit leaves them as they were.
    pub(super) fn lists_pages(&self) -> bool {
        matches!(self, DataFile::CairnJson)
    }

    /// Whether the file changes with the build date, not only with the data files.
    pub(super) fn is_dated(&self) -> bool {
        matches!(self, DataFile::Calendar)
    }

    /// `calendar`: the render's calendar, expanded on first use.
    pub(super) fn bytes<'c>(
        &self,
        view: &SiteView,
        today: chrono::NaiveDate,
        calendar: &dyn Fn() -> &'c crate::calendar::Calendar<'c>,
    ) -> anyhow::Result<Vec<u8>> {
        Ok(match self {
            DataFile::CairnJson => json::cairn_json(view, today)?,
            DataFile::Schema => json::SCHEMA.as_bytes().to_vec(),
            DataFile::MatrixCsv => csv::matrix_csv(view)?,
            DataFile::SystemCsv(s) => csv::system_csv(view, s)?,
            DataFile::SiteVcards => vcard::site_vcards(view),
            DataFile::PartyVcards(p) => vcard::party_vcards(view, p),
            DataFile::Calendar => calendar::calendar_js(&calendar::gather(view, calendar())),
        })
    }
}

/// Every data file of `view`.
pub(super) fn files<'v, 'a>(view: &'v SiteView<'a>) -> Vec<DataFile<'v, 'a>> {
    let mut files = vec![
        DataFile::CairnJson,
        DataFile::Schema,
        DataFile::MatrixCsv,
        DataFile::SiteVcards,
        DataFile::Calendar,
    ];
    files.extend(view.systems.iter().map(DataFile::SystemCsv));
    files.extend(
        view.parties
            .iter()
            .filter(|p| party_vcard_path(p).is_some())
            .map(DataFile::PartyVcards),
    );
    files
}
