//! Audience: the one place internal content is dropped. A [`SiteView`] holds only
//! what a build for one audience may show; render and search never see the
//! [`Site`] itself, so a template cannot forget to hide something. The checks
//! that depend on the audience (links, orphans, reviews, remote images) read
//! the same view.
//!
//! Who sees an item is decided once: the load gives each page and asset its
//! audience (a folder's `_index.md` cascades to everything below it, in
//! `site/content.rs`), [`sees`] is the one test of it, [`folder_audiences`]
//! the one rule for folders (links, reports), and
//! [`crate::Options::audience_for`] the one rule for the run's audience.

use crate::links::Resolver;
use crate::model::{
    Activity, Audience, Config, Contact, CredentialPointer, Fact, HoursSpec, PartyKind, Sla, Tier,
};
use crate::site::{Asset, Page, Site, SystemEntry};
use std::collections::{BTreeMap, HashMap};

mod calendar;
pub(crate) use calendar::RotationView;
mod ladder;
pub(crate) use ladder::{LadderLevel, ladder};
mod outline;
pub(crate) mod problems;
mod raci;
mod review;
mod sections;

pub(crate) use raci::Duties;
pub(crate) use review::ReviewState;

/// Something the load gave an audience: a page or an asset after the folder
/// cascade (never more visible than a folder above it), a contact as written.
pub(crate) trait Audienced {
    fn audience(&self) -> Audience;
}

impl Audienced for Page {
    fn audience(&self) -> Audience {
        self.audience
    }
}

impl Audienced for Asset {
    fn audience(&self) -> Audience {
        self.audience
    }
}

impl Audienced for Contact {
    fn audience(&self) -> Audience {
        self.audience
    }
}

impl Audienced for Fact {
    fn audience(&self) -> Audience {
        self.audience
    }
}

impl Audienced for CredentialPointer {
    fn audience(&self) -> Audience {
        self.audience
    }
}

/// Whether a build for `audience` shows `item`.
pub(crate) fn sees(audience: Audience, item: &impl Audienced) -> bool {
    item.audience().visible_in(audience)
}

/// Every folder holding pages (at any depth, `` for the root), as visible as
/// its most visible page: a link to the folder resolves, and a report may
/// name it, for whoever sees one of its pages.
pub(crate) fn folder_audiences<'p>(
    pages: impl IntoIterator<Item = &'p Page>,
) -> HashMap<String, Audience> {
    let mut folders: HashMap<String, Audience> = HashMap::new();
    for page in pages {
        let mut folder = page.folder();
        loop {
            let a = folders
                .entry(folder.to_string())
                .or_insert(Audience::Internal);
            *a = (*a).min(page.audience);
            if folder.is_empty() {
                break;
            }
            folder = crate::site::parent_folder(folder);
        }
    }
    folders
}

/// What one audience sees of a [`Site`]: the view every later stage reads, so nothing it may not see can reach the output.
pub struct SiteView<'a> {
    pub(crate) config: &'a Config,
    pub(crate) audience: Audience,
    /// Visible pages and section indexes, sorted by source path.
    pub(crate) pages: Vec<&'a Page>,
    /// Folders that hold visible content, keyed by folder (`` is the root).
    pub(crate) sections: BTreeMap<String, SectionView<'a>>,
    /// Sorted by tier, then name.
    pub(crate) systems: Vec<SystemView<'a>>,
    /// In file order.
    pub(crate) parties: Vec<PartyView<'a>>,
    pub(crate) activities: Vec<&'a Activity>,
    pub(crate) assets: Vec<&'a Asset>,
    pub(crate) static_files: &'a [String],
    /// Where the links authors write point, for this audience: render's hrefs
    /// and the link check's verdicts both come from it.
    pub(crate) links: Resolver<'a>,
    /// A hash of all the view is made of but its pages' bodies: two views
    /// that agree on it show the same, save the body of each page on its own.
    pub(crate) outline: u128,
    /// The part of [`SiteView::outline`] made of the data files alone: what
    /// a data file that lists no page is made of.
    pub(crate) data_outline: u128,
    /// [`SiteView::outline`] less the runbooks' front matter: what pages
    /// show of pages other than their own.
    pub(crate) frame: u128,
    /// Position of each system in `systems`, by id.
    system_index: HashMap<&'a str, usize>,
    /// The matrix's columns, made once ([`SiteView::matrix_activities`]): each
    /// system's `raci.csv` lists its rows in their order.
    matrix_columns: Vec<raci::MatrixActivity<'a>>,
    /// The sources, read only by the calendar (see [`SiteView::calendar`]),
    /// which expands their dated rules and resolves them for this audience.
    site: &'a Site,
}

