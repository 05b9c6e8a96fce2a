//! Pages gathered from the whole handbook rather than written: the action
//! tracker, the people index and a page per person, and needs-review (the home
//! page's health summary is built with the page contexts, in `context`).
//! Each is bounded by what it lists, not by the size of every page.

use crate::diagnostics::Diagnostic;
use crate::links::relative_href;
use crate::pages::{PageId, PageTable};
use crate::templates::Templates;

use super::context::Renderer;
use super::output::Sink;
use super::views::{
    self, Aggregates, NavView, PageContext, PageView, PersonRow, PersonView, ReviewRow, Slots,
};

use super::reserved::{
    ACTIONS_URL, CHANGES_URL, FEEDS_DIR, PEOPLE_URL, REVIEWS_URL, SEARCH_URL, person_url,
};

/// A page view for a page that has no source file.
pub(super) fn synthetic_page<'a>(
    title: &'a str,
    url: &'a str,
    kind: &'a str,
    extra: &'a serde_json::Map<String, serde_json::Value>,
) -> PageView<'a> {
    PageView {
        title,
        title_id: None,
        description: None,
        date: None,
        updated: None,
        tags: &[],
        kind,
        draft: false,
        url,
        permalink: None,
        source_path: None,
        content: "",
        toc: &[],
        backlinks: Vec::new(),
        extra,
        record: Slots::new(),
        raci: None,
        rapid: None,
        history: None,
        review_schedule: None,
        edit_url: None,
        history_url: None,
    }
}

/// The output files this module writes, for the duplicate-output check.
pub(super) fn outputs(site: &super::Site) -> Vec<String> {
    let mut files = Vec::new();
    if site.config.search {
        files.push(format!("{SEARCH_URL}index.html"));
        files.push(format!("{}/manifest.json", crate::search::DIR));
    }
    if site.model.reviews().next().is_some() {
        files.push(format!("{ACTIONS_URL}index.html"));
    }
    if site.model.schedules().next().is_some() {
        files.push(format!("{REVIEWS_URL}index.html"));
    }
    if super::reserved::has_changes(site) {
        files.push(format!("{}index.html", CHANGES_URL));
    }
    for (_, file) in super::reserved::available(site) {
        files.push(format!("{}{file}", FEEDS_DIR));
    }
    if let Some(team) = &site.model.team {
        files.push(format!("{PEOPLE_URL}index.html"));
        files.extend(
            team.people
                .iter()
                .map(|p| format!("{}index.html", person_url(&p.handle))),
        );
    }
    files
}

/// What the search index is built from: every page written from a source (the
/// pages whose terms were counted), with its excerpts and filter values (kind,
/// ADR status, runbook service and owner, tags). Takes the excerpts on their own so
/// the rendered HTML can be freed before the index is built.
pub(super) fn search_documents<'a>(
    site: &'a super::Site,
    titles: &'a PageTable<String>,
    sections: &PageTable<&'a [crate::markdown::TextSection]>,
) -> Vec<crate::search::Document<'a>> {
    let model = &site.model;
    site.pages
        .enumerate()
        .filter(|(_, page)| !page.generated)
        .map(|(i, page)| {
            let kind = model.kind(i).name();
            let mut facets = vec![("kind", kind.to_string())];
            let entry = &model.pages[i];
            views::of(entry.kind).facets(entry, &mut facets);
            facets.extend(page.front.tags.iter().map(|t| ("tag", t.clone())));
            crate::search::Document {
                url: &page.url,
                title: &titles[i],
                kind,
                date: page.front.date.as_ref().map(|d| d.as_str()),
                facets,
                sections: sections.get(i).copied().unwrap_or_default(),
            }
        })
        .collect()
}

impl Renderer<'_> {
    fn aggregate_page(
        &self,
        templates: &Templates,
        template: &str,
        title: &str,
        url: &str,
        aggregates: Aggregates,
    ) -> Result<String, Diagnostic> {
        let extra = serde_json::Map::new();
        let home = self.site.tree.sections[0].page;
        let context = PageContext {
            site: self.site_view(&|to| relative_href(url, to), url),
            page: synthetic_page(title, url, template.trim_end_matches(".html"), &extra),
            nav: NavView {
                breadcrumbs: vec![self.cx.link(url, home, false)],
                ..NavView::default()
            },
            aggregates,
        };
        templates.render(template, "", &context)
    }
}

