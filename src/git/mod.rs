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

mod pack;
pub mod reference;
mod rope;

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

/// The cache of each commit's changes, in the git folder: a commit's changes
/// against its first parent never change, so every build after the first
/// reads only the commits that are new.
const CACHE_FILE: &str = "handbook-history";
const CACHE_HEADER: &str = "handbook history cache 3";
/// The last line: a checksum of everything before it.
const CACHE_CHECKSUM: &str = "checksum ";

/// Which repository a cache belongs to: its git folder, resolved (a cache
/// copied along with a `.git` folder to another place is not trusted).
fn cache_identity(repo: &gix::Repository) -> String {
    let dir = repo.git_dir();
    dir.canonicalize()
        .unwrap_or_else(|_| dir.to_path_buf())
        .to_string_lossy()
        .replace('\n', " ")
}

/// Why the repository around `root` cannot be opened, when there is one: a
/// `.git` folder or file above it that git would use.
fn broken_repository(root: &Path) -> Option<Error> {
    let root = std::path::absolute(root).ok()?;
    let dot_git = root
        .ancestors()
        .map(|d| d.join(".git"))
        .find(|g| g.exists())?;
    let why = match gix::discover(&root) {
        Err(e) => e.to_string(),
        Ok(_) => "it has no work tree".into(),
    };
    Some(Error(format!(
        "{} cannot be opened ({why}), so the history is off",
        dot_git.display()
    )))
}

/// Commit → (the parent it was compared with, its changes), and what the
/// walk reads from each commit, so a build with the cache reads no commit
/// it has seen.
#[derive(Debug, Default)]
struct Cache {
    entries: HashMap<ObjectId, (Option<ObjectId>, Vec<Change>)>,
    commits: HashMap<ObjectId, ParsedCommit>,
}

impl Cache {
    /// The cache at `path` if it was written for the same handbook folder;
    /// an unreadable or foreign file is an empty cache.
    fn read(path: &Path, identity: &str, prefix: &str) -> Cache {
        let mut cache = Cache::default();
        let Ok(text) = std::fs::read_to_string(path) else {
            return cache;
        };
        // The checksum covers every byte before its line: a damaged or
        // edited cache is ignored (and rewritten).
        let Some(body) = text
            .strip_suffix('\n')
            .and_then(|t| t.rsplit_once('\n'))
            .and_then(|(body, last)| {
                let sum = last.strip_prefix(CACHE_CHECKSUM)?;
                let expected = blob_id(format!("{body}\n").as_bytes())?.to_string();
                (sum == expected).then_some(body)
            })
        else {
            return cache;
        };
        let mut lines = body.lines();
        if lines.next() != Some(CACHE_HEADER)
            || lines.next() != Some(identity)
            || lines.next() != Some(prefix)
        {
            return cache;
        }
        let hex = |s: &str| {
            (s != "-")
                .then(|| ObjectId::from_hex(s.as_bytes()).ok())
                .flatten()
        };
        while let Some(line) = lines.next() {
            let Some(read) = Cache::read_commit(line, &mut lines, &hex) else {
                return Cache::default();
            };
            let (commit, parsed, parent, changes) = read;
            cache.entries.insert(commit, (parent, changes));
            cache.commits.insert(commit, parsed);
        }
        cache
    }

