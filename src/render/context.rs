//! Template contexts: for each page, exactly the data that page shows.
//!
//! Every `url` in a context is a path from the output root (`systems/m365/index.html`);
//! templates print `{{ root }}{{ x.url }}`, where `root` climbs from the page to
//! the output root (`../../`), so every link is relative.

use super::{Job, RenderOptions};
use crate::audience::{LadderLevel, PartyRef, SiteView, SystemView};
use crate::links::Resolver;
use crate::markdown::{self, RawHtml};
use crate::model::{Contact, RawHtmlMode};
use crate::site::Page;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::Serialize;
use std::collections::BTreeMap;

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

fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    base_url: &'a str,
    timezone: &'a str,
    audience: &'static str,
}

#[derive(Serialize, Clone)]
pub struct Link {
    title: String,
    url: String,
}

#[derive(Serialize, Clone)]
struct PartyLink<'a> {
    id: &'a str,
    name: &'a str,
    url: String,
}

fn party_link(p: PartyRef<'_>) -> PartyLink<'_> {
    PartyLink {
        id: p.id,
        name: p.name,
        url: format!("parties/{}/index.html", p.id),
    }
}

#[derive(Serialize, Clone)]
struct SystemCard<'a> {
    id: &'a str,
    name: &'a str,
    tier: u8,
    url: String,
    description: Option<&'a str>,
    owner: PartyLink<'a>,
}

fn system_card<'a>(s: &SystemView<'a>) -> SystemCard<'a> {
    SystemCard {
        id: s.id,
        name: s.name,
        tier: s.tier.0,
        url: format!("systems/{}/index.html", s.id),
        description: s.description,
        owner: party_link(s.owner),
    }
}

#[derive(Serialize)]
struct ContactCtx<'a> {
    name: &'a str,
    role: Option<&'a str>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    /// `+15550100` for the `tel:` link.
    tel: Option<String>,
}

fn contact(c: &Contact) -> ContactCtx<'_> {
    ContactCtx {
        name: &c.name,
        role: c.role.as_deref(),
        email: c.email.as_deref(),
        phone: c.phone.as_deref(),
        tel: c.phone.as_deref().map(tel).filter(|t| !t.is_empty()),
    }
}

/// A dialable number: digits, and a leading `+`.
pub(super) fn tel(phone: &str) -> String {
    let mut out = String::new();
    if phone.trim_start().starts_with('+') {
        out.push('+');
    }
    out.extend(phone.chars().filter(char::is_ascii_digit));
    out
}

#[derive(Serialize)]
struct LevelCtx<'a> {
    level: usize,
    party: PartyLink<'a>,
    contacts: Vec<ContactCtx<'a>>,
    contact_hidden: bool,
    hours_name: &'a str,
    hours: String,
    /// `start-end` minute spans of the week (Monday 00:00 = 0), for the answers-now script.
    spans: String,
    after: Option<String>,
    /// `after` in minutes, for the call card's clock times.
    after_minutes: u64,
    after_total: Option<String>,
    respond_within: Option<String>,
    /// The party's vCard file, when this level shows contacts.
    vcard: Option<String>,
}

fn level<'a>(l: &'a LadderLevel<'a>) -> LevelCtx<'a> {
    LevelCtx {
        level: l.level,
        party: party_link(l.party),
        contacts: l.contacts.iter().map(|c| contact(c)).collect(),
        contact_hidden: l.contact_hidden,
        hours_name: &l.hours_name,
        hours: l.hours.describe(),
        spans: l
            .hours
            .week_spans()
            .iter()
            .map(|(a, b)| format!("{a}-{b}"))
            .collect::<Vec<_>>()
            .join(" "),
        after: (l.level > 1).then(|| l.after.to_string()),
        after_minutes: l.after.minutes(),
        after_total: (l.level > 1).then(|| l.after_total.human()),
        respond_within: l.respond_within.map(|d| d.to_string()),
        vcard: (!l.contacts.is_empty()).then(|| format!("parties/{}/contacts.vcf", l.party.id)),
    }
}

