//! Issue 25: a runbook repo written for GitHub, Hugo or MkDocs builds as it
//! stands: titles from the first H1 (the page's one `<h1>`), every folder a
//! listed section, other generators' front matter and shortcodes read or
//! reported, aliases redirected, hidden pages unlinked, collisions named.

use crate::common::Site;

/// The `<h1>` elements of a page, their text without the self-link.
fn h1s(html: &str) -> Vec<String> {
    html.split("<h1")
        .skip(1)
        .map(|rest| {
            let inner = &rest[rest.find('>').unwrap() + 1..rest.find("</h1>").unwrap()];
            let inner = inner.split("<a class=\"anchor\"").next().unwrap();
            inner.trim().to_string()
        })
        .collect()
}

fn codes(run: &crate::common::Run, kind: &str) -> Vec<(String, String, Option<u64>)> {
    run.json()[kind]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64(),
            )
        })
        .collect()
}

#[test]
fn a_plain_github_folder_builds_with_titles_from_headings_and_generated_sections() {
    let site = Site::fixture("adopt/github");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains("warning"), "{run:?}");
    let page = site.out("alerts/network/LinkDown/index.html");
    assert_eq!(h1s(&page), ["LinkDown"]);
    assert!(page.contains("<title>LinkDown"), "{page}");
    assert!(page.contains("href=\"../../storage/DiskFull/index.html#mitigation\""));
    assert!(page.contains("href=\"ssh://core-sw.example.net\""));
    // A folder without `_index.md` is a section, listed from the home page.
    let home = site.out("index.html");
    assert!(home.contains("href=\"alerts/index.html\""), "{home}");
    let alerts = site.out("alerts/index.html");
    assert!(
        alerts.contains("network/index.html\">Network</a>"),
        "{alerts}"
    );
    let network = site.out("alerts/network/index.html");
    assert!(network.contains("LinkDown/index.html"), "{network}");
    let check = site.cairn(&["check", ".", "--format", "json"]);
    assert_eq!(check.code, 0, "{check:?}");
    assert!(codes(&check, "warnings").is_empty(), "{check:?}");
}