impl Renderer<'_> {
    /// Pages whose review is overdue or due soon, the soonest due first.
    fn reviews_due(&self, from_url: &str) -> Vec<ReviewRow> {
        let model = &self.site.model;
        let mut due: Vec<(&str, PageId)> = model
            .schedules()
            .filter(|(_, s)| s.review.is_due())
            .map(|(p, s)| (s.next_review.as_ref().map_or("", |d| d.as_str()), p))
            .collect();
        due.sort_unstable();
        due.into_iter()
            .filter_map(|(_, p)| {
                let schedule = model.schedule(p)?;
                Some(ReviewRow {
                    title: self.titles[p].clone(),
                    href: relative_href(from_url, &self.site.pages[p].url),
                    kind: model.kind(p).name(),
                    owner: {
                        let entry = &model.pages[p];
                        views::of(entry.kind).owner(entry).map(str::to_string)
                    },
                    review: if schedule.review == crate::kinds::schedule::Review::Overdue {
                        "overdue"
                    } else {
                        "due-soon"
                    },
                    next_review: schedule
                        .next_review
                        .as_ref()
                        .map(|d| d.as_str().to_string()),
                    last_reviewed: schedule
                        .last_reviewed
                        .as_ref()
                        .map(|d| d.as_str().to_string()),
                    from_git: schedule.from_git,
                    review_every: schedule.review_every.clone(),
                })
            })
            .collect()
    }
}

/// Renders the action tracker and the people pages into `sink`.
pub(super) fn write(
    render: &Renderer<'_>,
    templates: &Templates,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let model = &render.site.model;
    let mut pages: Vec<(String, Result<String, Diagnostic>)> = Vec::new();
    if render.site.config.search {
        let page = render.aggregate_page(
            templates,
            "search.html",
            "Search",
            SEARCH_URL,
            Aggregates::default(),
        );
        pages.push((SEARCH_URL.into(), page));
    }
    if super::reserved::has_changes(render.site) {
        let url = CHANGES_URL;
        let aggregates = Aggregates {
            changes: render.changes(url),
            ..Aggregates::default()
        };
        pages.push((
            url.into(),
            render.aggregate_page(templates, "changes.html", "Recent changes", url, aggregates),
        ));
    }
    if model.schedules().next().is_some() {
        let aggregates = Aggregates {
            reviews_due: render.reviews_due(REVIEWS_URL),
            ..Aggregates::default()
        };
        pages.push((
            REVIEWS_URL.into(),
            render.aggregate_page(
                templates,
                "needs-review.html",
                "Needs review",
                REVIEWS_URL,
                aggregates,
            ),
        ));
    }
    if model.reviews().next().is_some() {
        let mut aggregates = Aggregates::default();
        let actions = views::action_rows(&render.cx, ACTIONS_URL, &|_| true);
        aggregates.kinds.insert("actions", views::slot(actions));
        pages.push((
            ACTIONS_URL.into(),
            render.aggregate_page(
                templates,
                "actions.html",
                "Actions",
                ACTIONS_URL,
                aggregates,
            ),
        ));
    }
    if let Some(team) = &model.team {
        let people = team
            .people
            .iter()
            .map(|p| {
                let is_them = |name: &str| team.find(name) == Some(p);
                let mut row = PersonRow {
                    handle: p.handle.clone(),
                    name: p.name.clone(),
                    role: p.role.clone(),
                    href: relative_href(PEOPLE_URL, &person_url(&p.handle)),
                    kinds: Slots::new(),
                };
                views::fill(&mut row.kinds, |v, slots| {
                    v.person_row(model, &is_them, slots)
                });
                row
            })
            .collect();
        let aggregates = Aggregates {
            people,
            ..Aggregates::default()
        };
        pages.push((
            PEOPLE_URL.into(),
            render.aggregate_page(templates, "people.html", "People", PEOPLE_URL, aggregates),
        ));
        for person in &team.people {
            let url = person_url(&person.handle);
            let is_them = |name: &str| team.find(name) == Some(person);
            let mut view = PersonView {
                handle: person.handle.clone(),
                name: person.name.clone(),
                role: person.role.clone(),
                contact: person.contact.clone(),
                kinds: Slots::new(),
            };
            let mut aggregates = Aggregates::default();
            for v in views::ALL {
                v.person(
                    &render.cx,
                    &url,
                    &is_them,
                    &mut view.kinds,
                    &mut aggregates.kinds,
                );
            }
            aggregates.person = Some(view);
            let page =
                render.aggregate_page(templates, "person.html", &person.name, &url, aggregates);
            pages.push((url, page));
        }
    }
    let mut diagnostics = Vec::new();
    for (url, page) in pages {
        match page {
            Ok(html) => {
                let path = format!("{url}index.html");
                if let Err(e) = sink.write(&path, html.as_bytes()) {
                    diagnostics.push(super::write_error(&path, &e));
                }
            }
            Err(d) => diagnostics.push(d),
        }
    }
    diagnostics
}
