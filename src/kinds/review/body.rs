//! What a review's markdown says beyond its front matter: its headings,
//! a timeline written as a table or as `- 14:02 — …` items under a Timeline
//! heading, and action items written as a task list or a table under an
//! Action items heading. Postmortems written for other tools keep these in
//! the body; reading them there lets them reach the action tracker.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{Action, TimelineEntry, names_any, words};
use crate::content::Date;

/// Headings over a markdown timeline, and over action items.
const TIMELINE_HEADINGS: &[&str] = &["timeline", "sequence of events"];
const ACTION_HEADINGS: &[&str] = &[
    "action item",
    "actions",
    "follow-up",
    "follow up",
    "corrective action",
    "next step",
    "do differently",
    "what we will change",
    "what we'll change",
];

/// What the body holds.
#[derive(Debug, Default)]
pub struct Body {
    /// Text of every heading, in order (the page title included).
    pub headings: Vec<String>,
    pub timeline: Vec<TimelineEntry>,
    pub actions: Vec<Action>,
}

/// Which list or table a section's items belong to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Other,
    Timeline,
    Actions,
}

/// One list item or table row, as plain text.
#[derive(Default)]
struct Item {
    cells: Vec<String>,
    checked: Option<bool>,
    span: Range<usize>,
}

/// Reads `source[body_start..]`.
pub fn read(source: &str, body_start: usize) -> Body {
    let text = source.get(body_start..).unwrap_or_default();
    let parser = Parser::new_ext(
        text,
        Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH,
    );
    let mut body = Body::default();
    let mut section = Section::Other;
    let mut heading: Option<String> = None;
    let mut item: Option<Item> = None;
    let mut list_depth = 0usize;
    // Table columns by role, from the header row of the current table.
    let mut header: Option<Vec<String>> = None;
    let mut in_head = false;
    for (event, range) in parser.into_offset_iter() {
        let range = (range.start + body_start)..(range.end + body_start);
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                if let Some(text) = heading.take() {
                    let w = words(&text);
                    section = if names_any(&w, TIMELINE_HEADINGS) {
                        Section::Timeline
                    } else if names_any(&w, ACTION_HEADINGS) {
                        Section::Actions
                    } else {
                        Section::Other
                    };
                    body.headings.push(text.trim().to_string());
                }
            }
            Event::Start(Tag::List(_)) => list_depth += 1,
            Event::End(TagEnd::List(_)) => list_depth = list_depth.saturating_sub(1),
            Event::Start(Tag::Item) if list_depth == 1 && section != Section::Other => {
                item = Some(Item {
                    cells: vec![String::new()],
                    checked: None,
                    span: range,
                });
            }
            Event::End(TagEnd::Item) if list_depth == 1 => {
                if let Some(done) = item.take() {
                    take(&mut body, section, None, done);
                }
            }
            Event::TaskListMarker(checked) => {
                if let Some(item) = &mut item {
                    item.checked = Some(checked);
                }
            }
            Event::Start(Tag::Table(_)) => header = None,
            Event::Start(Tag::TableHead) => {
                in_head = true;
                item = Some(Item {
                    span: range,
                    ..Item::default()
                });
            }
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                header = item.take().map(|i| i.cells);
            }
            Event::Start(Tag::TableRow) if section != Section::Other => {
                item = Some(Item {
                    span: range,
                    ..Item::default()
                });
            }
            Event::End(TagEnd::TableRow) => {
                if let Some(row) = item.take() {
                    take(&mut body, section, header.as_deref(), row);
                }
            }
            Event::Start(Tag::TableCell) => {
                if let Some(item) = &mut item
                    && (in_head || section != Section::Other)
                {
                    item.cells.push(String::new());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = &mut heading {
                    h.push_str(&t);
                } else if let Some(cell) = item.as_mut().and_then(|i| i.cells.last_mut()) {
                    cell.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(cell) = item.as_mut().and_then(|i| i.cells.last_mut()) {
                    cell.push(' ');
                }
            }
            _ => {}
        }
    }
    body
}

/// Adds a finished item or row to the timeline or the actions.
fn take(body: &mut Body, section: Section, header: Option<&[String]>, item: Item) {
    let cells: Vec<String> = item.cells.iter().map(|c| c.trim().to_string()).collect();
    match section {
        Section::Other => {}
        Section::Timeline => {
            let entry = match header {
                Some(header) => timeline_row(header, &cells),
                None => cells.first().and_then(|text| timeline_item(text)),
            };
            body.timeline.extend(entry);
        }
        Section::Actions => {
            let action = match header {
                Some(header) => action_row(header, &cells, item.span),
                None => cells
                    .first()
                    .and_then(|text| action_item(text, item.checked, item.span)),
            };
            body.actions.extend(action);
        }
    }
}

/// The index of the first column whose header names one of `wordings`.
fn column(header: &[String], wordings: &[&str]) -> Option<usize> {
    header.iter().position(|h| names_any(&words(h), wordings))
}

