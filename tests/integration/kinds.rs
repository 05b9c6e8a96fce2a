//! Page kinds and their checks, starting with architecture decision records.

use crate::support::{Fixture, positions};

fn adr(status: &str, extra: &str) -> String {
    format!("+++\nstatus = \"{status}\"\n{extra}+++\nBody.\n")
}

#[test]
fn existing_adr_collections_build_without_edits() {
    let mut site = Fixture::new().file("index.md", "# Home\n");
    for folder in ["nygard", "madr2", "madr4", "log4brains"] {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/adr-formats")
            .join(folder);
        for entry in std::fs::read_dir(dir).expect("fixture dir").flatten() {
            let text = std::fs::read_to_string(entry.path()).expect("read");
            let name = entry.file_name().to_string_lossy().to_string();
            site = site.file(&format!("{folder}/docs/adr/{name}"), &text);
        }
    }
    let (code, diags) = site.check_json();
    assert_eq!((code, diags.len()), (0, 0), "{diags:#?}");
    site.build_ok();
    let first = site.read("public/nygard/docs/adr/0001-record-architecture-decisions/index.html");
    assert!(
        first.contains(
            "<h1 id=\"1-record-architecture-decisions\"><span class=\"record-number\">ADR 0001</span> Record architecture decisions</h1>"
        ),
        "{first}"
    );
    assert!(first.contains("This decision has been superseded by <a href=\"../0003-keep-decisions-in-the-handbook/\">Keep decisions in the handbook</a>"));
    let third = site.read("public/nygard/docs/adr/0003-keep-decisions-in-the-handbook/index.html");
    assert!(third.contains("<span class=\"badge status-accepted\">accepted</span>"));
    let log = site.read("public/nygard/docs/adr/index.html");
    assert_eq!(log.matches("<tr data-status=").count(), 3, "{log}");
}

#[test]
fn two_adrs_with_one_number_are_an_error_naming_both() {
    let site = Fixture::new()
        .file("index.md", "")
        .file("decisions/0003-use-kafka.md", &adr("accepted", ""))
        .file("decisions/0003-use-nats.md", &adr("proposed", ""));
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(diags[0]["code"], "duplicate-adr-number");
    assert_eq!(
        diags[0]["message"],
        "ADR number 3 is used by both `decisions/0003-use-kafka.md` and `decisions/0003-use-nats.md`"
    );
}

#[test]
fn supersede_targets_must_exist() {
    let site = Fixture::new().file("index.md", "").file(
        "decisions/0001-a.md",
        &adr("accepted", "supersedes = [9, \"0002-gone.md\"]\n"),
    );
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(
        positions(&diags),
        vec![
            (
                "missing-supersede-target".into(),
                "decisions/0001-a.md".into(),
                3,
                15
            ),
            (
                "missing-supersede-target".into(),
                "decisions/0001-a.md".into(),
                3,
                18
            ),
        ]
    );
    assert_eq!(
        diags[0]["message"],
        "supersedes ADR 9, which is not an ADR here"
    );
}

#[test]
fn a_superseded_adr_should_say_so() {
    let site = Fixture::new()
        .file("index.md", "")
        .file("decisions/0001-a.md", &adr("accepted", ""))
        .file(
            "decisions/0002-b.md",
            &adr("accepted", "supersedes = [1]\n"),
        );
    let (code, diags) = site.check_json();
    assert_eq!(code, 0);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0]["severity"], "warning");
    assert_eq!(diags[0]["path"], "decisions/0001-a.md");
    assert_eq!(
        diags[0]["message"],
        "this ADR is superseded by `decisions/0002-b.md`, but its status is accepted"
    );
    assert_eq!(
        positions(&diags),
        vec![(
            "superseded-status".into(),
            "decisions/0001-a.md".into(),
            2,
            10
        )],
        "points at the status to change"
    );
}

#[test]
fn supersede_cycles_are_errors() {
    let site = Fixture::new()
        .file("index.md", "")
        .file(
            "decisions/0001-a.md",
            &adr("superseded", "supersedes = [2]\n"),
        )
        .file(
            "decisions/0002-b.md",
            &adr("superseded", "supersedes = [1]\n"),
        );
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(
        diags[0]["message"],
        "ADRs supersede each other in a cycle: 1 → 2 → 1"
    );
}

#[test]
fn statuses_are_validated_with_the_allowed_values() {
    let site = Fixture::new()
        .file("index.md", "")
        .file("decisions/0001-a.md", &adr("waiting on legal", ""))
        .file("decisions/0002-b.md", "# 2. No status at all\n")
        .file("decisions/0003-c.md", "+++\nstatus = 3\n+++\n");
    let (_, diags) = site.check_json();
    let found: Vec<_> = diags
        .iter()
        .map(|d| {
            (
                d["code"].clone(),
                d["line"].clone(),
                d["message"].clone(),
                d["help"].clone(),
            )
        })
        .collect();
    let allowed = "proposed, accepted, rejected, deprecated, superseded";
    assert_eq!(
        found,
        vec![
            (
                "unknown-status".into(),
                2.into(),
                "\"waiting on legal\" is not a status the tool knows: it is shown as written and grouped as other".into(),
                format!("say what it means in handbook.toml: `[adr] statuses = {{ \"waiting on legal\" = \"proposed\" }}` (one of: {allowed})").into()
            ),
            (
                "missing-field".into(),
                serde_json::Value::Null,
                "this ADR has no status".into(),
                format!("add a `## Status` section saying `Proposed` (one of: {allowed})").into()
            ),
            (
                "wrong-type".into(),
                2.into(),
                "`status` must be a string, found an integer".into(),
                serde_json::Value::Null
            ),
        ]
    );
}

#[test]
fn an_unknown_kind_lists_the_allowed_kinds() {
    let site = Fixture::new()
        .file("index.md", "")
        .file("x.md", "+++\nkind = \"memo\"\n+++\n");
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(
        positions(&diags),
        vec![("unknown-value".into(), "x.md".into(), 2, 8)]
    );
    assert_eq!(
        diags[0]["help"],
        "allowed values: page, adr, runbook, aar, retro, charter, channels"
    );
}

#[test]
fn configured_folders_make_adrs_anywhere() {
    let site = Fixture::new()
        .file(
            "handbook.toml",
            "title = \"T\"\n[kinds]\n\"records\" = \"adr\"\n",
        )
        .file("index.md", "")
        .file("records/0001-x.md", &adr("accepted", ""));
    site.build_ok();
    assert!(
        site.read("public/records/0001-x/index.html")
            .contains("ADR 0001")
    );
    assert!(
        site.read("public/records/index.html")
            .contains("Decision log")
    );
}

#[test]
fn people_are_checked_against_the_team_file() {
    let site = Fixture::new()
        .file("team.toml", "[[people]]\nhandle = \"bob\"\nname = \"Bob Lin\"\n[[people]]\nhandle = \"dana\"\n")
        .file("index.md", "")
        .file("decisions/0001-a.md", "+++\nstatus = \"accepted\"\ndeciders = [\"bbo\", \"Dana\"]\ninformed = \"Bob Lin, zed\"\n+++\n");
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    let found: Vec<_> = diags
        .iter()
        .map(|d| (d["message"].clone(), d["line"].clone(), d["help"].clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "unknown person \"bbo\" (as decider)".into(),
                3.into(),
                "did you mean \"bob\"?".into()
            ),
            (
                "unknown person \"zed\" (as informed)".into(),
                4.into(),
                "add them to team.toml, or use one of its handles".into()
            ),
        ]
    );
}

#[test]
fn without_a_team_file_names_are_accepted_as_written() {
    let site = Fixture::new().file("index.md", "").file(
        "decisions/0001-a.md",
        "+++\nstatus = \"accepted\"\ndeciders = [\"anyone at all\"]\n+++\n",
    );
    let (code, diags) = site.check_json();
    assert_eq!((code, diags.len()), (0, 0));
}

fn runbook(service: &str, owner: &str, extra: &str) -> String {
    format!("+++\nservice = \"{service}\"\nowner = \"{owner}\"\n{extra}+++\n# Steps\n")
}

#[test]
fn a_runbook_without_service_or_owner_warns_and_fails_only_when_required() {
    let site = Fixture::new()
        .file("index.md", "")
        .file("runbooks/a.md", "+++\nseverity = \"SEV2\"\n+++\n");
    let found = |diags: &[serde_json::Value]| -> Vec<(serde_json::Value, serde_json::Value)> {
        diags
            .iter()
            .map(|d| (d["severity"].clone(), d["message"].clone()))
            .collect()
    };
    let (code, diags) = site.check_json();
    assert_eq!(code, 0, "{diags:#?}");
    assert_eq!(
        found(&diags),
        vec![
            ("warning".into(), "this runbook has no `owner`".into()),
            ("warning".into(), "this runbook has no `service`".into())
        ]
    );
    assert!(
        diags[0]["help"]
            .as_str()
            .unwrap_or_default()
            .contains("require"),
        "the help names the option: {:#?}",
        diags[0]
    );
    assert_eq!(site.run(&["check", "--strict"]).code, 1);
    let required = site.file(
        "handbook.toml",
        "title = \"T\"\n[runbooks]\nrequire = [\"owner\"]\n",
    );
    let (code, diags) = required.check_json();
    assert_eq!(code, 1);
    assert_eq!(
        found(&diags),
        vec![
            ("error".into(), "this runbook has no `owner`".into()),
            ("warning".into(), "this runbook has no `service`".into())
        ]
    );
}

