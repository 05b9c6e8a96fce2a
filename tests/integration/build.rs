//! `handbook build`: output layout, site-wide files, determinism, atomicity and
//! the bounded per-page navigation.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{Fixture, assert_contains_all};

fn small_site() -> Fixture {
    Fixture::new()
        .file("handbook.toml", "title = \"Ops\"\nbase_url = \"https://acme.example/handbook\"\n")
        .file("index.md", "# Ops handbook\n\nSee [the db runbook](procedures/db.md).\n")
        .file("procedures/README.md", "+++\ntitle = \"Procedures\"\n+++\nAll procedures.\n")
        .file("procedures/db.md", "+++\ntitle = \"Database\"\ndate = 2024-05-01\naliases = [\"/old/db/\"]\n+++\n## Failover\n")
        .file("guides/Getting Started.md", "# Getting started\n\n![diagram](img/flow.png)\n")
        .bytes("guides/img/flow.png", b"\x89PNG fake")
}

/// Every file under `dir`, path → bytes.
fn snapshot_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.file_name() != ".handbook-output")
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("prefix")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

/// Compares two trees, naming the first file that differs (never dumping bytes).
fn assert_same_files(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in a {
        if b.get(path) != Some(bytes) {
            let left = String::from_utf8_lossy(bytes);
            let right = String::from_utf8_lossy(&b[path]);
            let line = left
                .lines()
                .zip(right.lines())
                .position(|(x, y)| x != y)
                .unwrap_or(0);
            panic!(
                "{path} differs at line {}:\n  {}\n  {}",
                line + 1,
                left.lines().nth(line).unwrap_or(""),
                right.lines().nth(line).unwrap_or("")
            );
        }
    }
}

#[test]
fn pages_become_folders_with_index_html() {
    let site = small_site();
    let run = site.build_ok();
    let files: Vec<String> = snapshot_tree(&site.path().join("public"))
        .into_keys()
        .collect();
    assert_eq!(
        files,
        vec![
            "404.html",
            "alerts.json",
            // Each page's markdown at its source path.
            "guides/Getting Started.md",
            "guides/getting-started/index.html",
            "guides/img/flow.png",
            "guides/index.html",
            "index.html",
            "index.md",
            "llms-full.txt",
            "llms.txt",
            "nav.json",
            "old/db/index.html",
            "procedures/README.md",
            "procedures/db.md",
            "procedures/db/index.html",
            "procedures/index.html",
            "search/c/0.json",
            "search/f/kind/0.json",
            "search/index.html",
            "search/manifest.json",
            "search/s/0.json",
            "search/v/0.json",
            "search/v/index.json",
            "sitemap.xml",
            "theme/favicon.svg",
            "theme/handbook.js",
            "theme/search.js",
            "theme/style.css",
            "theme/syntax.css",
            "theme/theme.js",
        ]
    );
    assert!(
        run.stderr.starts_with("built 5 pages, 1 assets in ")
            && run.stderr.trim_end().ends_with("— 0 errors, 0 warnings"),
        "{}",
        run.stderr
    );
}

#[test]
fn internal_urls_are_relative_so_any_subpath_works() {
    let site = small_site();
    site.build_ok();
    let page = site.read("public/guides/getting-started/index.html");
    assert!(
        page.contains("src=\"../img/flow.png\""),
        "asset links are rewritten for the page's folder"
    );
    assert!(page.contains("href=\"../../theme/style.css\""));
    let home = site.read("public/index.html");
    assert!(home.contains("href=\"procedures/db/\""), "{home}");
    for (path, bytes) in snapshot_tree(&site.path().join("public")) {
        let text = String::from_utf8_lossy(&bytes);
        if path.ends_with(".html") && path != "404.html" {
            assert!(
                !text.contains("href=\"/"),
                "{path} has a root-absolute link"
            );
            assert!(!text.contains("src=\"/"), "{path} has a root-absolute src");
        }
    }
}

