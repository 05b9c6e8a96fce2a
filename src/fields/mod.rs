//! Spanned key/value trees parsed from TOML or YAML, and typed extraction from them.
//!
//! Front matter and `handbook.toml` are parsed into [`Table`]s whose every key and
//! value remembers its byte span *in the whole file*, so a wrong type or an unknown
//! key becomes a diagnostic at its true line and column. Typed validation
//! (`Config`, `FrontMatter`) happens in the modules that own those types, using the
//! small helpers here (`extract.rs`, the [`Extractor`]); `schema.rs` holds the
//! [`Field`] rows each owner declares its keys with, and the "did you mean"
//! comparison of an unknown key with them.

use std::ops::Range;

use crate::diagnostics::Diagnostic;

mod extract;
mod schema;

pub use extract::Extractor;
pub use schema::{Field, closest, closest_keyed, keys_of};

/// A parsed value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    String(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    /// A TOML date or datetime, kept as written (`2024-03-01`).
    Datetime(String),
    Array(Vec<Node>),
    Table(Table),
    /// YAML `null` / `~` / an empty value.
    Null,
}

/// An ordered map whose keys keep their spans.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub entries: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Range<usize>,
    pub node: Node,
}

impl Value {
    /// The name used in "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Datetime(_) => "a date",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
            Value::Null => "nothing",
        }
    }
}

impl Table {
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

impl Node {
    /// Converts to JSON for templates (`page.extra`). Dates become strings.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::String(s) | Value::Datetime(s) => J::String(s.clone()),
            Value::Integer(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Boolean(b) => J::Bool(*b),
            Value::Array(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Table(t) => J::Object(
                t.entries
                    .iter()
                    .map(|e| (e.key.clone(), e.node.to_json()))
                    .collect(),
            ),
            Value::Null => J::Null,
        }
    }
}

/// A syntax error in TOML or YAML, with its span in the whole file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Range<usize>,
    /// True when the text parses but is not a mapping of keys (`tag:Web
    /// Client`, one string): GitHub shows such a page, so it is a warning.
    pub not_a_mapping: bool,
}

/// Parses TOML `text`, which starts at byte `base` of its file.
pub fn parse_toml(text: &str, base: usize) -> Result<Table, SyntaxError> {
    use toml::de::DeTable;
    match DeTable::parse(text) {
        Ok(table) => Ok(toml_table(table.get_ref(), base)),
        Err(err) => {
            let span = err.span().unwrap_or(0..0);
            // toml's message repeats the snippet; keep only its first line.
            let message = err
                .message()
                .lines()
                .next()
                .unwrap_or("invalid TOML")
                .to_string();
            Err(SyntaxError {
                message,
                span: (span.start + base)..(span.end + base),
                not_a_mapping: false,
            })
        }
    }
}

fn toml_table(table: &toml::de::DeTable<'_>, base: usize) -> Table {
    let mut entries: Vec<Entry> = table
        .iter()
        .map(|(key, value)| {
            let ks = key.span();
            Entry {
                key: key.get_ref().to_string(),
                key_span: (ks.start + base)..(ks.end + base),
                node: toml_node(value, base),
            }
        })
        .collect();
    // Keep the order the keys were written in, so diagnostics read top to bottom.
    entries.sort_by_key(|e| e.key_span.start);
    Table { entries }
}

fn toml_node(value: &toml::Spanned<toml::de::DeValue<'_>>, base: usize) -> Node {
    use toml::de::DeValue;
    let s = value.span();
    let span = (s.start + base)..(s.end + base);
    let value = match value.get_ref() {
        DeValue::String(s) => Value::String(s.to_string()),
        // Integers beyond i64 are rare enough to keep as (lossy) floats.
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).map_or_else(
            |_| Value::Float(parse_toml_float(i.as_str())),
            Value::Integer,
        ),
        DeValue::Float(f) => Value::Float(parse_toml_float(f.as_str())),
        DeValue::Boolean(b) => Value::Boolean(*b),
        DeValue::Datetime(d) => Value::Datetime(d.to_string()),
        DeValue::Array(items) => Value::Array(items.iter().map(|v| toml_node(v, base)).collect()),
        DeValue::Table(t) => Value::Table(toml_table(t, base)),
    };
    Node { value, span }
}

fn parse_toml_float(s: &str) -> f64 {
    let cleaned: String = s.chars().filter(|c| *c != '_').collect();
    match cleaned.as_str() {
        "inf" | "+inf" => f64::INFINITY,
        "-inf" => f64::NEG_INFINITY,
        "nan" | "+nan" | "-nan" => f64::NAN,
        other => other.parse().unwrap_or(f64::NAN),
    }
}

/// Parses a YAML mapping `text`, which starts at byte `base` of its file.
pub fn parse_yaml(text: &str, base: usize) -> Result<Table, SyntaxError> {
    use yaml_rust2::parser::Parser;
    let mut builder = YamlBuilder {
        base,
        stack: Vec::new(),
        root: None,
    };
    let mut parser = Parser::new_from_str(text);
    if let Err(err) = parser.load(&mut builder, false) {
        let at = err.marker().index() + base;
        return Err(SyntaxError {
            message: err.info().to_string(),
            span: at..at,
            not_a_mapping: false,
        });
    }
    match builder.root {
        None => Ok(Table::default()),
        Some(Node {
            value: Value::Table(t),
            ..
        }) => Ok(t),
        Some(Node {
            value: Value::Null, ..
        }) => Ok(Table::default()),
        Some(other) => Err(SyntaxError {
            message: format!(
                "front matter must be a mapping of keys, found {}",
                other.value.type_name()
            ),
            span: other.span,
            not_a_mapping: true,
        }),
    }
}

