//! Only the site is published: a file under `content/`, `data/`, `static/`,
//! `templates/` or `themes/` that is a special file or resolves outside its own
//! top folder is `outside-site`, and nothing is read from it. Every repro of
//! issue 12 finding 2, with every output byte searched for the secret.

use crate::common::{Run, Site, cairn_in};
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What the files outside the site hold; must never reach the output.
const MARKER: &str = "LEAK-MARKER-7f3a";

/// A temp folder outside the site holding environ-like and shadow-like files.
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("environ"),
        format!("PATH=/usr/bin\0CI_DEPLOY_TOKEN={MARKER}\0HOME=/root\0"),
    )
    .unwrap();
    fs::write(
        dir.path().join("shadow"),
        format!("root:$6${MARKER}$abc:19000:0:99999:7:::\n"),
    )
    .unwrap();
    fs::write(
        dir.path().join("page.md"),
        format!("---\ntitle: Borrowed\n---\n\nThe vault key is {MARKER}.\n"),
    )
    .unwrap();
    fs::create_dir_all(dir.path().join("etc")).unwrap();
    fs::write(dir.path().join("etc/passwd"), MARKER).unwrap();
    dir
}

/// No file below `dir` holds `needle`, in any byte.
#[track_caller]
fn assert_nowhere(dir: &Path, needle: &str) {
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() {
            let bytes = fs::read(entry.path()).unwrap();
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{} holds {needle}",
                entry.path().display()
            );
        }
    }
}

