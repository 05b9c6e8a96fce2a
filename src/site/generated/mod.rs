//! Every page and file the tool writes besides the handbook's own pages, one
//! [`Generated`] implementation each, listed once in [`ALL`]: the output
//! marker and theme files, `404.html`, `alerts.json`, `nav.json`, the feeds,
//! `sitemap.xml`, `llms.txt` and `handbook.json`, alias redirects, the search page, recent changes,
//! needs-review, the action tracker, the people pages, the skills matrix,
//! the team health dashboard and the whole-handbook document. Each declares the
//! files it writes for a site; the duplicate-output check, the link index
//! (a generated folder page is a link target), feed discovery (the header's
//! feed links) and the live preview's structure check all read those
//! declarations, so a generated page is added in one place. Their URLs are
//! in [`super::reserved`].
//!
//! The search index's own files vary with the index and are written by
//! [`super::Site::write_search`], after a live preview has reloaded; the
//! whole-handbook document is put together from the pages' articles as they
//! are rendered ([`PrintPlan`]).

mod exports;
mod feeds;
mod files;
mod health;
mod pages;
mod print;

pub(super) use exports::{EXPORT_FILE, Exports, export_value, markdown_copy};
pub use exports::{EXPORT_SCHEMA, EXPORT_VERSION};
pub(super) use print::Plan as PrintPlan;

use crate::diagnostics::Diagnostic;

use super::Site;
use super::context::Renderer;
use super::output::Sink;
use super::reserved::Feed;
use super::views::{PageView, Slots};

/// One generated page or file (see the module docs).
pub(super) trait Generated: Sync {
    /// The files it writes for `site`, relative to the output folder. A
    /// file it writes only under some settings is declared all the same
    /// when its name must stay free (`sitemap.xml` without `base_url`).
    fn files(&self, site: &Site) -> Vec<String>;

    /// The feed it is, when the site has it.
    fn feed(&self, _site: &Site) -> Option<Feed> {
        None
    }

    /// Renders its files: each path with its bytes, or a problem met.
    fn render(&self, render: &Renderer<'_>) -> Vec<Made>;
}

/// What a [`Generated`] made: a file (its path and bytes), or a problem.
pub(super) type Made = Result<(String, Vec<u8>), Diagnostic>;

/// Every generated output, in the order they are written (a theme's own
/// static files after the built-in ones, so they override them).
pub(super) const ALL: [&dyn Generated; 19] = [
    &files::Marker,
    &files::Theme,
    &files::NotFound,
    &files::Alerts,
    &files::NavData,
    &exports::Exports,
    &feeds::CHANGES,
    &feeds::DECISIONS,
    &feeds::REVIEWS,
    &files::Sitemap,
    &files::Aliases,
    &pages::Search,
    &pages::Changes,
    &pages::NeedsReview,
    &pages::Actions,
    &pages::People,
    &pages::Skills,
    &health::TeamHealth,
    &print::Print,
];

/// Every file the generated outputs declare for `site`.
pub(super) fn files(site: &Site) -> Vec<String> {
    ALL.iter().flat_map(|g| g.files(site)).collect()
}

/// The generated folder pages (`actions/`, `people/ana/`): what links may
/// point at.
pub(super) fn folder_pages(site: &Site) -> Vec<String> {
    files(site)
        .into_iter()
        .filter_map(|file| file.strip_suffix("index.html").map(str::to_string))
        .collect()
}

/// The generated pages the tree lists after the handbook's own: (site URL,
/// title), for those this site has.
pub(super) fn tree_entries(site: &Site) -> Vec<(String, &'static str)> {
    let folders = folder_pages(site);
    [
        (super::reserved::ACTIONS_URL, "Actions"),
        (super::reserved::PEOPLE_URL, "People"),
        (super::reserved::REVIEWS_URL, "Needs review"),
        (super::reserved::CHANGES_URL, "Recent changes"),
    ]
    .into_iter()
    .filter(|(url, _)| folders.iter().any(|f| f == url))
    .map(|(url, title)| (url.to_string(), title))
    .collect()
}

/// The feeds `site` has, in header order.
pub(super) fn feeds(site: &Site) -> Vec<Feed> {
    ALL.iter().filter_map(|g| g.feed(site)).collect()
}

/// Renders every generated output and writes it to `sink`; returns the
/// problems met.
pub(super) fn write(render: &Renderer<'_>, sink: &dyn Sink) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    // Each output on its own: the exports hold every page, the rest are small.
    let found: Vec<Vec<Diagnostic>> = ALL
        .par_iter()
        .map(|generated| write_one(*generated, render, sink))
        .collect();
    found.into_iter().flatten().collect()
}

/// Renders one generated output and writes it to `sink`; returns the
/// problems met.
pub(super) fn write_one(
    generated: &dyn Generated,
    render: &Renderer<'_>,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for made in generated.render(render) {
        match made {
            Ok((path, bytes)) => {
                if let Err(e) = sink.write(&path, &bytes) {
                    diagnostics.push(super::write_error(&path, &e));
                }
            }
            Err(d) => diagnostics.push(d),
        }
    }
    diagnostics
}

/// A page view for a page that has no source file.
fn synthetic_page<'a>(
    title: &'a str,
    url: &'a str,
    kind: &'a str,
    extra: &'a serde_json::Map<String, serde_json::Value>,
) -> PageView<'a> {
    PageView {
        title,
        title_id: None,
        description: None,
        date: None,
        updated: None,
        tags: &[],
        kind,
        draft: false,
        url,
        permalink: None,
        source_path: None,
        markdown_href: None,
        content: "",
        toc: &[],
        backlinks: Vec::new(),
        extra,
        record: Slots::new(),
        raci: None,
        rapid: None,
        history: None,
        review_schedule: None,
        edit_url: None,
        history_url: None,
    }
}
