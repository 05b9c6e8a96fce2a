//! The search benchmark, against Pagefind on the same HTML in the same run:
//! index build time and size, bytes a first query moves (one word, two words,
//! a typo) in Chromium, and relevance (MRR, success@3, top-3 overlap) on the
//! committed query sets. Ignored by `cargo test`; run it with
//! `python3 benches/bench.py --search` (or the `cargo test` line below). It
//! installs npm `pagefind` (pinned) under `target/bench-npm` on first use.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::support::{BIN, Browser, Fixture, StaticServer, browser};

const PAGEFIND: &str = "pagefind@1.6.0";

/// The Pagefind binary, installed from npm on first use.
fn pagefind() -> PathBuf {
    let prefix = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-npm");
    let bin = prefix.join("node_modules/.bin/pagefind");
    if !bin.exists() {
        let status = Command::new("npm")
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--prefix",
            ])
            .arg(&prefix)
            .arg(PAGEFIND)
            .status()
            .expect("npm");
        assert!(status.success(), "npm install {PAGEFIND}");
    }
    bin
}

/// Indexes `site` with Pagefind (the text of each page's `<main>`, as ours
/// indexes its title and content); returns the wall time in ms.
fn pagefind_index(site: &Path) -> f64 {
    let started = Instant::now();
    let status = Command::new(pagefind())
        .args([
            "--root-selector",
            "main",
            "--output-subdir",
            "pagefind",
            "--site",
        ])
        .arg(site)
        .stdout(Stdio::null())
        .status()
        .expect("pagefind");
    assert!(status.success());
    started.elapsed().as_secs_f64() * 1000.0
}

/// Bytes and file count of a folder.
fn folder_size(dir: &Path) -> (u64, usize) {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.metadata().ok().filter(|m| m.is_file()))
        .fold((0, 0), |(bytes, n), m| (bytes + m.len(), n + 1))
}

/// The size of `file` compressed as hosts serve text (gzip -6); Pagefind's
/// files are compressed already and count as they are.
fn served_size(file: &Path) -> u64 {
    let raw = std::fs::metadata(file).map_or(0, |m| m.len());
    if file.extension().is_none_or(|e| e != "json") {
        return raw;
    }
    Command::new("gzip")
        .args(["-6", "-c"])
        .arg(file)
        .output()
        .map_or(raw, |o| o.stdout.len() as u64)
}

/// Which engine a query runs on.
#[derive(Clone, Copy, PartialEq)]
pub enum Engine {
    Handbook,
    Pagefind,
}

impl Engine {
    /// The script (an async function body) that runs query `q` and returns the
    /// URLs of the top 10 results, as site-relative paths.
    fn query(self, q: &str) -> String {
        let q = serde_json::to_string(q).expect("json");
        match self {
            Engine::Handbook => format!(
                "const r = await window.handbookSearch({q} + ' ', {{}}, 10); return r.map(x => x.url);"
            ),
            Engine::Pagefind => format!(
                "if (!window.__pf) {{ window.__pf = await import(new URL('/pagefind/pagefind.js', location.href).href); await window.__pf.init(); }} \
                 const s = await window.__pf.search({q}); \
                 const d = await Promise.all(s.results.slice(0, 10).map(r => r.data())); \
                 return d.map(x => x.url.replace(/^\\//, ''));"
            ),
        }
    }

    /// The folder of the engine's files in the site.
    fn folder(self) -> &'static str {
        match self {
            Engine::Handbook => "/search/",
            Engine::Pagefind => "/pagefind/",
        }
    }
}

/// What one first query moved.
struct FirstQuery {
    /// Bytes as the test server sent them (files as they are on disk: ours
    /// uncompressed JSON, Pagefind's compressed already).
    fetched: u64,
    /// Bytes as a host would serve them (JSON gzipped).
    served: u64,
    /// Of `fetched`, the spelling files (`search/v/`).
    spelling: u64,
    /// Of `fetched`, program code (JavaScript, WebAssembly); ours loads with
    /// the page, Pagefind's with its first query.
    code: u64,
    urls: Vec<String>,
}

