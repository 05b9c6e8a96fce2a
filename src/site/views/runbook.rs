//! How runbooks are shown: the runbook's facts on its page
//! (`page.runbook`), a runbook folder's index by service and its alert map
//! (`nav.runbook_index`, `nav.alerts`), runbooks due for review on the home
//! page, what a person owns, and the service and owner search filters.

use std::collections::BTreeMap;

use serde::Serialize;

use super::model::PersonRef;
use super::{Cx, HOME_LIST, KindView, Slots, slot};
use crate::kinds::runbook::Runbook;
use crate::kinds::{Entry, Model, Record};
use crate::links::relative_href;
use crate::pages::PageId;
use crate::search::Facts;

/// A dashboard link; `href` is `None` when the URL could run script (shown
/// as text).
#[derive(Debug, Serialize)]
pub struct DashboardView {
    pub href: Option<String>,
    pub text: String,
}

/// A runbook's facts, as shown on its page and in indexes.
#[derive(Debug, Serialize)]
pub struct RunbookView {
    pub service: Option<String>,
    /// The owner's handle as written, and their name (from `team.toml` when it
    /// knows them, else as written).
    pub owner: Option<String>,
    pub owner_name: Option<String>,
    /// The owner as a person (name, person page).
    pub owner_person: Option<PersonRef>,
    pub alerts: Vec<String>,
    pub severity: Option<String>,
    pub dashboards: Vec<DashboardView>,
    pub last_reviewed: Option<String>,
    pub review_every: String,
    pub next_review: Option<String>,
    /// `current`, `due-soon`, `overdue` or `unknown`.
    pub review: &'static str,
    /// Where facts not written in the page came from (`service` → "the
    /// folder runbooks/billing/", `owner` → "CODEOWNERS line 4", `alerts`).
    pub origins: std::collections::BTreeMap<&'static str, String>,
}

/// Runbooks of one service, in a runbook folder's index.
#[derive(Debug, Serialize)]
pub struct ServiceGroup {
    pub service: String,
    pub runbooks: Vec<RunbookRow>,
}

#[derive(Debug, Serialize)]
pub struct RunbookRow {
    pub title: String,
    pub href: String,
    pub owner: Option<String>,
    pub owner_person: Option<PersonRef>,
    pub review: &'static str,
    pub next_review: Option<String>,
}

/// An alert and the runbook that handles it.
#[derive(Debug, Serialize)]
pub struct AlertRow {
    pub alert: String,
    pub title: String,
    pub href: String,
}

fn runbook_of(entry: &Entry) -> Option<&Runbook> {
    match &entry.record {
        Record::Runbook(r) => Some(r),
        _ => None,
    }
}

fn page_view(cx: &Cx<'_>, i: PageId) -> Option<RunbookView> {
    let r = cx.model.runbook(i)?;
    let team = cx.model.team.as_ref();
    Some(RunbookView {
        service: r.service.clone(),
        owner: r.owner.clone(),
        owner_name: r.owner.as_deref().map(|o| {
            team.and_then(|t| t.find(o))
                .map_or_else(|| o.to_string(), |p| p.name.clone())
        }),
        owner_person: r.owner.as_deref().map(|o| cx.person(&cx.pages[i].url, o)),
        alerts: r.alerts.clone(),
        severity: r.severity.clone(),
        dashboards: r
            .dashboards
            .iter()
            .map(|d| DashboardView {
                href: d.linked.then(|| d.url.clone()),
                text: d.url.clone(),
            })
            .collect(),
        last_reviewed: r.last_reviewed.as_ref().map(|d| d.as_str().to_string()),
        review_every: r.review_every.clone(),
        next_review: r.next_review.as_ref().map(|d| d.as_str().to_string()),
        review: r.review.name(),
        origins: r.origins.clone(),
    })
}

