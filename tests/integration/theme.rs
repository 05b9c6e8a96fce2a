//! The default theme as people see it, in headless Chromium: every page
//! type of the example handbook at phone widths (nothing scrolls sideways),
//! the navigation drawer and tree, the 404 page wherever it is served, and
//! axe-core's accessibility rules in light and dark.

use std::path::PathBuf;

use crate::support::{Browser, Fixture, StaticServer, browser, git_command};

/// One page of each type the example handbook has, by URL.
const PAGE_TYPES: &[(&str, &str)] = &[
    ("home", ""),
    ("section", "how-we-work/"),
    ("page", "how-we-work/code-review/"),
    ("ADR log", "decisions/"),
    ("ADR", "decisions/0006-move-status-fan-out-to-kafka/"),
    ("runbook index", "runbooks/"),
    ("runbook", "runbooks/database-failover/"),
    ("AAR", "aars/2026-03-09-replica-promotion-by-hand/"),
    ("retro", "retros/2026-q3/"),
    ("actions", "actions/"),
    ("people", "people/"),
    ("person", "people/ines/"),
    ("skills", "skills/"),
    ("team health", "team-health/"),
    ("charter", "charter/"),
    ("channels", "channels/"),
    ("needs review", "needs-review/"),
    ("recent changes", "changes/"),
    // A misspelt query, so the correction above the results is checked too.
    ("search", "search/?q=failovr"),
    ("404", "no-such-page/"),
    ("whole handbook", "print/"),
];

/// The example handbook committed to git (so it has recent changes), built
/// and served at the root.
fn example() -> (Fixture, StaticServer) {
    let site = Fixture::copy_of("example-handbook");
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &["commit", "-q", "-m", "Start the handbook"],
    ] {
        let out = git_command(site.path(), "Ines Duarte", "2026-11-20T09:00:00Z", args);
        assert!(out.status.success(), "git {args:?}: {out:?}");
    }
    let run = site.run(&["build", "--print", "-o", "public"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.exists("public/changes/index.html"));
    assert!(site.exists("public/print/index.html"));
    let server = StaticServer::start(site.path().join("public"));
    (site, server)
}

fn open(browser: &Browser, url: &str) {
    browser.goto(url);
    browser.wait_for("return document.readyState === 'complete'");
}

#[test]
fn no_page_type_scrolls_sideways_on_a_phone() {
    let Some(browser) = browser() else { return };
    let (_site, server) = example();
    for width in [360, 390] {
        browser.viewport(width, 800);
        for (name, path) in PAGE_TYPES {
            open(&browser, &format!("{}{path}", server.base));
            // On a phone a page wider than the screen widens the layout
            // viewport: both must stay at the screen's width.
            let (scroll, inner) = (
                browser.eval("return document.documentElement.scrollWidth"),
                browser.eval("return window.innerWidth"),
            );
            let wide = browser.eval(&format!(
                "return [...document.querySelectorAll('body *')] \
                   .filter(e => !e.parentElement.closest('pre, table') && e.getBoundingClientRect().right > {width} + 0.5) \
                   .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
            ));
            assert!(
                scroll.as_u64() <= Some(u64::from(width))
                    && inner.as_u64() == Some(u64::from(width)),
                "the {name} page ({path}) is {scroll} px wide at {width} px: {wide}"
            );
            // The header keeps to one row: menu, title, search, theme.
            let header = browser.eval(
                "return document.querySelector('.site-header').getBoundingClientRect().height",
            );
            assert!(
                header.as_f64().unwrap_or(999.0) <= 64.0,
                "the {name} page's header is {header} px tall at {width} px"
            );
        }
        // Search results are on screen: the dialog fills it.
        open(&browser, &server.base);
        browser.click(".search-open");
        browser.send_keys("#site-search-q", "replica");
        browser.wait_for(
            "return document.querySelectorAll('.search-results [role=option]').length > 0",
        );
        let inside = browser.eval(
            "const r = document.querySelector('.search-results').getBoundingClientRect(); \
             return r.left >= 0 && r.right <= innerWidth && r.top >= 0",
        );
        assert_eq!(inside, true, "search results on screen at {width} px");
    }
}

