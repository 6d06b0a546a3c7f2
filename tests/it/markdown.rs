//! Markdown as GitHub shows it: a site written for GitHub (raw HTML, alerts,
//! mermaid, `{#id}` headings, remote images; `tests/fixtures/markdown` over
//! the `base` fixture) built through the binary, and the HTML readers get.

use crate::common::{Site, copy_dir, fixtures};

fn site() -> Site {
    let site = Site::fixture("base");
    copy_dir(&fixtures().join("markdown"), site.path());
    site
}

/// The rendered markdown of a page: what is inside `<div class="prose">`.
fn prose(html: &str) -> &str {
    let start = html.find("<div class=\"prose\">").expect("a prose block");
    let rest = &html[start..];
    &rest[..rest.find("</div>\n").map_or(rest.len(), |end| end)]
}

fn built() -> (Site, String, String) {
    let site = site();
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let github = site.out("runbooks/github-html/index.html");
    let alert = site.out("runbooks/alerts/RouterErrorRatioTooHigh/index.html");
    (site, github, alert)
}

#[test]
fn raw_html_is_sanitized_to_what_github_shows() {
    let (_site, page, _) = built();
    let start = page.find("<div class=\"prose\">").unwrap();
    let body = &page[start..page.find("</main>").unwrap()];
    for kept in [
        "<td>HTTPS<br>also the VPN portal</td>",
        "<td>RDP<sup>[1]</sup>, <small>internal only</small></td>",
        "Press <kbd>Ctrl</kbd>+<kbd>Alt</kbd>+<kbd>Del</kbd>, then set &lt;environment&gt; to <code>prod</code>.",
        "<details>\n<summary>Why the portal shares 443</summary>\n<p>The ISP blocks <strong>everything else</strong>.</p>\n</details>",
        "<img src=\"/img/net.svg\" alt=\"Network\">",
        "<a class=\"embed-link\" href=\"https://www.youtube.com/embed/abc123\">Portal walkthrough</a>",
        "<a>a hostile link</a> and <a name=\"legacy-anchor\"></a>a legacy anchor.",
    ] {
        assert!(body.contains(kept), "missing {kept:?} in\n{body}");
    }
    let lower = body.to_lowercase();
    for dropped in [
        "onerror",
        "<script",
        "alert(",
        "onclick",
        "javascript:",
        "<form",
        "<input name",
        "<button",
        "evil.example",
        "<iframe",
    ] {
        assert!(!lower.contains(dropped), "{dropped:?} survived in\n{body}");
    }
}

#[test]
fn pre_blocks_keep_their_line_breaks() {
    let (_site, page, _) = built();
    assert!(
        page.contains("<pre>Port   State\n443    open\n\n3389   filtered\n</pre>"),
        "{}",
        prose(&page)
    );
}

