//! Architecture decision records: the model, read from our TOML front matter or
//! from the formats existing collections use (adr-tools/Nygard, MADR 2–4,
//! Log4brains) without edits, and the checks across a folder of records.

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;

use crate::content::{Date, Page};
use crate::diagnostics::Diagnostic;
use crate::fields::{Entry, Extractor, Value};
use crate::paths::normalize;

/// Where a decision stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Proposed,
    Accepted,
    Rejected,
    Deprecated,
    Superseded,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Proposed,
        Status::Accepted,
        Status::Rejected,
        Status::Deprecated,
        Status::Superseded,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Status::Proposed => "proposed",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Deprecated => "deprecated",
            Status::Superseded => "superseded",
        }
    }

    fn names() -> String {
        Status::ALL.map(Status::name).join(", ")
    }
}

/// Reads a status however it was decorated: `✅ Accepted`, `Accepted (2023-01-04)`,
/// `Superseded by [3. Use X](0003-use-x.md)`, `superceded`.
pub fn normalize_status(text: &str) -> Option<Status> {
    text.split(|c: char| !c.is_alphabetic())
        .find_map(|word| match word.to_lowercase().as_str() {
            "proposed" | "draft" | "proposal" => Some(Status::Proposed),
            "accepted" | "approved" | "adopted" => Some(Status::Accepted),
            "rejected" | "declined" => Some(Status::Rejected),
            "deprecated" | "retired" => Some(Status::Deprecated),
            "superseded" | "superceded" | "replaced" => Some(Status::Superseded),
            _ => None,
        })
}

/// `[adr]`: how records written for other tools are read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// `date_order`: how `09/04/2018` reads; `None` leaves an ambiguous
    /// date unread (a warning gives both readings).
    pub date_order: Option<DateOrder>,
    /// `statuses`: the team's own status words → what they mean, keyed by
    /// [`status_key`] (`"on hold" = "proposed"`).
    pub statuses: HashMap<String, Status>,
}

/// The order of day and month in `09/04/2018`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    /// Day first: 9 April.
    Dmy,
    /// Month first: 4 September.
    Mdy,
}

/// A status as compared with `[adr] statuses`: its words, lowercased,
/// without emoji and punctuation (`"🤔 On hold!"` → `"on hold"`).
pub fn status_key(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// How a date written in a record reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateReading {
    Date(Date),
    /// `09/04/2018` without `[adr] date_order`: (day first, month first).
    Ambiguous(Date, Date),
    Unreadable,
}

/// Reads a record's date as people write them: `2018-04-09` (a time may
/// follow), `2018/04/09`, `09/04/2018` and `9.4.2018` (day first when the
/// first number is above 12, month first when the second is, else as
/// `order` says), and `April 9, 2018` / `9 April 2018`.
pub fn read_date(text: &str, order: Option<DateOrder>) -> DateReading {
    let text = text.trim().trim_matches('*').trim();
    if let Some(date) = Date::parse(text) {
        return DateReading::Date(date);
    }
    // The first word is the date; what follows (`; last updated …`) is not.
    let token = text
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .trim_end_matches([';', ',', '.', ')']);
    if let Some(date) = Date::parse(token) {
        return DateReading::Date(date);
    }
    let parts: Vec<&str> = token.split(['/', '.', '-']).collect();
    let number = |s: &str| -> Option<i16> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let civil = |y: i16, m: i16, d: i16| {
        i8::try_from(m)
            .ok()
            .zip(i8::try_from(d).ok())
            .and_then(|(m, d)| jiff::civil::Date::new(y, m, d).ok())
            .map(Date::from)
    };
    if let [a, b, c] = parts.as_slice()
        && let (Some(a), Some(b), Some(c)) = (number(a), number(b), number(c))
    {
        if a > 31 {
            // 2018/04/09
            return civil(a, b, c).map_or(DateReading::Unreadable, DateReading::Date);
        }
        if c < 1000 {
            return DateReading::Unreadable;
        }
        let dmy = civil(c, b, a);
        let mdy = civil(c, a, b);
        return match (dmy, mdy) {
            (Some(d), None) | (None, Some(d)) => DateReading::Date(d),
            (Some(d), Some(m)) if d == m => DateReading::Date(d),
            (Some(d), Some(m)) => match order {
                Some(DateOrder::Dmy) => DateReading::Date(d),
                Some(DateOrder::Mdy) => DateReading::Date(m),
                None => DateReading::Ambiguous(d, m),
            },
            (None, None) => DateReading::Unreadable,
        };
    }
    for format in ["%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y"] {
        if let Ok(date) = jiff::civil::Date::strptime(format, text) {
            return DateReading::Date(Date::from(date));
        }
    }
    DateReading::Unreadable
}

