use super::*;

#[test]
fn every_pattern_compiles() {
    // A pattern that does not compile panics on first use: here, not in a
    // user's build.
    for (name, re) in [
        ("headings::NOT_IN_SLUG", &headings::NOT_IN_SLUG),
        ("render::PRE", &render::PRE),
        ("render::TAG", &render::TAG),
        ("escape::COMMENT", &escape::COMMENT),
    ] {
        let re: &regex::Regex = std::sync::LazyLock::force(re);
        assert!(!re.as_str().is_empty(), "{name}");
    }
}

fn with(raw_html: RawHtml, markdown: &str) -> String {
    render(markdown, &BodyOptions { raw_html }, &|_, _| None).html
}

fn plain(markdown: &str) -> String {
    with(RawHtml::Allow, markdown)
}

fn escaped(markdown: &str) -> String {
    with(RawHtml::Escape, markdown)
}

fn sanitized(markdown: &str) -> String {
    with(RawHtml::Sanitize, markdown)
}

fn ids(markdown: &str) -> Vec<String> {
    scan(markdown).headings.into_iter().map(|h| h.id).collect()
}

#[test]
fn heading_ids_follow_github_rules() {
    assert_eq!(slugify("Reset a user's MFA"), "reset-a-users-mfa");
    assert_eq!(
        slugify("Step 2: call Bright (24x7)!"),
        "step-2-call-bright-24x7"
    );
    assert_eq!(
        slugify("snake_case and kebab-case"),
        "snake_case-and-kebab-case"
    );
    assert_eq!(slugify("Two  spaces"), "two--spaces");
    assert_eq!(
        slugify("Überprüfung der Sicherung"),
        "überprüfung-der-sicherung"
    );
    assert_eq!(slugify("バックアップ 確認"), "バックアップ-確認");
    // Combining marks are word characters on GitHub too.
    assert_eq!(slugify("हिन्दी"), "हिन्दी");
    assert_eq!(
        ids("# Use `Get-Mailbox` *now*\n\n## [Link](x.md) text\n"),
        ["use-get-mailbox-now", "link-text"]
    );
}

#[test]
fn repeated_headings_get_numbered_ids() {
    assert_eq!(
        ids("# Steps\n## Steps\n### Steps\n"),
        ["steps", "steps-1", "steps-2"]
    );
    // "Steps 1" claims steps-1 first, so the repeat skips it.
    assert_eq!(
        ids("# Steps 1\n# Steps\n# Steps\n"),
        ["steps-1", "steps", "steps-2"]
    );
    assert_eq!(ids("# !!!\n# ???\n"), ["section", "section-1"]);
    // A later "Steps 3" after the counter passed it still gets its own id.
    assert_eq!(
        ids("# Steps\n# Steps\n# Steps\n# Steps 2\n# Steps\n"),
        ["steps", "steps-1", "steps-2", "steps-2-1", "steps-3"]
    );
}

#[test]
fn many_equal_headings_are_not_quadratic() {
    // Was a minute in a debug build (each id tried every earlier suffix);
    // the ids say which way they were made, no clock needed.
    let page = "## Step\n\n".repeat(20_000);
    let ids = ids(&page);
    assert_eq!(ids.len(), 20_000);
    assert_eq!(ids[19_999], "step-19999");
}

#[test]
fn rendered_heading_ids_match_scanned_ones() {
    let markdown =
        "# Steps\n\nText\n\n## Steps\n\nSetext\n---\n\n## <b>Bold</b> ![logo](l.png) end\n";
    let html = escaped(markdown);
    for id in ids(markdown) {
        assert!(
            html.contains(&format!(" id=\"{id}\"")),
            "{id} missing in {html}"
        );
    }
    // The image leaves its spaces behind, as on GitHub.
    assert_eq!(ids(markdown), ["steps", "steps-1", "setext", "bold--end"]);
}

#[test]
fn headings_carry_a_self_link_outside_their_text() {
    let html = plain("## Call the NOC\n");
    assert_eq!(
        html,
        "<h2 id=\"call-the-noc\">Call the NOC<a class=\"anchor\" href=\"#call-the-noc\">#</a></h2>\n"
    );
    let headings = scan("## Call the NOC\n").headings;
    assert_eq!(
        headings,
        [Heading {
            level: 2,
            text: "Call the NOC".into(),
            id: "call-the-noc".into()
        }]
    );
}

