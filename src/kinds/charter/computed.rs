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
    /// Action items opened per quarter (by their review's date).
    Actions,
    /// The share of pages with a review schedule that are not overdue, now.
    ReviewCompliance,
}

impl Source {
    pub const ALL: [Source; 5] = [
        Source::Mttr,
        Source::TimeToDetect,
        Source::Aars,
        Source::Actions,
        Source::ReviewCompliance,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Source::Mttr => "mttr",
            Source::TimeToDetect => "time-to-detect",
            Source::Aars => "aars",
            Source::Actions => "actions",
            Source::ReviewCompliance => "review-compliance",
        }
    }

    /// Which way is better when the charter does not say.
    pub fn direction(self) -> Direction {
        match self {
            Source::Mttr | Source::TimeToDetect | Source::Aars => Direction::Lower,
            Source::Actions | Source::ReviewCompliance => Direction::Higher,
        }
    }

    /// The unit when the charter does not say.
    pub fn unit(self) -> Option<&'static str> {
        match self {
            Source::Mttr | Source::TimeToDetect => Some("min"),
            Source::ReviewCompliance => Some("%"),
            Source::Aars | Source::Actions => None,
        }
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
/// and date, and the review schedules' state.
#[derive(Debug, Default)]
pub struct Facts<'a> {
    /// `(date, review)`: after-action reviews and retros with their page's date.
    pub reviews: Vec<(Option<&'a str>, &'a Review)>,
    /// Pages with a review schedule, and how many of them are overdue.
    pub scheduled: usize,
    pub overdue: usize,
    /// Today's quarter, for a value that has no history.
    pub today: &'a str,
}

/// `2026-03-09` → `2026-Q1`.
pub fn quarter(date: &str) -> Option<String> {
    let year = date.get(..4)?;
    let month: u8 = date.get(5..7)?.parse().ok()?;
    (1..=12)
        .contains(&month)
        .then(|| format!("{year}-Q{}", (month - 1) / 3 + 1))
}

/// The history of a metric computed from `source`, by quarter, oldest first.
pub fn history(source: Source, facts: &Facts<'_>) -> Vec<Point> {
    let mut by_quarter: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    // Every after-action review whose timeline marks the moments: a
    // four-question review of an outage counts as much as a postmortem.
    let incidents = facts.reviews.iter().filter(|(_, r)| r.aar_type.is_some());
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
                if let (Some(minutes), Some(when)) = (minutes, when) {
                    by_quarter.entry(when).or_default().push(minutes as f64);
                }
            }
            mean(by_quarter)
        }
        Source::Aars | Source::Actions => {
            for (day, review) in &facts.reviews {
                let counted = match source {
                    Source::Aars => usize::from(review.aar_type.is_some()),
                    _ => review.actions.len(),
                };
                if let Some(when) = day.and_then(quarter) {
                    by_quarter.entry(when).or_default().push(counted as f64);
                }
            }
            by_quarter
                .into_iter()
                .map(|(at, values)| Point {
                    at,
                    value: values.iter().sum(),
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
                at: facts.today.to_string(),
                value: share,
            }]
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::review::TimelineEntry;

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
        let points = |s| {
            history(s, &facts)
                .into_iter()
                .map(|p| (p.at, p.value))
                .collect::<Vec<_>>()
        };
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
}
