//! The link graph: resolving what a page links to, checking it, and backlinks.
//!
//! Links are written the way GitHub renders them: relative to the source file
//! (`../runbooks/db.md#failover`), to folders, to `README.md`/`index.md`, or to
//! assets. [`LinkIndex`] resolves them through hash maps (no scan per link) and
//! produces *relative* hrefs, so the output works under any sub-path. Checking
//! needs every page's anchors, so it runs after all pages are rendered.

use std::collections::{HashMap, HashSet};

use percent_encoding::percent_decode_str;

use crate::config::BrokenLinks;
use crate::diagnostics::Diagnostic;
use crate::fields::closest;
use crate::markdown::Link;

/// What an internal link points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A page, by index into the site's pages.
    Page(usize),
    /// An asset, by index into the site's assets.
    Asset(usize),
    /// A page the tool generates (the action tracker, people pages), by index
    /// into the list given to [`LinkIndex::with_generated`].
    Generated(usize),
}

/// A link that resolved to something in the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub target: Target,
    pub fragment: Option<String>,
}

/// Why a link did not resolve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unresolved {
    /// The path (relative to the handbook root) names nothing.
    Missing(String),
    /// The path leaves the handbook (`../../outside.md`).
    OutsideRoot,
    /// The path is a draft page, not built without `--drafts`.
    Draft(String),
}

/// Lookup tables from source paths to pages and assets.
#[derive(Debug, Default)]
pub struct LinkIndex {
    by_source: HashMap<String, usize>,
    by_folder: HashMap<String, usize>,
    assets: HashMap<String, usize>,
    drafts: HashSet<String>,
    page_urls: Vec<String>,
    page_folders: Vec<String>,
    asset_urls: Vec<String>,
    generated: HashMap<String, usize>,
    generated_urls: Vec<String>,
    /// For "did you mean": every linkable path, made on the first broken link.
    suggestions: std::sync::OnceLock<Candidates>,
}

/// How many of the paths sharing the most character pairs with a missing
/// one are compared with it exactly.
const SUGGESTION_CANDIDATES: usize = 32;

