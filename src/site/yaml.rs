//! Every YAML source is parsed here, once: one pass of saphyr-parser's events
//! builds a tree of nodes that know their lines, the key→line map the checks
//! use, and the list of unquoted times; the typed value is then deserialized
//! from that tree, so an error in it is reported at the line of its node.
//!
//! serde_yaml is deprecated upstream; saphyr-parser is the maintained,
//! pure-Rust successor of yaml-rust2's parser. Scalars resolve as serde_yaml
//! 0.9 resolved them (YAML 1.2 core schema), so the schema reads as before.

use crate::diag::{Code, Diagnostic};
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Key path → 1-based line in the file. A path is map keys and sequence indexes,
/// e.g. `["raci", "Patch management", "bright"]` or `["escalation", "1", "party"]`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LineMap {
    /// Sorted, so two maps of one text print (and compare) the same.
    lines: BTreeMap<String, usize>,
}

impl LineMap {
    fn key(path: &[&str]) -> String {
        path.join("\u{1f}")
    }

    /// The line of `path` itself, when the text has it.
    pub fn exact(&self, path: &[&str]) -> Option<usize> {
        self.lines.get(&Self::key(path)).copied()
    }

    /// The line of the deepest prefix of `path` that is known.
    pub fn line(&self, path: &[&str]) -> Option<usize> {
        (0..=path.len())
            .rev()
            .find_map(|n| self.lines.get(&Self::key(&path[..n])).copied())
    }
}

pub struct Parsed<T> {
    pub value: T,
    pub lines: LineMap,
}

thread_local! {
    static PARSES: Cell<usize> = const { Cell::new(0) };
}

/// How many YAML texts this thread has parsed: tests prove each source is read once.
pub fn parse_count() -> usize {
    PARSES.with(Cell::get)
}

/// Parse `text` (which starts at line `first_line` of `file`) into `T`.
/// Syntax errors get `syntax_code`, everything else `invalid-value`.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    file: &str,
    first_line: usize,
    syntax_code: Code,
) -> Result<Parsed<T>, Diagnostic> {
    PARSES.with(|n| n.set(n.get() + 1));
    // A byte-order mark (Windows editors write one) is not content.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = match load_tolerating_tabs(text, first_line) {
        Ok(doc) => doc,
        Err(e) => {
            let mut message = e.message;
            if message == MORE_THAN_ONE && syntax_code == Code::FrontMatter {
                message =
                    "front matter holds one YAML document; remove the extra `---` or `...`".into();
            }
            return Err(Diagnostic::new(syntax_code, file, e.line, message));
        }
    };
    if let Some((line, time)) = doc.unquoted_times.first() {
        return Err(Diagnostic::new(
            Code::InvalidValue,
            file,
            Some(*line),
            format!(
                "unquoted time {time}: write it as \"{time}\" (YAML may read an unquoted 18:00 as a number)"
            ),
        ));
    }
    match T::deserialize(&doc.root) {
        Ok(value) => Ok(Parsed {
            value,
            lines: doc.lines,
        }),
        Err(e) => Err(Diagnostic::new(
            Code::InvalidValue,
            file,
            e.line,
            clean_message(&e.message),
        )),
    }
}

const MORE_THAN_ONE: &str = "a data file holds one YAML document; remove the extra `---`";
const ALIAS_BOMB: &str = "aliases (`*name`) expand to too much data; write the values out instead";
/// Deeper than any schema needs; the tree and its drop stay far from the stack's end.
const MAX_DEPTH: usize = 128;

/// Whether the text holds nothing but comments and blank lines.
pub fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == "---"
    })
}

/// serde speaks of Rust types and values (`expected struct Config`, `unit
/// value`); say it in YAML's words.
fn clean_message(msg: &str) -> String {
    let msg = [
        ("invalid type: unit value", "invalid type: an empty value"),
        ("invalid type: sequence", "invalid type: a list"),
        ("invalid type: map,", "invalid type: a mapping,"),
        ("expected a sequence", "expected a list"),
        ("expected a map", "expected a mapping"),
    ]
    .iter()
    .fold(msg.to_string(), |m, (from, to)| m.replace(from, to));
    rust_struct_to_mapping(&msg)
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

/// A YAML node and the (absolute) line it starts on.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    line: usize,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    /// Plain scalars resolve to null, bool, int, float or string when read;
    /// quoted and block scalars are strings.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// Nodes in this subtree, for the alias budget.
    fn size(&self) -> usize {
        match &self.kind {
            Kind::Scalar { .. } => 1,
            Kind::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            Kind::Map(entries) => {
                1 + entries
                    .iter()
                    .map(|(k, v)| k.size() + v.size())
                    .sum::<usize>()
            }
        }
    }
}

struct Document {
    root: Node,
    lines: LineMap,
    unquoted_times: Vec<(usize, String)>,
}

struct SyntaxError {
    line: Option<usize>,
    message: String,
    /// For saphyr's refusal of a tab as separator: where it stopped (chars).
    tab_at: Option<usize>,
}

