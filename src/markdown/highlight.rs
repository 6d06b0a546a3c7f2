//! Code highlighting for the markdown stage: syntect at build time, so pages
//! ship coloured code as CSS classes and readers' browsers run no script.
//!
//! The syntax set (two-face's extended one, for PowerShell, Dockerfile, TOML,
//! INI and friends) and the CSS are built once per process; rendering 10,000
//! pages must not pay for them 10,000 times.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use syntect::html::{ClassStyle, css_for_theme_with_class_style};
use syntect::parsing::{ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;
use two_face::theme::EmbeddedThemeName;

use super::escape::escape_html_into;

/// The prefix of every class in the stylesheets syntect writes for the
/// themes, which [`Palette`] reads (pages carry none of them but the block's).
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// The class the stylesheet gives the theme's foreground and background; code
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

/// The stylesheets syntect writes for Coldark's light and dark themes.
fn syntect_css() -> (String, String) {
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
    (light, dark)
}

/// The properties syntect's stylesheets set, in the order a class's rule
/// writes them.
const PROPS: [&str; 5] = [
    "color",
    "background-color",
    "font-weight",
    "font-style",
    "text-decoration",
];

/// What a run of text looks like: for each of [`PROPS`], the (light, dark)
/// value pair it takes (an index into [`Palette::pairs`]), or None where the
/// code block's own applies.
type Look = [Option<usize>; PROPS.len()];

/// One rule of a syntect stylesheet: its selectors (each a list of compounds
/// from the outermost, each compound a list of scope atoms) and what it sets.
struct Rule {
    selectors: Vec<Vec<Vec<String>>>,
    decls: Vec<(String, String)>,
}

/// The rules of a syntect stylesheet, in order. The block's own rule
/// (`.hl-code`: the theme's foreground and background) is the first.
fn parse_rules(css: &str) -> Vec<Rule> {
    let mut text = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(at) = rest.find("/*") {
        text.push_str(&rest[..at]);
        rest = rest[at..]
            .find("*/")
            .map_or("", |end| &rest[at + end + 2..]);
    }
    text.push_str(rest);
    let mut rules = Vec::new();
    for chunk in text.split('}') {
        let Some((selectors, body)) = chunk.split_once('{') else {
            continue;
        };
        let selectors = selectors
            .split(',')
            .map(|selector| {
                selector
                    .split_whitespace()
                    .map(|compound| {
                        compound
                            .split('.')
                            .filter_map(|c| c.strip_prefix("hl-"))
                            .map(|c| atom_at(c).to_string())
                            .collect::<Vec<_>>()
                    })
                    .filter(|compound| !compound.is_empty())
                    .collect::<Vec<_>>()
            })
            .filter(|selector| !selector.is_empty())
            .collect();
        let decls = body
            .split(';')
            .filter_map(|d| d.split_once(':'))
            .map(|(p, v)| (p.trim().to_string(), v.trim().to_string()))
            .collect();
        rules.push(Rule { selectors, decls });
    }
    rules
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

/// Whether `selector` matches the element `levels[at]`, whose ancestors are
/// `levels[..at]`: each a span's scope atoms (the block itself first). Only
/// descendant combinators, so the nearest ancestor matching a compound is
/// always as good as any farther one.
fn selector_matches(selector: &[Vec<String>], levels: &[Vec<String>], at: usize) -> bool {
    let has = |compound: &[String], level: &[String]| compound.iter().all(|a| level.contains(a));
    let Some((last, ancestors)) = selector.split_last() else {
        return false;
    };
    if !has(last, &levels[at]) {
        return false;
    }
    let mut end = at;
    for compound in ancestors.iter().rev() {
        match levels[..end].iter().rposition(|level| has(compound, level)) {
            Some(found) => end = found,
            None => return false,
        }
    }
    true
}

/// Highlighted code made small: syntect's classed HTML nests a span per scope,
/// each with every atom of its scope as a class, and leaves it to the
/// stylesheet's cascade to pick colours. Here the cascade is run once, at
/// build time: each run of text gets the look the light stylesheet gives it
/// (for each property, the rule that wins at the innermost span that any rule
/// sets it on: most specific, then last), and the dark value of the same rule
/// (Coldark's two themes have the same rules in the same order, so the dark
/// stylesheet's twin of the light winner is the dark winner; a test holds
/// them to it). Each look a page can show has one short class (`_7`: an
/// underscore and a base-36 number, no framework's class), runs are flat
/// spans, adjacent runs of one look are one span, whitespace joins its
/// neighbour's span when only its colour would differ, and text in the
/// block's own colours has no span. The stylesheet is written from those
/// classes. Built once per process.
struct Palette {
    /// The light rules (the block's first).
    rules: Vec<Rule>,
    /// Per property, the (light, dark) value pairs any rule sets, but the
    /// block's own.
    pairs: [Vec<(String, String)>; PROPS.len()],
    /// Per rule, per property: the pair it sets.
    rule_pairs: Vec<Look>,
    /// Each look a run can have, but the block's own, by class number.
    looks: Vec<Look>,
    /// Look → class number.
    class_of: HashMap<Look, usize>,
    /// Class number → class name.
    names: Vec<String>,
    /// The stylesheet.
    css: String,
}

impl Palette {
    fn new(light_css: &str, dark_css: &str) -> Palette {
        let rules = parse_rules(light_css);
        let dark_rules = parse_rules(dark_css);
        let value = |rule: Option<&Rule>, prop: &str| {
            rule.and_then(|r| r.decls.iter().find(|(p, _)| p == prop))
                .map(|(_, v)| v.clone())
        };
        let mut pairs: [Vec<(String, String)>; PROPS.len()] = Default::default();
        let mut uses: [Vec<usize>; PROPS.len()] = Default::default();
        let mut rule_pairs = Vec::with_capacity(rules.len());
        for (index, rule) in rules.iter().enumerate() {
            let mut look: Look = [None; PROPS.len()];
            for (p, prop) in PROPS.iter().enumerate() {
                let Some(light) = value(Some(rule), prop) else {
                    continue;
                };
                let dark = value(dark_rules.get(index), prop).unwrap_or_else(|| light.clone());
                let pair = (light, dark);
                // The block's own colours are what a run without a span has.
                let own = (value(rules.first(), prop), value(dark_rules.first(), prop));
                if index == 0 || (Some(&pair.0), Some(&pair.1)) == (own.0.as_ref(), own.1.as_ref())
                {
                    continue;
                }
                let id = match pairs[p].iter().position(|known| *known == pair) {
                    Some(id) => id,
                    None => {
                        pairs[p].push(pair);
                        uses[p].push(0);
                        pairs[p].len() - 1
                    }
                };
                uses[p][id] += 1;
                look[p] = Some(id);
            }
            rule_pairs.push(look);
        }
        // Every combination of values, the ones setting fewest properties
        // first and among those the values most rules set, so the commonest
        // looks (one colour) get one-digit names.
        let mut looks: Vec<Look> = vec![[None; PROPS.len()]];
        for (p, values) in pairs.iter().enumerate() {
            let mut ids: Vec<usize> = (0..values.len()).collect();
            ids.sort_by_key(|&id| (std::cmp::Reverse(uses[p][id]), id));
            let mut next = Vec::with_capacity(looks.len() * (ids.len() + 1));
            for look in &looks {
                next.push(*look);
                for &id in &ids {
                    let mut with = *look;
                    with[p] = Some(id);
                    next.push(with);
                }
            }
            looks = next;
        }
        let rank = |look: &Look| -> Vec<usize> {
            let set = look.iter().filter(|v| v.is_some()).count();
            let mut key = vec![set];
            for (p, v) in look.iter().enumerate() {
                key.push(v.map_or(0, |id| {
                    1 + uses[p].iter().filter(|&&u| u > uses[p][id]).count()
                }));
                key.push(v.map_or(0, |id| id + 1));
            }
            key
        };
        looks.retain(|look| look.iter().any(Option::is_some));
        looks.sort_by_cached_key(rank);
        let names: Vec<String> = (0..looks.len())
            .map(|i| format!("_{}", base36(i)))
            .collect();
        let class_of = looks.iter().enumerate().map(|(i, l)| (*l, i)).collect();
        let mut palette = Palette {
            rules,
            pairs,
            rule_pairs,
            looks,
            class_of,
            names,
            css: String::new(),
        };
        palette.css = palette.stylesheet(&dark_rules);
        palette
    }

    /// The light rules for the block and each class, and under a screen-only
    /// dark media query the dark ones where they differ.
    fn stylesheet(&self, dark: &[Rule]) -> String {
        let block = |rule: Option<&Rule>| {
            let mut css = String::from(".hl-code {\n");
            for (p, v) in rule.map(|r| r.decls.as_slice()).unwrap_or_default() {
                css.push_str(&format!(" {p}: {v};\n"));
            }
            css.push_str("}\n");
            css
        };
        let mut light = block(self.rules.first());
        let mut dark_css = block(dark.first());
        for (look, name) in self.looks.iter().zip(&self.names) {
            let mut light_rule = String::new();
            let mut dark_rule = String::new();
            for (p, prop) in PROPS.iter().enumerate() {
                let Some((l, d)) = look[p].and_then(|id| self.pairs[p].get(id)) else {
                    continue;
                };
                light_rule.push_str(&format!(" {prop}: {l};\n"));
                if l != d {
                    dark_rule.push_str(&format!(" {prop}: {d};\n"));
                }
            }
            light.push_str(&format!(".{name} {{\n{light_rule}}}\n"));
            if !dark_rule.is_empty() {
                dark_css.push_str(&format!(".{name} {{\n{dark_rule}}}\n"));
            }
        }
        format!("{light}\n@media screen and (prefers-color-scheme: dark) {{\n{dark_css}}}\n")
    }

    /// The class of text inside the scopes `stack`, or None when it has the
    /// block's own look.
    fn class(&self, stack: &[Scope]) -> Option<usize> {
        let mut levels = vec![vec![CODE_CLASS.trim_start_matches("hl-").to_string()]];
        levels.extend(stack.iter().map(|scope| {
            scope
                .build_string()
                .split('.')
                .map(str::to_string)
                .collect::<Vec<_>>()
        }));
        let mut look: Look = [None; PROPS.len()];
        for (p, prop) in PROPS.iter().enumerate() {
            // The innermost span a rule sets this on; the block's own level
            // (0) is what a run without a span inherits anyway.
            for at in (1..levels.len()).rev() {
                let winner = self
                    .rules
                    .iter()
                    .enumerate()
                    .filter(|(_, rule)| rule.decls.iter().any(|(q, _)| q == prop))
                    .flat_map(|(index, rule)| {
                        rule.selectors
                            .iter()
                            .filter(|s| selector_matches(s, &levels, at))
                            .map(move |s| (s.iter().map(Vec::len).sum::<usize>(), index))
                    })
                    .max();
                if let Some((_, index)) = winner {
                    look[p] = self.rule_pairs.get(index).and_then(|pairs| pairs[p]);
                    break;
                }
            }
        }
        self.class_of.get(&look).copied()
    }

    /// Whether whitespace whose class is `space` may take the class `run`
    /// instead: only colours differ (a space shows no colour; a background
    /// or underline it would show, and weight or slant could change its width).
    fn space_fits(&self, space: Option<usize>, run: Option<usize>) -> bool {
        let look = |class: Option<usize>| {
            class
                .and_then(|c| self.looks.get(c))
                .copied()
                .unwrap_or([None; PROPS.len()])
        };
        let (space, run) = (look(space), look(run));
        let shows = |look: &Look| look[1].is_some() || look[4].is_some();
        !shows(&space) && !shows(&run) && space[2..4] == run[2..4]
    }
}

static PALETTE: LazyLock<Palette> = LazyLock::new(|| {
    let (light, dark) = syntect_css();
    Palette::new(&light, &dark)
});

thread_local! {
    /// Scope stack → class, per thread: a few hundred stacks recur across
    /// every block of a language.
    static CLASSES: std::cell::RefCell<HashMap<Vec<Scope>, Option<usize>>> =
        std::cell::RefCell::default();
}

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

/// `code` as flat spans of [`Palette`] classes, each line's parse taken
/// from the memo when it can be.
fn highlight_uncached(code: &str, syntax: &SyntaxReference) -> Option<String> {
    let palette = &*PALETTE;
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut html = String::with_capacity(code.len() * 2);
    // The class of the open span, if one is open.
    let mut open: Option<usize> = None;
    let mut write = |text: &str, class: Option<usize>, html: &mut String| {
        let class = if text.trim().is_empty() && palette.space_fits(class, open) {
            open
        } else {
            class
        };
        if class != open {
            if open.is_some() {
                html.push_str("</span>");
            }
            if let Some(name) = class.and_then(|c| palette.names.get(c)) {
                html.push_str("<span class=\"");
                html.push_str(name);
                html.push_str("\">");
            }
            open = class;
        }
        escape_html_into(html, text);
    };
    let class_of = |stack: &ScopeStack| {
        CLASSES.with_borrow_mut(|memo| {
            let stack = stack.as_slice();
            // Looked up by slice first: a stack is copied only the first time.
            if let Some(&class) = memo.get(stack) {
                return class;
            }
            let class = palette.class(stack);
            memo.insert(stack.to_vec(), class);
            class
        })
    };
    for line in LinesWithEndings::from(code) {
        let ops = parse_line(&mut state, line)?;
        let mut at = 0;
        for (index, op) in &ops {
            let index = (*index).min(line.len());
            if index > at {
                write(&line[at..index], class_of(&stack), &mut html);
                at = index;
            }
            stack.apply(op).ok()?;
        }
        if at < line.len() {
            write(&line[at..], class_of(&stack), &mut html);
        }
    }
    if open.is_some() {
        html.push_str("</span>");
    }
    Some(html)
}

/// The syntax a fence's language token picks, by name.
#[cfg(test)]
pub(super) fn syntax_name(token: &str) -> Option<&'static str> {
    syntax_for(token).map(|s| s.name.as_str())
}

/// A rule's selectors, and the properties it sets.
#[cfg(test)]
type RuleShape = (String, Vec<String>);

/// The light and dark stylesheets' rules, as [`RuleShape`]s (their values
/// may differ).
#[cfg(test)]
pub(super) fn theme_rules() -> (Vec<RuleShape>, Vec<RuleShape>) {
    let (light, dark) = syntect_css();
    let shape = |css: &str| {
        parse_rules(css)
            .into_iter()
            .map(|r| {
                (
                    format!("{:?}", r.selectors),
                    r.decls.into_iter().map(|(p, _)| p).collect(),
                )
            })
            .collect()
    };
    (shape(&light), shape(&dark))
}

/// See [`crate::markdown::highlight_css`].
pub(super) fn css() -> &'static str {
    &PALETTE.css
}
