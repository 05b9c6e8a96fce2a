//! History facts from the repository the handbook lives in, read natively with
//! gix (no `git` process): for every page, when it was created and last
//! updated, by whom, who wrote it (by commit count) and in how many commits;
//! and the latest commits that touched the handbook.
//!
//! One walk for the whole site: commits are read once from `HEAD`, each
//! non-merge commit's tree is compared with its first parent's, limited to the
//! handbook's folder (a commit whose folder tree did not change costs one
//! lookup), in parallel; then changes are attributed newest to oldest,
//! following exact renames. It reads objects only; it never renders.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use gix::ObjectId;
use gix::prelude::Find;
use rayon::prelude::*;

mod cache;
mod checkout;
mod commits;
mod diff;
mod pack;
pub mod reference;
mod rope;

use cache::*;
use commits::*;
use diff::*;

pub use checkout::{Base, BaseSpec, Checkout, base, checkout};
use rope::Rope;

/// How many of the latest commits the recent-changes list keeps.
pub const RECENT: usize = 50;

/// What the history says about one file (paths relative to the handbook).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileHistory {
    /// Author time of the oldest commit that touched it (seconds since the epoch).
    pub created: i64,
    /// Author time of the newest commit that touched it.
    pub updated: i64,
    pub updated_by: String,
    /// Authors by number of commits, most first (ties by name).
    pub authors: Vec<(String, u32)>,
    pub commits: u32,
    /// Its contents after each commit that changed it, newest first: (index
    /// in [`History::log`], blob id).
    pub versions: Vec<(u32, ObjectId)>,
}

/// A commit that changed handbook files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logged {
    /// Abbreviated, as links show it.
    pub id: String,
    pub time: i64,
    pub author: String,
}

/// One commit of the recent-changes list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    pub id: String,
    pub time: i64,
    pub author: String,
    /// The first line of the message.
    pub summary: String,
    /// Handbook files it touched, as they are named at `HEAD` when the file
    /// still exists (renames followed), sorted.
    pub paths: Vec<String>,
}

/// The handbook's history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    pub files: HashMap<String, FileHistory>,
    /// Newest first, at most [`RECENT`].
    pub recent: Vec<Commit>,
    /// Every commit that changed handbook files, newest first.
    pub log: Vec<Logged>,
    /// True for a shallow clone: the history is cut short.
    pub shallow: bool,
    /// The handbook folder relative to the repository's root (`""` or `docs/handbook/`).
    pub prefix: String,
    /// The commit the history was read at.
    pub head: Option<String>,
}

/// Why the history could not be read (the site still builds, without it).
#[derive(Debug)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn error(context: &str, e: impl std::fmt::Display) -> Error {
    Error(format!("{context}: {e}"))
}

/// The repository around `root`: `None` when `root` is not in one.
pub fn open(root: &Path) -> Option<gix::Repository> {
    gix::discover(root).ok().filter(|r| r.workdir().is_some())
}

/// `user.email` and `user.name` from the git configuration (the
/// repository's, then the user's), for knowing who runs `handbook new`.
pub fn user(root: &Path) -> (Option<String>, Option<String>) {
    let Some(repo) = open(root) else {
        return (None, None);
    };
    let config = repo.config_snapshot();
    let get = |key: &str| {
        config
            .string(key)
            .map(|v| v.to_string())
            .filter(|v| !v.trim().is_empty())
    };
    (get("user.email"), get("user.name"))
}

/// The commit `HEAD` points at, as hex (cheap: for noticing that it moved).
pub fn head(root: &Path) -> Option<String> {
    let repo = open(root)?;
    repo.head_id().ok().map(|id| id.detach().to_string())
}

/// The repository's git folder (where `HEAD` lives), for noticing commits.
pub fn git_dir(root: &Path) -> Option<std::path::PathBuf> {
    open(root).map(|r| r.git_dir().to_path_buf())
}

/// The id git gives `bytes` as a blob.
pub fn blob_id(bytes: &[u8]) -> Option<ObjectId> {
    gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, bytes).ok()
}

