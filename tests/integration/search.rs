//! Search, end to end in headless Chromium: relevance, filters, the keyboard,
//! escaping, and a rebuilt index.

use crate::search_bench::{Engine, judgements, relevance};
use crate::support::{Fixture, StaticServer, browser, serve_built};

const SEARCH_ON: &str = "title = \"Searchable\"\n";

const RESULT_TITLES: &str = "return [...document.querySelectorAll('.search-results .search-hit-title')].map(e => e.textContent)";

/// Opens the header's search dialog with its button.
fn open_search(browser: &crate::support::Browser) {
    browser.wait_for("return !document.querySelector('.search-open').hidden");
    browser.click(".search-open");
    browser.wait_for("return document.getElementById('search-dialog').open");
}

#[test]
fn typing_a_query_shows_the_page_whose_title_matches_first() {
    let Some(browser) = browser() else { return };
    let (_site, server) = serve_built(Fixture::copy_of("example-handbook"));
    browser.goto(&format!("{}how-we-work/", server.base));
    open_search(&browser);
    browser.send_keys("#site-search-q", "failover");
    browser.wait_for("return document.querySelectorAll('.search-results .search-hit').length > 0");
    let titles = browser.eval(RESULT_TITLES);
    assert_eq!(titles[0], "Shipment database failover", "{titles}");
    // Matched words are highlighted, and sections appear as sub-results.
    assert_eq!(
        browser.eval(
            "return document.querySelector('.search-results mark').textContent.toLowerCase()"
        ),
        "failover"
    );
    let sub = browser.eval("return [...document.querySelectorAll('.search-results .search-sub')].map(a => a.getAttribute('href'))");
    assert!(sub.to_string().contains("#"), "{sub}");
}

#[test]
fn slash_focuses_search_arrows_move_and_enter_opens() {
    let Some(browser) = browser() else { return };
    let (_site, server) = serve_built(Fixture::copy_of("example-handbook"));
    browser.goto(&format!("{}charter/", server.base));
    browser.wait_for("return !document.querySelector('.search-open').hidden");
    browser.send_keys("body", "/");
    assert_eq!(
        browser.eval("return document.activeElement.id"),
        "site-search-q"
    );
    browser.send_keys("#site-search-q", "kafka");
    browser
        .wait_for("return document.querySelectorAll('.search-results [role=option]').length > 1");
    browser.send_keys("#site-search-q", "\u{E015}\u{E015}");
    let second =
        browser.eval("return document.querySelectorAll('.search-results [role=option]')[1].href");
    assert_eq!(
        browser.eval("return document.querySelector('.search-results .active').href"),
        second
    );
    // The active option is the selected one, for screen readers.
    assert_eq!(
        browser
            .eval(
                "return [...document.querySelectorAll('.search-results [role=option]')] \
               .map(o => o.getAttribute('aria-selected')).join()"
            )
            .as_str()
            .map(|s| s.split(',').filter(|v| *v == "true").count()),
        Some(1)
    );
    assert_eq!(
        browser.eval(
            "const i = document.getElementById('site-search-q'); \
             return document.getElementById(i.getAttribute('aria-activedescendant')).href"
        ),
        second
    );
    browser.send_keys("#site-search-q", "\u{E007}");
    let target = second.as_str().unwrap_or_default().to_string();
    browser.wait_for(&format!("return location.href === {target:?}"));
    // Ctrl-K opens the dialog too; Escape closes it and gives focus back.
    browser.wait_for("return !document.querySelector('.search-open').hidden");
    browser.send_keys("body", "\u{E009}k\u{E009}");
    browser.wait_for("return document.getElementById('search-dialog').open");
    browser.send_keys("#site-search-q", "kafka\u{E00C}");
    assert_eq!(
        browser.eval("return document.getElementById('search-dialog').open"),
        false,
        "Escape closes"
    );
}

