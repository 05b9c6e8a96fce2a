//! `handbook init` in a folder that already has markdown: find what the
//! team's files already are (decision records, runbooks, postmortems,
//! retrospectives) by what they say, what is not theirs to publish
//! (templates, vendored folders, another tool's output), and write the
//! `handbook.toml` that makes the first `check` meaningful.
//!
//! Pure: [`plan`] reads the files through a closure and returns the plan;
//! the command writes it (never over an existing `handbook.toml`).

use std::collections::BTreeMap;

use crate::kinds::review::{INCIDENT_HEADINGS, names_any, words};
use crate::kinds::{FolderKinds, Kind};

/// One folder whose files read as one kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundFolder {
    /// Relative to the handbook (`""` for its root).
    pub folder: String,
    pub kind: Kind,
    /// How many of its markdown files read as that kind, of how many.
    pub matching: usize,
    pub files: usize,
    /// False when the built-in folder names already give the kind (no
    /// `[kinds]` line is needed).
    pub needs_rule: bool,
}

/// What `init` found and will write.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Adoption {
    pub title: String,
    pub folders: Vec<FoundFolder>,
    /// Paths or globs to leave out, each with why.
    pub exclude: Vec<(String, &'static str)>,
    /// Markdown files considered.
    pub pages: usize,
}

/// Headings that say "runbook" (and that postmortems rarely use).
const RUNBOOK_HEADINGS: &[&str] = &[
    "meaning",
    "diagnosis",
    "mitigation",
    "symptom",
    "troubleshooting",
    "escalation",
    "remediation",
    "verification",
    "runbook",
    "playbook",
    "procedure",
    "rollback",
];

/// Headings of the four questions and of retrospectives.
const AAR_HEADINGS: &[&str] = &[
    "set out to do",
    "what happened",
    "actually happened",
    "why was there a difference",
    "do differently",
    "lessons learned",
    "action item",
    "timeline",
];
const RETRO_HEADINGS: &[&str] = &["start", "stop", "continue", "keep doing"];

/// Folder names whose markdown is someone else's (dependencies, vendored code).
const VENDORED: &[&str] = &["vendor", "third_party", "third-party", "bower_components"];

/// What one file reads as, if anything.
fn file_kind(path: &str, text: &str) -> Option<Kind> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.strip_suffix(".md").unwrap_or(name);
    let mut headings: Vec<Vec<String>> = Vec::new();
    let mut status_line = false;
    for t in crate::markdown::prose_lines(text) {
        let hashes = t.bytes().take_while(|&b| b == b'#').count();
        if let Some(heading) = t.get(hashes..).filter(|h| hashes > 0 && h.starts_with(' ')) {
            let w = words(heading);
            status_line |= w == ["status"];
            headings.push(w);
            continue;
        }
        let lower = t
            .trim_start_matches(['*', '-', ' '])
            .trim_start_matches('*')
            .to_ascii_lowercase();
        status_line |= lower.starts_with("status:") || lower.starts_with("status**:");
    }
    let count = |wordings: &[&str]| headings.iter().filter(|h| names_any(h, wordings)).count();
    let numbered = crate::kinds::adr::file_number(stem).is_some();
    if status_line && (numbered || count(&["context", "decision", "consequence"]) >= 1) {
        return Some(Kind::Adr);
    }
    if count(RETRO_HEADINGS) >= 2 {
        return Some(Kind::Retro);
    }
    let incident = count(INCIDENT_HEADINGS) + count(AAR_HEADINGS);
    let runbook =
        count(RUNBOOK_HEADINGS) + usize::from(crate::kinds::runbook::looks_like_alert(stem)) * 2;
    if incident >= 2 && incident > runbook {
        return Some(Kind::Aar);
    }
    if runbook >= 2 {
        return Some(Kind::Runbook);
    }
    None
}