/// Path segment for a key that is itself a mapping, sequence or alias; no schema
/// key looks like it.
const COMPLEX_KEY: &str = "\u{0}key";

/// A collection being read, with the path of its node.
struct Frame {
    path: Vec<String>,
    line: usize,
    anchor: usize,
    body: Body,
}

enum Body {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        /// The key read, waiting for its value; its path segment.
        key: Option<(Node, String)>,
    },
}

struct Loader {
    first_line: usize,
    stack: Vec<Frame>,
    root: Option<Node>,
    /// Anchored nodes by id, with their sizes.
    anchors: HashMap<usize, (Node, usize)>,
    /// Nodes copied by aliases so far, and the most allowed.
    expanded: usize,
    budget: usize,
    lines: BTreeMap<String, usize>,
    unquoted_times: Vec<(usize, String)>,
}

impl Loader {
    fn at(&self, line: usize) -> usize {
        line + self.first_line - 1
    }

    fn record(&mut self, path: &[String], line: usize) {
        self.lines.entry(path.join("\u{1f}")).or_insert(line);
    }

    /// Whether the next node completed goes in as a mapping key.
    fn expecting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                body: Body::Map { key: None, .. },
                ..
            })
        )
    }

    /// The path of the node about to start: a value or an item (not a key).
    fn value_path(&self) -> Vec<String> {
        match self.stack.last() {
            None => Vec::new(),
            Some(f) => {
                let mut p = f.path.clone();
                match &f.body {
                    Body::Seq(items) => p.push(items.len().to_string()),
                    Body::Map {
                        key: Some((_, k)), ..
                    } => p.push(k.clone()),
                    Body::Map { key: None, .. } => p.push(COMPLEX_KEY.to_string()),
                }
                p
            }
        }
    }

    /// Put a finished node where it belongs: the root, a sequence item, a key or a value.
    fn attach(&mut self, node: Node, key_text: Option<String>) -> Result<(), SyntaxError> {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match &mut frame.body {
            Body::Seq(items) => items.push(node),
            Body::Map { entries, key } => match key.take() {
                Some((k, _)) => entries.push((k, node)),
                None => {
                    let text = key_text.unwrap_or_else(|| COMPLEX_KEY.to_string());
                    if let Kind::Scalar { text: t, plain } = &node.kind
                        && entries.iter().any(|(k, _)| match &k.kind {
                            Kind::Scalar {
                                text: t2,
                                plain: p2,
                            } => {
                                t2 == t
                                    && (p2 == plain || (is_string(t, *plain) && is_string(t2, *p2)))
                            }
                            _ => false,
                        })
                    {
                        return Err(SyntaxError {
                            line: Some(node.line),
                            message: format!("duplicate entry with key {t:?}"),
                            tab_at: None,
                        });
                    }
                    *key = Some((node, text));
                }
            },
        }
        Ok(())
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), node.size()));
        }
    }

    fn on_event(&mut self, ev: Event<'_>, line: usize) -> Result<(), SyntaxError> {
        let line = self.at(line);
        match ev {
            Event::Scalar(value, style, anchor, tag) => {
                // `!!str 08:00` is a string; other tags are read as untagged.
                let plain = style == ScalarStyle::Plain
                    && !tag.as_ref().is_some_and(|t| {
                        t.suffix == "str" && (t.handle == "tag:yaml.org,2002:" || t.handle == "!!")
                    });
                let node = Node {
                    line,
                    kind: Kind::Scalar {
                        text: value.to_string(),
                        plain,
                    },
                };
                if self.expecting_key() {
                    if let Some(f) = self.stack.last() {
                        let mut p = f.path.clone();
                        p.push(value.to_string());
                        self.record(&p, line);
                    }
                    self.remember(anchor, &node);
                    let text = value.into_owned();
                    return self.attach(node, Some(text));
                }
                let p = self.value_path();
                self.record(&p, line);
                if plain && looks_like_time(&value) {
                    self.unquoted_times.push((line, value.to_string()));
                }
                self.remember(anchor, &node);
                self.attach(node, None)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.stack.len() > MAX_DEPTH {
                    return Err(SyntaxError {
                        line: Some(line),
                        message: format!("nesting is too deep (over {MAX_DEPTH} levels)"),
                        tab_at: None,
                    });
                }
                let path = self.value_path();
                self.record(&path, line);
                let body = if matches!(ev, Event::SequenceStart(..)) {
                    Body::Seq(Vec::new())
                } else {
                    Body::Map {
                        entries: Vec::new(),
                        key: None,
                    }
                };
                self.stack.push(Frame {
                    path,
                    line,
                    anchor,
                    body,
                });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let kind = match frame.body {
                    Body::Seq(items) => Kind::Seq(items),
                    Body::Map { entries, .. } => Kind::Map(entries),
                };
                let node = Node {
                    line: frame.line,
                    kind,
                };
                self.remember(frame.anchor, &node);
                self.attach(node, None)
            }
            Event::Alias(id) => {
                let Some((node, size)) = self.anchors.get(&id) else {
                    return Err(SyntaxError {
                        line: Some(line),
                        message: "an alias (`*name`) refers to no anchor (`&name`) before it"
                            .into(),
                        tab_at: None,
                    });
                };
                self.expanded += size;
                if self.expanded > self.budget {
                    return Err(SyntaxError {
                        line: Some(line),
                        message: ALIAS_BOMB.into(),
                        tab_at: None,
                    });
                }
                let node = Node {
                    line,
                    kind: node.kind.clone(),
                };
                if !self.expecting_key() {
                    let p = self.value_path();
                    self.record(&p, line);
                }
                self.attach(node, None)
            }
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => Ok(()),
        }
    }
}

