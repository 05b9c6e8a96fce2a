//! The build pipeline, one owned value per stage: [`Site::load`] gives the
//! load stage's [`Loaded`] (config, walk, front matter, sections, history,
//! templates) and the model stage's [`Modelled`] (kinds, records, the ADR
//! graph, decision history); [`Site::render`] borrows both, renders
//! (markdown, link graph, templates) into a [`output::Sink`] and hands back a
//! [`Rendering`] (what was emitted and found) and, for a live preview, a
//! [`Memo`] (what it learned).
//!
//! Per-page stages run in parallel with rayon and look other pages up through
//! maps, so the work per page does not grow with the size of the site. Every
//! stage collects diagnostics and the pipeline keeps going, so one run reports
//! every problem. Nothing here prints or reads the clock except for timings.

mod cache;
pub mod charts;
mod context;
mod generated;
mod load;
mod navigation;
pub mod output;
mod render;
mod reserved;
pub mod sections;
mod snapshot;
pub mod views;

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{self, Config};
use crate::content::{self, Page};
use crate::diagnostics::{Diagnostic, Severity};
use crate::kinds::{self, Kind};
use crate::markdown::{Highlighter, Rendered};
use crate::pages::PageTable;
use crate::templates;
use output::Sink;
pub use render::{Memo, NeedsReload, Update};
use sections::Tree;
pub use snapshot::{PageFacts, Snapshot, snapshot};

/// What to build and how; filled in by the command line.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Overrides `output_dir` from the config.
    pub output_dir: Option<PathBuf>,
    /// Overrides `base_url` from the config.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Also write the whole handbook as one document (`[print] enabled`).
    pub print: bool,
    /// "Today", for review dates. The command line sets it from the clock or
    /// `SOURCE_DATE_EPOCH`; `None` means the clock.
    pub today: Option<jiff::civil::Date>,
    /// Read no git history (page dates, authors, decision history), as if
    /// `[git] history = false`.
    pub no_history: bool,
    /// Build a commit's files instead of the work tree's (`handbook diff`):
    /// `root` is the handbook inside [`crate::git::Checkout::repository`],
    /// the fence is that folder, links into the repository resolve against
    /// the commit's paths, and no history is read.
    pub checkout: Option<std::sync::Arc<crate::git::Checkout>>,
    /// Neither read nor write the build cache (`build --no-cache`).
    pub no_cache: bool,
}

/// Today's date in UTC, or the date of `SOURCE_DATE_EPOCH` when it is set, so a
/// build can be reproduced exactly (the reproducible-builds convention).
pub fn today(source_date_epoch: Option<&str>) -> jiff::civil::Date {
    let now = source_date_epoch
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
        .unwrap_or_else(jiff::Timestamp::now);
    jiff::tz::Offset::UTC.to_datetime(now).date()
}

/// Problems that stop the tool before it can report on the content.
#[derive(Debug)]
pub enum Fatal {
    /// No `handbook.toml` in the given folder.
    MissingConfig(PathBuf),
    /// The given folder does not exist (or is not a folder).
    MissingDir(PathBuf),
    Io {
        context: String,
        error: io::Error,
    },
    /// The output folder is one a build must not replace.
    UnsafeOutput {
        dir: PathBuf,
        reason: String,
    },
}

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fatal::MissingConfig(dir) => write!(
                f,
                "no {} in {}\n  help: run `handbook init {}` to start a handbook there",
                config::CONFIG_FILE,
                dir.display(),
                dir.display()
            ),
            Fatal::MissingDir(dir) => write!(
                f,
                "the folder {} does not exist\n  help: give the folder that holds handbook.toml (default: the current folder)",
                dir.display()
            ),
            Fatal::Io { context, error } => write!(f, "{context}: {error}"),
            Fatal::UnsafeOutput { dir, reason } => write!(
                f,
                "refusing to build into {}: {reason}\n  help: nothing was written or deleted",
                dir.display()
            ),
        }
    }
}

/// Receives progress from the render stage (a progress bar, or nothing).
pub trait Progress: Sync {
    fn start(&self, _total: usize) {}
    fn advance(&self) {}
}

/// Reports no progress.
#[derive(Debug)]
pub struct NoProgress;
impl Progress for NoProgress {}

