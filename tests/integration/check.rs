//! `handbook check`: every kind of mistake is reported at its true position, all
//! in one run, in each output format, with the documented exit codes.

use crate::support::{Fixture, positions};

/// One handbook with every mistake the core pipeline diagnoses.
fn every_mistake() -> Fixture {
    let fixture = Fixture::empty()
        .file("handbook.toml", "title = \"Mistakes\"\ntitel = \"typo\"\n")
        .file("index.md", "# Home\n\nStart at [links](links.md).\n")
        .file(
            "bad-toml.md",
            "+++\ntitle = \"Bad\"\nowner = \n+++\nBody.\n",
        )
        .file(
            "bad-yaml.md",
            "---\ntitle: Fine\nowner: dana: ops\n---\nBody.\n",
        )
        .file("unclosed.md", "+++\ntitle = \"Never closed\"\n\nBody.\n")
        .file(
            "wrong-type.md",
            "+++\ntitle = \"T\"\nweight = \"heavy\"\ndraft = \"yes\"\n+++\nBody.\n",
        )
        .file(
            "links.md",
            "# Links\n\nSee [gone](missing-page.md) here.\nAnd [anchor](target.md#nowhere).\n",
        )
        .file("target.md", "# Target\n\n## Somewhere\n")
        .file("dup/Same Name.md", "One.\n")
        .file("dup/same-name.md", "Two.\n")
        .bytes("latin1.md", b"caf\xe9 au lait\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink("nowhere.md", fixture.path().join("ghost.md")).expect("symlink");
    fixture
}

#[test]
fn reports_every_mistake_at_its_true_position_in_one_run() {
    let fixture = every_mistake();
    let (code, diags) = fixture.check_json();
    assert_eq!(code, 1);
    let expected: Vec<(&str, &str, u64, u64)> = vec![
        ("invalid-toml", "bad-toml.md", 3, 9),
        ("invalid-yaml", "bad-yaml.md", 3, 12),
        ("duplicate-url", "dup/same-name.md", 0, 0),
        ("unreadable-file", "ghost.md", 0, 0),
        ("unknown-key", "handbook.toml", 2, 1),
        ("not-utf8", "latin1.md", 1, 4),
        ("broken-link", "links.md", 3, 12),
        ("missing-anchor", "links.md", 4, 14),
        ("unclosed-front-matter", "unclosed.md", 1, 1),
        ("wrong-type", "wrong-type.md", 3, 10),
        ("wrong-type", "wrong-type.md", 4, 9),
    ];
    let expected: Vec<_> = expected
        .into_iter()
        .map(|(c, p, l, col)| (c.to_string(), p.to_string(), l, col))
        .collect();
    assert_eq!(positions(&diags), expected, "{diags:#?}");
}

#[test]
fn messages_and_hints_say_what_to_do() {
    let (_, diags) = every_mistake().check_json();
    let find = |code: &str| {
        diags
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("no {code} in {diags:#?}"))
            .clone()
    };
    let expected = [
        ("unknown-key", "help", "did you mean `title`?"),
        (
            "broken-link",
            "message",
            "broken link: `missing-page.md` does not exist",
        ),
        (
            "missing-anchor",
            "message",
            "`#nowhere` is not a heading or anchor in `target.md`",
        ),
        (
            "missing-anchor",
            "help",
            "anchors there: #somewhere, #target",
        ),
        (
            "unclosed-front-matter",
            "help",
            "add a line containing only `+++` after the last front-matter line",
        ),
        (
            "duplicate-url",
            "message",
            "`dup/same-name.md` and `dup/Same Name.md` both produce `/dup/same-name/index.html`",
        ),
    ];
    for (code, field, text) in expected {
        assert_eq!(find(code)[field], text, "{code}.{field}");
    }
    let wrong: Vec<_> = diags
        .iter()
        .filter(|d| d["code"] == "wrong-type")
        .map(|d| d["message"].clone())
        .collect();
    assert_eq!(
        wrong,
        vec![
            "`weight` must be an integer, found a string",
            "`draft` must be a boolean (true or false), found a string"
        ]
    );
    assert!(
        find("invalid-toml")["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("invalid TOML in front matter"))
    );
    assert!(
        find("unreadable-file")["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("cannot read this"))
    );
}

#[test]
fn human_format_shows_the_source_line_and_a_caret() {
    let run = every_mistake().run(&["check"]);
    assert_eq!(run.code, 1);
    let expected = "\
error[broken-link]: broken link: `missing-page.md` does not exist
 --> links.md:3:12
  |
3 | See [gone](missing-page.md) here.
  |            ^^^^^^^^^^^^^^^";
    assert!(run.stderr.contains(expected), "{}", run.stderr);
    assert!(run.stderr.contains("checked "), "{}", run.stderr);
    assert!(
        run.stderr.trim_end().ends_with("— 11 errors, 0 warnings"),
        "{}",
        run.stderr
    );
}

#[test]
fn github_format_prints_workflow_annotations() {
    let run = every_mistake().run(&["check", "--format", "github"]);
    let expected = "::error file=links.md,line=3,col=12,title=broken-link::broken link: `missing-page.md` does not exist\n";
    assert!(run.stdout.contains(expected), "{}", run.stdout);
    assert_eq!(run.stdout.lines().count(), 11);
}

#[test]
fn github_annotations_name_files_from_the_repository_root_wherever_check_runs() {
    let site = Fixture::empty()
        .file("docs/handbook/handbook.toml", "title = \"Sub\"\n")
        .file("docs/handbook/index.md", "# Home\n\n[x](missing.md)\n")
        .git_init();
    let expected = "::error file=docs/handbook/index.md,line=3,col=5,";
    // From inside the handbook, from the root, and from elsewhere in it.
    for (cwd, dir) in [
        ("docs/handbook", "."),
        ("", "docs/handbook"),
        ("docs", "handbook"),
    ] {
        let run = site.run_in(cwd, &["check", dir, "--format", "github"]);
        assert!(
            run.stdout.contains(expected),
            "from {cwd:?}: {}",
            run.stdout
        );
    }
    // Human output still names files from where it ran.
    let run = site.run_in("docs/handbook", &["check"]);
    assert!(run.stderr.contains("--> index.md:3:5"), "{}", run.stderr);
}

#[test]
fn a_clean_handbook_checks_with_exit_zero_and_writes_nothing() {
    let fixture = Fixture::new().file("index.md", "# Home\n");
    let run = fixture.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!fixture.exists("public"));
    assert!(run.stderr.contains("0 errors, 0 warnings"));
}

#[test]
fn strict_turns_warnings_into_errors() {
    let fixture = Fixture::new()
        .file(
            "handbook.toml",
            "title = \"W\"\n[links]\nbroken = \"warn\"\n",
        )
        .file("index.md", "[x](nope.md)\n");
    let (code, diags) = fixture.check_json();
    assert_eq!((code, diags[0]["severity"].as_str()), (0, Some("warning")));
    let run = fixture.run(&["check", "--strict", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("\"severity\":\"error\""));
}

#[test]
fn missing_config_says_how_to_create_one() {
    let fixture = Fixture::empty().file("index.md", "# Home\n");
    let run = fixture.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no handbook.toml in ."),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("help: run `handbook init .` to start a handbook there"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_two_and_help_has_examples() {
    let fixture = Fixture::new();
    assert_eq!(fixture.run(&["check", "--format", "xml"]).code, 2);
    assert_eq!(fixture.run(&["frobnicate"]).code, 2);
    let help = fixture.run(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("Examples:"), "{}", help.stdout);
    assert!(
        fixture
            .run(&["check", "--help"])
            .stdout
            .contains("handbook check --strict")
    );
}

#[test]
fn config_type_errors_are_all_reported() {
    let fixture = Fixture::empty()
        .file(
            "handbook.toml",
            "title = 5\nexclude = \"drafts\"\n[markdown]\nhighlight = \"no\"\n",
        )
        .file("index.md", "# Home\n");
    let (code, diags) = fixture.check_json();
    assert_eq!(code, 1);
    let lines: Vec<_> = positions(&diags)
        .into_iter()
        .map(|(c, _, l, _)| (c, l))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("wrong-type".into(), 1),
            ("wrong-type".into(), 2),
            ("wrong-type".into(), 4)
        ]
    );
}

