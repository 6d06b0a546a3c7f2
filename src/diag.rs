//! Diagnostics: the content problems every stage reports, collected rather than
//! `?`-returned so one `cairn check` run shows all of them.

use serde::Serialize;
use std::fmt::Write as _;

/// Every check code of the contract (SPEC "Checks"); the string form is public API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// `yaml-syntax`: a YAML data file does not parse.
    YamlSyntax,
    /// `front-matter`: a page's front matter does not parse.
    FrontMatter,
    /// `invalid-value`: a field of the wrong type or shape, an unknown key, a bad duration, day range, time, tier, kind or timezone.
    InvalidValue,
    /// `unknown-party`: a party id that `data/parties.yaml` does not define.
    UnknownParty,
    /// `unknown-system`: a system id with no `data/systems/ID.yaml`.
    UnknownSystem,
    /// `unknown-contact`: a contact its party does not list.
    UnknownContact,
    /// `unknown-hours`: hours that `cairn.yaml` does not name.
    UnknownHours,
    /// `duplicate-id`: two parties or systems with one id.
    DuplicateId,
    /// `raci-no-accountable`: an activity with no A.
    RaciNoAccountable,
    /// `raci-many-accountable`: an activity with more than one A.
    RaciManyAccountable,
    /// `raci-no-responsible`: an activity with no R.
    RaciNoResponsible,
    /// `raci-bad-letter`: a RACI cell holding other than R, A, C, I.
    RaciBadLetter,
    /// `broken-link`: a relative link or image that resolves to nothing.
    BrokenLink,
    /// `dependency-cycle`: systems that depend on each other in a loop.
    DependencyCycle,
    /// `outside-site`: a special file, or one that resolves outside its top folder; nothing is read from it.
    OutsideSite,
    /// `review-overdue`: a runbook past its review date.
    ReviewOverdue,
    /// `coverage-gap`: a tier-1 or tier-2 system whose ladder leaves an hour of the week unanswered.
    CoverageGap,
    /// `required-activity-missing`: a critical system without a row for a required activity.
    RequiredActivityMissing,
    /// `system-without-runbook`: no runbook names the system.
    SystemWithoutRunbook,
    /// `possible-secret`: content that looks like a password, private key or API token.
    PossibleSecret,
    /// `orphan-page`: a page no list or link reaches.
    OrphanPage,
    /// `unclosed-block`: an HTML comment or code fence that runs to the end of its page.
    UnclosedBlock,
    /// `remote-image`: an image on a host that `csp.img_src` does not allow.
    RemoteImage,
    /// `offline-budget`: the site is over the offline precache budget.
    OfflineBudget,
    /// `client-dead-end`: a ladder level a client build shows with no number or address to reach.
    ClientDeadEnd,
    /// `stray-phone`: a phone number in markdown that matches no current contact.
    StrayPhone,
    /// `internal-phone`: a client page types the number of an internal contact.
    InternalPhone,
    /// `output-collision`: two sources would write one output path.
    OutputCollision,
    /// `unknown-scheme`: a link whose scheme is not a registered one (`link:`, `htps:`).
    UnknownScheme,
    /// `foreign-key`: a front matter key of another generator, ignored.
    ForeignKey,
    /// `unsupported-shortcode`: a Hugo shortcode cairn does not know, kept as text.
    UnsupportedShortcode,
    /// `link-to-internal`: a client page links to a page a client build hides.
    LinkToInternal,
    /// `unknown-holidays`: `closed_on:` or `on:` names no set of `holidays:`.
    UnknownHolidays,
    /// `coverage-gap-dated`: a tier-1/2 system with nobody answering at some
    /// minute between today and the coverage horizon that its week hours cover.
    CoverageGapDated,
    /// `away-no-cover`: a ladder contact away within the horizon with no cover.
    AwayNoCover,
    /// `departed-contact`: a contact named somewhere has left, or leaves within the horizon.
    DepartedContact,
    /// `template-env`: a template reads the environment (`get_env`).
    TemplateEnv,
}