/// A loaded and modelled handbook: the load stage's [`Loaded`] and the
/// model stage's [`Modelled`], each owned, each with its own diagnostics.
/// The render stage borrows both and hands back a [`Memo`] (what it
/// learned) and a [`Rendering`] (what it wrote and found).
#[derive(Debug)]
pub struct Site {
    pub loaded: Loaded,
    pub model: Modelled,
}

/// The load stage: everything read from the file system and the
/// repository. Pages are sorted by source path, generated section pages last.
#[derive(Debug)]
pub struct Loaded {
    pub root: PathBuf,
    /// What no file may be read from outside of (see [`content::walk::Fence`]).
    fence: content::walk::Fence,
    /// The commit being built instead of the work tree, if any.
    checkout: Option<std::sync::Arc<crate::git::Checkout>>,
    pub config: Config,
    /// The text of `handbook.toml`, for diagnostics about settings found
    /// wrong later (a `[nav]` link to no page).
    config_source: String,
    pub output_dir: PathBuf,
    pub pages: PageTable<Page>,
    pub assets: Vec<String>,
    pub tree: Tree,
    /// Markdown files not built: drafts, and files that could not be read.
    drafts: Vec<String>,
    highlighter: Highlighter,
    /// "Today", for review dates.
    today: jiff::civil::Date,
    /// What loading found outside any one page's front matter (config, the
    /// walk, unreadable files, `team.toml`, clashing outputs). Each page keeps
    /// its own front-matter diagnostics.
    diagnostics: Vec<Diagnostic>,
    /// The repository's history of the handbook, when it is in one.
    pub history: Option<crate::git::History>,
    /// Who the repository says owns what (CODEOWNERS, OWNERS files).
    ownership: crate::codeowners::Ownership,
    /// The team health surveys of `health/`, when there are any.
    pub health: Option<crate::kinds::health::Health>,
    /// The alerting rule files `[runbooks] alert_rules` matches, read at load.
    alert_rules: Vec<crate::kinds::runbook::rules::RuleFile>,
    /// The templates; `None` when they failed to load, with
    /// `template_diagnostics` saying why.
    templates: Option<templates::Templates>,
    /// A hash of the templates' names and texts (the theme's and the
    /// handbook's), for telling whether two sites render alike.
    templates_digest: u64,
    template_diagnostics: Vec<Diagnostic>,
    pub timings: Vec<(&'static str, Duration)>,
}

/// The model stage: what the pages are (kinds, records, the ADR graph) and
/// the decision history, rebuilt whole when a record changes.
#[derive(Debug)]
pub struct Modelled {
    /// Page kinds and the records read from them.
    pub kinds: kinds::Model,
    /// What reading the page kinds found.
    diagnostics: Vec<Diagnostic>,
    /// Each decision record's status as the commits left it.
    pub decisions: Vec<kinds::adr::history::Event>,
    /// The status read from each committed version of a decision record,
    /// by blob id (kept, so rebuilding the model reads only new versions).
    statuses: kinds::adr::history::Statuses,
}

/// What [`Site::render`] did and found.
#[derive(Debug)]
pub struct Rendering {
    pub counts: Counts,
    /// Pages rendered and written (the others a build cache vouched for).
    pub rendered: usize,
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Vec<(&'static str, Duration)>,
}

/// The result of rendering: counts for the summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub pages: usize,
    pub assets: usize,
}

fn write_error(path: &str, e: &io::Error) -> Diagnostic {
    Diagnostic::error(
        crate::diagnostics::Code::WriteFailed,
        path,
        format!("cannot write output: {e}"),
    )
}

/// The title shown for a page: front matter, else its leading `#` heading, else
/// its file (or folder) name.
fn title_of(page: &Page, rendered: &Rendered, config: &Config, kind: Kind) -> String {
    if let Some(t) = &page.front.title {
        return t.clone();
    }
    if let Some(t) = &rendered.title {
        // Record titles often carry the number: `# 7. Use Kafka`, `# 23 Logging`.
        if kind == Kind::Adr {
            return kinds::adr::title_parts(t).1.to_string();
        }
        return t.clone();
    }
    if page.is_section_index {
        return match page.folder().rsplit('/').next() {
            Some(name) if !name.is_empty() => sections::humanize(name),
            _ => config.title.clone(),
        };
    }
    sections::humanize(page.stem())
}

/// Loads, renders and writes a handbook atomically; `build` with errors writes nothing.
pub fn build(options: &BuildOptions, progress: &dyn Progress) -> Result<Outcome, Fatal> {
    run(options, progress, true)
}

/// Everything `build` validates, writing nothing.
pub fn check(options: &BuildOptions) -> Result<Outcome, Fatal> {
    run(options, &NoProgress, false)
}

/// `handbook export`: the handbook as data (`handbook.json`, whose shape
/// [`EXPORT_SCHEMA`] describes), with the diagnostics a check gives. Nothing
/// is written.
pub fn export(options: &BuildOptions) -> Result<(Vec<u8>, Outcome), Fatal> {
    let mut site = Site::load(options)?;
    site.loaded.config.json = true;
    let mut diagnostics = site.diagnostics();
    let capture = output::Capture::new(generated::EXPORT_FILE);
    let rendering = site.render(&capture, &NoProgress);
    diagnostics.extend(rendering.diagnostics);
    crate::diagnostics::sort(&mut diagnostics);
    let outcome = Outcome {
        stale: site.stale(),
        diagnostics,
        counts: rendering.counts,
        output_dir: site.loaded.output_dir.clone(),
        written: false,
        files: None,
        pages: None,
        timings: site.loaded.timings,
    };
    Ok((capture.take().unwrap_or_default(), outcome))
}

pub use generated::{EXPORT_SCHEMA, EXPORT_VERSION};

/// A page whose review is overdue (`handbook check --stale`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stale {
    /// Always `"stale"`: JSON lines of `check --stale` mix these with
    /// diagnostics (`"diagnostic"`), so each line says what it is.
    #[serde(rename = "type")]
    pub record: &'static str,
    pub path: String,
    /// When the review was due.
    pub due: String,
    pub last_reviewed: Option<String>,
    /// True when `last_reviewed` is the page's last commit.
    pub from_git: bool,
    pub review_every: String,
}

