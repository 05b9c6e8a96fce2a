//! The handbook's page kinds: which kind a page is, and the kind-specific models
//! (ADRs first) validated from its front matter and body.
//!
//! A kind comes from front matter `kind`, else from the file name (`charter.md`),
//! else from the nearest folder in the kind map (`decisions/` → ADR; configurable
//! with `[kinds]` in `handbook.toml`). This module reads pages; it does not render.

pub mod adr;
pub mod channels;
pub mod charter;
pub mod health;
pub mod people;
pub mod review;
pub mod roles;
pub mod runbook;
pub mod schedule;
pub mod skills;

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;

use crate::content::Page;
use crate::diagnostics::{Code, Diagnostic};
use crate::pages::{PageId, PageTable};

mod checks;
mod folders;

use checks::*;
pub use checks::{ANY_PAGE_FIELDS, COMMON_FIELDS, schema};
pub use folders::{FolderKinds, infer};

/// What a page is, as far as the handbook is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Page,
    Adr,
    Runbook,
    Aar,
    Retro,
    Charter,
    Channels,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Page,
        Kind::Adr,
        Kind::Runbook,
        Kind::Aar,
        Kind::Retro,
        Kind::Charter,
        Kind::Channels,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Adr => "adr",
            Kind::Runbook => "runbook",
            Kind::Aar => "aar",
            Kind::Retro => "retro",
            Kind::Charter => "charter",
            Kind::Channels => "channels",
        }
    }

    /// The kind as a reader sees it named (`ADR`, `After-action review`).
    pub fn label(self) -> &'static str {
        match self {
            Kind::Page => "Page",
            Kind::Adr => "ADR",
            Kind::Runbook => "Runbook",
            Kind::Aar => "After-action review",
            Kind::Retro => "Retro",
            Kind::Charter => "Charter",
            Kind::Channels => "Channel guide",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name.trim()))
    }

    /// "adr, runbook, …" for "allowed values" hints.
    pub fn names() -> String {
        Kind::ALL.map(Kind::name).join(", ")
    }
}

/// What `handbook new` writes where it cannot know the value (who owns a
/// runbook, when no one in `team.toml` is the person running it): `check`
/// reports each page holding it once, as one "fill in" warning.
pub const PLACEHOLDER: &str = "<fill in>";

/// What the model read from one page: its kind's record (a plain page has
/// none). Every kind's presentation matches on this, so a kind added here
/// and not presented does not compile.
#[derive(Debug)]
pub enum Record {
    Page,
    Adr(adr::Adr),
    Runbook(runbook::Runbook),
    /// An after-action review or a retrospective (the page's kind says which).
    Review(review::Review),
    Charter(charter::Charter),
    Channels(Vec<channels::Channel>),
}

/// The model of one page: its kind, its kind's record, and what any page
/// may carry besides (RACI, RAPID, a review schedule).
#[derive(Debug)]
pub struct Entry {
    pub kind: Kind,
    pub record: Record,
    /// `[[raci]]` rows.
    pub raci: Option<Vec<roles::RaciRow>>,
    /// `[rapid]` roles.
    pub rapid: Option<roles::Rapid>,
    /// The review schedule: every runbook's, and any page's with
    /// `review_every`.
    pub schedule: Option<schedule::Schedule>,
}

impl Entry {
    const PAGE: Entry = Entry {
        kind: Kind::Page,
        record: Record::Page,
        raci: None,
        rapid: None,
        schedule: None,
    };
}

/// The handbook model over all pages: each page's [`Entry`], and what is
/// read across pages (the ADR graph, the alert map).
#[derive(Debug, Default)]
pub struct Model {
    /// `team.toml`, when the handbook has one.
    pub team: Option<people::Team>,
    pub pages: PageTable<Entry>,
    pub adr_graph: adr::Graph,
    /// Alert name → the runbook page that handles it.
    pub alerts: BTreeMap<String, PageId>,
    /// How many pages of each kind there are, and how many have a review
    /// schedule: what a page's header and the generated pages ask of the
    /// whole site, answered without a scan.
    counts: BTreeMap<Kind, usize>,
    scheduled: usize,
    /// Open action items at the end of each quarter, up to today's (the
    /// home page's trend; see [`fill_histories`]).
    pub open_actions: Vec<charter::Point>,
}