/// Plans the adoption of the markdown files `pages` (root-relative);
/// `read` gives a file's text. `dirs_with_html` are folders holding an
/// `index.html` (another tool's built site).
pub fn plan(
    root_name: &str,
    pages: &[String],
    dirs_with_html: &[String],
    read: &dyn Fn(&str) -> Option<String>,
) -> Adoption {
    let mut adoption = Adoption {
        pages: pages.len(),
        ..Adoption::default()
    };
    let mut per_folder: BTreeMap<&str, (usize, BTreeMap<Kind, usize>)> = BTreeMap::new();
    let mut excluded_dirs: Vec<String> = Vec::new();
    for dir in dirs_with_html {
        excluded_dirs.push(dir.clone());
        adoption
            .exclude
            .push((format!("{dir}/**"), "another tool's built site"));
    }
    for page in pages {
        let (folder, name) = page.rsplit_once('/').unwrap_or(("", page.as_str()));
        if excluded_dirs
            .iter()
            .any(|d| page.starts_with(&format!("{d}/")))
        {
            continue;
        }
        if let Some(vendored) = folder
            .split('/')
            .position(|part| VENDORED.contains(&part))
            .map(|i| folder.split('/').take(i + 1).collect::<Vec<_>>().join("/"))
        {
            if !excluded_dirs.contains(&vendored) {
                adoption
                    .exclude
                    .push((format!("{vendored}/**"), "vendored code"));
                excluded_dirs.push(vendored);
            }
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if lower.contains("template") {
            adoption.exclude.push((page.clone(), "a template"));
            continue;
        }
        if matches!(lower.as_str(), "readme.md" | "index.md" | "_index.md") {
            continue;
        }
        let entry = per_folder.entry(folder).or_default();
        entry.0 += 1;
        if let Some(kind) = read(page).and_then(|text| file_kind(page, &text)) {
            *entry.1.entry(kind).or_default() += 1;
        }
    }
    let defaults = FolderKinds::default();
    let mut chosen: Vec<FoundFolder> = Vec::new();
    for (folder, (files, kinds)) in per_folder {
        let Some((&kind, &matching)) = kinds.iter().max_by_key(|&(k, n)| (*n, *k)) else {
            continue;
        };
        // Most of the folder, and at least two files unless it is alone.
        if matching * 5 < files * 3 || (matching < 2 && files > 1) {
            continue;
        }
        // A folder inside one already given this kind needs nothing more.
        let covered = chosen.iter().any(|c| {
            c.kind == kind && !c.folder.is_empty() && folder.starts_with(&format!("{}/", c.folder))
        });
        if covered {
            continue;
        }
        let needs_rule = if folder.is_empty() {
            true
        } else {
            defaults.for_folder(folder) != Some(kind)
        };
        chosen.push(FoundFolder {
            folder: folder.to_string(),
            kind,
            matching,
            files,
            needs_rule,
        });
    }
    adoption.folders = chosen;
    adoption.title = pages
        .iter()
        .find(|p| matches!(p.to_ascii_lowercase().as_str(), "readme.md" | "index.md"))
        .and_then(|p| read(p))
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("# ").map(|t| t.trim().to_string()))
        })
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| crate::site::sections::humanize(root_name));
    adoption
}

fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

impl Adoption {
    /// The `handbook.toml` that says what was found.
    pub fn config(&self) -> String {
        let mut out = format!(
            "title = {}\n# Written by `handbook init`, from what the files say; edit freely.\n",
            toml_string(&self.title)
        );
        if !self.exclude.is_empty() {
            out.push_str("exclude = [\n");
            for (path, why) in &self.exclude {
                out.push_str(&format!("    {},  # {why}\n", toml_string(path)));
            }
            out.push_str("]\n");
        }
        let rules: Vec<&FoundFolder> = self.folders.iter().filter(|f| f.needs_rule).collect();
        if !rules.is_empty() {
            out.push_str("\n[kinds]\n");
            for f in rules {
                let key = if f.folder.is_empty() { "." } else { &f.folder };
                out.push_str(&format!(
                    "{} = \"{}\"  # {} of {} files read as such\n",
                    toml_string(key),
                    f.kind.name(),
                    f.matching,
                    f.files
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<(&'static str, &'static str)> {
        vec![
            ("README.md", "# Harbor Platform\n\nOur docs.\n"),
            (
                "docs/architecture/0001-use-queues.md",
                "# 1. Use queues\n\n## Status\n\nAccepted\n\n## Context\n",
            ),
            (
                "docs/architecture/0002-use-streams.md",
                "# 2. Use streams\n\nStatus: proposed\n\n## Decision\n",
            ),
            (
                "docs/architecture/template.md",
                "# NN. Title\n\n## Status\n",
            ),
            (
                "ops/alerts/PaymentQueueBacklog.md",
                "# PaymentQueueBacklog\n\n## Meaning\n\n## Mitigation\n",
            ),
            (
                "ops/alerts/IndexLagging.md",
                "# IndexLagging\n\n## Meaning\n\n## Diagnosis\n",
            ),
            (
                "2026-01-05-queue-outage.md",
                "# Outage\n\n## Impact\n\n## Root causes\n\n## Timeline\n",
            ),
            (
                "2026-02-01-db-outage.md",
                "# DB\n\n## Summary\n\n## Root cause\n\n## Action items\n",
            ),
            ("runbooks/db.md", "# DB\n\n## Symptoms\n\n## Rollback\n"),
            ("vendor/lib/README.md", "# Lib\n"),
            ("guides/setup.md", "# Setup\n\nInstall things.\n"),
        ]
    }

    #[test]
    fn folders_are_recognised_by_what_their_files_say() {
        let files = files();
        let pages: Vec<String> = files.iter().map(|(p, _)| p.to_string()).collect();
        let read = |p: &str| {
            files
                .iter()
                .find(|(q, _)| *q == p)
                .map(|(_, t)| t.to_string())
        };
        let plan = plan("harbor", &pages, &["site".to_string()], &read);
        let found: Vec<(&str, Kind, bool)> = plan
            .folders
            .iter()
            .map(|f| (f.folder.as_str(), f.kind, f.needs_rule))
            .collect();
        assert_eq!(
            found,
            vec![
                ("", Kind::Aar, true),
                ("docs/architecture", Kind::Adr, true),
                ("ops/alerts", Kind::Runbook, true),
                ("runbooks", Kind::Runbook, false),
            ]
        );
        assert_eq!(plan.title, "Harbor Platform");
        let exclude: Vec<&str> = plan.exclude.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            exclude,
            vec!["site/**", "docs/architecture/template.md", "vendor/**"]
        );
        let config = plan.config();
        let parsed = crate::config::parse(&config);
        assert!(
            parsed.diagnostics.is_empty(),
            "{config}\n{:?}",
            parsed.diagnostics
        );
        assert!(config.contains("\".\" = \"aar\""), "{config}");
        assert!(!config.contains("\"runbooks\" ="), "{config}");
    }
}