/// `tests/fixtures/imported-runbooks`: alert runbooks written for another
/// tool, without front matter: one folder per service, one file per alert,
/// owners in CODEOWNERS and an OWNERS file.
#[test]
fn imported_runbooks_take_service_alert_and_owner_from_the_repository() {
    let site = Fixture::copy_of("tests/fixtures/imported-runbooks").git_init();
    let (code, diags) = site.check_json_in("docs");
    assert_eq!(code, 0, "{diags:#?}");
    // Only the runbook nobody owns and that sits in no service folder.
    assert_eq!(
        positions(&diags),
        vec![
            (
                "missing-field".into(),
                "runbooks/general-checks.md".into(),
                1,
                1
            ),
            (
                "missing-field".into(),
                "runbooks/general-checks.md".into(),
                1,
                1
            ),
        ],
        "{diags:#?}"
    );
    let build = site.run_in("docs", &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let page = site.read("docs/public/runbooks/payments/paymentqueuebacklog/index.html");
    crate::support::assert_contains_all(
        &page,
        &[
            "<dd>payments <small class=\"origin\">(from the folder runbooks/payments/)</small></dd>",
            "<code>PaymentQueueBacklog</code> <small class=\"origin\">(from the file name)</small>",
            "Ines Duarte</a></span> <small class=\"origin\">(from CODEOWNERS line 3)</small>",
        ],
    );
    let page = site.read("docs/public/runbooks/search/indexlagging/index.html");
    assert!(
        page.contains("tomas</span> <small class=\"origin\">(from runbooks/search/OWNERS)</small>"),
        "{page}"
    );
    // Front matter wins over all of it.
    let page = site.read("docs/public/runbooks/search/manual-reindex/index.html");
    assert!(page.contains("<dd>search-cluster</dd>"), "{page}");
    assert!(!page.contains("origin"), "{page}");
}

#[test]
fn overdue_reviews_warn_at_the_date_and_fail_under_strict() {
    // "Today" is pinned to 2026-11-20 by the fixture runner.
    let site = Fixture::new()
        .file(
            "handbook.toml",
            "title = \"T\"\n[runbooks]\nreview_every = \"90d\"\n",
        )
        .file("index.md", "")
        .file(
            "runbooks/old.md",
            &runbook("billing", "dana", "last_reviewed = 2026-06-01\n"),
        )
        .file(
            "runbooks/fresh.md",
            &runbook("billing", "dana", "last_reviewed = 2026-11-01\n"),
        )
        .file(
            "runbooks/long.md",
            &runbook(
                "billing",
                "dana",
                "last_reviewed = 2026-06-01\nreview_every = \"1y\"\n",
            ),
        );
    let (code, diags) = site.check_json();
    assert_eq!(code, 0);
    assert_eq!(
        positions(&diags),
        vec![("review-overdue".into(), "runbooks/old.md".into(), 4, 17)]
    );
    assert_eq!(
        diags[0]["message"],
        "review overdue by 82 days: last reviewed 2026-06-01, due every 90d"
    );
    assert_eq!(site.run(&["check", "--strict"]).code, 1);
}

#[test]
fn review_intervals_must_be_durations() {
    let site = Fixture::new().file("index.md", "").file(
        "runbooks/a.md",
        &runbook("billing", "dana", "review_every = \"often\"\n"),
    );
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(
        positions(&diags),
        vec![("invalid-value".into(), "runbooks/a.md".into(), 4, 16)]
    );
    assert_eq!(
        diags[0]["help"],
        "write it like \"90d\", \"6w\" or \"6 months\""
    );
}

#[test]
fn an_alert_claimed_by_two_runbooks_warns() {
    let site = Fixture::new()
        .file("index.md", "")
        .file(
            "runbooks/a.md",
            &runbook("billing", "dana", "alerts = [\"HighErrorRate\"]\n"),
        )
        .file(
            "runbooks/b.md",
            &runbook(
                "billing",
                "dana",
                "alerts = [\"Other\", \"HighErrorRate\"]\n",
            ),
        );
    let (code, diags) = site.check_json();
    assert_eq!(code, 0);
    assert_eq!(
        positions(&diags),
        vec![("duplicate-alert".into(), "runbooks/b.md".into(), 4, 21)]
    );
    assert_eq!(
        diags[0]["message"],
        "alert \"HighErrorRate\" is also claimed by `runbooks/a.md`"
    );
}

#[test]
fn runbook_owners_must_be_on_the_team() {
    let site = Fixture::new()
        .file(
            "team.toml",
            "[[people]]\nhandle = \"dana\"\nname = \"Dana Okafor\"\n",
        )
        .file("index.md", "")
        .file("runbooks/a.md", &runbook("billing", "dnaa", ""));
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(
        positions(&diags),
        vec![("unknown-person".into(), "runbooks/a.md".into(), 3, 10)]
    );
    assert_eq!(diags[0]["help"], "did you mean \"dana\"?");
}

#[test]
fn runbook_index_groups_by_service_and_alerts_json_points_at_runbooks() {
    let site = Fixture::new()
        .file(
            "handbook.toml",
            "title = \"T\"\nbase_url = \"https://ops.example/hb/\"\n",
        )
        .file("index.md", "")
        .file("runbooks/README.md", "# Runbooks\n")
        .file(
            "runbooks/pay-errors.md",
            &runbook(
                "payments",
                "dana",
                "alerts = [\"PayErrors\"]\nlast_reviewed = 2026-11-01\n",
            ),
        )
        .file(
            "runbooks/bill-lag.md",
            &runbook(
                "billing",
                "bob",
                "alerts = [\"BillLag\"]\nlast_reviewed = 2026-01-01\n",
            ),
        );
    site.build_ok();
    assert_eq!(
        site.read("public/alerts.json"),
        "{\n  \"BillLag\": \"https://ops.example/hb/runbooks/bill-lag/\",\n  \"PayErrors\": \"https://ops.example/hb/runbooks/pay-errors/\"\n}\n"
    );
    let index = site.read("public/runbooks/index.html");
    let billing = index
        .find("<h3 class=\"service\">billing</h3>")
        .unwrap_or(usize::MAX);
    let payments = index
        .find("<h3 class=\"service\">payments</h3>")
        .unwrap_or(usize::MAX);
    assert!(billing < payments && payments < usize::MAX, "{index}");
    assert!(
        index.contains("<td data-label=\"Alert\"><code>PayErrors</code></td><td data-label=\"Runbook\"><a href=\"pay-errors/\">Steps</a></td>"),
        "{index}"
    );
    assert!(
        index.contains("<span class=\"badge review-overdue\">overdue</span>"),
        "{index}"
    );
    insta::assert_snapshot!("runbook_index", index);
    insta::assert_snapshot!(
        "runbook_page",
        site.read("public/runbooks/pay-errors/index.html")
    );
}

const FOUR_QUESTIONS: &str = "## What did we set out to do?\n\nx\n\n## What actually happened?\n\nx\n\n## Why was there a difference?\n\nx\n\n## What will we do differently?\n\nx\n";

#[test]
fn an_aar_must_answer_four_questions_in_common_wordings() {
    let site = Fixture::new()
        .file("index.md", "")
        .file(
            "aars/full.md",
            &format!("+++\ndate = 2026-01-02\n+++\n{FOUR_QUESTIONS}"),
        )
        .file(
            "postmortems/wordings.md",
            "## Goal\n\n## What happened\n\n## Root cause\n\n## Lessons\n",
        )
        .file("incidents/partial.md", "## What happened\n\nIt broke.\n");
    let (code, diags) = site.check_json();
    assert_eq!(code, 0);
    let messages: Vec<_> = diags
        .iter()
        .map(|d| (d["path"].clone(), d["message"].clone()))
        .collect();
    let missing = |q: &str| {
        (
            "incidents/partial.md".into(),
            format!("this incident review does not answer \"{q}\"").into(),
        )
    };
    // An incident (its folder says so) is not asked what it set out to do.
    assert_eq!(
        messages,
        vec![
            missing("What will we do differently?"),
            missing("Why was there a difference?"),
        ]
    );
}

#[test]
fn a_retro_needs_start_stop_continue() {
    let site = Fixture::new()
        .file("index.md", "")
        .file("retros/q1.md", "## Start\n\n## Keep doing\n");
    let (_, diags) = site.check_json();
    assert_eq!(diags.len(), 1);
    assert_eq!(
        diags[0]["message"],
        "this retrospective does not answer \"Stop\""
    );
    assert_eq!(diags[0]["help"], "add a section headed \"## Stop\"");
}

#[test]
fn timeline_entries_out_of_order_warn_at_the_entry() {
    let page = format!(
        "+++\n[[timeline]]\nat = \"09:14\"\nevent = \"a\"\n\n[[timeline]]\nat = \"08:50\"\nevent = \"b\"\n+++\n{FOUR_QUESTIONS}"
    );
    let site = Fixture::new().file("index.md", "").file("aars/x.md", &page);
    let (_, diags) = site.check_json();
    assert_eq!(
        positions(&diags),
        vec![("timeline-order".into(), "aars/x.md".into(), 7, 6)]
    );
    assert_eq!(
        diags[0]["message"],
        "timeline entry at 08:50 comes before the one above it"
    );
}

#[test]
fn action_items_are_validated_and_their_owners_checked() {
    let page = format!(
        "+++\n[[actions]]\nowner = \"dana\"\n\n[[actions]]\nwhat = \"Fix it\"\nowner = \"dnaa\"\ndue = \"soon\"\nstatus = \"open\"\n+++\n{FOUR_QUESTIONS}"
    );
    let site = Fixture::new()
        .file("team.toml", "[[people]]\nhandle = \"dana\"\n")
        .file("index.md", "")
        .file("aars/x.md", &page);
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    let found: Vec<_> = positions(&diags)
        .into_iter()
        .map(|(c, _, l, _)| (c, l))
        .collect();
    assert_eq!(
        found,
        vec![
            ("missing-field".into(), 2),
            ("unknown-person".into(), 7),
            ("wrong-type".into(), 8),
            ("unknown-key".into(), 9),
        ],
        "{diags:#?}"
    );
}

fn tracked_site() -> Fixture {
    let aar = |actions: &str| {
        format!(
            "+++\ndate = 2026-05-01\nparticipants = [\"dana\", \"bob\"]\n{actions}+++\n{FOUR_QUESTIONS}"
        )
    };
    Fixture::new()
        .file("team.toml", "[[people]]\nhandle = \"dana\"\nname = \"Dana Okafor\"\n[[people]]\nhandle = \"bob\"\nname = \"Bob Lin\"\n")
        .file("index.md", "# Home\n")
        .file(
            "aars/a.md",
            &aar("[[actions]]\nwhat = \"Done thing\"\nowner = \"dana\"\ndue = 2026-01-01\ndone = true\n\n[[actions]]\nwhat = \"Late thing\"\nowner = \"bob\"\ndue = 2026-10-01\n"),
        )
        .file("aars/b.md", &aar("[[actions]]\nwhat = \"Future thing\"\nowner = \"dana\"\ndue = 2027-03-01\n"))
        .file("runbooks/r.md", "+++\nservice = \"billing\"\nowner = \"dana\"\nlast_reviewed = 2026-01-01\n+++\n# Restart billing\n")
        .file("decisions/0001-x.md", "+++\nstatus = \"proposed\"\ndeciders = [\"bob\"]\ndate = 2026-02-02\n+++\n# Use X\n")
}

#[test]
fn the_action_tracker_lists_open_then_overdue_first_and_links_back() {
    let site = tracked_site();
    site.build_ok();
    let tracker = site.read("public/actions/index.html");
    let order: Vec<usize> = ["Late thing", "Future thing", "Done thing"]
        .iter()
        .map(|t| tracker.find(t).unwrap_or(usize::MAX))
        .collect();
    assert!(order[0] < order[1] && order[1] < order[2], "{tracker}");
    assert!(tracker.contains("<tr class=\"overdue\" data-state=\"overdue\"><td data-label=\"Action\">Late thing <span class=\"action-id\">#late-thing</span></td><td data-label=\"Owner\"><a href=\"../people/bob/\">Bob Lin</a></td>"), "{tracker}");
    assert!(
        tracker.contains("<a href=\"../aars/a/\">A</a>"),
        "{tracker}"
    );
    insta::assert_snapshot!("action_tracker", tracker);
    insta::assert_snapshot!("aar_page", site.read("public/aars/a/index.html"));
    insta::assert_snapshot!("person_page", site.read("public/people/dana/index.html"));
}

#[test]
fn person_pages_show_what_they_own_decided_and_their_open_actions() {
    let site = tracked_site();
    site.build_ok();
    let dana = site.read("public/people/dana/index.html");
    assert!(dana.contains(
        "<h1 class=\"person-title\"><span class=\"avatar avatar-large\" aria-hidden=\"true\">DO</span>Dana Okafor</h1>"
    ));
    let section = |html: &str, id: &str| {
        html.split(&format!("id=\"{id}\""))
            .nth(1)
            .unwrap_or_default()
            .split("<h2")
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert!(section(&dana, "open-actions").contains("Future thing"));
    assert!(
        !section(&dana, "open-actions").contains("Done thing"),
        "done actions are not open"
    );
    assert!(section(&dana, "owns").contains("Restart billing"));
    let bob = site.read("public/people/bob/index.html");
    assert!(section(&bob, "decided").contains("Use X"));
    let people = site.read("public/people/index.html");
    assert!(people.contains("<td data-label=\"Name\"><span class=\"person-ref\"><span class=\"avatar\" aria-hidden=\"true\">BL</span><a href=\"bob/\">Bob Lin</a></span> <span class=\"handle\">@bob</span></td><td data-label=\"Role\"></td><td data-label=\"Open actions\">1</td>"), "{people}");
}

#[test]
fn the_home_page_summarises_what_needs_attention() {
    let site = tracked_site();
    site.build_ok();
    let home = site.read("public/index.html");
    let health = home
        .split("<section class=\"health\"")
        .nth(1)
        .unwrap_or_default();
    assert!(health.contains("<a href=\"actions/\"><strong>2</strong> open actions</a><span class=\"card-note\"><span class=\"overdue-count\">1</span> overdue</span>"), "{health}");
    assert!(
        health.contains("<strong>1</strong> runbook due for review"),
        "{health}"
    );
    assert!(
        health.contains(
            "<a href=\"#proposed-decisions\"><strong>1</strong> proposed decision</a></li>"
        ),
        "{health}"
    );
    assert!(health.contains("<a href=\"aars/b/\">B</a>"), "{health}");
}

#[test]
fn a_raci_row_needs_exactly_one_accountable_and_a_responsible() {
    let page = "+++\n[[raci]]\nactivity = \"Deploys\"\nresponsible = [\"ann\"]\naccountable = [\"ann\", \"bo\"]\n\n[[raci]]\nactivity = \"Backups\"\naccountable = \"bo\"\n\n[[raci]]\nactivity = \"Billing\"\nresponsible = \"ann\"\n+++\n";
    let site = Fixture::new().file("index.md", "").file("guide.md", page);
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    let found: Vec<_> = diags
        .iter()
        .map(|d| (d["line"].clone(), d["message"].clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                5.into(),
                "RACI row \"Deploys\" has 2 accountable people: ann, bo".into()
            ),
            (
                7.into(),
                "RACI row \"Backups\" has no responsible person".into()
            ),
            (
                11.into(),
                "RACI row \"Billing\" has no accountable person".into()
            ),
        ]
    );
}

#[test]
fn a_rapid_decision_has_exactly_one_decide() {
    let site = Fixture::new()
        .file("index.md", "")
        .file("decisions/0001-x.md", "+++\nstatus = \"accepted\"\n\n[rapid]\nrecommend = \"ann\"\ndecide = [\"ann\", \"bo\"]\n+++\n");
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(
        positions(&diags),
        vec![("rapid-decide".into(), "decisions/0001-x.md".into(), 6, 10)]
    );
    assert_eq!(
        diags[0]["message"],
        "this RAPID decision has 2 people to decide: ann, bo"
    );
}

#[test]
fn raci_and_rapid_names_are_checked_against_the_team() {
    let site = Fixture::new()
        .file("team.toml", "[[people]]\nhandle = \"ann\"\n[[people]]\nhandle = \"bo\"\n")
        .file("index.md", "")
        .file("guide.md", "+++\n[[raci]]\nactivity = \"Deploys\"\nresponsible = [\"ann\", \"bob\"]\naccountable = \"bo\"\n+++\n");
    let (_, diags) = site.check_json();
    assert_eq!(
        positions(&diags),
        vec![("unknown-person".into(), "guide.md".into(), 4, 24)]
    );
    assert_eq!(diags[0]["help"], "did you mean \"bo\"?");
}

#[test]
fn duplicate_channel_scenarios_warn() {
    let page = "+++\n[[channels]]\nscenario = \"Outage\"\ntool = \"Page\"\n\n[[channels]]\nscenario = \"outage\"\ntool = \"Slack\"\n+++\n";
    let site = Fixture::new()
        .file("index.md", "")
        .file("channels.md", page);
    let (code, diags) = site.check_json();
    assert_eq!(code, 0);
    assert_eq!(
        positions(&diags),
        vec![("duplicate-scenario".into(), "channels.md".into(), 7, 12)]
    );
    assert_eq!(
        diags[0]["message"],
        "scenario \"outage\" is listed twice (first with Page)"
    );
}

#[test]
fn charter_channels_raci_and_rapid_render() {
    let site = Fixture::new()
        .file("index.md", "")
        .file(
            "charter.md",
            "+++\npurpose = \"Keep parcels moving\"\n\n[[metrics]]\nname = \"On-time\"\ntarget = 99.5\ncurrent = 98\nunit = \"%\"\n\n[[raci]]\nactivity = \"Deploys\"\nresponsible = [\"ann\", \"bo\"]\naccountable = \"bo\"\ninformed = [\"cy\"]\n+++\n",
        )
        .file("channels.md", "+++\n[[channels]]\nscenario = \"Outage\"\ntool = \"Page\"\nresponse_time = \"10 min\"\n+++\n")
        .file("decisions/0001-x.md", "+++\nstatus = \"accepted\"\n[rapid]\ndecide = \"bo\"\nagree = [\"ann\"]\n+++\n");
    site.build_ok();
    let charter = site.read("public/charter/index.html");
    assert!(
        charter.contains("<tr><td data-label=\"Metric\">On-time</td><td data-label=\"Target\">99.5 %</td><td data-label=\"Current\">98 % <span class=\"badge kpi-off\">off target</span></td><td data-label=\"Trend\"></td></tr>"),
        "{charter}"
    );
    assert!(charter.contains("<tr><th scope=\"row\">Deploys</th><td class=\"raci-cell\" data-label=\"ann\">R</td><td class=\"raci-cell\" data-label=\"bo\">R/A</td><td class=\"raci-cell\" data-label=\"cy\">I</td></tr>"), "{charter}");
    insta::assert_snapshot!("charter_page", charter);
    insta::assert_snapshot!("channels_page", site.read("public/channels/index.html"));
    let adr = site.read("public/decisions/0001-x/index.html");
    assert!(
        adr.contains("<tr><th scope=\"row\">Decide</th><td>bo</td></tr>"),
        "{adr}"
    );
}

#[test]
fn a_charter_metric_with_history_is_charted_against_its_target() {
    let site = Fixture::new().file("index.md", "").file(
        "charter.md",
        "+++\n[[metrics]]\nname = \"Time to restore\"\ntype = \"effectiveness\"\ndirection = \"lower\"\n\
         target = 30\nunit = \"min\"\nhistory = [\n  { at = \"2026-Q2\", value = 48 },\n  { at = \"2026-Q1\", value = 64 },\n  \
         { at = \"2026-Q3\", value = 26.5 },\n]\n\n[[metrics]]\nname = \"Deploys per week\"\ntype = \"efficiency\"\n\
         target = 10\nhistory = [{ at = \"2026-08\", value = 12 }, { at = \"2026-09\", value = 9 }]\n+++\n",
    );
    site.build_ok();
    let page = site.read("public/charter/index.html");
    let start = page.find("<section class=\"kpis\"").expect("the metrics");
    let end = page[start..]
        .find("</section>")
        .map_or(page.len(), |e| start + e + 10);
    let kpis = &page[start..end];
    // Lower is better: 26.5 is on a target of at most 30, and falling is better;
    // fewer deploys than the target is off it, and falling is worse.
    assert!(kpis.contains("<td data-label=\"Target\">≤ 30 min</td><td data-label=\"Current\">26.5 min <span class=\"badge kpi-on\">on target</span>"), "{kpis}");
    assert!(kpis.contains("↓ down, better"), "{kpis}");
    assert!(
        kpis.contains("9 <span class=\"badge kpi-off\">off target</span>"),
        "{kpis}"
    );
    assert!(kpis.contains("↓ down, worse"), "{kpis}");
    // One chart per metric with a history, in time order, the numbers also as a table.
    assert_eq!(kpis.matches("<svg class=\"chart line-chart\"").count(), 2);
    assert!(kpis.contains("<desc id=\"metric-1-desc\">2026-Q1: 64 min, 2026-Q2: 48 min, 2026-Q3: 26.5 min; target 30 min</desc>"), "{kpis}");
    assert!(
        kpis.contains("<tr><td>2026-Q1</td><td>64 min</td></tr>"),
        "{kpis}"
    );
    insta::assert_snapshot!("charter_metrics_with_history", kpis);
}

#[test]
fn charter_metrics_can_be_counted_from_the_handbook() {
    let outage = |date: &str, times: [&str; 3]| {
        format!(
            "+++\ntitle = \"Outage {date}\"\ndate = {date}\n\n[[timeline]]\nat = \"{}\"\nevent = \"Deploy of 4.2\"\n\n\
             [[timeline]]\nat = \"{}\"\nevent = \"Queue depth alert fires\"\n\n[[timeline]]\nat = \"{}\"\n\
             event = \"Traffic moved to the standby\"\ntype = \"mitigated\"\n\n[[actions]]\nwhat = \"Canary deploys\"\nowner = \"ann\"\n+++\n",
            times[0], times[1], times[2]
        )
    };
    let site = Fixture::new()
        .file("index.md", "")
        .file(
            "charter.md",
            "+++\n[[metrics]]\nname = \"Time to restore\"\nfrom = \"mttr\"\ntarget = 30\n\n[[metrics]]\nname = \"Time to detect\"\n\
             from = \"time-to-detect\"\n\n[[metrics]]\nname = \"Reviews\"\nfrom = \"aars\"\n\n[[metrics]]\nname = \"Runbooks reviewed on time\"\n\
             from = \"review-compliance\"\ntarget = 100\n+++\n",
        )
        .file("aars/2026-02-03-outage.md", &outage("2026-02-03", ["09:00", "09:10", "09:40"]))
        .file("aars/2026-03-20-outage.md", &outage("2026-03-20", ["2026-03-20T14:00", "2026-03-20T14:20", "2026-03-20T15:00"]))
        .file("aars/2026-05-01-outage.md", &outage("2026-05-01", ["2026-05-01 08:00", "2026-05-01 08:02", "2026-05-01 08:30"]))
        .file("runbooks/a.md", "+++\nservice = \"a\"\nowner = \"ann\"\nlast_reviewed = 2020-01-01\n+++\n")
        .file("runbooks/b.md", "+++\nservice = \"b\"\nowner = \"ann\"\nlast_reviewed = 2099-01-01\n+++\n");
    site.build_ok();
    let page = site.read("public/charter/index.html");
    // Durations count in minutes, lower is better; the mean of each quarter.
    for desc in [
        "<desc id=\"metric-1-desc\">2026-Q1: 50 min, 2026-Q2: 30 min; target 30 min</desc>",
        "<desc id=\"metric-2-desc\">2026-Q1: 15 min, 2026-Q2: 2 min</desc>",
        "<desc id=\"metric-3-desc\">2026-Q1: 2, 2026-Q2: 1</desc>",
    ] {
        assert!(page.contains(desc), "{desc} in {page}");
    }
    assert!(page.contains("<td data-label=\"Target\">≤ 30 min</td><td data-label=\"Current\">30 min <span class=\"badge kpi-on\">on target</span>"), "{page}");
    // One runbook of two overdue: 50 %, a single point, so no chart.
    assert!(
        page.contains(
            "<td data-label=\"Current\">50 % <span class=\"badge kpi-off\">off target</span>"
        ),
        "{page}"
    );
    assert!(!page.contains("metric-4-desc"), "{page}");
}

#[test]
fn a_computed_metric_names_what_it_counts_and_keeps_no_written_history() {
    let site = Fixture::new().file("index.md", "").file(
        "charter.md",
        "+++\n[[metrics]]\nname = \"MTTR\"\nfrom = \"mean-time\"\n\n[[metrics]]\nname = \"Reviews\"\nfrom = \"aars\"\n\
         history = [{ at = \"2026-Q1\", value = 3 }]\n+++\n",
    );
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(
        positions(&diags),
        vec![
            ("invalid-value".into(), "charter.md".into(), 4, 8),
            ("invalid-value".into(), "charter.md".into(), 9, 1),
        ]
    );
    assert_eq!(diags[0]["message"], "unknown metric source \"mean-time\"");
    assert_eq!(
        diags[0]["help"],
        "one of: mttr, time-to-detect, aars, actions, actions-closed, open-actions, action-age, actions-on-time, adr-lead-time, review-compliance"
    );
    assert_eq!(
        diags[1]["message"],
        "a metric computed `from` the handbook has no written `history`"
    );
}

#[test]
fn a_charter_judged_on_one_kind_of_metric_is_warned_about() {
    let site = Fixture::new().file("index.md", "").file(
        "charter.md",
        "+++\ntitle = \"Charter\"\n\n[[metrics]]\nname = \"Tickets closed per day\"\ntype = \"efficiency\"\n\n\
         [[metrics]]\nname = \"First response\"\ntype = \"efficiency\"\n+++\n",
    );
    let (code, diags) = site.check_json();
    assert_eq!(code, 0, "a warning");
    assert_eq!(
        positions(&diags),
        vec![("unbalanced-metrics".into(), "charter.md".into(), 4, 3)]
    );
    assert_eq!(
        diags[0]["message"],
        "every metric with a type measures efficiency: none measures quality or effectiveness"
    );
    assert_eq!(
        diags[0]["help"],
        "add a metric of type \"quality\" or \"effectiveness\" (one kind of metric alone rewards the wrong behaviour)"
    );
}

#[test]
fn the_skills_matrix_shows_levels_and_who_covers_each_service() {
    let team = "[[people]]\nhandle = \"ann\"\nname = \"Ann Berg\"\nskills = { postgres = 4, Go = 1 }\n\n\
                [[people]]\nhandle = \"bo\"\nname = \"Bo Lind\"\nskills = { postgres = 3 }\n\n\
                [[people]]\nhandle = \"ops\"\nname = \"Ops group\"\n\n\
                [[services]]\nname = \"billing\"\nskills = [\"postgres\", \"go\"]\n";
    let site = Fixture::new().file("index.md", "").file("team.toml", team);
    site.build_ok();
    let page = site.read("public/skills/index.html");
    let start = page.find("<article").expect("the article");
    let end = page.find("</article>").map_or(page.len(), |e| e + 10);
    let article = &page[start..end];
    // One row per person with skills, one column per skill, the level in
    // the cell (an empty cell says "none" to a screen reader).
    assert!(article.contains("<tr><th scope=\"row\"><a href=\"../people/ann/\">Ann Berg</a></th><td class=\"level level-1\">1</td><td class=\"level level-4\">4</td></tr>"), "{article}");
    assert!(
        article.contains(
            "<td class=\"level level-0\"><span class=\"visually-hidden\">none</span></td>"
        ),
        "{article}"
    );
    assert!(!article.contains("Ops group"), "{article}");
    assert!(
        article.contains("Ann Berg, Bo Lind <span class=\"badge coverage-covered\">covered</span>"),
        "{article}"
    );
    assert!(
        article.contains("<span class=\"badge coverage-none\">nobody</span>"),
        "{article}"
    );
    insta::assert_snapshot!("skills_page", article);
    assert!(
        site.read("public/people/index.html")
            .contains("<a href=\"../skills/\">Skills, and who covers each service</a>")
    );
    // Without skills there is no matrix, and the people page does not link one.
    let site = site.file("team.toml", "[[people]]\nhandle = \"ann\"\n");
    site.build_ok();
    assert!(!site.exists("public/skills/index.html"));
    assert!(!site.read("public/people/index.html").contains("skills/"));
}

#[test]
fn a_retro_page_shows_its_actions() {
    let page = "+++\ntitle = \"Q1\"\ndate = 2026-04-02\nfacilitator = \"ann\"\n\n[[actions]]\nwhat = \"Rotate facilitators\"\nowner = \"ann\"\ndue = 2026-12-01\n+++\n## Start\n\nPairing.\n\n## Stop\n\nLate merges.\n\n## Continue\n\nDemos.\n";
    let site = Fixture::new()
        .file("index.md", "")
        .file("retros/q1.md", page);
    site.build_ok();
    let html = site.read("public/retros/q1/index.html");
    assert!(
        html.contains(
            "<td data-label=\"Action\">Rotate facilitators</td><td data-label=\"Owner\">ann</td>"
        ),
        "{html}"
    );
    insta::assert_snapshot!("retro_page", html);
}

/// `tests/fixtures/postmortems`: a postmortem in the Google SRE layout
/// (no front matter, action items as a table, a list timeline), a project
/// AAR with a task list, and a project whose title says "unintended".
#[test]
fn postmortems_answer_the_questions_and_their_tables_and_lists_feed_the_tracker() {
    let site = Fixture::copy_of("tests/fixtures/postmortems");
    let (code, diags) = site.check_json();
    assert_eq!(code, 0, "{diags:#?}");
    let found: Vec<_> = diags
        .iter()
        .map(|d| (d["path"].clone(), d["message"].clone()))
        .collect();
    assert_eq!(
        found,
        vec![(
            "reviews/2026-06-02-replay-tool.md".into(),
            "this after-action review does not answer \"What did we set out to do?\"".into()
        )],
        "an incident is not asked what it set out to do; \"unintended\" is not \"intended\""
    );
    site.build_ok();
    let outage = site.read("public/postmortems/2026-02-11-settlement-queue-outage/index.html");
    assert!(
        outage.contains("<dt>Type</dt><dd>incident</dd>"),
        "{outage}"
    );
    assert_eq!(
        outage
            .matches("Validate config keys before release")
            .count(),
        1,
        "the table is shown where it is written, not again: {outage}"
    );
    let ledger = site.read("public/reviews/2026-05-20-ledger-migration/index.html");
    assert!(ledger.contains("<dt>Type</dt><dd>project</dd>"), "{ledger}");
    let tracker = site.read("public/actions/index.html");
    crate::support::assert_contains_all(
        &tracker,
        &[
            "Validate config keys before release",
            "Alert when the worker pool is empty",
            "Build indexes while copying @ines due 2026-06-30",
            "Rehearse the cut-over on a staging copy",
        ],
    );
}

#[test]
fn an_aar_type_in_front_matter_wins_and_an_unknown_one_is_an_error() {
    let site = Fixture::new()
        .file("index.md", "")
        .file(
            "postmortems/drill.md",
            "+++\ntype = \"project\"\n+++\n\n## What happened\n\n## Why\n\n## Next time\n",
        )
        .file(
            "postmortems/odd.md",
            "+++\ntype = \"drama\"\n+++\n\n## What happened\n\n## Why\n\n## Next time\n",
        );
    let (_, diags) = site.check_json();
    let found: Vec<_> = diags
        .iter()
        .map(|d| (d["path"].clone(), d["code"].clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("postmortems/drill.md".into(), "missing-section".into()),
            ("postmortems/odd.md".into(), "unknown-value".into()),
        ]
    );
}

/// `tests/fixtures/adr-collection`: an adr-tools collection as teams keep
/// it: record 0, titles with and without a dot, a day-first and an
/// ambiguous date, an emoji status, a `**Status**:` line below the
/// section, "Superseded by" and "Amends" links, a template and a README.
#[test]
fn an_imported_adr_collection_reads_as_a_person_reads_it() {
    let site = Fixture::copy_of("tests/fixtures/adr-collection");
    let (code, diags) = site.check_json();
    assert_eq!(code, 0, "{diags:#?}");
    assert_eq!(
        positions(&diags),
        vec![
            (
                "ambiguous-date".into(),
                "docs/adr/0002-one-queue-per-service.md".into(),
                3,
                6
            ),
            (
                "unknown-status".into(),
                "docs/adr/0002-one-queue-per-service.md".into(),
                7,
                1
            ),
        ],
        "{diags:#?}"
    );
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("2020-04-09 (day first) or 2020-09-04 (month first)"),
        "{:#?}",
        diags[0]
    );
    site.build_ok();
    let log = site.read("public/docs/adr/index.html");
    let table = log
        .split("<tbody>")
        .nth(1)
        .and_then(|t| t.split("</tbody>").next())
        .unwrap_or_default();
    let rows: Vec<String> = table
        .split("</tr>")
        .map(|row| {
            let text: String = row
                .split('<')
                .filter_map(|part| part.split_once('>').map(|(_, t)| t.trim()))
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" | ");
            text
        })
        .filter(|r| !r.is_empty())
        .collect();
    assert_eq!(
        rows,
        vec![
            "0 | Record architecture decisions | accepted | 2019-03-04",
            "1 | Store ledgers in Postgres | superseded | 2019-04-23",
            "2 | One queue per service | 🤔 Incomplete",
            "3 | Structured logging | accepted | 2021-06-01",
            "4 | Retain logs for ninety days | accepted | 2022-01-10",
            "5 | Move ledgers to the event store | accepted | 2023-09-18",
        ],
        "{table}"
    );
    // The template is a page of the folder, not a decision (it is not in the rows).
    let logging = site.read("public/docs/adr/0003-structured-logging/index.html");
    assert!(logging.contains("<dt>Amended by</dt>"), "{logging}");
    let retention = site.read("public/docs/adr/0004-retain-logs-for-ninety-days/index.html");
    assert!(retention.contains("<dt>Amends</dt>"), "{retention}");
    let event_store = site.read("public/docs/adr/0005-move-ledgers-to-the-event-store/index.html");
    assert!(
        event_store.contains("<dt>Supersedes</dt><dd><a href=\"../0001-store-ledgers-in-postgres/\">Store ledgers in Postgres</a>"),
        "the relation written in record 1 shows on record 5 too: {event_store}"
    );
    let home = site.read("public/index.html");
    let recent = home.split("Recent decisions").nth(1).unwrap_or_default();
    let order: Vec<usize> = [
        "Move ledgers",
        "Retain logs",
        "Structured logging",
        "Store ledgers",
        "Record architecture",
    ]
    .iter()
    .map(|t| recent.find(t).unwrap_or(usize::MAX))
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "newest first: {order:?} in {recent}"
    );
}