#[test]
fn the_search_page_filters_by_kind_and_keeps_state_in_the_url() {
    let Some(browser) = browser() else { return };
    let (_site, server) = serve_built(Fixture::copy_of("example-handbook"));
    browser.goto(&format!("{}search/?q=queue", server.base));
    browser.wait_for(
        "return document.querySelectorAll('.search-page-results .search-hit').length > 0",
    );
    let kinds = "return [...document.querySelectorAll('.search-page-results .kind-badge')].map(e => e.dataset.kind)";
    let all = browser.eval(kinds);
    assert!(
        all.as_array().is_some_and(|k| k.iter().any(|x| x != "adr")),
        "{all}"
    );
    browser.eval("const s = document.querySelector('select[data-facet=kind]'); s.value = 'adr'; s.dispatchEvent(new Event('change')); return true");
    browser.wait_for("return [...document.querySelectorAll('.search-page-results .kind-badge')].every(e => e.dataset.kind === 'adr' && e.textContent === 'ADR')");
    assert!(
        browser.url().ends_with("search/?q=queue&kind=adr"),
        "{}",
        browser.url()
    );
    browser.goto(&browser.url());
    browser.wait_for(
        "return document.querySelectorAll('.search-page-results .search-hit').length > 0",
    );
    assert_eq!(
        browser.eval("return document.querySelector('select[data-facet=kind]').value"),
        "adr"
    );
}

#[test]
fn a_filter_without_a_query_lists_every_page_it_allows() {
    let Some(browser) = browser() else { return };
    let (site, server) = serve_built(Fixture::copy_of("example-handbook"));
    let runbooks = std::fs::read_dir(site.path().join("runbooks"))
        .expect("runbooks")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".md"))
        .filter(|e| e.file_name() != "index.md" && e.file_name() != "_index.md")
        .count();
    browser.goto(&format!("{}search/?kind=runbook", server.base));
    browser.wait_for(&format!(
        "return document.querySelectorAll('.search-page-results .search-hit').length === {runbooks}"
    ));
    assert_eq!(
        browser.eval("return [...document.querySelectorAll('.search-page-results .kind-badge')].every(e => e.dataset.kind === 'runbook')"),
        true
    );
    assert_eq!(
        browser.eval("return document.querySelector('.search-page-count').textContent"),
        format!("{runbooks} results")
    );
    // Two filters: their intersection; clearing both lists nothing.
    browser.eval("const s = document.querySelector('select[data-facet=status]'); s.value = 'accepted'; s.dispatchEvent(new Event('change')); return true");
    browser.wait_for(
        "return document.querySelectorAll('.search-page-results .search-hit').length === 0",
    );
    browser.eval("const k = document.querySelector('select[data-facet=kind]'); k.value = 'adr'; k.dispatchEvent(new Event('change')); return true");
    browser.wait_for("const b = [...document.querySelectorAll('.search-page-results .kind-badge')]; return b.length > 0 && b.every(e => e.dataset.kind === 'adr')");
    browser.eval("document.querySelectorAll('select[data-facet]').forEach(s => { s.value = ''; }); document.querySelector('select[data-facet=kind]').dispatchEvent(new Event('change')); return true");
    browser.wait_for("return document.querySelectorAll('.search-page-results .search-hit').length === 0 && document.querySelector('.search-page-count').textContent === ''");
}

#[test]
fn following_a_result_marks_its_words_on_the_page_and_scrolls_to_them() {
    let Some(browser) = browser() else { return };
    let (_site, server) = serve_built(Fixture::copy_of("example-handbook"));
    browser.viewport(1366, 700);
    browser.goto(&format!("{}how-we-work/", server.base));
    open_search(&browser);
    browser.send_keys("#site-search-q", "pg_isready");
    browser.wait_for("return document.querySelectorAll('.search-results .search-hit').length > 0");
    browser.click(".search-results a.search-hit");
    browser.wait_for(
        "return location.search.includes('h=pg_isready') && document.readyState === 'complete'",
    );
    browser.wait_for(
        "return document.querySelectorAll('main .content mark.search-arrival').length > 0",
    );
    let first = browser.eval(
        "const m = document.querySelector('mark.search-arrival'); const r = m.getBoundingClientRect(); \
         return [m.textContent.toLowerCase(), r.top >= 0 && r.bottom <= innerHeight]",
    );
    assert_eq!(
        first,
        serde_json::json!(["pg_isready", true]),
        "marked and on screen"
    );
    // A heading's sub-result lands on its section, with the words marked.
    browser.goto(&format!(
        "{}runbooks/database-failover/?h=promote#promote-the-replica",
        server.base
    ));
    browser.wait_for("return document.querySelectorAll('mark.search-arrival').length > 0");
    let top = browser.eval(
        "return Math.round(document.getElementById('promote-the-replica').getBoundingClientRect().top)",
    );
    assert!(top.as_i64().is_some_and(|t| (0..200).contains(&t)), "{top}");
    // Without `h` nothing is marked.
    browser.goto(&format!("{}runbooks/database-failover/", server.base));
    browser.wait_for("return document.readyState === 'complete'");
    assert_eq!(
        browser.eval("return document.querySelectorAll('mark.search-arrival').length"),
        0
    );
}

