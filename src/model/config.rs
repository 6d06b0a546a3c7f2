//! `cairn.yaml`: the site's title, base URL, timezone, default audience and named hours.

use super::{Audience, Duration, HolidayEntry, HoursSpec, Timezone};
use indexmap::IndexMap;
use serde::Deserialize;

/// `cairn.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The site's title, in every page's header.
    pub title: String,
    /// Where the site is published (`/` when not given); sitemap and absolute links start with it.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// The timezone of hours and "now" (IANA name; UTC when not given).
    #[serde(default)]
    pub timezone: Timezone,
    /// Who a build is for when `--audience` is not given.
    #[serde(default)]
    pub audience: Audience,
    /// How often a runbook is reviewed, unless its front matter says.
    pub review_every: Option<Duration>,
    /// Named hours (`business: { days: mon-fri, ... }`) that parties and levels refer to.
    #[serde(default)]
    pub hours: IndexMap<String, HoursSpec>,
    /// Named sets of closed dates (site timezone) that hours windows name in
    /// `closed_on:` and `on:`.
    #[serde(default)]
    pub holidays: IndexMap<String, Vec<HolidayEntry>>,
    /// How far ahead `check` looks at dated coverage; 90 days when absent.
    pub coverage_horizon: Option<Duration>,
    /// How markdown is rendered.
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// A theme folder under `themes/`; the built-in theme when absent.
    pub theme: Option<String>,
    /// Additions to the pages' Content-Security-Policy.
    #[serde(default)]
    pub csp: CspConfig,
    /// What the service worker keeps offline.
    #[serde(default)]
    pub offline: OfflineConfig,
}

/// Additions to the pages' Content-Security-Policy.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CspConfig {
    /// Origins remote images may come from (`https://images.example.com`),
    /// checked by `check_config`.
    #[serde(default)]
    pub img_src: Vec<ImageOrigin>,
}

/// `https://host` or `http://host:port`, optionally `https://*.host`: an
/// origin as CSP writes it, and nothing that could break out of the policy.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct ImageOrigin {
    /// Lowercase, without a trailing `/`.
    pub origin: String,
}

impl ImageOrigin {
    /// Reads `https://host`, `http://host:port` or `https://*.host`; the error says what to write.
    pub fn parse(text: &str) -> Result<ImageOrigin, String> {
        let bad = || {
            format!(
                "`{text}` is not an image origin: write `https://host` (or `http://host:port`, \
                 `https://*.host`), without a path"
            )
        };
        let lower = text.trim().trim_end_matches('/').to_ascii_lowercase();
        let (scheme, rest) = lower.split_once("://").ok_or_else(bad)?;
        if !matches!(scheme, "http" | "https") {
            return Err(bad());
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        };
        let host_name = host.strip_prefix("*.").unwrap_or(host);
        let host_ok = !host_name.is_empty()
            && host_name.split('.').all(|label| {
                !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        let port_ok = port
            .is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()));
        if !host_ok || !port_ok {
            return Err(bad());
        }
        Ok(ImageOrigin { origin: lower })
    }

    /// Whether an absolute `http(s)` URL is on this origin.
    pub fn allows(&self, url: &str) -> bool {
        let Some((scheme, host, port)) = url_origin(url) else {
            return false;
        };
        let Some((my_scheme, my_rest)) = self.origin.split_once("://") else {
            return false;
        };
        let (my_host, my_port) = match my_rest.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (my_rest, None),
        };
        let default_port = if scheme == "https" { "443" } else { "80" };
        // A source without a port allows the URL scheme's default port only.
        let port_matches = match my_port {
            Some(p) => port.as_deref().unwrap_or(default_port) == p,
            None => port.is_none() || port.as_deref() == Some(default_port),
        };
        // CSP lets an `http:` source match `https:` too, never the reverse.
        let scheme_matches = my_scheme == scheme || (my_scheme == "http" && scheme == "https");
        let host_matches = match my_host.strip_prefix("*.") {
            Some(suffix) => host.ends_with(&format!(".{suffix}")),
            None => host == my_host,
        };
        scheme_matches && host_matches && port_matches
    }
}