#[test]
fn adr_settings_read_ambiguous_dates_and_map_the_teams_statuses() {
    let site = Fixture::copy_of("tests/fixtures/adr-collection").file(
        "handbook.toml",
        "title = \"T\"\n[adr]\ndate_order = \"dmy\"\nstatuses = { \"incomplete\" = \"proposed\" }\n",
    );
    let (code, diags) = site.check_json();
    assert_eq!((code, diags.len()), (0, 0), "{diags:#?}");
    site.build_ok();
    let record = site.read("public/docs/adr/0002-one-queue-per-service/index.html");
    assert!(
        record.contains("<time datetime=\"2020-04-09\">"),
        "{record}"
    );
    assert!(record.contains("status-proposed"), "{record}");
}

#[test]
fn the_missing_status_hint_uses_the_files_own_syntax() {
    let site = Fixture::new()
        .file("index.md", "")
        .file(
            "decisions/0001-yaml.md",
            "---\ntitle: Use YAML\n---\n\nBody.\n",
        )
        .file(
            "decisions/0002-toml.md",
            "+++\ntitle = \"Use TOML\"\n+++\n\nBody.\n",
        )
        .file(
            "decisions/0003-madr.md",
            "# Use bullets\n\n* Date: 2024-01-02\n\nBody.\n",
        )
        .file(
            "decisions/0004-nygard.md",
            "# 4. Use lines\n\nDate: 2024-01-02\n\nBody.\n",
        );
    let (_, diags) = site.check_json();
    let helps: Vec<&str> = diags.iter().filter_map(|d| d["help"].as_str()).collect();
    let starts: Vec<&str> = helps
        .iter()
        .map(|h| h.split(" (one of").next().unwrap_or_default())
        .collect();
    assert_eq!(
        starts,
        vec![
            "add `status: proposed` to its front matter",
            "add `status = \"proposed\"` to its front matter",
            "add a `* Status: proposed` line beside its other `*` lines",
            "add a `Status: proposed` line below its `Date:` line",
        ],
        "{diags:#?}"
    );
}

