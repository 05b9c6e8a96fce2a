//! Schemas: the [`Field`] rows a table's owner declares its keys with (one
//! declaration per key, read by the unknown-key checks and compared with
//! README.md's reference tables), and "did you mean" for a key that is not
//! one of them.

/// One row of a schema: keys of one table that share a type and a
/// meaning, as the reference tables in README.md document them (a test
/// compares the two, so the docs cannot drift from what is read).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// The table the keys are in (`"git"` for `[git] cache`); `""` at the top.
    pub table: &'static str,
    /// The keys, as documented.
    pub keys: &'static [&'static str],
    /// Other spellings accepted for the first key, not documented.
    pub also: &'static [&'static str],
    /// The type, in the words of the reference table.
    pub ty: &'static str,
    /// The default, as the reference table shows it (`""`: none).
    pub default: &'static str,
}

impl Field {
    /// A row with no undocumented spellings and no default.
    pub const fn new(
        table: &'static str,
        keys: &'static [&'static str],
        ty: &'static str,
    ) -> Field {
        Field {
            table,
            keys,
            also: &[],
            ty,
            default: "",
        }
    }

    /// This row with `default`.
    pub const fn default(self, default: &'static str) -> Field {
        Field { default, ..self }
    }

    /// This row with undocumented spellings of its first key.
    pub const fn also(self, also: &'static [&'static str]) -> Field {
        Field { also, ..self }
    }
}

/// The keys `schema` declares in `table`, in order, other spellings after
/// their key: what an unknown key is compared with.
pub fn keys_of(schema: &[Field], table: &str) -> Vec<&'static str> {
    schema
        .iter()
        .filter(|f| f.table == table)
        .flat_map(|f| f.keys.iter().chain(f.also).copied())
        .collect()
}

/// The candidate closest to `word`, if any is close enough to be a likely typo:
/// similar overall (Jaro-Winkler) or a few edits away, transpositions included.
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    closest_keyed(word, candidates.into_iter().map(|c| (c, c)))
}

/// [`closest`] over `(key, item)` pairs: compares `word` with each key and
/// returns the item of the best one.
pub fn closest_keyed<'c, T: Ord>(
    word: &str,
    candidates: impl IntoIterator<Item = (&'c str, T)>,
) -> Option<T> {
    let max_edits = (word.chars().count() / 4).max(1);
    candidates
        .into_iter()
        .filter_map(|(key, item)| {
            let edits = strsim::damerau_levenshtein(word, key);
            let similarity = strsim::jaro_winkler(word, key);
            (similarity >= 0.8 || edits <= max_edits).then_some((edits, -similarity, item))
        })
        .min_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.total_cmp(&b.1))
                .then_with(|| a.2.cmp(&b.2))
        })
        .map(|(_, _, item)| item)
}
