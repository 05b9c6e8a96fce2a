//! Finding the handbook's files: which are pages, which are assets, which are skipped.
//!
//! The walk (`ignore`'s `WalkBuilder`, sorted, so the same tree always yields
//! the same lists) skips what the handbook's `.gitignore` files ignore, folders
//! holding an earlier build's output, symbolic links out of the [`Fence`], and
//! what [`Filter`] skips by path: hidden entries, editor scratch files (swap
//! files, backups), the output folder, `themes/` and `templates/` at the root,
//! `target/` and `node_modules/` anywhere and `exclude` globs. The live
//! preview's planner applies the same `Filter`. It reads no file contents.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

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

/// The folder of team health survey files (`kinds::health`): data for the
/// dashboard, never published. Its `.toml` and `.csv` files are not assets.
pub const SURVEY_FOLDER: &str = "health";

/// Whether `rel` (a path in the handbook) is a survey file.
pub fn is_survey_file(rel: &str) -> bool {
    rel.strip_prefix(SURVEY_FOLDER)
        .and_then(|r| r.strip_prefix('/'))
        .is_some_and(|name| {
            !name.contains('/') && (name.ends_with(".toml") || name.ends_with(".csv"))
        })
}

/// The folder of metric history files (`kinds::charter`): data for the
/// charter's charts, never published. Its `.csv` files are not assets.
pub const SERIES_FOLDER: &str = "metrics";

/// Whether `rel` (a path in the handbook) is a metric history file.
pub fn is_series_file(rel: &str) -> bool {
    rel.strip_prefix(SERIES_FOLDER)
        .and_then(|r| r.strip_prefix('/'))
        .is_some_and(|name| {
            !name.starts_with('/') && name.ends_with(".csv") && !name.contains("..")
        })
}

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

/// The rules for what the site never reads, by path alone (shared by the
/// walk and the live preview's planner): hidden names, editor scratch files,
/// `target/` and `node_modules/` anywhere, `themes/` and `templates/` at the
/// root, the output folder, and `exclude` globs. `.gitignore` files and
/// folders holding an earlier build's output are the walk's to apply (they
/// need the file system).
#[derive(Clone, Debug)]
pub struct Filter {
    excluded: GlobSet,
    /// The output folder relative to the handbook, when it is inside it.
    output_dir: Option<String>,
}

impl Filter {
    /// The filter of the handbook at `root` building into `output_dir`.
    pub fn new(root: &Path, output_dir: &Path, exclude: &[String]) -> Filter {
        Filter {
            excluded: exclude_set(exclude),
            output_dir: output_dir
                .strip_prefix(root)
                .ok()
                .and_then(|rel| utf8_relative(Path::new(""), rel))
                .filter(|rel| !rel.is_empty()),
        }
    }

    /// True when the walk skips `rel` (a `/`-separated path relative to the
    /// handbook, at `depth` 1 for an entry of the root) and, for a folder,
    /// everything in it.
    pub fn skips(&self, rel: &str, is_dir: bool) -> bool {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let at_root = !rel.contains('/');
        name.starts_with('.')
            || (!is_dir && is_scratch(name))
            || (is_dir && matches!(name, "target" | "node_modules"))
            || (is_dir && at_root && matches!(name, "themes" | "templates"))
            || self.output_dir.as_deref() == Some(rel)
            || self.excluded.is_match(rel)
    }

    /// True when the walk never reaches the file `rel`: it, or a folder
    /// above it, is skipped (see [`Filter::skips`]).
    #[allow(clippy::string_slice)] // cut at a `/`, which is ASCII
    pub fn excludes(&self, rel: &str) -> bool {
        rel.match_indices('/')
            .any(|(i, _)| self.skips(&rel[..i], true))
            || self.skips(rel, false)
    }
}

pub fn walk(root: &Path, output_dir: &Path, exclude: &[String], fence: &Fence) -> Found {
    let filter = Filter::new(root, output_dir, exclude);
    let mut found = Found::default();
    // What the filter finds to report (it runs inside the walk).
    let reported = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .standard_filters(false)
        .git_ignore(true)
        .require_git(false)
        .parents(false)
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b));
    {
        let root = root.to_path_buf();
        let output_dir = output_dir.to_path_buf();
        let fence = fence.clone();
        let reported = reported.clone();
        builder.filter_entry(move |entry| {
            let report = |d: Diagnostic| {
                reported
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .push(d);
            };
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            let Some(rel) = utf8_relative(&root, entry.path()) else {
                report(
                    Diagnostic::warning(
                        crate::diagnostics::Code::NonUtf8Name,
                        escaped(&root, entry.path()),
                        "skipped: this name is not valid UTF-8, so it cannot be a URL",
                    )
                    .with_help(
                        "rename it using UTF-8 (most tools do this when you retype the name)",
                    ),
                );
                return false;
            };
            if entry.path_is_symlink()
                && let Err(target) = fence.admits(entry.path())
            {
                report(fence.warning(&rel, &target));
                return false;
            }
            !(filter.skips(&rel, is_dir)
                || entry.path() == output_dir
                || (is_dir && entry.path().join(OUTPUT_MARKER).exists()))
        });
    }
    for entry in builder.build() {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = error_path(&err)
                    .map(|p| relative(root, p))
                    .unwrap_or_default();
                found.diagnostics.push(Diagnostic::error(
                    crate::diagnostics::Code::UnreadableFile,
                    path,
                    format!("cannot read this path: {}", error_text(&err)),
                ));
                continue;
            }
        };
        if entry.depth() == 0 || entry.file_type().is_some_and(|t| t.is_dir()) {
            continue;
        }
        let Some(rel) = utf8_relative(root, entry.path()) else {
            continue;
        };
        if rel.ends_with(".md") {
            found.pages.push(rel);
        } else {
            let config = entry.depth() == 1 && ROOT_CONFIG_FILES.contains(&rel.as_str());
            // Survey results and metric histories are data for the
            // dashboard and charts, never published.
            if !(config || is_survey_file(&rel) || is_series_file(&rel)) {
                found.assets.push(rel);
            }
        }
    }
    let reported = std::mem::take(
        &mut *reported
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()),
    );
    found.diagnostics.extend(reported);
    found
}