/// A record's number and title from its heading: `7. Use Kafka`,
/// `23 Logging`, `0003 - Use X`, `ADR-012: Use Y`, `ADR 4. Z`.
pub fn title_parts(heading: &str) -> (Option<u32>, &str) {
    let text = heading.trim();
    let (prefixed, rest) = match ["ADR-", "ADR ", "ADR_", "adr-", "Adr "]
        .iter()
        .find_map(|p| text.strip_prefix(p))
    {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let Some((number, after)) = rest.split_at_checked(digits) else {
        return (None, text);
    };
    let Ok(n) = number.parse::<u32>() else {
        return (None, text);
    };
    let punctuated = after.starts_with(['.', ':', '-', '–', '—']);
    if !(punctuated || after.starts_with(' ')) {
        return (None, text);
    }
    // `2024 plans` is a title; `2024. Plans` or `ADR 2024 X` is numbered.
    let year_like = digits == 4 && (1900..2100).contains(&n);
    if year_like && !punctuated && !prefixed {
        return (None, text);
    }
    let title = after
        .trim_start_matches(['.', ':', '-', '–', '—', ' '])
        .trim();
    if title.is_empty() {
        return (None, text);
    }
    (Some(n), title)
}

/// Which convention the record was written in (shown in import snapshots).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// TOML front matter, this tool's own format.
    Handbook,
    /// MADR: YAML front matter (v3/v4) or `* Status:` bullets (v2).
    Madr,
    /// adr-tools / Michael Nygard: `# 1. Title`, `Date:`, a `## Status` section.
    Nygard,
    /// Log4brains: `- Status: accepted` bullets.
    Log4brains,
}

/// What a record says it supersedes: another record's number, or a path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    Number(u32),
    Path(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub target: Target,
    #[serde(skip)]
    pub span: Range<usize>,
    /// A link in the body: the link check reports it if it is broken.
    #[serde(skip)]
    pub in_body: bool,
}

/// One decision record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Adr {
    pub number: Option<u32>,
    pub status: Option<Status>,
    pub date: Option<Date>,
    pub deciders: Vec<String>,
    pub consulted: Vec<String>,
    pub informed: Vec<String>,
    pub supersedes: Vec<Reference>,
    /// Written in this record: "Superseded by [..](..)", "Amends", "Amended by".
    pub superseded_by: Vec<Reference>,
    pub amends: Vec<Reference>,
    pub amended_by: Vec<Reference>,
    /// The status in the author's words when it is none the tool knows
    /// ("on hold", "🤔 Incomplete"): shown as written, grouped as other.
    pub status_text: Option<String>,
    pub format: Format,
    /// Where the status is written, for diagnostics about it.
    #[serde(skip)]
    pub status_span: Option<Range<usize>>,
}

impl Adr {
    /// Where the record names people, for checking them against the team.
    pub fn mentions(&self, source: &str) -> Vec<super::people::Mention> {
        use super::people::mentions;
        let mut all = mentions(source, 0, &self.deciders, "decider");
        all.extend(mentions(source, 0, &self.consulted, "consulted"));
        all.extend(mentions(source, 0, &self.informed, "informed"));
        all
    }
}

/// A metadata value found in the body, with where it was written.
struct Found<'s> {
    text: &'s str,
    span: Range<usize>,
}

/// Metadata lines found in the body (`* Status: accepted`, `Date: …`, `## Status`).
#[derive(Default)]
struct BodyFacts<'s> {
    bullets: HashMap<String, Found<'s>>,
    bullet_style: Option<char>,
    plain: HashMap<String, Found<'s>>,
    status_section: Option<Found<'s>>,
    supersedes_links: Vec<Found<'s>>,
    superseded_by_links: Vec<Found<'s>>,
    amends_links: Vec<Found<'s>>,
    amended_by_links: Vec<Found<'s>>,
    title_number: Option<u32>,
}

