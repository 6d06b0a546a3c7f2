//! No input whatever makes cairn panic (issue 4): bounded property tests over
//! arbitrary and mutated YAML, front matter and markdown, run through the
//! library's `cairn::check` (no process spawn, so hundreds of sites a second).
//! Every diagnostic must name a file (relative, `/`) and a line ≥ 1 when it
//! gives one, and both printers must take it.
//!
//! - `arbitrary_bytes_in_any_file`: any bytes, UTF-8 or not, as any one file;
//! - `mutated_fixture_files`: the base fixture with fragments inserted, spans
//!   deleted or repeated, bytes flipped, CRLF, a BOM, tabs;
//! - `structured_yaml_data`, `pages_with_odd_front_matter_and_markdown`: YAML
//!   shaped like the schema (its keys, anchors, aliases, merge keys, extra
//!   documents, deep nesting), as data files and as front matter over markdown;
//! - `semantic::`: sites that parse, with edge values (hours across midnight,
//!   huge durations, far dates, cycles, unknown and duplicate ids);
//! - `trees::`: random content trees and links between them;
//! - `builds::`: valid sites with edge values through the whole build.
//! - `hostile::`: trees with symlinks in and out of their top folder, FIFOs,
//!   sockets, UTF-16, huge and deeply nested files and folders: no panic, no
//!   hang, every one reported `outside-site`, nothing from outside published.
//!
//! Inputs that once found a bug live under `tests/fixtures/regressions/NAME/`:
//! each folder is laid over `tests/fixtures/base` and checked the same way, and an
//! optional `EXPECT` file lists codes the run must report (one a line, as
//! `code` or `code file[:line]`) or, as `!code`, must not.
//!
//! The seed is fixed so CI is reproducible; explore with
//! `PROPTEST_RNG_SEED=$RANDOM PROPTEST_CASES=5000 cargo test --test it no_panic`.

use crate::common::{copy_dir, fixtures};
use cairn::diag::Diagnostic;
use cairn::model::Audience;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use std::fs;
use std::path::Path;

/// Files of the base fixture a case may replace or mutate, plus new ones.
const TARGETS: &[&str] = &[
    "cairn.yaml",
    "data/parties.yaml",
    "data/activities.yaml",
    "data/systems/m365.yaml",
    "data/systems/firewall.yaml",
    "data/systems/new.yaml",
    "content/_index.md",
    "content/runbooks/_index.md",
    "content/runbooks/reset-mfa.md",
    "content/runbooks/firewall-reboot.md",
    "content/guides/escalate.md",
    "content/guides/new.md",
];

fn config(default_cases: u32) -> Config {
    let from_env = Config::default();
    Config {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            from_env.cases
        } else {
            default_cases
        },
        rng_seed: match from_env.rng_seed {
            RngSeed::Random => RngSeed::Fixed(0x0ca1_4e57),
            seed => seed,
        },
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..from_env
    }
}

/// The base fixture with `files` written over it, checked for both audiences.
fn check_with(files: &[(String, Vec<u8>)]) -> Vec<Diagnostic> {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("base"), dir.path());
    for (rel, bytes) in files {
        // A generated tree may ask for `a/b.md` and `a/b.md/c.md`: the later one is skipped.
        let p = dir.path().join(rel);
        if fs::create_dir_all(p.parent().unwrap()).is_ok() {
            let _ = fs::write(p, bytes);
        }
    }
    check_dir(dir.path())
}

fn check_dir(site: &Path) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    for audience in [Audience::Client, Audience::Internal] {
        let mut opts = cairn::Options::new(site);
        opts.audience = Some(audience);
        opts.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25);
        let report = cairn::check(&opts).expect("a folder with cairn.yaml is a site");
        for d in &report.diagnostics {
            assert!(!d.file.is_empty(), "diagnostic without a file: {d:?}");
            assert!(
                !d.file.starts_with('/') && !d.file.contains('\\'),
                "file not relative with `/`: {d:?}"
            );
            assert_ne!(d.line, Some(0), "lines count from 1: {d:?}");
            assert!(!d.message.trim().is_empty(), "empty message: {d:?}");
        }
        // Both printers take whatever the messages hold; JSON stays JSON.
        let text = cairn::diag::to_text(&report.diagnostics, true);
        assert!(report.diagnostics.is_empty() || !text.is_empty());
        let json: serde_json::Value =
            serde_json::from_str(&cairn::diag::to_json(&report.diagnostics))
                .expect("to_json prints JSON");
        let listed = json["errors"].as_array().map_or(0, Vec::len)
            + json["warnings"].as_array().map_or(0, Vec::len);
        assert_eq!(listed, report.diagnostics.len());
        all.extend(report.diagnostics);
    }
    all
}

fn base_text(rel: &str) -> Vec<u8> {
    fs::read(fixtures().join("base").join(rel)).unwrap_or_default()
}

// ---------------------------------------------------------------- generators

/// Fragments that have broken, or could break, a YAML or markdown reader.
const NASTY: &[&str] = &[
    "---\n",
    "--- \n",
    "...\n",
    "---",
    "\n---\n---\n",
    "\r\n",
    "\r",
    "\u{feff}",
    "\t",
    "  ",
    "\n  ",
    "&a ",
    "*a",
    "*nope",
    "<<: *a\n",
    "!!binary ",
    "!!str ",
    "!!int ",
    "!!map ",
    "!custom ",
    "%YAML 1.2\n",
    "%TAG ! tag:x,2000:\n",
    "? ",
    ": ",
    ":",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "#",
    "'",
    "\"",
    "\\",
    "|\n",
    ">-\n",
    "|+2\n",
    "~",
    "null",
    "18:00",
    "24:00",
    "23:60",
    "99:99",
    "0:0",
    "99999999999999999999999999",
    "-9223372036854775809",
    "18446744073709551616",
    "1e999",
    "-0",
    ".nan",
    ".inf",
    "0x7fffffff",
    "0o777",
    "2026-02-30",
    "2026-13-01",
    "9999-12-31",
    "0000-01-01",
    "-262144-01-01",
    "262143-12-31",
    "99999999999999999999d",
    "9223372036854775807d",
    "4294967296w",
    "0m",
    "1w",
    "mon-sun",
    "sun-mon",
    "fri-mon",
    "mon-",
    "-",
    "sat,,sun",
    "24x7",
    "RA",
    "AR",
    "ra",
    "RRAA",
    "\"\"",
    "é",
    "日本語",
    "\u{0}",
    "\u{7f}",
    "\u{85}",
    "\u{2028}",
    "💥",
    "\u{200b}",
    "\u{301}",
    "İ",
    "ß",
    "[x](../../../../a.md#b)",
    "[x](#)",
    "[x](/)",
    "[x](./)",
    "[x](%)",
    "[x](%ff%fe)",
    "[x](<>)",
    "[x](..)",
    "[x](_index.md#)",
    "[x]: ../guides/escalate.md#z\n",
    "![i](/)",
    "![i](img/../../../etc/passwd)",
    "<a href=\"../x.md\">",
    "<!-- cairn: allow-secret -->",
    "<!--",
    "-->",
    "-----BEGIN RSA PRIVATE KEY-----\n",
    "-----BEGIN",
    "AKIA",
    "password: ",
    "pwd=",
    "Q~",
    "eyJ",
    "`",
    "```",
    "```powershell\n",
    "~~~\n",
    "    ",
    "# ",
    "## ",
    "Setext\n===\n",
    "| a | b |\n|---|---|\n",
    "[^1]\n\n[^1]: note\n",
    "- [ ] ",
    "> ",
    "* ",
    "1. ",
    "$$x$$",
    "{#id}",
    "{ .class }",
];

