//! `handbook serve`: build into memory, serve, rebuild on change, reload pages.

use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::PathBuf;

use super::{EXIT_USAGE, fatal};
use handbook::diagnostics::{self, Diagnostic};
use handbook::serve::session::Work;
use handbook::serve::{self, Log, ServeOptions};
use handbook::site::BuildOptions;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The handbook folder (holding handbook.toml)
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Port to listen on (the next free one is used if it is taken; 0 picks any)
    #[arg(short, long, default_value_t = 1111)]
    port: u16,
    /// Address to listen on; anything but loopback exposes your drafts to the network
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Open the site in the default browser
    #[arg(long)]
    open: bool,
    /// Include pages marked `draft = true`
    #[arg(long)]
    drafts: bool,
}

pub fn run(args: Args) -> u8 {
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: serving on {}: anyone who can reach this machine can read the handbook \
             and its drafts\n  help: leave out --bind to serve on 127.0.0.1 only",
            args.bind
        );
    }
    let base = super::display_base(&args.dir);
    let options = ServeOptions {
        build: BuildOptions {
            root: args.dir,
            drafts: args.drafts,
            today: Some(super::today()),
            ..BuildOptions::default()
        },
        bind: args.bind,
        port: args.port,
    };
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let open = args.open;
    let log = move |entry: Log<'_>| match entry {
        Log::Serving {
            url,
            taken,
            pages,
            elapsed,
            diagnostics,
        } => {
            print_diagnostics(diagnostics.iter(), color, &base);
            let tally = diagnostics::Tally::of(diagnostics);
            eprintln!(
                "built {pages} pages in {:.2} s — {tally}",
                elapsed.as_secs_f64()
            );
            if let Some(port) = taken {
                eprintln!("port {port} is in use, so using the next free one");
            }
            eprintln!("serving at {url} (watching for changes; Ctrl-C to stop)");
            if open && let Err(e) = ::open::that(&url) {
                eprintln!("warning: cannot open a browser: {e}");
            }
        }
        Log::Rebuilt {
            outcome,
            tally,
            new,
        } => {
            print_diagnostics(new.into_iter(), color, &base);
            let ms = outcome.elapsed.as_secs_f64() * 1000.0;
            let what = match outcome.work {
                Work::Edit => "rebuilt",
                Work::Templates => "re-rendered with the new templates",
                Work::Nothing | Work::Full => "reloaded",
            };
            let s = if outcome.pages == 1 { "" } else { "s" };
            eprintln!("{what} {} page{s} in {ms:.0} ms — {tally}", outcome.pages);
        }
        Log::Trouble(message) => eprintln!("warning: {message}"),
    };
    match serve::run(options, &log) {
        Ok(()) => 0,
        Err(e) => {
            fatal(&e);
            EXIT_USAGE
        }
    }
}

fn print_diagnostics<'d>(list: impl Iterator<Item = &'d Diagnostic>, color: bool, base: &str) {
    let list: Vec<Diagnostic> = list.cloned().collect();
    if !list.is_empty() {
        eprint!(
            "{}",
            diagnostics::render(&list, diagnostics::Format::Human, color, base)
        );
    }
}