#[test]
fn heading_braces_stay_in_the_text() {
    let scan = scan("# Restart {service}\n");
    assert_eq!(scan.headings[0].text, "Restart {service}");
    assert_eq!(scan.headings[0].id, "restart-service");
}

#[test]
fn link_lines_count_from_one() {
    let markdown = "[first](a.md) on line one\n\
                    \n\
                    text then ![img](pic.png)\n\
                    and a [reference][ref] on four\n\
                    \n\
                    <mail@example.com>\n\
                    \n\
                    [ref]: ../other.md#anchor\n";
    let links = scan(markdown).links;
    let found: Vec<_> = links
        .iter()
        .map(|l| (l.dest.as_str(), l.line, l.is_image))
        .collect();
    assert_eq!(
        found,
        [
            ("a.md", 1, false),
            ("pic.png", 3, true),
            ("../other.md#anchor", 4, false),
            ("mailto:mail@example.com", 6, false),
        ]
    );
}

#[test]
fn scan_separates_prose_from_code() {
    let markdown = "# Title\n\nFirst para\nwraps. Run `whoami`.\n\n- one\n- two\n\n\
                    | a | b |\n|---|---|\n| c | d |\n\n```sh\necho hi\n```\n\n    indented\n\n<div>raw</div>\n";
    let scan = scan_with_text(markdown);
    assert_eq!(
        scan.text,
        "Title\nFirst para wraps. Run whoami.\none\ntwo\na b\nc d\nraw"
    );
    assert_eq!(scan.code, "echo hi\nindented\n");
}

#[test]
fn powershell_is_highlighted() {
    let html = plain("```powershell\nGet-Mailbox -Identity $user | Set-Mailbox\n```\n");
    assert!(
        html.starts_with(
            "<pre class=\"code hl-code\" data-lang=\"powershell\"><code class=\"language-powershell\"><span class=\"_"
        ),
        "{html}"
    );
    assert!(!html.contains("style="), "{html}");
    // `$user` is a variable: its span's class has a colour of its own.
    let class = class_before(&html, "$user").expect("a span for the variable");
    let css = highlight_css();
    let rule = &css[css.find(&format!(".{class} {{")).expect("a rule")..];
    assert!(rule[..rule.find('}').unwrap()].contains("color:"), "{rule}");
    assert!(!html.contains("hl-powershell"), "{html}");
    // The extension works as a token too.
    assert_eq!(super::highlight::syntax_name("ps1"), Some("PowerShell"));
    assert_eq!(super::highlight::syntax_name("pwsh"), Some("PowerShell"));
}

#[test]
fn dockerfile_sql_json_yaml_bash_are_highlighted() {
    let cases = [
        (
            "dockerfile",
            "FROM alpine\nRUN apk add curl\n",
            "Dockerfile",
        ),
        ("Dockerfile", "FROM alpine\n", "Dockerfile"),
        ("sql", "SELECT * FROM users;\n", "SQL"),
        ("json", "{\"a\": 1}\n", "JSON"),
        ("yaml", "a: 1\n", "YAML"),
        ("yml", "a: 1\n", "YAML"),
        ("bash", "echo \"$HOME\"\n", "Bourne Again Shell (bash)"),
        ("sh", "ls -la\n", "Bourne Again Shell (bash)"),
        ("shell", "ls -la\n", "Bourne Again Shell (bash)"),
        ("toml", "a = 1\n", "TOML"),
        ("ini", "[a]\nb=1\n", "INI"),
        ("python", "def f():\n    pass\n", "Python"),
    ];
    for (lang, code, syntax) in cases {
        assert_eq!(
            super::highlight::syntax_name(&lang.to_lowercase()),
            Some(syntax),
            "{lang}"
        );
        let html = plain(&format!("```{lang}\n{code}```\n"));
        assert!(html.contains("<span class=\"_"), "{lang}: {html}");
    }
}

/// The class of the span `text` starts in, when it starts one.
fn class_before(html: &str, text: &str) -> Option<String> {
    let at = html.find(&format!("\">{text}"))?;
    let open = html[..at].rfind("<span class=\"")? + "<span class=\"".len();
    Some(html[open..at].to_string())
}