/// One first query on a fresh page.
fn first_query(
    browser: &Browser,
    server: &StaticServer,
    out: &Path,
    engine: Engine,
    q: &str,
) -> FirstQuery {
    browser.goto(&format!("{}search/", server.base));
    browser.wait_for("return typeof window.handbookSearch === 'function'");
    // Counted by the server, so what a worker fetches counts too.
    server.take_served();
    let urls = browser.eval_async(&engine.query(q));
    let urls: Vec<String> = serde_json::from_value(urls).unwrap_or_default();
    let names: Vec<(String, u64)> = server
        .take_served()
        .into_iter()
        .filter(|(path, _)| path.starts_with(engine.folder()))
        .collect();
    if std::env::var_os("SEARCH_BENCH_FILES").is_some() {
        eprintln!("  {q:?} fetched: {names:?}");
    }
    FirstQuery {
        fetched: names.iter().map(|(_, n)| n).sum(),
        served: names
            .iter()
            .map(|(path, _)| served_size(&out.join(path.trim_start_matches('/'))))
            .sum(),
        spelling: names
            .iter()
            .filter(|(path, _)| path.contains("/search/v/"))
            .map(|(_, n)| n)
            .sum(),
        code: names
            .iter()
            .filter(|(path, _)| path.ends_with(".js") || path.contains("wasm"))
            .map(|(_, n)| n)
            .sum(),
        urls,
    }
}

/// One query of a relevance set and the pages that answer it.
#[derive(serde::Deserialize)]
pub struct Judged {
    pub q: String,
    pub expect: Vec<String>,
}

#[derive(serde::Deserialize)]
struct Judgements {
    query: Vec<Judged>,
}

/// A committed relevance set from `tests/fixtures/search/`.
pub fn judgements(file: &str) -> Vec<Judged> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/search")
        .join(file);
    let text = std::fs::read_to_string(path).expect("relevance set");
    toml::from_str::<Judgements>(&text)
        .expect("relevance set parses")
        .query
}

/// How well one engine answers a relevance set.
pub struct Relevance {
    pub mrr: f64,
    pub success_at_3: f64,
    /// Each query's top 3 URLs.
    pub tops: Vec<Vec<String>>,
    /// The queries whose page is not in the top 3, with what came instead.
    pub misses: Vec<String>,
}

/// Runs every query of `set` (typed and finished, so the last word is whole)
/// on the site's search page and scores the answers.
pub fn relevance(
    browser: &Browser,
    server: &StaticServer,
    engine: Engine,
    set: &[Judged],
) -> Relevance {
    browser.goto(&format!("{}search/", server.base));
    browser.wait_for("return typeof window.handbookSearch === 'function'");
    let (mut reciprocal, mut top3) = (0.0, 0);
    let (mut tops, mut misses) = (Vec::new(), Vec::new());
    for judged in set {
        let urls: Vec<String> =
            serde_json::from_value(browser.eval_async(&engine.query(&judged.q)))
                .unwrap_or_default();
        let rank = urls.iter().position(|u| judged.expect.contains(u));
        reciprocal += rank.map_or(0.0, |r| 1.0 / (r as f64 + 1.0));
        let top: Vec<String> = urls.into_iter().take(3).collect();
        match rank {
            Some(r) if r < 3 => top3 += 1,
            _ => misses.push(format!("{:?} → {top:?}", judged.q)),
        }
        tops.push(top);
    }
    let n = set.len().max(1) as f64;
    Relevance {
        mrr: reciprocal / n,
        success_at_3: f64::from(top3) / n,
        tops,
        misses,
    }
}

/// Share of top-3 URLs the two engines have in common, over a set.
fn overlap(ours: &[Vec<String>], theirs: &[Vec<String>]) -> f64 {
    let (mut common, mut total) = (0, 0);
    for (a, b) in ours.iter().zip(theirs) {
        total += a.len().max(b.len());
        common += a.iter().filter(|u| b.contains(u)).count();
    }
    common as f64 / total.max(1) as f64
}

fn report_relevance(label: &str, browser: &Browser, server: &StaticServer, set: &[Judged]) {
    let ours = relevance(browser, server, Engine::Handbook, set);
    let theirs = relevance(browser, server, Engine::Pagefind, set);
    eprintln!(
        "relevance, {label} ({} queries): handbook MRR {:.3} success@3 {:.3}; \
         pagefind MRR {:.3} success@3 {:.3}; top-3 overlap {:.2}",
        set.len(),
        ours.mrr,
        ours.success_at_3,
        theirs.mrr,
        theirs.success_at_3,
        overlap(&ours.tops, &theirs.tops)
    );
    eprintln!("  handbook misses: {:?}", ours.misses);
    eprintln!("  pagefind misses: {:?}", theirs.misses);
}

