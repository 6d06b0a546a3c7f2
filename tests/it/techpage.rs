//! The technician's page (issue 26), as the built files show it: the diagram
//! library only in a site that has a diagram, and a 404 page whose links work
//! at any depth.

use crate::common::Site;

#[test]
fn the_diagram_library_ships_only_with_a_diagram() {
    let site = Site::fixture("base");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let out = site.path().join("public");
    assert!(!out.join("assets/vendor/mermaid/mermaid.min.js").exists());
    assert!(!out.join("assets/diagram.js").exists());
    assert!(
        !site
            .out("runbooks/reset-mfa/index.html")
            .contains("mermaid")
    );

    site.write(
        "content/guides/flow.md",
        "---\ntitle: Flow\n---\n```mermaid\nflowchart TD\n  a --> b\n```\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(out.join("assets/vendor/mermaid/mermaid.min.js").exists());
    let page = site.out("guides/flow/index.html");
    // The page loads the small loader; the library is fetched when a
    // diagram nears the screen, never by a <script> tag.
    assert!(page.contains("<script src=\"../../assets/diagram.js\" defer></script>"));
    assert!(!page.contains("mermaid.min.js"), "{page}");
}

#[test]
fn the_404_page_links_from_the_base_url_at_any_depth() {
    let site = Site::fixture("base");
    assert_eq!(site.build(&[]).code, 0);
    let page = site.out("404.html");
    assert!(page.contains("href=\"/assets/cairn.css\""), "{page}");
    assert!(page.contains("href=\"/systems/m365/index.html\""), "{page}");
    assert!(page.contains("action=\"/search/index.html\""), "{page}");
    assert!(
        !page.contains("href=\"assets/"),
        "a link relative to one depth"
    );

    site.edit(
        "cairn.yaml",
        "base_url: /",
        "base_url: https://docs.example.com/acme",
    );
    assert_eq!(site.build(&[]).code, 0);
    let page = site.out("404.html");
    assert!(
        page.contains("href=\"https://docs.example.com/acme/assets/cairn.css\""),
        "{page}"
    );
    assert!(page.contains("id=\"not-found-q\""), "it offers search");
}