/// Patterns met in public repositories: an uppercase `DECISIONS/` folder,
/// `**Status:**` lines, YAML front matter that is not a mapping
/// (`tag:Web Client`), a date followed by more text, and a runbook naming
/// its alert under an `## Alert Name` heading.
#[test]
fn patterns_from_public_repositories_read_as_written() {
    let site = Fixture::new()
        .file("index.md", "")
        .file(
            "DECISIONS/001-monorepo.md",
            "# ADR 001: Monorepo\n\n**Status:** Accepted\n**Date:** 2023-12-23\n\n## Context\n",
        )
        .file(
            "adr/0005-unit-tests.md",
            "---\ntag:Web Client\n---\n\n# 5. Unit Tests\n\nDate: 2018-08-30; Last update date: 2019-04-09\n\n## Status\n\nAccepted.\n",
        )
        .file(
            "runbooks/high-error-rate.md",
            "+++\nservice = \"api\"\nowner = \"ops\"\n+++\n# Runbook: High Error Rate\n\n## Alert Name\n`HighErrorRate`\n\n## Severity\n**Critical**\n",
        );
    let (code, diags) = site.check_json();
    assert_eq!(code, 0, "{diags:#?}");
    assert_eq!(
        positions(&diags),
        vec![(
            "front-matter-ignored".into(),
            "adr/0005-unit-tests.md".into(),
            2,
            1
        )],
        "{diags:#?}"
    );
    site.build_ok();
    let log = site.read("public/decisions/index.html");
    assert!(
        log.contains("<td data-label=\"No.\">1</td>") && log.contains(">Monorepo</a>"),
        "{log}"
    );
    assert!(log.contains("<time datetime=\"2023-12-23\">"), "{log}");
    let adr = site.read("public/adr/0005-unit-tests/index.html");
    assert!(adr.contains("<time datetime=\"2018-08-30\">"), "{adr}");
    let alerts = site.read("public/alerts.json");
    assert!(alerts.contains("\"HighErrorRate\""), "{alerts}");
}

