//! Issue 24: what a build must never publish whatever the site's templates
//! do, and what `serve` must refuse exactly as `build` does.

use crate::common::*;
use std::process::Command;

/// The site `fixture` with `line` added to the top of the built-in `base.html`
/// as a site template override.
fn with_base_line(fixture: &str, line: &str) -> Site {
    let site = Site::fixture(fixture);
    let base = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"),
    )
    .unwrap();
    site.write(
        "templates/base.html",
        &base.replacen("<body>\n", &format!("<body>\n{line}\n"), 1),
    );
    site
}

#[test]
fn a_template_calling_get_env_fails_the_build_and_publishes_nothing() {
    let site = with_base_line(
        "base",
        "<p>{{ get_env(name=\"DBPASS\", default=\"none\") }}</p>",
    );
    let line = site
        .read("templates/base.html")
        .lines()
        .position(|l| l.contains("get_env"))
        .unwrap()
        + 1;
    for audience in ["client", "internal"] {
        let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
            .args([
                "build",
                site.path().to_str().unwrap(),
                "--audience",
                audience,
            ])
            .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
            .env("NO_COLOR", "1")
            .env("DBPASS", "hunter2-prod-db")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
        assert!(
            stderr.contains(&format!("error[template-env]: templates/base.html:{line}:")),
            "{stderr}"
        );
        assert!(!stderr.contains("hunter2") && !stdout.contains("hunter2"));
        assert!(!site.path().join("public").exists(), "nothing written");
    }
    let check = site.cairn(&["check", site.path().to_str().unwrap()]);
    assert_eq!(check.code, 1, "{check:?}");
    assert!(
        check
            .stdout
            .contains("error[template-env]: templates/base.html:"),
        "{check:?}"
    );
}
