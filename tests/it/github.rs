//! `cairn check --format github`: GitHub Actions workflow commands, exactly
//! as the runner parses them, with paths from the repository root.

use crate::common::{Site, cairn_in};

/// A system file with an unknown key holding `\r\n`, `,`, `:` and `%`, and a
/// page whose file name holds `:`, `,` and `%` with a broken link (starting
/// with a digit: a name starting like a URL scheme, `a:`, is refused).
fn odd_site() -> Site {
    let site = Site::fixture("base");
    site.write(
        "data/systems/firewall.yaml",
        "id: firewall\nname: Firewall\ntier: 3\nowner: bright\n\"a\\r\\nb,c:d%\": 1\n",
    );
    site.write(
        "content/guides/1a:b,c%.md",
        "---\ntitle: Odd\nlayout: post\n---\nSee [x](nope.md).\n",
    );
    site
}

const EXPECTED: &str = "\
::error file=PREFIXcontent/guides/1a%3Ab%2Cc%25.md,line=5,title=broken-link::broken link `nope.md`: no page content/guides/nope.md
::error file=PREFIXdata/systems/firewall.yaml,line=5,title=invalid-value::unknown field `a%0D%0Ab,c:d%25`, expected one of `id`, `name`, `tier`, `description`, `owner`, `depends_on`, `raci`, `escalation`, `sla`, `facts`, `credentials_at`
::warning file=PREFIXcontent/guides/1a%3Ab%2Cc%25.md,line=3,title=foreign-key::`layout` is another site generator's front matter key; cairn ignores it
cairn check: 2 errors, 1 warning
";

#[test]
fn workflow_commands_with_exact_escaping() {
    let site = odd_site();
    let run = site.cairn(&["check", ".", "--format", "github"]);
    assert_eq!(run.code, 1, "{run:?}");
    // No repository above a temp dir: paths are relative to the current folder.
    assert_eq!(run.stdout, EXPECTED.replace("PREFIX", ""), "{run:?}");
}

#[test]
fn paths_are_relative_to_the_repository_root() {
    let repo = odd_site();
    let root = repo.path();
    let site = root.join("docs/it");
    std::fs::create_dir_all(&site).unwrap();
    for entry in ["cairn.yaml", "content", "data", "static"] {
        std::fs::rename(root.join(entry), site.join(entry)).unwrap();
    }
    std::fs::create_dir(root.join(".git")).unwrap();
    let expected = EXPECTED.replace("PREFIX", "docs/it/");
    // From the root, naming the site; from inside the site; from elsewhere in the repo.
    let run = cairn_in(root, &["check", "docs/it", "--format", "github"]);
    assert_eq!(run.stdout, expected, "{run:?}");
    let run = cairn_in(&site, &["check", ".", "--format", "github"]);
    assert_eq!(run.stdout, expected, "{run:?}");
    std::fs::create_dir(root.join("other")).unwrap();
    let run = cairn_in(
        &root.join("other"),
        &["check", "../docs/it", "--format", "github"],
    );
    assert_eq!(run.stdout, expected, "{run:?}");
}

#[test]
fn without_git_paths_are_relative_to_the_current_folder() {
    let site = Site::fixture("base");
    let outer = tempfile::tempdir().unwrap();
    let inner = outer.path().join("sites/acme");
    crate::common::copy_dir(site.path(), &inner);
    std::fs::write(
        inner.join("content/runbooks/reset-mfa.md"),
        "---\ntitle: Reset\nsystems: [m365]\nlast_reviewed: 2026-11-01\n---\n[x](gone.md)\n",
    )
    .unwrap();
    let run = cairn_in(outer.path(), &["check", "sites/acme", "--format", "github"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.starts_with(
            "::error file=sites/acme/content/runbooks/reset-mfa.md,line=6,title=broken-link::broken link `gone.md`"
        ),
        "{run:?}"
    );
}

#[test]
fn a_clean_site_prints_only_the_count() {
    let site = Site::fixture("base");
    let run = site.cairn(&["check", ".", "--format", "github"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "cairn check: 0 errors, 0 warnings\n");
}
