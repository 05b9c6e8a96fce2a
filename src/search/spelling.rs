//! The spelling vocabulary: the words of the index as people write them (not
//! their stems), with how many pages use each, so the client can correct a
//! word that matches nothing (`failovr` → `failover`).
//!
//! The words are split by first character and length into small files, so a
//! correction fetches only the words it could become: the client corrects
//! within Damerau distance 1 (words of 4–7 characters) or 2 (8 or more), so a
//! word of length `n` looks only at lengths `n ± 2` under its first (and, for a
//! swap of the first two letters, its second) character. Nothing here is
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

/// The most bytes of JSON a spelling file holds before the next length starts
/// a new one (a single length may exceed it on its own).
pub(super) const FILE_TARGET: usize = 8_000;

/// The file of words starting with `first`, from length `len` on.
pub(super) fn file_name(first: char, len: usize) -> String {
    format!("{DIR}/v/{:x}-{len}.json", u32::from(first))
}

/// Writes the offered words as `v/<first char, hex>-<length>.json` files
/// (`["word", pages, …]`, sorted by length, then word): a file holds the words
/// of one first character from its length up to the next file's, packed to
/// about [`FILE_TARGET`] bytes. `v/index.json` maps each first character (hex)
/// to the lengths its files start at, so the client asks only for files that
/// are there, and only for those its lengths fall in.
pub(super) fn write(words: impl Iterator<Item = (Arc<str>, u32)>, emit: Emit<'_>) {
    let mut by_first: BTreeMap<char, BTreeMap<(usize, Arc<str>), u32>> = BTreeMap::new();
    for (word, pages) in words {
        if !offered(&word) {
            continue;
        }
        let Some(first) = word.chars().next() else {
            continue;
        };
        by_first
            .entry(first)
            .or_default()
            .insert((word.chars().count(), word), pages);
    }
    let mut index: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut numbers = itoa::Buffer::new();
    for (first, words) in by_first {
        let starts = index.entry(format!("{:x}", u32::from(first))).or_default();
        let mut json = String::new();
        let mut previous = 0;
        for ((len, word), pages) in words {
            if len != previous && json.len() >= FILE_TARGET {
                json.push(']');
                emit(
                    &file_name(first, starts.last().copied().unwrap_or(len)),
                    json.as_bytes(),
                );
                json.clear();
            }
            if json.is_empty() {
                starts.push(len);
                json.push('[');
            } else {
                json.push(',');
            }
            previous = len;
            json.push('"');
            json.push_str(&json_escape(&word));
            json.push_str("\",");
            json.push_str(numbers.format(pages));
        }
        if !json.is_empty() {
            json.push(']');
            emit(
                &file_name(first, starts.last().copied().unwrap_or(0)),
                json.as_bytes(),
            );
        }
    }
    emit(
        &format!("{DIR}/v/index.json"),
        serde_json::to_string(&index).unwrap_or_default().as_bytes(),
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
    fn words_are_filed_by_first_character_then_length() {
        let files = written(&[
            ("failover", 3),
            ("fallback", 1),
            ("failure", 2),
            ("2fa", 9),
            ("éclair", 1),
        ]);
        assert_eq!(
            files["search/v/66-7.json"],
            r#"["failure",2,"failover",3,"fallback",1]"#
        );
        assert_eq!(files["search/v/e9-6.json"], r#"["éclair",1]"#);
        assert_eq!(files["search/v/index.json"], r#"{"66":[7],"e9":[6]}"#);
        assert_eq!(files.len(), 3, "no file for a word with a digit: {files:?}");
    }

    #[test]
    fn a_large_first_letter_is_split_between_lengths() {
        // 2,000 words of each length 5 to 8 under `s`: each length is about
        // 20 KB, so each starts a file of its own.
        let words: Vec<(String, u32)> = (5..=8)
            .flat_map(|len| {
                (0..2000).map(move |i| (format!("s{}{}", "z".repeat(len - 4), letters(i)), 1))
            })
            .collect();
        let borrowed: Vec<(&str, u32)> = words.iter().map(|(w, n)| (w.as_str(), *n)).collect();
        let files = written(&borrowed);
        assert_eq!(files["search/v/index.json"], r#"{"73":[5,6,7,8]}"#);
        for len in 5..=8 {
            let file = &files[&format!("search/v/73-{len}.json")];
            let list: Vec<serde_json::Value> = serde_json::from_str(file).unwrap_or_default();
            assert_eq!(
                list.len(),
                4000,
                "every word of length {len} and only those"
            );
            assert!(
                list.iter()
                    .step_by(2)
                    .all(|w| w.as_str().map(|w| w.chars().count()) == Some(len))
            );
        }
    }

    /// `i` (below 26³) as three lowercase letters, for making distinct words.
    fn letters(i: usize) -> String {
        [i / 676, i / 26, i]
            .iter()
            .map(|d| char::from(b'a' + (d % 26) as u8))
            .collect()
    }
}