/// Reads the record in `page`; problems in it are returned alongside.
pub fn parse(page: &Page, settings: &Settings) -> (Adr, Vec<Diagnostic>) {
    let path = page.source_path.as_str();
    let source = page.source.as_str();
    let mut x = Extractor::new(path, source);
    let facts = scan_body(source, page.body_start);
    let yaml = source.starts_with("---");
    let toml = source.starts_with("+++");
    let fields = &page.front.extra_fields;

    let mut adr = Adr {
        number: file_number(page.stem()).or(facts.title_number),
        status: None,
        date: page.front.date.clone(),
        deciders: Vec::new(),
        consulted: Vec::new(),
        informed: Vec::new(),
        supersedes: Vec::new(),
        superseded_by: Vec::new(),
        amends: Vec::new(),
        amended_by: Vec::new(),
        status_text: None,
        format: Format::Handbook,
        status_span: None,
    };

    // Status: front matter, then a `## Status` section (which wins over
    // `Status:` lines further down), then bullets, then `Status:` lines.
    let from_front = fields
        .get("status")
        .map(|e| (status_text(&mut x, e), e.node.span.clone()));
    let from_body = || {
        facts
            .status_section
            .as_ref()
            .or_else(|| facts.bullets.get("status"))
            .or_else(|| facts.plain.get("status"))
            .map(|f| (Some(f.text.to_string()), f.span.clone()))
    };
    match from_front.or_else(from_body) {
        Some((Some(text), span)) if text.trim().is_empty() => x.diagnostics.push(
            Diagnostic::warning(
                crate::diagnostics::Code::EmptyField,
                path,
                "`status` is empty",
            )
            .at(source, span)
            .with_help(format!(
                "say where the decision stands: one of {}",
                Status::names()
            )),
        ),
        Some((Some(text), span)) => {
            let mapped = settings.statuses.get(&status_key(&text)).copied();
            match mapped.or_else(|| normalize_status(&text)) {
                Some(status) => {
                    adr.status = Some(status);
                    adr.status_span = Some(span);
                }
                None => {
                    let words = text.trim().trim_matches(['*', '_', '`']).trim().to_string();
                    x.diagnostics.push(
                        Diagnostic::warning(
                            crate::diagnostics::Code::UnknownStatus,
                            path,
                            format!(
                                "\"{words}\" is not a status the tool knows: it is shown as written and grouped as other"
                            ),
                        )
                        .at(source, span.clone())
                        .with_help(format!(
                            "say what it means in handbook.toml: `[adr] statuses = {{ \"{}\" = \"proposed\" }}` (one of: {})",
                            status_key(&words),
                            Status::names()
                        )),
                    );
                    adr.status_span = Some(span);
                    adr.status_text = Some(words);
                }
            }
        }
        // A status of the wrong type was reported where it was read.
        Some((None, _)) => {}
        None => x.diagnostics.push(
            Diagnostic::warning(
                crate::diagnostics::Code::MissingField,
                path,
                "this ADR has no status",
            )
            .with_help(missing_status_help(yaml, toml, &facts)),
        ),
    }

    for (field, aliases) in [
        (
            "deciders",
            &["deciders", "decision-makers", "decision_makers"][..],
        ),
        ("consulted", &["consulted"][..]),
        ("informed", &["informed"][..]),
    ] {
        let from_front = aliases
            .iter()
            .find_map(|a| fields.get(a))
            .and_then(|e| people(&mut x, e));
        let list = from_front
            .or_else(|| {
                aliases
                    .iter()
                    .find_map(|a| facts.bullets.get(*a))
                    .map(|f| split_people(f.text))
            })
            .unwrap_or_default();
        match field {
            "deciders" => adr.deciders = list,
            "consulted" => adr.consulted = list,
            _ => adr.informed = list,
        }
    }

    let body_date = facts
        .bullets
        .get("date")
        .or_else(|| facts.plain.get("date"));
    if let Some(found) = body_date.filter(|_| adr.date.is_none() && fields.get("date").is_none()) {
        match read_date(found.text, settings.date_order) {
            DateReading::Date(date) => adr.date = Some(date),
            DateReading::Ambiguous(dmy, mdy) => x.diagnostics.push(
                Diagnostic::warning(
                    crate::diagnostics::Code::AmbiguousDate,
                    path,
                    format!(
                        "\"{}\" reads as {} (day first) or {} (month first)",
                        found.text.trim(),
                        dmy.as_str(),
                        mdy.as_str()
                    ),
                )
                .at(source, found.span.clone())
                .with_help("say which in handbook.toml: `[adr] date_order = \"dmy\"` or `\"mdy\"`"),
            ),
            DateReading::Unreadable => x.diagnostics.push(
                Diagnostic::warning(
                    crate::diagnostics::Code::WrongType,
                    path,
                    format!("cannot read the ADR date \"{}\"", found.text.trim()),
                )
                .at(source, found.span.clone())
                .with_help("write it as YYYY-MM-DD, e.g. 2024-03-01"),
            ),
        }
    }

    if let Some(entry) = fields.get("supersedes") {
        adr.supersedes = references(&mut x, entry);
    }
    let body_references = |links: &[Found<'_>]| -> Vec<Reference> {
        links
            .iter()
            .map(|link| Reference {
                target: Target::Path(link.text.to_string()),
                span: link.span.clone(),
                in_body: true,
            })
            .collect()
    };
    adr.supersedes
        .extend(body_references(&facts.supersedes_links));
    adr.superseded_by = body_references(&facts.superseded_by_links);
    adr.amends = body_references(&facts.amends_links);
    adr.amended_by = body_references(&facts.amended_by_links);

    adr.format = if fields.get("status").is_some() && !yaml {
        Format::Handbook
    } else if yaml || facts.bullet_style == Some('*') {
        Format::Madr
    } else if facts.bullet_style == Some('-') {
        Format::Log4brains
    } else if facts.status_section.is_some() || facts.plain.contains_key("date") {
        Format::Nygard
    } else {
        Format::Handbook
    };
    (adr, x.diagnostics)
}

