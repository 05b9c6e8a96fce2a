//! Runbooks: which service they cover, who owns them, which alerts point at
//! them, and whether their review is overdue.

use std::collections::BTreeMap;

use serde::Serialize;

use super::people::{Mention, mentions};
use crate::content::{Date, Page};
use crate::diagnostics::Diagnostic;
use crate::fields::{self, Extractor};
use crate::pages::PageId;

/// A dashboard a runbook points to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dashboard {
    pub url: String,
    /// False when the URL could run script: it is shown as text.
    pub linked: bool,
}

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

/// `[runbooks]`: how runbooks written without front matter are read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// Fields whose absence is an error, not a warning (`require`).
    pub require: Vec<String>,
    /// `service_from_folder`: a runbook in `runbooks/<service>/` is for
    /// `<service>` unless it says otherwise.
    pub service_from_folder: bool,
    /// `alert_from_file`: when a runbook's file name is its alert's name.
    pub alert_from_file: AlertFromFile,
}

impl Default for Import {
    fn default() -> Self {
        Import {
            require: Vec::new(),
            service_from_folder: true,
            alert_from_file: AlertFromFile::Auto,
        }
    }
}

/// When the file name of a runbook names the alert it handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertFromFile {
    /// When the name reads as an alert (`KubePodCrashLooping`,
    /// `HighErrorRate`: one word of capitalised parts) and the runbook names none.
    Auto,
    /// Whenever the runbook names no alert.
    Always,
    Never,
}

impl AlertFromFile {
    pub const NAMES: &'static [&'static str] = &["auto", "always", "never"];

    pub fn parse(name: &str) -> Option<AlertFromFile> {
        match name {
            "auto" => Some(AlertFromFile::Auto),
            "always" => Some(AlertFromFile::Always),
            "never" => Some(AlertFromFile::Never),
            _ => None,
        }
    }
}

/// The fields every runbook should have.
pub const FIELDS: &[&str] = &["service", "owner"];

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
    pub review_every: &'a str,
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

#[cfg(test)]
mod tests {
    use super::alerts_in_body;

    #[test]
    fn alert_names_come_from_an_alert_section_or_label() {
        assert_eq!(
            alerts_in_body("## Alert Name\n`HighErrorRate`\n\n## Severity\n"),
            vec!["HighErrorRate"]
        );
        assert_eq!(
            alerts_in_body("## Alert\n\n**Alert**: PodCrashLooping, PodOOMKilled\n"),
            Vec::<String>::new()
        );
        assert_eq!(alerts_in_body("## Alerts\n- `A`, `B`\n"), vec!["A", "B"]);
        assert_eq!(
            alerts_in_body(
                "## Alert Information\n- **Alert Name**: PodCrashLoopingBackOff\n- **Severity**: Critical\n"
            ),
            vec!["PodCrashLoopingBackOff"]
        );
        assert_eq!(
            alerts_in_body("## Symptom\nThe alert fires.\n```\n## Alert\nX\n```\n"),
            Vec::<String>::new()
        );
    }
}

/// True for a file name that reads as an alert's name: one word of
/// capitalised parts (`KubePodCrashLooping`, `HighErrorRate`, `TargetDown`),
/// the way Prometheus alerts are named.
pub fn looks_like_alert(stem: &str) -> bool {
    let mut chars = stem.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && stem.chars().all(|c| c.is_ascii_alphanumeric())
        && stem.chars().any(|c| c.is_ascii_lowercase())
        && stem.chars().filter(|c| c.is_ascii_uppercase()).count() >= 2
}

/// When a page is to be reviewed: any page with `review_every` has one, and
/// every runbook (with the configured default interval).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Schedule {
    /// `last_reviewed` from front matter, else the page's last commit.
    pub last_reviewed: Option<Date>,
    /// True when `last_reviewed` is the last commit, not a front matter date.
    pub from_git: bool,
    pub review_every: String,
    pub next_review: Option<Date>,
    pub review: Review,
}

