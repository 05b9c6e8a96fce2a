//! The link graph: resolving what a page links to, checking it, and backlinks.
//!
//! Links are written the way GitHub renders them: relative to the source file
//! (`../runbooks/db.md#failover`), to folders, to `README.md`/`index.md`, or to
//! assets. [`LinkIndex`] resolves them through hash maps (no scan per link) and
//! produces *relative* hrefs, so the output works under any sub-path. Checking
//! needs every page's anchors, so it runs after all pages are rendered.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use percent_encoding::percent_decode_str;

use crate::diagnostics::Diagnostic;
use crate::fields::closest_keyed;
use crate::markdown::Link;
use crate::pages::{PageId, PageTable};

pub use crate::paths::{normalize, relative_href};

mod candidates;
mod check;

pub use candidates::Candidates;
pub use check::{Checked, CheckedPage, apply_fixes, check};

/// How broken links and anchors are reported (`[links] broken`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BrokenLinks {
    #[default]
    Error,
    Warn,
}

/// What an internal link points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A page, by index into the site's pages.
    Page(PageId),
    /// An asset, by index into the site's assets.
    Asset(usize),
    /// A page the tool generates (the action tracker, people pages), by index
    /// into the list given to [`LinkIndex::with_generated`].
    Generated(usize),
    /// A file or folder of the repository that is not part of the site (a
    /// folder of scripts, the repository's README, an excluded file): it
    /// works on the forge, so the site links there when it can.
    Repository { folder: bool },
}

/// A link that resolved to something in the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub target: Target,
    pub fragment: Option<String>,
    /// For [`Target::Repository`], its path in the repository.
    pub path: String,
}

/// Whether a path of the repository exists, and is a folder.
pub type Lookup = Box<dyn Fn(&str) -> Option<bool> + Send + Sync>;

/// The repository around the handbook, for links that leave the site but
/// not the repository.
pub struct Repository {
    /// The handbook's folder in the repository: `""`, or ending in `/`.
    pub prefix: String,
    /// Whether a path of the repository exists (and is a folder:
    /// `Some(true)`); a path no file may be read from is `None`.
    pub lookup: Lookup,
    /// How the forge's URLs are made.
    pub forge: crate::forge::Settings,
}

impl std::fmt::Debug for Repository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repository")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// Why a link did not resolve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unresolved {
    /// The path (relative to the handbook root) names nothing.
    Missing(String),
    /// The path leaves the handbook (`../../outside.md`) and the repository.
    OutsideRoot,
    /// The path leaves the handbook for a path of its repository that does
    /// not exist (given relative to the repository).
    MissingInRepository(String),
    /// The path is a draft page, not built without `--drafts`.
    Draft(String),
}

