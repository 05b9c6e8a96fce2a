//! Navigation around a page: the header's links (`[nav] links`, or the
//! top-level sections with the charter and channel guide) and the left-hand
//! tree. The tree a page carries is bounded whatever the site's size: every
//! level on the way from the root to the page, each a window around the
//! branch it leads to; the rest of the tree is in one shared `nav.json`
//! that the theme loads when a reader opens a closed branch.

use crate::diagnostics::{Code, Diagnostic};
use crate::kinds::Kind;
use crate::links::{LinkIndex, Target};
use crate::pages::{PageId, PageTable};

use super::Site;
use super::views::{NavLink, TreeNode};

/// How many entries a level of the tree shows around its open branch; the
/// rest are counted and linked through the section's page.
const LEVEL_WINDOW: usize = 6;
/// The top level holds the handbook's main sections; show more of them.
const TOP_WINDOW: usize = 20;

/// Where a header link goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum HeaderTarget {
    Page(PageId),
    /// A generated page (the action tracker), by site URL.
    Generated(String),
    /// An absolute URL outside the handbook.
    External(String),
}

/// One header link, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct HeaderLink {
    pub title: Option<String>,
    pub target: HeaderTarget,
}

/// The header's links: `[nav] links` resolved like links written in the
/// root page, each that names nothing a diagnostic at its place in
/// `handbook.toml`; without `[nav]`, the top-level sections, then the
/// charter and channel guide wherever they are, then the team health
/// dashboard when there are surveys.
pub(super) fn header_links(site: &Site, index: &LinkIndex) -> (Vec<HeaderLink>, Vec<Diagnostic>) {
    let loaded = &site.loaded;
    let tree = &loaded.tree;
    if loaded.config.nav.is_empty() {
        let sections = tree.sections[0]
            .subsections
            .iter()
            .map(|&s| tree.sections[s].page);
        let mut records: Vec<(bool, PageId)> = site
            .model
            .kinds
            .pages
            .enumerate()
            .filter(|(_, e)| matches!(e.kind, Kind::Charter | Kind::Channels))
            .map(|(p, e)| (e.kind != Kind::Charter, p))
            .collect();
        // The charter first: it is what the team is for.
        records.sort();
        let records = records.into_iter().map(|(_, p)| p);
        let mut links: Vec<HeaderLink> = sections
            .chain(records)
            .map(|p| HeaderLink {
                title: None,
                target: HeaderTarget::Page(p),
            })
            .collect();
        // Then how the team is doing, when it keeps surveys.
        if loaded.health.is_some() {
            links.push(HeaderLink {
                title: Some("Team health".into()),
                target: HeaderTarget::Generated(super::reserved::TEAM_HEALTH_URL.into()),
            });
        }
        return (links, logo_diagnostics(site));
    }
    let root = tree.sections[0].page;
    let mut links = Vec::new();
    let mut diagnostics = logo_diagnostics(site);
    for item in &loaded.config.nav {
        match resolve(item, root, index) {
            Ok(target) => links.push(HeaderLink {
                title: item.title.clone(),
                target,
            }),
            Err((code, message, help)) => diagnostics.push(
                Diagnostic::error(code, crate::config::CONFIG_FILE, message)
                    .at(&loaded.config_source, item.span.clone())
                    .with_help(help),
            ),
        }
    }
    (links, diagnostics)
}

/// Where one `[nav] links` item goes, or why it goes nowhere (its code,
/// message and hint).
fn resolve(
    item: &crate::config::NavItem,
    root: PageId,
    index: &LinkIndex,
) -> Result<HeaderTarget, (Code, String, &'static str)> {
    if item.target.contains(':') {
        // A link out: the web only (a `javascript:` or `data:` URL in a
        // pull request must not reach every page's header).
        let lower = item.target.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            return Ok(HeaderTarget::External(item.target.clone()));
        }
        return Err((
            Code::UnsafeUrl,
            format!(
                "`[nav] links` may link out only to http(s) URLs, not `{}`",
                item.target
            ),
            "write the address as https://…",
        ));
    }
    let resolved = index.resolve(root, item.target.trim_start_matches('/'));
    match resolved.map(|r| r.target) {
        Ok(Target::Page(p)) => Ok(HeaderTarget::Page(p)),
        Ok(target @ Target::Generated(_)) => {
            Ok(HeaderTarget::Generated(index.url_of(target).to_string()))
        }
        _ => Err((
            Code::BrokenLink,
            format!(
                "`[nav] links` names `{}`, which is no page of the handbook",
                item.target
            ),
            "give a page's path from the handbook root (`charter.md`), a folder \
             (`decisions/`), or { title = \"…\", url = \"https://…\" } for a link out",
        )),
    }
}

