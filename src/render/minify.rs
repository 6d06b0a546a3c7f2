//! Smaller copies of the built-in theme's own stylesheets and scripts, as
//! they are written to `assets/`: comments and indentation are for whoever
//! reads `themes/default/static`, not for a phone on a slow link (issue 27:
//! the search page's first query loads cairn.css, cairn.js and search.js).
//!
//! Written by hand rather than taken from a crate: a full CSS or JavaScript
//! minifier (lightningcss, swc, minify-js) is a parser the size of cairn's
//! dependency tree for a 100 KB saving, and a rewriting one can change what
//! the code does. These two only drop what cannot matter, on files we write:
//! - CSS: comments, and whitespace wherever CSS grammar ignores it (at the
//!   ends and around `{ } ; , :` when the colon ends a name — never before a
//!   colon, where `a :hover` and `a:hover` differ), the last `;` of a block.
//!   Strings are copied as they are.
//! - JavaScript: whole-line `//` comments, `/* … */` blocks that fill their
//!   lines, indentation and blank lines. Every line break stays, so automatic
//!   semicolon insertion reads the code as before; a comment after code on a
//!   line stays (telling it from `//` in a string or regex needs a parser).
//!   This is safe because no built-in script continues a string or template
//!   literal over a line break (a test reads them all to keep it so).
//!
//! A site's own theme files are written as they are: we cannot vouch for them.

/// `css` without comments and ignorable whitespace.
pub(crate) fn css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    // Whitespace seen and not yet written: written as one space only when
    // both neighbours need it.
    let mut space = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                space = true;
            }
            c if c.is_whitespace() => space = true,
            '"' | '\'' => {
                flush_space(&mut out, &mut space);
                out.push(c);
                let mut escaped = false;
                for s in chars.by_ref() {
                    out.push(s);
                    if escaped {
                        escaped = false;
                    } else if s == '\\' {
                        escaped = true;
                    } else if s == c {
                        break;
                    }
                }
            }
            '}' => {
                space = false;
                if out.ends_with(';') {
                    out.pop();
                }
                out.push(c);
            }
            '{' | ';' | ',' => {
                space = false;
                out.push(c);
            }
            ':' => {
                // Keep a space before it (a descendant `:hover`), drop any after.
                flush_space(&mut out, &mut space);
                out.push(c);
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            c => {
                flush_space(&mut out, &mut space);
                out.push(c);
            }
        }
    }
    out
}

/// Write a pending space unless what comes before it makes it meaningless.
fn flush_space(out: &mut String, space: &mut bool) {
    if std::mem::take(space) && !out.is_empty() && !out.ends_with(['{', '}', ';', ',', ':']) {
        out.push(' ');
    }
}

/// `js` without whole-line comments, indentation and blank lines (see the
/// module comment for why no more).
pub(crate) fn js(js: &str) -> String {
    let mut out = String::with_capacity(js.len());
    let mut in_block = false;
    for line in js.lines() {
        let mut line = line.trim();
        if in_block {
            match line.find("*/") {
                Some(end) => {
                    in_block = false;
                    line = line[end + 2..].trim_start();
                }
                None => continue,
            }
        } else if let Some(rest) = line.strip_prefix("/*") {
            match rest.find("*/") {
                Some(end) => line = rest[end + 2..].trim_start(),
                None => {
                    in_block = true;
                    continue;
                }
            }
        }
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_drops_comments_and_spaces_but_keeps_a_descendant_pseudo_class() {
        let src = "/* theme */\n.a :hover,\n.b > .c {\n  color: red;\n  margin: 0 auto;\n}\n@media screen and (max-width: 30rem) { .d { width: calc(1px + 2px); } }\n";
        assert_eq!(
            css(src),
            ".a :hover,.b > .c{color:red;margin:0 auto}@media screen and (max-width:30rem){.d{width:calc(1px + 2px)}}"
        );
    }

    #[test]
    fn css_copies_strings_as_they_are() {
        assert_eq!(
            css(".a::before { content: \"/* not a comment */  { ; \"; }"),
            ".a::before{content:\"/* not a comment */  { ; \"}"
        );
        assert_eq!(
            css("a[href$='.pdf']  ::after { content: '\\'  x' }"),
            "a[href$='.pdf'] ::after{content:'\\'  x'}"
        );
    }

    #[test]
    fn js_drops_comment_lines_and_indentation_and_keeps_every_line_break() {
        let src = "/*\n * header\n */\n(function () {\n  // why\n  var a = 1 // kept\n\n  /* one line */\n  return a\n})();\n";
        assert_eq!(
            js(src),
            "(function () {\nvar a = 1 // kept\nreturn a\n})();\n"
        );
    }

    #[test]
    fn js_keeps_code_after_a_block_comment_that_ends_on_its_line() {
        assert_eq!(js("/* a\n b */ var x = 1;\n"), "var x = 1;\n");
        assert_eq!(js("/* a */ var y = 2;\n"), "var y = 2;\n");
    }

    #[test]
    fn js_keeps_a_url_in_a_string() {
        let src = "  var u = 'https://example.org/a';\n";
        assert_eq!(js(src), "var u = 'https://example.org/a';\n");
    }
}