impl Code {
    /// The code as SPEC and the output write it (`broken-link`).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::YamlSyntax => "yaml-syntax",
            Code::FrontMatter => "front-matter",
            Code::InvalidValue => "invalid-value",
            Code::UnknownParty => "unknown-party",
            Code::UnknownSystem => "unknown-system",
            Code::UnknownContact => "unknown-contact",
            Code::UnknownHours => "unknown-hours",
            Code::DuplicateId => "duplicate-id",
            Code::RaciNoAccountable => "raci-no-accountable",
            Code::RaciManyAccountable => "raci-many-accountable",
            Code::RaciNoResponsible => "raci-no-responsible",
            Code::RaciBadLetter => "raci-bad-letter",
            Code::BrokenLink => "broken-link",
            Code::DependencyCycle => "dependency-cycle",
            Code::OutsideSite => "outside-site",
            Code::ReviewOverdue => "review-overdue",
            Code::CoverageGap => "coverage-gap",
            Code::RequiredActivityMissing => "required-activity-missing",
            Code::SystemWithoutRunbook => "system-without-runbook",
            Code::PossibleSecret => "possible-secret",
            Code::OrphanPage => "orphan-page",
            Code::UnclosedBlock => "unclosed-block",
            Code::RemoteImage => "remote-image",
            Code::OfflineBudget => "offline-budget",
            Code::ClientDeadEnd => "client-dead-end",
            Code::StrayPhone => "stray-phone",
            Code::InternalPhone => "internal-phone",
            Code::OutputCollision => "output-collision",
            Code::UnknownScheme => "unknown-scheme",
            Code::ForeignKey => "foreign-key",
            Code::UnsupportedShortcode => "unsupported-shortcode",
            Code::LinkToInternal => "link-to-internal",
            Code::UnknownHolidays => "unknown-holidays",
            Code::CoverageGapDated => "coverage-gap-dated",
            Code::AwayNoCover => "away-no-cover",
            Code::DepartedContact => "departed-contact",
            Code::TemplateEnv => "template-env",
        }
    }

    /// The severity the contract gives the code; `possible-secret` is promoted
    /// to an error by a client build (see [`crate::check::promote_for_client_build`]).
    pub fn default_severity(self) -> Severity {
        match self {
            Code::ReviewOverdue
            | Code::CoverageGap
            | Code::RequiredActivityMissing
            | Code::SystemWithoutRunbook
            | Code::PossibleSecret
            | Code::OrphanPage
            | Code::UnclosedBlock
            | Code::RemoteImage
            | Code::OfflineBudget
            | Code::ClientDeadEnd
            | Code::StrayPhone
            | Code::InternalPhone
            | Code::UnknownScheme
            | Code::ForeignKey
            | Code::UnsupportedShortcode
            | Code::LinkToInternal
            | Code::CoverageGapDated
            | Code::AwayNoCover
            | Code::DepartedContact => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Whether a problem stops a build (error) or only a strict one (warning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Stops the build: nothing is written.
    Error,
    /// Reported; fails only `--strict`.
    Warning,
}

/// One problem: which check, where, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Which check found it.
    pub code: Code,
    /// The code's default severity, or as a build promoted it.
    #[serde(skip)]
    pub severity: Severity,
    /// Relative to the site root, `/` separators.
    pub file: String,
    /// 1-based line in `file`, when known.
    pub line: Option<usize>,
    /// What is wrong and how to fix it, in the author's words.
    pub message: String,
}

impl Diagnostic {
    /// A problem of `code` at `file` (and `line`), with its default severity.
    pub fn new(
        code: Code,
        file: impl Into<String>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            file: file.into(),
            line,
            message: message.into(),
        }
    }

    /// Whether it stops a build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line` or `file` when the line is unknown.
    pub fn location(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{}", self.file, line),
            None => self.file.clone(),
        }
    }
}

