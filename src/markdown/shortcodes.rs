//! What other generators write inside markdown, read as the markdown it
//! stands for, line for line (so every line number stays the author's):
//!
//! - Hugo `{{< ref "x" >}}` / `{{< relref "x" >}}` become the path `x`, a
//!   relative link like any other (resolved and checked as one);
//! - `{{< figure src=… alt=… caption=… >}}` becomes an image, its caption
//!   under it;
//! - `{{< hint info >}}…{{< /hint >}}`, `{{% notice warning %}}…{{% /notice %}}`
//!   and MkDocs `!!! note "Title"` admonitions become GitHub callouts
//!   (`> [!NOTE]`);
//! - `{{</* x */>}}` (Hugo's way to show a shortcode) becomes `{{< x >}}`;
//! - any other shortcode stays as written, and is reported
//!   (`unsupported-shortcode`).
//!
//! Code blocks and inline code are left alone.

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// `{{< name args >}}` or `{{% name args %}}`, closing ones (`/name`) too.
static SHORTCODE: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::constant(
        r#"\{\{([<%])\s*(/\*.*?\*/|/?\s*[A-Za-z][\w./-]*)((?:"[^"]*"|[^"])*?)\s*[>%]\}\}"#,
    )
});
/// `!!! note "Title"` / `??? warning` / `???+ tip`.
static ADMONITION: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::constant(
        r#"^(\s*)(?:!!!|\?\?\?\+?)\s+([A-Za-z][\w-]*)(?:\s+[\w\s-]*?)?(?:\s*"([^"]*)")?\s*$"#,
    )
});
/// One `key=value`, `key="value"` or positional `"value"` argument.
static ARGUMENT: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::constant(
        r#"(?:([A-Za-z_][\w-]*)\s*=\s*)?(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"'=]+))"#,
    )
});

/// Shortcodes whose body becomes a callout.
const CALLOUTS: [&str; 5] = ["hint", "notice", "alert", "callout", "admonition"];

/// `body` with shortcodes and admonitions translated, and the unsupported
/// shortcodes (name, 1-based line); `None` when there is nothing to translate.
pub(crate) fn translate_shortcodes(body: &str) -> Option<(String, Vec<(String, usize)>)> {
    if !body.contains("{{") && !body.contains("!!!") && !body.contains("???") {
        return None;
    }
    let mut out = String::with_capacity(body.len() + 64);
    let mut found = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    // Inside a MkDocs admonition: the indentation of its `!!!` line.
    let mut admonition: Option<usize> = None;
    // Open callout shortcodes, innermost last.
    let mut callouts = 0usize;
    let mut changed = false;
    // A callout's title, waiting for the callout's first line of text.
    let mut title: Option<String> = None;
    for (n, raw) in body.split_inclusive('\n').enumerate() {
        let (text, newline) = match raw.strip_suffix('\n') {
            Some(t) => (t.strip_suffix('\r').unwrap_or(t), &raw[t.len()..]),
            None => (raw, ""),
        };
        let mut prefix = "> ".repeat(callouts);
        let mut line = text;
        if let Some(indent) = admonition {
            if line.trim().is_empty() {
                out.push_str(&format!("{prefix}{}>{newline}", " ".repeat(indent)));
                continue;
            }
            let spaces = line.len() - line.trim_start_matches(' ').len();
            if spaces >= indent + 4 {
                prefix.push_str(&" ".repeat(indent));
                prefix.push_str("> ");
                line = &line[indent + 4..];
                changed = true;
            } else {
                admonition = None;
            }
        }
        if let Some((ch, len)) = fence {
            let t = line.trim_start();
            let run = t.chars().take_while(|&c| c == ch).count();
            if run >= len && t[run * ch.len_utf8()..].trim().is_empty() {
                fence = None;
            }
            out.push_str(&prefix);
            out.push_str(line);
            out.push_str(newline);
            continue;
        }
        let t = line.trim_start();
        if let Some(ch) = t.chars().next().filter(|c| *c == '`' || *c == '~') {
            let run = t.chars().take_while(|&c| c == ch).count();
            if run >= 3 && (ch == '~' || !t[run..].contains('`')) {
                fence = Some((ch, run));
                out.push_str(&prefix);
                out.push_str(line);
                out.push_str(newline);
                continue;
            }
        }
        if admonition.is_none()
            && let Some(caps) = ADMONITION.captures(line)
        {
            let indent = caps.get(1).map_or(0, |m| m.as_str().len());
            admonition = Some(indent);
            let kind = callout_kind(&caps[2]);
            out.push_str(&format!("{prefix}{}> [!{kind}]{newline}", &line[..indent]));
            // GitHub callouts have no title of their own: the author's leads the text.
            title = caps.get(3).map(|m| bold_title(m.as_str()));
            changed = true;
            continue;
        }
        if let Some((name, args, closing)) = whole_line_shortcode(line)
            && CALLOUTS.contains(&name.as_str())
        {
            changed = true;
            if closing {
                callouts = callouts.saturating_sub(1);
                out.push_str(&"> ".repeat(callouts));
                out.push_str(newline);
            } else {
                let kind = positional(&args)
                    .or_else(|| named(&args, "type"))
                    .map_or("NOTE", |k| callout_kind(&k));
                out.push_str(&format!("{prefix}> [!{kind}]{newline}"));
                title = named(&args, "title").map(|t| bold_title(&t));
                callouts += 1;
            }
            continue;
        }
        let (translated, line_changed) = translate_line(line, n + 1, &mut found);
        changed |= line_changed;
        out.push_str(&prefix);
        if let Some(title) = title.take().filter(|t| !t.is_empty()) {
            out.push_str(&title);
        }
        out.push_str(&translated);
        out.push_str(newline);
    }
    (changed || !found.is_empty()).then_some((out, found))
}