fn syntax_error(e: &ScanError, first_line: usize) -> SyntaxError {
    let tab = e.info() == "':' must be followed by a valid YAML whitespace";
    // The scanner's own cap on flow depth (255), met while it looks ahead.
    let message = if e.info() == "recursion limit exceeded" {
        format!("nesting is too deep (over {MAX_DEPTH} levels)")
    } else {
        e.info().to_string()
    };
    SyntaxError {
        line: Some(e.marker().line() + first_line - 1),
        message,
        tab_at: tab.then(|| e.marker().index()),
    }
}

/// One pass of events: the tree, the line map and the unquoted times.
fn load(text: &str, first_line: usize) -> Result<Document, SyntaxError> {
    let (loader, result) = run(text, first_line);
    result?;
    let mut loader = loader;
    let root = loader.root.take().unwrap_or(Node {
        line: first_line,
        kind: Kind::Scalar {
            text: String::new(),
            plain: true,
        },
    });
    Ok(Document {
        root,
        lines: LineMap {
            lines: loader.lines,
        },
        unquoted_times: loader.unquoted_times,
    })
}

/// saphyr refuses a tab right after `key:`, which libyaml (and so every
/// cairn before) read as a space: that one tab becomes a space and the text is
/// read again. Only a text with that form pays for more than one pass.
fn load_tolerating_tabs(text: &str, first_line: usize) -> Result<Document, SyntaxError> {
    let mut first = load(text, first_line);
    let mut fixed = text.to_string();
    for _ in 0..64 {
        let Err(e) = &first else { return first };
        // saphyr stops just past the tab; the `:` before it is the separator.
        let Some(at) = e.tab_at.and_then(|char_index| {
            let end = fixed
                .char_indices()
                .nth(char_index)
                .map_or(fixed.len(), |(b, _)| b);
            fixed[..end].rfind(":\t").map(|i| i + 1)
        }) else {
            return first;
        };
        fixed.replace_range(at..at + 1, " ");
        match load(&fixed, first_line) {
            Ok(doc) => return Ok(doc),
            Err(again) if again.tab_at.is_some() => first = Err(again),
            // The tab was no error (libyaml read it); what comes after may be.
            Err(again) => return Err(again),
        }
    }
    first
}

/// Feed every event to a loader; on an error, what was read before it stays.
fn run(text: &str, first_line: usize) -> (Loader, Result<(), SyntaxError>) {
    let mut loader = Loader {
        first_line,
        stack: Vec::new(),
        root: None,
        anchors: HashMap::new(),
        expanded: 0,
        // Generous for hand-written anchors, far below an exponential fan-out.
        budget: 10_000 + 10 * text.len(),
        lines: BTreeMap::new(),
        unquoted_times: Vec::new(),
    };
    let result = feed(&mut loader, text, first_line);
    (loader, result)
}

fn feed(loader: &mut Loader, text: &str, first_line: usize) -> Result<(), SyntaxError> {
    let mut documents = 0;
    for event in Parser::new_from_str(text) {
        let (ev, span) = event.map_err(|e| syntax_error(&e, first_line))?;
        if matches!(ev, Event::DocumentStart(_)) {
            documents += 1;
            if documents > 1 {
                return Err(SyntaxError {
                    line: Some(loader.at(span.start.line())),
                    message: MORE_THAN_ONE.into(),
                    tab_at: None,
                });
            }
        }
        loader.on_event(ev, span.start.line())?;
    }
    Ok(())
}

/// The first `---` or `...` line after some content.
#[cfg(test)]
fn document_marker_after_content(text: &str) -> Option<usize> {
    let mut content = false;
    for (i, line) in text.lines().enumerate() {
        let l = line.trim_end();
        let marker = l == "---" || l.starts_with("--- ") || l == "...";
        if marker && content {
            return Some(i + 1);
        }
        if !marker && !l.trim_start().is_empty() && !l.starts_with(['#', '%']) {
            content = true;
        }
    }
    None
}

fn looks_like_time(s: &str) -> bool {
    let b = s.as_bytes();
    matches!(b.len(), 4 | 5)
        && s.split_once(':').is_some_and(|(h, m)| {
            !h.is_empty()
                && h.len() <= 2
                && m.len() == 2
                && h.bytes().chain(m.bytes()).all(|c| c.is_ascii_digit())
        })
}

