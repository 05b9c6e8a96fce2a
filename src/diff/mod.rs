//! `handbook diff`: what a change does to the handbook, for a pull request.
//!
//! [`run`] checks the handbook twice, as a commit left it (read from git
//! objects into a private temporary folder, [`crate::git::checkout`]) and as
//! the work tree has it, each into a [`Snapshot`]; [`compare`] is pure and
//! says what differs: pages added, removed, renamed and changed (with their
//! headings), URLs that stop working, anchors other pages link to that are
//! gone, diagnostics new and fixed, decision statuses, runbook reviews now
//! due, and who to ask. `format.rs` prints a [`Report`] for a person, a pull
//! request comment or a script.
//!
//! Both sides are checked without git history (page dates and decision
//! history would exist on one side only), so a finding differs only because
//! the files differ.

mod format;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Severity};
use crate::site::{self, BuildOptions, Fatal, PageFacts, Snapshot};

pub use format::{Format, render};

/// What `handbook diff` is asked.
#[derive(Clone, Debug, Default)]
pub struct DiffOptions {
    /// The handbook folder (holding `handbook.toml`) in the work tree.
    pub root: PathBuf,
    /// The commit to compare with; `None`: the merge base with the default branch.
    pub base: Option<String>,
    /// Branches to try first for the default branch (what CI says the change targets).
    pub targets: Vec<String>,
    pub drafts: bool,
    pub today: Option<jiff::civil::Date>,
}

/// Why there is no report.
#[derive(Debug)]
pub enum Error {
    /// Finding or reading the commit.
    Git(crate::git::Error),
    /// Loading one side (which one, and why).
    Site(&'static str, Fatal),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Git(e) => write!(f, "{e}"),
            Error::Site(side, e) => write!(f, "{side}: {e}"),
        }
    }
}

/// Compares the handbook at `options.root` with the commit `options.base`.
pub fn run(options: &DiffOptions) -> Result<Report, Error> {
    let spec = match &options.base {
        Some(name) => crate::git::BaseSpec::Named(name),
        None => crate::git::BaseSpec::DefaultBranch(&options.targets),
    };
    let mut timings = Vec::new();
    let t = std::time::Instant::now();
    let base = crate::git::base(&options.root, spec).map_err(Error::Git)?;
    timings.push(("find the base commit", t.elapsed()));
    let common = BuildOptions {
        drafts: options.drafts,
        today: options.today,
        no_history: true,
        ..BuildOptions::default()
    };
    let head = BuildOptions {
        root: options.root.clone(),
        ..common.clone()
    };
    // The base, read from git objects; each check of it reads it anew, as
    // a check takes over the commit's markdown.
    let read_base = || -> Result<Arc<crate::git::Checkout>, Error> {
        let checkout = crate::git::checkout(&options.root, &base, crate::codeowners::PLACES)
            .map_err(Error::Git)?;
        // Files outside the handbook that the base's settings read: its alert rules.
        let fence = crate::content::walk::Fence::at(checkout.repository());
        if let Ok(base_config) = crate::config::load(checkout.handbook(), &fence) {
            let globs = &base_config.config.runbooks.alert_rules;
            if !globs.is_empty() {
                checkout.write_matching(globs).map_err(Error::Git)?;
            }
        }
        Ok(Arc::new(checkout))
    };
    let check_base = |checkout: Arc<crate::git::Checkout>,
                      templates: bool,
                      after: &Snapshot|
     -> Result<Snapshot, Error> {
        if !checkout
            .handbook()
            .join(crate::config::CONFIG_FILE)
            .is_file()
        {
            // The handbook is new in this change.
            return Ok(Snapshot::default());
        }
        let options = BuildOptions {
            root: checkout.handbook().to_path_buf(),
            checkout: Some(checkout),
            ..common.clone()
        };
        site::snapshot(&options, templates, Some(after)).map_err(|e| Error::Site("the base", e))
    };
    // Reading the base (mostly I/O) overlaps checking the work tree.
    let t = std::time::Instant::now();
    let (checkout, after) = rayon::join(read_base, || site::snapshot(&head, false, None));
    let checkout = checkout?;
    let mut after = after.map_err(|e| Error::Site("the work tree", e))?;
    timings.push(("read the base, check the work tree", t.elapsed()));
    let t = std::time::Instant::now();
    let mut before = check_base(checkout, false, &after)?;
    timings.push(("check the base", t.elapsed()));
    if before.pages_exist() && before.templates != after.templates {
        // The change touches the templates: render every page with them on
        // both sides, so their errors are compared too.
        let t = std::time::Instant::now();
        after = site::snapshot(&head, true, None).map_err(|e| Error::Site("the work tree", e))?;
        before = check_base(read_base()?, true, &after)?;
        timings.push(("both again, with the templates", t.elapsed()));
    }
    let t = std::time::Instant::now();
    let mut report = compare(&before, &after);
    timings.push(("compare", t.elapsed()));
    report.timings = timings;
    report.base = base.label;
    report.base_commit = base.id.to_string();
    Ok(report)
}

