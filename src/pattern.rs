//! Regular expressions written in cairn's source. Each is compiled once, on
//! first use; one that does not compile is a bug in cairn, so it fails loudly
//! (every pattern is forced by a test) instead of quietly switching a step
//! off (comment stripping, heading ids, phone extensions).

use regex::Regex;

/// A pattern of cairn's own. Callers keep it in a `LazyLock` and their tests
/// force it, so a pattern that does not compile fails `cargo test`; user
/// input never reaches this.
#[allow(clippy::expect_used)]
pub(crate) fn constant(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a pattern written in cairn's source compiles")
}

#[cfg(test)]
mod tests {
    #[test]
    #[should_panic(expected = "compiles")]
    fn a_pattern_that_does_not_compile_fails_loudly() {
        super::constant("(unclosed");
    }
}
