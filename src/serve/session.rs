//! A live preview's state: the loaded site, the render memo and the output
//! files in memory, brought up to date by batches of changed paths. It knows
//! nothing about HTTP or file watching, so it is tested directly: after any
//! sequence of edits its files and diagnostics equal a fresh full build's.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::content;
use crate::diagnostics::{self, Diagnostic, Severity};
use crate::pages::PageId;
use crate::site::output::{Files, MemorySink, Sink};
use crate::site::{BuildOptions, Fatal, Memo, Site};

use super::plan::{self, Known, Plan};

/// How much of the site a batch of changes rebuilt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    /// The changes touched nothing the site is made of.
    Nothing,
    /// Edited pages (and the pages whose context they moved) were rendered again.
    Edit,
    /// Templates changed: every page was rendered again from the kept model.
    Templates,
    /// The site was loaded again from the files.
    Full,
}

/// What one batch of changes did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub work: Work,
    /// Pages rendered again.
    pub pages: usize,
    pub elapsed: Duration,
    /// True when the search index still has to be brought up to date
    /// ([`Session::refresh_search`]).
    pub search_stale: bool,
}

/// The site as a live preview holds it.
#[derive(Debug)]
pub struct Session {
    options: BuildOptions,
    site: Site,
    memo: Memo,
    files: Files,
    diagnostics: Vec<Diagnostic>,
    known: Known,
    /// The repository's git folder: a change there may be a commit.
    git_dir: Option<PathBuf>,
    /// The commit `HEAD` pointed at when the history was read.
    head: Option<String>,
    /// Blob ids of the handbook's files at `HEAD`.
    head_blobs: HashMap<String, gix::ObjectId>,
    /// Pages whose file differs from `HEAD` (source paths).
    uncommitted: BTreeSet<String>,
}

impl Session {
    /// Loads and renders the whole site into memory.
    pub fn start(options: BuildOptions) -> Result<Session, Fatal> {
        let (site, memo, files) = full_build(&options)?;
        let mut session = Session {
            known: Known::default(),
            diagnostics: Vec::new(),
            git_dir: None,
            head: None,
            head_blobs: HashMap::new(),
            uncommitted: BTreeSet::new(),
            options,
            site,
            memo,
            files,
        };
        session.settle();
        session.read_git();
        Ok(session)
    }

