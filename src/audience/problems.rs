//! Check results as one audience may read them. A problem names files and
//! contacts (its own file, a link's target, a party's contact list); a report
//! for clients (`cairn diff --audience client`) must not name what their build
//! hides, so a problem in a hidden file is left out and a message naming a
//! hidden page, file, folder or contact is withheld (its code, file and line
//! stay). A client never reads of anyone's absence either: a message about
//! `data/away.yaml`, or a dated gap that an absence or a departure makes, is
//! withheld the same way.

use super::{SiteView, sees};
use crate::diag::{Code, Diagnostic};
use crate::model::Audience;
use crate::site::Site;
use std::collections::BTreeSet;

/// What stands in for a message that names something the audience does not see.
pub(crate) const WITHHELD: &str =
    "message withheld: it names internal content (the internal diff shows it)";

/// What stands in for a message that tells of someone's absence.
pub(crate) const ABSENCE_WITHHELD: &str =
    "message withheld: it tells of someone's absence (the internal diff shows it)";

/// Whether a client may not read `d`'s message: it tells who is away, or why.
fn tells_of_absence(d: &Diagnostic) -> bool {
    let m = &d.message;
    d.file == crate::site::AWAY_FILE
        || (d.code == Code::CoverageGapDated
            && (m.contains(" away, no cover)")
                || m.match_indices(" left ")
                    .any(|(i, _)| m[i + 6..].starts_with(|c: char| c.is_ascii_digit()))))
}

/// `diagnostics` as `view`'s audience may read them.
pub(crate) fn for_audience(
    site: &Site,
    view: &SiteView,
    diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let diagnostics: Vec<Diagnostic> = if view.audience == Audience::Client {
        diagnostics
            .into_iter()
            .map(|mut d| {
                if tells_of_absence(&d) {
                    d.message = ABSENCE_WITHHELD.to_string();
                }
                d
            })
            .collect()
    } else {
        diagnostics
    };
    let hidden = Hidden::of(site, view);
    if hidden.is_empty() {
        return diagnostics;
    }
    diagnostics
        .into_iter()
        .filter(|d| !hidden.files.contains(&d.file))
        .map(|mut d| {
            if hidden.named_in(&d.message) {
                d.message = WITHHELD.to_string();
            }
            d
        })
        .collect()
}

/// The names of what a view hides, as messages write them.
struct Hidden {
    /// `content/…` of hidden pages and files.
    files: BTreeSet<String>,
    /// Substrings that give a hidden thing away: its file, its folder
    /// (`content/internal/`), its path under `content/` or its name as
    /// messages quote them (`` `internal/plan.md` ``, `` `Night pager` ``).
    marks: BTreeSet<String>,
}

impl Hidden {
    fn of(site: &Site, view: &SiteView) -> Hidden {
        let mut files = BTreeSet::new();
        let mut marks = BTreeSet::new();
        let hidden_pages = site
            .pages
            .iter()
            .filter(|p| !view.shows(*p))
            .map(|p| &p.rel);
        let hidden_assets = site
            .assets
            .iter()
            .filter(|a| !view.shows(*a))
            .map(|a| &a.rel);
        for rel in hidden_pages.chain(hidden_assets) {
            let file = format!("content/{rel}");
            marks.insert(file.clone());
            marks.insert(format!("`{rel}`"));
            files.insert(file);
        }
        for (folder, audience) in super::folder_audiences(&site.pages) {
            if !folder.is_empty() && !audience.visible_in(view.audience) {
                marks.insert(format!("content/{folder}/"));
            }
        }
        // A hidden contact whose name no shown contact shares.
        let shown: BTreeSet<&str> = view
            .parties
            .iter()
            .flat_map(|p| p.contacts.iter().map(|c| c.name.as_str()))
            .collect();
        for party in &site.parties {
            for c in party.contacts.iter().filter(|c| !sees(view.audience, *c)) {
                if !shown.contains(c.name.as_str()) {
                    marks.insert(format!("`{}`", c.name));
                    marks.insert(format!("({})", c.name));
                }
            }
        }
        Hidden { files, marks }
    }

    fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }

    fn named_in(&self, message: &str) -> bool {
        self.marks.iter().any(|m| message.contains(m.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::TestSite;

    fn site() -> TestSite {
        let t = TestSite::new();
        t.write(
            "data/parties.yaml",
            "- id: it\n  name: IT\n  kind: internal\n  contacts:\n    - { name: Dana }\n    - { name: Night pager, audience: internal }\n",
        );
        t.write("content/guides/a.md", "---\ntitle: A\n---\n");
        t.write(
            "content/internal/plan.md",
            "---\ntitle: Plan\naudience: internal\n---\n",
        );
        t.write(
            "content/guides/memo.md",
            "---\ntitle: Memo\naudience: internal\n---\n",
        );
        t
    }

    fn problem(file: &str, message: &str) -> Diagnostic {
        Diagnostic::new(Code::BrokenLink, file, Some(1), message)
    }

    #[test]
    fn a_client_reads_no_problem_of_a_hidden_file_and_no_hidden_name() {
        let t = site();
        let site = t.load();
        let client = crate::audience::view(&site, Audience::Client);
        let cases: [(&str, &str, Option<&str>); 8] = [
            ("content/internal/plan.md", "broken link `x.md`", None),
            ("content/guides/memo.md", "anything", None),
            (
                "content/guides/a.md",
                "broken link `b.md`: no page content/guides/b.md",
                Some("broken link `b.md`: no page content/guides/b.md"),
            ),
            (
                "content/guides/a.md",
                "broken link: content/internal/plan.md is internal",
                Some(WITHHELD),
            ),
            (
                "content/guides/a.md",
                "no page or folder content/internal/",
                Some(WITHHELD),
            ),
            (
                "content/guides/a.md",
                "content/guides/memo.md has no heading `#x`",
                Some(WITHHELD),
            ),
            (
                "data/systems/m.yaml",
                "its contacts: `Dana`, `Night pager`",
                Some(WITHHELD),
            ),
            (
                "data/systems/m.yaml",
                "its client-visible contacts: `Dana`",
                Some("its client-visible contacts: `Dana`"),
            ),
        ];
        for (file, message, want) in cases {
            let got = for_audience(&site, &client, vec![problem(file, message)]);
            assert_eq!(
                got.first().map(|d| d.message.as_str()),
                want,
                "{file}: {message}"
            );
        }
        // `content/guides/` holds a shown page: naming it gives nothing away.
        let got = for_audience(
            &site,
            &client,
            vec![problem("content/guides/a.md", "see content/guides/")],
        );
        assert_eq!(got[0].message, "see content/guides/");
    }

    #[test]
    fn the_internal_audience_reads_every_problem_as_written() {
        let t = site();
        let site = t.load();
        let internal = crate::audience::view(&site, Audience::Internal);
        let all = vec![
            problem("content/internal/plan.md", "x"),
            problem("data/systems/m.yaml", "its contacts: `Night pager`"),
        ];
        let got = for_audience(&site, &internal, all.clone());
        assert_eq!(got, all);
    }

    #[test]
    fn a_client_reads_of_no_absence() {
        let gap =
            |m: &str| Diagnostic::new(Code::CoverageGapDated, "data/systems/m.yaml", Some(5), m);
        let away = Diagnostic::new(
            Code::AwayNoCover,
            crate::site::AWAY_FILE,
            Some(2),
            "`it/Dana` is away",
        );
        let cases = [
            (away, true),
            (
                gap(
                    "nobody answers tier-1 system `m` on 2026-12-08 13:00–17:00: it closed (Dana away, no cover)",
                ),
                true,
            ),
            (
                gap(
                    "nobody answers tier-1 system `m` on 2026-12-08 13:00–17:00: it closed (Sam left 2026-10-01)",
                ),
                true,
            ),
            (
                gap(
                    "nobody answers tier-1 system `m` on 2026-12-25 08:00–18:00: it closed (Christmas Day)",
                ),
                false,
            ),
            (
                gap(
                    "nobody answers tier-1 system `m` on 2026-12-25 08:00–18:00: it closed (Left over day)",
                ),
                false,
            ),
        ];
        for (d, withheld) in cases {
            assert_eq!(tells_of_absence(&d), withheld, "{}", d.message);
        }
    }
}
