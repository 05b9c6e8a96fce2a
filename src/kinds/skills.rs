//! The team's skills: each person's `skills` in `team.toml` on a 1–4 scale,
//! the `[[services]]` that name the skills they need, and the check that no
//! needed skill rests on one person (bus factor 1). `people` reads them into
//! the `Team` with these helpers; the check that no runbook's owner is the only
//! one who could run it is the runbooks' (`runbook::sole_owners`).
//!
//! Level 3 or more counts as able to carry the work alone ([`EXPERT`]). This
//! module knows neither people nor pages, only names and levels.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;

use crate::diagnostics::{Code, Diagnostic};
use crate::fields::{Entry, Extractor, Value};

/// Where skills are written.
const TEAM_FILE: &str = "team.toml";

/// The lowest level that can carry the work alone.
pub const EXPERT: u8 = 3;
/// The top of the scale.
pub const TOP: u8 = 4;

/// A service the team runs and the skills it needs (`[[services]]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Service {
    pub name: String,
    pub skills: Vec<String>,
    /// Where each of `skills` is written in `team.toml` (else the table).
    #[serde(skip)]
    pub spans: Vec<Range<usize>>,
}

/// A person's `skills = { postgres = 3, kafka = 2 }`, names lowercased.
pub(super) fn levels(x: &mut Extractor<'_>, entry: &Entry) -> BTreeMap<String, u8> {
    let mut out = BTreeMap::new();
    let Value::Table(table) = &entry.node.value else {
        let d = Diagnostic::error(
            Code::WrongType,
            TEAM_FILE,
            "`skills` must be a table of skill = level",
        )
        .with_help("e.g. skills = { postgres = 3, kafka = 2 }, on a scale of 1 to 4");
        x.report(d, entry.node.span.clone());
        return out;
    };
    for skill in &table.entries {
        match &skill.node.value {
            Value::Integer(level) if (1..=i64::from(TOP)).contains(level) => {
                out.insert(skill.key.to_lowercase(), *level as u8);
            }
            _ => {
                let d = Diagnostic::error(
                    Code::InvalidValue,
                    TEAM_FILE,
                    format!(
                        "the level of `{}` must be a whole number from 1 to {TOP}",
                        skill.key
                    ),
                )
                .with_help("1 learning, 2 can do it with help, 3 can do it alone, 4 can teach it");
                x.report(d, skill.node.span.clone());
            }
        }
    }
    out
}

/// `[[services]]`: `name` and `skills`.
pub(super) fn services(x: &mut Extractor<'_>, entry: &Entry) -> Vec<Service> {
    let mut out = Vec::new();
    for (table, span) in x.tables(entry, "name = \"billing\", skills = [\"postgres\"]") {
        let mut service = Service {
            name: String::new(),
            skills: Vec::new(),
            spans: Vec::new(),
        };
        for field in &table.entries {
            match field.key.as_str() {
                "name" => service.name = x.string(field).unwrap_or_default(),
                "skills" => {
                    service.skills = x
                        .string_list(field)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|s| s.to_lowercase())
                        .collect();
                    if let Value::Array(items) = &field.node.value {
                        service.spans = items.iter().map(|i| i.span.clone()).collect();
                    }
                }
                _ => x.unknown_key(field, "[[services]]", &["name", "skills"]),
            }
        }
        x.require(&service.name, "service", "name", span.start);
        service.spans.resize(service.skills.len(), span);
        out.push(service);
    }
    out
}

/// A warning for each skill a service needs that fewer than two people hold
/// at [`EXPERT`] level, where the first service that needs it names it.
pub(super) fn bus_factor(
    people: &[(&str, &BTreeMap<String, u8>)],
    services: &[Service],
    source: &str,
) -> Vec<Diagnostic> {
    let experts = |skill: &str| -> Vec<&str> {
        people
            .iter()
            .filter(|(_, levels)| levels.get(skill).is_some_and(|l| *l >= EXPERT))
            .map(|(name, _)| *name)
            .collect()
    };
    // Skill → the services that need it, with where the first says so.
    let mut needed: BTreeMap<&str, (Vec<&Service>, Range<usize>)> = BTreeMap::new();
    for service in services {
        for (skill, span) in service.skills.iter().zip(&service.spans) {
            needed
                .entry(skill)
                .or_insert_with(|| (Vec::new(), span.clone()))
                .0
                .push(service);
        }
    }
    let mut out = Vec::new();
    for (skill, (services, span)) in needed {
        let experts = experts(skill);
        if experts.len() > 1 {
            continue;
        }
        let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
        let needs = format!(
            "{} {}",
            names.join(", "),
            if names.len() == 1 {
                "needs it"
            } else {
                "need it"
            }
        );
        let (message, help) = match experts.first() {
            Some(only) => (
                format!(
                    "only {} knows {skill} at level {EXPERT} or more ({needs})",
                    only
                ),
                format!(
                    "pair someone with {} on {skill} work and raise their level here as they learn",
                    only
                ),
            ),
            None => (
                format!("nobody knows {skill} at level {EXPERT} or more ({needs})"),
                format!(
                    "give {skill} to someone to learn, or record who already knows it in `skills`"
                ),
            ),
        };
        out.push(
            Diagnostic::warning(Code::BusFactor, TEAM_FILE, message)
                .at(source, span)
                .with_help(help),
        );
    }
    out
}
