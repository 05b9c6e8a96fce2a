//! Links written the way GitHub renders them resolve to the right pages, and
//! every page lists its backlinks.

use crate::support::{Fixture, positions};

fn linked_site() -> Fixture {
    Fixture::new()
        .file("index.md", "# Home\n\n[Rota](On%20Call/Weekly%20Rota.md#hand-off) · [raw](<On Call/Weekly Rota.md>) · [folder](procedures/) · [readme](procedures/README.md) · [file](docs/plan.pdf)\n")
        .file("On Call/Weekly Rota.md", "# Weekly rota\n\n## Hand off\n\nBack [home](../index.md) or [up](./) or [self](#hand-off).\n")
        .file("procedures/README.md", "# Procedures\n\n[db](db.md#fail-over)\n")
        .file("procedures/db.md", "# DB\n\n## Fail over\n\n## Fail over\n\n[second](#fail-over-1) and [rota](/On%20Call/Weekly%20Rota.md)\n")
        .bytes("docs/plan.pdf", b"%PDF-1.4")
}

#[test]
fn links_to_renamed_files_folders_readmes_and_assets_resolve() {
    let site = linked_site();
    let (code, diags) = site.check_json();
    assert_eq!((code, diags.len()), (0, 0), "{diags:#?}");
    site.build_ok();
    let home = site.read("public/index.html");
    for href in [
        "href=\"on-call/weekly-rota/#hand-off\"",
        "href=\"on-call/weekly-rota/\"",
        "href=\"procedures/\"",
        "href=\"docs/plan.pdf\"",
    ] {
        assert!(home.contains(href), "missing {href} in {home}");
    }
    let rota = site.read("public/on-call/weekly-rota/index.html");
    assert!(rota.contains("<a href=\"../../\">home</a>"), "{rota}");
    assert!(rota.contains("<a href=\"../\">up</a>"), "{rota}");
    assert!(rota.contains("<a href=\"#hand-off\">self</a>"), "{rota}");
    let db = site.read("public/procedures/db/index.html");
    assert!(
        db.contains("<a href=\"#fail-over-1\">second</a>"),
        "duplicate headings get -1: {db}"
    );
    assert!(
        db.contains("<a href=\"../../on-call/weekly-rota/\">rota</a>"),
        "root-relative links: {db}"
    );
}

#[test]
fn every_page_shows_its_backlinks() {
    let site = linked_site();
    site.build_ok();
    let rota = site.read("public/on-call/weekly-rota/index.html");
    let backlinks = rota.split("Linked from</h2>").nth(1).unwrap_or_default();
    assert!(backlinks.contains("<a href=\"../../\">Home</a>"), "{rota}");
    assert!(
        backlinks.contains("<a href=\"../../procedures/db/\">DB</a>"),
        "{rota}"
    );
    assert_eq!(
        backlinks
            .split("</aside>")
            .next()
            .unwrap_or_default()
            .matches("<li>")
            .count(),
        2,
        "deduplicated"
    );
}

#[test]
fn a_missing_anchor_suggests_the_closest_heading() {
    let site = linked_site().file("procedures/x.md", "[db](db.md#fail-ovr)\n");
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(
        positions(&diags),
        vec![("missing-anchor".into(), "procedures/x.md".into(), 1, 6)]
    );
    assert_eq!(diags[0]["help"], "did you mean `#fail-over`?");
}

#[test]
fn a_broken_link_suggests_the_closest_page_as_written_from_there() {
    let site = linked_site().file("procedures/x.md", "text\n\n[db](dbb.md)\n");
    let (_, diags) = site.check_json();
    assert_eq!(diags[0]["line"], 3);
    assert_eq!(diags[0]["help"], "did you mean `db.md`?");
}

#[test]
fn links_to_drafts_and_outside_the_handbook_are_reported() {
    let site = Fixture::new()
        .file("index.md", "[wip](wip.md)\n\n[out](../secrets.md)\n")
        .file("wip.md", "+++\ndraft = true\n+++\n");
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    let messages: Vec<_> = diags
        .iter()
        .map(|d| d["message"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        messages,
        vec![
            "broken link: `wip.md` is a draft",
            "broken link: `../secrets.md` points outside the handbook"
        ]
    );
    let run = site.run(&["check", "--drafts", "--format", "json"]);
    assert_eq!(run.stdout.lines().count(), 1);
}

#[test]
fn broken_links_can_be_downgraded_to_warnings() {
    let site = Fixture::new()
        .file(
            "handbook.toml",
            "title = \"T\"\n[links]\nbroken = \"warn\"\n",
        )
        .file("index.md", "[x](nope.md)\n");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning[broken-link]"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("0 errors, 1 warning"), "{}", run.stderr);
    assert!(site.exists("public/index.html"));
}

#[test]
fn external_links_are_left_alone() {
    let site = Fixture::new().file(
        "index.md",
        "[a](https://example.org/x.md) [b](mailto:ops@example.org) [c](//cdn.example.org/y)\n",
    );
    let (code, diags) = site.check_json();
    assert_eq!((code, diags.len()), (0, 0));
    site.build_ok();
    let home = site.read("public/index.html");
    assert!(
        home.contains("href=\"https://example.org/x.md\"")
            && home.contains("href=\"mailto:ops@example.org\"")
    );
}
