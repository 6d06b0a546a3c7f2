//! Check: `&Site → Vec<Diagnostic>`, the cross-reference and content rules of
//! SPEC "Checks". Loading has already reported what failed to parse; every check
//! here reads the typed [`Site`] only, is total (no panics on any site), and
//! stays quiet about references into sources that failed to load. The checks
//! that depend on the build's audience read its [`SiteView`], which decides
//! what that audience sees and where links point for it.

mod adopted;
mod blocks;
mod calendar;
mod collisions;
mod coverage;
mod facts;
mod links;
mod memo;
mod offline;
mod orphans;
mod phones;
mod raci;
mod refs;
mod remote_images;
mod review;
mod secrets;

use crate::audience::SiteView;
use crate::diag::{self, Code, Diagnostic, Severity};
#[cfg(test)]
use crate::model::Audience;
use crate::site::{Page, Site};
use std::collections::HashMap;

pub(crate) use memo::Memo;

/// What a check run is for.
#[cfg(test)]
#[derive(Debug, Clone)]
pub(crate) struct CheckOptions {
    /// The build's audience: decides which pages count for links, reviews and orphans.
    pub audience: Audience,
    /// "Today" for review dates.
    pub today: chrono::NaiveDate,
}

/// All diagnostics for the site (load diagnostics are separate; the caller merges them).
#[cfg(test)]
pub(crate) fn check_site(site: &Site, opts: &CheckOptions) -> Vec<Diagnostic> {
    check_view_with(
        site,
        &crate::audience::view(site, opts.audience),
        opts.today,
        None,
    )
}

/// All diagnostics for the site, those that depend on the audience from
/// `view` (the view of `site` a build for that audience renders), taking back from `memo` what the last run found where
/// nothing it read has changed since (`cairn serve`), and keeping this run's
/// there for the next: the diagnostics are a fresh run's.
///
/// Three kinds of check: a page's own (its references, links, numbers,
/// secrets, blocks, review, images, outputs: [`page_facts`], each run read
/// through a [`memo::Reader`] that notes what it reads beyond the page); the
/// data files' ([`data_checks`], which read the data files and today only);
/// and the site-wide ones over all pages' findings (orphans, collisions,
/// systems no runbook names, another generator's keys), cheap, run each time.
pub(crate) fn check_view_with(
    site: &Site,
    view: &SiteView,
    today: chrono::NaiveDate,
    memo: Option<&Memo>,
) -> Vec<Diagnostic> {
    let index = SiteIndex::new(site);
    let known = phones::known(site);
    let env = memo::Env::new(site, view, &index, &known, today);
    let data = || {
        memo::reuse(memo, memo::Slot::Data, env.data_key(), || {
            data_checks(site, &index, today)
        })
    };
    let pages = || memo::pages(&env, memo, page_facts);
    // Beside `serve`'s render, an edit's check stays on its thread (its
    // parts are small); a whole check runs its parts in parallel.
    let (mut diags, facts) = match memo {
        Some(_) => (data(), pages()),
        None => rayon::join(data, pages),
    };
    for f in &facts {
        diags.extend(f.diags.iter().cloned());
    }
    // Pages, then the folders' lists and the files published as they are,
    // then aliases: the first of two that collide is named first.
    let mut outputs: Vec<&collisions::Output> = Vec::new();
    outputs.extend(facts.iter().filter_map(|f| f.output.as_ref()));
    let folders = collisions::folder_outputs(view);
    outputs.extend(&folders);
    outputs.extend(facts.iter().flat_map(|f| &f.aliases));
    let key = {
        let mut parts: Vec<&[u8]> = Vec::with_capacity(outputs.len() * 2);
        for (path, source) in &outputs {
            parts.push(path.as_bytes());
            parts.push(source.as_bytes());
        }
        memo::hash(&parts)
    };
    diags.extend(memo::reuse(memo, memo::Slot::Collisions, key, || {
        let outputs: Vec<collisions::Output> = outputs.into_iter().cloned().collect();
        collisions::collisions(&outputs)
    }));
    diags.extend(orphans::check_orphans(view, || {
        links::graph(
            view,
            site.pages
                .iter()
                .zip(facts.iter().map(|f| f.linked.as_slice())),
        )
    }));
    diags.extend(orphans::check_systems_without_runbook(site, view));
    diags.extend(adopted::check_foreign_keys(site));
    diags.extend(secrets::check_files(site));
    diags.extend(offline::check_offline_budget(site));
    diag::sort(&mut diags);
    diags
}

