//! Template contexts: the view models (`views::model`, with what each kind's
//! views add) a page's template sees, built from the loaded site and the
//! rendered markdown. Every
//! href is made relative to the page being rendered. Navigation is bounded: a
//! page carries its breadcrumbs, a window of siblings and prev/next, never the
//! whole tree.

use crate::diagnostics::Diagnostic;
use crate::digest::Digest;
use crate::links::relative_href;
use crate::markdown::Rendered;
use crate::pages::{PageId, PageTable};
use crate::templates::{self, Templates};

use super::Site;
use super::navigation::{HeaderLink, Navigator};
use super::views::{
    self, Aggregates, AuthorView, Cx, FeedLink, Health, HistoryView, NavView, PageContext,
    PageView, RaciMatrix, RapidView, SiteView, Slots,
};

/// A commit time as an RFC 3339 UTC timestamp and as a date.
fn timestamp(seconds: i64) -> (String, String) {
    let time = jiff::Timestamp::from_second(seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let utc = jiff::tz::Offset::UTC.to_datetime(time);
    (
        utc.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        utc.date().to_string(),
    )
}

/// How long before `today` a `YYYY-MM-DD` date is, in words.
pub(super) fn ago(date: &str, today: jiff::civil::Date) -> String {
    let Ok(date) = date.get(..10).unwrap_or(date).parse::<jiff::civil::Date>() else {
        return String::new();
    };
    let days = i64::from((today - date).get_days());
    let count = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit} ago")
        } else {
            format!("{n} {unit}s ago")
        }
    };
    match days {
        i64::MIN..=-1 => "in the future".to_string(),
        0 => "today".to_string(),
        1 => "yesterday".to_string(),
        2..=13 => count(days, "day"),
        14..=59 => count(days / 7, "week"),
        60..=729 => count(days / 30, "month"),
        _ => count(days / 365, "year"),
    }
}

/// How many neighbours on each side a page's section window shows.
const SIBLING_WINDOW: usize = 6;

/// What rendering learned about the pages that their templates read.
#[derive(Debug)]
pub(super) struct Learned {
    /// Every page's markdown results, HTML taken out.
    pub(super) rendered: PageTable<Rendered>,
    pub(super) titles: PageTable<String>,
    pub(super) backlinks: PageTable<Vec<PageId>>,
    /// The header's links.
    pub(super) header: Vec<HeaderLink>,
    /// The site's feeds, for every page's header.
    pub(super) feeds: Vec<super::reserved::Feed>,
    /// The generated pages the navigation tree lists (site URL, title).
    pub(super) tree_entries: Vec<(String, &'static str)>,
}

/// What the per-page template stage shares.
pub(super) struct Renderer<'a> {
    pub(super) site: &'a Site,
    pub(super) rendered: &'a PageTable<Rendered>,
    pub(super) titles: &'a PageTable<String>,
    pub(super) backlinks: &'a PageTable<Vec<PageId>>,
    /// What the kinds' views read.
    pub(super) cx: Cx<'a>,
    /// The site's templates.
    pub(super) templates: &'a Templates,
    /// The header's links and the navigation tree.
    pub(super) navigator: Navigator<'a>,
    /// The site's feeds, worked out once for every page's header.
    feeds: &'a [super::reserved::Feed],
}

impl<'a> Renderer<'a> {
    /// What rendering `site`'s pages needs: what `memo` learned of their
    /// markdown, and `templates`.
    pub(super) fn new(site: &'a Site, memo: &'a Learned, templates: &'a Templates) -> Self {
        Renderer {
            feeds: &memo.feeds,
            navigator: Navigator {
                site,
                titles: &memo.titles,
                header: &memo.header,
                generated: &memo.tree_entries,
            },
            templates,
            cx: Cx {
                pages: &site.loaded.pages,
                model: &site.model.kinds,
                titles: &memo.titles,
                history: site.loaded.history.as_ref(),
                tickets_url: site.loaded.config.tickets_url.as_deref(),
            },
            site,
            rendered: &memo.rendered,
            titles: &memo.titles,
            backlinks: &memo.backlinks,
        }
    }
}

