//! Architecture decision records: the model, read from our TOML front matter or
//! from the formats existing collections use (adr-tools/Nygard, MADR 2–4,
//! Log4brains) without edits, and the checks across a folder of records.

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;

use crate::content::{Date, Page};
use crate::diagnostics::Diagnostic;
use crate::fields::{Entry, Extractor, Field, Value};
use crate::pages::PageId;
use crate::paths::normalize;

mod graph;
pub mod history;
mod import;

pub use graph::{Graph, Record, check};
pub(crate) use import::file_number;
use import::*;
pub use import::{DateReading, read_date, title_parts};

/// A decision record's front-matter fields, as README.md documents them.
pub const FIELDS: &[Field] = &[
    Field::new("", &["status"], "string"),
    Field::new("", &["date"], "date"),
    Field::new(
        "",
        &["deciders", "consulted", "informed"],
        "list or comma-separated string",
    )
    .also(&["decision-makers", "decision_makers"]),
    Field::new("", &["supersedes"], "list of numbers or paths"),
];

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
