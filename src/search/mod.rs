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
use unicode_segmentation::UnicodeSegmentation;

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
/// Documents tokenised per parallel block before merging into the postings.
const MERGE_BLOCK: usize = 1024;
/// Marks a title match in a raw posting's bits (sections use the low bits).
const TITLE_BIT: u32 = 1 << 31;
/// Sections per document kept as sub-results (the rest share the last bit).
const MAX_SECTIONS: usize = 30;

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
    pub sections: &'a [TextSection],
}

/// Lowercased words of `text`, Unicode-aware.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.unicode_words().map(str::to_lowercase)
}

/// What one document contributes: per stem, its weighted frequency outside the
/// title, the sections it occurs in and whether the title has it; and every
/// surface form seen, with its stem.
struct DocTerms {
    terms: HashMap<Arc<str>, (f32, u32, bool)>,
    /// Surface forms that differ from their stem (`deploying` → `deploy`).
    forms: HashMap<Arc<str>, Arc<str>>,
    length: f32,
}

/// Stems words, remembering each word's stem: a handbook repeats its
/// vocabulary, so most words are stemmed once per thread.
struct Stems {
    stemmer: Stemmer,
    known: HashMap<String, (Arc<str>, Option<Arc<str>>)>,
}

impl Stems {
    fn new() -> Stems {
        Stems {
            stemmer: Stemmer::create(Algorithm::English),
            known: HashMap::default(),
        }
    }

    /// The stem of `word` (as written), and its lowercase form when that
    /// differs from the stem. Cached by the word as written, so most words cost a
    /// hash lookup and no allocation.
    fn of(&mut self, word: &str) -> (Arc<str>, Option<Arc<str>>) {
        if let Some(found) = self.known.get(word) {
            return found.clone();
        }
        let lower = word.to_lowercase();
        let stem: Arc<str> = Arc::from(self.stemmer.stem(&lower).as_ref());
        let form = (*stem != *lower).then(|| Arc::from(lower.as_str()));
        self.known
            .insert(word.to_string(), (stem.clone(), form.clone()));
        (stem, form)
    }
}

fn doc_terms(doc: &Document<'_>, stems: &mut Stems) -> DocTerms {
    let mut out = DocTerms {
        terms: HashMap::with_capacity_and_hasher(256, Default::default()),
        forms: HashMap::default(),
        length: 0.0,
    };
    let mut add = |text: &str, weight: f32, section: Option<usize>, out: &mut DocTerms| {
        for word in text.unicode_words() {
            let (stem, form) = stems.of(word);
            if let Some(form) = form {
                out.forms.entry(form).or_insert_with(|| stem.clone());
            }
            let entry = out.terms.entry(stem).or_insert((0.0, 0, false));
            match section {
                Some(s) => {
                    entry.0 += weight;
                    entry.1 |= 1u32 << s.min(MAX_SECTIONS - 1);
                    out.length += weight;
                }
                None => entry.2 = true,
            }
        }
    };
    add(doc.title, 0.0, None, &mut out);
    for (i, section) in doc.sections.iter().enumerate() {
        add(&section.heading, HEADING_WEIGHT, Some(i), &mut out);
        add(&section.text, BODY_WEIGHT, Some(i), &mut out);
    }
    out
}

/// A term's postings: document, score (BM25F, ×100) and section bits.
type Posting = (u32, u32, u32);

