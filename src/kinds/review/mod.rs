//! After-action reviews and retrospectives: the questions they must answer, their
//! timelines, and the action items they produce (which the action tracker lists).

use std::ops::Range;

use serde::Serialize;

mod body;

use super::people::{Mention, mentions};
use crate::content::{Date, Page};
use crate::diagnostics::Diagnostic;
use crate::fields::{Entry, Extractor, Field, Value, keys_of};

/// The front-matter fields of an after-action review or a retrospective.
pub const FIELDS: &[Field] = &[
    Field::new("", &["type"], "`\"incident\"` or `\"project\"`"),
    Field::new("", &["severity"], "string"),
    Field::new("", &["services"], "list of strings"),
    Field::new("", &["participants"], "list of names"),
    Field::new("", &["facilitator"], "name"),
    Field::new("", &["timeline"], "array of tables"),
    Field::new("", &["actions"], "array of tables"),
    Field::new("timeline", &["at", "event", "type"], ""),
    Field::new(
        "actions",
        &["what", "owner", "due", "done", "ticket", "id"],
        "",
    ),
];

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
    /// Its id (`id`, else made from its wording): the same action in a
    /// later review is the same id. See [`follow_up`].
    pub id: String,
    /// How many earlier reviews listed it while it was still open.
    pub carried: u32,
    /// A later review lists it again: the tracker shows that one.
    pub listed_again: bool,
    /// The date of the first review that listed it.
    pub opened: Option<String>,
    /// Days from then to "today", while it is open.
    pub age_days: Option<i32>,
    /// When it was done: `done = 2026-07-14` (or "done 2026-07-14" in the
    /// body), else the date of the first review that lists it done.
    pub closed: Option<String>,
}

impl Action {
    /// An open action with nothing but its wording (and an id from it).
    pub fn new(what: String, span: Range<usize>) -> Action {
        Action {
            id: action_id(&what),
            what,
            owner: None,
            due: None,
            done: false,
            ticket: None,
            overdue: false,
            span,
            carried: 0,
            listed_again: false,
            opened: None,
            age_days: None,
            closed: None,
        }
    }
}

/// An id from an action's wording: its first six words, lowercase, by `-`.
pub fn action_id(what: &str) -> String {
    crate::content::words_id(what, 6)
}

/// Follows actions from review to review: given the reviews (with their
/// dates) in any order, marks each action with how many earlier reviews
/// listed it open (carried over), whether a later one lists it again, when
/// it was first listed and, once done, when it was closed (its own date,
/// else the first review that lists it done). Linear in the actions: one
/// map by id.
pub fn follow_up(reviews: &mut [(Option<String>, &mut Review)], today: jiff::civil::Date) {
    reviews.sort_by(|a, b| a.0.cmp(&b.0));
    /// What is known of an id so far.
    struct Seen {
        first: Option<String>,
        /// How many earlier listings had it open.
        open_before: u32,
        closed: Option<String>,
        /// Where (review, action) it was last listed.
        last: (usize, usize),
    }
    let mut seen: std::collections::HashMap<String, Seen> = std::collections::HashMap::new();
    let mut again: Vec<(usize, usize)> = Vec::new();
    for (r, (date, review)) in reviews.iter_mut().enumerate() {
        for (a, action) in review.actions.iter_mut().enumerate() {
            if action.done && action.closed.is_none() {
                action.closed = seen
                    .get(&action.id)
                    .and_then(|s| s.closed.clone())
                    .or_else(|| date.clone());
            }
            match seen.get_mut(&action.id) {
                Some(s) => {
                    again.push(s.last);
                    action.opened = s.first.clone();
                    action.carried = s.open_before;
                    s.last = (r, a);
                    if action.done {
                        s.closed = s.closed.take().or_else(|| action.closed.clone());
                    } else {
                        // Open again: a later "done" closes it anew.
                        s.open_before += 1;
                        s.closed = None;
                    }
                }
                None => {
                    action.opened = date.clone();
                    let s = Seen {
                        first: date.clone(),
                        open_before: u32::from(!action.done),
                        closed: action.closed.clone(),
                        last: (r, a),
                    };
                    seen.insert(action.id.clone(), s);
                }
            }
        }
    }
    for (r, a) in again {
        if let Some(action) = reviews
            .get_mut(r)
            .and_then(|(_, review)| review.actions.get_mut(a))
        {
            action.listed_again = true;
        }
    }
    for (_, review) in reviews.iter_mut() {
        for action in review.actions.iter_mut().filter(|a| !a.done) {
            action.age_days = action
                .opened
                .as_deref()
                .and_then(Date::parse)
                .and_then(|d| d.civil().until(today).ok())
                .map(|span| span.get_days());
        }
    }
}

