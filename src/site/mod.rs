//! The build pipeline: [`Site::load`] (config, walk, front matter, sections) →
//! [`Site::render`] (markdown, link graph, templates) → a [`output::Sink`].
//!
//! Per-page stages run in parallel with rayon and look other pages up through
//! maps, so the work per page does not grow with the size of the site. Every
//! stage collects diagnostics and the pipeline keeps going, so one run reports
//! every problem. Nothing here prints or reads the clock except for timings.

mod aggregates;
mod extras;
pub mod output;
pub mod sections;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{self, Config};
use crate::content::{self, Page};
use crate::diagnostics::{Diagnostic, Severity};
use crate::kinds::adr::Status;
use crate::kinds::runbook::Review;

use crate::kinds::{self, Kind};
use crate::links::{self, LinkIndex, PageEntry, relative_href};
use crate::markdown::{self, Highlighter, Rendered};
use crate::search;
use crate::templates::view::{
    AdrRow, AdrView, Aggregates, AlertRow, ChildView, NavLink, NavView, PageContext, PageView,
    RaciMatrix, RunbookRow, RunbookView, ServiceGroup, SiteView,
};
use crate::templates::{self, Templates};
use output::Sink;
use sections::Tree;

/// How many neighbours on each side a page's section window shows.
const SIBLING_WINDOW: usize = 6;

/// What to build and how; filled in by the command line.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Overrides `output_dir` from the config.
    pub output_dir: Option<PathBuf>,
    /// Overrides `base_url` from the config.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// "Today", for review dates. The command line sets it from the clock or
    /// `SOURCE_DATE_EPOCH`; `None` means the clock.
    pub today: Option<jiff::civil::Date>,
}

/// Today's date in UTC, or the date of `SOURCE_DATE_EPOCH` when it is set, so a
/// build can be reproduced exactly (the reproducible-builds convention).
pub fn today(source_date_epoch: Option<&str>) -> jiff::civil::Date {
    let now = source_date_epoch
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
        .unwrap_or_else(jiff::Timestamp::now);
    jiff::tz::Offset::UTC.to_datetime(now).date()
}

/// Problems that stop the tool before it can report on the content.
#[derive(Debug)]
pub enum Fatal {
    /// No `handbook.toml` in the given folder.
    MissingConfig(PathBuf),
    Io {
        context: String,
        error: io::Error,
    },
}

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fatal::MissingConfig(dir) => write!(
                f,
                "no {} in {}\n  help: run `handbook init {}` to start a handbook there",
                config::CONFIG_FILE,
                dir.display(),
                dir.display()
            ),
            Fatal::Io { context, error } => write!(f, "{context}: {error}"),
        }
    }
}

/// Receives progress from the render stage (a progress bar, or nothing).
pub trait Progress: Sync {
    fn start(&self, _total: usize) {}
    fn advance(&self) {}
}

/// Reports no progress.
#[derive(Debug)]
pub struct NoProgress;
impl Progress for NoProgress {}

/// A loaded handbook: configuration, pages (sorted by source path, generated
/// section pages last), assets and the section tree.
#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub output_dir: PathBuf,
    pub pages: Vec<Page>,
    pub assets: Vec<String>,
    pub tree: Tree,
    /// Page kinds and the records read from them.
    pub model: kinds::Model,
    drafts: Vec<String>,
    highlighter: Highlighter,
    pub timings: Vec<(&'static str, Duration)>,
}

/// What [`Site::render`] did and found.
#[derive(Debug)]
pub struct Rendering {
    pub counts: Counts,
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Vec<(&'static str, Duration)>,
}

/// The result of rendering: counts for the summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub pages: usize,
    pub assets: usize,
}

