//! Data that leaves the site: `cairn.json` against its schema, `matrix.csv`
//! against the matrix page, and every `.vcf` through a strict vCard 4.0 reader.

use crate::common::{Site, files};
use std::collections::BTreeSet;
use std::fs;

fn built_example(audience: &str) -> Site {
    let site = Site::example();
    let run = site.build(&["--audience", audience]);
    assert_eq!(run.code, 0, "{run:?}");
    site
}

#[test]
fn cairn_json_validates_against_its_schema_in_both_audiences() {
    for audience in ["client", "internal"] {
        let site = built_example(audience);
        let schema: serde_json::Value =
            serde_json::from_str(&site.out("cairn.schema.json")).expect("schema is JSON");
        let model: serde_json::Value =
            serde_json::from_str(&site.out("cairn.json")).expect("cairn.json is JSON");
        let validator = jsonschema::draft202012::new(&schema).expect("a valid JSON Schema");
        let errors: Vec<String> = validator
            .iter_errors(&model)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{audience}: {}", errors.join("\n"));
        assert_eq!(model["schema_version"], 2);
        assert_eq!(model["site"]["audience"], audience);
        // It is the resolved model, not an echo of the YAML.
        let m365 = model["systems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == "m365")
            .unwrap();
        assert_eq!(m365["owner"], "acme-it");
        assert_eq!(m365["escalation"][1]["after_total_minutes"], 30);
        assert_eq!(
            m365["escalation"][0]["hours"]["spans"][0],
            serde_json::json!([480, 1080])
        );
        assert_eq!(m365["coverage"]["uncovered"], serde_json::json!([]));
        assert_eq!(m365["raci_csv"], "systems/m365/raci.csv");
        let runbook = &model["runbooks"][0];
        assert!(
            site.path()
                .join("public")
                .join(runbook["url"].as_str().unwrap())
                .is_file()
        );
    }
}

#[test]
fn the_schema_refuses_what_cairn_json_must_not_hold() {
    // A strict schema is what makes the test above able to fail.
    let site = built_example("client");
    let schema: serde_json::Value = serde_json::from_str(&site.out("cairn.schema.json")).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let mut model: serde_json::Value = serde_json::from_str(&site.out("cairn.json")).unwrap();
    assert!(validator.is_valid(&model));
    model["systems"][0]["secret_field"] = "x".into();
    assert!(!validator.is_valid(&model));
    model["systems"][0]
        .as_object_mut()
        .unwrap()
        .remove("secret_field");
    model["parties"][0]["contacts"][0]["audience"] = "internal".into();
    assert!(!validator.is_valid(&model));
}

/// `(system id, activity, party id, letters)` of every filled matrix cell.
type Cells = BTreeSet<(String, String, String, String)>;

fn matrix_page_cells(html: &str) -> Cells {
    let row = regex::Regex::new(
        r#"(?s)<tr><th scope="row"><a href="[^"]*systems/([a-z0-9-]+)/index.html">.*?</tr>"#,
    )
    .unwrap();
    let td = regex::Regex::new(r#"(?s)<td data-label="([^"]*)"[^>]*>(.*?)</td>"#).unwrap();
    let cell = regex::Regex::new(
        r#"<span class="raci-cell" data-party="([a-z0-9-]+)" data-letters="([RACI]+)">"#,
    )
    .unwrap();
    let mut out = Cells::new();
    for r in row.captures_iter(html) {
        for t in td.captures_iter(&r[0]) {
            for c in cell.captures_iter(&t[2]) {
                out.insert((
                    r[1].to_string(),
                    unescape(&t[1]),
                    c[1].to_string(),
                    c[2].to_string(),
                ));
            }
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
}

#[test]
fn matrix_csv_parses_and_matches_the_matrix_page() {
    let site = built_example("client");
    let bytes = fs::read(site.path().join("public/matrix.csv")).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 with a BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(
        text.contains("\r\n") && !text.replace("\r\n", "").contains('\n'),
        "CRLF line ends"
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        &header[..6],
        ["System id", "System", "Tier", "Activity", "Required", "Gap"]
    );
    // Columns are party names; the page shows ids: cairn.json maps one to the other.
    let model: serde_json::Value = serde_json::from_str(&site.out("cairn.json")).unwrap();
    let id_of = |name: &str| -> String {
        model["parties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no party named {name}"))["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let mut from_csv = Cells::new();
    let mut rows = 0;
    for record in reader.records() {
        let record = record.expect("a well-formed CSV record");
        assert_eq!(record.len(), header.len());
        rows += 1;
        for (i, letters) in record.iter().enumerate().skip(6) {
            if !letters.is_empty() {
                from_csv.insert((
                    record[0].to_string(),
                    record[3].to_string(),
                    id_of(&header[i]),
                    letters.to_string(),
                ));
            }
        }
    }
    let from_page = matrix_page_cells(&site.out("matrix/index.html"));
    assert!(
        from_page.len() > 50,
        "the page parser found {}",
        from_page.len()
    );
    assert_eq!(from_csv, from_page);
    assert!(rows >= 100, "{rows} rows");
    // The system's own file holds its rows only.
    let m365 = site.out("systems/m365/raci.csv");
    let mut reader = csv::Reader::from_reader(m365.trim_start_matches('\u{feff}').as_bytes());
    assert!(reader.records().all(|r| &r.unwrap()[0] == "m365"));
    assert!(
        site.out("systems/m365/index.html")
            .contains("href=\"../../systems/m365/raci.csv\"")
    );
    assert!(
        site.out("matrix/index.html")
            .contains("href=\"../matrix.csv\"")
    );
}

#[test]
fn csv_quotes_separators_and_defuses_formulas() {
    let site = Site::fixture("base");
    site.edit(
        "data/systems/m365.yaml",
        "  User onboarding:",
        "  \"=HYPERLINK(\\\"x\\\"), \\\"quoted\\\"; ok\": { acme-it: RA }\n  User onboarding:",
    );
    assert_eq!(site.build(&[]).code, 0);
    let text = site.out("matrix.csv");
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let activities: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[3].to_string())
        .collect();
    assert!(
        activities.contains(&"'=HYPERLINK(\"x\"), \"quoted\"; ok".to_string()),
        "{activities:?}"
    );
}

/// A strict vCard 4.0 reader (RFC 6350): CRLF only, lines of at most 75
/// octets, folding by CRLF + one space, BEGIN/VERSION first, FN required,
/// known properties only, TEXT escapes valid. The cards as property → values.
fn parse_vcards(bytes: &[u8]) -> Vec<Vec<(String, String, String)>> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    assert!(text.ends_with("\r\n"), "ends with CRLF");
    assert!(
        !text.replace("\r\n", "").contains(['\r', '\n']),
        "bare CR or LF"
    );
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    let unfolded = text.replace("\r\n ", "");
    let mut cards = Vec::new();
    let mut card: Option<Vec<(String, String, String)>> = None;
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let (head, value) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("no colon: {line}"));
        let (name, params) = head.split_once(';').unwrap_or((head, ""));
        assert!(
            name.bytes().all(|b| b.is_ascii_uppercase() || b == b'-'),
            "property name {name}"
        );
        match name {
            "BEGIN" => {
                assert_eq!(value, "VCARD");
                assert!(card.is_none(), "nested BEGIN");
                card = Some(Vec::new());
            }
            "END" => {
                assert_eq!(value, "VCARD");
                let c = card.take().expect("END without BEGIN");
                assert_eq!(
                    c.first().map(|p| (p.0.as_str(), p.2.as_str())),
                    Some(("VERSION", "4.0"))
                );
                assert_eq!(c.iter().filter(|p| p.0 == "FN").count(), 1, "one FN");
                cards.push(c);
            }
            "VERSION" | "KIND" | "FN" | "ORG" | "TITLE" | "TEL" | "EMAIL" | "NOTE" => {
                let c = card.as_mut().expect("a property outside BEGIN/END");
                let value = if name == "TEL" && params.contains("VALUE=uri") {
                    assert!(
                        value.starts_with("tel:+") || value.starts_with("tel:"),
                        "{value}"
                    );
                    value.to_string()
                } else {
                    unescape_text(value)
                };
                c.push((name.to_string(), params.to_string(), value));
            }
            other => panic!("unexpected property {other}"),
        }
    }
    assert!(card.is_none(), "BEGIN without END");
    cards
}

fn unescape_text(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\\') => out.push('\\'),
                Some(',') => out.push(','),
                Some(';') => out.push(';'),
                Some('n') | Some('N') => out.push('\n'),
                other => panic!("bad escape \\{other:?} in {value}"),
            },
            ',' | ';' => panic!("unescaped separator in {value}"),
            c => out.push(c),
        }
    }
    out
}

