//! The markdown under `content/`: front matter, the folder cascade, titles and URLs.

use super::*;

/// Split `---\n…\n---\n` off the top: (front matter text, its first line, body byte offset, body line).
pub(crate) fn split_front_matter(text: &str) -> Result<Option<(&str, usize, usize, usize)>, usize> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_len = match rest.find('\n') {
        Some(i) if rest[..i].trim_end() == "---" => i + 1,
        _ => return Ok(None),
    };
    let mut offset = start + first_len;
    let mut line = 2;
    let fm_start = offset;
    while offset < text.len() {
        let end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        let l = text[offset..end].trim_end();
        if l == "---" || l == "..." {
            return Ok(Some((&text[fm_start..offset], 2, end, line + 1)));
        }
        offset = end;
        line += 1;
    }
    Err(1)
}

/// A folder's `_index.md` (`_index.md` itself at the top of `content/`).
pub(crate) fn is_section_index(rel: &str) -> bool {
    rel == "_index.md" || rel.ends_with("/_index.md")
}

/// `runbooks/m365/reset-mfa.md` → `runbooks/m365/reset-mfa/`; `runbooks/_index.md` → `runbooks/`.
pub(crate) fn url_for(rel: &str) -> String {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    if stem == "_index" {
        String::new()
    } else if let Some(folder) = stem.strip_suffix("/_index") {
        format!("{folder}/")
    } else {
        format!("{stem}/")
    }
}

/// One markdown file as parsed, before the folder cascade.
pub(super) struct RawPage {
    pub(super) rel: String,
    pub(super) text: String,
    pub(super) text_hash: u128,
    pub(super) front: FrontMatter,
    pub(super) front_lines: LineMap,
    pub(super) body_start: usize,
    pub(super) body_line: usize,
    pub(super) scan: Scan,
}

pub(super) fn load_content(
    root: &Path,
    files: &[String],
    config: &Config,
    mut previous: Parsed,
    drafts: bool,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Page>, Vec<Asset>) {
    let today = crate::today();
    let (md, other): (Vec<String>, Vec<String>) =
        files.iter().cloned().partition(|f| f.ends_with(".md"));

    // In source order: a page parsed before is taken back, any other is read.
    let wanted: Vec<Result<(RawPage, Vec<Diagnostic>), String>> = md
        .into_iter()
        .map(|rel| previous.pages.remove(&rel).ok_or(rel))
        .collect();
    let parsed: Vec<(RawPage, Vec<Diagnostic>)> = wanted
        .into_par_iter()
        .map(|page| page.unwrap_or_else(|rel| parse_page(root, &rel)))
        .collect();
    let mut raw = Vec::with_capacity(parsed.len());
    for (page, mut d) in parsed {
        diags.append(&mut d);
        if let Some(d) = generated_clash(&page.rel, true) {
            diags.push(d);
            continue;
        }
        raw.push(page);
    }
    drop_duplicate_urls(&mut raw, diags);
    let (other, clashing): (Vec<String>, Vec<String>) = other
        .into_iter()
        .partition(|rel| generated_clash(rel, false).is_none());
    diags.extend(
        clashing
            .iter()
            .filter_map(|rel| generated_clash(rel, false)),
    );

    // Section front matter cascades audience and review_every to everything below.
    let sections: BTreeMap<String, (Option<Audience>, Option<Duration>)> = raw
        .iter()
        .filter(|p| is_section_index(&p.rel))
        .map(|p| {
            // A held-back `_index.md` holds back its whole folder, as in Hugo.
            let audience = if !drafts && p.front.is_unpublished(today) {
                Some(Audience::Unpublished)
            } else {
                p.front.audience
            };
            (
                folder_of(&p.rel).to_string(),
                (audience, p.front.review_every),
            )
        })
        .collect();
    let cascade = |folder: &str| -> (Audience, Option<Duration>) {
        let mut audience = Audience::Client;
        let mut review = None;
        for ancestor in ancestors(folder) {
            if let Some((a, r)) = sections.get(ancestor) {
                audience = audience.max(a.unwrap_or_default());
                review = r.or(review);
            }
        }
        (audience, review)
    };

    let pages = raw
        .into_par_iter()
        .map(|p| {
            let is_section = is_section_index(&p.rel);
            let (folder_audience, folder_review) = cascade(folder_of(&p.rel));
            // Front matter, else the first H1, else the file name.
            let title = p
                .front
                .title
                .clone()
                .or_else(|| p.scan.first_h1())
                .unwrap_or_else(|| title_from_path(&p.rel));
            let held_back = !drafts && p.front.is_unpublished(today);
            Page {
                source: format!("content/{}", p.rel),
                url: url_for(&p.rel),
                is_section,
                title,
                audience: if held_back {
                    Audience::Unpublished
                } else {
                    folder_audience.max(p.front.audience.unwrap_or_default())
                },
                review_every: p
                    .front
                    .review_every
                    .or(folder_review)
                    .or(config.review_every),
                front: p.front,
                front_lines: p.front_lines,
                body_start: p.body_start,
                body_line: p.body_line,
                text: p.text,
                released: false,
                text_hash: p.text_hash,
                rel: p.rel,
                scan: p.scan,
            }
        })
        .collect();

    let assets = other
        .into_iter()
        .map(|rel| {
            let (audience, _) = cascade(folder_of(&rel));
            Asset { rel, audience }
        })
        .collect();
    (pages, assets)
}

