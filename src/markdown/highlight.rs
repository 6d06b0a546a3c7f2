//! Code highlighting for the markdown stage: syntect at build time, so pages
//! ship coloured code as CSS classes and readers' browsers run no script.
//!
//! The syntax set (two-face's extended one, for PowerShell, Dockerfile, TOML,
//! INI and friends) and the CSS are built once per process; rendering 10,000
//! pages must not pay for them 10,000 times.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use syntect::html::{ClassStyle, css_for_theme_with_class_style, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;
use two_face::theme::EmbeddedThemeName;

/// Every class syntect emits starts with this, so theme CSS cannot collide
/// with the site's own classes.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// The class syntect's CSS gives the theme's foreground and background; code
/// blocks carry it so colours and background always come from the same theme.
pub(super) const CODE_CLASS: &str = "hl-code";

/// Tokens authors write after ```` ``` ```` that name no syntax's extension
/// or name, mapped to one that does.
const ALIASES: &[(&str, &str)] = &[
    ("shell", "bash"),
    ("console", "bash"),
    ("shellsession", "bash"),
    ("pwsh", "ps1"),
    ("posh", "ps1"),
    ("ps", "ps1"),
    ("docker", "dockerfile"),
    ("containerfile", "dockerfile"),
    ("jsonc", "json"),
    ("json5", "json"),
    ("batch", "bat"),
    ("dos", "bat"),
    ("csharp", "cs"),
    ("golang", "go"),
    ("hcl", "tf"),
];

struct Highlighter {
    syntaxes: SyntaxSet,
    /// Lowercase token → index into `syntaxes.syntaxes()`. Built once because
    /// `SyntaxSet::find_syntax_by_token` scans every syntax on every call.
    by_token: HashMap<String, usize>,
}

static HIGHLIGHTER: LazyLock<Highlighter> = LazyLock::new(|| {
    let syntaxes = two_face::syntax::extra_newlines();
    let mut by_token = HashMap::new();
    // Same precedence as `find_syntax_by_token`: any extension before any
    // name, and the first syntax to claim a token keeps it.
    for (index, syntax) in syntaxes.syntaxes().iter().enumerate() {
        for extension in &syntax.file_extensions {
            by_token.entry(extension.to_lowercase()).or_insert(index);
        }
    }
    for (index, syntax) in syntaxes.syntaxes().iter().enumerate() {
        by_token.entry(syntax.name.to_lowercase()).or_insert(index);
    }
    for (alias, target) in ALIASES {
        if let Some(&index) = by_token.get(*target) {
            by_token.entry((*alias).to_owned()).or_insert(index);
        }
    }
    Highlighter { syntaxes, by_token }
});

/// The stylesheet syntect writes for a class style: the light palette, and
/// the dark one on screens only.
fn syntect_css() -> String {
    // Coldark's two themes are one design: the same scopes, so dark rules
    // override every light rule and no light colour leaks into dark mode, and
    // every colour at least 4.5:1 against its background (WCAG AA). Dark
    // applies on screens only: paper stays light.
    let themes = two_face::theme::extra();
    let light =
        css_for_theme_with_class_style(themes.get(EmbeddedThemeName::ColdarkCold), CLASS_STYLE)
            .unwrap_or_default();
    let dark =
        css_for_theme_with_class_style(themes.get(EmbeddedThemeName::ColdarkDark), CLASS_STYLE)
            .unwrap_or_default();
    format!("{light}\n@media screen and (prefers-color-scheme: dark) {{\n{dark}}}\n")
}

/// The classes a highlighted block carries, made small: syntect gives every
/// span each atom of its scope (`hl-punctuation hl-definition hl-string
/// hl-begin hl-dockerfile`), most of which no rule of the stylesheet names.
/// A span keeps only the atoms of the selectors' compounds it matches (so
/// every rule matches exactly what it matched before), a span left with none
/// is dropped, and each atom is written as a short name (`_1f`: an underscore
/// and a base-36 number, one character shorter than `hl-` on every span of
/// every page, and no framework's class) in both the spans and the
/// stylesheet. Built once per process, with the stylesheet.
struct Classes {
    /// Atom (`comment`) → its short class (`_7`).
    short: HashMap<String, String>,
    /// Every compound of every selector (`.hl-a.hl-b` of `.hl-a.hl-b .hl-c`),
    /// as atoms.
    compounds: Vec<Vec<String>>,
    /// The stylesheet with the short classes.
    css: String,
}