impl Site {
    /// Loads everything the build needs; content problems come back as diagnostics.
    pub fn load(options: &BuildOptions) -> Result<(Site, Vec<Diagnostic>), Fatal> {
        let started = Instant::now();
        let root = std::path::absolute(&options.root).map_err(|error| Fatal::Io {
            context: format!("cannot use {}", options.root.display()),
            error,
        })?;
        let loaded = match config::load(&root) {
            Ok(l) => l,
            Err(config::LoadError::Missing) => {
                return Err(Fatal::MissingConfig(options.root.clone()));
            }
            Err(config::LoadError::Io(error)) => {
                return Err(Fatal::Io {
                    context: format!("cannot read {}", config::CONFIG_FILE),
                    error,
                });
            }
        };
        let mut config = loaded.config;
        let mut diagnostics = loaded.diagnostics;
        if let Some(url) = &options.base_url {
            config.base_url = Some(if url.ends_with('/') {
                url.clone()
            } else {
                format!("{url}/")
            });
        }
        let output_dir = match &options.output_dir {
            Some(dir) => std::path::absolute(dir).map_err(|error| Fatal::Io {
                context: format!("cannot use {}", dir.display()),
                error,
            })?,
            None => root.join(&config.output_dir),
        };
        let mut timings = vec![("config", started.elapsed())];

        let t = Instant::now();
        let found = content::walk::walk(&root, &output_dir, &config.exclude);
        diagnostics.extend(found.diagnostics);
        timings.push(("walk", t.elapsed()));

        let t = Instant::now();
        let highlighter = Highlighter::default();
        let (loaded, ()) = rayon::join(
            || content::load_pages(&root, &found.pages, options.drafts),
            || {
                if config.markdown.highlight {
                    highlighter.warm_up();
                }
            },
        );
        diagnostics.extend(loaded.diagnostics);
        let mut pages = loaded.pages;
        let loaded_paths: HashSet<&str> = pages.iter().map(|p| p.source_path.as_str()).collect();
        let drafts: Vec<String> = found
            .pages
            .iter()
            .filter(|p| !loaded_paths.contains(p.as_str()))
            .cloned()
            .collect();
        timings.push(("read", t.elapsed()));

        let tree = sections::build(&mut pages);
        let t = Instant::now();
        let (team, team_diagnostics) = kinds::people::Team::load(&root);
        diagnostics.extend(team_diagnostics);
        let settings = kinds::Settings {
            folders: &config.kinds,
            today: options.today.unwrap_or_else(|| today(None)),
            review_every: &config.review_every,
        };
        let (model, kind_diagnostics) = kinds::build(&pages, settings, team);
        diagnostics.extend(kind_diagnostics);
        timings.push(("kinds", t.elapsed()));
        let site = Site {
            model,
            root,
            config,
            output_dir,
            pages,
            assets: found.assets,
            tree,
            drafts,
            highlighter,
            timings,
        };
        diagnostics.extend(site.check_outputs());
        Ok((site, diagnostics))
    }

    /// Every output file must come from one source: two pages with one URL,
    /// an alias on a page, or an asset where the theme writes are errors.
    fn check_outputs(&self) -> Vec<Diagnostic> {
        let mut claims: HashMap<String, String> = HashMap::new();
        let mut diagnostics = Vec::new();
        let mut claim = |output: String, owner: String, help: &str| {
            if let Some(first) = claims.get(&output) {
                diagnostics.push(
                    Diagnostic::error(
                        "duplicate-url",
                        owner.clone(),
                        format!("`{owner}` and `{first}` both produce `/{output}`"),
                    )
                    .with_help(help.to_string()),
                );
            } else {
                claims.insert(output, owner);
            }
        };
        // Files the tool writes itself are claimed first, so a clash is reported
        // on the handbook's own file, where it can be fixed.
        for file in self
            .generated_files()
            .into_iter()
            .chain(aggregates::outputs(self))
        {
            claim(file.to_string(), format!("<generated {file}>"), "");
        }
        let page_help = "rename one of them, or give the page a `slug` in front matter";
        for page in &self.pages {
            let output = format!("{}index.html", page.url);
            if page.generated {
                let help = "this folder's listing page clashes with a page the tool writes; rename the folder";
                claim(output, format!("{}/", page.folder()), help);
            } else {
                claim(output, page.source_path.clone(), page_help);
            }
        }
        for page in self.pages.iter().filter(|p| !p.generated) {
            for alias in &page.front.aliases {
                let owner = format!("{} (alias `{alias}`)", page.source_path);
                claim(
                    extras::alias_output(alias),
                    owner,
                    "change or remove the alias",
                );
            }
        }
        for asset in &self.assets {
            claim(asset.clone(), asset.clone(), "rename or move the file");
        }
        diagnostics
    }

