//! Finding the handbook's files: which are pages, which are assets, which are skipped.
//!
//! The walk is sorted, so the same tree always yields the same lists. It skips
//! hidden entries, editor scratch files (swap files, backups), the output folder, `themes/` and `templates/` at the root,
//! `target/` and `node_modules/` anywhere, folders holding an earlier build's
//! output, `exclude` globs and whatever the handbook's `.gitignore` files ignore. It reads no file contents.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::gitignore::Gitignore;

use crate::diagnostics::Diagnostic;

/// Relative paths (with `/` separators) of what the walk found, sorted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Found {
    pub pages: Vec<String>,
    pub assets: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A file every build writes into its output folder, so that a later walk
/// recognises old outputs (`-o elsewhere`) and does not copy them in as assets.
pub const OUTPUT_MARKER: &str = ".handbook-output";

/// Files at the root that configure the handbook rather than belong in the site.
const ROOT_CONFIG_FILES: &[&str] = &["handbook.toml", "team.toml"];

pub fn walk(root: &Path, output_dir: &Path, exclude: &[String]) -> Found {
    let excluded = exclude_set(exclude);
    let mut found = Found::default();
    let mut ignores: HashMap<PathBuf, Gitignore> = HashMap::new();
    let output_dir = output_dir.to_path_buf();
    let mut entries = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err.path().map(|p| relative(root, p)).unwrap_or_default();
                found.diagnostics.push(Diagnostic::error(
                    "unreadable-file",
                    path,
                    format!("cannot read this path: {err}"),
                ));
                continue;
            }
        };
        if entry.depth() == 0 {
            load_gitignore(entry.path(), &mut ignores);
            continue;
        }
        let is_dir = entry.file_type().is_dir();
        let rel = relative(root, entry.path());
        if skipped(&rel, entry.depth(), is_dir)
            || entry.path() == output_dir
            || (is_dir && entry.path().join(OUTPUT_MARKER).exists())
            || excluded.is_match(&rel)
            || gitignored(entry.path(), is_dir, &ignores)
        {
            if is_dir {
                entries.skip_current_dir();
            }
            continue;
        }
        if is_dir {
            load_gitignore(entry.path(), &mut ignores);
        } else if rel.ends_with(".md") {
            found.pages.push(rel);
        } else if !(entry.depth() == 1 && ROOT_CONFIG_FILES.contains(&rel.as_str())) {
            found.assets.push(rel);
        }
    }
    found
}

fn skipped(rel: &str, depth: usize, is_dir: bool) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.starts_with('.')
        || (!is_dir && is_scratch(name))
        || (is_dir && matches!(name, "target" | "node_modules"))
        || (is_dir && depth == 1 && matches!(name, "themes" | "templates"))
}

/// Files editors write beside the real one while saving: vim's swap files
/// and its `4913` write test, backups ending in `~`, Emacs' `#autosave#`,
/// JetBrains' safe-write files, and `.tmp` files of write-then-rename saves.
pub fn is_scratch(name: &str) -> bool {
    name.ends_with('~')
        || name == "4913"
        || (name.starts_with('#') && name.ends_with('#'))
        || [
            ".swp",
            ".swx",
            ".swo",
            ".tmp",
            "___jb_tmp___",
            "___jb_old___",
        ]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

fn exclude_set(patterns: &[String]) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        // Invalid globs were already reported by config validation.
        if let Ok(glob) = Glob::new(p) {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

fn load_gitignore(dir: &Path, ignores: &mut HashMap<PathBuf, Gitignore>) {
    let file = dir.join(".gitignore");
    if file.is_file() {
        // A malformed line is skipped by `ignore`; git itself tolerates them too.
        let (matcher, _) = Gitignore::new(&file);
        ignores.insert(dir.to_path_buf(), matcher);
    }
}

/// True when the nearest `.gitignore` that has an opinion ignores `path`.
fn gitignored(path: &Path, is_dir: bool, ignores: &HashMap<PathBuf, Gitignore>) -> bool {
    if ignores.is_empty() {
        return false;
    }
    for dir in path.ancestors().skip(1) {
        if let Some(matcher) = ignores.get(dir) {
            let m = matcher.matched(path, is_dir);
            if m.is_ignore() {
                return true;
            }
            if m.is_whitelist() {
                return false;
            }
        }
    }
    false
}

/// `path` relative to `root`, with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}