/// A page or file whose output would land in a folder cairn generates
/// (`content/search.md` → `search/index.html`, `content/systems/x.md`), which
/// would overwrite a generated page or be overwritten by one. Compared without
/// case: a site copied to a case-insensitive disk must not change.
pub(super) fn generated_clash(rel: &str, is_page: bool) -> Option<Diagnostic> {
    let out = if is_page {
        url_for(rel)
    } else {
        rel.to_string()
    };
    if let Some(file) = GENERATED_FILES
        .iter()
        .find(|f| f.eq_ignore_ascii_case(&out))
    {
        return Some(Diagnostic::new(
            Code::InvalidValue,
            format!("content/{rel}"),
            None,
            format!("content/{rel} clashes with the `{file}` cairn generates; rename the file"),
        ));
    }
    let (top, _) = out.split_once('/')?;
    let generated = GENERATED_SECTIONS
        .iter()
        .find(|g| g.eq_ignore_ascii_case(top))?;
    let message = if rel.contains('/') {
        format!(
            "content/{top}/ clashes with the `{generated}/` pages cairn generates; rename the folder"
        )
    } else {
        format!(
            "content/{rel} would be built as `{top}/index.html`, which clashes with the `{generated}/` pages cairn generates; rename the file"
        )
    };
    Some(Diagnostic::new(
        Code::InvalidValue,
        format!("content/{rel}"),
        None,
        message,
    ))
}

/// Two sources that build the same page (`content/runbooks.md` and
/// `content/runbooks/_index.md`, or names differing only in case): the section
/// index keeps the URL, and the other file is an error.
pub(super) fn drop_duplicate_urls(raw: &mut Vec<RawPage>, diags: &mut Vec<Diagnostic>) {
    let mut owner: HashMap<String, String> = HashMap::new();
    for p in raw.iter().filter(|p| is_section_index(&p.rel)) {
        owner
            .entry(url_for(&p.rel).to_lowercase())
            .or_insert_with(|| p.rel.clone());
    }
    raw.retain(|p| {
        let url = url_for(&p.rel).to_lowercase();
        match owner.get(&url) {
            Some(first) if *first != p.rel => {
                diags.push(Diagnostic::new(
                    Code::InvalidValue,
                    format!("content/{}", p.rel),
                    None,
                    format!(
                        "content/{} and content/{first} would both be built as `{}index.html`; rename or merge one",
                        p.rel,
                        url_for(first)
                    ),
                ));
                false
            }
            Some(_) => true,
            None => {
                owner.insert(url, p.rel.clone());
                true
            }
        }
    });
}

pub(super) fn folder_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// `a/b` → ``, `a`, `a/b`.
pub(crate) fn ancestors(folder: &str) -> impl Iterator<Item = &str> {
    std::iter::once("").chain(
        folder
            .match_indices('/')
            .map(move |(i, _)| &folder[..i])
            .chain((!folder.is_empty()).then_some(folder)),
    )
}

