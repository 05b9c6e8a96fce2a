//! Architecture decision records: the model, read from our TOML front matter or
//! from the formats existing collections use (adr-tools/Nygard, MADR 2–4,
//! Log4brains) without edits, and the checks across a folder of records.

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;

use crate::content::{Date, Page};
use crate::diagnostics::Diagnostic;
use crate::fields::{Entry, Extractor, Value};
use crate::links::normalize;

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
    title_number: Option<u32>,
}

/// Reads the record in `page`; problems in it are returned alongside.
pub fn parse(page: &Page) -> (Adr, Vec<Diagnostic>) {
    let path = page.source_path.as_str();
    let source = page.source.as_str();
    let mut x = Extractor::new(path, source);
    let facts = scan_body(source, page.body_start);
    let yaml = source.starts_with("---");
    let fields = &page.front.extra_fields;

    let mut adr = Adr {
        number: file_number(page.stem()).or(facts.title_number),
        status: None,
        date: page.front.date.clone(),
        deciders: Vec::new(),
        consulted: Vec::new(),
        informed: Vec::new(),
        supersedes: Vec::new(),
        format: Format::Handbook,
        status_span: None,
    };

    // Status: front matter, then bullets, then `Status:` lines, then the section.
    let from_front = fields
        .get("status")
        .map(|e| (status_text(&mut x, e), e.node.span.clone()));
    let from_body = || {
        facts
            .bullets
            .get("status")
            .or_else(|| facts.plain.get("status"))
            .or(facts.status_section.as_ref())
            .map(|f| (Some(f.text.to_string()), f.span.clone()))
    };
    match from_front.or_else(from_body) {
        Some((Some(text), span)) => match normalize_status(&text) {
            Some(status) => {
                adr.status = Some(status);
                adr.status_span = Some(span);
            }
            None => x.diagnostics.push(
                Diagnostic::warning(
                    "unknown-status",
                    path,
                    format!("cannot understand the ADR status \"{}\"", text.trim()),
                )
                .at(source, span)
                .with_help(format!("use one of: {}", Status::names())),
            ),
        },
        Some((None, _)) => {}
        None => x.diagnostics.push(
            Diagnostic::warning("missing-field", path, "this ADR has no status").with_help(
                format!(
                    "add `status = \"proposed\"` to its front matter (one of: {})",
                    Status::names()
                ),
            ),
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
    if let Some(found) = body_date.filter(|_| adr.date.is_none()) {
        adr.date = Date::parse(found.text.trim());
        if adr.date.is_none() {
            x.diagnostics.push(
                Diagnostic::warning(
                    "wrong-type",
                    path,
                    format!("cannot read the ADR date \"{}\"", found.text.trim()),
                )
                .at(source, found.span.clone())
                .with_help("write it as YYYY-MM-DD, e.g. 2024-03-01"),
            );
        }
    }

    if let Some(entry) = fields.get("supersedes") {
        adr.supersedes = references(&mut x, entry);
    }
    for link in &facts.supersedes_links {
        adr.supersedes.push(Reference {
            target: Target::Path(link.text.to_string()),
            span: link.span.clone(),
        });
    }

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
                    "wrong-type",
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
fn file_number(stem: &str) -> Option<u32> {
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
                facts.title_number = heading.split_once(". ").and_then(|(n, _)| n.parse().ok());
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
        if status_level.is_some() {
            if trimmed.is_empty() {
                continue;
            }
            let lower = trimmed.to_ascii_lowercase();
            if lower.starts_with("supersedes") || lower.starts_with("supercedes") {
                for target in link_targets(trimmed) {
                    facts.supersedes_links.push(Found {
                        text: target,
                        span: span_of(target),
                    });
                }
            } else if !lower.starts_with("amend") {
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
        let Some((label, value)) = rest.split_once(':') else {
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
                    "duplicate-adr-number",
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
    for record in records {
        for reference in &record.adr.supersedes {
            let target = match &reference.target {
                Target::Number(n) => by_number.get(&(record.folder, *n)).copied(),
                Target::Path(p) => {
                    let decoded = percent_encoding::percent_decode_str(p).decode_utf8_lossy();
                    normalize(record.folder, &decoded)
                        .and_then(|full| by_path.get(full.as_str()).copied())
                }
            };
            let Some(target) = target else {
                let what = match &reference.target {
                    Target::Number(n) => format!("ADR {n}"),
                    Target::Path(p) => format!("`{p}`"),
                };
                diagnostics.push(
                    Diagnostic::error("missing-supersede-target", record.path, format!("supersedes {what}, which is not an ADR here"))
                        .at(record.source, reference.span.clone())
                        .with_help("supersede by number within the same folder, or by a relative path to the ADR file"),
                );
                continue;
            };
            graph
                .supersedes
                .entry(record.page)
                .or_default()
                .push(target.page);
            graph
                .superseded_by
                .entry(target.page)
                .or_default()
                .push(record.page);
        }
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
                "superseded-status",
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
                    Diagnostic::error("supersede-cycle", first.path, format!("ADRs supersede each other in a cycle: {}", names.join(" → ")))
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
        parse(&page)
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
