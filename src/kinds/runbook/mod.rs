//! Runbooks: which service they cover, who owns them, which alerts point at
//! them, and whether their review is overdue.

use std::collections::BTreeMap;

use serde::Serialize;

use super::people::{Mention, mentions};
use crate::content::{Date, Page};
use crate::diagnostics::Diagnostic;
use crate::fields::{self, Extractor, Field};
use crate::pages::PageId;

mod import;
pub mod rules;
use import::fill_from_repository;
pub use import::{AlertFromFile, Import, looks_like_alert};

use super::schedule::{Review, schedule};

/// A dashboard a runbook points to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dashboard {
    pub url: String,
    /// False when the URL could run script: it is shown as text.
    pub linked: bool,
}

/// The default review interval when neither the runbook nor `[runbooks]` sets one.
pub const DEFAULT_REVIEW_EVERY: &str = "180d";

/// The fields every runbook should have (`[runbooks] require` may make
/// their absence an error).
pub const EXPECTED: &[&str] = &["service", "owner"];

/// A runbook's front-matter fields, as README.md documents them.
pub const FIELDS: &[Field] = &[
    Field::new("", &["service"], "string, expected"),
    Field::new("", &["owner"], "string, expected"),
    Field::new("", &["alerts"], "list of strings"),
    Field::new("", &["last_reviewed"], "date"),
    Field::new("", &["review_every"], "duration"),
    Field::new("", &["severity"], "string"),
    Field::new("", &["dashboards"], "list of URLs"),
];

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
    pub dashboards: Vec<Dashboard>,
    /// Where each fact not written in front matter came from: `service` →
    /// "the folder runbooks/billing/", `owner` → "CODEOWNERS line 4", ...
    pub origins: BTreeMap<&'static str, String>,
}

/// What the runbook checks need from outside the page.
#[derive(Clone, Debug)]
pub struct Settings<'a> {
    pub today: jiff::civil::Date,
    pub review_every: &'a super::schedule::Interval,
    /// When the page last changed in git, if the handbook is in a repository.
    pub last_change: Option<jiff::civil::Date>,
    pub import: &'a Import,
    /// The folder the page's kind comes from (`runbooks`), if a folder rule
    /// made it a runbook: a runbook in a folder below it is for that service.
    pub kind_folder: Option<&'a str>,
    /// Who the repository says owns the page (CODEOWNERS, OWNERS), and where it says so.
    pub owner: Option<(String, String)>,
    /// The team, for listing who could own a runbook whose `owner` is empty.
    pub team: Option<&'a super::people::Team>,
}

/// Reads the runbook in `page` and checks its own fields.
/// The `dashboards` URLs; one that could run script is shown as text (a
/// warning at its item).
fn dashboards(x: &mut Extractor<'_>, entry: &fields::Entry) -> Vec<Dashboard> {
    let urls = x.string_list(entry).unwrap_or_default();
    let items: &[fields::Node] = match &entry.node.value {
        fields::Value::Array(items) => items,
        _ => &[],
    };
    urls.into_iter()
        .zip(items)
        .map(|(url, item)| {
            let linked = !crate::markdown::is_script_url(&url, false);
            if !linked {
                x.report(
                    Diagnostic::warning(
                        crate::diagnostics::Code::UnsafeUrl,
                        x.path,
                        "this dashboard URL could run script, so it is shown as text",
                    )
                    .with_help("use an https:// address"),
                    item.span.clone(),
                );
            }
            Dashboard { url, linked }
        })
        .collect()
}

pub fn parse(page: &Page, settings: Settings<'_>) -> (Runbook, Vec<Diagnostic>) {
    let path = page.source_path.as_str();
    let source = page.source.as_str();
    let mut x = Extractor::new(path, source);
    let fields = &page.front.extra_fields;
    let get = |key: &str| fields.get(key);
    let mut runbook = Runbook {
        service: get("service")
            .and_then(|e| x.string(e))
            .filter(|s| !s.trim().is_empty()),
        owner: get("owner")
            .and_then(|e| x.string(e))
            .filter(|s| !s.trim().is_empty()),
        alerts: get("alerts")
            .and_then(|e| x.string_list(e))
            .unwrap_or_default(),
        last_reviewed: None,
        review_every: settings.review_every.text.clone(),
        next_review: None,
        review: Review::Unknown,
        severity: get("severity").and_then(|e| x.string(e)),
        dashboards: get("dashboards")
            .map(|e| dashboards(&mut x, e))
            .unwrap_or_default(),
        origins: BTreeMap::new(),
    };
    fill_from_repository(page, &settings, &mut runbook);
    for (key, value, help) in [
        (
            "service",
            &runbook.service,
            format!(
                "name the service it is for, e.g. {}",
                field_example(source, "service", "billing")
            ),
        ),
        (
            "owner",
            &runbook.owner,
            format!(
                "name who keeps it current, e.g. {}",
                field_example(source, "owner", "dana")
            ),
        ),
    ] {
        if value.is_some() {
            continue;
        }
        let required = settings.import.require.iter().any(|r| r == key);
        let severity = if required {
            Diagnostic::error
        } else {
            Diagnostic::warning
        };
        if let Some(entry) = get(key) {
            // Written, but empty (`owner = ""`): said at its line.
            if matches!(&entry.node.value, fields::Value::String(text) if text.trim().is_empty()) {
                let help = match (key, settings.team) {
                    ("owner", Some(team)) if !team.people.is_empty() => {
                        let handles: Vec<&str> = team
                            .people
                            .iter()
                            .take(12)
                            .map(|p| p.handle.as_str())
                            .collect();
                        let more = if team.people.len() > 12 { ", …" } else { "" };
                        format!("name who keeps it current: {}{more}", handles.join(", "))
                    }
                    _ => help.clone(),
                };
                let d = severity(
                    crate::diagnostics::Code::EmptyField,
                    path,
                    format!("`{key}` is empty"),
                )
                .at_in(source, x.index(), entry.node.span.clone())
                .with_help(help);
                x.diagnostics.push(d);
            }
            continue;
        }
        let d = severity(
            crate::diagnostics::Code::MissingField,
            path,
            format!("this runbook has no `{key}`"),
        );
        let help = if required {
            help.to_string()
        } else {
            format!("{help}; `[runbooks] require = [\"{key}\"]` makes this an error")
        };
        x.diagnostics
            .push(d.at(source, 0..page.body_start.min(3)).with_help(help));
    }
    let schedule = schedule(
        page,
        &mut x,
        Some(settings.review_every),
        settings.today,
        settings.last_change,
    );
    if let Some(schedule) = schedule {
        runbook.last_reviewed = schedule.last_reviewed;
        runbook.review_every = schedule.review_every;
        runbook.next_review = schedule.next_review;
        runbook.review = schedule.review;
    }
    (runbook, x.diagnostics)
}

