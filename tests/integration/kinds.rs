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
            "<h1 id=\"1-record-architecture-decisions\">Record architecture decisions</h1>"
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
                "cannot understand the ADR status \"waiting on legal\"".into(),
                format!("use one of: {allowed}").into()
            ),
            (
                "missing-field".into(),
                0.into(),
                "this ADR has no status".into(),
                format!("add `status = \"proposed\"` to its front matter (one of: {allowed})")
                    .into()
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
