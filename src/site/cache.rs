//! The build cache: what a build learned of each page, kept beside its
//! output so the next build renders only what changed.
//!
//! A build that wrote its output also writes `.handbook-cache/NAME.bin` in
//! the output's parent folder (NAME is the output folder's name). It holds,
//! per page, the digest of its source, the links and images its markdown
//! asked about (and a digest of the answers), its markdown results without
//! the HTML, its search terms, the fingerprint of its template context and
//! the link fixes applied to it; the search vocabulary those terms use; and
//! the size and modification time of every file of the output.
//!
//! A later build with the same binary, settings and templates (the *key*)
//! reuses a page's markdown results when its source and the answers to its
//! links and images are unchanged, and leaves its output file alone when,
//! in addition, its fingerprint and fixes are unchanged and the file is
//! still the one the cache saw (same size and time). Everything else is
//! computed as a fresh build computes it, so the output is the same bytes
//! (`tests/integration/build_cache.rs` checks it on random edits).
//!
//! Nothing in the cache is trusted for safety: it only says which work may
//! be skipped. A file that is damaged, from another version or for other
//! settings is ignored (the build is a full one), and it is only ever read
//! from, and written into, a folder that carries our `CACHEDIR.TAG`.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::digest::{Digest, Hasher};
use crate::markdown::Rendered;
use crate::pages::PageTable;
use crate::search::{PageTerms, Words};

use super::output::Facts;

/// The cache folder's name, in the output folder's parent.
pub const FOLDER: &str = ".handbook-cache";
const TAG: &str = "CACHEDIR.TAG";
/// The standard signature (bford.net/cachedir), then who wrote it.
const TAG_TEXT: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This folder is a cache made by handbook (its build cache); it can be deleted.\n";
const MAGIC: &[u8; 16] = b"handbook-cache\x00\x01";

/// What a page's markdown asked the rest of the site while it rendered:
/// every link destination it had rewritten and every image whose size it
/// read, in order, with a digest of the answers. Its markdown results
/// (HTML included) are the same while the source and these answers are.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(super) struct Asked {
    pub(super) dests: Vec<String>,
    pub(super) images: Vec<String>,
    pub(super) answers: Digest,
}

/// What the cache keeps of a page besides its markdown results.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(super) struct PageInputs {
    /// Digest of the page's source.
    pub(super) source: Digest,
    pub(super) asked: Asked,
    /// Digest of what its search terms were counted with besides its text
    /// (its title and facts, which other files can change).
    pub(super) terms_key: Digest,
}

/// One page as the cache keeps it (field order is the file format).
#[derive(Debug, Deserialize)]
pub(super) struct CachedPage {
    pub(super) source_path: String,
    pub(super) url: String,
    pub(super) inputs: PageInputs,
    pub(super) rendered: Rendered,
    pub(super) terms: Option<PageTerms>,
    pub(super) fingerprint: Digest,
    pub(super) fixes: Vec<(String, String)>,
    /// Digest of the pages linking to it, which its context lists.
    pub(super) backlinks: Digest,
}

/// [`CachedPage`], borrowed from a finished render, for writing.
#[derive(Serialize)]
struct PageRef<'a> {
    source_path: &'a str,
    url: &'a str,
    inputs: &'a PageInputs,
    rendered: &'a Rendered,
    terms: Option<&'a PageTerms>,
    fingerprint: Digest,
    fixes: &'a [(String, String)],
    backlinks: Digest,
}

/// What the cache keeps besides its pages.
#[derive(Deserialize)]
struct Head {
    world: Digest,
    words: Option<Words>,
    files: Vec<(String, Facts)>,
}

#[derive(Serialize)]
struct HeadRef<'a> {
    world: Digest,
    words: Option<Words>,
    files: Vec<(&'a str, Facts)>,
}

/// A cache read back: the previous build's pages and output files.
#[derive(Debug)]
pub struct Previous {
    /// The digest of everything the pages' contexts share ([`super::render`]'s `world`).
    pub(super) world: Digest,
    pub(super) words: Option<Words>,
    pub(super) pages: Vec<CachedPage>,
    by_url: HashMap<String, usize>,
    /// The output's files as that build left them.
    pub(super) files: HashMap<String, Facts>,
}

