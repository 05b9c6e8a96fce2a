//! The preview's HTTP side: serves the last good snapshot of the site from
//! memory (GET and HEAD, content types, ETags, the theme's 404 page, redirects
//! for folders), and pushes reloads and error overlays to open pages over
//! server-sent events. Nothing is read from disk, so no request can reach a
//! file outside the site; paths with `..`, backslashes or NUL are refused.
//!
//! A preview shows drafts and uncommitted edits, so only the author's own
//! browser may read it: requests must name the preview by a loopback Host
//! (or the `--bind` address), which defeats DNS rebinding, and a request
//! from another origin (a web page the author visits) is refused. Each
//! connection must send its headers within [`HEADER_TIMEOUT`], and at most
//! [`MAX_CONNECTIONS`] are served at once.

use std::convert::Infallible;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, RwLock};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use tokio::sync::broadcast;

use crate::site::output::Files;

/// Where the preview's own files live; no handbook path can start with it
/// (it is hidden, and hidden files are never built).
pub const PREFIX: &str = "/.handbook/";
const LIVE_JS: &str = include_str!("live.js");

/// What the server shows.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub files: Files,
    /// Pages (output paths) whose source has uncommitted changes.
    pub uncommitted: std::collections::BTreeSet<String>,
    /// The diagnostics of a failed rebuild, as text for the overlay.
    pub errors: Option<String>,
}

/// What open pages are told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    Reload,
    Errors(String),
}

/// State shared by the server and the rebuild loop.
#[derive(Debug)]
pub struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    notices: broadcast::Sender<Notice>,
}

impl Shared {
    pub fn new(snapshot: Snapshot) -> Arc<Shared> {
        let (notices, _) = broadcast::channel(16);
        Arc::new(Shared {
            snapshot: RwLock::new(Arc::new(snapshot)),
            notices,
        })
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Serves `snapshot` from now on.
    pub fn publish(&self, snapshot: Snapshot) {
        *self
            .snapshot
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(snapshot);
    }

    /// Tells every open page (none listening is fine).
    pub fn notify(&self, notice: Notice) {
        let _ = self.notices.send(notice);
    }
}

/// How long a connection may take to send a request's headers.
pub const HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
/// Connections served at once (open pages each hold one for reloads);
/// more are closed as they arrive.
pub const MAX_CONNECTIONS: usize = 128;

/// The names the preview answers to: loopback addresses, `localhost` and
/// the address it is bound to, on its port.
#[derive(Clone, Debug)]
pub struct Hosts {
    pub bind: std::net::IpAddr,
    pub port: u16,
}

impl Hosts {
    /// True when a `Host` header (or an `Origin`'s host) names the preview.
    pub fn allows(&self, host: &str) -> bool {
        let (name, port) = match host.rsplit_once(':') {
            // `[::1]:1111`, `127.0.0.1:1111`, `localhost:1111`
            Some((name, port)) if !name.is_empty() && !port.contains(']') => {
                (name, port.parse::<u16>().ok())
            }
            _ => (host, None),
        };
        // Browsers leave out the default port.
        if port.unwrap_or(80) != self.port {
            return false;
        }
        let name = name.trim_start_matches('[').trim_end_matches(']');
        if name.eq_ignore_ascii_case("localhost") {
            return true;
        }
        name.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback() || ip == self.bind)
    }

    /// Why a request is refused: a foreign Host (421) or Origin (403).
    fn refuse(&self, headers: &HeaderMap) -> Option<StatusCode> {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        if !host.is_some_and(|h| self.allows(h)) {
            return Some(StatusCode::MISDIRECTED_REQUEST);
        }
        if let Some(origin) = headers.get(header::ORIGIN) {
            let host = origin
                .to_str()
                .ok()
                .and_then(|o| o.strip_prefix("http://"))
                .map(|o| o.trim_end_matches('/'));
            if !host.is_some_and(|h| self.allows(h)) {
                return Some(StatusCode::FORBIDDEN);
            }
        }
        None
    }
}

pub fn router(shared: Arc<Shared>, hosts: Hosts) -> axum::Router {
    let guard = move |request: axum::extract::Request, next: axum::middleware::Next| {
        let refused = hosts.refuse(request.headers());
        async move {
            match refused {
                Some(status) => {
                    (status, "this preview answers only its own address\n").into_response()
                }
                None => next.run(request).await,
            }
        }
    };
    axum::Router::new()
        .route(&format!("{PREFIX}events"), get(events))
        .route(&format!("{PREFIX}live.js"), get(live_js))
        .fallback(file)
        .layer(axum::middleware::from_fn(guard))
        .with_state(shared)
}

/// Serves `router` on `listener` until it fails: HTTP/1 with a deadline for
/// each request's headers and a cap on connections.
pub async fn serve(listener: tokio::net::TcpListener, router: axum::Router) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let permits = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors and the like: wait, then go on.
            Err(_) => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            continue; // dropping the stream closes it
        };
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(permit);
        });
    }
}

async fn live_js() -> Response {
    let mut response = LIVE_JS.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    response
}