#[test]
fn titles_cannot_run_script_through_search() {
    let Some(browser) = browser() else { return };
    let site = Fixture::new()
        .file("handbook.toml", SEARCH_ON)
        .file("index.md", "# Home\n")
        .file("evil.md", "+++\ntitle = \"<img src=x onerror=alert(1)> zebrafish\"\n+++\nzebrafish <script>window.__ran = 1</script>\n");
    assert_eq!(site.run(&["build"]).code, 0);
    let server = StaticServer::start(site.path().join("public"));
    browser.goto(&server.base);
    open_search(&browser);
    browser.eval("window.__xss = 0; window.alert = () => { window.__xss = 1; }; return true");
    browser.send_keys("#site-search-q", "zebrafish");
    browser.wait_for("return document.querySelectorAll('.search-results .search-hit').length > 0");
    assert_eq!(
        browser.eval(
            "return document.querySelectorAll('.search-results img, .search-results script').length"
        ),
        0
    );
    assert!(
        browser
            .eval(RESULT_TITLES)
            .to_string()
            .contains("<img src=x onerror=alert(1)>")
    );
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(browser.eval("return window.__xss"), 0);
}

#[test]
fn a_word_added_to_a_page_is_found_after_a_rebuild() {
    let Some(browser) = browser() else { return };
    let site = Fixture::new()
        .file("handbook.toml", SEARCH_ON)
        .file("index.md", "# Home\n")
        .file("notes.md", "# Notes\n\nNothing yet.\n");
    assert_eq!(site.run(&["build"]).code, 0);
    let server = StaticServer::start(site.path().join("public"));
    let count = "return document.querySelectorAll('.search-page-results .search-hit').length";
    browser.goto(&format!("{}search/?q=quokka", server.base));
    browser.wait_for("return document.querySelector('.search-page-count').textContent !== ''");
    assert_eq!(browser.eval(count), 0);
    let site = site.file("notes.md", "# Notes\n\nA quokka visited the data centre.\n");
    assert_eq!(site.run(&["build"]).code, 0);
    browser.goto(&format!("{}search/?q=quokka", server.base));
    browser.wait_for(&format!("{count} === 1"));
}

#[test]
fn search_is_on_by_default_and_can_be_turned_off() {
    let site = Fixture::new().file("index.md", "# Home\n");
    site.build_ok();
    assert!(site.exists("public/search/manifest.json"));
    assert!(site.exists("public/search/index.html"));
    assert!(site.read("public/index.html").contains(
        "<form class=\"site-search\" role=\"search\" aria-label=\"Site\" action=\"search/\""
    ));
    let site = site.file(
        "handbook.toml",
        "title = \"Quiet\"\n[search]\nenabled = false\n",
    );
    site.build_ok();
    assert!(!site.exists("public/search"));
    assert!(!site.read("public/index.html").contains("site-search"));
}

/// The index's terms of `text`, as `handbook` makes them.
fn rust_terms(text: &str) -> Vec<String> {
    let text = handbook::search::composed(text);
    handbook::search::words(&text)
        .map(handbook::search::fold)
        .collect()
}

