//! Team health: one anonymous survey per period, kept as **aggregates only**
//! in `health/<period>.toml` (or `.csv`) — per question its wording, its
//! dimension (psychological safety, role clarity, …) and how many answered
//! each point of the 1–5 scale (or a mean and a count). A file that holds
//! rows per person is refused: the tool is anonymous by design.
//!
//! This module reads the files and checks them (the anonymity floor, a
//! dimension that fell two periods running or sits below the alert line);
//! `import.rs` turns a survey tool's per-response export into such a file;
//! the dashboard page presents them.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use serde::Serialize;

use crate::diagnostics::{Code, Diagnostic};
use crate::fields::{Entry, Extractor, Value};

pub mod import;

/// The folder of survey files, at the handbook root, and whether a path is
/// one of them (the walk, which must not publish them, owns the rule).
pub use crate::content::walk::{SURVEY_FOLDER as FOLDER, is_survey_file};

/// `[health]` in `handbook.toml`.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Fewer answers than this show as "too few responses", never a number.
    pub min_responses: u32,
    /// A dimension whose latest score is below this is a warning.
    pub alert_below: f64,
    /// The team's dimensions, lowercase, in the dashboard's order; a
    /// question with another is a warning (a typo splits a dimension).
    pub dimensions: Vec<String>,
}

/// The dimensions a team's survey asks about when `[health] dimensions`
/// does not say.
pub const DIMENSIONS: [&str; 7] = [
    "psychological safety",
    "role clarity",
    "goals",
    "dependability",
    "meaning",
    "impact",
    "technical health",
];

// `alert_below` is always a finite number from 1 to 5 (the config refuses
// others), so equality is total.
impl Eq for Settings {}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            min_responses: 5,
            alert_below: 3.0,
            dimensions: DIMENSIONS.map(String::from).to_vec(),
        }
    }
}

/// One question of one period's survey.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub dimension: String,
    /// How many answered 1, 2, 3, 4 and 5, when the file gives them.
    pub answers: Option<[u32; 5]>,
    /// The mean and count, given or worked out from `answers`.
    pub mean: Option<f64>,
    pub n: u32,
    /// Where the question is written in its file, and its dimension.
    #[serde(skip)]
    pub span: Range<usize>,
    #[serde(skip)]
    pub dimension_span: Range<usize>,
}

/// One period's survey (`2026-Q3`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Period {
    pub name: String,
    /// The file, relative to the handbook.
    pub path: String,
    #[serde(skip)]
    pub source: String,
    pub questions: Vec<Question>,
}

/// Every period, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Health {
    pub periods: Vec<Period>,
}

/// Keys that mean the file holds people, not aggregates.
const PERSONAL: &[&str] = &[
    "respondent",
    "respondents",
    "responses",
    "response",
    "email",
    "name",
    "user",
    "employee",
    "submitted",
    "timestamp",
];

fn personal(key: &str) -> bool {
    let key = key.trim().to_lowercase();
    PERSONAL
        .iter()
        .any(|p| key == *p || key.starts_with(&format!("{p} ")) || key.ends_with(&format!(" {p}")))
}

fn refused(path: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        Code::InvalidValue,
        path,
        format!("{what}: survey files keep aggregates only, never rows per person"),
    )
    .with_help("import the export with `handbook survey import FILE.csv --period PERIOD`, which keeps only the counts")
}

impl Question {
    fn new(id: String, text: String, dimension: String, span: Range<usize>) -> Question {
        Question {
            id,
            text,
            dimension,
            answers: None,
            mean: None,
            n: 0,
            dimension_span: span.clone(),
            span,
        }
    }

    /// Works out the mean and count from the answers, when they are given.
    fn settle(&mut self) {
        if let Some(answers) = self.answers {
            // Summed wide: a hostile file's counts must not overflow.
            let n: u64 = answers.iter().map(|&c| u64::from(c)).sum();
            self.n = u32::try_from(n).unwrap_or(u32::MAX);
            self.mean = (n > 0).then(|| {
                let total: u64 = answers
                    .iter()
                    .zip(1u64..)
                    .map(|(&c, point)| u64::from(c) * point)
                    .sum();
                total as f64 / n as f64
            });
        }
    }

    /// The mean, when enough people answered to show it.
    pub fn shown(&self, settings: &Settings) -> Option<f64> {
        self.mean.filter(|_| self.n >= settings.min_responses)
    }
}

impl Period {
    /// A period with no questions yet, named after its file.
    fn empty(path: &str, source: &str) -> Period {
        Period {
            name: period_name(path),
            path: path.to_string(),
            source: source.to_string(),
            questions: Vec::new(),
        }
    }
}

