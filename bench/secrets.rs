//! How fast the secret scan reads: the source scan of a markdown page and the
//! output gate over rendered HTML, in MB/s. A benchmark, not a test: figures
//! on a shared machine say little about correctness.
//!
//! ```sh
//! cargo bench --bench secrets                 # built-in workloads
//! cargo bench --bench secrets -- public/      # also every file of a built site
//! ```

use cairn::secrets::gate::output_hits;
use cairn::secrets::scan::{Syntax, scan_text};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A runbook page: prose that names passwords and tokens, and a fenced block.
fn page() -> String {
    "---\ntitle: T\nsystems: [m365]\n---\n## Steps\n\nReset the password for the user in the admin portal and confirm the token was revoked.\n\n```powershell\nGet-MgUser -UserId dana@acme.example | Select-Object DisplayName, AccountEnabled\n```\n\n".repeat(40)
}

/// The same page as cairn renders it, in a page's chrome.
fn html_page() -> String {
    let mut html = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Reset a password &middot; Acme</title>\n<link rel=\"stylesheet\" href=\"../../assets/cairn.css\"></head>\n<body>\n<nav class=\"site-nav\" aria-label=\"Sections\"><a href=\"../../\">Home</a> <a href=\"../../runbooks/\">Runbooks</a></nav>\n<main>\n",
    );
    for i in 0..40 {
        html.push_str(&format!("<h2 id=\"steps-{i}\">Steps</h2>\n<p>Reset the password for the user in the <a href=\"../admin/\">admin portal</a> and confirm the token was revoked &mdash; see <code>Get-MgUser</code>.</p>\n<pre class=\"code\"><code class=\"language-powershell\"><span class=\"k\">Get-MgUser</span> -UserId dana@acme.example | Select-Object DisplayName, AccountEnabled\n</code></pre>\n"));
    }
    html.push_str("</main>\n<footer>Built by cairn</footer>\n<script src=\"../../assets/cairn.js\" defer></script>\n</body></html>\n");
    html
}

/// Run `f` over `bytes` of input `reps` times; print MB/s.
fn measure(name: &str, bytes: usize, reps: usize, mut f: impl FnMut() -> usize) {
    let mut hits = f(); // warm-up: lazily compiled patterns, caches
    let started = Instant::now();
    for _ in 0..reps {
        hits += f();
    }
    let secs = started.elapsed().as_secs_f64();
    let mb = (bytes * reps) as f64 / 1e6;
    println!(
        "{name:<34} {mb:>8.1} MB in {secs:>6.3} s  {:>7.1} MB/s  ({} hits)",
        mb / secs,
        hits / (reps + 1)
    );
}

/// A built file: its path under the site, its bytes.
type OutputFile = (String, Vec<u8>);

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let page = page();
    measure("source scan, markdown page", page.len(), 400, || {
        let mut n = 0;
        scan_text(
            black_box(&page),
            Syntax::Markdown { body_line: 5 },
            &mut |_| n += 1,
        );
        n
    });
    let html = html_page();
    measure("output gate, rendered page", html.len(), 400, || {
        let mut n = 0;
        output_hits(
            "runbooks/a/index.html",
            black_box(html.as_bytes()),
            &mut |_, _| n += 1,
        );
        n
    });
    // `cargo bench` passes `--bench`; any other argument is a built site.
    for dir in std::env::args().skip(1).filter(|a| !a.starts_with("--")) {
        let root = PathBuf::from(&dir);
        let mut paths = Vec::new();
        files(&root, &mut paths);
        let mut kinds: Vec<(&str, Vec<OutputFile>)> = vec![
            ("html", Vec::new()),
            ("search", Vec::new()),
            ("other", Vec::new()),
        ];
        for path in paths {
            let rel = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            // The gate passes cairn's own assets by their bytes.
            if cairn::render::is_builtin_asset(&rel, &bytes) {
                continue;
            }
            let kind = if rel.ends_with(".html") {
                0
            } else if rel.starts_with("search/") {
                1
            } else {
                2
            };
            kinds[kind].1.push((rel, bytes));
        }
        for (kind, list) in &kinds {
            let total: usize = list.iter().map(|(_, b)| b.len()).sum();
            measure(
                &format!("output gate, {dir} {kind} ({})", list.len()),
                total,
                1,
                || {
                    let mut n = 0;
                    for (rel, bytes) in list {
                        output_hits(rel, black_box(bytes), &mut |_, _| n += 1);
                    }
                    n
                },
            );
        }
    }
}