/// The checks of the data files (`cairn.yaml`, `data/…`): they read those
/// and today's date, nothing of the pages.
fn data_checks(site: &Site, index: &SiteIndex, today: chrono::NaiveDate) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    diags.extend(refs::check_data_refs(site, index));
    diags.extend(raci::check_raci(site));
    diags.extend(coverage::check_coverage(site, index, today));
    diags.extend(calendar::check_calendar(site, index, today));
    diags.extend(secrets::check_data(site));
    diags.extend(facts::check_facts(site));
    diags.extend(phones::check_dead_ends(site, today));
    diags.extend(crate::secrets::catalogue::problem());
    if let Some(problem) = crate::markdown::raw_html_problem() {
        diags.push(Diagnostic::new(
            Code::InvalidValue,
            crate::site::CONFIG_FILE,
            None,
            format!("raw HTML in markdown cannot be read: {problem}; this is a bug in cairn, please report it"),
        ));
    }
    diags
}

/// The checks of one page: what it reads besides the page, it reads
/// through `read`.
fn page_facts(page: &Page, read: &mut memo::Reader) -> memo::PageFacts {
    let mut facts = memo::PageFacts::default();
    let diags = &mut facts.diags;
    if page.front.owner.is_some() || !page.front.systems.is_empty() {
        let (site, index) = read.ids();
        refs::check_page(site, index, page, diags);
    }
    let (link_diags, linked) = read.links(page);
    diags.extend(link_diags);
    facts.linked = linked;
    diags.extend(secrets::check_page(page));
    if !page.scan.phones.is_empty() {
        let known = read.contacts();
        diags.extend(phones::check_page(page, known, read.today()));
    }
    diags.extend(blocks::unclosed_block(page));
    diags.extend(adopted::check_shortcodes(page));
    if read.shows(page) {
        if page.is_runbook() {
            diags.extend(review::overdue(page, read.today()));
        }
        diags.extend(remote_images::check_page(read.image_origins(), page));
        let (output, aliases) = collisions::page_outputs(page, diags);
        facts.output = output;
        facts.aliases = aliases;
    }
    facts
}

/// A client build refuses to publish anything that looks like a secret, or
/// an internal contact's number typed on a client page: turn `possible-secret`
/// and `internal-phone` warnings into errors. `check` keeps them as warnings.
pub(crate) fn promote_for_client_build(diags: &mut [Diagnostic]) {
    for d in diags.iter_mut() {
        if matches!(d.code, Code::PossibleSecret | Code::InternalPhone) {
            d.severity = Severity::Error;
        }
    }
}

/// Lookups built once per run, so no check is quadratic in pages or systems.
pub(crate) struct SiteIndex<'a> {
    /// Party id → index of its first definition.
    pub parties: HashMap<&'a str, usize>,
    /// System id → index of its first definition.
    pub systems: HashMap<&'a str, usize>,
}

impl<'a> SiteIndex<'a> {
    fn new(site: &'a Site) -> Self {
        let mut parties = HashMap::new();
        for (i, p) in site.parties.iter().enumerate() {
            parties.entry(p.id.as_str()).or_insert(i);
        }
        let mut systems = HashMap::new();
        for (i, s) in site.systems.iter().enumerate() {
            systems.entry(s.system.id.as_str()).or_insert(i);
        }
        SiteIndex { parties, systems }
    }

    /// A party reference is fine when it names a party, or when parties.yaml
    /// failed to load (its error already stands for every reference into it).
    pub(crate) fn party_known(&self, site: &Site, id: &str) -> bool {
        site.failed.parties || self.parties.contains_key(id)
    }

    pub(crate) fn system_known(&self, site: &Site, id: &str) -> bool {
        self.systems.contains_key(id) || site.failed.system_ids.contains(id)
    }
}

/// The 1-based file line of a top-level `key:` in a page's front matter,
/// from the parse that read it.
pub(crate) fn front_line(page: &Page, key: &str) -> Option<usize> {
    page.front_lines.exact(&[key])
}

/// The line of item `index` of the front matter list `key` (a single value
/// written without a list stands at the key's line).
pub(crate) fn front_item_line(page: &Page, key: &str, index: usize) -> Option<usize> {
    page.front_lines.line(&[key, &index.to_string()])
}

pub(crate) use crate::diag::did_you_mean;

