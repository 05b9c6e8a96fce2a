//! A commit's handbook, read from git objects, for comparing a change with
//! what it changes (`handbook diff`).
//!
//! [`base`] names the commit: a revision as `git rev-parse` reads it, or the
//! merge base of `HEAD` with the default branch. [`checkout`] writes that
//! commit's handbook folder (and any extra files the caller names, such as
//! CODEOWNERS) into a fresh private temporary folder laid out like the
//! repository, and keeps every path of the commit so that links into the
//! repository resolve as they did then. It never touches the work tree, the
//! index or a ref, and never follows or makes a symbolic link: a commit may
//! come from a hostile pull request, so every name is checked before it
//! becomes a path, and a link in the tree is left out.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use gix::ObjectId;
use gix::prelude::Find;
use rayon::prelude::*;

use super::{Error, entries, error, open, parse_commit, read_tree};

/// The commit a change is compared with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base {
    pub id: ObjectId,
    /// How it was found, for the report: `origin/main` (merge base), `HEAD~2`.
    pub label: String,
}

/// Which commit [`base`] picks.
#[derive(Clone, Copy, Debug)]
pub enum BaseSpec<'a> {
    /// A revision as `git rev-parse` reads it (`main`, `HEAD~3`, an id).
    Named(&'a str),
    /// The merge base of `HEAD` with the default branch; the names are
    /// branches to try first (what a CI system says the change targets).
    DefaultBranch(&'a [String]),
}

/// Finds the commit to compare the handbook at `root` with.
pub fn base(root: &Path, spec: BaseSpec<'_>) -> Result<Base, Error> {
    let repo = open(root).ok_or_else(|| Error("the handbook is not in a git repository".into()))?;
    let commit_of = |name: &str| -> Option<ObjectId> {
        let id = repo.rev_parse_single(name).ok()?;
        let commit = id.object().ok()?.peel_to_commit().ok()?;
        Some(commit.id)
    };
    match spec {
        BaseSpec::Named(name) => commit_of(name)
            .map(|id| Base {
                id,
                label: name.to_string(),
            })
            .ok_or_else(|| Error(format!("`{name}` names no commit of this repository"))),
        BaseSpec::DefaultBranch(hints) => {
            let head = commit_of("HEAD")
                .ok_or_else(|| Error("`HEAD` names no commit: nothing is committed yet".into()))?;
            let mut names: Vec<String> = Vec::new();
            for hint in hints.iter().filter(|h| !h.trim().is_empty()) {
                names.push(format!("refs/remotes/origin/{hint}"));
                names.push(format!("refs/heads/{hint}"));
            }
            for branch in ["HEAD", "main", "master", "trunk"] {
                names.push(format!("refs/remotes/origin/{branch}"));
            }
            for branch in ["main", "master", "trunk"] {
                names.push(format!("refs/heads/{branch}"));
            }
            let (name, tip) = names
                .iter()
                .find_map(|n| commit_of(n).map(|id| (n, id)))
                .ok_or_else(|| {
                    Error(
                        "no default branch found (origin/HEAD, main, master or trunk): \
                         name the commit to compare with"
                            .into(),
                    )
                })?;
            let merge_base = repo
                .merge_base(head, tip)
                .map_err(|e| error("cannot find the merge base", e))?
                .ok_or_else(|| Error(format!("`HEAD` and {name} have no commit in common")))?;
            let short = name
                .trim_start_matches("refs/remotes/")
                .trim_start_matches("refs/heads/");
            Ok(Base {
                id: merge_base.detach(),
                label: format!("merge base with {short}"),
            })
        }
    }
}

/// A commit's handbook in a private temporary folder (removed when this is
/// dropped), and every path of the commit.
#[derive(Debug)]
pub struct Checkout {
    dir: tempfile::TempDir,
    handbook: PathBuf,
    /// Every path of the commit (files, folders, links), `true` for folders.
    paths: HashMap<String, bool>,
    /// The handbook's markdown files, by path relative to the handbook: kept
    /// in memory, as writing thousands of files costs more than checking them.
    /// Each is handed over once ([`Checkout::read_page`]), so the commit's
    /// text is held once, by the site built from it.
    pages: std::sync::Mutex<HashMap<String, Vec<u8>>>,
    /// Their paths.
    page_paths: Vec<String>,
    /// Files written.
    files: usize,
    /// The repository's work tree (where the objects are read from).
    work_tree: PathBuf,
    /// The commit's other regular files (outside the handbook), not written
    /// unless asked for ([`Checkout::write_matching`]).
    outside: HashMap<String, ObjectId>,
}

impl Checkout {
    /// The folder laid out like the repository.
    pub fn repository(&self) -> &Path {
        self.dir.path()
    }

    /// The handbook's folder inside it.
    pub fn handbook(&self) -> &Path {
        &self.handbook
    }

    /// Whether the commit has `path` (relative to the repository), and
    /// whether it is a folder.
    pub fn lookup(&self, path: &str) -> Option<bool> {
        self.paths.get(path.trim_end_matches('/')).copied()
    }

    /// How many files were written.
    pub fn files(&self) -> usize {
        self.files
    }

    /// Writes the commit's files outside the handbook that `globs` (from the
    /// repository's root) match, such as `[runbooks] alert_rules`; returns
    /// how many.
    pub fn write_matching(&self, globs: &[String]) -> Result<usize, Error> {
        let set = crate::paths::path_globs(globs);
        let mut wanted: Vec<(&str, ObjectId)> = self
            .outside
            .iter()
            .filter(|(path, _)| set.is_match(path.as_str()))
            .map(|(path, id)| (path.as_str(), *id))
            .collect();
        wanted.sort();
        let ids: Vec<ObjectId> = wanted.iter().map(|(_, id)| *id).collect();
        let blobs = whole_blobs(&self.work_tree, &ids)?;
        for (path, id) in &wanted {
            let file = self.dir.path().join(path);
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent).map_err(|e| error("cannot write", e))?;
            }
            let bytes = blobs.get(id).and_then(Option::as_deref).unwrap_or_default();
            std::fs::write(&file, bytes).map_err(|e| error("cannot write", e))?;
        }
        Ok(wanted.len())
    }

    /// The paths of the handbook's markdown files (relative to the handbook).
    pub fn pages(&self) -> impl Iterator<Item = &str> {
        self.page_paths.iter().map(String::as_str)
    }

    /// The bytes of the handbook's markdown file `rel`, handed over: a
    /// second read of the same file finds nothing (build the site once).
    pub fn read_page(&self, rel: &str) -> std::io::Result<Vec<u8>> {
        self.pages
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(rel)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not in the commit"))
    }
}

