//! `offline-budget`: the files copied as they are (`static/`, images next to
//! pages) alone exceed what the service worker may keep on a reader's device.
//! The build knows the exact size of everything and says what it left out.

use crate::diag::{Code, Diagnostic};
use crate::offline::DEFAULT_BUDGET;
use crate::site::Site;

pub(super) fn check_offline_budget(site: &Site) -> Option<Diagnostic> {
    let budget = site.config.offline.budget.unwrap_or(DEFAULT_BUDGET);
    let size = |path: std::path::PathBuf| std::fs::metadata(path).map_or(0, |m| m.len());
    let copied: u64 = site
        .static_files
        .iter()
        .map(|rel| size(site.root.join("static").join(rel)))
        .chain(
            site.assets
                .iter()
                .map(|a| size(site.root.join("content").join(&a.rel))),
        )
        .sum();
    (copied > budget.0).then(|| {
        Diagnostic::new(
            Code::OfflineBudget,
            "cairn.yaml",
            None,
            format!(
                "static files and images alone are {:.1} MB, over the offline budget of {:.1} MB: \
                 readers' devices will keep only pages, theme assets and search terms; \
                 raise `offline: {{ budget: … }}` or make the files smaller",
                copied as f64 / 1e6,
                budget.0 as f64 / 1e6
            ),
        )
    })
}
