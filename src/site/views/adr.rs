//! How decision records are shown: the record on its page (`page.adr`), a
//! folder's decision log (`nav.adr_log`), recent and proposed decisions on
//! the home page, what a person decided, the status search filter, and the
//! decisions feed's entries.

use serde::Serialize;

use super::model::{ChildView, FeedEntry, NavLink, PersonRef};
use super::{Cx, HOME_LIST, KindView, Slots, slot};
use crate::kinds::adr::{Adr, Status};
use crate::kinds::{Entry, Model, Record};
use crate::pages::PageId;
use crate::search::Facts;

/// An architecture decision record, as shown on its page.
#[derive(Debug, Serialize)]
pub struct AdrView {
    pub number: Option<u32>,
    /// `ADR 0007`.
    pub label: String,
    /// `proposed`, `accepted`, `rejected`, `deprecated` or `superseded`.
    pub status: Option<&'static str>,
    /// The status as shown: its name, the author's words for a status the
    /// tool does not know ("on hold"), or "unknown".
    pub status_label: String,
    /// For styling and filtering: the status name, `other` or `unknown`.
    pub status_group: &'static str,
    pub date: Option<String>,
    pub deciders: Vec<PersonRef>,
    pub consulted: Vec<PersonRef>,
    pub informed: Vec<PersonRef>,
    /// The records this one replaces, and the records that replace it.
    pub supersedes: Vec<NavLink>,
    pub superseded_by: Vec<NavLink>,
    /// Records this one amends, and records that amend it.
    pub amends: Vec<NavLink>,
    pub amended_by: Vec<NavLink>,
}

/// One row of a folder's decision log.
#[derive(Debug, Serialize)]
pub struct AdrRow {
    pub number: Option<u32>,
    /// The number as text (`0` is a number too, which templates' truth tests miss).
    pub number_text: Option<String>,
    pub title: String,
    pub href: String,
    pub status: Option<&'static str>,
    /// As in [`AdrView`].
    pub status_label: String,
    pub status_group: &'static str,
    pub date: Option<String>,
    pub deciders: Vec<PersonRef>,
}

/// A record's status as shown: its name, the author's words, or "unknown".
fn status_label(adr: &Adr) -> String {
    match (adr.status, &adr.status_text) {
        (Some(status), _) => status.name().to_string(),
        (None, Some(words)) => words.clone(),
        (None, None) => "unknown".to_string(),
    }
}

/// A record's status for styling and filtering: its name, `other` or `unknown`.
fn status_group(adr: &Adr) -> &'static str {
    match (adr.status, &adr.status_text) {
        (Some(status), _) => status.name(),
        (None, Some(_)) => "other",
        (None, None) => "unknown",
    }
}

fn adr_of(entry: &Entry) -> Option<&Adr> {
    match &entry.record {
        Record::Adr(adr) => Some(adr),
        _ => None,
    }
}

fn page_view(cx: &Cx<'_>, i: PageId) -> Option<AdrView> {
    let adr = cx.model.adr(i)?;
    let url = &cx.pages[i].url;
    let graph = &cx.model.adr_graph;
    let links = |pages: Option<&Vec<PageId>>| -> Vec<NavLink> {
        pages
            .into_iter()
            .flatten()
            .map(|&p| cx.link(url, p, false))
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
        deciders: cx.people(url, &adr.deciders),
        consulted: cx.people(url, &adr.consulted),
        informed: cx.people(url, &adr.informed),
        supersedes: links(graph.supersedes.get(&i)),
        superseded_by: links(graph.superseded_by.get(&i)),
        amends: links(graph.amends.get(&i)),
        amended_by: links(graph.amended_by.get(&i)),
    })
}

/// The decision log of a folder: one row per ADR among `pages`.
fn log(cx: &Cx<'_>, from_url: &str, pages: &[PageId]) -> Vec<AdrRow> {
    let mut rows: Vec<(Option<u32>, PageId)> = pages
        .iter()
        .filter_map(|&p| cx.model.adr(p).map(|a| (a.number, p)))
        .collect();
    rows.sort_by_key(|&(n, p)| (n.is_none(), n, p));
    rows.into_iter()
        .filter_map(|(_, p)| {
            let adr = cx.model.adr(p)?;
            Some(AdrRow {
                number: adr.number,
                number_text: adr.number.map(|n| n.to_string()),
                title: cx.titles[p].clone(),
                href: crate::links::relative_href(from_url, &cx.pages[p].url),
                status: adr.status.map(Status::name),
                status_label: status_label(adr),
                status_group: status_group(adr),
                date: adr.date.as_ref().map(|d| d.as_str().to_string()),
                deciders: cx.people(from_url, &adr.deciders),
            })
        })
        .collect()
}

/// Decision records, newest first: by the decision's date, else when git
/// first saw the file, else by number (imported collections often date only
/// some records).
fn newest(cx: &Cx<'_>, from_url: &str, pages: impl Iterator<Item = PageId>) -> Vec<ChildView> {
    let key = |p: PageId| {
        let adr = cx.model.adr(p);
        let date = adr.and_then(|a| a.date.clone());
        let created = cx
            .history
            .and_then(|h| h.files.get(&cx.pages[p].source_path))
            .map(|f| f.created);
        (date, created, adr.and_then(|a| a.number))
    };
    let mut list: Vec<(PageId, _)> = pages.map(|p| (p, key(p))).collect();
    list.sort_by(|(a, ka), (b, kb)| kb.cmp(ka).then(a.cmp(b)));
    list.into_iter()
        .map(|(p, _)| cx.child(from_url, p))
        .collect()
}

