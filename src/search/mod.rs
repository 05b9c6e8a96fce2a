//! The search index: built from what the renderer already knows (titles,
//! headings, plain text per section), sharded by term prefix so a query fetches
//! only the shards of its words, and read by `themes/default/static/search.js`.
//!
//! [`build`] is a pure function from documents to files, cheap enough to rerun
//! in memory after a change. The format is documented in ARCHITECTURE.md.

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;

use crate::markdown::TextSection;

/// Folder of the index in the output.
pub const DIR: &str = "search";
/// The most bytes of JSON a shard holds (one entry may exceed it on its own).
pub const SHARD_TARGET: usize = 40_000;
/// Documents per metadata chunk: a result costs one small file, not a big one.
pub const CHUNK_DOCS: usize = 8;
/// The most documents kept per term, best-scoring first (impact pruning): a
/// term in every page would otherwise outgrow any shard.
pub const MAX_POSTINGS: usize = 400;
/// Characters of section text kept as a result excerpt.
const SNIPPET_CHARS: usize = 120;
/// Marks a title match in a raw posting's bits (sections use the low bits).
const TITLE_BIT: u16 = 1 << 15;
/// Sections per document kept as sub-results (the rest share the last bit).
const MAX_SECTIONS: usize = 15;

/// Added to a term's saturated frequency when it is in the title. BM25
/// saturation caps any frequency below `K1 + 1`, so this puts every title match
/// above every page that only mentions the word.
const TITLE_BONUS: f32 = K1 + 1.0;
const HEADING_WEIGHT: f32 = 2.5;
const BODY_WEIGHT: f32 = 1.0;
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// One page as the index sees it.
#[derive(Clone, Debug)]
pub struct Document<'a> {
    /// Site URL (`runbooks/db/`).
    pub url: &'a str,
    pub title: &'a str,
    pub kind: &'a str,
    pub date: Option<&'a str>,
    /// Filter values: `("kind", "adr")`, `("status", "accepted")`, `("tag", "ops")`…
    pub facets: Vec<(&'static str, String)>,
    /// Headings and excerpts, for results (see [`excerpt`]).
    pub sections: &'a [TextSection],
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The words of `text`: runs of letters, digits and `_`, joined across a single
/// `'` or `.` between two of them (`db's`, `e.g`, `v1.2`). The search client
/// splits queries with the same rule.
pub fn words(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find(is_word_char)?;
        let mut end = start;
        let mut chars = rest[start..].char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if is_word_char(c) {
                end = start + i + c.len_utf8();
            } else if (c == '\'' || c == '.') && chars.peek().is_some_and(|&(_, n)| is_word_char(n))
            {
                continue;
            } else {
                break;
            }
        }
        let word = &rest[start..end];
        rest = &rest[end..];
        Some(word)
    })
}

/// A page's terms: stem id, weighted frequency outside the title, and bits
/// (sections it occurs in, plus [`TITLE_BIT`] when the title has it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageTerms {
    /// (stem id, frequency ×2, bits): packed, because every page's terms are
    /// held until the index is written.
    terms: Vec<(u32, u16, u16)>,
    length: f32,
}

/// The term dictionary of one build, shared by the render stage's threads:
/// stems get ids, and surface forms remember their stem. Each thread keeps a
/// cache from words as written to stem ids, so the lock is taken once per new
/// word, not once per occurrence.
#[derive(Debug)]
pub struct Vocabulary {
    generation: u64,
    inner: std::sync::Mutex<Dictionary>,
}

#[derive(Debug, Default)]
struct Dictionary {
    ids: HashMap<Arc<str>, u32>,
    stems: Vec<Arc<str>>,
    /// Lowercase forms that differ from their stem → the stem's id.
    forms: HashMap<Arc<str>, u32>,
}

static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

thread_local! {
    /// (vocabulary generation, word as written → stem id, stemmer)
    static CACHE: std::cell::RefCell<(u64, HashMap<String, u32>, Option<Stemmer>)> =
        std::cell::RefCell::new((u64::MAX, HashMap::default(), None));
}

impl Default for Vocabulary {
    fn default() -> Self {
        Vocabulary {
            generation: GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            inner: std::sync::Mutex::new(Dictionary::default()),
        }
    }
}