/// How to add a status, in the syntax the file already uses.
fn missing_status_help(yaml: bool, toml: bool, facts: &BodyFacts<'_>) -> String {
    let one_of = Status::names();
    if toml {
        format!("add `status = \"proposed\"` to its front matter (one of: {one_of})")
    } else if yaml {
        format!("add `status: proposed` to its front matter (one of: {one_of})")
    } else if let Some(bullet) = facts.bullet_style {
        format!(
            "add a `{bullet} Status: proposed` line beside its other `{bullet}` lines (one of: {one_of})"
        )
    } else if facts.plain.contains_key("date") {
        format!("add a `Status: proposed` line below its `Date:` line (one of: {one_of})")
    } else {
        format!("add a `## Status` section saying `Proposed` (one of: {one_of})")
    }
}

fn status_text(x: &mut Extractor<'_>, entry: &Entry) -> Option<String> {
    x.string(entry)
}

/// A list of people: an array of strings, or one comma-separated string.
fn people(x: &mut Extractor<'_>, entry: &Entry) -> Option<Vec<String>> {
    match &entry.node.value {
        Value::String(s) => Some(split_people(s)),
        _ => x.string_list(entry),
    }
}

fn split_people(text: &str) -> Vec<String> {
    text.split([',', ';'])
        .map(|s| s.trim().trim_matches('*').trim().to_string())
        .filter(|s| !s.is_empty() && s != "[list everyone involved in the decision]")
        .collect()
}

fn references(x: &mut Extractor<'_>, entry: &Entry) -> Vec<Reference> {
    let one = |node: &crate::fields::Node| -> Option<Reference> {
        let target = match &node.value {
            Value::Integer(n) => Target::Number(u32::try_from(*n).ok()?),
            Value::String(s) => match s.trim().parse::<u32>() {
                Ok(n) => Target::Number(n),
                Err(_) => Target::Path(s.clone()),
            },
            _ => return None,
        };
        Some(Reference {
            target,
            span: node.span.clone(),
            in_body: false,
        })
    };
    let nodes: Vec<&crate::fields::Node> = match &entry.node.value {
        Value::Array(items) => items.iter().collect(),
        _ => vec![&entry.node],
    };
    let mut out = Vec::new();
    for node in nodes {
        match one(node) {
            Some(r) => out.push(r),
            None => x.diagnostics.push(
                Diagnostic::error(
                    crate::diagnostics::Code::WrongType,
                    x.path,
                    format!(
                        "`supersedes` takes ADR numbers or paths, found {}",
                        node.value.type_name()
                    ),
                )
                .at_in(x.source, x.index(), node.span.clone())
                .with_help("e.g. supersedes = [3] or supersedes = [\"0003-use-kafka.md\"]"),
            ),
        }
    }
    out
}

/// `0007-use-kafka` → 7. Date prefixes (Log4brains' `2023-02-14-…` or
/// `20230214-…`) are not numbers.
pub(crate) fn file_number(stem: &str) -> Option<u32> {
    let digits: String = stem.chars().take_while(char::is_ascii_digit).collect();
    // `digits` are ASCII, so its length is a character boundary.
    let rest = stem.get(digits.len()..).unwrap_or_default();
    let date_like = digits.len() == 8
        || (digits.len() == 4
            && rest.len() >= 6
            && rest.as_bytes()[0] == b'-'
            && rest.as_bytes()[1..3].iter().all(u8::is_ascii_digit)
            && rest.as_bytes()[3] == b'-');
    let separated = rest.is_empty() || rest.starts_with(['-', '_', ' ', '.']);
    if digits.is_empty() || date_like || !separated {
        return None;
    }
    digits.parse().ok()
}