#[test]
fn the_menu_opens_the_tree_as_a_drawer_and_branches_open_from_nav_json() {
    let Some(browser) = browser() else { return };
    let (_site, server) = example();
    browser.viewport(390, 800);
    open(
        &browser,
        &format!("{}runbooks/database-failover/", server.base),
    );
    let shown = "(() => { const t = document.getElementById('site-tree'); \
                 const r = t.getBoundingClientRect(); \
                 return r.right > 0 && r.left >= 0 && getComputedStyle(t).visibility === 'visible'; })()";
    let visible = format!("return {shown}");
    assert_eq!(browser.eval(&visible), false, "the drawer starts closed");
    browser.click(".nav-toggle");
    browser.wait_for(&visible);
    assert_eq!(
        browser.eval("return document.querySelector('.nav-toggle').getAttribute('aria-expanded')"),
        "true"
    );
    // The current page is marked in the tree, inside its open section.
    assert_eq!(
        browser.eval(
            "return document.querySelector('#site-tree li.open [aria-current=page]').textContent"
        ),
        "Shipment database failover"
    );
    // A closed branch lists its pages from nav.json when opened.
    browser.click("#site-tree li[data-folder=decisions] .tree-toggle");
    browser.wait_for(
        "return document.querySelectorAll('#site-tree li[data-folder=decisions] li').length === 7",
    );
    let first = browser
        .eval("return document.querySelector('#site-tree li[data-folder=decisions] li a').getAttribute('href')");
    assert_eq!(first, "../../decisions/0001-record-architecture-decisions/");
    browser.send_keys("body", "\u{E00C}");
    browser.wait_for(&format!("return !{shown}"));

    // On a wide screen the tree is beside the page and the menu is gone.
    browser.viewport(1366, 900);
    open(
        &browser,
        &format!("{}runbooks/database-failover/", server.base),
    );
    assert_eq!(browser.eval(&visible), true);
    assert_eq!(
        browser.eval("return getComputedStyle(document.querySelector('.nav-toggle')).display"),
        "none"
    );
    // "On this page" sits to the right of the text and follows the reader.
    let right = browser.eval(
        "return document.querySelector('.page > .toc').getBoundingClientRect().left > \
         document.querySelector('.content').getBoundingClientRect().right",
    );
    assert_eq!(right, true);
    browser.eval("document.getElementById('check-that-it-worked').scrollIntoView(); return true");
    browser.wait_for("const a = document.querySelector('.toc a.active'); return !!a && a.getAttribute('href') === '#check-that-it-worked'");
}

#[test]
fn on_this_page_is_folded_on_a_phone_before_the_text_is_laid_out() {
    let Some(browser) = browser() else { return };
    let (_site, server) = example();
    // Without the theme's script (as while it is still on its way), the
    // contents box is already folded on a phone, so the text below it
    // never moves up (Lighthouse counted that as a layout shift), and open
    // on a wide screen.
    browser.block_urls(&["*handbook.js"]);
    let folded = "return document.querySelector('.page > .toc').open === false";
    for (width, expected) in [(390, true), (1366, false)] {
        browser.viewport(width, 900);
        open(
            &browser,
            &format!("{}runbooks/database-failover/", server.base),
        );
        assert_eq!(
            browser.eval("return document.querySelector('.nav-toggle').hidden"),
            true,
            "handbook.js was blocked"
        );
        assert_eq!(browser.eval(folded), expected, "at {width} px");
    }
    browser.block_urls(&[]);
}

