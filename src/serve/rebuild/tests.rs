//! A rebuild serves byte-for-byte what a fresh build of the edited site does.

use super::*;
use crate::site::test_edits::{copy_site, files_under, set_front};
use proptest::prelude::*;
use std::path::Path;

fn options(site: &Path) -> Options {
    let mut opts = Options::new(site);
    // One clock for every build: the service worker is dated by it.
    opts.built_at = Some(1_795_564_800);
    opts.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25);
    opts
}

/// What a build serves, or the errors it shows: comparable across builds.
#[derive(Debug, PartialEq)]
enum Served {
    Files(Vec<(String, Vec<u8>)>, String),
    Failed(String),
}

fn served(builder: &mut Builder, outcome: Outcome) -> Served {
    match outcome {
        Outcome::Built {
            files, diagnostics, ..
        } => {
            // The index follows the pages; what is compared is after it.
            let files = builder.refresh_search().unwrap_or(files);
            let mut files: Vec<(String, Vec<u8>)> = files
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_vec()))
                .collect();
            files.sort();
            Served::Files(files, diag::to_text(&diagnostics, false))
        }
        Outcome::Failed { text, .. } => Served::Failed(text),
        Outcome::Unchanged => panic!("a full build is never unchanged"),
    }
}

/// The rebuild after `changed` serves what a fresh build of the site does.
fn assert_rebuild_equals_fresh(builder: &mut Builder, changed: &BTreeSet<String>, what: &str) {
    let outcome = builder.rebuild(changed, false);
    let rebuilt = match outcome {
        // Nothing served changed; compare what is served.
        Outcome::Unchanged => served(
            builder,
            Outcome::Built {
                files: Arc::new(builder.served.as_ref().unwrap().files.clone()),
                pages: 0,
                incremental: true,
                diagnostics: Vec::new(),
                timings: Vec::new(),
            },
        ),
        outcome => served(builder, outcome),
    };
    let mut fresh = Builder::new(builder.opts.clone());
    let outcome = fresh.full().unwrap();
    let fresh = served(&mut fresh, outcome);
    match (&rebuilt, &fresh) {
        (Served::Files(a, da), Served::Files(b, db)) => {
            let names =
                |f: &[(String, Vec<u8>)]| f.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
            assert_eq!(names(a), names(b), "after {what}: different files");
            for ((path, x), (_, y)) in a.iter().zip(b) {
                if x != y {
                    let _ = std::fs::write("/tmp/rebuilt.html", x);
                    let _ = std::fs::write("/tmp/fresh.html", y);
                }
                assert!(x == y, "after {what}: {path} differs from a fresh build");
            }
            assert_eq!(da, db, "after {what}: different diagnostics");
        }
        (Served::Failed(a), Served::Failed(b)) => assert_eq!(a, b, "after {what}"),
        (Served::Files(files, _), Served::Failed(text)) => {
            panic!(
                "after {what}: the rebuild served {} files, a fresh build failed: {text}",
                files.len()
            )
        }
        (Served::Failed(text), Served::Files(files, _)) => {
            panic!(
                "after {what}: the rebuild failed ({text}), a fresh build served {} files",
                files.len()
            )
        }
    }
}

fn edit(site: &Path, rel: &str, change: impl Fn(&str) -> String) -> BTreeSet<String> {
    let path = site.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, change(&text)).unwrap();
    [rel.to_string()].into()
}

