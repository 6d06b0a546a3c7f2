//! `build --out` can never destroy what cairn did not write: every way issue 12
//! lost a user's files, each checked byte for byte after the refused build.

use crate::common::{Site, cairn_in, copy_dir, fixtures};
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

/// Every entry below `dir` (dotfiles and `.git` included): file bytes, `dir`
/// for folders, `-> target` for symlinks, so any change shows as a difference.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let ft = e.file_type();
            let value = if ft.is_symlink() {
                format!("-> {}", fs::read_link(e.path()).unwrap().display()).into_bytes()
            } else if ft.is_dir() {
                b"dir".to_vec()
            } else {
                fs::read(e.path()).unwrap()
            };
            (rel, value)
        })
        .collect()
}

/// A temp folder holding a copy of the `base` fixture at `rel`, with a `.git`.
fn site_at(rel: &str) -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join(rel);
    fs::create_dir_all(&site).unwrap();
    copy_dir(&fixtures().join("base"), &site);
    fs::create_dir_all(site.join(".git/objects/ab")).unwrap();
    fs::write(site.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    fs::write(site.join(".git/objects/ab/cdef"), [0u8, 1, 2, 255]).unwrap();
    (tmp, site.to_str().unwrap().to_string())
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[track_caller]
fn refused(run: &crate::common::Run, why: &str) {
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains(why), "expected {why:?} in {run:?}");
    assert!(!run.stderr.contains("panicked"), "{run:?}");
}

#[test]
fn out_may_not_be_the_site() {
    let (tmp, _) = site_at("s1");
    let before = tree(tmp.path());
    for out in ["s1", "s1/", "./s1/../s1", "s1/content/.."] {
        let run = cairn_in(tmp.path(), &["build", "s1", "--out", out]);
        refused(&run, "is the site itself");
        let run = cairn_in(tmp.path(), &["build", "s1", "--out", out, "--force"]);
        refused(&run, "is the site itself");
    }
    // From inside the site, `.` is the site too.
    let run = cairn_in(&tmp.path().join("s1"), &["build", "--out", "."]);
    refused(&run, "is the site itself");
    // A symlink to the site is the site.
    symlink(tmp.path().join("s1"), tmp.path().join("alias")).unwrap();
    let run = cairn_in(tmp.path(), &["build", "s1", "--out", "alias", "--force"]);
    refused(&run, "is the site itself");
    fs::remove_file(tmp.path().join("alias")).unwrap();
    assert_eq!(tree(tmp.path()), before, "the site changed");
}

#[test]
fn out_may_not_be_a_folder_above_the_site() {
    let (tmp, _) = site_at("p3/site");
    fs::write(tmp.path().join("p3/thesis.docx"), b"four years of work").unwrap();
    fs::create_dir_all(tmp.path().join("p3/photos")).unwrap();
    fs::write(tmp.path().join("p3/photos/a.jpg"), [0xffu8, 0xd8, 0xff]).unwrap();
    let before = tree(tmp.path());
    for out in ["p3", "p3/site/..", ".", "/"] {
        let run = cairn_in(tmp.path(), &["build", "p3/site", "--out", out, "--force"]);
        refused(&run, "is a folder above the site");
    }
    assert_eq!(tree(tmp.path()), before);
}

