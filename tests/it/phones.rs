//! Numbers a reader dials (issue 26): phone numbers typed in pages become
//! `tel:` links and are checked against `parties.yaml` (`stray-phone`,
//! `internal-phone`), and no level a client build shows is a dead end
//! (`client-dead-end`).

use crate::common::Site;

/// `(code, file, line, message)` of every finding with one of `codes`.
fn findings(site: &Site, codes: &[&str]) -> Vec<(String, String, u64, String)> {
    let run = site.cairn(&["check", "--format", "json"]);
    let json = run.json();
    let mut out = Vec::new();
    for kind in ["errors", "warnings"] {
        for d in json[kind].as_array().unwrap() {
            let code = d["code"].as_str().unwrap();
            if codes.contains(&code) {
                out.push((
                    code.to_string(),
                    d["file"].as_str().unwrap().to_string(),
                    d["line"].as_u64().unwrap_or(0),
                    d["message"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    out
}

const CODES: &[&str] = &["stray-phone", "internal-phone", "client-dead-end"];

#[test]
fn a_number_in_prose_that_is_nobodys_is_a_stray_phone_with_file_and_line() {
    let site = Site::fixture("base");
    site.write(
        "content/guides/call.md",
        "---\ntitle: Call\n---\nIntro.\n\n\
         Call the NOC on +1 555 0142.\n\n\
         - or the old desk on +1 555 0141\n\n\
         | Who | Number |\n|---|---|\n| Clinic | +44 20 7946 0958 |\n\n\
         The front desk: (555) 555-0100 <!-- cairn: allow-phone -->\n\n\
         `+1 555 0777` in code is not dialled.\n",
    );
    let found = findings(&site, CODES);
    assert_eq!(found.len(), 2, "{found:#?}");
    let (code, file, line, message) = &found[0];
    assert_eq!(
        (code.as_str(), file.as_str(), *line),
        ("stray-phone", "content/guides/call.md", 8)
    );
    // The digits are one off the NOC's: the message names it.
    assert!(
        message.contains("did you mean +1 555 0142, NOC (Bright MSP)"),
        "{message}"
    );
    let (code, file, line, message) = &found[1];
    assert_eq!(
        (code.as_str(), file.as_str(), *line),
        ("stray-phone", "content/guides/call.md", 12)
    );
    assert!(!message.contains("did you mean"), "{message}");

    // Every number is a tel: link either way, in prose, lists and tables.
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let page = site.out("guides/call/index.html");
    for (tel, written) in [
        ("+15550142", "+1 555 0142"),
        ("+15550141", "+1 555 0141"),
        ("+442079460958", "+44 20 7946 0958"),
        ("5555550100", "(555) 555-0100"),
    ] {
        assert!(
            page.contains(&format!(
                "<a class=\"tel\" href=\"tel:{tel}\">{written}</a>"
            )),
            "{written} in\n{page}"
        );
    }
    assert!(!page.contains("tel:+15550777"), "code is not dialled");
}

#[test]
fn a_departed_contacts_number_is_stray() {
    let site = Site::fixture("base");
    site.edit(
        "data/parties.yaml",
        "      phone: \"+1 555 0199\"\n",
        "      phone: \"+1 555 0199\"\n    - name: Sam Ortiz\n      phone: \"+1 555 0103\"\n      left: 2026-10-01\n",
    );
    site.write(
        "content/guides/sam.md",
        "---\ntitle: Sam\naudience: internal\n---\nAsk Sam on +1 555 0103.\n",
    );
    let found = findings(&site, CODES);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (code, file, line, message) = &found[0];
    assert_eq!(
        (code.as_str(), file.as_str(), *line),
        ("stray-phone", "content/guides/sam.md", 5)
    );
    assert!(message.contains("Sam Ortiz"), "{message}");
    assert!(message.contains("left on 2026-10-01"), "{message}");
}

#[test]
fn an_internal_number_on_a_client_page_fails_a_client_build_and_warns_in_check() {
    let site = Site::fixture("base");
    site.write(
        "content/guides/pager.md",
        "---\ntitle: Pager\n---\nPage the night pager on +1 555 0199.\n",
    );
    let found = findings(&site, CODES);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, "internal-phone");
    assert_eq!(
        (found[0].1.as_str(), found[0].2),
        ("content/guides/pager.md", 4)
    );
    let run = site.cairn(&["check"]);
    assert_eq!(run.code, 0, "a warning in check: {run:?}");

    let run = site.build(&["--audience", "client"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("error[internal-phone]: content/guides/pager.md:4:"),
        "{run:?}"
    );
    // On an internal page, the same number is fine.
    site.edit(
        "content/guides/pager.md",
        "title: Pager\n",
        "title: Pager\naudience: internal\n",
    );
    assert_eq!(findings(&site, CODES), []);
    assert_eq!(site.build(&["--audience", "client"]).code, 0);
}

#[test]
fn a_level_a_client_cannot_reach_is_a_dead_end_at_its_line() {
    let site = Site::fixture("base");
    site.edit(
        "data/systems/m365.yaml",
        "    contact: Dana Ruiz\n",
        "    contact: Night pager\n",
    );
    let found = findings(&site, CODES);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (code, file, line, message) = &found[0];
    assert_eq!(
        (code.as_str(), file.as_str(), *line),
        ("client-dead-end", "data/systems/m365.yaml", 11)
    );
    assert!(
        message.contains("level 1 of `m365` (Acme Internal IT)"),
        "{message}"
    );
    // A client-visible `client_contact` with a number is a way through.
    site.edit(
        "data/systems/m365.yaml",
        "    contact: Night pager\n",
        "    contact: Night pager\n    client_contact: Dana Ruiz\n",
    );
    assert_eq!(findings(&site, CODES), []);
}

#[test]
fn the_example_has_no_stray_number_and_no_dead_end() {
    let site = Site::example();
    assert_eq!(findings(&site, CODES), []);
}