/// Words of the schema, so structured YAML reaches past the unknown-key check.
const KEYS: &[&str] = &[
    "id",
    "name",
    "kind",
    "tier",
    "owner",
    "depends_on",
    "raci",
    "escalation",
    "party",
    "contact",
    "hours",
    "after",
    "respond_within",
    "sla",
    "P1",
    "respond",
    "resolve",
    "days",
    "from",
    "to",
    "contacts",
    "role",
    "email",
    "phone",
    "audience",
    "title",
    "systems",
    "tags",
    "last_reviewed",
    "review_every",
    "allow_secrets",
    "base_url",
    "timezone",
    "markdown",
    "raw_html",
    "theme",
    "required",
    "description",
    "business",
    "after-hours",
    "always",
    "User onboarding",
    "Patch management",
    "acme-it",
    "bright",
    "m365",
    "firewall",
    "new",
    "<<",
    "",
    "? complex",
];

const VALUES: &[&str] = &[
    "acme-it",
    "bright",
    "m365",
    "firewall",
    "new",
    "Dana Ruiz",
    "NOC",
    "internal",
    "client",
    "provider",
    "vendor",
    "business",
    "always",
    "after-hours",
    "24x7",
    "mon-fri",
    "sat,sun",
    "\"08:00\"",
    "\"18:00\"",
    "\"24:00\"",
    "08:00",
    "15m",
    "4h",
    "1d",
    "13w",
    "0d",
    "180d",
    "99999999999999999999d",
    "9223372036854775807m",
    "1",
    "2",
    "4",
    "0",
    "-1",
    "5",
    "255",
    "256",
    "99999999999999999999",
    "1.5",
    "true",
    "false",
    "yes",
    "null",
    "~",
    "2026-11-01",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "+262142-12-31",
    "America/New_York",
    "Not/AZone",
    "UTC",
    "RA",
    "R",
    "A",
    "C",
    "I",
    "ra",
    "RR",
    "X",
    "\"\"",
    "/",
    "https://docs.example.com/acme/",
    "javascript:alert(1)",
    "escape",
    "allow",
    "default",
    "../../etc",
    "password: hunter2",
    "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "é",
    "'quoted'",
    "\"dq\\n\"",
    "*a",
    "&a x",
    "!!binary aGk=",
];

#[derive(Debug, Clone)]
enum Node {
    Scalar(String),
    Map {
        flow: bool,
        entries: Vec<(String, Node)>,
    },
    Seq {
        flow: bool,
        items: Vec<Node>,
    },
    Anchored(String, Box<Node>),
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(VALUES).prop_map(str::to_string),
        2 => prop::sample::select(NASTY).prop_map(str::to_string),
        1 => "[^\n]{0,12}",
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => "[a-z0-9-]{0,8}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(KEYS).prop_map(str::to_string),
        1 => prop::sample::select(NASTY).prop_map(str::to_string),
        1 => "[a-zA-Z_ -]{0,8}",
    ]
}

fn node() -> impl Strategy<Value = Node> {
    scalar()
        .prop_map(Node::Scalar)
        .prop_recursive(8, 64, 6, |inner| {
            prop_oneof![
                3 => (any::<bool>(), prop::collection::vec((key(), inner.clone()), 0..6))
                    .prop_map(|(flow, entries)| Node::Map { flow, entries }),
                2 => (any::<bool>(), prop::collection::vec(inner.clone(), 0..5))
                    .prop_map(|(flow, items)| Node::Seq { flow, items }),
                1 => ("[ab]", inner).prop_map(|(name, n)| Node::Anchored(name, Box::new(n))),
            ]
        })
}

/// YAML text for a node: block style by default, flow where asked (and always
/// inside flow, as YAML requires).
fn render(node: &Node, indent: usize, in_flow: bool, out: &mut String) {
    let pad = " ".repeat(indent);
    match node {
        Node::Scalar(s) => out.push_str(s),
        Node::Anchored(name, inner) => {
            out.push('&');
            out.push_str(name);
            out.push(' ');
            render(inner, indent, in_flow, out);
        }
        Node::Map { flow, entries } if *flow || in_flow || entries.is_empty() => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push_str(": ");
                render(v, indent, true, out);
            }
            out.push('}');
        }
        Node::Map { entries, .. } => {
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 || indent > 0 {
                    out.push('\n');
                    out.push_str(&pad);
                }
                out.push_str(k);
                out.push(':');
                if matches!(v, Node::Scalar(_)) {
                    out.push(' ');
                }
                render(v, indent + 2, false, out);
            }
        }
        Node::Seq { flow, items } if *flow || in_flow || items.is_empty() => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render(v, indent, true, out);
            }
            out.push(']');
        }
        Node::Seq { items, .. } => {
            for (i, v) in items.iter().enumerate() {
                if i > 0 || indent > 0 {
                    out.push('\n');
                    out.push_str(&pad);
                }
                out.push_str("- ");
                render(v, indent + 2, false, out);
            }
        }
    }
}

fn yaml_text() -> impl Strategy<Value = String> {
    (node(), prop::collection::vec(node(), 0..2), any::<bool>()).prop_map(|(first, more, start)| {
        let mut out = String::new();
        if start {
            out.push_str("---\n");
        }
        render(&first, 0, false, &mut out);
        out.push('\n');
        for n in &more {
            out.push_str("---\n");
            render(n, 0, false, &mut out);
            out.push('\n');
        }
        out
    })
}

fn markdown_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(NASTY).prop_map(str::to_string),
            2 => "[^\u{0}]{0,20}",
            1 => "[a-z ]{0,20}\n",
            1 => "(#{1,6} [A-Za-z!?., -]{0,12}\n)",
            1 => "\\[[a-z]{0,5}\\]\\((\\.\\./|/)?([a-z-]{0,8}/)?[a-z_-]{0,8}(\\.md)?(#[a-z-]{0,6})?\\)",
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

/// Small edits of a file: insert a fragment, delete or repeat a span, flip a byte.
#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, &'static str),
    Delete(usize, usize),
    Repeat(usize, usize),
    Byte(usize, u8),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(
        prop_oneof![
            4 => (any::<usize>(), prop::sample::select(NASTY)).prop_map(|(a, s)| Edit::Insert(a, s)),
            2 => (any::<usize>(), 0usize..40).prop_map(|(a, n)| Edit::Delete(a, n)),
            1 => (any::<usize>(), 0usize..80).prop_map(|(a, n)| Edit::Repeat(a, n)),
            1 => (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Edit::Byte(a, b)),
        ],
        1..8,
    )
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let at = |a: usize| {
            if bytes.is_empty() {
                0
            } else {
                a % (bytes.len() + 1)
            }
        };
        match *e {
            Edit::Insert(a, s) => {
                let i = at(a);
                bytes.splice(i..i, s.bytes());
            }
            Edit::Delete(a, n) => {
                let i = at(a);
                let j = (i + n).min(bytes.len());
                bytes.drain(i..j);
            }
            Edit::Repeat(a, n) => {
                let i = at(a);
                let j = (i + n).min(bytes.len());
                let span = bytes[i..j].to_vec();
                bytes.splice(j..j, span);
            }
            Edit::Byte(a, b) => {
                if !bytes.is_empty() {
                    let i = a % bytes.len();
                    bytes[i] = b;
                }
            }
        }
    }
    bytes
}

