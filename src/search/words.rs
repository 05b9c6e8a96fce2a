//! Splitting text into search terms, by the same rule as the client
//! (`words` in `search.js`); `tests/integration/search.rs` runs both on a
//! multilingual corpus and compares them.
//!
//! The rule, for any script:
//! - A word is a run of letters (Unicode `Alphabetic`), marks, digits and
//!   connector punctuation (`_`), joined across a single `'`, `’` or `.`
//!   between two of them (`db's`, `e.g`, `v1.2`, `kube-proxy.yaml` → `kube`,
//!   `proxy.yaml`). Marks keep Devanagari, Thai or decomposed Latin words whole.
//! - Scripts written without spaces (Han, Hiragana, Katakana, Bopomofo, Thai,
//!   Lao, Khmer, Myanmar) are cut into overlapping pairs of characters (a
//!   character with the marks and script-neutral modifier letters after it,
//!   such as `ー`): `東京駅` → `東京`, `京駅`; one character alone is a term itself.
//! - Terms are compared lowercased, `’` read as `'` and `ς` as `σ`
//!   ([`fold`]); text is read in Unicode's composed form (NFC).

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};
use unicode_script::{Script, UnicodeScript};

pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        || c == '_'
        || (!c.is_ascii()
            && (c.general_category_group() == GeneralCategoryGroup::Mark
                || c.general_category() == GeneralCategory::ConnectorPunctuation))
}

pub(super) fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | '.')
}

/// Whether `c` belongs to a script written without spaces between words.
pub(super) fn is_unspaced(c: char) -> bool {
    !c.is_ascii()
        && matches!(
            c.script(),
            Script::Han
                | Script::Hiragana
                | Script::Katakana
                | Script::Bopomofo
                | Script::Thai
                | Script::Lao
                | Script::Khmer
                | Script::Myanmar
        )
}

/// Whether `c` goes with the unspaced character before it rather than
/// starting one: a mark, or a script-neutral modifier letter (`ー`).
fn attaches(c: char) -> bool {
    !c.is_ascii()
        && (c.general_category_group() == GeneralCategoryGroup::Mark
            || (c.general_category() == GeneralCategory::ModifierLetter
                && matches!(c.script(), Script::Common | Script::Inherited)))
}

/// The character at byte `at` of `text` and its length, with a fast path for
/// ASCII (most of a handbook's text).
fn char_at(text: &str, at: usize) -> Option<(char, usize)> {
    let byte = *text.as_bytes().get(at)?;
    if byte.is_ascii() {
        Some((char::from(byte), 1))
    } else {
        text.get(at..)?.chars().next().map(|c| (c, c.len_utf8()))
    }
}

/// `text` in composed form (NFC), borrowed when it already is.
pub fn composed(text: &str) -> Cow<'_, str> {
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// A term as the index and the client compare it: lowercase, `’` as `'`,
/// `ς` as `σ`.
pub fn fold(word: &str) -> String {
    let lower = word.to_lowercase();
    if lower.contains(['’', 'ς']) {
        lower.replace('’', "'").replace('ς', "σ")
    } else {
        lower
    }
}

/// The terms of `text` as written (see the module docs); fold them with
/// [`fold`]. `text` should be composed ([`composed`]).
pub fn words(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut at = 0;
    // Pending pairs of an unspaced run: (start of the previous character, start of
    // the current one).
    let mut pairs: Option<(usize, usize)> = None;
    std::iter::from_fn(move || {
        loop {
            if let Some((first, second)) = pairs {
                // The character at `second` ends where the next starts.
                let end = unit_end(text, second);
                let next = char_at(text, end);
                if second == first {
                    // A lone unspaced character, or the start of a run.
                    if next.is_some_and(|(c, _)| is_unspaced(c)) {
                        pairs = Some((first, end));
                        continue;
                    }
                    pairs = None;
                    at = end;
                    return text.get(first..end);
                }
                if next.is_some_and(|(c, _)| is_unspaced(c)) {
                    pairs = Some((second, end));
                } else {
                    pairs = None;
                    at = end;
                }
                return text.get(first..end);
            }
            let start = loop {
                let (c, len) = char_at(text, at)?;
                if is_word_char(c) {
                    break at;
                }
                at += len;
            };
            if char_at(text, start).is_some_and(|(c, _)| is_unspaced(c)) {
                pairs = Some((start, start));
                continue;
            }
            while let Some((c, len)) = char_at(text, at) {
                if is_unspaced(c) {
                    break;
                }
                // A joiner only between two characters of the word.
                let joins = is_joiner(c)
                    && char_at(text, at + len)
                        .is_some_and(|(next, _)| is_word_char(next) && !is_unspaced(next));
                if !(is_word_char(c) || joins) {
                    break;
                }
                at += len;
            }
            return text.get(start..at);
        }
    })
}

/// Where the unspaced character at `at` ends: after it and the marks and
/// neutral signs that go with it.
fn unit_end(text: &str, at: usize) -> usize {
    let Some((_, len)) = char_at(text, at) else {
        return at;
    };
    let mut end = at + len;
    while let Some((c, len)) = char_at(text, end) {
        if attaches(c) {
            end += len;
        } else {
            break;
        }
    }
    end
}