#[test]
fn highlighted_spans_are_flat_with_one_class_a_rule_names() {
    // syntect nests a span per scope (`hl-source hl-dockerfile`, then
    // `hl-comment hl-line hl-number-sign hl-dockerfile`, then the `#`'s
    // punctuation): here each run of one look is one span with one class.
    let html = plain("```dockerfile\n# a comment\nFROM alpine AS build\n```\n");
    assert!(
        html.contains("<span class=\"_") && !html.contains("hl-dockerfile"),
        "{html}"
    );
    // The whole comment, `#` and line end included, is one span.
    assert!(
        class_before(&html, "# a comment\n</span>").is_some(),
        "{html}"
    );
    let css = highlight_css();
    let mut last: Option<(String, usize)> = None;
    let mut rest = html.as_str();
    let mut offset = 0;
    while let Some(at) = rest.find("<span") {
        let attr = &rest[at..];
        let class = &attr["<span class=\"".len()..attr.find("\">").unwrap()];
        assert!(!class.contains(' '), "{class}: {html}");
        assert!(css.contains(&format!(".{class} {{")), "{class} has no rule");
        let close = attr.find("</span>").unwrap();
        // Flat: no span inside a span.
        assert!(!attr[1..close].contains("<span"), "{html}");
        // Adjacent runs of one class are one span.
        if let Some((previous, end)) = &last {
            assert!(!(previous == class && *end == offset + at), "{html}");
        }
        let end = offset + at + close + "</span>".len();
        last = Some((class.to_string(), end));
        rest = &html[end..];
        offset = end;
    }
    assert_eq!(
        html.matches("<span").count(),
        html.matches("</span>").count()
    );
}

#[test]
fn dark_theme_has_the_light_themes_rules() {
    // A run's dark colour is the dark twin of the light rule that wins it,
    // which is what the dark stylesheet's cascade picks only while the two
    // themes have the same rules, in the same order, setting the same
    // properties.
    let (light, dark) = super::highlight::theme_rules();
    assert!(light.len() > 20, "{light:?}");
    assert_eq!(light, dark);
}

#[test]
fn text_in_the_blocks_own_colours_has_no_span() {
    // A parameter's name (`Identity`) is in the block's own foreground.
    let html = plain("```powershell\nGet-Mailbox -Identity $user\n```\n");
    assert!(html.contains("</span>Identity "), "{html}");
    // The space after `Get-Mailbox` joins its span rather than end it.
    assert!(html.contains("Get-Mailbox </span>"), "{html}");
}

#[test]
fn unknown_or_missing_language_is_plain_escaped_code() {
    assert_eq!(
        plain("```klingon\nqapla' <x> & y\n```\n"),
        "<pre class=\"code hl-code\" data-lang=\"klingon\"><code class=\"language-klingon\">\
         qapla&#39; &lt;x&gt; &amp; y\n</code></pre>\n"
    );
    assert_eq!(
        plain("```\n<b>\n```\n"),
        "<pre class=\"code hl-code\"><code>&lt;b&gt;\n</code></pre>\n"
    );
    assert_eq!(
        plain("    <b>\n"),
        "<pre class=\"code hl-code\"><code>&lt;b&gt;\n</code></pre>\n"
    );
    assert!(!plain("```text\nhello\n```\n").contains("<span"));
}

#[test]
fn repeated_blocks_highlight_the_same_and_huge_ones_stay_plain() {
    let block = "```yaml\nowner: acme-it\n```\n";
    let first = plain(block);
    assert!(first.contains("<span class=\"_"), "{first}");
    assert_eq!(plain(block), first);
    let huge = format!("```yaml\n{}```\n", "key: value\n".repeat(7000));
    let html = plain(&huge);
    assert!(html.starts_with(
        "<pre class=\"code hl-code\" data-lang=\"yaml\"><code class=\"language-yaml\">key: value\n"
    ));
    assert!(!html.contains("<span"));
}

#[test]
fn fence_attributes_do_not_leak_into_the_language() {
    let html = plain("```\"onmouseover=alert(1) x\nhi\n```\n");
    assert!(
        html.contains("data-lang=\"&quot;onmouseover=alert(1)\""),
        "{html}"
    );
    assert!(plain("```bash title=\"x\"\nls\n```\n").contains("data-lang=\"bash\""));
    assert!(plain("```rust,ignore\nfn f() {}\n```\n").contains("data-lang=\"rust\""));
    assert!(plain("```rust,ignore\nfn f() {}\n```\n").contains("<span class=\"_"));
}