/// A page's title when its front matter gives none: its file name, or for a
/// section index its folder's.
pub(super) fn title_from_path(rel: &str) -> String {
    if is_section_index(rel) {
        return title_from_folder(folder_of(rel));
    }
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    title_from_name(stem.rsplit('/').next().unwrap_or(stem))
}

/// A folder's title when no `_index.md` gives one: its name (`vpn-and_remote`
/// → `Vpn and remote`), and `Home` for the top of `content/`.
pub(crate) fn title_from_folder(folder: &str) -> String {
    title_from_name(folder.rsplit('/').next().unwrap_or(folder))
}

pub(super) fn title_from_name(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::from("Home"),
    }
}

/// Hugo shortcodes and MkDocs admonitions become the markdown they stand
/// for, line for line, so every later reader (scan, render, checks) sees one
/// text and its lines stay the author's.
fn translated(text: String, body_start: usize) -> (String, Vec<(String, usize)>) {
    match markdown::translate_shortcodes(&text[body_start..]) {
        Some((body, found)) => (format!("{}{body}", &text[..body_start]), found),
        None => (text, Vec::new()),
    }
}

/// The body of `page` read again from its file under `root`, as the load
/// read it: a build lets go of the bodies once they are checked
/// ([`Site::release_bodies`]). A file that changed since is an error: the
/// build would publish what was not checked.
pub(super) fn read_body_again(root: &Path, page: &Page) -> anyhow::Result<String> {
    let changed = || {
        anyhow::anyhow!(
            "{} changed while the site was being built; build again",
            page.source
        )
    };
    let text = read(root, &page.source)
        .and_then(|t| refuse_nul(t, &page.source))
        .map_err(|d| anyhow::anyhow!("{}: {}", page.source, d.message))?;
    if text.len() < page.body_start || !text.is_char_boundary(page.body_start) {
        return Err(changed());
    }
    let (mut text, _) = translated(text, page.body_start);
    if xxhash_rust::xxh3::xxh3_128(text.as_bytes()) != page.text_hash {
        return Err(changed());
    }
    Ok(text.split_off(page.body_start))
}

pub(super) fn parse_page(root: &Path, rel: &str) -> (RawPage, Vec<Diagnostic>) {
    let source = format!("content/{rel}");
    let mut diags = Vec::new();
    let text = match read(root, &source) {
        Ok(t) => t,
        Err(mut d) => {
            d.code = Code::FrontMatter;
            diags.push(d);
            String::new()
        }
    };
    // Nothing of a page with a NUL byte is kept: not its text, not its index entry.
    let text = refuse_nul(text, &source).unwrap_or_else(|d| {
        diags.push(d);
        String::new()
    });
    let mut front = FrontMatter::default();
    let mut front_lines = LineMap::default();
    let (mut body_start, mut body_line) = (0, 1);
    match split_front_matter(&text) {
        Ok(Some((fm, fm_line, start, line))) => {
            body_start = start;
            body_line = line;
            if !yaml::is_blank(fm) {
                match yaml::parse_setting_aside::<FrontMatter>(
                    fm,
                    &source,
                    fm_line,
                    Code::FrontMatter,
                    Some(&crate::model::is_foreign_key),
                ) {
                    Ok(p) => {
                        front = p.value;
                        front.foreign = p.set_aside;
                        front.fold_foreign_meanings();
                        front_lines = p.lines;
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
        Ok(None) => {}
        Err(line) => diags.push(Diagnostic::new(
            Code::FrontMatter,
            &source,
            Some(line),
            "front matter opened with `---` is never closed by a `---` line",
        )),
    }
    if text.trim_start_matches('\u{feff}').starts_with("+++") && body_start == 0 {
        // Hugo's TOML front matter would otherwise be read as the page's text.
        diags.push(Diagnostic::new(
            Code::FrontMatter,
            &source,
            Some(1),
            "TOML front matter (`+++`) is not read: write YAML between `---` lines",
        ));
    }
    let (text, shortcodes) = translated(text, body_start);
    let mut scan = markdown::scan(&text[body_start..]);
    scan.unsupported_shortcodes = shortcodes;
    (
        RawPage {
            rel: rel.to_string(),
            text_hash: xxhash_rust::xxh3::xxh3_128(text.as_bytes()),
            text,
            front,
            front_lines,
            body_start,
            body_line,
            scan,
        },
        diags,
    )
}