#[test]
fn every_page_has_an_icon_the_build_wrote_so_browsers_ask_for_no_favicon_ico() {
    let site = small_site();
    site.build_ok();
    let public = site.path().join("public");
    for (path, bytes) in snapshot_tree(&public) {
        if !path.ends_with(".html") || path == "404.html" {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        let href = text
            .split("<link rel=\"icon\" href=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("{path} has no icon link"));
        let folder = std::path::Path::new(&path)
            .parent()
            .unwrap_or(std::path::Path::new(""));
        let icon = public.join(folder).join(href);
        let svg = std::fs::read_to_string(&icon).unwrap_or_default();
        assert!(svg.starts_with("<svg"), "{path}: {href} is not the icon");
    }
}

#[test]
fn the_footer_names_the_handbook_not_the_source_file() {
    let site = small_site();
    site.build_ok();
    let page = site.read("public/guides/getting-started/index.html");
    let footer = page
        .split("<footer class=\"site-footer\">")
        .nth(1)
        .and_then(|rest| rest.split("</footer>").next())
        .unwrap_or_else(|| panic!("no footer: {page}"));
    assert!(!footer.contains(".md"), "{footer}");
    assert!(footer.contains("<p>"), "{footer}");
}

#[test]
fn base_url_is_used_only_where_absolute_urls_are_required() {
    let site = small_site();
    site.build_ok();
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains(
        "<loc>https://acme.example/handbook/procedures/db/</loc>\n    <lastmod>2024-05-01</lastmod>"
    ));
    let db = site.read("public/procedures/db/index.html");
    assert!(db.contains(
        "<link rel=\"canonical\" href=\"https://acme.example/handbook/procedures/db/\">"
    ));
    let not_found = site.read("public/404.html");
    // The 404 page is served at any depth: its links are absolute, its
    // stylesheet is in the page.
    assert!(not_found.contains("<a href=\"/handbook/\">"), "{not_found}");
    assert!(not_found.contains("<style>\n/* handbook default theme."));
    assert!(!not_found.contains("theme/style.css"));
    let redirect = site.read("public/old/db/index.html");
    assert!(
        redirect.contains("<meta http-equiv=\"refresh\" content=\"0; url=../../procedures/db/\">"),
        "{redirect}"
    );
}

#[test]
fn base_url_flag_overrides_the_config() {
    let site = small_site();
    let run = site.run(&["build", "--base-url", "https://other.example/hb"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        site.read("public/sitemap.xml")
            .contains("https://other.example/hb/procedures/db/")
    );
}

#[test]
fn earlier_outputs_elsewhere_are_not_copied_in_as_assets() {
    let site = small_site();
    assert_eq!(site.run(&["build", "-o", "first"]).code, 0);
    assert!(site.exists("first/.handbook-output"));
    let run = site.build_ok();
    assert!(
        run.stderr.starts_with("built 5 pages, 1 assets"),
        "{}",
        run.stderr
    );
}

#[test]
fn same_input_gives_a_byte_identical_site() {
    let site = small_site().file("procedures/x.md", "```rust\nfn main() {}\n```\n");
    site.run(&["build", "-o", "one"]);
    site.run(&["build", "-o", "two"]);
    let one = snapshot_tree(&site.path().join("one"));
    let two = snapshot_tree(&site.path().join("two"));
    assert!(!one.is_empty());
    assert_same_files(&one, &two);
}

#[test]
fn a_failed_build_leaves_the_previous_site_intact() {
    let site = small_site();
    site.build_ok();
    let before = snapshot_tree(&site.path().join("public"));
    let site = site.file("procedures/db.md", "[broken](nowhere.md)\n");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert_same_files(&snapshot_tree(&site.path().join("public")), &before);
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .expect("read dir")
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(".handbook-") && name != ".handbook-cache"
        })
        .collect();
    assert!(
        leftovers.is_empty(),
        "staging folders must not be left behind"
    );
}

#[test]
fn a_build_with_errors_writes_nothing_at_all() {
    let site = Fixture::new().file("index.md", "[broken](nowhere.md)\n");
    assert_eq!(site.run(&["build"]).code, 1);
    assert!(!site.exists("public"));
}

#[test]
fn leftovers_of_a_killed_build_are_cleaned_up() {
    let site = small_site()
        .file(".handbook-staging-abc/x/index.html", "half")
        .file(".handbook-staging-abc/.handbook-output", "marker")
        .file(".handbook-staging-not-ours/notes.txt", "kept");
    site.build_ok();
    assert!(!site.exists(".handbook-staging-abc"));
    assert!(
        site.exists(".handbook-staging-not-ours/notes.txt"),
        "a folder without the marker is not a leftover of ours"
    );
}

#[test]
fn output_folder_option_and_config_are_honoured_and_not_walked() {
    let site = small_site().file("handbook.toml", "title = \"Ops\"\noutput_dir = \"site\"\n");
    site.build_ok();
    assert!(site.exists("site/index.html"));
    // A second build must not copy the previous output in as assets.
    let run = site.build_ok();
    assert!(
        run.stderr.starts_with("built 5 pages, 1 assets"),
        "{}",
        run.stderr
    );
    let out = site.run(&["build", "-o", "elsewhere"]);
    assert_eq!(out.code, 0);
    assert!(site.exists("elsewhere/procedures/db/index.html"));
}

#[test]
fn skips_hidden_ignored_excluded_and_tool_folders() {
    let site = Fixture::new()
        .file(
            "handbook.toml",
            "title = \"T\"\nexclude = [\"drafts/**\"]\n",
        )
        .file(".gitignore", "scratch/\n*.tmp.md\n")
        .file("index.md", "# Home\n")
        .file("kept.md", "kept\n")
        .file(".hidden/a.md", "x\n")
        .file("scratch/b.md", "x\n")
        .file("notes.tmp.md", "x\n")
        .file("drafts/c.md", "x\n")
        .file("node_modules/pkg/readme.md", "x\n")
        .file("target/doc.md", "x\n")
        .file("templates/page.html", "{{ page.title }}")
        .file("themes/x/templates/page.html", "x");
    let run = site.build_ok();
    assert!(
        run.stderr.starts_with("built 2 pages, 0 assets"),
        "{}",
        run.stderr
    );
    assert!(site.exists("public/kept/index.html"));
}