#[test]
fn javascript_urls_are_never_emitted() {
    let attacks = [
        "[x](javascript:alert(1))",
        "[x](JavaScript:alert(1))",
        "[x](<  javascript:alert(1)>)",
        "[x](java&#09;script:alert(1))",
        "[x](&#x6A;avascript:alert(1))",
        "[x](vbscript:msgbox)",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "![x](data:text/html;base64,PHNjcmlwdD4=)",
        "<javascript:alert(1)>",
        "[x][r]\n\n[r]: javascript:alert(1)",
    ];
    for attack in attacks {
        let html = plain(attack);
        let lower = html.to_lowercase();
        // Text may show the URL; no attribute may hold it.
        assert!(
            !lower.contains("=\"java")
                && !lower.contains("=\"vbscript")
                && !lower.contains("=\"data:")
                && !lower.contains("script:alert(1)\""),
            "{attack} gave {html}"
        );
        assert!(html.contains("=\"#\""), "{attack} gave {html}");
    }
    // Whatever resolve returns is checked too.
    let html = render(
        "[x](a.md)",
        &BodyOptions {
            raw_html: RawHtml::Escape,
        },
        &|_, _| Some("javascript:alert(1)".into()),
    )
    .html;
    assert_eq!(html, "<p><a href=\"#\">x</a></p>\n");
}

#[test]
fn image_data_urls_and_ordinary_schemes_are_kept() {
    assert!(
        plain("![dot](data:image/png;base64,AAAA)").contains("src=\"data:image/png;base64,AAAA\"")
    );
    assert!(plain("[NOC](tel:+15550142)").contains("href=\"tel:+15550142\""));
    assert!(plain("[x](https://a.example/p?q=1)").contains("href=\"https://a.example/p?q=1\""));
    assert!(plain("[x](notes:javascript)").contains("href=\"notes:javascript\""));
    assert!(plain("[x](./javascript:x)").contains("href=\"./javascript:x\""));
}

#[test]
fn links_and_images_go_through_resolve() {
    let resolve = |dest: &str, is_image: bool| -> Option<String> {
        match (dest, is_image) {
            ("other.md#steps", false) => Some("../other/index.html#steps".into()),
            ("pic.png", true) => Some("../pic.png".into()),
            _ => None,
        }
    };
    let html = render(
        "[o](other.md#steps \"T\") ![p](pic.png) [e](https://x.example) <a@b.example>",
        &BodyOptions {
            raw_html: RawHtml::Escape,
        },
        &resolve,
    )
    .html;
    assert_eq!(
        html,
        "<p><a href=\"../other/index.html#steps\" title=\"T\">o</a> \
         <img src=\"../pic.png\" alt=\"p\" /> \
         <a href=\"https://x.example\">e</a> \
         <a href=\"mailto:a@b.example\">a@b.example</a></p>\n"
    );
}

#[test]
fn resolve_is_asked_with_the_written_destination() {
    let seen = std::cell::RefCell::new(Vec::new());
    let resolve = |dest: &str, is_image: bool| {
        seen.borrow_mut().push((dest.to_owned(), is_image));
        None
    };
    render(
        "# [h](h.md)\n\n![i](i.png) [r][x] <m@e.example>\n\n[x]: r.md\n",
        &BodyOptions {
            raw_html: RawHtml::Allow,
        },
        &resolve,
    );
    assert_eq!(
        seen.into_inner(),
        [
            ("h.md".to_owned(), false),
            ("i.png".to_owned(), true),
            ("r.md".to_owned(), false),
            ("mailto:m@e.example".to_owned(), false),
        ]
    );
}

#[test]
fn raw_html_is_escaped_when_asked() {
    let markdown =
        "Press <kbd>Ctrl</kbd>.\n\n<div class=\"x\">\n<script>alert(1)</script>\n</div>\n";
    let html = escaped(markdown);
    assert!(
        !html.contains("<kbd>") && !html.contains("<script>"),
        "{html}"
    );
    assert!(
        html.contains("Press &lt;kbd&gt;Ctrl&lt;/kbd&gt;."),
        "{html}"
    );
    assert!(
        html.contains("<p class=\"raw-html\">&lt;div class=\"x\"&gt;\n&lt;script&gt;"),
        "{html}"
    );
    let html = plain(markdown);
    assert!(html.contains("Press <kbd>Ctrl</kbd>."), "{html}");
    assert!(
        html.contains("<div class=\"x\">\n<script>alert(1)</script>\n</div>\n"),
        "{html}"
    );
}

