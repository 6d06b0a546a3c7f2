//! Where each key of a YAML text is: the line map the checks read.

use std::collections::BTreeMap;

/// Key path → 1-based line in the file. A path is map keys and sequence indexes,
/// e.g. `["raci", "Patch management", "bright"]` or `["escalation", "1", "party"]`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct LineMap {
    /// Sorted, so two maps of one text print (and compare) the same.
    pub(super) lines: BTreeMap<String, usize>,
}

impl LineMap {
    fn key(path: &[&str]) -> String {
        path.join("\u{1f}")
    }

    /// The line of `path` itself, when the text has it.
    pub(crate) fn exact(&self, path: &[&str]) -> Option<usize> {
        self.lines.get(&Self::key(path)).copied()
    }

    /// The line of the deepest prefix of `path` that is known.
    pub(crate) fn line(&self, path: &[&str]) -> Option<usize> {
        (0..=path.len())
            .rev()
            .find_map(|n| self.lines.get(&Self::key(&path[..n])).copied())
    }
}
