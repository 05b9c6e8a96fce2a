//! What a person sees, checked in real headless Chromium: the built example
//! handbook, served over HTTP, followed link by link.

use crate::support::{Fixture, StaticServer, browser, serve_built};

#[test]
fn example_handbook_follows_a_link_to_an_anchor_and_shows_highlighted_code() {
    let Some(browser) = browser() else { return };
    let site = Fixture::copy_of("example-handbook");
    // Build under a sub-path-independent layout: serve the output at a sub-folder.
    let run = site.run(&["build", "-o", "www/handbook"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let server = StaticServer::start(site.path().join("www"));

    browser.goto(&format!("{}handbook/", server.base));
    browser.wait_for("return document.readyState === 'complete'");
    assert_eq!(
        browser.eval("return document.querySelector('h1').textContent"),
        "Harbor Team Handbook"
    );

    browser.click("a[href='runbooks/database-failover/#promote-the-replica']");
    browser.wait_for("return location.pathname.endsWith('/handbook/runbooks/database-failover/')");
    assert!(
        browser.url().ends_with("#promote-the-replica"),
        "{}",
        browser.url()
    );
    // The anchor target exists and was scrolled into view.
    browser.wait_for(
        "const h = document.getElementById('promote-the-replica'); \
         if (!h) return false; const r = h.getBoundingClientRect(); \
         return Math.abs(r.top) < 2;",
    );

    // Code is highlighted: spans with theme classes, coloured unlike plain text.
    let spans =
        browser.eval("return document.querySelectorAll('pre.highlight span[class*=hl-]').length");
    assert!(spans.as_u64().unwrap_or(0) > 10, "highlight spans: {spans}");
    let coloured = browser.eval(
        "const body = getComputedStyle(document.body).color; \
         return [...document.querySelectorAll('pre.highlight span[class*=hl-]')] \
           .some(s => getComputedStyle(s).color !== body);",
    );
    assert_eq!(
        coloured, true,
        "highlighted tokens must have their own colour"
    );

    // Theme assets loaded through relative URLs under the sub-path.
    let styled =
        browser.eval("return getComputedStyle(document.querySelector('.site-header')).display");
    assert_eq!(styled, "flex");
    // The image asset resolved.
    browser.wait_for("const i = document.querySelector('.content img'); return !!i && i.complete && i.naturalWidth > 0");
}

#[test]
fn dark_mode_toggle_switches_and_remembers_the_choice() {
    let Some(browser) = browser() else { return };
    let (_site, server) = serve_built(Fixture::copy_of("example-handbook"));
    browser.goto(&format!("{}charter/", server.base));
    browser.wait_for("return !document.querySelector('.theme-toggle').hidden");
    let before = browser.eval("return getComputedStyle(document.body).backgroundColor");
    browser.click(".theme-toggle");
    let after = browser.eval("return getComputedStyle(document.body).backgroundColor");
    assert_ne!(before, after);
    browser.goto(&format!("{}how-we-work/", server.base));
    browser.wait_for("return document.readyState === 'complete'");
    let remembered = browser.eval("return getComputedStyle(document.body).backgroundColor");
    assert_eq!(after, remembered, "the choice persists across pages");
}

#[test]
fn decision_log_filters_by_status_and_sorts_by_column() {
    let Some(browser) = browser() else { return };
    let (_site, server) = serve_built(Fixture::copy_of("example-handbook"));
    browser.goto(&format!("{}decisions/", server.base));
    browser.wait_for("return !document.querySelector('.log-filter').hidden");
    let visible = "return [...document.querySelectorAll('#adr-log-table tbody tr')].filter(r => !r.hidden).map(r => r.cells[0].textContent.trim()).join(',')";
    assert_eq!(browser.eval(visible), "1,2,3,4,5,6,7");
    browser.eval("const s = document.getElementById('adr-status-filter'); s.value = 'superseded'; s.dispatchEvent(new Event('change')); return true");
    assert_eq!(browser.eval(visible), "4");
    assert_eq!(
        browser.eval("return document.querySelector('.log-count').textContent"),
        "1 shown"
    );
    browser.eval("const s = document.getElementById('adr-status-filter'); s.value = ''; s.dispatchEvent(new Event('change')); return true");
    // Sortable headers say so before they are used, and then which way.
    let marks = "return [...document.querySelectorAll('#adr-log-table .sort-button')] \
                 .map(b => getComputedStyle(b, '::after').content).join()";
    assert_eq!(browser.eval(marks), "\" ↕\",\" ↕\",\" ↕\",\" ↕\"");
    browser.click("#adr-log-table th:nth-child(1) .sort-button");
    assert_eq!(browser.eval(marks), "\" ▲\",\" ↕\",\" ↕\",\" ↕\"");
    browser.click("#adr-log-table th:nth-child(1) .sort-button");
    assert_eq!(
        browser.eval(visible),
        "7,6,5,4,3,2,1",
        "second click sorts descending"
    );
}

#[test]
fn action_tracker_filters_to_overdue_actions() {
    let Some(browser) = browser() else { return };
    let (_site, server) = serve_built(Fixture::copy_of("example-handbook"));
    browser.goto(&format!("{}actions/", server.base));
    browser.wait_for("return !document.querySelector('.log-filter').hidden");
    let shown = "return [...document.querySelectorAll('#action-tracker tbody tr')].filter(r => !r.hidden).length";
    let total = browser.eval(shown);
    browser.eval("const s = document.getElementById('action-state-filter'); s.value = 'overdue'; s.dispatchEvent(new Event('change')); return true");
    let overdue = browser.eval(shown);
    assert_eq!(
        overdue, 3,
        "the example has three overdue actions on 2026-11-20 (of {total}; the Q2 drill action is listed again in Q3 with a later date)"
    );
    let all_overdue = browser.eval(
        "return [...document.querySelectorAll('#action-tracker tbody tr')].filter(r => !r.hidden).every(r => r.classList.contains('overdue'))",
    );
    assert_eq!(all_overdue, true);
    // Overdue rows stand out: a red rule on their first cell.
    let marked = browser
        .eval("return getComputedStyle(document.querySelector('tr.overdue td')).borderLeftStyle");
    assert_eq!(marked, "solid");
}

#[test]
fn a_page_prints_as_a_document_without_edit_links_backlinks_or_footer() {
    let Some(browser) = browser() else { return };
    let (_site, server) = serve_built(Fixture::copy_of("example-handbook"));
    browser.goto(&format!("{}runbooks/database-failover/", server.base));
    browser.wait_for("return document.readyState === 'complete'");
    let shown = |css: &str| {
        browser.eval(&format!(
            "const e = document.querySelector('{css}'); return e !== null && getComputedStyle(e).display !== 'none'"
        ))
    };
    // On screen the page has all three (the example sets `repo_url`, and
    // other pages link to this runbook).
    for css in [".page-source", ".backlinks", ".site-footer"] {
        assert_eq!(shown(css), true, "{css} on screen");
    }
    browser.emulate_media("print");
    for css in [".page-source", ".backlinks", ".site-footer"] {
        assert_eq!(shown(css), false, "{css} in print");
    }
    assert_eq!(shown("main h1"), true, "the document itself prints");
    browser.emulate_media("");
}

#[test]
fn the_whole_handbook_prints_each_page_on_a_new_sheet_and_its_contents_lead_there() {
    let Some(browser) = browser() else { return };
    let site = Fixture::copy_of("example-handbook");
    let run = site.run(&["build", "--print", "-o", "public"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let server = StaticServer::start(site.path().join("public"));
    browser.viewport(1366, 900);
    browser.goto(&format!("{}print/", server.base));
    browser.wait_for("return document.readyState === 'complete'");
    // A contents entry scrolls to its page.
    browser.click(".print-contents li:nth-child(8) a");
    browser.wait_for("return location.hash.length > 1");
    let landed = browser.eval(
        "const t = document.getElementById(decodeURIComponent(location.hash.slice(1))); \
         const r = t.getBoundingClientRect(); return t.classList.contains('print-page') && r.top >= -1 && r.top < 200",
    );
    assert_eq!(landed, true, "the contents link lands on its page");
    // Both drawings of every diagram are there, and each reaches its markers.
    let broken = browser.eval(
        "return [...document.querySelectorAll('[marker-end^=\"url(#\"]')] \
           .map(e => e.getAttribute('marker-end').slice(5, -1)) \
           .filter(id => !document.getElementById(id)).slice(0, 3)",
    );
    assert_eq!(
        broken,
        serde_json::json!([]),
        "markers that are not in the document"
    );
    browser.emulate_media("print");
    let sheets = browser.eval(
        "return [...document.querySelectorAll('.print-page')].map(p => getComputedStyle(p).breakBefore)",
    );
    let sheets = sheets.as_array().cloned().unwrap_or_default();
    assert!(sheets.len() > 20, "{sheets:?}");
    assert!(sheets.iter().all(|b| b == "page"), "{sheets:?}");
    let chrome = browser.eval(
        "return ['.site-header', '.sidebar', '.site-footer', '.breadcrumbs'] \
           .filter(c => { const e = document.querySelector(c); return e && getComputedStyle(e).display !== 'none'; })",
    );
    assert_eq!(chrome, serde_json::json!([]), "chrome in print");
    browser.emulate_media("");
}
