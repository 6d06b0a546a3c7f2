//! Watching SITE: which changed paths matter, and one rebuild per burst of
//! events (an editor's save is often write + rename + chmod, a `git checkout`
//! hundreds of files).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Wait this long after the last event of a burst before rebuilding.
pub(crate) const QUIET: Duration = Duration::from_millis(30);
/// Never wait longer than this after the first event of a burst.
pub(crate) const MAX_BURST: Duration = Duration::from_millis(1000);

/// Top-level entries of a site whose changes change the output.
const SOURCES: [&str; 6] = [
    "cairn.yaml",
    "content",
    "data",
    "static",
    "templates",
    "themes",
];

/// The site-relative `/`-separated path of a changed file when it can change
/// the site; `None` for the output folder, editor droppings and unrelated files.
pub(crate) fn relevant(root: &Path, out: &Path, path: &Path) -> Option<String> {
    if path.starts_with(out) {
        return None;
    }
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let first = parts.first()?;
    if !SOURCES.contains(&first.as_str()) {
        return None;
    }
    if parts.iter().any(|p| editor_temp(p)) {
        return None;
    }
    Some(parts.join("/"))
}

/// Swap files, backups, lock files and atomic-save temporaries of common editors.
pub(crate) fn editor_temp(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name == "4913" // vim's write test
        || [".swp", ".swo", ".swx", ".tmp", ".bak", ".crdownload", ".part"]
            .iter()
            .any(|ext| name.ends_with(ext))
        || name.contains(".sb-") // Sublime/BBEdit safe-save
        || name.ends_with(".kate-swp")
}

/// What one burst of events changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Burst {
    pub paths: BTreeSet<String>,
    /// The watcher lost events (overflow): only a full rebuild is safe.
    pub rescan: bool,
}

/// A filesystem event, reduced to what the debouncer needs.
#[derive(Debug)]
pub(crate) enum Change {
    Paths(Vec<PathBuf>),
    Rescan,
}

/// Block for the first relevant change, then gather until the events have been
/// quiet for `quiet` (or `max` has passed). `None` when the channel is closed
/// or `stop()` says so while idle.
#[cfg(test)]
pub(crate) fn next_burst(
    rx: &Receiver<Change>,
    quiet: Duration,
    max: Duration,
    keep: &dyn Fn(&Path) -> Option<String>,
    stop: &dyn Fn() -> bool,
) -> Option<Burst> {
    next_burst_from(None, rx, quiet, max, keep, stop)
}

