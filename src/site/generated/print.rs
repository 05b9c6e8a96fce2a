//! The whole handbook as one printable document, at `print/` (`handbook build
//! --print`, or `[print] enabled`): a contents list, then every page's
//! article in the order of the navigation tree.
//!
//! Each page's article is rendered with the page's own context while the
//! pages are (see [`Plan::article`]), then made to fit a document holding
//! them all: its ids get the page's prefix (`p-runbooks-db--failover`), so
//! no two pages' headings or diagrams clash; a link to a page in the
//! document becomes a link to its place in it; every other relative URL
//! (images, generated pages) is made relative to `print/`. Nothing else of
//! the article changes, so the document shows what the pages show.

use std::collections::HashMap;

use crate::diagnostics::Diagnostic;
use crate::links::relative_href;
use crate::markdown::{html, is_external};
use crate::pages::{PageId, PageTable};

use super::super::Site;
use super::super::context::Renderer;
use super::super::output::Sink;
use super::super::reserved::PRINT_URL;
use super::super::views::{Aggregates, PrintEntry, PrintView};
use super::{Generated, Made};

/// Declares `print/index.html`; [`Plan::write`] writes it once every page's
/// article is rendered.
pub(super) struct Print;

impl Generated for Print {
    fn files(&self, site: &Site) -> Vec<String> {
        if site.loaded.config.print {
            vec![format!("{PRINT_URL}index.html")]
        } else {
            Vec::new()
        }
    }

    fn render(&self, _render: &Renderer<'_>) -> Vec<Made> {
        Vec::new()
    }
}

/// Where the rendered pages go in the rendered document. It is rendered
/// raw (`| safe`) by the template alone; everything a page's author writes
/// reaches that template escaped, so it cannot be anywhere before it.
const PAGES_MARK: &str = "<!-- handbook: the pages of the document -->";

/// The document's order and each page's anchor in it.
pub(in super::super) struct Plan {
    /// The pages in navigation order, each with its depth (1 for home).
    order: Vec<(PageId, usize)>,
    /// Each listed page's anchor (`p-runbooks-db`); its ids are prefixed
    /// with the anchor and `--`.
    anchors: PageTable<Option<String>>,
    /// The anchor of the page at a site URL.
    by_url: HashMap<String, String>,
}

impl Plan {
    /// The plan for `site`, when it is to have the document.
    pub(in super::super) fn new(site: &Site) -> Option<Plan> {
        if !site.loaded.config.print {
            return None;
        }
        let tree = &site.loaded.tree;
        let pages = &site.loaded.pages;
        // Depth first, as the tree lists them: a section's page, its
        // sub-sections, then its pages.
        enum Entry {
            Section(usize),
            Page(PageId),
        }
        let mut order = Vec::with_capacity(pages.len());
        let mut stack = vec![(Entry::Section(0), 1)];
        while let Some((entry, depth)) = stack.pop() {
            match entry {
                Entry::Page(p) => order.push((p, depth)),
                Entry::Section(s) => {
                    let section = &tree.sections[s];
                    order.push((section.page, depth));
                    let pages = section.pages.iter().rev().map(|&p| Entry::Page(p));
                    stack.extend(pages.map(|e| (e, depth + 1)));
                    let subs = section.subsections.iter().rev().map(|&c| Entry::Section(c));
                    stack.extend(subs.map(|e| (e, depth + 1)));
                }
            }
        }
        let mut anchors = PageTable::filled(pages.len(), None);
        let mut by_url = HashMap::with_capacity(order.len());
        let mut taken = std::collections::HashSet::with_capacity(order.len());
        for &(p, _) in &order {
            let anchor = unique(anchor_for(&pages[p].url), &mut taken);
            by_url.insert(pages[p].url.clone(), anchor.clone());
            anchors[p] = Some(anchor);
        }
        Some(Plan {
            order,
            anchors,
            by_url,
        })
    }

    /// Whether page `i` is in the document.
    pub(in super::super) fn has(&self, i: PageId) -> bool {
        self.anchors[i].is_some()
    }

    /// Page `i`'s `article` (`partials/article.html` rendered with
    /// `document = true`) as the document holds it.
    pub(in super::super) fn article(&self, site: &Site, i: PageId, article: &str) -> String {
        let anchor = self.anchors[i].as_deref().unwrap_or_default();
        let url = &site.loaded.pages[i].url;
        let prefix = format!("{anchor}--");
        let relinked = html::namespace(article, &prefix, &|u| self.relink(url, u));
        format!("<div class=\"print-page\" id=\"{anchor}\">\n{relinked}</div>\n")
    }

