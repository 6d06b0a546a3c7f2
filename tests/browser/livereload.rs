//! Live reload through `cairn serve` (axum since issue 24): a page open in
//! Chromium holds the `/__cairn/ws` WebSocket and reloads itself after a
//! save, with no CSP violation (`connect-src 'self'` covers the socket).

use crate::cdp::TabOptions;
use crate::{Browser, Fixture, Server, TestFn, copy_dir, ensure};
use std::time::Duration;

pub fn tests() -> Vec<(&'static str, TestFn)> {
    vec![(
        "an_open_page_reloads_itself_after_a_save",
        an_open_page_reloads_itself_after_a_save,
    )]
}

fn an_open_page_reloads_itself_after_a_save(b: &Browser, f: &Fixture) -> Result<(), String> {
    // A copy: the shared fixture stays as it was.
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    copy_dir(&f.site, dir.path());
    let page = "content/runbooks/network/vpn-down.md";
    let server = Server::start(dir.path());
    let mut tab = b.chrome().tab(&TabOptions::default())?;
    tab.goto(&format!("{}/runbooks/network/vpn-down/", server.url))?;
    // A mark that only this load of the page carries; the socket is opening.
    tab.eval("window.cairnBeforeReload = true")?;
    std::thread::sleep(Duration::from_millis(500));

    let path = dir.path().join(page);
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let edited = text.replacen("\n---\n", "\n---\n\nLIVERELOADMARK7 edited.\n\n", 1);
    ensure(edited != text, || {
        "the page has no front matter to edit after".into()
    })?;
    std::fs::write(&path, edited).map_err(|e| e.to_string())?;

    let reloaded = tab.wait_for(
        "!window.cairnBeforeReload && document.body && document.body.textContent.includes('LIVERELOADMARK7')",
        Duration::from_secs(20),
    )?;
    ensure(reloaded, || {
        "the open page did not reload itself within 20 s of the save".into()
    })?;
    let csp = tab.csp_violations();
    ensure(csp.is_empty(), || format!("CSP violations: {csp:?}"))
}
