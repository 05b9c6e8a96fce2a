//! Where rendered files go: a staging folder swapped in atomically, memory, or nowhere.
//!
//! A build writes into a temporary folder beside the output folder and only
//! renames it into place when everything succeeded, so an interrupted or failed
//! build leaves the previous site untouched.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Receives output files; shared by the parallel render stage.
pub trait Sink: Sync {
    /// Writes `bytes` at `rel`, a `/`-separated path inside the site.
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;
    /// Copies the file at `from` to `rel`.
    fn copy(&self, from: &Path, rel: &str) -> io::Result<()> {
        self.write(rel, &std::fs::read(from)?)
    }
    /// Keeps the previous output's `rel` as it is, when the sink can vouch
    /// that it is the file an earlier build wrote there ([`InPlace`]).
    /// False means the caller must write it.
    fn keep(&self, _rel: &str) -> bool {
        false
    }
}

/// Discards everything (`handbook check`). When it `vouches`, it keeps any
/// path inside the site ([`Sink::keep`]): a check that starts from a build
/// cache need not render again what the cache vouches for, as nothing is
/// written either way.
#[derive(Debug, Default)]
pub struct NullSink {
    pub vouches: bool,
}

impl Sink for NullSink {
    fn write(&self, rel: &str, _: &[u8]) -> io::Result<()> {
        confined(rel)
    }
    fn copy(&self, _: &Path, rel: &str) -> io::Result<()> {
        confined(rel)
    }
    fn keep(&self, rel: &str) -> bool {
        self.vouches && confined(rel).is_ok()
    }
}

/// A sink that keeps the bytes of one file and lets the rest go, refusing
/// what the others refuse (`handbook export`).
pub struct Capture {
    wanted: &'static str,
    got: std::sync::Mutex<Option<Vec<u8>>>,
}

impl Capture {
    pub fn new(wanted: &'static str) -> Capture {
        Capture {
            wanted,
            got: std::sync::Mutex::new(None),
        }
    }

    /// The bytes written at the wanted path, if any were.
    pub fn take(self) -> Option<Vec<u8>> {
        self.got.into_inner().unwrap_or_else(|p| p.into_inner())
    }
}

impl Sink for Capture {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        confined(rel)?;
        if rel == self.wanted {
            *self.got.lock().unwrap_or_else(|p| p.into_inner()) = Some(bytes.to_vec());
        }
        Ok(())
    }
    fn copy(&self, _: &Path, rel: &str) -> io::Result<()> {
        confined(rel)
    }
}

/// Every sink refuses what a staging folder would refuse, so a check, a
/// preview and a build report the same problems.
fn confined(rel: &str) -> io::Result<()> {
    crate::confine::join(Path::new("."), rel).map(|_| ())
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
        confined(rel)?;
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
use crate::content::walk::OUTPUT_MARKER;
/// What the marker file says.
pub const MARKER_TEXT: &[u8] = b"Built by handbook; safe to delete with this folder.\n";

/// Where an output folder may be: anywhere the command line names, or (from
/// `handbook.toml`, which a pull request can change) only inside `fence`.
#[derive(Clone, Copy, Debug)]
pub struct Rules<'a> {
    /// The handbook root (resolved).
    pub root: &'a Path,
    /// The folder a configured output must stay in: the repository's work
    /// tree, or the handbook root outside a repository. `None` for `-o`.
    pub fence: Option<&'a Path>,
}

