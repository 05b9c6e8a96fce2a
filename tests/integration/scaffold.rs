//! `handbook new` and `handbook init`.

use crate::support::Fixture;

#[test]
fn init_writes_a_starter_that_checks_clean_and_builds() {
    let site = Fixture::empty();
    let run = site.run(&["init", "hb", "--title", "Platform Handbook"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("handbook.toml")
            && run
                .stdout
                .contains("decisions/0001-record-architecture-decisions.md")
    );
    let check = site.run(&["check", "hb", "--format", "json"]);
    assert_eq!(
        (check.code, check.stdout.as_str()),
        (0, ""),
        "{}",
        check.stderr
    );
    assert_eq!(site.run(&["build", "hb"]).code, 0);
    assert!(
        site.read("hb/public/index.html")
            .contains("Platform Handbook")
    );
}

#[test]
fn init_never_overwrites() {
    let site = Fixture::new();
    let run = site.run(&["init"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("handbook.toml already exists"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("handbook.toml"), "title = \"Fixture Handbook\"\n");
}

#[test]
fn new_adr_takes_the_next_number_in_the_existing_folder_and_today() {
    let site = Fixture::new()
        .file("index.md", "")
        .file("docs/adr/0001-a.md", "+++\nstatus = \"accepted\"\n+++\n")
        .file("docs/adr/0004-b.md", "+++\nstatus = \"accepted\"\n+++\n");
    let run = site.run(&["new", "adr", "Use Kafka for fan-out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.trim(),
        "./docs/adr/0005-use-kafka-for-fan-out.md"
    );
    let text = site.read("docs/adr/0005-use-kafka-for-fan-out.md");
    assert!(text.contains("date = 2026-11-20\n"), "{text}");
    assert_eq!(
        site.run(&["new", "adr", "Use Kafka for fan-out"]).code,
        0,
        "a second one gets the next number"
    );
    assert!(site.exists("docs/adr/0006-use-kafka-for-fan-out.md"));
}

#[test]
fn new_pages_of_each_kind_pass_check_with_one_fill_in_warning_at_most() {
    // Two people, neither of them the one git names: owners are placeholders.
    let site = Fixture::new()
        .file("index.md", "")
        .file(
            "team.toml",
            "[[people]]\nhandle = \"ana\"\nname = \"Ana Ruiz\"\n\n[[people]]\nhandle = \"bo\"\nname = \"Bo Lind\"\n",
        );
    for (kind, title) in [
        ("aar", "Queue outage"),
        ("retro", "Q4 retro"),
        ("page", "On call"),
        ("runbook", "Restart billing"),
        ("adr", "Use queues"),
    ] {
        let run = site.run(&["new", kind, title]);
        assert_eq!(run.code, 0, "{kind}: {}", run.stderr);
    }
    assert!(site.exists("aars/2026-11-20-queue-outage.md"));
    assert!(
        site.exists("retros/2026-11-20-q4-retro.md"),
        "retros are named by date like AARs"
    );
    assert!(site.exists("on-call.md"));
    assert!(site.exists("runbooks/restart-billing.md"));
    let (code, diags) = site.check_json();
    assert_eq!(code, 0, "{diags:#?}");
    let found: Vec<_> = diags
        .iter()
        .map(|d| (d["path"].clone(), d["code"].clone(), d["message"].clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "aars/2026-11-20-queue-outage.md".into(),
                "fill-in".into(),
                "fill in facilitator, owner (left as \"<fill in>\")".into()
            ),
            (
                "retros/2026-11-20-q4-retro.md".into(),
                "fill-in".into(),
                "fill in facilitator, owner (left as \"<fill in>\")".into()
            ),
            (
                "runbooks/restart-billing.md".into(),
                "fill-in".into(),
                "fill in service, owner (left as \"<fill in>\")".into()
            ),
        ],
        "one clear warning per page, nothing else: {diags:#?}"
    );
}

#[test]
fn new_names_the_person_git_is_configured_as() {
    let site = Fixture::new().file("index.md", "").file(
        "team.toml",
        "[[people]]\nhandle = \"ana\"\nname = \"Ana Ruiz\"\ncontact = \"ana@tidewater.example\"\n\n[[people]]\nhandle = \"bo\"\nname = \"Bo Lind\"\n",
    );
    let git = |args: &[&str]| {
        let out =
            crate::support::git_command(site.path(), "Ana Ruiz", "2026-11-01T10:00:00Z", args);
        assert!(out.status.success(), "git {args:?}: {out:?}");
    };
    git(&["init", "-q"]);
    git(&["config", "user.email", "ana@tidewater.example"]);
    assert_eq!(site.run(&["new", "aar", "Queue outage"]).code, 0);
    let text = site.read("aars/2026-11-20-queue-outage.md");
    assert!(text.contains("facilitator = \"ana\""), "{text}");
    assert!(text.contains("participants = [\"ana\"]"), "{text}");
    let (code, diags) = site.check_json();
    let diags: Vec<_> = diags
        .into_iter()
        .filter(|d| d["code"] != "git-history")
        .collect();
    assert_eq!((code, diags.len()), (0, 0), "{diags:#?}");
}

#[test]
fn new_refuses_an_empty_title() {
    let site = Fixture::new().file("index.md", "");
    for title in ["", "   ", "?!"] {
        let run = site.run(&["new", "adr", title]);
        assert_eq!(run.code, 2, "{title:?}");
        assert!(
            run.stderr
                .contains("the title has nothing to name the file after"),
            "{}",
            run.stderr
        );
    }
    assert!(!site.exists("decisions"));
}

#[test]
fn new_refuses_to_overwrite_and_needs_a_handbook() {
    let site = Fixture::new().file("on-call.md", "mine\n");
    let run = site.run(&["new", "page", "On call"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("on-call.md already exists"));
    assert_eq!(site.read("on-call.md"), "mine\n");
    let empty = Fixture::empty();
    let run = empty.run(&["new", "adr", "X"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("run `handbook init .`"),
        "{}",
        run.stderr
    );
}

/// `tests/fixtures/existing-docs`: a repository's docs that were never a
/// handbook: decisions under `architecture/`, alert runbooks under
/// `ops/alerts/`, postmortems at the root, a vendored library and an old
/// site export. `init` adopts them in one command.
#[test]
fn init_adopts_existing_docs_by_what_they_say() {
    let site = Fixture::copy_of("tests/fixtures/existing-docs");
    let run = site.run(&["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let config = site.read("handbook.toml");
    crate::support::assert_contains_all(
        &config,
        &[
            "title = \"Tidewater Platform\"",
            "\"site/**\",  # another tool's built site",
            "\"architecture/adr-template.md\",  # a template",
            "\"vendor/**\",  # vendored code",
            "\".\" = \"aar\"  # 2 of 2 files read as such",
            "\"architecture\" = \"adr\"  # 2 of 2 files read as such",
            "\"ops/alerts\" = \"runbook\"  # 2 of 2 files read as such",
        ],
    );
    assert_eq!(
        site.read(".gitignore"),
        "node_modules/\n*.log\n/public/\n",
        "one line appended, nothing else changed"
    );
    crate::support::assert_contains_all(
        &run.stderr,
        &[
            "found 10 markdown files",
            "ops/alerts/: 2 of 2 files read as runbooks",
            "the root: 2 of 2 files read as after-action reviews",
            "check: ",
        ],
    );
    let (code, diags) = site.check_json();
    assert_eq!(code, 0, "{diags:#?}");
    let codes: Vec<&str> = diags.iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(
        codes.iter().all(|c| *c == "missing-field"),
        "only the runbooks' missing owners and services: {diags:#?}"
    );
    site.build_ok();
    assert!(site.exists("public/ops/alerts/tenantqueuestalled/index.html"));
    assert!(
        !site.exists("public/site/index.html"),
        "the old export is left out"
    );
    // A second init changes nothing.
    let again = site.run(&["init"]);
    assert_eq!(again.code, 2);
    assert_eq!(site.read(".gitignore"), "node_modules/\n*.log\n/public/\n");
}

/// A survey tool's export: a row per response, a timestamp and an email
/// column, answers as the scale's words or digits, a blank, a free-text
/// column with a comma inside quotes.
const EXPORT: &str = "Timestamp,Email address,I know what my role is in this sprint.,\"We keep technical debt under control.\",Anything else?\n\
2026-12-01 09:12,ana@example.org,Agree,4,\"More pairing, please\"\n\
2026-12-01 09:40,bo@example.org,Strongly agree,,\n\
2026-12-02 11:02,cy@example.org,\"3 - Neither agree nor disagree\",2,\n\
2026-12-02 16:20,di@example.org,Disagree,Strongly disagree,Too many meetings\n\
2026-12-03 08:05,ed@example.org,agree,5,\n";

#[test]
fn survey_import_keeps_only_the_counts_and_never_overwrites() {
    let site = Fixture::new()
        .file("handbook.toml", "title = \"T\"\n")
        .file("index.md", "# Home\n")
        .file(
            "health/2026-Q3.toml",
            "[[questions]]\nid = \"role\"\ntext = \"I know what my role is in this sprint.\"\ndimension = \"role clarity\"\nanswers = [0, 0, 1, 2, 2]\n",
        )
        .file("responses.csv", EXPORT);
    let run = site.run(&["survey", "import", "responses.csv", "--period", "2026-Q4"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), "./health/2026-Q4.toml");
    assert!(run.stderr.contains("kept the counts of 2 questions from 5 responses (1 blank answers not counted); the rows were not kept"), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "dropped columns that are not answers: Timestamp, Email address, Anything else?"
        ),
        "{}",
        run.stderr
    );
    let written = site.read("health/2026-Q4.toml");
    for private in ["ana@", "2026-12-01", "pairing", "meetings"] {
        assert!(!written.contains(private), "{private} in {written}");
    }
    // The standing question keeps its id and dimension; a new one is unassigned.
    assert!(written.contains("id = \"role\"\ntext = \"I know what my role is in this sprint.\"\ndimension = \"role clarity\"\nanswers = [0, 1, 1, 2, 1]"), "{written}");
    assert!(
        written.contains("dimension = \"unassigned\"\nanswers = [1, 1, 0, 1, 1]"),
        "{written}"
    );
    // It builds, and the file is data: the dashboard has it, the site does not.
    site.build_ok();
    assert!(!site.exists("public/health/2026-Q4.toml"));
    assert!(
        site.read("public/team-health/index.html")
            .contains("Latest: 2026-Q4.")
    );
    // Again: refused, the file untouched; a period that is not a file name too.
    let again = site.run(&["survey", "import", "responses.csv", "--period", "2026-Q4"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(site.read("health/2026-Q4.toml"), written);
    let climbing = site.run(&[
        "survey",
        "import",
        "responses.csv",
        "--period",
        "../../evil",
    ]);
    assert_eq!(climbing.code, 2);
    assert!(
        climbing.stderr.contains("is not a file name"),
        "{}",
        climbing.stderr
    );
    assert!(!site.path().join("../evil.toml").exists());
}

#[test]
fn new_survey_writes_an_empty_period_with_the_standing_questions() {
    let site = Fixture::new()
        .file("handbook.toml", "title = \"T\"\n")
        .file("index.md", "# Home\n");
    let run = site.run(&["new", "survey", "2027-Q1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = site.read("health/2027-Q1.toml");
    assert_eq!(
        first.matches("[[questions]]").count(),
        7,
        "one per dimension to start"
    );
    assert!(first.contains("answers = [0, 0, 0, 0, 0]"));
    // An empty period checks clean: no numbers, so nothing to warn about.
    let (code, diags) = site.check_json();
    assert_eq!((code, diags.len()), (0, 0), "{diags:?}");
    let run = site.run(&["new", "survey", "2027-Q2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        site.read("health/2027-Q2.toml").replace("2027-Q2", "P"),
        first.replace("2027-Q1", "P"),
        "the next period repeats the standing questions"
    );
}
