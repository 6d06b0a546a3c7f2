//! `cairn.yaml` and the files under `data/`: each YAML text parsed once, with
//! its key→line map.

use super::*;

/// `cairn.yaml` and the files under `data/`, parsed, with what loading them reported.
pub(super) struct Data {
    pub(super) config: Config,
    pub(super) parties: Vec<Party>,
    pub(super) systems: Vec<SystemEntry>,
    pub(super) activities: Vec<Activity>,
    pub(super) away: Vec<Away>,
    pub(super) holiday_files: HashMap<String, Vec<IcsHoliday>>,
    pub(super) lines: HashMap<String, LineMap>,
    pub(super) texts: HashMap<String, String>,
    pub(super) failed: Failed,
    pub(super) diagnostics: Vec<Diagnostic>,
}

impl Data {
    pub(super) fn load(root: &Path, data_files: &[String]) -> Data {
        let mut diags = Vec::new();
        let mut lines = HashMap::new();
        let mut texts = HashMap::new();
        let mut failed = Failed::default();
        let config =
            match load_yaml::<Config>(root, CONFIG_FILE, &mut diags, &mut lines, &mut texts) {
                Some(c) => c,
                None => {
                    failed.config = true;
                    fallback_config()
                }
            };
        // Every file under data/ is listed, so one that is not the site's own is
        // reported whether or not cairn reads it; only listed files are read.
        let listed = |rel: &str| data_files.iter().any(|f| format!("data/{f}") == rel);
        let parties = if listed(PARTIES_FILE) {
            load_yaml::<Vec<Party>>(root, PARTIES_FILE, &mut diags, &mut lines, &mut texts)
                .unwrap_or_else(|| {
                    failed.parties = true;
                    Vec::new()
                })
        } else {
            Vec::new()
        };
        let activities = if listed(ACTIVITIES_FILE) {
            load_yaml::<Vec<Activity>>(root, ACTIVITIES_FILE, &mut diags, &mut lines, &mut texts)
                .unwrap_or_else(|| {
                    failed.activities = true;
                    Vec::new()
                })
        } else {
            Vec::new()
        };
        let away = if listed(AWAY_FILE) {
            load_yaml::<Vec<Away>>(root, AWAY_FILE, &mut diags, &mut lines, &mut texts)
                .unwrap_or_else(|| {
                    failed.away = true;
                    Vec::new()
                })
        } else {
            Vec::new()
        };
        let holiday_files =
            load_holiday_files(root, &config, &listed, &mut diags, &lines, &mut texts);
        let systems = load_systems(
            root,
            data_files,
            &mut diags,
            (&mut lines, &mut texts),
            &mut failed,
        );
        Data {
            config,
            parties,
            systems,
            activities,
            away,
            holiday_files,
            lines,
            texts,
            failed,
            diagnostics: diags,
        }
    }
}

/// The `{ ics: data/x.ics }` files of `cairn.yaml`'s holiday sets, each read
/// once; a file that is missing or unreadable is `invalid-value` (at the
/// line that names it, or at its own line).
fn load_holiday_files(
    root: &Path,
    config: &Config,
    listed: &dyn Fn(&str) -> bool,
    diags: &mut Vec<Diagnostic>,
    lines: &HashMap<String, LineMap>,
    texts: &mut HashMap<String, String>,
) -> HashMap<String, Vec<IcsHoliday>> {
    let mut files = HashMap::new();
    for (set, entries) in &config.holidays {
        for (i, entry) in entries.iter().enumerate() {
            let crate::model::HolidayEntry::Ics { path } = entry else {
                continue;
            };
            if files.contains_key(path) {
                continue;
            }
            let at = || {
                lines
                    .get(CONFIG_FILE)
                    .and_then(|m| m.line(&["holidays", set, &i.to_string(), "ics"]))
            };
            if !path.starts_with("data/") || !listed(path) {
                diags.push(Diagnostic::new(
                    Code::InvalidValue,
                    CONFIG_FILE,
                    at(),
                    format!(
                        "holiday file `{path}` not found: put the .ics file under data/ and name it from the site root (`data/holidays.ics`)"
                    ),
                ));
                files.insert(path.clone(), Vec::new());
                continue;
            }
            let text = match read_text(root, path) {
                Ok(t) => t,
                Err(d) => {
                    diags.push(d);
                    files.insert(path.clone(), Vec::new());
                    continue;
                }
            };
            let read = crate::ics::read_holidays(&text, path);
            texts.insert(path.clone(), text);
            match read {
                Ok(holidays) => {
                    files.insert(path.clone(), holidays);
                }
                Err(d) => {
                    diags.push(d);
                    files.insert(path.clone(), Vec::new());
                }
            }
        }
    }
    files
}

