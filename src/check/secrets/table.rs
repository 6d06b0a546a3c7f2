//! The table of issue 4, read three ways: as prose, in a code block, as
//! data.

use super::tests::{md, yaml};
use crate::diag::Diagnostic;

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
