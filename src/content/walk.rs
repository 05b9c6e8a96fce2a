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

/// The folder no file may be read from outside of, even through a symbolic
/// link: the repository's work tree when the handbook is in one, else the
/// handbook root. Nothing inside a `.git` folder is admitted either (a CI
/// checkout keeps its token in `.git/config`).
#[derive(Clone, Debug)]
pub struct Fence {
    dir: PathBuf,
}

impl Fence {
    /// The fence around the handbook at `root`.
    pub fn around(root: &Path) -> Fence {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let dir = crate::git::open(&root)
            .and_then(|repo| repo.workdir().and_then(|w| w.canonicalize().ok()))
            .filter(|workdir| root.starts_with(workdir))
            .unwrap_or(root);
        Fence { dir }
    }

    /// A fence at exactly `dir`.
    pub fn at(dir: &Path) -> Fence {
        Fence {
            dir: dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `Ok` when `path` (which may be or pass through symbolic links) resolves
    /// inside the fence and outside any `.git` folder; else the resolved
    /// target, for the warning. A path that does not exist is admitted (there
    /// is nothing to read).
    pub fn admits(&self, path: &Path) -> Result<(), PathBuf> {
        let Ok(real) = path.canonicalize() else {
            return Ok(());
        };
        let inside = real
            .strip_prefix(&self.dir)
            .is_ok_and(|rel| !rel.components().any(|c| c.as_os_str() == ".git"));
        if inside { Ok(()) } else { Err(real) }
    }

    /// Reads a file the handbook names (`handbook.toml`, `team.toml`,
    /// CODEOWNERS, templates), refusing one whose link leads out of the fence.
    pub fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        if let Err(target) = self.admits(path) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "it is a symbolic link to {}, outside {}",
                    target.display(),
                    self.dir.display()
                ),
            ));
        }
        std::fs::read(path)
    }

    /// [`Fence::read`], as text.
    pub fn read_to_string(&self, path: &Path) -> std::io::Result<String> {
        String::from_utf8(self.read(path)?)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()))
    }

    /// The warning for a link that leads out of the fence.
    pub fn warning(&self, rel: &str, target: &Path) -> Diagnostic {
        Diagnostic::warning(
            crate::diagnostics::Code::SymlinkOutside,
            rel,
            format!(
                "skipped: this symbolic link leads to {}, outside {}",
                target.display(),
                self.dir.display()
            ),
        )
        .with_help("links may point only inside the repository (and never into `.git`)")
    }
}

pub fn walk(root: &Path, output_dir: &Path, exclude: &[String], fence: &Fence) -> Found {
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
                    crate::diagnostics::Code::UnreadableFile,
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
        let Some(rel) = utf8_relative(root, entry.path()) else {
            found.diagnostics.push(
                Diagnostic::warning(
                    crate::diagnostics::Code::NonUtf8Name,
                    escaped(root, entry.path()),
                    "skipped: this name is not valid UTF-8, so it cannot be a URL",
                )
                .with_help("rename it using UTF-8 (most tools do this when you retype the name)"),
            );
            if is_dir {
                entries.skip_current_dir();
            }
            continue;
        };
        if entry.path_is_symlink()
            && let Err(target) = fence.admits(entry.path())
        {
            found.diagnostics.push(fence.warning(&rel, &target));
            if is_dir {
                entries.skip_current_dir();
            }
            continue;
        }
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

/// `path` relative to `root` with `/` separators, when every name is UTF-8.
fn utf8_relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// `path` relative to `root` for a message, with bytes that are not UTF-8
/// escaped (`\xff`).
fn escaped(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.as_os_str()
        .as_encoded_bytes()
        .utf8_chunks()
        .map(|chunk| {
            let bad: String = chunk
                .invalid()
                .iter()
                .map(|b| format!("\\x{b:02x}"))
                .collect();
            format!("{}{bad}", chunk.valid())
        })
        .collect()
}

pub use crate::paths::relative;
