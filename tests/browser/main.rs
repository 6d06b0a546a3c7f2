//! Browser tests: the built `content-example` opened in headless Chromium from
//! `file://` and over HTTP from `cairn serve`, as a technician would. The site is
//! built once and shared. Without Chromium the tests are skipped, unless
//! `CAIRN_REQUIRE_BROWSER=1` (CI), where a missing browser fails.
#![allow(unreachable_pub, missing_docs)] // helpers are `pub` to be shared between the modules of this test binary, not API

mod axe;
mod calendar;
mod calendar_example;
mod callcard;
mod cdp;
mod livereload;
mod markdown;
mod now;
mod offline;
mod phone;
mod shots;
mod techpage;

use cdp::{Chrome, TabOptions};
use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Chromium, used two ways: `open` runs it once per page with `--dump-dom`;
/// `chrome()` is one long-lived instance driven over DevTools (see `cdp.rs`) for
/// what needs a faked clock, a viewport, element positions or offline mode.
pub struct Browser {
    exe: PathBuf,
    chrome: OnceCell<Chrome>,
}

/// What Chromium printed: the DOM after scripts ran, and console/CSP messages.
struct Page {
    dom: String,
    console: String,
}

impl Browser {
    fn find() -> Option<Browser> {
        Chrome::find().map(|exe| Browser {
            exe,
            chrome: OnceCell::new(),
        })
    }

    /// The shared DevTools-driven Chromium, started on first use.
    pub fn chrome(&self) -> &Chrome {
        self.chrome.get_or_init(|| {
            Chrome::launch(&self.exe).unwrap_or_else(|e| panic!("starting Chromium: {e}"))
        })
    }

    /// Load `url`, let scripts run for a few seconds of virtual time, dump the DOM.
    fn open(&self, url: &str, extra: &[&str]) -> Page {
        let profile = tempfile::tempdir().unwrap();
        // A page served by `cairn serve` keeps a live-reload request open, and
        // virtual time only advances when the network is idle: wait real time there.
        let wait = if url.starts_with("http") {
            "--timeout=6000"
        } else {
            "--virtual-time-budget=5000"
        };
        let mut child = Command::new(&self.exe)
            .args(cdp::HEADLESS_FLAGS)
            .args(["--enable-logging=stderr", "--v=0", wait])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(extra)
            .arg("--dump-dom")
            .arg(url)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let read = |mut r: Box<dyn std::io::Read + Send>| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = r.read_to_end(&mut buf);
                String::from_utf8_lossy(&buf).into_owned()
            })
        };
        let stdout = read(Box::new(child.stdout.take().unwrap()));
        let stderr = read(Box::new(child.stderr.take().unwrap()));
        // Never let a stuck browser hang CI: a page gets a minute at most.
        let deadline = Instant::now() + Duration::from_secs(60);
        while child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.wait();
        Page {
            dom: stdout.join().unwrap_or_default(),
            console: stderr.join().unwrap_or_default(),
        }
    }
}

/// `content-example` built once for its default (client) audience; the internal
/// build is made on first use.
pub struct Fixture {
    _dir: tempfile::TempDir,
    out: PathBuf,
    site: PathBuf,
    internal_out: OnceCell<PathBuf>,
    /// `tests/fixtures/calendar` (holidays, an absence, a rotation), built on
    /// first use: (client, internal).
    calendar_out: OnceCell<(PathBuf, PathBuf)>,
}

impl Fixture {
    /// `tests/fixtures/calendar` built for the client and the internal audience.
    pub fn calendar(&self) -> &(PathBuf, PathBuf) {
        self.calendar_out.get_or_init(|| {
            let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/calendar");
            let build = |audience: &str| {
                let out = self._dir.path().join(format!("calendar-{audience}"));
                let status = Command::new(env!("CARGO_BIN_EXE_cairn"))
                    .args(["build", site.to_str().unwrap(), "--audience", audience])
                    .arg("--out")
                    .arg(&out)
                    .env("SOURCE_DATE_EPOCH", "1795608000")
                    .status()
                    .unwrap();
                assert!(status.success(), "building the calendar fixture failed");
                out
            };
            (build("client"), build("internal"))
        })
    }