pub(crate) struct SectionView<'a> {
    pub folder: String,
    pub index: Option<&'a Page>,
    pub title: String,
    /// Direct child pages (not section indexes), by weight then title.
    pub pages: Vec<&'a Page>,
    /// Direct child folders.
    pub subsections: Vec<String>,
}

pub(crate) struct PartyView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub kind: PartyKind,
    pub description: Option<&'a str>,
    /// The `hours` name, or `24x7` when the party has none.
    pub hours_name: String,
    pub hours: HoursSpec,
    /// Only the contacts this audience may see.
    pub contacts: Vec<&'a Contact>,
    /// Only the vault pointers this audience may see.
    pub credentials: Vec<&'a CredentialPointer>,
}

pub(crate) struct SystemView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub tier: Tier,
    pub description: Option<&'a str>,
    /// Source file, relative to the site root.
    pub file: &'a str,
    pub owner: PartyRef<'a>,
    pub depends_on: Vec<SystemRef<'a>>,
    pub dependents: Vec<SystemRef<'a>>,
    pub raci: Vec<RaciRow<'a>>,
    pub ladder: Vec<LadderLevel<'a>>,
    pub sla: Vec<(&'a str, &'a Sla)>,
    /// Visible runbooks naming this system, by title.
    pub runbooks: Vec<&'a Page>,
    /// The facts this audience may see, label and fact, in file order.
    pub facts: Vec<(&'a str, &'a Fact)>,
    /// The vault pointers this audience may see.
    pub credentials: Vec<&'a CredentialPointer>,
}

#[derive(Clone, Copy)]
pub(crate) struct PartyRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

#[derive(Clone, Copy)]
pub(crate) struct SystemRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub tier: Tier,
}

pub(crate) struct RaciRow<'a> {
    pub activity: &'a str,
    /// In file order; letters as written.
    pub cells: Vec<(PartyRef<'a>, &'a str)>,
}

impl<'a> SiteView<'a> {
    /// The site's folder: a build reads page bodies again from it.
    pub(crate) fn root(&self) -> &'a std::path::Path {
        &self.site.root
    }

    /// The calendar over the span a build on `today` expands (the build date to
    /// +400 days). Read its ladders and absences through the methods below,
    /// which pass this view's audience. Render keeps one per render.
    pub(crate) fn calendar(&self, today: chrono::NaiveDate) -> crate::calendar::Calendar<'a> {
        crate::calendar::Calendar::new(
            self.site,
            crate::calendar::Span::for_build(today, self.config.tz()),
        )
    }

    /// Each ladder level's dated timeline for this view's audience, in level order.
    pub(crate) fn ladder_timelines(
        &self,
        calendar: &crate::calendar::Calendar<'a>,
        system: &SystemView,
    ) -> Vec<std::sync::Arc<crate::calendar::LevelTimeline>> {
        self.site
            .system(system.id)
            .map(|e| calendar.ladder(&e.system, self.audience))
            .unwrap_or_default()
    }

    /// Absences within the calendar's span: internal builds only, a client
    /// build carries no absence record of anyone.
    pub(crate) fn absences(
        &self,
        calendar: &crate::calendar::Calendar<'a>,
    ) -> Option<Vec<crate::calendar::Absence>> {
        (self.audience == Audience::Internal).then(|| calendar.absences())
    }

    /// Whether this view's audience sees `item` (see [`sees`]).
    pub(crate) fn shows(&self, item: &impl Audienced) -> bool {
        sees(self.audience, item)
    }

    #[cfg(test)]
    pub(crate) fn page_by_rel(&self, rel: &str) -> Option<&'a Page> {
        self.pages
            .binary_search_by(|p| p.rel.as_str().cmp(rel))
            .ok()
            .map(|i| self.pages[i])
    }

    pub(crate) fn system(&self, id: &str) -> Option<&SystemView<'a>> {
        self.system_index.get(id).map(|&i| &self.systems[i])
    }

    pub(crate) fn party(&self, id: &str) -> Option<&PartyView<'a>> {
        self.parties.iter().find(|p| p.id == id)
    }

    /// The party that owns a page: its own `owner`, else its first system's owner.
    pub(crate) fn page_owner(&self, page: &Page) -> Option<PartyRef<'a>> {
        let id = match &page.front.owner {
            Some(o) => o.as_str(),
            None => self.system(page.front.systems.first()?)?.owner.id,
        };
        self.party(id).map(|p| PartyRef {
            id: p.id,
            name: p.name,
        })
    }
}