#[test]
fn the_404_page_is_styled_at_the_root_under_a_sub_path_and_in_serve() {
    let Some(browser) = browser() else { return };
    let styled =
        "return getComputedStyle(document.querySelector('.site-header')).display === 'flex'";
    let site = Fixture::copy_of("example-handbook");
    let run = site.run(&["build", "-o", "www/handbook"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A host that serves the site under its base_url's path…
    let www: PathBuf = site.path().join("www");
    let server = StaticServer::start_with_404(www.clone(), www.join("handbook/404.html"));
    open(&browser, &format!("{}handbook/no/such/page/", server.base));
    assert_eq!(browser.eval(styled), true, "under the base_url's path");
    assert_eq!(
        browser.eval("return document.querySelector('main a').getAttribute('href')"),
        "/handbook/"
    );
    // …and one that serves the same files at its root.
    let root = StaticServer::start(www.join("handbook"));
    open(&browser, &format!("{}deep/missing/page", root.base));
    assert_eq!(browser.eval(styled), true, "at a host's root");
}

/// axe-core, installed by `.ci/run` (`npm ci` in `tests/browser`).
fn axe_source() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(e) => {
            let message = format!(
                "axe-core not found at {}: run `npm ci` in tests/browser ({e})",
                path.display()
            );
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{message} (it is required under CI=true)");
            }
            eprintln!("\n!!!!!!!! SKIPPING ACCESSIBILITY TEST !!!!!!!!\n!!! {message}\n");
            None
        }
    }
}

