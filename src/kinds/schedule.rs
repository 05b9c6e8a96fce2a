//! Review schedules: any page with `review_every` has one, and every runbook
//! (with `[runbooks] review_every`). When the last review was (front matter,
//! else the page's last commit), when the next is due, and a warning once it
//! is overdue. Read from front matter only; the clock comes in as `today`.

use serde::Serialize;

use crate::content::{Date, Page};
use crate::diagnostics::Diagnostic;
use crate::fields::Extractor;

/// Where a page's review stands today.
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

impl Review {
    /// `current`, `due-soon`, `overdue` or `unknown`.
    pub fn name(self) -> &'static str {
        match self {
            Review::Current => "current",
            Review::DueSoon => "due-soon",
            Review::Overdue => "overdue",
            Review::Unknown => "unknown",
        }
    }

    /// Overdue, or due within 30 days.
    pub fn is_due(self) -> bool {
        matches!(self, Review::Overdue | Review::DueSoon)
    }
}

/// A review interval as written (`"90d"`, `"6 months"`) and as the span it
/// means, parsed once where it is read.
#[derive(Clone, Debug)]
pub struct Interval {
    pub text: String,
    pub span: jiff::Span,
}

/// Intervals are the same when they are written the same (`"90d"` is not
/// `"3 months"`: the page shows what was written).
impl PartialEq for Interval {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Interval {}

impl Interval {
    /// `text` as an interval, when it is a duration jiff reads.
    pub fn parse(text: &str) -> Option<Interval> {
        Some(Interval {
            span: text.parse().ok()?,
            text: text.to_string(),
        })
    }
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
    default_every: Option<&Interval>,
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
        (None, Some(default)) => default.text.clone(),
        (None, None) => return None,
    };
    let mut interval = default_every.map(|d| d.span);
    if let Some((entry, text)) = written {
        match Interval::parse(&text) {
            Some(written) => interval = Some(written.span),
            None => {
                review_every = default_every.map_or_else(String::new, |d| d.text.clone());
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
