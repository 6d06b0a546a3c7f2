//! `cairn serve`: build into memory, serve it over HTTP (axum on one
//! current-thread tokio runtime), watch SITE and rebuild on change, reload
//! open pages.
//!
//! - [`server`]: connections, limits, timeouts.
//! - [`paths`]: request path → key of the in-memory site, traversal refused.
//! - [`http`]: the guards (`Host`, method, body), files with ETags and ranges,
//!   the 404 page, the error overlay.
//! - [`reload`]: the live-reload WebSocket.
//! - [`watch`]: which file events matter, one rebuild per burst.
//! - [`rebuild`]: full and incremental builds into memory.
//!
//! The user's `public/` is never touched: the site lives in a map.

pub(crate) mod http;
pub(crate) mod paths;
pub(crate) mod rebuild;
pub(crate) mod reload;
pub(crate) mod server;
pub(crate) mod watch;

use anyhow::{Context, Result};
use http::Shared;
use rebuild::{Builder, Outcome};
use std::io::{Write, stderr};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

pub(crate) struct ServeOptions {
    pub build: crate::Options,
    pub bind: String,
    pub port: u16,
    /// Print how long each stage of each (re)build took.
    pub timings: bool,
}

/// How many ports after a busy one are tried.
const PORT_TRIES: u16 = 20;

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Bind `bind:port`, or when the port is taken the next free one (said so).
fn bind(bind: &str, port: u16) -> Result<TcpListener> {
    let ip: IpAddr = match bind {
        "localhost" => IpAddr::from([127, 0, 0, 1]),
        other => other.trim_matches(['[', ']']).parse().map_err(|_| {
            crate::UsageError(format!(
                "--bind {other}: not an IP address (use e.g. 127.0.0.1 or 0.0.0.0)"
            ))
        })?,
    };
    match TcpListener::bind(SocketAddr::new(ip, port)) {
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && port != 0 => {
            let next = (1..=PORT_TRIES).filter_map(|i| port.checked_add(i));
            let (l, next) = next
                .filter_map(|p| Some((TcpListener::bind(SocketAddr::new(ip, p)).ok()?, p)))
                .next()
                .with_context(|| {
                    format!(
                        "port {port} on {ip} is already in use (and so are the next {PORT_TRIES}): \
                         stop the other server, or pass --port 0 for any free port"
                    )
                })?;
            println!("Port {port} is in use; serving on the next free port, {next}, instead.");
            Ok(l)
        }
        bound => bound.with_context(|| format!("cannot listen on {ip} port {port}")),
    }
}

/// The URL to print: loopback when listening on loopback or on every address.
fn url_of(addr: SocketAddr) -> String {
    let ip = addr.ip();
    if (ip.is_loopback() && ip.is_ipv4()) || ip.is_unspecified() {
        format!("http://127.0.0.1:{}/", addr.port())
    } else if ip.is_ipv6() {
        format!("http://[{ip}]:{}/", addr.port())
    } else {
        format!("http://{ip}:{}/", addr.port())
    }
}

/// A line of progress on stdout, flushed at once (stdout may be a pipe).
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Say what a (re)build did, and serve its outcome.
fn report(shared: &Shared, outcome: Outcome, took: Duration, first: bool, timings: bool) {
    match outcome {
        Outcome::Built {
            files,
            pages,
            incremental,
            diagnostics,
            timings: laps,
        } => {
            if first {
                let _ = write!(
                    stderr(),
                    "{}",
                    crate::diag::to_text(&diagnostics, crate::diag::color(&stderr()))
                );
            }
            let what = match (first, incremental) {
                (true, _) => "Built",
                (false, true) => "Rebuilt (incremental)",
                (false, false) => "Rebuilt",
            };
            let note = match (first, diagnostics.iter().filter(|d| !d.is_error()).count()) {
                (false, 1) => " (1 warning; `cairn check` lists it)".to_string(),
                (false, n) if n > 1 => format!(" ({n} warnings; `cairn check` lists them)"),
                _ => String::new(),
            };
            // Progress on stdout (tools and the benchmark read it), problems on stderr.
            say(&format!("{what} {pages} pages in {}{note}", ms(took)));
            if timings {
                let laps: Vec<String> = laps
                    .iter()
                    .map(|(stage, t)| format!("{stage} {}", ms(*t)))
                    .collect();
                say(&format!("  {}", laps.join(", ")));
            }
            shared.publish(Some(files), None);
        }
        Outcome::Unchanged => {}
        Outcome::Failed { text } => {
            let _ = writeln!(
                stderr(),
                "{text}Rebuild failed in {}: still serving the last good site; the error shows on every page until it is fixed",
                ms(took)
            );
            shared.publish(None, Some(text));
        }
    }
}

