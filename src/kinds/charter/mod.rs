//! The team charter: its purpose, mission and the metrics it is judged by.

use serde::Serialize;

use crate::content::Page;
use crate::diagnostics::Diagnostic;
use crate::fields::{Extractor, Field, keys_of};

/// The charter's front-matter fields.
pub const FIELDS: &[Field] = &[
    Field::new("", &["purpose"], "string"),
    Field::new("", &["mission"], "string"),
    Field::new("", &["metrics"], "array of tables"),
    Field::new("metrics", &["name", "target", "current", "unit"], ""),
];

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
            };
            for field in &table.entries {
                match field.key.as_str() {
                    "name" => metric.name = x.string(field).unwrap_or_default(),
                    "target" => metric.target = x.scalar(field),
                    "current" => metric.current = x.scalar(field),
                    "unit" => metric.unit = x.string(field),
                    _ => x.unknown_key(field, "[[metrics]]", &keys_of(FIELDS, "metrics")),
                }
            }
            x.require(&metric.name, "metric", "name", span.start);
            charter.metrics.push(metric);
        }
    }
    (charter, x.diagnostics)
}