/// The pages among `listed` (markdown files a commit holds, relative to the
/// handbook at `root`, which holds that commit's other files) that [`walk`]
/// would find, in the order it would find them: the same [`Filter`], no
/// folder holding an earlier output's marker, and the `.gitignore` files of
/// the folders above (the deepest that decides wins, as in the walk).
pub fn listed_pages(
    root: &Path,
    output_dir: &Path,
    exclude: &[String],
    listed: impl Iterator<Item = String>,
) -> Vec<String> {
    use ignore::gitignore::{Gitignore, GitignoreBuilder};
    let filter = Filter::new(root, output_dir, exclude);
    let mut matchers: std::collections::HashMap<String, Option<Gitignore>> = Default::default();
    let mut outputs: std::collections::HashMap<String, bool> = Default::default();
    let mut pages: Vec<String> = listed
        .filter(|rel| rel.ends_with(".md") && !filter.excludes(rel))
        .filter(|rel| {
            let folders: Vec<&str> = std::iter::once("")
                .chain(
                    rel.match_indices('/')
                        .map(|(i, _)| rel.get(..i).unwrap_or("")),
                )
                .collect();
            let is_output = folders.iter().skip(1).any(|folder| {
                *outputs
                    .entry(folder.to_string())
                    .or_insert_with(|| root.join(folder).join(OUTPUT_MARKER).exists())
            });
            if is_output {
                return false;
            }
            for folder in &folders {
                matchers.entry(folder.to_string()).or_insert_with(|| {
                    let dir = root.join(folder);
                    let file = dir.join(".gitignore");
                    file.is_file().then(|| {
                        let mut builder = GitignoreBuilder::new(&dir);
                        builder.add(&file);
                        builder.build().ok()
                    })?
                });
            }
            // As the walk meets them: each folder on the way, then the file;
            // each judged by the `.gitignore` files above it, deepest first.
            let steps = folders.iter().skip(1).map(|f| (*f, true));
            !steps
                .chain(std::iter::once((rel.as_str(), false)))
                .any(|(path, is_dir)| {
                    let above = folders.iter().rev().filter(|f| {
                        f.is_empty() || (path.len() > f.len() && path.starts_with(&format!("{f}/")))
                    });
                    let decided = above
                        .filter_map(|f| matchers.get(*f)?.as_ref())
                        .map(|m| m.matched(root.join(path), is_dir))
                        .find(|m| !m.is_none());
                    decided.is_some_and(|m| m.is_ignore())
                })
        })
        .collect();
    // The walk's order: depth first, names sorted within each folder.
    pages.sort_by(|a, b| a.split('/').cmp(b.split('/')));
    pages
}

/// The path an error of the walk is about.
fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::Partial(errs) => errs.first().and_then(error_path),
        _ => None,
    }
}

/// An error of the walk without the path it is about (the diagnostic names
/// the path).
fn error_text(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => error_text(err),
        other => other.to_string(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_pages_are_the_pages_the_walk_finds_in_its_order() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        let files = [
            "index.md",
            "a-b.md",
            "a/b.md",
            "a/c/d.md",
            "A.md",
            "drafts/x.md",
            "drafts/keep.md",
            "notes/scratch.md",
            "notes/ok.md",
            ".hidden/x.md",
            "node_modules/pkg/readme.md",
            "themes/t/x.md",
            "public/old.md",
            "old-site/page.md",
            "vendor/lib/readme.md",
            "notes/.gitignore",
            ".gitignore",
            "old-site/.handbook-output",
            "images/logo.png",
        ];
        for file in files {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, "x").expect("write");
        }
        std::fs::write(root.join(".gitignore"), "drafts/\n!drafts/keep.md\n").expect("w");
        std::fs::write(root.join("notes/.gitignore"), "scratch.md\n").expect("w");
        let exclude = vec!["vendor/**".to_string()];
        let output = root.join("public");
        let fence = Fence::at(root);
        let walked = walk(root, &output, &exclude, &fence).pages;
        let listed = listed_pages(
            root,
            &output,
            &exclude,
            files.iter().rev().map(|f| f.to_string()),
        );
        assert_eq!(listed, walked);
        assert!(walked.contains(&"a/c/d.md".to_string()));
        assert!(!walked.contains(&"notes/scratch.md".to_string()));
    }
}