#[test]
fn drafts_are_built_only_on_request() {
    let site = Fixture::new()
        .file("index.md", "# Home\n")
        .file("wip.md", "+++\ndraft = true\n+++\nWIP\n");
    site.build_ok();
    assert!(!site.exists("public/wip/index.html"));
    assert_eq!(site.run(&["build", "--drafts"]).code, 0);
    assert!(site.exists("public/wip/index.html"));
}

#[test]
fn titles_fall_back_to_the_first_heading_then_the_file_name() {
    let site = Fixture::new()
        .file("index.md", "")
        .file("from-heading.md", "# The Heading\n\ntext\n")
        .file("from_file-name.md", "no heading\n")
        .file(
            "from-front.md",
            "+++\ntitle = \"Front\"\n+++\n# Ignored for the title\n",
        );
    site.build_ok();
    let title = |p: &str| {
        let html = site.read(p);
        html.split("<title>")
            .nth(1)
            .and_then(|t| t.split("</title>").next())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        title("public/from-heading/index.html"),
        "The Heading · Fixture Handbook"
    );
    assert_eq!(
        title("public/from_file-name/index.html"),
        "From file name · Fixture Handbook"
    );
    assert_eq!(
        title("public/from-front/index.html"),
        "Front · Fixture Handbook"
    );
}

#[test]
fn index_and_readme_together_warn_and_index_wins() {
    let site = Fixture::new()
        .file("index.md", "# Home\n")
        .file("team/index.md", "+++\ntitle = \"From index\"\n+++\n")
        .file("team/README.md", "+++\ntitle = \"From readme\"\n+++\n");
    let (code, diags) = site.check_json();
    assert_eq!(code, 0);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0]["code"], "two-section-indexes");
    assert_eq!(diags[0]["severity"], "warning");
    site.build_ok();
    assert!(
        site.read("public/team/index.html")
            .contains("<h1>From index</h1>")
    );
}

#[test]
fn folders_without_an_index_get_a_listing_page() {
    let site = Fixture::new()
        .file("index.md", "# Home\n")
        .file("on-call/rota.md", "# Rota\n");
    site.build_ok();
    let listing = site.read("public/on-call/index.html");
    assert!(listing.contains("<h1>On call</h1>"), "{listing}");
    assert!(listing.contains("<a href=\"rota/\">Rota</a>"), "{listing}");
}

#[test]
fn navigation_is_bounded_in_large_sections() {
    let mut site = Fixture::new().file("index.md", "# Home\n");
    for i in 0..60 {
        site = site.file(
            &format!("adr/{i:04}-decision.md"),
            &format!("# Decision {i}\n"),
        );
    }
    site.build_ok();
    let page = site.read("public/adr/0030-decision/index.html");
    let sidebar = page
        .split("<nav class=\"sidebar\"")
        .nth(1)
        .and_then(|s| s.split("</nav>").next())
        .unwrap_or_default();
    assert_eq!(
        sidebar.matches("<li>").count(),
        13,
        "a window of 6 on each side: {sidebar}"
    );
    assert!(
        sidebar.contains("24 earlier") && sidebar.contains("23 more"),
        "{sidebar}"
    );
    assert!(page.contains("rel=\"prev\" href=\"../0029-decision/\""));
    assert!(page.contains("rel=\"next\" href=\"../0031-decision/\""));
}

#[test]
fn weight_orders_pages_before_file_names() {
    let site = Fixture::new()
        .file("index.md", "# Home\n")
        .file("g/a.md", "+++\nweight = 2\n+++\n# A\n")
        .file("g/b.md", "+++\nweight = 1\n+++\n# B\n")
        .file("g/c.md", "# C\n");
    site.build_ok();
    let listing = site.read("public/g/index.html");
    let order: Vec<usize> = ["\">B</a>", "\">A</a>", "\">C</a>"]
        .iter()
        .map(|t| listing.find(t).unwrap_or(usize::MAX))
        .collect();
    assert!(order[0] < order[1] && order[1] < order[2], "{listing}");
}

#[test]
fn templates_can_be_overridden_and_see_extra_front_matter() {
    let site = Fixture::new()
        .file("index.md", "# Home\n")
        .file("p.md", "+++\nowner = \"dana\"\n+++\nBody\n")
        .file("templates/page.html", "{% extends \"base.html\" %}{% block main %}OWNER={{ page.extra.owner }}{% endblock main %}");
    site.build_ok();
    assert!(site.read("public/p/index.html").contains("OWNER=dana"));
}

#[test]
fn a_template_syntax_error_is_a_diagnostic_naming_the_template() {
    let site = Fixture::new()
        .file("index.md", "# Home\n")
        .file("templates/page.html", "{% if %}");
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(diags[0]["code"], "template-error");
    assert_eq!(diags[0]["path"], "templates/page.html");
}