    fn generated_files(&self) -> Vec<String> {
        let mut files: Vec<String> = templates::DEFAULT_STATIC
            .iter()
            .map(|(name, _)| format!("{}/{name}", templates::THEME_DIR))
            .collect();
        files.push(format!("{}/syntax.css", templates::THEME_DIR));
        files.push("404.html".into());
        files.push("alerts.json".into());

        files.push("sitemap.xml".into());
        files
    }

    /// Renders every page and writes the site to `sink`. Returns the problems
    /// found (link checks, template errors, write errors) and what was written.
    pub fn render(&self, sink: &dyn Sink, progress: &dyn Progress) -> Rendering {
        let mut diagnostics = Vec::new();
        let mut timings = Vec::new();

        let t = Instant::now();
        let tree = &self.tree;
        let entries = self.pages.iter().enumerate().map(|(i, p)| PageEntry {
            source_path: (!p.generated).then_some(p.source_path.as_str()),
            section_folder: tree.section_of[i].map(|s| tree.sections[s].folder.as_str()),
            folder: p.folder(),
            url: &p.url,
        });
        let entries: Vec<PageEntry<'_>> = entries.collect();
        let generated = aggregates::outputs(self)
            .into_iter()
            .filter_map(|file| file.strip_suffix("index.html").map(str::to_string));
        let index = LinkIndex::new(entries, &self.assets, self.drafts.iter().cloned())
            .with_generated(generated);
        let options = markdown::Options {
            smart_punctuation: self.config.markdown.smart_punctuation,
            highlighter: self.config.markdown.highlight.then_some(&self.highlighter),
            collect_text: self.config.search,
        };
        // Search terms are counted as each page is rendered, while its text is
        // at hand; afterwards only short excerpts of it are kept.
        let vocabulary = self.config.search.then(search::Vocabulary::default);
        let results: Vec<(Rendered, Option<search::PageTerms>)> = self
            .pages
            .par_iter()
            .enumerate()
            .map(|(i, page)| {
                let mut rendered =
                    markdown::render(&page.source, page.body_start, options, &|dest| {
                        index.rewrite(i, dest)
                    });
                let terms = vocabulary.as_ref().filter(|_| !page.generated).map(|v| {
                    let title = title_of(page, &rendered, &self.config, self.model.kind(i));
                    let terms = v.count(&title, &rendered.sections);
                    for section in &mut rendered.sections {
                        section.text = search::excerpt(&section.text);
                    }
                    terms
                });
                (rendered, terms)
            })
            .collect();
        let (mut rendered, terms): (Vec<Rendered>, Vec<Option<search::PageTerms>>) =
            results.into_iter().unzip();
        // Each page's HTML is consumed by its own template below and freed on
        // the thread that used it, so it does not outlive the page.
        let bodies: Vec<String> = rendered
            .iter_mut()
            .map(|r| std::mem::take(&mut r.html))
            .collect();
        timings.push(("markdown", t.elapsed()));

        let t = Instant::now();
        let anchors: Vec<HashSet<String>> = rendered
            .par_iter()
            .map(|r| r.anchors.iter().cloned().collect())
            .collect();
        let checked: Vec<links::CheckedPage<'_>> = self
            .pages
            .iter()
            .zip(&rendered)
            .zip(&anchors)
            .map(|((page, r), anchors)| links::CheckedPage {
                source_path: &page.source_path,
                source: &page.source,
                links: &r.links,
                anchors,
            })
            .collect();
        let (backlinks, link_diagnostics) =
            links::check(&index, &checked, self.config.broken_links);
        diagnostics.extend(link_diagnostics);
        timings.push(("links", t.elapsed()));

        let t = Instant::now();
        let (sources, template_diagnostics) =
            templates::sources(&self.root, self.config.theme.as_deref());
        diagnostics.extend(template_diagnostics);
        let templates = match Templates::load(&sources) {
            Ok(t) => t,
            Err(errors) => {
                diagnostics.extend(errors);
                return Rendering {
                    counts: Counts::default(),
                    diagnostics,
                    timings,
                };
            }
        };
        let titles: Vec<String> = self
            .pages
            .iter()
            .zip(&rendered)
            .enumerate()
            .map(|(i, (p, r))| title_of(p, r, &self.config, self.model.kind(i)))
            .collect();
        let render = Renderer {
            site: self,
            rendered: &rendered,
            titles: &titles,
            backlinks: &backlinks,
        };
        progress.start(self.pages.len());
        // Thread time spent in the sink, to tell rendering from file-system cost.
        let writing_ns = AtomicU64::new(0);
        let page_results: Vec<Option<Diagnostic>> = bodies
            .into_par_iter()
            .enumerate()
            .map(|(i, body)| {
                let result = render.page(&templates, i, &body).and_then(|html| {
                    let started = Instant::now();
                    let written = sink
                        .write(&format!("{}index.html", self.pages[i].url), html.as_bytes())
                        .map_err(|e| write_error(&self.pages[i].url, &e));
                    let ns = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
                    writing_ns.fetch_add(ns, Ordering::Relaxed);
                    written
                });
                progress.advance();
                result.err()
            })
            .collect();
        diagnostics.extend(page_results.into_iter().flatten());
        timings.push(("pages", t.elapsed()));
        let threads = u64::try_from(rayon::current_num_threads())
            .unwrap_or(1)
            .max(1);
        let writing = Duration::from_nanos(writing_ns.into_inner() / threads);
        timings.push(("└ of which file writes, per thread", writing));

        let t = Instant::now();
        let asset_results: Vec<Option<Diagnostic>> = self
            .assets
            .par_iter()
            .map(|a| {
                sink.copy(&self.root.join(a), a)
                    .err()
                    .map(|e| write_error(a, &e))
            })
            .collect();
        diagnostics.extend(asset_results.into_iter().flatten());
        diagnostics.extend(extras::write(&render, &templates, sink));
        diagnostics.extend(aggregates::write(&render, &templates, sink));
        timings.push(("assets and site files", t.elapsed()));

        if let Some(vocabulary) = vocabulary {
            let t = Instant::now();
            // Only the excerpts are needed now: let the pages' HTML go first.
            let sections: Vec<Vec<markdown::TextSection>> =
                rendered.into_iter().map(|r| r.sections).collect();
            let docs = aggregates::search_documents(self, &titles, &sections);
            let counted: Vec<search::PageTerms> = terms.into_iter().flatten().collect();
            let failed = std::sync::Mutex::new(Vec::new());
            search::write(&vocabulary, &docs, &counted, &|path, bytes| {
                if let Err(e) = sink.write(path, bytes) {
                    failed
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .push(write_error(path, &e));
                }
            });
            diagnostics.extend(failed.into_inner().unwrap_or_else(|p| p.into_inner()));
            timings.push(("search index", t.elapsed()));
        }
        let counts = Counts {
            pages: self.pages.len(),
            assets: self.assets.len(),
        };
        Rendering {
            counts,
            diagnostics,
            timings,
        }
    }
}

