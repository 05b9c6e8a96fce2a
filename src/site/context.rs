//! Template contexts: the typed view models (`templates::view`) a page's
//! template sees, built from the loaded site and the rendered markdown. Every
//! href is made relative to the page being rendered. Navigation is bounded: a
//! page carries its breadcrumbs, a window of siblings and prev/next, never the
//! whole tree.

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostic;
use crate::kinds::Kind;
use crate::kinds::adr::Status;
use crate::kinds::schedule::Review;
use crate::links::relative_href;
use crate::markdown::Rendered;
use crate::pages::{PageId, PageTable};
use crate::templates::view::{
    AdrRow, AdrView, Aggregates, AlertRow, AuthorView, ChildView, FeedLink, Health, HistoryView,
    NavLink, NavView, PageContext, PageView, RaciMatrix, RunbookRow, RunbookView, ServiceGroup,
    SiteView,
};
use crate::templates::{self, Templates};

use super::Site;
use super::reserved::{ACTIONS_URL, REVIEWS_URL};

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

/// A record's status as shown: its name, the author's words, or "unknown".
fn status_label(adr: &crate::kinds::adr::Adr) -> String {
    match (adr.status, &adr.status_text) {
        (Some(status), _) => status.name().to_string(),
        (None, Some(words)) => words.clone(),
        (None, None) => "unknown".to_string(),
    }
}

/// A record's status for styling and filtering: its name, `other` or `unknown`.
fn status_group(adr: &crate::kinds::adr::Adr) -> &'static str {
    match (adr.status, &adr.status_text) {
        (Some(status), _) => status.name(),
        (None, Some(_)) => "other",
        (None, None) => "unknown",
    }
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
pub(super) struct Renderer<'a> {
    pub(super) site: &'a Site,
    pub(super) rendered: &'a PageTable<Rendered>,
    pub(super) titles: &'a PageTable<String>,
    pub(super) backlinks: &'a PageTable<Vec<PageId>>,
    /// The site's feeds, worked out once for every page's header.
    feeds: Vec<super::reserved::Feed>,
}

impl<'a> Renderer<'a> {
    pub(super) fn new(
        site: &'a Site,
        rendered: &'a PageTable<Rendered>,
        titles: &'a PageTable<String>,
        backlinks: &'a PageTable<Vec<PageId>>,
    ) -> Self {
        Renderer {
            feeds: super::reserved::available(site),
            site,
            rendered,
            titles,
            backlinks,
        }
    }
}

