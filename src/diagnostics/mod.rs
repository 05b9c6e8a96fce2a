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

mod lines;
mod render;

pub use lines::LineIndex;
use lines::*;
#[cfg(test)]
use render::*;
pub use render::{Format, file_path, render, render_limited};

/// How bad a diagnostic is. Ordered so that `Error > Warning`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// Every diagnostic code, in one place: stable, kebab-case identifiers
/// (`broken-link`) that JSON and GitHub output carry and CI scripts match on.
macro_rules! codes {
    ($($variant:ident => $name:literal,)*) => {
        /// What kind of problem a [`Diagnostic`] is.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($variant,)* }

        impl Code {
            /// Every code, for documentation and tests.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed (`broken-link`).
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }
        }
    };
}

codes! {
    AlertWithoutRule => "alert-without-rule",
    AlertWithoutRunbook => "alert-without-runbook",
    AmbiguousDate => "ambiguous-date",
    BrokenLink => "broken-link",
    BusFactor => "bus-factor",
    CodeownersMismatch => "codeowners-mismatch",
    DuplicateAdrNumber => "duplicate-adr-number",
    DuplicateAlert => "duplicate-alert",
    DuplicatePerson => "duplicate-person",
    DuplicateScenario => "duplicate-scenario",
    DuplicateUrl => "duplicate-url",
    EmptyField => "empty-field",
    FillIn => "fill-in",
    FrontMatterIgnored => "front-matter-ignored",
    GitHistory => "git-history",
    HealthFalling => "health-falling",
    InvalidAlias => "invalid-alias",
    InvalidDiagram => "invalid-diagram",
    InvalidGlob => "invalid-glob",
    InvalidSlug => "invalid-slug",
    InvalidToml => "invalid-toml",
    InvalidValue => "invalid-value",
    InvalidYaml => "invalid-yaml",
    MissingAnchor => "missing-anchor",
    MissingField => "missing-field",
    MissingSection => "missing-section",
    MissingSupersedeTarget => "missing-supersede-target",
    MissingTheme => "missing-theme",
    NonUtf8Name => "non-utf8-name",
    NotUtf8 => "not-utf8",
    RaciAccountable => "raci-accountable",
    RaciResponsible => "raci-responsible",
    RapidDecide => "rapid-decide",
    ReviewOverdue => "review-overdue",
    RunbookUrlMismatch => "runbook-url-mismatch",
    ShallowClone => "shallow-clone",
    SupersedeCycle => "supersede-cycle",
    SupersededStatus => "superseded-status",
    SymlinkOutside => "symlink-outside",
    TemplateError => "template-error",
    TimelineOrder => "timeline-order",
    TwoSectionIndexes => "two-section-indexes",
    UnbalancedMetrics => "unbalanced-metrics",
    UnclosedFrontMatter => "unclosed-front-matter",
    UnknownField => "unknown-field",
    UnknownFolder => "unknown-folder",
    UnknownKey => "unknown-key",
    UnknownPerson => "unknown-person",
    UnknownStatus => "unknown-status",
    UnknownValue => "unknown-value",
    UnpublishedLink => "unpublished-link",
    UnreadableFile => "unreadable-file",
    UnsafeUrl => "unsafe-url",
    WriteFailed => "write-failed",
    WrongType => "wrong-type",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Read back by name (the build cache keeps markdown problems).
impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == name)
            .ok_or_else(|| serde::de::Error::custom("unknown diagnostic code"))
    }
}

