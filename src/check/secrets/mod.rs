//! possible-secret, the source scan: every file a build reads or publishes
//! (pages with their front matter, the YAML data, files under `content/` and
//! `static/` whatever their name, encoding or size, the site's templates and
//! theme) is read line by line against the one catalogue in
//! [`crate::secrets`], and a hit is reported at its file and line. A client
//! site must never publish a secret, so this errs towards reporting, but stays
//! quiet on placeholders (`<password>`, `********`, `${VAR}`) and on the words
//! "password" or "token" in sentences.
//!
//! The output gate ([`crate::secrets::gate`]) reads what a client build then
//! writes; what this scan lets through on purpose (an allow comment,
//! `allow_secrets: true`) it learns from [`crate::secrets::allowed`].
//!
//! Speed: one combined regex finds candidate spots in a whole text; only the
//! lines holding one are looked at closely. Files are scanned in parallel,
//! large ones streamed.

#[cfg(test)]
mod table;

use crate::diag::{Code, Diagnostic};
use crate::secrets::sources::{
    FileHits, data_sources, file_sources, hits_of, page_source, scan_page,
};
use crate::secrets::{LineKind, Syntax};
use crate::site::{Page, Site};

/// The scan of one page.
pub(super) fn check_page(page: &Page) -> Vec<Diagnostic> {
    scan_page(page_source(page)).map(report).unwrap_or_default()
}

/// The scan of the data files (as loaded).
pub(super) fn check_data(site: &Site) -> Vec<Diagnostic> {
    hits_of(site, data_sources(site))
        .into_iter()
        .flat_map(report)
        .collect()
}

/// The scan of the files read from disk as they are (published, the theme's).
pub(super) fn check_files(site: &Site) -> Vec<Diagnostic> {
    hits_of(site, file_sources(site))
        .into_iter()
        .flat_map(report)
        .collect()
}

/// The diagnostics of one file: one a line, none where the author allowed it.
fn report(found: FileHits) -> Vec<Diagnostic> {
    let marker = marker(found.syntax);
    let mut last_line = 0;
    let mut out = Vec::new();
    for h in found.hits {
        if h.allowed || found.page_allows || h.line == last_line {
            continue;
        }
        last_line = h.line;
        out.push(Diagnostic::new(
            Code::PossibleSecret,
            &found.file,
            Some(h.line),
            format!(
                "possible secret: looks like {} ({}); if it is not a secret, add {marker} to the line",
                h.hit.what, h.hit.shown
            ),
        ));
    }
    out
}