/// A mapping key read from YAML, waiting for its value.
type PendingKey = Option<(String, Range<usize>)>;

/// Builds spanned nodes from the YAML event stream.
struct YamlBuilder {
    base: usize,
    /// Open containers; a mapping collects alternating keys and values.
    stack: Vec<(Node, PendingKey)>,
    root: Option<Node>,
}

impl YamlBuilder {
    fn push_value(&mut self, node: Node) {
        let Some((parent, pending_key)) = self.stack.last_mut() else {
            self.root = Some(node);
            return;
        };
        match &mut parent.value {
            Value::Array(items) => items.push(node),
            Value::Table(table) => match pending_key.take() {
                Some((key, key_span)) => table.entries.push(Entry {
                    key,
                    key_span,
                    node,
                }),
                None => {
                    let key = match &node.value {
                        Value::String(s) | Value::Datetime(s) => s.clone(),
                        Value::Integer(i) => i.to_string(),
                        Value::Float(f) => f.to_string(),
                        Value::Boolean(b) => b.to_string(),
                        _ => String::new(),
                    };
                    *pending_key = Some((key, node.span));
                }
            },
            _ => {}
        }
    }
}

impl yaml_rust2::parser::MarkedEventReceiver for YamlBuilder {
    fn on_event(&mut self, event: yaml_rust2::Event, mark: yaml_rust2::scanner::Marker) {
        use yaml_rust2::Event;
        let at = mark.index() + self.base;
        match event {
            Event::MappingStart(..) => {
                self.stack.push((
                    Node {
                        value: Value::Table(Table::default()),
                        span: at..at,
                    },
                    None,
                ));
            }
            Event::SequenceStart(..) => {
                self.stack.push((
                    Node {
                        value: Value::Array(Vec::new()),
                        span: at..at,
                    },
                    None,
                ));
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some((mut node, _)) = self.stack.pop() {
                    node.span.end = at.max(node.span.start);
                    self.push_value(node);
                }
            }
            Event::Scalar(text, style, _, _) => {
                let len = text.len();
                let value = if style == yaml_rust2::scanner::TScalarStyle::Plain {
                    yaml_plain_scalar(text)
                } else {
                    Value::String(text)
                };
                self.push_value(Node {
                    value,
                    span: at..at + len,
                });
            }
            Event::Alias(_) => self.push_value(Node {
                value: Value::Null,
                span: at..at,
            }),
            _ => {}
        }
    }
}

fn yaml_plain_scalar(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Boolean(true),
        "false" | "False" | "FALSE" => Value::Boolean(false),
        t => {
            if let Ok(i) = t.parse::<i64>() {
                Value::Integer(i)
            } else if t.contains('.') && t.parse::<f64>().is_ok() {
                Value::Float(t.parse().unwrap_or_default())
            } else {
                Value::String(text)
            }
        }
    }
}

/// A calendar date as written in front matter (`2024-03-01`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Date(String);

impl From<jiff::civil::Date> for Date {
    fn from(d: jiff::civil::Date) -> Date {
        Date(d.to_string())
    }
}

impl Date {
    /// Accepts `YYYY-MM-DD`, optionally followed by a time (`T10:00:00Z`).
    #[allow(clippy::string_slice)] // `get(..10)` succeeded, so 10 is a character boundary
    pub fn parse(text: &str) -> Option<Date> {
        let day = text.get(..10)?;
        let rest = &text[10..];
        if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
            return None;
        }
        // Strictly YYYY-MM-DD, and a real day of the calendar.
        let b = day.as_bytes();
        if !(b[4] == b'-' && b[7] == b'-') {
            return None;
        }
        day.parse::<jiff::civil::Date>().ok().map(Date::from)
    }

    /// The calendar date, for arithmetic.
    pub fn civil(&self) -> jiff::civil::Date {
        self.0.parse().unwrap_or_default()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_spans_are_relative_to_the_whole_file() {
        let file = "+++\ntitle = 3\n+++\n";
        let table = parse_toml(&file[4..14], 4).unwrap_or_default();
        let entry = table.get("title").unwrap_or_else(|| panic!("title"));
        assert_eq!(&file[entry.key_span.clone()], "title");
        assert_eq!(&file[entry.node.span.clone()], "3");
    }

    #[test]
    fn toml_syntax_error_points_into_the_file() {
        let file = "+++\ntitle = \"a\"\nbad = \n+++\n";
        let err = parse_toml(&file[4..23], 4)
            .err()
            .unwrap_or_else(|| panic!("error"));
        let line = file[..err.span.start].matches('\n').count() + 1;
        assert_eq!(line, 3);
    }

    #[test]
    fn yaml_keys_and_values_carry_spans() {
        let text = "title: Hello\ntags: [a, b]\ndraft: true\n";
        let table = parse_yaml(text, 0).unwrap_or_default();
        let tags = table.get("tags").unwrap_or_else(|| panic!("tags"));
        assert_eq!(&text[tags.key_span.clone()], "tags");
        assert!(matches!(&tags.node.value, Value::Array(items) if items.len() == 2));
        assert_eq!(
            table.get("draft").map(|e| &e.node.value),
            Some(&Value::Boolean(true))
        );
    }

    #[test]
    fn yaml_error_has_position() {
        let text = "title: [unclosed\n";
        assert!(parse_yaml(text, 10).is_err_and(|e| e.span.start >= 10));
    }

    #[test]
    fn closest_suggests_typos_only() {
        assert_eq!(closest("titel", ["title", "tags"]), Some("title"));
        assert_eq!(closest("zzzz", ["title", "tags"]), None);
        assert_eq!(closest("bbo", ["bob", "dana"]), Some("bob"));
    }
}
