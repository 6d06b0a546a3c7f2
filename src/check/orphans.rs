//! What nobody reaches. `system-without-runbook`: a system no runbook of the
//! build's audience names. `orphan-page`: a page a reader cannot reach.
//! Every folder is a section whose generated list shows its pages (the home
//! page lists the top ones), so a page the view shows is reached through its
//! section; runbooks are also listed on their systems' pages.

use super::links::LinkGraph;
use crate::audience::SiteView;
use crate::diag::{Code, Diagnostic};
use crate::site::Site;

/// Among the pages the view shows; `links` (what the pages link to) is
/// made only when some page is neither a runbook nor in a listed folder.
pub(super) fn check_orphans<'a>(
    view: &SiteView,
    links: impl FnOnce() -> LinkGraph<'a>,
) -> Vec<Diagnostic> {
    let unlisted: Vec<_> = view
        .pages
        .iter()
        .filter(|page| {
            let folder = page.folder();
            !(page.is_section
                || page.is_runbook()
                || folder.is_empty()
                || view.sections.contains_key(folder))
        })
        .collect();
    if unlisted.is_empty() {
        return Vec::new();
    }
    let links = links();
    unlisted
        .into_iter()
        .filter(|page| {
            !(links.linked_folders.contains(page.folder())
                || links.linked.contains(page.rel.as_str()))
        })
        .map(|page| {
            Diagnostic::new(
                Code::OrphanPage,
                &page.source,
                None,
                format!(
                    "no page links to `{}` and no list shows it: link to it, or add an `_index.md` to `content/{}/`",
                    page.rel,
                    page.folder()
                ),
            )
        })
        .collect()
}

/// Every system of the site, named or not by a runbook the view shows.
pub(super) fn check_systems_without_runbook(site: &Site, view: &SiteView) -> Vec<Diagnostic> {
    if site.failed.pages {
        return Vec::new();
    }
    let named: std::collections::HashSet<&str> = view
        .pages
        .iter()
        .filter(|p| !p.is_section)
        .flat_map(|p| p.front.systems.iter().map(|s| s.as_str()))
        .collect();
    site.systems
        .iter()
        .filter(|e| {
            // A system whose id disagrees with its file name is already an error.
            !named.contains(e.system.id.as_str()) && e.file.ends_with(&format!("/{}.yaml", e.system.id))
        })
        .map(|e| {
            Diagnostic::new(
                Code::SystemWithoutRunbook,
                &e.file,
                None,
                format!(
                    "no {} runbook names system `{}`: add `systems: [{}]` to the front matter of its runbooks",
                    view.audience.as_str(),
                    e.system.id,
                    e.system.id
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestSite;
    use super::super::{CheckOptions, check_site};
    use crate::diag::Code;
    use crate::model::Audience;

    fn orphans(t: &TestSite) -> Vec<String> {
        let site = t.load();
        let opts = CheckOptions {
            audience: Audience::Internal,
            today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        };
        check_site(&site, &opts)
            .into_iter()
            .filter(|d| d.code == Code::OrphanPage)
            .map(|d| d.file)
            .collect()
    }

    #[test]
    fn a_page_in_a_folder_without_index_is_listed_by_its_generated_section() {
        let t = TestSite::new();
        t.write("content/_index.md", "---\ntitle: Home\n---\n");
        t.write("content/guides/deep/a.md", "# A\nbody\n");
        assert!(orphans(&t).is_empty());
    }

    #[test]
    fn section_pages_and_linked_folders_are_reachable() {
        let t = TestSite::new();
        t.write("content/_index.md", "---\ntitle: Home\n---\n[g](guides/)\n");
        t.write("content/guides/a.md", "---\ntitle: A\n---\nbody\n");
        t.write("content/docs/_index.md", "---\ntitle: Docs\n---\n");
        t.write("content/docs/b.md", "---\ntitle: B\n---\nbody\n");
        assert!(orphans(&t).is_empty());
    }
}