    /// One commit: `<id> <compared parent|-> <changes> <tree> <time>
    /// <parents, comma-separated|->`, its author and summary on a line each,
    /// then its changes, `<before|-> <after|-> <path>` each.
    #[allow(clippy::type_complexity)]
    fn read_commit<'t>(
        line: &str,
        lines: &mut impl Iterator<Item = &'t str>,
        hex: &impl Fn(&str) -> Option<ObjectId>,
    ) -> Option<(ObjectId, ParsedCommit, Option<ObjectId>, Vec<Change>)> {
        let mut parts = line.split(' ');
        let commit = ObjectId::from_hex(parts.next()?.as_bytes()).ok()?;
        let parent = parts.next()?;
        let count: usize = parts.next()?.parse().ok()?;
        let tree = ObjectId::from_hex(parts.next()?.as_bytes()).ok()?;
        let time: i64 = parts.next()?.parse().ok()?;
        let parents = match parts.next()? {
            "-" => Vec::new(),
            list => list
                .split(',')
                .map(|p| ObjectId::from_hex(p.as_bytes()).ok())
                .collect::<Option<Vec<_>>>()?,
        };
        let author = lines.next()?.to_string();
        let summary = lines.next()?.to_string();
        let mut changes = Vec::with_capacity(count.min(1 << 16));
        for _ in 0..count {
            let (before, rest) = lines.next()?.split_once(' ')?;
            let (after, path) = rest.split_once(' ')?;
            changes.push(Change {
                path: path.to_string(),
                before: hex(before),
                after: hex(after),
            });
        }
        let parsed = ParsedCommit {
            tree,
            parents,
            author,
            time,
            summary,
        };
        Some((commit, parsed, hex(parent), changes))
    }

    fn parent(commit: &Node, all: &[Node]) -> Option<ObjectId> {
        commit.parents.first().map(|&p| all[p].id)
    }

    /// The cached changes of `commit`, if it was compared with the same parent
    /// (a shallow clone's boundary commit has none, until it is deepened).
    fn get(&self, commit: &Node, all: &[Node]) -> Option<Vec<Change>> {
        let (parent, changes) = self.entries.get(&commit.id)?;
        (*parent == Cache::parent(commit, all)).then(|| changes.clone())
    }

    fn has(&self, commit: &Node, all: &[Node]) -> bool {
        self.entries
            .get(&commit.id)
            .is_some_and(|(parent, _)| *parent == Cache::parent(commit, all))
    }

    /// Keeps the changes of the commits reachable now.
    fn update(&mut self, commits: &[Node], changes: &[Result<Vec<Change>, Error>]) {
        let mut entries = HashMap::with_capacity(commits.len());
        for (commit, changes) in commits.iter().zip(changes) {
            let Ok(changes) = changes else { continue };
            // Paths with line breaks cannot be written one per line.
            if changes.iter().any(|c| c.path.contains('\n')) {
                continue;
            }
            entries.insert(commit.id, (Cache::parent(commit, commits), changes.clone()));
        }
        self.entries = entries;
    }

    /// Writes the cache next to the file and renames it into place, so a
    /// reader never sees half of it. (Bytes pushed by hand: formatting each
    /// id took most of the time on 50,000 commits.)
    fn write(
        &self,
        path: &Path,
        identity: &str,
        prefix: &str,
        commits: &[Node],
    ) -> std::io::Result<()> {
        fn id(out: &mut Vec<u8>, id: Option<&ObjectId>) {
            match id {
                Some(id) => {
                    let mut buf = [0u8; 64];
                    out.extend_from_slice(id.hex_to_buf(&mut buf).as_bytes());
                }
                None => out.push(b'-'),
            }
        }
        fn number(out: &mut Vec<u8>, n: impl itoa::Integer) {
            out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
        }
        let mut order: Vec<&Node> = commits
            .iter()
            .filter(|c| self.entries.contains_key(&c.id))
            .collect();
        order.sort_by_key(|c| c.id);
        let mut out = format!("{CACHE_HEADER}\n{identity}\n{prefix}\n").into_bytes();
        for node in order {
            let (parent, changes) = &self.entries[&node.id];
            id(&mut out, Some(&node.id));
            out.push(b' ');
            id(&mut out, parent.as_ref());
            out.push(b' ');
            number(&mut out, changes.len());
            out.push(b' ');
            id(&mut out, Some(&node.tree));
            out.push(b' ');
            number(&mut out, node.time);
            out.push(b' ');
            if node.parent_ids.is_empty() {
                out.push(b'-');
            }
            for (i, p) in node.parent_ids.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                id(&mut out, Some(p));
            }
            for line in [&node.author, &node.summary] {
                out.push(b'\n');
                out.extend_from_slice(line.as_bytes());
            }
            out.push(b'\n');
            for c in changes {
                id(&mut out, c.before.as_ref());
                out.push(b' ');
                id(&mut out, c.after.as_ref());
                out.push(b' ');
                out.extend_from_slice(c.path.as_bytes());
                out.push(b'\n');
            }
        }
        let sum = blob_id(&out).map(|id| id.to_string()).unwrap_or_default();
        out.extend_from_slice(format!("{CACHE_CHECKSUM}{sum}\n").as_bytes());
        let temporary = path.with_extension("tmp");
        std::fs::write(&temporary, out)?;
        std::fs::rename(&temporary, path)
    }
}

