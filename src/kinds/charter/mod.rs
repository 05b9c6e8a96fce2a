//! The team charter: its purpose, mission and the metrics it is judged by —
//! each with its target, which way is better, what it measures (efficiency,
//! quality or effectiveness) and its history, and the check that the metrics
//! are not all of one type (one KPI alone rewards the wrong behaviour).

use serde::Serialize;

pub mod computed;

pub use computed::Source;

use crate::content::Page;
use crate::diagnostics::{Code, Diagnostic};
use crate::fields::{Entry, Extractor, Field, Value, keys_of};

/// The charter's front-matter fields.
pub const FIELDS: &[Field] = &[
    Field::new("", &["purpose"], "string"),
    Field::new("", &["mission"], "string"),
    Field::new("", &["metrics"], "array of tables"),
    Field::new(
        "metrics",
        &[
            "name",
            "target",
            "current",
            "unit",
            "direction",
            "type",
            "history",
            "from",
            "severity",
        ],
        "",
    ),
];

/// Which way a metric is better.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    #[default]
    Higher,
    Lower,
}

/// What a metric measures, for a balanced set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MetricType {
    /// How much the team gets done for its effort (cycle time, first response).
    Efficiency,
    /// How well it is done (change failure rate, CSAT, uptime).
    Quality,
    /// Whether it achieves the purpose (resolution rate, MTTR, adoption).
    Effectiveness,
}

impl MetricType {
    pub const ALL: [MetricType; 3] = [
        MetricType::Efficiency,
        MetricType::Quality,
        MetricType::Effectiveness,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MetricType::Efficiency => "efficiency",
            MetricType::Quality => "quality",
            MetricType::Effectiveness => "effectiveness",
        }
    }

    fn parse(text: &str) -> Option<MetricType> {
        MetricType::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(text.trim()))
    }
}

/// One past value of a metric.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Point {
    /// When, as written: a month (`2026-09`), a quarter (`2026-Q3`) or a day.
    pub at: String,
    pub value: f64,
}

/// A key performance indicator of the charter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Metric {
    pub name: String,
    pub target: Option<String>,
    pub current: Option<String>,
    pub unit: Option<String>,
    pub direction: Direction,
    #[serde(rename = "type")]
    pub kind: Option<MetricType>,
    /// Earlier values, oldest first.
    pub history: Vec<Point>,
    /// Where the history is computed from, instead of written (`from`).
    pub from: Option<Source>,
    /// A computed metric that counts only reviews of this severity.
    pub severity: Option<String>,
    /// `history = "metrics/uptime.csv"`: the file the history is read from
    /// (see [`SERIES_FOLDER`]), and where the charter names it.
    #[serde(skip)]
    pub series: Option<(String, std::ops::Range<usize>)>,
}

/// Where a metric stands against its target, and where it is going.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    Up,
    Down,
    Flat,
}

impl Metric {
    pub fn target_value(&self) -> Option<f64> {
        number(self.target.as_deref()?)
    }

    /// `current`, else the last value of the history.
    pub fn current_value(&self) -> Option<f64> {
        match &self.current {
            Some(text) => number(text),
            None => self.history.last().map(|p| p.value),
        }
    }

    /// Whether the current value meets the target, in the metric's direction.
    pub fn on_target(&self) -> Option<bool> {
        let (now, target) = (self.current_value()?, self.target_value()?);
        Some(match self.direction {
            Direction::Higher => now >= target,
            Direction::Lower => now <= target,
        })
    }

    /// How the last two values of the history compare, and whether that is
    /// for the better.
    pub fn trend(&self) -> Option<(Trend, bool)> {
        let [.., before, last] = self.history.as_slice() else {
            return None;
        };
        let change = last.value - before.value;
        let trend = if change > 0.0 {
            Trend::Up
        } else if change < 0.0 {
            Trend::Down
        } else {
            Trend::Flat
        };
        let better = match (trend, self.direction) {
            (Trend::Flat, _) => false,
            (Trend::Up, Direction::Higher) | (Trend::Down, Direction::Lower) => true,
            _ => false,
        };
        Some((trend, better))
    }
}