/// Build the view of `site` for `audience`. References must have been checked:
/// anything dangling is skipped rather than shown.
pub fn view(site: &Site, audience: Audience) -> SiteView<'_> {
    view_at(site, audience, None)
}

/// The view of `site` for `audience` on `today`: a contact whose `left` date
/// is today or earlier is shown nowhere (SPEC `left`), not in a contact list,
/// a ladder, a vCard or the search index.
pub fn view_on(site: &Site, audience: Audience, today: chrono::NaiveDate) -> SiteView<'_> {
    view_at(site, audience, Some(today))
}

/// Whether `audience` sees `contact` on `today` (`None`: whatever its `left`).
fn shows_contact(audience: Audience, today: Option<chrono::NaiveDate>, contact: &Contact) -> bool {
    sees(audience, contact)
        && !matches!((today, contact.left), (Some(t), Some(left)) if left.0 <= t)
}

fn view_at(site: &Site, audience: Audience, today: Option<chrono::NaiveDate>) -> SiteView<'_> {
    fn system_ref(e: &SystemEntry) -> SystemRef<'_> {
        SystemRef {
            id: e.system.id.as_str(),
            name: &e.system.name,
            tier: e.system.tier,
        }
    }
    let pages: Vec<&Page> = site.pages.iter().filter(|p| sees(audience, *p)).collect();

    let parties: Vec<PartyView> = site
        .parties
        .iter()
        .map(|p| {
            let hours_name = p.hours_name().to_string();
            PartyView {
                id: p.id.as_str(),
                name: &p.name,
                kind: p.kind,
                description: p.description.as_deref(),
                hours: site_clock(site, p, &hours_name, today),
                hours_name,
                contacts: p
                    .contacts
                    .iter()
                    .filter(|c| shows_contact(audience, today, c))
                    .collect(),
                credentials: visible_of(audience, &p.credentials_at),
            }
        })
        .collect();
    let party_ref = |id: &str| -> Option<PartyRef> {
        site.party(id).map(|p| PartyRef {
            id: p.id.as_str(),
            name: &p.name,
        })
    };

    let mut runbooks_of: HashMap<&str, Vec<&Page>> = HashMap::new();
    for page in pages.iter().filter(|p| p.is_runbook()) {
        for id in &page.front.systems {
            runbooks_of.entry(id.as_str()).or_default().push(page);
        }
    }
    let mut dependents_of: HashMap<&str, Vec<SystemRef>> = HashMap::new();
    for e in &site.systems {
        for dep in &e.system.depends_on {
            dependents_of
                .entry(dep.as_str())
                .or_default()
                .push(system_ref(e));
        }
    }

    let mut systems: Vec<SystemView> = site
        .systems
        .iter()
        .filter_map(|e| {
            let s = &e.system;
            let owner = party_ref(&s.owner)?;
            let mut runbooks = runbooks_of.remove(s.id.as_str()).unwrap_or_default();
            runbooks.sort_by(|a, b| a.title.cmp(&b.title).then(a.rel.cmp(&b.rel)));
            let mut dependents = dependents_of.remove(s.id.as_str()).unwrap_or_default();
            dependents.sort_by(|a, b| a.id.cmp(b.id));
            Some(SystemView {
                id: s.id.as_str(),
                name: &s.name,
                tier: s.tier,
                description: s.description.as_deref(),
                file: &e.file,
                owner,
                depends_on: s
                    .depends_on
                    .iter()
                    .filter_map(|d| site.system(d).map(system_ref))
                    .collect(),
                dependents,
                raci: s
                    .raci
                    .iter()
                    .map(|(activity, cells)| RaciRow {
                        activity,
                        cells: cells
                            .iter()
                            .filter_map(|(p, l)| Some((party_ref(p)?, l.as_str())))
                            .collect(),
                    })
                    .collect(),
                ladder: ladder(site, audience, today, e),
                sla: s.sla.iter().map(|(k, v)| (k.as_str(), v)).collect(),
                runbooks,
                facts: s
                    .facts
                    .iter()
                    .filter(|(_, f)| sees(audience, *f))
                    .map(|(label, f)| (label.as_str(), f))
                    .collect(),
                credentials: visible_of(audience, &s.credentials_at),
            })
        })
        .collect();
    systems.sort_by(|a, b| (a.tier, a.name, a.id).cmp(&(b.tier, b.name, b.id)));

    let sections = sections::of(&pages);
    // Built from every page and asset, so a link to a hidden one is reported
    // as hidden rather than missing; it never resolves for a page shown.
    let links = Resolver::new(
        audience,
        site.pages.iter().collect(),
        folder_audiences(&site.pages),
        &site.assets,
        &site.static_files,
        site.systems.iter().map(|e| e.system.id.as_str()),
        site.parties.iter().map(|p| p.id.as_str()),
    );
    let activities: Vec<&Activity> = site.activities.iter().collect();
    SiteView {
        matrix_columns: raci::matrix_columns(&activities, &systems),
        config: &site.config,
        audience,
        pages,
        sections,
        system_index: systems.iter().enumerate().map(|(i, s)| (s.id, i)).collect(),
        systems,
        parties,
        activities,
        assets: site.assets.iter().filter(|a| sees(audience, *a)).collect(),
        static_files: &site.static_files,
        links,
        outline: outline::of(site, audience),
        data_outline: outline::of_data(site, audience),
        frame: outline::frame(site, audience),
        site,
    }
}

