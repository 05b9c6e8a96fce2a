//! The live preview's invariant (its edit steps also drive the build
//! cache's property test, `build_cache.rs`): after any sequence of edits, what serve holds
//! (files and diagnostics) is byte-identical to a fresh full build of the same
//! files. Random edit sequences on a small handbook that has every kind of
//! cross-page dependency: links and anchors, backlinks, titles in navigation,
//! ADR supersedes, runbook owners, AAR actions, charter metrics computed from
//! the AARs or read from a CSV file, survey results, the search index.

use std::path::{Path, PathBuf};

use handbook::serve::session::{Session, Work};
use handbook::site::BuildOptions;
use proptest::prelude::*;

const FILES: &[(&str, &str)] = &[
    ("handbook.toml", "title = \"Property Handbook\"\n"),
    (
        "team.toml",
        "[[people]]\nhandle = \"ana\"\nname = \"Ana Ruiz\"\n\n[[people]]\nhandle = \"bo\"\nname = \"Bo Lind\"\n",
    ),
    (
        "index.md",
        "# Home\n\nStart with [the guide](guides/a.md).\n",
    ),
    (
        "guides/a.md",
        "+++\ntitle = \"Guide A\"\nweight = 1\n+++\n\nSee [B's steps](b.md#Steps) (written in GitHub's any-case style) and [the database](../runbooks/db.md).\n\n## Overview\n\nPlain words about queues.\n",
    ),
    (
        "guides/b.md",
        "+++\ntitle = \"Guide B\"\nweight = 2\n+++\n\n## Steps\n\nRestart the workers.\n",
    ),
    (
        "decisions/0001-use-queues.md",
        "+++\ntitle = \"Use queues\"\nstatus = \"superseded\"\ndate = 2026-01-05\ndeciders = [\"ana\"]\n+++\n\nWe queue work.\n",
    ),
    (
        "decisions/0002-use-streams.md",
        "+++\ntitle = \"Use streams\"\nstatus = \"accepted\"\ndate = 2026-02-01\ndeciders = [\"bo\"]\nsupersedes = [1]\n+++\n\nWe stream work instead. Back to [A](../guides/a.md).\n",
    ),
    (
        "runbooks/db.md",
        "+++\ntitle = \"Database failover\"\nservice = \"db\"\nowner = \"ana\"\nlast_reviewed = 2026-10-01\n+++\n\n## Promote\n\nPromote the replica.\n",
    ),
    (
        "aars/2026-03-01-outage.md",
        "+++\ntitle = \"March outage\"\ndate = 2026-03-01\n\n[[actions]]\nwhat = \"Add an alert\"\nowner = \"bo\"\ndue = 2026-04-01\n+++\n\n## What did we set out to do\n\nShip.\n\n## What actually happened\n\nIt broke.\n\n## Why was there a difference\n\nLoad.\n\n## What will we do differently\n\nTest.\n",
    ),
    (
        "charter.md",
        "+++\ntitle = \"Charter\"\n\n[[metrics]]\nname = \"Reviews a quarter\"\nfrom = \"aars\"\n\n[[metrics]]\nname = \"Time to restore\"\nfrom = \"mttr\"\ntarget = 30\n\n[[metrics]]\nname = \"Uptime\"\nhistory = \"metrics/uptime.csv\"\n\n[[metrics]]\nname = \"Open actions\"\nfrom = \"open-actions\"\n+++\n\nWhat we measure.\n",
    ),
    (
        "metrics/uptime.csv",
        "at,value\n2026-Q1,99.5\n2026-Q2,99.7\n",
    ),
    (
        "health/2026-Q1.toml",
        "[[questions]]\nid = \"safe\"\ntext = \"Safe to disagree\"\ndimension = \"psychological safety\"\nanswers = [0, 0, 1, 3, 3]\n",
    ),
    (
        "img/diagram.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    ),
];

/// Replacement bodies: headings come and go (anchors), links appear, break
/// and point elsewhere, the leading heading (a title) changes.
const BODIES: &[&str] = &[
    "\n## Steps\n\nRestart the workers, then drain the queue.\n",
    "\nNo headings any more. A [broken link](missing.md).\n",
    "\n# A new title\n\n## Steps\n\nSee [the outage](../aars/2026-03-01-outage.md).\n",
    "\n## Overview\n\nLink to [A's overview](../guides/a.md#overview) and [a gone anchor](../guides/b.md#gone).\n",
    "\nA zebra crossing, and the [diagram](../img/diagram.svg).\n",
];

/// Replacement front matter lines (the page keeps its own `weight`).
const FRONTS: &[&str] = &[
    "title = \"Renamed page\"\n",
    "title = \"Same\"\ndescription = \"Now with a description.\"\ntags = [\"ops\"]\n",
    "title = \"Now a record\"\nkind = \"adr\"\nstatus = \"proposed\"\ndate = 2026-05-05\n",
    "title = \"Owned\"\nkind = \"runbook\"\nservice = \"queue\"\nowner = \"bo\"\n",
    "title = \"Unknown owner\"\nkind = \"runbook\"\nservice = \"db\"\nowner = \"zed\"\n",
    "title = \"Dated\"\ndate = 2020-01-01\n",
    "title = \"An incident\"\nkind = \"aar\"\ndate = 2026-04-02\ntimeline = [{ at = \"2026-04-02T10:00\", event = \"Alert fires\" }, { at = \"2026-04-02T10:45\", event = \"Rolled back\" }]\n",
];

/// Data files rewritten: a metric's history (good, with a bad row, gone) and
/// a survey period (falling, with a typo in a dimension).
const DATA: &[(&str, Option<&str>)] = &[
    (
        "metrics/uptime.csv",
        Some("at,value\n2026-Q1,99.5\n2026-Q2,99.9\n2026-Q3,99.95\n"),
    ),
    (
        "metrics/uptime.csv",
        Some("at,value\nlater,1\n2026-Q2,98\n"),
    ),
    ("metrics/uptime.csv", None),
    (
        "health/2026-Q2.toml",
        Some(
            "[[questions]]\nid = \"safe\"\ntext = \"Safe to disagree\"\ndimension = \"psychological safty\"\nanswers = [2, 3, 1, 0, 0]\n",
        ),
    ),
    ("health/2026-Q2.toml", None),
];

const THEMES: &[Option<&str>] = &[
    None,
    Some(
        "{% extends \"base.html\" %}{% block main %}<article class=\"custom\">{{ page.title }}{{ page.content | safe }}</article>{% endblock %}",
    ),
    Some("{% extends \"base.html\" %}{% block main %}<p>{{ page.title }} v2</p>{% endblock %}"),
];

#[derive(Clone, Debug)]
pub(crate) enum Step {
    Body(usize, usize),
    Front(usize, usize),
    Create(usize),
    Delete(usize),
    Rename(usize, usize),
    Break(usize),
    Theme(usize),
    Asset,
    Data(usize),
}

pub(crate) fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..50usize, 0..BODIES.len()).prop_map(|(p, b)| Step::Body(p, b)),
        3 => (0..50usize, 0..FRONTS.len()).prop_map(|(p, f)| Step::Front(p, f)),
        1 => (0..50usize).prop_map(Step::Create),
        1 => (0..50usize).prop_map(Step::Delete),
        1 => (0..50usize, 0..50usize).prop_map(|(p, n)| Step::Rename(p, n)),
        1 => (0..50usize).prop_map(Step::Break),
        1 => (0..THEMES.len()).prop_map(Step::Theme),
        1 => Just(Step::Asset),
        1 => (0..DATA.len()).prop_map(Step::Data),
    ]
}