/// A number written as a number or a string (`99.9`, `"5"`).
fn number(text: &str) -> Option<f64> {
    text.trim().parse().ok().filter(|v: &f64| v.is_finite())
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Charter {
    pub purpose: Option<String>,
    pub mission: Option<String>,
    pub metrics: Vec<Metric>,
}

/// Reads the charter's `purpose`, `mission` and `[[metrics]]`.
pub fn parse(page: &Page) -> (Charter, Vec<Diagnostic>) {
    let mut x = Extractor::new(&page.source_path, &page.source);
    let fields = &page.front.extra_fields;
    let mut charter = Charter {
        purpose: fields.get("purpose").and_then(|e| x.string(e)),
        mission: fields.get("mission").and_then(|e| x.string(e)),
        metrics: Vec::new(),
    };
    if let Some(entry) = fields.get("metrics") {
        for (table, span) in x.tables(entry, "name = \"Uptime\", target = 99.9, unit = \"%\"") {
            let mut metric = Metric {
                name: String::new(),
                target: None,
                current: None,
                unit: None,
                direction: Direction::default(),
                kind: None,
                history: Vec::new(),
                from: None,
                severity: None,
                series: None,
            };
            let mut direction_written = false;
            for field in &table.entries {
                match field.key.as_str() {
                    "name" => metric.name = x.string(field).unwrap_or_default(),
                    "target" => metric.target = x.scalar(field),
                    "current" => metric.current = x.scalar(field),
                    "unit" => metric.unit = x.string(field),
                    "direction" => {
                        direction_written = true;
                        metric.direction = direction(&mut x, field);
                    }
                    "from" => metric.from = computed::source(&mut x, field),
                    "type" => metric.kind = metric_type(&mut x, field),
                    "history" => match &field.node.value {
                        Value::String(file) => {
                            metric.series =
                                Some((file.trim().to_string(), field.node.span.clone()));
                        }
                        _ => metric.history = history(&mut x, field),
                    },
                    "severity" => metric.severity = x.string(field),
                    _ => x.unknown_key(field, "[[metrics]]", &keys_of(FIELDS, "metrics")),
                }
            }
            x.require(&metric.name, "metric", "name", span.start);
            if let Some(written) = table.get("severity")
                && !metric.from.is_some_and(Source::by_severity)
            {
                let d = Diagnostic::error(
                    Code::InvalidValue,
                    x.path,
                    "`severity` keeps a metric to the reviews of one severity, so it needs `from`",
                )
                .with_help("use it with from = \"aars\", \"mttr\" or \"time-to-detect\"");
                x.report(d, written.key_span.clone());
                metric.severity = None;
            }
            if let Some((file, at)) = &metric.series
                && !is_series_file(file)
            {
                let d = Diagnostic::error(
                    Code::InvalidValue,
                    x.path,
                    format!("a metric's history file must be a CSV file in `{SERIES_FOLDER}/`, found \"{file}\""),
                )
                .with_help(format!(
                    "move it to e.g. \"{SERIES_FOLDER}/uptime.csv\" (with the columns at,value): the folder is data, never published"
                ));
                x.report(d, at.clone());
                metric.series = None;
            }
            if let Some(from) = metric.from {
                // A computed metric says what it counts in and which way is better.
                if !direction_written {
                    metric.direction = from.direction();
                }
                if metric.unit.is_none() {
                    metric.unit = from.unit().map(str::to_string);
                }
                if let Some(written) = table.get("history") {
                    metric.series = None;
                    let d = Diagnostic::error(
                        Code::InvalidValue,
                        x.path,
                        "a metric computed `from` the handbook has no written `history`",
                    )
                    .with_help(
                        "keep one: `from` counts it from the pages, `history` lists it by hand",
                    );
                    x.report(d, written.key_span.clone());
                    metric.history.clear();
                }
            }
            charter.metrics.push(metric);
        }
        balance(&mut x, entry, &charter.metrics);
    }
    (charter, x.diagnostics)
}

fn invalid(x: &mut Extractor<'_>, entry: &Entry, message: String, help: &str) {
    let d = Diagnostic::error(Code::InvalidValue, x.path, message).with_help(help);
    x.report(d, entry.node.span.clone());
}

fn direction(x: &mut Extractor<'_>, field: &Entry) -> Direction {
    match x.string(field).as_deref().map(str::trim) {
        Some(d) if d.eq_ignore_ascii_case("higher") => Direction::Higher,
        Some(d) if d.eq_ignore_ascii_case("lower") => Direction::Lower,
        Some(other) => {
            invalid(
                x,
                field,
                format!("`direction` must be \"higher\" or \"lower\", found \"{other}\""),
                "\"lower\" for a metric that is better when it falls (MTTR, cycle time)",
            );
            Direction::default()
        }
        None => Direction::default(),
    }
}

fn metric_type(x: &mut Extractor<'_>, field: &Entry) -> Option<MetricType> {
    let text = x.string(field)?;
    let found = MetricType::parse(&text);
    if found.is_none() {
        invalid(
            x,
            field,
            format!("unknown metric type \"{text}\""),
            "one of: efficiency, quality, effectiveness",
        );
    }
    found
}

/// `history = [{ at = "2026-09", value = 99.84 }, …]`, sorted by `at`.
fn history(x: &mut Extractor<'_>, field: &Entry) -> Vec<Point> {
    let example = "{ at = \"2026-09\", value = 99.84 }";
    let mut points: Vec<(String, Point)> = Vec::new();
    for (table, span) in x.tables(field, example) {
        let (mut at, mut value, mut written) = (None, None, [false; 2]);
        for entry in &table.entries {
            match entry.key.as_str() {
                "at" => {
                    written[0] = true;
                    at = when(x, entry);
                }
                "value" => {
                    written[1] = true;
                    value = match &entry.node.value {
                        Value::Integer(i) => Some(*i as f64),
                        Value::Float(f) if f.is_finite() => Some(*f),
                        _ => {
                            invalid(
                                x,
                                entry,
                                "`value` must be a number".to_string(),
                                "write it without quotes or unit, e.g. value = 99.84",
                            );
                            None
                        }
                    }
                }
                _ => x.unknown_key(entry, "a history point", &["at", "value"]),
            }
        }
        match (at, value) {
            (Some((key, at)), Some(value)) => points.push((key, Point { at, value })),
            // A value written wrong was reported where it is.
            _ => {
                for (key, _) in [("at", written[0]), ("value", written[1])]
                    .into_iter()
                    .filter(|(_, w)| !w)
                {
                    x.require("", "history point", key, span.start);
                }
            }
        }
    }
    points.sort_by(|a, b| a.0.cmp(&b.0));
    points.into_iter().map(|(_, p)| p).collect()
}

/// A point's time as written and a key that sorts it: `2026-09` → `2026-09-99`
/// (after every day of the month), `2026-Q3` → `2026-09-99`, a day as it is.
fn when(x: &mut Extractor<'_>, entry: &Entry) -> Option<(String, String)> {
    let text = match &entry.node.value {
        Value::String(s) | Value::Datetime(s) => s.trim().to_string(),
        _ => String::new(),
    };
    let key = sort_key(&text);
    if key.is_none() {
        let found = match &entry.node.value {
            Value::String(s) => format!("\"{s}\""),
            other => other.type_name().to_string(),
        };
        invalid(
            x,
            entry,
            format!("`at` must be a month, a quarter or a day, found {found}"),
            WHEN_HELP,
        );
    }
    Some((key?, text))
}

const WHEN_HELP: &str = "write it as \"2026-09\", \"2026-Q3\" or 2026-09-30";

/// The folder of metric history files (`history = "metrics/uptime.csv"`),
/// and whether a path is one of them (the walk, which must not publish them,
/// owns the rule).
pub use crate::content::walk::{SERIES_FOLDER, is_series_file};

/// Reads a metric's history from CSV: a header with `at` (or `date`,
/// `month`, `quarter`, `period`) and `value`, then a row per point. Rows
/// that cannot be read are diagnostics at their line; the rest are kept,
/// in time order.
pub fn parse_series(path: &str, source: &str) -> (Vec<Point>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(source.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_lowercase).collect(),
        Err(e) => {
            let d = Diagnostic::error(Code::InvalidValue, path, format!("unreadable CSV: {e}"));
            return (Vec::new(), vec![d]);
        }
    };
    let col = |names: &[&str]| header.iter().position(|c| names.contains(&c.as_str()));
    let (Some(at), Some(value)) = (
        col(&["at", "date", "month", "quarter", "period"]),
        col(&["value"]),
    ) else {
        let d = Diagnostic::error(
            Code::MissingField,
            path,
            "a metric history CSV needs the columns at and value",
        )
        .at(source, 0..0)
        .with_help("e.g. a first line `at,value`, then rows like `2026-Q3,99.84`");
        return (Vec::new(), vec![d]);
    };
    let index = crate::diagnostics::LineIndex::new(source);
    let mut points: Vec<(String, Point)> = Vec::new();
    for record in reader.records() {
        let Ok(record) = record else { continue };
        let start = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0));
        let cell = |i: usize| record.get(i).unwrap_or("");
        if record.iter().all(str::is_empty) {
            continue;
        }
        let mut problem = |message: String, help: &str| {
            diagnostics.push(
                Diagnostic::error(Code::InvalidValue, path, message)
                    .at_in(source, &index, start..start)
                    .with_help(help),
            );
        };
        let key = sort_key(cell(at));
        let number = cell(value).parse::<f64>().ok().filter(|v| v.is_finite());
        match (key, number) {
            (Some(key), Some(value)) => points.push((
                key,
                Point {
                    at: cell(at).to_string(),
                    value,
                },
            )),
            (None, _) => problem(
                format!(
                    "`at` must be a month, a quarter or a day, found \"{}\"",
                    cell(at)
                ),
                WHEN_HELP,
            ),
            (_, None) => problem(
                format!("`value` must be a number, found \"{}\"", cell(value)),
                "write it without unit, e.g. 99.84",
            ),
        }
    }
    points.sort_by(|a, b| a.0.cmp(&b.0));
    (points.into_iter().map(|(_, p)| p).collect(), diagnostics)
}

