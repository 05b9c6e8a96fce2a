//! Did you mean: names to suggest from, compared exactly only with the few sharing
//! the most character pairs with what was wanted.

use super::*;

/// How many of the paths sharing the most character pairs with a missing
/// one are compared with it exactly.
pub(super) const SUGGESTION_CANDIDATES: usize = 32;

/// The distinct pairs of adjacent characters of `text`, sorted.
pub(super) fn char_pairs(text: &str) -> Vec<u32> {
    let chars: Vec<char> = text.chars().collect();
    let mut pairs: Vec<u32> = chars
        .windows(2)
        .map(|w| (u32::from(w[0]) << 11) ^ u32::from(w[1]))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// How many elements two sorted lists share.
pub(super) fn shared(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Names to suggest from ("did you mean"), each with its character pairs,
/// so a wanted name is compared exactly with only the
/// `SUGGESTION_CANDIDATES` sharing the most pairs with it: a page with
/// thousands of broken links to a page with thousands of anchors stays fast.
/// Names are compared ignoring case (`#FAQ` is close to `#faq`).
#[derive(Debug, Default)]
pub struct Candidates {
    /// (name, lowercased, pairs of the lowercased)
    pub(super) names: Vec<(String, String, Vec<u32>)>,
}

impl Candidates {
    /// Candidates from `names`, sorted so that ties resolve the same way.
    pub fn new<'n>(names: impl IntoIterator<Item = &'n str>) -> Candidates {
        let mut names: Vec<&str> = names.into_iter().collect();
        names.sort_unstable();
        names.dedup();
        Candidates {
            names: names
                .into_iter()
                .map(|n| {
                    let lower = n.to_lowercase();
                    let pairs = char_pairs(&lower);
                    (n.to_string(), lower, pairs)
                })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The first `n` names, in order.
    pub fn first(&self, n: usize) -> impl Iterator<Item = &str> {
        self.names.iter().take(n).map(|(name, _, _)| name.as_str())
    }

    /// The name most like `wanted`, if one is close enough.
    pub fn closest(&self, wanted: &str) -> Option<&str> {
        let wanted = wanted.to_lowercase();
        let pairs = char_pairs(&wanted);
        let mut scored: Vec<(std::cmp::Reverse<usize>, usize)> = self
            .names
            .iter()
            .enumerate()
            .map(|(i, (_, _, p))| (std::cmp::Reverse(shared(&pairs, p)), i))
            .collect();
        if scored.len() > SUGGESTION_CANDIDATES {
            scored.select_nth_unstable(SUGGESTION_CANDIDATES - 1);
            scored.truncate(SUGGESTION_CANDIDATES);
        }
        let best = closest_keyed(
            &wanted,
            scored.iter().map(|&(_, i)| (self.names[i].1.as_str(), i)),
        )?;
        self.names.get(best).map(|(name, _, _)| name.as_str())
    }
}