/// Refuses an output folder that replacing would destroy something the tool
/// did not make: it must be absent, empty, or an earlier output (holding
/// the marker file); never the handbook root or a folder above it, never a
/// symbolic link, never a folder holding sources.
/// Returns the folder with symbolic links in its parents resolved, and,
/// for an earlier output, what it holds ([`Listing`]: read anyway to look
/// for sources, and kept for a build that updates it in place).
///
/// `alongside` runs once the folder is resolved, with whether an earlier
/// output is there, while that output is listed (so reading what sits
/// beside the folder, such as its build cache, costs no extra time); its
/// result is returned too, and dropped when the folder is refused.
pub fn check_target<T: Send>(
    target: &Path,
    rules: Rules<'_>,
    alongside: impl FnOnce(&Path, bool) -> T + Send,
) -> Result<(PathBuf, Option<Listing>, T), String> {
    let absolute =
        std::path::absolute(target).map_err(|e| format!("it cannot be resolved: {e}"))?;
    if std::fs::symlink_metadata(&absolute).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err("it is a symbolic link; name the folder it points to instead".into());
    }
    let resolved = resolve(&absolute);
    if rules.root.starts_with(&resolved) {
        return Err(if resolved == rules.root {
            "it is the handbook folder itself".into()
        } else {
            format!("it contains the handbook ({})", rules.root.display())
        });
    }
    if let Some(fence) = rules.fence
        && !resolved.starts_with(fence)
    {
        return Err(format!(
            "`output_dir` in handbook.toml must stay inside {} (a pull request must not aim the \
             build elsewhere); pass `-o` on the command line to build outside it",
            fence.display()
        ));
    }
    if resolved.starts_with(rules.root.join("templates"))
        || resolved.starts_with(rules.root.join("themes"))
    {
        return Err("it holds the handbook's templates or themes".into());
    }
    let Ok(meta) = std::fs::metadata(&resolved) else {
        let beside = alongside(&resolved, false);
        return Ok((resolved, None, beside)); // absent: it will be created
    };
    if !meta.is_dir() {
        return Err("it is a file, not a folder".into());
    }
    let mut entries = std::fs::read_dir(&resolved)
        .map_err(|e| format!("it cannot be read: {e}"))?
        .peekable();
    if entries.peek().is_none() {
        let beside = alongside(&resolved, false);
        return Ok((resolved, None, beside));
    }
    if !resolved.join(OUTPUT_MARKER).is_file() {
        return Err(format!(
            "it is not empty and was not made by handbook (it has no `{OUTPUT_MARKER}` file); \
             empty it, or choose another folder"
        ));
    }
    let (listing, beside) = rayon::join(|| listing(&resolved), || alongside(&resolved, true));
    match holds_sources(&resolved, &listing) {
        Some((source, false)) => {
            return Err(format!(
                "it holds sources (`{source}`), though it looks like an earlier output"
            ));
        }
        Some((source, true)) => {
            return Err(format!(
                "it holds sources (`{source}` is committed to git, and a build never commits \
                 its output); keep the output out of git (e.g. `/public/` in .gitignore) or set \
                 `markdown_copies = false` under `[output]`"
            ));
        }
        None => {}
    }
    Ok((resolved, Some(listing), beside))
}

/// A file in `dir` that a build never writes: a page (other than the
/// markdown copies its marker lists), or a handbook's configuration at its
/// top. A listed copy that is committed to git is a page all the same: a
/// pull request could add a marker listing a folder's sources, and builds
/// never commit their output.
fn holds_sources(dir: &Path, listing: &Listing) -> Option<(String, bool)> {
    for name in [crate::config::CONFIG_FILE, "team.toml"] {
        if dir.join(name).exists() {
            return Some((name.to_string(), false));
        }
    }
    let marker = std::fs::read(dir.join(OUTPUT_MARKER)).unwrap_or_default();
    let copies: std::collections::HashSet<&[u8]> = marker
        .strip_prefix(MARKER_TEXT)
        .unwrap_or_default()
        .split(|&b| b == b'\n')
        .collect();
    let committed = crate::git::head_blobs(dir).unwrap_or_default();
    listing
        .iter()
        .filter(|(rel, facts)| facts.is_some() && rel.ends_with(".md"))
        .filter_map(|(rel, _)| {
            let listed = copies.contains(rel.as_bytes());
            let tracked = committed.contains_key(rel.as_str());
            (!listed || tracked).then(|| (rel.clone(), listed && tracked))
        })
        .min()
}

/// `path` with `.`/`..` removed and the symbolic links of its longest
/// existing ancestor resolved (the rest does not exist yet).
fn resolve(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut lexical = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let mut rest = Vec::new();
    let mut base = lexical.as_path();
    loop {
        if let Ok(real) = base.canonicalize() {
            return rest.iter().rev().fold(real, |p, name| p.join(name));
        }
        match (base.parent(), base.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                base = parent;
            }
            _ => return lexical,
        }
    }
}

