//! Links and images authors write in markdown: each relative one must resolve to
//! a page, a folder, a heading, an asset or a static file, and in a client build
//! a client page must not link to an internal one. Also records which pages are
//! linked to, for the orphan check.

use crate::audience::SiteView;
use crate::diag::{Code, Diagnostic};
use crate::links::{Lookup, Resolver, Target};
use crate::model::Audience;
use crate::site::Page;
#[cfg(test)]
use crate::site::Site;
use std::collections::HashSet;

/// Who links to what, counting only links from pages the view shows.
#[derive(Debug, Default)]
pub(super) struct LinkGraph<'a> {
    pub linked: HashSet<&'a str>,
    pub linked_folders: HashSet<&'a str>,
}

/// Where a link leads, as `orphan-page` reads it: another page (by `rel`), or
/// a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Linked {
    Page(String),
    Folder(String),
}

/// The links of every page, and where those of the pages the view shows lead.
#[cfg(test)]
pub(super) fn check_links(site: &Site, view: &SiteView) -> (Vec<Diagnostic>, Vec<Vec<Linked>>) {
    let per_page: Vec<(Vec<Diagnostic>, Vec<Linked>)> = site
        .pages
        .iter()
        .map(|page| check_page(&view.links, page, None))
        .collect();
    let mut diags = Vec::new();
    let mut linked = Vec::new();
    for (d, l) in per_page {
        diags.extend(d);
        linked.push(l);
    }
    (diags, linked)
}

/// What the pages the view shows link to, from each page's [`Linked`].
pub(super) fn graph<'a>(
    view: &SiteView,
    pages: impl Iterator<Item = (&'a Page, &'a [Linked])>,
) -> LinkGraph<'a> {
    let mut graph = LinkGraph::default();
    for (page, linked) in pages {
        if !view.shows(page) {
            continue;
        }
        for l in linked {
            match l {
                Linked::Page(rel) => graph.linked.insert(rel.as_str()),
                Linked::Folder(f) => graph.linked_folders.insert(f.as_str()),
            };
        }
    }
    graph
}