/// `"a, b and c"`-style list of backticked names.
pub(crate) fn name_list<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(|n| format!("`{}`", n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
pub(crate) mod testing {
    //! A tiny site in a temp dir, loaded through the real loader.
    use crate::site::Site;
    use std::path::Path;

    pub(crate) const CONFIG: &str = "title: T\ntimezone: UTC\nreview_every: 90d\nhours:\n  business: { days: mon-fri, from: \"08:00\", to: \"18:00\" }\n  after-hours: { days: mon-fri, from: \"18:00\", to: \"08:00\" }\n  always: 24x7\n";
    pub(crate) const PARTIES: &str = "- id: it\n  name: IT\n  kind: internal\n  hours: business\n  contacts:\n    - name: Dana\n- id: msp\n  name: MSP\n  kind: provider\n  contacts:\n    - name: NOC\n";

    pub(crate) struct TestSite {
        pub dir: tempfile::TempDir,
    }

    impl TestSite {
        pub(crate) fn new() -> Self {
            let t = TestSite {
                dir: tempfile::tempdir().unwrap(),
            };
            t.write("cairn.yaml", CONFIG);
            t.write("data/parties.yaml", PARTIES);
            t
        }

        pub(crate) fn write(&self, rel: &str, text: &str) -> &Self {
            let path = self.dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
            self
        }

        pub(crate) fn root(&self) -> &Path {
            self.dir.path()
        }

        pub(crate) fn load(&self) -> Site {
            let (site, diags) = crate::site::load_site(self.root()).unwrap();
            assert!(diags.is_empty(), "load diagnostics: {diags:?}");
            site
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::TestSite;
    use super::*;

    #[test]
    fn suggestions_name_the_closest_id() {
        assert_eq!(
            did_you_mean("brght", ["bright", "acme-it"].into_iter()),
            " (did you mean `bright`?)"
        );
        assert_eq!(did_you_mean("zzz", ["bright"].into_iter()), "");
    }

    #[test]
    fn front_matter_lines_are_found_by_key_and_item() {
        let t = TestSite::new();
        t.write(
            "content/a.md",
            "---\ntitle: A\nsystems:\n  - m365\n  - firewall\nlast_reviewed: 2026-01-01\n---\nbody\n",
        );
        let site = t.load();
        let page = &site.pages[0];
        assert_eq!(front_line(page, "systems"), Some(3));
        assert_eq!(front_line(page, "last_reviewed"), Some(6));
        assert_eq!(front_line(page, "owner"), None);
        assert_eq!(front_item_line(page, "systems", 1), Some(5));
        assert_eq!(front_item_line(page, "systems", 7), Some(3));
        // From the parse, not a text search: a flow list over lines, a quoted
        // key, a comment that names the key.
        t.write(
            "content/a.md",
            "---\n# owner: nobody\ntitle: A\n\"systems\": [m365,\n  firewall]\nowner: x\n---\nbody\n",
        );
        let site = t.load();
        let page = &site.pages[0];
        assert_eq!(front_line(page, "owner"), Some(6));
        assert_eq!(front_item_line(page, "systems", 1), Some(5));
    }

    /// Checks read what was loaded: once loaded, the data files and pages may
    /// vanish from disk and the checks (the secrets scan too) still see them.
    #[test]
    fn checks_read_the_loaded_site_not_the_disk() {
        let t = TestSite::new();
        t.write(
            "content/a.md",
            "---\ntitle: A\n---\nkey AKIAZ7Q2LMN4PQRS5TUV\n",
        );
        t.write(
            "data/activities.yaml",
            "- name: Backups # key AKIAZ7Q2LMN4PQRS5TUV\n",
        );
        let site = t.load();
        std::fs::remove_dir_all(t.root().join("content")).unwrap();
        std::fs::remove_dir_all(t.root().join("data")).unwrap();
        let diags = check_site(
            &site,
            &CheckOptions {
                audience: Audience::Client,
                today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            },
        );
        let secrets: Vec<&str> = diags
            .iter()
            .filter(|d| d.code == Code::PossibleSecret)
            .map(|d| d.file.as_str())
            .collect();
        assert_eq!(
            secrets,
            ["content/a.md", "data/activities.yaml"],
            "{diags:?}"
        );
    }

    #[test]
    fn a_client_build_promotes_secrets_to_errors() {
        let mut diags = vec![
            Diagnostic::new(Code::PossibleSecret, "a.md", Some(1), "x"),
            Diagnostic::new(Code::OrphanPage, "a.md", None, "y"),
        ];
        promote_for_client_build(&mut diags);
        assert!(diags[0].is_error());
        assert!(!diags[1].is_error());
    }
}
