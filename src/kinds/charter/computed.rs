//! Metrics a team can adopt without entering data: a charter metric with
//! `from = "mttr"` (or another [`Source`]) gets its history counted from the
//! handbook's own pages, by quarter — incident timelines for time to detect
//! and to restore, after-action reviews and their action items per quarter,
//! and how many scheduled pages are reviewed on time.
//!
//! `kinds::build` calls [`history`] once the model has every page's records,
//! and writes only the histories of computed metrics.

use std::collections::BTreeMap;

use super::{Direction, Point};
use crate::diagnostics::{Code, Diagnostic};
use crate::fields::{Entry, Extractor};
use crate::kinds::review::Review;

/// What a computed metric counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// Mean minutes from an incident's first timeline entry to its
    /// mitigation (else its resolution), per quarter: every after-action
    /// review whose timeline marks them (retros have no timeline).
    Mttr,
    /// Mean minutes from an incident's first timeline entry to its detection.
    TimeToDetect,
    /// After-action reviews per quarter.
    Aars,
    /// Action items opened per quarter (when first listed; an action listed
    /// again counts once).
    Actions,
    /// Action items closed per quarter (see `Action::closed`).
    ActionsClosed,
    /// Action items open at the end of each quarter (today, for this one).
    OpenActions,
    /// The median age in days of the actions open at the end of each quarter.
    ActionAge,
    /// Of the actions with a due date closed in each quarter, the share
    /// closed by that date.
    ActionsOnTime,
    /// The median days from a decision's "proposed" to its "accepted", by
    /// the quarter it was accepted in (from git history).
    AdrLeadTime,
    /// The share of pages with a review schedule that are not overdue, now.
    ReviewCompliance,
}

impl Source {
    pub const ALL: [Source; 10] = [
        Source::Mttr,
        Source::TimeToDetect,
        Source::Aars,
        Source::Actions,
        Source::ActionsClosed,
        Source::OpenActions,
        Source::ActionAge,
        Source::ActionsOnTime,
        Source::AdrLeadTime,
        Source::ReviewCompliance,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Source::Mttr => "mttr",
            Source::TimeToDetect => "time-to-detect",
            Source::Aars => "aars",
            Source::Actions => "actions",
            Source::ActionsClosed => "actions-closed",
            Source::OpenActions => "open-actions",
            Source::ActionAge => "action-age",
            Source::ActionsOnTime => "actions-on-time",
            Source::AdrLeadTime => "adr-lead-time",
            Source::ReviewCompliance => "review-compliance",
        }
    }

    /// Which way is better when the charter does not say.
    pub fn direction(self) -> Direction {
        match self {
            Source::Mttr
            | Source::TimeToDetect
            | Source::Aars
            | Source::OpenActions
            | Source::ActionAge
            | Source::AdrLeadTime => Direction::Lower,
            Source::Actions
            | Source::ActionsClosed
            | Source::ActionsOnTime
            | Source::ReviewCompliance => Direction::Higher,
        }
    }

    /// The unit when the charter does not say.
    pub fn unit(self) -> Option<&'static str> {
        match self {
            Source::Mttr | Source::TimeToDetect => Some("min"),
            Source::ActionAge | Source::AdrLeadTime => Some("days"),
            Source::ReviewCompliance | Source::ActionsOnTime => Some("%"),
            Source::Aars | Source::Actions | Source::ActionsClosed | Source::OpenActions => None,
        }
    }

    /// Whether a metric counting this may keep to one `severity`.
    pub fn by_severity(self) -> bool {
        matches!(self, Source::Mttr | Source::TimeToDetect | Source::Aars)
    }
}

/// Reads `from`, reporting a value it does not know with the ones it does.
pub(super) fn source(x: &mut Extractor<'_>, field: &Entry) -> Option<Source> {
    let text = x.string(field)?;
    let found = Source::ALL
        .into_iter()
        .find(|s| s.name().eq_ignore_ascii_case(text.trim()));
    if found.is_none() {
        let known: Vec<&str> = Source::ALL.iter().map(|s| s.name()).collect();
        let d = Diagnostic::error(
            Code::InvalidValue,
            x.path,
            format!("unknown metric source \"{text}\""),
        )
        .with_help(format!("one of: {}", known.join(", ")));
        x.report(d, field.node.span.clone());
    }
    found
}

/// What the computed metrics are counted from: each review with its kind
/// and date, the review schedules' state and the decisions' lead times.
#[derive(Debug)]
pub struct Facts<'a> {
    /// `(date, review)`: after-action reviews and retros with their page's
    /// date, their actions followed up (`review::follow_up`).
    pub reviews: Vec<(Option<&'a str>, &'a Review)>,
    /// Pages with a review schedule, and how many of them are overdue.
    pub scheduled: usize,
    pub overdue: usize,
    /// Today: the end of the current quarter, for what is open now.
    pub today: jiff::civil::Date,
    /// `(day accepted, days since proposed)` of each decision whose history
    /// shows both (`adr::history::lead_times`).
    pub lead_times: Vec<(String, f64)>,
}