/// Lookup tables from source paths to pages and assets.
#[derive(Debug, Default)]
pub struct LinkIndex {
    by_source: HashMap<String, PageId>,
    by_folder: HashMap<String, PageId>,
    assets: HashMap<String, usize>,
    drafts: HashSet<String>,
    page_urls: PageTable<String>,
    page_folders: PageTable<String>,
    asset_urls: Vec<String>,
    generated: HashMap<String, usize>,
    generated_urls: Vec<String>,
    repository: Option<Repository>,
    /// For "did you mean": every linkable path, made on the first broken link.
    suggestions: OnceLock<Candidates>,
    /// The suggestion for each missing path asked about so far: the links
    /// of a renamed folder's pages mostly name a few missing paths, each
    /// compared with the site's paths once.
    suggested: std::sync::Mutex<HashMap<String, Option<String>>>,
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
        for page in pages {
            let i = index.page_urls.push(page.url.to_string());
            index.page_folders.push(page.folder.to_string());
            if let Some(src) = page.source_path {
                index.by_source.insert(src.to_string(), i);
            }
            if let Some(folder) = page.section_folder {
                index.by_folder.insert(folder.to_string(), i);
            }
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

    /// Makes links to the rest of the repository resolvable.
    pub fn with_repository(mut self, repository: Repository) -> Self {
        self.repository = Some(repository);
        self
    }

    /// Resolves `dest` as written in page `from`.
    pub fn resolve(&self, from: PageId, dest: &str) -> Result<Resolved, Unresolved> {
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
                path: String::new(),
            });
        }
        let decoded = percent_decode_str(path).decode_utf8_lossy();
        let base = if decoded.starts_with('/') {
            ""
        } else {
            self.folder_of(from)
        };
        let Some(joined) = normalize(base, &decoded) else {
            return self.in_repository(base, &decoded, fragment);
        };
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
            Some(target) => Ok(Resolved {
                target,
                fragment,
                path: String::new(),
            }),
            None if self.drafts.contains(&joined) => Err(Unresolved::Draft(joined)),
            None => {
                let Some(repo) = &self.repository else {
                    return Err(Unresolved::Missing(joined));
                };
                let path = format!("{}{joined}", repo.prefix);
                match (repo.lookup)(&path) {
                    Some(folder) => Ok(Resolved {
                        target: Target::Repository { folder },
                        fragment,
                        path,
                    }),
                    None => Err(Unresolved::Missing(joined)),
                }
            }
        }
    }

    /// Resolves a path that climbs out of the handbook, against the repository.
    fn in_repository(
        &self,
        base: &str,
        path: &str,
        fragment: Option<String>,
    ) -> Result<Resolved, Unresolved> {
        let repo = self.repository.as_ref().ok_or(Unresolved::OutsideRoot)?;
        let joined =
            normalize(&format!("{}{base}", repo.prefix), path).ok_or(Unresolved::OutsideRoot)?;
        match (repo.lookup)(&joined) {
            Some(folder) => Ok(Resolved {
                target: Target::Repository { folder },
                fragment,
                path: joined,
            }),
            None => Err(Unresolved::MissingInRepository(joined)),
        }
    }

    /// Where the forge shows a repository path, when `repo_url` names a known forge.
    fn forge_url(&self, path: &str, folder: bool) -> Option<String> {
        let repo = self.repository.as_ref()?;
        crate::forge::view_url(&repo.forge, path, folder)
    }

    /// A repository path's place in the site when it is a folder of the
    /// handbook (its files are copied there), relative to the site's root.
    fn copied_folder(&self, path: &str, folder: bool) -> Option<String> {
        let prefix = self.repository.as_ref().map_or("", |r| r.prefix.as_str());
        let inside = path.strip_prefix(prefix)?.trim_end_matches('/');
        (folder && !inside.is_empty()).then(|| format!("{inside}/"))
    }

    fn folder_of(&self, page: PageId) -> &str {
        self.page_folders.get(page).map_or("", String::as_str)
    }

    /// Whether `path` (relative to the handbook) is one of its assets.
    pub fn is_asset(&self, path: &str) -> bool {
        self.assets.contains_key(path)
    }

    /// The site-relative URL of a target.
    pub fn url_of(&self, target: Target) -> &str {
        match target {
            Target::Page(i) => self.page_urls.get(i),
            Target::Asset(i) => self.asset_urls.get(i),
            Target::Generated(i) => self.generated_urls.get(i),
            Target::Repository { .. } => None,
        }
        .map_or("", String::as_str)
    }

    /// The href to emit for `dest` in page `from`, or `None` to keep it as written.
    pub fn rewrite(&self, from: PageId, dest: &str) -> Option<String> {
        let resolved = self.resolve(from, dest).ok()?;
        let from_url = self.page_urls.get(from)?;
        let mut href = match resolved.target {
            Target::Page(i) if i == from => String::new(),
            Target::Repository { folder } => match self.forge_url(&resolved.path, folder) {
                Some(url) => url,
                None => relative_href(from_url, &self.copied_folder(&resolved.path, folder)?),
            },
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
    fn closest_path(&self, wanted: &str) -> Option<String> {
        let known = |cache: &HashMap<String, Option<String>>| cache.get(wanted).cloned();
        let lock = || {
            self.suggested
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        };
        if let Some(best) = known(&lock()) {
            return best;
        }
        let best = self
            .suggestions
            .get_or_init(|| {
                Candidates::new(
                    self.by_source
                        .keys()
                        .chain(self.assets.keys())
                        .map(String::as_str),
                )
            })
            .closest(wanted)
            .map(str::to_string);
        lock().insert(wanted.to_string(), best.clone());
        best
    }
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
        let r = idx.resolve(PageId::new(3), "../runbooks/db.md#failover");
        assert_eq!(
            r,
            Ok(Resolved {
                target: Target::Page(PageId::new(1)),
                fragment: Some("failover".into()),
                path: String::new(),
            })
        );
        assert_eq!(
            idx.rewrite(PageId::new(3), "../runbooks/db.md#failover")
                .as_deref(),
            Some("../../runbooks/db/#failover")
        );
    }

    #[test]
    fn resolves_folders_readmes_assets_and_encoded_names() {
        let idx = index();
        assert_eq!(
            idx.resolve(PageId::new(0), "runbooks/").map(|r| r.target),
            Ok(Target::Page(PageId::new(2)))
        );
        assert_eq!(
            idx.resolve(PageId::new(0), "runbooks").map(|r| r.target),
            Ok(Target::Page(PageId::new(2)))
        );
        assert_eq!(
            idx.resolve(PageId::new(0), "runbooks/README.md")
                .map(|r| r.target),
            Ok(Target::Page(PageId::new(2)))
        );
        assert_eq!(
            idx.resolve(PageId::new(1), "../img/arch.png")
                .map(|r| r.target),
            Ok(Target::Asset(0))
        );
        assert_eq!(
            idx.resolve(PageId::new(0), "Guides/On%20Call.md")
                .map(|r| r.target),
            Ok(Target::Page(PageId::new(3)))
        );
        assert_eq!(
            idx.resolve(PageId::new(0), "Guides/On Call.md")
                .map(|r| r.target),
            Ok(Target::Page(PageId::new(3)))
        );
        assert_eq!(
            idx.rewrite(PageId::new(1), "../img/arch.png").as_deref(),
            Some("../../img/arch.png")
        );
        assert_eq!(
            idx.rewrite(PageId::new(1), "#steps").as_deref(),
            Some("#steps")
        );
    }

    #[test]
    fn reports_why_a_link_does_not_resolve() {
        let idx = index();
        assert_eq!(
            idx.resolve(PageId::new(1), "dbb.md"),
            Err(Unresolved::Missing("runbooks/dbb.md".into()))
        );
        assert_eq!(
            idx.resolve(PageId::new(1), "../../x.md"),
            Err(Unresolved::OutsideRoot)
        );
        assert_eq!(
            idx.resolve(PageId::new(1), "wip.md"),
            Err(Unresolved::Draft("runbooks/wip.md".into()))
        );
    }

    fn in_repository() -> LinkIndex {
        // The handbook is `docs/` of a repository that also holds a README
        // and `docs/scripts/` (files the site does not publish).
        index().with_repository(Repository {
            prefix: "docs/".into(),
            lookup: Box::new(|path: &str| match path {
                "README.md" => Some(false),
                "docs/scripts" | "docs/scripts/" | "tools" => Some(true),
                _ => None,
            }),
            forge: crate::forge::Settings::default(),
        })
    }

    #[test]
    fn links_into_the_rest_of_the_repository_resolve_there() {
        let idx = in_repository();
        let r = idx.resolve(PageId::new(1), "../../README.md#setup");
        assert_eq!(
            r,
            Ok(Resolved {
                target: Target::Repository { folder: false },
                fragment: Some("setup".into()),
                path: "README.md".into(),
            })
        );
        assert_eq!(
            idx.resolve(PageId::new(0), "scripts/")
                .map(|r| (r.target, r.path)),
            Ok((Target::Repository { folder: true }, "docs/scripts/".into()))
        );
        assert_eq!(
            idx.resolve(PageId::new(1), "../../nope.md"),
            Err(Unresolved::MissingInRepository("nope.md".into()))
        );
        assert_eq!(
            idx.resolve(PageId::new(1), "../../../x.md"),
            Err(Unresolved::OutsideRoot)
        );
        // Without a forge, a folder of the handbook links to its copied files;
        // a file outside the handbook is left as written.
        assert_eq!(
            idx.rewrite(PageId::new(1), "../scripts/").as_deref(),
            Some("../../scripts/")
        );
        assert_eq!(idx.rewrite(PageId::new(1), "../../README.md"), None);
        let mut github = in_repository();
        if let Some(repo) = &mut github.repository {
            repo.forge.repo_url = Some("https://github.com/acme/ops".into());
        }
        assert_eq!(
            github
                .rewrite(PageId::new(1), "../../README.md#setup")
                .as_deref(),
            Some("https://github.com/acme/ops/blob/main/README.md#setup")
        );
        assert_eq!(
            github.rewrite(PageId::new(0), "scripts").as_deref(),
            Some("https://github.com/acme/ops/tree/main/docs/scripts")
        );
    }

    #[test]
    fn fixes_replace_exactly_the_hrefs_named() {
        let html = "<a href=\"a/#Paging\">x</a> <a href=\"b/#Paging\">y</a> <img src=\"a/#Paging\"> href=\"a/#Paging";
        let fixed = apply_fixes(html, &[("a/#Paging".into(), "a/#paging".into())]);
        assert_eq!(
            fixed,
            "<a href=\"a/#paging\">x</a> <a href=\"b/#Paging\">y</a> <img src=\"a/#Paging\"> href=\"a/#Paging"
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
            Some(target.clone())
        );
        assert_eq!(
            idx.closest_path(&target.replace("choose", "chose")),
            Some(target.clone())
        );
        // Asked again, the answer is remembered.
        assert_eq!(
            idx.closest_path(&target.replace("choose", "chose")),
            Some(target)
        );
        assert_eq!(
            idx.suggested
                .lock()
                .map(|cache| cache.len())
                .unwrap_or_default(),
            2
        );
    }
}
