//! Screenshots of every page kind for a person to look at: phone and desktop,
//! light and dark, and printed (PDF). Only with `CAIRN_SHOTS=DIR`:
//! `CAIRN_SHOTS=/tmp/shots cargo test --test browser -- screenshots`.

use crate::cdp::TabOptions;
use crate::{Browser, Fixture, TestFn, file_url};
use std::path::PathBuf;
use std::time::Duration;

pub fn tests() -> Vec<(&'static str, TestFn)> {
    vec![(
        "screenshots_of_every_page_kind",
        screenshots_of_every_page_kind,
    )]
}

/// One page of each kind (SPEC "Pages the site must have").
pub const PAGE_KINDS: &[(&str, &str)] = &[
    ("home", "index.html"),
    ("section", "runbooks/index.html"),
    ("runbook", "runbooks/network/vpn-down/index.html"),
    ("system", "systems/firewall/index.html"),
    ("party", "parties/bright/index.html"),
    ("matrix", "matrix/index.html"),
    ("now", "now/index.html"),
    ("review", "review/index.html"),
    ("search", "search/index.html?q=firewall"),
    ("404", "404.html"),
];

fn screenshots_of_every_page_kind(b: &Browser, f: &Fixture) -> Result<(), String> {
    let Some(dir) = std::env::var_os("CAIRN_SHOTS").map(PathBuf::from) else {
        return Ok(());
    };
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let only = std::env::var("CAIRN_SHOTS_ONLY").unwrap_or_default();
    for (build, out) in [("client", f.out.as_path()), ("internal", f.internal())] {
        for (kind, rel) in PAGE_KINDS {
            if !only.is_empty() && !only.split(',').any(|o| o == *kind) {
                continue;
            }
            for (size, width, height, mobile) in
                [("phone", 390, 844, true), ("desk", 1280, 800, false)]
            {
                for dark in [false, true] {
                    let mut tab = b.chrome().tab(&TabOptions {
                        width,
                        height,
                        mobile,
                        dark,
                        print: false,
                        now: Some("2026-11-28T02:00:00-05:00".into()),
                    })?;
                    tab.goto(&file_url(out, rel))?;
                    tab.wait_for(
                        "document.documentElement.classList.contains('js')",
                        Duration::from_secs(3),
                    )?;
                    std::thread::sleep(Duration::from_millis(300));
                    let theme = if dark { "dark" } else { "light" };
                    tab.screenshot(&dir.join(format!("{build}-{kind}-{size}-{theme}.png")))?;
                }
            }
            let mut tab = b.chrome().tab(&TabOptions {
                now: Some("2026-11-28T02:00:00-05:00".into()),
                ..TabOptions::default()
            })?;
            tab.goto(&file_url(out, rel))?;
            std::thread::sleep(Duration::from_millis(300));
            tab.pdf(&dir.join(format!("{build}-{kind}-print.pdf")))?;
        }
    }
    Ok(())
}
