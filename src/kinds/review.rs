//! After-action reviews and retrospectives: the questions they must answer, their
//! timelines, and the action items they produce (which the action tracker lists).

use std::ops::Range;

use serde::Serialize;

use super::people::{Mention, mentions};
use crate::content::{Date, Page};
use crate::diagnostics::Diagnostic;
use crate::fields::{Entry, Extractor, Value};

/// One action item from an AAR or a retro.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Action {
    pub what: String,
    pub owner: Option<String>,
    pub due: Option<Date>,
    pub done: bool,
    pub ticket: Option<String>,
    /// Open and past its due date.
    pub overdue: bool,
    #[serde(skip)]
    pub span: Range<usize>,
}

/// One line of an AAR's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    pub at: String,
    pub event: String,
}

/// An after-action review or a retrospective.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Review {
    pub severity: Option<String>,
    pub services: Vec<String>,
    pub participants: Vec<String>,
    pub facilitator: Option<String>,
    pub timeline: Vec<TimelineEntry>,
    pub actions: Vec<Action>,
}

/// The four questions of an after-action review, with headings that answer them.
const AAR_QUESTIONS: &[(&str, &[&str])] = &[
    (
        "What did we set out to do?",
        &[
            "set out to do",
            "supposed to happen",
            "expected to happen",
            "intended",
            "objective",
            "goal",
            "what we planned",
        ],
    ),
    (
        "What actually happened?",
        &[
            "actually happened",
            "what happened",
            "summary of events",
            "what went on",
        ],
    ),
    (
        "Why was there a difference?",
        &[
            "why was there a difference",
            "why",
            "root cause",
            "causes",
            "contributing factors",
            "analysis",
        ],
    ),
    (
        "What will we do differently?",
        &[
            "do differently",
            "lessons",
            "next time",
            "what we will change",
            "what we'll change",
            "follow-up",
            "improvements",
            "action items",
        ],
    ),
];

/// The three questions of a start / stop / continue retrospective.
const RETRO_QUESTIONS: &[(&str, &[&str])] = &[
    ("Start", &["start"]),
    ("Stop", &["stop"]),
    ("Continue", &["continue", "keep"]),
];

/// Whether the page is an after-action review or a retrospective.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    Aar,
    Retro,
}

/// Reads an AAR or retro; problems come back alongside.
pub fn parse(page: &Page, which: Which, today: jiff::civil::Date) -> (Review, Vec<Diagnostic>) {
    let path = page.source_path.as_str();
    let source = page.source.as_str();
    let mut x = Extractor::new(path, source);
    let fields = &page.front.extra_fields;
    let mut review = Review {
        severity: fields.get("severity").and_then(|e| x.string(e)),
        services: fields
            .get("services")
            .and_then(|e| x.string_list(e))
            .unwrap_or_default(),
        participants: fields
            .get("participants")
            .and_then(|e| x.string_list(e))
            .unwrap_or_default(),
        facilitator: fields.get("facilitator").and_then(|e| x.string(e)),
        timeline: Vec::new(),
        actions: Vec::new(),
    };
    if let Some(entry) = fields.get("timeline") {
        review.timeline = timeline(&mut x, entry);
    }
    if let Some(entry) = fields.get("actions") {
        review.actions = actions(&mut x, entry, today);
    }
    let questions = match which {
        Which::Aar => AAR_QUESTIONS,
        Which::Retro => RETRO_QUESTIONS,
    };
    let headings = headings(source, page.body_start);
    for (question, wordings) in questions {
        let answered = headings.iter().any(|h| {
            let h = h.to_lowercase();
            wordings.iter().any(|w| {
                if w.len() <= 5 {
                    h.split(|c: char| !c.is_alphanumeric())
                        .any(|word| word == *w)
                } else {
                    h.contains(w)
                }
            })
        });
        if !answered {
            let what = match which {
                Which::Aar => "after-action review",
                Which::Retro => "retrospective",
            };
            x.diagnostics.push(
                Diagnostic::warning(
                    "missing-section",
                    path,
                    format!("this {what} does not answer \"{question}\""),
                )
                .with_help(format!("add a section headed \"## {question}\"")),
            );
        }
    }
    (review, x.diagnostics)
}