/// The blob id of every file of the handbook at `HEAD`, by path relative to
/// the handbook: what a file's contents are compared with to tell whether it
/// has uncommitted changes.
pub fn head_blobs(root: &Path) -> Option<HashMap<String, ObjectId>> {
    let repo = open(root)?;
    let workdir = std::path::absolute(repo.workdir()?).ok()?;
    let root = std::path::absolute(root).ok()?;
    let prefix = crate::paths::relative(Path::new(""), root.strip_prefix(&workdir).ok()?);
    let tree = head_tree_at(&repo, &prefix)?;
    let read = |id: &ObjectId| read_tree(&repo, id);
    let mut blobs = HashMap::new();
    let mut stack = vec![(tree, String::new())];
    while let Some((id, path)) = stack.pop() {
        let raw = read(&id)?;
        for e in entries(&raw, 0) {
            let name = String::from_utf8_lossy(e.name());
            let child = if path.is_empty() {
                name.into_owned()
            } else {
                format!("{path}/{name}")
            };
            let Ok(oid) = ObjectId::try_from(e.id()) else {
                continue;
            };
            if e.is_tree {
                stack.push((oid, child));
            } else {
                blobs.insert(child, oid);
            }
        }
    }
    Some(blobs)
}

/// The tree at `prefix` (a `/`-separated folder) in `HEAD`'s tree.
fn head_tree_at(repo: &gix::Repository, prefix: &str) -> Option<ObjectId> {
    let head = repo.head_id().ok()?.detach();
    let mut buf = Vec::new();
    let data = repo.objects.try_find(&head, &mut buf).ok()??;
    let mut tree = parse_commit(data.data)?.tree;
    for part in prefix.split('/').filter(|p| !p.is_empty()) {
        let raw = read_tree(repo, &tree)?;
        tree = entries(&raw, 0)
            .find(|e| e.is_tree && e.name() == part.as_bytes())
            .and_then(|e| ObjectId::try_from(e.id()).ok())?;
    }
    Some(tree)
}

fn read_tree(repo: &gix::Repository, id: &ObjectId) -> Option<Rope> {
    let mut buf = Vec::new();
    repo.objects.try_find(id, &mut buf).ok()??;
    Some(Rope::whole(buf))
}

/// Reads the blobs `ids` of the repository around `root`, in parallel, and
/// gives what a function made by `make` (one per thread, so it may keep
/// state) makes of each; blobs it does not have are left out. The function
/// gets the blob's start (at least [`BLOB_START`] bytes), whether that is all
/// of it, and a way to read all of it: a blob stored whole is inflated only
/// as far as asked. Ids of one file's versions next to each other read
/// fastest: they are often each other's deltas.
pub fn read_blobs<T: Send, F: FnMut(&[u8], bool, &mut dyn FnMut() -> Option<Vec<u8>>) -> T>(
    root: &Path,
    ids: &[ObjectId],
    make: impl Fn() -> F + Sync,
) -> Result<HashMap<ObjectId, T>, Error> {
    let Some(repo) = open(root) else {
        return Ok(HashMap::new());
    };
    let packs = pack::Packs::open(&repo);
    let sync = repo.into_sync();
    let per_thread = ids
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1);
    let read: Vec<Result<Vec<(ObjectId, T)>, Error>> = ids
        .par_chunks(per_thread)
        .map(|run| {
            let mut objects = pack::Reader::new(&packs, sync.to_thread_local(), BLOB_CACHE);
            let mut f = make();
            let mut out = Vec::with_capacity(run.len());
            for id in run {
                let Some((gix::objs::Kind::Blob, start, complete)) =
                    objects.start(id, BLOB_START)?
                else {
                    continue;
                };
                let mut all = || Some(objects.find(id).ok()??.1.bytes().into_owned());
                out.push((*id, f(&start, complete, &mut all)));
            }
            Ok(out)
        })
        .collect();
    let mut found = HashMap::with_capacity(ids.len());
    for run in read {
        found.extend(run?);
    }
    Ok(found)
}

/// Bytes of resolved blobs each thread keeps as delta bases.
const BLOB_CACHE: usize = 16 * 1024 * 1024;

/// How much of a blob [`read_blobs`] reads before asking for the rest.
pub const BLOB_START: usize = 512;

/// Reads the history of the handbook at `root`; `Ok(None)` when it is not in
/// a repository.
/// With `use_cache`, what earlier builds learned is read from (and new
/// commits written to) `.git/handbook-history`.
pub fn read(root: &Path, use_cache: bool) -> Result<Option<History>, Error> {
    read_with(root, Reader::Fast { use_cache })
}

/// Which reader [`read_with`] uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    /// The pack reader, ropes and the history cache; when it declines (a
    /// SHA-256 repository, or any error) the reference reader is tried.
    Fast { use_cache: bool },
    /// Plain gix only ([`mod@reference`]).
    Reference,
}

