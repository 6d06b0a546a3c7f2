//! The command line: clap arguments → [`Options`], run, exit code. Content
//! problems print as diagnostics; operational failures print once with their chain.

use crate::model::Audience;
use crate::{Options, Report, UsageError, diag};
use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
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
    /// Create a new site from the bundled example.
    Init { dir: PathBuf },
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

fn color(stream_is_tty: bool) -> bool {
    stream_is_tty && std::env::var_os("NO_COLOR").is_none()
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Init { dir } => {
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
                    diag::to_text(&report.diagnostics, color(std::io::stdout().is_terminal()))
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
        } => {
            let started = Instant::now();
            let opts = Options {
                out,
                audience,
                strict,
                force,
                zip,
                ..Options::new(site)
            };
            let report = crate::build(&opts)?;
            eprint!(
                "{}",
                diag::to_text(&report.diagnostics, color(std::io::stderr().is_terminal()))
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
                    crate::diff::to_text(&diff, color(std::io::stdout().is_terminal()))
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
        } => {
            let build = Options {
                audience,
                live_reload: true,
                ..Options::new(site)
            };
            crate::serve::serve(crate::serve::ServeOptions { build, bind, port })?;
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
