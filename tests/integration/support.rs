//! Test support: a fixture builder that writes a handbook into a temp folder and
//! runs the real binary on it; a static file server; a minimal WebDriver client.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const BIN: &str = env!("CARGO_BIN_EXE_handbook");

/// A handbook in a temporary folder, built file by file.
pub struct Fixture {
    dir: tempfile::TempDir,
}

/// What one run of the binary printed and returned.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Fixture {
    /// An empty folder with a minimal `handbook.toml`.
    pub fn new() -> Fixture {
        Fixture::empty().file("handbook.toml", "title = \"Fixture Handbook\"\n")
    }

    /// An empty folder, without even `handbook.toml`.
    pub fn empty() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A copy of a folder of this repository (e.g. `example-handbook`).
    pub fn copy_of(rel: &str) -> Fixture {
        let fixture = Fixture::empty();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
        for entry in walkdir::WalkDir::new(&from).into_iter().flatten() {
            let rel = entry.path().strip_prefix(&from).expect("prefix");
            if rel.starts_with("public") {
                continue;
            }
            let to = fixture.path().join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).expect("mkdir");
            } else {
                std::fs::copy(entry.path(), &to).expect("copy");
            }
        }
        fixture
    }

    pub fn file(self, rel: &str, contents: &str) -> Fixture {
        self.bytes(rel, contents.as_bytes())
    }

    pub fn bytes(self, rel: &str, contents: &[u8]) -> Fixture {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write fixture file");
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `handbook ARGS` with the fixture as the working directory.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in("", args)
    }

    /// Runs `handbook ARGS` in the fixture's folder `rel`.
    pub fn run_in(&self, rel: &str, args: &[&str]) -> Run {
        let out = Command::new(BIN)
            .args(args)
            .current_dir(self.path().join(rel))
            .env("NO_COLOR", "1")
            // A fixed "today" (2026-11-20), so review dates give the same result every day.
            .env("SOURCE_DATE_EPOCH", "1795132800")
            .output()
            .expect("run handbook");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `handbook check --format json`, parsed.
    pub fn check_json(&self) -> (i32, Vec<Value>) {
        let run = self.run(&["check", "--format", "json"]);
        let diags = run
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
            .collect();
        (run.code, diags)
    }

    /// Makes the fixture a git repository without commits (so its work
    /// tree, not the handbook folder, is the fence around it).
    pub fn git_init(self) -> Fixture {
        let init = git_command(self.path(), "Ana", "2026-11-01T10:00:00Z", &["init", "-q"]);
        assert!(init.status.success(), "git init: {init:?}");
        self
    }

    /// `handbook check --format json` in folder `rel`, parsed, without the
    /// warning that a repository without commits has no history.
    pub fn check_json_in(&self, rel: &str) -> (i32, Vec<Value>) {
        let run = self.run_in(rel, &["check", "--format", "json"]);
        let diags = run
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
            .filter(|d: &Value| d["code"] != "git-history")
            .collect();
        (run.code, diags)
    }

    /// Builds into `public/`; panics with the output if the build fails.
    pub fn build_ok(&self) -> Run {
        let run = self.run(&["build"]);
        assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
        run
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path().join(rel).exists()
    }
}

/// Asserts that `text` contains every one of `wanted`, naming the first
/// missing one and showing `text`.
#[track_caller]
/// The start of a PNG file that says it is `width` × `height`: the signature
/// and the IHDR chunk, all a reader of image sizes looks at.
pub fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    png.extend_from_slice(&width.to_be_bytes());
    png.extend_from_slice(&height.to_be_bytes());
    png.extend_from_slice(b"\x08\x02\x00\x00\x00\x00\x00\x00\x00");
    png
}

pub fn assert_contains_all(text: &str, wanted: &[&str]) {
    for piece in wanted {
        assert!(text.contains(piece), "missing {piece} in {text}");
    }
}

