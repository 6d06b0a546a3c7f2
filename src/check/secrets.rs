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
//! `allow_secrets: true`) it learns from [`allowed_evidence`].
//!
//! Speed: one combined regex finds candidate spots in a whole text; only the
//! lines holding one are looked at closely. Files are scanned in parallel,
//! large ones streamed.

use crate::diag::{Code, Diagnostic};
use crate::secrets::{self, LineHit, LineKind, Syntax, scan};
use crate::site::{ACTIVITIES_FILE, CONFIG_FILE, PARTIES_FILE, Site};
use rayon::prelude::*;
use std::collections::HashSet;

pub(super) fn check_secrets(site: &Site) -> Vec<Diagnostic> {
    source_hits(site).into_iter().flat_map(report).collect()
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

/// What the authors allowed on purpose (an allow comment on the line, a page
/// with `allow_secrets: true`): the text of each such hit, so the output gate
/// lets the same text through where the build publishes it.
pub fn allowed_evidence(site: &Site) -> HashSet<String> {
    source_hits(site)
        .into_iter()
        .flat_map(|found| {
            let page_allows = found.page_allows;
            found
                .hits
                .into_iter()
                .filter(move |h| h.allowed || page_allows)
                .map(|h| h.hit.evidence)
        })
        .collect()
}

/// The hits of one source file.
struct FileHits {
    file: String,
    syntax: Syntax,
    page_allows: bool,
    hits: Vec<LineHit>,
}

/// One file the scan reads, and how: `text` when it is already in memory,
/// `syntax` when its kind is known whatever its name.
struct Source<'a> {
    file: String,
    text: Option<&'a str>,
    syntax: Option<Syntax>,
    page_allows: bool,
}

fn source_hits(site: &Site) -> Vec<FileHits> {
    sources(site)
        .into_par_iter()
        .filter_map(|src| {
            let mut hits = Vec::new();
            let syntax = match (src.text, src.syntax) {
                (Some(text), Some(syntax)) => {
                    scan::scan_text(text, syntax, &mut |h| hits.push(h));
                    syntax
                }
                _ => {
                    let mut chosen = Syntax::Uniform(LineKind::Code);
                    // Unreadable files, and ones not the site's own (a FIFO
                    // would block), have been reported by the loader already.
                    if site.is_own_file(&src.file)
                        && let Ok(file) = std::fs::File::open(site.root.join(&src.file))
                    {
                        let _ = scan::scan_reader(
                            file,
                            |binary| {
                                chosen = src
                                    .syntax
                                    .unwrap_or_else(|| secrets::syntax_for(&src.file, binary));
                                chosen
                            },
                            &mut |h| hits.push(h),
                        );
                    }
                    chosen
                }
            };
            (!hits.is_empty()).then_some(FileHits {
                file: src.file,
                syntax,
                page_allows: src.page_allows,
                hits,
            })
        })
        .collect()
}