/// A page in a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PageRef {
    pub source: String,
    pub url: String,
    pub title: String,
    pub kind: &'static str,
}

impl From<&PageFacts> for PageRef {
    fn from(p: &PageFacts) -> PageRef {
        PageRef {
            source: p.source.clone(),
            url: p.url.clone(),
            title: p.title.clone(),
            kind: p.kind,
        }
    }
}

/// A page whose file changed (or moved and changed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Changed {
    pub page: PageRef,
    /// Where it was, when it moved.
    pub renamed_from: Option<String>,
    /// Whether its file changed (a pure rename has not).
    pub edited: bool,
    pub title_was: Option<String>,
    /// Headings (text) that are new, and gone.
    pub headings_added: Vec<String>,
    pub headings_removed: Vec<String>,
}

/// A URL that worked before the change and no page or alias answers now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BrokenUrl {
    /// Relative to the site root, as the old page had it (`runbooks/db/`).
    pub url: String,
    /// The page that answered it.
    pub was: String,
    /// Where that page is now, if it moved: the page to add the alias to.
    pub now: Option<String>,
}

/// An anchor that is gone from a page although other pages link to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RemovedAnchor {
    /// The page (its path now).
    pub page: String,
    pub anchor: String,
    /// Pages that link to it after the change (those links are broken).
    pub linked_from: Vec<String>,
    /// Pages that linked to it before and no longer do.
    pub unlinked_from: Vec<String>,
}

/// A decision record's status moved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    pub page: String,
    pub title: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A runbook whose review is due after the change and was not before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReviewDue {
    pub page: String,
    pub title: String,
    /// `overdue` or `due-soon`.
    pub review: String,
    pub next_review: Option<String>,
}

/// Someone to ask about the change, and the pages of theirs it touches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reviewer {
    pub name: String,
    pub pages: Vec<String>,
}

/// What a change does to the handbook (see the module docs).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// How the base was chosen, and its commit.
    pub base: String,
    pub base_commit: String,
    pub added: Vec<PageRef>,
    pub removed: Vec<PageRef>,
    /// Changed and renamed pages.
    pub changed: Vec<Changed>,
    pub broken_urls: Vec<BrokenUrl>,
    pub removed_anchors: Vec<RemovedAnchor>,
    pub new_diagnostics: Vec<Diagnostic>,
    pub fixed_diagnostics: Vec<Diagnostic>,
    pub statuses: Vec<StatusChange>,
    pub reviews_due: Vec<ReviewDue>,
    pub reviewers: Vec<Reviewer>,
    /// Pages on each side.
    pub pages_before: usize,
    pub pages_after: usize,
    /// Where the time went (`--verbose`).
    #[serde(skip)]
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl Report {
    /// Errors this change brings: what makes `handbook diff` fail.
    pub fn new_errors(&self) -> usize {
        self.new_diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// True when the change touches nothing the report shows.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.new_diagnostics.is_empty()
            && self.fixed_diagnostics.is_empty()
    }
}

