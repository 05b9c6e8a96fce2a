//! Who does what: RACI matrices (`[[raci]]` rows on any page) and RAPID decision
//! roles (`[rapid]` on a decision), with their "exactly one" rules.

use std::ops::Range;

use serde::Serialize;

use super::people::Mention;
use crate::diagnostics::Diagnostic;
use crate::fields::{Entry, Extractor, Node, Table, Value};

/// One activity of a RACI matrix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RaciRow {
    pub activity: String,
    pub responsible: Vec<String>,
    pub accountable: Vec<String>,
    pub consulted: Vec<String>,
    pub informed: Vec<String>,
}

/// The RAPID roles of one decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rapid {
    pub recommend: Vec<String>,
    pub agree: Vec<String>,
    pub perform: Vec<String>,
    pub input: Vec<String>,
    pub decide: Vec<String>,
}

/// A list of people written as one string or an array of strings, with the span
/// of each name.
fn names(x: &mut Extractor<'_>, entry: &Entry) -> Vec<(String, Range<usize>)> {
    let source = x.source;
    let one = |node: &Node| match &node.value {
        Value::String(s) => {
            // Point inside the quotes, where the name itself is written.
            let quoted = matches!(source.as_bytes().get(node.span.start), Some(b'"' | b'\''));
            let start = node.span.start + usize::from(quoted);
            Some((s.clone(), start..start + s.len()))
        }
        _ => None,
    };
    match &entry.node.value {
        Value::Array(items) => {
            let found: Vec<_> = items.iter().filter_map(one).collect();
            if found.len() != items.len() {
                x.diagnostics.push(
                    Diagnostic::error(
                        crate::diagnostics::Code::WrongType,
                        x.path,
                        format!("`{}` must be a name or a list of names", entry.key),
                    )
                    .at_in(x.source, x.index(), entry.node.span.clone()),
                );
            }
            found
        }
        _ => match one(&entry.node) {
            Some(n) => vec![n],
            None => {
                x.diagnostics.push(
                    Diagnostic::error(
                        crate::diagnostics::Code::WrongType,
                        x.path,
                        format!("`{}` must be a name or a list of names", entry.key),
                    )
                    .at_in(x.source, x.index(), entry.node.span.clone()),
                );
                Vec::new()
            }
        },
    }
}

/// A role exactly one person must hold, and how to say it when that is not so.
struct OneOf {
    code: crate::diagnostics::Code,
    none: &'static str,
    many: &'static str,
    help_none: &'static str,
    help_many: &'static str,
}

impl OneOf {
    fn check(&self, x: &mut Extractor<'_>, subject: &str, holders: &[String], at: Range<usize>) {
        let (message, help) = match holders.len() {
            1 => return,
            0 => (format!("{subject} has {}", self.none), self.help_none),
            n => (
                format!("{subject} has {n} {}: {}", self.many, holders.join(", ")),
                self.help_many,
            ),
        };
        x.diagnostics.push(
            Diagnostic::error(self.code, x.path, message)
                .at_in(x.source, x.index(), at)
                .with_help(help),
        );
    }
}

/// The names in `field`, recording where each was written as a `role` mention.
fn holders(
    x: &mut Extractor<'_>,
    field: &Entry,
    role: &'static str,
    mentions: &mut Vec<Mention>,
) -> Vec<String> {
    names(x, field)
        .into_iter()
        .map(|(name, span)| {
            mentions.push(Mention {
                name: name.clone(),
                role,
                span,
            });
            name
        })
        .collect()
}