/// An error when `logo` names no file of the handbook.
fn logo_diagnostics(site: &Site) -> Vec<Diagnostic> {
    let loaded = &site.loaded;
    let Some(logo) = &loaded.config.logo else {
        return Vec::new();
    };
    if loaded.assets.iter().any(|a| a == logo) {
        return Vec::new();
    }
    let span = crate::fields::parse_toml(&loaded.config_source, 0)
        .ok()
        .and_then(|t| t.get("logo").map(|e| e.node.span.clone()))
        .unwrap_or(0..0);
    let mut d = Diagnostic::error(
        Code::BrokenLink,
        crate::config::CONFIG_FILE,
        format!("`logo` names `{logo}`, which is no file of the handbook"),
    )
    .at(&loaded.config_source, span);
    d = match crate::fields::closest(logo, loaded.assets.iter().map(String::as_str)) {
        Some(best) => d.with_help(format!("did you mean `{best}`?")),
        None => d.with_help("give the image's path from the handbook root, e.g. `images/logo.svg`"),
    };
    vec![d]
}

/// What a level of the tree lists: sub-sections first, then pages.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Item {
    Section(usize),
    Page(PageId),
}

/// What the header and the tree are made from, for one render.
pub(super) struct Navigator<'a> {
    pub site: &'a Site,
    pub titles: &'a PageTable<String>,
    /// The header's links ([`header_links`]).
    pub header: &'a [HeaderLink],
    /// The generated pages the tree lists after the handbook's own (site
    /// URL, title).
    pub generated: &'a [(String, &'static str)],
}

