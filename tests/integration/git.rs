//! Git history on pages: fixture repositories made with the `git` command
//! (fixed authors and dates, so the output never drifts), then built by the
//! real binary, which reads them natively.

use std::path::Path;
use std::process::Command;

use crate::support::{Fixture, positions};
use handbook::serve::session::Work;

/// Runs `git` in `dir` as `author` at `date` (ISO 8601), isolated from the
/// machine's git configuration.
fn git(dir: &Path, author: &str, date: &str, args: &[&str]) {
    let out = crate::support::git_command(dir, author, date, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Writes `text` to `dir/rel`, making its folders.
fn put(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// Commits everything but the build's output (which a build never commits,
/// and whose committed markdown copies would stop the next build).
fn commit(dir: &Path, author: &str, date: &str, message: &str) {
    git(
        dir,
        author,
        date,
        &["add", "-A", "--", ".", ":(exclude,glob)**/public/**"],
    );
    git(dir, author, date, &["commit", "-q", "-m", message]);
}

/// A handbook whose `guides/failover.md` was written by Dana, edited by
/// Priya and Dana, then renamed by Sam (in `sub`, a folder of the repository,
/// when given).
fn repository(sub: &str) -> Fixture {
    let site = Fixture::empty();
    let root = site.path().to_path_buf();
    let book = root.join(sub);
    git(&root, "Dana", "2026-01-05T10:00:00Z", &["init", "-q"]);
    let write = |rel: &str, text: &str| put(&book, rel, text);
    write("handbook.toml", "title = \"History\"\n");
    write(
        "index.md",
        "# Home\n\nSee [failover](guides/db-failover.md).\n",
    );
    write("guides/failover.md", "# Failover\n\nPromote the replica.\n");
    commit(
        &root,
        "Dana Okafor",
        "2026-01-05T10:00:00Z",
        "Start the handbook",
    );
    write(
        "guides/failover.md",
        "# Failover\n\nPromote the replica, then repoint.\n",
    );
    commit(
        &root,
        "Priya Nair",
        "2026-03-02T09:30:00Z",
        "Repoint after promoting",
    );
    write(
        "guides/failover.md",
        "# Failover\n\nPromote the replica, then repoint the app.\n",
    );
    commit(
        &root,
        "Dana Okafor",
        "2026-10-30T16:45:00Z",
        "Say which app",
    );
    let from = format!("{sub}guides/failover.md");
    let to = format!("{sub}guides/db-failover.md");
    git(
        &root,
        "Sam Ortiz",
        "2026-11-01T08:00:00Z",
        &["mv", &from, &to],
    );
    commit(
        &root,
        "Sam Ortiz",
        "2026-11-01T08:00:00Z",
        "Name the failover page after the database",
    );
    site
}

#[test]
fn pages_show_when_and_by_whom_they_changed_across_a_rename() {
    let site = repository("");
    site.build_ok();
    let page = site.read("public/guides/db-failover/index.html");
    assert!(
        page.contains(
            "<p class=\"page-history\">Updated <time datetime=\"2026-11-01T08:00:00Z\" \
             title=\"2026-11-01\">2 weeks ago</time> by Sam Ortiz</p>"
        ),
        "{page}"
    );
    // The template API has the rest; a theme override shows it.
    let site = site.file(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<p id=\"facts\">{{ page.history.created_date }} \
         {{ page.history.commits }}{% for a in page.history.authors %} {{ a.name }}={{ a.commits }}{% endfor %}</p>{% endblock %}",
    );
    site.build_ok();
    let page = site.read("public/guides/db-failover/index.html");
    assert!(
        page.contains("<p id=\"facts\">2026-01-05 4 Dana Okafor=2 Priya Nair=1 Sam Ortiz=1</p>"),
        "{page}"
    );
}

#[test]
fn front_matter_dates_win_over_git() {
    let site = repository("").file(
        "guides/db-failover.md",
        "+++\nupdated = 2026-05-01\n+++\n# Failover\n\nPromote the replica, then repoint the app.\n",
    );
    site.build_ok();
    let page = site.read("public/guides/db-failover/index.html");
    assert!(
        page.contains(
            "Updated <time datetime=\"2026-05-01\" title=\"2026-05-01\">6 months ago</time></p>"
        ),
        "{page}"
    );
}

#[test]
fn a_handbook_in_a_sub_folder_of_its_repository_has_history() {
    let site = repository("docs/handbook/");
    let run = site.run(&["build", "docs/handbook"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.read("docs/handbook/public/guides/db-failover/index.html");
    assert!(page.contains("2 weeks ago</time> by Sam Ortiz"), "{page}");
}

#[test]
fn outside_a_repository_or_with_history_off_pages_have_no_history() {
    let site = Fixture::new().file("index.md", "# Home\n");
    let (code, diags) = site.check_json();
    assert_eq!((code, diags.len()), (0, 0), "{diags:?}");
    site.build_ok();
    assert!(!site.read("public/index.html").contains("page-history"));

    let site = repository("").file(
        "handbook.toml",
        "title = \"History\"\n[git]\nhistory = false\n",
    );
    site.build_ok();
    assert!(
        !site
            .read("public/guides/db-failover/index.html")
            .contains("page-history")
    );
}

#[test]
fn a_shallow_clone_warns_with_the_fix_and_builds() {
    let origin = repository("");
    let clone = Fixture::empty();
    let url = format!("file://{}", origin.path().display());
    git(
        clone.path(),
        "Sam Ortiz",
        "2026-11-02T00:00:00Z",
        &["clone", "-q", "--depth", "1", &url, "."],
    );
    let (code, diags) = clone.check_json();
    assert_eq!(code, 0);
    assert_eq!(
        positions(&diags),
        vec![(
            "shallow-clone".to_string(),
            "handbook.toml".to_string(),
            0,
            0
        )]
    );
    let help = diags[0]["help"].as_str().unwrap_or_default();
    assert!(
        help.contains("fetch-depth: 0") && help.contains("GIT_DEPTH: 0"),
        "{help}"
    );
    clone.build_ok();
    let page = clone.read("public/guides/db-failover/index.html");
    assert!(page.contains("by Sam Ortiz"), "{page}");
}

#[test]
fn edit_and_history_links_use_the_forge_and_the_path_in_the_repository() {
    let site = repository("docs/handbook/");
    let config = "title = \"History\"\nrepo_url = \"git@github.com:tidewater/harbor.git\"\nbranch = \"trunk\"\n";
    std::fs::write(site.path().join("docs/handbook/handbook.toml"), config).expect("write");
    let run = site.run(&["build", "docs/handbook"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.read("docs/handbook/public/guides/db-failover/index.html");
    assert!(
        page.contains(
            "<a href=\"https://github.com/tidewater/harbor/edit/trunk/docs/handbook/guides/db-failover.md\" rel=\"nofollow\">Edit this page</a> · \
             <a href=\"https://github.com/tidewater/harbor/commits/trunk/docs/handbook/guides/db-failover.md\" rel=\"nofollow\">History</a>"
        ),
        "{page}"
    );
    // An unknown forge name is reported with the known ones.
    let site = Fixture::new().file(
        "handbook.toml",
        "title = \"X\"\n[git]\nforge = \"gitlub\"\n",
    );
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(diags[0]["message"], "unknown forge \"gitlub\"");
    assert_eq!(diags[0]["help"], "did you mean \"gitlab\"?");
}

#[test]
fn a_review_without_a_date_counts_from_the_last_commit() {
    let site = repository("").file(
        "guides/db-failover.md",
        "+++\nreview_every = \"14d\"\n+++\n# Failover\n\nPromote the replica, then repoint the app.\n",
    );
    // Last commit 2026-11-01 + 14 days = due 2026-11-15; "today" is 2026-11-20.
    let (code, diags) = site.check_json();
    assert_eq!(code, 0);
    assert_eq!(
        positions(&diags),
        vec![(
            "review-overdue".to_string(),
            "guides/db-failover.md".to_string(),
            1,
            1
        )]
    );
    assert_eq!(
        diags[0]["message"],
        "review overdue by 5 days: last changed 2026-11-01 (no `last_reviewed`, so from git), due every 14d"
    );
    let run = site.run(&["check", "--stale"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        "guides/db-failover.md: review was due 2026-11-15 (last changed 2026-11-01, every 14d)\n"
    );
    let strict = site.run(&["check", "--stale", "--strict"]);
    assert_eq!(strict.code, 1);
    site.build_ok();
    let page = site.read("public/needs-review/index.html");
    assert!(
        page.contains(
            "<tr class=\"review-overdue\"><td data-label=\"Page\"><a href=\"../guides/db-failover/\">Failover</a>"
        ),
        "{page}"
    );
    assert!(page.contains("2026-11-01</time> (last commit)"), "{page}");
    assert!(
        site.read("public/index.html")
            .contains("<a href=\"needs-review/\"><strong>Review</strong> pages that need it</a>")
    );
}

#[test]
fn any_page_may_set_a_review_schedule() {
    let site = Fixture::new()
        .file("index.md", "# Home\n")
        .file(
            "policy.md",
            "+++\ntitle = \"Access policy\"\nreview_every = \"90d\"\nlast_reviewed = 2026-01-10\n+++\nWho gets access.\n",
        )
        .file(
            "fresh.md",
            "+++\ntitle = \"Fresh\"\nreview_every = \"1y\"\nlast_reviewed = 2026-11-01\n+++\nNew.\n",
        );
    let (_, diags) = site.check_json();
    assert_eq!(
        positions(&diags),
        vec![("review-overdue".to_string(), "policy.md".to_string(), 4, 17)]
    );
    let run = site.run(&["check", "--stale", "--format", "json"]);
    let stale: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .filter(|record| record["type"] == "stale")
        .collect();
    assert_eq!(stale.len(), 1, "each line says what it is: {}", run.stdout);
    assert_eq!(stale[0]["path"], "policy.md");
    assert_eq!(stale[0]["due"], "2026-04-10");
    site.build_ok();
    let page = site.read("public/needs-review/index.html");
    let main = page.split("<main").nth(1).unwrap_or_default();
    assert!(
        main.contains("Access policy") && !main.contains("Fresh"),
        "{page}"
    );
}

#[test]
fn recent_changes_page_and_feeds_come_from_the_history() {
    let site = repository("")
        .file("handbook.toml", "title = \"History\"\nbase_url = \"https://tidewater.example/handbook/\"\n")
        .file(
            "decisions/0001-use-queues.md",
            "+++\ntitle = \"Use queues\"\nstatus = \"accepted\"\ndate = 2026-02-03\n+++\nWe queue.\n",
        );
    commit(
        site.path(),
        "Priya Nair",
        "2026-11-10T12:00:00Z",
        "Record the queue decision",
    );
    site.build_ok();
    let page = site.read("public/changes/index.html");
    assert!(
        page.contains("<time datetime=\"2026-11-10T12:00:00Z\">2026-11-10</time> · Priya Nair · <span class=\"change-summary\">Record the queue decision</span>"),
        "{page}"
    );
    assert!(
        page.contains("<li><a href=\"../decisions/0001-use-queues/\">Use queues</a></li>"),
        "{page}"
    );
    assert!(
        page.contains("<li><code>handbook.toml</code></li>"),
        "{page}"
    );
    assert!(
        site.read("public/index.html")
            .contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Recent changes\" href=\"feeds/changes.xml\">")
    );
    insta::assert_snapshot!("changes_feed", site.read("public/feeds/changes.xml"));
    let decisions = site.read("public/feeds/decisions.xml");
    assert!(
        decisions.contains(
            "<title>ADR 0001: Use queues (recorded, accepted)</title>\n\
             <id>https://tidewater.example/handbook/decisions/0001-use-queues/#c-"
        ),
        "{decisions}"
    );
    // The same history gives the same bytes.
    let first = site.read("public/feeds/changes.xml");
    site.build_ok();
    assert_eq!(site.read("public/feeds/changes.xml"), first);
}

#[test]
fn the_decisions_feed_has_an_entry_when_a_record_is_committed_and_when_its_status_changes() {
    let site = repository("").file(
        "handbook.toml",
        "title = \"History\"\nbase_url = \"https://tidewater.example/handbook/\"\n",
    );
    // Long enough that a repack stores versions as deltas of each other.
    let long = "The queue absorbs bursts from the scanners. ".repeat(60);
    let adr = |status: &str, body: &str| {
        format!(
            "+++\ntitle = \"Use queues\"\nstatus = \"{status}\"\ndate = 2026-02-03\n+++\n{body}\n\n{long}\n"
        )
    };
    let path = site.path().join("decisions/0001-use-queues.md");
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let steps = [
        (
            "proposed",
            "We queue.",
            "Dana Okafor",
            "2026-11-02T10:00:00Z",
            "Propose queues",
        ),
        (
            "proposed",
            "We queue shipments.",
            "Priya Nair",
            "2026-11-03T10:00:00Z",
            "Fix a word",
        ),
        (
            "accepted",
            "We queue shipments.",
            "Sam Ortiz",
            "2026-11-05T10:00:00Z",
            "Accept queues",
        ),
        (
            "superseded",
            "We queue shipments.",
            "Dana Okafor",
            "2026-11-12T10:00:00Z",
            "Supersede queues",
        ),
    ];
    for (status, body, author, date, message) in steps {
        std::fs::write(&path, adr(status, body)).expect("write");
        commit(site.path(), author, date, message);
    }
    // A status in the body (MADR style) counts as well.
    std::fs::write(
        &path,
        "# Use queues\n\n* Status: deprecated\n\nWe queue shipments.\n",
    )
    .expect("write");
    commit(
        site.path(),
        "Sam Ortiz",
        "2026-11-14T10:00:00Z",
        "Deprecate queues, MADR style",
    );
    site.build_ok();
    let feed = site.read("public/feeds/decisions.xml");
    let titles: Vec<&str> = feed
        .lines()
        .filter_map(|l| l.strip_prefix("<title>ADR 0001: "))
        .collect();
    assert_eq!(
        titles,
        [
            "Use queues (superseded → deprecated)</title>",
            "Use queues (accepted → superseded)</title>",
            "Use queues (proposed → accepted)</title>",
            "Use queues (recorded, proposed)</title>",
        ],
        "{feed}"
    );
    insta::assert_snapshot!("decisions_feed", feed);
    // From a pack (versions stored whole and as deltas): the same feed.
    git(
        site.path(),
        "Dana Okafor",
        "2026-11-15T10:00:00Z",
        &["repack", "-q", "-adf"],
    );
    git(
        site.path(),
        "Dana Okafor",
        "2026-11-15T10:00:00Z",
        &["prune-packed"],
    );
    assert!(pack_deltas(site.path()).2 == 1);
    std::fs::remove_file(site.path().join(".git/handbook-history")).expect("cache");
    site.build_ok();
    assert_eq!(site.read("public/feeds/decisions.xml"), feed);
    // Proposed on 2 November, accepted on the 5th: a lead time of 3 days.
    std::fs::write(
        site.path().join("charter.md"),
        "+++\n[[metrics]]\nname = \"Decision lead time\"\nfrom = \"adr-lead-time\"\n+++\n",
    )
    .expect("write");
    site.build_ok();
    let charter = site.read("public/charter/index.html");
    assert!(
        charter.contains("<td data-label=\"Current\">3 days</td>"),
        "{charter}"
    );
}

#[test]
fn a_runbook_owner_codeowners_disagrees_with_is_a_warning_showing_both() {
    let site = repository("docs/handbook/")
        .file(
            "docs/handbook/team.toml",
            "[[people]]\nhandle = \"ines\"\nname = \"Ines Duarte\"\ncodeowners = [\"@iduarte\"]\n\n\
             [[people]]\nhandle = \"kofi\"\nname = \"Kofi Mensah\"\ncontact = \"kofi@tidewater.example\"\n",
        )
        .file(
            "docs/handbook/runbooks/db.md",
            "+++\ntitle = \"Database\"\nservice = \"db\"\nowner = \"ines\"\nlast_reviewed = 2026-11-01\n+++\nSteps.\n",
        )
        .file(
            "docs/handbook/runbooks/queue.md",
            "+++\ntitle = \"Queue\"\nservice = \"queue\"\nowner = \"kofi\"\nlast_reviewed = 2026-11-01\n+++\nSteps.\n",
        )
        .file(
            ".github/CODEOWNERS",
            "* @harbor/platform\n/docs/handbook/runbooks/ kofi@tidewater.example\n",
        );
    let run = site.run(&["check", "docs/handbook", "--format", "json"]);
    let diags: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(
        positions(&diags),
        vec![(
            "codeowners-mismatch".to_string(),
            "runbooks/db.md".to_string(),
            4,
            10
        )],
        "{diags:?}"
    );
    assert_eq!(
        diags[0]["message"],
        "the runbook's owner is `ines`, but .github/CODEOWNERS line 2 gives \
         `/docs/handbook/runbooks/ kofi@tidewater.example` to kofi@tidewater.example"
    );
    // Listing the CODEOWNERS name in team.toml makes them agree.
    std::fs::write(
        site.path().join(".github/CODEOWNERS"),
        "/docs/handbook/runbooks/ @iduarte kofi@tidewater.example\n",
    )
    .expect("write");
    assert_eq!(
        site.run(&["check", "docs/handbook", "--format", "json"])
            .stdout,
        ""
    );
}

#[test]
fn serve_marks_uncommitted_pages_and_reads_the_history_again_after_a_commit() {
    use handbook::serve::session::Session;
    let site = repository("");
    let root = site.path().to_path_buf();
    let options = || handbook::site::BuildOptions {
        root: root.clone(),
        today: Some(jiff::civil::date(2026, 11, 20)),
        ..Default::default()
    };
    let mut session = Session::start(options()).expect("start");
    assert!(session.uncommitted().is_empty());
    let page = root.join("guides/db-failover.md");
    std::fs::write(
        &page,
        "# Failover\n\nPromote the replica, repoint the app, tell #ops.\n",
    )
    .expect("write");
    session.apply(std::slice::from_ref(&page)).expect("apply");
    assert_eq!(
        session.uncommitted().into_iter().collect::<Vec<_>>(),
        vec!["guides/db-failover/index.html".to_string()]
    );
    commit(
        &root,
        "Priya Nair",
        "2026-11-15T10:00:00Z",
        "Say who to tell",
    );
    let git_dir = session.git_dir().expect("in a repository").to_path_buf();
    let outcome = session
        .apply(&[git_dir.join("HEAD"), git_dir.join("refs/heads/main")])
        .expect("apply");
    assert_eq!(outcome.work, Work::Full);
    assert!(session.uncommitted().is_empty());
    let html =
        String::from_utf8_lossy(&session.files()["guides/db-failover/index.html"]).into_owned();
    assert!(html.contains("5 days ago</time> by Priya Nair"), "{html}");
    let fresh = Session::start(options()).expect("fresh");
    assert!(
        session.files() == fresh.files(),
        "serve equals a fresh build after the commit"
    );
    // Changes in the git folder that do not move HEAD are nothing to do.
    let outcome = session.apply(&[git_dir.join("index")]).expect("apply");
    assert_eq!(outcome.work, Work::Nothing);
}

#[test]
fn the_history_cache_gives_the_same_site_and_takes_new_commits() {
    let site = repository("");
    let cache = site.path().join(".git/handbook-history");
    site.build_ok();
    assert!(cache.exists(), "the first build writes the cache");
    let first = site.read("public/guides/db-failover/index.html");
    // From the cache: the same bytes.
    site.build_ok();
    assert_eq!(site.read("public/guides/db-failover/index.html"), first);
    // A new commit is read and added; the older ones come from the cache.
    std::fs::write(
        site.path().join("guides/db-failover.md"),
        "# Failover\n\nPromote, repoint, announce.\n",
    )
    .expect("write");
    commit(
        site.path(),
        "Priya Nair",
        "2026-11-18T09:00:00Z",
        "Announce it",
    );
    site.build_ok();
    let page = site.read("public/guides/db-failover/index.html");
    assert!(page.contains("2 days ago</time> by Priya Nair"), "{page}");
    // A damaged cache is ignored and rewritten.
    std::fs::write(&cache, "handbook history cache 2\n\nnot hex at all\n").expect("write");
    site.build_ok();
    assert_eq!(site.read("public/guides/db-failover/index.html"), page);
    assert!(
        std::fs::read_to_string(&cache)
            .expect("cache")
            .lines()
            .count()
            > 5
    );
    // With the cache, no object is read at all: commits (what the walk
    // needs of them) come from it too. Without the objects, the same page.
    let objects = site.path().join(".git/objects");
    std::fs::rename(&objects, site.path().join(".git/objects-away")).expect("move");
    std::fs::create_dir_all(objects.join("pack")).expect("mkdir");
    std::fs::create_dir_all(objects.join("info")).expect("mkdir");
    site.build_ok();
    assert_eq!(site.read("public/guides/db-failover/index.html"), page);
}

/// Every file under `dir`, by path relative to it.
fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside");
            let bytes = std::fs::read(e.path()).expect("read");
            (rel.to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

#[test]
fn a_packed_repository_with_delta_chains_has_the_same_history_as_loose_objects() {
    // Forty decisions edited over thirty commits (one renamed): the folder's
    // tree has many versions, which a repack stores as chains of deltas.
    let site = Fixture::empty();
    let root = site.path().to_path_buf();
    git(&root, "Dana", "2026-01-05T10:00:00Z", &["init", "-q"]);
    let write = |rel: &str, text: &str| put(&root, rel, text);
    write("handbook.toml", "title = \"Packed\"\n");
    write("index.md", "# Home\n");
    let name = |n: usize| format!("decisions/{n:04}-choose-option-{n}.md");
    for n in 0..40 {
        write(&name(n), &format!("# Choose option {n}\n\nWe chose it.\n"));
    }
    commit(
        &root,
        "Dana Okafor",
        "2026-01-05T10:00:00Z",
        "Record decisions",
    );
    let authors = ["Priya Nair", "Sam Ortiz", "Dana Okafor"];
    for i in 0..30 {
        let date = format!("2026-02-{:02}T09:00:00Z", i % 28 + 1);
        let author = authors[i % authors.len()];
        if i == 15 {
            let (from, to) = (name(3), "decisions/0003-option-three.md".to_string());
            git(&root, author, &date, &["mv", &from, &to]);
        } else {
            // The renamed decision is edited under its old number's neighbour.
            let n = match (i * 7) % 40 {
                3 if i > 15 => 4,
                n => n,
            };
            let text = std::fs::read_to_string(root.join(name(n))).expect("read");
            write(&name(n), &format!("{text}\nRevisited ({i}).\n"));
        }
        commit(&root, author, &date, &format!("Revisit {i}"));
    }
    site.build_ok();
    let loose = files(&root.join("public"));

    let git_at = |args: &[&str]| git(&root, "Dana Okafor", "2026-03-01T09:00:00Z", args);
    let rebuild = || {
        std::fs::remove_file(root.join(".git/handbook-history")).expect("cache");
        site.build_ok();
        files(&root.join("public"))
    };

    // One pack, deltas by offset.
    git_at(&["repack", "-q", "-adf", "--depth=50", "--window=50"]);
    git_at(&["prune-packed"]);
    let deltas = pack_deltas(&root);
    assert!(
        deltas.0 > 10,
        "tree deltas by offset to resolve: {deltas:?}"
    );
    assert!(
        rebuild() == loose,
        "same site from the pack as from loose objects"
    );

    // Commits on top are loose objects, read through gix; packed, they are
    // a second pack.
    write(&name(5), "# Choose option 5\n\nWe chose it, twice.\n");
    commit(
        &root,
        "Sam Ortiz",
        "2026-11-18T09:00:00Z",
        "Choose it twice",
    );
    site.build_ok();
    let mixed = files(&root.join("public"));
    assert!(mixed != loose);
    git_at(&["repack", "-q", "-d"]);
    git_at(&["prune-packed"]);
    assert_eq!(pack_deltas(&root).2, 2, "two packs");
    assert!(rebuild() == mixed, "same site from two packs");

    // Deltas naming their base by id (as packs for old clients have).
    git_at(&[
        "-c",
        "repack.useDeltaBaseOffset=false",
        "repack",
        "-q",
        "-adf",
        "--depth=50",
        "--window=50",
    ]);
    git_at(&["prune-packed"]);
    let deltas = pack_deltas(&root);
    assert!(
        deltas.1 > 10 && deltas.0 == 0,
        "tree deltas by id to resolve: {deltas:?}"
    );
    assert!(rebuild() == mixed, "same site from deltas by id");
    let page = site.read("public/decisions/0005-choose-option-5/index.html");
    assert!(page.contains("2 days ago</time> by Sam Ortiz"), "{page}");
}

/// Delta entries by offset and by id in the repository's packs, and the
/// number of packs.
fn pack_deltas(root: &Path) -> (usize, usize, usize) {
    use gix::odb::pack::data::entry::Header;
    let (mut by_offset, mut by_id, mut packs) = (0, 0, 0);
    for e in std::fs::read_dir(root.join(".git/objects/pack"))
        .expect("pack folder")
        .flatten()
    {
        if e.path().extension().is_none_or(|x| x != "idx") {
            continue;
        }
        packs += 1;
        let bundle = gix::odb::pack::Bundle::at(e.path(), gix::hash::Kind::Sha1).expect("pack");
        for entry in bundle.index.iter() {
            match bundle.pack.entry(entry.pack_offset).expect("entry").header {
                Header::OfsDelta { .. } => by_offset += 1,
                Header::RefDelta { .. } => by_id += 1,
                _ => {}
            }
        }
    }
    (by_offset, by_id, packs)
}

/// The `git-history` warning's message, if `check` gave one.
fn history_warning(site: &Fixture) -> Option<String> {
    let (_, diags) = site.check_json();
    diags
        .iter()
        .find(|d| d["code"] == "git-history")
        .map(|d| d["message"].as_str().unwrap_or_default().to_string())
}

#[test]
fn a_broken_repository_is_a_warning_with_the_reason_not_silence() {
    let site = repository("");
    git(
        site.path(),
        "Sam",
        "2026-11-18T09:00:00Z",
        &["repack", "-adq"],
    );
    assert_eq!(history_warning(&site), None);
    std::fs::remove_file(site.path().join(".git/handbook-history")).expect("no cache");
    let pack = site.path().join(".git/objects/pack");
    let idx = std::fs::read_dir(&pack)
        .expect("pack dir")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "idx"))
        .expect("an index");
    let saved = std::fs::read(&idx).expect("read idx");
    // A missing pack index.
    std::fs::remove_file(&idx).expect("rm");
    let why = history_warning(&site).expect("a warning for a missing index");
    assert!(why.contains("is missing"), "{why}");
    // A damaged one.
    std::fs::write(&idx, &saved[..100]).expect("truncate");
    assert!(history_warning(&site).is_some_and(|w| w.contains("is missing")));
    std::fs::write(&idx, &saved).expect("restore");
    // HEAD naming no commit, and an unborn branch.
    let head = site.path().join(".git/HEAD");
    std::fs::write(&head, "0123456789abcdef0123456789abcdef01234567\n").expect("head");
    assert!(history_warning(&site).is_some_and(|w| w.contains("0123456789abcdef")));
    std::fs::write(&head, "ref: refs/heads/never\n").expect("head");
    let why = history_warning(&site).expect("a warning for an unborn branch");
    assert!(why.contains("`never` has no commits yet"), "{why}");
    // A `.git` file pointing nowhere.
    std::fs::rename(site.path().join(".git"), site.path().join("git-away")).expect("mv");
    std::fs::write(site.path().join(".git"), "gitdir: /nonexistent/repo.git\n").expect("w");
    let why = history_warning(&site).expect("a warning for a dangling .git file");
    assert!(why.contains(".git cannot be opened"), "{why}");
}

#[test]
fn the_history_cache_is_checked_belongs_to_its_repository_and_can_be_turned_off() {
    let site = repository("");
    let cache = site.path().join(".git/handbook-history");
    site.build_ok();
    let page = site.read("public/guides/db-failover/index.html");
    let text = std::fs::read_to_string(&cache).expect("cache");
    assert!(
        text.lines()
            .last()
            .is_some_and(|l| l.starts_with("checksum "))
    );
    // One changed byte (an author renamed) fails the checksum: ignored, rewritten.
    std::fs::write(&cache, text.replace("Priya Nair", "Priya Nain")).expect("tamper");
    site.build_ok();
    assert_eq!(site.read("public/guides/db-failover/index.html"), page);
    assert_eq!(std::fs::read_to_string(&cache).expect("cache"), text);
    // A cache copied with the git folder to another repository is not used.
    let copy = Fixture::empty();
    let status = Command::new("cp")
        .args(["-a", "."])
        .arg(copy.path())
        .current_dir(site.path())
        .status()
        .expect("cp");
    assert!(status.success());
    let moved = copy.path().join(".git/handbook-history");
    // A well-formed cache with another author: what the original
    // repository would trust, but the copy is another repository.
    let body = text
        .rsplit_once("checksum ")
        .map_or(String::new(), |(b, _)| {
            b.replace("Sam Ortiz", "Someone Else")
        });
    let mut hash = Command::new("git")
        .args(["hash-object", "--stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("git");
    std::io::Write::write_all(&mut hash.stdin.take().expect("stdin"), body.as_bytes()).expect("w");
    let sum = String::from_utf8(hash.wait_with_output().expect("hash").stdout).expect("utf8");
    let forged = format!("{body}checksum {}", sum.trim_end());
    std::fs::write(&moved, format!("{forged}\n")).expect("w");
    let run = copy.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !copy
            .read("public/guides/db-failover/index.html")
            .contains("Someone Else")
    );
    // In its own repository the same (valid) cache is trusted: the check
    // above is the identity's doing, not the checksum's.
    std::fs::write(&cache, format!("{forged}\n")).expect("w");
    site.build_ok();
    assert!(
        site.read("public/guides/db-failover/index.html")
            .contains("Someone Else")
    );
    assert!(
        std::fs::read_to_string(&moved).expect("cache").contains(
            &copy
                .path()
                .canonicalize()
                .expect("path")
                .display()
                .to_string()
        ),
        "rewritten for this repository"
    );
    // Off: not read, not written.
    std::fs::remove_file(&cache).expect("rm");
    std::fs::write(
        site.path().join("handbook.toml"),
        format!("{}\n[git]\ncache = false\n", site.read("handbook.toml")),
    )
    .expect("config");
    site.build_ok();
    assert!(!cache.exists());
}