#[test]
fn a_hugo_site_builds_with_its_front_matter_shortcodes_and_aliases() {
    let site = Site::fixture("adopt/hugo");
    let check = site.cairn(&["check", ".", "--format", "json"]);
    assert_eq!(check.code, 0, "{check:?}");
    assert_eq!(
        codes(&check, "warnings"),
        [
            ("foreign-key".into(), "content/_index.md".into(), Some(3)),
            (
                "foreign-key".into(),
                "content/docs/add-runbook.md".into(),
                Some(3)
            ),
            (
                "unsupported-shortcode".into(),
                "content/docs/add-runbook.md".into(),
                Some(10)
            ),
            (
                "foreign-key".into(),
                "content/runbooks/_index.md".into(),
                Some(2)
            ),
            (
                "foreign-key".into(),
                "content/runbooks/net/_index.md".into(),
                Some(3)
            ),
        ],
        "{check:?}"
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");

    let flapping = site.out("runbooks/net/LinkFlapping/index.html");
    assert_eq!(h1s(&flapping), ["LinkFlapping"]);
    assert!(flapping.contains("<title>Link Flapping"), "{flapping}");
    // `{{< ref >}}` is a relative link; the hint a callout; the figure an image.
    assert!(
        flapping.contains("href=\"../LinkDown/index.html\""),
        "{flapping}"
    );
    assert!(flapping.contains("markdown-alert-warning"), "{flapping}");
    assert!(
        flapping.contains("Do not reboot the core switch"),
        "{flapping}"
    );
    assert!(flapping.contains("src=\"../topology.png\""), "{flapping}");
    assert!(flapping.contains("<em>The core uplinks</em>"), "{flapping}");
    // summary is the description, categories are tags.
    assert!(
        flapping.contains("An uplink goes up and down."),
        "{flapping}"
    );
    assert!(flapping.contains(">network</span>"), "{flapping}");
    // date is shown; lastmod stands for last_reviewed.
    assert!(flapping.contains("<dd>2024-03-05</dd>"), "{flapping}");
    assert!(flapping.contains("2026-11-01"), "{flapping}");
    assert!(!flapping.contains("{{"), "{flapping}");

    let down = site.out("runbooks/net/LinkDown/index.html");
    assert!(down.contains("markdown-alert-tip"), "{down}");
    assert!(
        down.contains("href=\"../LinkFlapping/index.html#linkflapping\""),
        "{down}"
    );

    // The alias is a redirect page to the page.
    let old = site.out("linkflapping/index.html");
    assert!(
        old.contains("url=../runbooks/net/LinkFlapping/index.html"),
        "{old}"
    );
    // Hugo-style links without `.md` resolve; unknown shortcodes stay text.
    let home = site.out("index.html");
    assert_eq!(h1s(&home), ["Welcome"]);
    assert!(
        home.contains("href=\"docs/add-runbook/index.html\""),
        "{home}"
    );
    assert!(
        site.out("docs/add-runbook/index.html")
            .contains("{{&lt; param BookRepo &gt;}}")
    );

    // weight orders the section; linkTitle is the short title in lists.
    let net = site.out("runbooks/net/index.html");
    let (down_at, flap_at) = (
        net.find(">Link Down<").unwrap(),
        net.find(">Flapping<").unwrap(),
    );
    assert!(down_at < flap_at, "{net}");

    // Drafts and future pages stay out unless --drafts.
    assert!(!site.path().join("public/runbooks/net/WanDraft").exists());
    assert!(!site.path().join("public/runbooks/net/Later").exists());
    let run = site.build(&["--drafts"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        site.path()
            .join("public/runbooks/net/WanDraft/index.html")
            .exists()
    );
    assert!(
        site.path()
            .join("public/runbooks/net/Later/index.html")
            .exists()
    );
}

#[test]
fn mkdocs_admonitions_render_as_callouts() {
    let site = Site::fixture("adopt/mkdocs");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let vpn = site.out("guides/vpn/index.html");
    assert_eq!(h1s(&vpn), ["Reset the VPN"]);
    assert!(vpn.contains("markdown-alert-warning"), "{vpn}");
    assert!(vpn.contains("<strong>Before you start</strong>"), "{vpn}");
    assert!(vpn.contains("It takes five minutes."), "{vpn}");
    assert!(vpn.contains("markdown-alert-note"), "{vpn}");
    assert!(!vpn.contains("!!!"), "{vpn}");
    let check = site.cairn(&["check", ".", "--format", "json"]);
    assert_eq!(
        codes(&check, "warnings"),
        [(
            "foreign-key".into(),
            "content/guides/vpn.md".into(),
            Some(3)
        )],
        "{check:?}"
    );
}

/// The repro: an extension-less file beside `x.md` made `build` fail with
/// "Is a directory (os error 21)" and no code while `check` passed.
#[test]
fn a_file_where_a_page_needs_a_folder_is_an_output_collision_naming_both() {
    let site = Site::fixture("adopt/github");
    site.write("content/alerts/storage/DiskFull", "old copy\n");
    let check = site.cairn(&["check", ".", "--format", "json"]);
    assert_eq!(check.code, 1, "{check:?}");
    let errors = &check.json()["errors"];
    assert_eq!(errors[0]["code"], "output-collision", "{check:?}");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.contains("content/alerts/storage/DiskFull and content/alerts/storage/DiskFull.md"),
        "{message}"
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("error[output-collision]"), "{run:?}");
    assert!(!run.stderr.contains("os error"), "{run:?}");
}

#[test]
fn an_alias_onto_another_page_is_an_output_collision() {
    let site = Site::fixture("adopt/hugo");
    site.edit(
        "content/runbooks/net/LinkFlapping.md",
        "/linkflapping/",
        "/docs/add-runbook/",
    );
    let check = site.cairn(&["check", ".", "--format", "json"]);
    assert_eq!(check.code, 1, "{check:?}");
    let message = check.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("content/docs/add-runbook.md"), "{message}");
    assert!(
        message.contains("content/runbooks/net/LinkFlapping.md (alias `/docs/add-runbook/`)"),
        "{message}"
    );
}

