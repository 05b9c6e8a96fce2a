//! Printing a [`Report`]: for a person at a terminal, as a pull request
//! comment (Markdown), or as JSON for a script. Every format lists the same
//! findings in the same order.

use std::fmt::Write;

use super::Report;
use crate::diagnostics::{self, Diagnostic, Severity};

/// How a report is printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Human,
    /// GitHub-flavoured Markdown, for a pull request or merge request comment.
    Markdown,
    Json,
}

/// The first line of a Markdown report: a bot updating its comment finds it
/// by this.
pub const MARKDOWN_MARK: &str = "<!-- handbook diff -->";

/// Renders `report`. `base` is the handbook's folder as diagnostics' paths
/// are prefixed with (`docs/handbook/`); `color` is for the human format.
pub fn render(report: &Report, format: Format, color: bool, base: &str) -> String {
    match format {
        Format::Json => {
            let mut json = serde_json::to_string_pretty(report).unwrap_or_default();
            json.push('\n');
            json
        }
        Format::Markdown => markdown(report, base),
        Format::Human => human(report, color, base),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One line that says how big the change is.
fn summary(report: &Report) -> String {
    let mut parts = Vec::new();
    let renamed = report
        .changed
        .iter()
        .filter(|c| c.renamed_from.is_some())
        .count();
    let edited = report.changed.len() - renamed;
    for (n, one, many) in [
        (edited, "page changed", "pages changed"),
        (report.added.len(), "added", "added"),
        (report.removed.len(), "removed", "removed"),
        (renamed, "renamed", "renamed"),
    ] {
        if n > 0 {
            parts.push(plural(n, one, many));
        }
    }
    if parts.is_empty() {
        parts.push("no page changed".into());
    }
    let errors = report.new_errors();
    let warnings = report.new_diagnostics.len() - errors;
    let mut problems = Vec::new();
    if errors > 0 {
        problems.push(plural(errors, "new error", "new errors"));
    }
    if warnings > 0 {
        problems.push(plural(warnings, "new warning", "new warnings"));
    }
    if !report.fixed_diagnostics.is_empty() {
        problems.push(format!("{} fixed", report.fixed_diagnostics.len()));
    }
    if problems.is_empty() {
        problems.push("no new problems".into());
    }
    format!("{} · {}", parts.join(", "), problems.join(", "))
}

fn short(commit: &str) -> &str {
    commit.get(..10).unwrap_or(commit)
}

/// Text that Markdown shows as written: no emphasis, links, tables or HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' | '&'
        ) {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

/// A diagnostic's message: its `code spans` kept, the rest escaped (an
/// odd number of backticks: all of it escaped).
fn message(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return escape(text);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("`{}`", part.replace('\n', " "))
            } else {
                escape(part)
            }
        })
        .collect()
}

/// Rows of one list a comment shows; the rest are counted in `more`.
const MARKDOWN_ROWS: usize = 50;

fn shown<'a, T>(items: &'a [T], more: &mut usize) -> &'a [T] {
    *more += items.len().saturating_sub(MARKDOWN_ROWS);
    &items[..items.len().min(MARKDOWN_ROWS)]
}

/// A path in code: backticks inside are doubled around.
fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {} ``", text.replace('\n', " "))
    } else {
        format!("`{text}`")
    }
}

fn diagnostic_line(d: &Diagnostic, base: &str) -> String {
    let place = if d.line == 0 {
        diagnostics::file_path(base, &d.path)
    } else {
        format!(
            "{}:{}:{}",
            diagnostics::file_path(base, &d.path),
            d.line,
            d.column
        )
    };
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!(
        "{} **{severity}** {}: {}",
        code(&place),
        code(d.code.as_str()),
        message(&d.message)
    )
}