/// `cairn ARGS` in `cwd`, killed (and the test failed) after 60 s: a FIFO
/// opened for reading would block forever.
fn cairn_bounded(cwd: &Path, args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", crate::common::TODAY_EPOCH)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("cairn {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The `(code, file)` pairs of `cairn check --format json`.
fn errors(site: &Site) -> Vec<(String, String)> {
    let run = cairn_bounded(site.path(), &["check", ".", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    run.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["code"].as_str().unwrap().to_string(),
                e["file"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[track_caller]
fn outside_site(site: &Site, files: &[&str]) {
    let got = errors(site);
    for file in files {
        assert!(
            got.contains(&("outside-site".to_string(), file.to_string())),
            "no outside-site for {file}: {got:?}"
        );
    }
    let run = cairn_bounded(site.path(), &["check"]);
    for file in files {
        assert!(
            run.stdout.contains(&format!("error[outside-site]: {file}")),
            "{run:?}"
        );
    }
}

/// A good build first, so there is an output whose every byte can be searched
/// after the refused one.
fn built_base() -> Site {
    let site = Site::fixture("base");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    site
}

#[test]
fn links_from_static_to_secrets_outside_are_refused_and_never_published() {
    let site = built_base();
    let out = outside();
    symlink(out.path().join("environ"), site.path().join("static/env")).unwrap();
    symlink(out.path().join("shadow"), site.path().join("static/shadow")).unwrap();
    // A chain: inside, then out.
    symlink("hop", site.path().join("static/chain")).unwrap();
    symlink(out.path().join("shadow"), site.path().join("static/hop")).unwrap();
    // A folder link: nothing below it is even listed.
    symlink(out.path().join("etc"), site.path().join("static/etc")).unwrap();
    outside_site(
        &site,
        &[
            "static/env",
            "static/shadow",
            "static/chain",
            "static/hop",
            "static/etc/",
        ],
    );
    for audience in ["client", "internal"] {
        let run = cairn_bounded(site.path(), &["build", ".", "--audience", audience]);
        assert_eq!(run.code, 1, "{run:?}");
        assert!(
            run.stderr.contains("error[outside-site]: static/env"),
            "{run:?}"
        );
        assert!(
            !run.stderr.contains(MARKER),
            "the message quotes no content"
        );
        assert_nowhere(site.path().join("public").as_path(), MARKER);
        let run = cairn_bounded(
            site.path(),
            &["build", ".", "--audience", audience, "--out", "fresh"],
        );
        assert_eq!(run.code, 1, "{run:?}");
        assert!(!site.path().join("fresh").exists());
    }
}

#[test]
fn a_page_linked_from_outside_is_not_rendered_or_indexed() {
    let site = built_base();
    let out = outside();
    symlink(
        out.path().join("page.md"),
        site.path().join("content/guides/borrowed.md"),
    )
    .unwrap();
    outside_site(&site, &["content/guides/borrowed.md"]);
    let run = cairn_bounded(site.path(), &["build", ".", "--audience", "internal"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_nowhere(site.path().join("public").as_path(), MARKER);
    assert_nowhere(site.path().join("public").as_path(), "Borrowed");
}

#[test]
fn static_may_not_publish_a_data_file_by_link() {
    let site = built_base();
    symlink("../data/parties.yaml", site.path().join("static/p.yaml")).unwrap();
    outside_site(&site, &["static/p.yaml"]);
    let run = cairn_bounded(site.path(), &["build", ".", "--audience", "client"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("error[outside-site]: static/p.yaml"),
        "{run:?}"
    );
    // The YAML source's own spelling appears in no output file.
    assert_nowhere(site.path().join("public").as_path(), "phone: \"+1");
    assert!(!site.path().join("public/p.yaml").exists());
}

#[test]
fn links_that_stay_inside_their_top_folder_keep_working() {
    let site = Site::fixture("base");
    // static/ → static/, a folder link and a file link.
    symlink("img", site.path().join("static/pictures")).unwrap();
    symlink("img/net.svg", site.path().join("static/logo.svg")).unwrap();
    // data/systems/x.yaml → data/, a page → content/.
    fs::rename(
        site.path().join("data/systems/firewall.yaml"),
        site.path().join("data/firewall.yaml"),
    )
    .unwrap();
    symlink(
        "../firewall.yaml",
        site.path().join("data/systems/firewall.yaml"),
    )
    .unwrap();
    symlink(
        "escalate.md",
        site.path().join("content/guides/escalation.md"),
    )
    .unwrap();
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains("outside-site"), "{run:?}");
    let svg = fs::read(site.path().join("static/img/net.svg")).unwrap();
    assert_eq!(fs::read(site.path().join("public/logo.svg")).unwrap(), svg);
    assert_eq!(
        fs::read(site.path().join("public/pictures/net.svg")).unwrap(),
        svg
    );
    assert!(
        site.path()
            .join("public/systems/firewall/index.html")
            .is_file()
    );
    assert!(
        site.path()
            .join("public/guides/escalation/index.html")
            .is_file()
    );
}

#[test]
fn special_files_are_refused_without_being_opened() {
    let site = built_base();
    for fifo in ["static/pipe", "content/guides/pipe.md", "data/parties.yaml"] {
        let path = site.path().join(fifo);
        let _ = fs::remove_file(&path);
        let status = Command::new("mkfifo").arg(&path).status().unwrap();
        assert!(status.success());
    }
    // A socket too.
    let _sock = std::os::unix::net::UnixListener::bind(site.path().join("static/sock")).unwrap();
    outside_site(
        &site,
        &[
            "static/pipe",
            "content/guides/pipe.md",
            "data/parties.yaml",
            "static/sock",
        ],
    );
    let run = cairn_bounded(site.path(), &["build"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("FIFO"), "{run:?}");
}

#[test]
fn a_top_folder_or_data_file_outside_the_site_is_refused() {
    let site = built_base();
    let out = outside();
    // static/ itself elsewhere: nothing in it is read.
    fs::remove_dir_all(site.path().join("static")).unwrap();
    symlink(out.path(), site.path().join("static")).unwrap();
    // A system's data from outside data/.
    fs::write(
        out.path().join("vault.yaml"),
        format!("id: vault\nname: {MARKER}\ntier: 3\nowner: acme-it\n"),
    )
    .unwrap();
    symlink(
        out.path().join("vault.yaml"),
        site.path().join("data/systems/vault.yaml"),
    )
    .unwrap();
    // Any file under data/, read by cairn or not.
    symlink(
        out.path().join("shadow"),
        site.path().join("data/notes.txt"),
    )
    .unwrap();
    // A template from outside templates/.
    fs::create_dir_all(site.path().join("templates")).unwrap();
    fs::write(out.path().join("page.html"), MARKER).unwrap();
    symlink(
        out.path().join("page.html"),
        site.path().join("templates/page.html"),
    )
    .unwrap();
    outside_site(
        &site,
        &[
            "static/",
            "data/systems/vault.yaml",
            "data/notes.txt",
            "templates/page.html",
        ],
    );
    let run = cairn_bounded(site.path(), &["build", ".", "--audience", "internal"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(!run.stderr.contains(MARKER), "{run:?}");
    assert_nowhere(site.path().join("public").as_path(), MARKER);
}

#[test]
fn a_theme_name_may_not_leave_themes() {
    let site = Site::fixture("base");
    let out = outside();
    fs::create_dir_all(out.path().join("templates")).unwrap();
    fs::write(out.path().join("templates/base.html"), MARKER).unwrap();
    let rel = format!("../../../../../../../..{}", out.path().display());
    site.edit("cairn.yaml", "title:", &format!("theme: \"{rel}\"\ntitle:"));
    let run = cairn_bounded(site.path(), &["check", ".", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("must be the name of a folder under themes/"),
        "{run:?}"
    );
    let run = cairn_bounded(site.path(), &["build"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(!site.path().join("public").exists());
}

#[test]
fn dotfiles_are_neither_read_nor_walked() {
    let site = Site::fixture("base");
    let out = outside();
    // `.cache -> /` would otherwise walk the whole disk.
    symlink("/", site.path().join("static/.cache")).unwrap();
    symlink(out.path().join("environ"), site.path().join("static/.env")).unwrap();
    // Walking `/` would publish or fail on files of the whole disk: the
    // output holds none of them (no clock needed).
    let run = cairn_in(site.path(), &["build"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        !crate::common::files(&site.path().join("public"))
            .iter()
            .any(|f| f.starts_with(".cache") || f.starts_with("etc/") || f.contains("/proc/")),
        "walked into .cache"
    );
    assert_nowhere(site.path().join("public").as_path(), MARKER);
}