/// How many cases a property test runs: the environment variable `var`
/// when set (a long local run), else `default` (CI).
pub fn cases(var: &str, default: u32) -> u32 {
    std::env::var(var)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// `git ARGS` in `dir` as `author` at `date` (ISO 8601), isolated from the
/// machine's git configuration.
pub fn git_command(dir: &Path, author: &str, date: &str, args: &[&str]) -> std::process::Output {
    let email = format!(
        "{}@tidewater.example",
        author.to_lowercase().replace(' ', ".")
    );
    Command::new("git")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", author)
        .env("GIT_AUTHOR_EMAIL", &email)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_NAME", author)
        .env("GIT_COMMITTER_EMAIL", &email)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("run git (install it to run these tests)")
}

/// (code, path, line, column) of each diagnostic, for compact assertions.
pub fn positions(diags: &[Value]) -> Vec<(String, String, u64, u64)> {
    diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["path"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
                d["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

/// Serves a folder over HTTP on 127.0.0.1 (directories serve their index.html)
/// until dropped. Test-only: GET and nothing else.
pub struct StaticServer {
    pub base: String,
    /// Every file answered (path, bytes), for benchmarks that count what a
    /// page moves, including from its workers.
    served: Arc<Mutex<Vec<(String, u64)>>>,
    _thread: std::thread::JoinHandle<()>,
}

impl StaticServer {
    pub fn start(root: PathBuf) -> StaticServer {
        let not_found = root.join("404.html");
        StaticServer::start_with_404(root, not_found)
    }

    /// Serves `root`, answering a missing path with the file `not_found`
    /// (a host's "error page" setting).
    pub fn start_with_404(root: PathBuf, not_found: PathBuf) -> StaticServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}/", listener.local_addr().expect("addr"));
        let served = Arc::new(Mutex::new(Vec::new()));
        let log = served.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (root, not_found, log) = (root.clone(), not_found.clone(), log.clone());
                std::thread::spawn(move || {
                    if let Some(answered) = serve_one(stream, &root, &not_found) {
                        log.lock().unwrap_or_else(|p| p.into_inner()).push(answered);
                    }
                });
            }
        });
        StaticServer {
            base,
            served,
            _thread: thread,
        }
    }

    /// The files answered since the last call (path, bytes).
    pub fn take_served(&self) -> Vec<(String, u64)> {
        std::mem::take(&mut *self.served.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Answers one request; returns the path and the body's size.
fn serve_one(mut stream: TcpStream, root: &Path, not_found: &Path) -> Option<(String, u64)> {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return None;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned();
    let mut file = root.join(decoded.trim_start_matches('/'));
    if file.is_dir() {
        file = file.join("index.html");
    }
    let (status, body, kind) = match std::fs::read(&file) {
        Ok(body) if !decoded.contains("..") => ("200 OK", body, content_type(&file)),
        _ => (
            "404 Not Found",
            std::fs::read(not_found).unwrap_or_default(),
            "text/html",
        ),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    Some((decoded, body.len() as u64))
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        Some("wasm") => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// Builds `site` into `public/` and serves it; keep the fixture alive as long as
/// the server.
pub fn serve_built(site: Fixture) -> (Fixture, StaticServer) {
    site.build_ok();
    let server = StaticServer::start(site.path().join("public"));
    (site, server)
}

/// Headless Chromium driven through ChromeDriver's WebDriver HTTP API.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
}

/// Starts a browser, or explains loudly why browser tests are skipped. Under
/// `CI=true` a missing browser is a failure, never a skip.
pub fn browser() -> Option<Browser> {
    let chromium = [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists());
    let driver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    match (chromium, driver) {
        (Some(chromium), Some(driver)) => Some(Browser::start(chromium, driver)),
        _ => {
            let message = "Chromium or ChromeDriver not found: install the `chromium` and \
                           `chromium-driver` packages to run browser tests";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{message} (they are required under CI=true)");
            }
            eprintln!("\n!!!!!!!! SKIPPING BROWSER TEST !!!!!!!!\n!!! {message}\n");
            None
        }
    }
}

impl Browser {
    fn start(chromium: &str, driver: &str) -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while ureq::get(&format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().expect("profile dir").keep();
        let args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--window-size=1200,900".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args}
        }}});
        let mut browser = Browser {
            driver: child,
            base,
            session: String::new(),
        };
        let response = browser.post("/session", caps);
        browser.session = response["sessionId"]
            .as_str()
            .expect("session id")
            .to_string();
        browser
    }

    fn post(&self, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        let mut response = ureq::post(&url)
            .config()
            .http_status_as_error(false)
            .build()
            .send_json(&body)
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let value: Value = response.body_mut().read_json().expect("json");
        if let Some(error) = value["value"]["error"].as_str() {
            panic!("WebDriver {path}: {error}: {}", value["value"]["message"]);
        }
        value["value"].clone()
    }

    fn get(&self, path: &str) -> Value {
        let url = format!("{}{path}", self.base);
        let mut response = ureq::get(&url)
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let value: Value = response.body_mut().read_json().expect("json");
        value["value"].clone()
    }

    fn session_path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    pub fn goto(&self, url: &str) {
        self.post(&self.session_path("/url"), json!({"url": url}));
    }

    pub fn url(&self) -> String {
        self.get(&self.session_path("/url"))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Renders the page for `media` (`"print"`, or `""` for the screen), as
    /// Chromium's print preview does.
    pub fn emulate_media(&self, media: &str) {
        self.post(
            &self.session_path("/goog/cdp/execute"),
            json!({"cmd": "Emulation.setEmulatedMedia", "params": {"media": media}}),
        );
    }

    /// Makes the page's viewport `width` × `height` CSS pixels (a phone
    /// below 600 px wide, with touch), as device emulation does.
    pub fn viewport(&self, width: u32, height: u32) {
        self.post(
            &self.session_path("/goog/cdp/execute"),
            json!({"cmd": "Emulation.setDeviceMetricsOverride", "params": {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600
            }}),
        );
    }

    /// Makes the browser fail requests for URLs matching `patterns` (`*`
    /// wildcards), as if those files did not arrive.
    pub fn block_urls(&self, patterns: &[&str]) {
        self.post(
            &self.session_path("/goog/cdp/execute"),
            json!({"cmd": "Network.enable", "params": {}}),
        );
        self.post(
            &self.session_path("/goog/cdp/execute"),
            json!({"cmd": "Network.setBlockedURLs", "params": {"urls": patterns}}),
        );
    }

    /// Turns the browser's HTTP cache off, so every page load fetches afresh.
    pub fn disable_cache(&self) {
        for (cmd, params) in [
            ("Network.enable", json!({})),
            ("Network.setCacheDisabled", json!({"cacheDisabled": true})),
        ] {
            self.post(
                &self.session_path("/goog/cdp/execute"),
                json!({"cmd": cmd, "params": params}),
            );
        }
    }

    /// Makes the page see `prefers-color-scheme: scheme` (`"light"`, `"dark"`).
    pub fn color_scheme(&self, scheme: &str) {
        self.post(
            &self.session_path("/goog/cdp/execute"),
            json!({"cmd": "Emulation.setEmulatedMedia", "params": {
                "features": [{"name": "prefers-color-scheme", "value": scheme}]
            }}),
        );
    }

    /// Runs `script` (a function body) in the page and returns its value.
    pub fn eval(&self, script: &str) -> Value {
        self.post(
            &self.session_path("/execute/sync"),
            json!({"script": script, "args": []}),
        )
    }

    fn element(&self, css: &str) -> String {
        let element = self.post(
            &self.session_path("/element"),
            json!({"using": "css selector", "value": css}),
        );
        element
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    /// Types `text` into the element matching `css` as real key presses
    /// (WebDriver key codes such as `\u{E015}` for ArrowDown work too).
    pub fn send_keys(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.post(
            &self.session_path(&format!("/element/{id}/value")),
            json!({"text": text}),
        );
    }

    /// Clicks the first element matching `css`.
    pub fn click(&self, css: &str) {
        let element = self.post(
            &self.session_path("/element"),
            json!({"using": "css selector", "value": css}),
        );
        let id = element
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string();
        self.post(
            &self.session_path(&format!("/element/{id}/click")),
            json!({}),
        );
    }

    /// Runs `script` (an async function body that returns a promise's
    /// value) in the page and waits for it, up to the driver's timeout.
    pub fn eval_async(&self, script: &str) -> Value {
        self.post(
            &self.session_path("/execute/async"),
            json!({"script": format!("const done = arguments[arguments.length - 1]; \
                (async () => {{ {script} }})().then(done, e => done({{error: String(e)}}));"),
                "args": []}),
        )
    }

    /// Waits until `script` returns true (JavaScript), or panics after 10 s.
    pub fn wait_for(&self, script: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.eval(script) != Value::Bool(true) {
            assert!(Instant::now() < deadline, "timed out waiting for: {script}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let url = format!("{}{}", self.base, self.session_path(""));
        let _ = ureq::delete(&url).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