/// Finds metadata written in the body, skipping fenced code.
#[allow(clippy::string_slice)] // `level` counts ASCII `#`s and the fences are ASCII prefixes matched first
fn scan_body(source: &str, body_start: usize) -> BodyFacts<'_> {
    let mut facts = BodyFacts::default();
    let mut offset = body_start;
    let mut fence: Option<&str> = None;
    let mut status_level: Option<usize> = None;
    let mut status_lines: Vec<Found<'_>> = Vec::new();
    let mut seen_h1 = false;
    for line in source
        .get(body_start..)
        .unwrap_or_default()
        .split_inclusive('\n')
    {
        let start = offset;
        offset += line.len();
        let text = line.trim_end_matches(['\n', '\r']);
        let trimmed = text.trim_start();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            continue;
        }
        let level = trimmed.chars().take_while(|c| *c == '#').count();
        if level > 0 && trimmed[level..].starts_with(' ') {
            let heading = trimmed[level..].trim();
            if level == 1 && !seen_h1 {
                seen_h1 = true;
                facts.title_number = title_parts(heading).0;
            }
            if status_level.is_some_and(|l| level <= l) {
                status_level = None;
            }
            if heading.eq_ignore_ascii_case("status") {
                status_level = Some(level);
            }
            continue;
        }
        let span_of = |value: &str| {
            let at = start + (value.as_ptr() as usize - text.as_ptr() as usize);
            at..at + value.len()
        };
        // "Superseded by [5](0005-x.md)", "Amends [..](..)": anywhere.
        if let Some((relation, targets)) = relation(trimmed) {
            let list = match relation {
                Relation::SupersededBy => &mut facts.superseded_by_links,
                Relation::Supersedes => &mut facts.supersedes_links,
                Relation::AmendedBy => &mut facts.amended_by_links,
                Relation::Amends => &mut facts.amends_links,
            };
            for target in targets {
                list.push(Found {
                    text: target,
                    span: span_of(target),
                });
            }
        }
        if status_level.is_some() {
            if trimmed.is_empty() {
                continue;
            }
            let lower = trimmed.to_ascii_lowercase();
            let relation_only = lower.starts_with("supersedes")
                || lower.starts_with("supercedes")
                || lower.starts_with("amend");
            if !relation_only {
                status_lines.push(Found {
                    text: trimmed,
                    span: span_of(trimmed),
                });
            }
            continue;
        }
        let (bullet, rest) = match trimmed.get(..2) {
            Some("* ") => (Some('*'), &trimmed[2..]),
            Some("- ") => (Some('-'), &trimmed[2..]),
            _ => (None, trimmed),
        };
        let Some((label, value)) = rest.split_once(':').or_else(|| {
            // `Date 09/04/2018`, as some templates write it.
            rest.get(..5)
                .filter(|p| p.eq_ignore_ascii_case("date "))
                .and_then(|_| rest.split_at_checked(4))
                .filter(|(_, v)| v.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        }) else {
            continue;
        };
        let label = label.trim().trim_matches('*').trim().to_ascii_lowercase();
        let value = value.trim().trim_start_matches("**").trim();
        if value.is_empty() || (label.contains(' ') && label != "decision makers") {
            continue;
        }
        let label = label.replace(' ', "-");
        let found = Found {
            text: value,
            span: span_of(value),
        };
        match bullet {
            Some(style)
                if matches!(
                    label.as_str(),
                    "status" | "date" | "deciders" | "decision-makers" | "consulted" | "informed"
                ) =>
            {
                facts.bullet_style.get_or_insert(style);
                facts.bullets.entry(label).or_insert(found);
            }
            None if matches!(label.as_str(), "status" | "date") => {
                facts.plain.entry(label).or_insert(found);
            }
            _ => {}
        }
    }
    facts.status_section = status_lines.into_iter().next();
    facts
}

/// A relation between records written in the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Relation {
    Supersedes,
    SupersededBy,
    Amends,
    AmendedBy,
}