/// A URL as a key: aliases are written with or without a trailing `/`.
fn url_key(url: &str) -> String {
    let url = url.trim_start_matches('/');
    if url.is_empty() || url.ends_with('/') || url.ends_with(".html") || url.ends_with(".htm") {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

/// Pairs removed pages with added ones that are the same page moved: the
/// same bytes, else the same kind and title (each unique on both sides).
fn renames<'a>(
    removed: &[&'a PageFacts],
    added: &[&'a PageFacts],
) -> Vec<(&'a PageFacts, &'a PageFacts)> {
    let mut pairs = Vec::new();
    let mut taken: HashSet<&str> = HashSet::new();
    let mut by_digest: HashMap<u64, Vec<&PageFacts>> = HashMap::new();
    for a in added {
        by_digest.entry(a.digest).or_default().push(a);
    }
    let mut left = Vec::new();
    for r in removed {
        let found = by_digest
            .get_mut(&r.digest)
            .and_then(|v| (!v.is_empty()).then(|| v.remove(0)));
        match found {
            Some(a) => {
                taken.insert(a.source.as_str());
                pairs.push((*r, a));
            }
            None => left.push(*r),
        }
    }
    let key = |p: &PageFacts| (p.kind, p.title.to_lowercase());
    let mut count: HashMap<(&str, String), (usize, usize)> = HashMap::new();
    for r in &left {
        count.entry(key(r)).or_default().0 += 1;
    }
    let unused: Vec<&PageFacts> = added
        .iter()
        .copied()
        .filter(|a| !taken.contains(a.source.as_str()))
        .collect();
    for a in &unused {
        count.entry(key(a)).or_default().1 += 1;
    }
    let mut added_by_key: HashMap<(&str, String), &PageFacts> = HashMap::new();
    for a in unused {
        if count.get(&key(a)) == Some(&(1, 1)) {
            added_by_key.insert(key(a), a);
        }
    }
    for r in left {
        if let Some(a) = added_by_key.remove(&key(r)) {
            pairs.push((r, a));
        }
    }
    pairs
}

/// A diagnostic as a key that survives lines moving: (path, code, message).
type DiagnosticKey = (String, &'static str, String);

/// Diagnostics on one side that the other side has fewer of.
fn unmatched<'a>(
    side: &'a [Diagnostic],
    other: &[Diagnostic],
    path_now: &dyn Fn(&str) -> String,
    other_path_now: &dyn Fn(&str) -> String,
) -> Vec<&'a Diagnostic> {
    let key = |d: &Diagnostic, now: &dyn Fn(&str) -> String| -> DiagnosticKey {
        (now(&d.path), d.code.as_str(), d.message.clone())
    };
    let mut budget: HashMap<DiagnosticKey, usize> = HashMap::new();
    for d in other {
        *budget.entry(key(d, other_path_now)).or_default() += 1;
    }
    side.iter()
        .filter(|d| match budget.get_mut(&key(d, path_now)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect()
}

/// The export's records of one kind (`adrs`, `runbooks`) by page URL.
fn records<'a>(export: &'a Value, list: &str) -> HashMap<&'a str, &'a Value> {
    export[list]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| Some((r["url"].as_str()?, r)))
        .collect()
}

fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string)
}

