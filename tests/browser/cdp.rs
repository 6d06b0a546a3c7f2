//! A small Chrome DevTools Protocol client for the browser tests: one headless
//! Chromium per test run, a tab per check, driven synchronously over one
//! websocket. What `--dump-dom` cannot do lives here: a faked clock, a phone
//! viewport, dark mode, print media, element positions, offline mode,
//! screenshots and PDFs, console and CSP messages.
//!
//! ```ignore
//! let chrome = Chrome::launch()?;
//! let mut tab = chrome.tab(&TabOptions { width: 390, height: 844, mobile: true,
//!     now: Some("2026-11-28T02:00:00-05:00"), ..TabOptions::default() })?;
//! tab.goto(&url)?;
//! let y = tab.eval("document.querySelector('.call-card a[href^=tel]').getBoundingClientRect().top")?;
//! ```

use serde_json::{Value, json};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

/// A headless Chromium with its DevTools websocket; killed on drop.
pub struct Chrome {
    child: Child,
    _profile: tempfile::TempDir,
    conn: RefCell<Conn>,
}

struct Conn {
    ws: WebSocket<TcpStream>,
    next_id: u64,
    /// Events read while waiting for a reply, by session.
    events: VecDeque<Value>,
}

/// How a tab is set up before its first page loads.
#[derive(Clone, Debug)]
pub struct TabOptions {
    pub width: u32,
    pub height: u32,
    /// Touch, phone user agent hints and device-width layout.
    pub mobile: bool,
    /// `prefers-color-scheme: dark`.
    pub dark: bool,
    /// CSS media `print`.
    pub print: bool,
    /// The page's clock: an RFC 3339 time (`2026-11-28T02:00:00-05:00`); `Date`
    /// starts there and runs on in real time. Set before any page script runs.
    pub now: Option<String>,
}

impl Default for TabOptions {
    fn default() -> Self {
        TabOptions {
            width: 1280,
            height: 800,
            mobile: false,
            dark: false,
            print: false,
            now: None,
        }
    }
}

pub type CdpResult<T> = Result<T, String>;

/// Headless, and quiet on a machine whose network is closed: without the
/// background-networking flags Chromium keeps trying to reach Google's hosts.
pub const HEADLESS_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];

impl Chrome {
    /// The path of Chromium on PATH, if any.
    pub fn find() -> Option<PathBuf> {
        ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .find_map(|name| {
                let out = Command::new("which").arg(name).output().ok()?;
                out.status
                    .success()
                    .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
            })
    }

    pub fn launch(exe: &Path) -> CdpResult<Chrome> {
        let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
        let mut child = Command::new(exe)
            .args(HEADLESS_FLAGS)
            .args([
                "--disable-extensions",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", exe.display()))?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if !sent && let Some(i) = line.find("ws://") {
                    let _ = tx.send(line[i..].trim().to_string());
                    sent = true;
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| "Chromium printed no DevTools URL".to_string())?;
        let addr = url
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let stream = TcpStream::connect(&addr).map_err(|e| format!("connecting {addr}: {e}"))?;
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .map_err(|e| e.to_string())?;
        let (ws, _) =
            tungstenite::client(url.as_str(), stream).map_err(|e| format!("websocket: {e}"))?;
        Ok(Chrome {
            child,
            _profile: profile,
            conn: RefCell::new(Conn {
                ws,
                next_id: 1,
                events: VecDeque::new(),
            }),
        })
    }

    /// Send one command and wait for its reply (events read meanwhile are kept).
    fn call(&self, session: Option<&str>, method: &str, params: Value) -> CdpResult<Value> {
        let mut conn = self.conn.borrow_mut();
        let id = conn.next_id;
        conn.next_id += 1;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        conn.ws
            .send(Message::text(msg.to_string()))
            .map_err(|e| format!("{method}: {e}"))?;
        loop {
            let reply = conn.read()?;
            if reply.get("id").and_then(Value::as_u64) == Some(id) {
                if let Some(err) = reply.get("error") {
                    return Err(format!("{method}: {err}"));
                }
                return Ok(reply.get("result").cloned().unwrap_or(Value::Null));
            }
            if reply.get("method").is_some() {
                conn.events.push_back(reply);
            }
        }
    }

    /// A new tab set up as `opts` says, at `about:blank`.
    pub fn tab(&self, opts: &TabOptions) -> CdpResult<Tab<'_>> {
        let target = self.call(None, "Target.createTarget", json!({ "url": "about:blank" }))?;
        let target_id = target["targetId"]
            .as_str()
            .ok_or("no targetId")?
            .to_string();
        let attached = self.call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
        )?;
        let session = attached["sessionId"]
            .as_str()
            .ok_or("no sessionId")?
            .to_string();
        let tab = Tab {
            chrome: self,
            session,
            target_id,
            console: Vec::new(),
        };
        for domain in [
            "Page.enable",
            "Runtime.enable",
            "Log.enable",
            "Network.enable",
        ] {
            tab.send(domain, json!({}))?;
        }
        tab.send(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": opts.width, "height": opts.height,
                    "deviceScaleFactor": 1, "mobile": opts.mobile }),
        )?;
        if opts.mobile {
            tab.send(
                "Emulation.setTouchEmulationEnabled",
                json!({ "enabled": true, "maxTouchPoints": 5 }),
            )?;
        }
        let mut features = vec![json!({
            "name": "prefers-color-scheme",
            "value": if opts.dark { "dark" } else { "light" }
        })];
        if opts.mobile {
            features.push(json!({ "name": "pointer", "value": "coarse" }));
            features.push(json!({ "name": "hover", "value": "none" }));
        }
        tab.send(
            "Emulation.setEmulatedMedia",
            json!({ "media": if opts.print { "print" } else { "" }, "features": features }),
        )?;
        if let Some(now) = &opts.now {
            tab.send(
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": fake_clock_script(now) }),
            )?;
        }
        Ok(tab)
    }
}

