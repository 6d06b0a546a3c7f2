//! Audience and safe output: nothing internal in a client build, nothing secret
//! published, and every value from YAML or front matter escaped.

use crate::common::{Site, files};
use std::fs;

/// The base fixture plus internal content, each carrying a unique marker word.
fn site_with_internal_markers() -> Site {
    let site = Site::fixture("base");
    // An internal runbook in a client folder.
    site.write(
        "content/runbooks/night-restart.md",
        "---\ntitle: Night restart QUOKKATITLE\nsystems: [m365]\naudience: internal\nlast_reviewed: 2026-11-01\ntags: [quokkatag]\n---\nRestart the QUOKKABODY service.\n",
    );
    // An internal section: its index and a page marked client inside it.
    site.write(
        "content/internal/_index.md",
        "---\ntitle: MSP only ZEBRASECTION\naudience: internal\n---\nZEBRAINTRO\n",
    );
    site.write(
        "content/internal/handover.md",
        "---\ntitle: Handover ZEBRAPAGE\naudience: client\n---\nZEBRABODY notes.\n",
    );
    site.write(
        "content/internal/diagram.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>ZEBRAASSET</title></svg>",
    );
    // An internal contact named on a ladder.
    site.edit("data/parties.yaml", "    - name: Night pager\n      phone: \"+1 555 0199\"", "    - name: Night pager MARMOSET\n      phone: \"+1 555 0199\"\n      email: marmoset@acme.example");
    site.edit(
        "data/systems/m365.yaml",
        "contact: Dana Ruiz",
        "contact: Night pager MARMOSET",
    );
    site
}

const MARKERS: [&str; 9] = [
    "QUOKKATITLE",
    "quokkatag",
    "QUOKKABODY",
    "ZEBRASECTION",
    "ZEBRAINTRO",
    "ZEBRAPAGE",
    "ZEBRABODY",
    "MARMOSET",
    "5550199",
];

fn grep_output(site: &Site, out: &str) -> Vec<String> {
    let dir = site.path().join(out);
    let mut found = Vec::new();
    for rel in files(&dir) {
        let text = String::from_utf8_lossy(&fs::read(dir.join(&rel)).unwrap()).to_lowercase();
        // vCard lines are folded at 75 octets: a marker may span a fold.
        let text = text.replace("\r\n ", "");
        for m in MARKERS.iter().chain(["ZEBRAASSET"].iter()) {
            if text.contains(&m.to_lowercase()) {
                found.push(format!("{m} in {rel}"));
            }
        }
    }
    found
}

#[test]
fn a_client_build_contains_nothing_internal_anywhere() {
    let site = site_with_internal_markers();
    let run = site.build(&["--audience", "client"]);
    assert_eq!(run.code, 0, "{run:?}");
    let found = grep_output(&site, "public");
    assert!(
        found.is_empty(),
        "internal content leaked into the client build:\n{}",
        found.join("\n")
    );
    assert!(!site.path().join("public/internal").exists());
    // The data files were searched too: they exist, and hold the visible contacts.
    for data in [
        "cairn.json",
        "matrix.csv",
        "contacts.vcf",
        "parties/acme-it/contacts.vcf",
        "systems/m365/raci.csv",
    ] {
        assert!(
            site.path().join("public").join(data).is_file(),
            "{data} missing"
        );
    }
    assert!(site.out("contacts.vcf").contains("FN:Dana Ruiz"));
    assert!(site.out("cairn.json").contains("\"tel\":\"+15550100\""));
    // The ladder keeps its level, reached through the account manager: never the
    // party's whole contact list (SPEC "Audience of contacts").
    let html = site.out("systems/m365/index.html");
    assert!(html.contains("Acme Internal IT"));
    assert!(
        html.contains("through your account manager"),
        "an internal contact without client_contact says how to reach the party"
    );
    assert!(
        !html.contains("tel:+15550100"),
        "Dana is not the level's contact and must not stand in for the pager"
    );
}

