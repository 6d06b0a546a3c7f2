//! The documentation (docs/, a cairn site) against the code: every check code,
//! command, flag and YAML key the code has is in the reference and the other
//! way round; the docs site checks clean; the getting-started site builds; the
//! README stays short and its links resolve.
//!
//! The code side is read from the code's own source of truth, never a hand
//! list: check codes from `Code::as_str` (an exhaustive match), commands and
//! flags from clap's `--help`, keys from the "expected one of …" message a
//! planted unknown key gets at each place of each file.

use crate::common::{Run, cairn_in};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Documented because SPEC has them, not yet in the code: each helper of this
/// round removes its names as they land (the test fails on a name that is
/// both here and in the code), and the list is empty at the end of the round.
const LANDING: &[&str] = &[];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
}

/// Compares the code's names with the documented ones, allowing LANDING names
/// to be documented ahead of the code.
fn compare(what: &str, code: &BTreeSet<String>, docs: &BTreeSet<String>) {
    let landing: BTreeSet<String> = LANDING
        .iter()
        .filter_map(|n| n.strip_prefix(what).and_then(|n| n.strip_prefix(':')))
        .map(str::to_string)
        .collect();
    let undocumented: Vec<_> = code.difference(docs).collect();
    let not_in_code: Vec<_> = docs
        .difference(code)
        .filter(|n| !landing.contains(*n))
        .collect();
    let landed: Vec<_> = landing.intersection(code).collect();
    let undocumented_landing: Vec<_> = landing.difference(docs).collect();
    assert!(
        undocumented.is_empty(),
        "{what}: in the code but not in the reference (docs/content/reference/): {undocumented:?}"
    );
    assert!(
        not_in_code.is_empty(),
        "{what}: in the reference but not in the code: {not_in_code:?}"
    );
    assert!(
        landed.is_empty(),
        "{what}: now in the code; remove from LANDING in tests/it/docs.rs: {landed:?}"
    );
    assert!(
        undocumented_landing.is_empty(),
        "{what}: in LANDING but not documented: {undocumented_landing:?}"
    );
}

