//! Template contexts: for each page, exactly the data that page shows, as one
//! typed struct per page kind (the [`Base`] every page shares flattened in), so
//! the theme's contract is the structs' fields.
//!
//! Every `url` in a context is a path from the output root (`systems/m365/index.html`);
//! templates print `{{ root }}{{ x.url }}`, where `root` climbs from the page to
//! the output root (`../../`), so every link is relative.
//!
//! What a page shows is decided in the view ([`SiteView`]: gaps, responsibilities,
//! review order); here it is only shaped for the templates.

mod cards;
mod home;
mod ladder;
mod matrix;
mod now;
mod page;
mod party;
mod review;
mod system;

use super::{Job, RenderOptions};
use crate::audience::SiteView;
use crate::links::Resolver;
use crate::markdown::{self, RawHtml};
use crate::model::RawHtmlMode;
use crate::site::Page;
use crate::urls;
use cards::{Link, SystemCard, system_card};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::Serialize;

pub(super) use cards::{ReviewCtx, review};

/// Characters escaped in URL paths we build from file names.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\'');

pub(super) fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

#[derive(Serialize)]
struct SiteCtx<'c> {
    title: &'c str,
    base_url: &'c str,
    timezone: &'c str,
    audience: &'static str,
}

/// What every page's context holds (`base.html` uses it).
#[derive(Serialize)]
struct Base<'c> {
    site: SiteCtx<'c>,
    title: &'c str,
    /// `../` once per folder from the page up to the output root.
    root: String,
    page_path: &'c str,
    /// The page's absolute URL, when `base_url` is absolute.
    canonical: Option<String>,
    nav: &'c [Link],
    /// The page draws a diagram: the theme then loads its script.
    has_diagram: bool,
    /// The page shows a ladder: it loads the calendar (`assets/calendar.js`).
    has_ladder: bool,
    meta_description: Option<&'c str>,
    csp_img_src: &'c str,
    offline_zip: bool,
    today: String,
}