/// [`next_burst`], starting with a change already taken off the channel.
pub(crate) fn next_burst_from(
    carry: Option<Change>,
    rx: &Receiver<Change>,
    quiet: Duration,
    max: Duration,
    keep: &dyn Fn(&Path) -> Option<String>,
    stop: &dyn Fn() -> bool,
) -> Option<Burst> {
    let mut burst = Burst::default();
    let add = |change: Change, burst: &mut Burst| match change {
        Change::Rescan => burst.rescan = true,
        Change::Paths(paths) => burst.paths.extend(paths.iter().filter_map(|p| keep(p))),
    };
    if let Some(change) = carry {
        add(change, &mut burst);
    }
    // Idle: wait for something that matters.
    while !burst.rescan && burst.paths.is_empty() {
        if stop() {
            return None;
        }
        match rx.recv_timeout(Duration::from_millis(250)) {
            Ok(change) => {
                add(change, &mut burst);
                if burst.rescan || !burst.paths.is_empty() {
                    break;
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    }
    let started = Instant::now();
    loop {
        let left = max.saturating_sub(started.elapsed());
        if left.is_zero() {
            break;
        }
        match rx.recv_timeout(quiet.min(left)) {
            Ok(change) => add(change, &mut burst),
            Err(_) => break,
        }
    }
    Some(burst)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;

    #[test]
    fn only_sources_outside_the_output_count() {
        let root = Path::new("/s");
        let out = Path::new("/s/public");
        let r = |p: &str| relevant(root, out, Path::new(p));
        assert_eq!(r("/s/content/a.md").as_deref(), Some("content/a.md"));
        assert_eq!(r("/s/cairn.yaml").as_deref(), Some("cairn.yaml"));
        assert_eq!(
            r("/s/data/systems/m365.yaml").as_deref(),
            Some("data/systems/m365.yaml")
        );
        assert_eq!(r("/s/public/index.html"), None);
        assert_eq!(r("/s/.public.cairn-x1/index.html"), None);
        assert_eq!(r("/s/README.md"), None);
        assert_eq!(r("/s/.git/index"), None);
        assert_eq!(r("/s/content/.a.md.swp"), None);
        assert_eq!(r("/s/content/a.md~"), None);
        assert_eq!(r("/s/content/4913"), None);
        assert_eq!(r("/s/content/#a.md#"), None);
        assert_eq!(r("/other/content/a.md"), None);
    }

    #[test]
    fn a_burst_of_events_is_one_rebuild() {
        let (tx, rx) = channel();
        let keep = |p: &Path| relevant(Path::new("/s"), Path::new("/s/public"), p);
        // An editor's atomic save: temp write, rename over, chmod; plus noise.
        for p in [
            "/s/content/.a.md.swp",
            "/s/content/a.md.tmp",
            "/s/content/a.md",
            "/s/content/a.md",
            "/s/public/x.html",
            "/s/data/parties.yaml",
        ] {
            tx.send(Change::Paths(vec![PathBuf::from(p)])).unwrap();
        }
        let never = || false;
        let first = next_burst(&rx, Duration::from_millis(100), MAX_BURST, &keep, &never).unwrap();
        assert_eq!(
            first.paths.into_iter().collect::<Vec<_>>(),
            vec!["content/a.md".to_string(), "data/parties.yaml".to_string()]
        );
        // A save after the first burst was taken is the next burst, however
        // long the machine took to get here.
        tx.send(Change::Paths(vec![PathBuf::from("/s/content/b.md")]))
            .unwrap();
        drop(tx);
        let second = next_burst(&rx, Duration::from_millis(50), MAX_BURST, &keep, &never).unwrap();
        assert_eq!(
            second.paths.into_iter().collect::<Vec<_>>(),
            vec!["content/b.md".to_string()]
        );
        assert!(
            next_burst(&rx, QUIET, MAX_BURST, &keep, &never).is_none(),
            "closed channel ends the loop"
        );
    }

    #[test]
    fn irrelevant_events_alone_do_not_wake_and_stop_is_honoured() {
        let (tx, rx) = channel();
        let keep = |p: &Path| relevant(Path::new("/s"), Path::new("/s/public"), p);
        tx.send(Change::Paths(vec![PathBuf::from("/s/public/a.html")]))
            .unwrap();
        let start = Instant::now();
        let stop = || start.elapsed() > Duration::from_millis(300);
        assert!(next_burst(&rx, QUIET, MAX_BURST, &keep, &stop).is_none());
        drop(tx);
    }

    #[test]
    fn a_never_ending_stream_is_cut_at_max() {
        let (tx, rx) = channel();
        let keep = |p: &Path| relevant(Path::new("/s"), Path::new("/s/public"), p);
        // Saves that never stop until the burst is taken: a burst that waited
        // for quiet would never end.
        let sender = std::thread::spawn(move || {
            for i in 0.. {
                let path = PathBuf::from(format!("/s/content/{i}.md"));
                if tx.send(Change::Paths(vec![path])).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        let burst = next_burst(
            &rx,
            Duration::from_millis(50),
            Duration::from_millis(200),
            &keep,
            &|| false,
        )
        .unwrap();
        // It ended while saves kept coming: cut at the maximum, not drained.
        assert!(burst.paths.len() >= 2);
        drop(rx);
        sender.join().unwrap();
    }
}