#[test]
fn quiet_prints_nothing_on_success_and_no_progress_bar_off_a_terminal() {
    let site = small_site();
    let run = site.run(&["build", "--quiet"]);
    assert_eq!(
        (run.code, run.stderr.as_str(), run.stdout.as_str()),
        (0, "", "")
    );
    let verbose = site.run(&["build", "--verbose"]);
    assert!(verbose.stderr.contains("markdown"), "{}", verbose.stderr);
}

#[test]
fn a_theme_folder_provides_templates_and_static_files() {
    let site = Fixture::new()
        .file("handbook.toml", "title = \"T\"\ntheme = \"plain\"\n")
        .file("index.md", "# Home\n")
        .file("p.md", "# P\n")
        .file(
            "themes/plain/templates/page.html",
            "PLAIN {{ page.title }} {{ site.theme }}extra.css",
        )
        .file("themes/plain/static/extra.css", "body{}");
    site.build_ok();
    assert_eq!(
        site.read("public/p/index.html"),
        "PLAIN P ../theme/extra.css"
    );
    assert_eq!(site.read("public/theme/extra.css"), "body{}");
    assert!(
        site.read("public/index.html").contains(">Home</h1>"),
        "other templates fall back to the default theme"
    );
}

#[test]
fn a_missing_theme_is_an_error_with_a_hint() {
    let site = Fixture::new()
        .file("handbook.toml", "title = \"T\"\ntheme = \"nope\"\n")
        .file("index.md", "");
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(diags[0]["code"], "missing-theme");
    assert_eq!(
        diags[0]["help"],
        "create `themes/nope/templates/`, or remove `theme` to use the default theme"
    );
}

#[cfg(unix)]
#[test]
fn symlinked_folders_are_followed() {
    let site = Fixture::new()
        .file("index.md", "[x](shared/x.md)\n")
        .file("elsewhere/x.md", "# X\n");
    std::os::unix::fs::symlink("elsewhere", site.path().join("shared")).expect("symlink");
    site.build_ok();
    assert!(site.exists("public/shared/x/index.html"));
}

#[test]
fn readme_is_a_section_page_whatever_the_walk_order() {
    // `a-b.md` sorts before `a/` as a string but after it in the walk.
    let site = Fixture::new()
        .file("index.md", "# Home\n")
        .file("a-b.md", "# Sibling\n")
        .file("a/README.md", "+++\ntitle = \"Folder A\"\n+++\n")
        .file("a/index.md", "+++\ntitle = \"Index A\"\n+++\n");
    let (_, diags) = site.check_json();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], "two-section-indexes");
}

#[test]
fn a_folder_that_clashes_with_generated_pages_is_reported_not_overwritten() {
    let site = Fixture::new()
        .file("team.toml", "[[people]]\nhandle = \"dana\"\n")
        .file("index.md", "# Home\n")
        .file("people/onboarding.md", "# Onboarding\n");
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(diags[0]["code"], "duplicate-url");
    assert_eq!(diags[0]["path"], "people/");
    assert_eq!(
        diags[0]["message"],
        "`people/` and `<generated people/index.html>` both produce `/people/index.html`"
    );
}

/// The header's links from a page: (title, href) in order.
fn header_links(html: &str) -> Vec<(String, String)> {
    let nav = html
        .split("<nav class=\"site-nav\"")
        .nth(1)
        .and_then(|s| s.split("</nav>").next())
        .unwrap_or_default();
    nav.split("<a href=\"")
        .skip(1)
        .filter_map(|a| {
            let (href, rest) = a.split_once('"')?;
            let title = rest.split_once('>')?.1.split_once("</a>")?.0;
            Some((title.to_string(), href.to_string()))
        })
        .collect()
}

#[test]
fn the_header_links_the_top_sections_then_the_charter_and_channel_guide() {
    let site = Fixture::new()
        .file("index.md", "# Home\n")
        .file("decisions/0001-x.md", "# 1. X\n")
        .file(
            "runbooks/db.md",
            "+++\nservice = \"db\"\nowner = \"ann\"\n+++\n# DB\n",
        )
        .file(
            "team/charter.md",
            "+++\nkind = \"charter\"\npurpose = \"Ship\"\n+++\n# Our charter\n",
        )
        .file(
            "team/channels.md",
            "+++\nkind = \"channels\"\n+++\n# Channels\n",
        );
    site.build_ok();
    let links = header_links(&site.read("public/decisions/0001-x/index.html"));
    let titles: Vec<&str> = links.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        titles,
        ["Decisions", "Runbooks", "Team", "Our charter", "Channels"]
    );
    assert_eq!(links[3].1, "../../team/charter/");
}

