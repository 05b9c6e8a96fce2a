//! What a set of changed paths means for the site: a pure function from
//! paths (relative to the handbook) and what the site knows about them to a
//! [`Plan`]. It reads nothing from disk; whether an edited page kept its
//! structure is decided later, when the file is read.

use std::collections::{HashMap, HashSet};

use crate::pages::PageId;

/// One changed path, as the site sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Nothing the site reads: hidden files, the output folder, editor scratch files.
    Ignored,
    /// `handbook.toml`, `team.toml` or a `.gitignore`: everything may change.
    Config,
    /// A template or theme file.
    Theme,
    /// An existing page, by index.
    Page(PageId),
    /// An existing asset, by path.
    Asset(String),
    /// A file or folder the site does not have yet, or a draft: pages or
    /// assets appear or disappear.
    Structure,
}

/// What to do about a batch of changes, cheapest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    Nothing,
    /// Re-read these pages and copy these assets again.
    Edits {
        pages: Vec<PageId>,
        assets: Vec<String>,
    },
    /// Load the templates again and render every page, without re-reading content.
    Templates,
    /// Load and render everything again.
    Full,
}

/// What the site knows about its files.
#[derive(Debug, Default)]
pub struct Known {
    /// Page source paths → page index.
    pub pages: HashMap<String, PageId>,
    pub assets: HashSet<String>,
    /// What the walk skips by path (the walk's own rules, so the two agree);
    /// `None` before the site is known.
    pub filter: Option<crate::content::walk::Filter>,
}

/// Classifies one changed path (relative to the handbook, `/`-separated).
pub fn classify(rel: &str, known: &Known) -> Change {
    let rel = rel.trim_matches('/');
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if rel.is_empty() {
        return Change::Ignored;
    }
    if name == ".gitignore"
        || rel == "handbook.toml"
        || rel == "team.toml"
        || crate::kinds::health::is_survey_file(rel)
        || crate::kinds::charter::is_series_file(rel)
    {
        return Change::Config;
    }
    // Theme files are read by the templates, not the walk (which skips
    // these folders); hidden files and scratch files there are not.
    let hidden_or_scratch =
        rel.split('/').any(|part| part.starts_with('.')) || crate::content::walk::is_scratch(name);
    if (rel.starts_with("templates/") || rel.starts_with("themes/")) && !hidden_or_scratch {
        return Change::Theme;
    }
    if hidden_or_scratch || known.filter.as_ref().is_some_and(|f| f.excludes(rel)) {
        return Change::Ignored;
    }
    if let Some(&i) = known.pages.get(rel) {
        return Change::Page(i);
    }
    if known.assets.contains(rel) {
        return Change::Asset(rel.to_string());
    }
    Change::Structure
}

/// Combines the changes of one batch into the cheapest plan that covers them.
pub fn plan(changes: impl IntoIterator<Item = Change>) -> Plan {
    let mut pages = Vec::new();
    let mut assets = Vec::new();
    let mut templates = false;
    for change in changes {
        match change {
            Change::Ignored => {}
            Change::Config | Change::Structure => return Plan::Full,
            Change::Theme => templates = true,
            Change::Page(i) => pages.push(i),
            Change::Asset(path) => assets.push(path),
        }
    }
    if templates {
        return Plan::Templates;
    }
    pages.sort_unstable();
    pages.dedup();
    assets.sort();
    assets.dedup();
    if pages.is_empty() && assets.is_empty() {
        Plan::Nothing
    } else {
        Plan::Edits { pages, assets }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Known {
        Known {
            pages: [("index.md", 0), ("runbooks/db.md", 1)]
                .into_iter()
                .map(|(p, i)| (p.to_string(), PageId::new(i)))
                .collect(),
            assets: ["img/arch.png".to_string()].into_iter().collect(),
            filter: Some(crate::content::walk::Filter::new(
                std::path::Path::new("/hb"),
                std::path::Path::new("/hb/public"),
                &["drafts/**".to_string()],
            )),
        }
    }

    #[test]
    fn classifies_what_a_path_is_to_the_site() {
        let k = known();
        assert_eq!(classify("runbooks/db.md", &k), Change::Page(PageId::new(1)));
        assert_eq!(
            classify("img/arch.png", &k),
            Change::Asset("img/arch.png".into())
        );
        assert_eq!(classify("handbook.toml", &k), Change::Config);
        assert_eq!(classify("team.toml", &k), Change::Config);
        assert_eq!(classify("health/2026-Q3.toml", &k), Change::Config);
        assert_eq!(classify("metrics/uptime.csv", &k), Change::Config);
        assert_eq!(classify("runbooks/.gitignore", &k), Change::Config);
        assert_eq!(classify("templates/page.html", &k), Change::Theme);
        assert_eq!(classify("themes/dark/static/x.css", &k), Change::Theme);
        assert_eq!(classify("runbooks/new.md", &k), Change::Structure);
        assert_eq!(classify("wip.md", &k), Change::Structure, "a draft");
        assert_eq!(classify("runbooks/img", &k), Change::Structure);
    }

    #[test]
    fn ignores_output_hidden_skipped_excluded_and_editor_scratch_files() {
        let k = known();
        for path in [
            "public/index.html",
            "public",
            ".git/index",
            "runbooks/.db.md.swp",
            "runbooks/db.md~",
            "runbooks/4913",
            "runbooks/#db.md#",
            "runbooks/db.md___jb_tmp___",
            "runbooks/db.md___jb_old___",
            "runbooks/db.md.tmp",
            "node_modules/x/readme.md",
            "tools/target/debug/x",
            "drafts/old.md",
            "",
        ] {
            assert_eq!(classify(path, &k), Change::Ignored, "{path}");
        }
        assert_eq!(
            classify("publications/x.md", &k),
            Change::Structure,
            "only the output folder itself is ignored"
        );
    }

    #[test]
    fn plans_the_cheapest_covering_work() {
        assert_eq!(plan([Change::Ignored]), Plan::Nothing);
        assert_eq!(
            plan([
                Change::Page(PageId::new(3)),
                Change::Ignored,
                Change::Page(PageId::new(1)),
                Change::Page(PageId::new(3))
            ]),
            Plan::Edits {
                pages: vec![PageId::new(1), PageId::new(3)],
                assets: vec![]
            }
        );
        assert_eq!(
            plan([Change::Page(PageId::new(1)), Change::Theme]),
            Plan::Templates
        );
        assert_eq!(plan([Change::Theme, Change::Structure]), Plan::Full);
        assert_eq!(
            plan([Change::Config, Change::Page(PageId::new(0))]),
            Plan::Full
        );
    }
}