/// The records of one kind, in page order, with their pages.
macro_rules! records {
    ($one:ident, $all:ident, $variant:ident, $ty:ty) => {
        /// The page's record of this kind, if it is one.
        pub fn $one(&self, page: PageId) -> Option<&$ty> {
            match self.pages.get(page).map(|e| &e.record) {
                Some(Record::$variant(r)) => Some(r),
                _ => None,
            }
        }

        /// Every record of this kind, in page order.
        pub fn $all(&self) -> impl Iterator<Item = (PageId, &$ty)> {
            self.pages.enumerate().filter_map(|(p, e)| match &e.record {
                Record::$variant(r) => Some((p, r)),
                _ => None,
            })
        }
    };
}

impl Model {
    pub fn kind(&self, page: PageId) -> Kind {
        self.pages.get(page).map_or(Kind::Page, |e| e.kind)
    }

    /// How many pages are of `kind`.
    pub fn count(&self, kind: Kind) -> usize {
        self.counts.get(&kind).copied().unwrap_or(0)
    }

    /// True when some page is an after-action review or a retrospective.
    pub fn has_reviews(&self) -> bool {
        self.count(Kind::Aar) + self.count(Kind::Retro) > 0
    }

    /// True when some page has a review schedule.
    pub fn has_schedules(&self) -> bool {
        self.scheduled > 0
    }

    records!(adr, adrs, Adr, adr::Adr);
    records!(runbook, runbooks, Runbook, runbook::Runbook);
    records!(review, reviews, Review, review::Review);
    records!(charter, charters, Charter, charter::Charter);
    records!(channels, channel_guides, Channels, Vec<channels::Channel>);

    /// Every page with a review schedule, in page order.
    pub fn schedules(&self) -> impl Iterator<Item = (PageId, &schedule::Schedule)> {
        self.pages
            .enumerate()
            .filter_map(|(p, e)| Some((p, e.schedule.as_ref()?)))
    }

    pub fn schedule(&self, page: PageId) -> Option<&schedule::Schedule> {
        self.pages.get(page)?.schedule.as_ref()
    }

    pub fn raci(&self, page: PageId) -> Option<&[roles::RaciRow]> {
        self.pages.get(page)?.raci.as_deref()
    }

    pub fn rapid(&self, page: PageId) -> Option<&roles::Rapid> {
        self.pages.get(page)?.rapid.as_ref()
    }
}

/// A record with the page it came from, as the checks across pages see it.
#[derive(Debug)]
pub struct OnPage<'a, T> {
    pub page: PageId,
    pub path: &'a str,
    pub folder: &'a str,
    pub source: &'a str,
    pub record: &'a T,
}

impl<'a, T> OnPage<'a, T> {
    fn new(pages: &'a PageTable<Page>, (page, record): (PageId, &'a T)) -> Self {
        let p = &pages[page];
        OnPage {
            page,
            path: &p.source_path,
            folder: p.folder(),
            source: &p.source,
            record,
        }
    }
}

/// What classifying and checking pages needs from outside them.
#[derive(Clone, Copy, Debug)]
pub struct Settings<'a> {
    pub folders: &'a FolderKinds,
    /// "Today", for review dates; passed in so builds are reproducible.
    pub today: jiff::civil::Date,
    /// Default runbook review interval (`[runbooks] review_every`).
    pub review_every: &'a schedule::Interval,
    /// The repository's history: a review schedule without `last_reviewed`
    /// counts from the page's last commit.
    pub history: Option<&'a crate::git::History>,
    /// `[runbooks]`: how runbooks without front matter are read.
    pub runbooks: &'a runbook::Import,
    /// `[adr]`: how records written for other tools are read.
    pub adr: &'a adr::Settings,
    /// Who the repository says owns each page (CODEOWNERS, OWNERS).
    pub owners: Option<&'a dyn Owners>,
}

/// Who the repository says owns a page (`codeowners::Ownership` is the
/// implementation; a trait here so kinds do not depend on it).
pub trait Owners: std::fmt::Debug + Sync {
    /// The owner of the page at `path` (relative to the handbook) and where
    /// that is said, as a `team.toml` handle when the team knows them.
    fn owner_of(&self, path: &str, team: Option<&people::Team>) -> Option<(String, String)>;