pub(crate) struct World {
    dir: tempfile::TempDir,
}

impl World {
    pub(crate) fn new() -> World {
        let dir = tempfile::tempdir().expect("temp dir");
        for (rel, text) in FILES {
            write(dir.path(), rel, text);
        }
        World { dir }
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Markdown pages other than the home page, sorted.
    fn pages(&self) -> Vec<String> {
        let mut pages: Vec<String> = walkdir::WalkDir::new(self.root())
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| {
                let rel = e.path().strip_prefix(self.root()).ok()?;
                let rel = rel.to_string_lossy().replace('\\', "/");
                (rel.ends_with(".md") && rel != "index.md" && !rel.starts_with("templates/"))
                    .then_some(rel)
            })
            .collect();
        pages.sort();
        pages
    }

    /// Carries out `step`; returns the paths it touched.
    pub(crate) fn apply(&self, step: &Step) -> Vec<PathBuf> {
        let pages = self.pages();
        let pick = |i: usize| pages.get(i % pages.len().max(1)).cloned();
        let root = self.root();
        match *step {
            Step::Body(p, b) => {
                let Some(rel) = pick(p) else { return vec![] };
                let (front, _) = split(&read(root, &rel));
                write(root, &rel, &format!("{front}{}", BODIES[b]));
                vec![root.join(rel)]
            }
            Step::Front(p, f) => {
                let Some(rel) = pick(p) else { return vec![] };
                let (front, body) = split(&read(root, &rel));
                let weight = front
                    .lines()
                    .find(|l| l.starts_with("weight"))
                    .map_or(String::new(), |l| format!("{l}\n"));
                write(
                    root,
                    &rel,
                    &format!("+++\n{}{weight}+++\n{body}", FRONTS[f]),
                );
                vec![root.join(rel)]
            }
            Step::Create(n) => {
                let rel = format!("guides/new-{n}.md");
                write(
                    root,
                    &rel,
                    &format!("# New page {n}\n\nLinks to [B](b.md#steps).\n"),
                );
                vec![root.join(rel)]
            }
            Step::Delete(p) => {
                let Some(rel) = pick(p) else { return vec![] };
                let _ = std::fs::remove_file(root.join(&rel));
                vec![root.join(rel)]
            }
            Step::Rename(p, n) => {
                let Some(rel) = pick(p) else { return vec![] };
                let to = format!("guides/moved-{n}.md");
                if rel == to {
                    return vec![];
                }
                let _ = std::fs::rename(root.join(&rel), root.join(&to));
                vec![root.join(rel), root.join(to)]
            }
            Step::Break(p) => {
                let Some(rel) = pick(p) else { return vec![] };
                let (_, body) = split(&read(root, &rel));
                write(root, &rel, &format!("+++\ntitle = \"unclosed\n+++\n{body}"));
                vec![root.join(rel)]
            }
            Step::Theme(t) => {
                let path = root.join("templates/page.html");
                match THEMES[t] {
                    Some(text) => write(root, "templates/page.html", text),
                    None => {
                        let _ = std::fs::remove_file(&path);
                    }
                }
                vec![path]
            }
            Step::Asset => {
                let old = read(root, "img/diagram.svg");
                write(root, "img/diagram.svg", &format!("{old}<!-- edited -->\n"));
                vec![root.join("img/diagram.svg")]
            }
            Step::Data(d) => {
                let (rel, text) = DATA[d];
                match text {
                    Some(text) => write(root, rel, text),
                    None => {
                        let _ = std::fs::remove_file(root.join(rel));
                    }
                }
                vec![root.join(rel)]
            }
        }
    }
}

