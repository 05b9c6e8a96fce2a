//! Where rendered files go: a staging folder swapped in atomically, memory, or nowhere.
//!
//! A build writes into a temporary folder beside the output folder and only
//! renames it into place when everything succeeded, so an interrupted or failed
//! build leaves the previous site untouched.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Receives output files; shared by the parallel render stage.
pub trait Sink: Sync {
    /// Writes `bytes` at `rel`, a `/`-separated path inside the site.
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;
    /// Copies the file at `from` to `rel`.
    fn copy(&self, from: &Path, rel: &str) -> io::Result<()> {
        self.write(rel, &std::fs::read(from)?)
    }
}

/// Discards everything (`handbook check`).
#[derive(Debug, Default)]
pub struct NullSink;

impl Sink for NullSink {
    fn write(&self, _: &str, _: &[u8]) -> io::Result<()> {
        Ok(())
    }
    fn copy(&self, _: &Path, _: &str) -> io::Result<()> {
        Ok(())
    }
}

/// Output files by path, as a live preview holds them: the bytes are shared,
/// so a snapshot of the whole site is cheap to hand to the server.
pub type Files = BTreeMap<String, Arc<[u8]>>;

/// Keeps files in memory, sorted by path (tests, live preview).
#[derive(Debug, Default)]
pub struct MemorySink {
    files: Mutex<Files>,
}

impl MemorySink {
    /// A sink that writes over `files`.
    pub fn over(files: Files) -> MemorySink {
        MemorySink {
            files: Mutex::new(files),
        }
    }

    pub fn into_files(self) -> Files {
        self.files
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Sink for MemorySink {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let mut files = self
            .files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        files.insert(rel.to_string(), Arc::from(bytes));
        Ok(())
    }
}

const STAGING_PREFIX: &str = ".handbook-staging-";
const RETIRED_PREFIX: &str = ".handbook-retired-";

/// A temporary folder beside the output folder that becomes the output on commit.
#[derive(Debug)]
pub struct Staging {
    dir: tempfile::TempDir,
    target: PathBuf,
}

impl Staging {
    /// Creates the staging folder next to `target` (same file system, so the
    /// final rename is atomic), removing leftovers of killed builds first.
    pub fn new(target: &Path) -> io::Result<Staging> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        remove_leftovers(parent);
        let dir = tempfile::Builder::new()
            .prefix(STAGING_PREFIX)
            .tempdir_in(parent)?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Puts the staged site in place of the old one.
    pub fn commit(self) -> io::Result<()> {
        let staged = self.dir.keep();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // tempfile creates 0700 folders; a published site must be readable.
            std::fs::set_permissions(&staged, std::fs::Permissions::from_mode(0o755))?;
        }
        let parent = staged.parent().unwrap_or(Path::new("."));
        let retired = if self.target.exists() {
            let old = tempfile::Builder::new()
                .prefix(RETIRED_PREFIX)
                .tempdir_in(parent)?
                .keep();
            std::fs::remove_dir(&old)?;
            std::fs::rename(&self.target, &old)?;
            Some(old)
        } else {
            None
        };
        if let Err(e) = std::fs::rename(&staged, &self.target) {
            // Put the previous site back before reporting.
            if let Some(old) = &retired {
                let _ = std::fs::rename(old, &self.target);
            }
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e);
        }
        if let Some(old) = retired {
            remove_tree(&old)?;
        }
        Ok(())
    }
}

/// Deletes a folder tree with the files removed in parallel: a large previous
/// site has tens of thousands of them, and unlinking is most of a rebuild's cost.
fn remove_tree(root: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let mut files = Vec::new();
    let mut dirs: Vec<(usize, PathBuf)> = Vec::new();
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            dirs.push((entry.depth(), entry.into_path()));
        } else {
            files.push(entry.into_path());
        }
    }
    files.par_iter().try_for_each(std::fs::remove_file)?;
    // Deepest folders first; folders of one depth are independent of each other.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.0));
    for level in dirs.chunk_by(|a, b| a.0 == b.0) {
        level
            .par_iter()
            .try_for_each(|(_, dir)| std::fs::remove_dir(dir))?;
    }
    Ok(())
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)
    }

    fn copy(&self, from: &Path, rel: &str) -> io::Result<()> {
        let path = self.dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from, path).map(|_| ())
    }
}

/// Deletes staging and retired folders that a killed build left behind.
fn remove_leftovers(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(STAGING_PREFIX) || name.starts_with(RETIRED_PREFIX) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_the_previous_output() -> io::Result<()> {
        let tmp = tempfile::tempdir()?;
        let target = tmp.path().join("public");
        std::fs::create_dir(&target)?;
        std::fs::write(target.join("old.html"), "old")?;
        let staging = Staging::new(&target)?;
        staging.write("a/index.html", b"new")?;
        staging.commit()?;
        assert!(!target.join("old.html").exists());
        assert_eq!(std::fs::read_to_string(target.join("a/index.html"))?, "new");
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path())?
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
        Ok(())
    }

    #[test]
    fn dropping_without_commit_keeps_the_previous_output() -> io::Result<()> {
        let tmp = tempfile::tempdir()?;
        let target = tmp.path().join("public");
        std::fs::create_dir(&target)?;
        std::fs::write(target.join("old.html"), "old")?;
        {
            let staging = Staging::new(&target)?;
            staging.write("index.html", b"half-built")?;
        }
        assert_eq!(std::fs::read_to_string(target.join("old.html"))?, "old");
        assert_eq!(std::fs::read_dir(tmp.path())?.count(), 1);
        Ok(())
    }
}