fn markdown(report: &Report, base: &str) -> String {
    let mut out = String::new();
    // Rows left out to keep the comment within what a forge accepts.
    let mut more = 0;
    let _ = writeln!(out, "{MARKDOWN_MARK}");
    let _ = writeln!(
        out,
        "### Handbook: {}\n\nCompared with {} ({}); {} pages before, {} after.\n",
        summary(report),
        escape(&report.base),
        code(short(&report.base_commit)),
        report.pages_before,
        report.pages_after
    );
    if !report.new_diagnostics.is_empty() {
        let _ = writeln!(out, "#### New problems\n");
        for d in shown(&report.new_diagnostics, &mut more) {
            let _ = writeln!(out, "- {}", diagnostic_line(d, base));
        }
        out.push('\n');
    }
    if !report.broken_urls.is_empty() {
        let _ = writeln!(
            out,
            "#### URLs that stop working\n\nBookmarks and links from outside the handbook to these break. \
             Add the old URL to the page's `aliases` to keep them working.\n"
        );
        for b in shown(&report.broken_urls, &mut more) {
            let fix = match &b.now {
                Some(now) => format!("add `aliases = [\"/{}\"]` to {}", b.url, code(now)),
                None => "the page was removed".to_string(),
            };
            let _ = writeln!(
                out,
                "- {} (was {}): {fix}",
                code(&format!("/{}", b.url)),
                code(&b.was)
            );
        }
        out.push('\n');
    }
    if !report.removed_anchors.is_empty() {
        let _ = writeln!(out, "#### Anchors other pages link to that are gone\n");
        for a in shown(&report.removed_anchors, &mut more) {
            let mut line = format!("- {}", code(&format!("{}#{}", a.page, a.anchor)));
            if !a.linked_from.is_empty() {
                let from: Vec<String> = a.linked_from.iter().map(|p| code(p)).collect();
                let _ = write!(line, ": still linked from {}", from.join(", "));
            }
            if !a.unlinked_from.is_empty() {
                let from: Vec<String> = a.unlinked_from.iter().map(|p| code(p)).collect();
                let _ = write!(line, "; links updated in {}", from.join(", "));
            }
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
    }
    let pages = report.added.len() + report.removed.len() + report.changed.len();
    if pages > 0 {
        let _ = writeln!(
            out,
            "#### Pages\n\n| | Page | Kind | Headings |\n|---|---|---|---|"
        );
        for p in shown(&report.added, &mut more) {
            let _ = writeln!(
                out,
                "| added | {} {} | {} | |",
                escape(&p.title),
                code(&p.source),
                p.kind
            );
        }
        for c in shown(&report.changed, &mut more) {
            let what = match (&c.renamed_from, c.edited) {
                (Some(_), true) => "renamed, changed",
                (Some(_), false) => "renamed",
                (None, _) => "changed",
            };
            let mut page = format!("{} {}", escape(&c.page.title), code(&c.page.source));
            if let Some(from) = &c.renamed_from {
                let _ = write!(page, " (was {})", code(from));
            }
            if let Some(title) = &c.title_was {
                let _ = write!(page, " (title was “{}”)", escape(title));
            }
            let mut headings: Vec<String> = c
                .headings_added
                .iter()
                .map(|h| format!("+ {}", escape(h)))
                .collect();
            headings.extend(
                c.headings_removed
                    .iter()
                    .map(|h| format!("− {}", escape(h))),
            );
            if headings.len() > 10 {
                let rest = headings.len() - 10;
                headings.truncate(10);
                headings.push(format!("… {rest} more"));
            }
            let _ = writeln!(
                out,
                "| {what} | {page} | {} | {} |",
                c.page.kind,
                headings.join("<br>")
            );
        }
        for p in shown(&report.removed, &mut more) {
            let _ = writeln!(
                out,
                "| removed | {} {} | {} | |",
                escape(&p.title),
                code(&p.source),
                p.kind
            );
        }
        out.push('\n');
    }
    if !report.statuses.is_empty() {
        let _ = writeln!(out, "#### Decisions\n");
        for s in shown(&report.statuses, &mut more) {
            let from = s.from.as_deref().unwrap_or("new");
            let to = s.to.as_deref().unwrap_or("no status");
            let _ = writeln!(
                out,
                "- {} {}: {from} → **{to}**",
                escape(&s.title),
                code(&s.page)
            );
        }
        out.push('\n');
    }
    if !report.reviews_due.is_empty() {
        let _ = writeln!(out, "#### Runbooks due for review\n");
        for r in shown(&report.reviews_due, &mut more) {
            let when = r
                .next_review
                .as_deref()
                .map(|d| format!(", due {d}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- {} {}: {}{when}",
                escape(&r.title),
                code(&r.page),
                r.review
            );
        }
        out.push('\n');
    }
    if !report.fixed_diagnostics.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>{} fixed</summary>\n",
            plural(report.fixed_diagnostics.len(), "problem", "problems")
        );
        for d in shown(&report.fixed_diagnostics, &mut more) {
            let _ = writeln!(out, "- {}", diagnostic_line(d, base));
        }
        let _ = writeln!(out, "\n</details>\n");
    }
    if !report.reviewers.is_empty() {
        let people: Vec<String> = report
            .reviewers
            .iter()
            .map(|r| {
                format!(
                    "{} ({})",
                    escape(&r.name),
                    plural(r.pages.len(), "page", "pages")
                )
            })
            .collect();
        let _ = writeln!(out, "**People to ask:** {}\n", people.join(", "));
    }
    if more > 0 {
        let _ = writeln!(
            out,
            "_{} more not shown here: `handbook diff --format json` lists every one._\n",
            more
        );
    }
    out
}