fn write_error(path: &str, e: &io::Error) -> Diagnostic {
    Diagnostic::error("write-failed", path, format!("cannot write output: {e}"))
}

/// The title shown for a page: front matter, else its leading `#` heading, else
/// its file (or folder) name.
fn title_of(page: &Page, rendered: &Rendered, config: &Config, kind: Kind) -> String {
    if let Some(t) = &page.front.title {
        return t.clone();
    }
    if let Some(t) = &rendered.title {
        // adr-tools titles carry the number: `# 7. Use Kafka`.
        return match t.split_once(". ") {
            Some((n, rest)) if kind == Kind::Adr && n.parse::<u32>().is_ok() => rest.to_string(),
            _ => t.clone(),
        };
    }
    if page.is_section_index {
        return match page.folder().rsplit('/').next() {
            Some(name) if !name.is_empty() => sections::humanize(name),
            _ => config.title.clone(),
        };
    }
    sections::humanize(page.stem())
}

fn review_name(review: Review) -> &'static str {
    match review {
        Review::Current => "current",
        Review::DueSoon => "due-soon",
        Review::Overdue => "overdue",
        Review::Unknown => "unknown",
    }
}

/// What the per-page template stage shares.
struct Renderer<'a> {
    site: &'a Site,
    rendered: &'a [Rendered],
    titles: &'a [String],
    backlinks: &'a [Vec<usize>],
}