/// A commit as the walk read it.
#[derive(Debug)]
struct Node {
    tree: ObjectId,
    /// Indexes of the parents in the walk's list (missing parents of a
    /// shallow clone left out).
    parents: Vec<usize>,
    /// Parents named by the commit (a merge has several).
    parent_count: usize,
    parent_ids: Vec<ObjectId>,
    author: String,
    time: i64,
    summary: String,
    id: ObjectId,
}

/// Every commit reachable from `head`, children before parents.
fn walk(
    mut objects: pack::Reader<'_>,
    head: ObjectId,
    known: &HashMap<ObjectId, ParsedCommit>,
    shallow: bool,
) -> Result<Vec<Node>, Error> {
    let mut index: HashMap<ObjectId, usize> = HashMap::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut queue = vec![head];
    while let Some(id) = queue.pop() {
        if index.contains_key(&id) {
            continue;
        }
        let parsed = match known.get(&id) {
            Some(parsed) => parsed.clone(),
            None => {
                let Some((_, data)) = objects.find(&id)? else {
                    // Beyond a shallow clone's boundary; anywhere else an
                    // object the repository names is missing.
                    if shallow && id != head {
                        continue;
                    }
                    return Err(Error(format!(
                        "commit {id} is missing (is a pack index missing or damaged? \
                         `git fsck` tells), so the history is off"
                    )));
                };
                parse_commit(&data.bytes())
                    .ok_or_else(|| Error(format!("cannot parse commit {id}")))?
            }
        };
        index.insert(id, nodes.len());
        queue.extend(parsed.parents.iter().copied());
        nodes.push(Node {
            tree: parsed.tree,
            parents: Vec::new(),
            parent_count: parsed.parents.len(),
            parent_ids: parsed.parents,
            author: parsed.author,
            time: parsed.time,
            summary: parsed.summary,
            id,
        });
    }
    Ok(ordered(nodes, &index))
}

/// The walk's commits with their parents' indexes filled in (parents it
/// did not read, beyond a shallow boundary, left out), in [`topological`]
/// order. `index` gives each commit's place in `nodes`.
fn ordered(mut nodes: Vec<Node>, index: &HashMap<ObjectId, usize>) -> Vec<Node> {
    for node in &mut nodes {
        node.parents = node
            .parent_ids
            .iter()
            .filter_map(|p| index.get(p).copied())
            .collect();
    }
    topological(nodes)
}

/// Orders commits so that every commit comes before its parents (newest
/// first where history is linear), keeping parent indexes right.
fn topological(nodes: Vec<Node>) -> Vec<Node> {
    let n = nodes.len();
    let mut children = vec![0usize; n];
    for node in &nodes {
        for &p in &node.parents {
            children[p] += 1;
        }
    }
    // Kahn's algorithm from the tips; among ready commits, newest first.
    let mut ready: std::collections::BinaryHeap<(i64, std::cmp::Reverse<usize>)> = (0..n)
        .filter(|&i| children[i] == 0)
        .map(|i| (nodes[i].time, std::cmp::Reverse(i)))
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some((_, std::cmp::Reverse(i))) = ready.pop() {
        order.push(i);
        for &p in &nodes[i].parents {
            children[p] -= 1;
            if children[p] == 0 {
                ready.push((nodes[p].time, std::cmp::Reverse(p)));
            }
        }
    }
    let mut position = vec![0usize; n];
    for (at, &i) in order.iter().enumerate() {
        position[i] = at;
    }
    let mut slots: Vec<Option<Node>> = nodes.into_iter().map(Some).collect();
    order
        .iter()
        .filter_map(|&i| slots[i].take())
        .map(|mut node| {
            for p in &mut node.parents {
                *p = position[*p];
            }
            node
        })
        .collect()
}

#[derive(Clone, Debug)]
struct ParsedCommit {
    tree: ObjectId,
    parents: Vec<ObjectId>,
    author: String,
    time: i64,
    summary: String,
}

