//! The generated files that are not pages of the handbook: the output
//! marker, the theme's files, `404.html`, `alerts.json`, `sitemap.xml` and
//! the redirect pages of `aliases`.

use crate::confine::alias_file;
use crate::diagnostics::Diagnostic;
use crate::links::relative_href;
use crate::markdown::escape;
use crate::templates;

use super::super::Site;
use super::super::context::Renderer;
use super::super::views::{NavView, PageContext};
use super::{Generated, Made};

/// The file that marks a folder as a build's output, so a later build may
/// replace it (and the walk skips it).
pub(super) struct Marker;

impl Generated for Marker {
    fn files(&self, _site: &Site) -> Vec<String> {
        Vec::new()
    }

    /// The marker's text, then the markdown copies the build writes, one
    /// path a line: the files a later build may replace although pages
    /// are markdown too.
    fn render(&self, render: &Renderer<'_>) -> Vec<Made> {
        let mut text = super::super::output::MARKER_TEXT.to_vec();
        let site = render.site;
        if site.loaded.config.markdown_copies {
            let mut copies: Vec<&str> = site
                .loaded
                .pages
                .iter()
                .filter(|p| !p.generated)
                .map(|p| p.source_path.as_str())
                .collect();
            copies.sort_unstable();
            for copy in copies {
                text.extend_from_slice(copy.as_bytes());
                text.push(b'\n');
            }
        }
        vec![Ok((crate::content::walk::OUTPUT_MARKER.into(), text))]
    }
}

/// The default theme's static files and the highlighting stylesheet, then a
/// theme folder's own static files (which may replace them).
pub(super) struct Theme;

impl Generated for Theme {
    /// The built-in files (a theme folder's own are its to name).
    fn files(&self, _site: &Site) -> Vec<String> {
        let mut files: Vec<String> = templates::default_static()
            .iter()
            .map(|(name, _)| format!("{}/{name}", templates::THEME_DIR))
            .collect();
        files.push(format!("{}/syntax.css", templates::THEME_DIR));
        files
    }

    fn render(&self, render: &Renderer<'_>) -> Vec<Made> {
        let site = render.site;
        let mut made: Vec<Made> = templates::default_static()
            .iter()
            .map(|(name, text)| {
                Ok((
                    format!("{}/{name}", templates::THEME_DIR),
                    text.as_bytes().to_vec(),
                ))
            })
            .collect();
        made.push(Ok((
            format!("{}/syntax.css", templates::THEME_DIR),
            crate::markdown::stylesheet().into_bytes(),
        )));
        // A theme outside the handbook was reported with the templates.
        if let Some(Ok(theme_dir)) = site
            .loaded
            .config
            .theme
            .as_ref()
            .map(|theme| templates::theme_dir(&site.loaded.root, theme))
        {
            let theme = site.loaded.config.theme.as_deref().unwrap_or_default();
            let dir = theme_dir.join("static");
            let fence = crate::content::walk::Fence::at(&site.loaded.root);
            if let Err(target) = fence.admits(&dir) {
                made.push(Err(
                    fence.warning(&format!("themes/{theme}/static"), &target)
                ));
            }
            for entry in walkdir::WalkDir::new(&dir)
                .max_depth(if fence.admits(&dir).is_ok() {
                    usize::MAX
                } else {
                    0
                })
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                if entry.file_type().is_file() {
                    let rel = crate::content::walk::relative(&dir, entry.path());
                    match std::fs::read(entry.path()) {
                        Ok(bytes) => {
                            made.push(Ok((format!("{}/{rel}", templates::THEME_DIR), bytes)))
                        }
                        Err(e) => made.push(Err(Diagnostic::error(
                            crate::diagnostics::Code::UnreadableFile,
                            format!("themes/{theme}/static/{rel}"),
                            format!("cannot read this theme file: {e}"),
                        ))),
                    }
                }
            }
        }
        made
    }
}

/// `404.html`.
pub(super) struct NotFound;

impl Generated for NotFound {
    fn files(&self, _site: &Site) -> Vec<String> {
        vec!["404.html".into()]
    }

    fn render(&self, render: &Renderer<'_>) -> Vec<Made> {
        vec![not_found_page(render).map(|html| ("404.html".into(), html.into_bytes()))]
    }
}

/// `nav.json`, the whole navigation tree (see [`super::super::navigation`]).
pub(super) struct NavData;

impl Generated for NavData {
    fn files(&self, _site: &Site) -> Vec<String> {
        vec!["nav.json".into()]
    }

    fn render(&self, render: &Renderer<'_>) -> Vec<Made> {
        let json = super::super::navigation::nav_json(render.site, render.titles);
        vec![Ok(("nav.json".into(), json.into_bytes()))]
    }
}

/// `alerts.json` (see [`alerts_json`]).
pub(super) struct Alerts;

impl Generated for Alerts {
    fn files(&self, _site: &Site) -> Vec<String> {
        vec!["alerts.json".into()]
    }

    fn render(&self, render: &Renderer<'_>) -> Vec<Made> {
        vec![Ok(("alerts.json".into(), alerts_json(render).into_bytes()))]
    }
}

/// `sitemap.xml` (see [`sitemap`]).
pub(super) struct Sitemap;

impl Generated for Sitemap {
    fn files(&self, _site: &Site) -> Vec<String> {
        vec!["sitemap.xml".into()]
    }

    fn render(&self, render: &Renderer<'_>) -> Vec<Made> {
        sitemap(render)
            .map(|xml| Ok(("sitemap.xml".into(), xml.into_bytes())))
            .into_iter()
            .collect()
    }
}