#[test]
fn custom_heading_ids_exist_and_links_to_them_resolve() {
    let (site, page, alert) = built();
    assert!(
        page.contains("<h2 id=\"ports\" class=\"wide\">Ports<a class=\"anchor\" href=\"#ports\""),
        "{}",
        prose(&page)
    );
    assert!(page.contains("<a href=\"#ports\">the ports</a>"));
    assert!(page.contains("<a href=\"#legacy-anchor\">legacy anchor</a>"));
    assert!(
        page.contains(
            "<a href=\"../alerts/RouterErrorRatioTooHigh/index.html#first-look\">the alert's custom id</a>"
        ),
        "{}",
        prose(&page)
    );
    assert!(
        alert.contains("<h2 id=\"first-look\">First look<a"),
        "{}",
        prose(&alert)
    );
    // check agrees: the same anchors pass, a missing one is named.
    let run = site.cairn(&["check", site.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.json()["errors"], serde_json::json!([]), "{run:?}");
    site.edit("content/runbooks/github-html.md", "(#ports)", "(#ports-1)");
    let run = site.cairn(&["check", site.path().to_str().unwrap(), "--format", "json"]);
    let errors = run.json()["errors"].clone();
    assert_eq!(errors.as_array().unwrap().len(), 1, "{errors}");
    assert_eq!(errors[0]["code"], "broken-link");
    assert!(
        errors[0]["message"].as_str().unwrap().contains("`ports`"),
        "{errors}"
    );
}

#[test]
fn every_alert_type_is_a_labelled_callout() {
    let (_site, _, alert) = built();
    for (class, label, text) in [
        ("note", "Note", "This alert pages the NOC."),
        ("tip", "Tip", "Check the ISP status page first."),
        (
            "important",
            "Important",
            "Tell the office manager before a reboot.",
        ),
        (
            "warning",
            "Warning",
            "Before you start: rebooting drops every call.",
        ),
        ("caution", "Caution", "Never factory-reset the router."),
    ] {
        let callout = format!(
            "<div class=\"markdown-alert markdown-alert-{class}\" role=\"note\">\n\
             <p class=\"markdown-alert-title\">{label}</p>\n<p>{text}</p>\n</div>"
        );
        assert!(
            alert.contains(&callout),
            "missing {callout} in\n{}",
            prose(&alert)
        );
    }
    assert!(!alert.contains("[!"), "{}", prose(&alert));
}

#[test]
fn mermaid_fences_and_pre_blocks_are_diagrams_with_their_scripts() {
    let (_site, page, alert) = built();
    assert_eq!(
        alert
            .matches("<figure class=\"diagram\" data-diagram=\"mermaid\">")
            .count(),
        2,
        "{}",
        prose(&alert)
    );
    assert!(alert.contains(
        "<code class=\"language-mermaid\">graph TD\n  A[Alert fires] --&gt; B{WAN up?}\n"
    ));
    assert!(
        alert.contains(
            "<code class=\"language-mermaid\">sequenceDiagram\n  NOC-&gt;&gt;Tech: page\n"
        )
    );
    // The page loads the loader; the library is fetched when a diagram nears
    // the screen (tests/browser), never by a tag.
    assert!(!alert.contains("mermaid.min.js\" defer"));
    let script = "assets/diagram.js";
    assert!(
        alert.contains(&format!(
            "<script src=\"../../../{script}\" defer></script>"
        )),
        "{script}"
    );
    // Only pages with a diagram load it.
    assert!(
        !page.contains(script),
        "{script} on a page without diagrams"
    );
}

#[test]
fn unknown_languages_footnotes_definitions_tasks_and_strikethrough_still_render() {
    let (_site, page, _) = built();
    for part in [
        "<pre class=\"code hl-code\" data-lang=\"klingon\"><code class=\"language-klingon\">qapla'\n</code></pre>",
        "<dl>\n<dt>Term</dt>\n<dd>Its definition.</dd>\n</dl>",
        "<input disabled=\"\" type=\"checkbox\" checked=\"\">",
        "<del>Old</del>",
        "class=\"footnote-definition\"",
    ] {
        assert!(page.contains(part), "missing {part:?} in\n{}", prose(&page));
    }
}

#[test]
fn pages_carry_a_meta_description() {
    let (site, page, alert) = built();
    assert!(alert.contains(
        "<meta name=\"description\" content=\"The edge router drops more than 5% of packets.\">"
    ));
    // No description: the first paragraph.
    assert!(
        page.contains(
            "<meta name=\"description\" content=\"A page as a GitHub README writes it.\">"
        )
    );
    let system = site.out("systems/m365/index.html");
    assert!(
        system.contains(
            "<meta name=\"description\" content=\"Email, Teams and SharePoint for all staff.\">"
        ),
        "{system}"
    );
}

#[test]
fn remote_images_warn_unless_csp_allows_their_host() {
    let (site, _, alert) = built();
    assert!(
        alert
            .contains("img-src 'self' data: https://images.example.com https://*.cdn.example.net;")
    );
    let run = site.cairn(&["check", site.path().to_str().unwrap(), "--format", "json"]);
    let source = site.read("content/runbooks/alerts/RouterErrorRatioTooHigh.md");
    let line_of = |needle: &str| source.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let remote: Vec<(String, u64)> = run.json()["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] == "remote-image")
        .map(|w| {
            assert_eq!(
                w["file"],
                "content/runbooks/alerts/RouterErrorRatioTooHigh.md"
            );
            (
                w["message"].as_str().unwrap().to_string(),
                w["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(remote.len(), 2, "{remote:?}");
    assert!(
        remote[0]
            .0
            .starts_with("image `https://status.isp.example/badge.png` is on another host"),
        "{remote:?}"
    );
    assert!(
        remote[0]
            .0
            .contains("csp: { img_src: [https://status.isp.example] }"),
        "{remote:?}"
    );
    assert_eq!(remote[0].1 as usize, line_of("status.isp.example"));
    assert!(
        remote[1]
            .0
            .contains("https://tracker.example.org/pixel.gif"),
        "{remote:?}"
    );
    assert_eq!(remote[1].1 as usize, line_of("tracker.example.org"));
    // Allowing the hosts silences them.
    site.edit(
        "cairn.yaml",
        "img_src: [",
        "img_src: [https://status.isp.example, https://tracker.example.org, ",
    );
    let run = site.cairn(&["check", site.path().to_str().unwrap(), "--format", "json"]);
    assert!(!run.stdout.contains("remote-image"), "{run:?}");
}

#[test]
fn an_image_origin_that_is_not_http_is_invalid() {
    for bad in [
        "ftp://images.example.com",
        "https://a.example/path",
        "'self'",
        "https://a.example; script-src *",
    ] {
        let site = site();
        site.edit(
            "cairn.yaml",
            "img_src: [https://images.example.com,",
            &format!("img_src: [\"{bad}\","),
        );
        let run = site.cairn(&["check", site.path().to_str().unwrap(), "--format", "json"]);
        assert_eq!(run.code, 1, "{bad}: {run:?}");
        let errors = run.json()["errors"].clone();
        assert_eq!(errors[0]["code"], "invalid-value", "{bad}: {errors}");
        assert_eq!(errors[0]["file"], "cairn.yaml");
        assert_eq!(errors[0]["line"], 7, "{bad}: {errors}");
        assert!(
            errors[0]["message"]
                .as_str()
                .unwrap()
                .contains("is not an image origin"),
            "{errors}"
        );
    }
}

#[test]
fn escape_and_allow_stay_available() {
    let site = site();
    site.edit(
        "cairn.yaml",
        "review_every: 180d",
        "review_every: 180d\nmarkdown: { raw_html: escape }",
    );
    assert_eq!(site.build(&[]).code, 0);
    let page = site.out("runbooks/github-html/index.html");
    assert!(page.contains("<p class=\"raw-html\">&lt;pre&gt;\nPort   State\n443    open\n\n3389   filtered\n&lt;/pre&gt;</p>"), "{}", prose(&page));
    assert!(page.contains("&lt;script&gt;alert("), "{}", prose(&page));

    site.edit("cairn.yaml", "raw_html: escape", "raw_html: allow");
    assert_eq!(site.build(&[]).code, 0);
    let page = site.out("runbooks/github-html/index.html");
    assert!(
        page.contains("<script>alert('script')</script>"),
        "{}",
        prose(&page)
    );
}

#[test]
fn search_finds_the_alert_page_by_its_name_and_its_parts() {
    let (site, _, _) = built();
    let index: String = crate::common::files(&site.path().join("public/search"))
        .iter()
        .filter(|f| f.starts_with("t/"))
        .map(|f| site.out(&format!("search/{f}")))
        .collect();
    for term in [
        "\"router\"",
        "\"error\"",
        "\"ratio\"",
        "\"routererrorratiotoohigh\"",
        "\"alerts\"",
    ] {
        assert!(index.contains(term), "{term} not indexed");
    }
}