/// Reads `[[raci]]`: every row needs exactly one accountable and at least one
/// responsible. Mentions of people are appended to `mentions`.
pub fn raci(x: &mut Extractor<'_>, entry: &Entry, mentions: &mut Vec<Mention>) -> Vec<RaciRow> {
    let Value::Array(items) = &entry.node.value else {
        x.diagnostics.push(
            Diagnostic::error(
                crate::diagnostics::Code::WrongType,
                x.path,
                "`raci` must be an array of tables",
            )
            .at_in(x.source, x.index(), entry.node.span.clone())
            .with_help("write each activity as a [[raci]] table"),
        );
        return Vec::new();
    };
    let mut rows = Vec::new();
    for item in items {
        let Value::Table(table) = &item.value else {
            continue;
        };
        let mut row = RaciRow {
            activity: String::new(),
            responsible: Vec::new(),
            accountable: Vec::new(),
            consulted: Vec::new(),
            informed: Vec::new(),
        };
        for field in &table.entries {
            let role = match field.key.as_str() {
                "activity" => {
                    row.activity = x.string(field).unwrap_or_default();
                    continue;
                }
                "responsible" => "responsible",
                "accountable" => "accountable",
                "consulted" => "consulted",
                "informed" => "informed",
                _ => {
                    x.unknown_key(
                        field,
                        "[[raci]]",
                        &[
                            "activity",
                            "responsible",
                            "accountable",
                            "consulted",
                            "informed",
                        ],
                    );
                    continue;
                }
            };
            let list = holders(x, field, role, mentions);
            match role {
                "responsible" => row.responsible = list,
                "accountable" => row.accountable = list,
                "consulted" => row.consulted = list,
                _ => row.informed = list,
            }
        }
        let label = if row.activity.is_empty() {
            "this RACI row".to_string()
        } else {
            format!("RACI row \"{}\"", row.activity)
        };
        let at = table
            .get("accountable")
            .map_or(item.span.start..item.span.start, |e| e.node.span.clone());
        let rule = OneOf {
            code: crate::diagnostics::Code::RaciAccountable,
            none: "no accountable person",
            many: "accountable people",
            help_none: "exactly one person is accountable for each activity",
            help_many: "exactly one person is accountable; make the others responsible or consulted",
        };
        rule.check(x, &label, &row.accountable, at);
        if row.responsible.is_empty() {
            x.diagnostics.push(
                Diagnostic::error(
                    crate::diagnostics::Code::RaciResponsible,
                    x.path,
                    format!("{label} has no responsible person"),
                )
                .at_in(x.source, x.index(), item.span.start..item.span.start)
                .with_help("add responsible = [\"…\"]: someone has to do the work"),
            );
        }
        rows.push(row);
    }
    rows
}

/// Reads `[rapid]`: exactly one person decides.
pub fn rapid(x: &mut Extractor<'_>, entry: &Entry, mentions: &mut Vec<Mention>) -> Option<Rapid> {
    let table: &Table = x.table(entry)?;
    let mut rapid = Rapid {
        recommend: Vec::new(),
        agree: Vec::new(),
        perform: Vec::new(),
        input: Vec::new(),
        decide: Vec::new(),
    };
    for field in &table.entries {
        let role = match field.key.as_str() {
            "recommend" => "recommend",
            "agree" => "agree",
            "perform" => "perform",
            "input" => "input",
            "decide" => "decide",
            _ => {
                x.unknown_key(
                    field,
                    "[rapid]",
                    &["recommend", "agree", "perform", "input", "decide"],
                );
                continue;
            }
        };
        let list = holders(x, field, role, mentions);
        match role {
            "recommend" => rapid.recommend = list,
            "agree" => rapid.agree = list,
            "perform" => rapid.perform = list,
            "input" => rapid.input = list,
            _ => rapid.decide = list,
        }
    }
    let at = table
        .get("decide")
        .map_or(entry.key_span.clone(), |e| e.node.span.clone());
    let rule = OneOf {
        code: crate::diagnostics::Code::RapidDecide,
        none: "no one to decide",
        many: "people to decide",
        help_none: "exactly one person has the D: add decide = \"…\"",
        help_many: "exactly one person has the D; the others can agree or give input",
    };
    rule.check(x, "this RAPID decision", &rapid.decide, at);
    Some(rapid)
}