/// Whole-file transforms: CRLF line ends, a BOM, tabs for indentation.
fn finish(mut bytes: Vec<u8>, crlf: bool, bom: bool, tabs: bool) -> Vec<u8> {
    if crlf {
        let mut out = Vec::with_capacity(bytes.len() * 2);
        for b in bytes {
            if b == b'\n' {
                out.push(b'\r');
            }
            out.push(b);
        }
        bytes = out;
    }
    if tabs {
        let text = String::from_utf8_lossy(&bytes).replace("  ", "\t");
        bytes = text.into_bytes();
    }
    if bom {
        bytes.splice(0..0, "\u{feff}".bytes());
    }
    bytes
}

fn target() -> impl Strategy<Value = &'static str> {
    prop::sample::select(TARGETS)
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(config(48))]

    /// Arbitrary bytes, valid UTF-8 or not, in place of any one file.
    #[test]
    fn arbitrary_bytes_in_any_file(rel in target(), bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check_with(&[(rel.to_string(), bytes)]);
    }

    /// Small edits of the real fixture files, up to three files at once.
    #[test]
    fn mutated_fixture_files(
        changes in prop::collection::vec((target(), edits()), 1..4),
        crlf in any::<bool>(), bom in any::<bool>(), tabs in prop::bool::weighted(0.1),
    ) {
        let files: Vec<(String, Vec<u8>)> = changes
            .iter()
            .map(|(rel, e)| (rel.to_string(), finish(apply(base_text(rel), e), crlf, bom, tabs)))
            .collect();
        check_with(&files);
    }

    /// Structured-ish YAML with the schema's keys, anchors, aliases, merge keys,
    /// extra documents and deep nesting, as data files.
    #[test]
    fn structured_yaml_data(
        rel in prop::sample::select(&TARGETS[..6]),
        text in yaml_text(),
        crlf in any::<bool>(), bom in prop::bool::weighted(0.1),
    ) {
        check_with(&[(rel.to_string(), finish(text.into_bytes(), crlf, bom, false))]);
    }

    /// Pages with structured-ish front matter and markdown bodies full of links,
    /// fences and `---` in odd places.
    #[test]
    fn pages_with_odd_front_matter_and_markdown(
        rel in prop::sample::select(&TARGETS[6..]),
        front in yaml_text(),
        fence in prop::sample::select(&["---\n", "---\r\n", "--- \n", "---", "", "\u{feff}---\n"][..]),
        close in prop::sample::select(&["---\n", "...\n", "---", "", "--- x\n"][..]),
        body in markdown_text(),
        crlf in any::<bool>(),
    ) {
        let text = format!("{fence}{front}{close}{body}");
        check_with(&[(rel.to_string(), finish(text.into_bytes(), crlf, false, false))]);
    }
}

/// Deep nesting and alias fan-out stay errors, not stack overflows or hangs.
#[test]
fn deep_nesting_and_alias_bombs_are_errors() {
    let deep = format!("{}{}", "[".repeat(1_000), "]".repeat(1_000));
    let deep_map = (0..300).fold(String::new(), |acc, i| {
        format!("{acc}{}k{i}:\n", " ".repeat(i))
    });
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (prev, next) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        bomb.push_str(&format!(
            "{next}: &{next} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
    }
    for text in [&deep, &deep_map, &bomb] {
        for rel in ["cairn.yaml", "data/parties.yaml", "data/systems/m365.yaml"] {
            let diags = check_with(&[(rel.to_string(), text.clone().into_bytes())]);
            assert!(
                diags.iter().any(|d| d.file == rel && d.is_error()),
                "{rel}: {diags:?}"
            );
        }
        let page = format!("---\n{text}---\n# Body\n");
        let diags = check_with(&[("content/guides/new.md".into(), page.into_bytes())]);
        assert!(
            diags
                .iter()
                .any(|d| d.file == "content/guides/new.md" && d.is_error()),
            "{diags:?}"
        );
    }
}

/// Every folder under `tests/fixtures/regressions/` is an input that once broke
/// something: lay it over the base fixture, check it, compare with `EXPECT`.
#[test]
fn regression_corpus_replays() {
    let root = fixtures().join("regressions");
    let Ok(entries) = fs::read_dir(&root) else {
        return;
    };
    let mut cases: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    cases.sort();
    for case in cases.iter().filter(|p| p.is_dir()) {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixtures().join("base"), dir.path());
        copy_dir(case, dir.path());
        let expect = fs::read_to_string(dir.path().join("EXPECT")).unwrap_or_default();
        let _ = fs::remove_file(dir.path().join("EXPECT"));
        let diags = check_dir(dir.path());
        for want in expect
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            if let Some(code) = want.strip_prefix('!') {
                let bad: Vec<_> = diags.iter().filter(|d| d.code.as_str() == code).collect();
                assert!(bad.is_empty(), "{}: unexpected {bad:#?}", case.display());
                continue;
            }
            let mut parts = want.split_whitespace();
            let code = parts.next().unwrap_or_default();
            let at = parts.next();
            let found = diags.iter().any(|d| {
                d.code.as_str() == code
                    && at.is_none_or(|at| {
                        let (file, line) = match at.split_once(':') {
                            Some((f, l)) => (f, l.parse().ok()),
                            None => (at, None),
                        };
                        d.file == file && (line.is_none() || d.line == line)
                    })
            });
            assert!(
                found,
                "{}: expected `{want}`, got {diags:#?}",
                case.display()
            );
        }
    }
}

// ------------------------------------------------- well-formed, odd values

/// Sites that parse, so every check runs, with values at the edges: hours that
/// cross midnight or have equal ends, huge durations, far dates, cycles,
/// unknown ids, duplicate ids, odd letters and links into and out of anything.
mod semantic {
    use super::*;

    const IDS: &[&str] = &[
        "acme-it", "bright", "m365", "firewall", "x", "nobody", "a-b",
    ];
    const TIMES: &[&str] = &[
        "00:00", "00:01", "08:00", "12:30", "18:00", "23:59", "24:00", "8:00",
    ];
    const DAYS: &[&str] = &[
        "mon-fri",
        "mon-sun",
        "sun-mon",
        "fri-mon",
        "sat,sun",
        "[sat, sun]",
        "mon",
        "sun",
        "wed-wed",
    ];
    const DURATIONS: &[&str] = &[
        "0m",
        "1m",
        "15m",
        "30m",
        "4h",
        "1d",
        "7d",
        "13w",
        "10079m",
        "10080m",
        "10081m",
        "99999999d",
        "307445734561825860w",
        "18446744073709551615m",
    ];
    const HOURS: &[&str] = &[
        "business",
        "after-hours",
        "always",
        "24x7",
        "nights",
        "h0",
        "h1",
        "h2",
    ];
    const LETTERS: &[&str] = &[
        "R", "A", "C", "I", "RA", "AR", "RACI", "", "ra", "RR", "X", "AA", "CI",
    ];
    const DATES: &[&str] = &[
        "2026-11-01",
        "2026-11-25",
        "1970-01-01",
        "0001-01-01",
        "9999-12-31",
        "2020-02-29",
        "+262142-12-31",
        "-262143-01-01",
    ];
    const LINKS: &[&str] = &[
        "escalate.md",
        "../guides/escalate.md",
        "/guides/escalate.md",
        "../runbooks/_index.md",
        "reset-mfa.md#before-you-start",
        "reset-mfa.md#nope",
        "firewall-reboot.md#verify",
        "_index.md",
        "../_index.md",
        "../../../x.md",
        "#",
        "#top",
        "new.md",
        "./",
        "../",
        "/img/net.svg",
        "img/net.svg",
        "/",
        "..",
        "%2e%2e/x.md",
        "new.md#h-1",
        "../guides/",
    ];