/// The decisions feed: an entry when a record was committed and one each
/// time a commit changed its status; a record with no committed versions
/// has one entry, as it is now.
pub(in crate::site) fn feed_entries(
    cx: &Cx<'_>,
    events: &[crate::kinds::adr::history::Event],
) -> Vec<FeedEntry> {
    let status = |s: Option<Status>| s.map_or("no status", Status::name);
    let label = |p: PageId| {
        let number = cx.model.adr(p).and_then(|a| a.number);
        let number = number.map_or_else(|| "ADR".to_string(), |n| format!("ADR {n:04}"));
        format!("{number}: {}", cx.titles[p])
    };
    let mut entries = Vec::new();
    let mut with_events = std::collections::HashSet::new();
    let log = cx.history.map_or(&[][..], |h| h.log.as_slice());
    for event in events {
        let Some(commit) = log.get(event.commit as usize) else {
            continue;
        };
        with_events.insert(event.page);
        let what = match event.previous {
            None => format!("recorded, {}", status(event.status)),
            Some(before) => format!("{} → {}", status(before), status(event.status)),
        };
        let page = &cx.pages[event.page];
        entries.push(FeedEntry {
            title: format!("{} ({what})", label(event.page)),
            url: page.url.clone(),
            fragment: Some(format!("c-{}", commit.id)),
            updated: super::cx::rfc3339(commit.time),
            author: Some(commit.author.clone()),
            summary: page.front.description.clone().unwrap_or_default(),
        });
    }
    for (p, adr) in cx.model.adrs() {
        if !with_events.contains(&p) {
            let title = format!("{} ({})", label(p), status(adr.status));
            entries.extend(cx.page_entry(p, title));
        }
    }
    entries
}

/// The ADR views (see the module docs).
pub(super) struct Adrs;

impl KindView for Adrs {
    fn llms_group(&self) -> &'static str {
        "Decisions"
    }

    /// `adrs`: number, status, date, deciders and the supersede and amend
    /// graph, as URLs.
    fn export(&self, cx: &Cx<'_>, slots: &mut Slots) {
        let graph = &cx.model.adr_graph;
        let urls = |map: &std::collections::HashMap<PageId, Vec<PageId>>, p: PageId| -> Vec<&str> {
            map.get(&p).map_or_else(Vec::new, |to| {
                to.iter().map(|&t| cx.pages[t].url.as_str()).collect()
            })
        };
        let adrs: Vec<serde_json::Value> = cx
            .model
            .adrs()
            .map(|(p, adr)| {
                serde_json::json!({
                    "url": cx.pages[p].url,
                    "number": adr.number,
                    "title": cx.titles[p],
                    "status": adr.status.map(Status::name),
                    "date": adr.date.as_ref().map(|d| d.as_str()),
                    "deciders": adr.deciders,
                    "supersedes": urls(&graph.supersedes, p),
                    "superseded_by": urls(&graph.superseded_by, p),
                    "amends": urls(&graph.amends, p),
                    "amended_by": urls(&graph.amended_by, p),
                })
            })
            .collect();
        slots.insert("adrs", slot(adrs));
    }

    /// `page.adr`: an [`AdrView`].
    fn page(&self, cx: &Cx<'_>, id: PageId, slots: &mut Slots) {
        slots.insert("adr", slot(page_view(cx, id)));
    }

    /// `nav.adr_log`: [`AdrRow`]s by number.
    fn listing(&self, cx: &Cx<'_>, id: PageId, section: Option<&[PageId]>, slots: &mut Slots) {
        let rows = section.map_or_else(Vec::new, |pages| log(cx, &cx.pages[id].url, pages));
        slots.insert("adr_log", slot(rows));
    }

    fn lists(&self, entry: &Entry) -> bool {
        adr_of(entry).is_some()
    }

    /// `recent_adrs`, `proposed_adrs`: the newest few.
    fn home(&self, cx: &Cx<'_>, from_url: &str, slots: &mut Slots) {
        let model = cx.model;
        let mut recent = newest(cx, from_url, model.adrs().map(|(p, _)| p));
        recent.truncate(HOME_LIST);
        let proposed = model
            .adrs()
            .filter(|(_, a)| a.status == Some(Status::Proposed))
            .map(|(p, _)| p);
        let mut proposed = newest(cx, from_url, proposed);
        proposed.truncate(HOME_LIST);
        slots.insert("recent_adrs", slot(recent));
        slots.insert("proposed_adrs", slot(proposed));
    }

    /// `person.decided`: records they are a decider of.
    fn person(
        &self,
        cx: &Cx<'_>,
        url: &str,
        is_them: &dyn Fn(&str) -> bool,
        person: &mut Slots,
        _aggregates: &mut Slots,
    ) {
        let decided = cx
            .model
            .adrs()
            .filter(|(_, a)| a.deciders.iter().any(|d| is_them(d)))
            .map(|(p, _)| p);
        person.insert("decided", slot(cx.newest(url, decided)));
    }

    /// `status`.
    fn facets(&self, entry: &Entry, facets: &mut Vec<(&'static str, String)>) {
        if let Some(status) = adr_of(entry).and_then(|a| a.status) {
            facets.push(("status", status.name().to_string()));
        }
    }

    /// Its number names it in every spelling people use (`6`, `0006`,
    /// `ADR-6`, `ADR 0006`); status and deciders are facts.
    fn search_facts(&self, model: &Model, entry: &Entry, facts: &mut Facts) {
        let Some(adr) = adr_of(entry) else { return };
        if let Some(n) = adr.number {
            facts.name(&format!("ADR {n} {n:04} ADR{n} ADR{n:04}"));
        }
        if let Some(status) = adr.status {
            facts.about(status.name());
        }
        for name in &adr.deciders {
            super::person_facts(model, name, facts);
        }
    }
}