impl Renderer<'_> {
    /// The template page `i` renders with: `index.html` for the home page,
    /// `section.html` for a folder's page, `KIND.html` for a page of a kind
    /// (each the default theme's `page.html` unless overridden, see
    /// [`templates::sources`]), else `page.html`.
    pub(super) fn template_for(&self, i: PageId) -> String {
        let tree = &self.site.loaded.tree;
        let name = match tree.section_of[i] {
            Some(0) => "index.html".to_string(),
            Some(_) => "section.html".to_string(),
            None => format!("{}.html", self.site.model.kinds.kind(i).name()),
        };
        if self.templates.has(&name) {
            name
        } else {
            "page.html".into()
        }
    }

    /// Site-wide values; `href` turns a site URL into a link from the page
    /// being rendered, and `current_url` marks the header section it is in.
    pub(super) fn site_view(
        &self,
        href: &dyn Fn(&str) -> String,
        current_url: &str,
    ) -> SiteView<'_> {
        let config = &self.site.loaded.config;
        let sections = self.site.loaded.tree.sections[0]
            .subsections
            .iter()
            .map(|&s| {
                let page = self.site.loaded.tree.sections[s].page;
                let url = &self.site.loaded.pages[page].url;
                views::NavLink {
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
            nav: self.navigator.header(href, current_url),
            logo: config.logo.as_deref().map(href),
            nav_data: href("nav.json"),
            inline_style: None,
            dashboard: match config.dashboard {
                crate::config::Dashboard::Last => "last",
                _ => "first",
            },
            kinds: {
                let mut slots = Slots::new();
                views::fill(&mut slots, |v, slots| {
                    v.site(&self.site.model.kinds, href, slots)
                });
                slots
            },
            people_href: self
                .site
                .model
                .kinds
                .team
                .is_some()
                .then(|| href(super::reserved::PEOPLE_URL)),
            search_href: self
                .site
                .loaded
                .config
                .search
                .then(|| href(super::reserved::SEARCH_URL)),
            print_href: self
                .site
                .loaded
                .config
                .print
                .then(|| href(super::reserved::PRINT_URL)),
            feeds: self
                .feeds
                .iter()
                .map(|(title, file)| FeedLink {
                    title,
                    href: href(&format!("{}{file}", super::reserved::FEEDS_DIR)),
                })
                .collect(),
            changes_href: super::reserved::has_changes(self.site)
                .then(|| href(super::reserved::CHANGES_URL)),
            team_health_href: self
                .site
                .loaded
                .health
                .is_some()
                .then(|| href(super::reserved::TEAM_HEALTH_URL)),
        }
    }

    /// Renders page `i` with `content` (its markdown as HTML), and its
    /// article alone for the whole-handbook document when `article`. With
    /// `fingerprint`, also gives [`Renderer::fingerprint`] (from the same
    /// context, made once).
    pub(super) fn page(
        &self,
        i: PageId,
        content: &str,
        article: bool,
        fingerprint: Option<&mut Digest>,
    ) -> Result<(String, Option<String>), Diagnostic> {
        let source_path = self.site.loaded.pages[i].source_path.as_str();
        let mut context = self.context(i, content);
        if let Some(slot) = fingerprint {
            context.page.content = "";
            *slot = self.digest(i, &context);
            context.page.content = content;
        }
        self.templates.render_then(
            &self.template_for(i),
            source_path,
            &context,
            article.then_some(("partials/article.html", "document")),
        )
    }

    /// A hash of everything page `i`'s output depends on besides its own
    /// markdown: the template's name and the context without `content`. Two
    /// renders with the same fingerprint and the same markdown are the same
    /// bytes, which is how a live preview finds the pages a change touched.
    pub(super) fn fingerprint(&self, i: PageId) -> Digest {
        self.digest(i, &self.context(i, ""))
    }

    /// The fingerprint of page `i` from its context without `content`.
    fn digest(&self, i: PageId, context: &PageContext<'_>) -> Digest {
        thread_local! {
            static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        BUFFER.with_borrow_mut(|buffer| {
            buffer.clear();
            buffer.extend_from_slice(self.template_for(i).as_bytes());
            buffer.push(0);
            // Serialising into memory cannot fail; a context that could not
            // be serialised fails its render, which is re-tried on every change.
            let _ = serde_json::to_writer(&mut *buffer, context);
            Digest::of(buffer)
        })
    }

    pub(super) fn context<'s>(&'s self, i: PageId, content: &'s str) -> PageContext<'s> {
        let url = self.site.loaded.pages[i].url.as_str();
        PageContext {
            site: self.site_view(&|to| relative_href(url, to), url),
            page: self.page_view(i, content),
            nav: self.nav(i),
            aggregates: Aggregates {
                health: (self.site.loaded.tree.section_of[i] == Some(0)
                    && self.site.loaded.config.dashboard != crate::config::Dashboard::Off)
                    .then(|| self.health(url))
                    .filter(|h| !h.is_empty()),
                ..Aggregates::default()
            },
            document: false,
        }
    }

    pub(super) fn page_view<'s>(&'s self, i: PageId, content: &'s str) -> PageView<'s> {
        let page = &self.site.loaded.pages[i];
        let links = (!page.generated).then(|| self.site.source_links(&page.source_path));
        let rendered = &self.rendered[i];
        PageView {
            title: &self.titles[i],
            title_id: rendered.title_id.as_deref(),
            description: page.front.description.as_deref(),
            date: page.front.date.as_ref().map(|d| d.as_str()),
            updated: page.front.updated.as_ref().map(|d| d.as_str()),
            tags: &page.front.tags,
            kind: self.site.model.kinds.kind(i).name(),
            record: {
                let mut slots = Slots::new();
                views::fill(&mut slots, |v, slots| v.page(&self.cx, i, slots));
                slots
            },
            raci: self
                .site
                .model
                .kinds
                .raci(i)
                .map(|rows| RaciMatrix::new(rows, &|name| self.cx.person(&page.url, name))),
            rapid: self.site.model.kinds.rapid(i).map(|r| {
                let people = |list: &[String]| self.cx.people(&page.url, list);
                RapidView {
                    recommend: people(&r.recommend),
                    agree: people(&r.agree),
                    perform: people(&r.perform),
                    input: people(&r.input),
                    decide: people(&r.decide),
                }
            }),
            history: self.history_view(i),
            review_schedule: self.site.model.kinds.schedule(i).filter(|_| {
                let entry = &self.site.model.kinds.pages[i];
                !views::of(entry.kind).shows_schedule(entry)
            }),
            edit_url: links.as_ref().and_then(|l| l.edit.clone()),
            history_url: links.and_then(|l| l.history),
            draft: page.front.draft,
            url: &page.url,
            permalink: self
                .site
                .loaded
                .config
                .base_url
                .as_ref()
                .map(|b| format!("{b}{}", page.url)),
            source_path: (!page.generated).then(|| page.source_path.clone()),
            markdown_href: (!page.generated && self.site.loaded.config.markdown_copies)
                .then(|| relative_href(&page.url, &page.source_path)),
            content,
            toc: &rendered.toc,
            backlinks: self.backlinks[i]
                .iter()
                .map(|&b| self.cx.link(&page.url, b, false))
                .collect(),
            extra: &page.front.extra,
        }
    }

    /// Git's facts about page `i`; front matter `updated` and `date` win.
    pub(super) fn history_view(&self, i: PageId) -> Option<HistoryView> {
        let page = &self.site.loaded.pages[i];
        let file = self
            .site
            .loaded
            .history
            .as_ref()?
            .files
            .get(&page.source_path)?;
        let (updated, updated_date, updated_by) = match &page.front.updated {
            Some(date) => (date.as_str().to_string(), date.as_str().to_string(), None),
            None => {
                let (stamp, date) = timestamp(file.updated);
                (stamp, date, Some(file.updated_by.clone()))
            }
        };
        let (created, created_date) = match &page.front.date {
            Some(date) => (date.as_str().to_string(), date.as_str().to_string()),
            None => timestamp(file.created),
        };
        Some(HistoryView {
            updated_ago: ago(&updated_date, self.site.loaded.today),
            updated,
            updated_date,
            updated_by,
            created,
            created_date,
            authors: file
                .authors
                .iter()
                .map(|(name, commits)| AuthorView {
                    name: name.clone(),
                    commits: *commits,
                })
                .collect(),
            commits: file.commits,
        })
    }

    /// Bounded navigation for page `i`: breadcrumbs, a window of siblings,
    /// prev/next, and (for section pages) the section's listing.
    pub(super) fn nav(&self, i: PageId) -> NavView {
        let tree = &self.site.loaded.tree;
        let url = self.site.loaded.pages[i].url.as_str();
        let parent = tree.parent_of[i];
        let mut nav = NavView {
            tree: Some(self.navigator.tree(i)),
            ..NavView::default()
        };
        let mut chain = tree.chain(parent);
        if tree.section_of[i] == Some(parent) {
            chain.pop(); // the root page is its own parent section
        }
        nav.breadcrumbs = chain
            .iter()
            .map(|&s| self.cx.link(url, tree.sections[s].page, false))
            .collect();
        nav.section = nav.breadcrumbs.last().cloned();
        let section = tree.section_of[i].map(|s| &tree.sections[s]);
        views::fill(&mut nav.listings, |v, slots| {
            v.listing(&self.cx, i, section.map(|s| s.pages.as_slice()), slots);
        });
        if let Some(section) = section {
            // Records listed in a log or index are not listed again as plain pages.
            let model = &self.site.model.kinds;
            nav.children = section
                .pages
                .iter()
                .filter(|&&c| {
                    let entry = &model.pages[c];
                    !views::of(entry.kind).lists(entry)
                })
                .map(|&c| self.cx.child(url, c))
                .collect();
            nav.subsections = section
                .subsections
                .iter()
                .map(|&c| self.cx.child(url, tree.sections[c].page))
                .collect();
        } else {
            let list = &tree.sections[parent].pages;
            if let Some(pos) = list.iter().position(|&p| p == i) {
                let from = pos.saturating_sub(SIBLING_WINDOW);
                let to = (pos + SIBLING_WINDOW + 1).min(list.len());
                nav.siblings = list[from..to]
                    .iter()
                    .map(|&p| self.cx.link(url, p, p == i))
                    .collect();
                nav.more_before = from;
                nav.more_after = list.len() - to;
                nav.prev = pos
                    .checked_sub(1)
                    .map(|p| self.cx.link(url, list[p], false));
                nav.next = list.get(pos + 1).map(|&p| self.cx.link(url, p, false));
            }
        }
        nav
    }
}

impl Renderer<'_> {
    /// The home page's summary: what each kind summarises, and whether any
    /// page needs review.
    pub(super) fn health(&self, from_url: &str) -> Health {
        let model = &self.site.model.kinds;
        let mut health = Health {
            needs_review_href: model
                .schedules()
                .any(|(_, s)| s.review.is_due())
                .then(|| relative_href(from_url, super::reserved::REVIEWS_URL)),
            team_health: self.site.loaded.health.as_ref().and_then(|surveys| {
                Some(views::TeamHealthCard {
                    href: relative_href(from_url, super::reserved::TEAM_HEALTH_URL),
                    latest: surveys.periods.last()?.name.clone(),
                    alerts: crate::kinds::health::check(surveys, &self.site.loaded.config.health)
                        .iter()
                        .filter(|d| d.code == crate::diagnostics::Code::HealthFalling)
                        .count(),
                })
            }),
            ..Health::default()
        };
        views::fill(&mut health.kinds, |v, slots| {
            v.home(&self.cx, from_url, slots)
        });
        health
    }
}
