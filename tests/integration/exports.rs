//! What other tools read: each page's markdown at its source path (so links
//! between pages keep working), `llms.txt` and `llms-full.txt`, and the JSON
//! export (`handbook export`, `handbook.json`) checked against its schema.

use crate::support::Fixture;

/// A small handbook with a link between pages, an image, a decision that
/// supersedes another, a runbook and a retro with an action.
fn handbook() -> Fixture {
    Fixture::new()
        .file(
            "handbook.toml",
            "title = \"Exports\"\ndescription = \"How the Harbor team\\nworks.\"\n",
        )
        .file("index.md", "# Home\n\nStart at [the failover runbook](runbooks/db.md).\n")
        .file(
            "runbooks/db.md",
            "+++\ntitle = \"Database failover\"\ndescription = \"Promote a replica.\"\nservice = \"db\"\nowner = \"ana\"\n\
             last_reviewed = 2020-01-01\nalerts = [\"DbDown\"]\n+++\n\nSee [the decision](../decisions/0002-streams.md) and ![the map](../img/map.svg).\n\n## Promote\n\nRun it.\n",
        )
        .file("img/map.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n")
        .file(
            "decisions/0001-queues.md",
            "+++\ntitle = \"Use queues\"\nstatus = \"superseded\"\ndate = 2026-01-05\n+++\n\nWe queue.\n",
        )
        .file(
            "decisions/0002-streams.md",
            "+++\ntitle = \"Use streams\"\nstatus = \"accepted\"\ndate = 2026-02-01\nsupersedes = [1]\n+++\n\n# Use streams\n\nWe stream.\n",
        )
        .file(
            "retros/q1.md",
            "+++\nkind = \"retro\"\ntitle = \"Q1 retro\"\ndate = 2026-03-30\n\n[[actions]]\nwhat = \"Pair on drills\"\nowner = \"ana\"\ndue = 2026-06-30\n+++\n\n## Start\n\n## Stop\n\n## Continue\n",
        )
}

/// Asserts that `export` is what the export's JSON Schema describes.
fn assert_valid(export: &serde_json::Value) {
    let schema: serde_json::Value =
        serde_json::from_str(handbook::site::EXPORT_SCHEMA).expect("schema");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(export)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn each_page_has_its_markdown_at_its_source_path_and_llms_txt_lists_them() {
    let site = handbook();
    site.build_ok();
    // The body as written, under its title; front matter left out. Its
    // relative links resolve, as the copies mirror the sources.
    assert_eq!(
        site.read("public/runbooks/db.md"),
        "# Database failover\n\nSee [the decision](../decisions/0002-streams.md) and ![the map](../img/map.svg).\n\n## Promote\n\nRun it.\n"
    );
    assert!(site.exists("public/decisions/0002-streams.md"));
    assert!(site.exists("public/img/map.svg"));
    // A body that opens with its title keeps it once.
    assert_eq!(
        site.read("public/decisions/0002-streams.md"),
        "# Use streams\n\nWe stream.\n"
    );
    // The page names its markdown.
    assert!(
        site.read("public/runbooks/db/index.html")
            .contains("<link rel=\"alternate\" type=\"text/markdown\" href=\"../db.md\">")
    );
    let llms = site.read("public/llms.txt");
    assert!(
        llms.starts_with("# Exports\n\n> How the Harbor team works.\n\n"),
        "{llms}"
    );
    for line in [
        "## Decisions\n\n- [Use queues](decisions/0001-queues.md)\n- [Use streams](decisions/0002-streams.md)\n",
        "## Runbooks\n\n- [Database failover](runbooks/db.md): Promote a replica.\n",
        "## After-action reviews and retrospectives\n\n- [Q1 retro](retros/q1.md)\n",
        "## Pages\n\n- [Home](index.md)\n",
    ] {
        assert!(llms.contains(line), "{line} in {llms}");
    }
    let full = site.read("public/llms-full.txt");
    assert!(
        full.contains("<!-- runbooks/db/ -->\n# Database failover\n\nSee [the decision]"),
        "{full}"
    );
    assert_eq!(full.matches("<!-- ").count(), 5);
    // Off: none of them, and no link to them.
    let site = site.file(
        "handbook.toml",
        "title = \"Exports\"\n[output]\nmarkdown_copies = false\n",
    );
    site.build_ok();
    assert!(!site.exists("public/runbooks/db.md"));
    assert!(!site.exists("public/llms.txt"));
    assert!(
        !site
            .read("public/runbooks/db/index.html")
            .contains("text/markdown")
    );
}

#[test]
fn the_json_export_matches_its_schema_and_says_what_the_handbook_knows() {
    let site = handbook();
    let run = site.run(&["export"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let export: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let schema_run = site.run(&["export", "--format", "schema"]);
    assert_eq!(schema_run.stdout, handbook::site::EXPORT_SCHEMA);
    assert_valid(&export);
    assert_eq!(export["version"], 1);
    let adrs = export["adrs"].as_array().expect("adrs");
    assert_eq!(
        adrs[0]["superseded_by"],
        serde_json::json!(["decisions/0002-streams/"])
    );
    assert_eq!(
        adrs[1]["supersedes"],
        serde_json::json!(["decisions/0001-queues/"])
    );
    assert_eq!(adrs[1]["status"], "accepted");
    let runbook = &export["runbooks"][0];
    assert_eq!(
        (
            &runbook["service"],
            &runbook["owner"],
            &runbook["alerts"],
            &runbook["review"]
        ),
        (
            &"db".into(),
            &"ana".into(),
            &serde_json::json!(["DbDown"]),
            &"overdue".into()
        )
    );
    let db = export["pages"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["url"] == "runbooks/db/"))
        .expect("the runbook page");
    assert_eq!(
        db["headings"],
        serde_json::json!([{ "level": 2, "id": "promote", "text": "Promote" }])
    );
    assert_eq!(export["actions"][0]["id"], "pair-on-drills");
    assert_eq!(export["actions"][0]["from"], "retros/q1/");
    // `[output] json` writes the same bytes into the site.
    let site = site.file("handbook.toml", "title = \"Exports\"\ndescription = \"How the Harbor team\\nworks.\"\n[output]\njson = true\n");
    site.build_ok();
    let again = site.run(&["export"]);
    assert_eq!(site.read("public/handbook.json"), again.stdout);
    // `-o` never writes over a file.
    std::fs::write(site.path().join("taken.json"), "mine").expect("write");
    let refused = site.run(&["export", "-o", "taken.json"]);
    assert_eq!(refused.code, 1);
    assert_eq!(site.read("taken.json"), "mine");
    assert!(
        refused.stderr.contains("cannot write taken.json"),
        "{}",
        refused.stderr
    );
}

#[test]
fn the_example_handbooks_export_matches_its_schema() {
    let site = Fixture::copy_of("example-handbook");
    let run = site.run(&["export"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let export: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_valid(&export);
    assert_eq!(export["adrs"].as_array().map(Vec::len), Some(7));
    assert!(export["people"].as_array().is_some_and(|p| p.len() >= 7));
}