/// [`read`] with the given reader.
pub fn read_with(root: &Path, reader: Reader) -> Result<Option<History>, Error> {
    let Some(repo) = open(root) else {
        return match broken_repository(root) {
            Some(why) => Err(why),
            None => Ok(None),
        };
    };
    let workdir = repo.workdir().map(Path::to_path_buf).unwrap_or_default();
    let root = std::path::absolute(root).map_err(|e| error("cannot resolve the handbook", e))?;
    let workdir =
        std::path::absolute(&workdir).map_err(|e| error("cannot resolve the repository", e))?;
    let prefix = match root.strip_prefix(&workdir) {
        Ok(rel) => crate::paths::relative(Path::new(""), rel),
        Err(_) => String::new(),
    };
    let mut history = History {
        shallow: repo.is_shallow().unwrap_or(false),
        prefix: if prefix.is_empty() {
            prefix
        } else {
            format!("{prefix}/")
        },
        ..History::default()
    };
    // What HEAD names, not peeled: that needs no object (with the cache,
    // a build may read none).
    let head = {
        let head = repo
            .head()
            .map_err(|e| error("HEAD cannot be read, so the history is off", e))?;
        match head.id().map(|id| id.detach()) {
            Some(id) => id,
            None => {
                let branch = head
                    .referent_name()
                    .map(|n| n.shorten().to_string())
                    .unwrap_or_default();
                return Err(Error(format!(
                    "the branch `{branch}` has no commits yet, so there is no history to show"
                )));
            }
        }
    };
    history.head = Some(head.to_string());
    let use_cache = match reader {
        Reader::Reference => return reference::read(&repo, history, head).map(Some),
        Reader::Fast { use_cache } => use_cache,
    };
    if repo.object_hash() != gix::hash::Kind::Sha1 {
        return reference::read(&repo, history, head).map(Some);
    }
    match fast(repo.clone(), history.clone(), head, use_cache) {
        Ok(history) => Ok(Some(history)),
        // What the fast path could not read, the reference may; if it
        // cannot either, the first reason is the one to show.
        Err(why) => reference::read(&repo, history, head)
            .map(Some)
            .map_err(|_| why),
    }
}