pub(crate) fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_default()
}

/// (front matter block with fences, or "", body)
fn split(text: &str) -> (String, String) {
    if let Some(rest) = text.strip_prefix("+++\n")
        && let Some(end) = rest.find("\n+++\n")
    {
        let front = format!("+++\n{}\n+++\n", &rest[..end]);
        return (front, rest[end + 5..].to_string());
    }
    (String::new(), text.to_string())
}

fn options(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        // The same "today" as the other tests: 2026-11-20.
        today: Some(jiff::civil::date(2026, 11, 20)),
        ..BuildOptions::default()
    }
}

/// Asserts that the session holds what a fresh build of the same files holds.
fn assert_fresh(session: &Session, root: &Path, history: &[Step]) {
    let fresh = Session::start(options(root)).expect("fresh build");
    let ours: Vec<&String> = session.files().keys().collect();
    let theirs: Vec<&String> = fresh.files().keys().collect();
    assert_eq!(ours, theirs, "the same files after {history:?}");
    for (path, bytes) in fresh.files() {
        assert!(
            session.files().get(path) == Some(bytes),
            "{path} differs after {history:?}:\n--- serve\n{}\n--- build\n{}",
            String::from_utf8_lossy(&session.files()[path]),
            String::from_utf8_lossy(bytes)
        );
    }
    assert_eq!(
        session.diagnostics(),
        fresh.diagnostics(),
        "the same diagnostics after {history:?}"
    );
}

