//! Every output path of a build, relative to the output root, named once.
//!
//! The render jobs write these files; links, the search index, `cairn.json`,
//! the secrets gate and `cairn serve` point at them or trace them back to
//! their sources. A page's path is also its URL (relative links are made
//! from two of them, see `render::relative_url`); a folder's URL is its
//! path without `index.html`.

/// The home page.
pub(crate) const HOME: &str = "index.html";
/// Who answers every system now.
pub(crate) const NOW: &str = "now/index.html";
/// The RACI matrix of every system.
pub(crate) const MATRIX: &str = "matrix/index.html";
/// Runbooks due for review.
pub(crate) const REVIEW: &str = "review/index.html";
/// The search page.
pub(crate) const SEARCH: &str = "search/index.html";
/// What a server shows for a path the site does not have.
pub(crate) const NOT_FOUND: &str = "404.html";

/// The whole site as data.
pub(crate) const CAIRN_JSON: &str = "cairn.json";
/// The JSON schema of `cairn.json`.
pub(crate) const CAIRN_SCHEMA: &str = "cairn.schema.json";
/// The RACI matrix as CSV.
pub(crate) const MATRIX_CSV: &str = "matrix.csv";
/// Every contact of the site as vCards.
pub(crate) const SITE_VCARDS: &str = "contacts.vcf";
/// Who answers each system first over the coverage horizon, as an iCalendar feed.
pub(crate) const ONCALL_ICS: &str = "oncall.ics";
/// Every holiday of the site's sets, as an iCalendar feed.
pub(crate) const HOLIDAYS_ICS: &str = "holidays.ics";

/// The search index's metadata, read first.
pub(crate) const SEARCH_META: &str = "search/meta.js";
/// Where the search index's term shards live.
pub(crate) const SEARCH_TERMS_DIR: &str = "search/t/";

/// The URL of the page at `path`: its folder, ending in `/` (`""` for the
/// home page), as a server resolves it.
pub(crate) fn url_of(path: &str) -> &str {
    path.strip_suffix("index.html").unwrap_or(path)
}

/// The page of a runbook whose URL is `url` (`""` for the home page,
/// otherwise ending in `/`): `runbooks/reset-mfa/index.html`.
pub(crate) fn page(url: &str) -> String {
    format!("{url}index.html")
}

/// The index page of `folder` (a path without trailing `/`; `""` is the
/// root): `runbooks/index.html`.
pub(crate) fn folder(folder: &str) -> String {
    if folder.is_empty() {
        HOME.to_string()
    } else {
        format!("{folder}/index.html")
    }
}

/// The output file of an old path of a page in `folder` (its `aliases`):
/// `/old/` from the top, `old` from the page's folder, → `old/index.html`;
/// `old.html` stays a file. `None` for what is no path inside the site.
pub(crate) fn alias(folder: &str, alias: &str) -> Option<String> {
    let alias = alias.trim();
    let alias = alias.split(['#', '?']).next().unwrap_or_default();
    if alias.is_empty() || alias.contains(':') || alias.starts_with("//") || alias.contains('\\') {
        return None;
    }
    let (base, rest) = match alias.strip_prefix('/') {
        Some(rest) => ("", rest),
        None => (folder, alias),
    };
    let (path, _) = normalize(base, rest)?;
    if path.is_empty() {
        return None;
    }
    if path.ends_with(".html") || path.ends_with(".htm") {
        Some(path)
    } else {
        Some(format!("{path}/index.html"))
    }
}

/// `systems/ID/index.html`.
pub(crate) fn system(id: &str) -> String {
    format!("systems/{id}/index.html")
}

/// `parties/ID/index.html`.
pub(crate) fn party(id: &str) -> String {
    format!("parties/{id}/index.html")
}

/// `systems/ID/raci.csv`.
pub(crate) fn system_csv(id: &str) -> String {
    format!("systems/{id}/raci.csv")
}

/// `parties/ID/contacts.vcf`.
pub(crate) fn party_vcards(id: &str) -> String {
    format!("parties/{id}/contacts.vcf")
}

/// `systems/ID/oncall.ics`: who answers the system first, as an iCalendar feed.
pub(crate) fn system_ics(id: &str) -> String {
    format!("systems/{id}/oncall.ics")
}

/// `rotations/PARTY-NAME.ics`: who holds a party's rotation (internal builds).
/// A name that is not already lowercase letters, digits and `-` is made so,
/// with a short hash of it, so two names never share a file.
pub(crate) fn rotation_ics(party: &str, name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if plain {
        return format!("rotations/{party}-{name}.ics");
    }
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let hash = xxhash_rust::xxh3::xxh3_64(name.as_bytes()) as u32;
    let slug = slug.trim_matches('-');
    if slug.is_empty() {
        format!("rotations/{party}-{hash:08x}.ics")
    } else {
        format!("rotations/{party}-{slug}-{hash:08x}.ics")
    }
}

/// The search index's term shard `n`: `search/t/N.js`.
pub(crate) fn search_terms(n: usize) -> String {
    format!("{SEARCH_TERMS_DIR}{n}.js")
}

/// The search index's document shard `n`: `search/d/N.js`.
pub(crate) fn search_docs(n: usize) -> String {
    format!("search/d/{n}.js")
}

/// Join `rest` onto `base` (both relative to `content/`), resolving `.` and `..`.
/// Returns the path and whether it names a folder (trailing `/`, `.` or `..`);
/// `None` when it climbs out of `content/`.
pub(crate) fn normalize(base: &str, rest: &str) -> Option<(String, bool)> {
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    let mut folder_like = rest.is_empty() || rest.ends_with('/');
    for seg in rest.split('/') {
        match seg {
            "" => {}
            "." => folder_like = true,
            ".." => {
                parts.pop()?;
                folder_like = true;
            }
            s => {
                parts.push(s);
                folder_like = false;
            }
        }
    }
    if rest.ends_with('/') {
        folder_like = true;
    }
    Some((parts.join("/"), folder_like))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_the_ones_spec_names() {
        assert_eq!(page(""), HOME);
        assert_eq!(page("runbooks/reset-mfa/"), "runbooks/reset-mfa/index.html");
        assert_eq!(folder(""), HOME);
        assert_eq!(folder("runbooks"), "runbooks/index.html");
        assert_eq!(url_of("runbooks/index.html"), "runbooks/");
        assert_eq!(url_of(HOME), "");
        assert_eq!(url_of(NOT_FOUND), NOT_FOUND);
        assert_eq!(system("m365"), "systems/m365/index.html");
        assert_eq!(party("acme-it"), "parties/acme-it/index.html");
        assert_eq!(system_csv("m365"), "systems/m365/raci.csv");
        assert_eq!(party_vcards("acme-it"), "parties/acme-it/contacts.vcf");
        assert_eq!(search_terms(3), "search/t/3.js");
        assert_eq!(search_docs(0), "search/d/0.js");
        assert_eq!(system_ics("m365"), "systems/m365/oncall.ics");
        assert_eq!(
            rotation_ics("bright", "on-call"),
            "rotations/bright-on-call.ics"
        );
        let odd = rotation_ics("bright", "On call");
        assert!(
            odd.starts_with("rotations/bright-on-call-") && odd.ends_with(".ics"),
            "{odd}"
        );
        assert_ne!(odd, rotation_ics("bright", "On-call"));
    }
}
