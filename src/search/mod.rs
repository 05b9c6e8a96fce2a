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

mod spelling;
mod terms;
mod vocabulary;
mod words;

pub use terms::PageTerms;
use terms::*;
pub use vocabulary::{Vocabulary, Words};
pub use words::{composed, fold, words};

/// Folder of the index in the output.
pub const DIR: &str = "search";
/// The most bytes of JSON a shard holds (one entry may exceed it on its own).
pub const SHARD_TARGET: usize = 40_000;
/// Documents per metadata chunk: a result costs one small file, not a big one.
pub const CHUNK_DOCS: usize = 8;
/// The most documents kept per term, best-scoring first (impact pruning): a
/// term in every page would otherwise outgrow any shard.
pub const MAX_POSTINGS: usize = 400;
/// Stripes of stem ids the postings are built in (see [`write`]).
const STRIPES: u64 = 16;
/// Characters of section text kept as a result excerpt.
const SNIPPET_CHARS: usize = 120;
/// Marks a title match in a raw posting's bits (sections use the low bits):
/// the title and what names the page (an alert, an ADR number, a handle).
const TITLE_BIT: u32 = 1 << 15;
/// Marks a match in a page's facts (owner, service, status, tags, description).
const FACT_BIT: u32 = 1 << 16;
/// Marks a stem that some page writes as it is (`deploy` in "deploy the
/// fix"), so the spelling vocabulary offers it; stripped before postings.
const SURFACE_BIT: u32 = 1 << 17;
/// The bits a raw posting carries besides its sections.
const NOT_SECTIONS: u32 = TITLE_BIT | FACT_BIT | SURFACE_BIT;
/// Sections per document kept as sub-results (the rest share the last bit).
const MAX_SECTIONS: usize = 15;

/// Added to a term's saturated frequency when it is in the title. BM25
/// saturation caps any frequency below `K1 + 1`, so this puts every title match
/// above every page that only mentions the word.
const TITLE_BONUS: f32 = K1 + 1.0;
/// Added when the term is one of the page's facts: less than a title, and
/// enough that a runbook owned by `ines` comes before pages that mention her.
const FACT_BONUS: f32 = K1;
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

/// What a page is known by beyond its text, counted with its title: `names`
/// identify it (alert names, ADR numbers in every spelling, a person's
/// handle) and rank with the title; `about` are its facts (owner, service,
/// status, severity, tags, description) and rank between title and text.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub names: String,
    pub about: String,
}

impl Facts {
    /// Adds a name of the page.
    pub fn name(&mut self, text: &str) {
        self.names.push_str(text);
        self.names.push('\n');
    }

    /// Adds a fact about the page.
    pub fn about(&mut self, text: &str) {
        self.about.push_str(text);
        self.about.push('\n');
    }
}

/// A term's postings: document, score (BM25F, ×100) and section bits.
type Posting = (u32, u32, u32);

/// Receives the index's files (path relative to the output root, contents);
/// called from several threads.
pub type Emit<'e> = &'e (dyn Fn(&str, &[u8]) + Sync);