/// Build, serve, watch, rebuild; returns on Ctrl-C.
pub(crate) fn serve(opts: ServeOptions) -> Result<()> {
    crate::site::ensure_site(&opts.build.site)?;
    let root = opts
        .build
        .site
        .canonicalize()
        .with_context(|| format!("reading {}", opts.build.site.display()))?;
    let mut build_opts = opts.build.clone();
    build_opts.site = root.clone();
    let out_dir = {
        let out = build_opts.out_dir();
        out.canonicalize().unwrap_or(out)
    };

    let listener = bind(&opts.bind, opts.port)?;
    let addr = listener.local_addr()?;
    let shared = Arc::new(Shared::new(http::HostPolicy::for_bound(addr.ip())));

    // Watch before the first build so no save made during it is missed.
    let (tx, rx) = mpsc::channel::<watch::Change>();
    let watcher = start_watcher(&root, tx);

    let started = Instant::now();
    let mut builder = Builder::new(build_opts);
    let outcome = match builder.full() {
        Ok(o) => o,
        Err(e) if e.downcast_ref::<crate::UsageError>().is_some() => return Err(e),
        Err(e) => Outcome::Failed {
            text: format!("error: {e:#}\n"),
        },
    };
    report(&shared, outcome, started.elapsed(), true, opts.timings);

    let stop = Arc::new(AtomicBool::new(false));
    let http_thread = {
        let shared = shared.clone();
        std::thread::Builder::new()
            .name("cairn-http".into())
            .spawn(move || server::run(listener, shared))?
    };
    let rebuilder = {
        let shared = shared.clone();
        let stop = stop.clone();
        let root = root.clone();
        std::thread::Builder::new()
            .name("cairn-watch".into())
            .spawn(move || {
                watch_loop(builder, &rx, &root, &out_dir, &shared, &stop, opts.timings)
            })?
    };

    say(&format!(
        "Serving {} at {} (watching for changes; Ctrl-C to stop)",
        opts.build.site.display(),
        url_of(addr)
    ));
    if !addr.ip().is_loopback() && !addr.ip().is_unspecified() {
        say(&format!("Listening on {addr}"));
    }
    if let Err(e) = &watcher {
        eprintln!(
            "warning: cannot watch {} for changes ({e}); restart to see edits",
            root.display()
        );
    }

    // Wait for Ctrl-C (or SIGTERM), then stop cleanly; a second one exits at once.
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let handler_tx = stop_tx.clone();
    let asked = AtomicBool::new(false);
    if let Err(e) = ctrlc::set_handler(move || {
        if asked.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        let _ = handler_tx.send(());
    }) {
        eprintln!("warning: cannot handle Ctrl-C: {e}");
    }
    let _ = stop_rx.recv();
    drop(stop_tx);
    eprintln!("Stopping…");
    stop.store(true, Ordering::Relaxed);
    drop(watcher);
    shared.close();
    if let Ok(Err(e)) = http_thread.join() {
        eprintln!("warning: the HTTP server stopped with an error: {e}");
    }
    let _ = rebuilder.join();
    eprintln!("Stopped.");
    Ok(())
}