impl Vocabulary {
    fn id(&self, word: &str, cache: &mut HashMap<String, u32>, stemmer: &Stemmer) -> u32 {
        if let Some(&id) = cache.get(word) {
            return id;
        }
        let lower = word.to_lowercase();
        let stem = stemmer.stem(&lower);
        let mut dict = self
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let id = match dict.ids.get(stem.as_ref()) {
            Some(&id) => id,
            None => {
                let id = dict.stems.len() as u32;
                let stem: Arc<str> = Arc::from(stem.as_ref());
                dict.ids.insert(stem.clone(), id);
                dict.stems.push(stem);
                id
            }
        };
        if lower != stem.as_ref() {
            dict.forms.entry(Arc::from(lower.as_str())).or_insert(id);
        }
        drop(dict);
        cache.insert(word.to_string(), id);
        id
    }

    /// Counts the terms of one page (title, then each section's heading and
    /// text). Safe to call from many threads at once.
    pub fn count(&self, title: &str, sections: &[TextSection]) -> PageTerms {
        CACHE.with(|cell| {
            let mut guard = cell.borrow_mut();
            let (generation, cache, stemmer) = &mut *guard;
            if *generation != self.generation {
                *generation = self.generation;
                cache.clear();
            }
            let stemmer = stemmer.get_or_insert_with(|| Stemmer::create(Algorithm::English));
            let mut counts: HashMap<u32, (f32, u16)> =
                HashMap::with_capacity_and_hasher(256, Default::default());
            let mut length = 0.0;
            for word in words(title) {
                counts
                    .entry(self.id(word, cache, stemmer))
                    .or_insert((0.0, 0))
                    .1 |= TITLE_BIT;
            }
            for (i, section) in sections.iter().enumerate() {
                let bit = 1u16 << i.min(MAX_SECTIONS - 1);
                for (text, weight) in [
                    (section.heading.as_str(), HEADING_WEIGHT),
                    (section.text.as_str(), BODY_WEIGHT),
                ] {
                    for word in words(text) {
                        let entry = counts
                            .entry(self.id(word, cache, stemmer))
                            .or_insert((0.0, 0));
                        entry.0 += weight;
                        entry.1 |= bit;
                        length += weight;
                    }
                }
            }
            let mut terms: Vec<(u32, u16, u16)> = counts
                .into_iter()
                .map(|(id, (tf, bits))| {
                    (id, (tf * 2.0).round().min(f32::from(u16::MAX)) as u16, bits)
                })
                .collect();
            terms.sort_unstable_by_key(|t| t.0);
            PageTerms { terms, length }
        })
    }
}

/// A term's postings: document, score (BM25F, ×100) and section bits.
type Posting = (u32, u32, u32);