impl Conn {
    fn read(&mut self) -> CdpResult<Value> {
        loop {
            match self
                .ws
                .read()
                .map_err(|e| format!("reading DevTools: {e}"))?
            {
                Message::Text(t) => {
                    return serde_json::from_str(t.as_str()).map_err(|e| e.to_string());
                }
                Message::Close(_) => return Err("DevTools closed the connection".into()),
                _ => {}
            }
        }
    }
}

impl Drop for Chrome {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `Date` replaced by one that starts at `now` (RFC 3339) and runs in real time;
/// `Intl` keeps working, so the page computes its timezone as it would.
fn fake_clock_script(now: &str) -> String {
    format!(
        r#"(() => {{
  const Real = Date, start = Real.parse({now:?}), offset = start - Real.now();
  class FakeDate extends Real {{
    constructor(...a) {{ if (a.length) super(...a); else super(Real.now() + offset); }}
    static now() {{ return Real.now() + offset; }}
  }}
  globalThis.Date = FakeDate;
}})();"#
    )
}

/// One tab; closed on drop.
pub struct Tab<'c> {
    chrome: &'c Chrome,
    session: String,
    target_id: String,
    /// Console messages, exceptions, log entries (CSP violations among them).
    pub console: Vec<String>,
}

impl Tab<'_> {
    pub fn send(&self, method: &str, params: Value) -> CdpResult<Value> {
        self.chrome.call(Some(&self.session), method, params)
    }

    /// Move this tab's queued events into `console` (and return the rest).
    fn drain_events(&mut self) -> Vec<Value> {
        let mut conn = self.chrome.conn.borrow_mut();
        let mut rest = Vec::new();
        let mine: Vec<Value> = conn.events.drain(..).collect();
        drop(conn);
        for ev in mine {
            if std::env::var_os("CAIRN_CDP_DEBUG").is_some() {
                eprintln!("cdp event: {}", ev["method"]);
            }
            if ev.get("sessionId").and_then(Value::as_str) != Some(self.session.as_str()) {
                continue;
            }
            let params = &ev["params"];
            match ev["method"].as_str().unwrap_or_default() {
                "Runtime.consoleAPICalled" => {
                    let text: Vec<String> = params["args"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .map(|v| {
                                    v.get("value")
                                        .map(|x| x.to_string())
                                        .or_else(|| v.get("description").map(|x| x.to_string()))
                                        .unwrap_or_default()
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    self.console.push(format!(
                        "console.{}: {}",
                        params["type"].as_str().unwrap_or("log"),
                        text.join(" ")
                    ));
                }
                "Runtime.exceptionThrown" => self.console.push(format!(
                    "exception: {}",
                    params["exceptionDetails"]["exception"]["description"]
                        .as_str()
                        .or(params["exceptionDetails"]["text"].as_str())
                        .unwrap_or_default()
                )),
                "Log.entryAdded" => self.console.push(format!(
                    "log.{}: {}",
                    params["entry"]["level"].as_str().unwrap_or_default(),
                    params["entry"]["text"].as_str().unwrap_or_default()
                )),
                _ => rest.push(ev),
            }
        }
        rest
    }

    /// Load `url` and wait until its document has loaded (30 s at most;
    /// a page whose subresources keep loading counts once it is interactive).
    pub fn goto(&mut self, url: &str) -> CdpResult<()> {
        self.drain_events();
        let nav = self.send("Page.navigate", json!({ "url": url }))?;
        if let Some(err) = nav.get("errorText").and_then(Value::as_str) {
            return Err(format!("navigating to {url}: {err}"));
        }
        let loader = nav.get("loaderId").cloned().unwrap_or(Value::Null);
        let started = Instant::now();
        let mut state = Value::Null;
        while started.elapsed() < Duration::from_secs(30) {
            // The new document is current once the frame's loader is the navigation's.
            let tree = self.send("Page.getFrameTree", json!({}))?;
            if loader.is_null() || tree["frameTree"]["frame"]["loaderId"] == loader {
                state = self.eval("document.readyState").unwrap_or(Value::Null);
                if state == "complete"
                    || (state == "interactive" && started.elapsed() > Duration::from_secs(10))
                {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Err(format!("{url} did not finish loading (readyState {state})"))
    }

    /// Evaluate a JS expression (promises awaited) and return its value as JSON.
    pub fn eval(&mut self, js: &str) -> CdpResult<Value> {
        let r = self.send(
            "Runtime.evaluate",
            json!({ "expression": js, "returnByValue": true, "awaitPromise": true }),
        )?;
        self.drain_events();
        if let Some(ex) = r.get("exceptionDetails") {
            return Err(format!(
                "evaluating {js}: {}",
                ex["exception"]["description"]
                    .as_str()
                    .or(ex["text"].as_str())
                    .unwrap_or_default()
            ));
        }
        Ok(r["result"].get("value").cloned().unwrap_or(Value::Null))
    }

    /// Poll a JS condition until it is truthy (or `timeout` passes).
    pub fn wait_for(&mut self, js: &str, timeout: Duration) -> CdpResult<bool> {
        let deadline = Instant::now() + timeout;
        loop {
            let v = self.eval(js)?;
            if !(v.is_null() || v == json!(false) || v == json!(0) || v == json!("")) {
                return Ok(true);
            }
            if Instant::now() > deadline {
                return Ok(false);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Inject a script file into the current page (e.g. axe-core), bypassing CSP.
    pub fn inject(&mut self, source: &str) -> CdpResult<()> {
        self.send("Page.setBypassCSP", json!({ "enabled": true }))?;
        self.eval(source).map(|_| ())
    }

    /// `navigator.onLine` false and every request failing, or back online.
    pub fn set_offline(&mut self, offline: bool) -> CdpResult<()> {
        self.send(
            "Network.emulateNetworkConditions",
            json!({ "offline": offline, "latency": 0,
                    "downloadThroughput": -1, "uploadThroughput": -1 }),
        )
        .map(|_| ())
    }

    /// A PNG of the whole page (not just the viewport).
    pub fn screenshot(&mut self, path: &Path) -> CdpResult<()> {
        let r = self.send(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": true }),
        )?;
        write_base64(path, r["data"].as_str().unwrap_or_default())
    }

    /// The page printed to PDF (A4, backgrounds as print CSS says).
    pub fn pdf(&mut self, path: &Path) -> CdpResult<()> {
        let r = self.send(
            "Page.printToPDF",
            json!({ "paperWidth": 8.27, "paperHeight": 11.69, "printBackground": false }),
        )?;
        write_base64(path, r["data"].as_str().unwrap_or_default())
    }

    /// Console lines that report a Content-Security-Policy refusal.
    pub fn csp_violations(&mut self) -> Vec<String> {
        self.drain_events();
        self.console
            .iter()
            .filter(|l| l.contains("Refused to") || l.contains("Content Security Policy"))
            .cloned()
            .collect()
    }
}

impl Drop for Tab<'_> {
    fn drop(&mut self) {
        let _ = self.chrome.call(
            None,
            "Target.closeTarget",
            json!({ "targetId": self.target_id }),
        );
    }
}

fn write_base64(path: &Path, data: &str) -> CdpResult<()> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in data.bytes().filter(|c| *c != b'=') {
        let v = ALPHABET
            .iter()
            .position(|a| *a == c)
            .ok_or("bad base64 from DevTools")? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    std::fs::write(path, out).map_err(|e| format!("writing {}: {e}", path.display()))
}
