//! Where a byte of a file is: line and column from an index made once per file, and
//! the window of the line a snippet shows.

pub(super) fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(super) fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// Bytes of a line shown on each side of a diagnostic's span.
pub(super) const SNIPPET_CONTEXT: usize = 80;

/// Characters counted per block of [`Lines`]' column index.
pub(super) const BLOCK: usize = 1024;

/// Where the lines of one file start, and how many characters come before
/// each block of it, so each diagnostic finds its line by binary search and
/// its column by counting at most a block: 100,000 diagnostics on one long
/// line cost 100,000 lookups, not 100,000 scans of the line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineIndex {
    /// Start of every line.
    pub(super) starts: Vec<usize>,
    /// Characters in `source[..k * BLOCK]`, for every `k`.
    pub(super) blocks: Vec<usize>,
}

impl LineIndex {
    /// Indexes `source` once (linear).
    pub fn new(source: &str) -> LineIndex {
        let bytes = source.as_bytes();
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        let mut blocks = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut chars = 0;
        blocks.push(0);
        for block in bytes.chunks(BLOCK) {
            chars += count_chars(block);
            blocks.push(chars);
        }
        LineIndex { starts, blocks }
    }
}

/// A file and, when it was indexed, its [`LineIndex`].
pub(super) struct Lines<'a> {
    pub(super) source: &'a str,
    pub(super) index: Option<&'a LineIndex>,
}

impl<'a> Lines<'a> {
    /// No index: each lookup scans (for a file with one diagnostic).
    pub(super) fn scan(source: &'a str) -> Lines<'a> {
        Lines {
            source,
            index: None,
        }
    }

    /// The 1-based line holding byte `at`, and where that line starts.
    pub(super) fn line_of(&self, at: usize) -> (usize, usize) {
        let bytes = self.source.as_bytes();
        match self.index {
            Some(index) => {
                let line = index.starts.partition_point(|&s| s <= at).max(1);
                (line, index.starts.get(line - 1).copied().unwrap_or(0))
            }
            None => {
                let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
                (
                    memchr::memchr_iter(b'\n', &bytes[..start]).count() + 1,
                    start,
                )
            }
        }
    }

    /// Characters in `source[from..to]` (both character boundaries).
    pub(super) fn chars_between(&self, from: usize, to: usize) -> usize {
        let bytes = self.source.as_bytes();
        match self.index {
            Some(index) if to - from > BLOCK => {
                self.chars_before(index, to) - self.chars_before(index, from)
            }
            _ => count_chars(&bytes[from..to]),
        }
    }

    pub(super) fn chars_before(&self, index: &LineIndex, at: usize) -> usize {
        let block = at / BLOCK;
        let counted = index.blocks.get(block).copied().unwrap_or(0);
        counted + count_chars(&self.source.as_bytes()[block * BLOCK..at])
    }
}

/// Characters in UTF-8 bytes: the bytes that are not continuation bytes.
pub(super) fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}
