//! What a caller is asked for (`facts:` of a system) and where the secrets
//! live (`credentials_at:` of a system or party): data a technician needs at
//! hand, kept next to the ladder instead of typed into prose.

use super::Audience;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One entry of `facts:`: `Circuit ID: LVF-88213`, or
/// `Support PIN: { value: "7731", audience: internal, copy: false }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// As written; a plain number is kept as its digits.
    pub value: String,
    /// Who may see it; client by default, like a contact.
    pub audience: Audience,
    /// Whether the page offers a copy button (`copy: false` turns it off).
    pub copy: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FactFields {
    value: FactValue,
    #[serde(default)]
    audience: Audience,
    #[serde(default = "yes")]
    copy: bool,
}

fn yes() -> bool {
    true
}

/// A scalar read as text: `4471-22`, `"7731"`, or an unquoted `447122`.
struct FactValue(String);

impl<'de> Deserialize<'de> for FactValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarText).map(FactValue)
    }
}

struct ScalarText;

impl Visitor<'_> for ScalarText {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text, such as `LVF-88213`")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<String, E> {
        Err(E::custom(
            "a fact that YAML reads as a decimal number: quote it (\"4471.20\") so it is kept as written",
        ))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<String, E> {
        Err(E::custom(
            "a fact that YAML reads as true/false: quote it (\"yes\") so it is kept as written",
        ))
    }
}

impl<'de> Deserialize<'de> for Fact {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FactVisitor;
        impl<'de> Visitor<'de> for FactVisitor {
            type Value = Fact;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text, or a mapping with `value` and optional `audience` and `copy`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Fact, E> {
                Ok(Fact::plain(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Fact, E> {
                Ok(Fact::plain(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Fact, E> {
                Ok(Fact::plain(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Fact, E> {
                ScalarText.visit_f64(v).map(Fact::plain)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Fact, E> {
                ScalarText.visit_bool(v).map(Fact::plain)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Fact, A::Error> {
                let f = FactFields::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Fact {
                    value: f.value.0,
                    audience: f.audience,
                    copy: f.copy,
                })
            }
        }
        d.deserialize_any(FactVisitor)
    }
}

impl Fact {
    fn plain(value: String) -> Fact {
        Fact {
            value,
            audience: Audience::Client,
            copy: true,
        }
    }
}

/// One entry of `credentials_at:`: a link to the vault entry that holds a
/// secret, never the secret itself.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialPointer {
    /// As the link reads (`Bitwarden: M365 global admin`).
    pub name: String,
    /// The vault entry: an `https:` (or `http:`) address.
    #[serde(deserialize_with = "web_url")]
    pub url: String,
    /// Who may see it; internal unless marked `client`.
    #[serde(default = "internal")]
    pub audience: Audience,
}

fn internal() -> Audience {
    Audience::Internal
}

fn web_url<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let url = String::deserialize(d)?;
    let lower = url.trim().to_ascii_lowercase();
    let host = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match host {
        Some(rest) if !rest.is_empty() && !url.chars().any(char::is_whitespace) => Ok(url),
        _ => Err(de::Error::custom(format!(
            "invalid url `{url}`: write the vault entry's web address, such as https://vault.example/#/item/42"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::yaml;
    use indexmap::IndexMap;

    fn facts(text: &str) -> Result<IndexMap<String, Fact>, String> {
        yaml::parse::<IndexMap<String, Fact>>(text, "f.yaml", 1, crate::diag::Code::YamlSyntax)
            .map(|p| p.value)
            .map_err(|d| d.message)
    }

    #[test]
    fn facts_are_text_or_a_mapping_in_file_order() {
        let f = facts(
            "Circuit ID: LVF-88213\nAccount: 447122\nPIN: { value: \"0042\", audience: internal }\nRenewal: { value: 2027-06-30, copy: false }\n",
        )
        .unwrap();
        let labels: Vec<&str> = f.keys().map(String::as_str).collect();
        assert_eq!(labels, ["Circuit ID", "Account", "PIN", "Renewal"]);
        assert_eq!(f["Account"].value, "447122");
        assert_eq!(f["PIN"].value, "0042");
        assert_eq!(f["PIN"].audience, Audience::Internal);
        assert!(f["Circuit ID"].copy && !f["Renewal"].copy);
        assert_eq!(f["Renewal"].audience, Audience::Client);
    }

    #[test]
    fn bad_facts_say_what_to_write() {
        assert!(facts("A: 12.50\n").unwrap_err().contains("quote it"));
        assert!(facts("A: yes\n").is_ok(), "YAML 1.2 reads `yes` as text");
        assert!(facts("A: true\n").unwrap_err().contains("quote it"));
        let e = facts("A: { value: x, hidden: true }\n").unwrap_err();
        assert!(e.contains("hidden"), "{e}");
    }

    #[test]
    fn credential_pointers_are_internal_web_links() {
        let p: Vec<CredentialPointer> = yaml::parse(
            "- { name: Vault, url: \"https://vault.example/#/item/42\" }\n- { name: Desk, url: \"https://hudu.example/a/1\", audience: client }\n",
            "f.yaml",
            1,
            crate::diag::Code::YamlSyntax,
        )
        .unwrap()
        .value;
        assert_eq!(p[0].audience, Audience::Internal);
        assert_eq!(p[1].audience, Audience::Client);
        let bad = yaml::parse::<Vec<CredentialPointer>>(
            "- { name: X, url: \"javascript:alert(1)\" }\n",
            "f.yaml",
            1,
            crate::diag::Code::YamlSyntax,
        )
        .err()
        .unwrap();
        assert!(bad.message.contains("invalid url"), "{}", bad.message);
    }
}
