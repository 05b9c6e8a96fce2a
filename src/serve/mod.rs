//! `handbook serve`: a live preview. The site is built into memory
//! ([`session::Session`]), served over HTTP ([`http`]), and brought up to
//! date when files change: the watcher's batches go through the pure
//! [`plan`]ner, the session re-renders only what the change touched, and open
//! pages reload (or show the errors over the last good page).
//!
//! Threads: the HTTP server on a small tokio runtime, the file watcher, and
//! one rebuild loop that owns the session. Nothing here prints: the command
//! line passes in a [`Log`] receiver.

pub mod http;
pub mod plan;
pub mod session;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecursiveMode};

use crate::diagnostics::{self, Diagnostic};
use crate::site::{BuildOptions, Fatal};
use http::{Notice, Shared, Snapshot};
use session::{Outcome, Session};

/// How long the watcher waits for a burst of file events to end. Editors
/// write a file in a few events within milliseconds; a second (as some
/// previews wait) would be felt on every save.
const DEBOUNCE: Duration = Duration::from_millis(25);
/// How many ports after a taken one are tried.
const PORT_TRIES: u16 = 20;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
}

/// What the preview tells the person running it.
#[derive(Debug)]
pub enum Log<'a> {
    /// The first build is done and the server listens at `url`.
    Serving {
        url: String,
        /// The port asked for, when it was taken and another was used.
        taken: Option<u16>,
        pages: usize,
        elapsed: Duration,
        diagnostics: &'a [Diagnostic],
    },
    /// A batch of changes was applied; `new` are the diagnostics that were
    /// not there before.
    Rebuilt {
        outcome: &'a Outcome,
        tally: diagnostics::Tally,
        new: Vec<&'a Diagnostic>,
    },
    /// The watcher or a reload failed; the preview goes on with what it has.
    Trouble(String),
}

/// Builds, serves and watches until the process is stopped.
pub fn run(options: ServeOptions, log: &(dyn Fn(Log<'_>) + Sync)) -> Result<(), Fatal> {
    let started = std::time::Instant::now();
    let (listener, taken) = bind(options.bind, options.port)?;
    let address = listener.local_addr().map_err(|error| Fatal::Io {
        context: "cannot read the server's address".into(),
        error,
    })?;
    // The preview is the site at its own address: canonical links, the
    // sitemap and the 404 page (which any missing path answers with, so its
    // links cannot be relative) point at it, not at the published host.
    let mut build = options.build.clone();
    build.base_url = Some(format!("http://{address}/"));
    let mut session = Session::start(build)?;
    let shared = Shared::new(snapshot(&session, None));

    let (events, batches) = mpsc::channel();
    let mut watcher =
        notify_debouncer_full::new_debouncer(DEBOUNCE, None, events).map_err(|e| Fatal::Io {
            context: "cannot watch the handbook for changes".into(),
            error: std::io::Error::other(e),
        })?;
    watcher
        .watch(session.root(), RecursiveMode::Recursive)
        .map_err(|e| Fatal::Io {
            context: format!("cannot watch {}", session.root().display()),
            error: std::io::Error::other(e),
        })?;
    // Commits move HEAD in the git folder, which may be above the handbook.
    if let Some(git_dir) = session.git_dir().filter(|g| !g.starts_with(session.root())) {
        let git_dir = git_dir.to_path_buf();
        if let Err(e) = watcher.watch(&git_dir, RecursiveMode::Recursive) {
            log(Log::Trouble(format!(
                "cannot watch {} for commits: {e}",
                git_dir.display()
            )));
        }
    }

    // Announced only once the watcher is in place: an edit made as soon as
    // the address is printed must not be missed.
    log(Log::Serving {
        url: url(address),
        taken,
        pages: session.pages(),
        elapsed: started.elapsed(),
        diagnostics: session.diagnostics(),
    });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|error| Fatal::Io {
            context: "cannot start the server".into(),
            error,
        })?;
    let server = {
        let shared = shared.clone();
        listener.set_nonblocking(true).map_err(|error| Fatal::Io {
            context: "cannot configure the server socket".into(),
            error,
        })?;
        let hosts = http::Hosts {
            bind: address.ip(),
            port: address.port(),
        };
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            http::serve(listener, http::router(shared, hosts)).await
        })
    };
    std::thread::scope(|scope| {
        scope.spawn(move || rebuild_loop(&mut session, batches, &shared, log));
        match runtime.block_on(server) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(Fatal::Io {
                context: "the server stopped".into(),
                error,
            }),
            Err(join) => Err(Fatal::Io {
                context: "the server stopped".into(),
                error: std::io::Error::other(join),
            }),
        }
    })
}

type Batch = notify_debouncer_full::DebounceEventResult;