/// Applies `steps` to a fresh world in a live preview, checking after each
/// that it holds what a fresh build would.
fn run_steps(steps: Vec<Step>) {
    let world = World::new();
    let mut session = Session::start(options(world.root())).expect("start");
    let mut history = Vec::new();
    for step in steps {
        let touched = world.apply(&step);
        history.push(step);
        let outcome = session.apply(&touched).expect("apply");
        if outcome.search_stale {
            session.refresh_search();
        }
        assert_fresh(&session, world.root(), &history);
    }
}

fn cases() -> u32 {
    crate::support::cases("HANDBOOK_SERVE_CASES", 24)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn serve_after_any_edits_equals_a_fresh_build(steps in prop::collection::vec(step(), 1..8)) {
        run_steps(steps);
    }
}

#[test]
fn a_body_edit_renders_only_that_page_and_a_title_change_its_neighbours() {
    let world = World::new();
    let root = world.root().to_path_buf();
    let mut session = Session::start(options(&root)).expect("start");
    write(
        &root,
        "guides/b.md",
        "+++\ntitle = \"Guide B\"\nweight = 2\n+++\n\n## Steps\n\nRestart the workers twice.\n",
    );
    let outcome = session.apply(&[root.join("guides/b.md")]).expect("apply");
    assert_eq!((outcome.work, outcome.pages), (Work::Edit, 1));
    // A new title shows in the section's list, siblings and backlinks.
    write(
        &root,
        "guides/b.md",
        "+++\ntitle = \"Guide Bee\"\nweight = 2\n+++\n\n## Steps\n\nRestart the workers twice.\n",
    );
    let outcome = session.apply(&[root.join("guides/b.md")]).expect("apply");
    assert_eq!(outcome.work, Work::Edit);
    assert!(outcome.pages > 2, "{outcome:?}");
    assert!(outcome.pages < session.pages(), "{outcome:?}");
    session.refresh_search();
    assert_fresh(&session, &root, &[]);
}

#[test]
fn a_heading_renamed_elsewhere_updates_the_corrected_href_of_a_page_linking_to_it() {
    let world = World::new();
    let root = world.root().to_path_buf();
    let mut session = Session::start(options(&root)).expect("start");
    let a = "guides/a/index.html";
    let html = |s: &Session| String::from_utf8_lossy(&s.files()[a]).into_owned();
    assert!(
        html(&session).contains("href=\"../b/#steps\""),
        "{}",
        html(&session)
    );
    write(
        &root,
        "guides/b.md",
        "+++\ntitle = \"Guide B\"\nweight = 2\n+++\n\nNo steps any more.\n",
    );
    session.apply(&[root.join("guides/b.md")]).expect("apply");
    assert!(
        html(&session).contains("href=\"../b/#Steps\""),
        "{}",
        html(&session)
    );
    session.refresh_search();
    assert_fresh(&session, &root, &[]);
}