/// The relation a line states and the links it names: `Superseded by
/// [5. Use X](0005-use-x.md)`, `* Status: superseded by [..](..)`, `Amends [..](..)`.
#[allow(clippy::string_slice)] // `i` is where an ASCII phrase was found in the ASCII-lowercased line
fn relation(line: &str) -> Option<(Relation, Vec<&str>)> {
    let lower = line.to_ascii_lowercase();
    let phrases = [
        ("superseded by", Relation::SupersededBy),
        ("superceded by", Relation::SupersededBy),
        ("amended by", Relation::AmendedBy),
        ("supersedes", Relation::Supersedes),
        ("supercedes", Relation::Supersedes),
        ("amends", Relation::Amends),
    ];
    phrases.iter().find_map(|&(phrase, relation)| {
        let i = lower.find(phrase)?;
        let at_word = lower[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let targets = link_targets(&line[i..]);
        (at_word && !targets.is_empty()).then_some((relation, targets))
    })
}

/// Destinations of markdown links in one line: `[1. X](0001-x.md)` → `0001-x.md`.
#[allow(clippy::string_slice)] // indices come from `find` of ASCII `](` and `)` in the same line
fn link_targets(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        if let Some(end) = rest.find(')') {
            out.push(rest[..end].trim());
            rest = &rest[end..];
        }
    }
    out
}

/// A record as the cross-checks see it.
#[derive(Debug)]
pub struct Record<'a> {
    pub page: usize,
    pub path: &'a str,
    pub folder: &'a str,
    pub source: &'a str,
    pub adr: &'a Adr,
}

/// The supersede graph between records, by page index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Graph {
    pub supersedes: HashMap<usize, Vec<usize>>,
    pub superseded_by: HashMap<usize, Vec<usize>>,
    /// "Amends" relations, which leave both records standing.
    pub amends: HashMap<usize, Vec<usize>>,
    pub amended_by: HashMap<usize, Vec<usize>>,
}

/// Checks records against each other: numbers unique per folder, supersede
/// targets exist, superseded records say so, no cycles.
pub fn check(records: &[Record<'_>]) -> (Graph, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut by_number: HashMap<(&str, u32), &Record<'_>> = HashMap::new();
    let by_path: HashMap<&str, &Record<'_>> = records.iter().map(|r| (r.path, r)).collect();
    for record in records {
        let Some(n) = record.adr.number else { continue };
        match by_number.get(&(record.folder, n)) {
            Some(first) => diagnostics.push(
                Diagnostic::error(
                    crate::diagnostics::Code::DuplicateAdrNumber,
                    record.path,
                    format!(
                        "ADR number {n} is used by both `{}` and `{}`",
                        first.path, record.path
                    ),
                )
                .with_help("renumber one of them (usually the one merged last)"),
            ),
            None => {
                by_number.insert((record.folder, n), record);
            }
        }
    }
    let mut graph = Graph::default();
    let resolve = |record: &Record<'_>, reference: &Reference| match &reference.target {
        Target::Number(n) => by_number.get(&(record.folder, *n)).copied(),
        Target::Path(p) => {
            let decoded = percent_encoding::percent_decode_str(p).decode_utf8_lossy();
            let path = decoded.split('#').next().unwrap_or_default();
            normalize(record.folder, path).and_then(|full| by_path.get(full.as_str()).copied())
        }
    };
    for record in records {
        // (references, this record is the "from" side, into supersedes?)
        let relations = [
            (&record.adr.supersedes, true, true),
            (&record.adr.superseded_by, false, true),
            (&record.adr.amends, true, false),
            (&record.adr.amended_by, false, false),
        ];
        for (references, forward, supersede) in relations {
            for reference in references {
                let Some(target) = resolve(record, reference) else {
                    // A body link that leads nowhere is the link check's
                    // to report; saying it twice is noise.
                    if reference.in_body {
                        continue;
                    }
                    let what = match &reference.target {
                        Target::Number(n) => format!("ADR {n}"),
                        Target::Path(p) => format!("`{p}`"),
                    };
                    diagnostics.push(
                        Diagnostic::error(crate::diagnostics::Code::MissingSupersedeTarget, record.path, format!("supersedes {what}, which is not an ADR here"))
                            .at(record.source, reference.span.clone())
                            .with_help("supersede by number within the same folder, or by a relative path to the ADR file"),
                    );
                    continue;
                };
                if target.page == record.page {
                    continue;
                }
                let (from, to) = if forward {
                    (record.page, target.page)
                } else {
                    (target.page, record.page)
                };
                let (out, back) = if supersede {
                    (&mut graph.supersedes, &mut graph.superseded_by)
                } else {
                    (&mut graph.amends, &mut graph.amended_by)
                };
                out.entry(from).or_default().push(to);
                back.entry(to).or_default().push(from);
            }
        }
    }
    for list in graph
        .supersedes
        .values_mut()
        .chain(graph.superseded_by.values_mut())
    {
        list.sort_unstable();
        list.dedup();
    }
    let by_page: HashMap<usize, &Record<'_>> = records.iter().map(|r| (r.page, r)).collect();
    let mut targets: Vec<_> = graph.superseded_by.iter().collect();
    targets.sort();
    for (target, by) in targets {
        let (Some(t), Some(first)) = (by_page.get(target), by.first().and_then(|b| by_page.get(b)))
        else {
            continue;
        };
        if t.adr.status != Some(Status::Superseded) {
            let status = t.adr.status.map_or("unknown", Status::name);
            let mut d = Diagnostic::warning(
                crate::diagnostics::Code::SupersededStatus,
                t.path,
                format!(
                    "this ADR is superseded by `{}`, but its status is {status}",
                    first.path
                ),
            )
            .with_help("set its status to superseded");
            if let Some(span) = t.adr.status_span.clone() {
                d = d.at(t.source, span);
            }
            diagnostics.push(d);
        }
    }
    diagnostics.extend(cycles(&graph, &by_page));
    for list in graph
        .supersedes
        .values_mut()
        .chain(graph.superseded_by.values_mut())
        .chain(graph.amends.values_mut())
        .chain(graph.amended_by.values_mut())
    {
        list.sort_unstable();
        list.dedup();
    }
    (graph, diagnostics)
}