/// Sorted for stable output: errors first, then by file, line and code.
pub(crate) fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.severity, &a.file, a.line, a.code, &a.message)
            .cmp(&(b.severity, &b.file, b.line, b.code, &b.message))
    });
}

pub(crate) fn count(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    (errors, diags.len() - errors)
}

/// Compiler-style text: `error[code]: file:line: message`, errors first, with a count.
/// Control characters (escape sequences, carriage returns) shown as `\u{..}`.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A message in text output: [`printable`], and a line break starts an
/// indented line, so no site content can print a line of its own (a forged
/// `error[...]`).
pub(crate) fn printable_message(text: &str) -> String {
    printable(text).replace('\n', "\n    ")
}

/// A file name or location: every control character escaped, line breaks too.
pub(crate) fn printable_name(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Whether to colour what goes to a stream: a terminal, and no `NO_COLOR`.
pub(crate) fn color(stream: &impl std::io::IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// The diagnostics as `cairn check` prints them, one a line, with ANSI colours when `color`.
pub fn to_text(diags: &[Diagnostic], color: bool) -> String {
    let mut out = String::new();
    for d in diags {
        // File names and messages quote site content: never let it drive the terminal.
        let message = printable_message(&d.message);
        let location = printable_name(&d.location());
        let (label, paint) = match d.severity {
            Severity::Error => ("error", "\x1b[1;31m"),
            Severity::Warning => ("warning", "\x1b[1;33m"),
        };
        if color {
            let _ = writeln!(
                out,
                "{paint}{label}[{}]\x1b[0m: \x1b[1m{location}\x1b[0m: {message}",
                d.code.as_str(),
            );
        } else {
            let _ = writeln!(out, "{label}[{}]: {location}: {message}", d.code.as_str(),);
        }
    }
    let (errors, warnings) = count(diags);
    if errors + warnings > 0 {
        let _ = writeln!(
            out,
            "{} error{}, {} warning{}",
            errors,
            plural(errors),
            warnings,
            plural(warnings)
        );
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    errors: Vec<&'a Diagnostic>,
    warnings: Vec<&'a Diagnostic>,
}

/// `{"errors":[…],"warnings":[…]}` as SPEC fixes it.
pub fn to_json(diags: &[Diagnostic]) -> String {
    let report = JsonReport {
        errors: diags.iter().filter(|d| d.is_error()).collect(),
        warnings: diags.iter().filter(|d| !d.is_error()).collect(),
    };
    serde_json::to_string_pretty(&report)
        .unwrap_or_else(|_| String::from("{\"errors\":[],\"warnings\":[]}"))
}

/// GitHub Actions workflow commands, one per problem:
/// `::error file=PATH,line=N,title=CODE::MESSAGE` (`::warning` for warnings), so
/// problems show on the pull request's lines. `prefix` leads each file (the
/// site's folder within the repository, `` or ending in `/`).
pub(crate) fn to_github(diags: &[Diagnostic], prefix: &str) -> String {
    let mut out = String::new();
    for d in diags {
        let kind = if d.is_error() { "error" } else { "warning" };
        let mut props = format!("file={}", github_property(&format!("{prefix}{}", d.file)));
        if let Some(line) = d.line {
            let _ = write!(props, ",line={line}");
        }
        let _ = write!(props, ",title={}", github_property(d.code.as_str()));
        let _ = writeln!(out, "::{kind} {props}::{}", github_data(&d.message));
    }
    let (errors, warnings) = count(diags);
    let _ = writeln!(
        out,
        "cairn check: {} error{}, {} warning{}",
        errors,
        plural(errors),
        warnings,
        plural(warnings)
    );
    out
}

/// The message of a workflow command: `%`, CR and LF escaped, as the runner
/// (actions/toolkit `escapeData`) decodes them.
pub(crate) fn github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value (`file=`, `title=`): also `:` and `,`, which end it.
pub(crate) fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The folder of `site` relative to the root of its git repository (found by
/// walking up to a `.git`), `/`-separated and ending in `/`; without a
/// repository, relative to the current folder. `` when it is the root itself.
pub(crate) fn repo_prefix(site: &std::path::Path) -> String {
    let Ok(site) = site.canonicalize() else {
        return String::new();
    };
    let base = site
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(std::path::Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok()?.canonicalize().ok());
    let Some(rel) = base.as_deref().and_then(|b| site.strip_prefix(b).ok()) else {
        return String::new();
    };
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}/", parts.join("/"))
    }
}

/// ` (did you mean `x`?)` for the closest candidate within a small edit distance.
pub(crate) fn did_you_mean<'c>(name: &str, candidates: impl Iterator<Item = &'c str>) -> String {
    let limit = (name.chars().count() / 3).max(1);
    let best = candidates
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min();
    match best {
        Some((_, c)) => format!(" (did you mean `{c}`?)"),
        None => String::new(),
    }
}

pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_output_never_passes_terminal_escapes_through() {
        let d = Diagnostic::new(
            Code::BrokenLink,
            "a\x1b[2J.md",
            Some(3),
            "bad \x1b]0;x\x07 link",
        );
        let text = to_text(&[d], false);
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
        assert!(text.contains("a\\u{1b}[2J.md:3"), "{text:?}");
    }

    #[test]
    fn a_line_break_in_a_name_or_message_prints_no_line_of_its_own() {
        let d = Diagnostic::new(
            Code::OrphanPage,
            "content/a\nerror[yaml-syntax]: forged.md",
            None,
            "see content/a\nerror[yaml-syntax]: forged.md",
        );
        let text = to_text(&[d], false);
        assert!(!text.lines().any(|l| l.starts_with("error[")), "{text}");
        assert!(
            text.contains("content/a\\u{a}error[yaml-syntax]: forged.md: "),
            "{text}"
        );
    }

    #[test]
    fn json_splits_errors_from_warnings_and_keeps_null_lines() {
        let diags = vec![
            Diagnostic::new(
                Code::RaciNoAccountable,
                "data/systems/m365.yaml",
                Some(12),
                "no A",
            ),
            Diagnostic::new(Code::OrphanPage, "content/a.md", None, "orphan"),
        ];
        let v: serde_json::Value = serde_json::from_str(&to_json(&diags)).unwrap();
        assert_eq!(v["errors"][0]["code"], "raci-no-accountable");
        assert_eq!(v["errors"][0]["line"], 12);
        assert_eq!(v["warnings"][0]["line"], serde_json::Value::Null);
        assert_eq!(v["warnings"][0]["file"], "content/a.md");
    }

    #[test]
    fn github_commands_escape_data_and_properties() {
        let d = Diagnostic::new(
            Code::BrokenLink,
            "content/a:b,c%.md",
            Some(7),
            "100% broken\r\nnext: a, b",
        );
        let w = Diagnostic::new(Code::OrphanPage, "content/x.md", None, "orphan");
        assert_eq!(
            to_github(&[d, w], "docs/site/"),
            "::error file=docs/site/content/a%3Ab%2Cc%25.md,line=7,title=broken-link::100%25 broken%0D%0Anext: a, b\n\
             ::warning file=docs/site/content/x.md,title=orphan-page::orphan\n\
             cairn check: 1 error, 1 warning\n"
        );
    }

    #[test]
    fn text_reads_like_a_compiler() {
        let diags = vec![Diagnostic::new(
            Code::UnknownParty,
            "data/systems/m365.yaml",
            Some(3),
            "unknown party `x`",
        )];
        assert_eq!(
            to_text(&diags, false),
            "error[unknown-party]: data/systems/m365.yaml:3: unknown party `x`\n1 error, 0 warnings\n"
        );
    }
}
