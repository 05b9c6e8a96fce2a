//! Front matter: splitting it from the body and validating it into [`FrontMatter`].
//!
//! `+++` fences TOML (the primary format); `---` fences YAML, accepted so that
//! repositories written for other tools build without edits. Spans reported here
//! are byte offsets in the *whole file*, so diagnostics land on the right line.

use std::ops::Range;

use crate::diagnostics::Diagnostic;
use crate::fields::{self, Extractor, Table};

/// Where the front matter and the body are in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    pub format: Option<Format>,
    /// The text between the fences.
    pub block: Range<usize>,
    /// Where the markdown body starts.
    pub body_start: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

/// Separates front matter from the body. A fence that is opened but never closed
/// is an error at the opening fence.
#[allow(clippy::string_slice)] // every index is a `find('\n')` result or a line end, so a character boundary
pub fn split(path: &str, source: &str) -> Result<Split, Diagnostic> {
    let (fence, format) = if source.starts_with("+++") {
        ("+++", Format::Toml)
    } else if source.starts_with("---") {
        ("---", Format::Yaml)
    } else {
        return Ok(Split {
            format: None,
            block: 0..0,
            body_start: 0,
        });
    };
    let first_line_end = source.find('\n').map_or(source.len(), |i| i + 1);
    if source[..first_line_end].trim_end() != fence {
        // `---` followed by text is a thematic break or prose, not front matter.
        return Ok(Split {
            format: None,
            block: 0..0,
            body_start: 0,
        });
    }
    let mut offset = first_line_end;
    while offset < source.len() {
        let line_end = source[offset..]
            .find('\n')
            .map_or(source.len(), |i| offset + i + 1);
        let line = source[offset..line_end].trim_end();
        if line == fence || (format == Format::Yaml && line == "...") {
            return Ok(Split {
                format: Some(format),
                block: first_line_end..offset,
                body_start: line_end,
            });
        }
        offset = line_end;
    }
    Err(Diagnostic::error(
        crate::diagnostics::Code::UnclosedFrontMatter,
        path,
        "front matter is opened but never closed",
    )
    .at(source, 0..fence.len())
    .with_help(format!(
        "add a line containing only `{fence}` after the last front-matter line"
    )))
}

pub use crate::fields::Date;

/// The validated, typed front matter of one page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrontMatter {
    /// True when the block could not be parsed: nothing in it was read, so
    /// what seems missing is not reported as missing.
    pub unreadable: bool,
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub tags: Vec<String>,
    pub weight: Option<i64>,
    pub draft: bool,
    pub slug: Option<String>,
    pub aliases: Vec<String>,
    pub kind: Option<String>,
    /// Where `kind` was written, for "unknown kind" diagnostics.
    pub kind_span: Option<Range<usize>>,
    /// Keys the core does not know, kept for templates as `page.extra`.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The same keys with their spans, for the page kinds to validate.
    pub extra_fields: Table,
}

/// Parses and validates the front matter of `source` (already split). Returns
/// defaults for whatever was wrong, together with every problem found.
#[allow(clippy::string_slice)] // the block is a range `split` found at line ends
pub fn parse(path: &str, source: &str, split: &Split) -> (FrontMatter, Vec<Diagnostic>) {
    let Some(format) = split.format else {
        return (FrontMatter::default(), Vec::new());
    };
    let text = &source[split.block.clone()];
    let parsed = match format {
        Format::Toml => fields::parse_toml(text, split.block.start),
        Format::Yaml => fields::parse_yaml(text, split.block.start),
    };
    let table = match parsed {
        Ok(t) => t,
        Err(e) => {
            let (code, name) = match format {
                Format::Toml => (crate::diagnostics::Code::InvalidToml, "TOML"),
                Format::Yaml => (crate::diagnostics::Code::InvalidYaml, "YAML"),
            };
            let help = match format {
                Format::Toml => {
                    "front matter between `+++` lines is TOML: quote strings (title = \"Failover\"), write dates as 2024-03-01"
                }
                Format::Yaml => {
                    "front matter between `---` lines is YAML: check the indentation and quoting at the mark"
                }
            };
            let d = if e.not_a_mapping {
                // GitHub shows the page; the block just says nothing we can read.
                Diagnostic::warning(
                    crate::diagnostics::Code::FrontMatterIgnored,
                    path,
                    format!("this front matter is not a list of `key: value` fields, so it was ignored ({})", e.message),
                )
                .at(source, e.span)
                .with_help("YAML needs a space after the colon: `tag: Web Client`")
            } else {
                Diagnostic::error(
                    code,
                    path,
                    format!("invalid {name} in front matter: {}", e.message),
                )
                .at(source, e.span)
                .with_help(help)
            };
            let front = FrontMatter {
                unreadable: true,
                ..FrontMatter::default()
            };
            return (front, vec![d]);
        }
    };
    validate(path, source, &table)
}

fn validate(path: &str, source: &str, table: &Table) -> (FrontMatter, Vec<Diagnostic>) {
    let mut x = Extractor::new(path, source);
    let mut fm = FrontMatter::default();
    for entry in &table.entries {
        match entry.key.as_str() {
            "title" => fm.title = x.string(entry),
            "description" => fm.description = x.string(entry),
            "date" => fm.date = x.date(entry),
            "updated" => fm.updated = x.date(entry),
            "tags" => fm.tags = x.string_list(entry).unwrap_or_default(),
            "weight" => fm.weight = x.integer(entry),
            "draft" => fm.draft = x.boolean(entry).unwrap_or(false),
            "slug" => fm.slug = slug(&mut x, entry),
            "aliases" => fm.aliases = aliases(&mut x, entry),
            "kind" => {
                fm.kind = x.string(entry);
                fm.kind_span = Some(entry.node.span.clone());
            }
            _ => {
                fm.extra.insert(entry.key.clone(), entry.node.to_json());
                fm.extra_fields.entries.push(entry.clone());
            }
        }
    }
    (fm, x.diagnostics)
}