/// Texts of the `##`-and-deeper headings of the body, outside code.
#[allow(clippy::string_slice)] // `level` counts ASCII `#`s
fn headings(source: &str, body_start: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in source.get(body_start..).unwrap_or_default().lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        let level = t.chars().take_while(|c| *c == '#').count();
        if !in_fence && level >= 1 && t[level..].starts_with(' ') {
            out.push(t[level..].trim());
        }
    }
    out
}

fn timeline(x: &mut Extractor<'_>, entry: &Entry) -> Vec<TimelineEntry> {
    let mut out: Vec<TimelineEntry> = Vec::new();
    let mut previous: Option<String> = None;
    for (table, span) in x.tables(entry, "at = \"09:14\", event = \"Alert fires\"") {
        let at_entry = table.get("at");
        let at = match at_entry.map(|e| &e.node.value) {
            Some(Value::String(s) | Value::Datetime(s)) => s.clone(),
            _ => {
                x.diagnostics.push(
                    Diagnostic::error(
                        "missing-field",
                        x.path,
                        "this timeline entry has no `at` time",
                    )
                    .at_in(x.source, x.index(), span.clone())
                    .with_help("e.g. at = \"2024-03-01T09:14\" or at = \"09:14\""),
                );
                continue;
            }
        };
        let event = table
            .get("event")
            .and_then(|e| x.string(e))
            .unwrap_or_default();
        let key = sortable_time(&at);
        if previous.as_ref().is_some_and(|prev| key < *prev) {
            let at_span = at_entry.map_or(span.clone(), |e| e.node.span.clone());
            x.diagnostics.push(
                Diagnostic::warning(
                    "timeline-order",
                    x.path,
                    format!("timeline entry at {at} comes before the one above it"),
                )
                .at_in(x.source, x.index(), at_span)
                .with_help("keep the timeline in time order"),
            );
        }
        previous = Some(key);
        out.push(TimelineEntry { at, event });
    }
    out
}

/// A key that orders `09:14`, `2024-03-01 09:14` and `2024-03-01T09:14:00Z` alike.
fn sortable_time(at: &str) -> String {
    at.trim().replace('T', " ")
}

fn actions(x: &mut Extractor<'_>, entry: &Entry, today: jiff::civil::Date) -> Vec<Action> {
    let mut out = Vec::new();
    for (table, span) in x.tables(entry, "what = \"Add an alert\", owner = \"dana\"") {
        let mut action = Action {
            what: String::new(),
            owner: None,
            due: None,
            done: false,
            ticket: None,
            overdue: false,
            span: span.clone(),
        };
        for field in &table.entries {
            match field.key.as_str() {
                "what" => action.what = x.string(field).unwrap_or_default(),
                "owner" => action.owner = x.string(field),
                "due" => action.due = x.date(field),
                "done" => action.done = x.boolean(field).unwrap_or(false),
                "ticket" => action.ticket = x.string(field),
                _ => x.unknown_key(
                    field,
                    "[[actions]]",
                    &["what", "owner", "due", "done", "ticket"],
                ),
            }
        }
        if action.what.is_empty() {
            x.diagnostics.push(
                Diagnostic::error("missing-field", x.path, "this action has no `what`")
                    .at_in(x.source, x.index(), span.start..span.start)
                    .with_help("say what will be done, e.g. what = \"Alert on replication lag\""),
            );
            continue;
        }
        action.overdue = !action.done && action.due.as_ref().is_some_and(|d| d.civil() < today);
        out.push(action);
    }
    out
}

impl Review {
    /// Where the review names people.
    pub fn mentions(&self, source: &str) -> Vec<Mention> {
        let mut all = mentions(source, 0, &self.participants, "participant");
        all.extend(mentions(
            source,
            0,
            self.facilitator.as_slice(),
            "facilitator",
        ));
        for action in &self.actions {
            all.extend(mentions(
                source,
                action.span.start,
                action.owner.as_slice(),
                "action owner",
            ));
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_sort_whether_or_not_they_carry_a_date() {
        assert!(sortable_time("2024-03-01T09:14") < sortable_time("2024-03-01 10:02"));
        assert!(sortable_time("09:14") < sortable_time("10:02"));
    }

    #[test]
    fn headings_skip_code() {
        let src = "## What happened\n```\n## Not a heading\n```\n### Why\n";
        assert_eq!(headings(src, 0), vec!["What happened", "Why"]);
    }
}