/// The atom of an `hl-` class (`.hl-comment` → `comment`): what follows the
/// prefix up to the first character a class name of syntect's cannot have.
fn atom_at(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// `n` in base 36, lowercase: short, and a valid class name after `_`.
fn base36(mut n: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[n % 36]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl Classes {
    fn from_css(css: &str) -> Classes {
        let mut compounds = Vec::new();
        let mut atoms = std::collections::BTreeSet::new();
        // syntect writes each rule's selectors on the line of its `{`.
        for line in css.lines() {
            let Some(selectors) = line.trim().strip_suffix('{') else {
                continue;
            };
            if selectors.trim_start().starts_with('@') {
                continue;
            }
            for compound in selectors.split([',', ' ']) {
                let names: Vec<String> = compound
                    .split('.')
                    .filter_map(|c| c.strip_prefix("hl-"))
                    .map(|c| atom_at(c).to_string())
                    .collect();
                atoms.extend(names.iter().cloned());
                if !names.is_empty() {
                    compounds.push(names);
                }
            }
        }
        // `hl-code` is the block's own class (foreground and background): it
        // keeps its name.
        let code = CODE_CLASS.trim_start_matches("hl-");
        let short: HashMap<String, String> = atoms
            .into_iter()
            .filter(|a| a != code)
            .enumerate()
            .map(|(i, a)| (a, format!("_{}", base36(i))))
            .collect();
        let mut out = String::with_capacity(css.len());
        let mut rest = css;
        while let Some(at) = rest.find(".hl-") {
            out.push_str(&rest[..at + 1]);
            let atom = atom_at(&rest[at + 4..]);
            match short.get(atom) {
                Some(name) => out.push_str(name),
                None => {
                    out.push_str("hl-");
                    out.push_str(atom);
                }
            }
            rest = &rest[at + 4 + atom.len()..];
        }
        out.push_str(rest);
        compounds.sort();
        compounds.dedup();
        Classes {
            short,
            compounds,
            css: out,
        }
    }

    /// The short classes of a span whose classes are `attr`
    /// (`hl-a hl-b …`), or None when no rule can match it.
    fn span(&self, attr: &str) -> Option<String> {
        let atoms: Vec<&str> = attr
            .split_ascii_whitespace()
            .filter_map(|c| c.strip_prefix("hl-"))
            .collect();
        let matched = |c: &Vec<String>| c.iter().all(|a| atoms.contains(&a.as_str()));
        let kept: Vec<&str> = atoms
            .iter()
            .copied()
            .filter(|a| {
                self.compounds
                    .iter()
                    .any(|c| c.iter().any(|x| x == a) && matched(c))
            })
            .collect();
        let mut out = String::new();
        for atom in kept {
            if !out.is_empty() {
                out.push(' ');
            }
            match self.short.get(atom) {
                Some(name) => out.push_str(name),
                None => {
                    out.push_str("hl-");
                    out.push_str(atom);
                }
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// `html` (syntect's spans around escaped text) with each span's
    /// classes made short, and the spans no rule matches dropped.
    fn compact(&self, html: &str, memo: &mut HashMap<String, Option<String>>) -> String {
        const OPEN: &str = "<span class=\"";
        const CLOSE: &str = "</span>";
        let mut out = String::with_capacity(html.len());
        // For each open span: whether it was written.
        let mut open: Vec<bool> = Vec::new();
        let mut rest = html;
        while let Some(at) = rest.find('<') {
            out.push_str(&rest[..at]);
            rest = &rest[at..];
            if let Some(tail) = rest.strip_prefix(CLOSE) {
                if open.pop().unwrap_or(true) {
                    out.push_str(CLOSE);
                }
                rest = tail;
            } else if let Some(tail) = rest.strip_prefix(OPEN)
                && let Some((attr, tail)) = tail.split_once("\">")
            {
                let classes = memo
                    .entry(attr.to_string())
                    .or_insert_with(|| self.span(attr));
                if let Some(classes) = classes {
                    out.push_str(OPEN);
                    out.push_str(classes);
                    out.push_str("\">");
                }
                open.push(classes.is_some());
                rest = tail;
            } else {
                // Text is escaped, so syntect writes no other `<`; keep any as is.
                out.push('<');
                rest = &rest[1..];
            }
        }
        out.push_str(rest);
        out
    }
}

static CLASSES: LazyLock<Classes> = LazyLock::new(|| Classes::from_css(&syntect_css()));

/// Blocks longer than this are left plain: syntect costs about a microsecond
/// a byte, and a pasted log of megabytes would stall the build for one page.
const MAX_HIGHLIGHTED_BYTES: usize = 64 * 1024;

/// Highlighted blocks by language and code, for the whole process. Parsing is
/// by far the dearest part of rendering (~0.9 ms for a 15-line, 1.4 KB block
/// against ~30 µs for the rest of a 700-word page); runbooks repeat snippets, and
/// `serve` re-renders every page on each change, so most blocks are seen
/// before.
#[derive(Default)]
struct Cache {
    by_lang: HashMap<String, HashMap<String, Arc<str>>>,
    bytes: usize,
}

/// Past this the cache starts over, so a long `serve` session stays small.
const CACHE_LIMIT_BYTES: usize = 64 * 1024 * 1024;

static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Mutex::default);

/// The syntax for a fence's language token, or None when it is unknown or
/// plain text (nothing to colour, so no reason to pay for parsing).
fn syntax_for(token: &str) -> Option<&'static SyntaxReference> {
    let highlighter = &*HIGHLIGHTER;
    let index = *highlighter.by_token.get(token)?;
    let syntax = highlighter.syntaxes.syntaxes().get(index)?;
    (syntax.name != "Plain Text").then_some(syntax)
}

/// `code` as HTML spans with `hl-` classes, or None when `lang` names no
/// syntax, the block is too long, or syntect fails on it (the caller falls
/// back to plain).
pub(super) fn highlight(code: &str, lang: &str) -> Option<Arc<str>> {
    if code.len() > MAX_HIGHLIGHTED_BYTES {
        return None;
    }
    let syntax = syntax_for(lang)?;
    // A poisoned lock only costs the cache, never the page.
    if let Ok(cache) = CACHE.lock()
        && let Some(html) = cache.by_lang.get(lang).and_then(|blocks| blocks.get(code))
    {
        return Some(Arc::clone(html));
    }
    // Highlight outside the lock: other threads keep rendering meanwhile.
    let html: Arc<str> = highlight_uncached(code, syntax)?.into();
    if let Ok(mut cache) = CACHE.lock() {
        let size = code.len() + html.len();
        if cache.bytes + size > CACHE_LIMIT_BYTES {
            *cache = Cache::default();
        }
        cache.bytes += size;
        cache
            .by_lang
            .entry(lang.to_owned())
            .or_default()
            .insert(code.to_owned(), Arc::clone(&html));
    }
    Some(html)
}

/// What parsing one line did: the parser's state before it (the ops depend
/// on nothing else), the scope ops, and the state after it.
struct ParsedLine {
    before: ParseState,
    ops: Vec<(usize, ScopeStackOp)>,
    after: ParseState,
}

/// Lines parsed, per thread: code blocks differ, their
/// lines often do not (`"check": "threshold",`, `Get-Service -Name`), and a
/// line's parse depends only on its text and the state before it.
#[derive(Default)]
struct LineMemo {
    /// By text; a state names its syntax's contexts, so one line of two
    /// syntaxes never shares a parse.
    lines: HashMap<String, Vec<ParsedLine>>,
    count: usize,
}

/// Past this many parsed lines a thread's memo starts over.
const LINE_MEMO_LIMIT: usize = 200_000;

thread_local! {
    static LINES: std::cell::RefCell<LineMemo> = std::cell::RefCell::default();
}

/// `line` parsed from `state` (which then holds the state after it), the
/// parse taken from the thread's memo when this line was parsed from this
/// state before.
fn parse_line(state: &mut ParseState, line: &str) -> Option<Vec<(usize, ScopeStackOp)>> {
    let memo = LINES.with_borrow(|memo| {
        let seen = memo.lines.get(line)?;
        let parsed = seen.iter().find(|p| p.before == *state)?;
        Some((parsed.ops.clone(), parsed.after.clone()))
    });
    if let Some((ops, after)) = memo {
        *state = after;
        return Some(ops);
    }
    let before = state.clone();
    let ops = state.parse_line(line, &HIGHLIGHTER.syntaxes).ok()?;
    LINES.with_borrow_mut(|memo| {
        if memo.count >= LINE_MEMO_LIMIT {
            *memo = LineMemo::default();
        }
        memo.count += 1;
        memo.lines
            .entry(line.to_owned())
            .or_default()
            .push(ParsedLine {
                before,
                ops: ops.clone(),
                after: state.clone(),
            });
    });
    Some(ops)
}

/// What syntect's `ClassedHTMLGenerator` writes for `code`, each line's
/// parse taken from the memo when it can be, its classes made small
/// ([`Classes`]).
fn highlight_uncached(code: &str, syntax: &SyntaxReference) -> Option<String> {
    let mut state = ParseState::new(syntax);
    let mut scopes = ScopeStack::new();
    let mut open_spans: isize = 0;
    let mut html = String::with_capacity(code.len() * 4);
    for line in LinesWithEndings::from(code) {
        let ops = parse_line(&mut state, line)?;
        let (formatted, delta) =
            line_tokens_to_classed_spans(line, &ops, CLASS_STYLE, &mut scopes).ok()?;
        open_spans += delta;
        html.push_str(&formatted);
    }
    for _ in 0..open_spans {
        html.push_str("</span>");
    }
    let mut memo = HashMap::new();
    Some(CLASSES.compact(&html, &mut memo))
}

/// The syntax a fence's language token picks, by name.
#[cfg(test)]
pub(super) fn syntax_name(token: &str) -> Option<&'static str> {
    syntax_for(token).map(|s| s.name.as_str())
}

/// The short class the stylesheet and the spans give a scope atom (`comment`).
#[cfg(test)]
pub(super) fn short_class(atom: &str) -> Option<&'static str> {
    CLASSES.short.get(atom).map(String::as_str)
}

/// See [`crate::markdown::highlight_css`].
pub(super) fn css() -> &'static str {
    &CLASSES.css
}