impl Renderer<'_> {
    pub(super) fn link(&self, from_url: &str, to: PageId, current: bool) -> NavLink {
        NavLink {
            title: self.titles[to].clone(),
            href: relative_href(from_url, &self.site.pages[to].url),
            current,
        }
    }

    pub(super) fn template_for(&self, templates: &Templates, i: PageId) -> String {
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
    pub(super) fn site_view(
        &self,
        href: &dyn Fn(&str) -> String,
        current_url: &str,
    ) -> SiteView<'_> {
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
            actions_href: self
                .site
                .model
                .reviews()
                .next()
                .is_some()
                .then(|| href(super::reserved::ACTIONS_URL)),
            people_href: self
                .site
                .model
                .team
                .is_some()
                .then(|| href(super::reserved::PEOPLE_URL)),
            search_href: self
                .site
                .config
                .search
                .then(|| href(super::reserved::SEARCH_URL)),
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
        }
    }

    /// Renders page `i` with `content` (its markdown as HTML).
    pub(super) fn page(
        &self,
        templates: &Templates,
        i: PageId,
        content: &str,
    ) -> Result<String, Diagnostic> {
        templates.render(&self.template_for(templates, i), &self.context(i, content))
    }

    /// A hash of everything page `i`'s output depends on besides its own
    /// markdown: the template's name and the context without `content`. Two
    /// renders with the same fingerprint and the same markdown are the same
    /// bytes, which is how a live preview finds the pages a change touched.
    pub(super) fn fingerprint(&self, templates: &Templates, i: PageId) -> u64 {
        use std::hash::Hasher as _;
        struct HashWriter(std::hash::DefaultHasher);
        impl std::io::Write for HashWriter {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.write(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut hasher = HashWriter(std::hash::DefaultHasher::new());
        hasher.0.write(self.template_for(templates, i).as_bytes());
        // Serialising into a hasher cannot fail; a context that could not be
        // serialised fails its render, which is re-tried on every change.
        let _ = serde_json::to_writer(&mut hasher, &self.context(i, ""));
        hasher.0.finish()
    }

    pub(super) fn context<'s>(&'s self, i: PageId, content: &'s str) -> PageContext<'s> {
        let url = self.site.pages[i].url.as_str();
        PageContext {
            site: self.site_view(&|to| relative_href(url, to), url),
            page: self.page_view(i, content),
            nav: self.nav(i),
            aggregates: Aggregates {
                health: (self.site.tree.section_of[i] == Some(0))
                    .then(|| self.health(url))
                    .filter(|h| !h.is_empty()),
                ..Aggregates::default()
            },
        }
    }

    pub(super) fn page_view<'s>(&'s self, i: PageId, content: &'s str) -> PageView<'s> {
        let page = &self.site.pages[i];
        let links = (!page.generated).then(|| self.site.source_links(&page.source_path));
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
            review: self.site.model.review(i),
            charter: self.site.model.charter(i),
            channels: self.site.model.channels(i).map(Vec::as_slice),
            raci: self.site.model.raci(i).map(RaciMatrix::new),
            rapid: self.site.model.rapid(i),
            history: self.history_view(i),
            review_schedule: self
                .site
                .model
                .schedule(i)
                .filter(|_| self.site.model.runbook(i).is_none()),
            edit_url: links.as_ref().and_then(|l| l.edit.clone()),
            history_url: links.and_then(|l| l.history),
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

    /// Git's facts about page `i`; front matter `updated` and `date` win.
    pub(super) fn history_view(&self, i: PageId) -> Option<HistoryView> {
        let page = &self.site.pages[i];
        let file = self.site.history.as_ref()?.files.get(&page.source_path)?;
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
            updated_ago: ago(&updated_date, self.site.today),
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

    pub(super) fn adr_view(&self, i: PageId) -> Option<AdrView> {
        let adr = self.site.model.adr(i)?;
        let url = &self.site.pages[i].url;
        let graph = &self.site.model.adr_graph;
        let links = |pages: Option<&Vec<PageId>>| -> Vec<NavLink> {
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
            status_label: status_label(adr),
            status_group: status_group(adr),
            date: adr.date.as_ref().map(|d| d.as_str().to_string()),
            deciders: adr.deciders.clone(),
            consulted: adr.consulted.clone(),
            informed: adr.informed.clone(),
            supersedes: links(graph.supersedes.get(&i)),
            superseded_by: links(graph.superseded_by.get(&i)),
            amends: links(graph.amends.get(&i)),
            amended_by: links(graph.amended_by.get(&i)),
        })
    }

    pub(super) fn runbook_view(&self, i: PageId) -> Option<RunbookView> {
        let r = self.site.model.runbook(i)?;
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
            dashboards: r
                .dashboards
                .iter()
                .map(|d| crate::templates::view::DashboardView {
                    href: d.linked.then(|| d.url.clone()),
                    text: d.url.clone(),
                })
                .collect(),
            last_reviewed: r.last_reviewed.as_ref().map(|d| d.as_str().to_string()),
            review_every: r.review_every.clone(),
            next_review: r.next_review.as_ref().map(|d| d.as_str().to_string()),
            review: review_name(r.review),
            origins: r.origins.clone(),
        })
    }

    /// A runbook folder's index: its runbooks by service, and their alerts.
    pub(super) fn runbook_index(
        &self,
        from_url: &str,
        pages: &[PageId],
    ) -> (Vec<ServiceGroup>, Vec<AlertRow>) {
        let mut groups: BTreeMap<String, Vec<RunbookRow>> = BTreeMap::new();
        let mut alerts = Vec::new();
        for &p in pages {
            let Some(r) = self.site.model.runbook(p) else {
                continue;
            };
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
    pub(super) fn adr_log(&self, from_url: &str, pages: &[PageId]) -> Vec<AdrRow> {
        let mut rows: Vec<(Option<u32>, PageId)> = pages
            .iter()
            .filter_map(|&p| self.site.model.adr(p).map(|a| (a.number, p)))
            .collect();
        rows.sort_by_key(|&(n, p)| (n.is_none(), n, p));
        rows.into_iter()
            .filter_map(|(_, p)| {
                let adr = self.site.model.adr(p)?;
                Some(AdrRow {
                    number: adr.number,
                    number_text: adr.number.map(|n| n.to_string()),
                    title: self.titles[p].clone(),
                    href: relative_href(from_url, &self.site.pages[p].url),
                    status: adr.status.map(Status::name),
                    status_label: status_label(adr),
                    status_group: status_group(adr),
                    date: adr.date.as_ref().map(|d| d.as_str().to_string()),
                    deciders: adr.deciders.clone(),
                })
            })
            .collect()
    }

    pub(super) fn child(&self, from_url: &str, i: PageId) -> ChildView {
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
    pub(super) fn nav(&self, i: PageId) -> NavView {
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
                .filter(|&&c| model.adr(c).is_none() && model.runbook(c).is_none())
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

/// How many entries each list on the home page shows.
const HEALTH_LIST: usize = 5;

impl Renderer<'_> {
    /// Pages of `kind` as listing entries, newest first.
    pub(super) fn newest(
        &self,
        from_url: &str,
        pages: impl Iterator<Item = PageId>,
    ) -> Vec<ChildView> {
        let mut list: Vec<PageId> = pages.collect();
        list.sort_by(|&a, &b| {
            let date = |p: PageId| self.site.pages[p].front.date.clone();
            date(b).cmp(&date(a)).then(a.cmp(&b))
        });
        list.into_iter().map(|p| self.child(from_url, p)).collect()
    }

    /// Decision records, newest first: by the decision's date, else when
    /// git first saw the file, else by number (imported collections often
    /// date only some records).
    pub(super) fn newest_decisions(
        &self,
        from_url: &str,
        pages: impl Iterator<Item = PageId>,
    ) -> Vec<ChildView> {
        let model = &self.site.model;
        let key = |p: PageId| {
            let adr = model.adr(p);
            let date = adr.and_then(|a| a.date.clone());
            let created = self
                .site
                .history
                .as_ref()
                .and_then(|h| h.files.get(&self.site.pages[p].source_path))
                .map(|f| f.created);
            (date, created, adr.and_then(|a| a.number))
        };
        let mut list: Vec<(PageId, _)> = pages.map(|p| (p, key(p))).collect();
        list.sort_by(|(a, ka), (b, kb)| kb.cmp(ka).then(a.cmp(b)));
        list.into_iter()
            .map(|(p, _)| self.child(from_url, p))
            .collect()
    }

    /// The home page's summary: open and overdue actions, recent and proposed
    /// decisions, runbooks due for review, recent reviews.
    pub(super) fn health(&self, from_url: &str) -> Health {
        let render = self;
        let model = &render.site.model;
        let mut open = 0;
        let mut overdue = 0;
        for action in model.reviews().flat_map(|(_, r)| &r.actions) {
            if !action.done {
                open += 1;
                if action.overdue {
                    overdue += 1;
                }
            }
        }
        let mut recent_adrs = render.newest_decisions(from_url, model.adrs().map(|(p, _)| p));
        recent_adrs.truncate(HEALTH_LIST);
        let proposed = model
            .adrs()
            .filter(|(_, a)| a.status == Some(Status::Proposed))
            .map(|(p, _)| p);
        let mut proposed_adrs = render.newest_decisions(from_url, proposed);
        proposed_adrs.truncate(HEALTH_LIST);
        let mut due: Vec<(String, PageId)> = model
            .runbooks()
            .filter(|(_, r)| matches!(r.review, Review::Overdue | Review::DueSoon))
            .filter_map(|(p, r)| Some((r.next_review.as_ref()?.as_str().to_string(), p)))
            .collect();
        due.sort();
        let runbooks_due = due
            .into_iter()
            .take(HEALTH_LIST)
            .map(|(date, p)| ChildView {
                date: Some(date),
                ..render.child(from_url, p)
            })
            .collect();
        let reviews = model
            .reviews()
            .map(|(p, _)| p)
            .filter(|&p| model.kind(p) == Kind::Aar);
        let mut recent_reviews = render.newest(from_url, reviews);
        recent_reviews.truncate(HEALTH_LIST);
        let needs_review = model
            .schedules()
            .any(|(_, s)| matches!(s.review, Review::Overdue | Review::DueSoon));
        Health {
            open_actions: open,
            overdue_actions: overdue,
            actions_href: model
                .reviews()
                .next()
                .is_some()
                .then(|| relative_href(from_url, ACTIONS_URL)),
            recent_adrs,
            proposed_adrs,
            runbooks_due,
            recent_reviews,
            needs_review_href: needs_review.then(|| relative_href(from_url, REVIEWS_URL)),
        }
    }
}
