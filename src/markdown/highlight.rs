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

static CSS: LazyLock<String> = LazyLock::new(|| {
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
});

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
/// parse taken from the memo when it can be.
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
    Some(html)
}

/// See [`crate::markdown::highlight_css`].
pub(super) fn css() -> &'static str {
    &CSS
}
