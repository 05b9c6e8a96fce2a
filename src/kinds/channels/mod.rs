//! The channel guide: which tool for which situation, and how fast to
//! expect a reply. One scenario has one channel.

use std::collections::HashMap;

use serde::Serialize;

use crate::content::Page;
use crate::diagnostics::Diagnostic;
use crate::fields::{Extractor, Field, keys_of};

/// The channel guide's front-matter fields.
pub const FIELDS: &[Field] = &[
    Field::new("", &["channels"], "array of tables"),
    Field::new(
        "channels",
        &["scenario", "tool", "rationale", "response_time"],
        "",
    ),
];

/// One row of the channel guide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Channel {
    pub scenario: String,
    pub tool: String,
    pub rationale: Option<String>,
    pub response_time: Option<String>,
}

/// Reads `[[channels]]`; a scenario listed twice is a warning.
pub fn parse(page: &Page) -> (Vec<Channel>, Vec<Diagnostic>) {
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
                _ => x.unknown_key(field, "[[channels]]", &keys_of(FIELDS, "channels")),
            }
        }
        x.require(&channel.scenario, "channel", "scenario", span.start);
        x.require(&channel.tool, "channel", "tool", span.start);
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