#[test]
fn sanitize_keeps_what_github_keeps() {
    let markdown = "| Step | Notes |\n|---|---|\n| 1 | first<br>second |\n\n\
                    Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, see<sup>[1]</sup> <small>fine print</small>.\n\n\
                    <details>\n<summary>Why?</summary>\n\nBecause **markdown** works inside.\n\n</details>\n";
    let html = sanitized(markdown);
    assert!(html.contains("<td>first<br>second</td>"), "{html}");
    assert!(
        html.contains(
            "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, see<sup>[1]</sup> <small>fine print</small>."
        ),
        "{html}"
    );
    assert!(
        html.contains("<details>\n<summary>Why?</summary>\n<p>Because <strong>markdown</strong> works inside.</p>\n</details>"),
        "{html}"
    );
}

#[test]
fn sanitize_drops_scripts_handlers_forms_and_styles() {
    let markdown = "<img src=\"x.png\" onerror=\"alert(1)\" alt=\"x\">\n\n\
                    <script>alert(2)</script>\n\n\
                    Text <a href=\"javascript:alert(3)\" onclick=\"x()\">link</a> <b style=\"color:red\">bold</b>\n\n\
                    <form action=\"https://evil.example\"><input name=\"q\"><button>Go</button></form>\n\n\
                    <style>body { display: none }</style>\n";
    let html = sanitized(markdown);
    let lower = html.to_lowercase();
    for bad in [
        "onerror",
        "<script",
        "alert(2)",
        "javascript:",
        "onclick",
        "style=",
        "<form",
        "<button",
        "<style",
        "display: none",
    ] {
        assert!(!lower.contains(bad), "{bad} in {html}");
    }
    assert!(html.contains("<img src=\"x.png\" alt=\"x\">"), "{html}");
    assert!(html.contains("Text <a>link</a> <b>bold</b>"), "{html}");
}

#[test]
fn sanitize_turns_iframes_into_links_and_placeholders_into_text() {
    let html = sanitized(
        "<iframe src=\"https://www.youtube.com/embed/abc\" title=\"Walkthrough\"></iframe>\n\n\
         Set <environment> to prod; <iframe src=\"javascript:alert(1)\"></iframe>\n",
    );
    assert!(
        html.contains(
            "<a class=\"embed-link\" href=\"https://www.youtube.com/embed/abc\">Walkthrough</a>"
        ),
        "{html}"
    );
    assert!(html.contains("Set &lt;environment&gt; to prod;"), "{html}");
    assert!(
        !html.contains("iframe") && !html.contains("javascript"),
        "{html}"
    );
}

#[test]
fn pages_without_raw_html_are_not_reparsed() {
    // pulldown-cmark's own output stays byte for byte (`<br />`, `<img … />`).
    let markdown = "a  \nb ![i](i.png)\n";
    assert_eq!(sanitized(markdown), plain(markdown));
    assert!(sanitized(markdown).contains("<br />"));
}

#[test]
fn pre_blocks_keep_their_line_breaks() {
    let markdown = "<pre>\nline one\n\nline two\n</pre>\n";
    assert_eq!(sanitized(markdown), "<pre>line one\n\nline two\n</pre>\n");
    assert_eq!(
        escaped(markdown),
        "<p class=\"raw-html\">&lt;pre&gt;\nline one\n\nline two\n&lt;/pre&gt;</p>\n"
    );
}

#[test]
fn mermaid_fences_and_pre_blocks_become_diagrams() {
    let figure = "<figure class=\"diagram\" data-diagram=\"mermaid\">\n\
                  <pre class=\"code hl-code diagram-source\" data-lang=\"mermaid\">\
                  <code class=\"language-mermaid\">graph TD\n  A --&gt; B\n</code></pre>\n</figure>\n";
    let fence = render(
        "```mermaid\ngraph TD\n  A --> B\n```\n",
        &BodyOptions {
            raw_html: RawHtml::Sanitize,
        },
        &|_, _| None,
    );
    assert_eq!(fence.html, figure);
    assert!(fence.has_diagram);
    for raw_html in [RawHtml::Sanitize, RawHtml::Allow] {
        let pre = render(
            "<pre lang=\"mermaid\"><code>graph TD\n  A --&gt; B\n</code></pre>\n",
            &BodyOptions { raw_html },
            &|_, _| None,
        );
        assert_eq!(pre.html, figure, "{raw_html:?}");
        assert!(pre.has_diagram);
    }
    assert!(
        !render(
            "```sh\nls\n```\n",
            &BodyOptions {
                raw_html: RawHtml::Sanitize
            },
            &|_, _| None
        )
        .has_diagram
    );
}