/// The whole contents of the blobs `ids` (read in parallel).
fn whole_blobs(root: &Path, ids: &[ObjectId]) -> Result<HashMap<ObjectId, Option<Vec<u8>>>, Error> {
    super::read_blobs(root, ids, || {
        |start: &[u8], complete: bool, all: &mut dyn FnMut() -> Option<Vec<u8>>| {
            if complete {
                Some(start.to_vec())
            } else {
                all()
            }
        }
    })
}

/// Whether a tree entry's name can become a path segment: a hostile commit
/// may hold names no `git` would write.
fn plain_name(name: &[u8]) -> Option<&str> {
    let name = std::str::from_utf8(name).ok()?;
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.eq_ignore_ascii_case(".git")
        && !name.contains(['/', '\\', '\0'])
        && crate::confine::output_file(name).is_ok();
    plain.then_some(name)
}

/// Writes the files of commit `base` under the handbook's folder (the
/// handbook at `root`), and the repository files `extra` (paths from the
/// repository root), into a new temporary folder.
pub fn checkout(root: &Path, base: &Base, extra: &[&str]) -> Result<Checkout, Error> {
    let repo = open(root).ok_or_else(|| Error("the handbook is not in a git repository".into()))?;
    let workdir = repo
        .workdir()
        .and_then(|w| std::path::absolute(w).ok())
        .ok_or_else(|| Error("the repository has no work tree".into()))?;
    let root =
        std::path::absolute(root).map_err(|e| error("cannot use the handbook's folder", e))?;
    let workdir = workdir.canonicalize().unwrap_or(workdir);
    let root = root.canonicalize().unwrap_or(root);
    let prefix = crate::paths::relative(
        Path::new(""),
        root.strip_prefix(&workdir)
            .map_err(|_| Error("the handbook is not inside the repository's work tree".into()))?,
    );
    let mut buf = Vec::new();
    let data = repo
        .objects
        .try_find(&base.id, &mut buf)
        .map_err(|e| error("cannot read the commit", e))?
        .ok_or_else(|| Error(format!("the commit {} is missing", base.id)))?;
    let tree = parse_commit(data.data)
        .ok_or_else(|| Error(format!("cannot read the commit {}", base.id)))?
        .tree;

    let inside =
        |path: &str| prefix.is_empty() || path == prefix || path.starts_with(&format!("{prefix}/"));
    let mut paths = HashMap::new();
    let mut outside = HashMap::new();
    let mut wanted: Vec<(String, ObjectId)> = Vec::new();
    let mut stack = vec![(tree, String::new())];
    while let Some((id, folder)) = stack.pop() {
        let raw =
            read_tree(&repo, &id).ok_or_else(|| Error(format!("cannot read the tree {id}")))?;
        for e in entries(&raw, 0) {
            let Some(name) = plain_name(e.name()) else {
                continue;
            };
            let Ok(oid) = ObjectId::try_from(e.id()) else {
                continue;
            };
            let path = if folder.is_empty() {
                name.to_string()
            } else {
                format!("{folder}/{name}")
            };
            paths.insert(path.clone(), e.is_tree);
            if e.is_tree {
                stack.push((oid, path));
            } else if e.is_file() && (inside(&path) || extra.contains(&path.as_str())) {
                wanted.push((path, oid));
            } else if e.is_file() {
                outside.insert(path, oid);
            }
        }
    }
    wanted.sort();

    let dir = tempfile::Builder::new()
        .prefix("handbook-diff-")
        .tempdir()
        .map_err(|e| error("cannot make a temporary folder", e))?;
    let folders: BTreeSet<&str> = wanted
        .iter()
        .filter_map(|(p, _)| p.rsplit_once('/').map(|(f, _)| f))
        .chain(std::iter::once(prefix.as_str()).filter(|p| !p.is_empty()))
        .collect();
    for folder in folders {
        std::fs::create_dir_all(dir.path().join(folder))
            .map_err(|e| error("cannot write the temporary folder", e))?;
    }
    let mut ids: Vec<ObjectId> = wanted.iter().map(|(_, id)| *id).collect();
    ids.sort();
    ids.dedup();
    let blobs = whole_blobs(&root, &ids)?;
    let bytes_of = |id: &ObjectId| blobs.get(id).and_then(Option::as_deref).unwrap_or_default();
    // Markdown in the handbook stays in memory; the rest is written.
    let in_handbook = |path: &str| -> Option<String> {
        if prefix.is_empty() {
            Some(path.to_string())
        } else {
            path.strip_prefix(&format!("{prefix}/")).map(str::to_string)
        }
    };
    let (pages, files): (Vec<_>, Vec<_>) = wanted
        .iter()
        .partition(|(path, _)| path.ends_with(".md") && in_handbook(path).is_some());
    files
        .par_iter()
        .try_for_each(|(path, id)| std::fs::write(dir.path().join(path), bytes_of(id)))
        .map_err(|e| error("cannot write the temporary folder", e))?;
    let pages: HashMap<String, Vec<u8>> = pages
        .iter()
        .filter_map(|(path, id)| Some((in_handbook(path)?, bytes_of(id).to_vec())))
        .collect();
    let mut page_paths: Vec<String> = pages.keys().cloned().collect();
    page_paths.sort();
    Ok(Checkout {
        handbook: dir.path().join(&prefix),
        files: files.len(),
        work_tree: root.clone(),
        outside,
        pages: std::sync::Mutex::new(pages),
        page_paths,
        paths,
        dir,
    })
}

#[cfg(test)]
mod tests {
    use super::plain_name;

    #[test]
    fn names_a_hostile_tree_could_hold_never_become_paths() {
        for bad in ["", ".", "..", ".git", ".GIT", "a/b", "a\\b", "a\0b"] {
            assert_eq!(plain_name(bad.as_bytes()), None, "{bad:?}");
        }
        assert_eq!(plain_name(b"\xff"), None);
        for good in ["index.md", ".github", "a b.md", "..md", ".gitignore"] {
            assert_eq!(plain_name(good.as_bytes()), Some(good));
        }
    }
}