/// The period's name from its file (`health/2026-Q3.toml` → `2026-Q3`).
fn period_name(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.')
        .map_or(name, |(stem, _)| stem)
        .to_string()
}

/// Reads a period from TOML: `period` (else the file name) and
/// `[[questions]]` with `id`, `text`, `dimension` and `answers` (five counts)
/// or `mean` and `n`.
pub fn parse_toml(path: &str, source: &str) -> (Option<Period>, Vec<Diagnostic>) {
    let mut x = Extractor::new(path, source);
    let table = match crate::fields::parse_toml(source, 0) {
        Ok(t) => t,
        Err(e) => {
            let d = Diagnostic::error(
                Code::InvalidToml,
                path,
                format!("invalid TOML: {}", e.message),
            )
            .at(source, e.span);
            return (None, vec![d]);
        }
    };
    let mut period = Period::empty(path, source);
    for entry in &table.entries {
        match entry.key.as_str() {
            "period" => period.name = x.string(entry).unwrap_or(period.name),
            "questions" => {
                for (table, span) in x.tables(entry, "id = \"safe-to-disagree\", text = \"…\", dimension = \"psychological safety\", answers = [0, 1, 2, 6, 3]") {
                    let mut q = Question::new(String::new(), String::new(), String::new(), span.clone());
                    let mut n = None;
                    for field in &table.entries {
                        match field.key.as_str() {
                            "id" => q.id = x.string(field).unwrap_or_default(),
                            "text" => q.text = x.string(field).unwrap_or_default(),
                            "dimension" => {
                                q.dimension = x.string(field).unwrap_or_default().trim().to_lowercase();
                                q.dimension_span = field.node.span.clone();
                            }
                            "answers" => q.answers = counts(&mut x, field),
                            "mean" => q.mean = mean(&mut x, field),
                            "n" => n = x.integer(field).and_then(|n| u32::try_from(n).ok()),
                            key if personal(key) => {
                                x.report(refused(path, &format!("`{key}` names who answered")), field.key_span.clone());
                            }
                            _ => x.unknown_key(field, "[[questions]]", &["id", "text", "dimension", "answers", "mean", "n"]),
                        }
                    }
                    q.n = n.unwrap_or(0);
                    q.settle();
                    x.require(&q.id, "question", "id", span.start);
                    x.require(&q.text, "question", "text", span.start);
                    x.require(&q.dimension, "question", "dimension", span.start);
                    period.questions.push(q);
                }
            }
            key if personal(key) => {
                x.report(refused(path, &format!("`{key}` lists who answered")), entry.key_span.clone());
                return (None, x.diagnostics);
            }
            _ => x.unknown_key(entry, "a survey file", &["period", "questions"]),
        }
    }
    (Some(period), x.diagnostics)
}

fn counts(x: &mut Extractor<'_>, field: &Entry) -> Option<[u32; 5]> {
    let values: Option<Vec<u32>> = match &field.node.value {
        Value::Array(items) => items
            .iter()
            .map(|i| match i.value {
                Value::Integer(n) => u32::try_from(n).ok(),
                _ => None,
            })
            .collect(),
        _ => None,
    };
    let found = values.and_then(|v| <[u32; 5]>::try_from(v).ok());
    if found.is_none() {
        let d = Diagnostic::error(
            Code::InvalidValue,
            x.path,
            "`answers` must be five counts, for 1 to 5",
        )
        .with_help("e.g. answers = [0, 1, 2, 6, 3]: nobody answered 1, one person 2, …");
        x.report(d, field.node.span.clone());
    }
    found
}

fn mean(x: &mut Extractor<'_>, field: &Entry) -> Option<f64> {
    let value = match field.node.value {
        Value::Float(f) => Some(f),
        Value::Integer(i) => Some(i as f64),
        _ => None,
    }
    .filter(|m| (1.0..=5.0).contains(m));
    if value.is_none() {
        let d = Diagnostic::error(
            Code::InvalidValue,
            x.path,
            "`mean` must be a number from 1 to 5",
        );
        x.report(d, field.node.span.clone());
    }
    value
}