fn names(cards: &[Vec<(String, String, String)>]) -> BTreeSet<String> {
    cards
        .iter()
        .map(|c| c.iter().find(|p| p.0 == "FN").unwrap().2.clone())
        .collect()
}

#[test]
fn every_vcf_parses_and_holds_exactly_the_audiences_contacts() {
    for audience in ["client", "internal"] {
        let site = built_example(audience);
        let out = site.path().join("public");
        let vcfs: Vec<String> = files(&out)
            .into_iter()
            .filter(|f| f.ends_with(".vcf"))
            .collect();
        assert!(vcfs.contains(&"contacts.vcf".to_string()));
        assert!(vcfs.contains(&"parties/bright/contacts.vcf".to_string()));
        for rel in &vcfs {
            parse_vcards(&fs::read(out.join(rel)).unwrap());
        }
        let all = parse_vcards(&fs::read(out.join("contacts.vcf")).unwrap());
        // 16 contacts in the example's parties.yaml: three of them internal, and
        // Tom Becker, who left before the build date, is in no vCard.
        assert_eq!(all.len(), if audience == "client" { 12 } else { 15 });
        assert!(!names(&all).contains("Tom Becker"), "{audience}");
        let bright = parse_vcards(&fs::read(out.join("parties/bright/contacts.vcf")).unwrap());
        let mut expected: BTreeSet<String> = ["NOC", "Security desk", "Priya Nair"]
            .map(String::from)
            .into();
        if audience == "internal" {
            expected.extend(["On-call engineer pager", "Jo Kim", "Lee Wu"].map(String::from));
        }
        assert_eq!(names(&bright), expected, "{audience}");
        let noc = &bright[0];
        let get = |p: &str| noc.iter().find(|x| x.0 == p).map(|x| x.2.clone());
        assert_eq!(get("ORG").as_deref(), Some("Bright MSP"));
        assert_eq!(
            get("TITLE").as_deref(),
            Some("Network operations centre, 24x7 service desk")
        );
        assert_eq!(get("TEL").as_deref(), Some("tel:+15550142"));
        assert_eq!(get("EMAIL").as_deref(), Some("noc@brightmsp.example"));
        assert!(get("NOTE").unwrap().contains("24x7"));
        assert!(
            site.out("parties/bright/index.html")
                .contains("href=\"../../parties/bright/contacts.vcf\"")
        );
    }
}

