//! Objects read straight from the repository's pack files.
//!
//! The history compares the same few trees in thousands of versions; in a
//! packed repository each version is a delta against another. gix resolves a
//! delta chain into a growing buffer and copies bases in and out of its pack
//! cache; here a resolved object is kept and shared (`Rc`: a reader and what
//! it reads stay on one thread), and a delta's result is a [`Rope`] of pieces
//! of its base and of the delta, so each version costs one inflate of its
//! delta and a few pieces, not a copy of the tree. Objects that are not in a
//! pack (loose ones, alternates) go through gix.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::rc::Rc;

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

    /// Where `id` is: (pack, offset in it). Pack `first` is asked first: the
    /// objects one reader asks for in a row are mostly in the same pack, and a
    /// repository may have dozens of packs between two `gc`s.
    fn locate(&self, id: &ObjectId, first: usize) -> Option<(usize, u64)> {
        let at = |i: usize| {
            let b = self.bundles.get(i)?;
            let at = b.index.lookup(id)?;
            Some((i, b.index.pack_offset_at_index(at)))
        };
        at(first).or_else(|| (0..self.bundles.len()).filter(|&i| i != first).find_map(at))
    }
}

fn open_bundle(path: &Path, hash: gix::hash::Kind) -> Option<gix::odb::pack::Bundle> {
    gix::odb::pack::Bundle::at(path, hash).ok()
}

/// An object's kind and bytes.
pub type Object = (gix::objs::Kind, Rc<Rope>);

