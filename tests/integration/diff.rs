//! `handbook diff`: a change on a branch of a fixture repository, compared
//! with the merge base and with named commits, in every format.

use serde_json::Value;

use crate::support::{Fixture, git_command};

fn git(fixture: &Fixture, date: &str, args: &[&str]) {
    let out = git_command(fixture.path(), "Ana Souza", date, args);
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

const RUNBOOK_DB: &str = "+++\ntitle = \"Ledger database failover\"\nservice = \"ledger\"\n\
owner = \"ana\"\nalerts = [\"LedgerPrimaryDown\"]\nlast_reviewed = 2026-10-01\n\
review_every = \"90d\"\n+++\n\n## Promote the replica\n\nRun the promotion script.\n\n\
## Point the app at it\n\nChange the connection string.\n";

const TEAM: &str = "[[people]]\nhandle = \"ana\"\nname = \"Ana Souza\"\n\n\
[[people]]\nhandle = \"bruno\"\nname = \"Bruno Reis\"\n";

/// A repository with a handbook at `docs/handbook` on `main`, and a branch
/// `change` that edits, renames, adds and removes pages.
fn repository() -> Fixture {
    let base = "docs/handbook";
    let f = Fixture::empty()
        .file(".github/CODEOWNERS", "/docs/handbook/runbooks/ @tidewater/sre\n")
        .file("scripts/promote.sh", "#!/bin/sh\n")
        .file(&format!("{base}/handbook.toml"), "title = \"Ledger Team\"\n")
        .file(&format!("{base}/team.toml"), TEAM)
        .file(&format!("{base}/index.md"), "# Ledger Team\n\nStart with [onboarding](guides/onboarding.md).\n")
        .file(
            &format!("{base}/guides/onboarding.md"),
            "# Onboarding\n\n## First week\n\nPair with someone.\n\n## Access\n\nAsk for keys.\n",
        )
        .file(
            &format!("{base}/guides/team.md"),
            "# How we work\n\nSee [the first week](onboarding.md#first-week) and \
             [access](onboarding.md#access).\n\nScripts live in [scripts](../../../scripts/promote.sh).\n\
             Old link: [gone](nowhere.md).\n",
        )
        .file(&format!("{base}/guides/glossary.md"), "# Glossary\n\nLedger: the book of record.\n")
        .file(&format!("{base}/runbooks/db.md"), RUNBOOK_DB)
        .file(
            &format!("{base}/runbooks/cache.md"),
            "+++\ntitle = \"Cache flush\"\nservice = \"ledger\"\nowner = \"bruno\"\n\
             alerts = [\"CacheHot\"]\nlast_reviewed = 2026-10-01\nreview_every = \"90d\"\n+++\n\nFlush it.\n",
        )
        .file(
            &format!("{base}/decisions/0001-use-postgres.md"),
            "+++\ntitle = \"Use PostgreSQL\"\ndate = 2026-01-10\nstatus = \"proposed\"\n\
             deciders = [\"ana\"]\n+++\n\n## Context\n\nWe need a ledger.\n\n## Decision\n\nPostgreSQL.\n\n\
             ## Consequences\n\nWe run it.\n",
        )
        .git_init();
    git(&f, "2026-11-01T10:00:00Z", &["add", "-A"]);
    git(
        &f,
        "2026-11-01T10:00:00Z",
        &["commit", "-q", "-m", "Start the handbook"],
    );
    git(
        &f,
        "2026-11-02T10:00:00Z",
        &["checkout", "-q", "-b", "change"],
    );
    let f = f
        // A heading renamed: `#first-week` is gone, and team.md still links to it.
        .file(
            &format!("{base}/guides/onboarding.md"),
            "# Onboarding\n\n## Your first week\n\nPair with someone.\n\n## Access\n\nAsk for keys.\n",
        )
        // The broken link fixed.
        .file(
            &format!("{base}/guides/team.md"),
            "# How we work\n\nSee [the first week](onboarding.md#first-week) and \
             [access](onboarding.md#access).\n\nScripts live in [scripts](../../../scripts/promote.sh).\n\
             Questions: [asked](faq.md).\n",
        )
        .file(&format!("{base}/guides/faq.md"), "# Questions\n\nAsk in the channel.\n")
        // Its review is now overdue (today is 2026-11-20 in tests).
        .file(
            &format!("{base}/runbooks/db.md"),
            &RUNBOOK_DB.replace("2026-10-01", "2026-05-01"),
        )
        .file(
            &format!("{base}/decisions/0001-use-postgres.md"),
            "+++\ntitle = \"Use PostgreSQL\"\ndate = 2026-01-10\nstatus = \"accepted\"\n\
             deciders = [\"ana\"]\n+++\n\n## Context\n\nWe need a ledger.\n\n## Decision\n\nPostgreSQL.\n\n\
             ## Consequences\n\nWe run it.\n",
        );
    std::fs::rename(
        f.path().join(base).join("runbooks/cache.md"),
        f.path().join(base).join("runbooks/cache-flush.md"),
    )
    .expect("rename");
    std::fs::remove_file(f.path().join(base).join("guides/glossary.md")).expect("remove");
    // Committed or not, the work tree is what is compared: commit part of it.
    git(&f, "2026-11-03T10:00:00Z", &["add", "-A"]);
    git(
        &f,
        "2026-11-03T10:00:00Z",
        &["commit", "-q", "-m", "Rework the guides"],
    );
    f
}

fn diff_json(f: &Fixture, dir: &str, args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["diff", "--format", "json"];
    all.extend_from_slice(args);
    let run = f.run_in(dir, &all);
    let report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}):\n{}\n{}", run.stdout, run.stderr));
    (run.code, report, run.stderr)
}