#[allow(clippy::string_slice)] // every slice follows an ASCII check of the bytes before it
fn sort_key(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        bytes
            .get(r.clone())
            .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
    };
    if !(digits(0..4) && bytes.get(4) == Some(&b'-')) {
        return None;
    }
    let year = &text[..4];
    match bytes.len() {
        7 if bytes[5] == b'Q' && (b'1'..=b'4').contains(&bytes[6]) => {
            let month = (bytes[6] - b'0') * 3;
            Some(format!("{year}-{month:02}-99"))
        }
        7 if digits(5..7) && (1..=12).contains(&text[5..7].parse::<u8>().ok()?) => {
            Some(format!("{}-99", &text[..7]))
        }
        _ => crate::fields::Date::parse(text).map(|_| text.get(..10).unwrap_or(text).to_string()),
    }
}

/// Warns when every metric that says its type says the same one: a charter
/// judged on efficiency alone rewards speed over care.
fn balance(x: &mut Extractor<'_>, entry: &Entry, metrics: &[Metric]) {
    let mut types = metrics.iter().filter_map(|m| m.kind);
    let Some(first) = types.next() else {
        return;
    };
    if types.any(|t| t != first) {
        return;
    }
    let missing: Vec<&str> = MetricType::ALL
        .into_iter()
        .filter(|t| *t != first)
        .map(MetricType::name)
        .collect();
    let d = Diagnostic::warning(
        Code::UnbalancedMetrics,
        x.path,
        format!(
            "every metric with a type measures {}: none measures {}",
            first.name(),
            missing.join(" or ")
        ),
    )
    .with_help(format!(
        "add a metric of type \"{}\" (one kind of metric alone rewards the wrong behaviour)",
        missing.join("\" or \"")
    ));
    x.report(d, entry.key_span.clone());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charter(front: &str) -> (Charter, Vec<Diagnostic>) {
        let source = format!("+++\ntitle = \"Charter\"\n{front}+++\n\n# Charter\n");
        match crate::content::page_from_source("charter.md", source, false) {
            Ok((page, _)) => parse(&page),
            Err(d) => (Charter::default(), vec![d]),
        }
    }

    #[test]
    fn history_is_read_in_time_order_with_direction_and_type() {
        let (c, d) = charter(
            "[[metrics]]\nname = \"MTTR\"\ntarget = 30\nunit = \"min\"\ndirection = \"lower\"\n\
             type = \"effectiveness\"\nhistory = [{ at = \"2026-Q3\", value = 42 }, \
             { at = \"2026-05\", value = 55.5 }, { at = 2026-09-30, value = 35 }]\n",
        );
        assert!(
            d.iter().all(|d| d.code == Code::UnbalancedMetrics),
            "only the one-type warning: {d:?}"
        );
        let m = &c.metrics[0];
        let at: Vec<&str> = m.history.iter().map(|p| p.at.as_str()).collect();
        assert_eq!(at, ["2026-05", "2026-09-30", "2026-Q3"]);
        assert_eq!(m.direction, Direction::Lower);
        assert_eq!(m.kind, Some(MetricType::Effectiveness));
        assert_eq!(
            m.current_value(),
            Some(42.0),
            "the last point when no `current`"
        );
        assert_eq!(m.on_target(), Some(false));
        assert_eq!(m.trend(), Some((Trend::Up, false)), "MTTR rising is worse");
    }

    #[test]
    fn bad_points_types_and_directions_are_reported_at_their_values() {
        let (_, d) = charter(
            "[[metrics]]\nname = \"Uptime\"\ndirection = \"up\"\ntype = \"speed\"\n\
             history = [{ at = \"Sept\", value = 1 }, { at = \"2026-13\", value = \"9\" }, { value = 2 }]\n",
        );
        let got: Vec<(&str, usize, &str)> = d
            .iter()
            .map(|d| (d.code.as_str(), d.line, d.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "invalid-value",
                    5,
                    "`direction` must be \"higher\" or \"lower\", found \"up\""
                ),
                ("invalid-value", 6, "unknown metric type \"speed\""),
                (
                    "invalid-value",
                    7,
                    "`at` must be a month, a quarter or a day, found \"Sept\""
                ),
                (
                    "invalid-value",
                    7,
                    "`at` must be a month, a quarter or a day, found \"2026-13\""
                ),
                ("invalid-value", 7, "`value` must be a number"),
                ("missing-field", 7, "this history point has no `at`"),
            ]
        );
    }

    #[test]
    fn metrics_all_of_one_type_are_a_warning_naming_the_missing_types() {
        let (_, d) = charter(
            "[[metrics]]\nname = \"Tickets closed per day\"\ntype = \"efficiency\"\n\
             [[metrics]]\nname = \"First response\"\ntype = \"efficiency\"\n[[metrics]]\nname = \"Untyped\"\n",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, Code::UnbalancedMetrics);
        assert_eq!(
            d[0].message,
            "every metric with a type measures efficiency: none measures quality or effectiveness"
        );
        assert_eq!(d[0].line, 3);
        // Balanced, or no types at all: nothing to say.
        let (_, d) = charter(
            "[[metrics]]\nname = \"A\"\ntype = \"efficiency\"\n[[metrics]]\nname = \"B\"\ntype = \"quality\"\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let (_, d) = charter("[[metrics]]\nname = \"A\"\n");
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn a_history_file_is_named_in_metrics_and_read_as_csv() {
        let (c, d) = charter(
            "[[metrics]]\nname = \"Uptime\"\nhistory = \"metrics/uptime.csv\"\n\
             [[metrics]]\nname = \"CSAT\"\nhistory = \"public/csat.csv\"\n\
             [[metrics]]\nname = \"Cycle time\"\nseverity = \"SEV1\"\n",
        );
        assert_eq!(
            c.metrics[0].series.as_ref().map(|s| s.0.as_str()),
            Some("metrics/uptime.csv")
        );
        assert_eq!(c.metrics[1].series, None);
        let got: Vec<(usize, &str)> = d.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(
            got,
            [
                (
                    8,
                    "a metric's history file must be a CSV file in `metrics/`, found \"public/csat.csv\""
                ),
                (
                    11,
                    "`severity` keeps a metric to the reviews of one severity, so it needs `from`"
                ),
            ]
        );
        let csv = "Quarter, Value\n2026-Q2,99.7\n\n2026-04,99.9\nlater,1\n2026-Q3,n/a\n";
        let (points, d) = parse_series("metrics/uptime.csv", csv);
        let got: Vec<(&str, f64)> = points.iter().map(|p| (p.at.as_str(), p.value)).collect();
        assert_eq!(got, [("2026-04", 99.9), ("2026-Q2", 99.7)], "in time order");
        let got: Vec<(usize, &str)> = d.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(
            got,
            [
                (
                    5,
                    "`at` must be a month, a quarter or a day, found \"later\""
                ),
                (6, "`value` must be a number, found \"n/a\""),
            ]
        );
        let (_, d) = parse_series("metrics/uptime.csv", "when,how much\n2026-Q2,1\n");
        assert_eq!(
            d[0].message,
            "a metric history CSV needs the columns at and value"
        );
    }
}