/// A temporary folder beside the output folder that becomes the output on commit.
///
/// A file whose bytes are those the output being replaced already has is not
/// written again: the old file is hard-linked into the staging folder, so it
/// keeps its modification time (and a sync by size and date uploads only what
/// changed) and the build skips the write. Staged files are only ever created,
/// never opened for writing, since a linked one shares the old output's file.
#[derive(Debug)]
pub struct Staging {
    dir: tempfile::TempDir,
    target: PathBuf,
    /// The regular files of the output being replaced (not through a
    /// symbolic link), by path inside it, with their sizes.
    previous: std::collections::HashMap<String, u64>,
    written: AtomicUsize,
    kept: AtomicUsize,
    /// What each file written or kept is ([`Facts`], for the build cache).
    facts: Mutex<HashMap<String, Facts>>,
}

impl Staging {
    /// Creates the staging folder next to `target` (same file system, so the
    /// final rename is atomic). First puts back a previous site that a build
    /// killed mid-swap left aside, and removes other leftovers of killed
    /// builds (only folders holding the marker, which every staging folder
    /// gets first). `target` must have passed [`check_target`].
    pub fn new(target: &Path) -> io::Result<Staging> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        recover(target);
        remove_leftovers(parent);
        let dir = tempfile::Builder::new()
            .prefix(STAGING_PREFIX)
            .tempdir_in(parent)?;
        std::fs::write(dir.path().join(OUTPUT_MARKER), MARKER_TEXT)?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            previous: previous_files(target),
            written: AtomicUsize::new(0),
            kept: AtomicUsize::new(0),
            facts: Mutex::default(),
        })
    }

    /// The files of the staged site with their [`Facts`] (which a rename of
    /// the folder keeps).
    pub fn facts(&self) -> HashMap<String, Facts> {
        self.facts.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn record(&self, rel: &str, meta: &std::fs::Metadata) {
        self.facts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(rel.to_string(), Facts::of(meta));
    }

    /// Files written, and files kept from the previous output because their
    /// bytes did not change.
    pub fn files(&self) -> (usize, usize) {
        (
            self.written.load(Ordering::Relaxed),
            self.kept.load(Ordering::Relaxed),
        )
    }

    /// Links the previous output's `rel` to `path` when it holds exactly
    /// `bytes` (read lazily: only a file of the same size is read).
    fn keep(
        &self,
        rel: &str,
        path: &Path,
        len: u64,
        bytes: &mut dyn FnMut() -> io::Result<Vec<u8>>,
    ) -> bool {
        if self.previous.get(rel) != Some(&len) {
            return false;
        }
        let old = self.target.join(rel);
        let same = match (std::fs::read(&old), bytes()) {
            (Ok(old), Ok(new)) => old == new,
            _ => false,
        };
        if same && std::fs::hard_link(&old, path).is_ok() {
            self.kept.fetch_add(1, Ordering::Relaxed);
            if let Ok(meta) = std::fs::symlink_metadata(path) {
                self.record(rel, &meta);
            }
            return true;
        }
        false
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Puts the staged site in place of the old one: one atomic exchange
    /// where the OS has it (Linux), else two renames, after which a killed
    /// build's next run restores the old site (`recover`).
    pub fn commit(self) -> io::Result<()> {
        let staged = self.dir.keep();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // tempfile creates 0700 folders; a published site must be readable.
            std::fs::set_permissions(&staged, std::fs::Permissions::from_mode(0o755))?;
        }
        if !self.target.exists() {
            return std::fs::rename(&staged, &self.target).inspect_err(|_| {
                let _ = remove_tree(&staged);
            });
        }
        if exchange(&staged, &self.target).is_ok() {
            // `staged` now holds the previous site.
            return remove_tree(&staged);
        }
        let retired = retired_path(&self.target);
        std::fs::rename(&self.target, &retired)?;
        if let Err(e) = std::fs::rename(&staged, &self.target) {
            // Put the previous site back before reporting.
            let _ = std::fs::rename(&retired, &self.target);
            let _ = remove_tree(&staged);
            return Err(e);
        }
        remove_tree(&retired)
    }
}

/// Swaps two folders atomically (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Where the two-rename swap keeps the previous site of `target` meanwhile.
fn retired_path(target: &Path) -> PathBuf {
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    target.with_file_name(format!("{RETIRED_PREFIX}{name}"))
}