#[derive(Serialize)]
pub(super) struct LadderCtx<'a> {
    system: SystemCard<'a>,
    levels: Vec<LevelCtx<'a>>,
}

pub(super) fn ladder<'a>(s: &'a SystemView<'a>) -> LadderCtx<'a> {
    LadderCtx {
        system: system_card(s),
        levels: s.ladder.iter().map(level).collect(),
    }
}

#[derive(Serialize)]
struct PageCard<'a> {
    title: &'a str,
    url: String,
    description: Option<&'a str>,
    systems: Vec<Link>,
    owner: Option<PartyLink<'a>>,
    tags: &'a [String],
    review: ReviewCtx,
}

#[derive(Serialize, Default)]
pub(super) struct ReviewCtx {
    /// `ok`, `overdue`, `never` (a runbook never reviewed) or `none` (plain docs).
    status: &'static str,
    last_reviewed: Option<String>,
    due: Option<String>,
    /// Days past due (overdue) or until due (ok).
    days: i64,
}

pub(super) fn review(page: &Page, today: chrono::NaiveDate) -> ReviewCtx {
    let last_reviewed = page.front.last_reviewed.map(|d| d.0.to_string());
    match page.review_due() {
        Some(due) => ReviewCtx {
            status: if due < today { "overdue" } else { "ok" },
            last_reviewed,
            due: Some(due.to_string()),
            days: (today - due).num_days().abs(),
        },
        None if page.is_runbook() && last_reviewed.is_none() => ReviewCtx {
            status: "never",
            ..ReviewCtx::default()
        },
        None => ReviewCtx {
            status: "none",
            last_reviewed,
            ..ReviewCtx::default()
        },
    }
}

#[derive(Serialize)]
struct RaciCell<'a> {
    party: PartyLink<'a>,
    letters: &'a str,
}