    /// The same site built with `--audience internal`.
    pub fn internal(&self) -> &Path {
        self.internal_out.get_or_init(|| {
            let out = self._dir.path().join("out-internal");
            let status = Command::new(env!("CARGO_BIN_EXE_cairn"))
                .args([
                    "build",
                    self.site.to_str().unwrap(),
                    "--audience",
                    "internal",
                ])
                .arg("--out")
                .arg(&out)
                .env("SOURCE_DATE_EPOCH", "1795608000")
                .status()
                .unwrap();
            assert!(
                status.success(),
                "building content-example for internal failed"
            );
            out
        })
    }
}

fn build_example() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example"),
        &site,
    );
    let out = dir.path().join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args([
            "build",
            site.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .env("SOURCE_DATE_EPOCH", "1795608000")
        .status()
        .unwrap();
    assert!(status.success(), "building content-example failed");
    Fixture {
        _dir: dir,
        out,
        site,
        internal_out: OnceCell::new(),
        calendar_out: OnceCell::new(),
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else if !entry.path().components().any(|c| c.as_os_str() == "public") {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn file_url(out: &Path, rel: &str) -> String {
    format!("file://{}/{rel}", out.display())
}

/// `cairn serve` on a free loopback port, killed on drop.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(site: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
            .args(["serve", site.to_str().unwrap(), "--port", "0"])
            .env("SOURCE_DATE_EPOCH", "1795608000")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if let Some(i) = line.find("http://127.0.0.1:") {
                    let url: String = line[i..]
                        .chars()
                        .take_while(|c| !c.is_whitespace())
                        .collect();
                    let _ = tx.send(url.trim_end_matches('/').to_string());
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("cairn serve printed no URL");
        Server { child, url }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub type TestFn = fn(&Browser, &Fixture) -> Result<(), String>;

pub fn ensure(cond: bool, msg: impl FnOnce() -> String) -> Result<(), String> {
    if cond { Ok(()) } else { Err(msg()) }
}

/// The `href`s of search results, in order.
fn result_links(dom: &str) -> Vec<String> {
    let Some(start) = dom.find("id=\"search-results\"") else {
        return Vec::new();
    };
    let re = regex::Regex::new(r#"<a [^>]*href="([^"]+)""#).unwrap();
    re.captures_iter(&dom[start..])
        .map(|c| c[1].to_string())
        .collect()
}

fn no_csp_violation(page: &Page, what: &str) -> Result<(), String> {
    let refused: Vec<&str> = page
        .console
        .lines()
        .filter(|l| l.contains("Refused to") || l.contains("Content Security Policy"))
        .collect();
    ensure(refused.is_empty(), || {
        format!("{what}: CSP violations:\n{}", refused.join("\n"))
    })
}

fn search_from_file_finds_a_word_only_one_runbook_has(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let page = b.open(
        &(file_url(&f.out, "search/index.html") + "?q=selectors"),
        &[],
    );
    no_csp_violation(&page, "search page")?;
    let links = result_links(&page.dom);
    ensure(
        links
            .first()
            .is_some_and(|l| l.ends_with("runbooks/network/vpn-down/index.html")),
        || format!("searching a word of one runbook's body should find it first; got {links:?}"),
    )
}

fn search_for_a_system_id_puts_its_page_first(b: &Browser, f: &Fixture) -> Result<(), String> {
    let page = b.open(
        &(file_url(&f.out, "search/index.html") + "?q=entra-id"),
        &[],
    );
    let links = result_links(&page.dom);
    ensure(
        links
            .first()
            .is_some_and(|l| l.ends_with("systems/entra-id/index.html")),
        || format!("the system page should rank first; got {links:?}"),
    )
}

fn search_is_accent_and_case_insensitive_and_prefix_matching(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let page = b.open(
        &(file_url(&f.out, "search/index.html") + "?q=ESCAL%C3%80"),
        &[],
    );
    let links = result_links(&page.dom);
    ensure(!links.is_empty(), || {
        "`ESCALÀ` should find escalation pages".into()
    })
}

fn pages_load_without_csp_violations_from_file(b: &Browser, f: &Fixture) -> Result<(), String> {
    for rel in [
        "index.html",
        "systems/m365/index.html",
        "runbooks/accounts/reset-mfa/index.html",
        "matrix/index.html",
    ] {
        let page = b.open(&file_url(&f.out, rel), &[]);
        ensure(page.dom.contains("</html>"), || {
            format!("{rel} did not load")
        })?;
        no_csp_violation(&page, rel)?;
    }
    Ok(())
}

fn system_page_marks_the_level_answering_now(b: &Browser, f: &Fixture) -> Result<(), String> {
    let page = b.open(&file_url(&f.out, "systems/m365/index.html"), &[]);
    ensure(page.dom.contains("data-now=\"true\""), || {
        "no ladder level marked as answering now".into()
    })
}

fn search_works_over_http_from_serve(b: &Browser, f: &Fixture) -> Result<(), String> {
    let server = Server::start(&f.site);
    let page = b.open(&format!("{}/search/index.html?q=entra-id", server.url), &[]);
    no_csp_violation(&page, "served search page")?;
    let links = result_links(&page.dom);
    ensure(
        links
            .first()
            .is_some_and(|l| l.ends_with("systems/entra-id/index.html")),
        || format!("over HTTP the system page should rank first; got {links:?}"),
    )
}

/// Over DevTools with a faked clock: Monday 10:00 in New York is business hours,
/// so m365's level 1 (Acme, business hours) answers; Sunday 03:00 only the NOC.
fn faked_clock_moves_the_answering_level(b: &Browser, f: &Fixture) -> Result<(), String> {
    let url = file_url(&f.out, "systems/m365/index.html");
    let answering = "document.querySelector('.level[data-now] .party').textContent.trim()";
    for (now, party) in [
        ("2026-11-30T10:00:00-05:00", "Acme"),
        ("2026-11-29T03:00:00-05:00", "Bright"),
    ] {
        let mut tab = b.chrome().tab(&TabOptions {
            now: Some(now.into()),
            ..TabOptions::default()
        })?;
        tab.goto(&url)?;
        tab.wait_for(
            "document.querySelector('.level[data-now]')",
            Duration::from_secs(5),
        )?;
        let got = tab.eval(answering)?;
        ensure(got.as_str().is_some_and(|p| p.contains(party)), || {
            format!("at {now} the answering level should be {party}'s; got {got}")
        })?;
        let csp = tab.csp_violations();
        ensure(csp.is_empty(), || format!("CSP violations: {csp:?}"))?;
    }
    Ok(())
}

fn main() {
    let mut tests: Vec<(&str, TestFn)> = vec![
        (
            "search_from_file_finds_a_word_only_one_runbook_has",
            search_from_file_finds_a_word_only_one_runbook_has,
        ),
        (
            "search_for_a_system_id_puts_its_page_first",
            search_for_a_system_id_puts_its_page_first,
        ),
        (
            "search_is_accent_and_case_insensitive_and_prefix_matching",
            search_is_accent_and_case_insensitive_and_prefix_matching,
        ),
        (
            "pages_load_without_csp_violations_from_file",
            pages_load_without_csp_violations_from_file,
        ),
        (
            "system_page_marks_the_level_answering_now",
            system_page_marks_the_level_answering_now,
        ),
        (
            "search_works_over_http_from_serve",
            search_works_over_http_from_serve,
        ),
        (
            "faked_clock_moves_the_answering_level",
            faked_clock_moves_the_answering_level,
        ),
    ];
    // Each topic's module adds its own list here (one line each).
    tests.extend(callcard::tests());
    tests.extend(calendar::tests());
    tests.extend(calendar_example::tests());
    tests.extend(shots::tests());
    tests.extend(axe::tests());
    tests.extend(phone::tests());
    tests.extend(livereload::tests());
    tests.extend(markdown::tests());
    tests.extend(now::tests());
    tests.extend(offline::tests());
    tests.extend(techpage::tests());
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let Some(browser) = Browser::find() else {
        if std::env::var_os("CAIRN_REQUIRE_BROWSER").is_some() {
            eprintln!("Chromium not found and CAIRN_REQUIRE_BROWSER is set");
            std::process::exit(1);
        }
        println!("browser tests skipped: no chromium on PATH (apt-get install chromium)");
        return;
    };
    let fixture = build_example();
    let (mut passed, mut failed) = (0, 0);
    for (name, test) in &tests {
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        let started = Instant::now();
        match test(&browser, &fixture) {
            Ok(()) => {
                passed += 1;
                println!(
                    "test {name} ... ok ({:.1}s)",
                    started.elapsed().as_secs_f64()
                );
            }
            Err(e) => {
                failed += 1;
                println!("test {name} ... FAILED\n{e}");
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}