/// A build killed between the two renames left no site at `target` and the
/// previous one aside: put it back.
fn recover(target: &Path) {
    let retired = retired_path(target);
    if !target.exists() && retired.join(OUTPUT_MARKER).is_file() {
        let _ = std::fs::rename(&retired, target);
    }
}

/// Deletes a folder tree with the files removed in parallel: a large previous
/// site has tens of thousands of them, and unlinking is most of a rebuild's cost.
/// Symbolic links inside are removed, never followed.
fn remove_tree(root: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let mut files = Vec::new();
    let mut dirs: Vec<(usize, PathBuf)> = Vec::new();
    for entry in walkdir::WalkDir::new(root).follow_root_links(false) {
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
        let path = crate::confine::join(self.dir.path(), rel)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if self.keep(rel, &path, len, &mut || Ok(bytes.to_vec())) {
            return Ok(());
        }
        let meta = create(&path, |file| io::Write::write_all(file, bytes))?;
        self.record(rel, &meta);
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn copy(&self, from: &Path, rel: &str) -> io::Result<()> {
        let path = crate::confine::join(self.dir.path(), rel)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let len = std::fs::metadata(from)?.len();
        if self.keep(rel, &path, len, &mut || std::fs::read(from)) {
            return Ok(());
        }
        let mut source = std::fs::File::open(from)?;
        let meta = create(&path, |file| io::copy(&mut source, file).map(|_| ()))?;
        self.record(rel, &meta);
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Creates `path` anew and fills it: a file already there (a kept one is a
/// link to the previous output's) is removed first, never written through.
/// Returns what the file is once filled.
fn create(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> io::Result<()>,
) -> io::Result<std::fs::Metadata> {
    let open = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    };
    let mut file = match open() {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(path)?;
            open()?
        }
        other => other?,
    };
    fill(&mut file)?;
    file.metadata()
}

/// The regular files of an earlier output at `target` (see [`Staging`]):
/// found without following symbolic links, so nothing they point at is
/// ever linked into a site.
fn previous_files(target: &Path) -> std::collections::HashMap<String, u64> {
    if !target.join(OUTPUT_MARKER).is_file() {
        return Default::default();
    }
    walkdir::WalkDir::new(target)
        .follow_links(false)
        .follow_root_links(false)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(target).ok()?;
            let rel = crate::paths::relative(Path::new(""), rel);
            Some((rel, e.metadata().ok()?.len()))
        })
        .collect()
}

/// A file's size and modification time (nanoseconds since 1970): what a
/// build cache compares to tell that an output file is still the one a
/// build wrote, the way `make` and `rsync` do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Facts {
    pub len: u64,
    pub modified: u64,
}

impl Facts {
    /// True when a file whose facts are `self` now is still the file whose
    /// facts were `recorded`: the same size and time, or the same size and
    /// the same whole second when the time now has no fraction of a second
    /// (a cache archive that keeps times to the second, as GitLab's zip
    /// does, restored it). A file written since has a time of its own.
    pub fn still(&self, recorded: &Facts) -> bool {
        const SECOND: u64 = 1_000_000_000;
        self == recorded
            || (self.len == recorded.len
                && self.modified.is_multiple_of(SECOND)
                && self.modified / SECOND == recorded.modified / SECOND)
    }

    fn of(meta: &std::fs::Metadata) -> Facts {
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        Facts {
            len: meta.len(),
            modified,
        }
    }
}

/// What an output folder holds, found without following symbolic links:
/// its regular files with their [`Facts`], and every other entry that is
/// not a folder (links, sockets) with `None`, by path relative to it.
pub type Listing = HashMap<String, Option<Facts>>;

/// The [`Listing`] of `root`. Folders are read in parallel, and each file's
/// facts are read relative to its open folder.
pub fn listing(root: &Path) -> Listing {
    let facts = |entry: &std::fs::DirEntry, _: &str, file_type: std::fs::FileType| {
        let facts = file_type
            .is_file()
            .then(|| entry.metadata().ok().map(|m| Facts::of(&m)));
        Some(facts.flatten())
    };
    walk_no_follow(root, &facts).into_iter().collect()
}

/// What an in-place update starts from: the [`Listing`] without the pending
/// files of a killed one, which it removes.
pub fn without_pending(mut listing: Listing) -> Listing {
    listing.retain(|rel, _| !rel.starts_with(PENDING_PREFIX));
    listing
}

