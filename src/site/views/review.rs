//! How after-action reviews and retrospectives are shown: the review on its
//! page (`page.review`), their action items (the tracker, a person's open
//! actions and counts, the home page's open and overdue counts), recent
//! reviews on the home page, the reviews a person took part in, and the
//! reviews feed's entries.

use serde::Serialize;

use super::model::{NavLink, PersonRef};
use super::{Cx, HOME_LIST, KindView, Slots, slot};
use crate::kinds::review::{Action, Review};
use crate::kinds::{Entry, Kind, Model, Record};
use crate::links::relative_href;
use crate::pages::PageId;
use crate::search::Facts;

use super::super::reserved::{ACTIONS_URL, person_url};

/// One action item, with where it came from.
#[derive(Clone, Debug, Serialize)]
pub struct ActionRow {
    pub what: String,
    pub owner: Option<String>,
    /// The owner's person page, when `team.toml` knows them.
    pub owner_href: Option<String>,
    pub due: Option<String>,
    pub done: bool,
    pub overdue: bool,
    pub ticket: Option<String>,
    /// The ticket's page, with `[links] tickets`.
    pub ticket_href: Option<String>,
    /// The owner as a person.
    pub owner_person: Option<PersonRef>,
    pub source: NavLink,
    /// Its id, the same in every review that lists it.
    pub id: String,
    /// How many earlier reviews listed it open (carried over).
    pub carried: u32,
    /// Days since it was first listed, while open.
    pub age_days: Option<i32>,
}

/// How many open (and overdue) actions one owner has.
#[derive(Clone, Debug, Serialize)]
pub struct OwnerLoad {
    pub owner: PersonRef,
    pub open: usize,
    pub overdue: usize,
}

/// Open actions per owner, the most first (then by name).
pub(in crate::site) fn owner_load(rows: &[ActionRow]) -> Vec<OwnerLoad> {
    let mut by_owner: std::collections::BTreeMap<&str, OwnerLoad> =
        std::collections::BTreeMap::new();
    for row in rows.iter().filter(|r| !r.done) {
        let (Some(owner), Some(person)) = (&row.owner, &row.owner_person) else {
            continue;
        };
        let load = by_owner.entry(owner).or_insert_with(|| OwnerLoad {
            owner: person.clone(),
            open: 0,
            overdue: 0,
        });
        load.open += 1;
        load.overdue += usize::from(row.overdue);
    }
    let mut loads: Vec<OwnerLoad> = by_owner.into_values().collect();
    loads.sort_by(|a, b| b.open.cmp(&a.open).then(a.owner.name.cmp(&b.owner.name)));
    loads
}

/// A review's people, as people.
#[derive(Debug, Serialize)]
pub struct ReviewPeople {
    pub facilitator: Option<PersonRef>,
    pub participants: Vec<PersonRef>,
    /// For each of the review's actions, in order.
    pub actions: Vec<ActionPeople>,
}

/// An action's owner as a person, and its ticket's link.
#[derive(Debug, Serialize)]
pub struct ActionPeople {
    pub owner: Option<PersonRef>,
    pub ticket_href: Option<String>,
}

/// Every action item `keep` keeps, for the page at `from_url`, each once
/// (where it was last listed): open ones first (overdue first among them),
/// then by due date, owner and source.
pub(in crate::site) fn action_rows(
    cx: &Cx<'_>,
    from_url: &str,
    keep: &dyn Fn(&Action) -> bool,
) -> Vec<ActionRow> {
    let model = cx.model;
    let mut rows = Vec::new();
    for (p, review) in model.reviews() {
        for action in review.actions.iter().filter(|a| !a.listed_again && keep(a)) {
            let owner_href = action.owner.as_deref().and_then(|o| {
                let person = model.team.as_ref()?.find(o)?;
                Some(relative_href(from_url, &person_url(&person.handle)))
            });
            rows.push(ActionRow {
                what: action.what.clone(),
                owner: action.owner.clone(),
                owner_href,
                due: action.due.as_ref().map(|d| d.as_str().to_string()),
                done: action.done,
                overdue: action.overdue,
                ticket: action.ticket.clone(),
                ticket_href: action.ticket.as_deref().and_then(|t| cx.ticket_href(t)),
                owner_person: action.owner.as_deref().map(|o| cx.person(from_url, o)),
                source: cx.link(from_url, p, false),
                id: action.id.clone(),
                carried: action.carried,
                age_days: action.age_days,
            });
        }
    }
    rows.sort_by(|a, b| {
        (a.done, !a.overdue, a.due.is_none(), &a.due, &a.owner).cmp(&(
            b.done,
            !b.overdue,
            b.due.is_none(),
            &b.due,
            &b.owner,
        ))
    });
    rows
}

/// Every action once: where it was last listed.
fn actions(model: &Model) -> impl Iterator<Item = &Action> {
    model
        .reviews()
        .flat_map(|(_, r)| &r.actions)
        .filter(|a| !a.listed_again)
}

/// The after-action reviews feed: each review as it is now, dated by its
/// last change.
pub(in crate::site) fn feed_entries(cx: &Cx<'_>) -> Vec<super::FeedEntry> {
    cx.pages
        .ids()
        .filter(|&p| cx.model.kind(p) == Kind::Aar)
        .filter_map(|p| cx.page_entry(p, cx.titles[p].clone()))
        .collect()
}

/// The review views (see the module docs).
pub(super) struct Reviews;

fn review_of(entry: &Entry) -> Option<&Review> {
    match &entry.record {
        Record::Review(r) => Some(r),
        _ => None,
    }
}

