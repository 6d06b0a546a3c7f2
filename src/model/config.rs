//! `cairn.yaml`: the site's title, base URL, timezone, default audience and named hours.

use super::{Audience, Duration, HoursSpec, Timezone};
use indexmap::IndexMap;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default)]
    pub timezone: Timezone,
    #[serde(default)]
    pub audience: Audience,
    pub review_every: Option<Duration>,
    #[serde(default)]
    pub hours: IndexMap<String, HoursSpec>,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// A theme folder under `themes/`; the built-in theme when absent.
    pub theme: Option<String>,
}

fn default_base_url() -> String {
    "/".into()
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Raw HTML inside markdown; escaped unless the site allows it.
    #[serde(default)]
    pub raw_html: RawHtmlMode,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtmlMode {
    Allow,
    #[default]
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

    /// `base_url` with exactly one trailing slash.
    pub fn base_url_slash(&self) -> String {
        format!("{}/", self.base_url.trim_end_matches('/'))
    }
}