#[test]
fn invalid_config_toml_points_at_its_line() {
    let fixture = Fixture::empty()
        .file("handbook.toml", "title = \"x\"\n\nbase_url = [\n")
        .file("index.md", "");
    let (code, diags) = fixture.check_json();
    assert_eq!(code, 1);
    assert_eq!(diags[0]["code"], "invalid-toml");
    assert_eq!(diags[0]["path"], "handbook.toml");
    assert!(diags[0]["line"].as_u64() >= Some(3), "{diags:?}");
}

#[test]
fn binary_garbage_and_odd_inputs_never_panic() {
    let fixture = Fixture::new()
        .bytes("a.md", &[0xff, 0xfe, 0x00, 0x2b, 0x2b, 0x2b])
        .file("b.md", "+++")
        .file("c.md", "---\n---\n")
        .file(
            "d.md",
            "+++\n+++\n[](#)\n[x](<>)\n[y](../../../../etc/passwd)\n",
        )
        .file("e.md", "---\n- just\n- a list\n---\n")
        .file(
            "f.md",
            "\u{feff}+++\ntitle = \"bom\"\n+++\n# ü ß 🎉\n\n## 🎉\n\n[z](#)\n",
        );
    let run = fixture.run(&["check"]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn the_example_handbook_reports_only_its_deliberate_warnings() {
    // Keep in step with the list in example-handbook/README.md.
    let site = Fixture::copy_of("example-handbook");
    let (code, diags) = site.check_json();
    assert_eq!(code, 0);
    assert_eq!(
        positions(&diags),
        vec![
            ("health-falling".into(), "health/2026-Q3.toml".into(), 12, 1),
            (
                "review-overdue".into(),
                "runbooks/certificate-renewal.md".into(),
                7,
                17
            ),
            (
                "bus-factor".into(),
                "runbooks/queue-backlog.md".into(),
                6,
                10
            ),
            ("bus-factor".into(), "team.toml".into(), 72, 11),
        ],
        "{diags:#?}"
    );
    assert_eq!(
        diags[3]["message"],
        "only Kofi Mensah knows kafka at level 3 or more (status-fanout needs it)"
    );
    assert_eq!(
        diags[2]["message"],
        "Kofi Mensah owns this runbook and is the only one who knows kafka at level 3 or more"
    );
    assert_eq!(
        diags[0]["message"],
        "team health: role clarity fell two periods running (4.4 → 3.6 → 3.0); \
         \"I know what my role is in this sprint and what is expected of me.\" moved most (-0.6)"
    );
}

#[test]
fn kinds_can_name_the_root_and_a_folder_that_is_not_there_is_a_warning() {
    let site = Fixture::new()
        .file(
            "handbook.toml",
            "title = \"T\"\n[kinds]\n\".\" = \"aar\"\ndecisons = \"adr\"\n",
        )
        .file("index.md", "# Home\n")
        .file(
            "2026-01-05-queue-outage.md",
            "# Queue outage\n\n## Impact\n\n## Root causes\n\n## Next time\n",
        )
        .file("guides/setup.md", "# Setup\n")
        .file("decisions/0001-x.md", "# 1. X\n\n## Status\n\nAccepted\n");
    let (code, diags) = site.check_json();
    assert_eq!(code, 0, "{diags:#?}");
    let found: Vec<_> = diags
        .iter()
        .map(|d| (d["code"].clone(), d["line"].clone(), d["help"].clone()))
        .collect();
    assert_eq!(
        found,
        vec![(
            "unknown-folder".into(),
            4.into(),
            "did you mean `decisions`?".into()
        )],
        "the root's AAR answers its questions; guides/ is not an AAR: {diags:#?}"
    );
    site.build_ok();
    let aar = site.read("public/2026-01-05-queue-outage/index.html");
    assert!(
        aar.contains("<dt>Type</dt>"),
        "a root file is an AAR: {aar}"
    );
    let guide = site.read("public/guides/setup/index.html");
    assert!(!guide.contains("<dt>Type</dt>"), "{guide}");
}

#[test]
fn a_misspelt_field_of_the_pages_kind_is_a_warning_and_other_keys_reach_templates() {
    let site = Fixture::new()
        .file("index.md", "")
        .file(
            "runbooks/db.md",
            "+++\nservice = \"db\"\nownr = \"ana\"\npager_rotation = \"primary\"\n+++\n",
        )
        .file(
            "decisions/0001-x.md",
            "+++\nstatsu = \"accepted\"\nstatus = \"accepted\"\nreviewed_by = \"the guild\"\n+++\n",
        )
        .file("templates/runbook.html", "{% extends \"base.html\" %}{% block main %}[{{ page.extra.pager_rotation }}]{% endblock %}");
    let (_, diags) = site.check_json();
    let found: Vec<_> = diags
        .iter()
        .map(|d| {
            (
                d["code"].clone(),
                d["path"].clone(),
                d["line"].clone(),
                d["help"].clone(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "unknown-field".into(),
                "decisions/0001-x.md".into(),
                2.into(),
                "did you mean `status`?".into()
            ),
            (
                "unknown-field".into(),
                "runbooks/db.md".into(),
                3.into(),
                "did you mean `owner`?".into()
            ),
        ],
        "a misspelt owner is not also a missing one: {diags:#?}"
    );
    site.build_ok();
    let page = site.read("public/runbooks/db/index.html");
    assert!(
        page.contains("[primary]"),
        "other keys reach templates: {page}"
    );
}

#[test]
fn a_broken_front_matter_is_the_one_error_not_also_a_missing_status() {
    let site = Fixture::new().file("index.md", "").file(
        "decisions/0001-x.md",
        "+++\nstatus = \"accepted\"\ndate = 2024-13-45\n+++\n",
    );
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["code"], "invalid-toml");
    assert!(
        diags[0]["help"].is_string(),
        "parse errors get a help line: {:#?}",
        diags[0]
    );
}

#[test]
fn paths_are_shown_from_the_current_folder_and_json_keeps_both() {
    let site = Fixture::empty()
        .file("docs/handbook.toml", "title = \"T\"\n")
        .file("docs/index.md", "")
        .file(
            "docs/runbooks/x.md",
            "+++\nservice = \"db\"\nowner = \"\"\n+++\n",
        )
        .file("docs/decisions/0001-y.md", "# 1. Y\n");
    let human = site.run(&["check", "docs"]);
    assert!(
        human.stderr.contains("--> docs/runbooks/x.md:3:9"),
        "{}",
        human.stderr
    );
    assert!(
        human
            .stderr
            .contains("warning[empty-field]: `owner` is empty"),
        "{}",
        human.stderr
    );
    let github = site.run(&["check", "docs", "--format", "github"]);
    assert!(
        github
            .stdout
            .contains("::warning file=docs/runbooks/x.md,line=3,col=9"),
        "{}",
        github.stdout
    );
    assert!(
        github
            .stdout
            .contains("::warning file=docs/decisions/0001-y.md,title=missing-field"),
        "a file-level warning has no line: {}",
        github.stdout
    );
    let json = site.run(&["check", "docs", "--format", "json"]);
    let lines: Vec<serde_json::Value> = json
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let adr = lines
        .iter()
        .find(|d| d["path"] == "decisions/0001-y.md")
        .unwrap_or_else(|| panic!("{lines:#?}"));
    assert_eq!(adr["file"], "docs/decisions/0001-y.md");
    assert_eq!(adr["type"], "diagnostic");
    assert!(adr["line"].is_null() && adr["column"].is_null(), "{adr:#?}");
    // From inside the handbook, paths are as before.
    let inside = site.run_in("docs", &["check"]);
    assert!(
        inside.stderr.contains("--> runbooks/x.md:3:9"),
        "{}",
        inside.stderr
    );
}

#[test]
fn a_folder_that_does_not_exist_is_named_as_such() {
    let site = Fixture::empty();
    let run = site.run(&["check", "no/such/dir"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("the folder no/such/dir does not exist"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_empty_owner_is_said_at_its_line_with_the_teams_handles() {
    let site = Fixture::new()
        .file("index.md", "")
        .file(
            "team.toml",
            "[[people]]\nhandle = \"ana\"\nname = \"Ana\"\n\n[[people]]\nhandle = \"bo\"\nname = \"Bo\"\n",
        )
        .file("runbooks/x.md", "+++\nservice = \"db\"\nowner = \"\"\n+++\n");
    let (_, diags) = site.check_json();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["message"], "`owner` is empty");
    assert_eq!(diags[0]["line"], 3);
    assert_eq!(diags[0]["help"], "name who keeps it current: ana, bo");
}