impl Site {
    /// Pages whose review is overdue, sorted by path.
    pub fn stale(&self) -> Vec<Stale> {
        let mut stale: Vec<Stale> = self
            .model
            .kinds
            .schedules()
            .filter(|(_, s)| s.review == kinds::schedule::Review::Overdue)
            .map(|(p, s)| Stale {
                record: "stale",
                path: self.loaded.pages[p].source_path.clone(),
                due: s
                    .next_review
                    .as_ref()
                    .map(|d| d.as_str().to_string())
                    .unwrap_or_default(),
                last_reviewed: s.last_reviewed.as_ref().map(|d| d.as_str().to_string()),
                from_git: s.from_git,
                review_every: s.review_every.clone(),
            })
            .collect();
        stale.sort_by(|a, b| a.path.cmp(&b.path));
        stale
    }
}

/// What a build or check found and did.
#[derive(Debug)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub counts: Counts,
    pub output_dir: PathBuf,
    /// True when the output folder was replaced.
    pub written: bool,
    /// Pages whose review is overdue, by path.
    pub stale: Vec<Stale>,
    /// Files written, and files kept from the previous output because their
    /// bytes did not change (a build only).
    pub files: Option<(usize, usize)>,
    /// Pages rendered, and pages whose files a build cache kept (`None`
    /// when the build started from no cache).
    pub pages: Option<(usize, usize)>,
    pub timings: Vec<(&'static str, Duration)>,
}

