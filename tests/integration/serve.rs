//! `handbook serve` end to end: the real binary serving a temp copy of a
//! handbook over HTTP, editors saving files in their various ways, and a page
//! in headless Chromium reloading and showing errors by itself.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{BIN, Fixture, browser};

/// A running `handbook serve`, stopped when dropped.
struct Served {
    child: Child,
    base: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Served {
    fn start(site: &Fixture, extra: &[&str]) -> Served {
        let port: &[&str] = if extra.contains(&"--port") {
            &[]
        } else {
            &["--port", "0"]
        };
        let mut child = Command::new(BIN)
            .args(["serve", "."])
            .args(port)
            .args(extra)
            .current_dir(site.path())
            .env("NO_COLOR", "1")
            .env("SOURCE_DATE_EPOCH", "1795132800")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start handbook serve");
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().expect("stderr");
        {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    log.lock().expect("log").push(line);
                }
            });
        }
        let mut served = Served {
            child,
            base: String::new(),
            log,
        };
        served.base = served
            .wait_for_line(|l| l.starts_with("serving at "))
            .split_whitespace()
            .nth(2)
            .expect("url")
            .to_string();
        served
    }

    /// Waits (10 s at most) for a line of the log matching `wanted`.
    fn wait_for_line(&self, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(line) = self.log.lock().expect("log").iter().find(|l| wanted(l)) {
                return line.clone();
            }
            assert!(
                Instant::now() < deadline,
                "timed out; serve said:\n{}",
                self.log.lock().expect("log").join("\n")
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn get(&self, path: &str) -> (u16, String) {
        let mut response = ureq::get(&format!("{}{}", self.base, path.trim_start_matches('/')))
            .config()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .call()
            .expect("request");
        let status = response.status().as_u16();
        (
            status,
            response.body_mut().read_to_string().unwrap_or_default(),
        )
    }

    /// Waits until `path` is served with a body for which `check` holds.
    fn wait_for_page(&self, path: &str, check: impl Fn(u16, &str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let (status, body) = self.get(path);
            if check(status, &body) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {path} (last status {status}); serve said:\n{}",
                self.log.lock().expect("log").join("\n")
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Sends a GET of `target` as written (no client normalises it) and
    /// returns the status code.
    fn raw_status(&self, target: &str) -> u16 {
        self.raw(target, self.address(), "")
    }

    /// `host:port` the preview listens on.
    fn address(&self) -> &str {
        self.base
            .trim_start_matches("http://")
            .trim_end_matches('/')
    }

    /// The status of a GET of `target` sent with `host` and `headers`
    /// (each ending in CRLF); only the status line is read.
    fn raw(&self, target: &str, host: &str, headers: &str) -> u16 {
        let mut stream = TcpStream::connect(self.address()).expect("connect");
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: {host}\r\n{headers}Connection: close\r\n\r\n"
        )
        .expect("send");
        let mut line = String::new();
        let _ = BufReader::new(stream).read_line(&mut line);
        line.split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn small_site() -> Fixture {
    Fixture::new()
        .file("index.md", "# Home\n\nSee [the guide](guides/setup.md).\n")
        .file("guides/setup.md", "# Setup\n\nInstall the tools.\n")
        .file(
            "guides/img/flow.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
        )
}

#[test]
fn serves_types_etags_head_redirects_and_the_theme_404() {
    let site = small_site();
    let served = Served::start(&site, &[]);
    let mut page = ureq::get(&format!("{}guides/setup/", served.base))
        .call()
        .expect("page");
    assert_eq!(
        page.headers()["content-type"].to_str().ok(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        page.headers()["cache-control"].to_str().ok(),
        Some("no-cache")
    );
    let etag = page.headers()["etag"].to_str().expect("etag").to_string();
    let body = page.body_mut().read_to_string().expect("body");
    assert!(body.contains("Install the tools."));
    assert!(body.contains("<script src=\"/.handbook/live.js\"></script>"));
    // The files themselves stay what `build` writes: no script there.
    site.build_ok();
    assert!(
        !site
            .read("public/guides/setup/index.html")
            .contains("live.js")
    );

    let again = ureq::get(&format!("{}guides/setup/", served.base))
        .header("If-None-Match", &etag)
        .call()
        .expect("conditional");
    assert_eq!(again.status().as_u16(), 304);
    let head = ureq::head(&format!("{}guides/setup/", served.base))
        .call()
        .expect("head");
    assert_eq!(head.status().as_u16(), 200);
    assert!(head.headers().contains_key("content-length"));

    let svg = ureq::get(&format!("{}guides/img/flow.svg", served.base))
        .call()
        .expect("svg");
    assert_eq!(
        svg.headers()["content-type"].to_str().ok(),
        Some("image/svg+xml")
    );
    let mut redirect = ureq::get(&format!("{}guides/setup?x=1", served.base))
        .config()
        .max_redirects(0)
        .build()
        .call()
        .expect("redirect");
    assert_eq!(redirect.status().as_u16(), 308);
    assert_eq!(
        redirect.headers()["location"].to_str().ok(),
        Some("/guides/setup/?x=1")
    );
    let _ = redirect.body_mut().read_to_string();
    let (status, body) = served.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"), "{body}");
    let post = ureq::post(&format!("{}guides/setup/", served.base))
        .config()
        .http_status_as_error(false)
        .build()
        .send_empty()
        .expect("post");
    assert_eq!(post.status().as_u16(), 405);
}

#[test]
fn serve_refuses_paths_that_leave_the_site() {
    let site = small_site().file("public/stale.html", "an old build's file");
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc", site.path().join("public/etc")).expect("symlink");
    let served = Served::start(&site, &[]);
    for target in [
        "/../handbook.toml",
        "/%2e%2e/handbook.toml",
        "/%2E%2E%2Fhandbook.toml",
        "/guides/..%5c..%5chandbook.toml",
        "/guides%5c..%5c..%5chandbook.toml",
        "/index.html%00.png",
        "/%ff%fe",
    ] {
        assert_eq!(served.raw_status(target), 400, "{target}");
    }
    // Only what the build produced is served, never the output folder on disk.
    assert_eq!(served.raw_status("/etc/passwd"), 404);
    assert_eq!(served.raw_status("/stale.html"), 404);
}

#[test]
fn serve_answers_only_its_own_host_and_origin() {
    let site = small_site();
    let served = Served::start(&site, &[]);
    let own = served.address().to_string();
    let port = own.rsplit(':').next().unwrap_or_default().to_string();
    assert_eq!(served.raw("/", &own, ""), 200);
    assert_eq!(served.raw("/", &format!("localhost:{port}"), ""), 200);
    // DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1.
    for host in [
        format!("evil.example:{port}"),
        "localhost".into(),
        String::new(),
    ] {
        assert_eq!(served.raw("/", &host, ""), 421, "Host: {host}");
        assert_eq!(
            served.raw("/.handbook/events", &host, ""),
            421,
            "Host: {host}"
        );
    }
    // Another site's page may not read the live-reload stream or pages.
    let evil = "Origin: http://evil.example\r\n";
    assert_eq!(served.raw("/.handbook/events", &own, evil), 403);
    assert_eq!(served.raw("/", &own, evil), 403);
    let same = format!("Origin: http://{own}\r\n");
    assert_eq!(served.raw("/.handbook/events", &own, &same), 200);
}

#[test]
fn serve_drops_connections_that_never_finish_their_headers() {
    let site = small_site();
    let served = Served::start(&site, &[]);
    // More half-open connections than the cap, each one header line short.
    let mut slow: Vec<TcpStream> = (0..200)
        .filter_map(|_| TcpStream::connect(served.address()).ok())
        .collect();
    for stream in &mut slow {
        let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n");
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    }
    let started = Instant::now();
    for stream in &mut slow {
        let mut buf = [0u8; 64];
        // Closed by the server: end of stream, a reset, or a 408 before it.
        match stream.read(&mut buf) {
            Ok(_) | Err(_) => {}
        }
    }
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(9),
        "slow clients held for {waited:?}"
    );
    drop(slow);
    // The preview still answers.
    let deadline = Instant::now() + Duration::from_secs(5);
    while served.raw_status("/") != 200 {
        assert!(Instant::now() < deadline, "the preview stopped answering");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_taken_port_moves_to_the_next_and_a_public_bind_warns() {
    let site = small_site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let served = Served::start(&site, &["--port", &port]);
    served.wait_for_line(|l| l.contains(&format!("port {port} is in use")));
    assert!(
        !served.base.ends_with(&format!(":{port}/")),
        "{}",
        served.base
    );
    drop(served);
    let public = Served::start(&site, &["--bind", "0.0.0.0"]);
    public.wait_for_line(|l| l.starts_with("warning: serving on 0.0.0.0"));
}

fn rewrite(site: &Fixture, rel: &str, text: &str) {
    std::fs::write(site.path().join(rel), text).expect("write");
}

#[test]
fn every_way_editors_save_updates_the_page() {
    let site = small_site();
    let served = Served::start(&site, &[]);
    let path = |rel: &str| site.path().join(rel);
    let has =
        |text: &'static str| move |status: u16, body: &str| status == 200 && body.contains(text);

    // In place (VS Code, nano).
    rewrite(&site, "guides/setup.md", "# Setup\n\nIn place.\n");
    served.wait_for_page("/guides/setup/", has("In place."));

    // Write a temporary file, then rename it over the page (many editors).
    rewrite(&site, "guides/setup.md.tmp", "# Setup\n\nRenamed over.\n");
    std::fs::rename(path("guides/setup.md.tmp"), path("guides/setup.md")).expect("rename");
    served.wait_for_page("/guides/setup/", has("Renamed over."));

    // Vim: probe file, backup by rename, new file, backup removed.
    rewrite(&site, "guides/4913", "");
    std::fs::remove_file(path("guides/4913")).expect("rm");
    std::fs::rename(path("guides/setup.md"), path("guides/setup.md~")).expect("backup");
    rewrite(&site, "guides/setup.md", "# Setup\n\nVim wrote this.\n");
    std::fs::remove_file(path("guides/setup.md~")).expect("rm backup");
    served.wait_for_page("/guides/setup/", has("Vim wrote this."));

    // JetBrains safe write.
    rewrite(
        &site,
        "guides/setup.md___jb_tmp___",
        "# Setup\n\nSafely written.\n",
    );
    std::fs::rename(path("guides/setup.md"), path("guides/setup.md___jb_old___")).expect("old");
    std::fs::rename(path("guides/setup.md___jb_tmp___"), path("guides/setup.md")).expect("tmp");
    std::fs::remove_file(path("guides/setup.md___jb_old___")).expect("rm old");
    served.wait_for_page("/guides/setup/", has("Safely written."));

    // A new page, a new folder with a page, a renamed folder.
    rewrite(&site, "guides/extra.md", "# Extra\n\nA new page.\n");
    served.wait_for_page("/guides/extra/", has("A new page."));
    std::fs::create_dir(path("ops")).expect("mkdir");
    rewrite(&site, "ops/pager.md", "# Pager\n\nCarry it.\n");
    served.wait_for_page("/ops/pager/", has("Carry it."));
    std::fs::rename(path("ops"), path("operations")).expect("rename folder");
    served.wait_for_page("/operations/pager/", has("Carry it."));
    served.wait_for_page("/ops/pager/", |status, _| status == 404);

    // Deleting a linked page is an error: the last good site stays.
    std::fs::remove_file(path("guides/setup.md")).expect("rm");
    served.wait_for_line(|l| l.contains("broken link: `guides/setup.md` does not exist"));
    served.wait_for_line(|l| l.starts_with("reloaded") && l.contains("1 error"));
    let (status, body) = served.get("/guides/setup/");
    assert_eq!(status, 200, "the last good site is still served");
    assert!(body.contains("Safely written."));
    // Changes under the output folder and hidden folders are not rebuilds.
    let rebuilds = served.log.lock().expect("log").len();
    rewrite(&site, "guides/setup.md", "# Setup\n\nBack.\n");
    served.wait_for_page("/guides/setup/", has("Back."));
    std::fs::create_dir_all(path("public")).expect("mkdir");
    rewrite(&site, "public/x.html", "x");
    std::fs::create_dir_all(path(".cache")).expect("mkdir");
    rewrite(&site, ".cache/x.md", "x");
    std::thread::sleep(Duration::from_millis(300));
    let lines = served.log.lock().expect("log")[rebuilds..].to_vec();
    let rebuilt = lines
        .iter()
        .filter(|l| l.starts_with("rebuilt") || l.starts_with("reloaded"))
        .count();
    assert_eq!(rebuilt, 1, "only the fix, nothing after: {lines:?}");
}

/// `contrast(theme)`: the contrast ratio (WCAG) of the overlay's error text
/// against the colour it is seen on, with the page in `theme`.
const OVERLAY_CONTRAST: &str = r#"
function contrast(theme) {
  document.documentElement.dataset.theme = theme;
  var parse = function (c) {
    var m = c.match(/[\d.]+/g).map(Number);
    return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 };
  };
  var over = function (top, under) {
    var a = top.a;
    return { r: top.r * a + under.r * (1 - a), g: top.g * a + under.g * (1 - a),
             b: top.b * a + under.b * (1 - a), a: 1 };
  };
  var lum = function (c) {
    var f = function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  var overlay = document.getElementById('handbook-overlay');
  var pre = overlay.querySelector('pre');
  var seen = over(parse(getComputedStyle(document.body).backgroundColor), { r: 255, g: 255, b: 255, a: 1 });
  seen = over(parse(getComputedStyle(overlay).backgroundColor), seen);
  seen = over(parse(getComputedStyle(pre).backgroundColor), seen);
  var a = lum(parse(getComputedStyle(pre).color)), b = lum(seen);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
"#;

#[test]
fn an_open_page_reloads_itself_and_shows_errors_until_fixed() {
    let Some(browser) = browser() else { return };
    let site = Fixture::copy_of("example-handbook");
    let served = Served::start(&site, &[]);
    let page = "how-we-work/on-call.md";
    let original = site.read(page);
    browser.goto(&format!("{}how-we-work/on-call/", served.base));
    browser.wait_for("return document.querySelector('main') !== null");
    // The page's event stream is connected before the edit.
    browser.wait_for("return document.documentElement.dataset.live === 'connected'");
    rewrite(
        &site,
        page,
        &format!("{original}\nA freshly added zebra paragraph.\n"),
    );
    browser.wait_for("return document.body.textContent.includes('freshly added zebra')");

    let broken = original.replacen("+++\n", "+++\ntitle = [unclosed\n", 1);
    rewrite(&site, page, &broken);
    browser.wait_for("return document.getElementById('handbook-overlay') !== null");
    let overlay = browser.eval("return document.getElementById('handbook-overlay').textContent");
    assert!(
        overlay
            .as_str()
            .is_some_and(|t| t.contains("how-we-work/on-call.md:")),
        "{overlay}"
    );
    assert!(
        browser
            .eval("return document.body.textContent.includes('freshly added zebra')")
            .as_bool()
            == Some(true),
        "the last good page stays underneath"
    );
    // The errors are readable whatever the page's theme: at least 4.5:1
    // against what is behind them, in light and in dark mode.
    for theme in ["light", "dark"] {
        let ratio = browser.eval(&format!("{OVERLAY_CONTRAST}; return contrast('{theme}');"));
        assert!(
            ratio.as_f64().is_some_and(|r| r >= 4.5),
            "overlay text contrast in {theme} mode: {ratio}"
        );
    }
    rewrite(&site, page, &original);
    browser.wait_for("return document.getElementById('handbook-overlay') === null && !document.body.textContent.includes('freshly added zebra')");
}
