//! Tera setup: the embedded default theme, theme folders, a handbook's own
//! template overrides, and rendering a page's context to HTML.
//!
//! Templates see only the view models of [`crate::site::views`]; every URL in
//! them is already relative to the page being rendered, so templates never
//! build URLs.

use std::path::Path;

use crate::diagnostics::Diagnostic;

/// Embeds files of `themes/default/DIR` as `(name, contents)` pairs.
macro_rules! embed {
    ($dir:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/", $dir, "/", $name)))),*]
    };
}

/// The default theme's templates, embedded so the binary is the whole tool.
const DEFAULT_TEMPLATES: &[(&str, &str)] = embed!("templates":
    "base.html",
    "page.html",
    "404.html",
    "actions.html",
    "needs-review.html",
    "changes.html",
    "people.html",
    "skills.html",
    "team-health.html",
    "person.html",
    "search.html",
    "print.html",
    "partials/article.html",
    "partials/tree.html",
    "partials/people.html",
    "partials/adr-meta.html",
    "partials/adr-log.html",
    "partials/runbook-meta.html",
    "partials/runbook-index.html",
    "partials/review-meta.html",
    "partials/review-body.html",
    "partials/action-table.html",
    "partials/action-due-state.html",
    "partials/dated-list.html",
    "partials/health.html",
    "partials/spread.html",
    "partials/table-filter.html",
    "partials/charter.html",
    "partials/channels.html",
    "partials/raci.html",
    "partials/rapid.html",

);

/// The default theme's static files, written under `theme/` in the output.
/// `style.css` is written with its dark palette once; see [`default_static`].
const DEFAULT_STATIC_SOURCES: &[(&str, &str)] =
    embed!("static": "style.css", "theme.js", "handbook.js", "search.js", "favicon.svg");