/// Builds the index files (paths relative to the output root): counts the
/// documents' text with a fresh vocabulary first. For tests and small sites; the
/// build counts while rendering and calls [`write()`].
pub fn build(pages: &[(Document<'_>, &[TextSection])]) -> Vec<(String, String)> {
    let vocabulary = Vocabulary::default();
    let terms: Vec<PageTerms> = pages
        .iter()
        .map(|(d, text)| vocabulary.count(d.title, &Facts::default(), text))
        .collect();
    let docs: Vec<Document<'_>> = pages.iter().map(|(d, _)| d.clone()).collect();
    collect(&vocabulary, &docs, &terms)
}

/// [`write`] into a list of files, sorted by path.
fn collect(
    vocabulary: &Vocabulary,
    docs: &[Document<'_>],
    terms: &[PageTerms],
) -> Vec<(String, String)> {
    let files = std::sync::Mutex::new(Vec::new());
    let terms: Vec<&PageTerms> = terms.iter().collect();
    write(vocabulary, docs, &terms, &|path, bytes| {
        let text = String::from_utf8_lossy(bytes).into_owned();
        files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push((path.to_string(), text));
    });
    let mut files = files
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    files.sort();
    files
}

/// Builds the index from counted documents, handing each file to `emit` as
/// soon as it is ready. `terms[i]` are the counted terms of `docs[i]`. The
/// vocabulary and the terms are only read: a live preview keeps both,
/// recounts the pages that changed and calls this again, and gets what a fresh
/// build of the same pages would write.
pub fn write(vocabulary: &Vocabulary, docs: &[Document<'_>], terms: &[&PageTerms], emit: Emit<'_>) {
    let dict = vocabulary.lock();
    let n = docs.len().max(1) as f32;
    let avg_len = (terms.iter().map(|t| t.length).sum::<f32>() / n).max(1.0);
    let counts = document_frequencies(terms, dict.stems.len(), dict.forms.len());
    let df = &counts.stems;
    // Postings are built a stripe of stem ids at a time, in parallel: each
    // stripe reads every page's terms from where the previous stripe stopped
    // (terms are sorted by id), so the pages are decoded once in all, and only
    // one stripe's postings per thread are in memory at a time.
    let stripes = stripes(df);
    let cursors: Vec<Vec<Cursor>> = terms
        .par_iter()
        .map(|page| page.cursors(&stripes))
        .collect();
    let lengths: Vec<f32> = terms.iter().map(|t| t.length).collect();
    let encoded: Vec<String> = stripes
        .par_windows(2)
        .enumerate()
        .flat_map_iter(|(k, ids)| {
            let (lo, hi) = (ids[0], ids[1]);
            let mut lists: Vec<Vec<(u32, f32, u32)>> = df[lo as usize..hi as usize]
                .iter()
                .map(|&n| Vec::with_capacity(n as usize))
                .collect();
            for (d, page) in terms.iter().enumerate() {
                let len_norm = 1.0 - B + B * lengths[d] / avg_len;
                for (id, tf2, bits) in page.terms_between(cursors[d][k], cursors[d][k + 1]) {
                    let tf = f32::from(tf2) / 2.0;
                    let saturated = tf * (K1 + 1.0) / (tf + K1 * len_norm);
                    let bonus = if bits & TITLE_BIT != 0 {
                        TITLE_BONUS
                    } else if bits & FACT_BIT != 0 {
                        FACT_BONUS
                    } else {
                        0.0
                    };
                    if let Some(list) = lists.get_mut((id - lo) as usize) {
                        list.push((d as u32, saturated + bonus, bits & !NOT_SECTIONS));
                    }
                }
            }
            lists.into_iter().map(move |list| {
                if list.is_empty() {
                    String::new()
                } else {
                    encode(score(list, n))
                }
            })
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
        .zip(&counts.forms)
        .filter(|(_, pages)| **pages > 0)
        .filter_map(|((form, stem), _)| {
            Some((
                &**form,
                format!("\"{}\"", json_escape(dict.stems.get(*stem as usize)?)),
            ))
        })
        .collect();
    for (form, alias) in &aliases {
        entries.entry(form).or_insert(alias.as_str());
    }
    let shards = shards(&entries);
    // The words as written: stems some page writes as they are, and forms.
    let surface = dict
        .stems
        .iter()
        .zip(&counts.surface)
        .chain(dict.forms.iter().map(|(form, _)| form).zip(&counts.forms))
        .filter(|(_, pages)| **pages > 0)
        .map(|(word, pages)| (word.clone(), *pages));
    let (_, facets) = rayon::join(
        || {
            write_shards(&entries, &shards, emit);
            spelling::write(surface, emit);
        },
        || {
            write_chunks(docs, emit);
            write_facets(docs, emit)
        },
    );
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
        serde_json::to_string(&manifest)
            .unwrap_or_default()
            .as_bytes(),
    );
}

/// Stripes of stem ids with about the same number of postings each:
/// `[0, b1, b2, …, ids]`.
fn stripes(df: &[u32]) -> Vec<u32> {
    let total: u64 = df.iter().map(|&n| u64::from(n)).sum();
    let per_stripe = (total / STRIPES).max(1);
    let mut bounds = vec![0];
    let mut filled = 0;
    for (id, &n) in df.iter().enumerate() {
        filled += u64::from(n);
        if filled >= per_stripe {
            bounds.push(id as u32 + 1);
            filled = 0;
        }
    }
    if bounds.last() != Some(&(df.len() as u32)) {
        bounds.push(df.len() as u32);
    }
    if bounds.len() == 1 {
        bounds.push(0);
    }
    bounds
}

/// Pages per stem and per form, by id.
struct Frequencies {
    /// Pages holding the stem in any form (its document frequency).
    stems: Vec<u32>,
    /// Pages writing the stem as it is (see [`SURFACE_BIT`]).
    surface: Vec<u32>,
    /// Pages writing the form.
    forms: Vec<u32>,
}

/// How many documents hold each stem, write it as it is, and use each form.
fn document_frequencies(terms: &[&PageTerms], stems: usize, forms: usize) -> Frequencies {
    let mut counts = Frequencies {
        stems: vec![0; stems],
        surface: vec![0; stems],
        forms: vec![0; forms],
    };
    for page in terms {
        for (id, _, bits) in page.terms() {
            if let Some(n) = counts.stems.get_mut(id as usize) {
                *n += 1;
            }
            if let Some(n) = counts.surface.get_mut(id as usize) {
                *n += u32::from(bits & SURFACE_BIT != 0);
            }
        }
        for form in page.forms() {
            if let Some(n) = counts.forms.get_mut(form as usize) {
                *n += 1;
            }
        }
    }
    counts
}

/// BM25 weights with idf, scaled to integers, pruned to the best
/// [`MAX_POSTINGS`], in document order.
fn score(mut list: Vec<(u32, f32, u32)>, n: f32) -> (usize, Vec<Posting>) {
    let df = list.len();
    let idf = (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
    let pruned = list.len() > MAX_POSTINGS;
    if pruned {
        // The best MAX_POSTINGS, ties broken by document: a partial sort, as
        // the commonest terms have a posting in nearly every document.
        list.select_nth_unstable_by(MAX_POSTINGS - 1, |a, b| {
            b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
        });
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
    let mut numbers = itoa::Buffer::new();
    let mut out = String::with_capacity(postings.len() * 10 + 12);
    out.push('[');
    out.push_str(numbers.format(df));
    out.push_str(",[");
    let mut previous = 0;
    for (i, (doc, score, mask)) in postings.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(numbers.format(doc - previous));
        out.push(',');
        out.push_str(numbers.format(*score));
        out.push(',');
        out.push_str(numbers.format(*mask));
        previous = *doc;
    }
    out.push_str("]]");
    out
}

#[allow(clippy::string_slice)] // a JSON string always starts and ends with an ASCII quote
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

fn write_shards(entries: &BTreeMap<&str, &str>, shards: &[(String, Vec<&str>)], emit: Emit<'_>) {
    let shard_of: HashMap<&str, usize> = shards
        .iter()
        .enumerate()
        .flat_map(|(i, (_, terms))| terms.iter().map(move |t| (*t, i)))
        .collect();
    shards.par_iter().enumerate().for_each(|(i, (_, terms))| {
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
        emit(&format!("{DIR}/s/{i}.json"), json.as_bytes());
    });
}

/// Document metadata in chunks of [`CHUNK_DOCS`]:
/// `[url, title, kind, date, [[anchor, heading, excerpt], …]]`.
fn write_chunks(docs: &[Document<'_>], emit: Emit<'_>) {
    docs.par_chunks(CHUNK_DOCS)
        .enumerate()
        .for_each(|(i, chunk)| {
            /// `[anchor, heading, excerpt]`
            type Section<'s> = (&'s Option<String>, &'s str, String);
            /// `[url, title, kind, date, sections]`
            type Row<'s> = (&'s str, &'s str, &'s str, Option<&'s str>, Vec<Section<'s>>);
            let rows: Vec<Row<'_>> = chunk
                .iter()
                .map(|d| {
                    let sections = d
                        .sections
                        .iter()
                        .take(MAX_SECTIONS)
                        .map(|s| (&s.id, s.heading.as_str(), excerpt(&s.text)))
                        .collect();
                    (d.url, d.title, d.kind, d.date, sections)
                })
                .collect();
            emit(
                &format!("{DIR}/c/{i}.json"),
                serde_json::to_string(&rows).unwrap_or_default().as_bytes(),
            );
        });
}

/// The part of a section's text kept for results.
#[allow(clippy::string_slice)] // `at` comes from `char_indices`
pub fn excerpt(text: &str) -> String {
    match text.char_indices().nth(SNIPPET_CHARS) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_string(),
    }
}

/// Per filter value, the documents that have it (delta-encoded), loaded only
/// when that filter is used.
fn write_facets(docs: &[Document<'_>], emit: Emit<'_>) -> BTreeMap<&'static str, Vec<String>> {
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
                serde_json::to_string(&deltas)
                    .unwrap_or_default()
                    .as_bytes(),
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
            .map(|_| vocabulary.count("Queue", &Facts::default(), &text))
            .collect();
        assert!(
            counted.windows(2).all(|w| w[0] == w[1]),
            "same text, same ids on every thread"
        );
        let title_bits = counted[0].terms().filter(|t| t.2 & TITLE_BIT != 0).count();
        assert_eq!(title_bits, 1);
    }

    #[test]
    fn writing_again_after_a_recount_equals_a_fresh_build() {
        let queue = [section("Queue", "Restart the queue workers, then drain.")];
        let before = [section("Visitors", "Quokkas visited the data centre.")];
        let after = [section("Visitors", "Nobody visited the data centre.")];
        let docs = |visits: &'static str, text| {
            vec![
                Document {
                    sections: &queue,
                    ..doc("a/", "Queue", "runbook", vec![("kind", "runbook".into())])
                },
                Document {
                    sections: text,
                    ..doc("b/", visits, "page", vec![("kind", "page".into())])
                },
            ]
        };
        // A live preview keeps the vocabulary and every page's terms, and
        // recounts only the page that changed.
        let vocabulary = Vocabulary::default();
        let mut terms = vec![
            vocabulary.count("Queue", &Facts::default(), &queue),
            vocabulary.count("Visits", &Facts::default(), &before),
        ];
        let first = collect(&vocabulary, &docs("Visits", &before), &terms);
        assert!(shard_with(&first, "quokka").contains("\"quokkas\":\"quokka\""));
        terms[1] = vocabulary.count("Visits", &Facts::default(), &after);
        let again = collect(&vocabulary, &docs("Visits", &after), &terms);
        let fresh_docs = docs("Visits", &after);
        let fresh = build(&[
            (fresh_docs[0].clone(), &queue),
            (fresh_docs[1].clone(), &after),
        ]);
        assert_eq!(again, fresh, "same files as a fresh build");
        assert!(
            again.iter().all(|(_, text)| !text.contains("quokka")),
            "the dropped word and its form are gone"
        );
    }

    #[test]
    fn varints_round_trip_and_stripes_cover_every_id() {
        let terms: Vec<Counted> = vec![(0, 2, 1), (5, 300, 0x8001), (200_000, 65_535, 7)];
        let packed = PageTerms::pack(&terms, &[3, 90_000], 12.5);
        assert_eq!(packed.terms().collect::<Vec<_>>(), terms);
        assert_eq!(packed.forms().collect::<Vec<_>>(), vec![3, 90_000]);
        let df = vec![1; 200_001];
        let bounds = stripes(&df);
        assert_eq!((bounds[0], bounds.last().copied()), (0, Some(200_001)));
        let cursors = packed.cursors(&bounds);
        let rejoined: Vec<Counted> = cursors
            .windows(2)
            .flat_map(|w| packed.terms_between(w[0], w[1]))
            .collect();
        assert_eq!(rejoined, terms, "the stripes split a page's terms exactly");
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
    fn the_spelling_files_offer_words_as_written_not_stems() {
        let one = [section("", "Failover drills. Deploy the failover twice.")];
        let two = [section("", "The deploy failed over.")];
        let files = build(&[
            (doc("a/", "A", "page", vec![]), &one),
            (doc("b/", "B", "page", vec![]), &two),
        ]);
        // `failover` is stemmed to `failov`, which nobody writes; `deploy` is
        // its own stem and written on both pages; `drills` is a form.
        assert_eq!(
            file(&files, "search/v/0.json"),
            r#"["deploy",2,"drills",1,"failed",1,"failover",1,"over",1,"the",2,"twice",1]"#
        );
        assert_eq!(file(&files, "search/v/index.json"), "[[100,6]]");
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