/// A problem found in the user's handbook, pointing at where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable, kebab-case identifier (`broken-link`, `invalid-toml`, ...).
    pub code: Code,
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
    pub fn error(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, path, message)
    }

    pub fn warning(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, path, message)
    }

    fn new(
        severity: Severity,
        code: Code,
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

    /// Points the diagnostic at `span`, a byte range of `source` (the whole
    /// file). This scans the file up to the span; a stage that may report
    /// many problems in one file indexes it once and uses [`Diagnostic::at_in`].
    pub fn at(self, source: &str, span: Range<usize>) -> Self {
        self.locate(&Lines::scan(source), span)
    }

    /// [`Diagnostic::at`] with `index`, made once for `source` (a stage's
    /// many diagnostics in one file each cost a lookup, not a scan).
    pub fn at_in(self, source: &str, index: &LineIndex, span: Range<usize>) -> Self {
        self.locate(
            &Lines {
                source,
                index: Some(index),
            },
            span,
        )
    }

    /// Points the diagnostic at `span` of the file `lines` indexes: the
    /// line and column come from the index, and the snippet is a window of
    /// the line around the span, so neither grows with the file or the line.
    #[allow(clippy::string_slice)] // every index is moved to a character boundary first
    fn locate(mut self, lines: &Lines<'_>, span: Range<usize>) -> Self {
        let source = lines.source;
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let (line, line_start) = lines.line_of(start);
        let line_end =
            memchr::memchr(b'\n', &source.as_bytes()[start..]).map_or(source.len(), |i| start + i);
        self.line = line;
        self.column = lines.chars_between(line_start, start) + 1;
        // A window of the line around the span, cut at character boundaries.
        let from = floor_char_boundary(
            source,
            start.saturating_sub(SNIPPET_CONTEXT).max(line_start),
        );
        let end = floor_char_boundary(source, span.end.clamp(start, line_end));
        let to = ceil_char_boundary(
            source,
            end.max(start).saturating_add(SNIPPET_CONTEXT).min(line_end),
        );
        let text = &source[from..to];
        let trimmed = text.trim_end_matches('\r');
        let (lead, tail) = (from > line_start, to < line_end);
        let mut line_text = String::with_capacity(trimmed.len() + 8);
        if lead {
            line_text.push('…');
        }
        let offset = line_text.len();
        line_text.push_str(trimmed);
        if tail {
            line_text.push('…');
        }
        // A span may start in the `\r`s trimmed off the end of the line.
        let text_end = offset + trimmed.len();
        let under_from = (offset + (start - from)).min(text_end);
        let under_to = (offset + (end - from)).min(text_end);
        let underline = if under_to > under_from {
            under_from..under_to
        } else {
            // An empty span still gets a one-character caret.
            let next = line_text[under_from.min(line_text.len())..]
                .chars()
                .next()
                .map_or(0, char::len_utf8);
            under_from..(under_from + next)
        };
        self.snippet = Some(Box::new(Snippet {
            line_text,
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
        (
            &self.path,
            self.line,
            self.column,
            self.code.as_str(),
            &self.message,
        )
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_above_the_handbook_is_named_from_the_folder_the_output_is_read_in() {
        assert_eq!(
            file_path("docs/handbook/", "../../monitoring/a.yml"),
            "monitoring/a.yml"
        );
        assert_eq!(
            file_path("", "../../monitoring/a.yml"),
            "../../monitoring/a.yml"
        );
        assert_eq!(
            file_path("/srv/docs/", "../monitoring/a.yml"),
            "/srv/monitoring/a.yml"
        );
        assert_eq!(file_path("docs/", "runbooks/db.md"), "docs/runbooks/db.md");
    }

    #[test]
    fn every_code_is_kebab_case_unique_and_listed_in_the_readme() {
        let readme = include_str!("../../README.md");
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "{name} twice");
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{name}"
            );
            assert!(
                readme.contains(&format!("`{name}`")),
                "README does not list `{name}`"
            );
        }
    }

    #[test]
    fn at_computes_line_and_character_column() {
        let src = "first\nsé x = 1\n";
        let offset = src.find('x').unwrap_or_default();
        let d = Diagnostic::error(Code::WrongType, "a.md", "m").at(src, offset..offset + 1);
        assert_eq!((d.line, d.column), (2, 4));
        let snippet = d.snippet.unwrap_or_else(|| panic!("snippet"));
        assert_eq!(snippet.line_text, "sé x = 1");
        assert_eq!(&snippet.line_text[snippet.underline], "x");
    }

    #[test]
    fn indexed_positions_match_a_scan_everywhere() {
        let src = "ab\nsé x\n\n€uro 漢字 and more\nlast";
        let index = LineIndex::new(src);
        for at in (0..=src.len()).filter(|&i| src.is_char_boundary(i)) {
            let scanned = Diagnostic::error(Code::WrongType, "a.md", "m").at(src, at..at + 1);
            let indexed =
                Diagnostic::error(Code::WrongType, "a.md", "m").at_in(src, &index, at..at + 1);
            assert_eq!(scanned, indexed, "at {at}");
            let expected_line = src[..at].matches('\n').count() + 1;
            let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
            assert_eq!(indexed.line, expected_line);
            assert_eq!(indexed.column, src[line_start..at].chars().count() + 1);
        }
    }

    #[test]
    fn snippets_of_long_lines_are_a_window_around_the_span() {
        let long = format!("{}TARGET{}\n", "é".repeat(5000), "x".repeat(5000));
        let at = long.find("TARGET").unwrap_or_default();
        let d = Diagnostic::error(Code::WrongType, "a.md", "m").at_in(
            &long,
            &LineIndex::new(&long),
            at..at + 6,
        );
        assert_eq!(d.column, 5001);
        let snippet = d.snippet.unwrap_or_else(|| panic!("snippet"));
        assert!(snippet.line_text.len() < 300, "{}", snippet.line_text.len());
        assert_eq!(&snippet.line_text[snippet.underline.clone()], "TARGET");
        assert!(snippet.line_text.starts_with('…') && snippet.line_text.ends_with('…'));
    }

    #[test]
    fn a_span_in_trailing_carriage_returns_does_not_panic() {
        // Found by fuzzing front matter: a long line ending in `\r`s, the
        // span among them, the snippet cut short after it.
        let src = format!(
            "x = \"\"\"{}\"\"\"{} tail\n",
            "y".repeat(200),
            "\r".repeat(100)
        );
        let at = src.find('\r').unwrap_or_default() + 50;
        let d = Diagnostic::error(Code::WrongType, "a.md", "m").at(&src, at..at);
        let snippet = d.snippet.unwrap_or_else(|| panic!("snippet"));
        assert!(snippet.line_text.is_char_boundary(snippet.underline.start));
        let d = Diagnostic::error(Code::WrongType, "a.md", "m").at("ab\r\r\r\n", 3..4);
        assert_eq!(d.column, 4);
    }

    #[test]
    fn empty_span_at_end_of_file_does_not_panic() {
        let src = "abc";
        let d = Diagnostic::error(Code::WrongType, "a.md", "m").at(src, 3..3);
        assert_eq!((d.line, d.column), (1, 4));
    }

    #[test]
    fn github_format_escapes_separators() {
        let d = Diagnostic::error(
            crate::diagnostics::Code::BrokenLink,
            "a,b.md",
            "bad: 100%\nnext",
        );
        assert_eq!(
            render_github(&d, ""),
            "::error file=a%2Cb.md,title=broken-link::bad: 100%25%0Anext"
        );
    }

    #[test]
    fn human_output_shows_a_few_of_each_code_then_a_table() {
        let mut all: Vec<Diagnostic> = (0..1000)
            .map(|i| {
                Diagnostic::error(
                    crate::diagnostics::Code::BrokenLink,
                    "a.md",
                    format!("link {i}"),
                )
            })
            .collect();
        all.push(Diagnostic::warning(
            crate::diagnostics::Code::MissingField,
            "b.md",
            "no status",
        ));
        let text = render_limited(&all, Format::Human, false, 20, "");
        assert_eq!(text.matches("error[broken-link]").count(), 20);
        assert_eq!(text.matches("warning[missing-field]").count(), 1);
        assert!(text.contains("note: 980 more not shown"), "{text}");
        assert!(
            text.contains("broken-link        1000         0      20"),
            "{text}"
        );
        assert_eq!(
            render_limited(&all, Format::Json, false, 20, "")
                .lines()
                .count(),
            1001
        );
        assert_eq!(
            render_limited(&all, Format::Human, false, 0, ""),
            render(&all, Format::Human, false, "")
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
