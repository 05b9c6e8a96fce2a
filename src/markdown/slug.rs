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

/// Lowercase; keep letters, digits, `-` and `_`; each space becomes `-`; drop the rest.
pub fn github_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else if c == ' ' {
            out.push('-');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_github_for_common_headings() {
        assert_eq!(github_slug("Fail over: the DB"), "fail-over-the-db");
        assert_eq!(github_slug("What's `kubectl`?"), "whats-kubectl");
        assert_eq!(github_slug("A  B"), "a--b");
        assert_eq!(github_slug("Überblick & Ziele"), "überblick--ziele");
        assert_eq!(github_slug("snake_case-name"), "snake_case-name");
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
