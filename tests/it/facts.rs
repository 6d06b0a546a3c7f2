//! System facts ("have this ready") and vault pointers (`credentials_at`), as
//! the bundled example's internet, firewall and practice-management systems
//! hold them:
//! shown with every call card of the system, in `cairn.json`, and only to the
//! audience that may see each one.

use crate::common::{Site, files};

fn all_output(site: &Site) -> String {
    let out = site.path().join("public");
    files(&out)
        .iter()
        .filter(|f| !f.ends_with(".png") && !f.ends_with(".zip"))
        .filter_map(|f| std::fs::read(out.join(f)).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect()
}

#[test]
fn facts_show_with_every_call_card_and_each_audience_sees_its_own() {
    let site = Site::example();
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let system = site.out("systems/internet/index.html");
    assert!(system.contains("Have this ready"), "system page");
    assert!(
        system.contains(">LVF-20417<"),
        "a fact's value on the system page"
    );
    // A runbook of the system shows them next to its ladder, and those of its
    // other systems in their folded cards.
    let runbook = site.out("runbooks/network/internet-outage/index.html");
    assert!(runbook.contains(">LVF-31102<"), "a fact on the runbook");
    assert!(runbook.contains("<dt>Circuit ID, Oak Park</dt>"));
    assert!(runbook.contains("<dt>Serial, FW-OAK</dt>"));
    // `copy: false` leaves the copy button out; others get one.
    assert!(system.contains("<span class=\"fact-value\" data-copy>LVF-20417</span>"));
    let firewall = site.out("systems/firewall/index.html");
    assert!(firewall.contains("<span class=\"fact-value\">FC-2207-8841, until 2027-06-30</span>"));
    // A client-visible vault pointer is a link; internal ones are nowhere.
    let pm = site.out("systems/practice-management/index.html");
    assert!(pm.contains("href=\"https://portal.chairside.example/account/100482\""));
    let client = all_output(&site);
    for internal in ["7731", "5150", "vault.brightmsp.example", "itglue.example"] {
        assert!(
            !client.contains(internal),
            "a client build holds {internal:?}"
        );
    }
    let model: serde_json::Value = serde_json::from_str(&site.out("cairn.json")).unwrap();
    let system_of = |id: &str| -> serde_json::Value {
        model["systems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()
            .clone()
    };
    let labels = |system: &serde_json::Value| -> Vec<String> {
        system["facts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["label"].as_str().unwrap().to_string())
            .collect()
    };
    let (internet, firewall) = (system_of("internet"), system_of("firewall"));
    assert_eq!(
        labels(&internet),
        [
            "Lakeview account",
            "Circuit ID, Main Street",
            "Circuit ID, Riverside",
            "Circuit ID, Oak Park",
        ]
    );
    assert_eq!(
        labels(&firewall),
        [
            "Serial, FW-MAIN",
            "Serial, FW-RIVER",
            "Serial, FW-OAK",
            "FortiCare contract"
        ]
    );
    assert_eq!(internet["credentials_at"], serde_json::json!([]));
    assert_eq!(firewall["credentials_at"], serde_json::json!([]));

    let run = site.build(&["--audience", "internal"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        site.out("systems/internet/index.html").contains(">7731<"),
        "the internal PIN in an internal build"
    );
    assert!(
        site.out("systems/internet/index.html")
            .contains("Bitwarden: Lakeview business portal (Bright vault)")
    );
    let system = site.out("systems/firewall/index.html");
    assert!(system.contains(
        "href=\"https://vault.brightmsp.example/#/vault?itemId=fw-acme\" rel=\"noopener noreferrer\">Bitwarden: FortiGate admin (Bright vault)</a>"
    ));
    // A party's pointer: on its page and next to its levels on ladders.
    assert!(
        site.out("parties/bright/index.html")
            .contains("IT Glue: Acme Dental")
    );
    assert!(system.contains("IT Glue: Acme Dental"));
    let model: serde_json::Value = serde_json::from_str(&site.out("cairn.json")).unwrap();
    let bright = model["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "bright")
        .unwrap();
    assert_eq!(bright["credentials_at"][0]["name"], "IT Glue: Acme Dental");
}

#[test]
fn a_pin_shown_to_clients_or_a_vault_link_with_its_key_is_a_possible_secret() {
    let site = Site::example();
    site.edit(
        "data/systems/internet.yaml",
        "  Lakeview support PIN: { value: \"7731\", audience: internal }",
        "  Lakeview support PIN: \"7731\"",
    );
    site.edit(
        "data/systems/internet.yaml",
        "url: \"https://vault.brightmsp.example/#/vault?itemId=lakeview-portal\"",
        "url: \"https://send.bitwarden.com/#zP3kQ/8xYt2Lm9Qw\"",
    );
    let run = site.cairn(&["check", ".", "--format", "json"]);
    let found: Vec<(String, u64)> = run.json()["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] == "possible-secret")
        .map(|w| {
            (
                w["file"].as_str().unwrap().to_string(),
                w["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let text = site.read("data/systems/internet.yaml");
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1;
    assert_eq!(
        found,
        [
            (
                "data/systems/internet.yaml".to_string(),
                line_of("support PIN")
            ),
            (
                "data/systems/internet.yaml".to_string(),
                line_of("send.bitwarden")
            ),
        ],
        "{run:?}"
    );
    // A client build refuses it.
    let run = site.build(&[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("possible-secret") || run.stdout.contains("possible-secret"));
}
