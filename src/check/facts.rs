//! What system facts and vault pointers must never be: a secret. A fact a
//! client sees whose label says PIN, password, passcode or secret, and a
//! `credentials_at` URL that carries a user, a password or a share link's key,
//! are `possible-secret` (the text scan finds secret-looking values; these
//! rules read what the schema says the value is).

use crate::diag::{Code, Diagnostic};
use crate::model::{Audience, CredentialPointer};
use crate::site::{PARTIES_FILE, Site};

pub(super) fn check_facts(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for entry in &site.systems {
        let file = entry.file.as_str();
        for (label, fact) in &entry.system.facts {
            if fact.audience == Audience::Client && secret_label(label) {
                let line = site.line(file, &["facts", label]);
                if !allowed(site, file, line) {
                    out.push(Diagnostic::new(
                        Code::PossibleSecret,
                        file,
                        line,
                        format!(
                            "possible secret: the fact `{label}` is shown to clients; mark it `{{ value: …, audience: internal }}`, keep it in the vault (`credentials_at`), or add `# cairn: allow-secret` to the line"
                        ),
                    ));
                }
            }
        }
        pointers(site, file, &entry.system.credentials_at, &[], &mut out);
    }
    for (i, party) in site.parties.iter().enumerate() {
        let index = i.to_string();
        pointers(
            site,
            PARTIES_FILE,
            &party.credentials_at,
            &[&index],
            &mut out,
        );
    }
    out
}

fn pointers(
    site: &Site,
    file: &str,
    list: &[CredentialPointer],
    prefix: &[&str],
    out: &mut Vec<Diagnostic>,
) {
    for (i, p) in list.iter().enumerate() {
        let Some(why) = secret_url(&p.url) else {
            continue;
        };
        let index = i.to_string();
        let mut path: Vec<&str> = prefix.to_vec();
        path.extend(["credentials_at", &index, "url"]);
        let line = site.line(file, &path);
        if !allowed(site, file, line) {
            out.push(Diagnostic::new(
                Code::PossibleSecret,
                file,
                line,
                format!(
                    "possible secret: the credentials link `{}` {why}; point at the vault entry instead (a link that needs a login)",
                    p.name
                ),
            ));
        }
    }
}

/// The data file's line carries `cairn: allow-secret`.
fn allowed(site: &Site, file: &str, line: Option<usize>) -> bool {
    line.and_then(|n| site.text(file).lines().nth(n - 1))
        .is_some_and(|l| l.contains("cairn: allow-secret"))
}

/// A label that says its value is a secret: `Support PIN`, `Wi-Fi password`.
fn secret_label(label: &str) -> bool {
    label
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .any(|w| {
            matches!(
                w.as_str(),
                "pin" | "password" | "passwd" | "passcode" | "passphrase" | "secret" | "pwd"
            )
        })
}

/// Why a vault pointer holds a secret itself, if it does: a user or password
/// before the host, or a share link whose key is in the URL.
fn secret_url(url: &str) -> Option<&'static str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Some("has a user or password in it");
    }
    let lower = rest.to_ascii_lowercase();
    let host = authority.to_ascii_lowercase();
    let path = &lower[authority.len()..];
    // Links that open a secret for whoever holds them: the key rides in the URL.
    let share_hosts = [
        "send.bitwarden.com",
        "onetimesecret.com",
        "eu.onetimesecret.com",
        "us.onetimesecret.com",
        "pwpush.com",
        "eu.pwpush.com",
        "privnote.com",
        "share.1password.com",
        "yopass.se",
        "password.link",
        "scrt.link",
    ];
    let shared_host = share_hosts
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")));
    let shared_path = [
        "#/send/",
        "/#/send/",
        "/send/#",
        "/secret/",
        "/private/",
        "/p/",
        "#/s/",
        "/s#",
    ]
    .iter()
    .any(|p| path.contains(p))
        && path.len() > 12;
    (shared_host || shared_path).then_some("is a share link that carries its key")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::TestSite;

    fn secrets(system: &str, parties_extra: &str) -> Vec<(Option<usize>, String)> {
        let t = TestSite::new();
        t.write(
            "data/parties.yaml",
            &format!("{}{parties_extra}", crate::check::testing::PARTIES),
        );
        t.write("data/systems/fw.yaml", system);
        let site = t.load();
        check_facts(&site)
            .into_iter()
            .map(|d| (d.line, d.message))
            .collect()
    }

    const SYSTEM: &str = "id: fw\nname: Firewall\ntier: 1\nowner: it\n";

    #[test]
    fn a_client_visible_pin_is_a_secret_an_internal_one_is_not() {
        let found = secrets(
            &format!(
                "{SYSTEM}facts:\n  Circuit ID: LVF-88213\n  Support PIN: \"7731\"\n  Admin password: {{ value: x, audience: internal }}\n  Pinned notes: x\n  Passcode: {{ value: \"1\", copy: false }} # cairn: allow-secret\n"
            ),
            "",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, Some(7));
        assert!(found[0].1.contains("`Support PIN`"), "{}", found[0].1);
    }

    #[test]
    fn a_vault_link_with_a_login_or_a_share_key_is_a_secret() {
        let found = secrets(
            &format!(
                "{SYSTEM}credentials_at:\n  - {{ name: Vault, url: \"https://vault.example/#/vault?itemId=42\" }}\n  - {{ name: Bad, url: \"https://admin:hunter2@fw.example/\" }}\n  - {{ name: Send, url: \"https://send.bitwarden.com/#Ab12Cd34/XyZkey987\" }}\n  - {{ name: OTS, url: \"https://onetimesecret.com/secret/abc123def456\" }}\n  - {{ name: Own, url: \"https://vault.acme.example/#/send/3f2a/k9Z8y7\" }}\n"
            ),
            "  credentials_at:\n    - { name: Mine, url: \"https://pwpush.com/p/abcdef123456\" }\n",
        );
        let lines: Vec<Option<usize>> = found.iter().map(|(l, _)| *l).collect();
        assert_eq!(
            lines,
            [Some(7), Some(8), Some(9), Some(10), Some(13)],
            "{found:?}"
        );
        assert!(found[0].1.contains("user or password"), "{}", found[0].1);
        assert!(found[1].1.contains("share link"), "{}", found[1].1);
    }
}
