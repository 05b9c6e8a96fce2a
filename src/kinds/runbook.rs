//! Runbooks: which service they cover, who owns them, which alerts point at
//! them, and whether their review is overdue.

use std::collections::BTreeMap;

use serde::Serialize;

use super::people::{Mention, mentions};
use crate::content::{Date, Page};
use crate::diagnostics::Diagnostic;
use crate::fields::Extractor;

/// The default review interval when neither the runbook nor `[runbooks]` sets one.
pub const DEFAULT_REVIEW_EVERY: &str = "180d";

/// Where a runbook's review stands today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Review {
    /// Reviewed recently enough.
    Current,
    /// Due within the next 30 days.
    DueSoon,
    Overdue,
    /// No `last_reviewed` date.
    Unknown,
}

/// One runbook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Runbook {
    pub service: Option<String>,
    pub owner: Option<String>,
    pub alerts: Vec<String>,
    pub last_reviewed: Option<Date>,
    /// As written (`90d`, `6 months`), or the default.
    pub review_every: String,
    pub next_review: Option<Date>,
    pub review: Review,
    pub severity: Option<String>,
    pub dashboards: Vec<String>,
}

/// What the runbook checks need from outside the page.
#[derive(Clone, Copy, Debug)]
pub struct Settings<'a> {
    pub today: jiff::civil::Date,
    pub review_every: &'a str,
}

/// Reads the runbook in `page` and checks its own fields.
pub fn parse(page: &Page, settings: Settings<'_>) -> (Runbook, Vec<Diagnostic>) {
    let path = page.source_path.as_str();
    let source = page.source.as_str();
    let mut x = Extractor::new(path, source);
    let fields = &page.front.extra_fields;
    let get = |key: &str| fields.get(key);
    let mut runbook = Runbook {
        service: get("service").and_then(|e| x.string(e)),
        owner: get("owner").and_then(|e| x.string(e)),
        alerts: get("alerts")
            .and_then(|e| x.string_list(e))
            .unwrap_or_default(),
        last_reviewed: None,
        review_every: settings.review_every.to_string(),
        next_review: None,
        review: Review::Unknown,
        severity: get("severity").and_then(|e| x.string(e)),
        dashboards: get("dashboards")
            .and_then(|e| x.string_list(e))
            .unwrap_or_default(),
    };
    for (key, help) in [
        (
            "service",
            "name the service it is for, e.g. service = \"billing\"",
        ),
        ("owner", "name who keeps it current, e.g. owner = \"dana\""),
    ] {
        if get(key).is_none() {
            x.diagnostics.push(
                Diagnostic::error(
                    "missing-field",
                    path,
                    format!("this runbook has no `{key}`"),
                )
                .at(source, 0..page.body_start.min(3))
                .with_help(help),
            );
        }
    }
    if let Some(entry) = get("last_reviewed") {
        runbook.last_reviewed = x.date(entry);
    }
    let mut interval = settings.review_every.parse::<jiff::Span>().ok();
    let written = get("review_every").and_then(|e| x.string(e).map(|text| (e, text)));
    if let Some((entry, text)) = written {
        match text.parse::<jiff::Span>() {
            Ok(span) => {
                interval = Some(span);
                runbook.review_every = text;
            }
            Err(_) => x.diagnostics.push(
                Diagnostic::error(
                    "invalid-value",
                    path,
                    format!("`review_every` must be a duration, found \"{text}\""),
                )
                .at(source, entry.node.span.clone())
                .with_help("write it like \"90d\", \"6w\" or \"6 months\""),
            ),
        }
    }
    let due = match (&runbook.last_reviewed, interval) {
        (Some(last), Some(interval)) => last
            .civil()
            .checked_add(interval)
            .ok()
            .map(|d| (last.clone(), d)),
        _ => None,
    };
    if let Some((last, due)) = due {
        runbook.next_review = Some(Date::from(due));
        runbook.review = if due < settings.today {
            let days = (settings.today - due).get_days();
            let entry = get("last_reviewed");
            let mut d = Diagnostic::warning(
                "review-overdue",
                path,
                format!(
                    "review overdue by {days} days: last reviewed {last}, due every {}",
                    runbook.review_every,
                    last = last.as_str()
                ),
            )
            .with_help("walk through the runbook, fix what changed, and update `last_reviewed`");
            if let Some(entry) = entry {
                d = d.at(source, entry.node.span.clone());
            }
            x.diagnostics.push(d);
            Review::Overdue
        } else if (due - settings.today).get_days() <= 30 {
            Review::DueSoon
        } else {
            Review::Current
        };
    }
    (runbook, x.diagnostics)
}

impl Runbook {
    /// Where the runbook names people.
    pub fn mentions(&self, source: &str) -> Vec<Mention> {
        mentions(source, 0, self.owner.as_slice(), "owner")
    }
}

/// A runbook as the cross-checks see it.
#[derive(Debug)]
pub struct Record<'a> {
    pub page: usize,
    pub path: &'a str,
    pub source: &'a str,
    pub runbook: &'a Runbook,
}

/// Alert name → the runbooks that claim it, by page; a second claim is a warning.
pub fn alerts(records: &[Record<'_>]) -> (BTreeMap<String, usize>, Vec<Diagnostic>) {
    let mut owners: BTreeMap<String, &Record<'_>> = BTreeMap::new();
    let mut diagnostics = Vec::new();
    for record in records {
        for alert in &record.runbook.alerts {
            match owners.get(alert) {
                Some(first) => {
                    let at = record.source.find(alert.as_str()).unwrap_or(0);
                    diagnostics.push(
                        Diagnostic::warning(
                            "duplicate-alert",
                            record.path,
                            format!("alert \"{alert}\" is also claimed by `{}`", first.path),
                        )
                        .at(record.source, at..at + alert.len())
                        .with_help("an alert should lead to one runbook; link the other from it"),
                    );
                }
                None => {
                    owners.insert(alert.clone(), record);
                }
            }
        }
    }
    (
        owners
            .into_iter()
            .map(|(alert, r)| (alert, r.page))
            .collect(),
        diagnostics,
    )
}