#[test]
fn an_empty_status_reads_as_empty() {
    let site = Fixture::new().file("index.md", "").file(
        "decisions/0001-x.md",
        "+++\ntitle = \"X\"\nstatus = \"\"\n+++\n",
    );
    let (_, diags) = site.check_json();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["message"], "`status` is empty");
    assert_eq!(diags[0]["line"], 3);
}

#[test]
fn a_missing_runbook_field_hint_uses_the_files_own_syntax() {
    let site = Fixture::new()
        .file("index.md", "")
        .file("runbooks/toml.md", "+++\nservice = \"db\"\n+++\n")
        .file("runbooks/yaml.md", "---\nservice: db\n---\n")
        .file("runbooks/none.md", "# Restart\n");
    let (_, diags) = site.check_json();
    let owner_hints: Vec<(&str, &str)> = diags
        .iter()
        .filter(|d| d["message"] == "this runbook has no `owner`")
        .map(|d| {
            (
                d["path"].as_str().unwrap_or_default(),
                d["help"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    let starts = |hint: &str| hint.split(';').next().unwrap_or_default().to_string();
    let got: Vec<(&str, String)> = owner_hints.iter().map(|(p, h)| (*p, starts(h))).collect();
    assert_eq!(
        got,
        vec![
            ("runbooks/none.md", "name who keeps it current, e.g. a front matter block at the top: `+++`, `owner = \"dana\"`, `+++`".to_string()),
            ("runbooks/toml.md", "name who keeps it current, e.g. `owner = \"dana\"` in its front matter".to_string()),
            ("runbooks/yaml.md", "name who keeps it current, e.g. `owner: dana` in its front matter".to_string()),
        ],
        "{diags:#?}"
    );
}

#[test]
fn ticket_ids_link_to_the_tracker_with_links_tickets() {
    let retro = "+++\n[[actions]]\nwhat = \"Rotate keys\"\nticket = \"HAR-431\"\n+++\n# Q1\n";
    let site = Fixture::new()
        .file(
            "handbook.toml",
            "title = \"T\"\n[links]\ntickets = \"https://tracker.example/browse/{id}\"\n",
        )
        .file("index.md", "# Home\n")
        .file("retros/q1.md", retro);
    site.build_ok();
    let link = "<a class=\"ticket\" href=\"https://tracker.example/browse/HAR-431\">HAR-431</a>";
    assert!(site.read("public/retros/q1/index.html").contains(link));
    assert!(site.read("public/actions/index.html").contains(link));
    let site = site.file(
        "handbook.toml",
        "title = \"T\"\n[links]\ntickets = \"https://tracker.example/browse/\"\n",
    );
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(diags[0]["code"], "invalid-value", "{diags:#?}");
    assert_eq!(diags[0]["line"], 3);
}

/// A period's survey file with two questions in one dimension.
fn survey(period: &str, safe: [u32; 5], voice: [u32; 5]) -> String {
    let list = |c: [u32; 5]| c.map(|v| v.to_string()).join(", ");
    format!(
        "period = \"{period}\"\n\n[[questions]]\nid = \"safe\"\ntext = \"It is safe to disagree.\"\n\
         dimension = \"psychological safety\"\nanswers = [{}]\n\n[[questions]]\nid = \"voice\"\n\
         text = \"My ideas are heard.\"\ndimension = \"psychological safety\"\nanswers = [{}]\n",
        list(safe),
        list(voice)
    )
}

#[test]
fn the_team_health_dashboard_charts_each_dimension_and_hides_small_samples() {
    let site = Fixture::new()
        .file("index.md", "# Home\n")
        .file("health/2026-Q1.toml", &survey("2026-Q1", [0, 0, 0, 3, 3], [0, 0, 1, 3, 2]))
        .file("health/2026-Q2.toml", &survey("2026-Q2", [0, 0, 2, 3, 1], [0, 0, 2, 3, 1]))
        .file("health/2026-Q3.csv", "id,text,dimension,1,2,3,4,5\nsafe,It is safe to disagree.,Psychological safety,0,2,3,1,0\nvoice,My ideas are heard.,psychological safety,0,1,1,1,0\n");
    let (code, diags) = site.check_json();
    assert_eq!(code, 0);
    assert_eq!(
        positions(&diags),
        vec![("health-falling".into(), "health/2026-Q3.csv".into(), 2, 1)]
    );
    assert_eq!(
        diags[0]["message"],
        "team health: psychological safety fell two periods running (4.3 → 3.8 → 2.8); \"It is safe to disagree.\" moved most (-1.0)"
    );
    site.build_ok();
    // The survey files are data: never published.
    assert!(!site.exists("public/health"));
    let page = site.read("public/team-health/index.html");
    assert!(
        page.contains("<a href=\"./\" aria-current=\"true\">Team health</a>"),
        "the header links it"
    );
    let start = page.find("<article").expect("the article");
    let end = page.find("</article>").map_or(page.len(), |e| e + 10);
    let article = &page[start..end];
    // Three answers are below the floor of five: no mean, no spread.
    assert!(article.contains("<td data-label=\"Question\">My ideas are heard.</td><td data-label=\"Mean\"><span class=\"too-few\">too few responses</span></td>"), "{article}");
    assert!(article.contains("<span class=\"spread\" role=\"img\" aria-label=\"0 answered 1, 2 answered 2, 3 answered 3, 1 answered 4, 0 answered 5\">"), "{article}");
    assert!(article.contains("<desc id=\"dimension-1-desc\">2026-Q1: 4.33, 2026-Q2: 3.83, 2026-Q3: 2.83; alert line 3</desc>"), "{article}");
    insta::assert_snapshot!("team_health_page", article);
    // Without surveys: no dashboard and no header link.
    let plain = Fixture::new().file("index.md", "# Home\n");
    plain.build_ok();
    assert!(!plain.exists("public/team-health/index.html"));
    assert!(!plain.read("public/index.html").contains("Team health"));
}

#[test]
fn survey_dimensions_are_the_teams_own_in_their_order_and_a_typo_is_a_warning() {
    let question = |id: &str, dimension: &str| {
        format!(
            "[[questions]]\nid = \"{id}\"\ntext = \"{id}?\"\ndimension = \"{dimension}\"\nanswers = [0, 0, 1, 3, 3]\n\n"
        )
    };
    let file = [
        question("debt", "Technical health"),
        question("customers", "customer focus"),
        question("safe", "psychological safty"),
    ]
    .concat();
    let site = Fixture::new()
        .file("index.md", "# Home\n")
        .file("health/2026-Q3.toml", &file);
    let (code, diags) = site.check_json();
    assert_eq!(code, 0, "warnings only");
    assert_eq!(
        positions(&diags),
        vec![
            ("unknown-value".into(), "health/2026-Q3.toml".into(), 10, 13),
            ("unknown-value".into(), "health/2026-Q3.toml".into(), 16, 13),
        ]
    );
    assert_eq!(
        diags[0]["message"],
        "the dimension \"customer focus\" of question `customers` is not one of the team's dimensions"
    );
    assert!(
        diags[0]["help"].as_str().is_some_and(
            |h| h.starts_with("add \"customer focus\" to `dimensions` under `[health]`")
        ),
        "{diags:#?}"
    );
    assert_eq!(diags[1]["help"], "did you mean \"psychological safety\"?");
    // The team's own list: no warning for its dimensions, shown in its order.
    let site = site.file(
        "handbook.toml",
        "title = \"T\"\n[health]\ndimensions = [\"Customer focus\", \"psychological safty\", \"technical health\"]\n",
    );
    let (code, diags) = site.check_json();
    assert_eq!((code, diags.len()), (0, 0), "{diags:#?}");
    site.build_ok();
    let page = site.read("public/team-health/index.html");
    let order: Vec<usize> = ["Customer focus", "Psychological safty", "Technical health"]
        .iter()
        .map(|d| page.find(&format!(">{d} <")).unwrap_or(usize::MAX))
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]) && order[2] < usize::MAX,
        "{order:?}"
    );
}

#[test]
fn a_survey_file_with_a_row_per_person_is_refused() {
    let site = Fixture::new().file("index.md", "# Home\n").file(
        "health/2026-Q3.csv",
        "Timestamp,Email address,It is safe to disagree.\n2026-09-01 10:00,ana@example.org,4\n",
    );
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(
        positions(&diags),
        vec![("invalid-value".into(), "health/2026-Q3.csv".into(), 1, 1)]
    );
    assert_eq!(
        diags[0]["message"],
        "the column `timestamp` names who answered: survey files keep aggregates only, never rows per person"
    );
    assert!(site.run(&["build"]).code != 0, "nothing is published");
    assert!(!site.exists("public"));
}

#[test]
fn an_action_listed_again_in_a_later_retro_is_tracked_once_as_carried_over() {
    let retro = |date: &str, actions: &str| {
        format!(
            "+++\ndate = {date}\n{actions}+++\n## Start\n\nA.\n\n## Stop\n\nB.\n\n## Continue\n\nC.\n"
        )
    };
    let drills =
        "[[actions]]\nwhat = \"Pair on one failover drill per quarter\"\nowner = \"ines\"\n";
    let site = Fixture::new()
        .file("index.md", "# Home\n")
        .file("retros/2026-q1.md", &retro("2026-04-02", drills))
        .file("retros/2026-q2.md", &retro("2026-07-02", &format!("{drills}\n[[actions]]\nid = \"pager\"\nwhat = \"Fix the pager\"\nowner = \"bo\"\n")))
        .file("retros/2026-q3.md", &retro("2026-10-02", &format!("{drills}due = 2026-12-31\n\n[[actions]]\nid = \"pager\"\nwhat = \"Make the pager quieter\"\nowner = \"bo\"\ndone = true\n")));
    site.build_ok();
    let tracker = site.read("public/actions/index.html");
    assert_eq!(
        tracker
            .matches("Pair on one failover drill per quarter")
            .count(),
        1,
        "{tracker}"
    );
    assert!(tracker.contains("<span class=\"badge carried\" title=\"listed open in 2 earlier reviews\">carried over 2×</span> <span class=\"action-age\">232 days open</span>"), "{tracker}");
    // An id given keeps an action the same action however it is reworded.
    assert!(
        !tracker.contains("Fix the pager") && tracker.contains("Make the pager quieter"),
        "{tracker}"
    );
    assert!(
        tracker.contains("<tr><td>ines</td><td>1</td><td>0</td></tr>"),
        "{tracker}"
    );
}

#[test]
fn a_metric_history_file_is_read_from_metrics_and_never_published() {
    let charter = |second: &str| {
        format!(
            "+++\n[[metrics]]\nname = \"Uptime\"\nunit = \"%\"\ntarget = 99.9\nhistory = \"metrics/uptime.csv\"\n\n\
             [[metrics]]\nname = \"CSAT\"\nhistory = \"{second}\"\n+++\n"
        )
    };
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        outside.path().join("secret.csv"),
        "at,value\n2026-Q1,4242\n",
    )
    .expect("write");
    let site = Fixture::new()
        .file("index.md", "")
        .file("charter.md", &charter("metrics/csat.csv"))
        .file(
            "metrics/uptime.csv",
            "at,value\n2026-Q2,99.86\n2026-Q1,99.71\nQ3,99.9\n2026-Q3,99.93\n",
        );
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    let found: Vec<(String, u64, String)> = diags
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
                d["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        found.contains(&(
            "metrics/uptime.csv".into(),
            4,
            "`at` must be a month, a quarter or a day, found \"Q3\"".into()
        )),
        "{found:?}"
    );
    let missing = found
        .iter()
        .find(|(path, _, _)| path == "charter.md")
        .expect("the missing file, at the charter");
    assert_eq!(missing.1, 10);
    assert!(
        missing
            .2
            .starts_with("cannot read the history file `metrics/csat.csv`"),
        "{missing:?}"
    );
    // A link out of the repository is never read.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            outside.path().join("secret.csv"),
            site.path().join("metrics/csat.csv"),
        )
        .expect("symlink");
        let (_, diags) = site.check_json();
        assert!(
            diags.iter().any(|d| d["message"]
                == "cannot read the history file `metrics/csat.csv`: it is a link out of the repository"),
            "{diags:?}"
        );
        std::fs::remove_file(site.path().join("metrics/csat.csv")).expect("unlink");
    }
    std::fs::write(
        site.path().join("metrics/csat.csv"),
        "Quarter,Value\n2026-Q3,4.4\n",
    )
    .expect("write");
    std::fs::write(
        site.path().join("metrics/uptime.csv"),
        "at,value\n2026-Q2,99.86\n2026-Q1,99.71\n2026-Q3,99.93\n",
    )
    .expect("write");
    site.build_ok();
    let page = site.read("public/charter/index.html");
    assert!(
        page.contains("<desc id=\"metric-1-desc\">2026-Q1: 99.71%, 2026-Q2: 99.86%, 2026-Q3: 99.93%; target 99.9%</desc>"),
        "{page}"
    );
    assert!(page.contains("4.4"), "{page}");
    assert!(!page.contains("4242"));
    assert!(
        !site.exists("public/metrics/uptime.csv"),
        "data, not published"
    );
    assert!(!site.exists("public/metrics"));
}