/// The entries below `root` that are not folders, by path relative to it,
/// with what `pick` makes of each (`None` leaves an entry out, and a folder
/// it leaves out is not entered). Symbolic links are listed, never followed;
/// folders are read in parallel.
fn walk_no_follow<T: Send>(
    root: &Path,
    pick: &(dyn Fn(&std::fs::DirEntry, &str, std::fs::FileType) -> Option<T> + Sync),
) -> Vec<(String, T)> {
    fn walk<T: Send>(
        dir: &Path,
        prefix: &str,
        pick: &(dyn Fn(&std::fs::DirEntry, &str, std::fs::FileType) -> Option<T> + Sync),
    ) -> Vec<(String, T)> {
        use rayon::prelude::*;
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        let mut folders = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let Some(picked) = pick(&entry, &rel, file_type) else {
                continue;
            };
            if file_type.is_dir() {
                folders.push((entry.path(), rel));
            } else {
                found.push((rel, picked));
            }
        }
        let nested: Vec<Vec<(String, T)>> = folders
            .par_iter()
            .map(|(path, rel)| walk(path, rel, pick))
            .collect();
        found.extend(nested.into_iter().flatten());
        found
    }
    if std::fs::symlink_metadata(root).is_ok_and(|m| m.is_dir()) {
        walk(root, "", pick)
    } else {
        Vec::new()
    }
}

const PENDING_PREFIX: &str = ".handbook-pending-";

/// Updates an earlier output in place, for a build that starts from a
/// build cache: a file whose bytes do not change is left as it is (and a
/// file the cache vouches for is not even compared, see [`Sink::keep`]);
/// the others are written into a pending folder inside the output and
/// renamed over the old ones by [`InPlace::commit`], each one atomically,
/// after the whole build succeeded; files the build no longer makes are
/// then removed. Dropped without a commit, it changes nothing but removing
/// its pending folder. Like [`Staging`], it never writes through a
/// symbolic link: the old output's entries come from a walk that follows
/// none, and a link where a folder must be is replaced by the folder.
#[derive(Debug)]
pub struct InPlace {
    root: PathBuf,
    pending: tempfile::TempDir,
    /// Names pending files.
    next: AtomicUsize,
    /// The output's entries now (see [`without_pending`]).
    on_disk: HashMap<String, Option<Facts>>,
    /// The files as the cache recorded them.
    recorded: HashMap<String, Facts>,
    state: Mutex<Pending>,
}

#[derive(Debug, Default)]
struct Pending {
    /// Every path this build makes.
    made: std::collections::HashSet<String>,
    /// Files to rename into place: path in the output → pending file.
    moves: HashMap<String, PathBuf>,
}

/// What [`InPlace::commit`] did, and the output's files afterwards.
#[derive(Debug)]
pub struct Committed {
    pub written: usize,
    pub kept: usize,
    pub removed: usize,
    pub files: HashMap<String, Facts>,
}

