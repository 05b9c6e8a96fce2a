//! The history cache in the git folder: each commit's changes and what the walk
//! read from it, kept with the repository's identity and a checksum, so later
//! builds read only new commits.

use super::*;

/// The cache of each commit's changes, in the git folder: a commit's changes
/// against its first parent never change, so every build after the first
/// reads only the commits that are new.
pub(super) const CACHE_FILE: &str = "handbook-history";
pub(super) const CACHE_HEADER: &str = "handbook history cache 3";
/// The last line: a checksum of everything before it.
pub(super) const CACHE_CHECKSUM: &str = "checksum ";

/// Which repository a cache belongs to: its git folder, resolved (a cache
/// copied along with a `.git` folder to another place is not trusted).
pub(super) fn cache_identity(repo: &gix::Repository) -> String {
    let dir = repo.git_dir();
    dir.canonicalize()
        .unwrap_or_else(|_| dir.to_path_buf())
        .to_string_lossy()
        .replace('\n', " ")
}

/// Why the repository around `root` cannot be opened, when there is one: a
/// `.git` folder or file above it that git would use.
pub(super) fn broken_repository(root: &Path) -> Option<Error> {
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
pub(super) struct Cache {
    pub(super) entries: HashMap<ObjectId, (Option<ObjectId>, Vec<Change>)>,
    pub(super) commits: HashMap<ObjectId, ParsedCommit>,
}

impl Cache {
    /// The cache at `path` if it was written for the same handbook folder;
    /// an unreadable or foreign file is an empty cache.
    pub(super) fn read(path: &Path, identity: &str, prefix: &str) -> Cache {
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
    pub(super) fn read_commit<'t>(
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

    pub(super) fn parent(commit: &Node, all: &[Node]) -> Option<ObjectId> {
        commit.parents.first().map(|&p| all[p].id)
    }

    /// The cached changes of `commit`, if it was compared with the same parent
    /// (a shallow clone's boundary commit has none, until it is deepened).
    pub(super) fn get(&self, commit: &Node, all: &[Node]) -> Option<Vec<Change>> {
        let (parent, changes) = self.entries.get(&commit.id)?;
        (*parent == Cache::parent(commit, all)).then(|| changes.clone())
    }

    pub(super) fn has(&self, commit: &Node, all: &[Node]) -> bool {
        self.entries
            .get(&commit.id)
            .is_some_and(|(parent, _)| *parent == Cache::parent(commit, all))
    }

    /// Keeps the changes of the commits reachable now.
    pub(super) fn update(&mut self, commits: &[Node], changes: &[Result<Vec<Change>, Error>]) {
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
    pub(super) fn write(
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