    fn pick(xs: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
        prop::sample::select(xs)
    }

    fn window() -> impl Strategy<Value = String> {
        prop_oneof![
            1 => Just("24x7".to_string()),
            4 => (pick(DAYS), pick(TIMES), pick(TIMES))
                .prop_map(|(d, f, t)| format!("{{ days: {d}, from: \"{f}\", to: \"{t}\" }}")),
            1 => prop::collection::vec((pick(DAYS), pick(TIMES), pick(TIMES)), 0..3).prop_map(|ws| {
                let items: Vec<String> = ws
                    .iter()
                    .map(|(d, f, t)| format!("{{ days: {d}, from: \"{f}\", to: \"{t}\" }}"))
                    .collect();
                format!("[{}]", items.join(", "))
            }),
        ]
    }

    fn config() -> impl Strategy<Value = String> {
        (
            prop::collection::vec((pick(HOURS), window()), 0..5),
            pick(&[
                "America/New_York",
                "UTC",
                "Pacific/Chatham",
                "Australia/Lord_Howe",
                "Europe/Dublin",
            ]),
            prop::option::of(pick(DURATIONS)),
            pick(&["client", "internal"]),
        )
            .prop_map(|(hours, tz, review, audience)| {
                let mut s = format!("title: T\ntimezone: {tz}\naudience: {audience}\n");
                if let Some(r) = review {
                    s.push_str(&format!("review_every: {r}\n"));
                }
                s.push_str("hours:\n");
                for (name, w) in hours {
                    s.push_str(&format!("  {name}: {w}\n"));
                }
                s
            })
    }

    fn parties() -> impl Strategy<Value = String> {
        prop::collection::vec(
            (
                pick(IDS),
                pick(&["internal", "provider", "vendor"]),
                prop::option::of(pick(HOURS)),
                prop::collection::vec(
                    (
                        pick(&["Dana Ruiz", "NOC", "Night pager", ""]),
                        any::<bool>(),
                    ),
                    0..3,
                ),
            ),
            0..5,
        )
        .prop_map(|ps| {
            let mut s = String::from("[]\n");
            if !ps.is_empty() {
                s.clear();
            }
            for (id, kind, hours, contacts) in ps {
                s.push_str(&format!("- id: {id}\n  name: P {id}\n  kind: {kind}\n"));
                if let Some(h) = hours {
                    s.push_str(&format!("  hours: {h}\n"));
                }
                s.push_str("  contacts:\n");
                if contacts.is_empty() {
                    s.push_str("    []\n");
                }
                for (name, internal) in contacts {
                    let aud = if internal { "internal" } else { "client" };
                    s.push_str(&format!(
                        "    - {{ name: \"{name}\", phone: \"+1 555\", audience: {aud} }}\n"
                    ));
                }
            }
            s
        })
    }

    fn level() -> impl Strategy<Value = String> {
        (
            pick(IDS),
            prop::option::of(pick(&["Dana Ruiz", "NOC", "Night pager", "Nobody"])),
            prop::option::of(pick(HOURS)),
            prop::option::of(pick(DURATIONS)),
            prop::option::of(pick(DURATIONS)),
        )
            .prop_map(|(party, contact, hours, after, within)| {
                let mut s = format!("  - party: {party}\n");
                if let Some(c) = contact {
                    s.push_str(&format!("    contact: {c}\n"));
                }
                if let Some(h) = hours {
                    s.push_str(&format!("    hours: {h}\n"));
                }
                if let Some(a) = after {
                    s.push_str(&format!("    after: {a}\n"));
                }
                if let Some(w) = within {
                    s.push_str(&format!("    respond_within: {w}\n"));
                }
                s
            })
    }

    fn system(id: &'static str) -> impl Strategy<Value = String> {
        (
            prop_oneof![4 => Just(id), 1 => pick(IDS)],
            0u8..=5,
            pick(IDS),
            prop::collection::vec(pick(IDS), 0..4),
            prop::collection::vec(
                (
                    pick(&["Patch management", "patch MANAGEMENT", "Help desk", "User onboarding", "", "x"]),
                    prop::collection::vec((pick(IDS), pick(LETTERS)), 0..4),
                    any::<bool>(),
                ),
                0..4,
            ),
            prop::collection::vec(level(), 0..4),
            prop::option::of((pick(DURATIONS), pick(DURATIONS))),
        )
            .prop_map(|(sid, tier, owner, deps, raci, levels, sla)| {
                let mut s = format!(
                    "id: {sid}\nname: S {sid}\ntier: {tier}\nowner: {owner}\ndepends_on: [{}]\nraci:\n",
                    deps.join(", ")
                );
                if raci.is_empty() {
                    s.push_str("  {}\n");
                }
                for (activity, cells, flow) in raci {
                    if flow || cells.is_empty() {
                        let cells: Vec<String> =
                            cells.iter().map(|(p, l)| format!("{p}: \"{l}\"")).collect();
                        s.push_str(&format!("  \"{activity}\": {{ {} }}\n", cells.join(", ")));
                    } else {
                        s.push_str(&format!("  \"{activity}\":\n"));
                        for (p, l) in cells {
                            s.push_str(&format!("    {p}: \"{l}\"\n"));
                        }
                    }
                }
                s.push_str("escalation:\n");
                if levels.is_empty() {
                    s.push_str("  []\n");
                }
                for l in levels {
                    s.push_str(&l);
                }
                if let Some((r, v)) = sla {
                    s.push_str(&format!("sla:\n  P1: {{ respond: {r}, resolve: {v} }}\n"));
                }
                s
            })
    }

    fn page() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(pick(IDS), 0..3),
            prop::option::of(pick(DATES)),
            prop::option::of(pick(DURATIONS)),
            prop::option::of(pick(&["client", "internal"])),
            any::<bool>(),
            prop::collection::vec(
                prop_oneof![
                    2 => pick(LINKS).prop_map(|l| format!("See [it]({l}).\n\n")),
                    1 => pick(LINKS).prop_map(|l| format!("![img]({l})\n\n")),
                    1 => "[A-Za-z ?!-]{0,10}".prop_map(|h| format!("## {h}\n\n")),
                    1 => Just("```\npassword: hunter2\n```\n".to_string()),
                    1 => Just("Text <!-- cairn: allow-secret --> ghp_0123456789abcdefghijABCDEFGHIJ012345\n".to_string()),
                ],
                0..6,
            ),
        )
            .prop_map(|(systems, reviewed, every, audience, allow, body)| {
                let mut s = format!("---\ntitle: Page\nsystems: [{}]\n", systems.join(", "));
                if let Some(d) = reviewed {
                    s.push_str(&format!("last_reviewed: {d}\n"));
                }
                if let Some(e) = every {
                    s.push_str(&format!("review_every: {e}\n"));
                }
                if let Some(a) = audience {
                    s.push_str(&format!("audience: {a}\n"));
                }
                if allow {
                    s.push_str("allow_secrets: true\n");
                }
                s.push_str("---\n");
                s.push_str(&body.concat());
                s
            })
    }

    fn site() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
        (
            config(),
            parties(),
            system("m365"),
            system("firewall"),
            prop::option::of(system("x")),
            prop::collection::vec(
                (
                    pick(&[
                        "content/_index.md",
                        "content/runbooks/_index.md",
                        "content/runbooks/reset-mfa.md",
                        "content/runbooks/new.md",
                        "content/guides/escalate.md",
                        "content/guides/_index.md",
                        "content/guides/deep/new.md",
                        "content/new.md",
                    ]),
                    page(),
                ),
                0..5,
            ),
        )
            .prop_map(|(config, parties, m365, firewall, x, pages)| {
                let mut files = vec![
                    ("cairn.yaml".to_string(), config.into_bytes()),
                    ("data/parties.yaml".to_string(), parties.into_bytes()),
                    ("data/systems/m365.yaml".to_string(), m365.into_bytes()),
                    (
                        "data/systems/firewall.yaml".to_string(),
                        firewall.into_bytes(),
                    ),
                ];
                if let Some(x) = x {
                    files.push(("data/systems/x.yaml".to_string(), x.into_bytes()));
                }
                for (rel, text) in pages {
                    files.push((rel.to_string(), text.into_bytes()));
                }
                files
            })
    }

    proptest! {
        #![proptest_config(super::config(48))]

        #[test]
        fn well_formed_sites_with_edge_values(files in site()) {
            check_with(&files);
        }
    }
}