impl Default for Facts<'_> {
    fn default() -> Self {
        Facts {
            reviews: Vec::new(),
            scheduled: 0,
            overdue: 0,
            today: jiff::civil::date(2026, 12, 31),
            lead_times: Vec::new(),
        }
    }
}

/// `2026-03-09` → `2026-Q1`.
pub fn quarter(date: &str) -> Option<String> {
    let year = date.get(..4)?;
    let month: u8 = date.get(5..7)?.parse().ok()?;
    (1..=12)
        .contains(&month)
        .then(|| format!("{year}-Q{}", (month - 1) / 3 + 1))
}

/// The quarter after `2026-Q4`: `2027-Q1`.
fn next_quarter(q: &str) -> Option<String> {
    let (year, n) = q.split_once("-Q")?;
    let (year, n): (i32, u8) = (year.parse().ok()?, n.parse().ok()?);
    Some(match n {
        4 => format!("{}-Q1", year + 1),
        _ => format!("{year}-Q{}", n + 1),
    })
}

/// The last day of a quarter.
fn quarter_end(q: &str) -> Option<jiff::civil::Date> {
    let (year, n) = q.split_once("-Q")?;
    let (year, n): (i16, i8) = (year.parse().ok()?, n.parse().ok()?);
    let first = jiff::civil::Date::new(year, n.checked_mul(3)?, 1).ok()?;
    Some(first.last_of_month())
}

/// The history of a metric computed from `source`, by quarter, oldest
/// first; `severity` keeps to the reviews of that severity.
pub fn history(source: Source, facts: &Facts<'_>, severity: Option<&str>) -> Vec<Point> {
    let mut by_quarter: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let today = quarter(&facts.today.to_string()).unwrap_or_default();
    let of_severity = |review: &&Review| match severity {
        None => true,
        Some(wanted) => review
            .severity
            .as_deref()
            .is_some_and(|s| s.trim().eq_ignore_ascii_case(wanted.trim())),
    };
    let reviews = facts.reviews.iter().filter(|(_, r)| of_severity(r));
    // Every after-action review whose timeline marks the moments: a
    // four-question review of an outage counts as much as a postmortem.
    let incidents = reviews.clone().filter(|(_, r)| r.aar_type.is_some());
    // Each action once, where it was last listed (which knows when it was
    // opened and closed).
    let actions = facts
        .reviews
        .iter()
        .flat_map(|(_, r)| &r.actions)
        .filter(|a| !a.listed_again);
    let mut push = |when: Option<String>, value: f64| {
        if let Some(when) = when {
            by_quarter.entry(when).or_default().push(value);
        }
    };
    match source {
        Source::Mttr | Source::TimeToDetect => {
            for (day, review) in incidents {
                let durations = review.durations(*day);
                let minutes = match source {
                    Source::Mttr => durations.restore,
                    _ => durations.detect,
                };
                let when = day
                    .and_then(quarter)
                    .or_else(|| review.timeline.first().and_then(|e| quarter(&e.at)));
                if let Some(minutes) = minutes {
                    push(when, minutes as f64);
                }
            }
            mean(by_quarter)
        }
        Source::Aars => {
            for (day, review) in reviews {
                push(
                    day.and_then(quarter),
                    f64::from(u8::from(review.aar_type.is_some())),
                );
            }
            sum(by_quarter)
        }
        Source::Actions | Source::ActionsClosed => {
            for action in actions {
                let day = match source {
                    Source::Actions => action.opened.as_deref(),
                    _ => action.closed.as_deref().filter(|_| action.done),
                };
                push(day.and_then(quarter), 1.0);
            }
            sum(by_quarter)
        }
        Source::ActionsOnTime => {
            for action in actions.filter(|a| a.done) {
                if let (Some(closed), Some(due)) = (&action.closed, &action.due) {
                    let on_time = closed.get(..10).unwrap_or(closed) <= due.as_str();
                    push(quarter(closed), if on_time { 100.0 } else { 0.0 });
                }
            }
            mean(by_quarter)
        }
        Source::OpenActions | Source::ActionAge => {
            let actions: Vec<_> = actions.collect();
            let Some(mut q) = actions
                .iter()
                .filter_map(|a| a.opened.as_deref().and_then(quarter))
                .min()
            else {
                return Vec::new();
            };
            let mut points = Vec::new();
            // Quarter by quarter up to today's, each asking every action:
            // linear in quarters × actions, both small.
            while q <= today {
                let end = match quarter_end(&q) {
                    Some(end) if q != today => end,
                    _ => facts.today,
                };
                let end_day = end.to_string();
                let mut ages: Vec<f64> = actions
                    .iter()
                    .filter_map(|a| {
                        let opened = a.opened.as_deref()?;
                        let open = opened <= end_day.as_str()
                            && !(a.done
                                && a.closed.as_deref().is_none_or(|c| c <= end_day.as_str()));
                        let since = crate::fields::Date::parse(opened)?.civil();
                        open.then(|| since.until(end).map_or(0.0, |s| f64::from(s.get_days())))
                    })
                    .collect();
                let value = match source {
                    Source::OpenActions => Some(ages.len() as f64),
                    _ => median(&mut ages),
                };
                if let Some(value) = value {
                    points.push(Point {
                        at: q.clone(),
                        value,
                    });
                }
                let Some(next) = next_quarter(&q) else { break };
                q = next;
            }
            points
        }
        Source::AdrLeadTime => {
            for (day, days) in &facts.lead_times {
                push(quarter(day), *days);
            }
            by_quarter
                .into_iter()
                .filter_map(|(at, mut v)| {
                    Some(Point {
                        at,
                        value: median(&mut v)?,
                    })
                })
                .collect()
        }
        Source::ReviewCompliance => {
            if facts.scheduled == 0 {
                return Vec::new();
            }
            let on_time = facts.scheduled - facts.overdue;
            let share = (on_time as f64 * 1000.0 / facts.scheduled as f64).round() / 10.0;
            vec![Point {
                at: today,
                value: share,
            }]
        }
    }
}