pub(super) fn fallback_config() -> Config {
    Config {
        title: String::new(),
        base_url: "/".into(),
        timezone: Default::default(),
        audience: Audience::Client,
        review_every: None,
        hours: Default::default(),
        holidays: Default::default(),
        coverage_horizon: None,
        markdown: Default::default(),
        theme: None,
        csp: Default::default(),
        offline: Default::default(),
    }
}

pub(super) fn load_yaml<T: serde::de::DeserializeOwned>(
    root: &Path,
    rel: &str,
    diags: &mut Vec<Diagnostic>,
    lines: &mut HashMap<String, LineMap>,
    texts: &mut HashMap<String, String>,
) -> Option<T> {
    let text = match read_text(root, rel) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let text: &str = texts.entry(rel.to_string()).or_insert(text);
    // An empty list file is an empty list, not an error.
    let text = if yaml::is_blank(text) && rel != CONFIG_FILE {
        "[]"
    } else {
        text
    };
    match yaml::parse::<T>(text, rel, 1, Code::YamlSyntax) {
        Ok(p) => {
            lines.insert(rel.to_string(), p.lines);
            Some(p.value)
        }
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// `data/systems/ID.yaml` of the files listed under `data/`.
pub(super) fn load_systems(
    root: &Path,
    data_files: &[String],
    diags: &mut Vec<Diagnostic>,
    (lines, texts): (&mut HashMap<String, LineMap>, &mut HashMap<String, String>),
    failed: &mut Failed,
) -> Vec<SystemEntry> {
    let mut files: Vec<&str> = data_files
        .iter()
        .filter_map(|f| f.strip_prefix("systems/"))
        .filter(|f| !f.contains('/') && (f.ends_with(".yaml") || f.ends_with(".yml")))
        .collect();
    files.sort();
    type Loaded = (
        String,
        String,
        Option<String>,
        Result<yaml::Parsed<System>, Diagnostic>,
    );
    let parsed: Vec<Loaded> = files
        .par_iter()
        .map(|name| {
            let rel = format!("data/systems/{name}");
            let stem = name
                .trim_end_matches(".yaml")
                .trim_end_matches(".yml")
                .to_string();
            match read_text(root, &rel) {
                Ok(text) => {
                    let result = yaml::parse::<System>(&text, &rel, 1, Code::YamlSyntax);
                    (rel, stem, Some(text), result)
                }
                Err(d) => (rel, stem, None, Err(d)),
            }
        })
        .collect();
    let mut systems = Vec::new();
    for (rel, stem, text, result) in parsed {
        if let Some(text) = text {
            texts.insert(rel.clone(), text);
        }
        match result {
            Ok(p) => {
                if p.value.id.as_str() != stem {
                    diags.push(Diagnostic::new(
                        Code::InvalidValue,
                        &rel,
                        p.lines.line(&["id"]),
                        format!(
                            "system id `{}` must equal its file name `{stem}`",
                            p.value.id
                        ),
                    ));
                    // References by file name are already explained by this error.
                    failed.system_ids.insert(stem);
                }
                lines.insert(rel.clone(), p.lines);
                systems.push(SystemEntry {
                    system: p.value,
                    file: rel,
                });
            }
            Err(d) => {
                diags.push(d);
                failed.system_ids.insert(stem);
            }
        }
    }
    systems
}