#[test]
fn rebuilds_serve_what_a_fresh_build_does() {
    let dir = copy_site("tests/fixtures/base");
    let site = dir.path();
    let mut builder = Builder::new(options(site));
    assert!(matches!(builder.full().unwrap(), Outcome::Built { .. }));
    let rel = "content/runbooks/reset-mfa.md";
    let template = |t: &str| {
        t.replacen(
            "<article class=\"runbook\">",
            "<article class=\"runbook\"><p>edited</p>",
            1,
        )
    };
    type Change<'s> = Box<dyn Fn() -> BTreeSet<String> + 's>;
    let steps: Vec<(&str, Change)> = vec![
        (
            "a body edit",
            Box::new(|| {
                edit(site, rel, |t| {
                    format!("{t}\nAn edited line.\n\n## A new heading\n")
                })
            }),
        ),
        (
            "a static file edit",
            Box::new(|| {
                edit(site, "static/img/net.svg", |t| {
                    t.replacen("<svg", "<svg data-edited=\"1\"", 1)
                })
            }),
        ),
        (
            "a system edit",
            Box::new(|| {
                edit(site, "data/systems/m365.yaml", |t| {
                    t.replacen("name: Microsoft 365", "name: Microsoft 365 (renamed)", 1)
                        .replacen("tier: 1", "tier: 2", 1)
                        .replacen("respond_within: 15m", "respond_within: 20m", 1)
                })
            }),
        ),
        (
            "a dependency dropped",
            Box::new(|| {
                edit(site, "data/systems/m365.yaml", |t| {
                    t.replacen("depends_on: [firewall]", "depends_on: []", 1)
                })
            }),
        ),
        (
            "the first level answers always (the home page's overview draws who answers first)",
            Box::new(|| {
                edit(site, "data/systems/m365.yaml", |t| {
                    t.replacen(
                        "Dana Ruiz\n    hours: business",
                        "Dana Ruiz\n    hours: always",
                        1,
                    )
                })
            }),
        ),
        (
            "a title and review date",
            Box::new(|| {
                edit(site, rel, |t| {
                    t.replacen("title: Reset a user's MFA", "title: Reset MFA (renamed)", 1)
                        .replacen("last_reviewed: 2026-11-01", "last_reviewed: 2025-01-01", 1)
                })
            }),
        ),
        (
            "a guide becomes the escalation guide",
            Box::new(|| {
                edit(site, "content/guides/escalate.md", |t| {
                    set_front(t, "tags", Some("[escalation]"))
                })
            }),
        ),
        (
            "the escalation guide retitled (every call card links it)",
            Box::new(|| {
                edit(site, "content/guides/escalate.md", |t| {
                    set_front(t, "title", Some("Escalating"))
                })
            }),
        ),
        (
            "a section retitled (breadcrumbs and the nav show it)",
            Box::new(|| {
                edit(site, "content/runbooks/_index.md", |t| {
                    set_front(t, "title", Some("Procedures"))
                })
            }),
        ),
        (
            "a runbook no longer names a system (it is a plain page now)",
            Box::new(|| edit(site, rel, |t| set_front(t, "systems", None))),
        ),
        (
            "a save through a temporary file renamed over the page (as sed -i and many editors do)",
            Box::new(|| {
                let temp = "content/runbooks/sedX1a2b3";
                let text = std::fs::read_to_string(site.join(rel)).unwrap();
                std::fs::write(site.join(temp), set_front(&text, "title", Some("Saved"))).unwrap();
                std::fs::rename(site.join(temp), site.join(rel)).unwrap();
                [rel.to_string(), temp.to_string()].into()
            }),
        ),
        (
            "a template edit",
            Box::new(|| {
                let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
                std::fs::create_dir_all(site.join("templates")).unwrap();
                std::fs::copy(
                    theme.join("templates/page.html"),
                    site.join("templates/page.html"),
                )
                .unwrap();
                edit(site, "templates/page.html", template)
            }),
        ),
        (
            "a runbook added at the top",
            Box::new(|| {
                let top = "content/top.md";
                std::fs::write(
                    site.join(top),
                    "---\ntitle: Top\nsystems: [m365]\n---\nA step.\n",
                )
                .unwrap();
                [top.to_string()].into()
            }),
        ),
        (
            "the top runbook retitled (the home page lists it)",
            Box::new(|| {
                edit(site, "content/top.md", |t| {
                    set_front(t, "title", Some("Top, renamed"))
                })
            }),
        ),
        // Last: the home page links the guide, so the site fails from here on.
        (
            "a folder of pages removed, the watcher naming the folder alone",
            Box::new(|| {
                std::fs::remove_dir_all(site.join("content/guides")).unwrap();
                ["content/guides".to_string()].into()
            }),
        ),
    ];
    for (what, change) in steps {
        let changed = change();
        assert_rebuild_equals_fresh(&mut builder, &changed, what);
    }
}