fn timeline_row(header: &[String], cells: &[String]) -> Option<TimelineEntry> {
    let at = column(header, &["time", "when", "date", "timestamp", "at"]).unwrap_or(0);
    let event = column(
        header,
        &["event", "what", "description", "action", "details"],
    )
    .unwrap_or(if at == 0 { 1 } else { 0 });
    let at = cells.get(at)?.clone();
    let event = cells.get(event).cloned().unwrap_or_default();
    (!at.is_empty()).then_some(TimelineEntry {
        at,
        event,
        stage: None,
    })
}

/// `14:02 — Pager fires`, `2026-03-01 14:02 UTC: …`, `14:02 - …`: a time
/// (with an optional date and zone) first, then the event.
fn timeline_item(text: &str) -> Option<TimelineEntry> {
    let mut rest = text.trim_start();
    let mut at = String::new();
    if let Some(date) = leading(rest, is_date_char, 10).filter(|d| Date::parse(d).is_some()) {
        at.push_str(date);
        rest = rest.get(date.len()..).unwrap_or_default();
        rest = rest.strip_prefix(['T', ' ']).unwrap_or(rest);
    }
    let time = leading(rest, |c| c.is_ascii_digit() || c == ':', 8)
        .filter(|t| t.contains(':') && t.chars().next().is_some_and(|c| c.is_ascii_digit()));
    match time {
        Some(time) => {
            if !at.is_empty() {
                at.push(' ');
            }
            at.push_str(time);
            rest = rest.get(time.len()..).unwrap_or_default();
        }
        None if at.is_empty() => return None,
        None => {}
    }
    rest = rest.trim_start();
    let zone = ["UTC", "Z", "GMT"].into_iter().find_map(|zone| {
        rest.strip_prefix(zone)
            .filter(|r| r.is_empty() || r.starts_with(|c: char| !c.is_alphanumeric()))
            .map(|r| (zone, r))
    });
    if let Some((zone, after)) = zone {
        at.push(' ');
        at.push_str(zone);
        rest = after;
    }
    let event = rest
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | ':' | '|'))
        .trim();
    Some(TimelineEntry {
        at,
        event: event.to_string(),
        stage: None,
    })
}

fn is_date_char(c: char) -> bool {
    c.is_ascii_digit() || c == '-'
}

/// The longest prefix of `text` of characters `keep` allows, up to `max` bytes.
fn leading(text: &str, keep: impl Fn(char) -> bool, max: usize) -> Option<&str> {
    let end = text
        .char_indices()
        .take_while(|&(i, c)| i < max && keep(c))
        .map(|(i, c)| i + c.len_utf8())
        .last()?;
    text.get(..end)
}

/// A task list item or plain item: `[ ] Add a lag alert (@ana, due 2026-04-01)`.
fn action_item(text: &str, checked: Option<bool>, span: Range<usize>) -> Option<Action> {
    let what = text.trim();
    if what.is_empty() {
        return None;
    }
    // The first `@handle` not inside a word (so not an email address).
    let owner = what
        .split(|c: char| !(c.is_alphanumeric() || matches!(c, '@' | '-' | '_' | '.')))
        .find_map(|w| w.strip_prefix('@'))
        .map(|o| o.trim_end_matches(['.', '-']).to_string())
        .filter(|o| !o.is_empty());
    let due = due_on(what);
    let done = checked.unwrap_or(false);
    Some(Action {
        owner,
        due,
        done,
        closed: done.then(|| done_on(what)).flatten(),
        ..Action::new(what.to_string(), span)
    })
}

/// The first date written in `text`.
fn first_date(text: &str) -> Option<String> {
    text.split(|c: char| !is_date_char(c))
        .find_map(Date::parse)
        .map(|d| d.as_str().to_string())
}

/// The date right after the word "done", "closed" or "completed" (and an
/// optional "on" or colon) in an item's wording: `… @ana, done 2026-07-14`.
fn done_on(what: &str) -> Option<String> {
    let lower = what.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(2)
        .find_map(|pair| match pair {
            [word, next] if ["done", "closed", "completed"].contains(word) => {
                Date::parse(next).map(|d| d.as_str().to_string())
            }
            _ => None,
        })
        .or_else(|| {
            words.windows(3).find_map(|w| match w {
                [word, "on", next] if ["done", "closed", "completed"].contains(word) => {
                    Date::parse(next).map(|d| d.as_str().to_string())
                }
                _ => None,
            })
        })
}

/// The due date of an item: the first date that is not its done date.
fn due_on(what: &str) -> Option<Date> {
    let done = done_on(what);
    what.split(|c: char| !is_date_char(c))
        .filter_map(Date::parse)
        .find(|d| Some(d.as_str()) != done.as_deref())
}