/// A page's context with the template that renders it: one struct per page
/// kind, each with the [`Base`] flattened in.
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum PageContext<'c> {
    Home(home::HomeCtx<'c>),
    Section(home::SectionCtx<'c>),
    Page(page::PageCtx<'c>),
    System(system::SystemCtx<'c>),
    Party(party::PartyCtx<'c>),
    Matrix(matrix::MatrixCtx<'c>),
    Review(review::ReviewPageCtx<'c>),
    Search(SystemListCtx<'c>),
    Now(now::NowCtx<'c>),
    NotFound(SystemListCtx<'c>),
}

impl PageContext<'_> {
    /// The theme template this page is rendered with.
    pub(super) fn template(&self) -> &'static str {
        match self {
            PageContext::Home(_) => "home.html",
            PageContext::Section(_) => "section.html",
            PageContext::Page(_) => "page.html",
            PageContext::System(_) => "system.html",
            PageContext::Party(_) => "party.html",
            PageContext::Matrix(_) => "matrix.html",
            PageContext::Review(_) => "review.html",
            PageContext::Search(_) => "search.html",
            PageContext::Now(_) => "now.html",
            PageContext::NotFound(_) => "404.html",
        }
    }

    pub(super) fn to_tera(&self) -> tera::Result<tera::Context> {
        tera::Context::from_serialize(self)
    }
}

/// The search page and the 404 page: every system, to go straight to one.
#[derive(Serialize)]
pub(super) struct SystemListCtx<'c> {
    #[serde(flatten)]
    base: Base<'c>,
    systems: Vec<SystemCard<'c>>,
}

/// A page's markdown rendered for its context.
struct Body {
    html: String,
    has_diagram: bool,
    /// The body's opening H1, taken out of `html`: the page's one `<h1>`,
    /// which the theme prints in place of its own.
    heading: Option<String>,
}

/// `html`'s leading `<h1>…</h1>`, split off.
fn split_leading_h1(html: String) -> (Option<String>, String) {
    let trimmed = html.trim_start();
    if trimmed.starts_with("<h1")
        && let Some(end) = trimmed.find("</h1>")
    {
        let end = end + "</h1>".len();
        let heading = trimmed[..end].to_string();
        let rest = trimmed[end..].trim_start_matches('\n').to_string();
        return (Some(heading), rest);
    }
    (None, html)
}

/// Data every page of one build shares; contexts are built from it per page.
pub(super) struct Shared<'v, 'a> {
    view: &'v SiteView<'a>,
    opts: &'v RenderOptions,
    resolver: &'v Resolver<'a>,
    raw_html: RawHtml,
    nav: Vec<Link>,
    /// `base_url` when it is absolute (has a scheme): canonical links and the sitemap need one.
    absolute_base: Option<String>,
    /// The site's escalation guide, linked from call cards when nobody answers.
    escalation_guide: Option<Link>,
    /// `csp.img_src` for the pages' policy: ` https://a.example https://b.example`.
    csp_img_src: String,
    /// Fingerprinting ([`super::Fingerprints`]): bodies are not rendered but
    /// stand as their source text's hash with this hash of every link target.
    body_keys: Option<u128>,
    /// Fingerprinting: each system's call card, hashed once when first
    /// shown, by system id (every page naming the system shows the same card).
    ladder_keys: std::collections::HashMap<
        &'a str,
        (
            &'v crate::audience::SystemView<'a>,
            std::sync::OnceLock<String>,
        ),
    >,
    /// Fingerprinting: each page's card, hashed once when first shown, by
    /// source (a runbook's card is on its section, its systems' pages and
    /// the review queue).
    card_keys: std::collections::HashMap<&'a str, (&'a Page, std::sync::OnceLock<String>)>,
    /// Fingerprinting: the cards' memo of the last rebuild.
    known_cards: Option<&'v CardMemo>,
    /// Fingerprinting: what each card hashed now is made of and its hash, by
    /// source, for the next rebuild to take back.
    card_memo: std::sync::Mutex<CardMemo>,
    /// The calendar over the build's span, expanded on first use: shared by
    /// `assets/calendar.js`, the coverage charts and the now board.
    calendar: std::sync::OnceLock<crate::calendar::Calendar<'a>>,
    /// Each system's call card context, by system id, made on first use:
    /// every runbook naming the system shows the same.
    ladders: std::sync::OnceLock<std::collections::HashMap<&'a str, ladder::LadderCtx<'v>>>,
    /// Each system's ladder as runbook pages show it, by system id and
    /// `root`: every runbook naming the system at that depth shows the same.
    runbook_ladders: std::sync::Mutex<std::collections::HashMap<(String, String), String>>,
}

/// What `runbook_ladder.html` renders: one system's ladder and call card.
#[derive(Serialize)]
struct RunbookLadderCtx<'c> {
    site: SiteCtx<'c>,
    root: &'c str,
    ladder: &'c ladder::LadderCtx<'c>,
    escalation_guide: &'c Option<Link>,
}

/// The template a runbook page's ladders are rendered with, once per system
/// and page depth ([`Shared::render_ladders`]).
pub(super) const RUNBOOK_LADDER: &str = "runbook_ladder.html";

/// Page source → (hash of what its card is made of, hash of the card): a
/// card is made of its page's source and front matter, the view's frame
/// (the data files, sections, audience) and the day.
pub(in crate::render) type CardMemo = std::collections::HashMap<String, (u128, u128)>;

/// A page's `<meta name="description">`: its front matter's, else the
/// start of its first paragraph.
fn meta_description(page: &Page) -> Option<&str> {
    page.front
        .description
        .as_deref()
        .or(Some(page.scan.summary.as_str()))
        .filter(|d| !d.trim().is_empty())
}

impl<'v, 'a> Shared<'v, 'a> {
    pub(super) fn new(
        view: &'v SiteView<'a>,
        opts: &'v RenderOptions,
        resolver: &'v Resolver<'a>,
    ) -> Self {
        let mut nav: Vec<Link> = view
            .sections
            .get("")
            .map(|root| {
                root.subsections
                    .iter()
                    .filter_map(|f| view.sections.get(f))
                    .map(|s| Link {
                        title: s.title.clone(),
                        url: encode_path(&urls::folder(&s.folder)),
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (title, url) in [
            ("Now", urls::NOW),
            ("Matrix", urls::MATRIX),
            ("Review", urls::REVIEW),
        ] {
            nav.push(Link {
                title: title.into(),
                url: url.into(),
            });
        }
        let base = view.config.base_url_slash();
        Shared {
            view,
            opts,
            resolver,
            raw_html: match view.config.markdown.raw_html {
                RawHtmlMode::Sanitize => RawHtml::Sanitize,
                RawHtmlMode::Allow => RawHtml::Allow,
                RawHtmlMode::Escape => RawHtml::Escape,
            },
            nav,
            absolute_base: base.contains("://").then_some(base),
            escalation_guide: escalation_guide(view),
            csp_img_src: view
                .config
                .csp
                .img_src
                .iter()
                .map(|o| format!(" {}", o.origin))
                .collect(),
            body_keys: None,
            ladder_keys: Default::default(),
            card_keys: Default::default(),
            known_cards: None,
            card_memo: Default::default(),
            calendar: std::sync::OnceLock::new(),
            ladders: std::sync::OnceLock::new(),
            runbook_ladders: Default::default(),
        }
    }

    /// A runbook page's ladders, each rendered by `render` from a
    /// [`RUNBOOK_LADDER`] context once per system and page depth.
    pub(super) fn render_ladders(
        &self,
        ctx: &mut PageContext,
        render: &dyn Fn(&tera::Context) -> Result<String, String>,
    ) -> Result<(), String> {
        let PageContext::Page(page) = ctx else {
            return Ok(());
        };
        page.render_ladders(|ladder, root| {
            let key = (ladder.system_id().to_string(), root.to_string());
            // A poisoned lock only costs the sharing, never the page.
            let known = self.runbook_ladders.lock().ok();
            if let Some(html) = known.and_then(|m| m.get(&key).cloned()) {
                return Ok(html);
            }
            let ctx = tera::Context::from_serialize(RunbookLadderCtx {
                site: self.site_ctx(),
                root,
                ladder,
                escalation_guide: &self.escalation_guide,
            })
            .map_err(|e| e.to_string())?;
            let html = render(&ctx)?;
            if let Ok(mut known) = self.runbook_ladders.lock() {
                known.insert(key, html.clone());
            }
            Ok(html)
        })
    }

    fn site_ctx(&self) -> SiteCtx<'v> {
        let config = self.view.config;
        SiteCtx {
            title: &config.title,
            base_url: &config.base_url,
            timezone: &config.timezone.0,
            audience: self.view.audience.as_str(),
        }
    }

    /// The call card context of the system `id` (None when the view has no
    /// such system), made once per build.
    fn ladder(&self, id: &str) -> Option<&ladder::LadderCtx<'v>> {
        let view: &'v SiteView<'a> = self.view;
        self.ladders
            .get_or_init(|| {
                view.systems
                    .iter()
                    .map(|s| (s.id, ladder::ladder(s)))
                    .collect()
            })
            .get(id)
    }

    /// The calendar of this render (see [`SiteView::calendar`]).
    pub(in crate::render) fn calendar(&self) -> &crate::calendar::Calendar<'a> {
        self.calendar
            .get_or_init(|| self.view.calendar(self.opts.today))
    }

    pub(super) fn view(&self) -> &'v SiteView<'a> {
        self.view
    }

    pub(super) fn today(&self) -> chrono::NaiveDate {
        self.opts.today
    }

    /// The feeds' DTSTAMP (Unix seconds), see [`RenderOptions::stamp`].
    pub(super) fn stamp(&self) -> i64 {
        self.opts.stamp
    }

    /// Contexts whose bodies are keys, not HTML: what a page shows, cheaply.
    /// A card made of what it was made of in `known` keeps its key. Keys are
    /// made when first shown: a body edit fingerprints one page, which shows
    /// its own card and its systems' ladders.
    pub(super) fn with_body_keys(self, links: u128, known: &'v CardMemo) -> Self {
        let ladder_keys = self
            .view
            .systems
            .iter()
            .map(|s| (s.id, (s, std::sync::OnceLock::new())))
            .collect();
        let card_keys = self
            .view
            .pages
            .iter()
            .map(|p| (p.source.as_str(), (*p, std::sync::OnceLock::new())))
            .collect();
        Shared {
            body_keys: Some(links),
            ladder_keys,
            card_keys,
            known_cards: Some(known),
            ..self
        }
    }

    /// Fingerprinting: the key standing for the call card of the system `id`.
    pub(super) fn ladder_key(&self, id: &str) -> Option<&str> {
        let (system, key) = self.ladder_keys.get(id)?;
        let key = key.get_or_init(|| {
            let json = serde_json::to_vec(&ladder::ladder(system)).unwrap_or_default();
            let hash = xxhash_rust::xxh3::xxh3_128(&json);
            format!("ladder {} {hash:032x}", system.id)
        });
        Some(key)
    }

    /// Fingerprinting: the key standing for `p`'s card, when fingerprinting.
    fn card_key_of(&self, p: &Page) -> Option<&str> {
        let (page, key) = self.card_keys.get(p.source.as_str())?;
        let key = key.get_or_init(|| {
            let mut made_of = xxhash_rust::xxh3::Xxh3::new();
            made_of.update(&self.view.frame.to_le_bytes());
            let today = self.opts.today.to_string();
            for part in [
                today.as_str(),
                page.source.as_str(),
                &page.text[..page.body_start],
            ] {
                made_of.update(part.as_bytes());
                made_of.update(&[0]);
            }
            let made_of = made_of.digest128();
            let known = self.known_cards.and_then(|k| k.get(page.source.as_str()));
            let key = match known {
                Some(&(was_made_of, key)) if was_made_of == made_of => key,
                _ => {
                    let json = serde_json::to_vec(&self.card_of(page)).unwrap_or_default();
                    xxhash_rust::xxh3::xxh3_128(&json)
                }
            };
            if let Ok(mut memo) = self.card_memo.lock() {
                memo.insert(page.source.clone(), (made_of, key));
            }
            // The card shows its page's URL: no two pages' keys agree.
            format!("card {key:032x}")
        });
        Some(key)
    }

    /// The cards' memo for the next rebuild (see [`Shared::with_body_keys`]):
    /// the last one's, with the cards hashed now.
    pub(super) fn into_card_memo(self) -> CardMemo {
        let mut memo = self.known_cards.cloned().unwrap_or_default();
        memo.extend(
            self.card_memo
                .into_inner()
                .unwrap_or_else(|e| e.into_inner()),
        );
        memo
    }

    /// The context of the page `job` writes at `path`.
    /// Err only when a page's body cannot be read again (see [`Page::read_body`]).
    pub(super) fn context<'c>(
        &'c self,
        job: Job<'c, 'c>,
        path: &'c str,
    ) -> anyhow::Result<PageContext<'c>> {
        let view: &'c SiteView<'a> = self.view;
        Ok(match job {
            Job::Home => PageContext::Home(self.home(path)?),
            Job::Section(s) => PageContext::Section(self.section(s, path)?),
            Job::Page(p) => PageContext::Page(self.page(p, path)?),
            Job::System(s) => PageContext::System(self.system(s, path)),
            Job::Party(p) => PageContext::Party(self.party(p, path)),
            Job::Matrix => PageContext::Matrix(self.matrix(path)),
            Job::Review => PageContext::Review(self.review_page(path)),
            Job::Search => PageContext::Search(SystemListCtx {
                base: self.base(path, "Search"),
                systems: view.systems.iter().map(system_card).collect(),
            }),
            Job::Now => PageContext::Now(now::context(
                view,
                {
                    let mut base = self.base(path, "Who answers now");
                    base.has_ladder = true;
                    base
                },
                self.calendar(),
                self.opts.today,
            )),
            Job::NotFound => PageContext::NotFound(SystemListCtx {
                base: {
                    // A server answers any missing path at any depth with this
                    // one file: its links start from `base_url`, not from it.
                    let mut base = self.base(path, "Page not found");
                    base.root = not_found_root(&view.config.base_url_slash());
                    base
                },
                systems: view.systems.iter().map(system_card).collect(),
            }),
        })
    }

    /// The shared part of the context of the page at `path` titled `title`;
    /// no diagram and no description until the page says otherwise.
    fn base<'c>(&'c self, path: &'c str, title: &'c str) -> Base<'c> {
        Base {
            site: self.site_ctx(),
            title,
            root: "../".repeat(path.matches('/').count()),
            page_path: path,
            canonical: self
                .absolute_base
                .as_ref()
                .map(|base| format!("{base}{}", encode_path(urls::url_of(path)))),
            nav: &self.nav,
            has_diagram: false,
            has_ladder: false,
            meta_description: None,
            csp_img_src: &self.csp_img_src,
            offline_zip: self.opts.zip,
            today: self.opts.today.to_string(),
        }
    }

    /// A page's markdown as HTML, its links rewritten relative to `path`: the
    /// one place page bodies and section intros are rendered.
    fn body_html(&self, page: &Page, path: &str) -> anyhow::Result<Body> {
        let markdown = page.read_body(self.view.root())?;
        if let Some(links) = self.body_keys {
            // A body is made of its text and what its links resolve to (the
            // page's own path, which sets relative URLs, is in the context).
            let text = xxhash_rust::xxh3::xxh3_128(markdown.as_bytes());
            return Ok(Body {
                html: format!("body {} {text:032x} {links:032x}", page.source),
                has_diagram: false,
                heading: None,
            });
        }
        let resolve = |dest: &str, _is_image: bool| -> Option<String> {
            // `#heading` stays as written; so does anything that does not resolve
            // (other schemes; broken links stopped the build before rendering).
            if dest.trim().starts_with('#') {
                return None;
            }
            let target = self.resolver.resolve(page, dest)?.ok()?;
            if let crate::links::Target::Hidden(_) = target {
                // A page this build hides: the link shows as its text.
                return Some(markdown::UNLINK.to_string());
            }
            let fragment = dest.split_once('#').map(|(_, f)| f);
            let mut url = super::relative_url(path, &self.resolver.output_path(&target));
            if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                url.push('#');
                url.push_str(f);
            }
            Some(url)
        };
        let rendered = markdown::render(
            &markdown,
            &markdown::BodyOptions {
                raw_html: self.raw_html,
            },
            &resolve,
        );
        let (heading, html) = split_leading_h1(rendered.html);
        Ok(Body {
            html,
            has_diagram: rendered.has_diagram,
            heading,
        })
    }

    /// `sitemap.xml` when `base_url` is absolute (a sitemap needs absolute URLs).
    pub(super) fn has_sitemap(&self) -> bool {
        self.absolute_base.is_some()
    }

    pub(super) fn sitemap(&self) -> Option<String> {
        let base = self.absolute_base.as_ref()?;
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for path in super::page_paths(self.view) {
            if path == urls::NOT_FOUND || path == urls::SEARCH {
                continue;
            }
            let loc = format!("{base}{}", encode_path(urls::url_of(&path)));
            xml.push_str("  <url><loc>");
            xml.push_str(&markdown::escape_html(&loc));
            xml.push_str("</loc></url>\n");
        }
        xml.push_str("</urlset>\n");
        Some(xml)
    }
}