/// Reads a page's review schedule (`last_reviewed`, `review_every`), falling
/// back to `default_every` and to the page's last commit; warns when the
/// review is overdue. `None` when the page has no schedule.
pub fn schedule(
    page: &Page,
    x: &mut Extractor<'_>,
    default_every: Option<&str>,
    today: jiff::civil::Date,
    last_change: Option<jiff::civil::Date>,
) -> Option<Schedule> {
    let path = page.source_path.as_str();
    let source = page.source.as_str();
    let fields = &page.front.extra_fields;
    let get = |key: &str| fields.get(key);
    let written = get("review_every").and_then(|e| x.string(e).map(|text| (e, text)));
    let mut review_every = match (&written, default_every) {
        (Some((_, text)), _) => text.clone(),
        (None, Some(default)) => default.to_string(),
        (None, None) => return None,
    };
    let mut interval = default_every.and_then(|d| d.parse::<jiff::Span>().ok());
    if let Some((entry, text)) = written {
        match text.parse::<jiff::Span>() {
            Ok(span) => interval = Some(span),
            Err(_) => {
                review_every = default_every.unwrap_or_default().to_string();
                x.diagnostics.push(
                    Diagnostic::error(
                        crate::diagnostics::Code::InvalidValue,
                        path,
                        format!("`review_every` must be a duration, found \"{text}\""),
                    )
                    .at(source, entry.node.span.clone())
                    .with_help("write it like \"90d\", \"6w\" or \"6 months\""),
                );
            }
        }
    }
    let written_last = get("last_reviewed").and_then(|entry| x.date(entry).map(|d| (entry, d)));
    let from_git = written_last.is_none() && last_change.is_some();
    let last_reviewed = match &written_last {
        Some((_, date)) => Some(date.clone()),
        None => last_change.map(Date::from),
    };
    let mut schedule = Schedule {
        last_reviewed: last_reviewed.clone(),
        from_git,
        review_every,
        next_review: None,
        review: Review::Unknown,
    };
    let due = last_reviewed
        .zip(interval)
        .and_then(|(last, interval)| Some((last.civil().checked_add(interval).ok()?, last)));
    if let Some((due, last)) = due {
        schedule.next_review = Some(Date::from(due));
        schedule.review = if due < today {
            let days = (today - due).get_days();
            let since = if from_git {
                format!(
                    "last changed {} (no `last_reviewed`, so from git)",
                    last.as_str()
                )
            } else {
                format!("last reviewed {}", last.as_str())
            };
            let mut d = Diagnostic::warning(
                crate::diagnostics::Code::ReviewOverdue,
                path,
                format!(
                    "review overdue by {days} days: {since}, due every {}",
                    schedule.review_every
                ),
            )
            .with_help("walk through the page, fix what changed, and set `last_reviewed` to today");
            match &written_last {
                Some((entry, _)) => d = d.at(source, entry.node.span.clone()),
                None => d = d.at(source, 0..page.body_start.min(3)),
            }
            x.diagnostics.push(d);
            Review::Overdue
        } else if (due - today).get_days() <= 30 {
            Review::DueSoon
        } else {
            Review::Current
        };
    }
    Some(schedule)
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
        review_every: settings.review_every.to_string(),
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

/// Fills what the front matter leaves out from what the repository says:
/// the service from a per-service folder, the alert from the file name, the
/// owner from CODEOWNERS or OWNERS. Each filled fact records its origin.
fn fill_from_repository(page: &Page, settings: &Settings<'_>, runbook: &mut Runbook) {
    let fields = &page.front.extra_fields;
    if fields.get("service").is_none()
        && settings.import.service_from_folder
        && let Some(kind_folder) = settings.kind_folder
    {
        // `runbooks/billing/x.md` → "billing"; `runbooks/x.md` says nothing.
        let below = page
            .folder()
            .strip_prefix(kind_folder)
            .and_then(|rest| rest.strip_prefix('/'))
            .and_then(|rest| rest.split('/').next())
            .filter(|service| !service.is_empty());
        if let Some(service) = below {
            runbook.service = Some(service.to_string());
            runbook
                .origins
                .insert("service", format!("the folder {kind_folder}/{service}/"));
        }
    }
    if runbook.alerts.is_empty() && fields.get("alerts").is_none() {
        let written = alerts_in_body(page.source.get(page.body_start..).unwrap_or_default());
        if !written.is_empty() {
            runbook.alerts = written;
            runbook
                .origins
                .insert("alerts", "its Alert section".to_string());
        }
    }
    if runbook.alerts.is_empty() && fields.get("alerts").is_none() {
        let stem = page.stem();
        let named = match settings.import.alert_from_file {
            AlertFromFile::Auto => looks_like_alert(stem),
            AlertFromFile::Always => !page.is_section_index,
            AlertFromFile::Never => false,
        };
        if named {
            runbook.alerts.push(stem.to_string());
            runbook
                .origins
                .insert("alerts", "the file name".to_string());
        }
    }
    if fields.get("owner").is_none()
        && let Some((owner, origin)) = &settings.owner
    {
        runbook.owner = Some(owner.clone());
        runbook.origins.insert("owner", origin.clone());
    }
}

/// Alert names a runbook's body gives: under an `## Alert` / `## Alert
/// name` heading (the code spans of its first line, or the line when it is
/// one word), or on an `**Alert Name**: X` line.
fn alerts_in_body(body: &str) -> Vec<String> {
    let is_alert_label = |text: &str| {
        let label = text
            .trim()
            .trim_matches(['*', '_', ':', ' '])
            .to_ascii_lowercase();
        matches!(
            label.as_str(),
            "alert" | "alerts" | "alert name" | "alert names" | "alertname"
        )
    };
    let names = |text: &str| -> Vec<String> {
        let spans: Vec<String> = text
            .split('`')
            .skip(1)
            .step_by(2)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && !s.contains(' '))
            .collect();
        if !spans.is_empty() {
            return spans;
        }
        let word = text.trim().trim_matches(['*', '_']);
        if !word.is_empty()
            && word
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.'))
        {
            vec![word.to_string()]
        } else {
            Vec::new()
        }
    };
    let mut under_heading = false;
    for line in crate::markdown::prose_lines(body) {
        let t = line.trim_end();
        if let Some(heading) = t.strip_prefix('#') {
            under_heading = is_alert_label(heading.trim_start_matches('#'));
            continue;
        }
        if under_heading && !t.is_empty() {
            return names(t);
        }
        // `- **Alert Name**: PodCrashLooping`
        let item = t.trim_start_matches(['-', '*', ' ']);
        if let Some((label, value)) = item.split_once(':')
            && is_alert_label(label)
            && label.contains("**")
        {
            let found = names(value.trim_start_matches(['*', ' ']));
            if !found.is_empty() {
                return found;
            }
        }
    }
    Vec::new()
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

/// A runbook as the cross-checks see it.
#[derive(Debug)]
pub struct Record<'a> {
    pub page: PageId,
    pub path: &'a str,
    pub source: &'a str,
    pub runbook: &'a Runbook,
}

/// Alert name → the runbooks that claim it, by page; a second claim is a warning.
pub fn alerts(records: &[Record<'_>]) -> (BTreeMap<String, PageId>, Vec<Diagnostic>) {
    let mut owners: BTreeMap<String, &Record<'_>> = BTreeMap::new();
    let mut diagnostics = Vec::new();
    for record in records {
        for alert in &record.runbook.alerts {
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
