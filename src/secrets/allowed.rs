//! What the authors allowed past the secrets scan on purpose (an allow
//! comment on the line, a page with `allow_secrets: true`): the output gate
//! lets the same text through wherever the build publishes it.

use super::sources::source_hits;
use crate::site::Site;
use std::collections::HashSet;

/// What the authors allowed on purpose (an allow comment on the line, a page
/// with `allow_secrets: true`): the text of each such hit, so the output gate
/// lets the same text through where the build publishes it.
pub(crate) fn allowed_evidence(site: &Site) -> HashSet<String> {
    source_hits(site)
        .into_iter()
        .flat_map(|found| {
            let page_allows = found.page_allows;
            found
                .hits
                .into_iter()
                .filter(move |h| h.allowed || page_allows)
                .map(|h| h.hit.evidence)
        })
        .collect()
}