/// The text of each markdown heading's section, keyed by the heading line.
fn sections(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence && line.starts_with('#') {
            out.push((line.to_string(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

/// First cells of table rows that start with a code span: `| `--out DIR` |` → `--out`.
fn first_cells(body: &str, prefix: &str) -> BTreeSet<String> {
    body.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .filter_map(|cell| cell.split_whitespace().next())
        .filter(|name| name.starts_with(prefix))
        .map(str::to_string)
        .collect()
}

#[test]
fn reference_lists_every_check_code() {
    // `Code::as_str` is an exhaustive match: every variant has its string there.
    let diag = read("src/diag.rs");
    let code: BTreeSet<String> = Regex::new(r#"Code::\w+ => "([a-z-]+)""#)
        .unwrap()
        .captures_iter(&diag)
        .map(|c| c[1].to_string())
        .collect();
    assert!(code.contains("broken-link"), "{code:?}");

    let page = read("docs/content/reference/checks.md");
    let heading = Regex::new(r"^### `([a-z-]+)`$").unwrap();
    let mut docs = BTreeSet::new();
    for (title, body) in sections(&page) {
        let Some(c) = heading.captures(&title) else {
            continue;
        };
        // An example that triggers it, and how to fix it.
        assert!(
            body.contains("\n```"),
            "{title}: no example in a code block"
        );
        assert!(body.contains("**Fix:**"), "{title}: no **Fix:**");
        assert!(docs.insert(c[1].to_string()), "{title} twice");
    }
    compare("code", &code, &docs);
}

fn help(args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.push("--help");
    let run = cairn_in(root(), &all);
    assert_eq!(run.code, 0, "{run:?}");
    run.stdout
}

/// The names under a `--help` heading such as `Commands:` or `Options:`: the
/// first word of each entry line (indented at most 6 spaces; descriptions and
/// possible values are indented further, and blank lines separate entries).
fn help_list(text: &str, heading: &str) -> Vec<String> {
    let Some(start) = text.find(&format!("\n{heading}\n")) else {
        return Vec::new();
    };
    text[start + heading.len() + 2..]
        .lines()
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .filter(|l| !l.trim().is_empty() && l.len() - l.trim_start().len() <= 6)
        .filter_map(|l| {
            let l = l.trim_start();
            // `-h, --help`: the long name.
            let l = match l.split_once(", ") {
                Some((short, long)) if short.len() == 2 && short.starts_with('-') => long,
                _ => l,
            };
            l.split_whitespace().next().map(str::to_string)
        })
        .collect()
}

/// Every command path (`build`, `new runbook`) and its flags, from clap.
fn commands_in_code(path: &[&str], out: &mut BTreeMap<String, BTreeSet<String>>) {
    let text = help(path);
    let subcommands: Vec<String> = help_list(&text, "Commands:")
        .into_iter()
        .filter(|c| c != "help")
        .collect();
    if !path.is_empty() {
        let flags = help_list(&text, "Options:")
            .into_iter()
            .filter(|f| f.starts_with("--") && f != "--help" && f != "--version")
            .collect();
        out.insert(path.join(" "), flags);
    }
    for sub in &subcommands {
        let mut next = path.to_vec();
        next.push(sub);
        commands_in_code(&next, out);
    }
    // A group (`new`) is documented through its leaves.
    if !subcommands.is_empty() && !path.is_empty() {
        out.remove(&path.join(" "));
    }
}

#[test]
fn reference_lists_every_command_and_flag() {
    let mut code = BTreeMap::new();
    commands_in_code(&[], &mut code);
    assert!(code.contains_key("new runbook"), "{code:?}");

    let page = read("docs/content/reference/commands.md");
    let heading = Regex::new(r"^## `cairn ([a-z ]+)`").unwrap();
    let mut docs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (title, body) in sections(&page) {
        if let Some(c) = heading.captures(&title) {
            docs.insert(c[1].trim().to_string(), first_cells(&body, "--"));
        }
    }

    let names = |m: &BTreeMap<String, BTreeSet<String>>| -> BTreeSet<String> {
        m.keys().cloned().collect()
    };
    compare("command", &names(&code), &names(&docs));
    let flags = |m: &BTreeMap<String, BTreeSet<String>>| -> BTreeSet<String> {
        m.iter()
            .flat_map(|(c, fs)| fs.iter().map(move |f| format!("{c} {f}")))
            .collect()
    };
    compare("flag", &flags(&code), &flags(&docs));
}

/// One place of the YAML schema and how to plant an unknown key `zzz` there.
struct Probe {
    /// The reference heading's id is `keys-PLACE`.
    place: &'static str,
    file: &'static str,
    /// Appended to the file of a minimal valid site.
    append: &'static str,
}

const PROBES: &[Probe] = &[
    Probe {
        place: "cairn-yaml",
        file: "cairn.yaml",
        append: "zzz: 1\n",
    },
    Probe {
        place: "cairn-yaml-markdown",
        file: "cairn.yaml",
        append: "markdown: { zzz: 1 }\n",
    },
    Probe {
        place: "cairn-yaml-csp",
        file: "cairn.yaml",
        append: "csp: { zzz: 1 }\n",
    },
    Probe {
        place: "cairn-yaml-offline",
        file: "cairn.yaml",
        append: "offline: { zzz: 1 }\n",
    },
    Probe {
        place: "cairn-yaml-hours",
        file: "cairn.yaml",
        append: "hours:\n  odd: { days: mon, from: \"08:00\", to: \"09:00\", zzz: 1 }\n",
    },
    Probe {
        place: "cairn-yaml-holidays",
        file: "cairn.yaml",
        append: "holidays:\n  set:\n    - { from: 2026-12-28, to: 2026-12-31, name: Break, zzz: 1 }\n",
    },
    // A holiday entry has three forms, each with its own keys: one probe each.
    Probe {
        place: "cairn-yaml-holidays",
        file: "cairn.yaml",
        append: "holidays:\n  set:\n    - { every: \"12-25\", name: Christmas Day, zzz: 1 }\n",
    },
    Probe {
        place: "cairn-yaml-holidays",
        file: "cairn.yaml",
        append: "holidays:\n  set:\n    - { ics: data/holidays.ics, zzz: 1 }\n",
    },
    Probe {
        place: "party",
        file: "data/parties.yaml",
        append: "  zzz: 1\n",
    },
    Probe {
        place: "contact",
        file: "data/parties.yaml",
        append: "      zzz: 1\n",
    },
    Probe {
        place: "rotation",
        file: "data/parties.yaml",
        append: "  rotations:\n    r: { contacts: [Desk], handoff: { every: 1w, at: \"mon 09:00\", start: 2026-11-02 }, zzz: 1 }\n",
    },
    Probe {
        place: "rotation-handoff",
        file: "data/parties.yaml",
        append: "  rotations:\n    r: { contacts: [Desk], handoff: { every: 1w, at: \"mon 09:00\", start: 2026-11-02, zzz: 1 } }\n",
    },
    Probe {
        place: "rotation-override",
        file: "data/parties.yaml",
        append: "  rotations:\n    r:\n      contacts: [Desk]\n      handoff: { every: 1w, at: \"mon 09:00\", start: 2026-11-02 }\n      overrides: [{ from: 2026-12-24, to: 2026-12-25, contact: Desk, zzz: 1 }]\n",
    },
    Probe {
        place: "credentials-at",
        file: "data/parties.yaml",
        append: "  credentials_at: [{ name: Vault, url: \"https://vault.example/item\", zzz: 1 }]\n",
    },
    Probe {
        place: "away",
        file: "data/away.yaml",
        append: "- { contact: it/Desk, from: 2026-12-21, to: 2026-12-22, zzz: 1 }\n",
    },
    Probe {
        place: "system",
        file: "data/systems/box.yaml",
        append: "zzz: 1\n",
    },
    Probe {
        place: "level",
        file: "data/systems/box.yaml",
        append: "escalation:\n  - { party: it, zzz: 1 }\n",
    },
    Probe {
        place: "sla",
        file: "data/systems/box.yaml",
        append: "sla:\n  P1: { respond: 15m, zzz: 1 }\n",
    },
    Probe {
        place: "fact",
        file: "data/systems/box.yaml",
        append: "facts:\n  Tenant: { value: x, zzz: 1 }\n",
    },
    Probe {
        place: "activity",
        file: "data/activities.yaml",
        append: "  zzz: 1\n",
    },
    Probe {
        place: "front-matter",
        file: "content/page.md",
        append: "zzz: 1\n",
    },
];

/// A minimal valid site, each file ending where a probe appends.
fn probe_site(dir: &Path, probe: &Probe) {
    let files = [
        ("cairn.yaml", "title: Probe\n"),
        (
            "data/parties.yaml",
            "- id: it\n  name: IT\n  kind: internal\n  contacts:\n    - name: Desk\n",
        ),
        (
            "data/systems/box.yaml",
            "id: box\nname: Box\ntier: 4\nowner: it\n",
        ),
        ("data/activities.yaml", "- name: Help desk\n"),
        ("content/page.md", "---\ntitle: Page\n"),
    ];
    for (rel, text) in files {
        let mut text = text.to_string();
        if rel == probe.file {
            text.push_str(probe.append);
        }
        if rel.ends_with(".md") {
            text.push_str("---\n\nText.\n");
        }
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    if !files.iter().any(|(rel, _)| *rel == probe.file) {
        let path = dir.join(probe.file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, probe.append).unwrap();
    }
}

/// The keys the code allows at a probe's place, or None when planting `zzz`
/// there gives no "expected …" list (the place does not exist yet).
fn keys_in_code(probe: &Probe) -> Option<BTreeSet<String>> {
    let dir = tempfile::tempdir().unwrap();
    probe_site(dir.path(), probe);
    let run: Run = cairn_in(dir.path(), &["check", ".", "--format", "json"]);
    let json = run.json();
    let messages: Vec<&str> = ["errors", "warnings"]
        .iter()
        .flat_map(|k| json[k].as_array().unwrap())
        .filter_map(|d| d["message"].as_str())
        .collect();
    let message = messages.iter().find(|m| m.contains("`zzz`"))?;
    let (_, expected) = message.split_once("expected")?;
    let keys: BTreeSet<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    (!keys.is_empty()).then_some(keys)
}

/// The keys of the reference table under the heading `{#keys-PLACE}`.
fn keys_in_docs(pages: &[String], place: &str) -> BTreeSet<String> {
    let id = format!("{{#keys-{place}}}");
    let mut found = pages
        .iter()
        .flat_map(|p| sections(p))
        .filter(|(t, _)| t.ends_with(&id));
    let (_, body) = found
        .next()
        .unwrap_or_else(|| panic!("no heading {id} in the reference"));
    let body = body.split("\n#").next().unwrap_or_default().to_string();
    first_cells(&body, "")
}

#[test]
fn reference_lists_every_yaml_key() {
    let pages = [
        read("docs/content/reference/configuration.md"),
        read("docs/content/reference/data-files.md"),
    ];
    let mut code = BTreeSet::new();
    let mut docs = BTreeSet::new();
    let mut pending = Vec::new();
    for probe in PROBES {
        let documented = keys_in_docs(&pages, probe.place);
        assert!(
            !documented.is_empty(),
            "{}: no keys documented",
            probe.place
        );
        docs.extend(documented.iter().map(|k| format!("{}.{k}", probe.place)));
        match keys_in_code(probe) {
            Some(keys) => code.extend(keys.iter().map(|k| format!("{}.{k}", probe.place))),
            None => pending.push(probe.place),
        }
    }
    // The base site's own places must answer, or the probe is what broke.
    for place in [
        "cairn-yaml",
        "party",
        "contact",
        "system",
        "level",
        "front-matter",
    ] {
        assert!(!pending.contains(&place), "no key list at {place}");
    }
    compare("key", &code, &docs);
}

#[test]
fn docs_site_checks_clean_and_builds() {
    let docs = root().join("docs");
    let run = cairn_in(root(), &["check", "docs", "--strict", "--format", "json"]);
    let json = run.json();
    assert_eq!(
        (
            json["errors"].as_array().unwrap().len(),
            json["warnings"].as_array().unwrap().len()
        ),
        (0, 0),
        "cairn check docs: {json:#}"
    );
    assert_eq!(run.code, 0, "{run:?}");

    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("public");
    let run = cairn_in(
        root(),
        &["build", "docs", "--strict", "--out", out.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{run:?}");
    for page in [
        "getting-started/index.html",
        "reference/checks/index.html",
        "guide/ci/index.html",
        "benchmarks/index.html",
        "security/index.html",
    ] {
        assert!(out.join(page).is_file(), "{page} not built");
    }
    assert!(docs.join("cairn.yaml").is_file());
}

/// The site "A site of your own" builds, file by file as the page shows it:
/// each `**`my-site/PATH`**` line and the code block after it.
#[test]
fn getting_started_site_checks_clean_and_builds() {
    let page = read("docs/content/getting-started.md");
    let block = Regex::new(
        r"(?ms)^\*\*`my-site/([^`]+)`\*\*[^\n]*\n(?:[^\n]+\n)*\n(`{3,})\w*\n(.*?)\n`{3,}\n",
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("my-site");
    let mut written = Vec::new();
    for c in block.captures_iter(&page) {
        let path = site.join(&c[1]);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, format!("{}\n", &c[3])).unwrap();
        written.push(c[1].to_string());
    }
    assert!(
        written.contains(&"data/systems/firewall.yaml".to_string())
            && written.iter().any(|p| p.starts_with("content/runbooks/")),
        "one system and one runbook: {written:?}"
    );
    let run = cairn_in(tmp.path(), &["check", "--strict", "my-site"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("ok: no problems found"), "{run:?}");
    let run = cairn_in(tmp.path(), &["build", "my-site"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(site.join("public/systems/firewall/index.html").is_file());
}

/// One source for the figures: bench/RESULTS.md is the docs page, through a link.
#[test]
fn benchmark_results_are_the_docs_page() {
    let results = root().join("bench/RESULTS.md");
    let target = fs::read_link(&results).expect("bench/RESULTS.md is a symlink");
    assert_eq!(target, PathBuf::from("../docs/content/benchmarks.md"));
    assert!(fs::read_to_string(&results).unwrap().contains("## "));
}

/// The README is the short way in: at most 150 lines, and every relative link
/// (docs pages, screenshots) names a file of the repository.
#[test]
fn readme_is_short_and_its_links_resolve() {
    let readme = read("README.md");
    assert!(
        readme.lines().count() <= 150,
        "README.md has {} lines",
        readme.lines().count()
    );
    let link = Regex::new(r"\]\(([^)#\s]+)(#[^)]*)?\)").unwrap();
    let mut relative = 0;
    for c in link.captures_iter(&readme) {
        let target = &c[1];
        if target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        relative += 1;
        assert!(
            root().join(target).exists(),
            "README links {target}, which does not exist"
        );
    }
    assert!(relative >= 5, "README links into docs/");
    for image in [
        "docs/static/screenshots/system-phone.png",
        "docs/static/screenshots/coverage.png",
    ] {
        assert!(readme.contains(image), "README shows {image}");
    }
}