/// A runbook folder's index: its runbooks by service, and their alerts.
fn index(cx: &Cx<'_>, from_url: &str, pages: &[PageId]) -> (Vec<ServiceGroup>, Vec<AlertRow>) {
    let mut groups: BTreeMap<String, Vec<RunbookRow>> = BTreeMap::new();
    let mut alerts = Vec::new();
    for &p in pages {
        let Some(r) = cx.model.runbook(p) else {
            continue;
        };
        let href = relative_href(from_url, &cx.pages[p].url);
        groups
            .entry(r.service.clone().unwrap_or_else(|| "(no service)".into()))
            .or_default()
            .push(RunbookRow {
                title: cx.titles[p].clone(),
                href: href.clone(),
                owner: r.owner.clone(),
                owner_person: r.owner.as_deref().map(|o| cx.person(from_url, o)),
                review: r.review.name(),
                next_review: r.next_review.as_ref().map(|d| d.as_str().to_string()),
            });
        for alert in &r.alerts {
            if cx.model.alerts.get(alert) == Some(&p) {
                alerts.push(AlertRow {
                    alert: alert.clone(),
                    title: cx.titles[p].clone(),
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

/// The runbook views (see the module docs).
pub(super) struct Runbooks;

impl KindView for Runbooks {
    fn llms_group(&self) -> &'static str {
        "Runbooks"
    }

    /// `runbooks`: service, owner, alerts, severity and review state.
    fn export(&self, cx: &Cx<'_>, slots: &mut Slots) {
        let runbooks: Vec<serde_json::Value> = cx
            .model
            .runbooks()
            .map(|(p, r)| {
                serde_json::json!({
                    "url": cx.pages[p].url,
                    "title": cx.titles[p],
                    "service": r.service,
                    "owner": r.owner,
                    "alerts": r.alerts,
                    "severity": r.severity,
                    "last_reviewed": r.last_reviewed.as_ref().map(|d| d.as_str()),
                    "next_review": r.next_review.as_ref().map(|d| d.as_str()),
                    "review": r.review.name(),
                })
            })
            .collect();
        slots.insert("runbooks", slot(runbooks));
    }

    /// `page.runbook`: a [`RunbookView`].
    fn page(&self, cx: &Cx<'_>, id: PageId, slots: &mut Slots) {
        slots.insert("runbook", slot(page_view(cx, id)));
    }

    /// `nav.runbook_index` ([`ServiceGroup`]s) and `nav.alerts`
    /// ([`AlertRow`]s, by alert).
    fn listing(&self, cx: &Cx<'_>, id: PageId, section: Option<&[PageId]>, slots: &mut Slots) {
        let (groups, alerts) = section.map_or_else(Default::default, |pages| {
            index(cx, &cx.pages[id].url, pages)
        });
        slots.insert("runbook_index", slot(groups));
        slots.insert("alerts", slot(alerts));
    }

    fn lists(&self, entry: &Entry) -> bool {
        runbook_of(entry).is_some()
    }

    fn shows_schedule(&self, entry: &Entry) -> bool {
        runbook_of(entry).is_some()
    }

    fn owner<'m>(&self, entry: &'m Entry) -> Option<&'m str> {
        runbook_of(entry)?.owner.as_deref()
    }

    /// `runbooks_due`: overdue or due within 30 days, the soonest first;
    /// `date` is the review date.
    fn home(&self, cx: &Cx<'_>, from_url: &str, slots: &mut Slots) {
        let mut due: Vec<(String, PageId)> = cx
            .model
            .runbooks()
            .filter(|(_, r)| r.review.is_due())
            .filter_map(|(p, r)| Some((r.next_review.as_ref()?.as_str().to_string(), p)))
            .collect();
        due.sort();
        let due: Vec<_> = due
            .into_iter()
            .take(HOME_LIST)
            .map(|(date, p)| super::ChildView {
                date: Some(date),
                ..cx.child(from_url, p)
            })
            .collect();
        slots.insert("runbooks_due", slot(due));
    }

    /// `person.owns`: runbooks they own.
    fn person(
        &self,
        cx: &Cx<'_>,
        url: &str,
        is_them: &dyn Fn(&str) -> bool,
        person: &mut Slots,
        _aggregates: &mut Slots,
    ) {
        let owns = cx
            .model
            .runbooks()
            .filter(|(_, r)| r.owner.as_deref().is_some_and(is_them))
            .map(|(p, _)| p);
        person.insert("owns", slot(cx.newest(url, owns)));
    }

    /// `service`, `owner`.
    fn facets(&self, entry: &Entry, facets: &mut Vec<(&'static str, String)>) {
        if let Some(r) = runbook_of(entry) {
            facets.extend(r.service.clone().map(|s| ("service", s)));
            facets.extend(r.owner.clone().map(|o| ("owner", o)));
        }
    }

    /// Alerts name it; service, owner and severity are facts.
    fn search_facts(&self, model: &Model, entry: &Entry, facts: &mut Facts) {
        if let Some(r) = runbook_of(entry) {
            r.alerts.iter().for_each(|a| facts.name(a));
            r.service
                .iter()
                .chain(&r.severity)
                .for_each(|s| facts.about(s));
            if let Some(owner) = &r.owner {
                super::person_facts(model, owner, facts);
            }
        }
    }
}
