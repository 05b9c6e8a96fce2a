//! Objects read straight from the repository's pack files.
//!
//! The history compares the same few trees in thousands of versions; in a
//! packed repository each version is a delta against another. gix resolves a
//! delta chain into a growing buffer and copies bases in and out of its pack
//! cache; here a resolved object is kept and shared (`Arc`), and a delta's
//! result is a [`Rope`] of pieces of its base and of the delta, so each version
//! costs one inflate of its delta and a few pieces, not a copy of the tree. Objects that are not in a pack (loose ones, alternates) and anything
//! this reader does not understand go through gix.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::Arc;

use gix::ObjectId;
use gix::odb::pack::data::entry::Header;
use gix::prelude::Find;

use super::rope::Rope;
use super::{Error, error};

/// The pack files of a repository, opened once and shared by the threads.
pub struct Packs {
    bundles: Vec<gix::odb::pack::Bundle>,
}

impl Packs {
    /// Opens every `*.idx` (with its pack) in the repository's object folder;
    /// one that cannot be opened is left to gix.
    pub fn open(repo: &gix::Repository) -> Packs {
        let folder = repo.objects.store_ref().path().join("pack");
        let mut idx: Vec<_> = std::fs::read_dir(&folder)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "idx"))
            .collect();
        idx.sort();
        let bundles = idx
            .iter()
            .filter_map(|p| open_bundle(p, repo.object_hash()))
            .collect();
        Packs { bundles }
    }

    /// Where `id` is: (pack, offset in it).
    fn locate(&self, id: &ObjectId) -> Option<(usize, u64)> {
        self.bundles.iter().enumerate().find_map(|(i, b)| {
            let at = b.index.lookup(id)?;
            Some((i, b.index.pack_offset_at_index(at)))
        })
    }
}

fn open_bundle(path: &Path, hash: gix::hash::Kind) -> Option<gix::odb::pack::Bundle> {
    gix::odb::pack::Bundle::at(path, hash).ok()
}

/// An object's kind and bytes.
pub type Object = (gix::objs::Kind, Arc<Rope>);

/// Reads objects for one thread: its own inflater, scratch buffer and cache.
pub struct Reader<'p> {
    packs: &'p Packs,
    /// For what is not in a pack.
    repo: gix::Repository,
    inflate: gix::zlib::Inflate,
    cache: Clock,
}

/// Longest delta chain followed (git writes at most 50 by default, 4095 at
/// most); longer means a damaged pack.
const MAX_CHAIN: usize = 10_000;

impl<'p> Reader<'p> {
    pub fn new(packs: &'p Packs, repo: gix::Repository, cache_bytes: usize) -> Self {
        Reader {
            packs,
            repo,
            inflate: gix::zlib::Inflate::default(),
            cache: Clock::new(cache_bytes),
        }
    }

    /// The object `id`, or `None` when the repository does not have it.
    pub fn find(&mut self, id: &ObjectId) -> Result<Option<Object>, Error> {
        if let Some((pack, offset)) = self.packs.locate(id) {
            return self.at(pack, offset, 0).map(Some);
        }
        let mut buf = Vec::new();
        let kind = self
            .repo
            .objects
            .try_find(id, &mut buf)
            .map_err(|e| error("cannot read an object", e))?
            .map(|data| data.kind);
        Ok(kind.map(|kind| (kind, Arc::new(Rope::whole(buf)))))
    }