#[test]
fn vcards_fold_long_lines_and_escape_text() {
    let site = Site::fixture("base");
    site.edit(
        "data/parties.yaml",
        "      role: IT Manager",
        "      role: \"IT Manager; backups, patching \\\\ everything: Ünïcödé — a role long enough to be folded twice over in a vCard line\"",
    );
    assert_eq!(site.build(&[]).code, 0);
    let cards =
        parse_vcards(&fs::read(site.path().join("public/parties/acme-it/contacts.vcf")).unwrap());
    let title = cards[0].iter().find(|p| p.0 == "TITLE").unwrap().2.clone();
    assert_eq!(
        title,
        "IT Manager; backups, patching \\ everything: Ünïcödé — a role long enough to be folded twice over in a vCard line"
    );
    // The internal pager is not in the client build.
    assert_eq!(names(&cards), BTreeSet::from(["Dana Ruiz".to_string()]));
}

/// `(system id, activity)` of every cell the matrix page marks as a gap.
fn matrix_page_gaps(html: &str) -> BTreeSet<(String, String)> {
    let row = regex::Regex::new(
        r#"(?s)<tr><th scope="row"><a href="[^"]*systems/([a-z0-9-]+)/index.html">.*?</tr>"#,
    )
    .unwrap();
    let td = regex::Regex::new(r#"<td data-label="([^"]*)" class="gap">"#).unwrap();
    row.captures_iter(html)
        .flat_map(|r| {
            td.captures_iter(&r[0])
                .map(|t| (r[1].to_string(), unescape(&t[1])))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn matrix_csv_and_the_matrix_page_show_the_same_gaps() {
    // A required activity nobody has a row for: a gap on tier-1 m365, not on
    // tier-3 firewall. Help desk is optional: shown as unset, never a gap.
    let site = Site::fixture("base");
    site.edit(
        "data/activities.yaml",
        "- name: Help desk",
        "- name: Backup verification\n  required: true\n- name: Help desk",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let from_page = matrix_page_gaps(&site.out("matrix/index.html"));
    let expected: BTreeSet<(String, String)> =
        [("m365".to_string(), "Backup verification".to_string())].into();
    assert_eq!(from_page, expected);
    let text = site.out("matrix.csv");
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let from_csv: BTreeSet<(String, String)> = records
        .iter()
        .filter(|r| !r[5].is_empty())
        .map(|r| (r[0].to_string(), r[3].to_string()))
        .collect();
    assert_eq!(from_csv, expected);
    let gap = records
        .iter()
        .find(|r| &r[0] == "m365" && &r[3] == "Backup verification")
        .unwrap();
    assert_eq!((&gap[4], &gap[5]), ("yes", "missing"));
    // Rows the system does not have and that are no gap are left out of the CSV.
    assert!(
        !records.iter().any(
            |r| &r[3] == "Help desk" || (&r[0] == "firewall" && &r[3] == "Backup verification")
        ),
        "{records:?}"
    );
}