/// A callout's title as the start of its first line: `**Title**<br>`.
fn bold_title(title: &str) -> String {
    let title = title.trim();
    if title.is_empty() {
        return String::new();
    }
    format!("**{}**<br>", title.replace('*', "\\*"))
}

/// A line that is one shortcode and nothing else: its name, arguments, and
/// whether it closes (`{{< /hint >}}`).
fn whole_line_shortcode(line: &str) -> Option<(String, String, bool)> {
    let caps = SHORTCODE.captures(line.trim())?;
    if caps.get(0)?.as_str().len() != line.trim().len() {
        return None;
    }
    let name = caps[2].trim();
    let (name, closing) = match name.strip_prefix('/') {
        Some(n) => (n.trim(), true),
        None => (name, false),
    };
    Some((name.to_ascii_lowercase(), caps[3].to_string(), closing))
}

/// The shortcodes of one line outside inline code, translated.
fn translate_line(line: &str, line_no: usize, found: &mut Vec<(String, usize)>) -> (String, bool) {
    let re = &*SHORTCODE;
    if !line.contains("{{") {
        return (line.to_string(), false);
    }
    let mut changed = false;
    // Even pieces are outside backticks, odd ones inside inline code.
    let pieces: Vec<String> = line
        .split('`')
        .enumerate()
        .map(|(i, piece)| {
            if i % 2 == 1 {
                return piece.to_string();
            }
            re.replace_all(piece, |caps: &Captures| {
                let name = caps[2].trim();
                if let Some(inner) = name.strip_prefix("/*") {
                    // `{{</* x */>}}` shows the shortcode itself.
                    changed = true;
                    let inner = inner.trim_end_matches("*/").trim();
                    return format!("{{{{{} {inner} {}}}}}", &caps[1], close_of(&caps[1]));
                }
                let args = &caps[3];
                match name.to_ascii_lowercase().as_str() {
                    "ref" | "relref" => {
                        changed = true;
                        positional(args)
                            .or_else(|| named(args, "path"))
                            .unwrap_or_default()
                    }
                    "figure" => {
                        changed = true;
                        figure(args)
                    }
                    other => {
                        let other = other.trim_start_matches('/').trim();
                        if !name.starts_with('/') {
                            found.push((other.to_string(), line_no));
                        }
                        caps[0].to_string()
                    }
                }
            })
            .into_owned()
        })
        .collect();
    (pieces.join("`"), changed)
}

fn close_of(open: &str) -> &'static str {
    if open == "%" { "%" } else { ">" }
}

