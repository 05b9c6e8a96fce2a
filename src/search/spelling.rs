//! The spelling vocabulary: the words of the index as people write them (not
//! their stems), with how many pages use each, so the client can correct a
//! word that matches nothing (`failovr` → `failover`).
//!
//! The words are sorted by first character and length and cut into small
//! files, so a correction fetches only the words it could become: the client
//! corrects within Damerau distance 1 (words of 4–7 characters) or 2 (8 or
//! more), so a word of length `n` looks only at lengths `n ± 2` under its first
//! (and, for a swap of the first two letters, its second) character. Nothing here is
//! fetched while the query's words match. This module decides which words are
//! worth offering; the client decides when and how to correct.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{DIR, Emit, json_escape};

/// Words shorter than this are never offered: a 3-letter query is not
/// corrected, and a 4-letter one at distance 1 reaches 3 letters at the least.
pub(super) const MIN_CHARS: usize = 3;
/// Longer words are identifiers or pasted noise, not what people mistype.
pub(super) const MAX_CHARS: usize = 30;

/// Whether a word as written (lowercase) is one a typo could be meant for:
/// letters and marks only (joined by `'` or `.`), of a useful length, and in a
/// script written with spaces (pairs of Han or Thai characters are not words).
pub(super) fn offered(word: &str) -> bool {
    use super::words::{is_joiner, is_unspaced, is_word_char};
    let mut chars = 0;
    for c in word.chars() {
        chars += 1;
        let letter = (is_word_char(c) && !c.is_numeric() && c != '_') || is_joiner(c);
        if !letter || chars > MAX_CHARS || is_unspaced(c) {
            return false;
        }
    }
    chars >= MIN_CHARS
}

/// The most bytes of JSON a spelling file holds.
pub(super) const FILE_TARGET: usize = 8_000;

/// Writes the offered words, sorted by first character, length and word, as
/// consecutive files `v/<i>.json` (`["word", pages, …]`) of about
/// [`FILE_TARGET`] bytes, and `v/index.json`: `[[first char, length], …]` of
/// each file's first word, so the client fetches only the files whose range
/// holds a first letter and a length it looks for (a small site has one).
pub(super) fn write(words: impl Iterator<Item = (Arc<str>, u32)>, emit: Emit<'_>) {
    let mut sorted: BTreeMap<(char, usize, Arc<str>), u32> = BTreeMap::new();
    for (word, pages) in words {
        if !offered(&word) {
            continue;
        }
        if let Some(first) = word.chars().next() {
            sorted.insert((first, word.chars().count(), word), pages);
        }
    }
    let mut starts: Vec<(u32, usize)> = Vec::new();
    let mut json = String::new();
    let mut numbers = itoa::Buffer::new();
    let flush = |json: &mut String, file: usize| {
        json.push(']');
        emit(&format!("{DIR}/v/{file}.json"), json.as_bytes());
        json.clear();
    };
    for ((first, len, word), pages) in sorted {
        if json.len() >= FILE_TARGET {
            flush(&mut json, starts.len() - 1);
        }
        if json.is_empty() {
            starts.push((u32::from(first), len));
            json.push('[');
        } else {
            json.push(',');
        }
        json.push('"');
        json.push_str(&json_escape(&word));
        json.push_str("\",");
        json.push_str(numbers.format(pages));
    }
    if !json.is_empty() {
        flush(&mut json, starts.len() - 1);
    }
    emit(
        &format!("{DIR}/v/index.json"),
        serde_json::to_string(&starts)
            .unwrap_or_default()
            .as_bytes(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_words_worth_correcting_to_are_offered() {
        for word in [
            "failover",
            "postgres",
            "o'brien",
            "überprüfung",
            "λειτουργία",
            "हिन्दी",
        ] {
            assert!(offered(word), "{word}");
        }
        for word in [
            "db",
            "v1.2",
            "pg_isready",
            "2024",
            "東京",
            "ข้อ",
            &"a".repeat(31),
        ] {
            assert!(!offered(word), "{word}");
        }
    }

    fn written(words: &[(&str, u32)]) -> BTreeMap<String, String> {
        let files = std::sync::Mutex::new(BTreeMap::new());
        write(
            words.iter().map(|&(w, n)| (Arc::from(w), n)),
            &|path, bytes| {
                files.lock().unwrap_or_else(|p| p.into_inner()).insert(
                    path.to_string(),
                    String::from_utf8_lossy(bytes).into_owned(),
                );
            },
        );
        files.into_inner().unwrap_or_else(|p| p.into_inner())
    }

    #[test]
    fn words_are_sorted_by_first_character_then_length() {
        let files = written(&[
            ("failover", 3),
            ("fallback", 1),
            ("failure", 2),
            ("2fa", 9),
            ("éclair", 1),
            ("deploy", 4),
        ]);
        assert_eq!(
            files["search/v/0.json"],
            r#"["deploy",4,"failure",2,"failover",3,"fallback",1,"éclair",1]"#
        );
        assert_eq!(files["search/v/index.json"], "[[100,6]]");
        assert_eq!(files.len(), 2, "one file for a small site: {files:?}");
    }

    #[test]
    fn a_large_vocabulary_is_cut_into_files_of_the_target_size() {
        // 2,000 words of each length 5 to 8 under `s`, about 80 KB in all.
        let words: Vec<(String, u32)> = (5..=8)
            .flat_map(|len| {
                (0..2000).map(move |i| (format!("s{}{}", "z".repeat(len - 4), letters(i)), 1))
            })
            .collect();
        let borrowed: Vec<(&str, u32)> = words.iter().map(|(w, n)| (w.as_str(), *n)).collect();
        let files = written(&borrowed);
        let starts: Vec<(u32, usize)> =
            serde_json::from_str(&files["search/v/index.json"]).unwrap_or_default();
        assert!(starts.len() > 8, "{starts:?}");
        assert_eq!(starts.first(), Some(&(u32::from('s'), 5)));
        let mut all = Vec::new();
        for (i, start) in starts.iter().enumerate() {
            let file = &files[&format!("search/v/{i}.json")];
            assert!(
                file.len() <= FILE_TARGET + 40,
                "file {i} is {} bytes",
                file.len()
            );
            let list: Vec<serde_json::Value> = serde_json::from_str(file).unwrap_or_default();
            let first = list.first().and_then(|w| w.as_str()).unwrap_or_default();
            assert_eq!(
                first.chars().count(),
                start.1,
                "a file starts where the index says"
            );
            all.extend(list.into_iter().step_by(2));
        }
        assert_eq!(all.len(), 8000, "every word once");
    }

    /// `i` (below 26³) as three lowercase letters, for making distinct words.
    fn letters(i: usize) -> String {
        [i / 676, i / 26, i]
            .iter()
            .map(|d| char::from(b'a' + (d % 26) as u8))
            .collect()
    }
}