    /// A warning when the repository names owners of the page at `path`
    /// and `owner` (written at `span` of `source`) is not one of them.
    fn disagreement(
        &self,
        path: &str,
        source: &str,
        owner: &str,
        span: Option<Range<usize>>,
        team: Option<&people::Team>,
    ) -> Option<Diagnostic>;
}

/// What one page turned out to be, and the problems found in it.
#[derive(Debug)]
struct Classified {
    entry: Entry,
    diagnostics: Vec<Diagnostic>,
}

fn classify(page: &Page, settings: Settings<'_>, team: Option<&people::Team>) -> Classified {
    let mut c = Classified {
        entry: Entry::PAGE,
        diagnostics: Vec::new(),
    };
    if page.generated {
        return c;
    }
    let last_change = settings
        .history
        .and_then(|h| h.files.get(&page.source_path))
        .and_then(|f| jiff::Timestamp::from_second(f.updated).ok())
        .map(|t| jiff::tz::Offset::UTC.to_datetime(t).date());
    let declared = page.front.kind.as_deref().zip(page.front.kind_span.clone());
    let (kind, d) = infer(
        &page.source_path,
        &page.source,
        declared,
        page.is_section_index,
        settings.folders,
    );
    c.entry.kind = kind;
    c.diagnostics.extend(d);
    let mut mentions = Vec::new();
    match kind {
        Kind::Adr => {
            let (adr, more) = adr::parse(page, settings.adr);
            c.diagnostics.extend(more);
            mentions.extend(adr.mentions(&page.source));
            c.entry.record = Record::Adr(adr);
        }
        Kind::Runbook => {
            let kind_folder = settings
                .folders
                .matching(page.folder())
                .filter(|(_, kind)| *kind == Kind::Runbook)
                .map(|(folder, _)| folder);
            let runbook_settings = runbook::Settings {
                today: settings.today,
                review_every: settings.review_every,
                last_change,
                import: settings.runbooks,
                kind_folder,
                owner: settings
                    .owners
                    .and_then(|o| o.owner_of(&page.source_path, team)),
                team,
            };
            let (runbook, more) = runbook::parse(page, runbook_settings);
            c.diagnostics.extend(more);
            c.entry.schedule = Some(schedule::Schedule {
                last_reviewed: runbook.last_reviewed.clone(),
                from_git: runbook.last_reviewed.is_some()
                    && page.front.extra_fields.get("last_reviewed").is_none(),
                review_every: runbook.review_every.clone(),
                next_review: runbook.next_review.clone(),
                review: runbook.review,
            });
            mentions.extend(runbook.mentions(&page.source));
            c.entry.record = Record::Runbook(runbook);
        }
        Kind::Aar | Kind::Retro => {
            let which = if kind == Kind::Aar {
                review::Which::Aar
            } else {
                review::Which::Retro
            };
            let folder = settings
                .folders
                .matching(page.folder())
                .filter(|(_, k)| *k == kind)
                .map(|(folder, _)| folder);
            let (review, more) = review::parse(page, which, folder, settings.today);
            c.diagnostics.extend(more);
            mentions.extend(review.mentions(&page.source));
            c.entry.record = Record::Review(review);
        }
        Kind::Charter => {
            let (charter, more) = charter::parse(page);
            c.diagnostics.extend(more);
            c.entry.record = Record::Charter(charter);
        }
        Kind::Channels => {
            let (channels, more) = channels::parse(page);
            c.diagnostics.extend(more);
            c.entry.record = Record::Channels(channels);
        }
        Kind::Page => {}
    }
    let fields = &page.front.extra_fields;
    let mut x = crate::fields::Extractor::new(&page.source_path, &page.source);
    if kind != Kind::Runbook {
        c.entry.schedule = schedule::schedule(page, &mut x, None, settings.today, last_change);
    }
    if let Some(entry) = fields.get("raci") {
        c.entry.raci = Some(roles::raci(&mut x, entry, &mut mentions));
    }
    if let Some(entry) = fields.get("rapid") {
        c.entry.rapid = roles::rapid(&mut x, entry, &mut mentions);
    }
    let meant = misspelt_fields(&mut x, page, kind);
    c.diagnostics.extend(x.diagnostics);
    // `ownr = "ana"` is the owner, misspelt: not also a missing owner.
    c.diagnostics.retain(|d| {
        d.code != Code::MissingField || !meant.iter().any(|m| d.message.contains(&format!("`{m}`")))
    });
    if page.front.unreadable {
        // The front matter's syntax error is the one problem to report:
        // its fields only look missing.
        c.diagnostics.retain(|d| d.code != Code::MissingField);
    }
    if let Some(team) = team {
        c.diagnostics
            .extend(team.check(&page.source_path, &page.source, &mentions));
    }
    fill_in(page, &mut c.diagnostics);
    c
}