/// Builds the index files (paths relative to the output root).
pub fn build(docs: &[Document<'_>]) -> Vec<(String, String)> {
    let mut files = Vec::new();
    write(docs, &mut |path, text| {
        files.push((path.to_string(), text.to_string()))
    });
    files
}

/// Builds the index, handing each file to `emit` (path relative to the output
/// root, contents) as soon as it is ready, so the whole index is never held in
/// memory at once.
pub fn write(docs: &[Document<'_>], emit: &mut dyn FnMut(&str, &str)) {
    // Raw postings (doc, frequency, section bits | title bit), merged block by
    // block so only one block of per-document maps is alive at a time.
    let mut postings: HashMap<Arc<str>, Vec<(u32, f32, u32)>> = HashMap::default();
    let mut forms: HashMap<Arc<str>, Arc<str>> = HashMap::default();
    let mut lengths: Vec<f32> = Vec::with_capacity(docs.len());
    for (b, block) in docs.chunks(MERGE_BLOCK).enumerate() {
        let per_doc: Vec<DocTerms> = block
            .par_iter()
            .map(|doc| STEMS.with(|stems| doc_terms(doc, &mut stems.borrow_mut())))
            .collect();
        for (k, terms) in per_doc.into_iter().enumerate() {
            let d = (b * MERGE_BLOCK + k) as u32;
            lengths.push(terms.length);
            for (stem, (tf, mask, in_title)) in terms.terms {
                let bits = (mask & !TITLE_BIT) | if in_title { TITLE_BIT } else { 0 };
                postings.entry(stem).or_default().push((d, tf, bits));
            }
            for (form, stem) in terms.forms {
                forms.entry(form).or_insert(stem);
            }
        }
    }
    let n = docs.len().max(1) as f32;
    let avg_len = (lengths.iter().sum::<f32>() / n).max(1.0);
    let weigh = |(d, tf, bits): (u32, f32, u32)| {
        let len_norm = 1.0 - B + B * lengths[d as usize] / avg_len;
        let saturated = tf * (K1 + 1.0) / (tf + K1 * len_norm);
        let title = if bits & TITLE_BIT != 0 {
            TITLE_BONUS
        } else {
            0.0
        };
        (d, saturated + title, bits & !TITLE_BIT)
    };
    let encoded: Vec<(Arc<str>, String)> = postings
        .into_par_iter()
        .map(|(stem, list)| {
            let weighted = list.into_iter().map(weigh).collect();
            (stem, encode(score(weighted, n)))
        })
        .collect();
    let aliases: Vec<(&str, String)> = forms
        .iter()
        .map(|(f, s)| (&**f, format!("\"{}\"", json_escape(s))))
        .collect();
    let mut entries: BTreeMap<&str, &str> =
        encoded.iter().map(|(t, e)| (&**t, e.as_str())).collect();
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

thread_local! {
    /// Each thread's stem cache, kept across builds (a handbook's vocabulary
    /// changes little between rebuilds).
    static STEMS: std::cell::RefCell<Stems> = std::cell::RefCell::new(Stems::new());
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
                    .map(|s| serde_json::json!([s.id, s.heading, snippet(&s.text)]))
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

fn snippet(text: &str) -> String {
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

    fn file<'f>(files: &'f [(String, String)], name: &str) -> &'f str {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, c)| c.as_str())
    }

    #[test]
    fn words_are_unicode_aware_and_lowercased() {
        let got: Vec<String> = words("Fail-over: Überprüfung, e.g. DB's 2nd try").collect();
        assert_eq!(
            got,
            vec!["fail", "over", "überprüfung", "e.g", "db's", "2nd", "try"]
        );
    }

    #[test]
    fn stems_share_postings_and_forms_point_at_them() {
        let sections = [section("", "Deploying deploys deployed")];
        let docs = [Document {
            url: "a/",
            title: "A",
            kind: "page",
            date: None,
            facets: vec![],
            sections: &sections,
        }];
        let files = build(&docs);
        let shard = files
            .iter()
            .find(|(n, c)| n.starts_with("search/s/") && c.contains("\"deploy\":"))
            .map_or("", |(_, c)| c);
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
        let docs = [
            Document {
                url: "mention/",
                title: "Notes",
                kind: "page",
                date: None,
                facets: vec![],
                sections: &body,
            },
            Document {
                url: "title/",
                title: "Failover",
                kind: "page",
                date: None,
                facets: vec![],
                sections: &titled,
            },
        ];
        let mut stems = Stems::new();
        let terms: Vec<DocTerms> = docs.iter().map(|d| doc_terms(d, &mut stems)).collect();
        assert!(!terms[0].terms["failov"].2 && terms[1].terms["failov"].2);
        let files = build(&docs);
        let shard = files
            .iter()
            .find(|(_, c)| c.contains("\"failov\""))
            .map(|(_, c)| c.clone())
            .unwrap_or_default();
        let postings: serde_json::Value = serde_json::from_str(&shard).unwrap_or_default();
        let list = &postings["failov"][1];
        assert!(
            list[4].as_u64() > list[1].as_u64(),
            "title doc scores higher: {list}"
        );
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
        let s = [section("", "x")];
        let docs = [
            Document {
                url: "a/",
                title: "A",
                kind: "adr",
                date: None,
                facets: vec![("kind", "adr".into())],
                sections: &s,
            },
            Document {
                url: "b/",
                title: "B",
                kind: "page",
                date: None,
                facets: vec![("kind", "page".into())],
                sections: &s,
            },
            Document {
                url: "c/",
                title: "C",
                kind: "adr",
                date: None,
                facets: vec![("kind", "adr".into())],
                sections: &s,
            },
        ];
        let files = build(&docs);
        assert_eq!(file(&files, "search/f/kind/0.json"), "[0,2]");
        assert!(
            file(&files, "search/manifest.json")
                .contains("\"facets\":{\"kind\":[\"adr\",\"page\"]}")
        );
    }

    #[test]
    fn excerpts_are_cut_at_a_character_boundary() {
        let long = "é".repeat(200);
        assert_eq!(snippet(&long).chars().count(), SNIPPET_CHARS + 1);
    }
}