    /// The output files as a build would write them now.
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// Every diagnostic of the site as it is now, sorted.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn pages(&self) -> usize {
        self.site.loaded.pages.len()
    }

    pub fn root(&self) -> &Path {
        &self.site.loaded.root
    }

    pub fn output_dir(&self) -> &Path {
        &self.site.loaded.output_dir
    }

    /// The repository's git folder, when the handbook is in one.
    pub fn git_dir(&self) -> Option<&Path> {
        self.git_dir.as_deref()
    }

    /// Output files of pages whose source has changes not committed yet.
    pub fn uncommitted(&self) -> BTreeSet<String> {
        self.site
            .loaded
            .pages
            .iter()
            .filter(|p| self.uncommitted.contains(&p.source_path))
            .map(|p| crate::paths::page_file(&p.url))
            .collect()
    }

    /// Reads where `HEAD` is and what it holds, and which pages differ.
    fn read_git(&mut self) {
        if !self.site.loaded.config.git_history {
            return;
        }
        self.git_dir = crate::git::git_dir(&self.site.loaded.root);
        self.head = crate::git::head(&self.site.loaded.root);
        self.head_blobs = crate::git::head_blobs(&self.site.loaded.root).unwrap_or_default();
        let all: Vec<String> = self
            .site
            .loaded
            .pages
            .iter()
            .filter(|p| !p.generated)
            .map(|p| p.source_path.clone())
            .collect();
        self.uncommitted.clear();
        self.mark_uncommitted(&all);
    }

    /// Compares the files at `paths` (handbook-relative) with `HEAD`.
    fn mark_uncommitted(&mut self, paths: &[String]) {
        if self.git_dir.is_none() {
            return;
        }
        use rayon::prelude::*;
        let root = &self.site.loaded.root;
        let blobs = &self.head_blobs;
        let differs: Vec<(String, bool)> = paths
            .par_iter()
            .map(|path| {
                let now = std::fs::read(root.join(path))
                    .ok()
                    .and_then(|bytes| crate::git::blob_id(&bytes));
                (
                    path.clone(),
                    now.is_none() || now.as_ref() != blobs.get(path),
                )
            })
            .collect();
        for (path, differs) in differs {
            if differs {
                self.uncommitted.insert(path);
            } else {
                self.uncommitted.remove(&path);
            }
        }
    }

    /// Brings the site up to date with changes to `paths` (absolute, or
    /// relative to the handbook).
    pub fn apply(&mut self, paths: &[PathBuf]) -> Result<Outcome, Fatal> {
        let started = Instant::now();
        let root = self.site.loaded.root.clone();
        // Changes in the git folder matter only when `HEAD` moved (a commit,
        // a checkout): then the history is read again and every page
        // rendered with it.
        let (in_git, paths): (Vec<&PathBuf>, Vec<&PathBuf>) = paths
            .iter()
            .partition(|p| self.git_dir.as_ref().is_some_and(|g| p.starts_with(g)));
        let head_moved = !in_git.is_empty() && crate::git::head(&root) != self.head;
        let changes = paths.iter().map(|p| {
            let rel = p.strip_prefix(&root).unwrap_or(p);
            plan::classify(&content::walk::relative(Path::new(""), rel), &self.known)
        });
        let mut plan = plan::plan(changes);
        if head_moved {
            plan = Plan::Full;
        }
        let edited: Vec<String> = match &plan {
            Plan::Edits { pages, .. } => pages
                .iter()
                .filter_map(|&i| self.site.loaded.pages.get(i).map(|p| p.source_path.clone()))
                .collect(),
            _ => Vec::new(),
        };
        let (work, pages) = match plan {
            Plan::Nothing => (Work::Nothing, 0),
            Plan::Edits { pages, assets } => match self.edit(&pages, &assets) {
                Some(rendered) => (Work::Edit, rendered),
                None => (Work::Full, self.reload()?),
            },
            Plan::Templates => (Work::Templates, self.rerender()),
            Plan::Full => (Work::Full, self.reload()?),
        };
        match work {
            Work::Nothing => {}
            Work::Edit => {
                self.collect_diagnostics();
                self.mark_uncommitted(&edited);
            }
            Work::Templates | Work::Full => {
                self.settle();
                self.read_git();
            }
        }
        Ok(Outcome {
            work,
            pages,
            elapsed: started.elapsed(),
            search_stale: work == Work::Edit && self.site.loaded.config.search,
        })
    }

    /// Writes the search index again from the current pages. The preview
    /// calls it after sending the reload, so search never delays a reload.
    pub fn refresh_search(&mut self) {
        // The number of shards and chunks varies: drop the old index files.
        let index = format!("{}/", crate::search::DIR);
        self.files
            .retain(|path, _| !(path.starts_with(&index) && path.ends_with(".json")));
        let sink = MemorySink::over(std::mem::take(&mut self.files));
        self.site.write_search(&mut self.memo, &sink);
        self.files = sink.into_files();
        self.collect_diagnostics();
    }

    /// Re-reads edited pages and copies edited assets; `None` when the edit
    /// changed the site's structure and it must be reloaded.
    fn edit(&mut self, pages: &[PageId], assets: &[String]) -> Option<usize> {
        let mut edits = Vec::new();
        for &i in pages {
            let old = self.site.loaded.pages.get(i)?;
            let (page, diagnostics) = content::load_page(
                &self.site.loaded.root,
                &old.source_path,
                old.is_section_index,
            );
            let mut page = page?;
            if !self.site.loaded.config.pretty_urls && !page.is_section_index {
                page.url = content::flat_url(&page.url);
            }
            if page.front.draft && !self.options.drafts {
                return None;
            }
            page.diagnostics = diagnostics;
            edits.push((i, page));
        }
        let sink = MemorySink::over(std::mem::take(&mut self.files));
        for asset in assets {
            // A failed copy is reported the way a build reports it: reload.
            if sink
                .copy(&self.site.loaded.root.join(asset), asset)
                .is_err()
            {
                self.files = sink.into_files();
                return None;
            }
        }
        let update = self.site.apply_edits(&mut self.memo, edits, &sink);
        self.files = sink.into_files();
        update.ok().map(|u| u.pages)
    }

    /// Renders every page again with the templates as they are now.
    fn rerender(&mut self) -> usize {
        self.site.loaded.reload_templates();
        let sink = MemorySink::default();
        let (_, memo) = self.site.render_keeping(&sink);
        self.memo = memo;
        self.files = sink.into_files();
        self.site.loaded.pages.len()
    }

    /// Loads and renders everything again. Files that did not change keep
    /// sharing their bytes with the snapshot being served.
    fn reload(&mut self) -> Result<usize, Fatal> {
        let (site, memo, files) = full_build(&self.options)?;
        let old = std::mem::take(&mut self.files);
        self.files = files
            .into_iter()
            .map(|(path, bytes)| match old.get(&path) {
                Some(same) if **same == *bytes => (path, same.clone()),
                _ => (path, bytes),
            })
            .collect();
        self.site = site;
        self.memo = memo;
        Ok(self.site.loaded.pages.len())
    }

    /// Recomputes what the planner knows and the sorted diagnostics.
    fn settle(&mut self) {
        self.collect_diagnostics();
        let site = &self.site;
        let pages: HashMap<String, PageId> = site
            .loaded
            .pages
            .enumerate()
            .filter(|(_, p)| !p.generated)
            .map(|(i, p)| (p.source_path.clone(), i))
            .collect();
        self.known = Known {
            pages,
            assets: site.loaded.assets.iter().cloned().collect(),
            filter: Some(content::walk::Filter::new(
                &site.loaded.root,
                &site.loaded.output_dir,
                &site.loaded.config.exclude,
            )),
        };
    }

    fn collect_diagnostics(&mut self) {
        let mut all = self.site.diagnostics();
        all.extend(self.memo.diagnostics());
        diagnostics::sort(&mut all);
        self.diagnostics = all;
    }
}

/// Loads and renders the site into memory.
fn full_build(options: &BuildOptions) -> Result<(Site, Memo, Files), Fatal> {
    let mut site = Site::load(options)?;
    // The whole-handbook document is every page at once: a preview that
    // rewrites only what changed leaves it to `build`.
    site.loaded.config.print = false;
    let sink = MemorySink::default();
    let (_, memo) = site.render_keeping(&sink);
    Ok((site, memo, sink.into_files()))
}
