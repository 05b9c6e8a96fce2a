//! Heading ids the way GitHub generates them, so links written against a
//! repository's rendered markdown (`runbooks/db.md#fail-over`) keep working.

use std::collections::{HashMap, HashSet};

/// Hands out unique heading ids within one page.
#[derive(Debug, Default)]
pub struct Slugger {
    seen: HashSet<String>,
    /// The next suffix to try for each id that was taken, so ten thousand
    /// `## Same` headings cost ten thousand tries, not fifty million.
    next: HashMap<String, usize>,
}

impl Slugger {
    /// GitHub's id for heading `text`, de-duplicated with `-1`, `-2`, ...
    pub fn slug(&mut self, text: &str) -> String {
        let base = github_slug(text);
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        self.reserve(base)
    }

    /// Claims `id`, or the first free `id-N` if it is taken.
    pub fn reserve(&mut self, id: String) -> String {
        if !self.seen.contains(&id) {
            self.seen.insert(id.clone());
            return id;
        }
        // Suffixes below `next` were all taken when last tried, and ids are
        // never given back, so they still are.
        let mut n = self.next.get(&id).copied().unwrap_or(1);
        loop {
            let candidate = format!("{id}-{n}");
            n += 1;
            if !self.seen.contains(&candidate) {
                self.seen.insert(candidate.clone());
                self.next.insert(id, n);
                return candidate;
            }
        }
    }
}

/// GitHub's rule, character for character: lowercase (full Unicode
/// mapping, one character at a time as Ruby's `downcase` does), keep what
/// Onigmo's `\p{Word}` matches (alphabetic characters, marks, decimal digits,
/// connector punctuation, the two join controls) and `-`, turn each space
/// into `-`, and drop everything else (other punctuation, symbols, `²`,
/// `¼`, no-break spaces).
pub fn github_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if c == ' ' {
            out.push('-');
        } else if c == '-' || is_word(c) {
            out.push(c);
        }
    }
    out
}

/// Onigmo's `\p{Word}` (Unicode TR18's `\w`): Alphabetic, General_Category
/// Mark, Decimal_Number or Connector_Punctuation, or Join_Control.
fn is_word(c: char) -> bool {
    use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    c.is_alphabetic()
        || matches!(c, '\u{200c}' | '\u{200d}')
        || c.general_category_group() == GeneralCategoryGroup::Mark
        || matches!(
            c.general_category(),
            GeneralCategory::DecimalNumber | GeneralCategory::ConnectorPunctuation
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GitHub's ids for headings, by its rule (the heading's text content,
    /// `downcase`, `[^\p{Word}\- ]` removed, spaces to `-`), one row per
    /// Unicode category it treats differently.
    #[test]
    fn matches_github_for_every_category() {
        let table = [
            // ASCII: letters, digits, `-` and `_` stay; spaces become `-`.
            ("Fail over: the DB", "fail-over-the-db"),
            ("What's `kubectl`?", "whats-kubectl"),
            ("A  B", "a--b"),
            ("snake_case-name", "snake_case-name"),
            ("Already-hyphenated--double", "already-hyphenated--double"),
            ("Step 1. (optional) [x] {y} <z>", "step-1-optional-x-y-z"),
            ("100% #1 @team $5 ~ ^ | \\ / =", "100-1-team-5------"),
            // Letters of every script stay (Lu, Ll, Lt, Lm, Lo).
            ("Überblick & Ziele", "überblick--ziele"),
            ("Ǆemal ǅ", "ǆemal-ǆ"),
            ("ʻOkina ー 日本語 עברית", "ʻokina-ー-日本語-עברית"),
            // Marks stay: combining accents, Indic vowel signs, enclosing marks.
            ("Cafe\u{301}", "cafe\u{301}"),
            ("हिन्दी", "हिन्दी"),
            ("1\u{20e3}", "1\u{20e3}"),
            // Decimal digits of any script stay; other numbers go; letter numbers stay.
            ("٣ and ३", "٣-and-३"),
            ("x² ¼ ①", "x--"),
            ("Ⅻ", "ⅻ"),
            // Connector punctuation stays; other punctuation goes.
            ("a‿b a⁀b a_b", "a‿b-a⁀b-a_b"),
            (
                "«quoted» — dash – “smart” ‘single’ … ¿qué?",
                "quoted--dash--smart-single--qué",
            ),
            // Symbols go: emoji, currency, maths, arrows.
            ("🚀 Launch ✅ € ± →", "-launch----"),
            // Only U+0020 is a space: no-break and other spaces go.
            ("a\u{a0}b a\u{2003}b a\tb", "ab-ab-ab"),
            // Join controls stay.
            ("a\u{200d}b", "a\u{200d}b"),
            // Lowercasing is full Unicode, one character at a time.
            ("İstanbul", "i\u{307}stanbul"),
            ("STRASSE ẞ", "strasse-ß"),
            ("ΟΔΟΣ", "οδοσ"),
            // Patterns checked against anchors public READMEs link to (their
            // tables of contents copy GitHub's ids): a dotted capital I, an
            // em dash between spaces, dots and `#` dropped, and an emoji's
            // variation selector (a mark, U+FE0F) kept while the emoji goes.
            ("İçerik Listesi", "i\u{307}çerik-listesi"),
            ("Kurulum — Adım Adım", "kurulum--adım-adım"),
            ("2.1 Q# ile Deneme", "21-q-ile-deneme"),
            ("Webhooks (v2.events)", "webhooks-v2events"),
            ("\u{2699}\u{fe0f} Settings", "\u{fe0f}-settings"),
            ("📖 Overview", "-overview"),
        ];
        for (heading, id) in table {
            assert_eq!(github_slug(heading), id, "{heading:?}");
        }
    }

    #[test]
    fn duplicates_get_numeric_suffixes() {
        let mut s = Slugger::default();
        assert_eq!(s.slug("Steps"), "steps");
        assert_eq!(s.slug("Steps"), "steps-1");
        assert_eq!(s.slug("Steps"), "steps-2");
        assert_eq!(s.slug("Steps 1"), "steps-1-1");
        assert_eq!(s.slug("Steps"), "steps-3");
    }

    #[test]
    fn many_identical_headings_take_linear_time() {
        let mut s = Slugger::default();
        let started = std::time::Instant::now();
        for _ in 0..50_000 {
            s.slug("same");
        }
        assert_eq!(s.slug("same"), "same-50000");
        assert_eq!(s.slug("same-50001"), "same-50001");
        assert_eq!(s.slug("same"), "same-50002");
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}