impl Navigator<'_> {
    /// The header's links from the page at `from_url`.
    pub(super) fn header(&self, href: &dyn Fn(&str) -> String, from_url: &str) -> Vec<NavLink> {
        self.header
            .iter()
            .map(|link| {
                let (url, title) = match &link.target {
                    HeaderTarget::Page(p) => (
                        self.site.loaded.pages[*p].url.clone(),
                        self.titles[*p].clone(),
                    ),
                    HeaderTarget::Generated(url) => (
                        url.clone(),
                        self.generated.iter().find(|(u, _)| u == url).map_or_else(
                            || url.trim_end_matches('/').to_string(),
                            |(_, t)| (*t).to_string(),
                        ),
                    ),
                    HeaderTarget::External(url) => {
                        return NavLink {
                            title: link.title.clone().unwrap_or_else(|| url.clone()),
                            href: url.clone(),
                            current: false,
                        };
                    }
                };
                NavLink {
                    title: link.title.clone().unwrap_or(title),
                    href: href(&url),
                    current: !url.is_empty() && from_url.starts_with(url.as_str()),
                }
            })
            .collect()
    }

    /// The left-hand tree for page `i`: the root's level, and inside it each
    /// level down to the page's, open; closed branches name their folder
    /// for `nav.json`.
    pub(super) fn tree(&self, i: PageId) -> TreeNode {
        let tree = &self.site.loaded.tree;
        let here = tree.section_of[i].unwrap_or(tree.parent_of[i]);
        self.tree_at(&tree.chain(here), Some(i), &self.site.loaded.pages[i].url)
    }

    /// The tree for a generated page at `url`: the root's level open.
    pub(super) fn tree_for_generated(&self, url: &str) -> TreeNode {
        self.tree_at(&[0], None, url)
    }

    fn tree_at(&self, open: &[usize], page: Option<PageId>, from: &str) -> TreeNode {
        let mut root = self.level(0, open, page, from, TOP_WINDOW);
        root.children
            .extend(self.generated.iter().map(|(to, title)| TreeNode {
                title: (*title).to_string(),
                href: crate::links::relative_href(from, to),
                current: from.starts_with(to.as_str()),
                ..TreeNode::default()
            }));
        root
    }

    /// Section `s` as a node, its entries listed when it is on the way to
    /// page `i` (`open`; `None` on a generated page), windowed to `window` on each side of that way.
    fn level(
        &self,
        s: usize,
        open: &[usize],
        i: Option<PageId>,
        from: &str,
        window: usize,
    ) -> TreeNode {
        let tree = &self.site.loaded.tree;
        let section = &tree.sections[s];
        let mut node = self.entry(Item::Section(s), i, from);
        node.open = true;
        node.folder = None;
        // Sub-sections first, then pages; the window is found without
        // listing the section.
        let subs = section.subsections.len();
        let len = subs + section.pages.len();
        let item = |k: usize| match section.subsections.get(k) {
            Some(&c) => Item::Section(c),
            None => Item::Page(section.pages[k - subs]),
        };
        let focus = section
            .subsections
            .iter()
            .position(|c| open.contains(c))
            .or_else(|| {
                let page = i?;
                section
                    .pages
                    .iter()
                    .position(|&p| p == page)
                    .map(|k| subs + k)
            })
            .unwrap_or(0);
        let (start, end) = if len <= 2 * window + 1 {
            (0, len)
        } else {
            let start = focus.saturating_sub(window);
            let end = (start + 2 * window + 1).min(len);
            (end.saturating_sub(2 * window + 1), end)
        };
        node.more_before = start;
        node.more_after = len - end;
        node.children = (start..end)
            .map(item)
            .map(|item| match item {
                Item::Section(c) if open.contains(&c) => self.level(c, open, i, from, LEVEL_WINDOW),
                item => self.entry(item, i, from),
            })
            .collect();
        node
    }

    /// One entry of the tree, closed.
    fn entry(&self, item: Item, i: Option<PageId>, from: &str) -> TreeNode {
        let tree = &self.site.loaded.tree;
        let (page, folder) = match item {
            Item::Page(p) => (p, None),
            Item::Section(c) => {
                let section = &tree.sections[c];
                let has_entries = !section.pages.is_empty() || !section.subsections.is_empty();
                (section.page, has_entries.then(|| section.folder.clone()))
            }
        };
        TreeNode {
            title: self.titles[page].clone(),
            href: crate::links::relative_href(from, &self.site.loaded.pages[page].url),
            current: Some(page) == i,
            number: record_number(self.site, page),
            folder,
            ..TreeNode::default()
        }
    }
}

/// A decision record's number as the tree shows it (`0007`).
pub(super) fn record_number(site: &Site, page: PageId) -> Option<String> {
    site.model
        .kinds
        .adr(page)?
        .number
        .map(|n| format!("{n:04}"))
}

/// `nav.json`: for every section folder, its entries in order as
/// `[title, site URL, folder, number]` (the folder only for a sub-section with
/// entries of its own), which the theme's tree opens closed branches from.
pub(super) fn nav_json(site: &Site, titles: &PageTable<String>) -> String {
    let tree = &site.loaded.tree;
    let pages = &site.loaded.pages;
    let mut map = serde_json::Map::new();
    for section in &tree.sections {
        let entries: Vec<serde_json::Value> = section
            .subsections
            .iter()
            .map(|&c| {
                let sub = &tree.sections[c];
                let has_entries = !sub.pages.is_empty() || !sub.subsections.is_empty();
                serde_json::json!([
                    titles[sub.page],
                    pages[sub.page].url,
                    if has_entries { Some(&sub.folder) } else { None }
                ])
            })
            .chain(section.pages.iter().map(|&p| {
                let number = record_number(site, p);
                serde_json::json!([titles[p], pages[p].url, serde_json::Value::Null, number])
            }))
            .collect();
        map.insert(section.folder.clone(), entries.into());
    }
    serde_json::Value::Object(map).to_string()
}