#[test]
fn actions_opened_closed_open_and_on_time_are_counted_from_reviews() {
    let retro = |date: &str, actions: &str| {
        format!(
            "+++\nkind = \"retro\"\ntitle = \"Retro {date}\"\ndate = {date}\n{actions}+++\n\n## Start\n\n## Stop\n\n## Continue\n"
        )
    };
    let site = Fixture::new()
        .file("index.md", "")
        .file(
            "charter.md",
            "+++\n[[metrics]]\nname = \"Opened\"\nfrom = \"actions\"\n\n[[metrics]]\nname = \"Closed\"\nfrom = \"actions-closed\"\n\n\
             [[metrics]]\nname = \"Open\"\nfrom = \"open-actions\"\n\n[[metrics]]\nname = \"On time\"\nfrom = \"actions-on-time\"\n+++\n",
        )
        .file(
            "retros/q1.md",
            &retro(
                "2026-03-30",
                "[[actions]]\nwhat = \"Pair on drills\"\n\n[[actions]]\nwhat = \"Alert on lag\"\ndue = 2026-05-01\n\n\
                 [[actions]]\nwhat = \"Rotate keys\"\ndue = 2026-04-01\n",
            ),
        )
        .file(
            "retros/q2.md",
            &retro(
                "2026-06-29",
                "[[actions]]\nwhat = \"Pair on drills\"\n\n[[actions]]\nwhat = \"Alert on lag\"\ndue = 2026-05-01\ndone = 2026-04-20\n\n\
                 [[actions]]\nwhat = \"Rotate keys\"\ndue = 2026-04-01\ndone = true\n\n\
                 [[actions]]\nwhat = \"Canary deploys\"\ndue = 2026-09-01\n",
            ),
        )
        .file(
            "retros/q3.md",
            &retro(
                "2026-09-28",
                "[[actions]]\nwhat = \"Pair on drills\"\n\n[[actions]]\nwhat = \"Canary deploys\"\ndue = 2026-09-01\ndone = 2026-08-01\n",
            ),
        );
    site.build_ok();
    let page = site.read("public/charter/index.html");
    for desc in [
        // Listed again, opened once.
        "<desc id=\"metric-1-desc\">2026-Q1: 3, 2026-Q2: 1</desc>",
        "<desc id=\"metric-2-desc\">2026-Q2: 2, 2026-Q3: 1</desc>",
        // Open at each quarter's end, up to today's (SOURCE_DATE_EPOCH).
        "<desc id=\"metric-3-desc\">2026-Q1: 3, 2026-Q2: 2, 2026-Q3: 1, 2026-Q4: 1</desc>",
        // Done on its date, by the due date; done by the Q2 retro, late.
        "<desc id=\"metric-4-desc\">2026-Q2: 50%, 2026-Q3: 100%</desc>",
    ] {
        assert!(page.contains(desc), "{desc} in {page}");
    }
    // The home page shows the open count's trend beside it.
    let home = site.read("public/index.html");
    assert!(
        home.contains("aria-label=\"Open actions at the end of each quarter: 2026-Q1 3, 2026-Q2 2, 2026-Q3 1, 2026-Q4 1\""),
        "{home}"
    );
}