#[test]
fn client_contact_stands_in_for_an_internal_contact_in_client_builds_only() {
    let site = site_with_internal_markers();
    site.edit(
        "data/systems/m365.yaml",
        "contact: Night pager MARMOSET",
        "contact: Night pager MARMOSET\n    client_contact: Dana Ruiz",
    );
    assert_eq!(site.build(&["--audience", "client"]).code, 0);
    let html = site.out("systems/m365/index.html");
    assert!(
        html.contains("tel:+15550100"),
        "client build shows the client_contact"
    );
    assert!(!html.contains("through your account manager"));
    assert!(!html.to_lowercase().contains("marmoset"));
    let run = site.build(&["--audience", "internal", "--out", "internal-out"]);
    assert_eq!(run.code, 0, "{run:?}");
    let internal = site.read("internal-out/systems/m365/index.html");
    assert!(
        internal.contains("tel:+15550199"),
        "internal build calls the pager"
    );
    assert!(!internal.contains("tel:+15550100"));
}

#[test]
fn an_internal_build_has_everything() {
    let site = site_with_internal_markers();
    let run = site.build(&["--audience", "internal", "--out", "internal-out"]);
    assert_eq!(run.code, 0, "{run:?}");
    let found = grep_output(&site, "internal-out");
    for m in MARKERS {
        assert!(
            found.iter().any(|f| f.starts_with(&format!("{m} in "))),
            "{m} missing from the internal build: {found:?}"
        );
    }
}

