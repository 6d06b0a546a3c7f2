//! The tree one pass of events builds: every node knows its line.

/// A YAML node and the (absolute) line it starts on.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(super) line: usize,
    pub(super) kind: Kind,
}

#[derive(Debug, Clone)]
pub(super) enum Kind {
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
    pub(super) fn size(&self) -> usize {
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