/// The distinct pairs of adjacent characters of `text`, sorted.
fn char_pairs(text: &str) -> Vec<u32> {
    let chars: Vec<char> = text.chars().collect();
    let mut pairs: Vec<u32> = chars
        .windows(2)
        .map(|w| (u32::from(w[0]) << 11) ^ u32::from(w[1]))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// How many elements two sorted lists share.
fn shared(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Names to suggest from ("did you mean"), each with its character pairs,
/// so a wanted name is compared exactly with only the
/// [`SUGGESTION_CANDIDATES`] sharing the most pairs with it: a page with
/// thousands of broken links to a page with thousands of anchors stays fast.
#[derive(Debug, Default)]
pub struct Candidates {
    names: Vec<(String, Vec<u32>)>,
}

impl Candidates {
    /// Candidates from `names`, sorted so that ties resolve the same way.
    pub fn new<'n>(names: impl IntoIterator<Item = &'n str>) -> Candidates {
        let mut names: Vec<&str> = names.into_iter().collect();
        names.sort_unstable();
        names.dedup();
        Candidates {
            names: names
                .into_iter()
                .map(|n| (n.to_string(), char_pairs(n)))
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The first `n` names, in order.
    pub fn first(&self, n: usize) -> impl Iterator<Item = &str> {
        self.names.iter().take(n).map(|(name, _)| name.as_str())
    }

    /// The name most like `wanted`, if one is close enough.
    pub fn closest(&self, wanted: &str) -> Option<&str> {
        let pairs = char_pairs(wanted);
        let mut scored: Vec<(std::cmp::Reverse<usize>, usize)> = self
            .names
            .iter()
            .enumerate()
            .map(|(i, (_, p))| (std::cmp::Reverse(shared(&pairs, p)), i))
            .collect();
        if scored.len() > SUGGESTION_CANDIDATES {
            scored.select_nth_unstable(SUGGESTION_CANDIDATES - 1);
            scored.truncate(SUGGESTION_CANDIDATES);
        }
        closest(
            wanted,
            scored.iter().map(|&(_, i)| self.names[i].0.as_str()),
        )
    }
}

/// What the index needs to know about one page.
#[derive(Debug)]
pub struct PageEntry<'a> {
    /// Source path, or `None` for a generated section page.
    pub source_path: Option<&'a str>,
    /// The folder this page is the page of, if it is one.
    pub section_folder: Option<&'a str>,
    /// The folder its source is in (what its relative links are relative to).
    pub folder: &'a str,
    pub url: &'a str,
}

impl LinkIndex {
    pub fn new<'a>(
        pages: impl IntoIterator<Item = PageEntry<'a>>,
        assets: &[String],
        drafts: impl IntoIterator<Item = String>,
    ) -> Self {
        let mut index = LinkIndex {
            drafts: drafts.into_iter().collect(),
            ..Default::default()
        };
        for (i, page) in pages.into_iter().enumerate() {
            if let Some(src) = page.source_path {
                index.by_source.insert(src.to_string(), i);
            }
            if let Some(folder) = page.section_folder {
                index.by_folder.insert(folder.to_string(), i);
            }
            index.page_urls.push(page.url.to_string());
            index.page_folders.push(page.folder.to_string());
        }
        for (i, asset) in assets.iter().enumerate() {
            index.assets.insert(asset.clone(), i);
            index.asset_urls.push(asset.clone());
        }
        index
    }

    /// Makes generated pages (site URLs like `actions/`) linkable, as folders.
    pub fn with_generated(mut self, urls: impl IntoIterator<Item = String>) -> Self {
        for url in urls {
            self.generated.insert(
                url.trim_end_matches('/').to_string(),
                self.generated_urls.len(),
            );
            self.generated_urls.push(url);
        }
        self
    }

    /// Resolves `dest` as written in page `from`.
    pub fn resolve(&self, from: usize, dest: &str) -> Result<Resolved, Unresolved> {
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (
                p,
                Some(percent_decode_str(f).decode_utf8_lossy().into_owned()),
            ),
            None => (dest, None),
        };
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        if path.is_empty() {
            return Ok(Resolved {
                target: Target::Page(from),
                fragment,
            });
        }
        let decoded = percent_decode_str(path).decode_utf8_lossy();
        let base = if decoded.starts_with('/') {
            ""
        } else {
            self.folder_of(from)
        };
        let joined = normalize(base, &decoded).ok_or(Unresolved::OutsideRoot)?;
        let target = self
            .by_source
            .get(&joined)
            .map(|&i| Target::Page(i))
            .or_else(|| {
                self.by_folder
                    .get(joined.trim_end_matches('/'))
                    .map(|&i| Target::Page(i))
            })
            .or_else(|| self.assets.get(&joined).map(|&i| Target::Asset(i)))
            .or_else(|| {
                self.generated
                    .get(joined.trim_end_matches('/'))
                    .map(|&i| Target::Generated(i))
            });
        match target {
            Some(target) => Ok(Resolved { target, fragment }),
            None if self.drafts.contains(&joined) => Err(Unresolved::Draft(joined)),
            None => Err(Unresolved::Missing(joined)),
        }
    }

    fn folder_of(&self, page: usize) -> &str {
        self.page_folders.get(page).map_or("", String::as_str)
    }

    /// The site-relative URL of a target.
    pub fn url_of(&self, target: Target) -> &str {
        match target {
            Target::Page(i) => self.page_urls.get(i),
            Target::Asset(i) => self.asset_urls.get(i),
            Target::Generated(i) => self.generated_urls.get(i),
        }
        .map_or("", String::as_str)
    }

    /// The href to emit for `dest` in page `from`, or `None` to keep it as written.
    pub fn rewrite(&self, from: usize, dest: &str) -> Option<String> {
        let resolved = self.resolve(from, dest).ok()?;
        let from_url = self.page_urls.get(from)?;
        let mut href = match resolved.target {
            Target::Page(i) if i == from => String::new(),
            target => relative_href(from_url, self.url_of(target)),
        };
        if let Some(f) = &resolved.fragment {
            href.push('#');
            href.push_str(f);
        }
        Some(href)
    }

    /// The linkable path most like `wanted`. Comparing a path with every
    /// other exactly is slow on a large site with many broken links (a
    /// renamed folder), so the paths sharing the most character pairs with
    /// it are found first and only those are compared exactly.
    fn closest_path(&self, wanted: &str) -> Option<&str> {
        self.suggestions
            .get_or_init(|| {
                Candidates::new(
                    self.by_source
                        .keys()
                        .chain(self.assets.keys())
                        .map(String::as_str),
                )
            })
            .closest(wanted)
    }
}

/// Joins a relative path onto a folder, resolving `.` and `..`; `None` if it
/// climbs above the root. A trailing `/` is kept.
pub fn normalize(folder: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if path.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// The relative href from the page at folder-URL `from` to site URL `to`.
pub fn relative_href(from: &str, to: &str) -> String {
    let from_segs: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let to_segs: Vec<&str> = to.split('/').collect();
    let to_dirs = &to_segs[..to_segs.len().saturating_sub(1)];
    let common = from_segs
        .iter()
        .zip(to_dirs)
        .take_while(|(a, b)| a == b)
        .count();
    let mut href = "../".repeat(from_segs.len() - common);
    href.push_str(&to_segs[common..].join("/"));
    if href.is_empty() {
        "./".to_string()
    } else {
        href
    }
}

/// The page-side inputs to link checking.
#[derive(Debug)]
pub struct CheckedPage<'a> {
    pub source_path: &'a str,
    pub source: &'a str,
    pub links: &'a [Link],
    /// Links rendered as text because their URL could run script.
    pub refused: &'a [Link],
    pub anchors: &'a HashSet<String>,
}