/// One line of an AAR's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    pub at: String,
    pub event: String,
    /// What the entry marks, as written (`type`); see [`TimelineEntry::stage`].
    #[serde(rename = "type")]
    pub stage: Option<Stage>,
}

/// The moments of an incident that its measures count from and to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Someone or something noticed: an alert fired, a customer reported it.
    Detected,
    /// The impact stopped: rolled back, failed over, recovered.
    Mitigated,
    /// The incident was closed.
    Resolved,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Detected, Stage::Mitigated, Stage::Resolved];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Detected => "detected",
            Stage::Mitigated => "mitigated",
            Stage::Resolved => "resolved",
        }
    }

    /// Words that mark an entry of each stage when it has no `type`, tried in
    /// this order (documented in README.md).
    pub const WORDING: [(Stage, &'static [&'static str]); 3] = [
        (
            Stage::Resolved,
            &["resolved", "incident closed", "all clear"],
        ),
        (
            Stage::Mitigated,
            &[
                "mitigated",
                "recovers",
                "recovered",
                "restored",
                "rollback",
                "rolled back",
                "back to normal",
                "drains",
            ],
        ),
        (
            Stage::Detected,
            &[
                "detected", "alert", "fires", "fired", "paged", "pages ", "noticed", "reported",
            ],
        ),
    ];

    fn from_wording(event: &str) -> Option<Stage> {
        let event = event.to_lowercase();
        Stage::WORDING
            .iter()
            .find(|(_, words)| words.iter().any(|w| event.contains(w)))
            .map(|(stage, _)| *stage)
    }
}

impl TimelineEntry {
    /// The stage the entry marks: its `type`, else recognised by its wording.
    pub fn stage(&self) -> Option<Stage> {
        self.stage.or_else(|| Stage::from_wording(&self.event))
    }

    /// The entry's time in minutes (from an arbitrary origin): `at` as a date
    /// and time, or a time alone on `day` (the review's date).
    pub fn minutes(&self, day: Option<&str>) -> Option<i64> {
        let at = self
            .at
            .trim()
            .trim_end_matches('Z')
            .trim_end_matches(" UTC");
        let at = at.replacen(' ', "T", 1);
        let full = if at.len() <= 8 && at.contains(':') {
            format!("{}T{at}", day?)
        } else {
            at
        };
        let time: jiff::civil::DateTime = full.parse().ok()?;
        let instant = jiff::tz::Offset::UTC.to_timestamp(time).ok()?;
        Some(instant.as_second().div_euclid(60))
    }
}

/// How long an incident took to notice and to stop, in minutes from its
/// first timeline entry with a time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Durations {
    /// To the first entry marked detected.
    pub detect: Option<i64>,
    /// To the first entry marked mitigated, else resolved.
    pub restore: Option<i64>,
}

impl Review {
    /// The incident's [`Durations`], from its timeline; `day` is the review's
    /// date, for entries that give a time alone.
    pub fn durations(&self, day: Option<&str>) -> Durations {
        let timed: Vec<(i64, Option<Stage>)> = self
            .timeline
            .iter()
            .filter_map(|e| Some((e.minutes(day)?, e.stage())))
            .collect();
        // From the first entry, in the order written: a time alone past
        // midnight reads as earlier and is not counted, rather than negative.
        let Some(&(start, _)) = timed.first() else {
            return Durations::default();
        };
        let first = |stage: Stage| {
            timed
                .iter()
                .find(|(_, s)| *s == Some(stage))
                .map(|(t, _)| t - start)
                .filter(|m| *m >= 0)
        };
        Durations {
            detect: first(Stage::Detected),
            restore: first(Stage::Mitigated).or_else(|| first(Stage::Resolved)),
        }
    }
}

/// An after-action review or a retrospective.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Review {
    /// For an AAR: `incident` or `project` (front matter `type`, else
    /// inferred from its folder and sections); `None` for a retro.
    #[serde(rename = "type")]
    pub aar_type: Option<AarType>,
    pub severity: Option<String>,
    pub services: Vec<String>,
    pub participants: Vec<String>,
    pub facilitator: Option<String>,
    pub timeline: Vec<TimelineEntry>,
    pub actions: Vec<Action>,
    /// True when the timeline / the actions were read from the page's own
    /// markdown (a table or list under their heading), so the page shows
    /// them where they are written and not a second time.
    pub timeline_in_body: bool,
    pub actions_in_body: bool,
}