/// Reads the headers and the first message line of a commit object.
fn parse_commit(data: &[u8]) -> Option<ParsedCommit> {
    let (headers, message) = match memchr::memmem::find(data, b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let mut tree = None;
    let mut parents = Vec::new();
    let mut author = String::new();
    let mut time = 0;
    for line in headers.split(|&b| b == b'\n') {
        if let Some(hex) = line.strip_prefix(b"tree ") {
            tree = ObjectId::from_hex(hex.trim_ascii()).ok();
        } else if let Some(hex) = line.strip_prefix(b"parent ") {
            parents.push(ObjectId::from_hex(hex.trim_ascii()).ok()?);
        } else if let Some(sig) = line.strip_prefix(b"author ") {
            // `Name <email> 1700000000 +0100`
            let (name, rest) = match memchr::memmem::find(sig, b" <") {
                Some(at) => (&sig[..at], &sig[at..]),
                None => (sig, &[][..]),
            };
            author = String::from_utf8_lossy(name.trim_ascii()).into_owned();
            time = memchr::memmem::rfind(rest, b"> ")
                .and_then(|at| rest[at + 2..].split(|&b| b == b' ').next())
                .and_then(|s| std::str::from_utf8(s).ok()?.parse().ok())
                .unwrap_or(0);
        }
    }
    let summary = message.split(|&b| b == b'\n').next().unwrap_or(&[]);
    Some(ParsedCommit {
        tree: tree?,
        parents,
        author,
        time,
        summary: String::from_utf8_lossy(summary.trim_ascii()).into_owned(),
    })
}

/// What one commit did to one file of the handbook.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Change {
    /// Relative to the handbook.
    path: String,
    before: Option<ObjectId>,
    after: Option<ObjectId>,
}

/// Compares trees; one per thread.
struct Differ<'p> {
    objects: pack::Reader<'p>,
    prefix: &'p [Vec<u8>],
    /// Raw trees by id, kept for the next commit (its parent's trees are
    /// mostly this commit's).
    trees: Recent<std::rc::Rc<Rope>>,
    /// Where each entry of a tree starts.
    tree_starts: Recent<Arc<Vec<u32>>>,
}

/// One entry of a raw tree: borrowed from it, or copied when it spans two
/// pieces of the tree's rope.
#[derive(Clone, Debug)]
struct Entry<'t> {
    /// `<mode> <name>\0<20-byte id>`.
    bytes: std::borrow::Cow<'t, [u8]>,
    /// Where the name starts and ends in `bytes`.
    name: (usize, usize),
    is_tree: bool,
    /// Byte range of the whole entry in its tree.
    start: usize,
    end: usize,
}

impl Entry<'_> {
    fn name(&self) -> &[u8] {
        &self.bytes[self.name.0..self.name.1]
    }

    fn id(&self) -> &[u8] {
        &self.bytes[self.name.1 + 1..]
    }
}

/// The values last used by id, in two generations: when the newer one is
/// full the older is dropped, so what the last commits used stays.
struct Recent<V> {
    newer: HashMap<ObjectId, V>,
    older: HashMap<ObjectId, V>,
}

impl<V> Default for Recent<V> {
    fn default() -> Self {
        Recent {
            newer: HashMap::new(),
            older: HashMap::new(),
        }
    }
}

impl<V: Clone> Recent<V> {
    /// Values per generation.
    const GENERATION: usize = 256;

    fn get(&mut self, id: &ObjectId) -> Option<V> {
        if let Some(v) = self.newer.get(id) {
            return Some(v.clone());
        }
        let v = self.older.remove(id)?;
        self.insert(*id, v.clone());
        Some(v)
    }

    fn insert(&mut self, id: ObjectId, v: V) {
        if self.newer.len() >= Self::GENERATION {
            self.older = std::mem::take(&mut self.newer);
        }
        self.newer.insert(id, v);
    }
}

/// Bytes of resolved objects each thread keeps as delta bases.
const OBJECT_CACHE: usize = 64 * 1024 * 1024;

impl<'p> Differ<'p> {
    fn new(
        sync: &gix::ThreadSafeRepository,
        packs: &'p pack::Packs,
        prefix: &'p [Vec<u8>],
    ) -> Self {
        Differ {
            objects: pack::Reader::new(packs, sync.to_thread_local(), OBJECT_CACHE),
            prefix,
            trees: Recent::default(),
            tree_starts: Recent::default(),
        }
    }

    fn tree(&mut self, id: ObjectId) -> Result<std::rc::Rc<Rope>, Error> {
        if let Some(tree) = self.trees.get(&id) {
            return Ok(tree);
        }
        let tree = match self.objects.find(&id)? {
            Some((gix::objs::Kind::Tree, tree)) => tree,
            Some(_) => return Err(Error(format!("object {id} is not a tree"))),
            None => return Err(Error(format!("tree {id} is missing"))),
        };
        self.trees.insert(id, tree.clone());
        Ok(tree)
    }

