//! The catalogue's tables and rules, case by case.

use super::passwords::RULES;
use super::*;

#[test]
fn every_pattern_compiles_and_matches_its_example_only() {
    // The whole catalogue compiles (the scan would report an error otherwise).
    let p = patterns().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.formats.len(), FORMATS.len());
    assert!(problem().is_none());
    for &(what, re, yes, no) in FORMATS.iter().chain(RULES) {
        let re = Regex::new(re).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(re.is_match(yes), "{what} misses {yes}");
        assert!(!re.is_match(no), "{what} matches {no}");
    }
    // The cheap look before `key-value` lets every line through that it matches.
    for line in [
        "password: Hunter22x",
        "DB_PASSWORD := 'x'",
        "**Password:** Xk29!fja8Qz",
        "\"client_secret\": \"abc\"",
        "api-key = 1234",
        "Zugang — user_token=abc",
    ] {
        assert!(p.key_value.is_match(line), "{line}");
        assert!(p.key_value_hint.is_match(line), "{line}");
    }
    // Every positive example is a candidate line and a hit as written.
    for &(what, _, yes, _) in FORMATS {
        assert!(!candidates(yes, LineKind::Code).is_empty(), "{what}");
        assert!(!candidates(yes, LineKind::Opaque).is_empty(), "{what}");
        let hits = scan_line(yes, LineKind::Opaque, Context::default());
        assert!(hits.iter().any(|h| h.what == what), "{what}: {hits:?}");
    }
}

#[test]
fn a_pattern_that_does_not_compile_is_an_error_not_an_empty_scan() {
    let error = compile("broken", "(unclosed").err();
    assert!(error.as_deref().is_some_and(|e| e.contains("`broken`")));
    let d = problem_of(error.as_deref());
    assert!(d.is_some_and(|d| d.severity == Severity::Error && d.message.contains("`broken`")));
}

#[test]
fn flatten_undoes_entities_escapes_and_emphasis() {
    assert_eq!(flatten("ghp&#95;R8mK"), "ghp_R8mK");
    assert_eq!(flatten("&#65;KIAQ3"), "AKIAQ3");
    assert_eq!(flatten("ghp\\_R8mK"), "ghp_R8mK");
    assert_eq!(flatten("AKIA**Q3EG**TW7"), "AKIAQ3EGTW7");
    assert_eq!(flatten("AKIA<b>Q3</b>EG"), "AKIAQ3EG");
    assert_eq!(flatten("&#45;----BEGIN"), "-----BEGIN");
    assert!(matches!(flatten("plain words"), Cow::Borrowed(_)));
}

#[test]
fn placeholders() {
    for v in [
        "<password>",
        "********",
        "${DB_PASSWORD}",
        "$token",
        "YOUR_API_KEY",
        "YourPasswordHere",
        "securePassword",
        "db_password",
        "wrong-password",
        "!vault",
        "dana@acme.example",
        "changeme",
    ] {
        assert!(is_placeholder(v), "{v}");
    }
    for v in [
        "Summer2024Password!",
        "P@ssw0rd.2024",
        "!Xk29fja8Qz",
        "Xk29!fja8Qz",
        "Stringer99x",
    ] {
        assert!(!is_placeholder(v), "{v}");
    }
}