/// What differs between `before` and `after` (see the module docs). Pure,
/// and linear in the pages, links and diagnostics of both.
pub fn compare(before: &Snapshot, after: &Snapshot) -> Report {
    let old: HashMap<&str, &PageFacts> = before
        .pages
        .iter()
        .map(|p| (p.source.as_str(), p))
        .collect();
    let new: HashMap<&str, &PageFacts> =
        after.pages.iter().map(|p| (p.source.as_str(), p)).collect();
    let gone: Vec<&PageFacts> = before
        .pages
        .iter()
        .filter(|p| !new.contains_key(p.source.as_str()))
        .collect();
    let arrived: Vec<&PageFacts> = after
        .pages
        .iter()
        .filter(|p| !old.contains_key(p.source.as_str()))
        .collect();
    let moved = renames(&gone, &arrived);
    let moved_to: HashMap<&str, &PageFacts> =
        moved.iter().map(|(b, a)| (b.source.as_str(), *a)).collect();
    let moved_from: HashMap<&str, &PageFacts> =
        moved.iter().map(|(b, a)| (a.source.as_str(), *b)).collect();
    // A page before the change, as it is after (same path, or moved).
    let counterpart = |b: &PageFacts| -> Option<&PageFacts> {
        new.get(b.source.as_str())
            .or_else(|| moved_to.get(b.source.as_str()))
            .copied()
    };
    let path_now = |path: &str| -> String {
        moved_to
            .get(path)
            .map_or_else(|| path.to_string(), |a| a.source.clone())
    };

    let mut report = Report {
        pages_before: before.pages.len(),
        pages_after: after.pages.len(),
        ..Report::default()
    };
    report.removed = gone
        .iter()
        .filter(|p| !moved_to.contains_key(p.source.as_str()))
        .map(|p| PageRef::from(*p))
        .collect();
    report.added = arrived
        .iter()
        .filter(|p| !moved_from.contains_key(p.source.as_str()))
        .map(|p| PageRef::from(*p))
        .collect();

    for b in &before.pages {
        let Some(a) = counterpart(b) else { continue };
        let renamed = a.source != b.source;
        if !renamed && a.digest == b.digest {
            continue;
        }
        let ids_before: HashSet<&str> = b.headings.iter().map(|(id, _)| id.as_str()).collect();
        let ids_after: HashSet<&str> = a.headings.iter().map(|(id, _)| id.as_str()).collect();
        report.changed.push(Changed {
            page: PageRef::from(a),
            renamed_from: renamed.then(|| b.source.clone()),
            edited: a.digest != b.digest,
            title_was: (a.title != b.title).then(|| b.title.clone()),
            headings_added: a
                .headings
                .iter()
                .filter(|(id, _)| !ids_before.contains(id.as_str()))
                .map(|(_, t)| t.clone())
                .collect(),
            headings_removed: b
                .headings
                .iter()
                .filter(|(id, _)| !ids_after.contains(id.as_str()))
                .map(|(_, t)| t.clone())
                .collect(),
        });
    }
    report
        .changed
        .sort_by(|x, y| x.page.source.cmp(&y.page.source));

    // URLs: every page's URL and aliases after the change.
    let answered: HashSet<String> = after
        .pages
        .iter()
        .flat_map(|p| std::iter::once(url_key(&p.url)).chain(p.aliases.iter().map(|a| url_key(a))))
        .collect();
    for b in &before.pages {
        for url in std::iter::once(&b.url).chain(&b.aliases) {
            let key = url_key(url);
            if !answered.contains(&key) {
                report.broken_urls.push(BrokenUrl {
                    url: key,
                    was: b.source.clone(),
                    now: counterpart(b).map(|a| a.source.clone()),
                });
            }
        }
    }

    // Anchors: who links to which (page, anchor), on each side, by path now.
    let mut links_before: HashMap<(String, &str), Vec<&str>> = HashMap::new();
    for b in &before.pages {
        for (to, anchor) in &b.anchor_links {
            links_before
                .entry((path_now(to), anchor.as_str()))
                .or_default()
                .push(b.source.as_str());
        }
    }
    let mut links_after: HashMap<(&str, &str), Vec<&str>> = HashMap::new();
    for a in &after.pages {
        for (to, anchor) in &a.anchor_links {
            links_after
                .entry((to.as_str(), anchor.as_str()))
                .or_default()
                .push(a.source.as_str());
        }
    }
    for b in &before.pages {
        let Some(a) = counterpart(b) else { continue };
        if a.digest == b.digest {
            continue;
        }
        let kept: HashSet<&str> = a.anchors.iter().map(String::as_str).collect();
        let mut seen = HashSet::new();
        for anchor in b.anchors.iter().filter(|x| !kept.contains(x.as_str())) {
            if !seen.insert(anchor.as_str()) {
                continue;
            }
            let still: Vec<String> = links_after
                .get(&(a.source.as_str(), anchor.as_str()))
                .into_iter()
                .flatten()
                .map(|s| s.to_string())
                .collect();
            let was: Vec<String> = links_before
                .get(&(a.source.clone(), anchor.as_str()))
                .into_iter()
                .flatten()
                .map(|s| path_now(s))
                .filter(|s| !still.contains(s))
                .collect();
            if still.is_empty() && was.is_empty() {
                continue;
            }
            report.removed_anchors.push(RemovedAnchor {
                page: a.source.clone(),
                anchor: anchor.clone(),
                linked_from: still,
                unlinked_from: was,
            });
        }
    }

    // Diagnostics, paths moved with their pages.
    let same = |p: &str| p.to_string();
    report.new_diagnostics = unmatched(&after.diagnostics, &before.diagnostics, &same, &path_now)
        .into_iter()
        .cloned()
        .collect();
    report.fixed_diagnostics = unmatched(&before.diagnostics, &after.diagnostics, &path_now, &same)
        .into_iter()
        .cloned()
        .collect();

    // Records the kinds export, matched by the page's URL.
    let url_now: HashMap<&str, &str> = before
        .pages
        .iter()
        .filter_map(|b| Some((b.url.as_str(), counterpart(b)?.url.as_str())))
        .collect();
    let source_of: HashMap<&str, &str> = after
        .pages
        .iter()
        .map(|a| (a.url.as_str(), a.source.as_str()))
        .collect();
    let then_by_url = |list: &str| -> HashMap<&str, &Value> {
        records(&before.export, list)
            .into_iter()
            .filter_map(|(url, r)| Some((*url_now.get(url)?, r)))
            .collect()
    };
    let decisions_then = then_by_url("adrs");
    for (url, now) in sorted(records(&after.export, "adrs")) {
        let from = decisions_then.get(url).and_then(|r| text(&r["status"]));
        let to = text(&now["status"]);
        let is_new = !decisions_then.contains_key(url);
        if from != to || is_new {
            report.statuses.push(StatusChange {
                page: source_of
                    .get(url)
                    .map_or_else(|| url.to_string(), |s| s.to_string()),
                title: text(&now["title"]).unwrap_or_default(),
                from,
                to,
            });
        }
    }
    let runbooks_then = then_by_url("runbooks");
    let due = |r: &Value| matches!(r["review"].as_str(), Some("overdue" | "due-soon"));
    for (url, now) in sorted(records(&after.export, "runbooks")) {
        let was_due = runbooks_then.get(url).is_some_and(|r| due(r));
        if due(now) && !was_due {
            report.reviews_due.push(ReviewDue {
                page: source_of
                    .get(url)
                    .map_or_else(|| url.to_string(), |s| s.to_string()),
                title: text(&now["title"]).unwrap_or_default(),
                review: text(&now["review"]).unwrap_or_default(),
                next_review: text(&now["next_review"]),
            });
        }
    }

    // Who to ask: the owners of every page the change touches.
    let mut reviewers: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    let touched = report
        .changed
        .iter()
        .filter_map(|c| new.get(c.page.source.as_str()).copied())
        .chain(
            report
                .added
                .iter()
                .filter_map(|p| new.get(p.source.as_str()).copied()),
        )
        .chain(
            report
                .removed
                .iter()
                .filter_map(|p| old.get(p.source.as_str()).copied()),
        );
    for page in touched {
        for owner in &page.owners {
            let entry = reviewers
                .entry(owner.trim_start_matches('@').to_lowercase())
                .or_insert_with(|| (owner.clone(), Vec::new()));
            entry.1.push(page.source.clone());
        }
    }
    let mut reviewers: Vec<Reviewer> = reviewers
        .into_values()
        .map(|(name, pages)| Reviewer { name, pages })
        .collect();
    reviewers.sort_by(|a, b| b.pages.len().cmp(&a.pages.len()).then(a.name.cmp(&b.name)));
    report.reviewers = reviewers;
    report
}

