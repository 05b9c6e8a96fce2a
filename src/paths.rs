//! Path strings: joining `/`-separated relative paths, relative hrefs
//! between site URLs, and file-system paths as `/`-separated strings. Pure
//! string work with no knowledge of the site, shared by the low-level
//! modules (links, kinds, git, content) so none of them depends on another
//! for it.

use std::path::Path;

/// `path` relative to `root`, with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

/// `globs` (paths from a folder, `*` within a name, `**` across folders)
/// as one set; a glob that does not parse matches nothing (the config's
/// check reports it).
pub fn path_globs(globs: &[String]) -> globset::GlobSet {
    let mut builder = globset::GlobSetBuilder::new();
    for glob in globs {
        if let Ok(g) = globset::GlobBuilder::new(glob)
            .literal_separator(true)
            .build()
        {
            builder.add(g);
        }
    }
    builder
        .build()
        .unwrap_or_else(|_| globset::GlobSet::empty())
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

/// The folder of a site URL: the URL itself for a folder URL (`""` or
/// ending in `/`), else the part before its file name (`runbooks/db.html`
/// → `runbooks/`).
pub fn folder_of(url: &str) -> &str {
    if url.is_empty() || url.ends_with('/') {
        url
    } else {
        url.rfind('/').map_or("", |i| url.get(..=i).unwrap_or(""))
    }
}

/// The file a page's site URL is written to: `index.html` in a folder URL,
/// else the URL itself (`[output] pretty_urls = false`).
pub fn page_file(url: &str) -> String {
    if url.is_empty() || url.ends_with('/') {
        format!("{url}index.html")
    } else {
        url.to_string()
    }
}

/// The relative href from the page at site URL `from` (a folder URL, or a
/// file's: `runbooks/db.html` links from `runbooks/`) to site URL `to`.
pub fn relative_href(from: &str, to: &str) -> String {
    let from = folder_of(from);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_from_a_file_url_start_at_its_folder() {
        assert_eq!(folder_of("runbooks/db.html"), "runbooks/");
        assert_eq!(folder_of("db.html"), "");
        assert_eq!(folder_of("runbooks/"), "runbooks/");
        assert_eq!(
            relative_href("runbooks/db.html", "runbooks/cache.html"),
            "cache.html"
        );
        assert_eq!(relative_href("runbooks/db.html", ""), "../");
        assert_eq!(
            relative_href("a.html", "runbooks/db.html"),
            "runbooks/db.html"
        );
        assert_eq!(
            relative_href("runbooks/db.html", "theme/style.css"),
            "../theme/style.css"
        );
        assert_eq!(page_file("runbooks/db.html"), "runbooks/db.html");
        assert_eq!(page_file("runbooks/"), "runbooks/index.html");
        assert_eq!(page_file(""), "index.html");
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
