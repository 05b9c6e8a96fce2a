//! The vocabulary: stems and surface forms with ids, shared by every page's count,
//! with a per-thread cache of words already seen (owned by the vocabulary, so
//! two vocabularies never share one).

use super::*;

/// The term dictionary of one build, shared by the render stage's threads:
/// stems and the surface forms that differ from them get ids. Each thread keeps
/// a cache from words as written to ids, so the lock is taken once per new
/// word, not once per occurrence. A live preview keeps one for as long as it
/// runs: ids only ever grow, and what the index lists is decided by the pages
/// it is written from, never by what the dictionary once saw.
#[derive(Debug, Default)]
pub struct Vocabulary {
    pub(super) inner: std::sync::Mutex<Dictionary>,
    /// Each thread's cache of words already seen, and its stemmer.
    caches: thread_local::ThreadLocal<std::cell::RefCell<ThreadCache>>,
}

/// One thread's words as written → ids, and its stemmer.
struct ThreadCache {
    ids: HashMap<String, WordIds>,
    stemmer: Stemmer,
}

impl std::fmt::Debug for ThreadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadCache")
            .field("words", &self.ids.len())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
pub(super) struct Dictionary {
    pub(super) ids: HashMap<Arc<str>, u32>,
    pub(super) stems: Vec<Arc<str>>,
    /// Lowercase forms that differ from their stem → form id.
    pub(super) form_ids: HashMap<Arc<str>, u32>,
    /// Form id → (form, stem id).
    pub(super) forms: Vec<(Arc<str>, u32)>,
}

/// A word's ids: its stem, and its form when that differs from the stem.
#[derive(Clone, Copy)]
pub(super) struct WordIds {
    pub(super) stem: u32,
    pub(super) form: Option<u32>,
}

/// A vocabulary's words with their ids, as a build cache keeps them: pages'
/// cached [`PageTerms`] name these ids, so a later build that starts from
/// them can reuse those terms and count only the pages that changed.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Words {
    stems: Vec<String>,
    /// Form, and the id of its stem.
    forms: Vec<(String, u32)>,
}

impl Vocabulary {
    /// How many stems and forms have ids.
    pub fn sizes(&self) -> (usize, usize) {
        let dict = self.lock();
        (dict.stems.len(), dict.forms.len())
    }

    /// The words seen so far, with their ids.
    pub fn words(&self) -> Words {
        let dict = self.lock();
        Words {
            stems: dict.stems.iter().map(|s| s.to_string()).collect(),
            forms: dict
                .forms
                .iter()
                .map(|(f, s)| (f.to_string(), *s))
                .collect(),
        }
    }

