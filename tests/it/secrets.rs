//! Issue 12, finding 3: the secrets gate is evaded by how a secret is written.
//! Every repro here published a working credential in a client build (exit 0)
//! before the two gates; now the build refuses (exit 1), writes nothing, and
//! names the file.

use crate::common::*;
use std::fs;

const PAGE: &str = "content/runbooks/firewall-reboot.md";
const GHP: &str = "ghp_R8mKq2Lz9XwT4vBn7YcD1eFgH3iJ5kLmN6oP";
const AWS: &str = "AKIAQ3EGTW7PKD4LRX2M";

fn base() -> Site {
    Site::fixture("base")
}

/// The runbook's step 2 says `text` instead.
fn page_with(text: &str) -> Site {
    let site = base();
    site.edit(PAGE, "2. Reboot.", text);
    site
}

/// A client build of `site` refuses: exit 1, no output, no staging folder
/// left, and the message names `file`.
fn refused(site: &Site, file: &str) -> Run {
    let run = site.build(&["--audience", "client"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("possible-secret"), "{run:?}");
    assert!(
        run.stderr.contains(file),
        "message must name {file}: {run:?}"
    );
    assert!(!site.path().join("public").exists(), "nothing written");
    let leftovers: Vec<_> = fs::read_dir(site.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".public"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
    for secret in [GHP, AWS, "Xk29", "BlueElephant", "Winter2024"] {
        assert!(!run.stderr.contains(secret), "the message echoes {secret}");
    }
    run
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    bytes
}

#[test]
fn markdown_escapes_and_emphasis_do_not_hide_a_token() {
    for text in [
        format!("2. Reboot with {}.", GHP.replace('_', "&#95;")),
        format!("2. Reboot with &#65;{}.", &AWS[1..]),
        format!("2. Reboot with {}.", GHP.replace('_', "\\_")),
        "2. Reboot with AKIA**Q3EG**TW7PKD4LRX2M.".to_string(),
        "2. Reboot.\n\n&#45;----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi\n-----END RSA PRIVATE KEY-----\n".to_string(),
    ] {
        refused(&page_with(&text), PAGE);
    }
}

#[test]
fn a_begin_line_does_not_end_the_scan_of_a_block_or_script() {
    let site = page_with(&format!(
        "2. Reboot.\n\n```sh\n# -----BEGIN CERTIFICATE-----\nexport GITHUB_TOKEN={GHP}\n```\n"
    ));
    refused(&site, PAGE);
    let site = base();
    site.write(
        "static/scripts/renew.sh",
        &format!("#!/bin/sh\n# -----BEGIN CERTIFICATE-----\ncurl -u admin:Xk29fja8Qz https://fw01/\nexport GITHUB_TOKEN={GHP}\n"),
    );
    refused(&site, "static/scripts/renew.sh");
}

#[test]
fn utf16_files_are_read() {
    let site = base();
    fs::write(
        site.path().join("static/deploy.ps1"),
        utf16le_with_bom("$user = 'svc-deploy'\r\n$password = \"Winter2024!x\"\r\n"),
    )
    .unwrap();
    refused(&site, "static/deploy.ps1");
    let site = base();
    fs::write(
        site.path().join("static/acme.reg"),
        utf16le_with_bom("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon]\r\n\"AutoAdminLogon\"=\"1\"\r\n\"DefaultPassword\"=\"Xk29!fja8Qz\"\r\n"),
    )
    .unwrap();
    refused(&site, "static/acme.reg");
}

#[test]
fn a_file_over_one_mebibyte_is_read_to_its_end() {
    let site = base();
    let mut log = "2026-11-01 10:00:00 INFO backup ok, 1432 files\n".repeat(40_000);
    log.push_str(&format!("2026-11-01 10:00:01 DEBUG using {GHP}\n"));
    assert!(log.len() > 1 << 20);
    site.write("static/logs/backup.log", &log);
    refused(&site, "static/logs/backup.log");
}

#[test]
fn configs_scripts_and_key_files_of_any_name_are_read() {
    let files: &[(&str, String)] = &[
        (
            "static/web.config",
            "<configuration>\n  <connectionStrings>\n    <add name=\"pm\" connectionString=\"Server=db01;Database=pm;User Id=sa;Password=Sup3rS3cret;\" />\n  </connectionStrings>\n</configuration>\n".into(),
        ),
        (
            "static/scripts/map-drive.vbs",
            "Set net = CreateObject(\"WScript.Network\")\nstrPassword = \"Winter2024!x\"\nnet.MapNetworkDrive \"S:\", \"\\\\nas01\\share\", False, \"svc\", strPassword\n".into(),
        ),
        (
            "static/keys/fw01.ppk",
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: fw01\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIGq8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6\n".into(),
        ),
        (
            "static/keys/id_ed25519",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n".into(),
        ),
        (
            "static/notes.md",
            format!("# Notes\n\nThe NOC token is {GHP}.\n"),
        ),
        (
            "static/status.html",
            format!("<!doctype html><p>key {AWS}</p>\n"),
        ),
        (
            "static/js/app.js",
            format!("const headers = {{ Authorization: 'token {GHP}' }};\n"),
        ),
        (
            "templates/404.html",
            format!("{{% extends \"base.html\" %}}{{% block content %}}<p>Lost? Use {GHP}.</p>{{% endblock content %}}\n"),
        ),
    ];
    for (file, text) in files {
        let site = base();
        site.write(file, text);
        refused(&site, file);
    }
}

#[test]
fn passwords_in_prose_and_values_are_secrets() {
    for text in [
        "2. Reboot.\n\n```yaml\npassword: !Xk29fja8Qz\n```\n",
        "2. Reboot.\n\n```\npassword: P@ssw0rd.2024\n```\n",
        "2. Reboot.\n\n```\npassword: Summer2024Password!\n```\n",
        "2. Reboot. The admin password is Xk29!fja8Qz",
        "2. Reboot.\n\n**Wi-Fi password:** BlueElephantDancing\n",
        "2. Reboot.\n\n```sh\ngit commit -am wip && export API=Zq8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6Gh7Ij8Kl\n```\n",
    ] {
        refused(&page_with(text), PAGE);
    }
}

#[test]
fn a_github_action_pinned_by_commit_is_not_a_secret() {
    let site = page_with(
        "2. Reboot.\n\n```yaml\nsteps:\n  # pinned to a commit SHA, not a tag\n  - uses: some/action@c86d0dc0a1b2c3d4e5f60718293a4b5c6d7e8f90\n  - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1\n```\n\nThe fix landed in commit\n`9f86d081884c7d659a2feaa0c55ad015a3bf4f1b`.\n",
    );
    let run = site.build(&["--audience", "client", "--strict"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        site.out("runbooks/firewall-reboot/index.html")
            .contains("c86d0dc0")
    );
}

#[test]
fn placeholders_stay_quiet() {
    let site = page_with(
        "2. Reboot.\n\n```\npassword: <password>\npassword: ********\napi_key: ${API_KEY}\ntoken: $token\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n```\n\nThe password is stored in Bitwarden.\n",
    );
    site.write(
        "static/scripts/reset.ps1",
        "$password = Read-Host -AsSecureString \"New password\"\n",
    );
    let run = site.build(&["--audience", "client", "--strict"]);
    assert_eq!(run.code, 0, "{run:?}");
}

/// A template that builds a token out of two harmless strings: no source line
/// holds it, only the output does. The gate reads what is written.
#[test]
fn the_output_gate_sees_what_no_source_line_holds() {
    let site = base();
    assert_eq!(site.build(&["--audience", "client"]).code, 0);
    let before = files(&site.path().join("public"));
    let home_before = site.out("index.html");
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p>Lost? Ask for key {{ \"AKIAQ3EG\" ~ \"TW7PKD4LRX2M\" }}.</p>{% endblock content %}\n",
    );
    let check = site.cairn(&["check", ".", "--strict"]);
    assert_eq!(check.code, 0, "the source scan cannot see it: {check:?}");
    let run = site.build(&["--audience", "client"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("error[possible-secret]"), "{run:?}");
    assert!(
        run.stderr.contains("404.html"),
        "names the output file: {run:?}"
    );
    assert!(!run.stderr.contains(AWS), "{run:?}");
    assert_eq!(
        files(&site.path().join("public")),
        before,
        "previous output untouched"
    );
    assert_eq!(site.out("index.html"), home_before);

    let run = site.build(&["--audience", "internal"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("warning[possible-secret]"), "{run:?}");
    assert!(site.out("404.html").contains(AWS));
}

/// Entities and inline markup across a line break: each source line is
/// harmless, the rendered text is a token.
#[test]
fn the_output_gate_reads_rendered_text_across_lines_and_entities() {
    let site = page_with(
        "2. Reboot.\n\nKey AKIA&#81;3EG<span\nclass=\"k\">TW7PKD4LRX2M</span> for the job.\n",
    );
    site.edit(
        "cairn.yaml",
        "audience: client",
        "audience: client\nmarkdown:\n  raw_html: allow",
    );
    assert_eq!(
        site.cairn(&["check", "."]).code,
        0,
        "no source line holds it"
    );
    let run = refused(&site, "runbooks/firewall-reboot/index.html");
    assert!(run.stderr.contains(PAGE), "names the source too: {run:?}");
    assert!(
        run.stderr.contains("search/d/"),
        "and the search index: {run:?}"
    );
}

/// A token in a UTF-16 static file the source allows on its line is allowed
/// in the output too; one it does not allow is refused by both gates.
#[test]
fn an_allowed_line_is_allowed_by_both_gates() {
    let site = page_with(&format!(
        "2. Reboot with {AWS}. <!-- cairn: allow-secret -->"
    ));
    fs::write(
        site.path().join("static/example.ps1"),
        utf16le_with_bom(&format!(
            "# documentation example\r\n$key = \"{GHP}\" # cairn: allow-secret\r\n"
        )),
    )
    .unwrap();
    let run = site.build(&["--audience", "client", "--strict"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        site.out("runbooks/firewall-reboot/index.html")
            .contains(AWS)
    );
}

/// A password on a line its author allowed is allowed wherever its words end
/// up: the page, the search shards, the offline zip. The gate read the value
/// spelled with an entity as a password where the source scan did not, and
/// refused the client build it had been told to allow.
#[test]
fn an_allowed_password_line_builds_for_clients_whatever_its_spelling() {
    for value in ["value", "bl&uuml;e42X", "`Winter2024!`"] {
        let site = page_with(&format!(
            "2. Reboot.\n\n**Wi-Fi password:** {value} <!-- cairn: allow-secret -->\n"
        ));
        let run = site.build(&["--audience", "client", "--strict", "--zip"]);
        assert_eq!(run.code, 0, "{value}: {run:?}");
        assert!(
            site.out("runbooks/firewall-reboot/index.html")
                .contains("Wi-Fi password")
        );
    }
    // Without the comment, the same line is refused.
    let site = page_with("2. Reboot.\n\n**Wi-Fi password:** bl&uuml;e42X\n");
    refused(&site, "runbooks/firewall-reboot/index.html");
}