/// The escalation guide: the first page of the audience (by source path) tagged
/// `escalation` that is not a runbook.
fn escalation_guide(view: &SiteView<'_>) -> Option<Link> {
    view.pages
        .iter()
        .find(|p| !p.is_runbook() && p.front.tags.iter().any(|t| t == "escalation"))
        .map(|p| Link {
            title: p.title.clone(),
            url: encode_path(&urls::page(&p.url)),
        })
}

#[cfg(test)]
mod tests {
    use super::Shared;
    use crate::check::testing::TestSite;
    use crate::model::Audience;
    use crate::render::RenderOptions;

    /// A page struct that repeats a [`super::Base`] key would silently override
    /// it (`#[serde(flatten)]`): serialized straight, the repeat is written
    /// twice; through a map, once. Both texts must be the same length.
    #[test]
    fn no_page_kind_repeats_a_key_of_the_base() {
        let t = TestSite::new();
        t.write(
            "data/systems/m.yaml",
            "id: m\nname: M\ntier: 1\nowner: it\nraci:\n  Help desk: { it: RA }\nescalation:\n  - party: msp\n",
        );
        t.write("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n");
        t.write("content/runbooks/_index.md", "---\ntitle: Runbooks\n---\n");
        t.write(
            "content/runbooks/a.md",
            "---\ntitle: A\nsystems: [m]\nlast_reviewed: 2026-01-01\n---\nStep one.\n",
        );
        let site = t.load();
        let view = crate::audience::view(&site, Audience::Internal);
        let opts = RenderOptions {
            today: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
            zip: false,
            stamp: 0,
        };
        let shared = Shared::new(&view, &opts, &view.links);
        let mut templates = std::collections::BTreeSet::new();
        for job in super::super::jobs(&view) {
            let path = job.path();
            let ctx = shared.context(job, &path).unwrap();
            templates.insert(ctx.template());
            let straight = serde_json::to_string(&ctx).unwrap();
            let value = serde_json::to_value(&ctx).unwrap();
            assert!(value.is_object(), "{path}");
            let through_map = serde_json::to_string(&value).unwrap();
            assert_eq!(straight.len(), through_map.len(), "{path}: {straight}");
            assert!(ctx.to_tera().is_ok(), "{path}");
        }
        // Every page kind was built.
        assert_eq!(templates.len(), 10, "{templates:?}");
    }
}

/// The root of the 404 page's links: `base_url` when it is absolute
/// (`https://docs.example.com/acme/`) or a path (`/acme/`); a bare `docs/`
/// is taken from the domain's root (`/docs/`).
fn not_found_root(base: &str) -> String {
    if base.contains("://") || base.starts_with('/') {
        base.to_string()
    } else {
        format!("/{base}")
    }
}

#[cfg(test)]
mod not_found_tests {
    use super::not_found_root;

    #[test]
    fn the_404_page_links_from_the_base_url() {
        assert_eq!(not_found_root("/"), "/");
        assert_eq!(not_found_root("/acme/"), "/acme/");
        assert_eq!(not_found_root("docs/"), "/docs/");
        assert_eq!(
            not_found_root("https://docs.example.com/acme/"),
            "https://docs.example.com/acme/"
        );
    }
}
