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

    /// The cache written for `key`, if there is a readable one.
    pub fn load(&self, key: Digest) -> Option<Previous> {
        if !self.ours() || !std::fs::symlink_metadata(&self.file).is_ok_and(|m| m.is_file()) {
            return None;
        }
        let bytes = std::fs::read(&self.file).ok()?;
        let rest = bytes.strip_prefix(MAGIC.as_slice())?;
        let (stored_key, rest) = rest.split_first_chunk::<16>()?;
        let (checksum, payload) = rest.split_first_chunk::<16>()?;
        if stored_key != key.as_bytes() || checksum != Digest::of_large(payload).as_bytes() {
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
    /// over the old one). Makes the folder, with its tag and a `.gitignore`
    /// that keeps it out of git, when it does not exist; leaves a folder of
    /// that name that is not ours alone.
    pub(super) fn save(&self, key: Digest, payload: &[u8]) -> io::Result<()> {
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
        let mut file = tempfile::NamedTempFile::new_in(&self.folder)?;
        let mut head = MAGIC.to_vec();
        head.extend_from_slice(key.as_bytes());
        head.extend_from_slice(Digest::of_large(payload).as_bytes());
        io::Write::write_all(&mut file, &head)?;
        io::Write::write_all(&mut file, payload)?;
        file.persist(&self.file).map_err(|e| e.error)?;
        Ok(())
    }
}

fn create_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    io::Write::write_all(&mut file, bytes)
}

/// What every cached result depends on at once: this binary, the settings,
/// the templates and the options that change what is built.
pub(super) fn key(site: &super::Site, options: &super::BuildOptions) -> Option<Digest> {
    let exe = std::fs::read(std::env::current_exe().ok()?).ok()?;
    let loaded = &site.loaded;
    let mut hasher = Hasher::new();
    hasher
        .part(MAGIC)
        .part(Digest::of_large(&exe).as_bytes())
        .part(format!("{:?}", loaded.config).as_bytes())
        .part(&loaded.templates_digest.to_le_bytes())
        .part(&[u8::from(options.drafts), u8::from(options.print)])
        .maybe(options.base_url.as_deref().map(str::as_bytes));
    Some(hasher.finish())
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

/// The cache's bytes for a finished build: the head (the world digest, the
/// vocabulary, the output's files), then each page's inputs and results,
/// each written with its length so that they are read back in parallel.
pub(super) fn payload(parts: &Parts<'_>, files: &HashMap<String, Facts>) -> Option<Vec<u8>> {
    let mut files: Vec<(&str, Facts)> = files.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    files.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let head = HeadRef {
        world: parts.world,
        words: parts.vocabulary.map(crate::search::Vocabulary::words),
        files,
    };
    let head = postcard::to_allocvec(&head).ok()?;
    let pages: Vec<Vec<u8>> = parts
        .pages
        .par_map(|i, page| {
            let page = PageRef {
                source_path: &page.source_path,
                url: &page.url,
                inputs: parts.inputs.get(i)?,
                rendered: parts.rendered.get(i)?,
                terms: parts.terms.get(i).and_then(Option::as_ref),
                fingerprint: *parts.fingerprints.get(i)?,
                fixes: parts.fixes.get(i)?,
                backlinks: backlinks(parts.backlinks.get(i)?),
            };
            postcard::to_allocvec(&page).ok()
        })
        .into_iter()
        .collect::<Option<_>>()?;
    let size = head.len() + pages.iter().map(|p| p.len() + 4).sum::<usize>() + 4;
    let mut out = Vec::with_capacity(size);
    for blob in std::iter::once(&head).chain(&pages) {
        out.extend_from_slice(&u32::try_from(blob.len()).ok()?.to_le_bytes());
        out.extend_from_slice(blob);
    }
    Some(out)
}