/// Found by hand: a symlink to nothing or a symlink loop under `content/`
/// aborted the whole run with an IO error and no JSON; a file name that is
/// not UTF-8 was reported under a name that does not exist. Each is now a
/// diagnostic naming the entry, and the rest of the site is checked.
#[cfg(unix)]
#[test]
fn unlistable_entries_are_diagnostics_not_aborts() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    copy_dir(&fixtures().join("base"), site);
    symlink("/nonexistent/cairn", site.join("content/dangling.md")).unwrap();
    symlink("..", site.join("content/guides/loop")).unwrap();
    symlink("/nonexistent/cairn", site.join("data/systems/gone.yaml")).unwrap();
    symlink("/nonexistent/cairn", site.join("static/gone.png")).unwrap();
    let bad_name = OsStr::from_bytes(b"bad\xff.md");
    fs::write(
        site.join("content/guides").join(bad_name),
        "---\ntitle: X\n---\n",
    )
    .unwrap();
    // A planted problem elsewhere is still found: the run went on.
    fs::write(
        site.join("content/guides/escalate.md"),
        "---\ntitle: How to escalate\n---\nSee [nothing](nothing.md).\n",
    )
    .unwrap();
    let diags = check_dir(site);
    let has = |code: &str, file: &str| {
        diags
            .iter()
            .any(|d| d.code.as_str() == code && d.file == file && d.is_error())
    };
    assert!(has("front-matter", "content/dangling.md"), "{diags:#?}");
    assert!(has("invalid-value", "content/guides/loop"), "{diags:#?}");
    assert!(has("yaml-syntax", "data/systems/gone.yaml"), "{diags:#?}");
    assert!(has("invalid-value", "static/gone.png"), "{diags:#?}");
    assert!(
        diags
            .iter()
            .any(|d| d.file.starts_with("content/guides/bad") && d.message.contains("UTF-8")),
        "{diags:#?}"
    );
    assert!(
        has("broken-link", "content/guides/escalate.md"),
        "{diags:#?}"
    );
}

/// Random content trees: odd file and folder names, sections that are internal
/// or not, and links between pages written every way SPEC allows (relative,
/// from the root, to folders and `_index.md`, with anchors, percent-encoded).
mod trees {
    use super::*;

    const SEGMENTS: &[&str] = &[
        "runbooks",
        "guides",
        "a",
        "b",
        "m365",
        "Über",
        "with space",
        "100%",
        "x#y",
        "q?r",
        "ünï",
        "日本",
        "-",
        "_",
        "a.b",
        "search",
        "systems",
        "index",
        "_index.md",
        "..",
    ];
    const FILES: &[&str] = &[
        "_index.md",
        "page.md",
        "Page.md",
        "a b.md",
        "ü.md",
        "%41.md",
        "x#.md",
        "index.md",
        "page.md.md",
        ".md",
        "README.md",
        "img.png",
        "notes.txt",
    ];
    const HEADINGS: &[&str] = &[
        "Verify",
        "verify",
        "Before you start",
        "Step 1: call",
        "Ünïcode héading",
        "💥 Boom",
        "C++ & C#",
        "",
        "   ",
        "a-b--c",
        "Verify",
    ];

    fn path() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(prop::sample::select(SEGMENTS), 0..3),
            prop::sample::select(FILES),
        )
            .prop_map(|(dirs, file)| {
                let mut p = dirs.join("/");
                if !p.is_empty() {
                    p.push('/');
                }
                p.push_str(file);
                p
            })
    }

    fn link_to(target: String) -> impl Strategy<Value = String> {
        (
            0usize..4,
            any::<bool>(),
            prop::option::of(prop::sample::select(HEADINGS)),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(move |(ups, rooted, anchor, encode, image)| {
                let mut dest = if rooted {
                    format!("/{target}")
                } else {
                    format!("{}{target}", "../".repeat(ups))
                };
                if encode {
                    dest = dest.replace(' ', "%20").replace('%', "%25");
                }
                if let Some(h) = anchor {
                    dest.push('#');
                    dest.push_str(&h.to_lowercase().replace(' ', "-"));
                }
                let bang = if image { "!" } else { "" };
                format!("{bang}[to]({dest})")
            })
    }

    fn page() -> impl Strategy<Value = (String, String)> {
        (
            path(),
            prop::option::of(prop::sample::select(&["client", "internal"][..])),
            prop::collection::vec(prop::sample::select(HEADINGS), 0..4),
            prop::collection::vec(path().prop_flat_map(link_to), 0..4),
        )
            .prop_map(|(rel, audience, headings, links)| {
                let mut text = String::from("---\ntitle: T\n");
                if let Some(a) = audience {
                    text.push_str(&format!("audience: {a}\n"));
                }
                text.push_str("---\n");
                for h in headings {
                    text.push_str(&format!("## {h}\n\n"));
                }
                for l in links {
                    text.push_str(&format!("{l}\n\n"));
                }
                (format!("content/{rel}"), text)
            })
    }

    proptest! {
        #![proptest_config(super::config(32))]

        #[test]
        fn random_content_trees_and_links(pages in prop::collection::vec(page(), 1..10)) {
            let files: Vec<(String, Vec<u8>)> = pages
                .into_iter()
                // `..` as a name would write outside content/.
                .filter(|(rel, _)| !rel.split('/').any(|s| s == ".."))
                .map(|(rel, text)| (rel, text.into_bytes()))
                .collect();
            check_with(&files);
        }
    }
}

/// Sites that pass every check, with values at their edges, go through the
/// whole build (view, render, search index, write) without a panic. Found this
/// way: two levels with `after: 18446744073709551615m` overflowed the ladder's
/// running total.
mod builds {
    use super::*;