/// One error per supersede cycle, reported at its lowest-numbered page.
fn cycles(graph: &Graph, by_page: &HashMap<usize, &Record<'_>>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut state: HashMap<usize, u8> = HashMap::new(); // 1 = on the path, 2 = done
    let mut starts: Vec<usize> = graph.supersedes.keys().copied().collect();
    starts.sort_unstable();
    for start in starts {
        let mut path = Vec::new();
        visit(
            start,
            graph,
            &mut state,
            &mut path,
            &mut |cycle: &[usize]| {
                let names: Vec<String> = cycle
                    .iter()
                    .chain(cycle.first())
                    .filter_map(|p| by_page.get(p))
                    .map(|r| {
                        r.adr
                            .number
                            .map_or_else(|| r.path.to_string(), |n| n.to_string())
                    })
                    .collect();
                if let Some(first) = cycle.iter().min().and_then(|p| by_page.get(p)) {
                    diagnostics.push(
                    Diagnostic::error(crate::diagnostics::Code::SupersedeCycle, first.path, format!("ADRs supersede each other in a cycle: {}", names.join(" → ")))
                        .with_help("a decision can only be superseded by a later one; remove one `supersedes`"),
                );
                }
            },
        );
    }
    diagnostics
}

fn visit(
    node: usize,
    graph: &Graph,
    state: &mut HashMap<usize, u8>,
    path: &mut Vec<usize>,
    found: &mut dyn FnMut(&[usize]),
) {
    match state.get(&node) {
        Some(2) => return,
        Some(1) => {
            if let Some(i) = path.iter().position(|p| *p == node) {
                found(&path[i..]);
            }
            return;
        }
        _ => {}
    }
    state.insert(node, 1);
    path.push(node);
    let mut next = graph.supersedes.get(&node).cloned().unwrap_or_default();
    next.sort_unstable();
    for n in next {
        visit(n, graph, state, path, found);
    }
    path.pop();
    state.insert(node, 2);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_people_write_them() {
        let read = |t: &str, o| match read_date(t, o) {
            DateReading::Date(d) => d.as_str().to_string(),
            DateReading::Ambiguous(a, b) => format!("{} or {}", a.as_str(), b.as_str()),
            DateReading::Unreadable => "unreadable".to_string(),
        };
        assert_eq!(read("2018-04-09", None), "2018-04-09");
        assert_eq!(read("2018-04-09T10:00:00Z", None), "2018-04-09");
        assert_eq!(read("2018/04/09", None), "2018-04-09");
        assert_eq!(read("23/04/2018", None), "2018-04-23");
        assert_eq!(read("04/23/2018", None), "2018-04-23");
        assert_eq!(read("9.4.2018", None), "2018-04-09 or 2018-09-04");
        assert_eq!(read("09/04/2018", Some(DateOrder::Dmy)), "2018-04-09");
        assert_eq!(read("09/04/2018", Some(DateOrder::Mdy)), "2018-09-04");
        assert_eq!(read("04/04/2018", None), "2018-04-04");
        assert_eq!(read("April 9, 2018", None), "2018-04-09");
        assert_eq!(read("9 April 2018", None), "2018-04-09");
        assert_eq!(read("**2018-04-09**", None), "2018-04-09");
        assert_eq!(
            read("2018-08-30; Last update date: 2019-04-09", None),
            "2018-08-30"
        );
        assert_eq!(read("23/04/2018, revised later", None), "2018-04-23");
        for bad in ["YYYY-MM-DD", "31/31/2018", "next week", "", "1/2/18"] {
            assert_eq!(read(bad, None), "unreadable", "{bad}");
        }
    }

    #[test]
    fn titles_lose_their_number_prefix() {
        assert_eq!(title_parts("7. Use Kafka"), (Some(7), "Use Kafka"));
        assert_eq!(title_parts("23 Logging"), (Some(23), "Logging"));
        assert_eq!(title_parts("0003 - Use X"), (Some(3), "Use X"));
        assert_eq!(title_parts("ADR-012: Use Y"), (Some(12), "Use Y"));
        assert_eq!(title_parts("ADR 4. Z"), (Some(4), "Z"));
        assert_eq!(
            title_parts("0. Record decisions"),
            (Some(0), "Record decisions")
        );
        assert_eq!(title_parts("2024 plans"), (None, "2024 plans"));
        assert_eq!(title_parts("3D printing"), (None, "3D printing"));
        assert_eq!(title_parts("Use Kafka"), (None, "Use Kafka"));
        assert_eq!(title_parts("12."), (None, "12."));
    }

    #[test]
    fn statuses_are_normalised() {
        assert_eq!(normalize_status("✅ Accepted"), Some(Status::Accepted));
        assert_eq!(
            normalize_status("Accepted (2023-01-04)"),
            Some(Status::Accepted)
        );
        assert_eq!(
            normalize_status("Superseded by [3. Use X](0003-use-x.md)"),
            Some(Status::Superseded)
        );
        assert_eq!(normalize_status("superceded"), Some(Status::Superseded));
        assert_eq!(normalize_status("PROPOSED"), Some(Status::Proposed));
        assert_eq!(normalize_status("Waiting on legal"), None);
    }

    #[test]
    fn numbers_come_from_file_names() {
        assert_eq!(file_number("0007-use-kafka"), Some(7));
        assert_eq!(file_number("12_pick-a-db"), Some(12));
        assert_eq!(file_number("2024-01-02-outage"), None);
        assert_eq!(file_number("20240102-outage"), None);
        assert_eq!(file_number("2024-rollout-plan"), Some(2024));
        assert_eq!(file_number("use-kafka"), None);
        assert_eq!(file_number("3dprinting"), None);
    }

    #[test]
    fn link_targets_are_found() {
        assert_eq!(
            link_targets("Supercedes [1. A](0001-a.md) and [2. B](0002-b.md)"),
            vec!["0001-a.md", "0002-b.md"]
        );
    }
}

