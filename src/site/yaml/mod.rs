//! Every YAML source is parsed here, once: one pass of saphyr-parser's events
//! builds a tree of nodes that know their lines, the key→line map the checks
//! use, and the list of unquoted times; the typed value is then deserialized
//! from that tree, so an error in it is reported at the line of its node.
//!
//! serde_yaml is deprecated upstream; saphyr-parser is the maintained,
//! pure-Rust successor of yaml-rust2's parser. Scalars resolve as serde_yaml
//! 0.9 resolved them (YAML 1.2 core schema), so the schema reads as before.

mod deserialize;
mod lines;
mod load;
mod node;
mod scalar;
#[cfg(test)]
mod tests;

use crate::diag::{Code, Diagnostic};
use deserialize::clean_message;
use load::{MORE_THAN_ONE, load_tolerating_tabs};
use serde::de::DeserializeOwned;
use std::cell::Cell;

pub(crate) use lines::LineMap;

pub(crate) struct Parsed<T> {
    pub value: T,
    pub lines: LineMap,
    /// Top-level keys taken out before `value` was read, with their lines.
    pub set_aside: Vec<(String, usize)>,
}

thread_local! {
    static PARSES: Cell<usize> = const { Cell::new(0) };
}

/// How many YAML texts this thread has parsed: tests prove each source is read once.
#[cfg(test)]
pub(crate) fn parse_count() -> usize {
    PARSES.with(Cell::get)
}

/// Parse `text` (which starts at line `first_line` of `file`) into `T`.
/// Syntax errors get `syntax_code`, everything else `invalid-value`.
pub(crate) fn parse<T: DeserializeOwned>(
    text: &str,
    file: &str,
    first_line: usize,
    syntax_code: Code,
) -> Result<Parsed<T>, Diagnostic> {
    parse_setting_aside(text, file, first_line, syntax_code, None)
}

/// [`parse`], first taking out of the top-level mapping the keys
/// `set_aside` accepts (front matter keys of other generators), so they
/// are neither read nor refused.
pub(crate) fn parse_setting_aside<T: DeserializeOwned>(
    text: &str,
    file: &str,
    first_line: usize,
    syntax_code: Code,
    set_aside: Option<&dyn Fn(&str) -> bool>,
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
    let mut doc = doc;
    let set_aside = match set_aside {
        Some(is_set_aside) => take_keys(&mut doc.root, is_set_aside),
        None => Vec::new(),
    };
    match T::deserialize(&doc.root) {
        Ok(value) => Ok(Parsed {
            value,
            lines: doc.lines,
            set_aside,
        }),
        Err(e) => Err(Diagnostic::new(
            Code::InvalidValue,
            file,
            e.line,
            clean_message(&e.message),
        )),
    }
}

/// Whether the text holds nothing but comments and blank lines.
pub(crate) fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == "---"
    })
}

/// Remove from the top-level mapping of `root` the plain keys `is_set_aside`
/// accepts; returns them with their lines, in file order.
fn take_keys(root: &mut node::Node, is_set_aside: &dyn Fn(&str) -> bool) -> Vec<(String, usize)> {
    let node::Kind::Map(entries) = &mut root.kind else {
        return Vec::new();
    };
    let mut taken = Vec::new();
    entries.retain(|(key, _)| match &key.kind {
        node::Kind::Scalar { text, .. } if is_set_aside(text) => {
            taken.push((text.clone(), key.line));
            false
        }
        _ => true,
    });
    taken
}