#[test]
fn nav_links_set_the_header_and_one_that_names_nothing_is_an_error() {
    let toml = "title = \"T\"\n[nav]\nlinks = [\"runbooks/\", \"charter.md\", { title = \"On call\", path = \"runbooks/db.md\" }, { title = \"Status\", url = \"https://status.example/\" }, \"actions/\"]\n";
    let site = Fixture::new()
        .file("handbook.toml", toml)
        .file("index.md", "# Home\n")
        .file("charter.md", "+++\npurpose = \"Ship\"\n+++\n# Charter\n")
        .file(
            "runbooks/db.md",
            "+++\nservice = \"db\"\nowner = \"ann\"\n+++\n# DB\n",
        )
        .file(
            "retros/q1.md",
            "+++\n[[actions]]\nwhat = \"Fix\"\n+++\n# Q1\n## Start\n## Stop\n## Continue\n",
        );
    site.build_ok();
    let links = header_links(&site.read("public/runbooks/db/index.html"));
    assert_eq!(
        links,
        [
            ("Runbooks".into(), "../".into()),
            ("Charter".into(), "../../charter/".into()),
            ("On call".into(), "./".into()),
            ("Status".into(), "https://status.example/".into()),
            ("Actions".into(), "../../actions/".into()),
        ]
    );
    let site = site.file(
        "handbook.toml",
        "title = \"T\"\n[nav]\nlinks = [\"runbooks/\", \"runbok/db.md\"]\n",
    );
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(
        crate::support::positions(&diags),
        [("broken-link".into(), "handbook.toml".into(), 3, 23)],
        "{diags:#?}"
    );
}

#[test]
fn a_logo_shows_in_the_header_and_a_missing_one_is_an_error() {
    let site = Fixture::new()
        .file("handbook.toml", "title = \"T\"\nlogo = \"img/logo.svg\"\n")
        .file("index.md", "# Home\n")
        .file("guides/a.md", "# A\n")
        .bytes(
            "img/logo.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        );
    site.build_ok();
    assert!(
        site.read("public/guides/a/index.html")
            .contains("<img class=\"site-logo\" src=\"../../img/logo.svg\" alt=\"\"")
    );
    let site = site.file("handbook.toml", "title = \"T\"\nlogo = \"img/logo.png\"\n");
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(diags[0]["code"], "broken-link", "{diags:#?}");
    assert_eq!(diags[0]["line"], 2);
    assert_eq!(diags[0]["help"], "did you mean `img/logo.svg`?");
}

#[test]
fn nav_json_holds_every_section_for_the_tree_to_open() {
    let mut site = Fixture::new().file("index.md", "# Home\n");
    for i in 0..30 {
        site = site.file(&format!("big/p{i:02}.md"), &format!("# Page {i}\n"));
    }
    let site = site
        .file("big/deep/x.md", "# X\n")
        .file("other/y.md", "# Y\n");
    site.build_ok();
    let nav: serde_json::Value =
        serde_json::from_str(&site.read("public/nav.json")).expect("nav.json is JSON");
    let big = nav["big"].as_array().expect("big");
    assert_eq!(big.len(), 31, "the sub-section and every page");
    assert_eq!(big[0], serde_json::json!(["Deep", "big/deep/", "big/deep"]));
    assert_eq!(
        big[1],
        serde_json::json!(["Page 0", "big/p00/", null, null])
    );
    assert_eq!(nav[""][0], serde_json::json!(["Big", "big/", "big"]));
    // A page elsewhere carries the closed branch's folder, not its pages.
    let y = site.read("public/other/y/index.html");
    assert!(
        y.contains("<li class=\"closed\" data-folder=\"big\"><a href=\"../../big/\">Big</a></li>"),
        "{y}"
    );
    assert!(!y.contains("Page 0"));
}

#[test]
fn the_home_dashboard_comes_first_unless_home_dashboard_says_otherwise() {
    let review = "+++\n[[actions]]\nwhat = \"Fix\"\n+++\n# Q1\n## Start\n## Stop\n## Continue\n";
    let site = Fixture::new()
        .file("index.md", "# Home\n\nWelcome text.\n")
        .file("retros/q1.md", review);
    site.build_ok();
    let order = |html: &str| {
        (
            html.find("<section class=\"health\""),
            html.find("Welcome text."),
        )
    };
    let (dashboard, text) = order(&site.read("public/index.html"));
    assert!(dashboard.is_some() && dashboard < text, "first by default");
    let site = site.file(
        "handbook.toml",
        "title = \"T\"\n[home]\ndashboard = \"last\"\n",
    );
    site.build_ok();
    let (dashboard, text) = order(&site.read("public/index.html"));
    assert!(dashboard.is_some() && dashboard > text, "last");
    let site = site.file(
        "handbook.toml",
        "title = \"T\"\n[home]\ndashboard = \"off\"\n",
    );
    site.build_ok();
    assert_eq!(order(&site.read("public/index.html")).0, None, "off");
}

#[test]
fn a_diagram_that_cannot_be_drawn_and_lines_a_block_lacks_are_warnings_at_their_fence() {
    let site = Fixture::new().file(
        "index.md",
        "# Home\n\n```mermaid\nflowchart TD\n  A -->\n```\n\nText.\n\n```sh {3}\nls\n```\n",
    );
    let (code, diags) = site.check_json();
    assert_eq!(code, 0, "{diags:?}");
    let found = crate::support::positions(&diags);
    assert_eq!(
        found,
        [
            ("invalid-diagram".to_string(), "index.md".to_string(), 3, 1),
            ("invalid-value".to_string(), "index.md".to_string(), 10, 1),
        ],
        "{diags:?}"
    );
    site.build_ok();
    let html = site.read("public/index.html");
    assert!(
        html.contains("<pre class=\"code\"><code class=\"language-mermaid\">flowchart TD\n  A --&gt;\n</code></pre>"),
        "{html}"
    );
}

/// The ids an HTML document defines, with how often.
fn ids_of(html: &str) -> BTreeMap<String, usize> {
    let mut ids = BTreeMap::new();
    for piece in html.split(" id=\"").skip(1) {
        let id = piece.split('"').next().unwrap_or_default();
        *ids.entry(id.to_string()).or_insert(0) += 1;
    }
    ids
}

/// Every value of `attribute="…"` in `html`.
fn values_of<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    html.split(&format!(" {attribute}=\""))
        .skip(1)
        .filter_map(|piece| piece.split('"').next())
        .collect()
}

