//! Offline reading (issue 18): the service worker keeps the site when the
//! network goes down, says so on the page, and a rebuild replaces the copy.

use crate::cdp::TabOptions;
use crate::{Browser, Fixture, TestFn, ensure, file_url};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub fn tests() -> Vec<(&'static str, TestFn)> {
    vec![
        (
            "offline_copy_serves_pages_and_search_when_the_server_is_gone",
            offline_copy_serves_pages_and_search_when_the_server_is_gone,
        ),
        (
            "from_file_no_worker_is_registered_and_nothing_errors",
            from_file_no_worker_is_registered_and_nothing_errors,
        ),
    ]
}

/// A plain static web server (Python's) on `out`, as a host would serve the
/// built site; killed on drop.
pub(crate) struct Serve(Child);

impl Serve {
    pub(crate) fn start(out: &Path, port: u16) -> Result<Serve, String> {
        let child = Command::new("python3")
            .args([
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                &port.to_string(),
            ])
            .arg("--directory")
            .arg(out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("python3 -m http.server: {e}"))?;
        let serve = Serve(child);
        for _ in 0..600 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(serve);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("cairn serve did not listen on port {port}"))
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn build(site: &Path, out: &Path) -> Result<(), String> {
    let status = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .arg("build")
        .arg(site)
        .arg("--out")
        .arg(out)
        .env("SOURCE_DATE_EPOCH", "1795608000")
        .stderr(Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    ensure(status.success(), || {
        format!("building {} failed", site.display())
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(18080)
}

const CACHES: &str = "caches.keys().then(k => k.filter(n => n.startsWith('cairn:')))";

fn offline_copy_serves_pages_and_search_when_the_server_is_gone(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let site = dir.path().join("site");
    crate::copy_dir(&f.site, &site);
    let out = dir.path().join("out");
    build(&site, &out)?;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = Serve::start(&out, port)?;
    let t0 = std::time::Instant::now();
    let lap = |what: &str| {
        if std::env::var_os("CAIRN_CDP_DEBUG").is_some() {
            eprintln!("  {what}: {:.1}s", t0.elapsed().as_secs_f64());
        }
    };
    let mut tab = b.chrome().tab(&TabOptions::default())?;
    tab.goto(&format!("{base}/index.html"))?;
    let saved = "(document.getElementById('offline-status') || {}).textContent || ''";
    let ok = tab.wait_for(
        &format!("({saved}).includes('Available offline')"),
        Duration::from_secs(60),
    )?;
    let status = tab.eval(saved)?;
    let worker = tab.eval(
        "navigator.serviceWorker.getRegistration().then(r => r ? JSON.stringify({i: r.installing && r.installing.state, w: r.waiting && r.waiting.state, a: r.active && r.active.state}) : 'none')",
    )?;
    let resources = tab.eval("document.readyState + ' ' + performance.getEntriesByType('resource').map(e => e.name.split('/').pop() + ':' + Math.round(e.duration)).join(' ')")?;
    let console = tab.console.clone();
    ensure(ok, || {
        format!(
            "the home page never said it is available offline; it says {status}; worker {worker}; console {console:?}; resources {resources}"
        )
    })?;
    ensure(status.to_string().contains("copy built"), || {
        format!("the status should name the copy's build time: {status}")
    })?;
    let first_caches = tab.eval(CACHES)?;
    lap("saved");

    // The network goes away: the server stops and the tab goes offline.
    drop(server);
    tab.set_offline(true)?;
    tab.goto(&format!(
        "{base}/runbooks/network/internet-outage/index.html"
    ))?;
    let html = tab
        .eval("document.documentElement.outerHTML")?
        .as_str()
        .unwrap_or_default()
        .to_string();
    ensure(html.contains("Internet outage at a clinic"), || {
        "the outage runbook did not load from the offline copy".into()
    })?;
    ensure(html.contains("+1 555 0142"), || {
        "the offline runbook should show the NOC's number".into()
    })?;
    ensure(html.contains("class=\"offline-banner\""), || {
        "a page served from the offline copy must say so".into()
    })?;
    lap("offline runbook");
    tab.goto(&format!("{base}/search/index.html?q=outage"))?;
    let found = tab.wait_for(
        "[...document.querySelectorAll('#search-results a')].some(a => a.href.includes('internet-outage'))",
        Duration::from_secs(10),
    )?;
    ensure(found, || {
        "search/index.html?q=outage did not find the runbook offline".into()
    })?;
    let banner = tab.eval("!!document.querySelector('.offline-banner')")?;
    ensure(banner == serde_json::json!(true), || {
        "the offline search page should carry the banner".into()
    })?;

    // A rebuild with a new number: back online, the new number shows and the
    // old copy is gone.
    lap("offline search");
    tab.set_offline(false)?;
    let parties = site.join("data/parties.yaml");
    let text = std::fs::read_to_string(&parties).map_err(|e| e.to_string())?;
    std::fs::write(&parties, text.replace("+1 555 0142", "+1 555 0177"))
        .map_err(|e| e.to_string())?;
    build(&site, &out)?;
    let _server = Serve::start(&out, port)?;
    tab.goto(&format!(
        "{base}/runbooks/network/internet-outage/index.html"
    ))?;
    lap("rebuilt and reloaded");
    let html = tab
        .eval("document.documentElement.outerHTML")?
        .as_str()
        .unwrap_or_default()
        .to_string();
    ensure(
        html.contains("+1 555 0177") && !html.contains("+1 555 0142"),
        || "after the rebuild the page should show the new number only".into(),
    )?;
    ensure(!html.contains("class=\"offline-banner\""), || {
        "online, the page must not carry the offline banner".into()
    })?;
    let replaced = tab.wait_for(
        &format!(
            "{CACHES}.then(k => k.length === 1 && !{first}.includes(k[0]))",
            first = first_caches
        ),
        Duration::from_secs(60),
    )?;
    lap("replaced");
    let now = tab.eval(CACHES)?;
    ensure(replaced, || {
        format!(
            "the old offline copy should be replaced by the new one: before {first_caches}, now {now}"
        )
    })
}

fn from_file_no_worker_is_registered_and_nothing_errors(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let mut tab = b.chrome().tab(&TabOptions::default())?;
    for rel in ["index.html", "runbooks/network/internet-outage/index.html"] {
        tab.goto(&file_url(&f.out, rel))?;
        std::thread::sleep(Duration::from_millis(300));
        let hidden = tab.eval("document.getElementById('offline-status').hidden")?;
        ensure(hidden == serde_json::json!(true), || {
            format!("{rel}: from file:// the offline status must stay hidden")
        })?;
        let _ = tab.eval("1")?;
        let problems: Vec<&String> = tab
            .console
            .iter()
            .filter(|l| {
                l.starts_with("exception")
                    || l.starts_with("console.error")
                    || l.starts_with("log.error")
                    || l.to_lowercase().contains("serviceworker")
            })
            .collect();
        ensure(problems.is_empty(), || {
            format!("{rel}: console problems from file://: {problems:?}")
        })?;
    }
    Ok(())
}
