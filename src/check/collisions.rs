//! `output-collision`: two sources that would write one output path, or a
//! file where another source needs a folder (`content/a/b`, a file without
//! extension, beside `content/a/b.md`, built as `a/b/index.html`). Both are
//! named, so the author knows which to rename; without this check the build
//! would fail on the disk (or one file would silently replace the other).
//! Paths compare without case: a site copied to a case-insensitive disk
//! must build the same.

use crate::audience::SiteView;
use crate::diag::{Code, Diagnostic};
use crate::site::Page;
use crate::urls;
use std::collections::{BTreeMap, HashMap};

/// A file the build writes (relative to the output, as written) and the
/// source that writes it, as messages name it.
pub(super) type Output = (String, String);

/// What `page`, one the view shows, writes: its own page (a section's page
/// is its folder's, [`folder_outputs`]) and its aliases; an alias that is no
/// path is reported in `diags`.
pub(super) fn page_outputs(
    page: &Page,
    diags: &mut Vec<Diagnostic>,
) -> (Option<Output>, Vec<Output>) {
    let own = (!page.is_section).then(|| (urls::page(&page.url), page.source.clone()));
    let mut aliases = Vec::new();
    for (i, alias) in page.front.aliases.iter().enumerate() {
        match urls::alias(page.folder(), alias) {
            Some(path) => aliases.push((path, format!("{} (alias `{alias}`)", page.source))),
            None => diags.push(Diagnostic::new(
                Code::InvalidValue,
                &page.source,
                super::front_item_line(page, "aliases", i),
                format!("alias `{alias}` is not a path inside the site: write an old path such as `/old/page/`"),
            )),
        }
    }
    (own, aliases)
}

/// What the view writes besides its pages: each folder's list, the files
/// published beside pages and under `static/`.
pub(super) fn folder_outputs(view: &SiteView) -> Vec<Output> {
    let mut outputs = Vec::new();
    for section in view.sections.values().filter(|s| !s.folder.is_empty()) {
        let source = section.index.map_or_else(
            || format!("the list cairn generates for content/{}/", section.folder),
            |p| p.source.clone(),
        );
        outputs.push((urls::folder(&section.folder), source));
    }
    for asset in &view.assets {
        outputs.push((asset.rel.clone(), format!("content/{}", asset.rel)));
    }
    for file in view.static_files {
        outputs.push((file.clone(), format!("static/{file}")));
    }
    outputs
}

/// Two of `outputs` (pages, then [`folder_outputs`], then aliases) that
/// would write one path, or a file where another needs a folder.
pub(super) fn collisions(outputs: &[Output]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut first: HashMap<String, &str> = HashMap::new();
    let mut reported: BTreeMap<(String, String), String> = BTreeMap::new();
    for (path, source) in outputs {
        match first.get(&path.to_lowercase()) {
            Some(other) if *other != source.as_str() => {
                reported
                    .entry(pair(other, source))
                    .or_insert_with(|| format!("both would be written as `{path}`"));
            }
            Some(_) => {}
            None => {
                first.insert(path.to_lowercase(), source);
            }
        }
    }
    // A file standing where another output needs a folder.
    for (path, source) in outputs {
        let mut folder = path.as_str();
        while let Some((parent, _)) = folder.rsplit_once('/') {
            folder = parent;
            if let Some(other) = first.get(&folder.to_lowercase())
                && *other != source.as_str()
            {
                reported.entry(pair(other, source)).or_insert_with(|| {
                    format!("the file `{folder}` would stand where `{path}` needs a folder")
                });
            }
        }
    }
    diags.extend(reported.into_iter().map(|((a, b), why)| {
        let (file, other) = if a.starts_with("the list") {
            (b.clone(), a.clone())
        } else {
            (a.clone(), b.clone())
        };
        let file_path = file.split(" (alias").next().unwrap_or(&file).to_string();
        Diagnostic::new(
            Code::OutputCollision,
            file_path,
            None,
            format!("{file} and {other} collide: {why}; rename or move one of them"),
        )
    }));
    diags
}

/// The two sources in a stable order.
fn pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}