/// Applies batches of changes until the watcher goes away.
fn rebuild_loop(
    session: &mut Session,
    batches: mpsc::Receiver<Batch>,
    shared: &Shared,
    log: &(dyn Fn(Log<'_>) + Sync),
) {
    while let Ok(first) = batches.recv() {
        // Take whatever else arrived meanwhile as part of the same batch.
        let mut paths: Vec<PathBuf> = Vec::new();
        for batch in std::iter::once(first).chain(batches.try_iter()) {
            match batch {
                Ok(events) => paths.extend(
                    events
                        .into_iter()
                        .filter(|e| changes_content(&e.event.kind))
                        .flat_map(|e| e.event.paths),
                ),
                Err(errors) => {
                    for error in errors {
                        log(Log::Trouble(format!("watching files: {error}")));
                    }
                }
            }
        }
        let before: Vec<Diagnostic> = session.diagnostics().to_vec();
        let outcome = match session.apply(&paths) {
            Ok(outcome) => outcome,
            Err(fatal) => {
                log(Log::Trouble(fatal.to_string()));
                continue;
            }
        };
        if outcome.work == session::Work::Nothing {
            continue;
        }
        let errors = (session.errors() > 0).then(|| overlay_text(session.diagnostics()));
        match &errors {
            None => shared.publish(snapshot(session, None)),
            // Keep serving the last good site, with the errors for new pages.
            Some(text) => {
                let last = shared.snapshot();
                shared.publish(Snapshot {
                    files: last.files.clone(),
                    uncommitted: last.uncommitted.clone(),
                    errors: Some(text.clone()),
                });
            }
        }
        shared.notify(errors.map_or(Notice::Reload, Notice::Errors));
        log(Log::Rebuilt {
            outcome: &outcome,
            tally: diagnostics::Tally::of(session.diagnostics()),
            new: new_diagnostics(&before, session.diagnostics()),
        });
        if outcome.search_stale {
            session.refresh_search();
            if session.errors() == 0 {
                shared.publish(snapshot(session, None));
            }
        }
    }
}

/// True for events that may change what a file holds or where it is; not
/// for reads (a reload reads every file) or metadata such as access times.
fn changes_content(kind: &EventKind) -> bool {
    use notify_debouncer_full::notify::event::ModifyKind;
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(_) => false,
        EventKind::Any | EventKind::Other => true,
    }
}

fn snapshot(session: &Session, errors: Option<String>) -> Snapshot {
    let errors =
        errors.or_else(|| (session.errors() > 0).then(|| overlay_text(session.diagnostics())));
    Snapshot {
        files: session.files().clone(),
        uncommitted: session.uncommitted(),
        errors,
    }
}

/// The errors of a failed rebuild, as the overlay shows them (warnings left out).
fn overlay_text(all: &[Diagnostic]) -> String {
    let errors: Vec<Diagnostic> = all
        .iter()
        .filter(|d| d.severity == diagnostics::Severity::Error)
        .cloned()
        .collect();
    diagnostics::render(&errors, diagnostics::Format::Human, false, "")
}

/// The diagnostics in `now` that were not in `before` (both sorted).
fn new_diagnostics<'a>(before: &[Diagnostic], now: &'a [Diagnostic]) -> Vec<&'a Diagnostic> {
    let mut old = before.iter().peekable();
    let mut new = Vec::new();
    for d in now {
        while old.next_if(|o| o.sort_key() < d.sort_key()).is_some() {}
        if old.next_if(|o| o == &d).is_none() {
            new.push(d);
        }
    }
    new
}

fn url(address: SocketAddr) -> String {
    match address {
        SocketAddr::V6(v6) => format!("http://[{}]:{}/", v6.ip(), v6.port()),
        SocketAddr::V4(v4) => format!("http://{}:{}/", v4.ip(), v4.port()),
    }
}

/// Binds `port`, or the next free one when it is taken (never for port 0).
fn bind(ip: IpAddr, port: u16) -> Result<(TcpListener, Option<u16>), Fatal> {
    let mut last = None;
    let tries = if port == 0 { 1 } else { PORT_TRIES };
    for offset in 0..tries {
        let Some(candidate) = port.checked_add(offset) else {
            break;
        };
        match TcpListener::bind((ip, candidate)) {
            Ok(listener) => return Ok((listener, (offset > 0).then_some(port))),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last = Some(e),
            Err(error) => {
                return Err(Fatal::Io {
                    context: format!("cannot listen on {ip}:{candidate}"),
                    error,
                });
            }
        }
    }
    Err(Fatal::Io {
        context: format!(
            "ports {port}–{} on {ip} are all in use; pass another with --port",
            port.saturating_add(tries - 1)
        ),
        error: last.unwrap_or_else(|| std::io::Error::other("no free port")),
    })
}