/// An error while reading a typed value from the tree, at the innermost node's line.
#[derive(Debug)]
pub(crate) struct DeError {
    message: String,
    line: Option<usize>,
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

/// Whether a scalar reads as a string (quoted, or plain and nothing else):
/// `"a"` and `a` are one key, `"1"` and `1` are two.
fn is_string(text: &str, plain: bool) -> bool {
    !plain || !(is_null(text) || parse_bool(text).is_some() || parse_number(text).is_some())
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Leading zeros before digits make a string in YAML 1.2 (`0123`).
fn digits_but_not_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    s.len() > 1 && s.starts_with('0') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

enum Number {
    U(u64),
    I(i64),
    F(f64),
}

fn parse_number(text: &str) -> Option<Number> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if unsigned.starts_with(['+', '-']) {
        return None;
    }
    let radix = [("0x", 16), ("0o", 8), ("0b", 2)]
        .iter()
        .find_map(|(p, r)| unsigned.strip_prefix(p).map(|rest| (rest, *r)));
    let int = match radix {
        Some((rest, _)) if rest.starts_with(['+', '-']) => None,
        Some((rest, r)) => u64::from_str_radix(rest, r).ok(),
        None if digits_but_not_number(text) => return None,
        None => unsigned.parse::<u64>().ok(),
    };
    if let Some(n) = int {
        return Some(if negative {
            match 0i64.checked_sub_unsigned(n) {
                Some(i) => Number::I(i),
                None => Number::F(-(n as f64)),
            }
        } else {
            Number::U(n)
        });
    }
    if radix.is_some() {
        return None;
    }
    match unsigned {
        ".inf" | ".Inf" | ".INF" => {
            return Some(Number::F(if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }));
        }
        ".nan" | ".NaN" | ".NAN" if !text.starts_with(['+', '-']) => {
            return Some(Number::F(f64::NAN));
        }
        _ => {}
    }
    let f: f64 = unsigned.parse().ok()?;
    // Rust reads `inf` and `nan`; YAML does not.
    f.is_finite()
        .then_some(Number::F(if negative { -f } else { f }))
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
            .map(|item| seed.deserialize(item))
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
            Some(v) => seed.deserialize(v),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        id: String,
        #[serde(default)]
        raci: indexmap::IndexMap<String, indexmap::IndexMap<String, String>>,
        #[serde(default)]
        escalation: Vec<indexmap::IndexMap<String, String>>,
    }

    const DOC: &str = "id: m365\nraci:\n  User onboarding:   { acme-it: RA, bright: I }\n  Patch management:\n    bright: RA\n    acme-it: C\nescalation:\n  - party: acme-it\n    contact: Dana\n  - { party: bright, hours: always }\n";

    #[test]
    fn keys_map_to_their_lines_in_block_and_flow_mappings() {
        let p: Parsed<Doc> = parse(DOC, "f.yaml", 1, Code::YamlSyntax).unwrap();
        assert_eq!(p.lines.line(&["raci", "User onboarding"]), Some(3));
        assert_eq!(
            p.lines.line(&["raci", "User onboarding", "bright"]),
            Some(3)
        );
        assert_eq!(
            p.lines.line(&["raci", "Patch management", "acme-it"]),
            Some(6)
        );
        assert_eq!(p.lines.line(&["escalation", "0", "contact"]), Some(9));
        assert_eq!(p.lines.line(&["escalation", "1", "party"]), Some(10));
        assert_eq!(p.lines.line(&["escalation", "1"]), Some(10));
    }

    #[test]
    fn unknown_path_falls_back_to_its_parent() {
        let p: Parsed<Doc> = parse(DOC, "f.yaml", 1, Code::YamlSyntax).unwrap();
        assert_eq!(
            p.lines.line(&["raci", "Patch management", "nobody"]),
            Some(4)
        );
    }

    #[test]
    fn lines_are_offset_for_front_matter() {
        let p: Parsed<Doc> = parse(
            "id: x\nraci:\n  A: { p: R }\n",
            "a.md",
            2,
            Code::FrontMatter,
        )
        .unwrap();
        assert_eq!(p.lines.line(&["raci", "A"]), Some(4));
    }

    #[test]
    fn syntax_errors_carry_code_and_line() {
        let err = parse::<Doc>("id: x\nraci: [\n", "f.yaml", 1, Code::YamlSyntax)
            .err()
            .unwrap();
        assert_eq!(err.code, Code::YamlSyntax);
        assert!(err.line.is_some());
        let err = parse::<Doc>("id: x\n  bad: : :\n", "a.md", 2, Code::FrontMatter)
            .err()
            .unwrap();
        assert_eq!(err.code, Code::FrontMatter);
    }

    #[test]
    fn a_repeated_key_is_a_syntax_error_at_the_repetition() {
        let err = parse::<de::IgnoredAny>(
            "id: x\nraci:\n  A: { p: R }\n  B: {}\n  A: { q: R }\n",
            "f.yaml",
            1,
            Code::YamlSyntax,
        )
        .err()
        .unwrap();
        assert_eq!(err.code, Code::YamlSyntax);
        assert_eq!(err.line, Some(5));
        assert!(err.message.contains("duplicate"), "{}", err.message);
        // In flow mappings and in front matter too.
        let err =
            parse::<de::IgnoredAny>("a: 1\nb: { x: 1,\n  x: 2 }\n", "a.md", 2, Code::FrontMatter)
                .err()
                .unwrap();
        assert_eq!((err.code, err.line), (Code::FrontMatter, Some(4)));
    }

    #[test]
    fn unknown_keys_name_the_allowed_ones() {
        let err = parse::<Doc>("id: x\nescalaton: []\n", "f.yaml", 1, Code::YamlSyntax)
            .err()
            .unwrap();
        assert_eq!(err.code, Code::InvalidValue);
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("escalaton"), "{}", err.message);
        assert!(err.message.contains("escalation"), "{}", err.message);
    }

    #[test]
    fn errors_on_unquoted_time() {
        let err = parse::<de::IgnoredAny>(
            "business:\n  from: 08:00\n  to: \"18:00\"\n",
            "cairn.yaml",
            1,
            Code::YamlSyntax,
        )
        .err()
        .unwrap();
        assert_eq!(err.code, Code::InvalidValue);
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("\"08:00\""), "{}", err.message);
    }

    /// Lines of `paths` in `text` (read as `IgnoredAny`, so any shape parses).
    fn lines_of(text: &str, paths: &[&[&str]]) -> Vec<Option<usize>> {
        let p: Parsed<de::IgnoredAny> = parse(text, "f.yaml", 1, Code::YamlSyntax).unwrap();
        paths.iter().map(|path| p.lines.line(path)).collect()
    }

    #[test]
    fn flow_mappings_spread_over_lines_keep_each_keys_line() {
        let text = "raci:\n  Patch management: {\n    bright: RA,\n    acme-it: C }\n  Help desk: { acme-it: RA, bright: I }\n";
        assert_eq!(
            lines_of(
                text,
                &[
                    &["raci", "Patch management"],
                    &["raci", "Patch management", "bright"],
                    &["raci", "Patch management", "acme-it"],
                    &["raci", "Help desk", "bright"],
                ]
            ),
            vec![Some(2), Some(3), Some(4), Some(5)]
        );
    }

    #[test]
    fn flow_sequences_of_flow_mappings_count_items() {
        let text = "escalation: [ { party: a },\n  { party: b,\n    hours: always } ]\ndepends_on: [x,\n  y]\n";
        assert_eq!(
            lines_of(
                text,
                &[
                    &["escalation", "0", "party"],
                    &["escalation", "1", "party"],
                    &["escalation", "1", "hours"],
                    &["depends_on", "1"],
                ]
            ),
            vec![Some(1), Some(2), Some(3), Some(5)]
        );
    }

    #[test]
    fn explicit_document_markers_and_directives_keep_lines() {
        let paths: &[&[&str]] = &[&["raci", "A", "p"], &["id"]];
        // An explicit start, an end marker, a directive, a comment header.
        assert_eq!(
            lines_of("---\nid: x\nraci:\n  A: { p: R }\n...\n", paths),
            vec![Some(4), Some(2)]
        );
        assert_eq!(
            lines_of("%YAML 1.2\n---\nid: x\nraci:\n  A: { p: R }\n", paths),
            vec![Some(5), Some(3)]
        );
        assert_eq!(
            lines_of(
                "# header\n\n--- # start\nid: x\nraci:\n  A: { p: R }\n",
                paths
            ),
            vec![Some(6), Some(4)]
        );
        // Content on the `---` line itself.
        assert_eq!(
            lines_of("--- { id: x,\n  raci: { A: { p: R } } }\n", paths),
            vec![Some(2), Some(1)]
        );
    }

    #[test]
    fn a_second_document_does_not_overwrite_the_first_documents_lines() {
        // The parse refuses it, but the map must not point into the second one.
        let (lines, _) = map_lines("id: a\nraci: {}\n---\nid: b\nescalation: []\n", 1);
        assert_eq!(lines.line(&["id"]), Some(1));
        assert_eq!(
            lines.line(&["escalation"]),
            Some(1),
            "falls back to the root"
        );
    }

    #[test]
    fn crlf_bom_and_tabs_in_values_keep_lines() {
        let paths: &[&[&str]] = &[&["raci", "A", "p"], &["owner"]];
        let text = "id: x\r\nraci:\r\n  A: { p: R }\r\nowner: a\r\n";
        assert_eq!(lines_of(text, paths), vec![Some(3), Some(4)]);
        let text = "\u{feff}id: x\nraci:\n  A: { p: R }\nowner: a\n";
        assert_eq!(lines_of(text, paths), vec![Some(3), Some(4)]);
        // saphyr refuses a tab right after `:`; libyaml (and so cairn) read it, and still does.
        let text = "id: x\nraci:\n  A: { p:\tR }\nowner:\ta\n";
        assert_eq!(lines_of(text, paths), vec![Some(3), Some(4)]);
    }

    #[test]
    fn keys_before_a_parse_the_line_mapper_refuses_keep_their_lines() {
        // Whatever the parser refuses, what it read before stays mapped.
        let (rec, result) = run("id: x\nraci:\n  A: { p: R }\nbad: [\n", 1);
        assert!(result.is_err());
        assert_eq!(
            LineMap { lines: rec.lines }.line(&["raci", "A", "p"]),
            Some(3)
        );
    }

    #[test]
    fn block_scalars_quoted_keys_and_aliases_keep_lines() {
        let text = concat!(
            "description: |\n  two\n  lines\n",
            "\"Patch management\": { 'bright': RA }\n",
            "base: &b { acme-it: RA }\n",
            "raci:\n  Help desk: *b\n  \"a\\\"b\": { x: R }\n",
            "owner: >-\n  folded\n  text\nlast: 1\n",
        );
        assert_eq!(
            lines_of(
                text,
                &[
                    &["Patch management", "bright"],
                    &["base", "acme-it"],
                    &["raci", "Help desk"],
                    // An alias has no keys of its own: its line stands for them.
                    &["raci", "Help desk", "acme-it"],
                    &["raci", "a\"b", "x"],
                    &["last"],
                ]
            ),
            vec![Some(4), Some(5), Some(7), Some(7), Some(8), Some(12)]
        );
    }

    #[test]
    fn complex_keys_do_not_shift_the_keys_after_them() {
        let text = "? [a, b]\n: 1\n? { c: d }\n: 2\nafter: { x: 1 }\n";
        let (lines, _) = map_lines(text, 1);
        assert_eq!(lines.line(&["after", "x"]), Some(5));
        let (lines, _) = map_lines("a: &k x\n*k : 1\nafter: { x: 1 }\n", 1);
        assert_eq!(lines.line(&["after", "x"]), Some(3));
    }

    #[test]
    fn messages_name_yaml_shapes_not_rust_types() {
        for (text, want) in [
            (
                "~\n",
                "invalid type: an empty value, expected a mapping of keys",
            ),
            ("[]\n", "invalid type: a list, expected a mapping of keys"),
            (
                "id: x\nescalation: {}\n",
                "invalid type: a mapping, expected a list",
            ),
        ] {
            let err = parse::<Doc>(text, "f.yaml", 1, Code::YamlSyntax)
                .err()
                .unwrap();
            assert!(err.message.contains(want), "{text:?}: {}", err.message);
            assert!(!err.message.contains("struct"), "{}", err.message);
        }
    }

    #[test]
    fn more_than_one_document_is_refused() {
        let err = parse::<Doc>("id: a\n---\nid: b\n", "f.yaml", 1, Code::YamlSyntax)
            .err()
            .unwrap();
        assert!(err.message.contains("one YAML document"), "{}", err.message);
        assert_eq!(err.line, Some(2), "the second `---`");
        let err = parse::<Doc>(
            "# c\n---\nid: a\n...\n\n--- {id: b}\n",
            "f.yaml",
            1,
            Code::YamlSyntax,
        )
        .err()
        .unwrap();
        assert_eq!(err.line, Some(6));
        assert_eq!(
            document_marker_after_content("%YAML 1.2\n---\n# c\na: 1\n--- \n"),
            Some(5)
        );
        assert_eq!(document_marker_after_content("---\n...\n"), None);
        // In front matter (from line 2 of the page) it says so.
        let err = parse::<Doc>("id: a\n...\nid: b\n", "a.md", 2, Code::FrontMatter)
            .err()
            .unwrap();
        assert_eq!(err.code, Code::FrontMatter);
        assert!(
            err.message.starts_with("front matter holds one"),
            "{}",
            err.message
        );
        assert_eq!(err.line, Some(4));
    }

    #[test]
    fn alias_bombs_and_deep_nesting_are_explained() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (p, n) in ["a", "b", "c", "d", "e", "f", "g"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h"])
        {
            bomb.push_str(&format!(
                "{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            ));
        }
        let err = parse::<de::IgnoredAny>(&bomb, "f.yaml", 1, Code::YamlSyntax)
            .err()
            .unwrap();
        assert!(err.message.contains("aliases"), "{}", err.message);
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let err = parse::<de::IgnoredAny>(&deep, "f.yaml", 1, Code::YamlSyntax)
            .err()
            .unwrap();
        assert!(err.message.contains("too deep"), "{}", err.message);
    }
}

#[cfg(test)]
mod depth_and_duplicates {
    use super::*;

    /// The line of the "too deep" error, if that is the error.
    fn too_deep_flow(text: &str) -> Option<usize> {
        match parse::<de::IgnoredAny>(text, "f.yaml", 1, Code::YamlSyntax) {
            Err(d) if d.message.contains("too deep") => d.line,
            _ => None,
        }
    }

    #[test]
    fn flow_nesting_past_the_limit_is_found_at_its_line() {
        let deep = |n: usize| format!("a: 1\nb: {}{}\n", "[".repeat(n), "]".repeat(n));
        assert_eq!(too_deep_flow(&deep(128)), None);
        assert_eq!(too_deep_flow(&deep(129)), Some(2));
        assert_eq!(too_deep_flow(&deep(100_000)), Some(2));
        let maps = format!("a:\n  {}{}\n", "{x: ".repeat(300), "}".repeat(300));
        assert_eq!(too_deep_flow(&maps), Some(2));
        // Brackets inside quotes do not close anything.
        let quoted = format!("a: {}\n", "[\"]\", ".repeat(200));
        assert_eq!(too_deep_flow(&quoted), Some(1));
        // Many collections side by side, and brackets in text, are not nesting.
        let wide = format!("a: [{}]\nb: \"{}\"\n", "[x], ".repeat(500), "[".repeat(500));
        assert_eq!(too_deep_flow(&wide), None);
        // A tab after `key:` (which saphyr refuses) does not hide depth.
        let tab = format!("a:\t{}{}\n", "[".repeat(300), "]".repeat(300));
        assert_eq!(too_deep_flow(&tab), Some(1));
    }

    #[test]
    fn deep_nesting_is_a_syntax_error_of_the_file() {
        let text = format!("id: x\nname:\n  {}{}\n", "[".repeat(5000), "]".repeat(5000));
        let err = parse::<de::IgnoredAny>(&text, "a.md", 2, Code::FrontMatter)
            .err()
            .unwrap();
        assert_eq!(err.code, Code::FrontMatter);
        assert_eq!(err.line, Some(4));
        assert!(err.message.contains("too deep"), "{}", err.message);
    }

    #[test]
    fn duplicate_keys_point_at_the_duplicate() {
        for (text, line) in [
            ("a: 1\nb:\n  x: 1\n  y: 2\n  x: 3\n", 5),
            ("a: 1\nb: {x: 1,\n y: 2,\n x: 3}\n", 4),
            ("a: 1\nb: 2\n\"a\": 3\n", 3),
            // A repeat in another mapping is no repeat; quoting does not make a key new.
            ("x:\n  - {k: 1}\n  - {k: 2}\n\"k\\\"q\": 1\nk\"q: 2\n", 5),
        ] {
            let err = parse::<de::IgnoredAny>(text, "f.yaml", 1, Code::YamlSyntax)
                .err()
                .unwrap();
            assert!(err.message.contains("duplicate"), "{}", err.message);
            assert_eq!(err.line, Some(line), "{text:?}");
        }
    }
}

/// The line map against YAML whose every key's line is known because the test
/// wrote it: block and flow mappings and sequences nested in any order, comments,
/// blank lines, block scalars, quoted keys, CRLF, an explicit `---`.
#[cfg(test)]
mod line_map_properties {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Node {
        Word(String),
        Quoted(String),
        Literal(Vec<String>),
        Map {
            flow: bool,
            entries: Vec<(String, bool, Node)>,
        },
        Seq {
            flow: bool,
            items: Vec<Node>,
        },
    }

    fn node() -> impl Strategy<Value = Node> {
        let leaf = prop_oneof![
            "[a-z][a-z0-9 -]{0,8}[a-z]".prop_map(Node::Word),
            "[a-zA-Z0-9 :#,\\[\\]{}-]{0,10}".prop_map(Node::Quoted),
            prop::collection::vec("[a-z ]{1,10}", 1..4).prop_map(Node::Literal),
        ];
        leaf.prop_recursive(5, 48, 5, |inner| {
            prop_oneof![
                (
                    any::<bool>(),
                    prop::collection::btree_map("[a-z]{1,6}", (any::<bool>(), inner.clone()), 0..5)
                )
                    .prop_map(|(flow, m)| Node::Map {
                        flow,
                        entries: m.into_iter().map(|(k, (q, v))| (k, q, v)).collect(),
                    }),
                (any::<bool>(), prop::collection::vec(inner, 0..4))
                    .prop_map(|(flow, items)| Node::Seq { flow, items }),
            ]
        })
    }

    struct Writer {
        out: String,
        expected: Vec<(Vec<String>, usize)>,
        noise: std::vec::IntoIter<u8>,
    }

    impl Writer {
        fn line(&self) -> usize {
            self.out.matches('\n').count() + 1
        }

        /// Sometimes a comment or a blank line between block entries.
        fn noise(&mut self, pad: &str) {
            match self.noise.next().unwrap_or(0) % 6 {
                0 => self.out.push_str(&format!("{pad}# note: x\n")),
                1 => self.out.push('\n'),
                _ => {}
            }
        }

        fn key(&mut self, path: &[String], key: &str, quoted: bool) {
            self.expected.push((path.to_vec(), self.line()));
            if quoted {
                self.out.push_str(&format!("\"{key}\""));
            } else {
                self.out.push_str(key);
            }
        }

        fn flow(&mut self, node: &Node, path: &mut Vec<String>) {
            match node {
                Node::Word(w) => self.out.push_str(w),
                Node::Quoted(q) => self.out.push_str(&format!("\"{q}\"")),
                Node::Literal(lines) => self.out.push_str(&format!("\"{}\"", lines.join(" "))),
                Node::Map { entries, .. } => {
                    self.out.push('{');
                    for (i, (k, q, v)) in entries.iter().enumerate() {
                        if i > 0 {
                            self.out.push_str(", ");
                        }
                        path.push(k.clone());
                        self.key(path, k, *q);
                        self.out.push_str(": ");
                        self.flow(v, path);
                        path.pop();
                    }
                    self.out.push('}');
                }
                Node::Seq { items, .. } => {
                    self.out.push('[');
                    for (i, v) in items.iter().enumerate() {
                        if i > 0 {
                            self.out.push_str(", ");
                        }
                        path.push(i.to_string());
                        self.flow(v, path);
                        path.pop();
                    }
                    self.out.push(']');
                }
            }
        }

        /// A value after `key:` or `- ` in block context, at `indent`.
        fn block_value(&mut self, node: &Node, indent: usize, path: &mut Vec<String>) {
            match node {
                Node::Map {
                    flow: false,
                    entries,
                } if !entries.is_empty() => {
                    self.out.push('\n');
                    self.block_map(entries, indent, path);
                }
                Node::Seq { flow: false, items } if !items.is_empty() => {
                    self.out.push('\n');
                    self.block_seq(items, indent, path);
                }
                Node::Literal(lines) => {
                    self.out.push_str(" |\n");
                    for l in lines {
                        self.out.push_str(&format!("{}{l}\n", " ".repeat(indent)));
                    }
                    // The caller adds a newline after each value; a literal ends with one.
                    self.out.pop();
                }
                other => {
                    self.out.push(' ');
                    self.flow(other, path);
                }
            }
        }

        fn block_map(
            &mut self,
            entries: &[(String, bool, Node)],
            indent: usize,
            path: &mut Vec<String>,
        ) {
            let pad = " ".repeat(indent);
            for (k, q, v) in entries {
                self.noise(&pad);
                self.out.push_str(&pad);
                path.push(k.clone());
                self.key(path, k, *q);
                self.out.push(':');
                self.block_value(v, indent + 2, path);
                self.out.push('\n');
                path.pop();
            }
        }

        fn block_seq(&mut self, items: &[Node], indent: usize, path: &mut Vec<String>) {
            let pad = " ".repeat(indent);
            for (i, v) in items.iter().enumerate() {
                self.noise(&pad);
                self.out.push_str(&pad);
                self.out.push('-');
                path.push(i.to_string());
                // An item whose value is a block collection or block scalar on
                // the next lines maps to where that starts (the parser marks the
                // content, not the `-`); the keys inside are checked one by one.
                let nested = matches!(v, Node::Map { flow: false, entries } if !entries.is_empty())
                    || matches!(v, Node::Seq { flow: false, items } if !items.is_empty())
                    || matches!(v, Node::Literal(_));
                if !nested {
                    self.expected.push((path.clone(), self.line()));
                }
                self.block_value(v, indent + 2, path);
                self.out.push('\n');
                path.pop();
            }
        }
    }

    proptest! {
        // A fixed seed keeps CI reproducible; PROPTEST_RNG_SEED explores.
        #![proptest_config({
            let env = ProptestConfig::default();
            ProptestConfig {
                cases: if std::env::var_os("PROPTEST_CASES").is_some() { env.cases } else { 256 },
                rng_seed: match env.rng_seed {
                    proptest::test_runner::RngSeed::Random => proptest::test_runner::RngSeed::Fixed(0x11e5),
                    seed => seed,
                },
                failure_persistence: None,
                ..env
            }
        })]

        #[test]
        fn every_key_maps_to_the_line_it_was_written_on(
            root in prop::collection::btree_map("[a-z]{1,6}", (any::<bool>(), node()), 1..6),
            noise in prop::collection::vec(any::<u8>(), 64),
            start in any::<bool>(),
            crlf in any::<bool>(),
            first_line in 1usize..4,
        ) {
            let entries: Vec<(String, bool, Node)> =
                root.into_iter().map(|(k, (q, v))| (k, q, v)).collect();
            let mut w = Writer { out: String::new(), expected: Vec::new(), noise: noise.into_iter() };
            if start {
                w.out.push_str("--- # the document\n");
            }
            w.block_map(&entries, 0, &mut Vec::new());
            let text = if crlf { w.out.replace('\n', "\r\n") } else { w.out.clone() };
            // What the parser refuses is not this property's business.
            prop_assume!(load(&text, 1).is_ok());
            let (lines, _) = map_lines(&text, first_line);
            for (path, line) in &w.expected {
                let p: Vec<&str> = path.iter().map(String::as_str).collect();
                prop_assert_eq!(
                    lines.line(&p),
                    Some(line + first_line - 1),
                    "{:?} in\n{}",
                    path,
                    w.out
                );
            }
        }
    }
}

/// `map_lines` for the tests: the lines read, even past an error.
#[cfg(test)]
fn map_lines(text: &str, first_line: usize) -> (LineMap, Vec<(usize, String)>) {
    let (loader, _) = run(text, first_line);
    (
        LineMap {
            lines: loader.lines,
        },
        loader.unquoted_times,
    )
}
