//! `cairn init` and `cairn new`: what they write, and what they refuse.

use crate::common::{Site, cairn_in, files};

#[test]
fn init_ignores_the_default_output_in_git() {
    let dir = tempfile::tempdir().unwrap();
    let run = cairn_in(dir.path(), &["init", "mysite"]);
    assert_eq!(run.code, 0, "{run:?}");
    let ignore = std::fs::read_to_string(dir.path().join("mysite/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "public/"), "{ignore}");
}

#[test]
fn new_refuses_a_system_that_is_not_an_id_and_writes_nothing() {
    let site = Site::fixture("base");
    let before = files(site.path());
    for system in ["../../etc", "M365", "a/b", "", "m365]\ntitle: x", "m 365"] {
        let run = site.cairn(&["new", "runbook", "Restore a mailbox", "--system", system]);
        assert_eq!(run.code, 2, "{system:?}: {run:?}");
        assert!(run.stderr.contains("is not a system id"), "{run:?}");
        assert!(
            run.stderr.contains("lowercase letters, digits and `-`"),
            "{run:?}"
        );
    }
    assert_eq!(files(site.path()), before, "nothing written");
    assert!(!site.path().join("etc").exists());
}

#[test]
fn new_never_writes_through_a_link_out_of_content() {
    let site = Site::fixture("base");
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::remove_dir_all(site.path().join("content/runbooks")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), site.path().join("content/runbooks")).unwrap();
    let run = site.cairn(&["new", "runbook", "Restore a mailbox"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("outside the site's content/"),
        "{run:?}"
    );
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}