#[test]
fn a_page_that_stops_being_the_charter_leaves_the_header_of_every_page() {
    let world = World::new();
    let root = world.root().to_path_buf();
    let mut session = Session::start(options(&root)).expect("start");
    let header_names_charter = |s: &Session, file: &str| {
        String::from_utf8_lossy(&s.files()[file]).contains("charter/\">Charter</a>")
    };
    assert!(header_names_charter(&session, "404.html"));
    write(
        &root,
        "charter.md",
        "+++\ntitle = \"Now a record\"\nkind = \"adr\"\nstatus = \"proposed\"\ndate = 2026-05-05\n+++\n\nWhat we measure.\n",
    );
    session.apply(&[root.join("charter.md")]).expect("apply");
    for file in ["404.html", "guides/b/index.html", "index.html"] {
        assert!(!header_names_charter(&session, file), "{file}");
    }
    session.refresh_search();
    assert_fresh(&session, &root, &[]);
}

#[test]
fn an_incident_edited_in_the_preview_moves_the_charter_metric_counted_from_it() {
    let world = World::new();
    let root = world.root().to_path_buf();
    let mut session = Session::start(options(&root)).expect("start");
    let charter =
        |s: &Session| String::from_utf8_lossy(&s.files()["charter/index.html"]).into_owned();
    let restore =
        "Time to restore</td><td data-label=\"Target\">≤ 30 min</td><td data-label=\"Current\">";
    assert!(
        charter(&session).contains(&format!("{restore}</td>")),
        "no timeline yet: {}",
        charter(&session)
    );
    write(
        &root,
        "aars/2026-03-01-outage.md",
        "+++\ntitle = \"March outage\"\ndate = 2026-03-01\ntimeline = [{ at = \"2026-03-01T10:00\", event = \"Alert fires\" }, \
         { at = \"2026-03-01T10:25\", event = \"Rolled back\" }]\n+++\n\nIt broke.\n",
    );
    session
        .apply(&[root.join("aars/2026-03-01-outage.md")])
        .expect("apply");
    assert!(
        charter(&session).contains(&format!("{restore}25 min <span class=\"badge kpi-on\">")),
        "{}",
        charter(&session)
    );
    session.refresh_search();
    assert_fresh(&session, &root, &[]);
}

#[test]
fn serve_with_file_urls_equals_a_fresh_build_after_edits() {
    let world = World::new();
    let root = world.root().to_path_buf();
    write(
        &root,
        "handbook.toml",
        "title = \"Property Handbook\"\n\n[output]\npretty_urls = false\n",
    );
    let mut session = Session::start(options(&root)).expect("start");
    assert!(session.files().contains_key("guides/b.html"));
    let edits: [(&str, &str); 3] = [
        (
            "guides/b.md",
            "+++\ntitle = \"Guide B\"\nweight = 2\n+++\n\n## Steps\n\nRestart the workers twice.\n",
        ),
        (
            "guides/b.md",
            "+++\ntitle = \"Guide Bee\"\nweight = 2\n+++\n\n## Steps\n\nRestart them.\n",
        ),
        ("guides/c.md", "# Guide C\n\nSee [B](b.md#steps).\n"),
    ];
    for (path, text) in edits {
        write(&root, path, text);
        let outcome = session.apply(&[root.join(path)]).expect("apply");
        if outcome.search_stale {
            session.refresh_search();
        }
        assert_fresh(&session, &root, &[]);
    }
    assert!(session.files().contains_key("guides/c.html"));
}

/// A sequence the property test found: a review's front matter rewritten
/// to a new `date` (its record unchanged, as its file name dates it); the
/// charter's reviews by quarter, counted from that date, must follow.
#[test]
fn front_matter_edits_recount_the_charter_metrics() {
    run_steps(vec![Step::Front(21, 0), Step::Front(14, 5)]);
}