async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = shared.notices.subscribe();
    // A page opened while the site has errors shows them at once.
    let first = shared.snapshot().errors.clone().map(Notice::Errors);
    let stream = futures_util::stream::unfold((first, receiver), |(first, mut rx)| async move {
        let notice = match first {
            Some(notice) => notice,
            None => match rx.recv().await {
                Ok(notice) => notice,
                // Missed notices: the page is out of date, reload it.
                Err(broadcast::error::RecvError::Lagged(_)) => Notice::Reload,
                Err(broadcast::error::RecvError::Closed) => return None,
            },
        };
        let event = match notice {
            Notice::Reload => Event::default().event("reload").data("reload"),
            Notice::Errors(text) => Event::default().event("errors").data(text),
        };
        Some((Ok(event), (None, rx)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// What a request path names in the site.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    File(String),
    /// A folder asked for without its trailing slash.
    Redirect(String),
    NotFound,
    /// Not a path the site can have (`..`, backslashes, NUL, bad encoding).
    Refused,
}

/// Resolves a request path (still percent-encoded) against the site's files.
pub fn lookup(raw_path: &str, files: &Files) -> Lookup {
    let Ok(path) = percent_encoding::percent_decode_str(raw_path).decode_utf8() else {
        return Lookup::Refused;
    };
    if path.contains(['\\', '\0'])
        || path
            .split('/')
            .any(|segment| segment == ".." || segment == ".")
    {
        return Lookup::Refused;
    }
    let rel = path.trim_start_matches('/');
    let file = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if files.contains_key(&file) {
        Lookup::File(file)
    } else if files.contains_key(&format!("{rel}/index.html")) {
        Lookup::Redirect(format!("/{rel}/"))
    } else {
        Lookup::NotFound
    }
}

async fn file(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let snapshot = shared.snapshot();
    let (status, name) = match lookup(uri.path(), &snapshot.files) {
        Lookup::File(name) => (StatusCode::OK, name),
        Lookup::Redirect(to) => {
            let to = match uri.query() {
                Some(q) => format!("{to}?{q}"),
                None => to,
            };
            return (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, to)]).into_response();
        }
        Lookup::NotFound => (StatusCode::NOT_FOUND, "404.html".to_string()),
        Lookup::Refused => return StatusCode::BAD_REQUEST.into_response(),
    };
    let Some(bytes) = snapshot.files.get(&name) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let mime = mime_guess::from_path(&name).first_or_octet_stream();
    let body = if mime.essence_str() == "text/html" {
        Bytes::from(with_live_script(
            bytes,
            snapshot.uncommitted.contains(&name),
        ))
    } else {
        Bytes::copy_from_slice(bytes)
    };
    let etag = etag(&body);
    let mut response = if status == StatusCode::OK
        && headers
            .get(header::IF_NONE_MATCH)
            .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let len = body.len();
        let mut response = Response::new(if method == Method::HEAD {
            Body::empty()
        } else {
            Body::from(body)
        });
        *response.status_mut() = status;
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        response
    };
    let content_type = if mime.type_() == mime_guess::mime::TEXT
        || mime.subtype() == "javascript"
        || mime.subtype() == "json"
    {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The page with the preview's script added before `</body>` (served
/// pages only; the files themselves stay what `build` writes). The script
/// marks a page whose source has uncommitted changes.
fn with_live_script(html: &[u8], uncommitted: bool) -> Vec<u8> {
    let mark = if uncommitted { " data-uncommitted" } else { "" };
    let tag = format!("<script src=\"{PREFIX}live.js\"{mark}></script>\n");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn etag(bytes: &[u8]) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("\"{:016x}\"", hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files {
        [
            "index.html",
            "runbooks/index.html",
            "theme/style.css",
            "a b/x.png",
        ]
        .into_iter()
        .map(|p| (p.to_string(), Arc::from(&b"x"[..])))
        .collect()
    }

    #[test]
    fn maps_request_paths_to_files() {
        let f = files();
        assert_eq!(lookup("/", &f), Lookup::File("index.html".into()));
        assert_eq!(
            lookup("/runbooks/", &f),
            Lookup::File("runbooks/index.html".into())
        );
        assert_eq!(
            lookup("/runbooks", &f),
            Lookup::Redirect("/runbooks/".into())
        );
        assert_eq!(
            lookup("/theme/style.css", &f),
            Lookup::File("theme/style.css".into())
        );
        assert_eq!(lookup("/a%20b/x.png", &f), Lookup::File("a b/x.png".into()));
        assert_eq!(lookup("/nope/", &f), Lookup::NotFound);
    }

    #[test]
    fn refuses_traversal_in_every_spelling() {
        let f = files();
        for path in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/runbooks/..%5c..%5cetc",
            "/theme\\..\\x",
            "/x%00.html",
            "/%ff%fe",
            "/./index.html",
        ] {
            assert_eq!(lookup(path, &f), Lookup::Refused, "{path}");
        }
    }

    #[test]
    fn answers_only_loopback_hosts_on_its_port() {
        let hosts = Hosts {
            bind: std::net::IpAddr::from([127, 0, 0, 1]),
            port: 1111,
        };
        for ok in [
            "localhost:1111",
            "127.0.0.1:1111",
            "127.9.9.9:1111",
            "[::1]:1111",
            "LOCALHOST:1111",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example:1111",
            "localhost",
            "localhost:2222",
            "127.0.0.1",
            "10.0.0.5:1111",
            "localhost.evil.example:1111",
            "[::1]",
            "",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
        let lan = Hosts {
            bind: std::net::IpAddr::from([192, 168, 1, 9]),
            port: 80,
        };
        assert!(lan.allows("192.168.1.9:80") && !lan.allows("192.168.1.10:80"));
        assert!(lan.allows("localhost") && lan.allows("192.168.1.9"));
    }

    #[test]
    fn uncommitted_pages_are_marked_for_the_script() {
        let page = with_live_script(b"<body></body>", true);
        assert!(String::from_utf8_lossy(&page).contains("live.js\" data-uncommitted></script>"));
    }

    #[test]
    fn the_live_script_goes_before_the_closing_body_tag() {
        let page = with_live_script(b"<html><body><p>x</p></body></html>", false);
        assert_eq!(
            String::from_utf8_lossy(&page),
            format!(
                "<html><body><p>x</p><script src=\"{PREFIX}live.js\"></script>\n</body></html>"
            )
        );
    }
}