/// The links of `page`: what is wrong with them, and where they lead. With
/// `lookups`, what resolving them looked up is noted there.
pub(super) fn check_page(
    resolver: &Resolver,
    page: &Page,
    mut lookups: Option<&mut Vec<Lookup>>,
) -> (Vec<Diagnostic>, Vec<Linked>) {
    let mut diags = Vec::new();
    let mut targets = Vec::new();
    for link in &page.scan.links {
        let line = Some(page.body_line + link.line.max(1) - 1);
        let what = if link.is_image { "image" } else { "link" };
        let resolved = match lookups.as_deref_mut() {
            Some(lookups) => resolver.resolve_traced(page, &link.dest, lookups),
            None => resolver.resolve(page, &link.dest),
        };
        match resolved {
            None => {
                if let Some(scheme) = crate::links::unknown_scheme(&link.dest) {
                    diags.push(Diagnostic::new(
                        Code::UnknownScheme,
                        &page.source,
                        line,
                        format!(
                            "{what} `{}` has the scheme `{scheme}:`, which no program opens, so it goes nowhere; \
                             write `https://…`, a relative path, or a registered scheme",
                            link.dest
                        ),
                    ));
                }
            }
            Some(Err(why)) => diags.push(Diagnostic::new(
                Code::BrokenLink,
                &page.source,
                line,
                format!("broken {what} `{}`: {why}", link.dest),
            )),
            Some(Ok(target)) => {
                // A page shown to more readers than the page it links to:
                // those readers get the link's text (and the author a warning).
                let target_audience = resolver.audience_of(&target);
                if !link.is_image
                    && target_audience > page.audience
                    && matches!(
                        target,
                        Target::Page(_) | Target::Folder(_) | Target::Hidden(_)
                    )
                {
                    let hidden = match target_audience {
                        Audience::Unpublished => {
                            "not published (a draft, `published: false` or a future `publishDate`)"
                                .to_string()
                        }
                        other => other.as_str().to_string(),
                    };
                    diags.push(Diagnostic::new(
                        Code::LinkToInternal,
                        &page.source,
                        line,
                        format!(
                            "link `{}`: {} is {hidden}, so where this {} page is shown without it, the link is only its text",
                            link.dest,
                            resolver.describe(&target),
                            page.audience.as_str(),
                        ),
                    ));
                }
                match target {
                    Target::Folder(f) => targets.push(Linked::Folder(f)),
                    target => {
                        if let Some(linked) = resolver.page(&target)
                            && linked.rel != page.rel
                        {
                            targets.push(Linked::Page(linked.rel.clone()));
                        }
                    }
                }
            }
        }
    }
    (diags, targets)
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestSite;
    use super::*;
    use crate::links::has_scheme;
    use crate::markdown::{Heading, LinkRef};
    use crate::model::Audience;
    use crate::urls::normalize;

    #[test]
    fn paths_join_and_climb_within_content() {
        assert_eq!(normalize("a/b", "../c.md"), Some(("a/c.md".into(), false)));
        assert_eq!(normalize("a", "./x/"), Some(("a/x".into(), true)));
        assert_eq!(normalize("a", ".."), Some(("".into(), true)));
        assert_eq!(normalize("", "../x.md"), None);
    }

    #[test]
    fn schemes_are_recognised() {
        for s in [
            "https://x",
            "mailto:a@b",
            "tel:+1555",
            "ftp://x",
            "vscode:x",
        ] {
            assert!(has_scheme(s), "{s}");
        }
        for s in ["a.md", "../a.md", "a/b:c", "/x"] {
            assert!(!has_scheme(s), "{s}");
        }
    }

    /// The pages, assets and static files the link tests point at.
    fn site_with_pages() -> TestSite {
        let t = TestSite::new();
        t.write("content/_index.md", "---\ntitle: Home\n---\n");
        t.write("content/runbooks/_index.md", "---\ntitle: Runbooks\n---\n");
        t.write(
            "content/runbooks/a.md",
            "---\ntitle: A\n---\n# Top\n\nline\n",
        );
        t.write(
            "content/runbooks/b.md",
            "---\ntitle: B\n---\n## Verify\n<a id=\"manual\"></a>\n",
        );
        t.write("content/runbooks/img/diagram.png", "png");
        t.write("content/guides/g.md", "---\ntitle: G\n---\n");
        t.write(
            "content/internal/_index.md",
            "---\ntitle: Internal\naudience: internal\n---\n",
        );
        t.write("content/internal/secret.md", "---\ntitle: S\n---\n");
        t.write("content/internal/net.pdf", "pdf");
        t.write("static/img/logo.svg", "<svg/>");
        t.write("static/docs/policy.pdf", "pdf");
        t.write(
            "data/systems/m365.yaml",
            "id: m365\nname: M\ntier: 3\nowner: it\n",
        );
        t
    }

    /// Plant links by hand, so the tests do not depend on the markdown scanner:
    /// `(page rel, dest, is_image)`; link n sits on body line n + 1.
    fn run(links: &[(&str, &str, bool)], audience: Audience) -> Vec<(String, usize, String)> {
        let t = site_with_pages();
        let mut site = t.load();
        for page in &mut site.pages {
            page.scan.links.clear();
            page.scan.headings.clear();
            if page.rel == "runbooks/b.md" {
                page.scan.headings.push(Heading {
                    level: 2,
                    text: "Verify".into(),
                    id: "verify".into(),
                });
            }
        }
        for (n, (rel, dest, is_image)) in links.iter().enumerate() {
            let page = site.pages.iter_mut().find(|p| p.rel == *rel).unwrap();
            page.scan.links.push(LinkRef {
                dest: dest.to_string(),
                line: n + 1,
                is_image: *is_image,
            });
        }
        let view = crate::audience::view(&site, audience);
        let (diags, _) = check_links(&site, &view);
        diags
            .into_iter()
            .map(|d| (d.file, d.line.unwrap(), d.message))
            .collect()
    }

    #[test]
    fn links_that_resolve_say_nothing() {
        let ok = [
            ("runbooks/a.md", "b.md", false),
            ("runbooks/a.md", "./b.md#verify", false),
            ("runbooks/a.md", "b.md#manual", false),
            ("runbooks/a.md", "../guides/g.md", false),
            ("runbooks/a.md", "/guides/g.md", false),
            ("runbooks/a.md", "../guides/", false),
            ("runbooks/a.md", "_index.md", false),
            ("runbooks/a.md", "../runbooks/", false),
            ("runbooks/a.md", "..", false),
            ("runbooks/a.md", "/", false),
            ("runbooks/a.md", "b.md?x=1#verify", false),
            ("runbooks/a.md", "#top", false),
            ("runbooks/a.md", "https://example.com/x.md", false),
            ("runbooks/a.md", "mailto:a@b.example", false),
            ("runbooks/a.md", "tel:+15550100", false),
            ("runbooks/a.md", "#", false),
            ("runbooks/a.md", "", false),
            ("runbooks/a.md", "img/diagram.png", true),
            ("runbooks/a.md", "img/logo.svg", true),
            ("runbooks/a.md", "/img/logo.svg", true),
            ("runbooks/a.md", "/docs/policy.pdf", false),
            ("runbooks/a.md", "/systems/m365/", false),
            ("runbooks/a.md", "../matrix/index.html", false),
            ("runbooks/a.md", "b%2Emd", false),
            ("internal/secret.md", "../runbooks/a.md", false),
        ];
        assert_eq!(run(&ok, Audience::Client), vec![]);
    }

    #[test]
    fn broken_links_name_the_link_and_what_is_missing() {
        let bad = [
            ("runbooks/a.md", "c.md", false),
            ("runbooks/a.md", "b.md#verfy", false),
            ("runbooks/a.md", "#nowhere", false),
            ("runbooks/a.md", "../../x.md", false),
            ("runbooks/a.md", "img/missing.png", true),
            ("runbooks/a.md", "../nothing/", false),
            ("runbooks/a.md", "/systems/nope/", false),
        ];
        let got = run(&bad, Audience::Client);
        assert_eq!(got.len(), bad.len(), "{got:#?}");
        let says = [
            "`c.md`: no page content/runbooks/c.md",
            "content/runbooks/b.md has no heading `#verfy` (its headings: `verify`)",
            "this page has no heading `#nowhere`",
            "outside content/",
            "broken image `img/missing.png`",
            "content/nothing/",
            "content/systems/nope/",
        ];
        for ((file, line, msg), (n, want)) in got.iter().zip(says.iter().enumerate()) {
            assert_eq!(file, "content/runbooks/a.md");
            assert_eq!(*line, 4 + n, "line of {msg}");
            assert!(msg.contains(want), "{msg} lacks {want}");
        }
    }

    /// Hiding a page never breaks the pages that link to it: a client page's
    /// link to an internal page is `link-to-internal` (in both builds, so
    /// the author sees it before clients do); a file it needs stays broken.
    #[test]
    fn client_pages_linking_to_internal_ones_are_warned_in_every_build() {
        let links = [
            ("runbooks/a.md", "../internal/secret.md", false),
            ("runbooks/a.md", "/internal/net.pdf", false),
            ("runbooks/a.md", "/internal/", false),
        ];
        let client = run(&links, Audience::Client);
        assert_eq!(client.len(), 3, "{client:#?}");
        assert!(client[1].2.starts_with("broken link"), "{}", client[1].2);
        let internal = run(&links, Audience::Internal);
        assert_eq!(internal.len(), 2, "{internal:#?}");
        for got in [&client[0], &client[2], &internal[0], &internal[1]] {
            assert!(got.2.contains("is internal"), "{}", got.2);
            assert!(got.2.contains("only its text"), "{}", got.2);
        }
    }

    #[test]
    fn unregistered_schemes_are_warned_and_registered_ones_pass() {
        let got = run(
            &[
                ("runbooks/a.md", "link:https://example.com", false),
                ("runbooks/a.md", "htps://example.com", false),
                ("runbooks/a.md", "rdp://server", false),
                ("runbooks/a.md", "ms-settings:network", false),
                ("runbooks/a.md", "smb://nas/share", false),
                ("runbooks/a.md", "file:///c:/x", false),
                ("runbooks/a.md", "ssh://host", false),
                ("runbooks/a.md", "vnc://host", false),
            ],
            Audience::Client,
        );
        assert_eq!(got.len(), 2, "{got:#?}");
        assert!(got[0].2.contains("`link:`"), "{}", got[0].2);
        assert!(got[1].2.contains("`htps:`"), "{}", got[1].2);
    }

    #[test]
    fn internal_pages_are_still_checked_for_plain_broken_links() {
        let got = run(
            &[("internal/secret.md", "gone.md", false)],
            Audience::Client,
        );
        assert_eq!(got.len(), 1);
    }
}
