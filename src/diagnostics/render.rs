//! Printing diagnostics: rustc-style text (at most N per code, then a table of
//! counts), JSON lines, or GitHub workflow commands.

use super::*;

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

/// One diagnostic as `--format json` prints it: `path` relative to the
/// handbook, `file` relative to the current folder, and `line`/`column`
/// null for a problem of the whole file.
#[derive(Serialize)]
pub(super) struct JsonDiagnostic<'d> {
    /// Always `"diagnostic"` (see `site::Stale`).
    #[serde(rename = "type")]
    pub(super) record: &'static str,
    pub(super) severity: Severity,
    pub(super) code: Code,
    pub(super) path: &'d str,
    pub(super) file: String,
    pub(super) line: Option<usize>,
    pub(super) column: Option<usize>,
    pub(super) message: &'d str,
    pub(super) help: Option<&'d str>,
}

/// A diagnostic's file as seen from where `base` (the handbook's folder,
/// `docs/handbook/`) is: `base` and the path joined, a path above the
/// handbook (`../monitoring/x.yml`, a rule file) resolved against it.
pub fn file_path(base: &str, path: &str) -> String {
    if path.starts_with("../")
        && let Some(joined) = crate::paths::normalize(base, path)
    {
        // An absolute folder (`/srv/docs/`) stays absolute.
        return if base.starts_with('/') {
            format!("/{joined}")
        } else {
            joined
        };
    }
    format!("{base}{path}")
}

/// Renders diagnostics in `format`; `color` applies to the human format
/// only. `base` is the handbook folder as seen from the current folder
/// (`""`, or `docs/`): human and GitHub output name files from there, as
/// editors and GitHub's annotations expect.
pub fn render(diagnostics: &[Diagnostic], format: Format, color: bool, base: &str) -> String {
    let mut out = String::new();
    for d in diagnostics {
        match format {
            Format::Human => {
                out.push_str(&render_human(d, color, base));
                out.push_str("\n\n");
            }
            Format::Json => {
                let whole_file = d.line == 0;
                let json = JsonDiagnostic {
                    record: "diagnostic",
                    severity: d.severity,
                    code: d.code,
                    path: &d.path,
                    file: file_path(base, &d.path),
                    line: (!whole_file).then_some(d.line),
                    column: (!whole_file).then_some(d.column),
                    message: &d.message,
                    help: d.help.as_deref(),
                };
                // Serialising a plain struct of strings and integers cannot fail.
                let line = serde_json::to_string(&json).unwrap_or_default();
                out.push_str(&line);
                out.push('\n');
            }
            Format::Github => {
                out.push_str(&render_github(d, base));
                out.push('\n');
            }
        }
    }
    out
}

/// Renders diagnostics as [`render`] does, except that the human format
/// shows at most `per_code` of each code (`0`: all) and then a table of
/// every code with its counts, so ten thousand of one mistake do not flood
/// a terminal or a CI log. JSON and GitHub formats always have every one.
pub fn render_limited(
    diagnostics: &[Diagnostic],
    format: Format,
    color: bool,
    per_code: usize,
    base: &str,
) -> String {
    if format != Format::Human || per_code == 0 {
        return render(diagnostics, format, color, base);
    }
    let mut counts: std::collections::BTreeMap<&str, (usize, usize, usize)> = Default::default();
    let mut out = String::new();
    for d in diagnostics {
        let (errors, warnings, shown) = counts.entry(d.code.as_str()).or_default();
        match d.severity {
            Severity::Error => *errors += 1,
            Severity::Warning => *warnings += 1,
        }
        if *shown < per_code {
            *shown += 1;
            out.push_str(&render_human(d, color, base));
            out.push_str("\n\n");
        }
    }
    let hidden: usize = counts.values().map(|(e, w, s)| e + w - s).sum();
    if hidden == 0 {
        return out;
    }
    let width = counts.keys().map(|c| c.len()).max().unwrap_or(4).max(4);
    let _ = writeln!(
        out,
        "note: {hidden} more not shown (at most {per_code} of each code; \
         `--max-diagnostics 0` shows all, `--format json` lists all)"
    );
    let _ = writeln!(
        out,
        "  {:<width$}  {:>8}  {:>8}  {:>6}",
        "code", "errors", "warnings", "shown"
    );
    for (code, (errors, warnings, shown)) in &counts {
        let _ = writeln!(
            out,
            "  {code:<width$}  {errors:>8}  {warnings:>8}  {shown:>6}"
        );
    }
    out.push('\n');
    out
}

pub(super) fn render_human(d: &Diagnostic, color: bool, base: &str) -> String {
    use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet as Source};

    let file = file_path(base, &d.path);
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level.primary_title(d.message.as_str()).id(d.code.as_str());
    let mut group = match &d.snippet {
        Some(snippet) => title.element(
            Source::source(snippet.line_text.as_str())
                .line_start(d.line)
                .path(file.as_str())
                .annotation(AnnotationKind::Primary.span(snippet.underline.clone())),
        ),
        None if d.line > 0 => title.element(
            annotate_snippets::Origin::path(file.as_str())
                .line(d.line)
                .char_column(d.column),
        ),
        None => title.element(annotate_snippets::Origin::path(file.as_str())),
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

pub(super) fn render_github(d: &Diagnostic, base: &str) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        let _ = write!(message, " (help: {help})");
    }
    let mut props = format!("file={}", escape_github_property(&file_path(base, &d.path)));
    if d.line > 0 {
        let _ = write!(props, ",line={},col={}", d.line, d.column);
    }
    let _ = write!(props, ",title={}", escape_github_property(d.code.as_str()));
    format!("::{command} {props}::{}", escape_github_data(&message))
}

/// Escapes a workflow-command message (GitHub's `escapeData`).
pub(super) fn escape_github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property (GitHub's `escapeProperty`).
pub(super) fn escape_github_property(s: &str) -> String {
    escape_github_data(s)
        .replace(':', "%3A")
        .replace(',', "%2C")
}