/// The default theme's static files as written into the output. The
/// stylesheet declares its dark palette once, for a system in dark mode
/// (the block after `:root:not([data-theme=light]) {`); the reader's own
/// choice of dark (`:root[data-theme=dark]`, whose body is the line
/// `/* the dark palette above */`) gets the same declarations.
pub fn default_static() -> &'static [(&'static str, String)] {
    static FILES: std::sync::LazyLock<Vec<(&'static str, String)>> =
        std::sync::LazyLock::new(|| {
            DEFAULT_STATIC_SOURCES
                .iter()
                .map(|&(name, text)| {
                    let text = if name == "style.css" {
                        with_dark_palette(text)
                    } else {
                        text.to_string()
                    };
                    (name, text)
                })
                .collect()
        });
    &FILES
}

/// `css` with the line `  /* the dark palette above */` replaced by the
/// declarations of the system-dark block, one level less indented.
fn with_dark_palette(css: &str) -> String {
    let palette: Vec<&str> = css
        .lines()
        .skip_while(|l| l.trim() != ":root:not([data-theme=light]) {")
        .skip(1)
        .take_while(|l| l.trim() != "}")
        .collect();
    let mut out = String::with_capacity(css.len() + 512);
    for line in css.split_inclusive('\n') {
        if line.trim() == "/* the dark palette above */" {
            for declaration in &palette {
                out.push_str(declaration.strip_prefix("  ").unwrap_or(declaration));
                out.push('\n');
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Output folder for theme files (stylesheets, scripts).
pub const THEME_DIR: &str = "theme";

/// Loaded templates, ready to render pages from any thread.
pub struct Templates {
    tera: tera::Tera,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates").finish_non_exhaustive()
    }
}

/// Where templates come from, lowest priority first.
#[derive(Debug, Clone)]
pub struct Sources {
    /// (name, text, path relative to the handbook root for diagnostics)
    pub templates: Vec<(String, String, String)>,
}

/// Collects the default theme, then `themes/NAME/templates/`, then `templates/`.
pub fn sources(root: &Path, theme: Option<&str>) -> (Sources, Vec<Diagnostic>) {
    let mut templates: Vec<(String, String, String)> = DEFAULT_TEMPLATES
        .iter()
        .map(|(name, text)| {
            (
                name.to_string(),
                text.to_string(),
                format!("<default theme>/{name}"),
            )
        })
        .collect();
    let mut diagnostics = Vec::new();
    let mut folders = Vec::new();
    let fence = crate::content::walk::Fence::at(root);
    if let Some(theme) = theme {
        let dir = format!("themes/{theme}/templates");
        if let Err(target) = theme_dir(root, theme) {
            diagnostics.push(
                Diagnostic::error(
                    crate::diagnostics::Code::MissingTheme,
                    "handbook.toml",
                    format!(
                        "theme `{theme}` leads to {}, outside the handbook",
                        target.display()
                    ),
                )
                .with_help("a theme is a folder under `themes/` of this handbook"),
            );
        } else if !root.join(&dir).is_dir() {
            diagnostics.push(
                Diagnostic::error(
                    crate::diagnostics::Code::MissingTheme,
                    "handbook.toml",
                    format!("theme `{theme}` not found"),
                )
                .with_help(format!(
                    "create `{dir}/`, or remove `theme` to use the default theme"
                )),
            );
        }
        folders.push(dir);
    }
    folders.push("templates".to_string());
    for dir in folders {
        if let Err(target) = fence.admits(&root.join(&dir)) {
            diagnostics.push(fence.warning(&dir, &target));
            continue;
        }
        for entry in walkdir::WalkDir::new(root.join(&dir))
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let name = crate::content::walk::relative(&root.join(&dir), entry.path());
            let rel = format!("{dir}/{name}");
            match std::fs::read_to_string(entry.path()) {
                Ok(text) => {
                    templates.retain(|(n, _, _)| *n != name);
                    templates.push((name, text, rel));
                }
                Err(e) => diagnostics.push(Diagnostic::error(
                    crate::diagnostics::Code::UnreadableFile,
                    rel,
                    format!("cannot read this template: {e}"),
                )),
            }
        }
    }
    // The home page, folder pages and each kind's pages have templates of
    // their own name; the default theme lays them all out as `page.html`
    // does, so a name the handbook and its theme leave out gets the default
    // theme's `page.html` (an override of `page.html` changes plain pages
    // only, as it always has).
    let default_page = DEFAULT_TEMPLATES
        .iter()
        .find(|(name, _)| *name == "page.html")
        .map_or("", |(_, text)| text);
    let kinds = crate::kinds::Kind::ALL
        .into_iter()
        .filter(|k| *k != crate::kinds::Kind::Page)
        .map(|k| format!("{}.html", k.name()));
    for name in ["index.html".to_string(), "section.html".to_string()]
        .into_iter()
        .chain(kinds)
    {
        if !templates.iter().any(|(n, _, _)| *n == name) {
            let origin = "<default theme>/page.html".to_string();
            templates.push((name, default_page.to_string(), origin));
        }
    }
    (Sources { templates }, diagnostics)
}

/// The folder of theme `name`, when it is a folder under `themes/` of the
/// handbook (also after resolving symbolic links); else where it leads.
pub fn theme_dir(root: &Path, name: &str) -> Result<std::path::PathBuf, std::path::PathBuf> {
    let dir = root.join("themes").join(name);
    let plain = !name.contains('/') && crate::confine::output_file(name).is_ok();
    if !plain {
        return Err(dir);
    }
    crate::content::walk::Fence::at(&root.join("themes")).admits(&dir)?;
    Ok(dir)
}

impl Templates {
    /// Parses all templates; syntax errors are diagnostics naming the template file.
    pub fn load(sources: &Sources) -> Result<Templates, Vec<Diagnostic>> {
        let mut tera = tera::Tera::new();
        let pairs = sources
            .templates
            .iter()
            .map(|(name, text, _)| (name.as_str(), text.as_str()));
        match tera.add_raw_templates(pairs) {
            Ok(()) => Ok(Templates { tera }),
            Err(e) => {
                let text = format!("{e:#}");
                // Attribute the error to the template it names, if we can tell.
                let path = sources
                    .templates
                    .iter()
                    .rev()
                    .find(|(name, _, _)| text.contains(name.as_str()))
                    .map_or_else(|| "templates".to_string(), |(_, _, rel)| rel.clone());
                Err(vec![
                    Diagnostic::error(
                        crate::diagnostics::Code::TemplateError,
                        path,
                        format!("template error: {}", first_line(&text)),
                    )
                    .with_help(text),
                ])
            }
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Renders `template` with `context` for the page from `source_path`
    /// (empty for generated pages); a failure is a diagnostic on that page.
    pub fn render(
        &self,
        template: &str,
        source_path: &str,
        context: &impl serde::Serialize,
    ) -> Result<String, Diagnostic> {
        self.render_then(template, source_path, context, None)
            .map(|(html, _)| html)
    }

    /// [`Templates::render`], then, when `then` names a second template and
    /// a top-level flag to set for it, renders that one from the same context
    /// (made once: it is much of a render's cost).
    pub fn render_then(
        &self,
        template: &str,
        source_path: &str,
        context: &impl serde::Serialize,
        then: Option<(&str, &'static str)>,
    ) -> Result<(String, Option<String>), Diagnostic> {
        let fail = |template: &str, e: &dyn std::fmt::Display| {
            Diagnostic::error(
                crate::diagnostics::Code::TemplateError,
                source_path,
                format!(
                    "rendering `{template}` failed: {}",
                    first_line(&e.to_string())
                ),
            )
            .with_help(format!("{e:#}"))
        };
        let mut ctx = tera::Context::from_serialize(context).map_err(|e| fail(template, &e))?;
        let html = self
            .tera
            .render(template, &ctx)
            .map_err(|e| fail(template, &e))?;
        let Some((second, flag)) = then else {
            return Ok((html, None));
        };
        ctx.insert(flag, &true);
        let more = self
            .tera
            .render(second, &ctx)
            .map_err(|e| fail(second, &e))?;
        Ok((html, Some(more)))
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dark_palette_is_written_once_and_applied_to_both_dark_modes() {
        let source = DEFAULT_STATIC_SOURCES
            .iter()
            .find(|(name, _)| *name == "style.css")
            .map_or("", |(_, text)| text);
        assert_eq!(source.matches("--bg: #15191e").count(), 1);
        let css = &default_static()
            .iter()
            .find(|(name, _)| *name == "style.css")
            .map_or(String::new(), |(_, text)| text.clone());
        assert_eq!(css.matches("--bg: #15191e").count(), 2);
        assert!(!css.contains("the dark palette above"));
        let chosen = css
            .split(":root[data-theme=dark] {\n")
            .nth(1)
            .and_then(|rest| rest.split("\n}").next())
            .unwrap_or_default();
        assert!(chosen.starts_with("  --bg: #15191e;"), "{chosen}");
        assert!(chosen.ends_with("  color-scheme: dark;"), "{chosen}");
    }
}
