//! A check that takes back the last run's findings finds what a fresh check
//! does, over random sequences of edits; and it checks again only what an
//! edit can have changed.

use super::*;
use crate::model::Audience;
use crate::site::test_edits::{copy_site, files_under, set_front};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

fn date(day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
}

/// `cairn serve`'s check: the load takes back the pages `changed` left as
/// they were, the check what it found before where nothing it read changed.
struct Serving {
    root: std::path::PathBuf,
    memo: Memo,
    last: Option<(Site, Vec<Diagnostic>)>,
}

impl Serving {
    fn new(root: &Path) -> Serving {
        Serving {
            root: root.to_path_buf(),
            memo: Memo::default(),
            last: None,
        }
    }

    fn check(
        &mut self,
        changed: &BTreeSet<String>,
        audience: Audience,
        today: chrono::NaiveDate,
    ) -> Vec<Diagnostic> {
        let parsed = match self.last.take() {
            Some((site, diags)) => crate::site::Parsed::from_site(site, &diags, changed),
            None => crate::site::Parsed::default(),
        };
        let (site, loaded) = crate::site::load_site_reusing(&self.root, parsed, false).unwrap();
        let view = crate::audience::view_on(&site, audience, today);
        let diags = super::super::check_view_with(&site, &view, today, Some(&self.memo));
        drop(view);
        self.last = Some((site, loaded));
        diags
    }
}

/// A fresh check of the site as it is on disk.
fn fresh(root: &Path, audience: Audience, today: chrono::NaiveDate) -> Vec<Diagnostic> {
    let (site, _) = crate::site::load_site(root).unwrap();
    let view = crate::audience::view_on(&site, audience, today);
    super::super::check_view_with(&site, &view, today, None)
}

fn edit(site: &Path, rel: &str, change: impl Fn(&str) -> String) -> BTreeSet<String> {
    let path = site.join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    std::fs::write(&path, change(&text)).unwrap();
    [rel.to_string()].into()
}

fn pages(site: &Path) -> Vec<String> {
    files_under(site, "content", "md")
}

/// One edit; indexes pick among the pages there are.
#[derive(Debug, Clone)]
enum Step {
    /// A paragraph and a heading added.
    Body(usize),
    /// Every heading of a page dropped: links elsewhere to them break.
    DropHeadings(usize),
    /// A link from one page to another's heading (its first, or one it lacks).
    LinkTo(usize, usize, bool),
    /// A link to a page that may not be there, and that page added or removed.
    LinkMissing(usize),
    AddMissing,
    RemoveMissing,
    Delete(usize),
    Title(usize),
    Reviewed(usize),
    Audience(usize),
    /// A contact's number typed, or a number nobody has.
    Phone(usize, bool),
    /// A contact's number changed in parties.yaml.
    ContactNumber(usize),
    Secret(usize),
    /// An alias onto another page's path.
    Alias(usize, usize),
    Unclosed(usize),
    /// A remote image, and the origin allowed or not in cairn.yaml.
    RemoteImage(usize),
    AllowImages,
    /// A system renamed, or its id changed (pages naming it break).
    SystemName,
    SystemId,
    ForeignKey(usize),
    /// Nothing edited; the build's audience or today changes.
    BuildAudience,
    Tomorrow,
}

fn step() -> impl Strategy<Value = Step> {
    let i = || any::<usize>();
    prop_oneof![
        1 => i().prop_map(Step::Body),
        1 => i().prop_map(Step::DropHeadings),
        2 => (i(), i(), any::<bool>()).prop_map(|(a, b, c)| Step::LinkTo(a, b, c)),
        1 => i().prop_map(Step::LinkMissing),
        1 => Just(Step::AddMissing),
        1 => Just(Step::RemoveMissing),
        1 => i().prop_map(Step::Delete),
        1 => i().prop_map(Step::Title),
        1 => i().prop_map(Step::Reviewed),
        1 => i().prop_map(Step::Audience),
        1 => (i(), any::<bool>()).prop_map(|(a, b)| Step::Phone(a, b)),
        1 => i().prop_map(Step::ContactNumber),
        1 => i().prop_map(Step::Secret),
        1 => (i(), i()).prop_map(|(a, b)| Step::Alias(a, b)),
        1 => i().prop_map(Step::Unclosed),
        1 => i().prop_map(Step::RemoteImage),
        1 => Just(Step::AllowImages),
        1 => Just(Step::SystemName),
        1 => Just(Step::SystemId),
        1 => i().prop_map(Step::ForeignKey),
        1 => Just(Step::BuildAudience),
        1 => Just(Step::Tomorrow),
    ]
}

const MISSING: &str = "content/runbooks/later.md";