#[test]
fn every_alert_type_is_a_labelled_callout() {
    for (marker, class, label) in [
        ("NOTE", "note", "Note"),
        ("TIP", "tip", "Tip"),
        ("IMPORTANT", "important", "Important"),
        ("WARNING", "warning", "Warning"),
        ("CAUTION", "caution", "Caution"),
    ] {
        let html = sanitized(&format!("> [!{marker}]\n> Before you start.\n"));
        assert_eq!(
            html,
            format!(
                "<div class=\"markdown-alert markdown-alert-{class}\" role=\"note\">\n\
                 <p class=\"markdown-alert-title\">{label}</p>\n<p>Before you start.</p>\n</div>\n"
            )
        );
    }
    // A plain quote stays a quote.
    assert_eq!(
        sanitized("> quoted\n"),
        "<blockquote>\n<p>quoted</p>\n</blockquote>\n"
    );
}

#[test]
fn custom_heading_ids_and_classes_are_used() {
    let markdown = "## Custom {#my-id}\n\n## Styled {.big .x\"y}\n\n## Custom\n\n## Restart {service}\n\n## Both {#b .c}\n";
    let html = sanitized(markdown);
    assert!(
        html.contains("<h2 id=\"my-id\">Custom<a class=\"anchor\" href=\"#my-id\""),
        "{html}"
    );
    assert!(
        html.contains("<h2 id=\"styled\" class=\"big\">Styled<a"),
        "{html}"
    );
    assert!(html.contains("<h2 id=\"custom\">Custom<a"), "{html}");
    assert!(
        html.contains("<h2 id=\"restart-service\">Restart {service}<a"),
        "{html}"
    );
    assert!(html.contains("<h2 id=\"b\" class=\"c\">Both<a"), "{html}");
    assert_eq!(
        ids(markdown),
        ["my-id", "styled", "custom", "restart-service", "b"]
    );
    assert_eq!(scan(markdown).headings[3].text, "Restart {service}");
}

#[test]
fn custom_ids_claim_their_id_before_later_headings() {
    assert_eq!(ids("# Setup {#setup}\n\n# Setup\n"), ["setup", "setup-1"]);
}

#[test]
fn anchors_come_from_headings_and_raw_html_ids() {
    let scan = scan(
        "# Top {#start}\n\n<a name=\"legacy\"></a>\n\nText <span id=\"inline\">x</span>\n\n<!-- <a id=\"hidden\"> -->\n",
    );
    assert!(scan.has_anchor("start"));
    assert!(scan.has_anchor("legacy"));
    assert!(scan.has_anchor("inline"));
    assert!(scan.has_anchor("top"));
    assert!(!scan.has_anchor("hidden"));
    assert!(!scan.has_anchor("top-start"));
}

#[test]
fn summary_is_the_first_paragraph_outside_lists_and_quotes() {
    let scan = scan(
        "# Title\n\n> [!NOTE]\n> Not this.\n\n- nor this\n\nThis one, with `code`\nand a break.\n\nNot the second.\n",
    );
    assert_eq!(scan.summary, "This one, with code and a break.");
    let long = format!("{}\n", "word ".repeat(60));
    let summary = scan_summary(&long);
    assert!(
        summary.ends_with("word…") && summary.chars().count() <= 161,
        "{summary}"
    );
}

fn scan_summary(markdown: &str) -> String {
    scan(markdown).summary
}

#[test]
fn raw_html_blocks_give_their_text_to_search() {
    let scan = scan_with_text(
        "<details>\n<summary>Rollback steps</summary>\n<script>var hidden = 1;</script>\n</details>\n",
    );
    assert_eq!(scan.text, "Rollback steps");
}