    const DURATIONS: &[&str] = &[
        "0m",
        "1m",
        "59m",
        "60m",
        "1d",
        "13w",
        "10080m",
        "99999999d",
        "18446744073709551615m",
        "1000000000000w",
    ];
    const TIMES: &[&str] = &["00:00", "00:01", "08:00", "18:00", "23:59"];
    const DAYS: &[&str] = &[
        "mon-fri",
        "mon-sun",
        "sun-mon",
        "fri-mon",
        "[sat, sun]",
        "wed",
    ];
    const TEXT: &[&str] = &[
        "plain",
        "<script>alert(1)</script>",
        "\" onmouseover=\"x",
        "javascript:alert(1)",
        "{{ tera }}",
        "{% raw %}",
        "Ünïcödé 日本語 💥",
        "a\\b",
        "&amp; &lt;",
        "''",
        "`code`",
        "line\\nbreak",
        "#",
        "*",
        "---",
    ];

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(TEXT), 1..4).prop_map(|v| {
            // Double-quoted YAML: escape what YAML would read.
            v.join(" ").replace('\\', "\\\\").replace('"', "\\\"")
        })
    }

    fn body() -> impl Strategy<Value = String> {
        let fragments: Vec<&'static str> = NASTY
            .iter()
            .copied()
            // A NUL byte is an invalid value (issue 12), not an edge of a valid site.
            .filter(|s| {
                !s.contains("](") && !s.contains("]:") && !s.contains("BEGIN") && !s.contains('\0')
            })
            .collect();
        prop::collection::vec(
            prop_oneof![
                3 => prop::sample::select(fragments).prop_map(str::to_string),
                1 => "[^\u{0}\\[\\]]{0,30}",
                1 => prop::sample::select(&[
                    "```powershell\nGet-MgUser -All | Where-Object { $_.x -eq 1 }\n```\n",
                    "```rust,ignore\nfn main() {}\n```\n",
                    "```nosuchlang\n<b>x</b>\n```\n",
                    "<div onclick=\"x\">raw</div>\n",
                    "[ext](https://example.com/a?b=c&d=<e>)\n",
                    "[mail](mailto:a@b.example) [tel](tel:+15550100)\n",
                    "[js](javascript:alert(1))\n",
                    "| a | b |\n|---|---|\n| <x> | `y` |\n",
                ][..]).prop_map(str::to_string),
            ],
            0..16,
        )
        .prop_map(|v| v.concat())
    }

    fn site() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
        (
            (text(), prop::sample::select(&["/", "https://docs.example.com/acme/", "https://x.example", "/sub/path/"][..]),
             prop::sample::select(&["America/New_York", "UTC", "Pacific/Chatham", "Asia/Kolkata"][..]),
             prop::collection::vec((prop::sample::select(DAYS), prop::sample::select(TIMES), prop::sample::select(TIMES)), 0..3)),
            (text(), text(), 1u8..=4),
            prop::collection::vec(
                (
                    prop::sample::select(&["acme-it", "bright"][..]),
                    any::<bool>(),
                    prop::option::of(prop::sample::select(&["business", "after-hours", "always", "24x7", "h0"][..])),
                    prop::option::of(prop::sample::select(DURATIONS)),
                    prop::option::of(prop::sample::select(DURATIONS)),
                ),
                0..5,
            ),
            (prop::option::of(prop::sample::select(DURATIONS)), prop::option::of(prop::sample::select(&["2026-11-01", "1970-01-01", "9999-12-31", "2020-02-29"][..]))),
            body(),
            text(),
        )
            .prop_map(|((title, base, tz, windows), (desc, contact_role, tier), levels, (every, reviewed), body, page_title)| {
                let mut config = format!(
                    "title: \"{title}\"\nbase_url: \"{base}\"\ntimezone: {tz}\naudience: internal\nhours:\n  business: {{ days: mon-fri, from: \"08:00\", to: \"18:00\" }}\n  after-hours: {{ days: mon-sun, from: \"18:00\", to: \"08:00\" }}\n  always: 24x7\n  h0: ["
                );
                let ws: Vec<String> = windows
                    .iter()
                    .map(|(d, f, t)| format!("{{ days: {d}, from: \"{f}\", to: \"{t}\" }}"))
                    .collect();
                config.push_str(&ws.join(", "));
                config.push_str("]\n");
                let parties = base_text("data/parties.yaml");
                let parties = String::from_utf8_lossy(&parties)
                    .replace("role: IT Manager", &format!("role: \"{contact_role}\""));
                let mut m365 = format!(
                    "id: m365\nname: \"{desc}\"\ntier: {tier}\ndescription: \"{desc}\"\nowner: acme-it\ndepends_on: [firewall]\nraci:\n  User onboarding: {{ acme-it: RA, bright: I }}\n  Patch management: {{ bright: RA, acme-it: C }}\nescalation:\n"
                );
                if levels.is_empty() {
                    m365.push_str("  []\n");
                }
                for (party, contact, hours, after, within) in levels {
                    m365.push_str(&format!("  - party: {party}\n"));
                    if contact {
                        let name = if party == "bright" { "NOC" } else { "Night pager" };
                        m365.push_str(&format!("    contact: {name}\n"));
                    }
                    if let Some(h) = hours {
                        m365.push_str(&format!("    hours: {h}\n"));
                    }
                    if let Some(a) = after {
                        m365.push_str(&format!("    after: {a}\n"));
                    }
                    if let Some(w) = within {
                        m365.push_str(&format!("    respond_within: {w}\n"));
                    }
                }
                let mut page = format!("---\ntitle: \"{page_title}\"\nsystems: [m365]\ntags: [\"{page_title}\"]\nallow_secrets: true\n");
                if let Some(e) = every {
                    page.push_str(&format!("review_every: {e}\n"));
                }
                if let Some(r) = reviewed {
                    page.push_str(&format!("last_reviewed: {r}\n"));
                }
                page.push_str("---\n");
                page.push_str(&body);
                vec![
                    ("cairn.yaml".into(), config.into_bytes()),
                    ("data/parties.yaml".into(), parties.into_bytes()),
                    ("data/systems/m365.yaml".into(), m365.into_bytes()),
                    ("content/runbooks/reset-mfa.md".into(), page.into_bytes()),
                ]
            })
    }

    /// The input that found the overflow, kept as it was.
    #[test]
    fn huge_after_on_two_levels_builds() {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixtures().join("base"), dir.path());
        let m365 = String::from_utf8(base_text("data/systems/m365.yaml"))
            .unwrap()
            .replace("after: 30m", "after: 18446744073709551615m")
            .replace(
                "sla:",
                "  - party: acme-it\n    after: 18446744073709551615m\nsla:",
            );
        fs::write(dir.path().join("data/systems/m365.yaml"), m365).unwrap();
        let mut opts = cairn::Options::new(dir.path());
        opts.out = Some(dir.path().join("out"));
        opts.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25);
        let report = cairn::build(&opts).unwrap();
        assert!(report.written, "{:#?}", report.diagnostics);
    }

    proptest! {
        #![proptest_config(super::config(12))]

        #[test]
        fn valid_sites_with_edge_values_build(files in site()) {
            let dir = tempfile::tempdir().unwrap();
            copy_dir(&fixtures().join("base"), dir.path());
            for (rel, bytes) in &files {
                fs::write(dir.path().join(rel), bytes).unwrap();
            }
            for audience in [Audience::Internal, Audience::Client] {
                let mut opts = cairn::Options::new(dir.path());
                opts.audience = Some(audience);
                opts.out = Some(dir.path().join(format!("out-{}", audience.as_str())));
                opts.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25);
                let report = cairn::build(&opts).expect("builds or reports");
                let errors: Vec<_> = report.diagnostics.iter().filter(|d| d.is_error()).collect();
                prop_assert!(errors.iter().all(|d| !d.file.is_empty()));
                // Only the client build may refuse (an internal contact is fine in both).
                if audience == Audience::Internal {
                    prop_assert!(errors.is_empty(), "{errors:#?}");
                    prop_assert!(report.written);
                }
            }
        }
    }
}

// ------------------------------------------------------------ hostile trees

/// Trees no editor makes but a pull request can: symlinks inside and out of
/// their top folder (chains, loops, dangling, to `/`, `/dev/zero`,
/// `/proc/self/environ`, to a FIFO outside), FIFOs and sockets, UTF-16 files
/// with and without a BOM, huge files and deeply nested ones and folders.
/// `check` and `build` must neither panic nor hang (nothing may open a FIFO:
/// it would block), every special file and every link that leaves its top
/// folder is `outside-site` naming it, and nothing from outside ever shows in
/// a message or an output byte.
mod hostile {
    use super::*;
    use std::os::unix::fs::symlink;
    use std::path::PathBuf;
    use std::sync::mpsc;
    use std::time::Duration;