impl Previous {
    /// The cached page at `url`, if the cache has one.
    pub(super) fn find(&self, url: &str) -> Option<usize> {
        self.by_url.get(url).copied()
    }
}

/// Where the cache of one output folder lives.
#[derive(Debug, Clone)]
pub struct Store {
    folder: PathBuf,
    file: PathBuf,
}

impl Store {
    /// The cache of the output folder `output` (already checked with
    /// `output::check_target`).
    pub fn of(output: &Path) -> Option<Store> {
        let parent = output.parent()?;
        let name = output.file_name()?.to_str()?;
        let folder = parent.join(FOLDER);
        Some(Store {
            file: folder.join(format!("{name}.bin")),
            folder,
        })
    }

    /// True when the folder is ours: a real folder (not a link) with our tag.
    fn ours(&self) -> bool {
        let is_dir = std::fs::symlink_metadata(&self.folder).is_ok_and(|m| m.is_dir());
        let tag = self.folder.join(TAG);
        let tag_is_file = std::fs::symlink_metadata(&tag).is_ok_and(|m| m.is_file());
        is_dir && tag_is_file && std::fs::read(&tag).is_ok_and(|t| t == TAG_TEXT.as_bytes())
    }

    /// The cache written for `key` by this binary, if there is a readable one.
    pub fn load(&self, key: Digest, exe: &Exe) -> Option<Previous> {
        if !self.ours() || !std::fs::symlink_metadata(&self.file).is_ok_and(|m| m.is_file()) {
            return None;
        }
        let bytes = std::fs::read(&self.file).ok()?;
        let rest = bytes.strip_prefix(MAGIC.as_slice())?;
        let (stored_key, rest) = rest.split_first_chunk::<16>()?;
        let (exe_id, rest) = rest.split_first_chunk::<EXE_ID>()?;
        let (exe_digest, rest) = rest.split_first_chunk::<16>()?;
        let (checksum, payload) = rest.split_first_chunk::<16>()?;
        // The same binary: the same file as last time (whose digest is then
        // the one written), else the same bytes.
        let same_file = exe.id != [0; EXE_ID] && *exe_id == exe.id;
        if same_file {
            let _ = exe.digest.set(Some(Digest::from_bytes(*exe_digest)));
        }
        let same_exe = same_file || exe.digest().is_some_and(|d| d.as_bytes() == exe_digest);
        if stored_key != key.as_bytes()
            || !same_exe
            || checksum != Digest::of_large(payload).as_bytes()
        {
            return None;
        }
        // The head, then each page: postcard, after its length (u32, LE).
        let mut blobs = Vec::new();
        let mut rest = payload;
        while let Some((len, tail)) = rest.split_first_chunk::<4>() {
            let len = usize::try_from(u32::from_le_bytes(*len)).ok()?;
            blobs.push(tail.get(..len)?);
            rest = tail.get(len..)?;
        }
        let (head, pages) = blobs.split_first()?;
        let head: Head = postcard::from_bytes(head).ok()?;
        use rayon::prelude::*;
        let pages: Vec<CachedPage> = pages
            .par_iter()
            .map(|blob| postcard::from_bytes(blob).ok())
            .collect::<Option<_>>()?;
        let by_url = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.url.clone(), i))
            .collect();
        Some(Previous {
            world: head.world,
            words: head.words,
            pages,
            by_url,
            files: head.files.into_iter().collect(),
        })
    }

    /// Writes the cache of a finished build (atomically: a new file renamed
    /// over the old one), a few thousand pages at a time so that it never
    /// holds the whole of it. Makes the folder, with its tag and a
    /// `.gitignore` that keeps it out of git, when it does not exist; leaves a
    /// folder of that name that is not ours alone.
    pub(super) fn save(
        &self,
        key: Digest,
        exe: &Exe,
        parts: &Parts<'_>,
        files: &HashMap<String, Facts>,
    ) -> io::Result<()> {
        use io::{Seek, Write};
        use rayon::prelude::*;
        match std::fs::symlink_metadata(&self.folder) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                std::fs::create_dir(&self.folder)?;
                create_new(&self.folder.join(".gitignore"), b"*\n")?;
                create_new(&self.folder.join(TAG), TAG_TEXT.as_bytes())?;
            }
            Err(e) => return Err(e),
            Ok(_) => {}
        }
        if !self.ours() {
            return Err(io::Error::other(format!(
                "{} exists and was not made by handbook",
                self.folder.display()
            )));
        }
        let exe_digest = exe
            .digest()
            .ok_or_else(|| io::Error::other("this binary cannot be read"))?;
        let mut file = tempfile::NamedTempFile::new_in(&self.folder)?;
        let mut top = MAGIC.to_vec();
        top.extend_from_slice(key.as_bytes());
        top.extend_from_slice(&exe.id);
        top.extend_from_slice(exe_digest.as_bytes());
        let checksum_at = top.len() as u64;
        top.extend_from_slice(&[0; 16]);
        let out = file.as_file_mut();
        out.write_all(&top)?;
        let mut checksum = Hasher::raw();
        // Records are made in parallel into runs of a few hundred, each
        // after its length; the runs are hashed and written in order, a few
        // thousand records at a time.
        let mut write = |run: &[u8]| -> io::Result<()> {
            checksum.update(run);
            out.write_all(run)
        };
        let mut first = Vec::new();
        push_record(&mut first, |buffer| {
            postcard::to_extend(&head_ref(parts, files), buffer)
        })?;
        write(&first)?;
        drop(first);
        let ids: Vec<crate::pages::PageId> = parts.pages.ids().collect();
        for chunk in ids.chunks(8192) {
            let runs: Vec<io::Result<Vec<u8>>> = chunk
                .par_chunks(256)
                .map(|ids| {
                    let mut run = Vec::with_capacity(ids.len() * 2048);
                    for &i in ids {
                        let record = page_ref(parts, i)?;
                        push_record(&mut run, |buffer| postcard::to_extend(&record, buffer))?;
                    }
                    Ok(run)
                })
                .collect();
            for run in runs {
                write(&run?)?;
            }
        }
        out.seek(io::SeekFrom::Start(checksum_at))?;
        out.write_all(Digest::from_hash(&checksum.finalize()).as_bytes())?;
        file.persist(&self.file).map_err(|e| e.error)?;
        Ok(())
    }
}