#[test]
fn a_folder_cairn_did_not_write_is_refused_unless_force() {
    let (tmp, site) = site_at("site");
    fs::create_dir_all(tmp.path().join("docs")).unwrap();
    fs::write(tmp.path().join("docs/taxes.pdf"), b"%PDF-1.7 taxes").unwrap();
    let before = tree(tmp.path());
    let run = cairn_in(tmp.path(), &["build", &site, "--out", "docs"]);
    refused(&run, "is a folder cairn did not write");
    assert!(run.stderr.contains("--force"), "says what to do: {run:?}");
    assert_eq!(tree(tmp.path()), before);

    // --force replaces it; from then on it is cairn's output.
    let run = cairn_in(tmp.path(), &["build", &site, "--out", "docs", "--force"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!tmp.path().join("docs/taxes.pdf").exists());
    assert!(tmp.path().join("docs/index.html").is_file());
    assert!(tmp.path().join("docs/.cairn-output").is_file());
    let run = cairn_in(tmp.path(), &["build", &site, "--out", "docs"]);
    assert_eq!(run.code, 0, "a previous output is replaced: {run:?}");

    // An empty folder, or one that does not exist, is fine.
    fs::create_dir_all(tmp.path().join("empty")).unwrap();
    for out in ["empty", "new/deeper"] {
        let run = cairn_in(tmp.path(), &["build", &site, "--out", out]);
        assert_eq!(run.code, 0, "{run:?}");
    }
}

#[test]
fn out_may_not_be_inside_or_hold_a_source_folder() {
    let (tmp, _) = site_at("s2");
    fs::create_dir_all(tmp.path().join("s2/templates")).unwrap();
    fs::write(tmp.path().join("s2/templates/x.html"), "x").unwrap();
    let before = tree(tmp.path());
    for (out, folder) in [
        ("s2/content", "content/"),
        ("s2/content/out", "content/"),
        ("s2/data/systems", "data/"),
        ("s2/static/img", "static/"),
        ("s2/templates", "templates/"),
        ("s2/themes/x", "themes/"),
        ("s2/.git", ".git"),
    ] {
        for _ in 0..3 {
            let run = cairn_in(tmp.path(), &["build", "s2", "--out", out, "--force"]);
            refused(&run, &format!("is inside the site's {folder}"));
        }
    }
    // Through a symlink that points into content/.
    symlink(
        tmp.path().join("s2/content/runbooks"),
        tmp.path().join("rb"),
    )
    .unwrap();
    let run = cairn_in(tmp.path(), &["build", "s2", "--out", "rb/out"]);
    refused(&run, "is inside the site's content/");
    fs::remove_file(tmp.path().join("rb")).unwrap();
    assert_eq!(tree(tmp.path()), before);
}

#[test]
fn out_may_not_hold_a_source_folder_that_lives_elsewhere() {
    let (tmp, site) = site_at("site");
    let shared = tmp.path().join("shared");
    fs::create_dir_all(&shared).unwrap();
    fs::rename(tmp.path().join("site/static"), shared.join("static")).unwrap();
    symlink(shared.join("static"), tmp.path().join("site/static")).unwrap();
    let before = tree(tmp.path());
    let run = cairn_in(tmp.path(), &["build", &site, "--out", "shared", "--force"]);
    refused(&run, "holds the site's static");
    assert_eq!(tree(tmp.path()), before);
}

#[test]
fn out_may_not_be_a_file() {
    let (tmp, site) = site_at("site");
    fs::write(tmp.path().join("notes.txt"), b"my notes").unwrap();
    let before = tree(tmp.path());
    for force in [false, true] {
        let mut args = vec!["build", &site, "--out", "notes.txt"];
        if force {
            args.push("--force");
        }
        let run = cairn_in(tmp.path(), &args);
        refused(&run, "is a file, not a folder");
    }
    assert_eq!(tree(tmp.path()), before, "nothing hidden, nothing left");
}

#[test]
fn a_symlinked_out_is_built_through_and_stays_a_link() {
    let site = Site::fixture("base");
    fs::create_dir_all(site.path().join("www")).unwrap();
    symlink("www", site.path().join("public")).unwrap();
    for _ in 0..2 {
        let run = site.build(&[]);
        assert_eq!(run.code, 0, "{run:?}");
        let link = fs::symlink_metadata(site.path().join("public")).unwrap();
        assert!(link.file_type().is_symlink(), "the link was replaced");
        assert_eq!(
            fs::read_link(site.path().join("public")).unwrap(),
            Path::new("www")
        );
        assert!(site.path().join("www/index.html").is_file());
        assert!(site.path().join("www/.cairn-output").is_file());
    }
    let leftovers: Vec<String> = names_in(site.path())
        .into_iter()
        .filter(|n| n.contains(".cairn-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The pid of a process that has exited.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn staging_left_by_a_dead_build_is_removed_by_the_next() {
    let site = Site::fixture("base");
    let dead = dead_pid();
    let live = std::process::id();
    let p = site.path();
    for name in [
        format!(".public.cairn-{dead}-a1B2c3"),
        format!(".public.cairn-old-{dead}-a1B2c3"),
        format!(".public.cairn-{live}-zzzzzz"),
    ] {
        fs::create_dir_all(p.join(&name).join("systems")).unwrap();
        fs::write(p.join(&name).join("systems/index.html"), "half").unwrap();
    }
    // Look-alikes that are not cairn's staging folders stay.
    fs::write(p.join(format!(".public.cairn-{dead}-file")), "a file").unwrap();
    fs::create_dir_all(p.join("keep")).unwrap();
    symlink(p.join("keep"), p.join(format!(".public.cairn-{dead}-link"))).unwrap();
    fs::create_dir_all(p.join(format!(".other.cairn-{dead}-a1B2c3"))).unwrap();

    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let left: Vec<String> = names_in(p)
        .into_iter()
        .filter(|n| n.contains(".cairn-"))
        .collect();
    let mut kept = vec![
        format!(".other.cairn-{dead}-a1B2c3"),
        format!(".public.cairn-{dead}-file"),
        format!(".public.cairn-{dead}-link"),
        format!(".public.cairn-{live}-zzzzzz"),
    ];
    kept.sort();
    assert_eq!(left, kept, "removed only the dead build's staging folders");
}

#[test]
fn a_build_killed_mid_write_leaves_nothing_the_next_build_keeps() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    crate::gen_corpus::write_site(&site, 400, 60, 3).unwrap();
    let run = cairn_in(tmp.path(), &["build", "site"]);
    assert_eq!(run.code, 0, "{run:?}");
    let before = tree(&site.join("public"));

    // Kill the next build as soon as its staging folder exists.
    let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["build", "site"])
        .current_dir(tmp.path())
        .env("SOURCE_DATE_EPOCH", crate::common::TODAY_EPOCH)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let staging = |n: &String| n.starts_with(".public.cairn-");
    // The build runs until it is killed, so the staging folder must show up
    // while it runs; the look count only bounds a bug that never makes one.
    let mut looks = 0u32;
    while !names_in(&site).iter().any(staging) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the build ended before its staging folder was seen"
        );
        looks += 1;
        assert!(looks < 600_000, "no staging folder after {looks} looks");
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(names_in(&site).iter().any(staging), "killed, it left one");
    assert_eq!(tree(&site.join("public")), before, "old or new, never half");

    let run = cairn_in(tmp.path(), &["build", "site"]);
    assert_eq!(run.code, 0, "{run:?}");
    let left: Vec<String> = names_in(&site).into_iter().filter(staging).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn every_output_carries_the_marker() {
    let site = Site::fixture("base");
    assert_eq!(site.build(&[]).code, 0);
    let marker = site.read("public/.cairn-output");
    assert!(marker.contains("cairn build"), "{marker}");
}
