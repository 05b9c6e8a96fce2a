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
        vec![(
            "review-overdue".into(),
            "runbooks/certificate-renewal.md".into(),
            7,
            17
        )],
        "{diags:#?}"
    );
}