#[test]
fn the_home_page_and_the_charter_link_the_team_health_dashboard() {
    let site = Fixture::new()
        .file("index.md", "# Home\n")
        .file("charter.md", "+++\n[[metrics]]\nname = \"Uptime\"\n+++\n")
        .file(
            "health/2026-Q1.toml",
            &survey("2026-Q1", [0, 0, 0, 3, 3], [0, 0, 1, 3, 2]),
        )
        .file(
            "health/2026-Q2.toml",
            &survey("2026-Q2", [0, 0, 2, 3, 1], [0, 0, 2, 3, 1]),
        );
    site.build_ok();
    assert!(site.read("public/index.html").contains(
        "<li class=\"card\"><a href=\"team-health/\"><strong>✓</strong> team health: nothing falling</a><span class=\"card-note\">survey of 2026-Q2</span></li>"
    ));
    assert!(
        site.read("public/charter/index.html").contains(
            "from its quarterly survey: <a href=\"../team-health/\">team health</a>.</p>"
        )
    );
    // A third period falling: the card says so.
    let site = site.file(
        "health/2026-Q3.toml",
        &survey("2026-Q3", [0, 2, 3, 1, 0], [0, 2, 3, 1, 0]),
    );
    site.build_ok();
    assert!(site.read("public/index.html").contains(
        "<li class=\"card card-alert\"><a href=\"team-health/\"><strong>1</strong> team health dimension to talk about</a>"
    ));
}