impl InPlace {
    /// Starts updating `root`, an earlier output (it must have passed
    /// [`check_target`] and hold the marker), whose files a build cache
    /// recorded as `recorded`.
    /// `on_disk` is its [`listing`], [`without_pending`] (made when the
    /// folder was checked).
    pub fn new(
        root: &Path,
        recorded: HashMap<String, Facts>,
        on_disk: HashMap<String, Option<Facts>>,
    ) -> io::Result<InPlace> {
        if !std::fs::symlink_metadata(root.join(OUTPUT_MARKER)).is_ok_and(|m| m.is_file()) {
            return Err(io::Error::other("not an earlier output"));
        }
        // Pending folders of killed updates.
        for entry in std::fs::read_dir(root)?.flatten() {
            let name = entry.file_name();
            if name.to_string_lossy().starts_with(PENDING_PREFIX)
                && entry.file_type().is_ok_and(|t| t.is_dir())
            {
                let _ = remove_tree(&entry.path());
            }
        }
        let pending = tempfile::Builder::new()
            .prefix(PENDING_PREFIX)
            .tempdir_in(root)?;
        Ok(InPlace {
            pending,
            next: AtomicUsize::new(0),
            on_disk,
            root: root.to_path_buf(),
            recorded,
            state: Mutex::default(),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// True when the output's `rel` is a regular file holding `bytes`.
    fn holds(&self, rel: &str, bytes: &[u8]) -> bool {
        let Some(Some(facts)) = self.on_disk.get(rel) else {
            return false;
        };
        facts.len == bytes.len() as u64
            && std::fs::read(self.root.join(rel)).is_ok_and(|old| old == bytes)
    }

    /// Renames the pending files into place, removes what this build did
    /// not make, and returns the output's files with their facts.
    pub fn commit(self) -> io::Result<Committed> {
        let state = self.state.into_inner().unwrap_or_else(|p| p.into_inner());
        let mut folders: std::collections::HashSet<String> = Default::default();
        let mut files: HashMap<String, Facts> = HashMap::new();
        let mut moves: Vec<(&String, &PathBuf)> = state.moves.iter().collect();
        moves.sort_unstable();
        for (rel, from) in moves {
            let to = crate::confine::join(&self.root, rel)?;
            if let Some((parent, _)) = rel.rsplit_once('/') {
                real_folders(&self.root, parent, &mut folders)?;
            }
            if std::fs::symlink_metadata(&to).is_ok_and(|m| m.is_dir()) {
                remove_tree(&to)?;
            }
            std::fs::rename(from, &to)?;
            files.insert(rel.clone(), Facts::of(&std::fs::symlink_metadata(&to)?));
        }
        let mut removed = 0;
        let mut emptied = Vec::new();
        for (rel, facts) in &self.on_disk {
            if folders.contains(rel) {
                continue; // a link that a folder replaced
            }
            if state.made.contains(rel) {
                if let Some(facts) = facts {
                    files.entry(rel.clone()).or_insert(*facts);
                }
                continue;
            }
            match std::fs::remove_file(crate::confine::join(&self.root, rel)?) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => removed += 1,
            }
            if let Some((parent, _)) = rel.rsplit_once('/') {
                emptied.push(parent.to_string());
            }
        }
        // Folders left empty go too (a fresh build would not have them),
        // deepest first; a folder still holding something stays.
        emptied.sort_unstable_by_key(|f| std::cmp::Reverse(f.matches('/').count()));
        emptied.dedup();
        for folder in emptied {
            let mut folder = folder.as_str();
            while std::fs::remove_dir(self.root.join(folder)).is_ok() {
                match folder.rsplit_once('/') {
                    Some((up, _)) => folder = up,
                    None => break,
                }
            }
        }
        Ok(Committed {
            written: state.moves.len(),
            kept: state.made.len() - state.moves.len(),
            removed,
            files,
        })
    }
}

/// Makes sure every folder on the way to `folder` (a `/`-separated path
/// inside `root`) is a real folder: made when missing, and an entry of
/// another type there (a file, a symbolic link) replaced by one, so nothing
/// is ever written through a link. `known` remembers folders checked.
fn real_folders(
    root: &Path,
    folder: &str,
    known: &mut std::collections::HashSet<String>,
) -> io::Result<()> {
    let ends = folder.match_indices('/').map(|(i, _)| i);
    for end in ends.chain([folder.len()]) {
        let prefix = folder.get(..end).unwrap_or(folder);
        if known.contains(prefix) {
            continue;
        }
        let path = crate::confine::join(root, prefix)?;
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                std::fs::remove_file(&path)?;
                std::fs::create_dir(&path)?;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => std::fs::create_dir(&path)?,
            Err(e) => return Err(e),
        }
        known.insert(prefix.to_string());
    }
    Ok(())
}

impl Sink for InPlace {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        crate::confine::join(&self.root, rel)?;
        if self.holds(rel, bytes) {
            let mut state = self.state();
            state.made.insert(rel.to_string());
            state.moves.remove(rel);
            return Ok(());
        }
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let path = self.pending.path().join(n.to_string());
        create(&path, |file| io::Write::write_all(file, bytes))?;
        let mut state = self.state();
        state.made.insert(rel.to_string());
        // Written twice, the later bytes win, as in a staging folder.
        state.moves.insert(rel.to_string(), path);
        Ok(())
    }