#[test]
fn print_writes_the_whole_handbook_as_one_document_in_nav_order() {
    let steps =
        "## Steps\n\nFirst this.\n\n```mermaid\nflowchart LR\n  a[Page] --> b[Pager]\n```\n";
    let site = Fixture::new()
        .file("handbook.toml", "title = \"Pier\"\n")
        .file("index.md", "# Pier\n\nStart with [the failover steps](runbooks/failover.md#steps).\n")
        .file("runbooks/index.md", "+++\ntitle = \"Runbooks\"\n+++\nWhat to do.\n")
        .file(
            "runbooks/failover.md",
            &format!("+++\ntitle = \"Failover\"\nweight = 1\n+++\n{steps}\nSee ![map](img/map.png), ![both](img/two%20maps.png) and [steps](#steps); a note.[^n]\n\n[^n]: Kept short.\n"),
        )
        .file(
            "runbooks/restore.md",
            &format!("+++\ntitle = \"Restore\"\nweight = 2\n+++\n{steps}\n<p id=\"why\" aria-describedby=\"why\">Or the <a href=\"../people-free.md\">guide</a>.</p>\n\nBack to [failover](failover.md).\n"),
        )
        .file("runbooks/img/map.png", "png")
        .file("runbooks/img/two maps.png", "png")
        .file("how-we-work/index.md", "+++\ntitle = \"How we work\"\n+++\nHabits.\n")
        .file("people-free.md", "+++\ntitle = \"Guide\"\n+++\nNo team file.\n");

    // Not asked for: no document, no link to it.
    site.build_ok();
    assert!(!site.exists("public/print/index.html"));
    assert!(!site.read("public/index.html").contains("print/"));

    let run = site.run(&["build", "--print"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = site.read("public/print/index.html");
    // In the tree's order: home, its sections (as the tree sorts them), each
    // section's pages by weight, then the home section's own pages.
    let order: Vec<&str> = doc
        .split("<div class=\"print-page\" id=\"")
        .skip(1)
        .filter_map(|p| p.split('"').next())
        .collect();
    assert_eq!(
        order,
        [
            "p-home",
            "p-how-we-work",
            "p-runbooks",
            "p-runbooks-failover",
            "p-runbooks-restore",
            "p-people-free"
        ]
    );
    // The contents list them in that order, each a link to its place.
    let contents = doc
        .split_once("class=\"print-contents\"")
        .and_then(|(_, rest)| rest.split_once("</nav>"))
        .map(|(c, _)| c)
        .unwrap_or_default();
    let listed: Vec<&str> = values_of(contents, "href");
    let expected: Vec<String> = order.iter().map(|a| format!("#{a}")).collect();
    assert_eq!(listed, expected);

    // Two pages with the same heading and a diagram each: no id twice, and
    // every in-document reference reaches an id.
    let ids = ids_of(&doc);
    let twice: Vec<_> = ids.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "ids defined twice: {twice:?}");
    for href in values_of(&doc, "href") {
        if let Some(id) = href.strip_prefix('#') {
            assert!(ids.contains_key(id), "#{id} points at nothing");
        }
    }
    for piece in doc.split("url(#").skip(1) {
        let id = piece.split(')').next().unwrap_or_default();
        assert!(ids.contains_key(id), "url(#{id}) points at nothing");
    }
    assert!(ids.contains_key("p-runbooks-failover--steps"));
    assert!(ids.contains_key("p-runbooks-restore--steps"));
    assert!(doc.contains("aria-describedby=\"p-runbooks-restore--why\""));
    // Links between pages land on their place in the document, with the
    // section; links to the same page too.
    assert!(doc.contains("href=\"#p-runbooks-failover--steps\">the failover steps</a>"));
    assert!(doc.contains("href=\"#p-runbooks-failover\">failover</a>"));
    assert!(doc.contains("href=\"#p-people-free\">guide</a>"));
    // Images load from print/, wherever the site is served.
    assert!(doc.contains("src=\"../runbooks/img/map.png\""), "image src");
    assert!(
        doc.contains("src=\"../runbooks/img/two%20maps.png\""),
        "{doc}"
    );
    for src in values_of(&doc, "src") {
        if !src.contains(':') {
            let file = site
                .path()
                .join("public/print")
                .join(src.replace("%20", " "));
            assert!(file.exists(), "{src} from print/ is missing");
        }
    }
    // Relative URLs only, so the document works under any sub-path.
    for url in values_of(&doc, "href")
        .into_iter()
        .chain(values_of(&doc, "src"))
    {
        assert!(!url.starts_with('/'), "{url} is site-absolute");
    }
    // No page chrome inside: the pages' own contents boxes, previous/next
    // and backlinks are left to the pages.
    let body = doc
        .split_once("</nav>\n<div class=\"print-page\"")
        .map_or("", |(_, b)| b);
    for chrome in [
        "class=\"toc\"",
        "class=\"prev-next\"",
        "class=\"backlinks\"",
        "class=\"page-source\"",
    ] {
        assert!(!body.contains(chrome), "{chrome} in the document");
    }
    // Every page links to the document, and a second build is the same bytes.
    assert!(
        site.read("public/runbooks/failover/index.html")
            .contains("href=\"../../print/\"")
    );
    let again = site.run(&["build", "--print"]);
    assert_eq!(again.code, 0);
    assert_eq!(site.read("public/print/index.html"), doc);

    // `[print] enabled` asks for it as well.
    let site = Fixture::new()
        .file(
            "handbook.toml",
            "title = \"Pier\"\n[print]\nenabled = true\n",
        )
        .file("index.md", "# Pier\n");
    site.build_ok();
    assert!(site.exists("public/print/index.html"));
}

#[test]
fn images_of_the_handbook_get_their_size_so_pages_do_not_shift_as_they_load() {
    let png = crate::support::png_header(640, 360);
    let site = Fixture::new()
        .file("handbook.toml", "title = \"Pier\"\n")
        .file(
            "guides/map.md",
            "# Map\n\n![the map](img/map.png) ![the racks](../racks%20plan.svg)\n\
             ![far](https://img.example/x.png) <img src=\"img/map.png\" width=\"64\" alt=\"small\">\n",
        )
        .bytes("guides/img/map.png", &png)
        .file(
            "racks plan.svg",
            "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 300 120.4\"><rect width=\"1\" height=\"1\"/></svg>\n",
        );
    site.build_ok();
    let html = site.read("public/guides/map/index.html");
    assert_contains_all(
        &html,
        &[
            "<img src=\"../img/map.png\" width=\"640\" height=\"360\" alt=\"the map\" />",
            "<img src=\"../../racks%20plan.svg\" width=\"300\" height=\"120\" alt=\"the racks\" />",
            // Outside images and images given a size are left as written.
            "<img src=\"https://img.example/x.png\" alt=\"far\" />",
            "<img src=\"../img/map.png\" width=\"64\" alt=\"small\">",
        ],
    );
}

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path).expect("stat").ino()
}