fn action_row(header: &[String], cells: &[String], span: Range<usize>) -> Option<Action> {
    let cell = |wordings: &[&str]| {
        column(header, wordings)
            .and_then(|i| cells.get(i))
            .filter(|c| !c.is_empty())
            .cloned()
    };
    let what = cell(&["action", "what", "item", "task", "description", "title"])
        .or_else(|| cells.first().cloned())
        .filter(|w| !w.is_empty())?;
    let status = cell(&["status", "state", "done"]).map(|s| s.to_lowercase());
    let done = status.as_deref().is_some_and(|s| {
        [
            "done",
            "closed",
            "complete",
            "completed",
            "fixed",
            "resolved",
            "yes",
            "✅",
            "x",
        ]
        .iter()
        .any(|d| s.split_whitespace().any(|w| w == *d))
    });
    // A date in the status (`Done 2026-07-14`) or a column of its own.
    let closed = done
        .then(|| {
            let dated = cell(&[
                "closed",
                "done on",
                "closed on",
                "completed on",
                "completed",
            ]);
            [status.as_deref(), dated.as_deref()]
                .into_iter()
                .flatten()
                .find_map(first_date)
        })
        .flatten();
    Some(Action {
        owner: cell(&["owner", "assignee", "who", "responsible"])
            .map(|o| o.trim_start_matches('@').to_string()),
        due: cell(&["due", "due date", "deadline", "by"]).and_then(|d| Date::parse(d.trim())),
        done,
        closed,
        ticket: cell(&["ticket", "issue", "bug", "link", "tracking"]),
        ..Action::new(what, span)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timelines_as_items_and_tables() {
        let src = "# Outage\n\n## Timeline\n\n- 14:02 — Pager fires for the queue\n- **14:09** Ana joins\n- 2026-03-01 14:30 UTC: rollback done\n- no time here\n\n## Impact\n\n- 14:50 not a timeline\n\n### Sequence of events\n\n| When | What happened |\n|---|---|\n| 15:00 | Traffic back |\n";
        let body = read(src, 0);
        let got: Vec<(&str, &str)> = body
            .timeline
            .iter()
            .map(|t| (t.at.as_str(), t.event.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("14:02", "Pager fires for the queue"),
                ("14:09", "Ana joins"),
                ("2026-03-01 14:30 UTC", "rollback done"),
                ("15:00", "Traffic back"),
            ]
        );
        assert_eq!(
            body.headings,
            vec!["Outage", "Timeline", "Impact", "Sequence of events"]
        );
    }

    #[test]
    fn action_items_as_task_lists_and_tables() {
        let src = "## Action items\n\n- [ ] Alert on queue depth @bo due 2026-04-01\n- [x] Raise the worker limit (@ana)\n\n## Follow-up\n\n| Action | Owner | Due | Status | Ticket |\n|---|---|---|---|---|\n| Load test the queue | @ines | 2026-05-02 | Done | OPS-12 |\n| Document failover | tomas | | open | |\n";
        let body = read(src, 0);
        let got: Vec<_> = body
            .actions
            .iter()
            .map(|a| {
                (
                    a.what.as_str(),
                    a.owner.as_deref(),
                    a.due.as_ref().map(|d| d.as_str().to_string()),
                    a.done,
                    a.ticket.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "Alert on queue depth @bo due 2026-04-01",
                    Some("bo"),
                    Some("2026-04-01".to_string()),
                    false,
                    None
                ),
                (
                    "Raise the worker limit (@ana)",
                    Some("ana"),
                    None,
                    true,
                    None
                ),
                (
                    "Load test the queue",
                    Some("ines"),
                    Some("2026-05-02".to_string()),
                    true,
                    Some("OPS-12")
                ),
                ("Document failover", Some("tomas"), None, false, None),
            ]
        );
        assert_eq!(
            &src[body.actions[0].span.clone()].trim_end(),
            &"- [ ] Alert on queue depth @bo due 2026-04-01"
        );
    }

    #[test]
    fn a_done_item_or_row_may_say_when() {
        let src = "## Action items\n\n- [x] Raise the worker limit (@ana, due 2026-04-01, done 2026-03-20)\n- [x] Closed on 2026-02-02: rotate keys\n- [ ] Tidy the runbook, done 2026-01-01 is a typo here\n\n## Follow-up\n\n| Action | Status | Closed |\n|---|---|---|\n| Load test | Done 2026-05-02 | |\n| Drill | done | 2026-06-01 |\n| Page | open | 2026-06-01 |\n";
        let body = read(src, 0);
        let got: Vec<_> = body
            .actions
            .iter()
            .map(|a| {
                (
                    a.due.as_ref().map(|d| d.as_str().to_string()),
                    a.closed.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (Some("2026-04-01".to_string()), Some("2026-03-20")),
                (None, Some("2026-02-02")),
                // Not done: its date is no closing date (nor is it due).
                (None, None),
                (None, Some("2026-05-02")),
                (None, Some("2026-06-01")),
                (None, None),
            ]
        );
    }
}
