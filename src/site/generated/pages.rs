//! Generated pages gathered from the whole handbook rather than written:
//! search, recent changes, needs-review, the action tracker, the people
//! index and a page per person (the home page's summary is built with the
//! page contexts). Each is bounded by what it lists, not by the size of
//! every page.

use crate::links::relative_href;
use crate::pages::PageId;

use super::super::Site;
use super::super::context::Renderer;
use super::super::reserved::{
    self, ACTIONS_URL, CHANGES_URL, PEOPLE_URL, REVIEWS_URL, SEARCH_URL, SKILLS_URL, person_url,
};
use super::super::views::{
    self, Aggregates, ChangeRow, NavLink, NavView, PageContext, PersonRow, PersonView, ReviewRow,
    Slots, rfc3339,
};
use super::{Generated, Made, synthetic_page};

/// The page at `url` (a folder), rendered with `template`.
pub(super) fn page(
    render: &Renderer<'_>,
    template: &str,
    title: &str,
    url: &str,
    aggregates: Aggregates,
) -> Made {
    let extra = serde_json::Map::new();
    let home = render.site.loaded.tree.sections[0].page;
    let context = PageContext {
        site: render.site_view(&|to| relative_href(url, to), url),
        page: synthetic_page(title, url, template.trim_end_matches(".html"), &extra),
        nav: NavView {
            breadcrumbs: vec![render.cx.link(url, home, false)],
            tree: Some(render.navigator.tree_for_generated(url)),
            ..NavView::default()
        },
        aggregates,
        document: false,
    };
    let html = render.templates.render(template, "", &context)?;
    Ok((format!("{url}index.html"), html.into_bytes()))
}

/// `url`'s page, when `has`.
pub(super) fn folder_page(url: &str, has: bool) -> Vec<String> {
    if has {
        vec![format!("{url}index.html")]
    } else {
        Vec::new()
    }
}

/// The search page; the index beside it is written by
/// [`Site::write_search`] (its manifest is declared here).
pub(super) struct Search;

impl Generated for Search {
    fn files(&self, site: &Site) -> Vec<String> {
        let mut files = folder_page(SEARCH_URL, site.loaded.config.search);
        if site.loaded.config.search {
            files.push(format!("{}/manifest.json", crate::search::DIR));
        }
        files
    }

    fn render(&self, render: &Renderer<'_>) -> Vec<Made> {
        if !render.site.loaded.config.search {
            return Vec::new();
        }
        let model = &render.site.model.kinds;
        let kinds: serde_json::Map<String, serde_json::Value> = crate::kinds::Kind::ALL
            .iter()
            .map(|k| (k.name().to_string(), k.label().into()))
            .collect();
        let owners: serde_json::Map<String, serde_json::Value> = model
            .runbooks()
            .filter_map(|(_, r)| r.owner.as_deref())
            .map(|o| (o.to_string(), render.cx.person(SEARCH_URL, o).name.into()))
            .collect();
        let labels = serde_json::json!({ "kind": kinds, "owner": owners });
        let aggregates = Aggregates {
            search_labels: Some(labels.to_string()),
            ..Aggregates::default()
        };
        vec![page(
            render,
            "search.html",
            "Search",
            SEARCH_URL,
            aggregates,
        )]
    }
}

/// Recent changes: the latest commits and the pages they touched.
pub(super) struct Changes;

impl Generated for Changes {
    fn files(&self, site: &Site) -> Vec<String> {
        folder_page(CHANGES_URL, reserved::has_changes(site))
    }

    fn render(&self, render: &Renderer<'_>) -> Vec<Made> {
        if !reserved::has_changes(render.site) {
            return Vec::new();
        }
        let url = CHANGES_URL;
        let aggregates = Aggregates {
            changes: changes(render, url),
            ..Aggregates::default()
        };
        vec![page(
            render,
            "changes.html",
            "Recent changes",
            url,
            aggregates,
        )]
    }
}

/// Needs review: every page whose review is overdue or due soon.
pub(super) struct NeedsReview;

impl Generated for NeedsReview {
    fn files(&self, site: &Site) -> Vec<String> {
        folder_page(REVIEWS_URL, site.model.kinds.has_schedules())
    }

    fn render(&self, render: &Renderer<'_>) -> Vec<Made> {
        if !render.site.model.kinds.has_schedules() {
            return Vec::new();
        }
        let aggregates = Aggregates {
            reviews_due: reviews_due(render, REVIEWS_URL),
            ..Aggregates::default()
        };
        let title = "Needs review";
        vec![page(
            render,
            "needs-review.html",
            title,
            REVIEWS_URL,
            aggregates,
        )]
    }
}

/// The action tracker: every action item of every review.
pub(super) struct Actions;

impl Generated for Actions {
    fn files(&self, site: &Site) -> Vec<String> {
        folder_page(ACTIONS_URL, site.model.kinds.has_reviews())
    }

    fn render(&self, render: &Renderer<'_>) -> Vec<Made> {
        if !render.site.model.kinds.has_reviews() {
            return Vec::new();
        }
        let mut aggregates = Aggregates::default();
        let actions = views::action_rows(&render.cx, ACTIONS_URL, &|_| true);
        aggregates
            .kinds
            .insert("owner_load", views::slot(views::owner_load(&actions)));
        aggregates.kinds.insert("actions", views::slot(actions));
        vec![page(
            render,
            "actions.html",
            "Actions",
            ACTIONS_URL,
            aggregates,
        )]
    }
}

/// The people index and a page per person of `team.toml`.
pub(super) struct People;