/// Each quarter's total.
fn sum(by_quarter: BTreeMap<String, Vec<f64>>) -> Vec<Point> {
    by_quarter
        .into_iter()
        .map(|(at, values)| Point {
            at,
            value: values.iter().sum(),
        })
        .collect()
}

/// Each quarter's mean, to one decimal.
fn mean(by_quarter: BTreeMap<String, Vec<f64>>) -> Vec<Point> {
    by_quarter
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(at, v)| Point {
            at,
            value: (v.iter().sum::<f64>() / v.len() as f64 * 10.0).round() / 10.0,
        })
        .collect()
}

/// The median, to one decimal (`None` for no values).
fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let m = match n {
        0 => return None,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    };
    Some((m * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::review::TimelineEntry;

    /// A computed history as `(at, value)` pairs.
    fn points(source: Source, facts: &Facts<'_>) -> Vec<(String, f64)> {
        history(source, facts, None)
            .into_iter()
            .map(|p| (p.at, p.value))
            .collect()
    }

    fn incident(entries: &[(&str, &str)]) -> Review {
        Review {
            aar_type: Some(crate::kinds::review::AarType::Incident),
            severity: None,
            services: Vec::new(),
            participants: Vec::new(),
            facilitator: None,
            timeline: entries
                .iter()
                .map(|(at, event)| TimelineEntry {
                    at: at.to_string(),
                    event: event.to_string(),
                    stage: None,
                })
                .collect(),
            actions: Vec::new(),
            timeline_in_body: false,
            actions_in_body: false,
        }
    }

    #[test]
    fn incident_timelines_give_time_to_detect_and_restore_by_quarter() {
        let march = incident(&[
            ("2026-03-09T02:41", "Storage starts returning I/O errors."),
            ("2026-03-09T02:47", "ShipmentDbPrimaryDown pages Ines."),
            (
                "2026-03-09T03:31",
                "Replica promoted; scan intake recovers.",
            ),
            ("2026-03-09T04:10", "Incident closed."),
        ]);
        // Times alone count on the review's date; no mitigation: resolution.
        let february = incident(&[
            ("23:50", "Deploy of 4.2."),
            ("23:58", "Customer reported stale statuses."),
            ("00:30", "Resolved."),
        ]);
        let june = incident(&[
            ("2026-06-22 10:02", "Worker 4.12 deployed."),
            ("2026-06-22 10:40", "StatusQueueBacklog fires."),
            ("2026-06-22 10:58", "Rollback to 4.11."),
        ]);
        let facts = Facts {
            reviews: vec![
                (Some("2026-03-09"), &march),
                (Some("2026-02-01"), &february),
                (Some("2026-06-22"), &june),
            ],
            ..Facts::default()
        };
        let points = |s| points(s, &facts);
        // February's resolution comes before its start on the clock (past
        // midnight, one date given): not counted rather than negative.
        assert_eq!(
            points(Source::Mttr),
            [("2026-Q1".to_string(), 50.0), ("2026-Q2".to_string(), 56.0)]
        );
        assert_eq!(
            points(Source::TimeToDetect),
            [("2026-Q1".to_string(), 7.0), ("2026-Q2".to_string(), 38.0)]
        );
        assert_eq!(
            points(Source::Aars),
            [("2026-Q1".to_string(), 2.0), ("2026-Q2".to_string(), 1.0)]
        );
    }

    #[test]
    fn a_typed_entry_wins_over_its_wording() {
        let mut review = incident(&[
            ("2026-01-05T10:00", "Queue depth alert fires."),
            ("2026-01-05T10:30", "Traffic moved to the standby."),
        ]);
        assert_eq!(review.durations(None).restore, None);
        review.timeline[1].stage = Some(crate::kinds::review::Stage::Mitigated);
        assert_eq!(review.durations(None).restore, Some(30));
        assert_eq!(review.durations(None).detect, Some(0));
    }

    #[test]
    fn quarters_come_from_dates() {
        assert_eq!(quarter("2026-03-31").as_deref(), Some("2026-Q1"));
        assert_eq!(quarter("2026-10-01T09:00").as_deref(), Some("2026-Q4"));
        assert_eq!(quarter("09:00"), None);
        assert_eq!(quarter("2026-13-01"), None);
    }

    #[test]
    fn actions_give_opened_closed_open_age_and_on_time_by_quarter() {
        use crate::kinds::review::Action;
        let action = |what: &str, opened: &str, due: Option<&str>, closed: Option<&str>| Action {
            opened: Some(opened.to_string()),
            due: due.and_then(crate::fields::Date::parse),
            done: closed.is_some(),
            closed: closed.map(str::to_string),
            ..Action::new(what.to_string(), 0..0)
        };
        let mut carried = action("Drill", "2026-03-31", None, None);
        carried.listed_again = true;
        let review = Review {
            actions: vec![
                carried,
                action("Drill", "2026-03-31", None, None),
                action(
                    "Alert",
                    "2026-03-31",
                    Some("2026-05-01"),
                    Some("2026-04-20"),
                ),
                action("Docs", "2026-06-30", Some("2026-07-01"), Some("2026-08-02")),
                action("Keys", "2026-06-30", None, Some("2026-06-30")),
            ],
            ..incident(&[])
        };
        let facts = Facts {
            reviews: vec![(Some("2026-09-30"), &review)],
            today: jiff::civil::date(2026, 10, 15),
            ..Facts::default()
        };
        let points = |s| points(s, &facts);
        let q = |q: &str, v: f64| (q.to_string(), v);
        // Listed again: counted once, by when it was first listed.
        assert_eq!(
            points(Source::Actions),
            [q("2026-Q1", 2.0), q("2026-Q2", 2.0)]
        );
        assert_eq!(
            points(Source::ActionsClosed),
            [q("2026-Q2", 2.0), q("2026-Q3", 1.0)]
        );
        // Open at the end of each quarter; closed the day it opened: never open.
        assert_eq!(
            points(Source::OpenActions),
            [
                q("2026-Q1", 2.0),
                q("2026-Q2", 2.0),
                q("2026-Q3", 1.0),
                q("2026-Q4", 1.0)
            ]
        );
        // Drill: 0, 91, 183 days at the quarters' ends, 198 today; Docs 0 at Q2.
        assert_eq!(
            points(Source::ActionAge),
            [
                q("2026-Q1", 0.0),
                q("2026-Q2", 45.5),
                q("2026-Q3", 183.0),
                q("2026-Q4", 198.0)
            ]
        );
        assert_eq!(
            points(Source::ActionsOnTime),
            [q("2026-Q2", 100.0), q("2026-Q3", 0.0)]
        );
    }

    #[test]
    fn a_severity_keeps_to_its_reviews_and_lead_times_give_medians() {
        let mut sev1 = incident(&[
            ("2026-01-05T10:00", "Alert fires."),
            ("2026-01-05T10:20", "Rolled back."),
        ]);
        sev1.severity = Some("SEV1".to_string());
        let sev2 = Review {
            severity: Some("sev2".to_string()),
            ..sev1.clone()
        };
        let facts = Facts {
            reviews: vec![(Some("2026-01-05"), &sev1), (Some("2026-01-06"), &sev2)],
            lead_times: vec![
                ("2026-02-01".to_string(), 3.0),
                ("2026-03-01".to_string(), 10.5),
                ("2026-03-02".to_string(), 1.0),
                ("2026-05-01".to_string(), 2.0),
                ("2026-06-01".to_string(), 4.0),
            ],
            ..Facts::default()
        };
        let values = |s, severity| {
            history(s, &facts, severity)
                .into_iter()
                .map(|p| p.value)
                .collect::<Vec<_>>()
        };
        assert_eq!(values(Source::Aars, None), [2.0]);
        assert_eq!(values(Source::Aars, Some("sev1")), [1.0]);
        assert_eq!(values(Source::Mttr, Some("SEV2")), [20.0]);
        assert_eq!(values(Source::Aars, Some("SEV3")), Vec::<f64>::new());
        assert_eq!(values(Source::AdrLeadTime, None), [3.0, 3.0]);
    }
}