#[test]
fn links_with_unregistered_schemes_are_warned() {
    let site = Site::fixture("adopt/github");
    site.write(
        "content/alerts/x.md",
        "# X\n\n[a](link:https://example.com) [b](htps://example.com) [c](ms-settings:network) [d](vnc://h)\n",
    );
    let check = site.cairn(&["check", ".", "--format", "json"]);
    assert_eq!(check.code, 0, "{check:?}");
    assert_eq!(
        codes(&check, "warnings"),
        [
            (
                "unknown-scheme".into(),
                "content/alerts/x.md".into(),
                Some(3)
            ),
            (
                "unknown-scheme".into(),
                "content/alerts/x.md".into(),
                Some(3)
            ),
        ]
    );
}

/// Hiding a page never forces edits elsewhere: the client build shows the
/// link's text, and the check lists it in the internal build too.
#[test]
fn a_link_to_an_internal_page_is_text_in_a_client_build() {
    let site = Site::fixture("adopt/github");
    site.edit(
        "content/alerts/storage/DiskFull.md",
        "# DiskFull",
        "---\naudience: internal\n---\n# DiskFull",
    );
    let run = site.build(&["--audience", "client"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("warning[link-to-internal]"), "{run:?}");
    let page = site.out("alerts/network/LinkDown/index.html");
    assert!(page.contains("Check the storage alert too"), "{page}");
    assert!(!page.contains("DiskFull"), "{page}");
    let check = site.cairn(&["check", ".", "--format", "json", "--audience", "internal"]);
    assert_eq!(
        codes(&check, "warnings"),
        [(
            "link-to-internal".into(),
            "content/alerts/network/LinkDown.md".into(),
            Some(13)
        )],
        "{check:?}"
    );
}

#[test]
fn a_key_one_edit_from_a_cairn_key_is_invalid_with_a_hint() {
    let site = Site::fixture("adopt/github");
    site.write("content/alerts/x.md", "---\ntitl: X\n---\n# X\n");
    let check = site.cairn(&["check", ".", "--format", "json"]);
    assert_eq!(check.code, 1, "{check:?}");
    let error = &check.json()["errors"][0];
    assert_eq!(error["code"], "invalid-value");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("(did you mean `title`?)"),
        "{check:?}"
    );
}

/// `cairn init --from` copies a Hugo site's `content/` (never moves it),
/// writes `cairn.yaml`, says what it found and what to do next.
#[test]
fn init_from_copies_an_existing_tree_and_says_what_it_found() {
    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("hugo-site");
    crate::common::copy_dir(&crate::common::fixtures().join("adopt/hugo"), &repo);
    std::fs::remove_file(repo.join("cairn.yaml")).unwrap();
    std::fs::write(repo.join("config.yaml"), "title: x\n").unwrap();
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(repo.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let before = crate::common::files(&repo);

    let run = crate::common::cairn_in(work.path(), &["init", "site", "--from", "hugo-site"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        crate::common::files(&repo),
        before,
        "the original is untouched"
    );
    let site = work.path().join("site");
    assert!(site.join("cairn.yaml").is_file());
    assert!(site.join("content/runbooks/net/LinkFlapping.md").is_file());
    assert!(!site.join("content/.git").exists() && !site.join("content/content").exists());
    for says in [
        "9 files copied into content/",
        "Found 5 pages in 3 sections.",
        "Shortcodes cairn does not read (shown as text): param ×1",
        "Front matter keys of other generators (ignored): type, menu, bookHidden, bookCollapseSection",
        "cairn serve site",
    ] {
        assert!(run.stdout.contains(says), "{says}\n{run:?}");
    }
    let build = crate::common::cairn_in(work.path(), &["build", "site"]);
    assert_eq!(build.code, 0, "{build:?}");

    let again = crate::common::cairn_in(work.path(), &["init", "site", "--from", "hugo-site"]);
    assert_eq!(again.code, 1, "{again:?}");
    assert!(again.stderr.contains("not empty"), "{again:?}");
}