/// The hours `name` of `party` on the site's clock, as charts draw them.
fn site_clock(
    site: &Site,
    party: &crate::model::Party,
    name: &str,
    today: Option<chrono::NaiveDate>,
) -> HoursSpec {
    // Without a date (tests, diff sides) the year from 2026-01-01: the shift of
    // most weeks is the same every year.
    let around = today.unwrap_or(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default());
    crate::calendar::week::party_hours(&site.config, party, name, around)
        .unwrap_or(HoursSpec::Always)
}

fn visible_of<T: Audienced>(audience: Audience, items: &[T]) -> Vec<&T> {
    items.iter().filter(|i| sees(audience, *i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::TestSite;

    /// A client folder holding an internal page, and an internal folder (with
    /// a page marked client, a file, and a subfolder with a file).
    fn site() -> TestSite {
        let t = TestSite::new();
        t.write("content/_index.md", "---\ntitle: Home\n---\n");
        t.write("content/guides/_index.md", "---\ntitle: Guides\n---\n");
        t.write(
            "content/guides/public.md",
            "---\ntitle: Public\n---\n[n](notes.md) [f](../internal/net.pdf) [d](../internal/) [m](map.png)\n",
        );
        t.write(
            "content/guides/notes.md",
            "---\ntitle: Notes\naudience: internal\n---\n[p](public.md) [s](../internal/secret.md)\n",
        );
        t.write("content/guides/map.png", "png");
        t.write(
            "content/internal/_index.md",
            "---\ntitle: MSP\naudience: internal\n---\n",
        );
        t.write(
            "content/internal/secret.md",
            "---\ntitle: Secret\naudience: client\n---\n",
        );
        t.write("content/internal/net.pdf", "pdf");
        t.write("content/internal/deep/er/plan.pdf", "pdf");
        t.write(
            "content/internal/deep/er/plan.md",
            "---\ntitle: Plan\n---\n",
        );
        t
    }

    fn rels<'p>(pages: impl IntoIterator<Item = &'p &'p Page>) -> Vec<&'p str> {
        pages.into_iter().map(|p| p.rel.as_str()).collect()
    }

    #[test]
    fn a_folder_is_as_visible_as_its_most_visible_page() {
        let t = site();
        let site = t.load();
        let folders = folder_audiences(&site.pages);
        let mut got: Vec<(&str, Audience)> =
            folders.iter().map(|(f, a)| (f.as_str(), *a)).collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                ("", Audience::Client),
                ("guides", Audience::Client),
                ("internal", Audience::Internal),
                ("internal/deep", Audience::Internal),
                ("internal/deep/er", Audience::Internal),
            ]
        );
    }

    #[test]
    fn the_folder_cascade_decides_once_who_sees_each_page_and_file() {
        let t = site();
        let site = t.load();
        let client = view(&site, Audience::Client);
        assert_eq!(
            rels(&client.pages),
            ["_index.md", "guides/_index.md", "guides/public.md"]
        );
        let assets: Vec<&str> = client.assets.iter().map(|a| a.rel.as_str()).collect();
        assert_eq!(assets, ["guides/map.png"]);
        assert_eq!(client.sections.keys().collect::<Vec<_>>(), ["", "guides"]);
        assert_eq!(rels(&client.sections["guides"].pages), ["guides/public.md"]);
        // `audience: client` cannot undo its folder's cascade, at any depth.
        let secret = site.page_by_rel("internal/secret.md").unwrap();
        assert!(!client.shows(secret) && !sees(Audience::Client, secret));
        let plan = site
            .assets
            .iter()
            .find(|a| a.rel.ends_with("plan.pdf"))
            .unwrap();
        assert!(!client.shows(plan));

        let internal = view(&site, Audience::Internal);
        assert_eq!(internal.pages.len(), site.pages.len());
        assert_eq!(internal.assets.len(), site.assets.len());
        assert!(internal.shows(secret) && internal.shows(plan));
    }

    /// Render and the link check ask the same resolver, the view's: for a page
    /// the build shows, a hidden target does not resolve (render leaves the
    /// link as written, the check reports it); a hidden page's own links are
    /// read by its audience.
    #[test]
    fn the_views_links_resolve_only_to_what_the_reader_sees() {
        let t = site();
        let site = t.load();
        let resolve = |v: &SiteView, from: &str, dest: &str| {
            let page = site.page_by_rel(from).unwrap();
            v.links
                .resolve(page, dest)
                .unwrap()
                .map(|target| v.links.output_path(&target))
        };
        let client = view(&site, Audience::Client);
        // A hidden page or folder resolves to "hidden" (shown as text); a
        // hidden file does not resolve.
        let hidden = |dest| {
            let page = site.page_by_rel("guides/public.md").unwrap();
            client.links.resolve(page, dest).unwrap()
        };
        for dest in ["notes.md", "../internal/", "/internal/deep/"] {
            assert!(
                matches!(hidden(dest), Ok(crate::links::Target::Hidden(_))),
                "{dest}"
            );
        }
        assert!(
            hidden("../internal/net.pdf")
                .unwrap_err()
                .starts_with("content/internal/net.pdf is internal")
        );
        assert_eq!(
            resolve(&client, "guides/public.md", "map.png"),
            Ok("guides/map.png".into())
        );
        for dest in ["public.md", "../internal/secret.md"] {
            assert!(resolve(&client, "guides/notes.md", dest).is_ok(), "{dest}");
        }

        let internal = view(&site, Audience::Internal);
        for dest in [
            "notes.md",
            "../internal/net.pdf",
            "../internal/",
            "/internal/deep/",
        ] {
            assert!(
                resolve(&internal, "guides/public.md", dest).is_ok(),
                "{dest}"
            );
        }
    }

    #[test]
    fn a_section_takes_its_index_title_or_its_folder_name() {
        let t = TestSite::new();
        t.write("content/vpn-and_remote/a.md", "---\ntitle: A\n---\n");
        t.write("content/runbooks/_index.md", "---\ntitle: \"\"\n---\n");
        t.write("content/runbooks/b.md", "---\ntitle: B\n---\n");
        t.write("content/guides/_index.md", "---\ntitle: How-tos\n---\n");
        let site = t.load();
        let v = view(&site, Audience::Client);
        let titles: Vec<(&str, &str)> = v
            .sections
            .values()
            .map(|s| (s.folder.as_str(), s.title.as_str()))
            .collect();
        assert_eq!(
            titles,
            [
                ("", "Home"),
                ("guides", "How-tos"),
                ("runbooks", "Runbooks"),
                ("vpn-and_remote", "Vpn and remote")
            ]
        );
    }
}
