//! The handbook's content as loaded from disk: pages with typed front matter and
//! their URLs, and the assets beside them.
//!
//! Loading reads and splits every file in parallel and reports unreadable files,
//! non-UTF-8 files and front-matter mistakes as diagnostics, skipping only the
//! file concerned. It does not render markdown or look at links.

pub mod frontmatter;
pub mod walk;

use std::collections::HashSet;
use std::path::Path;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
pub use frontmatter::{Date, FrontMatter};

/// One markdown file of the handbook.
#[derive(Clone, Debug)]
pub struct Page {
    /// Path relative to the handbook root, `/`-separated (`decisions/0001-x.md`).
    pub source_path: String,
    /// URL relative to the site root: `""` for the home page, else ending in `/`.
    pub url: String,
    /// The whole file.
    pub source: String,
    /// Byte offset where the markdown body starts (after front matter).
    pub body_start: usize,
    pub front: FrontMatter,
    /// True for `index.md` / `README.md`, the page of its folder.
    pub is_section_index: bool,
    /// True for a listing page made for a folder that has no page of its own
    /// (its `source_path` and `source` are empty).
    pub generated: bool,
    /// The folder the page's source is in (`""` at the root).
    pub folder: String,
    /// What reading this file found wrong (front matter), kept with the page
    /// so a live preview can replace them when the file changes.
    pub diagnostics: Vec<Diagnostic>,
}

impl Page {
    /// The folder the page's source is in (`""` at the root).
    pub fn folder(&self) -> &str {
        &self.folder
    }

    /// The file name without `.md`.
    pub fn stem(&self) -> &str {
        let name = self
            .source_path
            .rsplit('/')
            .next()
            .unwrap_or(&self.source_path);
        name.strip_suffix(".md").unwrap_or(name)
    }
}

/// Pages and diagnostics from reading the files `walk` found.
#[derive(Debug, Default)]
pub struct Loaded {
    pub pages: Vec<Page>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads, splits and validates every page, in parallel. Pages come back in the
/// order of `paths` (sorted by the walk), which keeps the output deterministic.
pub fn load_pages(root: &Path, paths: &[String], include_drafts: bool) -> Loaded {
    load_pages_with(paths, include_drafts, &|rel| std::fs::read(root.join(rel)))
}

/// [`load_pages`], reading each file (by its path relative to the handbook)
/// with `read`: a commit's files come from git objects (`handbook diff`).
pub fn load_pages_with(
    paths: &[String],
    include_drafts: bool,
    read: &(dyn Fn(&str) -> std::io::Result<Vec<u8>> + Sync),
) -> Loaded {
    let all: HashSet<&str> = paths.iter().map(String::as_str).collect();
    let section_index = section_index_files(&all);
    let results: Vec<(Option<Page>, Vec<Diagnostic>)> = paths
        .par_iter()
        .map(|rel| page_from_file(rel, read(rel), section_index.contains(rel.as_str())))
        .collect();
    let mut loaded = Loaded::default();
    for (page, diags) in results {
        match page {
            Some(mut page) if include_drafts || !page.front.draft => {
                page.diagnostics = diags;
                loaded.pages.push(page);
            }
            _ => loaded.diagnostics.extend(diags),
        }
    }
    for path in paths {
        if let Some(dir) = path
            .strip_suffix("README.md")
            .filter(|d| d.is_empty() || d.ends_with('/'))
        {
            let index = format!("{dir}index.md");
            if all.contains(index.as_str()) {
                loaded.diagnostics.push(
                    Diagnostic::warning(
                        crate::diagnostics::Code::TwoSectionIndexes,
                        path.clone(),
                        format!(
                            "both `{index}` and `{path}` exist; `index.md` is the folder's page"
                        ),
                    )
                    .with_help(
                        "merge them, or rename README.md if it is meant as a page of its own",
                    ),
                );
            }
        }
    }
    loaded
}

/// Which files are their folder's page: `index.md`, else `README.md`.
fn section_index_files<'p>(paths: &HashSet<&'p str>) -> HashSet<&'p str> {
    let mut set = HashSet::new();
    for &path in paths {
        let (dir, name) = path.rsplit_once('/').map_or(("", path), |(d, n)| (d, n));
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        match name {
            "index.md" => {
                set.insert(path);
            }
            "README.md" if !paths.contains(format!("{prefix}index.md").as_str()) => {
                set.insert(path);
            }
            _ => {}
        }
    }
    set
}

/// Reads one page: `None` (with the reason) when it cannot be a page at all.
pub fn load_page(
    root: &Path,
    rel: &str,
    is_section_index: bool,
) -> (Option<Page>, Vec<Diagnostic>) {
    page_from_file(rel, std::fs::read(root.join(rel)), is_section_index)
}

/// A page from what reading its file gave.
fn page_from_file(
    rel: &str,
    read: std::io::Result<Vec<u8>>,
    is_section_index: bool,
) -> (Option<Page>, Vec<Diagnostic>) {
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            let d = Diagnostic::error(
                crate::diagnostics::Code::UnreadableFile,
                rel,
                format!("cannot read this file: {e}"),
            );
            return (None, vec![d]);
        }
    };
    let source = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
            let d = Diagnostic::error(
                crate::diagnostics::Code::NotUtf8,
                rel,
                "this file is not valid UTF-8, so it was skipped",
            )
            .at(&valid, at..at)
            .with_help("save the file as UTF-8 (most editors have an \"encoding\" option)");
            return (None, vec![d]);
        }
    };
    match page_from_source(rel, source, is_section_index) {
        Ok((page, diagnostics)) => (Some(page), diagnostics),
        Err(d) => (None, vec![d]),
    }
}