impl Renderer<'_> {
    fn link(&self, from_url: &str, to: usize, current: bool) -> NavLink {
        NavLink {
            title: self.titles[to].clone(),
            href: relative_href(from_url, &self.site.pages[to].url),
            current,
        }
    }

    fn template_for(&self, templates: &Templates, i: usize) -> String {
        let tree = &self.site.tree;
        if tree.section_of[i] == Some(0) {
            return "index.html".into();
        }
        if tree.section_of[i].is_some() {
            return "section.html".into();
        }
        let name = format!("{}.html", self.site.model.kind(i).name());
        if templates.has(&name) {
            name
        } else {
            "page.html".into()
        }
    }

    /// Site-wide values; `href` turns a site URL into a link from the page
    /// being rendered, and `current_url` marks the header section it is in.
    fn site_view(&self, href: &dyn Fn(&str) -> String, current_url: &str) -> SiteView<'_> {
        let config = &self.site.config;
        let sections = self.site.tree.sections[0]
            .subsections
            .iter()
            .map(|&s| {
                let page = self.site.tree.sections[s].page;
                let url = &self.site.pages[page].url;
                NavLink {
                    title: self.titles[page].clone(),
                    href: href(url),
                    current: !url.is_empty() && current_url.starts_with(url.as_str()),
                }
            })
            .collect();
        SiteView {
            title: &config.title,
            description: config.description.as_deref(),
            base_url: config.base_url.as_deref(),
            root: href(""),
            theme: href(&format!("{}/", templates::THEME_DIR)),
            sections,
            actions_href: (!self.site.model.reviews.is_empty())
                .then(|| href(aggregates::ACTIONS_URL)),
            people_href: self
                .site
                .model
                .team
                .is_some()
                .then(|| href(aggregates::PEOPLE_URL)),
            search_href: self
                .site
                .config
                .search
                .then(|| href(aggregates::SEARCH_URL)),
        }
    }

    fn page(&self, templates: &Templates, i: usize, content: &str) -> Result<String, Diagnostic> {
        let url = self.site.pages[i].url.as_str();
        let context = PageContext {
            site: self.site_view(&|to| relative_href(url, to), url),
            page: self.page_view(i, content),
            nav: self.nav(i),
            aggregates: Aggregates {
                health: (self.site.tree.section_of[i] == Some(0))
                    .then(|| aggregates::health(self, url))
                    .filter(|h| !h.is_empty()),
                ..Aggregates::default()
            },
        };
        templates.render(&self.template_for(templates, i), &context)
    }

    fn page_view<'s>(&'s self, i: usize, content: &'s str) -> PageView<'s> {
        let page = &self.site.pages[i];
        let rendered = &self.rendered[i];
        PageView {
            title: &self.titles[i],
            title_id: rendered.title_id.as_deref(),
            description: page.front.description.as_deref(),
            date: page.front.date.as_ref().map(|d| d.as_str()),
            updated: page.front.updated.as_ref().map(|d| d.as_str()),
            tags: &page.front.tags,
            kind: self.site.model.kind(i).name(),
            adr: self.adr_view(i),
            runbook: self.runbook_view(i),
            review: self.site.model.reviews.get(&i),
            charter: self.site.model.charters.get(&i),
            channels: self.site.model.channels.get(&i).map(Vec::as_slice),
            raci: self
                .site
                .model
                .raci
                .get(&i)
                .map(|rows| RaciMatrix::new(rows)),
            rapid: self.site.model.rapid.get(&i),
            draft: page.front.draft,
            url: &page.url,
            permalink: self
                .site
                .config
                .base_url
                .as_ref()
                .map(|b| format!("{b}{}", page.url)),
            source_path: (!page.generated).then(|| page.source_path.clone()),
            content,
            toc: &rendered.toc,
            backlinks: self.backlinks[i]
                .iter()
                .map(|&b| self.link(&page.url, b, false))
                .collect(),
            extra: &page.front.extra,
        }
    }

    fn adr_view(&self, i: usize) -> Option<AdrView> {
        let adr = self.site.model.adrs.get(&i)?;
        let url = &self.site.pages[i].url;
        let graph = &self.site.model.adr_graph;
        let links = |pages: Option<&Vec<usize>>| -> Vec<NavLink> {
            pages
                .into_iter()
                .flatten()
                .map(|&p| self.link(url, p, false))
                .collect()
        };
        Some(AdrView {
            number: adr.number,
            label: adr
                .number
                .map_or_else(|| "ADR".to_string(), |n| format!("ADR {n:04}")),
            status: adr.status.map(Status::name),
            date: adr.date.as_ref().map(|d| d.as_str().to_string()),
            deciders: adr.deciders.clone(),
            consulted: adr.consulted.clone(),
            informed: adr.informed.clone(),
            supersedes: links(graph.supersedes.get(&i)),
            superseded_by: links(graph.superseded_by.get(&i)),
        })
    }

    fn runbook_view(&self, i: usize) -> Option<RunbookView> {
        let r = self.site.model.runbooks.get(&i)?;
        let team = self.site.model.team.as_ref();
        Some(RunbookView {
            service: r.service.clone(),
            owner: r.owner.clone(),
            owner_name: r.owner.as_deref().map(|o| {
                team.and_then(|t| t.find(o))
                    .map_or_else(|| o.to_string(), |p| p.name.clone())
            }),
            alerts: r.alerts.clone(),
            severity: r.severity.clone(),
            dashboards: r.dashboards.clone(),
            last_reviewed: r.last_reviewed.as_ref().map(|d| d.as_str().to_string()),
            review_every: r.review_every.clone(),
            next_review: r.next_review.as_ref().map(|d| d.as_str().to_string()),
            review: review_name(r.review),
        })
    }

    /// A runbook folder's index: its runbooks by service, and their alerts.
    fn runbook_index(&self, from_url: &str, pages: &[usize]) -> (Vec<ServiceGroup>, Vec<AlertRow>) {
        let runbooks = &self.site.model.runbooks;
        let mut groups: BTreeMap<String, Vec<RunbookRow>> = BTreeMap::new();
        let mut alerts = Vec::new();
        for &p in pages {
            let Some(r) = runbooks.get(&p) else { continue };
            let href = relative_href(from_url, &self.site.pages[p].url);
            groups
                .entry(r.service.clone().unwrap_or_else(|| "(no service)".into()))
                .or_default()
                .push(RunbookRow {
                    title: self.titles[p].clone(),
                    href: href.clone(),
                    owner: r.owner.clone(),
                    review: review_name(r.review),
                    next_review: r.next_review.as_ref().map(|d| d.as_str().to_string()),
                });
            for alert in &r.alerts {
                if self.site.model.alerts.get(alert) == Some(&p) {
                    alerts.push(AlertRow {
                        alert: alert.clone(),
                        title: self.titles[p].clone(),
                        href: href.clone(),
                    });
                }
            }
        }
        alerts.sort_by(|a, b| a.alert.cmp(&b.alert));
        let groups = groups
            .into_iter()
            .map(|(service, runbooks)| ServiceGroup { service, runbooks })
            .collect();
        (groups, alerts)
    }

    /// The decision log of a folder: one row per ADR among `pages`.
    fn adr_log(&self, from_url: &str, pages: &[usize]) -> Vec<AdrRow> {
        let mut rows: Vec<(Option<u32>, usize)> = pages
            .iter()
            .filter_map(|&p| self.site.model.adrs.get(&p).map(|a| (a.number, p)))
            .collect();
        rows.sort_by_key(|&(n, p)| (n.is_none(), n, p));
        rows.into_iter()
            .filter_map(|(_, p)| {
                let adr = self.site.model.adrs.get(&p)?;
                Some(AdrRow {
                    number: adr.number,
                    title: self.titles[p].clone(),
                    href: relative_href(from_url, &self.site.pages[p].url),
                    status: adr.status.map(Status::name),
                    date: adr.date.as_ref().map(|d| d.as_str().to_string()),
                    deciders: adr.deciders.clone(),
                })
            })
            .collect()
    }

    fn child(&self, from_url: &str, i: usize) -> ChildView {
        let page = &self.site.pages[i];
        ChildView {
            title: self.titles[i].clone(),
            href: relative_href(from_url, &page.url),
            description: page.front.description.clone(),
            date: page.front.date.as_ref().map(|d| d.as_str().to_string()),
            kind: self.site.model.kind(i).name().to_string(),
        }
    }

    /// Bounded navigation for page `i`: breadcrumbs, a window of siblings,
    /// prev/next, and (for section pages) the section's listing.
    fn nav(&self, i: usize) -> NavView {
        let tree = &self.site.tree;
        let url = self.site.pages[i].url.as_str();
        let parent = tree.parent_of[i];
        let mut nav = NavView::default();
        let mut chain = tree.chain(parent);
        if tree.section_of[i] == Some(parent) {
            chain.pop(); // the root page is its own parent section
        }
        nav.breadcrumbs = chain
            .iter()
            .map(|&s| self.link(url, tree.sections[s].page, false))
            .collect();
        nav.section = nav.breadcrumbs.last().cloned();
        if let Some(s) = tree.section_of[i] {
            let section = &tree.sections[s];
            nav.adr_log = self.adr_log(url, &section.pages);
            (nav.runbook_index, nav.alerts) = self.runbook_index(url, &section.pages);
            // Records listed in a log or index are not listed again as plain pages.
            let model = &self.site.model;
            nav.children = section
                .pages
                .iter()
                .filter(|c| !model.adrs.contains_key(c) && !model.runbooks.contains_key(c))
                .map(|&c| self.child(url, c))
                .collect();
            nav.subsections = section
                .subsections
                .iter()
                .map(|&c| self.child(url, tree.sections[c].page))
                .collect();
        } else {
            let list = &tree.sections[parent].pages;
            if let Some(pos) = list.iter().position(|&p| p == i) {
                let from = pos.saturating_sub(SIBLING_WINDOW);
                let to = (pos + SIBLING_WINDOW + 1).min(list.len());
                nav.siblings = list[from..to]
                    .iter()
                    .map(|&p| self.link(url, p, p == i))
                    .collect();
                nav.more_before = from;
                nav.more_after = list.len() - to;
                nav.prev = pos.checked_sub(1).map(|p| self.link(url, list[p], false));
                nav.next = list.get(pos + 1).map(|&p| self.link(url, p, false));
            }
        }
        nav
    }
}