impl KindView for Reviews {
    fn llms_group(&self) -> &'static str {
        "After-action reviews and retrospectives"
    }

    /// `actions`: each once, where it was last listed.
    fn export(&self, cx: &Cx<'_>, slots: &mut Slots) {
        let list: Vec<serde_json::Value> = cx
            .model
            .reviews()
            .flat_map(|(p, review)| review.actions.iter().map(move |a| (p, a)))
            .filter(|(_, a)| !a.listed_again)
            .map(|(p, a)| {
                serde_json::json!({
                    "id": a.id,
                    "what": a.what,
                    "owner": a.owner,
                    "due": a.due.as_ref().map(|d| d.as_str()),
                    "done": a.done,
                    "closed": a.closed,
                    "opened": a.opened,
                    "overdue": a.overdue,
                    "carried": a.carried,
                    "ticket": a.ticket,
                    "from": cx.pages[p].url,
                })
            })
            .collect();
        slots.insert("actions", slot(list));
    }

    /// `service`, one per service the review is about.
    fn facets(&self, entry: &Entry, facets: &mut Vec<(&'static str, String)>) {
        if let Some(r) = review_of(entry) {
            facets.extend(r.services.iter().map(|s| ("service", s.clone())));
        }
    }

    /// Services, severity, facilitator and participants are facts.
    fn search_facts(&self, model: &Model, entry: &Entry, facts: &mut Facts) {
        let Some(r) = review_of(entry) else { return };
        r.services
            .iter()
            .chain(&r.severity)
            .for_each(|s| facts.about(s));
        for name in r.facilitator.iter().chain(&r.participants) {
            super::person_facts(model, name, facts);
        }
    }

    /// `page.review`: the [`Review`] as read (its questions, timeline,
    /// actions).
    /// `review` (the record as read) and `review_people` (its people as
    /// people, and its tickets' links).
    fn page(&self, cx: &Cx<'_>, id: PageId, slots: &mut Slots) {
        let review: Option<&Review> = cx.model.review(id);
        slots.insert("review", slot(review));
        let url = &cx.pages[id].url;
        let people = review.map(|r| ReviewPeople {
            facilitator: r.facilitator.as_deref().map(|f| cx.person(url, f)),
            participants: cx.people(url, &r.participants),
            actions: r
                .actions
                .iter()
                .map(|a| ActionPeople {
                    owner: a.owner.as_deref().map(|o| cx.person(url, o)),
                    ticket_href: a.ticket.as_deref().and_then(|t| cx.ticket_href(t)),
                })
                .collect(),
        });
        slots.insert("review_people", slot(people));
    }

    /// `site.actions_href`: the action tracker, when there are reviews.
    fn site(&self, model: &Model, href: &dyn Fn(&str) -> String, slots: &mut Slots) {
        let tracker = model.has_reviews().then(|| href(ACTIONS_URL));
        slots.insert("actions_href", slot(tracker));
    }

    /// `open_actions`, `overdue_actions`, `actions_href` (the tracker),
    /// `recent_reviews` (after-action reviews, newest first).
    fn home(&self, cx: &Cx<'_>, from_url: &str, slots: &mut Slots) {
        let model = cx.model;
        let mut open = 0;
        let mut overdue = 0;
        for action in actions(model).filter(|a| !a.done) {
            open += 1;
            if action.overdue {
                overdue += 1;
            }
        }
        let reviews = model
            .reviews()
            .map(|(p, _)| p)
            .filter(|&p| model.kind(p) == Kind::Aar);
        let mut recent = cx.newest(from_url, reviews);
        recent.truncate(HOME_LIST);
        let tracker = model
            .has_reviews()
            .then(|| relative_href(from_url, ACTIONS_URL));
        slots.insert("open_actions", slot(open));
        slots.insert("overdue_actions", slot(overdue));
        slots.insert("open_trend", slot(open_trend(&model.open_actions)));
        slots.insert("actions_href", slot(tracker));
        slots.insert("recent_reviews", slot(recent));
    }

    /// `person.reviews` (reviews they took part in or facilitated) and
    /// `aggregates.actions` (their open action items).
    fn person(
        &self,
        cx: &Cx<'_>,
        url: &str,
        is_them: &dyn Fn(&str) -> bool,
        person: &mut Slots,
        aggregates: &mut Slots,
    ) {
        let took_part = cx
            .model
            .reviews()
            .filter(|(_, r)| {
                r.participants.iter().any(|n| is_them(n))
                    || r.facilitator.as_deref().is_some_and(is_them)
            })
            .map(|(p, _)| p);
        person.insert("reviews", slot(cx.newest(url, took_part)));
        let open = action_rows(cx, url, &|a| {
            !a.done && a.owner.as_deref().is_some_and(is_them)
        });
        aggregates.insert("actions", slot(open));
    }

    /// `open_actions`: how many open action items they own.
    fn person_row(&self, model: &Model, is_them: &dyn Fn(&str) -> bool, slots: &mut Slots) {
        let open = actions(model)
            .filter(|a| !a.done && a.owner.as_deref().is_some_and(is_them))
            .count();
        slots.insert("open_actions", slot(open));
    }
}

/// The home page's open-action trend: a sparkline of the open count at the
/// end of each quarter, and the same in words (`spark`, `text`), when there
/// are two quarters or more.
fn open_trend(points: &[crate::kinds::charter::Point]) -> Option<serde_json::Value> {
    if points.len() < 2 {
        return None;
    }
    let values: Vec<f64> = points.iter().map(|p| p.value).collect();
    let text = points
        .iter()
        .map(|p| format!("{} {}", p.at, crate::site::charts::number(p.value)))
        .collect::<Vec<_>>()
        .join(", ");
    let label = format!("Open actions at the end of each quarter: {text}");
    Some(serde_json::json!({
        "spark": crate::site::charts::sparkline(&values, None, &label),
        "text": text,
    }))
}
