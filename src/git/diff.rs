//! Comparing the handbook folder's trees between a commit and its parent, over raw
//! tree bytes and ropes (one `Differ` per thread, with its own caches).

use super::*;

/// What one commit did to one file of the handbook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Change {
    /// Relative to the handbook.
    pub(super) path: String,
    pub(super) before: Option<ObjectId>,
    pub(super) after: Option<ObjectId>,
}

/// Compares trees; one per thread.
pub(super) struct Differ<'p> {
    pub(super) objects: pack::Reader<'p>,
    pub(super) prefix: &'p [Vec<u8>],
    /// Raw trees by id, kept for the next commit (its parent's trees are
    /// mostly this commit's).
    pub(super) trees: Recent<std::rc::Rc<Rope>>,
    /// Where each entry of a tree starts.
    pub(super) tree_starts: Recent<Arc<Vec<u32>>>,
}

/// One entry of a raw tree: borrowed from it, or copied when it spans two
/// pieces of the tree's rope.
#[derive(Clone, Debug)]
pub(super) struct Entry<'t> {
    /// `<mode> <name>\0<20-byte id>`.
    pub(super) bytes: std::borrow::Cow<'t, [u8]>,
    /// Where the name starts and ends in `bytes`.
    pub(super) name: (usize, usize),
    pub(super) is_tree: bool,
    /// Byte range of the whole entry in its tree.
    pub(super) start: usize,
    pub(super) end: usize,
}

impl Entry<'_> {
    /// A regular file (not a symbolic link, a submodule or a tree).
    pub(super) fn is_file(&self) -> bool {
        matches!(
            &self.bytes[..self.name.0.saturating_sub(1)],
            b"100644" | b"100755" | b"100664"
        )
    }

    pub(super) fn name(&self) -> &[u8] {
        &self.bytes[self.name.0..self.name.1]
    }

    pub(super) fn id(&self) -> &[u8] {
        &self.bytes[self.name.1 + 1..]
    }
}

/// The values last used by id, in two generations: when the newer one is
/// full the older is dropped, so what the last commits used stays.
pub(super) struct Recent<V> {
    pub(super) newer: HashMap<ObjectId, V>,
    pub(super) older: HashMap<ObjectId, V>,
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

    pub(super) fn get(&mut self, id: &ObjectId) -> Option<V> {
        if let Some(v) = self.newer.get(id) {
            return Some(v.clone());
        }
        let v = self.older.remove(id)?;
        self.insert(*id, v.clone());
        Some(v)
    }

    pub(super) fn insert(&mut self, id: ObjectId, v: V) {
        if self.newer.len() >= Self::GENERATION {
            self.older = std::mem::take(&mut self.newer);
        }
        self.newer.insert(id, v);
    }
}

/// Bytes of resolved objects each thread keeps as delta bases.
pub(super) const OBJECT_CACHE: usize = 64 * 1024 * 1024;

impl<'p> Differ<'p> {
    pub(super) fn new(
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

    pub(super) fn tree(&mut self, id: ObjectId) -> Result<std::rc::Rc<Rope>, Error> {
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
    pub(super) fn starts(&mut self, id: ObjectId, raw: &Rope) -> Arc<Vec<u32>> {
        if let Some(starts) = self.tree_starts.get(&id) {
            return starts;
        }
        let starts = Arc::new(entries(raw, 0).map(|e| e.start as u32).collect::<Vec<_>>());
        self.tree_starts.insert(id, starts.clone());
        starts
    }

    /// The tree of the handbook folder inside the commit's tree.
    pub(super) fn folder(&mut self, mut tree: ObjectId) -> Result<Option<ObjectId>, Error> {
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

    pub(super) fn changes(&mut self, commit: &Node, all: &[Node]) -> Result<Vec<Change>, Error> {
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
    pub(super) fn diff(
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

pub(super) fn push_name(path: &mut Vec<u8>, name: &[u8]) {
    if !path.is_empty() {
        path.push(b'/');
    }
    path.extend_from_slice(name);
}

/// Git's tree order: names compared bytewise, a tree's name as if it ended in `/`.
pub(super) fn git_order(a: &Entry<'_>, b: &Entry<'_>) -> std::cmp::Ordering {
    let slash = |e: &Entry<'_>| e.is_tree.then_some(b'/');
    a.name()
        .iter()
        .copied()
        .chain(slash(a))
        .cmp(b.name().iter().copied().chain(slash(b)))
}

/// The entries of a raw tree object (`<mode> <name>\0<20-byte id>` repeated),
/// from byte `at`; stops at the first malformed entry.
pub(super) fn entries(tree: &Rope, mut at: usize) -> impl Iterator<Item = Entry<'_>> {
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