#[test]
#[cfg(unix)]
fn a_rebuild_keeps_the_files_whose_bytes_did_not_change_with_their_dates() {
    let f = Fixture::new()
        .file("index.md", "# Home\n\nSee [a](a.md) and [b](b.md).\n")
        .file("a.md", "# A\n\nFirst.\n")
        .file("b.md", "# B\n\nSecond.\n")
        .file(
            "images/logo.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
        );
    f.build_ok();
    let out = f.path().join("public");
    let before_a = inode(&out.join("a/index.html"));
    let before_b = inode(&out.join("b/index.html"));
    let before_logo = inode(&out.join("images/logo.svg"));
    let first = snapshot_tree(&out);

    let f = f.file("b.md", "# B\n\nSecond, edited.\n");
    let run = f.run(&["build", "--verbose"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        inode(&out.join("a/index.html")),
        before_a,
        "unchanged page kept"
    );
    assert_eq!(
        inode(&out.join("images/logo.svg")),
        before_logo,
        "unchanged asset kept"
    );
    assert_ne!(
        inode(&out.join("b/index.html")),
        before_b,
        "edited page written"
    );
    assert!(f.read("public/b/index.html").contains("Second, edited."));
    // `--verbose` says how many of each.
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("files:"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    let written: usize = line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("written count");
    assert!(written > 0 && written < first.len() / 2, "{line}");
    assert!(line.contains("unchanged"), "{line}");

    // The result is the same as a clean build of the same sources.
    let kept = snapshot_tree(&out);
    std::fs::remove_dir_all(&out).expect("clean");
    f.build_ok();
    assert_same_files(&kept, &snapshot_tree(&out));
}

#[test]
#[cfg(unix)]
fn a_link_planted_in_the_previous_output_is_never_linked_into_the_new_site() {
    let f = Fixture::new()
        .file("index.md", "# Home\n")
        .file("a.md", "# A\n\nText.\n");
    f.build_ok();
    let out = f.path().join("public");
    // Outside the output: a folder holding exactly what the build writes for
    // `a/`, and the output's `a/` replaced by a link to it.
    let outside = tempfile::tempdir().expect("tmp");
    std::fs::copy(out.join("a/index.html"), outside.path().join("index.html")).expect("copy");
    std::fs::remove_dir_all(out.join("a")).expect("rm");
    std::os::unix::fs::symlink(outside.path(), out.join("a")).expect("symlink");
    std::fs::copy(out.join("404.html"), outside.path().join("404.html")).expect("copy");
    std::fs::remove_file(out.join("404.html")).expect("rm");
    std::os::unix::fs::symlink(outside.path().join("404.html"), out.join("404.html"))
        .expect("symlink");
    f.build_ok();
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(outside.path().join("index.html")).expect("stat");
    assert_eq!(
        meta.nlink(),
        1,
        "the outside file was not linked into the site"
    );
    let meta = std::fs::metadata(outside.path().join("404.html")).expect("stat");
    assert_eq!(
        meta.nlink(),
        1,
        "the outside file was not linked into the site"
    );
    let page = std::fs::symlink_metadata(out.join("a/index.html")).expect("stat");
    assert!(page.file_type().is_file());
    assert!(
        std::fs::symlink_metadata(out.join("a"))
            .expect("stat")
            .is_dir()
    );
    assert!(
        std::fs::symlink_metadata(out.join("404.html"))
            .expect("stat")
            .file_type()
            .is_file()
    );
    assert!(
        outside.path().join("index.html").exists(),
        "nothing outside was deleted"
    );
}

/// Every relative `href` and `src` in the site's HTML names a file of the
/// site (a folder URL: its `index.html`); returns how many were checked.
fn assert_every_link_resolves(out: &Path) -> usize {
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(out).into_iter().flatten() {
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).expect("read");
        let folder = entry.path().parent().expect("folder");
        for attr in ["href=\"", "src=\""] {
            for piece in html.split(attr).skip(1) {
                let url = piece.split('"').next().unwrap_or("");
                let path = url.split(['#', '?']).next().unwrap_or("");
                if path.is_empty() || path.contains(':') || path.starts_with('/') {
                    continue;
                }
                let mut target = folder.join(path);
                if path.ends_with('/') || target.is_dir() {
                    target = target.join("index.html");
                }
                assert!(
                    target.exists(),
                    "{} links to {url}, which is not in the site",
                    entry.path().display()
                );
                checked += 1;
            }
        }
    }
    checked
}

#[test]
fn without_pretty_urls_each_page_is_one_html_file_and_every_link_still_resolves() {
    let f = Fixture::new()
        .file(
            "handbook.toml",
            "title = \"Flat\"\nbase_url = \"https://flat.example/\"\n\n[output]\npretty_urls = false\n",
        )
        .file("index.md", "# Home\n\nSee [the database](runbooks/db.md#promote) and [guides](guides/index.md).\n")
        .file("guides/index.md", "# Guides\n\n[Onboarding](onboarding.md)\n")
        .file("guides/onboarding.md", "# Onboarding\n\nBack [home](../index.md).\n")
        .file(
            "runbooks/db.md",
            "+++\ntitle = \"Database\"\naliases = [\"/old/db/\"]\n+++\n\n## Promote\n\nSee [onboarding](../guides/onboarding.md).\n",
        )
        .file("runbooks/db/replica.md", "# Replica\n\nParent: [db](../db.md).\n");
    f.build_ok();
    for file in [
        "index.html",
        "guides/index.html",
        "guides/onboarding.html",
        "runbooks/db.html",
        "runbooks/db/replica.html",
        "old/db/index.html",
    ] {
        assert!(f.exists(&format!("public/{file}")), "{file}");
    }
    assert!(f.read("public/runbooks/db.html").contains("Promote"));
    assert!(!f.exists("public/guides/onboarding/index.html"));
    let home = f.read("public/index.html");
    assert!(home.contains("href=\"runbooks/db.html#promote\""), "{home}");
    assert!(
        f.read("public/runbooks/db/replica.html")
            .contains("href=\"../db.html\"")
    );
    assert!(
        f.read("public/old/db/index.html")
            .contains("../../runbooks/db.html")
    );
    assert!(
        f.read("public/sitemap.xml")
            .contains("https://flat.example/runbooks/db.html")
    );
    assert!(assert_every_link_resolves(&f.path().join("public")) > 20);
}

#[test]
fn with_pretty_urls_every_link_resolves_too() {
    let site = small_site();
    site.build_ok();
    assert!(assert_every_link_resolves(&site.path().join("public")) > 20);
}