#[derive(Serialize)]
struct RaciRowCtx<'a> {
    activity: &'a str,
    cells: Vec<RaciCell<'a>>,
    /// No accountable or no responsible party: shown as a gap.
    gap: bool,
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
}

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
    pub fn new(
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
                    .filter(|s| s.index.is_some())
                    .map(|s| Link {
                        title: s.title.clone(),
                        url: encode_path(&format!("{}/index.html", s.folder)),
                    })
                    .collect()
            })
            .unwrap_or_default();
        nav.push(Link {
            title: "Now".into(),
            url: "now/index.html".into(),
        });
        nav.push(Link {
            title: "Matrix".into(),
            url: "matrix/index.html".into(),
        });
        nav.push(Link {
            title: "Review".into(),
            url: "review/index.html".into(),
        });
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
        }
    }

    /// The template to use and its context.
    pub fn context(&self, job: &Job, path: &str) -> (&'static str, tera::Context) {
        let mut ctx = self.base(path);
        let template = match job {
            Job::Home => {
                self.home(&mut ctx, path);
                "home.html"
            }
            Job::Section(s) => {
                ctx.insert("title", &s.title);
                let intro = s.index.map(|p| self.body_html(p, path, &mut ctx));
                ctx.insert("intro", &intro);
                ctx.insert("meta_description", &s.index.and_then(meta_description));
                ctx.insert(
                    "description",
                    &s.index.and_then(|p| p.front.description.as_deref()),
                );
                ctx.insert("pages", &self.cards(&s.pages));
                ctx.insert("subsections", &self.subsections(&s.subsections));
                ctx.insert("breadcrumbs", &self.breadcrumbs(&s.folder, false));
                "section.html"
            }
            Job::Page(p) => {
                self.page(&mut ctx, p, path);
                "page.html"
            }
            Job::System(s) => {
                self.system(&mut ctx, s);
                "system.html"
            }
            Job::Party(p) => {
                self.party(&mut ctx, p);
                "party.html"
            }
            Job::Matrix => {
                self.matrix(&mut ctx);
                "matrix.html"
            }
            Job::Review => {
                self.review_page(&mut ctx);
                "review.html"
            }
            Job::Search => {
                ctx.insert("title", "Search");
                ctx.insert("systems", &self.system_cards());
                "search.html"
            }
            Job::Now => {
                super::now::context(self.view, &mut ctx);
                "now.html"
            }
            Job::NotFound => {
                ctx.insert("title", "Page not found");
                ctx.insert("systems", &self.system_cards());
                "404.html"
            }
        };
        (template, ctx)
    }

    fn base(&self, path: &str) -> tera::Context {
        let view = self.view;
        let mut ctx = tera::Context::new();
        ctx.insert(
            "site",
            &SiteCtx {
                title: &view.config.title,
                base_url: &view.config.base_url,
                timezone: &view.config.timezone.0,
                audience: view.audience.as_str(),
            },
        );
        ctx.insert("root", &"../".repeat(path.matches('/').count()));
        ctx.insert("page_path", path);
        let canonical = self
            .absolute_base
            .as_ref()
            .map(|base| format!("{base}{}", encode_path(path.trim_end_matches("index.html"))));
        ctx.insert("canonical", &canonical);
        ctx.insert("nav", &self.nav);
        ctx.insert("live_reload", &self.opts.live_reload);
        ctx.insert("has_diagram", &false);
        ctx.insert("meta_description", &None::<&str>);
        ctx.insert("csp_img_src", &self.csp_img_src);
        ctx.insert("offline_zip", &self.opts.zip);
        ctx.insert("today", &self.opts.today.to_string());
        ctx
    }

    fn system_cards(&self) -> Vec<SystemCard<'a>> {
        self.view.systems.iter().map(system_card).collect()
    }

    fn home(&self, ctx: &mut tera::Context, path: &str) {
        let view = self.view;
        let root = view.sections.get("");
        let index = root.and_then(|s| s.index);
        ctx.insert("title", &view.config.title);
        let intro = index.map(|p| self.body_html(p, path, ctx));
        ctx.insert("intro", &intro);
        ctx.insert("meta_description", &index.and_then(meta_description));
        let mut tiers: BTreeMap<u8, Vec<SystemCard>> = BTreeMap::new();
        for s in &view.systems {
            tiers.entry(s.tier.0).or_default().push(system_card(s));
        }
        let tiers: Vec<_> = tiers
            .into_iter()
            .map(|(tier, systems)| serde_json::json!({ "tier": tier, "systems": systems }))
            .collect();
        ctx.insert("tiers", &tiers);
        ctx.insert(
            "sections",
            &self.subsections(root.map_or(&[][..], |s| &s.subsections[..])),
        );
        ctx.insert("pages", &self.cards(root.map_or(&[][..], |s| &s.pages[..])));
        let parties: Vec<_> = view
            .parties
            .iter()
            .map(|p| {
                serde_json::json!({
                    "id": p.id, "name": p.name, "kind": p.kind.as_str(),
                    "url": format!("parties/{}/index.html", p.id),
                    "hours": p.hours.describe(), "hours_name": p.hours_name,
                })
            })
            .collect();
        ctx.insert("parties", &parties);
        let root = "../".repeat(path.matches('/').count());
        ctx.insert(
            "coverage_overview",
            &super::coverage_chart::overview(view, &root),
        );
    }

    fn subsections(&self, folders: &[String]) -> Vec<serde_json::Value> {
        // A folder without `_index.md` is not a listed section (see `orphan-page`);
        // its generated page exists for links that point at the folder.
        folders
            .iter()
            .filter_map(|f| self.view.sections.get(f))
            .filter(|s| s.index.is_some())
            .map(|s| {
                serde_json::json!({
                    "title": s.title,
                    "url": encode_path(&format!("{}/index.html", s.folder)),
                    "description": s.index.and_then(|p| p.front.description.as_deref()),
                    "count": self.pages_under(&s.folder),
                })
            })
            .collect()
    }

    /// Pages in `folder` and every folder below it (a section's list shows the total).
    fn pages_under(&self, folder: &str) -> usize {
        let prefix = format!("{folder}/");
        self.view
            .sections
            .iter()
            .filter(|(f, _)| *f == folder || f.starts_with(&prefix))
            .map(|(_, s)| s.pages.len())
            .sum()
    }

    /// Home, then each ancestor section of `folder` (and `folder` itself when `include_self`).
    fn breadcrumbs(&self, folder: &str, include_self: bool) -> Vec<Link> {
        let mut crumbs = vec![Link {
            title: "Home".into(),
            url: "index.html".into(),
        }];
        let parts: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
        let upto = if include_self {
            parts.len()
        } else {
            parts.len().saturating_sub(1)
        };
        for i in 0..upto {
            let f = parts[..=i].join("/");
            if let Some(s) = self.view.sections.get(&f) {
                crumbs.push(Link {
                    title: s.title.clone(),
                    url: encode_path(&format!("{f}/index.html")),
                });
            }
        }
        crumbs
    }

    fn cards(&self, pages: &[&'a Page]) -> Vec<PageCard<'a>> {
        pages.iter().map(|p| self.card(p)).collect()
    }

    fn card(&self, p: &'a Page) -> PageCard<'a> {
        PageCard {
            title: &p.title,
            url: encode_path(&format!("{}index.html", p.url)),
            description: p.front.description.as_deref(),
            systems: p
                .front
                .systems
                .iter()
                .filter_map(|id| self.view.system(id))
                .map(|s| Link {
                    title: s.name.to_string(),
                    url: format!("systems/{}/index.html", s.id),
                })
                .collect(),
            owner: self.view.page_owner(p).map(party_link),
            tags: &p.front.tags,
            review: review(p, self.opts.today),
        }
    }

    /// A page's markdown as HTML, its links rewritten relative to `path`.
    /// Also tells the page's context when the body has a diagram.
    fn body_html(&self, page: &Page, path: &str, ctx: &mut tera::Context) -> String {
        let resolve = |dest: &str, _is_image: bool| -> Option<String> {
            // `#heading` stays as written; so does anything that does not resolve
            // (other schemes; broken links stopped the build before rendering).
            if dest.trim().starts_with('#') {
                return None;
            }
            let target = self.resolver.resolve(page, dest)?.ok()?;
            let fragment = dest.split_once('#').map(|(_, f)| f);
            let mut url = super::relative_url(path, &self.resolver.output_path(&target));
            if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                url.push('#');
                url.push_str(f);
            }
            Some(url)
        };
        let rendered = markdown::render(
            page.body(),
            &markdown::RenderOptions {
                raw_html: self.raw_html,
            },
            &resolve,
        );
        if rendered.has_diagram {
            ctx.insert("has_diagram", &true);
        }
        rendered.html
    }

    fn page(&self, ctx: &mut tera::Context, p: &'a Page, path: &str) {
        let view = self.view;
        ctx.insert("escalation_guide", &self.escalation_guide);
        ctx.insert("title", &p.title);
        ctx.insert("description", &p.front.description);
        ctx.insert("meta_description", &meta_description(p));
        let content = self.body_html(p, path, ctx);
        ctx.insert("content", &content);
        ctx.insert("page", &self.card(p));
        let ladders: Vec<LadderCtx> = p
            .front
            .systems
            .iter()
            .filter_map(|id| view.system(id))
            .map(ladder)
            .collect();
        ctx.insert("ladders", &ladders);
        ctx.insert("breadcrumbs", &self.breadcrumbs(p.folder(), true));
        ctx.insert("source", &p.source);
    }

    fn system(&self, ctx: &mut tera::Context, s: &'a SystemView<'a>) {
        let refs = |list: &[crate::audience::SystemRef]| -> Vec<serde_json::Value> {
            list.iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "name": r.name, "tier": r.tier.0,
                        "url": format!("systems/{}/index.html", r.id),
                    })
                })
                .collect()
        };
        ctx.insert("title", s.name);
        ctx.insert("escalation_guide", &self.escalation_guide);
        ctx.insert("meta_description", &s.description);
        ctx.insert("system", &system_card(s));
        ctx.insert("depends_on", &refs(&s.depends_on));
        ctx.insert("dependents", &refs(&s.dependents));
        ctx.insert("ladder", &ladder(s));
        ctx.insert(
            "coverage_chart",
            &super::coverage_chart::system_chart(self.view, s),
        );
        let sla: Vec<_> = s
            .sla
            .iter()
            .map(|(name, sla)| {
                serde_json::json!({
                    "priority": name,
                    "respond": sla.respond.map(|d| d.to_string()),
                    "resolve": sla.resolve.map(|d| d.to_string()),
                })
            })
            .collect();
        ctx.insert("sla", &sla);
        ctx.insert("raci", &raci_rows(s));
        ctx.insert("raci_csv", &super::data::system_csv_path(s.id));
        ctx.insert("runbooks", &self.cards(&s.runbooks));
        ctx.insert("source", s.file);
    }

    fn party(&self, ctx: &mut tera::Context, p: &crate::audience::PartyView<'a>) {
        let view = self.view;
        ctx.insert("title", p.name);
        ctx.insert("meta_description", &p.description);
        ctx.insert(
            "party",
            &serde_json::json!({
                "id": p.id, "name": p.name, "kind": p.kind.as_str(),
                "description": p.description,
                "hours": p.hours.describe(), "hours_name": p.hours_name,
            }),
        );
        let contacts: Vec<ContactCtx> = p.contacts.iter().map(|c| contact(c)).collect();
        ctx.insert("vcard", &super::data::party_vcard_path(p));
        ctx.insert("contacts", &contacts);
        let owns: Vec<SystemCard> = view
            .systems
            .iter()
            .filter(|s| s.owner.id == p.id)
            .map(system_card)
            .collect();
        ctx.insert("owns", &owns);
        // Per system, the activities where this party holds A, R, or C/I.
        let mut accountable = Vec::new();
        let mut responsible = Vec::new();
        let mut consulted = Vec::new();
        for s in &view.systems {
            let (mut a, mut r, mut c) = (Vec::new(), Vec::new(), Vec::new());
            for row in &s.raci {
                for (party, letters) in &row.cells {
                    if party.id != p.id {
                        continue;
                    }
                    if letters.contains('A') {
                        a.push(row.activity);
                    }
                    if letters.contains('R') {
                        r.push(row.activity);
                    }
                    if letters.contains('C') || letters.contains('I') {
                        c.push(format!("{} ({letters})", row.activity));
                    }
                }
            }
            let url = format!("systems/{}/index.html", s.id);
            let group = |activities: serde_json::Value| serde_json::json!({ "system": s.name, "url": url, "activities": activities });
            if !a.is_empty() {
                accountable.push(group(a.into()));
            }
            if !r.is_empty() {
                responsible.push(group(r.into()));
            }
            if !c.is_empty() {
                consulted.push(group(c.into()));
            }
        }
        ctx.insert("accountable", &accountable);
        ctx.insert("responsible", &responsible);
        ctx.insert("consulted", &consulted);
        let on_call: Vec<_> = view
            .systems
            .iter()
            .flat_map(|s| {
                s.ladder
                    .iter()
                    .filter(|l| l.party.id == p.id)
                    .map(move |l| {
                        serde_json::json!({
                            "system": s.name, "url": format!("systems/{}/index.html", s.id),
                            "tier": s.tier.0, "level": l.level, "hours": l.hours.describe(),
                            "hours_name": l.hours_name,
                        })
                    })
            })
            .collect();
        ctx.insert("on_call", &on_call);
        ctx.insert(
            "coverage_chart",
            &super::coverage_chart::party_chart(view, p.id, "../../"),
        );
    }

    fn matrix(&self, ctx: &mut tera::Context) {
        let view = self.view;
        let activities = matrix_activities(view);
        let rows: Vec<_> = view
            .systems
            .iter()
            .map(|s| {
                let cells: Vec<_> = activities
                    .iter()
                    .map(|(name, required)| {
                        let row = s
                            .raci
                            .iter()
                            .find(|r| r.activity.eq_ignore_ascii_case(name));
                        match row {
                            Some(row) => {
                                let r = raci_row(row);
                                serde_json::json!({ "activity": name, "cells": r.cells, "gap": r.gap, "missing": false })
                            }
                            None => serde_json::json!({
                                "activity": name,
                                "cells": [], "gap": *required && s.tier.is_critical(), "missing": true,
                            }),
                        }
                    })
                    .collect();
                serde_json::json!({ "system": system_card(s), "cells": cells })
            })
            .collect();
        let columns: Vec<_> = activities
            .iter()
            .map(|(name, required)| {
                let description = view
                    .activities
                    .iter()
                    .find(|a| a.name.eq_ignore_ascii_case(name))
                    .and_then(|a| a.description.as_deref());
                serde_json::json!({ "name": name, "required": required, "description": description })
            })
            .collect();
        ctx.insert("title", "Responsibility matrix");
        ctx.insert("activities", &columns);
        ctx.insert("rows", &rows);
        let parties: Vec<_> = view
            .parties
            .iter()
            .map(|p| serde_json::json!({ "id": p.id, "name": p.name, "url": format!("parties/{}/index.html", p.id) }))
            .collect();
        ctx.insert("parties", &parties);
    }

    fn review_page(&self, ctx: &mut tera::Context) {
        let mut cards: Vec<PageCard> = self
            .view
            .pages
            .iter()
            .filter(|p| p.is_runbook())
            .map(|p| self.card(p))
            .collect();
        // Worst first: never reviewed, then most days overdue; then the next due.
        let rank = |c: &PageCard| match c.review.status {
            "never" => (0, 0),
            "overdue" => (1, -c.review.days),
            _ => (2, c.review.days),
        };
        cards.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.title.cmp(b.title)));
        let (late, current): (Vec<_>, Vec<_>) = cards
            .into_iter()
            .partition(|c| matches!(c.review.status, "never" | "overdue"));
        ctx.insert("title", "Review");
        ctx.insert("overdue", &late);
        ctx.insert("upcoming", &current);
    }

    /// `sitemap.xml` when `base_url` is absolute (a sitemap needs absolute URLs).
    pub fn sitemap(&self) -> Option<String> {
        let base = self.absolute_base.as_ref()?;
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for path in super::page_paths(self.view) {
            if path == "404.html" || path == "search/index.html" {
                continue;
            }
            let loc = format!("{base}{}", encode_path(path.trim_end_matches("index.html")));
            xml.push_str("  <url><loc>");
            xml.push_str(&escape_xml(&loc));
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
            url: encode_path(&format!("{}index.html", p.url)),
        })
}

