//! The typed value read from the tree (serde), and its errors at the line
//! of the innermost node, said in YAML's words.

use super::node::{Kind, Node};
use super::scalar::{Number, is_null, parse_bool, parse_number};
use serde::de::{self, IntoDeserializer, Visitor};
use std::fmt;

/// serde speaks of Rust types and values (`expected struct Config`, `unit
/// value`); say it in YAML's words.
pub(super) fn clean_message(msg: &str) -> String {
    let msg = [
        ("invalid type: unit value", "invalid type: an empty value"),
        ("invalid type: sequence", "invalid type: a list"),
        ("invalid type: map,", "invalid type: a mapping,"),
        ("expected a sequence", "expected a list"),
        ("expected a map", "expected a mapping"),
    ]
    .iter()
    .fold(msg.to_string(), |m, (from, to)| m.replace(from, to));
    let msg = rust_struct_to_mapping(&msg);
    match unknown_field_hint(&msg) {
        Some(hint) => format!("{msg}{hint}"),
        None => msg,
    }
}

/// For serde's "unknown field `titel`, expected one of `title`, …": the
/// allowed key one or two edits away, as ` (did you mean `title`?)`.
fn unknown_field_hint(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("unknown field `")?;
    let (name, allowed) = rest.split_once('`')?;
    let allowed = allowed
        .strip_prefix(", expected one of ")
        .or_else(|| allowed.strip_prefix(", expected "))?;
    let candidates = allowed.split(", ").map(|c| c.trim_matches('`'));
    Some(crate::diag::did_you_mean(name, candidates)).filter(|h| !h.is_empty())
}

/// `struct Config` → `a mapping of keys`.
fn rust_struct_to_mapping(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    while let Some(i) = rest.find("struct ") {
        let before_ok = i == 0 || !rest[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        let name_len = rest[i + 7..]
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len() - i - 7);
        if before_ok && name_len > 0 {
            out.push_str(&rest[..i]);
            out.push_str("a mapping of keys");
            rest = &rest[i + 7 + name_len..];
        } else {
            out.push_str(&rest[..i + 7]);
            rest = &rest[i + 7..];
        }
    }
    out.push_str(rest);
    out
}

/// An error while reading a typed value from the tree, at the innermost node's line.
#[derive(Debug)]
pub(crate) struct DeError {
    pub(super) message: String,
    pub(super) line: Option<usize>,
}

impl DeError {
    fn at(mut self, line: usize) -> Self {
        self.line.get_or_insert(line);
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        DeError {
            message: msg.to_string(),
            line: None,
        }
    }
}

impl<'de> de::Deserializer<'de> for &'de Node {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.kind {
            Kind::Scalar { text, plain: false } => visitor.visit_str(text),
            Kind::Scalar { text, plain: true } => {
                if is_null(text) {
                    visitor.visit_unit()
                } else if let Some(b) = parse_bool(text) {
                    visitor.visit_bool(b)
                } else {
                    match parse_number(text) {
                        Some(Number::U(n)) => visitor.visit_u64(n),
                        Some(Number::I(n)) => visitor.visit_i64(n),
                        Some(Number::F(f)) => visitor.visit_f64(f),
                        None => visitor.visit_str(text),
                    }
                }
            }
            Kind::Seq(items) => visitor.visit_seq(SeqAccess {
                items: items.iter(),
            }),
            Kind::Map(entries) => visitor.visit_map(MapAccess {
                entries: entries.iter(),
                value: None,
            }),
        };
        result.map_err(|e| e.at(self.line))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.kind {
            Kind::Scalar { text, .. } => visitor
                .visit_str(text)
                .map_err(|e: DeError| e.at(self.line)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.kind {
            Kind::Scalar { text, plain: true } if is_null(text) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
        .map_err(|e| e.at(self.line))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor
            .visit_newtype_struct(self)
            .map_err(|e| e.at(self.line))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.kind {
            Kind::Scalar { text, .. } => visitor.visit_enum(
                IntoDeserializer::<DeError>::into_deserializer(text.as_str()),
            ),
            Kind::Map(entries) if entries.len() == 1 => visitor.visit_enum(EnumAccess {
                key: &entries[0].0,
                value: &entries[0].1,
            }),
            _ => self.deserialize_any(visitor),
        }
        .map_err(|e| e.at(self.line))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    /// A list is never a mapping of keys (serde would read it field by field).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.kind {
            Kind::Seq(_) => Err(de::Error::invalid_type(de::Unexpected::Seq, &visitor)),
            _ => self.deserialize_any(visitor),
        }
        .map_err(|e| e.at(self.line))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf
        unit unit_struct seq tuple tuple_struct map
    }
}

struct SeqAccess<'a> {
    items: std::slice::Iter<'a, Node>,
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'de> {
    type Error = DeError;

    fn next_element_seed<S: de::DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, DeError> {
        self.items
            .next()
            .map(|item| seed.deserialize(item).map_err(|e| e.at(item.line)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapAccess<'a> {
    entries: std::slice::Iter<'a, (Node, Node)>,
    value: Option<&'a Node>,
}

impl<'de> de::MapAccess<'de> for MapAccess<'de> {
    type Error = DeError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(k).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<S: de::DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, DeError> {
        match self.value.take() {
            // A type that rejects what it read (`#[serde(try_from = "String")]`)
            // raises its error after the node's own deserializer: still its line.
            Some(v) => seed.deserialize(v).map_err(|e| e.at(v.line)),
            None => Err(de::Error::custom("a value without its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

struct EnumAccess<'a> {
    key: &'a Node,
    value: &'a Node,
}

impl<'de> de::EnumAccess<'de> for EnumAccess<'de> {
    type Error = DeError;
    type Variant = &'de Node;

    fn variant_seed<S: de::DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, &'de Node), DeError> {
        Ok((seed.deserialize(self.key)?, self.value))
    }
}

impl<'de> de::VariantAccess<'de> for &'de Node {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        de::Deserialize::deserialize(self)
    }

    fn newtype_variant_seed<S: de::DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<S::Value, DeError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}