fn sources(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|p| p[key].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn diff_reports_every_kind_of_change_against_the_merge_base() {
    let f = repository();
    let (code, report, stderr) = diff_json(&f, "docs/handbook", &[]);
    assert_eq!(code, 1, "a new broken anchor is a new error:\n{stderr}");
    assert!(
        report["base"].as_str().unwrap_or("").contains("main"),
        "{report}"
    );
    assert_eq!(sources(&report["added"], "source"), ["guides/faq.md"]);
    assert_eq!(
        sources(&report["removed"], "source"),
        ["guides/glossary.md"]
    );

    let changed: Vec<(String, Value)> = report["changed"]
        .as_array()
        .expect("changed")
        .iter()
        .map(|c| {
            (
                c["page"]["source"].as_str().unwrap_or("").to_string(),
                c.clone(),
            )
        })
        .collect();
    let names: Vec<&str> = changed.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        names,
        [
            "decisions/0001-use-postgres.md",
            "guides/onboarding.md",
            "guides/team.md",
            "runbooks/cache-flush.md",
            "runbooks/db.md"
        ]
    );
    let onboarding = &changed[1].1;
    assert_eq!(
        onboarding["headings_added"],
        serde_json::json!(["Your first week"])
    );
    assert_eq!(
        onboarding["headings_removed"],
        serde_json::json!(["First week"])
    );
    let cache = &changed[3].1;
    assert_eq!(cache["renamed_from"], "runbooks/cache.md");
    assert_eq!(cache["edited"], false);

    // The renamed runbook's old URL breaks; the removed page's too.
    let broken: Vec<(String, String)> = report["broken_urls"]
        .as_array()
        .expect("broken_urls")
        .iter()
        .map(|b| {
            (
                b["url"].as_str().unwrap_or("").into(),
                b["now"].as_str().unwrap_or("-").into(),
            )
        })
        .collect();
    assert_eq!(
        broken,
        [
            ("guides/glossary/".to_string(), "-".to_string()),
            (
                "runbooks/cache/".to_string(),
                "runbooks/cache-flush.md".to_string()
            )
        ]
    );

    let anchors = &report["removed_anchors"];
    assert_eq!(anchors[0]["page"], "guides/onboarding.md");
    assert_eq!(anchors[0]["anchor"], "first-week");
    assert_eq!(
        anchors[0]["linked_from"],
        serde_json::json!(["guides/team.md"])
    );

    let new: Vec<(String, String)> = report["new_diagnostics"]
        .as_array()
        .expect("new")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").into(),
                d["path"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert!(
        new.contains(&("missing-anchor".into(), "guides/team.md".into())),
        "{new:?}"
    );
    let fixed: Vec<String> = sources(&report["fixed_diagnostics"], "code");
    assert!(fixed.contains(&"broken-link".to_string()), "{fixed:?}");

    assert_eq!(report["statuses"][0]["from"], "proposed");
    assert_eq!(report["statuses"][0]["to"], "accepted");
    assert_eq!(sources(&report["reviews_due"], "page"), ["runbooks/db.md"]);
    assert_eq!(report["reviews_due"][0]["review"], "overdue");

    // The runbooks' owners and their CODEOWNERS team are the people to ask.
    let reviewers = sources(&report["reviewers"], "name");
    assert!(
        reviewers.contains(&"@tidewater/sre".to_string()),
        "{reviewers:?}"
    );
    assert!(reviewers.contains(&"ana".to_string()), "{reviewers:?}");
    assert!(reviewers.contains(&"bruno".to_string()), "{reviewers:?}");
}

#[test]
fn diff_against_a_named_commit_and_from_the_repository_root() {
    let f = repository();
    // Against the branch's own commit: only the uncommitted edit shows.
    let f = f.file(
        "docs/handbook/guides/faq.md",
        "# Questions\n\n## Where\n\nAsk in the channel.\n",
    );
    let (code, report, stderr) = diff_json(&f, "", &["HEAD", "docs/handbook"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["base"], "HEAD");
    let changed = &report["changed"];
    assert_eq!(changed.as_array().map(Vec::len), Some(1), "{report}");
    assert_eq!(changed[0]["headings_added"], serde_json::json!(["Where"]));
    assert!(
        report["new_diagnostics"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );

    // One argument that is a handbook folder is the folder.
    let run = f.run(&["diff", "docs/handbook"]);
    assert_eq!(run.code, 1, "{}", run.stderr);

    let run = f.run_in("docs/handbook", &["diff", "no-such-branch"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`no-such-branch` names no commit"),
        "{}",
        run.stderr
    );
}

#[test]
fn diff_markdown_is_a_pull_request_comment_with_repository_paths() {
    let f = repository();
    let run = f.run_in("docs/handbook", &["diff", "main", "--format", "markdown"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let md = &run.stdout;
    crate::support::assert_contains_all(
        md,
        &[
            "<!-- handbook diff -->",
            "### Handbook: 4 pages changed, 1 added, 1 removed, 1 renamed · 1 new error, 1 new warning, 1 fixed",
            "#### New problems",
            "`docs/handbook/guides/team.md:3:",
            "`missing-anchor`: `#first-week` is not a heading or anchor in `guides/onboarding.md`",
            "#### URLs that stop working",
            "add `aliases = [\"/runbooks/cache/\"]` to `runbooks/cache-flush.md`",
            "`guides/onboarding.md#first-week`: still linked from `guides/team.md`",
            "| renamed | Cache flush `runbooks/cache-flush.md` (was `runbooks/cache.md`) | runbook |",
            "+ Your first week<br>− First week",
            "Use PostgreSQL `decisions/0001-use-postgres.md`: proposed → **accepted**",
            "Ledger database failover `runbooks/db.md`: overdue",
            "**People to ask:**",
        ],
    );
    let human = f.run_in("docs/handbook", &["diff", "main"]);
    assert_eq!(human.code, 1);
    crate::support::assert_contains_all(
        &human.stdout,
        &[
            "compared with main (",
            "renamed  runbooks/cache.md → runbooks/cache-flush.md",
            "changed  guides/onboarding.md  +“Your first week”  −“First week”",
            "new problems:",
            "missing-anchor",
        ],
    );
}

#[test]
fn an_alias_keeps_a_moved_pages_url_and_a_pure_rename_brings_no_diagnostics() {
    let f = repository();
    git(&f, "2026-11-04T10:00:00Z", &["checkout", "-q", "main"]);
    let moved = "+++\ntitle = \"Cache flush\"\nservice = \"ledger\"\nowner = \"bruno\"\n\
                 alerts = [\"CacheHot\"]\nlast_reviewed = 2026-10-01\nreview_every = \"90d\"\n\
                 aliases = [\"/runbooks/cache/\"]\n+++\n\nFlush it.\n";
    std::fs::remove_file(f.path().join("docs/handbook/runbooks/cache.md")).expect("remove");
    let f = f.file("docs/handbook/runbooks/flush.md", moved);
    let (code, report, stderr) = diff_json(&f, "docs/handbook", &["main"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        report["changed"][0]["renamed_from"], "runbooks/cache.md",
        "{report}"
    );
    assert!(
        report["broken_urls"].as_array().is_some_and(Vec::is_empty),
        "{report}"
    );
    assert!(
        report["new_diagnostics"]
            .as_array()
            .is_some_and(Vec::is_empty),
        "{report}"
    );
    assert!(
        report["fixed_diagnostics"]
            .as_array()
            .is_some_and(Vec::is_empty),
        "{report}"
    );
}

#[test]
fn a_hostile_base_commit_cannot_write_outside_its_temporary_folder_or_follow_links() {
    // A commit whose tree holds a symbolic link out of the repository: the
    // diff must neither write through it nor read what it points at.
    let outside = tempfile::tempdir().expect("tmp");
    std::fs::write(
        outside.path().join("secret.md"),
        "# Secret\n\nDo not publish.\n",
    )
    .expect("w");
    let f = Fixture::empty()
        .file("handbook.toml", "title = \"T\"\n")
        .file("index.md", "# Home\n")
        .git_init();
    std::os::unix::fs::symlink(outside.path().join("secret.md"), f.path().join("leak.md"))
        .expect("symlink");
    std::os::unix::fs::symlink(outside.path(), f.path().join("out")).expect("symlink");
    git(&f, "2026-11-01T10:00:00Z", &["add", "-A"]);
    git(&f, "2026-11-01T10:00:00Z", &["commit", "-q", "-m", "links"]);
    let before: Vec<_> = std::fs::read_dir(outside.path())
        .expect("ls")
        .flatten()
        .collect();
    let (code, report, stderr) = diff_json(&f, "", &["HEAD"]);
    assert_eq!(code, 0, "{stderr}");
    let after: Vec<_> = std::fs::read_dir(outside.path())
        .expect("ls")
        .flatten()
        .collect();
    assert_eq!(before.len(), after.len(), "nothing written outside");
    let text = report.to_string();
    assert!(!text.contains("Do not publish"), "{text}");
    assert!(!text.contains("Secret"), "{text}");
}

#[test]
fn a_template_the_change_breaks_is_a_new_error() {
    let f = repository();
    let f = f.file(
        "docs/handbook/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.no_such_field.deeper }}{% endblock main %}\n",
    );
    let (code, report, stderr) = diff_json(&f, "docs/handbook", &["HEAD"]);
    assert_eq!(code, 1, "{stderr}");
    let codes = sources(&report["new_diagnostics"], "code");
    assert!(codes.iter().any(|c| c.starts_with("template")), "{codes:?}");
}

#[test]
fn diff_outside_a_repository_is_a_usage_error() {
    let f = Fixture::new().file("index.md", "# Home\n");
    let run = f.run(&["diff"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not in a git repository"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_base_reads_its_own_alert_rules_so_only_what_the_change_does_shows() {
    let f = Fixture::empty()
        .file(
            "monitoring/ledger.rules.yml",
            "groups:\n  - name: ledger\n    rules:\n      - alert: LedgerPrimaryDown\n        expr: up == 0\n      \
             - alert: LedgerLagHigh\n        expr: lag > 30\n",
        )
        .file(
            "docs/handbook/handbook.toml",
            "title = \"Ledger\"\n\n[runbooks]\nalert_rules = [\"monitoring/*.rules.yml\"]\n",
        )
        .file("docs/handbook/index.md", "# Ledger\n")
        .file(
            "docs/handbook/runbooks/db.md",
            "+++\ntitle = \"Database\"\nservice = \"ledger\"\nowner = \"ana\"\n\
             alerts = [\"LedgerPrimaryDown\", \"LedgerLagHigh\", \"LedgerGhost\"]\nlast_reviewed = 2026-11-01\n+++\n\nPromote.\n",
        )
        .git_init();
    git(&f, "2026-11-01T10:00:00Z", &["add", "-A"]);
    git(&f, "2026-11-01T10:00:00Z", &["commit", "-q", "-m", "Start"]);
    // The change drops an alert a rule defines from the runbook.
    let f = f.file(
        "docs/handbook/runbooks/db.md",
        "+++\ntitle = \"Database\"\nservice = \"ledger\"\nowner = \"ana\"\n\
         alerts = [\"LedgerPrimaryDown\", \"LedgerGhost\"]\nlast_reviewed = 2026-11-01\n+++\n\nPromote, then check.\n",
    );
    let (_, report, stderr) = diff_json(&f, "docs/handbook", &["HEAD"]);
    let codes = |key: &str| -> Vec<String> { sources(&report[key], "code") };
    assert_eq!(
        codes("new_diagnostics"),
        ["alert-without-runbook"],
        "{stderr}\n{report}"
    );
    assert!(codes("fixed_diagnostics").is_empty(), "{report}");
}

#[test]
fn a_handbook_new_in_the_change_is_all_added() {
    let f = Fixture::empty().file("README.md", "# Service\n").git_init();
    git(&f, "2026-11-01T10:00:00Z", &["add", "-A"]);
    git(&f, "2026-11-01T10:00:00Z", &["commit", "-q", "-m", "Start"]);
    let f = f
        .file("docs/handbook/handbook.toml", "title = \"New\"\n")
        .file("docs/handbook/index.md", "# New\n\nSee [a](a.md).\n")
        .file("docs/handbook/a.md", "# A\n");
    let (code, report, stderr) = diff_json(&f, "docs/handbook", &["HEAD"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(sources(&report["added"], "source"), ["a.md", "index.md"]);
    assert_eq!(report["pages_before"], 0);
}
