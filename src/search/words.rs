//! Splitting text into words, by the same rule as the client (`search.js`).

pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The character at byte `at` of `text` and its length, with a fast path for
/// ASCII (most of a handbook's text).
pub(super) fn char_at(text: &str, at: usize) -> Option<(char, usize)> {
    let byte = *text.as_bytes().get(at)?;
    if byte.is_ascii() {
        Some((char::from(byte), 1))
    } else {
        text.get(at..)?.chars().next().map(|c| (c, c.len_utf8()))
    }
}

/// The words of `text`: runs of letters, digits and `_`, joined across a single
/// `'` or `.` between two of them (`db's`, `e.g`, `v1.2`). The search client
/// splits queries with the same rule.
#[allow(clippy::string_slice)] // `start` and `at` only advance by whole characters (or one ASCII byte)
pub fn words(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = loop {
            let (c, len) = char_at(text, at)?;
            if is_word_char(c) {
                break at;
            }
            at += len;
        };
        while let Some((c, len)) = char_at(text, at) {
            if is_word_char(c) {
                at += len;
            } else if (c == '\'' || c == '.')
                && char_at(text, at + 1).is_some_and(|(next, _)| is_word_char(next))
            {
                at += 1;
            } else {
                break;
            }
        }
        Some(&text[start..at])
    })
}
