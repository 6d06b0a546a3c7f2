//! saphyr-parser's events to a tree of nodes, the line map and the
//! unquoted times, in one pass; a tab after `key:` is tolerated.

use super::lines::LineMap;
use super::node::{Kind, Node};
use super::scalar::is_string;
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};
use std::collections::{BTreeMap, HashMap};

pub(super) const MORE_THAN_ONE: &str =
    "a data file holds one YAML document; remove the extra `---`";
const ALIAS_BOMB: &str = "aliases (`*name`) expand to too much data; write the values out instead";
/// Deeper than any schema needs; the tree and its drop stay far from the stack's end.
const MAX_DEPTH: usize = 128;

pub(super) struct Document {
    pub(super) root: Node,
    pub(super) lines: LineMap,
    pub(super) unquoted_times: Vec<(usize, String)>,
}

pub(super) struct SyntaxError {
    pub(super) line: Option<usize>,
    pub(super) message: String,
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

pub(super) struct Loader {
    first_line: usize,
    stack: Vec<Frame>,
    root: Option<Node>,
    /// Anchored nodes by id, with their sizes.
    anchors: HashMap<usize, (Node, usize)>,
    /// Nodes copied by aliases so far, and the most allowed.
    expanded: usize,
    budget: usize,
    pub(super) lines: BTreeMap<String, usize>,
    pub(super) unquoted_times: Vec<(usize, String)>,
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
pub(super) fn load(text: &str, first_line: usize) -> Result<Document, SyntaxError> {
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
pub(super) fn load_tolerating_tabs(text: &str, first_line: usize) -> Result<Document, SyntaxError> {
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
pub(super) fn run(text: &str, first_line: usize) -> (Loader, Result<(), SyntaxError>) {
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