/// What checking the links found.
#[derive(Debug, Default)]
pub struct Checked {
    /// `backlinks[i]` lists the pages that link to page `i`, sorted, no repeats.
    pub backlinks: Vec<Vec<usize>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks every page's links (pages in parallel) and collects backlinks.
pub fn check(index: &LinkIndex, pages: &[CheckedPage<'_>], broken: BrokenLinks) -> Checked {
    use rayon::prelude::*;
    let per_page: Vec<(Vec<usize>, Vec<Diagnostic>)> = (0..pages.len())
        .into_par_iter()
        .map(|from| check_page(index, pages, from, broken))
        .collect();
    let mut checked = Checked {
        backlinks: vec![Vec::new(); pages.len()],
        diagnostics: Vec::new(),
    };
    for (from, (targets, diagnostics)) in per_page.into_iter().enumerate() {
        for to in targets {
            checked.backlinks[to].push(from);
        }
        checked.diagnostics.extend(diagnostics);
    }
    for list in &mut checked.backlinks {
        list.dedup();
    }
    checked
}

/// One page's links: the pages it links to, and what is wrong with them.
fn check_page(
    index: &LinkIndex,
    pages: &[CheckedPage<'_>],
    from: usize,
    broken: BrokenLinks,
) -> (Vec<usize>, Vec<Diagnostic>) {
    let mut targets = Vec::new();
    let mut diagnostics = Vec::new();
    // Made on this page's first problem, kept for the rest.
    let lines = std::cell::OnceCell::new();
    let lines = || lines.get_or_init(|| crate::diagnostics::LineIndex::new(pages[from].source));
    let mut anchor_candidates: HashMap<usize, Candidates> = HashMap::new();
    let report = |code, path: &str, message: String| match broken {
        BrokenLinks::Error => Diagnostic::error(code, path, message),
        BrokenLinks::Warn => Diagnostic::warning(code, path, message),
    };
    let page = &pages[from];
    for link in page.refused {
        let scheme = link.dest.split(':').next().unwrap_or_default().trim();
        diagnostics.push(
            Diagnostic::warning(
                "unsafe-url",
                page.source_path,
                format!("a `{scheme}:` link could run script, so it is shown as text"),
            )
            .at_in(page.source, lines(), link.span.clone())
            .with_help("link to an https:// page instead"),
        );
    }
    {
        for link in page.links {
            match index.resolve(from, &link.dest) {
                Ok(Resolved {
                    target: Target::Page(to),
                    fragment,
                }) => {
                    if to != from {
                        targets.push(to);
                    }
                    let Some(fragment) = fragment.filter(|f| !f.is_empty()) else {
                        continue;
                    };
                    let Some(target) = pages.get(to) else {
                        continue;
                    };
                    if target.anchors.contains(&fragment) {
                        continue;
                    }
                    let mut d = report(
                        "missing-anchor",
                        page.source_path,
                        format!(
                            "`#{fragment}` is not a heading or anchor in `{}`",
                            target.source_path
                        ),
                    )
                    .at_in(page.source, lines(), link.span.clone());
                    let anchors = anchor_candidates.entry(to).or_insert_with(|| {
                        Candidates::new(target.anchors.iter().map(String::as_str))
                    });
                    if let Some(best) = anchors.closest(&fragment) {
                        d = d.with_help(format!("did you mean `#{best}`?"));
                    } else if !anchors.is_empty() {
                        let list: Vec<_> = anchors.first(8).map(|a| format!("#{a}")).collect();
                        d = d.with_help(format!("anchors there: {}", list.join(", ")));
                    }
                    diagnostics.push(d);
                }
                Ok(_) => {}
                Err(why) => {
                    let (message, help) = match &why {
                        Unresolved::Missing(path) => (
                            format!("broken link: `{}` does not exist", link.dest),
                            index.closest_path(path).map(|best| {
                                let folder =
                                    page.source_path.rsplit_once('/').map_or("", |(d, _)| d);
                                format!("did you mean `{}`?", relative_path(folder, best))
                            }),
                        ),
                        Unresolved::OutsideRoot => (
                            format!("broken link: `{}` points outside the handbook", link.dest),
                            Some("links must stay inside the handbook folder".to_string()),
                        ),
                        Unresolved::Draft(path) => (
                            format!("broken link: `{path}` is a draft"),
                            Some("drafts are only built with --drafts".to_string()),
                        ),
                    };
                    let mut d = report("broken-link", page.source_path, message).at_in(
                        page.source,
                        lines(),
                        link.span.clone(),
                    );
                    if let Some(help) = help {
                        d = d.with_help(help);
                    }
                    diagnostics.push(d);
                }
            }
        }
    }
    (targets, diagnostics)
}

/// How `file` (root-relative) is written relative to `folder` (root-relative).
fn relative_path(folder: &str, file: &str) -> String {
    let href = relative_href(&format!("{folder}/"), file);
    href.strip_prefix("./").map_or(href.clone(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> LinkIndex {
        let pages = [
            ("index.md", Some(""), "", ""),
            ("runbooks/db.md", None, "runbooks", "runbooks/db/"),
            (
                "runbooks/README.md",
                Some("runbooks"),
                "runbooks",
                "runbooks/",
            ),
            ("Guides/On Call.md", None, "Guides", "guides/on-call/"),
        ];
        LinkIndex::new(
            pages.iter().map(|(src, section, folder, url)| PageEntry {
                source_path: Some(src),
                section_folder: *section,
                folder,
                url,
            }),
            &["img/arch.png".to_string()],
            ["runbooks/wip.md".to_string()],
        )
    }

    #[test]
    fn resolves_relative_md_links_with_fragments() {
        let idx = index();
        let r = idx.resolve(3, "../runbooks/db.md#failover");
        assert_eq!(
            r,
            Ok(Resolved {
                target: Target::Page(1),
                fragment: Some("failover".into())
            })
        );
        assert_eq!(
            idx.rewrite(3, "../runbooks/db.md#failover").as_deref(),
            Some("../../runbooks/db/#failover")
        );
    }

    #[test]
    fn resolves_folders_readmes_assets_and_encoded_names() {
        let idx = index();
        assert_eq!(
            idx.resolve(0, "runbooks/").map(|r| r.target),
            Ok(Target::Page(2))
        );
        assert_eq!(
            idx.resolve(0, "runbooks").map(|r| r.target),
            Ok(Target::Page(2))
        );
        assert_eq!(
            idx.resolve(0, "runbooks/README.md").map(|r| r.target),
            Ok(Target::Page(2))
        );
        assert_eq!(
            idx.resolve(1, "../img/arch.png").map(|r| r.target),
            Ok(Target::Asset(0))
        );
        assert_eq!(
            idx.resolve(0, "Guides/On%20Call.md").map(|r| r.target),
            Ok(Target::Page(3))
        );
        assert_eq!(
            idx.resolve(0, "Guides/On Call.md").map(|r| r.target),
            Ok(Target::Page(3))
        );
        assert_eq!(
            idx.rewrite(1, "../img/arch.png").as_deref(),
            Some("../../img/arch.png")
        );
        assert_eq!(idx.rewrite(1, "#steps").as_deref(), Some("#steps"));
    }

    #[test]
    fn reports_why_a_link_does_not_resolve() {
        let idx = index();
        assert_eq!(
            idx.resolve(1, "dbb.md"),
            Err(Unresolved::Missing("runbooks/dbb.md".into()))
        );
        assert_eq!(idx.resolve(1, "../../x.md"), Err(Unresolved::OutsideRoot));
        assert_eq!(
            idx.resolve(1, "wip.md"),
            Err(Unresolved::Draft("runbooks/wip.md".into()))
        );
    }

    #[test]
    fn suggestions_for_missing_paths_scale_to_large_sites() {
        let names: Vec<String> = (0..5000)
            .map(|i| format!("decisions/{i:04}-choose-thing-{}.md", i * 7919 % 1000))
            .collect();
        let idx = LinkIndex::new(
            names.iter().map(|n| PageEntry {
                source_path: Some(n),
                section_folder: None,
                folder: "decisions",
                url: n,
            }),
            &[],
            [],
        );
        let target = names[4321].clone();
        // A renamed file, and a typo.
        assert_eq!(
            idx.closest_path(&target.replace("decisions/", "decisions/moved-")),
            Some(target.as_str())
        );
        assert_eq!(
            idx.closest_path(&target.replace("choose", "chose")),
            Some(target.as_str())
        );
    }

    #[test]
    fn relative_hrefs_share_common_prefixes() {
        assert_eq!(relative_href("a/b/", "a/c/"), "../c/");
        assert_eq!(relative_href("", ""), "./");
        assert_eq!(relative_href("a/", "a/"), "./");
        assert_eq!(relative_href("a/b/", ""), "../../");
        assert_eq!(relative_href("", "theme/style.css"), "theme/style.css");
        assert_eq!(relative_href("a/b/", "a/b/c/"), "c/");
    }

    #[test]
    fn normalize_handles_dots() {
        assert_eq!(normalize("a/b", "../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(normalize("a", "./x/").as_deref(), Some("a/x/"));
        assert_eq!(normalize("", "../x"), None);
    }
}