fn start_watcher(
    root: &Path,
    tx: mpsc::Sender<watch::Change>,
) -> notify::Result<notify::RecommendedWatcher> {
    use notify::{RecursiveMode, Watcher};
    let shown = root.display().to_string();
    let handler = move |res: notify::Result<notify::Event>| {
        let change = match res {
            Ok(event) if event.need_rescan() => watch::Change::Rescan,
            Ok(event) => {
                if matches!(event.kind, notify::EventKind::Access(_)) {
                    return;
                }
                watch::Change::Paths(event.paths)
            }
            // Events may have been lost: say why, and rebuild everything.
            Err(e) => {
                eprintln!("warning: watching {shown}: {e}; rebuilding everything");
                watch::Change::Rescan
            }
        };
        let _ = tx.send(change);
    };
    let mut watcher = notify::recommended_watcher(handler)?;
    watcher.watch(root, RecursiveMode::Recursive)?;
    Ok(watcher)
}

fn watch_loop(
    mut builder: Builder,
    rx: &mpsc::Receiver<watch::Change>,
    root: &Path,
    out: &Path,
    shared: &Shared,
    stop: &AtomicBool,
    timings: bool,
) {
    let keep = |p: &Path| watch::relevant(root, out, p);
    let stopped = || stop.load(Ordering::Relaxed);
    let mut carry = None;
    while let Some(burst) = watch::next_burst_from(
        carry.take(),
        rx,
        watch::QUIET,
        watch::MAX_BURST,
        &keep,
        &stopped,
    ) {
        let started = Instant::now();
        let mut shown: Vec<&str> = burst.paths.iter().take(3).map(String::as_str).collect();
        if burst.rescan && shown.is_empty() {
            shown.push("(many files)");
        }
        let more = match burst.paths.len().saturating_sub(3) {
            0 => String::new(),
            more => format!(" and {more} more"),
        };
        say(&format!("Changed: {}{more}", shown.join(", ")));
        let outcome = guarded(&mut builder, |b| b.rebuild(&burst.paths, burst.rescan))
            .unwrap_or_else(|| Outcome::Failed {
                text:
                    "error: internal error while rebuilding (a bug in cairn); save again to retry\n"
                        .into(),
            });
        let ok = matches!(outcome, Outcome::Built { .. });
        report(shared, outcome, started.elapsed(), false, timings);
        // The search index follows, unless the author is already saving again
        // (then the next rebuild comes first).
        carry = std::iter::from_fn(|| rx.try_recv().ok()).find(|change| match change {
            watch::Change::Rescan => true,
            watch::Change::Paths(paths) => paths.iter().any(|p| keep(p).is_some()),
        });
        if ok && carry.is_none() {
            let started = Instant::now();
            if let Some(files) = guarded(&mut builder, Builder::refresh_search).flatten() {
                shared.publish_quiet(files);
                say(&format!(
                    "Search index updated in {}",
                    ms(started.elapsed())
                ));
            }
        }
    }
}

/// `f` on the builder; `None` when a bug in a stage panicked, which must not
/// end the watching: the builder starts afresh.
fn guarded<T>(builder: &mut Builder, f: impl FnOnce(&mut Builder) -> T) -> Option<T> {
    let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(builder))).ok();
    if done.is_none() {
        builder.forget();
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_loopback_for_loopback_and_any() {
        assert_eq!(
            url_of("127.0.0.1:8080".parse().unwrap()),
            "http://127.0.0.1:8080/"
        );
        assert_eq!(
            url_of("0.0.0.0:81".parse().unwrap()),
            "http://127.0.0.1:81/"
        );
        assert_eq!(
            url_of("192.168.1.2:81".parse().unwrap()),
            "http://192.168.1.2:81/"
        );
        assert_eq!(url_of("[::1]:81".parse().unwrap()), "http://[::1]:81/");
    }

    #[test]
    fn a_busy_port_moves_to_the_next_free_one() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let l = bind("127.0.0.1", port).unwrap();
        assert_ne!(l.local_addr().unwrap().port(), port);
        assert!(bind("not-an-ip", 0).is_err());
    }
}
