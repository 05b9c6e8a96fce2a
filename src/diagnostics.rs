//! Diagnostics: the one type every stage uses to report a user's mistake.
//!
//! A [`Diagnostic`] carries a severity, a stable code, the path relative to the
//! handbook root, a 1-based line and column, a message, an optional hint and the
//! source line it points at. Stages collect them (they never stop at the first
//! one) and the command line prints them all at once in one of three formats:
//! rustc-style text, JSON lines, or GitHub Actions annotations.
//!
//! This module must not decide *whether* something is an error; it only records
//! and renders what the stages found.

use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

/// How bad a diagnostic is. Ordered so that `Error > Warning`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A problem found in the user's handbook, pointing at where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable, kebab-case identifier (`broken-link`, `invalid-toml`, ...).
    pub code: &'static str,
    /// Path relative to the handbook root, with `/` separators.
    pub path: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when the problem concerns the whole file.
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
    #[serde(skip)]
    pub snippet: Option<Box<Snippet>>,
}

/// The source line a diagnostic points at, and which bytes of it to underline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    pub line_text: String,
    pub underline: Range<usize>,
}

impl Diagnostic {
    pub fn error(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, path, message)
    }

    pub fn warning(
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, code, path, message)
    }

    fn new(
        severity: Severity,
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            path: path.into(),
            line: 0,
            column: 0,
            message: message.into(),
            help: None,
            snippet: None,
        }
    }

    /// Points the diagnostic at `span`, a byte range of `source` (the whole file).
    pub fn at(mut self, source: &str, span: Range<usize>) -> Self {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line_text = source[line_start..line_end].trim_end_matches('\r');
        self.line = source[..line_start].matches('\n').count() + 1;
        self.column = source[line_start..start].chars().count() + 1;
        let from = start - line_start;
        let end = floor_char_boundary(source, span.end.clamp(start, line_end)) - line_start;
        let end = end.min(line_text.len());
        let underline = if end > from {
            from..end
        } else {
            // An empty span still gets a one-character caret.
            let next = line_text[from.min(line_text.len())..]
                .chars()
                .next()
                .map_or(0, char::len_utf8);
            from..(from + next)
        };
        self.snippet = Some(Box::new(Snippet {
            line_text: line_text.to_string(),
            underline,
        }));
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Key used to print diagnostics in a stable order.
    pub(crate) fn sort_key(&self) -> (&str, usize, usize, &'static str, &str) {
        (&self.path, self.line, self.column, self.code, &self.message)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Sorts diagnostics into the order they are shown: by file, then position.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Counts of errors and warnings, as printed in the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
}

impl Tally {
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Tally {
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        write!(
            f,
            "{}, {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning")
        )
    }
}

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// rustc-style text with the source line and a caret.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
}

/// Renders diagnostics in `format`; `color` applies to the human format only.
pub fn render(diagnostics: &[Diagnostic], format: Format, color: bool) -> String {
    let mut out = String::new();
    for d in diagnostics {
        match format {
            Format::Human => {
                out.push_str(&render_human(d, color));
                out.push_str("\n\n");
            }
            Format::Json => {
                // Serialising a plain struct of strings and integers cannot fail.
                let line = serde_json::to_string(d).unwrap_or_default();
                out.push_str(&line);
                out.push('\n');
            }
            Format::Github => {
                out.push_str(&render_github(d));
                out.push('\n');
            }
        }
    }
    out
}

fn render_human(d: &Diagnostic, color: bool) -> String {
    use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet as Source};

    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level.primary_title(d.message.as_str()).id(d.code);
    let mut group = match &d.snippet {
        Some(snippet) => title.element(
            Source::source(snippet.line_text.as_str())
                .line_start(d.line)
                .path(d.path.as_str())
                .annotation(AnnotationKind::Primary.span(snippet.underline.clone())),
        ),
        None if d.line > 0 => title.element(
            annotate_snippets::Origin::path(d.path.as_str())
                .line(d.line)
                .char_column(d.column),
        ),
        None => title.element(annotate_snippets::Origin::path(d.path.as_str())),
    };
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let groups: [Group<'_>; 1] = [group];
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&groups)
}

fn render_github(d: &Diagnostic) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        let _ = write!(message, " (help: {help})");
    }
    let mut props = format!("file={}", escape_github_property(&d.path));
    if d.line > 0 {
        let _ = write!(props, ",line={},col={}", d.line, d.column);
    }
    let _ = write!(props, ",title={}", escape_github_property(d.code));
    format!("::{command} {props}::{}", escape_github_data(&message))
}

/// Escapes a workflow-command message (GitHub's `escapeData`).
fn escape_github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property (GitHub's `escapeProperty`).
fn escape_github_property(s: &str) -> String {
    escape_github_data(s)
        .replace(':', "%3A")
        .replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_computes_line_and_character_column() {
        let src = "first\nsé x = 1\n";
        let offset = src.find('x').unwrap_or_default();
        let d = Diagnostic::error("c", "a.md", "m").at(src, offset..offset + 1);
        assert_eq!((d.line, d.column), (2, 4));
        let snippet = d.snippet.unwrap_or_else(|| panic!("snippet"));
        assert_eq!(snippet.line_text, "sé x = 1");
        assert_eq!(&snippet.line_text[snippet.underline], "x");
    }

    #[test]
    fn empty_span_at_end_of_file_does_not_panic() {
        let src = "abc";
        let d = Diagnostic::error("c", "a.md", "m").at(src, 3..3);
        assert_eq!((d.line, d.column), (1, 4));
    }

    #[test]
    fn github_format_escapes_separators() {
        let d = Diagnostic::error("broken-link", "a,b.md", "bad: 100%\nnext");
        assert_eq!(
            render_github(&d),
            "::error file=a%2Cb.md,title=broken-link::bad: 100%25%0Anext"
        );
    }

    #[test]
    fn tally_pluralises() {
        let t = Tally {
            errors: 1,
            warnings: 2,
        };
        assert_eq!(t.to_string(), "1 error, 2 warnings");
    }
}
