//! Typed extraction from spanned tables: every accessor reports a wrong
//! type at the value's span and carries on.

use super::*;

/// Collects diagnostics while extracting typed values from one file's table.
///
/// Every accessor reports a wrong type at the value's span and returns `None`, so
/// a caller can extract all fields and report every mistake in one pass.
pub struct Extractor<'a> {
    pub path: &'a str,
    pub source: &'a str,
    pub diagnostics: Vec<Diagnostic>,
    /// Made on the first diagnostic, so many of them stay linear.
    index: std::cell::OnceCell<crate::diagnostics::LineIndex>,
}

impl<'a> Extractor<'a> {
    pub fn new(path: &'a str, source: &'a str) -> Self {
        Extractor {
            path,
            source,
            diagnostics: Vec::new(),
            index: std::cell::OnceCell::new(),
        }
    }

    /// Records `diagnostic` at `span` of this file.
    pub fn report(&mut self, diagnostic: Diagnostic, span: std::ops::Range<usize>) {
        let d = diagnostic.at_in(self.source, self.index(), span);
        self.diagnostics.push(d);
    }

    /// This file's line index, for [`Diagnostic::at_in`].
    pub fn index(&self) -> &crate::diagnostics::LineIndex {
        self.index
            .get_or_init(|| crate::diagnostics::LineIndex::new(self.source))
    }

    fn wrong_type(&mut self, entry: &Entry, expected: &str) {
        let d = Diagnostic::error(
            crate::diagnostics::Code::WrongType,
            self.path,
            format!(
                "`{}` must be {expected}, found {}",
                entry.key,
                entry.node.value.type_name()
            ),
        )
        .at_in(self.source, self.index(), entry.node.span.clone());
        self.diagnostics.push(d);
    }

    pub fn string(&mut self, entry: &Entry) -> Option<String> {
        match &entry.node.value {
            Value::String(s) => Some(s.clone()),
            _ => {
                self.wrong_type(entry, "a string");
                None
            }
        }
    }

    pub fn boolean(&mut self, entry: &Entry) -> Option<bool> {
        match &entry.node.value {
            Value::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(entry, "a boolean (true or false)");
                None
            }
        }
    }

    pub fn integer(&mut self, entry: &Entry) -> Option<i64> {
        match &entry.node.value {
            Value::Integer(i) => Some(*i),
            _ => {
                self.wrong_type(entry, "an integer");
                None
            }
        }
    }

    pub fn string_list(&mut self, entry: &Entry) -> Option<Vec<String>> {
        let Value::Array(items) = &entry.node.value else {
            self.wrong_type(entry, "an array of strings");
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match &item.value {
                Value::String(s) => out.push(s.clone()),
                other => {
                    let d = Diagnostic::error(
                        crate::diagnostics::Code::WrongType,
                        self.path,
                        format!(
                            "`{}` must be an array of strings, but this item is {}",
                            entry.key,
                            other.type_name()
                        ),
                    )
                    .at_in(self.source, self.index(), item.span.clone());
                    self.diagnostics.push(d);
                    return None;
                }
            }
        }
        Some(out)
    }

    /// A date: a TOML date, or a string like `2024-03-01` (YAML has no dates).
    pub fn date(&mut self, entry: &Entry) -> Option<Date> {
        let parsed = match &entry.node.value {
            Value::Datetime(s) | Value::String(s) => Date::parse(s),
            _ => None,
        };
        if parsed.is_none() {
            let found = match &entry.node.value {
                Value::String(s) => format!("\"{s}\""),
                other => other.type_name().to_string(),
            };
            let d = Diagnostic::error(
                crate::diagnostics::Code::WrongType,
                self.path,
                format!("`{}` must be a date, found {found}", entry.key),
            )
            .at_in(self.source, self.index(), entry.node.span.clone())
            .with_help("write it as YYYY-MM-DD, e.g. 2024-03-01");
            self.diagnostics.push(d);
        }
        parsed
    }

    /// The tables of an array of tables (`[[name]]`), each with its span; anything
    /// else is a diagnostic whose hint shows `example`.
    pub fn tables<'t>(
        &mut self,
        entry: &'t Entry,
        example: &str,
    ) -> Vec<(&'t Table, Range<usize>)> {
        let Value::Array(items) = &entry.node.value else {
            let d = Diagnostic::error(
                crate::diagnostics::Code::WrongType,
                self.path,
                format!("`{}` must be an array of tables", entry.key),
            )
            .at_in(self.source, self.index(), entry.node.span.clone())
            .with_help(format!(
                "write each one as a [[{}]] table, e.g. {example}",
                entry.key
            ));
            self.diagnostics.push(d);
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| match &item.value {
                Value::Table(t) => Some((t, item.span.clone())),
                _ => None,
            })
            .collect()
    }

    pub fn table<'t>(&mut self, entry: &'t Entry) -> Option<&'t Table> {
        match &entry.node.value {
            Value::Table(t) => Some(t),
            _ => {
                self.wrong_type(entry, "a table");
                None
            }
        }
    }

    /// A number or a string, as text (`99.9`, `"5 min"`).
    pub fn scalar(&mut self, entry: &Entry) -> Option<String> {
        match &entry.node.value {
            Value::String(s) => Some(s.clone()),
            Value::Integer(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            _ => {
                self.wrong_type(entry, "a number or a string");
                None
            }
        }
    }

    /// Reports a `key` this `what` (a table starting at `at`) must have and
    /// left empty.
    pub fn require(&mut self, value: &str, what: &str, key: &str, at: usize) {
        if value.is_empty() {
            let d = Diagnostic::error(
                crate::diagnostics::Code::MissingField,
                self.path,
                format!("this {what} has no `{key}`"),
            )
            .at_in(self.source, self.index(), at..at);
            self.diagnostics.push(d);
        }
    }

    /// Reports `entry` as an unknown key, suggesting the closest of `known`.
    pub fn unknown_key(&mut self, entry: &Entry, context: &str, known: &[&str]) {
        let mut d = Diagnostic::error(
            crate::diagnostics::Code::UnknownKey,
            self.path,
            format!("unknown key `{}` in {context}", entry.key),
        )
        .at_in(self.source, self.index(), entry.key_span.clone());
        d = match closest(&entry.key, known.iter().copied()) {
            Some(best) => d.with_help(format!("did you mean `{best}`?")),
            None => d.with_help(format!("known keys: {}", known.join(", "))),
        };
        self.diagnostics.push(d);
    }
}
