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

#[cfg(test)]
mod tests {
    use super::*;

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