/// The fast path: commits and trees read through [`pack`], compared as
/// [`Rope`]s, with the history cache.
fn fast(
    repo: gix::Repository,
    mut history: History,
    head: ObjectId,
    use_cache: bool,
) -> Result<History, Error> {
    let packs = pack::Packs::open(&repo);
    let cache_file = repo.git_dir().join(CACHE_FILE);
    let identity = cache_identity(&repo);
    let mut cache = match use_cache {
        true => Cache::read(&cache_file, &identity, &history.prefix),
        false => Cache::default(),
    };
    let commits = walk(
        pack::Reader::new(&packs, repo.clone(), 0),
        head,
        &cache.commits,
        history.shallow,
    )?;
    let sync = repo.into_sync();
    let prefix: Vec<Vec<u8>> = history
        .prefix
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.as_bytes().to_vec())
        .collect();
    // Each commit's changes in the handbook folder, from the cache or, in
    // parallel with one repository handle (and pack cache) per thread, from
    // its trees.
    // One contiguous run of commits per thread: consecutive commits share
    // trees, so each thread's caches stay warm (rayon's finer splitting would
    // start many runs with cold caches).
    let per_thread = commits
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1);
    let changes: Vec<Result<Vec<Change>, Error>> = commits
        .par_chunks(per_thread)
        .flat_map_iter(|run| {
            let mut differ = Differ::new(&sync, &packs, &prefix);
            run.iter()
                .map(|commit| match cache.get(commit, &commits) {
                    Some(known) => Ok(known),
                    None => differ.changes(commit, &commits),
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let fresh = commits
        .iter()
        .zip(&changes)
        .filter(|(c, _)| !cache.has(c, &commits))
        .count();
    if fresh > 0 && use_cache {
        cache.update(&commits, &changes);
        // A cache that cannot be written (a read-only clone) only costs time.
        let _ = cache.write(&cache_file, &identity, &history.prefix, &commits);
    }
    attribute(&mut history, &commits, changes)?;
    Ok(history)
}

/// Attributes every commit's changes to files as they are named at `HEAD`,
/// from the newest commit to the oldest: an exact rename (a file deleted and
/// one added with the same contents in one commit) makes older commits of
/// the old name count for the new one.
fn attribute(
    history: &mut History,
    commits: &[Node],
    changes: Vec<Result<Vec<Change>, Error>>,
) -> Result<(), Error> {
    let mut renamed: HashMap<String, String> = HashMap::new();
    let mut by_author: HashMap<String, HashMap<String, u32>> = HashMap::new();
    for (commit, changes) in commits.iter().zip(changes) {
        let changes = changes?;
        if changes.is_empty() {
            continue;
        }
        let mut paths = Vec::with_capacity(changes.len());
        let logged = history.log.len() as u32;
        history.log.push(Logged {
            id: commit.id.to_hex_with_len(10).to_string(),
            time: commit.time,
            author: commit.author.clone(),
        });
        let added: HashMap<ObjectId, &str> = changes
            .iter()
            .filter(|c| c.before.is_none())
            .filter_map(|c| Some((c.after?, c.path.as_str())))
            .collect();
        for change in &changes {
            let name = renamed
                .get(&change.path)
                .cloned()
                .unwrap_or_else(|| change.path.clone());
            if change.after.is_none() {
                // Deleted here: if it was renamed, older commits of the old
                // name belong to the new one.
                if let Some(to) = change.before.and_then(|id| added.get(&id)) {
                    let to = renamed.get(*to).cloned().unwrap_or_else(|| to.to_string());
                    renamed.insert(change.path.clone(), to);
                    continue;
                }
            }
            let file = history.files.entry(name.clone()).or_default();
            if file.commits == 0 {
                file.updated = commit.time;
                file.updated_by = commit.author.clone();
            }
            file.created = commit.time;
            file.commits += 1;
            if let Some(blob) = change.after {
                file.versions.push((logged, blob));
            }
            *by_author
                .entry(name.clone())
                .or_default()
                .entry(commit.author.clone())
                .or_default() += 1;
            paths.push(name);
        }
        if history.recent.len() < RECENT {
            paths.sort();
            paths.dedup();
            history.recent.push(Commit {
                id: commit.id.to_hex_with_len(10).to_string(),
                time: commit.time,
                author: commit.author.clone(),
                summary: commit.summary.clone(),
                paths,
            });
        }
    }
    for (name, authors) in by_author {
        if let Some(file) = history.files.get_mut(&name) {
            let mut list: Vec<(String, u32)> = authors.into_iter().collect();
            list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            file.authors = list;
        }
    }
    Ok(())
}

/// The fuzzing entry point for the object code ([`crate::fuzzing::git`]):
/// the input's first byte splits the rest into a base and a delta; the
/// rope a delta makes must hold what a plain application gives (or both
/// refuse it), compare like its bytes, and tree entries and commit headers
/// read from any bytes must stay within them.
#[doc(hidden)]
pub fn fuzz(data: &[u8]) {
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    let (base, delta) = rest.split_at(usize::from(cut).min(rest.len()));
    let base_rope = Rope::whole(base.to_vec());
    let rope = Rope::apply(&base_rope, &std::rc::Rc::new(delta.to_vec()));
    let plain = plain_delta(base, delta);
    assert_eq!(
        rope.as_ref().map(Rope::to_vec),
        plain,
        "rope and plain delta differ"
    );
    if let Some(rope) = &rope {
        let flat = rope.to_vec();
        let naive = flat.iter().zip(base).take_while(|(a, b)| a == b).count();
        assert_eq!(Rope::common_prefix(rope, &base_rope), naive);
        for e in entries(rope, 0) {
            assert!(e.start < e.end && e.end <= flat.len());
        }
    }
    for e in entries(&base_rope, 0) {
        assert!(e.end <= base.len() && e.name.1 <= e.bytes.len());
    }
    let _ = parse_commit(rest);
}

/// A git delta applied the plain way, into one buffer (the oracle for
/// [`Rope::apply`]).
fn plain_delta(base: &[u8], delta: &[u8]) -> Option<Vec<u8>> {
    let mut i = 0;
    let mut size = || -> Option<usize> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = *delta.get(i)?;
            i += 1;
            n |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return usize::try_from(n).ok();
            }
        }
        None
    };
    let (from, to) = (size()?, size()?);
    if from != base.len() {
        return None;
    }
    let mut out = Vec::new();
    while i < delta.len() {
        let op = delta[i];
        i += 1;
        if op & 0x80 != 0 {
            let mut offset = 0usize;
            let mut len = 0usize;
            for k in 0..7 {
                if op & (1 << k) != 0 {
                    let byte = usize::from(*delta.get(i)?);
                    i += 1;
                    if k < 4 {
                        offset |= byte << (8 * k);
                    } else {
                        len |= byte << (8 * (k - 4));
                    }
                }
            }
            if len == 0 {
                len = 0x10000;
            }
            out.extend_from_slice(base.get(offset..offset.checked_add(len)?)?);
        } else if op != 0 {
            out.extend_from_slice(delta.get(i..i + usize::from(op))?);
            i += usize::from(op);
        } else {
            return None;
        }
        if out.len() > to {
            return None;
        }
    }
    (out.len() == to).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(list: &[(&str, bool, u8)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, is_tree, id) in list {
            out.extend_from_slice(if *is_tree { b"40000 " } else { b"100644 " });
            out.extend_from_slice(name.as_bytes());
            out.push(0);
            out.extend_from_slice(&[*id; 20]);
        }
        out
    }

    #[test]
    fn trees_sort_as_if_their_names_ended_in_a_slash() {
        use std::cmp::Ordering::*;
        let tree = raw(&[
            ("a", true, 1),
            ("a.md", false, 2),
            ("a-b", false, 3),
            ("a0", false, 4),
        ]);
        let tree = Rope::whole(tree);
        let e: Vec<Entry<'_>> = entries(&tree, 0).collect();
        assert_eq!(e.len(), 4);
        assert_eq!(git_order(&e[1], &e[0]), Less, "a.md before a/");
        assert_eq!(git_order(&e[0], &e[2]), Greater, "a/ after a-b");
        assert_eq!(git_order(&e[0], &e[3]), Less, "a/ before a0");
        assert_eq!(git_order(&e[3], &e[3]), Equal);
    }

    #[test]
    fn entries_know_their_byte_ranges() {
        let bytes = raw(&[("x.md", false, 9), ("y", true, 8)]);
        let tree = Rope::whole(bytes.clone());
        let e: Vec<Entry<'_>> = entries(&tree, 0).collect();
        assert_eq!(
            (e[0].start, e[0].end, e[1].start, e[1].end),
            (0, 32, 32, 60)
        );
        assert_eq!((e[0].name(), e[1].is_tree), (&b"x.md"[..], true));
        assert_eq!(e[1].id(), &[8; 20][..]);
        let cut = Rope::whole(bytes[..40].to_vec());
        assert_eq!(entries(&cut, 0).count(), 1, "a cut entry is not read");
    }

    #[test]
    fn entries_are_read_across_the_pieces_of_a_rope() {
        let bytes = raw(&[("x.md", false, 9), ("y", true, 8), ("z.md", false, 7)]);
        let n = bytes.len() as u8; // 92: one-byte sizes
        // Copy 0..20, insert 20..25 (the same bytes), copy the rest: the
        // first entry's id and the second's mode span pieces.
        let mut delta = vec![n, n, 0x90, 20, 5];
        delta.extend_from_slice(&bytes[20..25]);
        delta.extend_from_slice(&[0x91, 25, n - 25, 0x91, 30, 2]);
        delta[1] = n + 2; // and two more bytes at the end: a cut entry
        let base = Rope::whole(bytes.clone());
        let rope = Rope::apply(&base, &std::rc::Rc::new(delta)).expect("applies");
        let flat = Rope::whole(bytes.clone());
        let key = |e: Entry<'_>| {
            (
                e.name().to_vec(),
                e.id().to_vec(),
                e.is_tree,
                e.start,
                e.end,
            )
        };
        assert_eq!(
            entries(&rope, 0).map(key).collect::<Vec<_>>(),
            entries(&flat, 0).map(key).collect::<Vec<_>>()
        );
        assert_eq!(entries(&rope, 32).count(), 2, "from an entry boundary");
    }

    #[test]
    fn commits_are_read_from_their_headers() {
        let data = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\
parent 0000000000000000000000000000000000000001\n\
author Dana Okafor <dana@example.org> 1790000000 +0100\n\
committer Dana Okafor <dana@example.org> 1790000100 +0100\n\n\
Write the failover runbook\n\nMore words.\n";
        let c = parse_commit(data).expect("parses");
        assert_eq!(c.author, "Dana Okafor");
        assert_eq!(c.time, 1_790_000_000);
        assert_eq!(c.summary, "Write the failover runbook");
        assert_eq!(c.parents.len(), 1);
    }
}