fn human(report: &Report, color: bool, base: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "compared with {} ({}): {}",
        report.base,
        short(&report.base_commit),
        summary(report)
    );
    let section = |out: &mut String, title: &str, lines: Vec<String>| {
        if lines.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{title}:");
        for line in lines {
            let _ = writeln!(out, "  {line}");
        }
    };
    let mut pages: Vec<String> = report
        .added
        .iter()
        .map(|p| format!("added    {}  {}", p.source, p.title))
        .collect();
    for c in &report.changed {
        let mut line = match &c.renamed_from {
            Some(from) => format!("renamed  {from} → {}", c.page.source),
            None => format!("changed  {}", c.page.source),
        };
        for h in &c.headings_added {
            let _ = write!(line, "  +“{h}”");
        }
        for h in &c.headings_removed {
            let _ = write!(line, "  −“{h}”");
        }
        pages.push(line);
    }
    pages.extend(
        report
            .removed
            .iter()
            .map(|p| format!("removed  {}  {}", p.source, p.title)),
    );
    section(&mut out, "pages", pages);
    section(
        &mut out,
        "URLs that stop working (add them to `aliases`)",
        report
            .broken_urls
            .iter()
            .map(|b| match &b.now {
                Some(now) => format!("/{}  was {}, now {now}", b.url, b.was),
                None => format!("/{}  was {}, removed", b.url, b.was),
            })
            .collect(),
    );
    section(
        &mut out,
        "anchors other pages link to that are gone",
        report
            .removed_anchors
            .iter()
            .map(|a| {
                let mut line = format!("{}#{}", a.page, a.anchor);
                if !a.linked_from.is_empty() {
                    let _ = write!(line, "  still linked from {}", a.linked_from.join(", "));
                }
                if !a.unlinked_from.is_empty() {
                    let _ = write!(line, "  links updated in {}", a.unlinked_from.join(", "));
                }
                line
            })
            .collect(),
    );
    section(
        &mut out,
        "decisions",
        report
            .statuses
            .iter()
            .map(|s| {
                format!(
                    "{}  {} → {}",
                    s.page,
                    s.from.as_deref().unwrap_or("new"),
                    s.to.as_deref().unwrap_or("no status")
                )
            })
            .collect(),
    );
    section(
        &mut out,
        "runbooks due for review",
        report
            .reviews_due
            .iter()
            .map(|r| {
                format!(
                    "{}  {} {}",
                    r.page,
                    r.review,
                    r.next_review.as_deref().unwrap_or("")
                )
            })
            .collect(),
    );
    section(
        &mut out,
        "fixed",
        report
            .fixed_diagnostics
            .iter()
            .map(|d| {
                let severity = if d.severity == Severity::Error {
                    "error"
                } else {
                    "warning"
                };
                format!(
                    "{}: {severity}[{}] {}",
                    diagnostics::file_path(base, &d.path),
                    d.code,
                    d.message
                )
            })
            .collect(),
    );
    section(
        &mut out,
        "people to ask",
        report
            .reviewers
            .iter()
            .map(|r| format!("{}  {}", r.name, r.pages.join(", ")))
            .collect(),
    );
    if !report.new_diagnostics.is_empty() {
        let _ = writeln!(out, "\nnew problems:\n");
        out.push_str(&diagnostics::render(
            &report.new_diagnostics,
            diagnostics::Format::Human,
            color,
            base,
        ));
    }
    out
}