/// One step of a random edit sequence; indexes pick among the files there are.
#[derive(Debug, Clone)]
enum Step {
    Body(usize),
    Title(usize),
    Reviewed(usize),
    Audience(usize),
    /// Tagged `escalation`, or no longer.
    Escalation(usize),
    /// Names a system (a runbook), or none (a plain page).
    Systems(usize),
    Add(usize),
    Delete(usize),
    System(usize),
    Static,
    Touch(usize),
    /// A title saved through a temporary file renamed over the page.
    SaveByRename(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => any::<usize>().prop_map(Step::Body),
        2 => any::<usize>().prop_map(Step::Title),
        1 => any::<usize>().prop_map(Step::Reviewed),
        2 => any::<usize>().prop_map(Step::Audience),
        1 => any::<usize>().prop_map(Step::Escalation),
        1 => any::<usize>().prop_map(Step::Systems),
        2 => any::<usize>().prop_map(Step::Add),
        1 => any::<usize>().prop_map(Step::Delete),
        2 => any::<usize>().prop_map(Step::System),
        1 => Just(Step::Static),
        1 => any::<usize>().prop_map(Step::Touch),
        1 => any::<usize>().prop_map(Step::SaveByRename),
    ]
}

/// `m365` for `data/systems/m365.yaml`.
fn system_id(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.trim_end_matches(".yaml").to_string()
}

/// Apply `step` to the site; the paths it changed.
fn apply(site: &Path, step: &Step, n: usize) -> BTreeSet<String> {
    let pages = files_under(site, "content", "md");
    let runbooks: Vec<&String> = pages.iter().filter(|p| !p.ends_with("_index.md")).collect();
    let systems = files_under(site, "data/systems", "yaml");
    let pick = |files: &[String], i: usize| files[i % files.len()].clone();
    match step {
        Step::Body(i) => edit(site, &pick(&pages, *i), |t| {
            format!("{t}\nEdit {n}, with a [link](https://example.com/{n}).\n\n## Heading {n}\n")
        }),
        Step::Title(i) => edit(site, &pick(&pages, *i), |t| {
            set_front(t, "title", Some(&format!("Title {n}")))
        }),
        Step::Reviewed(i) => edit(site, &pick(&pages, *i), |t| {
            set_front(
                t,
                "last_reviewed",
                Some(&format!("2026-{:02}-01", 1 + n % 11)),
            )
        }),
        Step::Audience(i) => edit(site, &pick(&pages, *i), |t| {
            let internal = t.contains("\naudience: internal");
            set_front(t, "audience", (!internal).then_some("internal"))
        }),
        Step::Escalation(i) => edit(site, &pick(&pages, *i), |t| {
            let tagged = t.contains("\ntags: [escalation]");
            set_front(t, "tags", (!tagged).then_some("[escalation]"))
        }),
        Step::Systems(i) => {
            let system = system_id(&systems[i % systems.len()]);
            edit(site, &pick(&pages, *i), |t| {
                let names = t.contains("\nsystems: ");
                set_front(
                    t,
                    "systems",
                    (!names).then(|| format!("[{system}]")).as_deref(),
                )
            })
        }
        Step::Add(i) => {
            let folder = pick(&pages, *i);
            let folder = folder.rsplit_once('/').map_or("content", |(f, _)| f);
            let system = system_id(&systems[i % systems.len()]);
            let rel = format!("{folder}/added-{n}.md");
            std::fs::write(
                site.join(&rel),
                format!("---\ntitle: Added {n}\nsystems: [{system}]\n---\nA new page.\n"),
            )
            .unwrap();
            [rel].into()
        }
        Step::Delete(i) => {
            let Some(rel) = (!runbooks.is_empty()).then(|| runbooks[i % runbooks.len()].clone())
            else {
                return BTreeSet::new();
            };
            std::fs::remove_file(site.join(&rel)).unwrap();
            [rel].into()
        }
        Step::System(i) => edit(site, &pick(&systems, *i), |t| {
            t.replacen("\nname: ", &format!("\nname: E{n} "), 1)
        }),
        Step::Static => match files_under(site, "static", "svg").first() {
            Some(rel) => edit(site, rel, |t| format!("{t}<!-- {n} -->\n")),
            None => BTreeSet::new(),
        },
        Step::Touch(i) => edit(site, &pick(&pages, *i), str::to_string),
        Step::SaveByRename(i) => {
            let rel = pick(&pages, *i);
            let folder = rel.rsplit_once('/').map_or("content", |(f, _)| f);
            let temp = format!("{folder}/sed{n}");
            let text = std::fs::read_to_string(site.join(&rel)).unwrap();
            let saved = set_front(&text, "title", Some(&format!("Saved {n}")));
            std::fs::write(site.join(&temp), saved).unwrap();
            std::fs::rename(site.join(&temp), site.join(&rel)).unwrap();
            [rel, temp].into()
        }
    }
}