    /// What the files outside the site hold.
    const MARKER: &str = "HOSTILE-OUTSIDE-9d2e";

    /// Where an entry goes: a top folder and a path below it.
    const PLACES: &[&str] = &[
        "static/x",
        "static/deep/er/x.ps1",
        "static/.hidden/x",
        "content/x.md",
        "content/guides/x.md",
        "content/runbooks/x.png",
        "content/.git/x.md",
        "data/systems/x.yaml",
        "data/parties.yaml",
        "data/x.yaml",
        "templates/page.html",
        "templates/x.html",
        "themes/t/templates/base.html",
        "themes/t/static/x.css",
    ];

    #[derive(Debug, Clone)]
    enum Target {
        /// A file of the same top folder (absolute path).
        SameTop,
        /// The same top folder through `..` hops from the link.
        SameTopRelative,
        /// `data/parties.yaml`, from wherever the link is.
        OtherTop,
        OutsideFile,
        OutsideFifo,
        OutsideDir,
        Root,
        DevZero,
        ProcEnviron,
        SiteRoot,
        Dangling,
        Itself,
        Parent,
        /// The entry made before this one (a chain).
        Previous,
    }

    #[derive(Debug, Clone)]
    enum Entry {
        Link(&'static str, Target),
        Fifo(&'static str),
        Socket(&'static str),
        Utf16(&'static str, bool, bool),
        Huge(&'static str, usize),
        Deep(&'static str, usize),
        DeepFolder(usize),
        /// A whole top folder replaced by a link out of the site.
        TopOutside(&'static str),
    }

    fn entry() -> impl Strategy<Value = Entry> {
        let place = || prop::sample::select(PLACES);
        let target = prop_oneof![
            Just(Target::SameTop),
            Just(Target::SameTopRelative),
            Just(Target::OtherTop),
            Just(Target::OutsideFile),
            Just(Target::OutsideFifo),
            Just(Target::OutsideDir),
            Just(Target::Root),
            Just(Target::DevZero),
            Just(Target::ProcEnviron),
            Just(Target::SiteRoot),
            Just(Target::Dangling),
            Just(Target::Itself),
            Just(Target::Parent),
            Just(Target::Previous),
        ];
        prop_oneof![
            6 => (place(), target).prop_map(|(p, t)| Entry::Link(p, t)),
            2 => place().prop_map(Entry::Fifo),
            1 => place().prop_map(Entry::Socket),
            2 => (place(), any::<bool>(), any::<bool>()).prop_map(|(p, bom, le)| Entry::Utf16(p, bom, le)),
            1 => (place(), 1usize..3).prop_map(|(p, mib)| Entry::Huge(p, mib)),
            1 => (place(), prop::sample::select(&[100usize, 2_000, 20_000][..])).prop_map(|(p, n)| Entry::Deep(p, n)),
            1 => prop::sample::select(&[20usize, 80][..]).prop_map(Entry::DeepFolder),
            1 => prop::sample::select(&["static", "content", "templates", "themes"][..]).prop_map(Entry::TopOutside),
        ]
    }

    /// A folder outside the site: a secret file, a FIFO, a folder of pages.
    fn outside() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("secret"), format!("token={MARKER}\n")).unwrap();
        mkfifo(&dir.path().join("pipe"));
        fs::create_dir_all(dir.path().join("dir/templates")).unwrap();
        fs::write(
            dir.path().join("dir/page.md"),
            format!("---\ntitle: {MARKER}\n---\n{MARKER}\n"),
        )
        .unwrap();
        fs::write(dir.path().join("dir/templates/base.html"), MARKER).unwrap();
        dir
    }

    fn mkfifo(path: &Path) -> bool {
        std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .is_ok_and(|s| s.success())
    }

    /// No folder on the way from the site to `rel` is a symlink: an entry is
    /// never created through a link (it would land outside the site).
    fn creatable(site: &Path, rel: &str) -> bool {
        let mut p = site.to_path_buf();
        let parts: Vec<&str> = rel.split('/').collect();
        for part in &parts[..parts.len() - 1] {
            p.push(part);
            match fs::symlink_metadata(&p) {
                Ok(m) if m.file_type().is_symlink() || !m.is_dir() => return false,
                _ => {}
            }
        }
        fs::create_dir_all(p).is_ok()
    }

    fn utf16(text: &str, bom: bool, le: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let units = (if bom { "\u{feff}" } else { "" })
            .encode_utf16()
            .chain(text.encode_utf16());
        for u in units {
            out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    }

    /// Whether a path is walked at all (dot segments and `~` are not content).
    fn walked(rel: &str) -> bool {
        !rel.split('/')
            .any(|s| s.starts_with('.') || s.ends_with('~'))
    }

    fn make(
        site: &Path,
        outside: &Path,
        entries: &[Entry],
    ) -> Vec<std::os::unix::net::UnixListener> {
        let mut sockets = Vec::new();
        let mut previous: Option<PathBuf> = None;
        for e in entries {
            let rel = match e {
                Entry::Link(p, _)
                | Entry::Fifo(p)
                | Entry::Socket(p)
                | Entry::Utf16(p, ..)
                | Entry::Huge(p, _)
                | Entry::Deep(p, _) => *p,
                Entry::DeepFolder(_) | Entry::TopOutside(_) => "",
            };
            let path = site.join(rel);
            if !rel.is_empty() {
                if !creatable(site, rel) {
                    continue;
                }
                let _ = fs::remove_file(&path);
                if path.is_dir() {
                    continue;
                }
            }
            let top = rel.split('/').next().unwrap_or("");
            let made = match e {
                Entry::Link(_, target) => {
                    let to: PathBuf = match target {
                        Target::SameTop => {
                            site.join(top)
                                .join(if top == "static" { "img/net.svg" } else { "." })
                        }
                        Target::SameTopRelative => {
                            let depth = rel.matches('/').count();
                            PathBuf::from("../".repeat(depth.saturating_sub(1)) + ".")
                        }
                        Target::OtherTop => site.join("data/parties.yaml"),
                        Target::OutsideFile => outside.join("secret"),
                        Target::OutsideFifo => outside.join("pipe"),
                        Target::OutsideDir => outside.join("dir"),
                        Target::Root => PathBuf::from("/"),
                        Target::DevZero => PathBuf::from("/dev/zero"),
                        Target::ProcEnviron => PathBuf::from("/proc/self/environ"),
                        Target::SiteRoot => site.to_path_buf(),
                        Target::Dangling => PathBuf::from("no/such/file"),
                        Target::Itself => path.clone(),
                        Target::Parent => PathBuf::from(".."),
                        Target::Previous => match &previous {
                            Some(p) => p.clone(),
                            None => continue,
                        },
                    };
                    symlink(&to, &path).is_ok()
                }
                Entry::Fifo(_) => mkfifo(&path),
                Entry::Socket(_) => match std::os::unix::net::UnixListener::bind(&path) {
                    Ok(l) => {
                        sockets.push(l);
                        true
                    }
                    Err(_) => false,
                },
                Entry::Utf16(_, bom, le) => {
                    let text = if rel.ends_with(".md") {
                        "---\ntitle: Wide\n---\n# Wide page\n\nText ü 日本.\n"
                    } else {
                        "id: x\nname: Wide ü\ntier: 2\nowner: acme-it\n"
                    };
                    fs::write(&path, utf16(text, *bom, *le)).is_ok()
                }
                Entry::Huge(_, mib) => {
                    let line = "A line of **text** with [a link](../x.md) and `code` and words.\n";
                    let text = if rel.ends_with(".md") {
                        format!(
                            "---\ntitle: Huge\n---\n{}",
                            line.repeat(mib * 1024 * 1024 / line.len())
                        )
                    } else {
                        // One line, no newline: a minified blob.
                        "x".repeat(mib * 1024 * 1024)
                    };
                    fs::write(&path, text).is_ok()
                }
                Entry::Deep(_, n) => {
                    let text = if rel.ends_with(".md") {
                        format!(
                            "---\ntitle: Deep\n---\n{}x\n\n{}x{}\n\n{}",
                            "> ".repeat(*n),
                            "[".repeat(*n),
                            "]".repeat(*n),
                            // A list nested as deep as indentation allows.
                            (0..(*n).min(500))
                                .map(|i| format!("{}- item\n", "  ".repeat(i)))
                                .collect::<String>()
                        )
                    } else {
                        (0..(*n).min(2_000))
                            .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
                            .collect::<String>()
                    };
                    fs::write(&path, text).is_ok()
                }
                Entry::DeepFolder(n) => {
                    let deep = (0..*n).map(|_| "d").collect::<Vec<_>>().join("/");
                    let dir = site.join("content").join(&deep);
                    fs::create_dir_all(&dir).is_ok()
                        && fs::write(dir.join("page.md"), "---\ntitle: Deep folder\n---\nDeep.\n")
                            .is_ok()
                }
                Entry::TopOutside(top) => {
                    let p = site.join(top);
                    if fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink()) {
                        continue;
                    }
                    let _ = fs::remove_dir_all(&p);
                    let _ = symlink(outside.join("dir"), &p);
                    continue;
                }
            };
            if made {
                previous = Some(path.clone());
            }
        }
        sockets
    }

    /// What the finished tree must report: every top folder that is a link out
    /// of the site; below the others, every special file and every link whose
    /// target exists outside its top folder, where the path is walked at all.
    fn expected(site: &Path) -> Vec<String> {
        let mut expect = Vec::new();
        let site_real = site.canonicalize().unwrap();
        for top in ["content", "data", "static", "templates", "themes"] {
            let Ok(top_real) = site.join(top).canonicalize() else {
                continue;
            };
            if !top_real.starts_with(&site_real) {
                expect.push(format!("{top}/"));
                continue;
            }
            let mut it = walkdir::WalkDir::new(site.join(top))
                .min_depth(1)
                .into_iter();
            while let Some(Ok(e)) = it.next() {
                let rel = e
                    .path()
                    .strip_prefix(site)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_string();
                if !walked(&rel) {
                    if e.file_type().is_dir() {
                        it.skip_current_dir();
                    }
                    continue;
                }
                let meta = fs::metadata(e.path());
                let special = meta.as_ref().is_ok_and(|m| !m.is_file() && !m.is_dir());
                let leaves = e.path_is_symlink()
                    && e.path()
                        .canonicalize()
                        .is_ok_and(|real| !real.starts_with(&top_real));
                if special || leaves {
                    let dir = meta.is_ok_and(|m| m.is_dir());
                    expect.push(if dir { format!("{rel}/") } else { rel });
                }
            }
        }
        expect
    }

    /// Run `f` on another thread; fail if it has not finished in `secs`.
    fn bounded<T: Send + 'static>(
        secs: u64,
        what: &str,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> T {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
        });
        match rx.recv_timeout(Duration::from_secs(secs)) {
            Ok(Ok(v)) => v,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => panic!("{what} did not finish in {secs} s (a FIFO opened?)"),
        }
    }

    fn no_marker_below(dir: &Path) -> Result<(), String> {
        for e in walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
        {
            if e.file_type().is_file() {
                let bytes = fs::read(e.path()).unwrap_or_default();
                if bytes.windows(MARKER.len()).any(|w| w == MARKER.as_bytes()) {
                    return Err(format!(
                        "{} holds what lives outside the site",
                        e.path().display()
                    ));
                }
            }
        }
        Ok(())
    }

    fn run_case(entries: &[Entry], build: bool) -> Result<(), TestCaseError> {
        let dir = tempfile::tempdir().unwrap();
        let out = outside();
        copy_dir(&fixtures().join("base"), dir.path());
        let _sockets = make(dir.path(), out.path(), entries);
        let expect = expected(dir.path());
        let site = dir.path().to_path_buf();
        let diags = bounded(120, "check", move || check_dir(&site));
        for d in &diags {
            prop_assert!(!d.message.contains(MARKER), "read from outside: {d:?}");
        }
        for file in &expect {
            prop_assert!(
                diags
                    .iter()
                    .any(|d| d.code == cairn::diag::Code::OutsideSite && &d.file == file),
                "no outside-site for {file}: {diags:#?}"
            );
        }
        if build {
            for audience in [Audience::Internal, Audience::Client] {
                let mut opts = cairn::Options::new(dir.path());
                opts.audience = Some(audience);
                opts.out = Some(dir.path().join("public"));
                opts.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25);
                let report = bounded(120, "build", move || cairn::build(&opts));
                if let Ok(report) = report {
                    prop_assert!(
                        !report.written || expect.is_empty(),
                        "written despite outside-site"
                    );
                }
                no_marker_below(&dir.path().join("public")).map_err(TestCaseError::fail)?;
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(super::config(24))]

        #[test]
        fn hostile_trees_are_checked_without_panic_or_hang(entries in prop::collection::vec(entry(), 1..6)) {
            run_case(&entries, false)?;
        }
    }

    proptest! {
        #![proptest_config(super::config(8))]

        #[test]
        fn hostile_trees_build_without_panic_hang_or_leak(entries in prop::collection::vec(entry(), 1..5)) {
            run_case(&entries, true)?;
        }
    }

    /// Every kind of entry at least once, whatever the generator picks.
    #[test]
    fn one_of_each_hostile_entry() {
        use Target::*;
        let mut entries = vec![
            Entry::Fifo("static/pipe"),
            Entry::Socket("static/sock"),
            Entry::Fifo("data/parties.yaml"),
            Entry::Fifo("content/guides/pipe.md"),
            Entry::Fifo("templates/page.html"),
            Entry::Utf16("content/guides/x.md", true, true),
            Entry::Utf16("data/systems/x.yaml", false, false),
            Entry::Huge("content/runbooks/x.png", 2),
            Entry::Deep("content/x.md", 20_000),
            Entry::DeepFolder(80),
        ];
        for (place, target) in [
            ("static/x", OutsideFifo),
            ("static/deep/er/x.ps1", Previous),
            ("static/.hidden/x", Root),
            ("templates/x.html", DevZero),
            ("themes/t/static/x.css", ProcEnviron),
            ("data/x.yaml", SiteRoot),
            ("content/x.md", OutsideFile),
            ("data/systems/x.yaml", OtherTop),
            ("themes/t/templates/base.html", OutsideDir),
            ("content/runbooks/x.png", Itself),
            ("static/deep/er/x.ps1", Parent),
            ("content/guides/x.md", Dangling),
            ("static/x", SameTop),
            ("content/.git/x.md", SameTopRelative),
        ] {
            entries.push(Entry::Link(place, target));
        }
        run_case(&entries, true).unwrap();
        run_case(
            &[Entry::TopOutside("content"), Entry::TopOutside("themes")],
            true,
        )
        .unwrap();
    }
}