    /// The object at `offset` in pack `pack`, resolving its delta chain from
    /// the nearest object the cache holds (or the chain's base).
    fn at(&mut self, pack: usize, offset: u64, depth: usize) -> Result<Object, Error> {
        let packs: &'p Packs = self.packs;
        let file = &packs.bundles[pack].pack;
        let corrupt = |what: &str| Error(format!("{}: {what}", file.path().display()));
        let mut chain = Vec::new();
        let mut at = offset;
        let (kind, mut object) = loop {
            if let Some(found) = self.cache.get(pack, at) {
                break found;
            }
            let entry = file
                .entry(at)
                .map_err(|e| error("cannot read a pack entry", e))?;
            match entry.header {
                Header::OfsDelta { base_distance } => {
                    let base = entry
                        .checked_base_pack_offset(base_distance)
                        .ok_or_else(|| corrupt("a delta's base lies before the pack"))?;
                    chain.push((at, entry));
                    at = base;
                }
                Header::RefDelta { base_id } => {
                    chain.push((at, entry));
                    if depth > MAX_CHAIN {
                        return Err(corrupt("delta bases refer to each other"));
                    }
                    break self
                        .find_base(&base_id, depth + 1)?
                        .ok_or_else(|| corrupt("a delta's base is missing"))?;
                }
                header => {
                    let kind = header
                        .as_kind()
                        .ok_or_else(|| corrupt("unknown object type"))?;
                    let mut bytes = vec![0; size(entry.decompressed_size)?];
                    file.decompress_entry(&entry, &mut self.inflate, &mut bytes)
                        .map_err(|e| error("cannot inflate a pack entry", e))?;
                    let object = (kind, Arc::new(Rope::whole(bytes)));
                    self.cache.put(pack, at, object.clone());
                    break object;
                }
            }
            if chain.len() > MAX_CHAIN {
                return Err(corrupt("delta chain too long"));
            }
        };
        // Apply the deltas, base first, keeping each version (the versions
        // of one tree are each other's bases, and the next commit's
        // trees are near).
        for (at, entry) in chain.into_iter().rev() {
            let mut delta = vec![0; size(entry.decompressed_size)?];
            file.decompress_entry(&entry, &mut self.inflate, &mut delta)
                .map_err(|e| error("cannot inflate a pack entry", e))?;
            let rope =
                Rope::apply(&object, &Arc::new(delta)).ok_or_else(|| corrupt("a damaged delta"))?;
            object = Arc::new(rope);
            self.cache.put(pack, at, (kind, object.clone()));
        }
        Ok((kind, object))
    }

    fn find_base(&mut self, id: &ObjectId, depth: usize) -> Result<Option<Object>, Error> {
        match self.packs.locate(id) {
            Some((pack, offset)) => self.at(pack, offset, depth).map(Some),
            None => self.find(id),
        }
    }
}

fn size(n: u64) -> Result<usize, Error> {
    usize::try_from(n).map_err(|_| Error("a pack entry too large for memory".into()))
}

/// Resolved objects by (pack, offset), up to a number of bytes, evicted in
/// CLOCK order: the oldest goes unless it was used since it last came round.
struct Clock {
    map: HashMap<(usize, u64), (Object, bool)>,
    order: VecDeque<(usize, u64)>,
    bytes: usize,
    limit: usize,
}

impl Clock {
    fn new(limit: usize) -> Self {
        Clock {
            map: HashMap::new(),
            order: VecDeque::new(),
            bytes: 0,
            limit,
        }
    }

    fn get(&mut self, pack: usize, offset: u64) -> Option<Object> {
        let (object, used) = self.map.get_mut(&(pack, offset))?;
        *used = true;
        Some(object.clone())
    }

    fn put(&mut self, pack: usize, offset: u64, object: Object) {
        let len = object.1.len();
        if len > self.limit || self.map.contains_key(&(pack, offset)) {
            return;
        }
        while self.bytes + len > self.limit {
            let Some(key) = self.order.pop_front() else {
                break;
            };
            match self.map.get_mut(&key) {
                Some((_, used)) if *used => {
                    *used = false;
                    self.order.push_back(key);
                }
                Some(_) => {
                    if let Some(((_, gone), _)) = self.map.remove(&key) {
                        self.bytes -= gone.len();
                    }
                }
                None => {}
            }
        }
        self.bytes += len;
        self.map.insert((pack, offset), (object, false));
        self.order.push_back((pack, offset));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_keeps_what_was_used_and_stays_in_its_bytes() {
        let object = |n: usize| (gix::objs::Kind::Tree, Arc::new(Rope::whole(vec![0u8; n])));
        let mut cache = Clock::new(30);
        cache.put(0, 1, object(10));
        cache.put(0, 2, object(10));
        cache.put(0, 3, object(10));
        assert!(cache.get(0, 1).is_some());
        cache.put(0, 4, object(10)); // 2 goes: 1 was used
        assert!(cache.get(0, 2).is_none());
        assert!(cache.get(0, 1).is_some() && cache.get(0, 4).is_some());
        cache.put(0, 5, object(31)); // larger than the whole cache: not kept
        assert!(cache.get(0, 5).is_none());
        assert!(cache.bytes <= 30);
    }
}