/// A hash of what the model reads from one page (its kind, its records and
/// the problems found in them, cross-page checks aside, and its front
/// matter's `date`, which the charter's counts of reviews by quarter read).
/// A live preview compares it before and after an edit: equal means the
/// model is unchanged.
pub fn fingerprint(page: &Page, settings: Settings<'_>, team: Option<&people::Team>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    format!("{:?}", classify(page, settings, team)).hash(&mut hasher);
    format!("{:?}", page.front.date).hash(&mut hasher);
    hasher.finish()
}

/// Classifies every page and reads and cross-checks the records, in parallel.
pub fn build(
    pages: &PageTable<Page>,
    settings: Settings<'_>,
    team: Option<people::Team>,
) -> (Model, Vec<Diagnostic>) {
    let classified = pages.par_map(|_, page| classify(page, settings, team.as_ref()));
    let mut diagnostics = Vec::new();
    let entries: PageTable<Entry> = classified
        .into_iter()
        .map(|c| {
            diagnostics.extend(c.diagnostics);
            c.entry
        })
        .collect();
    let mut counts = BTreeMap::new();
    for entry in entries.iter() {
        *counts.entry(entry.kind).or_insert(0) += 1;
    }
    let mut model = Model {
        team,
        scheduled: entries.iter().filter(|e| e.schedule.is_some()).count(),
        counts,
        pages: entries,
        ..Model::default()
    };
    let records: Vec<adr::Record<'_>> = model.adrs().map(|r| OnPage::new(pages, r)).collect();
    let (graph, more) = adr::check(&records);
    diagnostics.extend(more);
    let runbooks: Vec<runbook::Record<'_>> =
        model.runbooks().map(|r| OnPage::new(pages, r)).collect();
    let (alerts, more) = runbook::alerts(&runbooks);
    diagnostics.extend(more);
    if let Some(owners) = settings.owners {
        diagnostics.extend(runbook::ownership(&runbooks, owners, model.team.as_ref()));
    }
    if let Some(team) = &model.team {
        diagnostics.extend(runbook::sole_owners(&runbooks, team));
    }
    drop(records);
    drop(runbooks);
    model.adr_graph = graph;
    model.alerts = alerts;
    let mut reviews: Vec<(Option<String>, &mut review::Review)> = model
        .pages
        .iter_mut()
        .zip(pages.iter())
        .filter_map(|(entry, page)| match &mut entry.record {
            Record::Review(review) => Some((
                page.front.date.as_ref().map(|d| d.as_str().to_string()),
                review,
            )),
            _ => None,
        })
        .collect();
    review::follow_up(&mut reviews, settings.today);
    drop(reviews);
    (model, diagnostics)
}

/// What charter metric histories are filled from beyond the pages.
pub struct Outside<'a> {
    /// Decisions' lead times from git (`adr::history::lead_times`).
    pub lead_times: Vec<(String, f64)>,
    /// Reads a metric history file (`metrics/….csv`): its text, or why not.
    pub read: &'a dyn Fn(&str) -> Result<String, String>,
}