#[test]
fn every_page_type_passes_axe_in_light_and_dark() {
    let Some(axe) = axe_source() else { return };
    let Some(browser) = browser() else { return };
    let (_site, server) = example();
    let mut failures = Vec::new();
    // Light and dark on a wide screen, and light on a phone (where the
    // header's buttons lose their text labels).
    for (scheme, width) in [("light", 1366), ("dark", 1366), ("light", 390)] {
        browser.color_scheme(scheme);
        browser.viewport(width, 900);
        for (name, path) in PAGE_TYPES {
            open(&browser, &format!("{}{path}", server.base));
            if path.starts_with("search/") {
                browser.wait_for(
                    "return document.querySelectorAll('.search-page-results .search-hit').length > 0",
                );
            }
            if name == &"home" {
                // The search dialog, open with corrected results, as well.
                browser.click(".search-open");
                browser.send_keys("#site-search-q", "replcia");
                browser.wait_for(
                    "return document.querySelectorAll('.search-results [role=option]').length > 0 \
                     && !document.querySelector('#search-dialog .search-correction').hidden",
                );
                browser.send_keys("#site-search-q", "\u{E015}");
                browser.wait_for(
                    "return document.querySelectorAll('.search-results [aria-selected=true]').length === 1",
                );
            }
            browser.eval(&format!("{axe}\nreturn true;"));
            let result = browser.eval_async(
                "const r = await axe.run(document, { runOnly: { type: 'tag', values: \
                   ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } }); \
                 return r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));",
            );
            let violations = result.as_array().cloned().unwrap_or_default();
            assert!(result.is_array(), "axe failed on {path}: {result}");
            for v in violations {
                failures.push(format!(
                    "{scheme} {name} ({path}): {}",
                    v.as_str().unwrap_or("?")
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "axe violations:\n{}",
        failures.join("\n")
    );
}

#[test]
fn code_blocks_have_a_title_a_language_and_a_copy_button() {
    let Some(browser) = browser() else { return };
    let site = Fixture::new()
        .file("index.md", "# Home\n\n```sh title=\"promote.sh\"\npg_ctl promote -D /data\n```\n\n```sql\nSELECT 1;\n```\n");
    site.build_ok();
    let html = site.read("public/index.html");
    assert!(
        html.contains(
            "<figure class=\"code-block\"><figcaption class=\"code-title\">promote.sh</figcaption>"
        ),
        "{html}"
    );
    let server = StaticServer::start(site.path().join("public"));
    open(&browser, &server.base);
    assert_eq!(
        browser.eval(
            "return [...document.querySelectorAll('.code-lang')].map(l => l.textContent).join()"
        ),
        "Shell,SQL"
    );
    // The button copies the block's text, as typed.
    browser.eval(
        "window.__copied = null; navigator.clipboard.writeText = t => { window.__copied = t; return Promise.resolve(); }; return true",
    );
    browser.click(".code-copy");
    browser.wait_for("return window.__copied === 'pg_ctl promote -D /data'");
    assert_eq!(
        browser.eval("return document.querySelector('.code-copy').textContent"),
        "Copied"
    );
}

#[test]
fn an_adr_shows_its_number_in_its_title_and_its_date_once() {
    let site = Fixture::new().file("index.md", "# Home\n").file(
        "decisions/0007-use-kafka.md",
        "+++\nstatus = \"accepted\"\ndate = 2024-05-06\n+++\n# 7. Use Kafka\n",
    );
    site.build_ok();
    let page = site.read("public/decisions/0007-use-kafka/index.html");
    assert!(
        page.contains("<title>ADR 0007: Use Kafka · Fixture Handbook</title>"),
        "{page}"
    );
    assert!(page.contains("<span class=\"record-number\">ADR 0007</span> Use Kafka</h1>"));
    assert_eq!(
        page.matches("<time datetime=\"2024-05-06\">").count(),
        1,
        "{page}"
    );
    assert!(page.contains("<span class=\"tree-number\">0007</span> Use Kafka"));
}

/// Contrast of two `rgb(…)` colours, in the page (WCAG formula).
const CONTRAST_JS: &str = "const lum = c => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(v => { v = v / 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; }; const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };";

#[test]
fn mermaid_diagrams_are_drawn_without_script_and_follow_the_colour_scheme() {
    let Some(browser) = browser() else { return };
    let site = Fixture::new().file("index.md", "# Home\n\nA page.\n").file(
        "flow.md",
        "# Flow\n\n```mermaid title=\"Paging\"\nflowchart LR\n  alert[Alert fires] --> ack[On-call acknowledges] --> fix[Mitigate] --> review[Write the review]\n```\n",
    );
    site.build_ok();
    let html = site.read("public/flow/index.html");
    let figure = html
        .split_once("<figure class=\"diagram\">")
        .map(|(_, f)| f.split_once("</figure>").map_or(f, |(f, _)| f))
        .expect("a drawn diagram");
    assert!(!figure.to_ascii_lowercase().contains("<script"), "{figure}");
    let server = StaticServer::start(site.path().join("public"));
    // No script is added for a diagram: the page loads what a page without one does.
    open(&browser, &server.base);
    let scripts_without = browser.eval("return document.scripts.length");
    open(&browser, &format!("{}flow/", server.base));
    assert_eq!(
        browser.eval("return document.scripts.length"),
        scripts_without
    );
    let shown = "return [...document.querySelectorAll('.diagram svg')].filter(s => s.getBoundingClientRect().height > 20).map(s => s.id).join()";
    let label_contrast = format!(
        "{CONTRAST_JS} const svg = [...document.querySelectorAll('.diagram svg')].find(s => s.getBoundingClientRect().height > 20); \
         const node = svg.querySelector('.node'); const label = node.querySelector('.nodeLabel'); \
         const fill = getComputedStyle(node.querySelector('rect')).fill; \
         return contrast(getComputedStyle(label).color, fill) >= 4.5 && label.textContent === 'Alert fires';"
    );
    for (scheme, id) in [("light", "diagram-1-light"), ("dark", "diagram-1-dark")] {
        browser.eval(&format!(
            "document.documentElement.setAttribute('data-theme', '{scheme}'); return true"
        ));
        assert_eq!(browser.eval(shown), id, "{scheme}");
        assert_eq!(
            browser.eval(&label_contrast),
            true,
            "{scheme} label contrast"
        );
    }
    // It fits a phone's width; the source is one click away.
    browser.viewport(360, 800);
    assert_eq!(
        browser.eval("return document.documentElement.scrollWidth <= innerWidth"),
        true
    );
    // Its text is not shrunk below 12 px to fit: the diagram scrolls in its box.
    assert_eq!(
        browser.eval(
            "const svg = [...document.querySelectorAll('.diagram svg')].find(s => s.getBoundingClientRect().height > 20); \
             const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width; \
             return scale * parseFloat(getComputedStyle(svg.querySelector('.nodeLabel')).fontSize) >= 12"
        ),
        true
    );
    assert_eq!(
        browser.eval(
            "const d = document.querySelector('.diagram-source'); d.open = true; const c = d.querySelector('code'); \
             return c.textContent.startsWith('flowchart LR') && parseFloat(getComputedStyle(c).fontSize) >= 12"
        ),
        true
    );
}

#[test]
fn marked_code_lines_span_the_block_and_read_in_both_schemes() {
    let Some(browser) = browser() else { return };
    let site = Fixture::new().file(
        "index.md",
        "# Home\n\n```sh {2}\n# check first\npg_ctl promote -D /data # the one to run\nexit\n```\n",
    );
    site.build_ok();
    let server = StaticServer::start(site.path().join("public"));
    open(&browser, &server.base);
    assert_eq!(
        browser.eval("return [...document.querySelectorAll('mark.code-line')].map(m => m.textContent).join('|')"),
        "pg_ctl promote -D /data # the one to run\n"
    );
    let check = format!(
        "{CONTRAST_JS} const m = document.querySelector('mark.code-line'); const pre = m.closest('pre'); \
         const bg = getComputedStyle(m).backgroundColor; \
         const texts = [...m.querySelectorAll('span')].concat([m]).map(e => getComputedStyle(e).color); \
         return [Math.abs(m.getBoundingClientRect().width - pre.clientWidth) < 2, \
                 parseFloat(getComputedStyle(m).borderLeftWidth) >= 3, \
                 texts.every(c => contrast(c, bg) >= 4.5)];"
    );
    for scheme in ["light", "dark"] {
        browser.eval(&format!(
            "document.documentElement.setAttribute('data-theme', '{scheme}'); return true"
        ));
        assert_eq!(
            browser.eval(&check),
            serde_json::json!([true, true, true]),
            "{scheme}"
        );
    }
}

#[test]
fn kpi_charts_are_drawn_readable_in_both_schemes_and_printed_with_their_numbers() {
    let Some(browser) = browser() else { return };
    let (_site, server) = example();
    browser.viewport(1366, 900);
    open(&browser, &format!("{}charter/", server.base));
    // Every metric of the example has a history (one counted from its
    // reviews' timelines): a chart each, drawn at a readable size, and a
    // sparkline in its row.
    assert_eq!(
        browser.eval(
            "return [...document.querySelectorAll('.kpi-chart svg.line-chart')].map(s => Math.round(s.getBoundingClientRect().width))"
        ),
        serde_json::json!([560, 560, 560, 560, 560])
    );
    assert_eq!(
        browser.eval("return document.querySelectorAll('.kpis td svg.spark').length"),
        5
    );
    // The line, its points and the labels keep their contrast with the page
    // (3:1 for graphics, 4.5:1 for text) in light and dark, and change with it.
    let colours = format!(
        "{CONTRAST_JS} const svg = document.querySelector('.kpi-chart svg'); \
         const bg = getComputedStyle(document.body).backgroundColor; \
         const line = getComputedStyle(svg.querySelector('.chart-line')).stroke; \
         const label = getComputedStyle(svg.querySelector('.chart-label')).fill; \
         return [line, contrast(line, bg) >= 3, contrast(label, bg) >= 4.5];"
    );
    let mut strokes = Vec::new();
    for scheme in ["light", "dark"] {
        browser.eval(&format!(
            "document.documentElement.setAttribute('data-theme', '{scheme}'); return true"
        ));
        let got = browser.eval(&colours);
        assert_eq!(
            (got[1].clone(), got[2].clone()),
            (true.into(), true.into()),
            "{scheme}: {got}"
        );
        strokes.push(got[0].clone());
    }
    assert_ne!(strokes[0], strokes[1], "the line follows the scheme");
    // On a phone the chart shrinks to the column; nothing scrolls sideways.
    browser.viewport(390, 800);
    assert_eq!(
        browser.eval(
            "const s = document.querySelector('.kpi-chart svg').getBoundingClientRect(); \
             return s.width > 200 && s.right <= innerWidth && document.documentElement.scrollWidth <= innerWidth"
        ),
        true
    );
    // The numbers: hidden on screen, a table when printed.
    let table_shown =
        "return document.querySelector('.chart-data').getBoundingClientRect().height > 20";
    assert_eq!(browser.eval(table_shown), false);
    browser.emulate_media("print");
    assert_eq!(browser.eval(table_shown), true);
    browser.emulate_media("");
}

#[test]
fn team_health_skills_and_the_home_trend_are_drawn_and_readable_in_both_schemes() {
    let Some(browser) = browser() else { return };
    let (_site, server) = example();
    browser.viewport(1366, 900);
    // `color-mix` backgrounds compute to `color(srgb r g b)`, from 0 to 1.
    let rgb = "const rgb = c => c.startsWith('color(') ? 'rgb(' + c.match(/[\\d.]+/g).slice(0, 3).map(v => v * 255).join(',') + ')' : c;";
    let chart_colours = format!(
        "{CONTRAST_JS} {rgb} const bg = getComputedStyle(document.body).backgroundColor; \
         const svgs = [...document.querySelectorAll('svg.chart')]; \
         return [svgs.length, svgs.every(s => {{ const r = s.getBoundingClientRect(); return r.width > 50 && r.height > 15; }}), \
                 svgs.every(s => contrast(getComputedStyle(s.querySelector('.chart-line')).stroke, bg) >= 3), \
                 svgs.every(s => [...s.querySelectorAll('.chart-label')].every(l => contrast(getComputedStyle(l).fill, bg) >= 4.5)), \
                 getComputedStyle(svgs[0].querySelector('.chart-line')).stroke];"
    );
    let schemes = |check: &str, page: &str| -> Vec<serde_json::Value> {
        ["light", "dark"]
            .iter()
            .map(|scheme| {
                browser.eval(&format!(
                    "document.documentElement.setAttribute('data-theme', '{scheme}'); return true"
                ));
                let got = browser.eval(check);
                (got, scheme, page)
            })
            .map(|(got, scheme, page)| {
                assert!(got.is_array(), "{page} {scheme}: {got}");
                got
            })
            .collect()
    };
    // The dashboard: a chart per dimension, a sparkline per question, each
    // drawn, readable and following the scheme.
    open(&browser, &format!("{}team-health/", server.base));
    let got = schemes(&chart_colours, "team health");
    for (scheme, got) in ["light", "dark"].iter().zip(&got) {
        assert_eq!(
            got.as_array().map(|a| a[..4].to_vec()),
            Some(vec![14.into(), true.into(), true.into(), true.into()]),
            "{scheme}: {got}"
        );
    }
    assert_ne!(got[0][4], got[1][4], "the line follows the scheme");
    // Each question's answers by period, as bars, once opened.
    assert_eq!(
        browser.eval(
            "const d = document.querySelector('.health-periods'); d.open = true; \
             const bars = [...d.querySelectorAll('.spread')]; \
             return bars.length >= 2 && bars.every(b => b.getBoundingClientRect().width > 50 && b.getAttribute('aria-label').includes('answered'))"
        ),
        true
    );
    // The skills matrix: every level's number reads on its tint.
    open(&browser, &format!("{}skills/", server.base));
    let cells = format!(
        "{CONTRAST_JS} {rgb} const cells = [...document.querySelectorAll('.skills-matrix td.level')].filter(c => c.textContent.trim().match(/^[1-4]$/)); \
         return [cells.length > 10, cells.every(c => contrast(getComputedStyle(c).color, rgb(getComputedStyle(c).backgroundColor)) >= 4.5)];"
    );
    for got in schemes(&cells, "skills") {
        assert_eq!(got, serde_json::json!([true, true]));
    }
    // The home page: the open-action count's trend beside it.
    open(&browser, &server.base);
    let spark = format!(
        "{CONTRAST_JS} const s = document.querySelector('.card-trend svg.spark'); const r = s.getBoundingClientRect(); \
         const bg = getComputedStyle(s.closest('.card')).backgroundColor; \
         return [r.width >= 60 && r.height >= 15, contrast(getComputedStyle(s.querySelector('.chart-line')).stroke, bg) >= 3, \
                 s.getAttribute('aria-label').startsWith('Open actions at the end of each quarter: ')];"
    );
    for got in schemes(&spark, "home") {
        assert_eq!(got, serde_json::json!([true, true, true]));
    }
}