/// The scheme, host and port of an absolute `http(s)` (or `//host`) URL,
/// lowercased: `https://Img.example:8443/a.png` → (`https`, `img.example`, `8443`).
pub fn url_origin(url: &str) -> Option<(String, String, Option<String>)> {
    let url = url.trim();
    let (scheme, rest) = if let Some(rest) = url.strip_prefix("//") {
        ("https".to_owned(), rest)
    } else {
        let (scheme, rest) = url.split_once("://")?;
        (scheme.to_ascii_lowercase(), rest)
    };
    if !matches!(scheme.as_str(), "http" | "https") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.strip_prefix('[') {
        // An IPv6 literal: `[::1]:8080`.
        Some(v6) => {
            let (addr, after) = v6.split_once(']')?;
            (addr, after.strip_prefix(':').map(str::to_owned))
        }
        None => match host_port.split_once(':') {
            Some((h, p)) => (h, Some(p.to_owned())),
            None => (host_port, None),
        },
    };
    (!host.is_empty()).then(|| (scheme, host.to_ascii_lowercase(), port))
}

impl TryFrom<String> for ImageOrigin {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        ImageOrigin::parse(&s)
    }
}

/// `offline:` — what the service worker keeps on readers' devices.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfflineConfig {
    /// Precache at most this much (`50MB`); over it only pages, theme assets and
    /// the search terms are kept.
    pub budget: Option<ByteSize>,
}

/// A size as authors write it: `50MB`, `500 KB`, `1GB`, `2MiB` (KB = 1000 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct ByteSize(pub u64);

impl TryFrom<String> for ByteSize {
    type Error = String;
    fn try_from(s: String) -> Result<ByteSize, String> {
        let bad =
            || format!("invalid size `{s}`: write a number and a unit, like 50MB, 500KB or 1GB");
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (digits, unit) = t.split_at(split);
        let n: u64 = digits.parse().map_err(|_| bad())?;
        let per: u64 = match unit.trim() {
            "B" => 1,
            "KB" | "kB" => 1000,
            "MB" => 1000 * 1000,
            "GB" => 1000 * 1000 * 1000,
            "KiB" => 1 << 10,
            "MiB" => 1 << 20,
            "GiB" => 1 << 30,
            _ => return Err(bad()),
        };
        n.checked_mul(per).map(ByteSize).ok_or_else(bad)
    }
}

fn default_base_url() -> String {
    "/".into()
}

/// `markdown:` in `cairn.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Raw HTML inside markdown: sanitized to a GitHub-like allowlist
    /// unless the site asks for it escaped or allowed.
    #[serde(default)]
    pub raw_html: RawHtmlMode,
}

/// What happens to raw HTML written in markdown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtmlMode {
    /// Kept to GitHub's allowlist (the default).
    #[default]
    Sanitize,
    /// Passed through as written.
    Allow,
    /// Shown as text.
    Escape,
}

impl Config {
    /// The named hours, with `24x7` always available as a name of its own.
    pub fn hours_named(&self, name: &str) -> Option<HoursSpec> {
        match self.hours.get(name) {
            Some(spec) => Some(spec.clone()),
            None if name == "24x7" => Some(HoursSpec::Always),
            None => None,
        }
    }

    /// `coverage_horizon`, else 90 days.
    pub fn horizon(&self) -> Duration {
        self.coverage_horizon
            .unwrap_or(Duration::from_minutes(90 * 24 * 60))
    }

    /// The site's timezone.
    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.0.parse().unwrap_or(chrono_tz::UTC)
    }

    /// `base_url` with exactly one trailing slash.
    pub fn base_url_slash(&self) -> String {
        format!("{}/", self.base_url.trim_end_matches('/'))
    }
}