/// A map's entries in key order (the report is deterministic).
fn sorted<'a>(map: HashMap<&'a str, &'a Value>) -> Vec<(&'a str, &'a Value)> {
    let mut entries: Vec<_> = map.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;

    fn page(source: &str, title: &str, digest: u64) -> PageFacts {
        PageFacts {
            source: source.into(),
            url: format!("{}/", source.trim_end_matches(".md")),
            title: title.into(),
            kind: "page",
            digest,
            ..PageFacts::default()
        }
    }

    fn snapshot(pages: Vec<PageFacts>, diagnostics: Vec<Diagnostic>) -> Snapshot {
        Snapshot::of(pages, diagnostics)
    }

    #[test]
    fn renames_are_found_by_bytes_then_by_a_unique_title() {
        let before = snapshot(
            vec![
                page("a.md", "A", 1),
                page("b.md", "Bee", 2),
                page("c.md", "Same", 3),
                page("d.md", "Same", 4),
            ],
            vec![],
        );
        let after = snapshot(
            vec![
                page("x/a.md", "A", 1),
                page("x/b.md", "Bee", 9),
                page("x/c.md", "Same", 5),
                page("x/d.md", "Same", 6),
            ],
            vec![],
        );
        let report = compare(&before, &after);
        let moved: Vec<(Option<&str>, &str, bool)> = report
            .changed
            .iter()
            .map(|c| (c.renamed_from.as_deref(), c.page.source.as_str(), c.edited))
            .collect();
        assert_eq!(
            moved,
            [
                (Some("a.md"), "x/a.md", false),
                (Some("b.md"), "x/b.md", true)
            ]
        );
        // Two pages titled "Same" on each side: no guess.
        assert_eq!(report.removed.len(), 2);
        assert_eq!(report.added.len(), 2);
    }

    #[test]
    fn a_diagnostic_that_moved_with_its_page_or_its_line_is_neither_new_nor_fixed() {
        let at = |path: &str, line: usize| Diagnostic {
            line,
            ..Diagnostic::warning(Code::BrokenLink, path, "no page `x.md`")
        };
        let before = snapshot(
            vec![page("a.md", "A", 1)],
            vec![at("a.md", 3), at("a.md", 9)],
        );
        let after = snapshot(
            vec![page("b.md", "A", 1)],
            vec![at("b.md", 5), at("b.md", 7), at("b.md", 8)],
        );
        let report = compare(&before, &after);
        assert_eq!(report.fixed_diagnostics.len(), 0);
        assert_eq!(report.new_diagnostics.len(), 1);
        assert_eq!(report.new_errors(), 0);
    }

    #[test]
    fn a_large_change_makes_a_comment_a_forge_accepts() {
        let before = snapshot(vec![], vec![]);
        let after = snapshot(
            (0..120)
                .map(|i| page(&format!("p{i:03}.md"), "P", i))
                .collect(),
            vec![],
        );
        let report = compare(&before, &after);
        assert_eq!(report.added.len(), 120);
        let md = render(&report, Format::Markdown, false, "");
        assert_eq!(md.matches("| added |").count(), 50);
        assert!(md.contains("_70 more not shown here"), "{md}");
        assert!(md.len() < 65_536);
    }

    #[test]
    fn urls_answered_by_an_alias_are_not_broken() {
        let before = snapshot(
            vec![page("old.md", "Old", 1), page("gone.md", "Gone", 2)],
            vec![],
        );
        let mut moved = page("new.md", "Old", 3);
        moved.aliases = vec!["old".into()];
        let after = snapshot(vec![moved], vec![]);
        let report = compare(&before, &after);
        let broken: Vec<&str> = report.broken_urls.iter().map(|b| b.url.as_str()).collect();
        assert_eq!(broken, ["gone/"]);
    }
}