/// Loads, renders and writes a handbook atomically; `build` with errors writes nothing.
pub fn build(options: &BuildOptions, progress: &dyn Progress) -> Result<Outcome, Fatal> {
    run(options, progress, true)
}

/// Everything `build` validates, writing nothing.
pub fn check(options: &BuildOptions) -> Result<Outcome, Fatal> {
    run(options, &NoProgress, false)
}

/// What a build or check found and did.
#[derive(Debug)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub counts: Counts,
    pub output_dir: PathBuf,
    /// True when the output folder was replaced.
    pub written: bool,
    pub timings: Vec<(&'static str, Duration)>,
}

fn run(options: &BuildOptions, progress: &dyn Progress, write: bool) -> Result<Outcome, Fatal> {
    let (mut site, mut diagnostics) = Site::load(options)?;
    let staging = if write {
        Some(
            output::Staging::new(&site.output_dir).map_err(|error| Fatal::Io {
                context: format!(
                    "cannot create a build folder beside {}",
                    site.output_dir.display()
                ),
                error,
            })?,
        )
    } else {
        None
    };
    let null = output::NullSink;
    let sink: &dyn Sink = match &staging {
        Some(s) => s,
        None => &null,
    };
    let rendering = site.render(sink, progress);
    diagnostics.extend(rendering.diagnostics);
    site.timings.extend(rendering.timings);
    let counts = rendering.counts;
    crate::diagnostics::sort(&mut diagnostics);
    let failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    let mut written = false;
    if let Some(staging) = staging.filter(|_| !failed) {
        let t = Instant::now();
        staging.commit().map_err(|error| Fatal::Io {
            context: format!("cannot replace {}", site.output_dir.display()),
            error,
        })?;
        site.timings.push(("commit", t.elapsed()));
        written = true;
    }
    Ok(Outcome {
        diagnostics,
        counts,
        output_dir: site.output_dir.clone(),
        written,
        timings: site.timings,
    })
}
