//! Checks every page gets whatever its kind: misspelt fields of the kind, and
//! placeholders left by `handbook new` folded into one warning.

use super::*;

/// Replaces what a [`PLACEHOLDER`] causes (an unknown person, an empty
/// field) with one warning naming every field still to fill in.
pub(super) fn fill_in(page: &Page, diagnostics: &mut Vec<Diagnostic>) {
    fn walk<'n>(
        key: &'n str,
        node: &'n crate::fields::Node,
        out: &mut Vec<(&'n str, Range<usize>)>,
    ) {
        match &node.value {
            crate::fields::Value::String(s) if s == PLACEHOLDER => {
                out.push((key, node.span.clone()))
            }
            crate::fields::Value::Array(items) => {
                for item in items {
                    walk(key, item, out);
                }
            }
            crate::fields::Value::Table(table) => {
                for entry in &table.entries {
                    walk(&entry.key, &entry.node, out);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    for entry in &page.front.extra_fields.entries {
        walk(&entry.key, &entry.node, &mut found);
    }
    let Some((_, first)) = found.first() else {
        return;
    };
    let index = crate::diagnostics::LineIndex::new(&page.source);
    // A set: a page may hold thousands of placeholders and diagnostics.
    let lines: std::collections::HashSet<usize> = found
        .iter()
        .map(|(_, span)| {
            Diagnostic::warning(crate::diagnostics::Code::FillIn, &page.source_path, "")
                .at_in(&page.source, &index, span.clone())
                .line
        })
        .collect();
    diagnostics.retain(|d| !lines.contains(&d.line));
    let mut seen = std::collections::HashSet::new();
    let keys: Vec<&str> = found
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| seen.insert(*k))
        .collect();
    diagnostics.push(
        Diagnostic::warning(
            crate::diagnostics::Code::FillIn,
            &page.source_path,
            format!("fill in {} (left as \"{PLACEHOLDER}\")", keys.join(", ")),
        )
        .at_in(&page.source, &index, first.clone())
        .with_help("replace each placeholder with the real value"),
    );
}

/// Front-matter keys every page has (read by `content::frontmatter`).
pub const COMMON_FIELDS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "tags",
    "weight",
    "draft",
    "slug",
    "aliases",
    "kind",
];

/// Keys any page may carry: a review schedule, RACI and RAPID.
pub const ANY_PAGE_FIELDS: &[&str] = &["review_every", "last_reviewed", "raci", "rapid"];

/// The front-matter schema of a kind's record.
pub fn schema(kind: Kind) -> &'static [crate::fields::Field] {
    match kind {
        Kind::Page => &[],
        Kind::Adr => adr::FIELDS,
        Kind::Runbook => runbook::FIELDS,
        Kind::Aar | Kind::Retro => review::FIELDS,
        Kind::Charter => charter::FIELDS,
        Kind::Channels => channels::FIELDS,
    }
}

/// A warning for each unknown front-matter key one or two typos away from
/// a key of the page's kind (`ownr`, `statsu`); other unknown keys are the
/// author's own and reach templates as `page.extra`.
/// Returns the keys they were meant to be.
pub(super) fn misspelt_fields(
    x: &mut crate::fields::Extractor<'_>,
    page: &Page,
    kind: Kind,
) -> Vec<&'static str> {
    let mut meant = Vec::new();
    let fields = crate::fields::keys_of(schema(kind), "");
    let known = || {
        fields
            .iter()
            .chain(ANY_PAGE_FIELDS)
            .chain(COMMON_FIELDS)
            .copied()
    };
    for entry in &page.front.extra_fields.entries {
        let key = entry.key.as_str();
        if known().any(|k| k == key) {
            continue;
        }
        let near = known()
            .map(|k| (strsim::damerau_levenshtein(key, k), k))
            .filter(|&(edits, k)| edits == 1 || (edits == 2 && key.len() >= 6 && k.len() >= 6))
            .min();
        if let Some((_, best)) = near {
            x.report(
                Diagnostic::warning(
                    crate::diagnostics::Code::UnknownField,
                    x.path,
                    format!("`{key}` is not a field of a {} page", kind.name()),
                )
                .with_help(format!("did you mean `{best}`?")),
                entry.key_span.clone(),
            );
            meant.push(best);
        }
    }
    meant
}