/// Run with `cargo test --release --test integration -- --ignored
/// search_budget --nocapture` (`GEN_CORPUS` names the corpus generator, else
/// `benches/corpus.py`).
#[test]
#[ignore = "benchmark: needs the corpus generator, npm and a while"]
fn search_budget_on_the_benchmark_corpus() {
    let Some(browser) = browser() else { return };
    let generator = std::env::var_os("GEN_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/corpus.py"),
        PathBuf::from,
    );
    let work = tempfile::tempdir().expect("temp dir");
    let status = Command::new("python3")
        .arg(&generator)
        .arg("10000")
        .arg(work.path())
        .stdout(Stdio::null())
        .status()
        .expect("run the corpus generator");
    assert!(status.success());
    let out = work.path().join("out");
    let started = Instant::now();
    let run = Command::new(BIN)
        .args(["build", "--verbose", "-o"])
        .arg(&out)
        .arg(work.path().join("handbook"))
        .env("SOURCE_DATE_EPOCH", "1795132800")
        .output()
        .expect("build");
    let build_ms = started.elapsed().as_secs_f64() * 1000.0;
    let stderr = String::from_utf8_lossy(&run.stderr);
    let stage = stderr
        .lines()
        .find(|l| l.contains("search index"))
        .unwrap_or("search index: ?")
        .trim()
        .to_string();
    let (ours_bytes, ours_files) = folder_size(&out.join("search"));
    let pagefind_ms = pagefind_index(&out);
    let (theirs_bytes, theirs_files) = folder_size(&out.join("pagefind"));
    eprintln!(
        "10,000 pages: handbook build {build_ms:.0} ms in all ({stage}); pagefind index {pagefind_ms:.0} ms"
    );
    eprintln!(
        "index size: handbook {} KB in {ours_files} files; pagefind {} KB in {theirs_files} files",
        ours_bytes / 1024,
        theirs_bytes / 1024
    );
    let server = StaticServer::start(out.clone());
    // Every first query on a fresh page, with nothing cached.
    browser.disable_cache();
    let queries = [
        ("one word", "deploy"),
        ("two words", "deploy rollback"),
        ("typo", "rollbak"),
        ("typo, two words", "databse failover"),
    ];
    let mut worst_first = 0;
    for (label, q) in queries {
        let ours = first_query(&browser, &server, &out, Engine::Handbook, q);
        let theirs = first_query(&browser, &server, &out, Engine::Pagefind, q);
        eprintln!(
            "first query, {label} ({q:?}): handbook {} KB ({} KB gzipped; spelling {} KB), {} results; \
             pagefind {} KB as served (code {} KB, index {} KB), {} results",
            ours.fetched / 1024,
            ours.served / 1024,
            ours.spelling / 1024,
            ours.urls.len(),
            theirs.served / 1024,
            theirs.code / 1024,
            (theirs.served - theirs.code) / 1024,
            theirs.urls.len()
        );
        if label.starts_with("typo") {
            assert!(!ours.urls.is_empty(), "a typo query is answered: {q}");
            assert!(
                ours.spelling <= 50 * 1024,
                "a correction moves at most 50 KB"
            );
        } else {
            assert_eq!(ours.spelling, 0, "nothing extra when the words match: {q}");
            worst_first = worst_first.max(ours.fetched);
        }
    }
    report_relevance(
        "benchmark corpus",
        &browser,
        &server,
        &judgements("relevance-benchmark.toml"),
    );
    // The example handbook, both engines on the same HTML.
    let example = Fixture::copy_of("example-handbook");
    example.build_ok();
    pagefind_index(&example.path().join("public"));
    let server = StaticServer::start(example.path().join("public"));
    report_relevance(
        "example handbook",
        &browser,
        &server,
        &judgements("relevance.toml"),
    );
    assert!(
        worst_first <= 150 * 1024,
        "a first query moves at most 150 KB"
    );
}