/// Reads a period from CSV: a header `id,text,dimension,1,2,3,4,5` (counts)
/// or `id,text,dimension,mean,n`, then a row per question.
pub fn parse_csv(path: &str, source: &str) -> (Option<Period>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(source.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => {
            return (
                None,
                vec![Diagnostic::error(
                    Code::InvalidValue,
                    path,
                    format!("unreadable CSV: {e}"),
                )],
            );
        }
    };
    if let Some(column) = header.iter().find(|c| personal(c)) {
        let d =
            refused(path, &format!("the column `{column}` names who answered")).at(source, 0..0);
        return (None, vec![d]);
    }
    let col = |name: &str| header.iter().position(|c| c == name);
    let (Some(id), Some(text), Some(dimension)) = (col("id"), col("text"), col("dimension")) else {
        let d = Diagnostic::error(
            Code::MissingField,
            path,
            "a survey CSV needs the columns id, text and dimension",
        )
        .at(source, 0..0)
        .with_help("then either 1,2,3,4,5 (how many gave each answer) or mean,n");
        return (None, vec![d]);
    };
    let points: Option<Vec<usize>> = ["1", "2", "3", "4", "5"].iter().map(|p| col(p)).collect();
    let (mean_col, n_col) = (col("mean"), col("n"));
    if points.is_none() && (mean_col.is_none() || n_col.is_none()) {
        let d = Diagnostic::error(
            Code::MissingField,
            path,
            "a survey CSV needs the columns 1,2,3,4,5 or mean,n",
        )
        .at(source, 0..0);
        return (None, vec![d]);
    }
    let mut period = Period::empty(path, source);
    // The line index is built once; each row is spanned by its first byte.
    let index = crate::diagnostics::LineIndex::new(source);
    for record in reader.records() {
        let Ok(record) = record else { continue };
        let start = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0));
        let cell = |i: usize| record.get(i).unwrap_or("").trim().to_string();
        let mut q = Question::new(
            cell(id),
            cell(text),
            cell(dimension).trim().to_lowercase(),
            start..start,
        );
        let number = |i: usize| cell(i).parse::<f64>().ok();
        if let Some(points) = &points {
            let counts: Option<Vec<u32>> = points
                .iter()
                .map(|&i| cell(i).parse::<u32>().ok())
                .collect();
            q.answers = counts.and_then(|c| <[u32; 5]>::try_from(c).ok());
            if q.answers.is_none() {
                diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        path,
                        "each of the columns 1 to 5 must be a count",
                    )
                    .at_in(source, &index, start..start),
                );
            }
        } else {
            q.mean = mean_col
                .and_then(number)
                .filter(|m| (1.0..=5.0).contains(m));
            q.n = n_col.and_then(number).map_or(0, |n| n.max(0.0) as u32);
        }
        q.settle();
        period.questions.push(q);
    }
    (Some(period), diagnostics)
}

/// Reads every survey file of `health/` (none when the folder is absent).
pub fn load(root: &Path, fence: &crate::content::walk::Fence) -> (Option<Health>, Vec<Diagnostic>) {
    let Ok(entries) = std::fs::read_dir(root.join(FOLDER)) else {
        return (None, Vec::new());
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .map(|name| format!("{FOLDER}/{name}"))
        .filter(|rel| is_survey_file(rel))
        .collect();
    names.sort();
    let mut health = Health::default();
    let mut diagnostics = Vec::new();
    for rel in names {
        // A link out of the repository is skipped, as the walk skips it (and
        // the walk's `symlink-outside` warning says so): never read.
        if fence.admits(&root.join(&rel)).is_err() {
            continue;
        }
        let text = match fence.read_to_string(&root.join(&rel)) {
            Ok(text) => text,
            Err(e) => {
                diagnostics.push(Diagnostic::error(
                    Code::UnreadableFile,
                    rel.as_str(),
                    format!("cannot read this file: {e}"),
                ));
                continue;
            }
        };
        let (period, more) = if rel.ends_with(".csv") {
            parse_csv(&rel, &text)
        } else {
            parse_toml(&rel, &text)
        };
        diagnostics.extend(more);
        health.periods.extend(period);
    }
    health.periods.sort_by(|a, b| a.name.cmp(&b.name));
    (Some(health).filter(|h| !h.periods.is_empty()), diagnostics)
}

/// Each dimension's score in each period: the mean of its questions that
/// enough people answered (`None` where none did); dimensions in the order
/// `[health] dimensions` gives, others after them by name.
pub fn dimension_scores(health: &Health, settings: &Settings) -> Vec<(String, Vec<Option<f64>>)> {
    let mut scores: BTreeMap<String, Vec<Option<f64>>> = BTreeMap::new();
    for period in &health.periods {
        let mut sums: BTreeMap<&str, (f64, u32)> = BTreeMap::new();
        for q in &period.questions {
            let entry = sums.entry(&q.dimension).or_insert((0.0, 0));
            if let Some(m) = q.shown(settings) {
                entry.0 += m;
                entry.1 += 1;
            }
        }
        for dimension in sums.keys() {
            scores.entry((*dimension).to_string()).or_default();
        }
        for (dimension, list) in scores.iter_mut() {
            let score = sums
                .get(dimension.as_str())
                .filter(|(_, n)| *n > 0)
                .map(|(sum, n)| sum / f64::from(*n));
            list.push(score);
        }
    }
    // Dimensions first seen later get `None` for the periods before.
    let periods = health.periods.len();
    for list in scores.values_mut() {
        let missing = periods - list.len();
        list.splice(0..0, std::iter::repeat_n(None, missing));
    }
    let mut ordered: Vec<(String, Vec<Option<f64>>)> = scores.into_iter().collect();
    // A stable sort of a list already by name: by position, then name.
    ordered.sort_by_key(|(name, _)| {
        settings
            .dimensions
            .iter()
            .position(|d| d == name)
            .unwrap_or(usize::MAX)
    });
    ordered
}

/// Warnings for each question whose dimension `[health] dimensions` does not
/// list, at the dimension, with the closest listed one as a hint.
fn unknown_dimensions(health: &Health, settings: &Settings) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for period in &health.periods {
        for q in period
            .questions
            .iter()
            .filter(|q| !q.dimension.is_empty() && !settings.dimensions.contains(&q.dimension))
        {
            let help = match crate::fields::closest(
                &q.dimension,
                settings.dimensions.iter().map(String::as_str),
            ) {
                Some(best) => format!("did you mean \"{best}\"?"),
                None => format!(
                    "add \"{}\" to `dimensions` under `[health]` in handbook.toml, or use one listed there: {}",
                    q.dimension,
                    settings.dimensions.join(", ")
                ),
            };
            out.push(
                Diagnostic::warning(
                    Code::UnknownValue,
                    period.path.as_str(),
                    format!(
                        "the dimension \"{}\" of question `{}` is not one of the team's dimensions",
                        q.dimension, q.id
                    ),
                )
                .at(&period.source, q.dimension_span.clone())
                .with_help(help),
            );
        }
    }
    out
}