/// Every file a build reads text from or publishes.
fn sources(site: &Site) -> Vec<Source<'_>> {
    let mut out: Vec<Source> = site
        .pages
        .iter()
        .map(|p| Source {
            file: p.source.clone(),
            text: Some(&p.text),
            syntax: Some(Syntax::Markdown {
                body_line: p.body_line,
            }),
            page_allows: p.front.allow_secrets,
        })
        .collect();
    let data = Some(Syntax::Uniform(LineKind::Data));
    let mut data_files: Vec<&str> = vec![CONFIG_FILE, PARTIES_FILE, ACTIVITIES_FILE];
    data_files.extend(site.systems.iter().map(|s| s.file.as_str()));
    // As the loader read them (an unreadable one was reported there).
    out.extend(data_files.into_iter().map(|file| Source {
        file: file.to_string(),
        text: Some(site.text(file)),
        syntax: data,
        page_allows: false,
    }));
    // Published as they are, whatever their name: next to pages, under static/.
    let mut published: Vec<String> = site
        .assets
        .iter()
        .map(|a| format!("content/{}", a.rel))
        .chain(site.static_files.iter().map(|f| format!("static/{f}")))
        .collect();
    // The theme: the site's templates, and the folder `theme:` picks.
    let mut theme_dirs = vec!["templates".to_string()];
    if let Some(name) = &site.config.theme {
        theme_dirs.push(format!("themes/{name}/templates"));
        theme_dirs.push(format!("themes/{name}/static"));
    }
    for dir in theme_dirs {
        let files = crate::site::list_files(&site.root, &dir).unwrap_or_default();
        published.extend(files.into_iter().map(|f| format!("{dir}/{f}")));
    }
    out.extend(published.into_iter().map(|file| Source {
        file,
        text: None,
        syntax: None,
        page_allows: false,
    }));
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

    fn md(body: &str) -> Vec<Diagnostic> {
        scan_file(
            &format!("---\ntitle: T\n---\n{body}"),
            "content/a.md",
            Syntax::Markdown { body_line: 4 },
        )
    }

    fn flagged(body: &str) -> bool {
        !md(body).is_empty()
    }

    fn yaml(text: &str) -> Vec<Diagnostic> {
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

    /// Where a line sits decides how it is read: prose, a fenced code block, a
    /// data file (YAML, front matter).
    #[derive(Debug, Clone, Copy)]
    enum At {
        Prose,
        Code,
        Data,
    }

    fn flagged_at(line: &str, at: At) -> Vec<Diagnostic> {
        match at {
            At::Prose => md(&format!("{line}\n")),
            At::Code => md(&format!("```\n{line}\n```\n")),
            At::Data => yaml(&format!("{line}\n")),
        }
    }

    /// The table of issue 4: runbook prose and PowerShell stay quiet; every
    /// credential shape is reported, wherever it is written.
    #[test]
    fn should_flag_and_should_not_flag_table() {
        use At::*;
        let quiet: &[(&str, &[At])] = &[
            // Prose about passwords and tokens.
            (
                "Reset the user's password, then revoke their refresh tokens.",
                &[Prose],
            ),
            ("The password must be at least 14 characters.", &[Prose]),
            ("Never paste a token or secret into a ticket.", &[Prose]),
            (
                "Password: ask the user to choose one at first sign-in.",
                &[Prose],
            ),
            (
                "API key: stored in the vault under \"m365-graph\".",
                &[Prose],
            ),
            // PowerShell cmdlets, parameters and variables.
            (
                "Set-ADAccountPassword -Identity dana -Reset",
                &[Prose, Code],
            ),
            (
                "Get-MgUserAuthenticationPasswordMethod -UserId $upn",
                &[Code],
            ),
            ("Revoke-MgUserSignInSession -UserId $user.Id", &[Code]),
            (
                "Connect-MgGraph -Scopes \"User.ReadWrite.All\",\"UserAuthenticationMethod.ReadWrite.All\"",
                &[Code],
            ),
            ("$cred = Get-Credential", &[Code]),
            (
                "$password = Read-Host -AsSecureString \"New password\"",
                &[Code],
            ),
            (
                "$token = Get-MsalToken -ClientId $clientId -TenantId $tenantId",
                &[Code],
            ),
            (
                "$token = (Invoke-RestMethod -Uri $uri -Body $body).access_token",
                &[Code],
            ),
            ("$token = $response.access_token", &[Code]),
            ("$headers = @{ Authorization = \"Bearer $token\" }", &[Code]),
            ("Authorization = \"Bearer $token\"", &[Code, Data]),
            (
                "curl -H \"Authorization: Bearer $TOKEN\" https://graph.microsoft.com/v1.0/me",
                &[Code],
            ),
            (
                "New-LocalUser -Name svc-backup -Password $securePassword",
                &[Code],
            ),
            (
                "Set-ADAccountPassword -Identity dana -NewPassword $newPassword -Reset",
                &[Code],
            ),
            (
                "$secret = Get-AzKeyVaultSecret -VaultName kv-acme -Name sql-sa",
                &[Code],
            ),
            (
                "$password = ConvertTo-SecureString $plain -AsPlainText -Force",
                &[Code],
            ),
            ("token: Get-MsalToken", &[Code]),
            (
                "Invoke-WebRequest -Uri $uri -Headers @{ \"X-Api-Key\" = $apiKey }",
                &[Code],
            ),
            // Placeholders and stand-ins.
            ("password: <password>", &[Prose, Code, Data]),
            ("password: ********", &[Prose, Code, Data]),
            ("password = \"<your password here>\"", &[Code, Data]),
            ("pwd=<password>", &[Code, Data]),
            ("passwd=********", &[Code, Data]),
            ("client_secret: ${AZURE_CLIENT_SECRET}", &[Code, Data]),
            ("token: $token", &[Code, Data]),
            ("api_key: {{ api_key }}", &[Code]),
            ("password: \"\"", &[Code, Data]),
            ("password: null", &[Code, Data]),
            ("password_policy: strict", &[Code, Data]),
            // Data files about passwords and tokens.
            (
                "description: Password resets, MFA and token revocation.",
                &[Data],
            ),
            ("Password reset: { acme-it: RA, bright: I }", &[Data]),
            (
                "token_endpoint: https://login.microsoftonline.com/acme/oauth2/v2.0/token",
                &[Data, Code],
            ),
            ("password_last_set: 2026-01-01", &[Data]),
            ("pwd: /home/dana", &[Data, Code]),
            ("| Password | in Bitwarden, entry `m365-admin` |", &[Prose]),
            // Identifiers that are long but not random.
            (
                "Get-MgUserAuthenticationMicrosoftAuthenticatorMethod -UserId x",
                &[Code],
            ),
            (
                "tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47",
                &[Code, Data],
            ),
        ];
        let loud: &[(&str, &[At])] = &[
            ("-----BEGIN PRIVATE KEY-----", &[Prose, Code, Data]),
            ("-----BEGIN EC PRIVATE KEY-----", &[Code]),
            (
                "aws_access_key_id = AKIAZ7Q2LMN4PQRS5TUV",
                &[Prose, Code, Data],
            ),
            (
                "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789ab",
                &[Prose, Code, Data],
            ),
            ("gho_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789ab", &[Code]),
            (
                "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
                &[Prose, Code, Data],
            ),
            ("xoxp-123456789012-abcdefghijkl", &[Code]),
            ("xoxa-2-123456789012-abcdefghijkl", &[Code]),
            (
                "client secret: abc8Q~dEfGhIjKlMnOpQrStUvWxYz0123456789",
                &[Prose, Code, Data],
            ),
            (
                "client_secret: \"Zq8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5E\"",
                &[Code, Data],
            ),
            (
                "AZURE_CLIENT_SECRET=Zq8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5E",
                &[Code],
            ),
            ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", &[Prose, Code, Data]),
            ("rk_live_4eC39HqLyjWDarjtT1zdp7dc", &[Code]),
            ("password: hunter2", &[Prose, Code, Data]),
            ("password: letmein", &[Code, Data]),
            ("  - { name: NOC, password: \"Tr0ub4dor&3\" }", &[Data]),
            ("passwd=hunter22", &[Code, Data]),
            ("pwd=Hunter22x", &[Code, Data]),
            ("PWD=Sup3rS3cret", &[Code]),
            ("$password = \"Winter2024!\"", &[Code]),
            ("$password = \"Get-Winter\"", &[Code]),
            ("$token = \"a1b2c3d4e5f6g7h8\"", &[Code]),
            (
                "Authorization = \"Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0\"",
                &[Code, Data],
            ),
            (
                "New-LocalUser -Name x -Password (ConvertTo-SecureString \"Temp1234!\" -AsPlainText -Force)",
                &[Code],
            ),
            (
                "export KEY=Zq8Tz1LmN0pQrStUvWx2Yz3Ab4Cd5Ef6Gh7Ij8Kl9",
                &[Code],
            ),
        ];
        let mut wrong = Vec::new();
        for (line, places) in quiet {
            for &at in *places {
                let d = flagged_at(line, at);
                if !d.is_empty() {
                    wrong.push(format!("flagged in {at:?}: {line}  ({})", d[0].message));
                }
            }
        }
        for (line, places) in loud {
            for &at in *places {
                if flagged_at(line, at).is_empty() {
                    wrong.push(format!("missed in {at:?}: {line}"));
                }
            }
        }
        assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
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

    #[test]
    fn scanning_is_fast() {
        let page = "---\ntitle: T\nsystems: [m365]\n---\n## Steps\n\nReset the password for the user in the admin portal and confirm the token was revoked.\n\n```powershell\nGet-MgUser -UserId dana@acme.example | Select-Object DisplayName, AccountEnabled\n```\n\n".repeat(40);
        let started = std::time::Instant::now();
        for _ in 0..200 {
            assert!(scan_file(&page, "content/a.md", Syntax::Markdown { body_line: 5 }).is_empty());
        }
        // 200 × ~8 KB; generous even for a debug build.
        assert!(started.elapsed().as_secs_f64() < 5.0);
    }
}