/// `{{< figure src="a.png" alt="A" caption="C" >}}` as an image with its
/// caption under it.
fn figure(args: &str) -> String {
    let src = named(args, "src").unwrap_or_default();
    let caption = named(args, "caption").or_else(|| named(args, "title"));
    let alt = named(args, "alt")
        .or_else(|| caption.clone())
        .unwrap_or_default();
    let image = format!(
        "![{}](<{}>)",
        super::escape_html(&alt.replace(['[', ']'], "")),
        src.replace(['<', '>'], "")
    );
    match caption {
        Some(c) => format!("{image}<br><em>{}</em>", super::escape_html(&c)),
        None => image,
    }
}

/// The first argument without a name.
fn positional(args: &str) -> Option<String> {
    ARGUMENT.captures_iter(args).find_map(|c| {
        if c.get(1).is_some() {
            return None;
        }
        value(&c)
    })
}

/// The argument named `key`.
fn named(args: &str, key: &str) -> Option<String> {
    ARGUMENT
        .captures_iter(args)
        .find(|c| {
            c.get(1)
                .is_some_and(|k| k.as_str().eq_ignore_ascii_case(key))
        })
        .and_then(|c| value(&c))
}

fn value(c: &Captures) -> Option<String> {
    c.get(2)
        .map(|m| m.as_str().replace("\\\"", "\""))
        .or_else(|| {
            c.get(3)
                .or_else(|| c.get(4))
                .map(|m| m.as_str().to_string())
        })
}

/// An admonition or hint type as a GitHub callout kind.
fn callout_kind(kind: &str) -> &'static str {
    match kind.to_ascii_lowercase().as_str() {
        "tip" | "hint" | "success" | "check" | "done" => "TIP",
        "important" => "IMPORTANT",
        "warning" | "caution" | "attention" | "warn" => "WARNING",
        "danger" | "error" | "failure" | "fail" | "missing" | "bug" => "CAUTION",
        _ => "NOTE",
    }
}

#[cfg(test)]
mod tests {
    use super::translate_shortcodes;

    fn tr(s: &str) -> (String, Vec<(String, usize)>) {
        translate_shortcodes(s).unwrap_or_else(|| (s.to_string(), Vec::new()))
    }

    #[test]
    fn refs_become_the_paths_they_name() {
        let (out, found) =
            tr("See [A]({{< ref \"./a.md\" >}}) and [B]({{< relref path=\"/b.md#x\" >}}).\n");
        assert_eq!(out, "See [A](./a.md) and [B](/b.md#x).\n");
        assert!(found.is_empty());
    }

    #[test]
    fn hints_and_notices_become_callouts_line_for_line() {
        let (out, _) = tr("a\n\n{{< hint warning >}}\nCareful.\n{{< /hint >}}\n\nb\n");
        assert_eq!(out, "a\n\n> [!WARNING]\n> Careful.\n\n\nb\n");
        let (out, _) = tr("{{% notice tip %}}\nx\n{{% /notice %}}\n");
        assert_eq!(out, "> [!TIP]\n> x\n\n");
    }

    #[test]
    fn mkdocs_admonitions_become_callouts_line_for_line() {
        let (out, _) = tr("!!! danger \"Do not\"\n    Reboot now.\n\n    Ever.\nAfter.\n");
        assert_eq!(
            out,
            "> [!CAUTION]\n> **Do not**<br>Reboot now.\n>\n> Ever.\nAfter.\n"
        );
    }

    #[test]
    fn other_shortcodes_stay_and_are_reported_with_their_line() {
        let (out, found) = tr("x\n[New]({{< param BookRepo >}}/new)\n");
        assert_eq!(out, "x\n[New]({{< param BookRepo >}}/new)\n");
        assert_eq!(found, vec![("param".to_string(), 2)]);
    }

    #[test]
    fn code_is_left_alone() {
        let text = "```\n{{< param x >}}\n!!! note\n```\n`{{< y >}}`\n";
        assert_eq!(tr(text), (text.to_string(), Vec::new()));
    }

    #[test]
    fn figures_become_images_with_captions() {
        let (out, _) = tr("{{< figure src=\"net.png\" caption=\"The <LAN>\" >}}\n");
        assert_eq!(
            out,
            "![The &lt;LAN&gt;](<net.png>)<br><em>The &lt;LAN&gt;</em>\n"
        );
    }
}