    fn keep(&self, rel: &str) -> bool {
        let same = match (self.on_disk.get(rel), self.recorded.get(rel)) {
            (Some(Some(now)), Some(recorded)) => now.still(recorded),
            _ => false,
        };
        if same {
            self.state().made.insert(rel.to_string());
        }
        same
    }
}

/// Deletes staging and retired folders that killed builds left behind: only
/// those holding the marker, so a folder that merely has such a name stays.
fn remove_leftovers(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ours = name.starts_with(STAGING_PREFIX) || name.starts_with(RETIRED_PREFIX);
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if ours && is_dir && entry.path().join(OUTPUT_MARKER).is_file() {
            let _ = remove_tree(&entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_still_the_one_recorded_when_only_an_archive_rounded_its_time() {
        let recorded = Facts {
            len: 10,
            modified: 1_700_000_000_123_456_789,
        };
        let at = |len, modified| Facts { len, modified };
        assert!(recorded.still(&recorded));
        // Restored from an archive that keeps whole seconds.
        assert!(at(10, 1_700_000_000_000_000_000).still(&recorded));
        // Another second, another size, or a time of its own: written since.
        assert!(!at(10, 1_700_000_001_000_000_000).still(&recorded));
        assert!(!at(11, 1_700_000_000_000_000_000).still(&recorded));
        assert!(!at(10, 1_700_000_000_500_000_000).still(&recorded));
    }

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

    #[cfg(unix)]
    #[test]
    fn an_in_place_update_writes_what_changed_removes_what_is_gone_and_follows_no_link()
    -> io::Result<()> {
        let tmp = tempfile::tempdir()?;
        let out = tmp.path().join("public");
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(out.join("old/deep"))?;
        std::fs::create_dir_all(&outside)?;
        std::fs::write(out.join(OUTPUT_MARKER), MARKER_TEXT)?;
        std::fs::write(out.join("same.html"), "same")?;
        std::fs::write(out.join("kept.html"), "kept")?;
        std::fs::write(out.join("old/deep/gone.html"), "gone")?;
        std::os::unix::fs::symlink(&outside, out.join("linked"))?;
        let on_disk = without_pending(listing(&out));
        assert_eq!(
            on_disk.get("linked"),
            Some(&None),
            "a link is listed, not followed"
        );
        let recorded: HashMap<String, Facts> = on_disk
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), (*v)?)))
            .collect();
        let update = InPlace::new(&out, recorded, on_disk)?;
        update.write(OUTPUT_MARKER, MARKER_TEXT)?;
        update.write("same.html", b"same")?;
        assert!(update.keep("kept.html"));
        assert!(!update.keep("missing.html"));
        update.write("linked/index.html", b"new")?;
        // Nothing is in place before the commit.
        assert!(!out.join("linked/index.html").exists());
        let done = update.commit()?;
        assert_eq!((done.written, done.kept, done.removed), (1, 3, 1));
        assert_eq!(
            std::fs::read_to_string(out.join("linked/index.html"))?,
            "new"
        );
        assert!(!std::fs::symlink_metadata(out.join("linked"))?.is_symlink());
        assert_eq!(std::fs::read_dir(&outside)?.count(), 0);
        assert!(!out.join("old").exists(), "emptied folders go");
        let mut names: Vec<String> = done.files.keys().cloned().collect();
        names.sort();
        assert_eq!(
            names,
            [OUTPUT_MARKER, "kept.html", "linked/index.html", "same.html"]
        );
        let left: Vec<_> = std::fs::read_dir(&out)?
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(PENDING_PREFIX))
            .collect();
        assert!(left.is_empty(), "no pending folder is left");
        Ok(())
    }

    #[test]
    fn an_in_place_update_dropped_without_commit_changes_nothing() -> io::Result<()> {
        let tmp = tempfile::tempdir()?;
        let out = tmp.path().join("public");
        std::fs::create_dir_all(&out)?;
        std::fs::write(out.join(OUTPUT_MARKER), MARKER_TEXT)?;
        std::fs::write(out.join("a.html"), "a")?;
        {
            let update = InPlace::new(&out, HashMap::new(), without_pending(listing(&out)))?;
            update.write("a.html", b"changed")?;
        }
        assert_eq!(std::fs::read_to_string(out.join("a.html"))?, "a");
        assert_eq!(std::fs::read_dir(&out)?.count(), 2);
        Ok(())
    }
}