#[test]
fn footnotes_definition_lists_strikethrough_tasks_and_tables_still_render() {
    let html = sanitized(
        "- [x] done\n\n~~old~~ new[^1]\n\nTerm\n: Definition\n\n| a |\n|---|\n| b<br>c |\n\n[^1]: note\n",
    );
    for part in [
        "<input disabled=\"\" type=\"checkbox\" checked=\"\">",
        "<del>old</del>",
        "footnote-definition",
        "<dl>",
        "<dt>Term</dt>",
        "<dd>Definition</dd>",
        "<td>b<br>c</td>",
    ] {
        assert!(html.contains(part), "{part} missing in {html}");
    }
}

#[test]
fn allow_secret_comment_is_dropped() {
    let markdown = "password: hunter2 <!-- cairn: allow-secret -->\n\n<!-- cairn: allow-secret -->\n\nAfter.\n";
    for html in [plain(markdown), escaped(markdown)] {
        assert_eq!(html, "<p>password: hunter2 </p>\n<p>After.</p>\n");
    }
}

#[test]
fn other_comments_are_dropped_even_when_unclosed() {
    let markdown =
        "a <!-- inline\nnote --> b\n\n<div>\n<!-- note -->\n</div>\n\n<!-- never closed\n\nrest\n";
    assert_eq!(plain(markdown), "<p>a  b</p>\n<div>\n\n</div>\n");
    assert_eq!(
        escaped(markdown),
        "<p>a  b</p>\n<p class=\"raw-html\">&lt;div&gt;\n\n&lt;/div&gt;</p>\n"
    );
    assert_eq!(plain("x <!--> y"), "<p>x  y</p>\n");
}

#[test]
fn tables_are_wrapped_for_scrolling() {
    let html = plain("| Level | Party |\n|---|---|\n| 1 | acme-it |\n");
    assert!(
        html.starts_with("<div class=\"table-wrap\">\n<table>"),
        "{html}"
    );
    assert!(html.ends_with("</table>\n</div>\n"), "{html}");
    assert_eq!(html.matches("<td>").count(), 2);
}

#[test]
fn gfm_extensions_are_on() {
    let html = plain(
        "- [x] done\n- [ ] todo\n\n~~old~~ new[^1]\n\n[^1]: note\n\n> [!WARNING]\n> Careful\n",
    );
    assert!(
        html.contains("<input disabled=\"\" type=\"checkbox\" checked=\"\"/>"),
        "{html}"
    );
    assert!(html.contains("<del>old</del>"), "{html}");
    assert!(html.contains("class=\"footnote-definition\""), "{html}");
    assert!(
        html.contains(
            "<div class=\"markdown-alert markdown-alert-warning\" role=\"note\">\n\
             <p class=\"markdown-alert-title\">Warning</p>\n<p>Careful</p>\n</div>"
        ),
        "{html}"
    );
}

#[test]
fn highlight_css_has_light_and_screen_only_dark_palettes() {
    let css = highlight_css();
    let (light, dark) = css
        .split_once("@media screen and (prefers-color-scheme: dark) {")
        .expect("a dark block");
    assert!(light.contains(".hl-code {"), "{light}");
    let html = plain("```sh\n# a comment\n```\n");
    let comment = class_before(&html, "# a comment").expect("a comment span");
    assert!(
        light.contains(&format!(".{comment} {{\n color:")),
        "{light}"
    );
    assert!(dark.contains(&format!(".{comment} {{\n color:")), "{dark}");
    assert!(dark.contains(".hl-code {"), "{dark}");
    assert!(dark.trim_end().ends_with('}'));
    assert!(!css.contains("@media print"));
    assert_eq!(css.matches('{').count(), css.matches('}').count());
}

proptest::proptest! {
    #[test]
    fn any_input_renders_without_panicking(markdown in "(?s).{0,400}") {
        let scan = scan(&markdown);
        for link in &scan.links {
            proptest::prop_assert!(link.line >= 1);
        }
        plain(&markdown);
        escaped(&markdown);
    }

    #[test]
    fn markdownish_input_renders_without_panicking(
        markdown in r"([#>*\-|`\[\]()!<:/ a-z0-9\n{}~^]|```[a-z]{0,4}\n|<!--|-->){0,120}"
    ) {
        let scan = scan(&markdown);
        let html = escaped(&markdown);
        for heading in &scan.headings {
            let attr = format!(" id=\"{}\"", heading.id);
            proptest::prop_assert!(html.contains(&attr));
        }
        plain(&markdown);
    }
}
