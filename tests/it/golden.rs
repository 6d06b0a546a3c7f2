//! Golden files: one page of each kind, the now board, the data files (JSON, CSV,
//! vCard) and the search index, for both audiences,
//! built from `tests/fixtures/base` and `content-example` with `SOURCE_DATE_EPOCH`
//! fixed. They prove refactors byte-for-byte neutral; a change of output on purpose
//! is reviewed and accepted with `INSTA_UPDATE=always cargo test --test it golden`
//! (then `git diff tests/it/snapshots`).
//!
//! Each snapshot frames every file with its path and its length in bytes, so
//! whitespace at the edges (which insta trims when comparing) is still compared.

use crate::common::{Site, files};
use std::fs;

/// One page of each kind, by output path.
const PAGES: &[(&str, &str)] = &[
    ("home", "index.html"),
    ("section", "runbooks/index.html"),
    ("runbook", "runbooks/firewall-reboot/index.html"),
    ("doc", "guides/escalate/index.html"),
    ("system", "systems/firewall/index.html"),
    ("party", "parties/acme-it/index.html"),
    ("matrix", "matrix/index.html"),
    ("review", "review/index.html"),
    ("search", "search/index.html"),
    ("404", "404.html"),
    ("now", "now/index.html"),
    ("cairn-json", "cairn.json"),
    ("matrix-csv", "matrix.csv"),
    ("system-csv", "systems/firewall/raci.csv"),
    ("contacts-vcf", "contacts.vcf"),
    ("party-vcf", "parties/acme-it/contacts.vcf"),
];

const EXAMPLE_PAGES: &[(&str, &str)] = &[
    ("home", "index.html"),
    ("section", "runbooks/network/index.html"),
    ("runbook", "runbooks/network/vpn-down/index.html"),
    ("system", "systems/firewall/index.html"),
    ("party", "parties/acme-it/index.html"),
    ("matrix", "matrix/index.html"),
    ("review", "review/index.html"),
    ("now", "now/index.html"),
    ("cairn-json", "cairn.json"),
    ("matrix-csv", "matrix.csv"),
    ("system-csv", "systems/firewall/raci.csv"),
    ("contacts-vcf", "contacts.vcf"),
    ("party-vcf", "parties/acme-it/contacts.vcf"),
];

/// `=== PATH (N bytes)` then the file's text, for each file.
fn framed(out: &std::path::Path, rels: &[String]) -> String {
    let mut s = String::new();
    for rel in rels {
        let bytes = fs::read(out.join(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"));
        s.push_str(&format!("=== {rel} ({} bytes)\n", bytes.len()));
        s.push_str(&String::from_utf8_lossy(&bytes));
        s.push('\n');
    }
    s
}

fn check_site(site: &Site, name: &str, pages: &[(&str, &str)]) {
    for audience in ["client", "internal"] {
        let out = site.path().join(format!("out-{audience}"));
        let run = site.build(&["--audience", audience, "--out", out.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{run:?}");
        let all = files(&out);
        let settings = {
            let mut s = insta::Settings::clone_current();
            s.set_prepend_module_to_snapshot(false);
            s.set_omit_expression(true);
            s
        };
        settings.bind(|| {
            insta::assert_snapshot!(format!("{name}-{audience}-files"), all.join("\n"));
            for (kind, rel) in pages {
                insta::assert_snapshot!(
                    format!("{name}-{audience}-{kind}"),
                    framed(&out, &[rel.to_string()])
                );
            }
            let index: Vec<String> = all
                .iter()
                .filter(|f| f.starts_with("search/") && f.as_str() != "search/index.html")
                .cloned()
                .collect();
            assert!(!index.is_empty());
            insta::assert_snapshot!(
                format!("{name}-{audience}-search-index"),
                framed(&out, &index)
            );
        });
    }
}

#[test]
fn fixture_pages_and_index_are_unchanged() {
    check_site(&Site::fixture("base"), "base", PAGES);
}

#[test]
fn example_pages_and_index_are_unchanged() {
    check_site(&Site::example(), "example", EXAMPLE_PAGES);
}