fn run(options: &BuildOptions, progress: &dyn Progress, write: bool) -> Result<Outcome, Fatal> {
    let mut site = Site::load(options)?;
    // The build cache: read when it was written for this binary, settings
    // and templates, and (for a build) the output it describes is there to
    // update in place. A check reads it to skip what it vouches for, and
    // never writes it: it made no output for the cache to describe. It is
    // read while the output folder is checked and listed.
    let t = Instant::now();
    let key = (!options.no_cache && !site.loaded.config.print).then(|| cache::key(&site, options));
    let exe = cache::Exe::current();
    let read_cache = |dir: &Path, earlier: bool| {
        let t = Instant::now();
        let store = key.and_then(|_| cache::Store::of(dir));
        // Without an earlier output there is nothing to update in place.
        let (previous, reading) = match (key, &store) {
            (Some(key), Some(store)) if earlier || !write => {
                (store.load(key, &exe), Some(t.elapsed()))
            }
            _ => (None, None),
        };
        (store, previous, reading)
    };
    // `check` refuses the same folders, so CI fails before a build would.
    let (output_dir, listing, (store, mut previous, reading)) =
        site.checked_output(options.output_dir.is_none(), read_cache)?;
    site.loaded.output_dir = output_dir;
    let cached = key.zip(store);
    let timings = &mut site.loaded.timings;
    timings.push(("output folder check", t.elapsed()));
    if let Some(reading) = reading {
        timings.push(("└ build cache read, alongside", reading));
    }
    let mut diagnostics = site.diagnostics();
    let cannot_create = |error| Fatal::Io {
        context: format!(
            "cannot create a build folder beside {}",
            site.loaded.output_dir.display()
        ),
        error,
    };
    let on_disk = listing.map(output::without_pending).unwrap_or_default();
    let sink = if write {
        let in_place = previous.as_mut().and_then(|previous| {
            let files = std::mem::take(&mut previous.files);
            output::InPlace::new(&site.loaded.output_dir, files, on_disk).ok()
        });
        match in_place {
            Some(in_place) => Out::InPlace(Box::new(in_place)),
            None => {
                previous = None;
                Out::Staging(output::Staging::new(&site.loaded.output_dir).map_err(cannot_create)?)
            }
        }
    } else {
        Out::Null(output::NullSink {
            vouches: previous.is_some(),
        })
    };
    let from_cache = previous.is_some();
    // A build that may write the cache keeps what it needs; a check keeps
    // only what telling unchanged pages apart needs.
    let keep = if (write && cached.is_some()) || from_cache {
        render::Keep::Cache
    } else {
        render::Keep::Nothing
    };
    let (rendering, memo) = site.render_all(sink.sink(), progress, keep, previous);
    diagnostics.extend(rendering.diagnostics);
    site.loaded.timings.extend(rendering.timings);
    let counts = rendering.counts;
    crate::diagnostics::sort(&mut diagnostics);
    let failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    let mut written = false;
    let mut files = None;
    let replace_failed = |error| Fatal::Io {
        context: format!("cannot replace {}", site.loaded.output_dir.display()),
        error,
    };
    let mut output_files = None;
    if !failed {
        let t = Instant::now();
        match sink {
            Out::Staging(staging) => {
                files = Some(staging.files());
                let facts = cached.is_some().then(|| staging.facts());
                staging.commit().map_err(replace_failed)?;
                written = true;
                output_files = facts;
            }
            Out::InPlace(in_place) => {
                let done = in_place.commit().map_err(replace_failed)?;
                files = Some((done.written, done.kept));
                written = true;
                output_files = Some(done.files);
            }
            Out::Null(_) => {}
        }
        if written {
            site.loaded.timings.push(("commit", t.elapsed()));
        }
    } else if let Out::Staging(staging) = &sink {
        files = Some(staging.files());
    }
    if let (Some((key, store)), Some(output_files)) = (&cached, &output_files) {
        let t = Instant::now();
        // A cache that cannot be written costs the next build its speed only.
        let _ = store.save(*key, &exe, &memo.cache_parts(&site), output_files);
        site.loaded.timings.push(("build cache write", t.elapsed()));
    }
    let pages = from_cache.then(|| (rendering.rendered, counts.pages - rendering.rendered));
    let outcome = Outcome {
        stale: site.stale(),
        diagnostics,
        counts,
        output_dir: site.loaded.output_dir.clone(),
        written,
        files,
        pages,
        timings: std::mem::take(&mut site.loaded.timings),
    };
    // Freeing every page's structures takes tens of milliseconds at 10,000
    // pages, which the caller need not wait for. A commit's files (`diff`)
    // are a folder removed on drop, so such a site is freed here.
    if options.checkout.is_none() {
        free_aside((site, memo));
    }
    Ok(outcome)
}

/// Drops `value` on a thread of its own (or here, when none can be started).
/// The process may end before it is done, so `value` must own nothing whose
/// drop changes the file system.
fn free_aside<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("free".into())
        .spawn(move || drop(value));
}

/// Where a run writes.
enum Out {
    Staging(output::Staging),
    InPlace(Box<output::InPlace>),
    Null(output::NullSink),
}

impl Out {
    fn sink(&self) -> &dyn Sink {
        match self {
            Out::Staging(s) => s,
            Out::InPlace(s) => s.as_ref(),
            Out::Null(s) => s,
        }
    }
}