/// The matrix's columns (and `matrix.csv`'s activities): the catalogue's
/// activities in its order, then any others by first use; with `required`.
pub(super) fn matrix_activities(view: &SiteView) -> Vec<(String, bool)> {
    let mut activities: Vec<(String, bool)> = view
        .activities
        .iter()
        .map(|a| (a.name.clone(), a.required))
        .collect();
    for s in &view.systems {
        for row in &s.raci {
            if !activities
                .iter()
                .any(|(a, _)| a.eq_ignore_ascii_case(row.activity))
            {
                activities.push((row.activity.to_string(), false));
            }
        }
    }
    activities
}

fn raci_rows<'a>(s: &'a SystemView<'a>) -> Vec<RaciRowCtx<'a>> {
    s.raci.iter().map(raci_row).collect()
}

fn raci_row<'a>(row: &'a crate::audience::RaciRow<'a>) -> RaciRowCtx<'a> {
    let has = |c: char| row.cells.iter().any(|(_, l)| l.contains(c));
    RaciRowCtx {
        activity: row.activity,
        cells: row
            .cells
            .iter()
            .map(|(p, l)| RaciCell {
                party: party_link(*p),
                letters: l,
            })
            .collect(),
        gap: !has('A') || !has('R'),
    }
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::tel;

    #[test]
    fn tel_links_keep_digits_and_a_leading_plus() {
        assert_eq!(tel("+1 555 0100"), "+15550100");
        assert_eq!(tel("(555) 010-0100 ext"), "5550100100");
    }
}