/// The `/`-rooted link to a page's source.
fn link_of(source: &str) -> String {
    format!("/{}", source.trim_start_matches("content/"))
}

/// Apply `step`: the paths it changed.
fn apply(site: &Path, step: &Step, n: usize) -> BTreeSet<String> {
    let all = pages(site);
    let pick = |i: usize| all[i % all.len()].clone();
    let append = |rel: &str, text: String| edit(site, rel, |t| format!("{t}\n{text}\n"));
    match step {
        Step::Body(i) => append(&pick(*i), format!("Edit {n}.\n\n## Heading {n}\n")),
        Step::DropHeadings(i) => edit(site, &pick(*i), |t| {
            t.lines()
                .filter(|l| !l.starts_with('#'))
                .map(|l| format!("{l}\n"))
                .collect()
        }),
        Step::LinkTo(i, j, real) => {
            let target = pick(*j);
            let text = std::fs::read_to_string(site.join(&target)).unwrap();
            let heading = text
                .lines()
                .find_map(|l| l.strip_prefix("## "))
                .map(|h| h.to_lowercase().replace(' ', "-"));
            let anchor = match (real, heading) {
                (true, Some(h)) => h,
                _ => format!("gone-{n}"),
            };
            append(
                &pick(*i),
                format!("See [there]({}#{anchor}).", link_of(&target)),
            )
        }
        Step::LinkMissing(i) => append(&pick(*i), format!("See [later]({}).", link_of(MISSING))),
        Step::AddMissing => {
            std::fs::write(
                site.join(MISSING),
                "---\ntitle: Later\nsystems: [m365]\n---\n## Steps\n",
            )
            .unwrap();
            [MISSING.to_string()].into()
        }
        Step::RemoveMissing => {
            let _ = std::fs::remove_file(site.join(MISSING));
            [MISSING.to_string()].into()
        }
        Step::Delete(i) => {
            let rel = pick(*i);
            if rel.ends_with("_index.md") {
                return BTreeSet::new();
            }
            std::fs::remove_file(site.join(&rel)).unwrap();
            [rel].into()
        }
        Step::Title(i) => edit(site, &pick(*i), |t| {
            set_front(t, "title", Some(&format!("Title {n}")))
        }),
        Step::Reviewed(i) => edit(site, &pick(*i), |t| {
            set_front(
                t,
                "last_reviewed",
                Some(&format!("2026-{:02}-01", 1 + n % 11)),
            )
        }),
        Step::Audience(i) => edit(site, &pick(*i), |t| {
            let internal = t.contains("\naudience: internal");
            set_front(t, "audience", (!internal).then_some("internal"))
        }),
        Step::Phone(i, known) => {
            let number = if *known { "+1 555 0199" } else { "+1 555 0177" };
            append(&pick(*i), format!("Call {number}."))
        }
        Step::ContactNumber(i) => edit(site, "data/parties.yaml", |t| {
            let numbers = ["\"+1 555 0199\"", "\"+1 555 0177\"", "\"+1 555 0100\""];
            let from = numbers.iter().find(|x| t.contains(**x)).copied();
            match from {
                Some(from) => t.replacen(from, numbers[*i % numbers.len()], 1),
                None => t.to_string(),
            }
        }),
        Step::Secret(i) => append(&pick(*i), "key AKIAZ7Q2LMN4PQRS5TUV".to_string()),
        Step::Alias(i, j) => {
            let target = pick(*j);
            let rel = target
                .trim_start_matches("content/")
                .trim_end_matches(".md");
            let url = match rel.strip_suffix("_index") {
                Some(folder) => folder.to_string(),
                None => format!("{rel}/"),
            };
            edit(site, &pick(*i), |t| {
                set_front(t, "aliases", Some(&format!("[\"/{url}\"]")))
            })
        }
        Step::Unclosed(i) => append(&pick(*i), "```sh\nunclosed".to_string()),
        Step::RemoteImage(i) => append(
            &pick(*i),
            "![chart](https://img.example.com/chart.png)".to_string(),
        ),
        Step::AllowImages => edit(site, "cairn.yaml", |t| {
            match t.strip_suffix("csp: { img_src: [\"https://img.example.com\"] }\n") {
                Some(before) => before.to_string(),
                None => format!("{t}csp: {{ img_src: [\"https://img.example.com\"] }}\n"),
            }
        }),
        Step::SystemName => edit(site, "data/systems/firewall.yaml", |t| {
            t.replacen("\nname: ", &format!("\nname: E{n} "), 1)
        }),
        Step::SystemId => {
            let (from, to) = ["data/systems/m365.yaml", "data/systems/m366.yaml"]
                .map(|f| site.join(f))
                .into();
            let (from, to, ids) = if from.exists() {
                (from, to, ("m365", "m366"))
            } else {
                (to, from, ("m366", "m365"))
            };
            let text = std::fs::read_to_string(&from).unwrap();
            std::fs::remove_file(&from).unwrap();
            std::fs::write(
                &to,
                text.replacen(&format!("id: {}", ids.0), &format!("id: {}", ids.1), 1),
            )
            .unwrap();
            ["data/systems/m365.yaml", "data/systems/m366.yaml"]
                .map(String::from)
                .into()
        }
        Step::ForeignKey(i) => edit(site, &pick(*i), |t| set_front(t, "slug", Some("x"))),
        Step::BuildAudience | Step::Tomorrow => BTreeSet::new(),
    }
}