/// How many bytes identify this binary's file.
const EXE_ID: usize = 40;

/// This binary, as the cache's key: the file it runs from (device, inode,
/// size, modification and change times), and the digest of its bytes,
/// worked out only when that file is not the one the cache names (a new
/// download in CI is the same bytes in another file).
#[derive(Debug)]
pub struct Exe {
    path: Option<PathBuf>,
    id: [u8; EXE_ID],
    digest: std::sync::OnceLock<Option<Digest>>,
}

impl Exe {
    pub fn current() -> Exe {
        let path = std::env::current_exe().ok();
        let mut id = [0; EXE_ID];
        #[cfg(unix)]
        if let Some(meta) = path.as_ref().and_then(|p| std::fs::metadata(p).ok()) {
            use std::os::unix::fs::MetadataExt as _;
            let stamp = |s: i64, ns: i64| {
                (s as u64)
                    .wrapping_mul(1_000_000_000)
                    .wrapping_add(ns as u64)
            };
            let fields = [
                meta.dev(),
                meta.ino(),
                meta.len(),
                stamp(meta.mtime(), meta.mtime_nsec()),
                stamp(meta.ctime(), meta.ctime_nsec()),
            ];
            for (slot, value) in id.chunks_exact_mut(8).zip(fields) {
                slot.copy_from_slice(&value.to_le_bytes());
            }
        }
        Exe {
            path,
            id,
            digest: std::sync::OnceLock::new(),
        }
    }

