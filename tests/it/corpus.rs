//! The benchmark corpus (`bench/gen_corpus.rs`) at a small size: it must stay a
//! valid, clean site that builds, and the same seed must give the same bytes,
//! so the benchmark in `bench/run.sh` cannot rot.

use crate::common::{Site, cairn_in, files};
use std::fs;
use std::path::Path;

const RUNBOOKS: usize = 200;
const SYSTEMS: usize = 60;

/// `cairn-gen-corpus --runbooks 200 --systems 60 --seed SEED OUT`.
fn generate(out: &Path, seed: u64) {
    crate::gen_corpus::write_site(out, RUNBOOKS, SYSTEMS, seed).unwrap();
}

fn corpus(seed: u64) -> Site {
    let dir = tempfile::tempdir().unwrap();
    generate(&dir.path().join("site"), seed);
    Site { dir }
}

fn site_dir(site: &Site) -> String {
    site.path().join("site").to_str().unwrap().to_string()
}

#[test]
fn generated_corpus_passes_check_strict_for_both_audiences() {
    let site = corpus(1);
    let dir = site_dir(&site);
    for audience in ["client", "internal"] {
        let run = cairn_in(
            site.path(),
            &[
                "check",
                &dir,
                "--strict",
                "--format",
                "json",
                "--audience",
                audience,
            ],
        );
        assert_eq!(run.code, 0, "audience {audience}: {run:?}");
        let json = run.json();
        assert_eq!(json["errors"].as_array().map(Vec::len), Some(0), "{run:?}");
        assert_eq!(
            json["warnings"].as_array().map(Vec::len),
            Some(0),
            "{run:?}"
        );
    }
}

#[test]
fn generated_corpus_builds() {
    let site = corpus(1);
    let dir = site_dir(&site);
    let out = site.path().join("public");
    let run = cairn_in(
        site.path(),
        &["build", &dir, "--strict", "--out", out.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{run:?}");

    // One page per runbook, at the SPEC's URL, and every link in the output resolves.
    let pages = files(&out);
    let runbook_pages = pages
        .iter()
        .filter(|p| p.starts_with("runbooks/") && p.contains("/rb-") && p.ends_with("/index.html"))
        .count();
    assert_eq!(runbook_pages, RUNBOOKS, "runbook pages written");
    assert!(out.join("systems/sys-0001/index.html").is_file());
    assert!(out.join("runbooks/area-01/rb-00001/index.html").is_file());
    let dangling = crate::build::dangling_links(&out);
    assert!(dangling.is_empty(), "dangling links: {dangling:#?}");
}

#[test]
fn generated_corpus_is_deterministic_and_seed_dependent() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    generate(&a, 7);
    generate(&b, 7);
    generate(&c, 8);

    let names = files(&a);
    assert_eq!(names, files(&b), "same seed, different file lists");
    let runbooks = names.iter().filter(|n| n.contains("/rb-")).count();
    assert_eq!(runbooks, RUNBOOKS);
    let systems = names
        .iter()
        .filter(|n| n.starts_with("data/systems/"))
        .count();
    assert_eq!(systems, SYSTEMS);
    for name in &names {
        assert!(
            fs::read(a.join(name)).unwrap() == fs::read(b.join(name)).unwrap(),
            "{name} differs between two runs with the same seed"
        );
    }
    let differs = names
        .iter()
        .any(|n| fs::read(a.join(n)).ok() != fs::read(c.join(n)).ok());
    assert!(differs, "seeds 7 and 8 gave the same tree");
}