    /// A vocabulary that gives `words` the ids they had; `None` when they
    /// are not what [`Vocabulary::words`] writes (a damaged cache).
    pub fn from_words(words: Words) -> Option<Vocabulary> {
        let mut dict = Dictionary::default();
        let stem_count = u32::try_from(words.stems.len()).ok()?;
        for stem in words.stems {
            let stem: Arc<str> = Arc::from(stem);
            let id = dict.stems.len() as u32;
            if dict.ids.insert(stem.clone(), id).is_some() {
                return None;
            }
            dict.stems.push(stem);
        }
        for (form, stem) in words.forms {
            if stem >= stem_count {
                return None;
            }
            let form: Arc<str> = Arc::from(form);
            let id = dict.forms.len() as u32;
            if dict.form_ids.insert(form.clone(), id).is_some() {
                return None;
            }
            dict.forms.push((form, stem));
        }
        Some(Vocabulary {
            inner: std::sync::Mutex::new(dict),
            caches: Default::default(),
        })
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, Dictionary> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn ids(
        &self,
        word: &str,
        cache: &mut HashMap<String, WordIds>,
        stemmer: &Stemmer,
    ) -> WordIds {
        if let Some(&ids) = cache.get(word) {
            return ids;
        }
        let lower = fold(word);
        let stem = stemmer.stem(&lower);
        let mut dict = self.lock();
        let stem_id = match dict.ids.get(stem.as_ref()) {
            Some(&id) => id,
            None => {
                let id = dict.stems.len() as u32;
                let stem: Arc<str> = Arc::from(stem.as_ref());
                dict.ids.insert(stem.clone(), id);
                dict.stems.push(stem);
                id
            }
        };
        let form = (lower != stem.as_ref()).then(|| match dict.form_ids.get(lower.as_str()) {
            Some(&id) => id,
            None => {
                let id = dict.forms.len() as u32;
                let form: Arc<str> = Arc::from(lower.as_str());
                dict.form_ids.insert(form.clone(), id);
                dict.forms.push((form, stem_id));
                id
            }
        });
        drop(dict);
        let ids = WordIds {
            stem: stem_id,
            form,
        };
        cache.insert(word.to_string(), ids);
        ids
    }

    /// Counts the terms of one page (title and names, facts, then each
    /// section's heading and text). Safe to call from many threads at once.
    pub fn count(&self, title: &str, facts: &Facts, sections: &[TextSection]) -> PageTerms {
        let cell = self.caches.get_or(|| {
            std::cell::RefCell::new(ThreadCache {
                ids: HashMap::default(),
                stemmer: Stemmer::create(Algorithm::English),
            })
        });
        {
            let mut guard = cell.borrow_mut();
            let ThreadCache {
                ids: cache,
                stemmer,
            } = &mut *guard;
            // Occurrences are first summed per word as written, so the shared
            // dictionary is consulted once per distinct word of the page.
            let mut seen: HashMap<&str, (f32, u32)> =
                HashMap::with_capacity_and_hasher(256, Default::default());
            let mut length = 0.0;
            // Read in composed form (borrowed: text almost always is).
            let title = composed(title);
            let names = composed(&facts.names);
            let about = composed(&facts.about);
            let texts: Vec<[std::borrow::Cow<'_, str>; 2]> = sections
                .iter()
                .map(|s| [composed(&s.heading), composed(&s.text)])
                .collect();
            for word in words(&title) {
                seen.entry(word).or_insert((0.0, 0)).1 |= TITLE_BIT;
            }
            for (text, bit) in [(&names, TITLE_BIT), (&about, FACT_BIT)] {
                for word in words(text) {
                    let entry = seen.entry(word).or_insert((0.0, 0));
                    entry.0 += BODY_WEIGHT;
                    entry.1 |= bit;
                    length += BODY_WEIGHT;
                }
            }
            for (i, [heading, text]) in texts.iter().enumerate() {
                let bit = 1u32 << i.min(MAX_SECTIONS - 1);
                for (text, weight) in [(heading, HEADING_WEIGHT), (text, BODY_WEIGHT)] {
                    for word in words(text) {
                        let entry = seen.entry(word).or_insert((0.0, 0));
                        entry.0 += weight;
                        entry.1 |= bit;
                        length += weight;
                    }
                }
            }
            let mut counts: HashMap<u32, (f32, u32)> =
                HashMap::with_capacity_and_hasher(seen.len(), Default::default());
            let mut forms: Vec<u32> = Vec::new();
            for (word, (tf, bits)) in seen {
                let ids = self.ids(word, cache, stemmer);
                forms.extend(ids.form);
                let entry = counts.entry(ids.stem).or_insert((0.0, 0));
                entry.0 += tf;
                entry.1 |= bits;
                if ids.form.is_none() {
                    entry.1 |= SURFACE_BIT;
                }
            }
            let mut terms: Vec<Counted> = counts
                .into_iter()
                .map(|(id, (tf, bits))| {
                    (id, (tf * 2.0).round().min(f32::from(u16::MAX)) as u16, bits)
                })
                .collect();
            terms.sort_unstable_by_key(|t| t.0);
            forms.sort_unstable();
            forms.dedup();
            PageTerms::pack(&terms, &forms, length)
        }
    }
}