/// Each import format, read from `tests/fixtures/adr-formats/`, snapshotted as the
/// parsed model: a change in how existing collections are understood shows up here.
#[cfg(test)]
mod import_tests {
    use std::path::Path;

    use super::*;

    fn parse_fixture(rel: &str) -> (Adr, Vec<Diagnostic>) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/adr-formats");
        let loaded = crate::content::load_pages(&root, &[rel.to_string()], false);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        assert!(
            loaded.pages.iter().all(|p| p.diagnostics.is_empty()),
            "{:?}",
            loaded.pages
        );
        let page = loaded
            .pages
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no page {rel}"));
        parse(&page, &Settings::default())
    }

    fn snapshot(rel: &str) -> String {
        let (adr, diagnostics) = parse_fixture(rel);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        serde_json::to_string_pretty(&adr).unwrap_or_default()
    }

    #[test]
    fn nygard_superseded_record() {
        insta::assert_snapshot!(snapshot("nygard/0001-record-architecture-decisions.md"));
    }

    #[test]
    fn nygard_record_with_decorated_status_and_supercedes_link() {
        insta::assert_snapshot!(snapshot("nygard/0003-keep-decisions-in-the-handbook.md"));
    }

    #[test]
    fn madr2_bullets() {
        insta::assert_snapshot!(snapshot("madr2/0002-choose-a-message-queue.md"));
    }

    #[test]
    fn madr4_yaml_front_matter() {
        insta::assert_snapshot!(snapshot("madr4/0005-adopt-opentelemetry.md"));
    }

    #[test]
    fn log4brains_bullets() {
        insta::assert_snapshot!(snapshot("log4brains/2023-02-14-use-feature-flags.md"));
    }
}