/// Hiding a page never forces edits elsewhere (issue 25): the client build
/// succeeds and shows the link as its text; both checks list it.
#[test]
fn a_client_page_linking_to_an_internal_page_shows_its_text_in_client_builds() {
    let site = site_with_internal_markers();
    site.edit(
        "content/guides/escalate.md",
        "Call level 1 first.",
        "Call level 1 first. See [handover](../internal/handover.md).",
    );
    for audience in ["client", "internal"] {
        let json = site
            .cairn(&["check", ".", "--format", "json", "--audience", audience])
            .json();
        let warnings = json["warnings"].as_array().unwrap();
        assert!(
            warnings.iter().any(|e| e["code"] == "link-to-internal"
                && e["file"] == "content/guides/escalate.md"
                && e["line"] == 4),
            "{json:#}"
        );
        assert!(
            !json["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["file"] == "content/guides/escalate.md"),
            "{json:#}"
        );
    }
    let run = site.build(&["--audience", "client"]);
    let page = site.out("guides/escalate/index.html");
    assert!(page.contains("See handover."), "{run:?}\n{page}");
    assert!(!page.contains("handover/index.html"), "{page}");
}

#[test]
fn a_secret_fails_a_client_build_but_only_warns_in_check_and_internal_builds() {
    let site = Site::fixture("base");
    site.edit(
        "content/runbooks/firewall-reboot.md",
        "2. Reboot.",
        "2. Reboot with AKIAZ7QW3KXLMN4PQ2RT.",
    );
    let check = site
        .cairn(&["check", ".", "--format", "json", "--audience", "client"])
        .json();
    assert_eq!(check["warnings"][0]["code"], "possible-secret", "{check:#}");
    let run = site.build(&["--audience", "client"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("error[possible-secret]: content/runbooks/firewall-reboot.md:9"),
        "{run:?}"
    );
    assert!(!site.path().join("public").exists(), "nothing written");
    assert!(
        !run.stderr.contains("AKIAZ7QW3KXLMN4PQ2RT"),
        "the message must not echo the secret"
    );
    let run = site.build(&["--audience", "internal"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("warning[possible-secret]"), "{run:?}");
}

#[test]
fn the_allow_comment_and_front_matter_flag_let_a_known_false_positive_through() {
    let site = Site::fixture("base");
    site.edit(
        "content/runbooks/firewall-reboot.md",
        "2. Reboot.",
        "2. Reboot with AKIAZ7QW3KXLMN4PQ2RT. <!-- cairn: allow-secret -->",
    );
    assert_eq!(site.build(&["--audience", "client", "--strict"]).code, 0);
    let html = site.out("runbooks/firewall-reboot/index.html");
    assert!(
        !html.contains("cairn: allow-secret"),
        "the annotation is not shown"
    );
    let site = Site::fixture("base");
    site.edit(
        "content/runbooks/firewall-reboot.md",
        "2. Reboot.",
        "2. Reboot with AKIAZ7QW3KXLMN4PQ2RT.",
    );
    site.edit(
        "content/runbooks/firewall-reboot.md",
        "systems: [firewall]",
        "systems: [firewall]\nallow_secrets: true",
    );
    assert_eq!(site.build(&["--audience", "client", "--strict"]).code, 0);
}

const SCRIPT: &str = "<script>alert(1)</script>";
const ATTR: &str = "\\\" onmouseover=\\\"alert(2)";

#[test]
fn every_rendered_yaml_and_front_matter_value_is_escaped() {
    let site = Site::fixture("base");
    let hostile = format!("{SCRIPT}{ATTR}");
    site.edit(
        "cairn.yaml",
        "title: Test Dental — IT runbooks",
        &format!("title: \"T {hostile}\""),
    );
    site.edit(
        "data/parties.yaml",
        "name: Acme Internal IT",
        &format!("name: \"Acme {hostile}\""),
    );
    site.edit(
        "data/parties.yaml",
        "role: IT Manager",
        &format!("role: \"Mgr {hostile}\""),
    );
    // `email` and `phone` refuse markup outright (invalid-value, tests/it/hostile_input.rs).
    site.edit(
        "data/systems/m365.yaml",
        "name: Microsoft 365",
        &format!("name: \"M365 {hostile}\""),
    );
    site.edit(
        "data/systems/m365.yaml",
        "description: Email, Teams and SharePoint for all staff.",
        &format!("description: \"D {hostile}\""),
    );
    site.edit(
        "data/systems/m365.yaml",
        "  User onboarding:",
        &format!("  \"Onboard {hostile}\":"),
    );
    site.edit(
        "data/systems/m365.yaml",
        "  P2:",
        &format!("  \"P2 {hostile}\":"),
    );
    site.edit(
        "content/runbooks/reset-mfa.md",
        "title: Reset a user's MFA",
        &format!("title: \"Reset {hostile}\"\ndescription: \"Desc {hostile}\""),
    );
    site.edit(
        "content/runbooks/reset-mfa.md",
        "tags: [identity, mfa]",
        &format!("tags: [\"tag {hostile}\"]"),
    );
    site.edit(
        "content/runbooks/reset-mfa.md",
        "Confirm the caller's identity.",
        "Confirm the caller's identity. [click](javascript:alert(3)) [c2](JavaScript:alert(4)) <script>alert(5)</script> <img src=x onerror=alert(6)>",
    );
    let run = site.build(&["--audience", "internal"]);
    assert_eq!(run.code, 0, "{run:?}");
    let out = site.path().join("public");
    for rel in files(&out) {
        let text = String::from_utf8_lossy(&fs::read(out.join(&rel)).unwrap()).into_owned();
        let lower = text.to_lowercase();
        assert!(
            !lower.contains("javascript:"),
            "{rel}: javascript: URL emitted"
        );
        // Script files may carry the text in string literals; markup must not.
        if rel.ends_with(".html") || rel.ends_with(".xml") {
            assert!(!text.contains("<script>alert"), "{rel}: unescaped <script>");
            assert!(
                !text.contains("\" onmouseover="),
                "{rel}: attribute injection"
            );
            assert!(
                !lower.contains("<img src=x onerror"),
                "{rel}: raw HTML passed through"
            );
        }
    }
    assert!(
        site.out("systems/m365/index.html")
            .contains("&lt;script&gt;"),
        "escaped text is still shown"
    );
}

#[test]
fn pages_carry_a_csp_without_inline_script() {
    let site = Site::fixture("base");
    assert_eq!(site.build(&[]).code, 0);
    let out = site.path().join("public");
    let inline = regex::Regex::new(r"<script(?:\s[^>]*)?>\s*[^<\s]").unwrap();
    for rel in files(&out).into_iter().filter(|f| f.ends_with(".html")) {
        let html = fs::read_to_string(out.join(&rel)).unwrap();
        assert!(
            html.contains("http-equiv=\"Content-Security-Policy\""),
            "{rel}: no CSP"
        );
        assert!(
            !html.contains("unsafe-inline"),
            "{rel}: CSP allows inline code"
        );
        assert!(!inline.is_match(&html), "{rel}: inline script body");
        assert!(!html.contains(" style=\""), "{rel}: inline style attribute");
        assert!(
            !html.contains("livereload"),
            "{rel}: live reload belongs to serve only"
        );
    }
}

/// Who sees a page or file is decided once, at load, and a client check judges
/// by the same decision as a client build's output: a hidden page's links are
/// its own audience's business (they must still lead somewhere), links from
/// hidden pages reach no client reader, and a system named only by internal
/// runbooks has no client runbook.
#[test]
fn a_client_check_judges_by_what_a_client_build_shows() {
    let site = site_with_internal_markers();
    // Hidden by its folder's cascade: links to an internal page under a client
    // folder, an internal file, a client page, and one page that is not there.
    site.write(
        "content/internal/handover.md",
        "---\ntitle: Handover\naudience: client\n---\nSee [night](../runbooks/night-restart.md).\n\n![diagram](diagram.svg)\n\nAlso [lonely](../guides/lonely.md) and [gone](gone.md).\n",
    );
    site.write(
        "content/guides/lonely.md",
        "---\ntitle: Linked only from an internal page\n---\nHello.\n",
    );
    // A client page linking into the internal folder: its file and the folder.
    site.edit(
        "content/guides/escalate.md",
        "Call level 1 first.",
        "Call level 1 first.\n\n![map](../internal/diagram.svg) and [msp](../internal/).",
    );
    site.write(
        "data/systems/vpn.yaml",
        "id: vpn\nname: VPN\ntier: 3\nowner: bright\nescalation:\n  - party: bright\n",
    );
    site.write(
        "content/runbooks/vpn-reset.md",
        "---\ntitle: VPN reset\nsystems: [vpn]\naudience: internal\nlast_reviewed: 2026-11-01\n---\nReset.\n",
    );

    let found = |audience: &str| -> Vec<(String, String, Option<u64>, String)> {
        let json = site
            .cairn(&["check", ".", "--format", "json", "--audience", audience])
            .json();
        json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .chain(json["warnings"].as_array().unwrap())
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["file"].as_str().unwrap().to_string(),
                    d["line"].as_u64(),
                    d["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let client = found("client");
    let codes: Vec<(&str, &str, Option<u64>)> = client
        .iter()
        .map(|(c, f, l, _)| (c.as_str(), f.as_str(), *l))
        .collect();
    assert_eq!(
        codes,
        [
            ("broken-link", "content/guides/escalate.md", Some(6)),
            ("broken-link", "content/internal/handover.md", Some(9)),
            ("link-to-internal", "content/guides/escalate.md", Some(6)),
            ("client-dead-end", "data/systems/m365.yaml", Some(11)),
            ("system-without-runbook", "data/systems/vpn.yaml", None),
        ],
        "{client:#?}"
    );
    // The image it needs is broken; the link to the hidden folder is only text.
    assert!(
        client[0].3.contains(
            "content/internal/diagram.svg is internal, so a client build will not contain it"
        ) && client[2]
            .3
            .contains("content/internal/_index.md is internal")
            && client[1]
                .3
                .contains("broken link `gone.md`: no page content/internal/gone.md"),
        "{client:#?}"
    );

    // The internal build shows all of it: only the missing page is broken, and
    // the internal page's link reaches the lonely one.
    let internal = found("internal");
    let codes: Vec<(&str, &str)> = internal
        .iter()
        .map(|(c, f, _, _)| (c.as_str(), f.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("broken-link", "content/internal/handover.md"),
            ("link-to-internal", "content/guides/escalate.md"),
            // Whatever the audience checked, a level a client build would
            // show with nobody to reach is named.
            ("client-dead-end", "data/systems/m365.yaml")
        ],
        "{internal:#?}"
    );
}