/// Fills the history of every charter metric computed `from` the handbook
/// (see [`charter::computed`]), once every page's records are read, and of
/// every metric whose history is a CSV file; problems in those files are the
/// diagnostics returned.
pub fn fill_histories(
    model: &mut Model,
    pages: &PageTable<Page>,
    today: jiff::civil::Date,
    outside: Outside<'_>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut filled: Vec<(PageId, usize, Vec<charter::Point>)> = Vec::new();
    let filled_open;
    {
        let facts = charter::computed::Facts {
            reviews: model
                .reviews()
                .map(|(page, review)| (pages[page].front.date.as_ref().map(|d| d.as_str()), review))
                .collect(),
            scheduled: model.schedules().count(),
            overdue: model
                .schedules()
                .filter(|(_, s)| s.review == schedule::Review::Overdue)
                .count(),
            today,
            lead_times: outside.lead_times,
        };
        let open_actions =
            charter::computed::history(charter::computed::Source::OpenActions, &facts, None);
        filled_open = open_actions;
        for (page, charter) in model.charters() {
            for (i, metric) in charter.metrics.iter().enumerate() {
                if let Some(source) = metric.from {
                    let history =
                        charter::computed::history(source, &facts, metric.severity.as_deref());
                    filled.push((page, i, history));
                } else if let Some((file, at)) = &metric.series {
                    match (outside.read)(file) {
                        Ok(text) => {
                            let (history, more) = charter::parse_series(file, &text);
                            diagnostics.extend(more);
                            filled.push((page, i, history));
                        }
                        Err(why) => {
                            let charter = &pages[page];
                            diagnostics.push(
                                Diagnostic::error(
                                    Code::UnreadableFile,
                                    &charter.source_path,
                                    format!("cannot read the history file `{file}`: {why}"),
                                )
                                .at(&charter.source, at.clone())
                                .with_help("the path is from the handbook's root, e.g. \"metrics/uptime.csv\""),
                            );
                        }
                    }
                }
            }
        }
    }
    model.open_actions = filled_open;
    for (page, i, history) in filled {
        if let Some(Entry {
            record: Record::Charter(charter),
            ..
        }) = model.pages.get_mut(page)
            && let Some(metric) = charter.metrics.get_mut(i)
        {
            metric.history = history;
        }
    }
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(path: &str, folders: &FolderKinds) -> Kind {
        infer(path, "", None, false, folders).0
    }

    #[test]
    fn folders_and_file_names_imply_kinds() {
        let f = FolderKinds::default();
        assert_eq!(kind_of("decisions/0001-x.md", &f), Kind::Adr);
        assert_eq!(
            kind_of("docs/architecture/decisions/0001-x.md", &f),
            Kind::Adr
        );
        assert_eq!(kind_of("runbooks/db/failover.md", &f), Kind::Runbook);
        assert_eq!(kind_of("postmortems/2024-01-02-outage.md", &f), Kind::Aar);
        assert_eq!(kind_of("retros/q1.md", &f), Kind::Retro);
        assert_eq!(kind_of("team/charter.md", &f), Kind::Charter);
        assert_eq!(kind_of("communication.md", &f), Kind::Channels);
        assert_eq!(kind_of("guides/decisions-we-made.md", &f), Kind::Page);
    }

    #[test]
    fn folder_names_match_ignoring_case() {
        let f = FolderKinds::default();
        assert_eq!(kind_of("docs/DECISIONS/001-x.md", &f), Kind::Adr);
        assert_eq!(kind_of("Runbooks/db.md", &f), Kind::Runbook);
        assert_eq!(kind_of("notrunbooks/db.md", &f), Kind::Page);
    }

    #[test]
    fn configured_folders_win_over_defaults() {
        let f = FolderKinds {
            configured: vec![
                ("decisions".into(), Kind::Page),
                ("ops/howto".into(), Kind::Runbook),
            ],
            ..FolderKinds::default()
        };
        assert_eq!(kind_of("decisions/0001-x.md", &f), Kind::Page);
        assert_eq!(kind_of("ops/howto/restart.md", &f), Kind::Runbook);
    }

    #[test]
    fn declared_kind_wins_and_unknown_values_list_the_allowed_ones() {
        let f = FolderKinds::default();
        let src = "kind = \"adrr\"";
        let (kind, d) = infer("runbooks/x.md", src, Some(("ADR", 8..13)), false, &f);
        assert_eq!((kind, d), (Kind::Adr, None));
        let (kind, d) = infer("x.md", src, Some(("adrr", 7..13)), false, &f);
        assert_eq!(kind, Kind::Page);
        let d = d.unwrap_or_else(|| panic!("diagnostic"));
        assert_eq!(
            d.help.as_deref(),
            Some("allowed values: page, adr, runbook, aar, retro, charter, channels")
        );
    }

    #[test]
    fn section_pages_are_plain_pages() {
        assert_eq!(
            infer(
                "decisions/README.md",
                "",
                None,
                true,
                &FolderKinds::default()
            )
            .0,
            Kind::Page
        );
    }
}