fn random_sequence(fixture: &str, steps: &[Step]) {
    let dir = copy_site(fixture);
    let site = dir.path();
    let mut serving = Serving::new(site);
    let mut audience = Audience::Client;
    let mut today = date(25);
    let first = serving.check(&BTreeSet::new(), audience, today);
    assert_eq!(first, fresh(site, audience, today));
    for (n, step) in steps.iter().enumerate() {
        let changed = apply(site, step, n);
        match step {
            Step::BuildAudience => {
                audience = match audience {
                    Audience::Client => Audience::Internal,
                    _ => Audience::Client,
                }
            }
            Step::Tomorrow => today = today.succ_opt().unwrap(),
            _ => {}
        }
        let rebuilt = serving.check(&changed, audience, today);
        let want = fresh(site, audience, today);
        assert!(
            rebuilt == want,
            "step {n}: {step:?} of {steps:?}\nrebuilt: {}\nfresh: {}",
            crate::diag::to_text(&rebuilt, false),
            crate::diag::to_text(&want, false)
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn random_edits_are_checked_as_afresh(steps in proptest::collection::vec(step(), 1..12)) {
        random_sequence("tests/fixtures/base", &steps);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn random_edits_of_the_example_are_checked_as_afresh(steps in proptest::collection::vec(step(), 1..8)) {
        random_sequence("content-example", &steps);
    }
}

/// The edits the issue names, each checked again only where it can matter.
#[test]
fn an_edit_checks_again_only_what_it_can_have_changed() {
    let dir = copy_site("tests/fixtures/base");
    let site = dir.path();
    let mut serving = Serving::new(site);
    let today = date(25);
    let mut run = |changed: BTreeSet<String>| {
        let diags = serving.check(&changed, Audience::Client, today);
        assert_eq!(diags, fresh(site, Audience::Client, today));
        (serving.memo.work(), diags)
    };
    let pages = pages(site).len();
    let (work, _) = run(BTreeSet::new());
    assert_eq!(
        work,
        Work {
            pages,
            data: true,
            collisions: true
        }
    );
    let work_of = |pages: usize| Work {
        pages,
        data: false,
        collisions: false,
    };
    // Nothing changed: nothing checked again.
    assert_eq!(run(BTreeSet::new()).0, work_of(0));
    // A body edit of the guide: the guide, and the home page that links it.
    let guide = "content/guides/escalate.md";
    let body = edit(site, guide, |t| format!("{t}\nMore text.\n"));
    assert_eq!(run(body).0, work_of(2));
    // A title edit of a page nothing links to: that page alone.
    let firewall = "content/runbooks/firewall-reboot.md";
    let title = edit(site, firewall, |t| {
        t.replacen("title: ", "title: Edited ", 1)
    });
    // (reset-mfa links `firewall-reboot.md#verify`: it reads the page.)
    assert_eq!(run(title).0, work_of(2));
    // The heading that link needs is gone: the link elsewhere fails.
    let gone = edit(site, firewall, |t| t.replace("## Verify", "## Checked"));
    let (work, diags) = run(gone);
    assert_eq!(work, work_of(2));
    assert!(
        diags
            .iter()
            .any(|d| d.file == "content/runbooks/reset-mfa.md" && d.message.contains("#verify")),
        "{diags:?}"
    );
    // A data file changed: its checks run again; pages read the contacts'
    // numbers or the ids of parties and systems only if these changed.
    let system = edit(site, "data/systems/firewall.yaml", |t| {
        t.replacen("name: Firewall", "name: Edge firewall", 1)
    });
    assert_eq!(
        run(system).0,
        Work {
            pages: 0,
            data: true,
            collisions: false
        }
    );
    // A page added: it alone, and the lists' outputs compared again.
    let added = "content/runbooks/new.md";
    std::fs::write(
        site.join(added),
        "---\ntitle: New\nsystems: [m365]\n---\nA step.\n",
    )
    .unwrap();
    assert_eq!(
        run([added.to_string()].into()).0,
        Work {
            pages: 1,
            data: false,
            collisions: true
        }
    );
}