    fn digest(&self) -> Option<Digest> {
        *self.digest.get_or_init(|| {
            let bytes = std::fs::read(self.path.as_ref()?).ok()?;
            Some(Digest::of_large(&bytes))
        })
    }
}

fn create_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    io::Write::write_all(&mut file, bytes)
}

/// What every cached result depends on at once besides the binary ([`Exe`]):
/// the settings, the templates and the options that change what is built.
pub(super) fn key(site: &super::Site, options: &super::BuildOptions) -> Digest {
    let loaded = &site.loaded;
    let mut hasher = Hasher::new();
    hasher
        .part(MAGIC)
        .part(format!("{:?}", loaded.config).as_bytes())
        .part(&loaded.templates_digest.to_le_bytes())
        .part(&[u8::from(options.drafts), u8::from(options.print)])
        .maybe(options.base_url.as_deref().map(str::as_bytes));
    hasher.finish()
}

/// What a finished render learned of every page, for [`payload`].
pub(super) struct Parts<'a> {
    pub(super) world: Digest,
    pub(super) pages: &'a PageTable<crate::content::Page>,
    pub(super) rendered: &'a PageTable<Rendered>,
    pub(super) inputs: &'a PageTable<PageInputs>,
    pub(super) terms: &'a PageTable<Option<PageTerms>>,
    pub(super) fingerprints: &'a PageTable<Digest>,
    pub(super) fixes: &'a PageTable<Vec<(String, String)>>,
    pub(super) backlinks: &'a PageTable<Vec<crate::pages::PageId>>,
    pub(super) vocabulary: Option<&'a crate::search::Vocabulary>,
}

/// The digest of a page's backlinks as the cache keeps it.
pub(super) fn backlinks(list: &[crate::pages::PageId]) -> Digest {
    let bytes: Vec<u8> = list
        .iter()
        .flat_map(|p| (p.index() as u64).to_le_bytes())
        .collect();
    Digest::of(&bytes)
}

/// The head record: the world digest, the vocabulary and the output's files.
fn head_ref<'a>(parts: &Parts<'_>, files: &'a HashMap<String, Facts>) -> HeadRef<'a> {
    let mut files: Vec<(&str, Facts)> = files.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    files.sort_unstable_by(|a, b| a.0.cmp(b.0));
    HeadRef {
        world: parts.world,
        words: parts.vocabulary.map(crate::search::Vocabulary::words),
        files,
    }
}

/// Page `i`'s record.
fn page_ref<'a>(parts: &Parts<'a>, i: crate::pages::PageId) -> io::Result<PageRef<'a>> {
    let missing = || io::Error::other("a render that kept too little for the cache");
    let page = parts.pages.get(i).ok_or_else(missing)?;
    Ok(PageRef {
        source_path: &page.source_path,
        url: &page.url,
        inputs: parts.inputs.get(i).ok_or_else(missing)?,
        rendered: parts.rendered.get(i).ok_or_else(missing)?,
        terms: parts.terms.get(i).and_then(Option::as_ref),
        fingerprint: *parts.fingerprints.get(i).ok_or_else(missing)?,
        fixes: parts.fixes.get(i).ok_or_else(missing)?,
        backlinks: backlinks(parts.backlinks.get(i).ok_or_else(missing)?),
    })
}

/// Appends a record that `serialize` writes to `buffer`, after its length
/// (u32, little-endian).
fn push_record(
    buffer: &mut Vec<u8>,
    serialize: impl FnOnce(Vec<u8>) -> postcard::Result<Vec<u8>>,
) -> io::Result<()> {
    let at = buffer.len();
    buffer.extend_from_slice(&[0; 4]);
    let mut grown = serialize(std::mem::take(buffer)).map_err(io::Error::other)?;
    let len = u32::try_from(grown.len() - at - 4).map_err(io::Error::other)?;
    if let Some(slot) = grown.get_mut(at..at + 4) {
        slot.copy_from_slice(&len.to_le_bytes());
    }
    *buffer = grown;
    Ok(())
}