/// Warnings for each dimension that fell two periods running or whose
/// latest score is below `alert_below`, at the dimension's first question in
/// the latest period, naming the question that moved most.
pub fn check(health: &Health, settings: &Settings) -> Vec<Diagnostic> {
    let mut out = unknown_dimensions(health, settings);
    let Some(latest) = health.periods.last() else {
        return out;
    };
    let before = health
        .periods
        .len()
        .checked_sub(2)
        .and_then(|i| health.periods.get(i));
    for (dimension, scores) in dimension_scores(health, settings) {
        let known: Vec<f64> = scores.iter().rev().take(3).map_while(|s| *s).collect();
        let fell = known.len() == 3 && known[0] < known[1] && known[1] < known[2];
        let Some(&now) = known.first() else { continue };
        let low = now < settings.alert_below;
        if !(fell || low) {
            continue;
        }
        let Some(first) = latest.questions.iter().find(|q| q.dimension == dimension) else {
            continue;
        };
        // The question whose mean dropped most since the period before.
        let moved = latest
            .questions
            .iter()
            .filter(|q| q.dimension == dimension)
            .filter_map(|q| {
                let was = before?
                    .questions
                    .iter()
                    .find(|b| b.id == q.id)?
                    .shown(settings)?;
                Some((q, q.shown(settings)? - was))
            })
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let why = if fell {
            format!(
                "fell two periods running ({} → {} → {})",
                score(known[2]),
                score(known[1]),
                score(now)
            )
        } else {
            format!(
                "is at {}, below {}",
                score(now),
                score(settings.alert_below)
            )
        };
        let mut message = format!("team health: {dimension} {why}");
        if let Some((q, change)) = moved {
            message.push_str(&format!("; \"{}\" moved most ({change:+.1})", q.text));
        }
        out.push(
            Diagnostic::warning(Code::HealthFalling, latest.path.as_str(), message)
                .at(&latest.source, first.span.start..first.span.start)
                .with_help("talk it through at the next retro and follow up with an action"),
        );
    }
    out
}