fn random_sequence(fixture: &str, steps: Vec<Step>) {
    let dir = copy_site(fixture);
    let site = dir.path();
    let mut builder = Builder::new(options(site));
    let _ = builder.full().unwrap();
    for (n, step) in steps.iter().enumerate() {
        let changed = apply(site, step, n);
        if changed.is_empty() {
            continue;
        }
        assert_rebuild_equals_fresh(
            &mut builder,
            &changed,
            &format!("step {n}: {step:?} of {steps:?}"),
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn random_edits_of_the_fixture_rebuild_as_fresh(steps in proptest::collection::vec(step(), 1..8)) {
        random_sequence("tests/fixtures/base", steps);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn random_edits_of_the_example_rebuild_as_fresh(steps in proptest::collection::vec(step(), 1..6)) {
        random_sequence("content-example", steps);
    }
}

/// The search index's documents of pages an edit did not touch are kept,
/// each a page's made once; a rebuild serves what a fresh build does, for an
/// internal site (whose index follows the pages) as for a client one.
#[test]
fn search_documents_of_untouched_pages_are_kept() {
    for audience in [Audience::Client, Audience::Internal] {
        let dir = copy_site("tests/fixtures/base");
        let site = dir.path();
        let mut opts = options(site);
        opts.audience = Some(audience);
        let mut builder = Builder::new(opts);
        assert!(matches!(builder.full().unwrap(), Outcome::Built { .. }));
        let _ = builder.refresh_search();
        let docs = |b: &Builder| -> Vec<(String, usize)> {
            let memo = b.search_memo.docs();
            let mut docs: Vec<(String, usize)> = memo
                .iter()
                .map(|d| (d.0.url.clone(), Arc::as_ptr(d) as *const u8 as usize))
                .collect();
            docs.sort();
            docs
        };
        let before = docs(&builder);
        assert!(before.len() > 3, "{audience:?}: {before:?}");
        let rel = "content/runbooks/reset-mfa.md";
        let changed = edit(site, rel, |t| format!("{t}\nAn edited line.\n"));
        assert_rebuild_equals_fresh(&mut builder, &changed, "a body edit");
        let after = docs(&builder);
        let made_again: Vec<&str> = after
            .iter()
            .filter(|d| !before.contains(d))
            .map(|d| d.0.as_str())
            .collect();
        assert_eq!(
            made_again,
            ["runbooks/reset-mfa/index.html"],
            "{audience:?}"
        );
        // The index was patched: of its documents only the page's was
        // written again, and of its shards only those its words are in.
        let written = builder.search_memo.written();
        let keys = &builder.served.as_ref().unwrap().search_keys;
        let doc = |p: &String| p.starts_with("search/d/");
        let shards = |p: &&String| p.starts_with("search/t/");
        assert_eq!(written.iter().filter(|p| doc(p)).count(), 1, "{written:?}");
        let page_doc = written.iter().find(|p| doc(p)).unwrap();
        let served = &builder.served.as_ref().unwrap().files;
        assert!(
            std::str::from_utf8(&served[page_doc.as_str()])
                .unwrap()
                .contains("runbooks/reset-mfa/index.html"),
            "{audience:?}: {page_doc}"
        );
        assert!(
            written.iter().filter(shards).count() < keys.iter().filter(shards).count(),
            "{audience:?}: {written:?}"
        );
        let changed = edit(site, "data/systems/m365.yaml", |t| {
            t.replacen("name: Microsoft 365", "name: Microsoft 365 (renamed)", 1)
        });
        assert_rebuild_equals_fresh(&mut builder, &changed, "a system renamed");
        let changed = edit(site, rel, |t| set_front(t, "title", Some("Reset MFA")));
        assert_rebuild_equals_fresh(&mut builder, &changed, "a title edit");
    }
}

/// A file changed in a rebuild that failed is read again by the next one,
/// though the next one did not change it: nothing stale is served.
#[test]
fn a_file_changed_in_a_failed_rebuild_is_not_served_stale() {
    let dir = copy_site("tests/fixtures/base");
    let site = dir.path();
    std::fs::write(site.join("static/notes.txt"), "old notes\n").unwrap();
    let mut builder = Builder::new(options(site));
    assert!(matches!(builder.full().unwrap(), Outcome::Built { .. }));
    let parties = std::fs::read_to_string(site.join("data/parties.yaml")).unwrap();
    std::fs::write(site.join("data/parties.yaml"), "parties: [\n").unwrap();
    std::fs::write(site.join("static/notes.txt"), "new notes\n").unwrap();
    let both: BTreeSet<String> = ["data/parties.yaml".into(), "static/notes.txt".into()].into();
    assert!(matches!(
        builder.rebuild(&both, false),
        Outcome::Failed { .. }
    ));
    std::fs::write(site.join("data/parties.yaml"), parties).unwrap();
    let fixed: BTreeSet<String> = ["data/parties.yaml".into()].into();
    assert_rebuild_equals_fresh(&mut builder, &fixed, "a fix after a failed rebuild");
    let served = builder.served.as_ref().unwrap();
    assert_eq!(&*served.files["notes.txt"], b"new notes\n");
}

/// An edit that brings a secret into a page of a client site is refused:
/// the last good site stays served, the refused build's search index too,
/// and the edit that takes it out again serves what a fresh build does.
#[test]
fn an_edit_bringing_a_secret_to_a_client_site_is_refused() {
    let dir = copy_site("tests/fixtures/base");
    let site = dir.path();
    let mut opts = options(site);
    opts.audience = Some(Audience::Client);
    let mut builder = Builder::new(opts);
    assert!(matches!(builder.full().unwrap(), Outcome::Built { .. }));
    let good = builder.served.as_ref().unwrap().files.clone();
    let rel = "content/runbooks/reset-mfa.md";
    let clean = std::fs::read_to_string(site.join(rel)).unwrap();
    let key = ["BlueElephant", "Dancing"].concat();
    let changed = edit(site, rel, |t| {
        format!("{t}\nRebootable restartish.\n\n**Wi-Fi password:** {key}\n")
    });
    let Outcome::Failed { text } = builder.rebuild(&changed, false) else {
        panic!("a client site served a page holding a secret");
    };
    assert!(text.contains("possible-secret"), "{text}");
    assert!(
        !text.contains(&key),
        "the message echoes the secret: {text}"
    );
    assert_eq!(builder.served.as_ref().unwrap().files, good);
    // The words that came with the secret stay: their shards were written
    // by the refused build only, and must be written again.
    std::fs::write(site.join(rel), format!("{clean}\nRebootable restartish.\n")).unwrap();
    assert_rebuild_equals_fresh(&mut builder, &changed, "the secret taken out again");
    let other = edit(site, "content/runbooks/firewall-reboot.md", |t| {
        format!("{t}\nAnother line.\n")
    });
    assert_rebuild_equals_fresh(&mut builder, &other, "an edit after that");
}