/// `key: value` written the way the file's own front matter is (YAML in a
/// `---` block, TOML in `+++`, a new `+++` block when there is none).
fn field_example(source: &str, key: &str, value: &str) -> String {
    if source.starts_with("---") {
        format!("`{key}: {value}` in its front matter")
    } else if source.starts_with("+++") {
        format!("`{key} = \"{value}\"` in its front matter")
    } else {
        format!("a front matter block at the top: `+++`, `{key} = \"{value}\"`, `+++`")
    }
}

impl Runbook {
    /// Where the runbook names people (an owner filled in from CODEOWNERS
    /// is not written in the page, so it is not a mention).
    pub fn mentions(&self, source: &str) -> Vec<Mention> {
        if self.origins.contains_key("owner") {
            return Vec::new();
        }
        mentions(source, 0, self.owner.as_slice(), "owner")
    }
}

/// A runbook with its page, as the cross-checks see it.
pub type Record<'a> = super::OnPage<'a, Runbook>;

/// A warning for each runbook whose `owner` the repository's CODEOWNERS
/// disagrees with (an owner filled in from the repository is not compared).
pub fn ownership(
    records: &[Record<'_>],
    owners: &dyn super::Owners,
    team: Option<&super::people::Team>,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for record in records {
        let runbook = record.record;
        let Some(owner) = &runbook.owner else {
            continue;
        };
        if runbook.origins.contains_key("owner") {
            continue;
        }
        let span = runbook
            .mentions(record.source)
            .into_iter()
            .next()
            .map(|m| m.span);
        found.extend(owners.disagreement(record.path, record.source, owner, span, team));
    }
    found
}

/// A warning for each runbook whose owner is the only person at level
/// [`super::skills::EXPERT`] or more in any of its service's skills: nobody else can run it.
pub fn sole_owners(records: &[Record<'_>], team: &super::people::Team) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for record in records {
        let runbook = record.record;
        let (Some(service), Some(owner)) = (&runbook.service, &runbook.owner) else {
            continue;
        };
        let Some(service) = team.service(service).filter(|s| !s.skills.is_empty()) else {
            continue;
        };
        let Some(owner) = team.find(owner) else {
            continue;
        };
        let mut able: Vec<&str> = service
            .skills
            .iter()
            .flat_map(|skill| team.experts(skill))
            .map(|p| p.handle.as_str())
            .collect();
        able.sort_unstable();
        able.dedup();
        if able != [owner.handle.as_str()] {
            continue;
        }
        let span = runbook
            .mentions(record.source)
            .into_iter()
            .find(|m| m.role == "owner")
            .map_or(0..0, |m| m.span);
        out.push(
            Diagnostic::warning(
                crate::diagnostics::Code::BusFactor,
                record.path,
                format!(
                    "{} owns this runbook and is the only one who knows {} at level {} or more",
                    owner.name,
                    service.skills.join(" or "),
                    super::skills::EXPERT
                ),
            )
            .at(record.source, span)
            .with_help(format!(
                "who runs it when {} is away? Walk someone through it and record their level in team.toml",
                owner.name
            )),
        );
    }
    out
}

/// Alert name → the runbooks that claim it, by page; a second claim is a warning.
pub fn alerts(records: &[Record<'_>]) -> (BTreeMap<String, PageId>, Vec<Diagnostic>) {
    let mut owners: BTreeMap<String, &Record<'_>> = BTreeMap::new();
    let mut diagnostics = Vec::new();
    for record in records {
        for alert in &record.record.alerts {
            match owners.get(alert) {
                Some(first) => {
                    let at = record.source.find(alert.as_str()).unwrap_or(0);
                    diagnostics.push(
                        Diagnostic::warning(
                            crate::diagnostics::Code::DuplicateAlert,
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