/// What an after-action review looks back on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AarType {
    /// Something broke (a postmortem): nobody set out to do it, so "what
    /// did we set out to do" is not asked.
    Incident,
    /// A piece of work: all four questions.
    Project,
}

impl AarType {
    pub fn parse(name: &str) -> Option<AarType> {
        match name.trim().to_ascii_lowercase().as_str() {
            "incident" | "postmortem" | "post-mortem" | "outage" => Some(AarType::Incident),
            "project" | "exercise" | "launch" | "release" => Some(AarType::Project),
            _ => None,
        }
    }
}

/// The four questions of an after-action review, with headings that
/// answer them (matched as whole words: "intended" is not "unintended").
/// The first is asked of a project only.
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
            "background",
        ],
    ),
    (
        "What actually happened?",
        &[
            "actually happened",
            "what happened",
            "summary of events",
            "what went on",
            "summary",
            "impact",
            "timeline",
            "incident description",
            "description",
            "detection",
            "resolution",
        ],
    ),
    (
        "Why was there a difference?",
        &[
            "why was there a difference",
            "why",
            "root cause",
            "cause",
            "contributing factor",
            "analysis",
            "trigger",
        ],
    ),
    (
        "What will we do differently?",
        &[
            "do differently",
            "lesson",
            "lessons learned",
            "next time",
            "what we will change",
            "what we'll change",
            "follow-up",
            "follow up",
            "improvement",
            "action item",
            "corrective action",
            "prevention",
            "next step",
            "where we got lucky",
            "what went wrong",
        ],
    ),
];

/// Headings only a postmortem has: an AAR in a folder that does not say
/// which kind it is, with two of these, is about an incident.
pub(crate) const INCIDENT_HEADINGS: &[&str] = &[
    "impact",
    "root cause",
    "trigger",
    "detection",
    "resolution",
    "where we got lucky",
    "contributing factor",
    "incident",
    "outage",
    "mitigation",
];

/// Folders whose AARs are about incidents.
const INCIDENT_FOLDERS: &[&str] = &[
    "postmortems",
    "post-mortems",
    "incidents",
    "incident-reports",
    "outages",
];

/// The words of `text`, lowercased: letters, digits and inner `'`/`-`
/// runs (so "follow-up" is one word, as written).
pub(crate) fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace('\u{2019}', "'")
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '-').to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// True when `wording`'s words appear, in order and next to each other, in
/// `heading`'s words; a heading word may add a plural `s` ("Root causes").
/// Wordings are constants written as [`words`] gives them (lowercase, one
/// space between words), so they are split here without allocating: this
/// runs for every heading of every review.
fn names(heading: &[String], wording: &str) -> bool {
    debug_assert_eq!(
        words(wording).join(" "),
        wording,
        "a wording not in `words` form"
    );
    let wanted = || wording.split(' ');
    let n = wanted().count();
    if wording.is_empty() || n > heading.len() {
        return false;
    }
    let same = |h: &String, w: &str| h == w || h.strip_suffix('s') == Some(w);
    heading
        .windows(n)
        .any(|window| window.iter().zip(wanted()).all(|(h, w)| same(h, w)))
}

/// True when `heading` names any of `wordings`.
pub(crate) fn names_any(heading: &[String], wordings: &[&str]) -> bool {
    wordings.iter().any(|w| names(heading, w))
}

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

/// Reads an AAR or retro; problems come back alongside. `folder` is the
/// folder whose rule made it an AAR, if one did (`postmortems` says incident).
pub fn parse(
    page: &Page,
    which: Which,
    folder: Option<&str>,
    today: jiff::civil::Date,
) -> (Review, Vec<Diagnostic>) {
    let path = page.source_path.as_str();
    let source = page.source.as_str();
    let mut x = Extractor::new(path, source);
    let fields = &page.front.extra_fields;
    let mut review = Review {
        aar_type: None,
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
        timeline_in_body: false,
        actions_in_body: false,
    };
    if let Some(entry) = fields.get("timeline") {
        review.timeline = timeline(&mut x, entry);
    }
    if let Some(entry) = fields.get("actions") {
        review.actions = actions(&mut x, entry, today);
    }
    let body = body::read(source, page.body_start);
    let headings: Vec<Vec<String>> = body.headings.iter().map(|h| words(h)).collect();
    if fields.get("timeline").is_none() && !body.timeline.is_empty() {
        review.timeline = body.timeline;
        review.timeline_in_body = true;
    }
    if fields.get("actions").is_none() && !body.actions.is_empty() {
        review.actions = body.actions;
        for action in &mut review.actions {
            action.overdue = !action.done && action.due.as_ref().is_some_and(|d| d.civil() < today);
        }
        review.actions_in_body = true;
    }
    let questions: &[(&str, &[&str])] = match which {
        Which::Aar => {
            let aar_type = aar_type(&mut x, page, folder, &headings);
            review.aar_type = Some(aar_type);
            match aar_type {
                AarType::Project => AAR_QUESTIONS,
                AarType::Incident => AAR_QUESTIONS.get(1..).unwrap_or_default(),
            }
        }
        Which::Retro => RETRO_QUESTIONS,
    };
    for (question, wordings) in questions {
        if !headings.iter().any(|h| names_any(h, wordings)) {
            let what = match (which, review.aar_type) {
                (Which::Aar, Some(AarType::Incident)) => "incident review",
                (Which::Aar, _) => "after-action review",
                (Which::Retro, _) => "retrospective",
            };
            x.diagnostics.push(
                Diagnostic::warning(
                    crate::diagnostics::Code::MissingSection,
                    path,
                    format!("this {what} does not answer \"{question}\""),
                )
                .with_help(format!("add a section headed \"## {question}\"")),
            );
        }
    }
    (review, x.diagnostics)
}

