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
    crate::support::assert_contains_all(
        &home,
        &[
            "href=\"on-call/weekly-rota/#hand-off\"",
            "href=\"on-call/weekly-rota/\"",
            "href=\"procedures/\"",
            "href=\"docs/plan.pdf\"",
        ],
    );
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

/// `tests/fixtures/github-links`: a repository whose handbook is `docs/`,
/// written for GitHub: anchors in another case, mail and phone links,
/// a folder of scripts, the repository's README, links in raw HTML.
fn github_links() -> Fixture {
    Fixture::copy_of("tests/fixtures/github-links").git_init()
}

/// Adds top-level keys to the fixture's config, and makes broken links
/// warnings so that the site is built.
fn set_config(site: &Fixture, top_level: &str) {
    let path = site.path().join("docs/handbook.toml");
    let text = std::fs::read_to_string(&path).expect("config");
    let text = format!("{top_level}{text}[links]\nbroken = \"warn\"\n");
    std::fs::write(&path, text).expect("write config");
}

#[test]
fn what_works_on_github_is_accepted_and_what_is_broken_is_reported_also_in_raw_html() {
    let site = github_links();
    let (_, diags) = site.check_json_in("docs");
    assert_eq!(
        positions(&diags),
        vec![
            ("missing-anchor".into(), "guide.md".into(), 7, 17),
            ("unpublished-link".into(), "guide.md".into(), 9, 24),
            ("unpublished-link".into(), "guide.md".into(), 9, 62),
            ("broken-link".into(), "guide.md".into(), 14, 13),
            ("broken-link".into(), "guide.md".into(), 20, 10),
        ],
        "{diags:#?}"
    );
    assert_eq!(diags[0]["help"], "did you mean `#faq`?", "{:#?}", diags[0]);
    assert!(
        diags[2]["help"]
            .as_str()
            .unwrap_or_default()
            .contains("repo_url"),
        "the warning names the option: {:#?}",
        diags[2]
    );
}

#[test]
fn anchors_in_another_case_get_the_real_id_and_folders_link_to_their_files() {
    let site = github_links();
    set_config(&site, "");
    let run = site.run_in("docs", &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let home = site.read("docs/public/index.html");
    assert!(home.contains("href=\"on-call/#paging-rules\""), "{home}");
    assert!(home.contains("href=\"on-call/#faq\""), "{home}");
    let guide = site.read("docs/public/guide/index.html");
    crate::support::assert_contains_all(
        &guide,
        &[
            "href=\"mailto:harbor-team@example.com\"",
            "href=\"mailto:lead@example.com\"",
            "href=\"tel:+15550100\"",
            "href=\"../on-call/#hand-off--the-weekly-swap\"",
            // Raw HTML is rewritten like markdown, anchors corrected too.
            "<a href=\"../on-call/#faq\"><img src=\"../img/harbor.svg\" alt=\"Harbor logo\" width=\"120\"></a>",
            // Without `repo_url`, a folder links to its copied files.
            "href=\"../scripts/\"",
            // And a file outside the site is left as written (and warned about).
            "href=\"../README.md#Setup\"",
        ],
    );
    assert!(site.exists("docs/public/scripts/rotate.sh"));
}

#[test]
fn with_repo_url_links_out_of_the_site_go_to_the_forge() {
    let site = github_links();
    set_config(
        &site,
        "repo_url = \"https://github.com/harbor/ops\"\nbranch = \"trunk\"\n",
    );
    let run = site.run_in("docs", &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("unpublished-link"), "{}", run.stderr);
    let guide = site.read("docs/public/guide/index.html");
    crate::support::assert_contains_all(
        &guide,
        &[
            "href=\"https://github.com/harbor/ops/tree/trunk/docs/scripts\"",
            "href=\"https://github.com/harbor/ops/blob/trunk/README.md#Setup\"",
        ],
    );
}
