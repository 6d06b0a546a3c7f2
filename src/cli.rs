//! The command line: clap arguments → [`Options`], run, exit code. Content
//! problems print as diagnostics; operational failures print once with their chain.

use crate::model::Audience;
use crate::{Options, Report, UsageError, diag};
use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(
    name = "cairn",
    // "0.1.0 (3f2a9c1e0 2026-11-29)": the commit comes from build.rs.
    version = env!("CAIRN_LONG_VERSION"),
    about = "Runbooks and responsibility data for co-managed IT, as a searchable static site"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create a new site from the bundled example, or around an existing
    /// markdown tree (`--from PATH`, copied into content/, never moved).
    Init {
        dir: PathBuf,
        /// A folder of markdown (a GitHub repo, a Hugo or MkDocs site) to copy in.
        #[arg(long)]
        from: Option<PathBuf>,
    },
    /// Check the site, then render it into the output folder.
    Build {
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Output folder [default: SITE/public]
        #[arg(long)]
        out: Option<PathBuf>,
        /// client or internal [default: cairn.yaml's audience]
        #[arg(long)]
        audience: Option<Audience>,
        /// Fail on warnings too.
        #[arg(long)]
        strict: bool,
        /// Print the time each stage took.
        #[arg(long)]
        timings: bool,
        /// Replace a non-empty --out folder that cairn did not write (never the
        /// site, a folder above it, or one of its source folders).
        #[arg(long)]
        force: bool,
        /// Also write offline.zip of the output, for reading from file://.
        #[arg(long)]
        zip: bool,
        /// Publish drafts too (`draft: true`, `published: false`, `headless`,
        /// a future `publishDate`).
        #[arg(long)]
        drafts: bool,
    },
    /// Validate the site without writing anything.
    Check {
        #[arg(default_value = ".")]
        site: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[arg(long)]
        strict: bool,
        #[arg(long)]
        audience: Option<Audience>,
    },
    /// Build, serve on loopback, rebuild on change and reload open pages.
    Serve {
        #[arg(default_value = ".")]
        site: PathBuf,
        #[arg(long, default_value_t = 8080)]
        port: u16,
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        #[arg(long)]
        audience: Option<Audience>,
        /// Print the time each stage of each (re)build took.
        #[arg(long)]
        timings: bool,
    },
    /// Compare the responsibility model of two sites: OLD NEW folders, or git revisions.
    #[command(
        after_help = "Examples:\n  cairn diff old-site new-site\n  cairn diff --git origin/main                 # origin/main vs the working tree\n  cairn diff --git origin/main...HEAD docs/it  # a site in a subfolder, from the merge base\n\nExit: 0 (or 1 with --exit-code when anything changed); 2 when a side cannot be read."
    )]
    Diff {
        /// OLD NEW site folders; with --git, an optional SITE folder [default: .]
        #[arg(value_name = "PATHS")]
        paths: Vec<PathBuf>,
        /// REV (against the working tree), A..B, or A...B (from their merge base).
        #[arg(long, value_name = "REV")]
        git: Option<String>,
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Whose view to compare.
        #[arg(long, default_value = "internal")]
        audience: Audience,
        /// Exit 1 when anything changed, 0 when nothing did.
        #[arg(long)]
        exit_code: bool,
    },
    /// Add new content.
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
}