    /// Where the entries of tree `id` (its bytes: `raw`) start.
    fn starts(&mut self, id: ObjectId, raw: &Rope) -> Arc<Vec<u32>> {
        if let Some(starts) = self.tree_starts.get(&id) {
            return starts;
        }
        let starts = Arc::new(entries(raw, 0).map(|e| e.start as u32).collect::<Vec<_>>());
        self.tree_starts.insert(id, starts.clone());
        starts
    }

    /// The tree of the handbook folder inside the commit's tree.
    fn folder(&mut self, mut tree: ObjectId) -> Result<Option<ObjectId>, Error> {
        for part in self.prefix {
            let raw = self.tree(tree)?;
            let found = entries(&raw, 0)
                .find(|e| e.is_tree && e.name() == part.as_slice())
                .and_then(|e| ObjectId::try_from(e.id()).ok());
            match found {
                Some(id) => tree = id,
                None => return Ok(None),
            }
        }
        Ok(Some(tree))
    }

    fn changes(&mut self, commit: &Node, all: &[Node]) -> Result<Vec<Change>, Error> {
        if commit.parent_count > 1 {
            return Ok(Vec::new()); // merges: their changes are in their parents
        }
        let after = self.folder(commit.tree)?;
        let before = match commit.parents.first() {
            Some(&p) => self.folder(all[p].tree)?,
            None => None,
        };
        let mut out = Vec::new();
        if before != after {
            self.diff(before, after, &mut Vec::new(), &mut out)?;
        }
        Ok(out)
    }

    /// Appends the blobs that differ between two trees (either may be absent),
    /// without allocating per entry and skipping the entries before the first
    /// differing byte.
    fn diff(
        &mut self,
        a: Option<ObjectId>,
        b: Option<ObjectId>,
        path: &mut Vec<u8>,
        out: &mut Vec<Change>,
    ) -> Result<(), Error> {
        let left = match a {
            Some(id) => self.tree(id)?,
            None => std::rc::Rc::default(),
        };
        let right = match b {
            Some(id) => self.tree(id)?,
            None => std::rc::Rc::default(),
        };
        // Both trees are read from their start, so up to the first byte
        // where they differ they have the same entries. Reading starts at
        // the last entry boundary before it, known from the right tree's
        // boundaries (which the previous commit worked out).
        let same_start = Rope::common_prefix(&left, &right);
        let right_starts = b.map(|id| self.starts(id, &right));
        let (first, begin) = match &right_starts {
            Some(starts) => {
                let first = starts
                    .partition_point(|&s| s as usize <= same_start)
                    .saturating_sub(1);
                (first, starts.get(first).map_or(0, |&s| s as usize))
            }
            None => (0, 0),
        };
        let mut left_starts: Vec<u32> = right_starts
            .as_ref()
            .map_or_else(Vec::new, |s| s[..first].to_vec());
        // An entry from `begin` that ends exactly where the shared bytes
        // end is skipped below, but it is still one of the left's entries.
        left_starts.extend(
            entries(&left, begin)
                .take_while(|e| e.end <= same_start)
                .map(|e| e.start as u32),
        );
        let mut l = entries(&left, begin)
            .filter(|e| e.end > same_start)
            .peekable();
        let mut r = entries(&right, begin)
            .filter(|e| e.end > same_start)
            .peekable();
        let mut pending: Vec<(Option<Entry<'_>>, Option<Entry<'_>>)> = Vec::new();
        let mut same_tail = None;
        loop {
            let (x, y) = match (l.peek(), r.peek()) {
                (Some(x), Some(y)) => match git_order(x, y) {
                    std::cmp::Ordering::Less => (l.next(), None),
                    std::cmp::Ordering::Greater => (None, r.next()),
                    std::cmp::Ordering::Equal => (l.next(), r.next()),
                },
                (Some(_), None) => (l.next(), None),
                (None, Some(_)) => (None, r.next()),
                (None, None) => break,
            };
            left_starts.extend(x.as_ref().map(|e| e.start as u32));
            let differs = match (&x, &y) {
                (Some(p), Some(q)) => p.id() != q.id(),
                _ => true,
            };
            if differs {
                // After a difference, if what is left of both trees is the
                // same bytes, so are the entries (a scan that stops at the
                // next difference, so all checks together read each tree once,
                // and skips what both trees share as pieces of one buffer).
                let rest = |t: &Rope, e: &Option<Entry<'_>>, next: Option<&Entry<'_>>| {
                    next.map_or(t.len(), |n| n.start)
                        .max(e.as_ref().map_or(0, |e| e.end))
                };
                let (lr, rr) = (rest(&left, &x, l.peek()), rest(&right, &y, r.peek()));
                pending.push((x, y));
                if l.peek().is_some() && Rope::same_from(&left, lr, &right, rr) {
                    same_tail = Some((lr, rr));
                    break;
                }
            }
        }
        // The left tree's boundaries, for the next commit (whose tree it is):
        // those before where reading began, the entries read, then the right
        // tree's remaining ones moved to where the same bytes are on the left.
        if let (Some(a), Some(rs)) = (a, &right_starts) {
            if let Some((lr, rr)) = same_tail {
                let j = rs.partition_point(|&s| (s as usize) < rr);
                left_starts.extend(rs[j..].iter().map(|&s| (s as usize - rr + lr) as u32));
            }
            debug_assert_eq!(
                left_starts,
                entries(&left, 0)
                    .map(|e| e.start as u32)
                    .collect::<Vec<_>>(),
                "derived entry boundaries"
            );
            self.tree_starts.insert(a, Arc::new(left_starts));
        }
        for (x, y) in pending {
            let len = path.len();
            let name = x.as_ref().or(y.as_ref()).map_or(&[][..], |e| e.name());
            push_name(path, name);
            let id =
                |e: &Option<Entry<'_>>| e.as_ref().and_then(|e| ObjectId::try_from(e.id()).ok());
            let tree = |e: &Option<Entry<'_>>| e.as_ref().is_some_and(|e| e.is_tree);
            match (&x, &y) {
                (Some(p), Some(q)) if p.id() == q.id() => {}
                (Some(p), Some(q)) if p.is_tree && q.is_tree => {
                    self.diff(id(&x), id(&y), path, out)?;
                }
                _ if tree(&x) || tree(&y) => {
                    // Only on one side (git order keeps a file and a folder
                    // of the same name apart).
                    let (a, b) = if tree(&x) {
                        (id(&x), None)
                    } else {
                        (None, id(&y))
                    };
                    self.diff(a, b, path, out)?;
                }
                _ => out.push(Change {
                    path: String::from_utf8_lossy(path).into_owned(),
                    before: id(&x),
                    after: id(&y),
                }),
            }
            path.truncate(len);
        }
        Ok(())
    }
}