/// Reads objects for one thread: its own inflater and cache.
pub struct Reader<'p> {
    packs: &'p Packs,
    /// For what is not in a pack.
    repo: gix::Repository,
    inflate: gix::zlib::Inflate,
    cache: Clock,
    /// The pack the last object was found in.
    last_pack: usize,
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
            last_pack: 0,
            cache: Clock::new(cache_bytes),
        }
    }

    /// The object `id`, or `None` when the repository does not have it.
    pub fn find(&mut self, id: &ObjectId) -> Result<Option<Object>, Error> {
        match self.locate(id) {
            Some((pack, offset)) => self.at(pack, offset).map(Some),
            None => self.loose(id),
        }
    }

    /// The start of object `id`, at least `max` bytes of it when it has them:
    /// (kind, bytes, whether they are all of it). An object stored whole in a
    /// pack is inflated only that far; any other is read whole.
    pub fn start(
        &mut self,
        id: &ObjectId,
        max: usize,
    ) -> Result<Option<(gix::objs::Kind, Vec<u8>, bool)>, Error> {
        let Some((pack, offset)) = self.locate(id) else {
            let found = self.loose(id)?;
            return Ok(found.map(|(kind, rope)| (kind, rope.bytes().into_owned(), true)));
        };
        if self.cache.get(pack, offset).is_none() {
            let file = &self.packs.bundles[pack].pack;
            let entry = file
                .entry(offset)
                .map_err(|e| error("cannot read a pack entry", e))?;
            if let Some(kind) = entry.header.as_kind()
                && entry.decompressed_size > max as u64
            {
                let input = file
                    .entry_slice(entry.data_offset..file.pack_end() as u64)
                    .unwrap_or_default();
                let mut bytes = vec![0; max];
                self.inflate.reset();
                let (_, _, written) = self
                    .inflate
                    .prefix(input, &mut bytes)
                    .map_err(|e| error("cannot inflate a pack entry", e))?;
                bytes.truncate(written);
                return Ok(Some((kind, bytes, false)));
            }
        }
        let (kind, rope) = self.at(pack, offset)?;
        Ok(Some((kind, rope.bytes().into_owned(), true)))
    }

    /// The object at `offset` in pack `pack`, resolving its delta chain from
    /// the nearest object the cache holds (or the chain's base), without
    /// recursion: a chain may pass from pack to pack through bases named by id.
    fn at(&mut self, pack: usize, offset: u64) -> Result<Object, Error> {
        let packs: &'p Packs = self.packs;
        let corrupt = |pack: usize, what: &str| {
            Error(format!(
                "{}: {what}",
                packs.bundles[pack].pack.path().display()
            ))
        };
        let mut chain = Vec::new();
        let (mut pack, mut at) = (pack, offset);
        let (kind, mut object) = loop {
            if let Some(found) = self.cache.get(pack, at) {
                break found;
            }
            if chain.len() > MAX_CHAIN {
                return Err(corrupt(pack, "a delta chain too long (or a loop)"));
            }
            let file = &packs.bundles[pack].pack;
            let entry = file
                .entry(at)
                .map_err(|e| error("cannot read a pack entry", e))?;
            let len = size(file, &entry)?;
            match entry.header {
                Header::OfsDelta { base_distance } => {
                    let base = entry
                        .checked_base_pack_offset(base_distance)
                        .ok_or_else(|| corrupt(pack, "a delta's base lies before the pack"))?;
                    chain.push((pack, at, entry, len));
                    at = base;
                }
                Header::RefDelta { base_id } => {
                    chain.push((pack, at, entry, len));
                    match self.locate(&base_id) {
                        Some(found) => (pack, at) = found,
                        None => {
                            break self
                                .loose(&base_id)?
                                .ok_or_else(|| corrupt(pack, "a delta's base is missing"))?;
                        }
                    }
                }
                header => {
                    let kind = header
                        .as_kind()
                        .ok_or_else(|| corrupt(pack, "an unknown object type"))?;
                    let mut bytes = vec![0; len];
                    file.decompress_entry(&entry, &mut self.inflate, &mut bytes)
                        .map_err(|e| error("cannot inflate a pack entry", e))?;
                    let object = (kind, Rc::new(Rope::whole(bytes)));
                    self.cache.put(pack, at, object.clone());
                    break object;
                }
            }
        };
        // Apply the deltas, base first, keeping each version (the versions
        // of one tree are each other's bases, and the next commit's
        // trees are near).
        for (pack, at, entry, len) in chain.into_iter().rev() {
            let mut delta = vec![0; len];
            packs.bundles[pack]
                .pack
                .decompress_entry(&entry, &mut self.inflate, &mut delta)
                .map_err(|e| error("cannot inflate a pack entry", e))?;
            let rope = Rope::apply(&object, &Rc::new(delta))
                .ok_or_else(|| corrupt(pack, "a damaged delta"))?;
            object = Rc::new(rope);
            self.cache.put(pack, at, (kind, object.clone()));
        }
        Ok((kind, object))
    }

    fn locate(&mut self, id: &ObjectId) -> Option<(usize, u64)> {
        let found = self.packs.locate(id, self.last_pack)?;
        self.last_pack = found.0;
        Some(found)
    }

    /// An object that is not in a pack, through gix.
    fn loose(&mut self, id: &ObjectId) -> Result<Option<Object>, Error> {
        let mut buf = Vec::new();
        let kind = self
            .repo
            .objects
            .try_find(id, &mut buf)
            .map_err(|e| error("cannot read an object", e))?
            .map(|data| data.kind);
        Ok(kind.map(|kind| (kind, Rc::new(Rope::whole(buf)))))
    }
}

/// The size an entry inflates to, refused when its compressed bytes could
/// not hold it (zlib expands at most about 1032 to 1), so a damaged header
/// cannot ask for any amount of memory.
fn size(
    file: &gix::odb::pack::data::File,
    entry: &gix::odb::pack::data::Entry,
) -> Result<usize, Error> {
    let available = (file.data_len() as u64).saturating_sub(entry.data_offset);
    usize::try_from(entry.decompressed_size)
        .ok()
        .filter(|&n| n as u64 <= available.saturating_mul(1032).saturating_add(64))
        .ok_or_else(|| {
            Error(format!(
                "{}: a pack entry larger than its pack allows",
                file.path().display()
            ))
        })
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
        let object = |n: usize| (gix::objs::Kind::Tree, Rc::new(Rope::whole(vec![0u8; n])));
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
