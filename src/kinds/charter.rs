//! The team charter (purpose, mission, the metrics it is judged by) and the
//! channel guide (which tool for which situation, and how fast to expect a reply).

use std::collections::HashMap;

use serde::Serialize;

use crate::content::Page;
use crate::diagnostics::Diagnostic;
use crate::fields::{Entry, Extractor, Value};

/// A key performance indicator of the charter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Metric {
    pub name: String,
    pub target: Option<String>,
    pub current: Option<String>,
    pub unit: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Charter {
    pub purpose: Option<String>,
    pub mission: Option<String>,
    pub metrics: Vec<Metric>,
}

/// One row of the channel guide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Channel {
    pub scenario: String,
    pub tool: String,
    pub rationale: Option<String>,
    pub response_time: Option<String>,
}

/// A number or a string, as text (`99.9`, `"5 min"`).
fn scalar(x: &mut Extractor<'_>, entry: &Entry) -> Option<String> {
    match &entry.node.value {
        Value::String(s) => Some(s.clone()),
        Value::Integer(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        _ => {
            x.diagnostics.push(
                Diagnostic::error(
                    crate::diagnostics::Code::WrongType,
                    x.path,
                    format!(
                        "`{}` must be a number or a string, found {}",
                        entry.key,
                        entry.node.value.type_name()
                    ),
                )
                .at_in(x.source, x.index(), entry.node.span.clone()),
            );
            None
        }
    }
}

fn required(x: &mut Extractor<'_>, value: &str, what: &str, key: &str, at: usize) {
    if value.is_empty() {
        x.diagnostics.push(
            Diagnostic::error(
                crate::diagnostics::Code::MissingField,
                x.path,
                format!("this {what} has no `{key}`"),
            )
            .at_in(x.source, x.index(), at..at),
        );
    }
}

pub fn parse_charter(page: &Page) -> (Charter, Vec<Diagnostic>) {
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
            };
            for field in &table.entries {
                match field.key.as_str() {
                    "name" => metric.name = x.string(field).unwrap_or_default(),
                    "target" => metric.target = scalar(&mut x, field),
                    "current" => metric.current = scalar(&mut x, field),
                    "unit" => metric.unit = x.string(field),
                    _ => {
                        x.unknown_key(field, "[[metrics]]", &["name", "target", "current", "unit"])
                    }
                }
            }
            required(&mut x, &metric.name, "metric", "name", span.start);
            charter.metrics.push(metric);
        }
    }
    (charter, x.diagnostics)
}

pub fn parse_channels(page: &Page) -> (Vec<Channel>, Vec<Diagnostic>) {
    let mut x = Extractor::new(&page.source_path, &page.source);
    let mut channels = Vec::new();
    let Some(entry) = page.front.extra_fields.get("channels") else {
        return (channels, x.diagnostics);
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (table, span) in x.tables(entry, "scenario = \"Outage\", tool = \"Page on-call\"") {
        let mut channel = Channel {
            scenario: String::new(),
            tool: String::new(),
            rationale: None,
            response_time: None,
        };
        for field in &table.entries {
            match field.key.as_str() {
                "scenario" => channel.scenario = x.string(field).unwrap_or_default(),
                "tool" => channel.tool = x.string(field).unwrap_or_default(),
                "rationale" => channel.rationale = x.string(field),
                "response_time" => channel.response_time = x.string(field),
                _ => x.unknown_key(
                    field,
                    "[[channels]]",
                    &["scenario", "tool", "rationale", "response_time"],
                ),
            }
        }
        required(&mut x, &channel.scenario, "channel", "scenario", span.start);
        required(&mut x, &channel.tool, "channel", "tool", span.start);
        let key = channel.scenario.trim().to_lowercase();
        if !key.is_empty() {
            if let Some(&first) = seen.get(&key) {
                let at = table
                    .get("scenario")
                    .map_or(span.clone(), |e| e.node.span.clone());
                let first_tool: &Channel = &channels[first];
                x.diagnostics.push(
                    Diagnostic::warning(
                        crate::diagnostics::Code::DuplicateScenario,
                        x.path,
                        format!(
                            "scenario \"{}\" is listed twice (first with {})",
                            channel.scenario, first_tool.tool
                        ),
                    )
                    .at_in(x.source, x.index(), at)
                    .with_help("one scenario, one channel: merge the two rows"),
                );
            } else {
                seen.insert(key, channels.len());
            }
        }
        channels.push(channel);
    }
    (channels, x.diagnostics)
}