/// Front matter `type`, else `incident` in an incident folder or with
/// incident sections, else `project`.
fn aar_type(
    x: &mut Extractor<'_>,
    page: &Page,
    folder: Option<&str>,
    headings: &[Vec<String>],
) -> AarType {
    if let Some(entry) = page.front.extra_fields.get("type")
        && let Some(text) = x.string(entry)
    {
        match AarType::parse(&text) {
            Some(t) => return t,
            None => {
                x.report(
                    Diagnostic::error(
                        crate::diagnostics::Code::UnknownValue,
                        x.path,
                        format!("unknown AAR type \"{text}\""),
                    )
                    .with_help("allowed values: incident, project"),
                    entry.node.span.clone(),
                );
            }
        }
    }
    let folder_name = folder.map(|f| f.rsplit('/').next().unwrap_or(f));
    if folder_name.is_some_and(|f| INCIDENT_FOLDERS.contains(&f)) {
        return AarType::Incident;
    }
    let incident_sections = headings
        .iter()
        .filter(|h| names_any(h, INCIDENT_HEADINGS))
        .count();
    // One incident section is enough when nothing says what was set out
    // to do (a project's review has its goals).
    let goals = AAR_QUESTIONS.first().map_or(&[][..], |(_, w)| w);
    let has_goals = headings.iter().any(|h| names_any(h, goals));
    if incident_sections >= 2 || (incident_sections == 1 && !has_goals) {
        AarType::Incident
    } else {
        AarType::Project
    }
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
                        crate::diagnostics::Code::MissingField,
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
        let stage = table.get("type").and_then(|e| {
            let text = x.string(e)?;
            let found = Stage::ALL
                .into_iter()
                .find(|s| s.name().eq_ignore_ascii_case(text.trim()));
            if found.is_none() {
                let d = Diagnostic::error(
                    crate::diagnostics::Code::InvalidValue,
                    x.path,
                    format!("unknown timeline entry type \"{text}\""),
                )
                .with_help("one of: detected, mitigated, resolved");
                x.report(d, e.node.span.clone());
            }
            found
        });
        let key = sortable_time(&at);
        if previous.as_ref().is_some_and(|prev| key < *prev) {
            let at_span = at_entry.map_or(span.clone(), |e| e.node.span.clone());
            x.diagnostics.push(
                Diagnostic::warning(
                    crate::diagnostics::Code::TimelineOrder,
                    x.path,
                    format!("timeline entry at {at} comes before the one above it"),
                )
                .at_in(x.source, x.index(), at_span)
                .with_help("keep the timeline in time order"),
            );
        }
        previous = Some(key);
        out.push(TimelineEntry { at, event, stage });
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
        let mut action = Action::new(String::new(), span.clone());
        action.id.clear();
        for field in &table.entries {
            match field.key.as_str() {
                "what" => action.what = x.string(field).unwrap_or_default(),
                "owner" => action.owner = x.string(field),
                "due" => action.due = x.date(field),
                "done" => match &field.node.value {
                    Value::Boolean(done) => action.done = *done,
                    _ => {
                        // `done = 2026-07-14`: done, on that day.
                        action.closed = x.date(field).map(|d| d.as_str().to_string());
                        action.done = action.closed.is_some();
                    }
                },
                "ticket" => action.ticket = x.string(field),
                "id" => action.id = x.string(field).unwrap_or_default(),
                _ => x.unknown_key(field, "[[actions]]", &keys_of(FIELDS, "actions")),
            }
        }
        if action.what.is_empty() {
            x.diagnostics.push(
                Diagnostic::error(
                    crate::diagnostics::Code::MissingField,
                    x.path,
                    "this action has no `what`",
                )
                .at_in(x.source, x.index(), span.start..span.start)
                .with_help("say what will be done, e.g. what = \"Alert on replication lag\""),
            );
            continue;
        }
        action.overdue = !action.done && action.due.as_ref().is_some_and(|d| d.civil() < today);
        if action.id.is_empty() {
            action.id = action_id(&action.what);
        }
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
        // Owners written in the body's own words are not checked against
        // the team: imported postmortems name people however they like.
        let checked = if self.actions_in_body {
            &[][..]
        } else {
            &self.actions[..]
        };
        for action in checked {
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

    fn listing(actions: &[(&str, bool)]) -> Review {
        Review {
            aar_type: None,
            severity: None,
            services: Vec::new(),
            participants: Vec::new(),
            facilitator: None,
            timeline: Vec::new(),
            actions: actions
                .iter()
                .map(|(what, done)| Action {
                    done: *done,
                    ..Action::new(what.to_string(), 0..0)
                })
                .collect(),
            timeline_in_body: false,
            actions_in_body: false,
        }
    }

    #[test]
    fn an_action_listed_again_while_open_is_carried_over_and_shown_once() {
        let mut q1 = listing(&[("Pair on drills", false), ("Fix the pager", true)]);
        let mut q3 = listing(&[("Pair on drills.", false), ("Fix the pager", false)]);
        let mut q2 = listing(&[("Pair on drills", false)]);
        let today = jiff::civil::date(2026, 10, 1);
        // Given in any order; followed by date.
        let mut reviews = vec![
            (Some("2026-09-30".to_string()), &mut q3),
            (Some("2026-03-31".to_string()), &mut q1),
            (Some("2026-06-30".to_string()), &mut q2),
        ];
        follow_up(&mut reviews, today);
        drop(reviews);
        assert!(q1.actions[0].listed_again && q2.actions[0].listed_again);
        let drills = &q3.actions[0];
        assert_eq!(
            (
                drills.listed_again,
                drills.carried,
                drills.opened.as_deref(),
                drills.age_days
            ),
            (false, 2, Some("2026-03-31"), Some(184))
        );
        // Done in Q1, open again in Q3: listed again, but not carried over.
        assert_eq!(
            (q3.actions[1].carried, q1.actions[1].listed_again),
            (0, true)
        );
        assert_eq!(q1.actions[1].closed.as_deref(), Some("2026-03-31"));
        assert_eq!(q3.actions[1].closed, None, "open again");
    }

    #[test]
    fn an_action_is_closed_on_its_own_date_else_by_the_first_review_listing_it_done() {
        let mut q1 = listing(&[("Pair on drills", false), ("Fix the pager", false)]);
        let mut q2 = listing(&[("Pair on drills", true), ("Fix the pager", true)]);
        let mut q3 = listing(&[("Pair on drills", true)]);
        q2.actions[1].closed = Some("2026-05-02".to_string());
        let mut reviews = vec![
            (Some("2026-03-31".to_string()), &mut q1),
            (Some("2026-06-30".to_string()), &mut q2),
            (Some("2026-09-30".to_string()), &mut q3),
        ];
        follow_up(&mut reviews, jiff::civil::date(2026, 10, 1));
        drop(reviews);
        assert_eq!(q2.actions[0].closed.as_deref(), Some("2026-06-30"));
        assert_eq!(q3.actions[0].closed.as_deref(), Some("2026-06-30"), "kept");
        assert_eq!(q2.actions[1].closed.as_deref(), Some("2026-05-02"));
        assert_eq!(q1.actions[0].closed, None);
    }

    #[test]
    fn times_sort_whether_or_not_they_carry_a_date() {
        assert!(sortable_time("2024-03-01T09:14") < sortable_time("2024-03-01 10:02"));
        assert!(sortable_time("09:14") < sortable_time("10:02"));
    }

    #[test]
    fn wordings_match_whole_words_of_a_heading() {
        let h = |text: &str| words(text);
        assert!(names(&h("What was intended"), "intended"));
        assert!(!names(&h("An unintended retry storm"), "intended"));
        assert!(names(&h("Root causes"), "root cause"));
        assert!(names(&h("Lessons Learned"), "lessons learned"));
        assert!(names(&h("Follow-up items"), "follow-up"));
        assert!(!names(&h("Whyte's notes"), "why"));
        assert!(names(&h("Why?"), "why"));
        assert!(names(&h("What we\u{2019}ll change"), "what we'll change"));
    }
}