#[test]
fn alert_rules_and_runbooks_are_compared_both_ways_at_their_lines() {
    let rules = "groups:\n  - name: ledger\n    rules:\n      - alert: LedgerPrimaryDown\n        expr: up == 0\n        \
                 annotations:\n          runbook_url: https://ledger.example/handbook/runbooks/db/\n      \
                 - alert: LedgerLagHigh\n        expr: lag > 30\n        annotations:\n          \
                 runbook_url: https://ledger.example/handbook/runbooks/cache/\n      \
                 - alert: LedgerDiskFull\n        expr: disk > 0.9\n";
    let manifest = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: cache\n\
                    spec:\n  groups:\n    - name: cache\n      rules:\n        - alert: CacheHot\n          expr: hits > 9\n";
    let f = Fixture::empty()
        .file("monitoring/ledger.rules.yml", rules)
        .file("monitoring/k8s/cache.yaml", manifest)
        .file(
            "docs/handbook/handbook.toml",
            "title = \"Ledger\"\nbase_url = \"https://ledger.example/handbook/\"\n\n\
             [runbooks]\nalert_rules = [\"monitoring/**/*.rules.yml\", \"monitoring/k8s/*.yaml\"]\n",
        )
        .file("docs/handbook/index.md", "# Ledger\n")
        .file(
            "docs/handbook/runbooks/db.md",
            "+++\ntitle = \"Database\"\nservice = \"ledger\"\nowner = \"ana\"\nalerts = [\"LedgerPrimaryDown\", \"LedgerLagHigh\"]\n\
             last_reviewed = 2026-11-01\n+++\n\nPromote the replica.\n",
        )
        .file(
            "docs/handbook/runbooks/cache.md",
            "+++\ntitle = \"Cache\"\nservice = \"ledger\"\nowner = \"ana\"\nalerts = [\"CacheHot\", \"CacheGhost\"]\n\
             last_reviewed = 2026-11-01\n+++\n\nFlush it.\n",
        )
        .git_init();
    let (_, diags) = f.check_json_in("docs/handbook");
    let found: Vec<(String, String, u64)> = diags
        .iter()
        .filter(|d| {
            let code = d["code"].as_str().unwrap_or("");
            code.starts_with("alert-") || code == "runbook-url-mismatch"
        })
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["path"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "runbook-url-mismatch".into(),
                "../../monitoring/ledger.rules.yml".into(),
                11
            ),
            (
                "alert-without-runbook".into(),
                "../../monitoring/ledger.rules.yml".into(),
                12
            ),
            ("alert-without-rule".into(), "runbooks/cache.md".into(), 5),
        ],
        "{diags:#?}"
    );
    // Annotations name the file from the repository's root.
    let github = f.run_in("docs/handbook", &["check", "--format", "github"]);
    assert!(
        github
            .stdout
            .contains("file=monitoring/ledger.rules.yml,line=12"),
        "{}",
        github.stdout
    );
    // alerts.json lists both sides: a rule's alert without a runbook is null.
    f.run_in("docs/handbook", &["build"]);
    let alerts: serde_json::Value =
        serde_json::from_str(&f.read("docs/handbook/public/alerts.json")).expect("json");
    assert_eq!(
        alerts["LedgerPrimaryDown"],
        "https://ledger.example/handbook/runbooks/db/"
    );
    assert_eq!(
        alerts["CacheGhost"],
        "https://ledger.example/handbook/runbooks/cache/"
    );
    assert_eq!(alerts["LedgerDiskFull"], serde_json::Value::Null);
}

#[test]
fn a_bad_alert_rules_glob_is_an_error_at_the_setting() {
    let f = Fixture::new().file(
        "handbook.toml",
        "title = \"T\"\n\n[runbooks]\nalert_rules = [\"monitoring/[*.yml\"]\n",
    );
    let (code, diags) = f.check_json();
    assert_eq!(code, 1);
    let d = diags
        .iter()
        .find(|d| d["code"] == "invalid-glob")
        .unwrap_or_else(|| panic!("{diags:#?}"));
    assert_eq!(
        (d["path"].as_str(), d["line"].as_u64()),
        (Some("handbook.toml"), Some(4))
    );
}