/// A page from its text (a file's, or an older version's from git); `Err`
/// when it cannot be a page at all.
pub fn page_from_source(
    rel: &str,
    source: String,
    is_section_index: bool,
) -> Result<(Page, Vec<Diagnostic>), Diagnostic> {
    // A byte-order mark is invisible in editors; don't let it hide front matter.
    let source = match source.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => source,
    };
    let split = frontmatter::split(rel, &source)?;
    let (front, diagnostics) = frontmatter::parse(rel, &source, &split);
    let url = page_url(rel, is_section_index, front.slug.as_deref());
    let page = Page {
        folder: rel.rsplit_once('/').map_or("", |(dir, _)| dir).to_string(),
        generated: false,
        source_path: rel.to_string(),
        url,
        body_start: split.body_start,
        source,
        front,
        is_section_index,
        diagnostics: Vec::new(),
    };
    Ok((page, diagnostics))
}

/// The URL of a page: its folders slugified, then its own slug, as a folder.
pub fn page_url(rel: &str, is_section_index: bool, slug_override: Option<&str>) -> String {
    let mut parts: Vec<&str> = rel.split('/').collect();
    let file = parts.pop().unwrap_or_default();
    let mut url = String::new();
    for dir in &parts {
        url.push_str(&slugify(dir));
        url.push('/');
    }
    if !is_section_index {
        let stem = file.strip_suffix(".md").unwrap_or(file);
        url.push_str(&slugify(slug_override.unwrap_or(stem)));
        url.push('/');
    }
    url
}

/// A page's URL as one file, for `[output] pretty_urls = false`:
/// `runbooks/db/` → `runbooks/db.html` (a folder's own page keeps its
/// folder URL, written as `index.html`).
pub fn flat_url(url: &str) -> String {
    format!("{}.html", url.trim_end_matches('/'))
}

/// The URL of a folder (`Runbooks/On Call` → `runbooks/on-call/`).
pub fn folder_url(folder: &str) -> String {
    folder
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| format!("{}/", slugify(s)))
        .collect()
}

/// An id made from the first `words` words of `text`: lowercase, joined by
/// `-` (`Pair on one failover drill` → `pair-on-one-failover`). For records
/// that are followed by their wording (actions, survey questions).
pub fn words_id(text: &str, words: usize) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(words)
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// A stable, URL-safe form of a file or folder name: lowercase, spaces and
/// punctuation become `-`, letters, digits, `_` and `.` are kept. It is never
/// empty, `.`, `..` or hidden (starting with `.`), so it is always a plain
/// name inside the output folder; a name with no letter or digit becomes `-`.
pub fn slugify(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '_' || (c == '.' && !out.is_empty()) {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    // `-..` would keep its dots once the dash is trimmed.
    let trimmed = out.trim_matches('-').trim_start_matches(['.', '-']);
    if trimmed.is_empty() {
        "-".to_string()
    } else {
        trimmed.to_string()
    }
}

/// True when `slug` (a front-matter `slug`) gives a name of its own rather
/// than the `-` of a name with no letter or digit.
pub fn is_meaningful_slug(slug: &str) -> bool {
    slugify(slug) != "-"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_urls_are_folders() {
        assert_eq!(
            page_url("decisions/0001-use-rust.md", false, None),
            "decisions/0001-use-rust/"
        );
        assert_eq!(page_url("index.md", true, None), "");
        assert_eq!(page_url("runbooks/README.md", true, None), "runbooks/");
        assert_eq!(
            page_url("Guides/On Call Guide.md", false, None),
            "guides/on-call-guide/"
        );
        assert_eq!(
            page_url("a/b.md", false, Some("Custom Slug")),
            "a/custom-slug/"
        );
    }

    #[test]
    fn slugify_is_stable_for_awkward_names() {
        assert_eq!(slugify("Q3 — Review (draft)"), "q3-review-draft");
        assert_eq!(slugify("v1.2 notes"), "v1.2-notes");
        assert_eq!(slugify("???"), "-");
    }

    #[test]
    fn slugify_never_makes_dots_or_hidden_names() {
        for name in [
            "-..", "..", ".", "-.", ".hidden", "-.-.x", "../x", "..\\x", "", "/",
        ] {
            let slug = slugify(name);
            assert!(
                crate::confine::output_file(&slug).is_ok() && !slug.starts_with('.'),
                "{name:?} -> {slug:?}"
            );
        }
        assert_eq!(slugify("-.."), "-");
        assert_eq!(slugify(".hidden"), "hidden");
        assert_eq!(slugify("../x"), "x");
        assert_eq!(page_url("-../a.md", false, Some("-..")), "-/-/");
    }

    #[test]
    fn readme_is_the_section_page_only_without_index() {
        let paths: HashSet<&str> = ["a/README.md", "a/index.md", "b/README.md"]
            .into_iter()
            .collect();
        let set = section_index_files(&paths);
        assert!(set.contains("a/index.md") && set.contains("b/README.md"));
        assert!(!set.contains("a/README.md"));
    }
}
