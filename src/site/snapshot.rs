//! What `handbook diff` compares: a checked site as plain data. Each page's
//! place, title, kind, headings and anchors, the links that name another
//! page's anchor, who owns it, the records the kinds export (`handbook.json`),
//! and every diagnostic. It checks as `check` does, but by default without
//! page templates (the only findings they add are template errors; a diff
//! whose two sides have different templates runs them): markdown, the link
//! check and the kinds are all a diff needs, and the second side reuses the
//! first's markdown results for every file with the same bytes, so a change
//! to one page costs one full check and a model of the other side.
//!
//! It names no kind: statuses and review dates come from the kinds' export
//! records, which `views` fills.

use std::hash::{Hash, Hasher};

use serde_json::Value;

use crate::diagnostics::Diagnostic;
use crate::links::Target;

use super::{BuildOptions, Fatal, NoProgress, Site, generated, output};

/// A checked site as data (see the module docs).
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The handbook's pages (not the listings made for folders), in walk order.
    pub pages: Vec<PageFacts>,
    /// Everything the check found, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The export (`handbook.json`, see [`super::EXPORT_SCHEMA`]); `null` if
    /// the templates could not run.
    pub export: Value,
    /// A hash of the templates both sides render with.
    pub templates: u64,
    /// Every page's markdown results (HTML left out) by its file's bytes,
    /// and the markdown settings they were made with, for the other side.
    markdown: (
        String,
        std::collections::HashMap<String, crate::markdown::Rendered>,
    ),
}

/// One page of a [`Snapshot`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageFacts {
    /// Path relative to the handbook.
    pub source: String,
    /// URL relative to the site root.
    pub url: String,
    pub title: String,
    pub kind: &'static str,
    /// Site URLs that redirect to the page (`aliases`), without a leading `/`.
    pub aliases: Vec<String>,
    /// A hash of the whole file, to tell a rename from a rewrite.
    pub digest: u64,
    /// Headings: (anchor, text).
    pub headings: Vec<(String, String)>,
    /// Every anchor a `#fragment` may name.
    pub anchors: Vec<String>,
    /// Links to an anchor of another page: (that page's source path, anchor).
    pub anchor_links: Vec<(String, String)>,
    /// Who to ask about it: its owner, then its CODEOWNERS, as written.
    pub owners: Vec<String>,
}

impl Snapshot {
    /// Whether this is a site's (not the empty snapshot of a handbook that
    /// did not exist yet).
    pub fn pages_exist(&self) -> bool {
        !self.pages.is_empty() || !self.export.is_null()
    }

    /// A snapshot of `pages` and `diagnostics` made by hand (for tests and
    /// tools that compare their own data).
    pub fn of(pages: Vec<PageFacts>, diagnostics: Vec<Diagnostic>) -> Snapshot {
        Snapshot {
            pages,
            diagnostics,
            ..Snapshot::default()
        }
    }
}

/// Loads and checks the handbook `options` name, keeping it as data. With
/// `templates`, every page is rendered with its template too (their errors
/// are diagnostics); `reuse` lends the markdown results of another snapshot.
pub fn snapshot(
    options: &BuildOptions,
    templates: bool,
    reuse: Option<&Snapshot>,
) -> Result<Snapshot, Fatal> {
    let mut site = Site::load(options)?;
    let config = &mut site.loaded.config;
    config.json = true;
    config.search = false;
    config.print = false;
    config.markdown_copies = false;
    let settings = format!(
        "{:?}",
        (
            config.markdown.smart_punctuation,
            config.markdown.highlight,
            config.markdown.raw_html
        )
    );
    let mut diagnostics = site.diagnostics();
    let (memo, export) = if templates {
        let capture = output::Capture::new(generated::EXPORT_FILE);
        let (rendering, memo) =
            site.render_all(&capture, &NoProgress, super::render::Keep::Nothing, None);
        diagnostics.extend(rendering.diagnostics);
        let export = capture.take().unwrap_or_default();
        (memo, serde_json::from_slice(&export).unwrap_or(Value::Null))
    } else {
        let known = reuse
            .map(|r| &r.markdown)
            .filter(|(s, _)| *s == settings)
            .map(|(_, m)| m);
        let lookup = |page: &crate::content::Page| known?.get(&page.source).cloned();
        let (memo, found, export) = site.render_data(&lookup);
        diagnostics.extend(found);
        (memo, export)
    };
    crate::diagnostics::sort(&mut diagnostics);
    let owners_by_url: std::collections::HashMap<&str, &str> = export["pages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p["url"].as_str()?, p["owner"].as_str()?)))
        .collect();
    let loaded = &site.loaded;
    let team = site.model.kinds.team.as_ref();
    let learned = &memo.learned;
    let pages = loaded
        .pages
        .enumerate()
        .filter(|(_, p)| !p.generated)
        .map(|(i, page)| {
            let rendered = &learned.rendered[i];
            let mut hasher = std::hash::DefaultHasher::new();
            page.source.hash(&mut hasher);
            let anchor_links = rendered
                .links
                .iter()
                .filter(|l| l.dest.contains('#'))
                .filter_map(|l| {
                    let resolved = memo.index.resolve(i, &l.dest).ok()?;
                    match (resolved.target, resolved.fragment) {
                        (Target::Page(to), Some(fragment)) if to != i && !fragment.is_empty() => {
                            Some((loaded.pages[to].source_path.clone(), fragment))
                        }
                        _ => None,
                    }
                })
                .collect();
            // The page's owner, CODEOWNERS as written (`@org/team`), then
            // the owner the repository names (an `OWNERS` approver).
            let mut owners: Vec<String> = owners_by_url
                .get(page.url.as_str())
                .map(|o| o.to_string())
                .into_iter()
                .collect();
            if let Some(codeowners) = &loaded.ownership.codeowners
                && let Some(found) =
                    codeowners.owners(&format!("{}{}", loaded.ownership.prefix, page.source_path))
            {
                owners.extend(found.owners.iter().cloned());
            }
            owners.extend(
                loaded
                    .ownership
                    .owner_of(&page.source_path, team)
                    .map(|(o, _)| o),
            );
            let mut seen = std::collections::HashSet::new();
            owners.retain(|o| seen.insert(o.trim_start_matches('@').to_lowercase()));
            PageFacts {
                source: page.source_path.clone(),
                url: page.url.clone(),
                title: learned.titles[i].clone(),
                kind: site.model.kinds.pages[i].kind.name(),
                aliases: page
                    .front
                    .aliases
                    .iter()
                    .map(|a| a.trim_start_matches('/').to_string())
                    .collect(),
                digest: hasher.finish(),
                headings: rendered
                    .toc
                    .iter()
                    .map(|h| (h.id.clone(), h.title.clone()))
                    .collect(),
                anchors: rendered.anchors.clone(),
                anchor_links,
                owners,
            }
        })
        .collect();
    // The sources move into the map: the site is done with them.
    let markdown = site
        .loaded
        .pages
        .iter_mut()
        .zip(memo.learned.rendered)
        .filter(|(p, _)| !p.generated)
        .map(|(p, r)| (std::mem::take(&mut p.source), r))
        .collect();
    Ok(Snapshot {
        pages,
        diagnostics,
        export,
        templates: site.loaded.templates_digest,
        markdown: (settings, markdown),
    })
}