#[test]
fn the_client_splits_every_script_as_the_index_does() {
    let corpus = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search/words.txt"),
    )
    .expect("the corpus");
    // The rule itself, on a few lines (the rest must only agree).
    assert_eq!(
        rust_terms(
            "हिन्दी में क्षमता, ฐานข้อมูล, 東京駅, DB接続2024, O’Brien’s kube-proxy.yaml ΛΕΙΤΟΥΡΓΊΑΣ"
        ),
        [
            "हिन्दी",
            "में",
            "क्षमता",
            "ฐา",
            "าน",
            "นข้",
            "ข้อ",
            "อมู",
            "มูล",
            "東京",
            "京駅",
            "db",
            "接続",
            "2024",
            "o'brien's",
            "kube",
            "proxy.yaml",
            "λειτουργίασ"
        ]
    );
    assert_eq!(rust_terms("cafe\u{301}"), ["café"]);
    assert_eq!(rust_terms("データ 一"), ["データ", "一"]);

    let Some(browser) = browser() else { return };
    let (_site, server) = serve_built(
        Fixture::new()
            .file("handbook.toml", "title = \"Words\"\n")
            .file("index.md", "# Words\n")
            .file("zh.md", "# 切换\n\n主数据库无响应，切换到备用服务器。\n")
            .file("hi.md", "# जाँच\n\nहिन्दी में डेटाबेस की जाँच करें।\n")
            .file("th.md", "# สลับ\n\nฐานข้อมูลหลักไม่ตอบสนอง\n")
            .file("fr.md", "# Reprise\n\nLe cafe\u{301} du matin.\n"),
    );
    browser.goto(&format!("{}search/", server.base));
    browser.wait_for("return typeof window.handbookSearchWords === 'function'");
    // End to end: a query in each script finds its page.
    for (query, title) in [
        ("数据库", "切换"),
        ("हिन्दी", "जाँच"),
        ("ข้อมูล", "สลับ"),
        ("café", "Reprise"),
    ] {
        browser.eval(&format!(
            "const q = document.getElementById('site-search-q'); q.value = {}; \
             q.dispatchEvent(new Event('input', {{ bubbles: true }})); return true",
            serde_json::to_string(query).expect("a string")
        ));
        browser.wait_for(&format!(
            "return [...document.querySelectorAll('.search-results .search-hit-title')].some(e => e.textContent === {})",
            serde_json::to_string(title).expect("a string")
        ));
    }
    let mut differ = Vec::new();
    for line in corpus.lines() {
        let rust = rust_terms(line);
        let js = browser.eval(&format!(
            "return window.handbookSearchWords({})",
            serde_json::to_string(line).expect("a string")
        ));
        let js: Vec<String> = serde_json::from_value(js).expect("an array of strings");
        assert!(!rust.is_empty(), "no terms in {line}");
        if rust != js {
            differ.push(format!("{line}\n  index:  {rust:?}\n  client: {js:?}"));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[test]
fn the_relevance_set_finds_what_people_type_first() {
    let Some(browser) = browser() else { return };
    let (_site, server) = serve_built(Fixture::copy_of("example-handbook"));
    let set = judgements("relevance.toml");
    assert!(set.len() >= 40, "at least 40 judged queries");
    let found = relevance(&browser, &server, Engine::Handbook, &set);
    eprintln!(
        "relevance: {} queries, MRR {:.3}, success@3 {:.3}",
        set.len(),
        found.mrr,
        found.success_at_3
    );
    assert!(
        found.misses.is_empty(),
        "not in the top 3:\n{}",
        found.misses.join("\n")
    );
    assert!(found.mrr >= 0.9, "MRR {:.3} below 0.9", found.mrr);
}

/// Bytes the page fetched from the index's spelling files (`search/v/`).
const SPELLING_FETCHED: &str = "return performance.getEntriesByType('resource').filter(e => e.name.includes('/search/v/')).map(e => e.name.split('/search/')[1])";

#[test]
fn a_misspelt_word_is_corrected_and_can_be_searched_as_typed() {
    let Some(browser) = browser() else { return };
    let (site, server) = serve_built(Fixture::copy_of("example-handbook"));
    browser.goto(&format!("{}how-we-work/", server.base));
    open_search(&browser);
    // A word that matches fetches no spelling file.
    browser.send_keys("#site-search-q", "failover ");
    browser.wait_for("return document.querySelectorAll('.search-results .search-hit').length > 0");
    assert_eq!(browser.eval(SPELLING_FETCHED), serde_json::json!([]));
    browser.eval("const q = document.getElementById('site-search-q'); q.value = ''; return true");
    browser.send_keys("#site-search-q", "failovr");
    browser.wait_for("return !document.querySelector('.search-correction').hidden");
    assert_eq!(browser.eval(RESULT_TITLES)[0], "Shipment database failover");
    assert_eq!(
        browser.eval("return document.querySelector('.search-correction').textContent"),
        "Showing results for failover \u{2014} search instead for failovr"
    );
    assert!(
        browser
            .eval("return document.querySelector('.search-status').textContent")
            .as_str()
            .is_some_and(|s| s.ends_with(" for failover")),
        "the status says what was searched"
    );
    // The corrected word is the one marked, and only the files of words it
    // could be were fetched: each holds words that start with `f` or `a`
    // (a swap of the first two letters) and have 6 to 8 letters.
    assert_eq!(
        browser.eval(
            "return document.querySelector('.search-results mark').textContent.toLowerCase()"
        ),
        "failover"
    );
    let fetched = browser.eval(SPELLING_FETCHED);
    let fetched: Vec<String> = serde_json::from_value(fetched).expect("names");
    assert!(fetched.contains(&"v/index.json".to_string()), "{fetched:?}");
    for name in fetched.iter().filter(|f| *f != "v/index.json") {
        let list: Vec<serde_json::Value> =
            serde_json::from_str(&site.read(&format!("public/search/{name}"))).expect("a list");
        assert!(
            list.iter().step_by(2).filter_map(|w| w.as_str()).any(|w| {
                (w.starts_with('f') || w.starts_with('a')) && (6..=8).contains(&w.chars().count())
            }),
            "{name} holds none of the words failovr could be"
        );
    }
    // "Search instead for failovr": as typed, nothing.
    browser.click(".search-verbatim");
    browser.wait_for("return document.querySelector('.search-correction').hidden");
    assert_eq!(
        browser.eval("return document.querySelector('.search-status').textContent"),
        "No results"
    );
    // The search page corrects too, across two words.
    browser.goto(&format!("{}search/?q=postgress+manged", server.base));
    browser.wait_for("return !document.querySelector('main .search-correction').hidden");
    assert_eq!(
        browser.eval("return document.querySelector('main .search-correction strong').textContent"),
        "postgresql managed"
    );
    assert_eq!(
        browser.eval("return document.querySelector('.search-page-results .search-hit').getAttribute('href')")
            .as_str()
            .map(|h| h.contains("0005-run-shipment-state-on-managed-postgresql")),
        Some(true)
    );
}

#[test]
fn a_quoted_phrase_finds_only_pages_with_its_words_in_order() {
    let Some(browser) = browser() else { return };
    let (_site, server) = serve_built(
        Fixture::new()
            .file("handbook.toml", SEARCH_ON)
            .file("index.md", "# Home\n")
            .file(
                "apart.md",
                "# Apart\n\nThe backlog of the queue grew overnight.\n",
            )
            .file(
                "together.md",
                "# Together\n\nWhen the queue backlog grows, page someone.\n",
            )
            .file(
                "split.md",
                "# Split\n\nWe watch the queue.\n\n## Later\n\nA backlog is fine.\n",
            )
            .file("titled.md", "# Queue backlog runbook\n\nSteps follow.\n"),
    );
    browser.goto(&format!("{}search/", server.base));
    browser.wait_for("return typeof window.handbookSearch === 'function'");
    let titles = |q: &str| -> Vec<String> {
        let found = browser.eval_async(&format!(
            "const r = await window.handbookSearch({}, {{}}, 10); return r.map(x => x.title);",
            serde_json::to_string(q).expect("json")
        ));
        serde_json::from_value(found).expect("titles")
    };
    let sorted = |q: &str| {
        let mut t = titles(q);
        t.sort();
        t
    };
    assert_eq!(
        sorted("queue backlog "),
        ["Apart", "Queue backlog runbook", "Split", "Together"]
    );
    assert_eq!(
        sorted("\"queue backlog\""),
        ["Queue backlog runbook", "Together"]
    );
    assert_eq!(titles("“backlog queue”"), Vec::<String>::new());
    // Other words count as usual: the page that has them too comes first.
    assert_eq!(
        titles("\"queue backlog\" page"),
        ["Together", "Queue backlog runbook"]
    );
    // An unclosed quote is still being typed: its words are plain words.
    assert_eq!(titles("\"queue backl").len(), 4);
}

#[test]
fn with_file_urls_search_results_and_the_navigation_lead_to_the_pages() {
    let Some(browser) = browser() else { return };
    let site = Fixture::copy_of("example-handbook");
    let config = site.read("handbook.toml");
    let site = site.file(
        "handbook.toml",
        &format!("{config}\n[output]\npretty_urls = false\n"),
    );
    let (_site, server) = serve_built(site);
    browser.goto(&format!("{}how-we-work/index.html", server.base));
    open_search(&browser);
    browser.send_keys("#site-search-q", "failover");
    browser.wait_for("return document.querySelectorAll('.search-results .search-hit').length > 0");
    let href = browser.eval("return document.querySelector('.search-results .search-hit').href");
    let href = href.as_str().unwrap_or_default().to_string();
    assert!(href.contains("database-failover.html"), "{href}");
    browser.goto(&href);
    browser.wait_for("return document.querySelector('h1') !== null");
    assert_eq!(
        browser.eval("return document.querySelector('h1').textContent.trim()"),
        "Shipment database failover"
    );
    // The page found its stylesheet and its place in the navigation.
    assert_eq!(
        browser.eval("return getComputedStyle(document.body).fontFamily.length > 0 && [...document.styleSheets].some(s => s.href && s.href.endsWith('theme/style.css'))"),
        true
    );
    assert_eq!(
        browser.eval("return [...document.querySelectorAll('nav a[aria-current=page]')].some(a => a.getAttribute('href').endsWith('database-failover.html'))"),
        true
    );
}