/// How the author silences a line, in the file's own comment syntax.
fn marker(syntax: Syntax) -> &'static str {
    match syntax {
        Syntax::Markdown { .. } => "`<!-- cairn: allow-secret -->`",
        Syntax::Uniform(LineKind::Data) => "`# cairn: allow-secret`",
        _ => "a comment holding `cairn: allow-secret`",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::scan;

    fn scan_file(text: &str, file: &str, syntax: Syntax) -> Vec<Diagnostic> {
        let mut hits = Vec::new();
        scan::scan_text(text, syntax, &mut |h| hits.push(h));
        report(FileHits {
            file: file.into(),
            syntax,
            page_allows: false,
            hits,
        })
    }

    pub(super) fn md(body: &str) -> Vec<Diagnostic> {
        scan_file(
            &format!("---\ntitle: T\n---\n{body}"),
            "content/a.md",
            Syntax::Markdown { body_line: 4 },
        )
    }

    fn flagged(body: &str) -> bool {
        !md(body).is_empty()
    }

    pub(super) fn yaml(text: &str) -> Vec<Diagnostic> {
        scan_file(text, "data/systems/a.yaml", Syntax::Uniform(LineKind::Data))
    }

    #[test]
    fn github_token_is_a_secret() {
        let d = md("Intro.\n\n2. Reboot.\n   token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789ab\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, Some(7));
        assert!(d[0].message.contains("GitHub token"), "{}", d[0].message);
        assert!(d[0].message.contains("`ghp_…`"), "{}", d[0].message);
        assert!(!d[0].message.contains("aBcDeF"), "{}", d[0].message);
    }

    #[test]
    fn known_token_formats_are_secrets() {
        for (text, what) in [
            ("-----BEGIN RSA PRIVATE KEY-----", "private key"),
            ("-----BEGIN OPENSSH PRIVATE KEY-----", "private key"),
            ("-----BEGIN PGP PRIVATE KEY BLOCK-----", "private key"),
            ("key id AKIAZ7Q2LMN4PQRS5TUV here", "AWS access key"),
            (
                "aws_secret_access_key = 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",
                "AWS secret",
            ),
            ("xoxb-123456789012-abcdefghijkl", "Slack token"),
            (
                "https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/abcdEFGHijklMNOPqrst",
                "Slack webhook",
            ),
            ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Stripe"),
            (
                "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=q8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6Gh7Ij8Kl9MnOp==",
                "Azure storage",
            ),
            ("secret abc8Q~dEfGhIjKlMnOpQrStUvWxYz0123456789", "Entra"),
            (
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                "JSON Web Token",
            ),
            (
                "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
                "GitHub token",
            ),
        ] {
            let d = md(&format!("{text}\n"));
            assert_eq!(d.len(), 1, "{text}");
            assert!(d[0].message.contains(what), "{text}: {}", d[0].message);
        }
    }

    #[test]
    fn password_in_prose_is_not_a_secret() {
        for text in [
            "Reset the user's password in the portal.",
            "Password: reset it in the portal.",
            "The token: see the vault entry for the NOC.",
            "Ask the caller for their password: never do this.",
            "Default password: printed on the sticker.",
            "Password: at least 14 characters.",
            "Secret: rotate every 90 days",
            "Use a password manager; tokens expire after 1h.",
            "Token lifetime: 60 minutes.",
            "The `password` field is required.",
        ] {
            assert!(!flagged(text), "{text}: {:?}", md(text));
        }
    }

    #[test]
    fn password_with_a_literal_value_is_a_secret() {
        for text in [
            "Password: Winter2024!",
            "- **Password:** `Sup3r$ecret`",
            "Log in as admin with password: `Winter2024!`",
            "```\nmysql -u root --password=Hunter22x\n```",
            "```yaml\ndb:\n  password: \"Sunshine99\"\n```",
            "```\nServer=db01;Database=pm;User Id=sa;Password=Sup3rS3cret;\n```",
            "```powershell\n$pw = ConvertTo-SecureString -AsPlainText \"Temp1234!\" -Force\n```",
            "```\n$env:API_TOKEN = \"a1b2c3d4e5\"\n```",
            "```\ncurl -H \"Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0\"\n```",
            "```\nsmb://backup:Tr0ub4dor3@nas01/share\n```",
        ] {
            assert!(flagged(text), "{text}");
        }
        let d = md("Password: Winter2024!\n");
        assert!(d[0].message.contains("a password"), "{}", d[0].message);
        assert!(!d[0].message.contains("Wint"), "{}", d[0].message);
    }

    #[test]
    fn placeholder_password_is_not_a_secret() {
        for text in [
            "```\npassword: <password>\n```",
            "```\npassword: ********\n```",
            "```\npassword: xxxxxxxx\n```",
            "```\npassword: ${DB_PASSWORD}\n```",
            "```\n$password = Read-Host -AsSecureString\n```",
            "```\ntoken = $env:GITHUB_TOKEN\n```",
            "```\npassword: \"{{ vault_db_password }}\"\n```",
            "```\npassword: REDACTED\n```",
            "```\npassword: changeme\n```",
            "```\npassword: \"\"\n```",
            "```\napi_key: YOUR_API_KEY\n```",
            "```\ntoken = os.environ[\"TOKEN\"]\n```",
            "```\nif password == expected:\n```",
            "```\nPWD=/home/dana\n```",
            "```\nsecret: !vault |\n```",
            "```\n$pw = ConvertTo-SecureString -AsPlainText $plain -Force\n```",
            "```\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n```",
            "Password: `<the one from Bitwarden>`",
        ] {
            assert!(!flagged(text), "{text}: {:?}", md(text));
        }
    }

    #[test]
    fn allow_comment_silences_the_line() {
        assert!(!flagged(
            "token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789ab <!-- cairn: allow-secret -->\n"
        ));
        assert!(yaml("password: Hunter22x # cairn: allow-secret\n").is_empty());
        assert_eq!(yaml("password: Hunter22x\n").len(), 1);
    }

    #[test]
    fn yaml_data_reports_the_file_line() {
        let d = yaml("- id: it\n  name: IT\n  notes: \"api_key: 3f9a8b7c6d5e\"\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, Some(3));
        assert_eq!(d[0].file, "data/systems/a.yaml");
    }

    #[test]
    fn front_matter_lines_are_scanned_as_data() {
        let d = scan_file(
            "---\ntitle: T\nnotes: password=Hunter22x\n---\nbody\n",
            "content/a.md",
            Syntax::Markdown { body_line: 5 },
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, Some(3));
    }

    #[test]
    fn high_entropy_strings_count_only_in_code() {
        let key = "Zq8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6Gh7Ij8Kl9";
        assert!(flagged(&format!("```\nexport KEY={key}\n```\n")));
        assert!(flagged(&format!("Set it to `{key}` first.\n")));
        assert!(!flagged(&format!("Set it to {key} first.\n")));
        let hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert!(flagged(&format!("```\nkey {hex}\n```\n")));
        assert!(!flagged(&format!("```\nsha256sum: {hex}\n```\n")));
    }

    #[test]
    fn guids_paths_identifiers_and_public_keys_are_not_random() {
        for text in [
            "```\nSet-MgUser -UserId 3fa85f64-5717-4562-b3fc-2c963f66afa6\n```",
            "```\nGet-MgUserAuthenticationMicrosoftAuthenticatorMethod -UserId x\n```",
            "```\ncp /usr/local/share/ca-certificates/acme-root-2024/ca.crt /tmp\n```",
            "```\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6 dana@pc\n```",
            "```\nMicrosoft-Windows-TerminalServices-LocalSessionManager/Operational\n```",
        ] {
            assert!(!flagged(text), "{text}: {:?}", md(text));
        }
    }

    #[test]
    fn a_private_key_is_reported_once_not_per_line() {
        let body = "```\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDq8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6Gh7Ij8Kl9MnAAAAJgAAAAAAAAAA\n-----END OPENSSH PRIVATE KEY-----\n```\n";
        let d = md(body);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, Some(5));
    }

    /// Issue 12, finding 3: each of these reached a client build.
    #[test]
    fn issue_12_repros_are_secrets() {
        let ghp = "ghp_R8mKq2Lz9XwT4vBn7YcD1eFgH3iJ5kLmN6oP";
        let escaped = ghp.replace('_', "&#95;");
        let backslashed = ghp.replace('_', "\\_");
        for text in [
            format!("Token: {escaped}\n"),
            "Key id &#65;KIAQ3EGTW7PKD4LRX2M for the backup job.\n".to_string(),
            format!("Token {backslashed} here.\n"),
            "Key id AKIA**Q3EG**TW7PKD4LRX2M for the backup job.\n".to_string(),
            "&#45;----BEGIN RSA PRIVATE KEY-----\n".to_string(),
            "```\n# -----BEGIN CERTIFICATE-----\npassword: Hunter22x\n```\n".to_string(),
            "```\npassword: !Xk29fja8Qz\n```\n".to_string(),
            "```\npassword: P@ssw0rd.2024\n```\n".to_string(),
            "```\npassword: Summer2024Password!\n```\n".to_string(),
            "password: P@ssw0rd.2024\n".to_string(),
            "The admin password is Xk29!fja8Qz\n".to_string(),
            "**Wi-Fi password:** BlueElephantDancing\n".to_string(),
            "```\ngit commit -m wip && export KEY=Zq8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6Gh7I\n```\n"
                .to_string(),
        ] {
            assert!(flagged(&text), "{text}");
        }
        assert!(!yaml("password: !Xk29fja8Qz\n").is_empty());
    }

    #[test]
    fn a_pinned_action_is_not_a_secret() {
        let body = "```yaml\nsteps:\n  # pinned to a commit SHA\n  - uses: some/action@c86d0dc0a1b2c3d4e5f60718293a4b5c6d7e8f90\n  - run: git checkout 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b # commit\n```\n";
        assert!(!flagged(body), "{:?}", md(body));
    }
}