/// Builds the index files (paths relative to the output root): counts the
/// documents' text with a fresh vocabulary first. For tests and small sites; the
/// build counts while rendering and calls [`write`].
pub fn build(pages: &[(Document<'_>, &[TextSection])]) -> Vec<(String, String)> {
    let vocabulary = Vocabulary::default();
    let terms: Vec<PageTerms> = pages
        .iter()
        .map(|(d, text)| vocabulary.count(d.title, text))
        .collect();
    let docs: Vec<Document<'_>> = pages.iter().map(|(d, _)| d.clone()).collect();
    let mut files = Vec::new();
    write(&vocabulary, &docs, terms, &mut |path, text| {
        files.push((path.to_string(), text.to_string()))
    });
    files
}

/// Builds the index from counted documents, handing each file to `emit` (path
/// relative to the output root, contents) as soon as it is ready.
/// `terms[i]` are the counted terms of `docs[i]`; they are consumed as the
/// postings are built, so the two never both sit in memory in full. The
/// vocabulary is only read: a live preview can keep it, recount the pages that
/// changed and call this again.
pub fn write(
    vocabulary: &Vocabulary,
    docs: &[Document<'_>],
    terms: Vec<PageTerms>,
    emit: &mut dyn FnMut(&str, &str),
) {
    let dict = vocabulary
        .inner
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let lengths: Vec<f32> = terms.iter().map(|t| t.length).collect();
    let mut df = vec![0usize; dict.stems.len()];
    for page in &terms {
        for &(id, _, _) in &page.terms {
            if let Some(n) = df.get_mut(id as usize) {
                *n += 1;
            }
        }
    }
    let mut postings: Vec<Vec<(u32, u16, u16)>> =
        df.iter().map(|&n| Vec::with_capacity(n)).collect();
    for (d, page) in terms.into_iter().enumerate() {
        for (id, tf, bits) in page.terms {
            if let Some(list) = postings.get_mut(id as usize) {
                list.push((d as u32, tf, bits));
            }
        }
    }
    let n = docs.len().max(1) as f32;
    let avg_len = (lengths.iter().sum::<f32>() / n).max(1.0);
    let weigh = |(d, tf2, bits): (u32, u16, u16)| {
        let tf = f32::from(tf2) / 2.0;
        let len_norm = 1.0 - B + B * lengths[d as usize] / avg_len;
        let saturated = tf * (K1 + 1.0) / (tf + K1 * len_norm);
        let title = if bits & TITLE_BIT != 0 {
            TITLE_BONUS
        } else {
            0.0
        };
        (d, saturated + title, u32::from(bits & !TITLE_BIT))
    };
    let encoded: Vec<String> = postings
        .into_par_iter()
        .map(|list| {
            if list.is_empty() {
                String::new()
            } else {
                encode(score(list.into_iter().map(weigh).collect(), n))
            }
        })
        .collect();
    let mut entries: BTreeMap<&str, &str> = dict
        .stems
        .iter()
        .zip(&encoded)
        .filter(|(_, e)| !e.is_empty())
        .map(|(stem, e)| (&**stem, e.as_str()))
        .collect();
    let aliases: Vec<(&str, String)> = dict
        .forms
        .iter()
        .filter_map(|(form, &id)| {
            Some((
                &**form,
                format!("\"{}\"", json_escape(dict.stems.get(id as usize)?)),
            ))
        })
        .collect();
    for (form, alias) in &aliases {
        entries.entry(form).or_insert(alias.as_str());
    }
    let shards = shards(&entries);
    write_shards(&entries, &shards, emit);
    write_chunks(docs, emit);
    let facets = write_facets(docs, emit);
    let shard_keys = shards.into_iter().map(|(key, _)| key).collect();
    let manifest = Manifest {
        version: 1,
        docs: docs.len(),
        chunk: CHUNK_DOCS,
        shards: shard_keys,
        facets,
    };
    emit(
        &format!("{DIR}/manifest.json"),
        &serde_json::to_string(&manifest).unwrap_or_default(),
    );
}

/// BM25 weights with idf, scaled to integers, pruned to the best
/// [`MAX_POSTINGS`], in document order.
fn score(mut list: Vec<(u32, f32, u32)>, n: f32) -> (usize, Vec<Posting>) {
    let df = list.len();
    let idf = (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
    let pruned = list.len() > MAX_POSTINGS;
    if pruned {
        list.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        list.truncate(MAX_POSTINGS);
    }
    let mut out: Vec<Posting> = list
        .into_iter()
        .map(|(d, w, mask)| (d, ((w * idf * 100.0).round() as u32).max(1), mask))
        .collect();
    if pruned {
        // Postings arrive in document order; only pruning reorders them.
        out.sort_unstable();
    }
    (df, out)
}

/// `[df,[Δdoc,score,mask,…]]`, doc ids delta-encoded.
fn encode((df, postings): (usize, Vec<Posting>)) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(postings.len() * 10 + 12);
    let _ = write!(out, "[{df},[");
    let mut previous = 0;
    for (i, (doc, score, mask)) in postings.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{},{score},{mask}", doc - previous);
        previous = *doc;
    }
    out.push_str("]]");
    out
}

fn json_escape(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted[1..quoted.len().saturating_sub(1)].to_string()
}

/// Packs sorted terms into consecutive shards of about [`SHARD_TARGET`] bytes.
/// A shard is known by its first term; a word lives in the last shard whose
/// first term is not after it, and its completions in the shards that follow
/// while their first terms still start with it.
fn shards<'t>(entries: &BTreeMap<&'t str, &str>) -> Vec<(String, Vec<&'t str>)> {
    let mut out: Vec<(String, Vec<&str>)> = Vec::new();
    let mut size = 0;
    for (term, value) in entries {
        let bytes = term.len() + value.len() + 4;
        match out.last_mut() {
            Some((_, terms)) if size + bytes <= SHARD_TARGET => terms.push(term),
            _ => {
                out.push((term.to_string(), vec![term]));
                size = 0;
            }
        }
        size += bytes;
    }
    out
}

fn write_shards(
    entries: &BTreeMap<&str, &str>,
    shards: &[(String, Vec<&str>)],
    emit: &mut dyn FnMut(&str, &str),
) {
    let shard_of: HashMap<&str, usize> = shards
        .iter()
        .enumerate()
        .flat_map(|(i, (_, terms))| terms.iter().map(move |t| (*t, i)))
        .collect();
    for (i, (_, terms)) in shards.iter().enumerate() {
        let mut json = String::from("{");
        for (j, term) in terms.iter().enumerate() {
            if j > 0 {
                json.push(',');
            }
            // A form points at its stem only within one shard; else it carries
            // the stem's postings itself.
            let value = entries[term];
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .filter(|stem| shard_of.get(stem) != Some(&i))
                .and_then(|stem| entries.get(stem).copied())
                .unwrap_or(value);
            json.push('"');
            json.push_str(&json_escape(term));
            json.push_str("\":");
            json.push_str(value);
        }
        json.push('}');
        emit(&format!("{DIR}/s/{i}.json"), &json);
    }
}

/// Document metadata in chunks of [`CHUNK_DOCS`]:
/// `[url, title, kind, date, [[anchor, heading, excerpt], …]]`.
fn write_chunks(docs: &[Document<'_>], emit: &mut dyn FnMut(&str, &str)) {
    for (i, chunk) in docs.chunks(CHUNK_DOCS).enumerate() {
        let rows: Vec<serde_json::Value> = chunk
            .iter()
            .map(|d| {
                let sections: Vec<serde_json::Value> = d
                    .sections
                    .iter()
                    .take(MAX_SECTIONS)
                    .map(|s| serde_json::json!([s.id, s.heading, excerpt(&s.text)]))
                    .collect();
                serde_json::json!([d.url, d.title, d.kind, d.date, sections])
            })
            .collect();
        emit(
            &format!("{DIR}/c/{i}.json"),
            &serde_json::to_string(&rows).unwrap_or_default(),
        );
    }
}

/// The part of a section's text kept for results.
pub fn excerpt(text: &str) -> String {
    match text.char_indices().nth(SNIPPET_CHARS) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_string(),
    }
}

/// Per filter value, the documents that have it (delta-encoded), loaded only
/// when that filter is used.
fn write_facets(
    docs: &[Document<'_>],
    emit: &mut dyn FnMut(&str, &str),
) -> BTreeMap<&'static str, Vec<String>> {
    let mut values: BTreeMap<&'static str, BTreeMap<String, Vec<u32>>> = BTreeMap::new();
    for (d, doc) in docs.iter().enumerate() {
        for (facet, value) in &doc.facets {
            values
                .entry(facet)
                .or_default()
                .entry(value.clone())
                .or_default()
                .push(d as u32);
        }
    }
    let mut manifest = BTreeMap::new();
    for (facet, by_value) in values {
        let mut names = Vec::new();
        for (i, (value, list)) in by_value.into_iter().enumerate() {
            let mut previous = 0;
            let deltas: Vec<u32> = list
                .into_iter()
                .map(|d| {
                    let delta = d - previous;
                    previous = d;
                    delta
                })
                .collect();
            emit(
                &format!("{DIR}/f/{facet}/{i}.json"),
                &serde_json::to_string(&deltas).unwrap_or_default(),
            );
            names.push(value);
        }
        manifest.insert(facet, names);
    }
    manifest
}

#[derive(Serialize)]
struct Manifest {
    version: u32,
    docs: usize,
    chunk: usize,
    /// The first term of each shard, in order: shard `i` holds the terms from
    /// `shards[i]` up to (not including) `shards[i + 1]`.
    shards: Vec<String>,
    /// Filter name → its values; value `j` of filter `f` is in `f/<f>/<j>.json`.
    facets: BTreeMap<&'static str, Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(heading: &str, text: &str) -> TextSection {
        TextSection {
            id: (!heading.is_empty()).then(|| heading.to_lowercase()),
            heading: heading.into(),
            text: text.into(),
        }
    }

    fn doc<'a>(
        url: &'a str,
        title: &'a str,
        kind: &'a str,
        facets: Vec<(&'static str, String)>,
    ) -> Document<'a> {
        Document {
            url,
            title,
            kind,
            date: None,
            facets,
            sections: &[],
        }
    }

    fn file<'f>(files: &'f [(String, String)], name: &str) -> &'f str {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, c)| c.as_str())
    }

    fn shard_with<'f>(files: &'f [(String, String)], term: &str) -> &'f str {
        let key = format!("\"{term}\":");
        files
            .iter()
            .find(|(n, c)| n.starts_with("search/s/") && c.contains(&key))
            .map_or("", |(_, c)| c)
    }

    #[test]
    fn words_split_like_the_client() {
        let got: Vec<&str> =
            words("Fail-over: Überprüfung, e.g. DB's v1.2 'quoted' end.").collect();
        assert_eq!(
            got,
            vec![
                "Fail",
                "over",
                "Überprüfung",
                "e.g",
                "DB's",
                "v1.2",
                "quoted",
                "end"
            ]
        );
    }

    #[test]
    fn stems_share_postings_and_forms_point_at_them() {
        let text = [section("", "Deploying deploys deployed")];
        let files = build(&[(doc("a/", "A", "page", vec![]), &text)]);
        let shard = shard_with(&files, "deploy");
        assert!(shard.contains("\"deploy\":[1,[0,"), "{shard}");
        assert!(shard.contains("\"deploying\":\"deploy\""), "{shard}");
    }

    #[test]
    fn a_title_match_outranks_a_mention() {
        let body = [section(
            "",
            "Many words about other things and failover once.",
        )];
        let titled = [section("", "Short.")];
        let files = build(&[
            (doc("mention/", "Notes", "page", vec![]), &body),
            (doc("title/", "Failover", "page", vec![]), &titled),
        ]);
        let postings: serde_json::Value =
            serde_json::from_str(shard_with(&files, "failov")).unwrap_or_default();
        let list = &postings["failov"][1];
        assert!(
            list[4].as_u64() > list[1].as_u64(),
            "title doc scores higher: {list}"
        );
    }

    #[test]
    fn a_vocabulary_is_shared_across_threads() {
        let vocabulary = Vocabulary::default();
        let text = [section("Steps", "restart the queue")];
        let counted: Vec<PageTerms> = (0..8)
            .into_par_iter()
            .map(|_| vocabulary.count("Queue", &text))
            .collect();
        assert!(
            counted.windows(2).all(|w| w[0] == w[1]),
            "same text, same ids on every thread"
        );
        let title_bits = counted[0]
            .terms
            .iter()
            .filter(|t| t.2 & TITLE_BIT != 0)
            .count();
        assert_eq!(title_bits, 1);
    }

    #[test]
    fn shards_are_consecutive_and_bounded() {
        let values: Vec<(String, String)> = (0..3000)
            .map(|i| (format!("t{i:05}"), "x".repeat(60)))
            .collect();
        let entries: BTreeMap<&str, &str> = values
            .iter()
            .map(|(t, v)| (t.as_str(), v.as_str()))
            .collect();
        let packed = shards(&entries);
        assert!(packed.len() > 1);
        let mut all = Vec::new();
        for (key, terms) in &packed {
            assert_eq!(key.as_str(), terms[0], "a shard is known by its first term");
            let size: usize = terms.iter().map(|t| t.len() + 64).sum();
            assert!(size <= SHARD_TARGET, "{key}: {size}");
            all.extend(terms.iter().copied());
        }
        assert_eq!(
            all,
            entries.keys().copied().collect::<Vec<_>>(),
            "every term once, in order"
        );
    }

    #[test]
    fn common_terms_are_pruned_to_the_best_documents() {
        let list: Vec<(u32, f32, u32)> = (0..1000).map(|d| (d, d as f32, 0)).collect();
        let (df, kept) = score(list, 1000.0);
        assert_eq!((df, kept.len()), (1000, MAX_POSTINGS));
        assert_eq!(
            kept.first().map(|p| p.0),
            Some(600),
            "the best 400 of 1000, in doc order"
        );
    }

    #[test]
    fn facets_list_their_documents() {
        let text = [section("", "x")];
        let files = build(&[
            (doc("a/", "A", "adr", vec![("kind", "adr".into())]), &text),
            (doc("b/", "B", "page", vec![("kind", "page".into())]), &text),
            (doc("c/", "C", "adr", vec![("kind", "adr".into())]), &text),
        ]);
        assert_eq!(file(&files, "search/f/kind/0.json"), "[0,2]");
        assert!(
            file(&files, "search/manifest.json")
                .contains("\"facets\":{\"kind\":[\"adr\",\"page\"]}")
        );
    }

    #[test]
    fn excerpts_are_cut_at_a_character_boundary_and_stable() {
        let long = "é".repeat(200);
        let once = excerpt(&long);
        assert_eq!(once.chars().count(), SNIPPET_CHARS + 1);
        assert_eq!(excerpt(&once), once);
    }
}
