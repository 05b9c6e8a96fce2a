//! Exact HTML of a small site, snapshotted with insta. A change to the theme or
//! the renderer shows up here as a reviewable diff.

use crate::support::Fixture;

fn site() -> Fixture {
    Fixture::new()
        .file("handbook.toml", "title = \"Snap\"\nbase_url = \"https://snap.example/\"\n")
        .file("index.md", "+++\ndescription = \"The start page.\"\n+++\n# Snap handbook\n\nRead the [guide](guides/deploys.md#roll-back).\n")
        .file("guides/index.md", "+++\ntitle = \"Guides\"\n+++\nHow we do things.\n")
        .file(
            "guides/deploys.md",
            "+++\ntitle = \"Deploys\"\ndate = 2024-02-03\ntags = [\"ops\"]\nweight = 1\n+++\n\
             Intro with a footnote.[^1]\n\n\
             ## Roll out\n\n\
             - [x] build\n- [ ] ship\n\n\
             | Step | Owner |\n|---|---|\n| 1 | dana |\n\n\
             ```toml\nreplicas = 3\n```\n\n\
             ## Roll back {#roll-back}\n\n\
             > [!CAUTION]\n> Check the \"schema\" first -- really.\n\n\
             ~~old way~~\n\n\
             ```mermaid\ngraph LR; a-->b\n```\n\n\
             [^1]: A footnote.\n",
        )
        .file("guides/rota.md", "+++\nweight = 2\ntitle = \"Rota <script>alert(1)</script>\"\n+++\nText & more.\n")
}

#[test]
fn html_of_each_page_kind_is_stable() {
    let site = site();
    site.build_ok();
    insta::assert_snapshot!("home", site.read("public/index.html"));
    insta::assert_snapshot!("section", site.read("public/guides/index.html"));
    insta::assert_snapshot!("page", site.read("public/guides/deploys/index.html"));
    insta::assert_snapshot!("escaped_title", site.read("public/guides/rota/index.html"));
    // The 404 page carries the stylesheet (tested in build.rs), not snapshotted.
    let not_found = site.read("public/404.html");
    let (head, rest) = not_found
        .split_once("<style>")
        .expect("an inline stylesheet");
    let (_, tail) = rest.split_once("</style>").expect("a closed stylesheet");
    insta::assert_snapshot!(
        "not_found",
        format!("{head}<style>[style.css]</style>{tail}")
    );
    insta::assert_snapshot!("sitemap", site.read("public/sitemap.xml"));
}

#[test]
fn html_of_the_whole_handbook_document_is_stable() {
    let site = site();
    let run = site.run(&["build", "--print"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("print", site.read("public/print/index.html"));
}

#[test]
fn html_of_adr_pages_and_the_decision_log_is_stable() {
    let site = Fixture::new()
        .file("index.md", "# Home\n")
        .file("decisions/README.md", "# Decisions\n")
        .file(
            "decisions/0001-use-queues.md",
            "# 1. Use queues\n\nDate: 2023-01-02\n\n## Status\n\nSuperseded by [2. Use Kafka](0002-use-kafka.md)\n",
        )
        .file(
            "decisions/0002-use-kafka.md",
            "---\nstatus: accepted\ndate: 2024-05-06\ndecision-makers: [kofi, maren]\nconsulted: [ines]\nsupersedes: [1]\n---\n# Use Kafka\n\nBecause replay.\n",
        );
    site.build_ok();
    insta::assert_snapshot!(
        "adr_superseded",
        site.read("public/decisions/0001-use-queues/index.html")
    );
    insta::assert_snapshot!(
        "adr_superseding",
        site.read("public/decisions/0002-use-kafka/index.html")
    );
    insta::assert_snapshot!("adr_log", site.read("public/decisions/index.html"));
}