fn push_name(path: &mut Vec<u8>, name: &[u8]) {
    if !path.is_empty() {
        path.push(b'/');
    }
    path.extend_from_slice(name);
}

/// Git's tree order: names compared bytewise, a tree's name as if it ended in `/`.
fn git_order(a: &Entry<'_>, b: &Entry<'_>) -> std::cmp::Ordering {
    let slash = |e: &Entry<'_>| e.is_tree.then_some(b'/');
    a.name()
        .iter()
        .copied()
        .chain(slash(a))
        .cmp(b.name().iter().copied().chain(slash(b)))
}

/// The entries of a raw tree object (`<mode> <name>\0<20-byte id>` repeated),
/// from byte `at`; stops at the first malformed entry.
fn entries(tree: &Rope, mut at: usize) -> impl Iterator<Item = Entry<'_>> {
    /// Where the space and the NUL are when `bytes` start with a whole entry.
    fn parse(bytes: &[u8]) -> Option<(usize, usize)> {
        let space = memchr::memchr(b' ', bytes)?;
        let nul = space + memchr::memchr(0, &bytes[space..])?;
        (bytes.len() >= nul + 21).then_some((space, nul))
    }
    std::iter::from_fn(move || {
        let chunk = tree.chunk(at);
        let (bytes, (space, nul)) = match parse(chunk) {
            Some((space, nul)) => (std::borrow::Cow::Borrowed(&chunk[..nul + 21]), (space, nul)),
            None => {
                // The entry goes on in the next pieces (or is cut short).
                let mut owned = Vec::new();
                loop {
                    let more = tree.chunk(at + owned.len());
                    if more.is_empty() {
                        return None;
                    }
                    owned.extend_from_slice(more);
                    if let Some((space, nul)) = parse(&owned) {
                        owned.truncate(nul + 21);
                        break (std::borrow::Cow::Owned(owned), (space, nul));
                    }
                }
            }
        };
        let entry = Entry {
            // Trees have mode 40000; submodules (160000) are not entered.
            is_tree: &bytes[..space] == b"40000",
            name: (space + 1, nul),
            bytes,
            start: at,
            end: at + nul + 21,
        };
        at = entry.end;
        Some(entry)
    })
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