    /// A URL of the page at `from`, as the document needs it: a page in the
    /// document becomes its place there; any other relative URL is made
    /// relative to `print/`.
    fn relink(&self, from: &str, url: &str) -> Option<String> {
        if url.is_empty() || url.starts_with('#') || url.starts_with('/') || is_external(url) {
            return None;
        }
        let (rest, fragment) = match url.split_once('#') {
            Some((rest, f)) => (rest, Some(f)),
            None => (url, None),
        };
        let (path, query) = match rest.split_once('?') {
            Some((path, q)) => (path, Some(q)),
            None => (rest, None),
        };
        // The path as written (still percent-encoded) for a new href; read
        // as text to find a page of the document.
        let target = if path.is_empty() {
            from.to_string()
        } else {
            let resolved = crate::paths::normalize(crate::paths::folder_of(from), path)?;
            resolved
                .strip_suffix("index.html")
                .map_or(resolved.clone(), str::to_string)
        };
        let page = percent_encoding::percent_decode_str(&target).decode_utf8_lossy();
        if query.is_none()
            && let Some(anchor) = self.by_url.get(page.as_ref())
        {
            return Some(match fragment {
                Some(f) if !f.is_empty() => format!("#{anchor}--{f}"),
                _ => format!("#{anchor}"),
            });
        }
        let mut href = relative_href(PRINT_URL, &target);
        if let Some(q) = query {
            href.push('?');
            href.push_str(q);
        }
        if let Some(f) = fragment {
            href.push('#');
            href.push_str(f);
        }
        Some(href)
    }

    /// Renders the document around the pages' `articles` (as
    /// [`Plan::article`] made them) and writes it to `sink`.
    pub(in super::super) fn write(
        &self,
        render: &Renderer<'_>,
        articles: &PageTable<Option<String>>,
        sink: &dyn Sink,
    ) -> Vec<Diagnostic> {
        let contents = self
            .order
            .iter()
            .filter_map(|&(p, level)| {
                Some(PrintEntry {
                    title: render.titles[p].clone(),
                    href: format!("#{}", self.anchors[p].as_deref()?),
                    level,
                    number: super::super::navigation::record_number(render.site, p),
                })
            })
            .collect();
        let aggregates = Aggregates {
            print: Some(PrintView {
                contents,
                date: render.site.loaded.today.to_string(),
                pages: PAGES_MARK,
            }),
            ..Aggregates::default()
        };
        let made = super::pages::page(
            render,
            "print.html",
            "The whole handbook",
            PRINT_URL,
            aggregates,
        );
        let (path, shell) = match made {
            Ok(made) => made,
            Err(d) => return vec![d],
        };
        let shell = String::from_utf8_lossy(&shell);
        let (head, tail) = shell.split_once(PAGES_MARK).unwrap_or((&shell, ""));
        let size =
            head.len() + tail.len() + articles.iter().flatten().map(String::len).sum::<usize>();
        let mut document = String::with_capacity(size);
        document.push_str(head);
        for &(p, _) in &self.order {
            if let Some(article) = &articles[p] {
                document.push_str(article);
            }
        }
        document.push_str(tail);
        match sink.write(&path, document.as_bytes()) {
            Ok(()) => Vec::new(),
            Err(e) => vec![super::super::write_error(&path, &e)],
        }
    }
}

/// A page's anchor from its URL: `runbooks/db/` → `p-runbooks-db`. Only
/// letters, digits, `-` and `_`, never two `-` in a row, so an anchor is a
/// CSS name (a diagram's styles select by id) and the `--` before a page's
/// own ids tells where the anchor ends.
fn anchor_for(url: &str) -> String {
    let mut slug = String::with_capacity(url.len());
    for c in url.chars() {
        let c = if c.is_alphanumeric() || c == '_' {
            c
        } else {
            '-'
        };
        if c != '-' || !(slug.is_empty() || slug.ends_with('-')) {
            slug.push(c);
        }
    }
    match slug.trim_end_matches('-') {
        "" => "p-home".to_string(),
        slug => format!("p-{slug}"),
    }
}

/// `anchor`, or with `-2`, `-3`, … when an earlier page has it.
fn unique(anchor: String, taken: &mut std::collections::HashSet<String>) -> String {
    if taken.insert(anchor.clone()) {
        return anchor;
    }
    let mut n = 2;
    loop {
        let candidate = format!("{anchor}-{n}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}