impl Generated for People {
    fn files(&self, site: &Site) -> Vec<String> {
        let Some(team) = &site.model.kinds.team else {
            return Vec::new();
        };
        let mut files = folder_page(PEOPLE_URL, true);
        files.extend(
            team.people
                .iter()
                .map(|p| format!("{}index.html", person_url(&p.handle))),
        );
        files
    }

    fn render(&self, render: &Renderer<'_>) -> Vec<Made> {
        let model = &render.site.model.kinds;
        let Some(team) = &model.team else {
            return Vec::new();
        };
        let mut made = Vec::new();
        let people = team
            .people
            .iter()
            .map(|p| {
                let is_them = |name: &str| team.find(name) == Some(p);
                let mut row = PersonRow {
                    handle: p.handle.clone(),
                    name: p.name.clone(),
                    initials: views::initials(&p.name),
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
        let mut aggregates = Aggregates {
            people,
            ..Aggregates::default()
        };
        if Skills::has(render.site) {
            aggregates.kinds.insert(
                "skills_href",
                serde_json::json!(relative_href(PEOPLE_URL, SKILLS_URL)),
            );
        }
        made.push(page(
            render,
            "people.html",
            "People",
            PEOPLE_URL,
            aggregates,
        ));
        for person in &team.people {
            let url = person_url(&person.handle);
            let is_them = |name: &str| team.find(name) == Some(person);
            let mut view = PersonView {
                handle: person.handle.clone(),
                name: person.name.clone(),
                initials: views::initials(&person.name),
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
            made.push(page(render, "person.html", &person.name, &url, aggregates));
        }
        made
    }
}

/// The skills matrix: who holds which skill at which level, and how well
/// each service's skills are covered; written when `team.toml` records any.
pub(super) struct Skills;

impl Skills {
    fn has(site: &Site) -> bool {
        site.model
            .kinds
            .team
            .as_ref()
            .is_some_and(|t| !t.skill_names().is_empty())
    }
}

impl Generated for Skills {
    fn files(&self, site: &Site) -> Vec<String> {
        folder_page(SKILLS_URL, Skills::has(site))
    }

    fn render(&self, render: &Renderer<'_>) -> Vec<Made> {
        let Some(team) = render
            .site
            .model
            .kinds
            .team
            .as_ref()
            .filter(|_| Skills::has(render.site))
        else {
            return Vec::new();
        };
        let names = team.skill_names();
        let people: Vec<serde_json::Value> = team
            .people
            .iter()
            .filter(|p| !p.skills.is_empty())
            .map(|p| {
                serde_json::json!({
                    "name": p.name,
                    "href": relative_href(SKILLS_URL, &person_url(&p.handle)),
                    "levels": names.iter().map(|n| p.skills.get(n).copied().unwrap_or(0)).collect::<Vec<u8>>(),
                })
            })
            .collect();
        let coverage: Vec<serde_json::Value> = team
            .services
            .iter()
            .flat_map(|service| service.skills.iter().map(move |skill| (service, skill)))
            .map(|(service, skill)| {
                let experts: Vec<&str> = team
                    .experts(skill)
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect();
                let (state, label) = match experts.len() {
                    0 => ("none", "nobody"),
                    1 => ("one", "one person"),
                    _ => ("covered", "covered"),
                };
                serde_json::json!({
                    "service": service.name,
                    "skill": skill,
                    "names": experts.join(", "),
                    "state": state,
                    "label": label,
                })
            })
            .collect();
        let mut aggregates = Aggregates::default();
        aggregates.kinds.insert(
            "skills",
            serde_json::json!({ "names": names, "people": people, "coverage": coverage }),
        );
        vec![page(
            render,
            "skills.html",
            "Skills",
            SKILLS_URL,
            aggregates,
        )]
    }
}

/// Pages whose review is overdue or due soon, the soonest due first.
fn reviews_due(render: &Renderer<'_>, from_url: &str) -> Vec<ReviewRow> {
    let model = &render.site.model.kinds;
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
                title: render.titles[p].clone(),
                href: relative_href(from_url, &render.site.loaded.pages[p].url),
                kind: model.kind(p).name(),
                kind_label: model.kind(p).label(),
                owner_person: {
                    let entry = &model.pages[p];
                    views::of(entry.kind)
                        .owner(entry)
                        .map(|o| render.cx.person(from_url, o))
                },
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
/// The rows of the recent-changes page: commits with the pages they touched.
#[allow(clippy::string_slice)] // an RFC 3339 time is ASCII and longer than 10 bytes
fn changes(render: &Renderer<'_>, from_url: &str) -> Vec<ChangeRow> {
    let Some(history) = &render.site.loaded.history else {
        return Vec::new();
    };
    // Looked up once for every path of every listed commit.
    let pages: std::collections::HashMap<&str, PageId> = render
        .site
        .loaded
        .pages
        .enumerate()
        .filter(|(_, p)| !p.generated)
        .map(|(i, p)| (p.source_path.as_str(), i))
        .collect();
    let page_of = |path: &str| pages.get(path).copied();
    history
        .recent
        .iter()
        .map(|commit| {
            let (pages, files): (Vec<_>, Vec<_>) =
                commit.paths.iter().partition(|p| page_of(p).is_some());
            ChangeRow {
                id: commit.id.clone(),
                time: rfc3339(commit.time),
                date: rfc3339(commit.time)[..10].to_string(),
                author: commit.author.clone(),
                summary: commit.summary.clone(),
                pages: pages
                    .into_iter()
                    .filter_map(|p| page_of(p))
                    .map(|i| NavLink {
                        title: render.titles[i].clone(),
                        href: relative_href(from_url, &render.site.loaded.pages[i].url),
                        current: false,
                    })
                    .collect(),
                files: files.into_iter().cloned().collect(),
            }
        })
        .collect()
}