/// A score to one decimal.
pub fn score(value: f64) -> String {
    format!("{value:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(name: &str, safety: [u32; 5], clarity: [u32; 5]) -> String {
        let list = |c: [u32; 5]| c.map(|v| v.to_string()).join(", ");
        format!(
            "period = \"{name}\"\n\n[[questions]]\nid = \"safe\"\ntext = \"It is safe to disagree.\"\n\
             dimension = \"Psychological safety\"\nanswers = [{}]\n\n[[questions]]\nid = \"role\"\n\
             text = \"My role in this sprint is clear.\"\ndimension = \"role clarity\"\nanswers = [{}]\n",
            list(safety),
            list(clarity)
        )
    }

    fn health(files: &[String]) -> Health {
        let mut h = Health::default();
        for (i, text) in files.iter().enumerate() {
            let (p, d) = parse_toml(&format!("health/{i}.toml"), text);
            assert!(d.is_empty(), "{d:?}");
            h.periods.extend(p);
        }
        h
    }

    #[test]
    fn counts_give_a_mean_and_a_floor_hides_small_samples() {
        let (p, d) = parse_toml(
            "health/2026-Q3.toml",
            &period("2026-Q3", [0, 0, 1, 2, 3], [1, 0, 0, 0, 0]),
        );
        assert!(d.is_empty(), "{d:?}");
        let p = p.expect("a period");
        assert_eq!(p.name, "2026-Q3");
        assert_eq!(p.questions[0].dimension, "psychological safety");
        assert_eq!(
            (p.questions[0].n, p.questions[0].mean),
            (6, Some(26.0 / 6.0))
        );
        let settings = Settings::default();
        assert_eq!(
            p.questions[1].shown(&settings),
            None,
            "one answer is below the floor of 5"
        );
    }

    #[test]
    fn huge_counts_do_not_overflow() {
        let max = u32::MAX;
        let (p, d) = parse_toml(
            "health/x.toml",
            &format!(
                "[[questions]]\nid = \"a\"\ntext = \"A\"\ndimension = \"d\"\nanswers = [{max}, {max}, {max}, {max}, {max}]\n"
            ),
        );
        assert!(d.is_empty(), "{d:?}");
        let q = &p.expect("a period").questions[0];
        assert_eq!((q.n, q.mean), (u32::MAX, Some(3.0)));
    }

    #[test]
    fn a_file_with_people_in_it_is_refused() {
        let (p, d) = parse_toml(
            "health/x.toml",
            "[[responses]]\nrespondent = \"ana\"\nsafe = 4\n",
        );
        assert!(p.is_none());
        assert_eq!(
            d[0].message,
            "`responses` lists who answered: survey files keep aggregates only, never rows per person"
        );
        let (p, d) = parse_csv(
            "health/x.csv",
            "Timestamp,Email,It is safe to disagree\n2026-09-01,ana@x,4\n",
        );
        assert!(p.is_none());
        assert_eq!(d[0].line, 1);
        assert!(
            d[0].message
                .starts_with("the column `timestamp` names who answered"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn aggregate_csv_reads_counts_or_means() {
        let (p, d) = parse_csv(
            "health/2026-Q2.csv",
            "id,text,dimension,1,2,3,4,5\nsafe,\"It is safe to disagree, even with leads.\",Psychological safety,0,0,2,3,1\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let p = p.expect("a period");
        assert_eq!(
            p.questions[0].text,
            "It is safe to disagree, even with leads."
        );
        assert_eq!(p.questions[0].answers, Some([0, 0, 2, 3, 1]));
        let (_, d) = parse_csv(
            "health/2026-Q2.csv",
            "id,text,dimension,1,2,3,4,5\nsafe,Safe,safety,0,0,2,3,1\nrole,Role,clarity,0,x,2,3,1\n",
        );
        assert_eq!(
            (d.len(), d.first().map(|d| d.line)),
            (1, Some(3)),
            "reported at its row: {d:?}"
        );
        let (p, _) = parse_csv(
            "health/2026-Q2.csv",
            "id,text,dimension,mean,n\nsafe,Safe,safety,3.5,9\n",
        );
        let q = &p.expect("a period").questions[0];
        assert_eq!((q.mean, q.n), (Some(3.5), 9));
    }

    #[test]
    fn a_dimension_falling_twice_or_below_the_line_is_a_warning_naming_the_question() {
        let h = health(&[
            period("2026-Q1", [0, 0, 0, 5, 5], [0, 0, 0, 4, 6]),
            period("2026-Q2", [0, 0, 0, 5, 5], [0, 0, 4, 4, 2]),
            period("2026-Q3", [0, 0, 0, 5, 5], [0, 3, 4, 3, 0]),
        ]);
        let d = check(&h, &Settings::default());
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].message,
            "team health: role clarity fell two periods running (4.6 → 3.8 → 3.0); \"My role in this sprint is clear.\" moved most (-0.8)"
        );
        assert_eq!((d[0].path.as_str(), d[0].line), ("health/2.toml", 9));
        let low = Settings {
            alert_below: 4.6,
            ..Settings::default()
        };
        let d = check(&h, &low);
        assert!(
            d.iter().any(|d| d
                .message
                .starts_with("team health: psychological safety is at 4.5, below 4.6")),
            "{d:?}"
        );
    }
}