/// A redirect page at each of a page's `aliases`. The pages claim these
/// themselves (the duplicate-output check names the page and the alias).
pub(super) struct Aliases;

impl Generated for Aliases {
    fn files(&self, _site: &Site) -> Vec<String> {
        Vec::new()
    }

    fn render(&self, render: &Renderer<'_>) -> Vec<Made> {
        let site = render.site;
        let mut made = Vec::new();
        for (i, page) in site.loaded.pages.enumerate() {
            // A refused alias was reported when the front matter was read.
            for output in page.front.aliases.iter().filter_map(|a| alias_file(a).ok()) {
                let html = redirect_page(&output, &page.url, &render.titles[i], site);
                made.push(Ok((output, html.into_bytes())));
            }
        }
        made
    }
}

fn redirect_page(output: &str, target_url: &str, title: &str, site: &Site) -> String {
    let folder = output
        .rsplit_once('/')
        .map_or(String::new(), |(dir, _)| format!("{dir}/"));
    let href = escape(&relative_href(&folder, target_url));
    let canonical = site
        .loaded
        .config
        .base_url
        .as_ref()
        .map_or_else(String::new, |base| {
            format!(
                "\n<link rel=\"canonical\" href=\"{}\">",
                escape(&format!("{base}{target_url}"))
            )
        });
    let icon = escape(&relative_href(
        &folder,
        &format!("{}/favicon.svg", templates::THEME_DIR),
    ));
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: {title}</title>\
         {canonical}\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"icon\" href=\"{icon}\" type=\"image/svg+xml\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={href}\">\n\
         </head>\n<body>\n<p>This page has moved to <a href=\"{href}\">{title}</a>.</p>\n</body>\n</html>\n",
        title = escape(title),
    )
}

/// The 404 page is served at any depth, so its links are absolute paths taken
/// from `base_url` (or `/` when none is set).
#[allow(clippy::string_slice)] // `i` is where `find('/')` found an ASCII slash
fn not_found_page(render: &Renderer<'_>) -> Result<String, Diagnostic> {
    let site = render.site;
    let root = site
        .loaded
        .config
        .base_url
        .as_deref()
        .and_then(|b| b.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()))
        .unwrap_or_else(|| "/".to_string());
    let mut site_view = render.site_view(&|to| format!("{root}{to}"), "404.html");
    site_view.inline_style = Some(stylesheet(site));
    let extra = serde_json::Map::new();
    let context = PageContext {
        site: site_view,
        page: super::synthetic_page("Page not found", "404.html", "404", &extra),
        nav: NavView::default(),
        aggregates: Default::default(),
        document: false,
    };
    render.templates.render("404.html", "", &context)
}

/// The site's `style.css`: a theme folder's own, else the default theme's.
fn stylesheet(site: &Site) -> String {
    let own = site
        .loaded
        .config
        .theme
        .as_ref()
        .and_then(|theme| templates::theme_dir(&site.loaded.root, theme).ok())
        .map(|dir| dir.join("static").join("style.css"))
        .and_then(|path| {
            crate::content::walk::Fence::at(&site.loaded.root)
                .read_to_string(&path)
                .ok()
        });
    own.unwrap_or_else(|| {
        templates::default_static()
            .iter()
            .find(|(name, _)| *name == "style.css")
            .map(|(_, text)| text.clone())
            .unwrap_or_default()
    })
}

/// `alerts.json`: alert name → runbook URL, so an alerting system can set each
/// alert's `runbook_url`. Absolute when `base_url` is set, else root-relative.
/// An alert the rules of `[runbooks] alert_rules` define that no runbook
/// names is listed with `null`.
fn alerts_json(render: &Renderer<'_>) -> String {
    let site = render.site;
    let base = site.loaded.config.base_url.as_deref().unwrap_or("/");
    let mut map: serde_json::Map<String, serde_json::Value> = site
        .model
        .kinds
        .alerts
        .iter()
        .map(|(alert, &page)| {
            (
                alert.clone(),
                format!("{base}{}", site.loaded.pages[page].url).into(),
            )
        })
        .collect();
    for rule in site.loaded.alert_rules.iter().flat_map(|f| &f.rules) {
        map.entry(rule.alert.clone())
            .or_insert(serde_json::Value::Null);
    }
    map.sort_keys();
    let mut text = serde_json::to_string_pretty(&map).unwrap_or_default();
    text.push('\n');
    text
}

/// `sitemap.xml` needs absolute URLs, so it is written only when `base_url` is set.
fn sitemap(render: &Renderer<'_>) -> Option<String> {
    let site = render.site;
    let base = site
        .loaded
        .config
        .base_url
        .as_deref()
        .filter(|b| b.contains("://"))?;
    let mut entries: Vec<(&str, Option<&str>)> = site
        .loaded
        .pages
        .iter()
        .map(|p| {
            (
                p.url.as_str(),
                p.front
                    .updated
                    .as_ref()
                    .or(p.front.date.as_ref())
                    .map(|d| d.as_str()),
            )
        })
        .collect();
    entries.sort_unstable();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, lastmod) in entries {
        xml.push_str(&format!(
            "  <url>\n    <loc>{}</loc>\n",
            escape(&format!("{base}{url}"))
        ));
        if let Some(date) = lastmod {
            xml.push_str(&format!("    <lastmod>{date}</lastmod>\n"));
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    Some(xml)
}