#[derive(Subcommand, Debug)]
enum NewCommand {
    /// A runbook under content/runbooks/, front matter filled in.
    Runbook {
        title: String,
        /// The system it is for.
        #[arg(long)]
        system: Option<String>,
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…,title=CODE::message`).
    Github,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
enum DiffFormat {
    Text,
    /// A pull-request comment.
    Markdown,
    Json,
}

/// Parse, run, and map the outcome to 0 (clean), 1 (problems) or 2 (usage).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            if err.downcast_ref::<UsageError>().is_some()
                || err.downcast_ref::<crate::diff::SideError>().is_some()
            {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// What `cairn init --from` says: what it copied, what it found, what next.
fn adopted_summary(adopted: &crate::init::Adopted, dir: &std::path::Path) -> String {
    use std::collections::BTreeMap;
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Created a site in {} around {}: {} file{} copied into content/ (the originals are untouched).",
        dir.display(),
        adopted.from.display(),
        adopted.copied,
        if adopted.copied == 1 { "" } else { "s" }
    );
    if !adopted.skipped.is_empty() {
        let _ = writeln!(
            out,
            "Not copied (links and special files): {}",
            adopted.skipped.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "Found {} page{} in {} section{}.",
        adopted.pages,
        if adopted.pages == 1 { "" } else { "s" },
        adopted.sections,
        if adopted.sections == 1 { "" } else { "s" }
    );
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    let mut foreign: Vec<String> = Vec::new();
    let mut shortcodes: BTreeMap<String, usize> = BTreeMap::new();
    for d in &adopted.report.diagnostics {
        *by_code.entry(d.code.as_str()).or_default() += 1;
        if d.code == crate::diag::Code::ForeignKey
            && let Some(key) = d.message.split('`').nth(1)
        {
            foreign.push(key.to_string());
        }
        if d.code == crate::diag::Code::UnsupportedShortcode
            && let Some(name) = d.message.split('`').nth(1)
        {
            *shortcodes.entry(name.to_string()).or_default() += 1;
        }
    }
    if !shortcodes.is_empty() {
        let list: Vec<String> = shortcodes
            .iter()
            .map(|(n, c)| format!("{n} ×{c}"))
            .collect();
        let _ = writeln!(
            out,
            "Shortcodes cairn does not read (shown as text): {}",
            list.join(", ")
        );
    }
    if !foreign.is_empty() {
        let _ = writeln!(
            out,
            "Front matter keys of other generators (ignored): {}",
            foreign.join(", ")
        );
    }
    let errors = adopted
        .report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .count();
    let warnings = adopted.report.diagnostics.len() - errors;
    let _ = writeln!(
        out,
        "Check: {errors} error{}, {warnings} warning{}{}",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
        if by_code.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                by_code
                    .iter()
                    .map(|(c, n)| format!("{c} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    let d = dir.display();
    let _ = writeln!(out, "Next:");
    let _ = writeln!(
        out,
        "  cairn check {d}      # every problem, with file and line"
    );
    let _ = writeln!(
        out,
        "  cairn serve {d}      # read it in the browser; edits reload"
    );
    let _ = writeln!(
        out,
        "  add data/parties.yaml and data/systems/*.yaml, then `systems: [id]` in runbooks' front matter"
    );
    out
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Init {
            dir,
            from: Some(from),
        } => {
            let adopted = crate::init::init_from(&dir, &from)?;
            print!("{}", adopted_summary(&adopted, &dir));
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { dir, from: None } => {
            let n = crate::init::init_site(&dir)?;
            println!(
                "Created a new site in {} ({n} files). Next: cairn serve {}",
                dir.display(),
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::New {
            what:
                NewCommand::Runbook {
                    title,
                    system,
                    site,
                },
        } => {
            let path = crate::init::new_runbook(&site, &title, system.as_deref(), crate::today())?;
            println!("Created {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            site,
            format,
            strict,
            audience,
        } => {
            let opts = Options {
                audience,
                strict,
                ..Options::new(site)
            };
            let report = crate::check(&opts)?;
            let mut stdout = std::io::stdout().lock();
            match format {
                Format::Json => writeln!(stdout, "{}", diag::to_json(&report.diagnostics))?,
                Format::Github => write!(
                    stdout,
                    "{}",
                    diag::to_github(&report.diagnostics, &diag::repo_prefix(&opts.site))
                )?,
                Format::Text if report.diagnostics.is_empty() => {
                    writeln!(stdout, "ok: no problems found")?
                }
                Format::Text => write!(
                    stdout,
                    "{}",
                    diag::to_text(&report.diagnostics, diag::color(&std::io::stdout()))
                )?,
            }
            Ok(exit_code(&report, strict))
        }
        Command::Build {
            site,
            out,
            audience,
            strict,
            timings,
            force,
            zip,
            drafts,
        } => {
            let started = Instant::now();
            let opts = Options {
                out,
                audience,
                strict,
                force,
                zip,
                drafts,
                ..Options::new(site)
            };
            let report = crate::build(&opts)?;
            eprint!(
                "{}",
                diag::to_text(&report.diagnostics, diag::color(&std::io::stderr()))
            );
            if timings {
                for (stage, t) in &report.timings {
                    eprintln!("  {stage:<8} {:>8.1} ms", t.as_secs_f64() * 1000.0);
                }
            }
            if let Some(p) = report.precache.as_ref().filter(|p| p.over_budget) {
                eprintln!(
                    "note: the site is {:.1} MB, over the offline budget (offline.budget in cairn.yaml): \
                     readers' devices keep only pages, theme assets and search terms ({:.1} MB)",
                    p.site_bytes as f64 / 1e6,
                    p.cached_bytes as f64 / 1e6
                );
            }
            if report.written {
                eprintln!(
                    "Built {} pages for the {} audience into {} in {} ms",
                    report.pages_written,
                    report.audience.unwrap_or_default().as_str(),
                    opts.out_dir().display(),
                    started.elapsed().as_millis()
                );
            } else {
                eprintln!(
                    "Build failed: nothing was written; {} is unchanged",
                    opts.out_dir().display()
                );
            }
            Ok(exit_code(&report, strict))
        }
        Command::Diff {
            paths,
            git,
            format,
            audience,
            exit_code,
        } => {
            let (old, new, site) = crate::diff::sources(&paths, git.as_deref())?;
            let diff = crate::diff::diff(&crate::diff::DiffOptions {
                old,
                new,
                site,
                audience,
                today: crate::today(),
            })?;
            let mut stdout = std::io::stdout().lock();
            match format {
                DiffFormat::Text => write!(
                    stdout,
                    "{}",
                    crate::diff::to_text(&diff, diag::color(&std::io::stdout()))
                )?,
                DiffFormat::Markdown => write!(stdout, "{}", crate::diff::to_markdown(&diff))?,
                DiffFormat::Json => writeln!(stdout, "{}", crate::diff::to_json(&diff))?,
            }
            Ok(if exit_code && diff.changed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Serve {
            site,
            port,
            bind,
            audience,
            timings,
        } => {
            let build = Options {
                audience,
                ..Options::new(site)
            };
            crate::serve::serve(crate::serve::ServeOptions {
                build,
                bind,
                port,
                timings,
            })?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn exit_code(report: &Report, strict: bool) -> ExitCode {
    if report.failed(strict) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