/// A `slug` that names something: one with no letter or digit (`-..`)
/// would collapse to `-`, so it is refused at its line and the file name
/// is used instead.
fn slug(x: &mut Extractor<'_>, entry: &fields::Entry) -> Option<String> {
    let slug = x.string(entry)?;
    if super::is_meaningful_slug(&slug) {
        return Some(slug);
    }
    x.report(
        Diagnostic::error(
            crate::diagnostics::Code::InvalidSlug,
            x.path,
            format!("`slug = {slug:?}` has no letter or digit to make a URL from"),
        )
        .with_help("use words, e.g. `slug = \"db-failover\"`, or remove it to use the file name"),
        entry.node.span.clone(),
    );
    None
}

/// The `aliases`, without those that would be written outside the output
/// folder (each refused one is an error at its item).
fn aliases(x: &mut Extractor<'_>, entry: &fields::Entry) -> Vec<String> {
    let Some(aliases) = x.string_list(entry) else {
        return Vec::new();
    };
    let fields::Value::Array(items) = &entry.node.value else {
        return aliases;
    };
    aliases
        .into_iter()
        .zip(items)
        .filter(|(alias, item)| match crate::confine::alias_file(alias) {
            Ok(_) => true,
            Err(why) => {
                x.report(
                    Diagnostic::error(
                        crate::diagnostics::Code::InvalidAlias,
                        x.path,
                        format!("alias `{}` cannot be written: {why}", alias.escape_debug()),
                    )
                    .with_help("an alias is a path inside the site, e.g. `/old/db-failover/`"),
                    item.span.clone(),
                );
                false
            }
        })
        .map(|(alias, _)| alias)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(source: &str) -> (FrontMatter, Vec<Diagnostic>) {
        match split("a.md", source) {
            Ok(s) => parse("a.md", source, &s),
            Err(d) => (FrontMatter::default(), vec![d]),
        }
    }

    #[test]
    fn no_front_matter_means_body_from_the_start() {
        let s = split("a.md", "# Title\n").unwrap_or_else(|d| panic!("{d:?}"));
        assert_eq!((s.format, s.body_start), (None, 0));
    }

    #[test]
    fn thematic_break_with_text_is_not_front_matter() {
        let s = split("a.md", "--- not a fence\n").unwrap_or_else(|d| panic!("{d:?}"));
        assert_eq!(s.format, None);
    }

    #[test]
    fn toml_front_matter_is_typed() {
        let src = "+++\ntitle = \"On call\"\ndate = 2024-03-01\ntags = [\"ops\"]\nweight = 2\nowner = \"dana\"\n+++\nbody\n";
        let (fm, diags) = parse_str(src);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(fm.title.as_deref(), Some("On call"));
        assert_eq!(fm.date.as_ref().map(Date::as_str), Some("2024-03-01"));
        assert_eq!(fm.weight, Some(2));
        assert_eq!(fm.extra.get("owner"), Some(&serde_json::json!("dana")));
    }

    #[test]
    fn yaml_front_matter_is_accepted() {
        let src = "---\ntitle: Deploys\ndate: 2023-11-02\ndraft: true\n---\nbody\n";
        let (fm, diags) = parse_str(src);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(fm.title.as_deref(), Some("Deploys"));
        assert_eq!(fm.date.as_ref().map(Date::as_str), Some("2023-11-02"));
        assert!(fm.draft);
    }

    #[test]
    fn every_wrong_type_is_reported_at_its_line() {
        let src = "+++\ntitle = 4\ntags = \"ops\"\ndate = \"soon\"\n+++\n";
        let (_, diags) = parse_str(src);
        let lines: Vec<_> = diags.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![2, 3, 4]);
    }

    #[test]
    fn unclosed_front_matter_points_at_the_opening_fence() {
        let (_, diags) = parse_str("+++\ntitle = \"x\"\n\nbody\n");
        assert_eq!(diags.len(), 1);
        assert_eq!(
            (diags[0].code.as_str(), diags[0].line, diags[0].column),
            ("unclosed-front-matter", 1, 1)
        );
    }

    #[test]
    fn aliases_and_slugs_that_leave_the_output_are_errors_at_their_line() {
        let src = "+++\nslug = \"-..\"\naliases = [\"/ok/\",\n  \"../../../x/\"]\n+++\n";
        let (fm, diags) = parse_str(src);
        let got: Vec<_> = diags.iter().map(|d| (d.code.as_str(), d.line)).collect();
        assert_eq!(got, vec![("invalid-slug", 2), ("invalid-alias", 4)]);
        assert_eq!(fm.slug, None);
        assert_eq!(fm.aliases, vec!["/ok/".to_string()]);
    }

    #[test]
    fn dates_are_validated() {
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2024-13-01").is_none());
        assert!(Date::parse("2024-01-01T10:00:00Z").is_some());
        assert!(Date::parse("2024-1-1").is_none());
        assert!(Date::parse("2023-02-29").is_none());
        assert_eq!(
            Date::parse("2024-03-01").map(|d| d.civil()),
            Some(jiff::civil::date(2024, 3, 1))
        );
    }
}
