//! The command line: argument parsing (clap) and mapping outcomes to output and
//! exit codes. Each command lives in its own file, builds options and calls
//! [`handbook::site`]; nothing here knows how a handbook is built.

mod build;
mod check;
mod diff;
mod export;
mod init;
mod new;
mod serve;
mod survey;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use handbook::diagnostics::{self, Diagnostic, Severity, Tally};
use handbook::site::{Fatal, Outcome};

/// Exit code: everything fine (warnings allowed).
pub const EXIT_OK: u8 = 0;
/// Exit code: the handbook has errors.
pub const EXIT_CONTENT: u8 = 1;
/// Exit code: bad usage or an I/O failure.
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "handbook",
    version,
    about = "Compile a team handbook (markdown + TOML front matter) into a static site",
    after_help = "Examples:\n  \
        handbook build                      Build ./ into ./public\n  \
        handbook build docs -o site         Build docs/ into site/\n  \
        handbook build --base-url https://acme.github.io/handbook/\n  \
        handbook check --format github      Annotate a pull request from GitHub Actions\n  \
        handbook check --strict             Fail on warnings too\n  \
        handbook diff --format markdown     What a pull request changes, as a comment\n  \
        handbook serve --open               Preview with live reload\n  \
        handbook new adr \"Use Kafka\"        Start a decision record\n  \
        handbook init docs/handbook         Start a new handbook"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site (writes nothing if there are errors)
    #[command(
        after_help = "Examples:\n  handbook build\n  handbook build example-handbook -o /tmp/site --drafts\n  \
        handbook build --base-url https://acme.gitlab.io/handbook/"
    )]
    Build(build::Args),
    /// Validate everything a build validates, writing nothing
    #[command(
        after_help = "Examples:\n  handbook check\n  handbook check docs --format json\n  \
        handbook check --strict --format github"
    )]
    Check(check::Args),
    /// Serve the site with live reload while you edit
    #[command(
        after_help = "Examples:\n  handbook serve\n  handbook serve example-handbook --open\n  \
        handbook serve docs --port 8080"
    )]
    Serve(serve::Args),
    /// Write a new page (ADR, runbook, AAR, retro, page) in the right folder
    #[command(
        after_help = "Examples:\n  handbook new adr \"Use Kafka for status fan-out\"\n  \
        handbook new aar \"Queue backlog on 2026-03-02\" docs/handbook"
    )]
    New(new::Args),
    /// Write a small starter handbook
    #[command(
        after_help = "Examples:\n  handbook init\n  handbook init docs/handbook --title \"Platform Handbook\""
    )]
    Init(init::Args),
    /// Team health surveys: count a survey tool's export into health/PERIOD.toml
    #[command(
        after_help = "Examples:\n  handbook survey import responses.csv --period 2026-Q4\n  \
        handbook new survey 2027-Q1   (an empty period with the standing questions)"
    )]
    Survey(survey::Args),
    /// Print the handbook as data: pages, decisions, runbooks, actions, people
    #[command(after_help = "Examples:\n  handbook export > handbook.json\n  \
        handbook export docs/handbook --format schema")]
    Export(export::Args),
    /// What the work tree changes compared with a commit: pages, URLs, anchors,
    /// new and fixed problems, decisions, reviews due, people to ask
    #[command(
        after_help = "Examples:\n  handbook diff                       Against the merge base with the default branch\n  \
        handbook diff origin/main docs/handbook --format markdown > comment.md\n  \
        handbook diff HEAD~1 --format json"
    )]
    Diff(diff::Args),
}

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FormatArg {
    /// rustc-style, with the source line and a caret
    Human,
    /// one JSON object per line on stdout
    Json,
    /// GitHub Actions annotations on stdout
    Github,
}

impl From<FormatArg> for diagnostics::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Human => diagnostics::Format::Human,
            FormatArg::Json => diagnostics::Format::Json,
            FormatArg::Github => diagnostics::Format::Github,
        }
    }
}

/// Arguments every command shares.
#[derive(Debug, clap::Args)]
struct Common {
    /// The handbook folder (holding handbook.toml)
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// How to print diagnostics
    #[arg(long, value_enum, default_value = "human")]
    format: FormatArg,
    /// Show at most N diagnostics of each code in human output, then a table
    /// of counts (0: all; json and github always print all)
    #[arg(long, value_name = "N", default_value_t = 20)]
    max_diagnostics: usize,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Serve(args) => serve::run(args),
        Command::New(args) => new::run(args),
        Command::Init(args) => init::run(args),
        Command::Survey(args) => survey::run(args),
        Command::Export(args) => export::run(args),
        Command::Diff(args) => diff::run(args),
    };
    ExitCode::from(code)
}

/// Prints diagnostics and returns the tally; `strict` turns warnings into errors.
fn report(diagnostics: &mut [Diagnostic], common: &Common, strict: bool) -> Tally {
    let format = common.format;
    if strict {
        for d in diagnostics.iter_mut() {
            d.severity = Severity::Error;
        }
    }
    let format = diagnostics::Format::from(format);
    let stderr_is_terminal = std::io::stderr().is_terminal();
    let color = stderr_is_terminal && std::env::var_os("NO_COLOR").is_none();
    // GitHub resolves an annotation's file from the repository's root,
    // wherever the command ran.
    let base = match format {
        diagnostics::Format::Github => repository_base(&common.dir),
        _ => None,
    }
    .unwrap_or_else(|| display_base(&common.dir));
    let text =
        diagnostics::render_limited(diagnostics, format, color, common.max_diagnostics, &base);
    if format == diagnostics::Format::Human {
        eprint!("{text}");
    } else {
        print!("{text}");
    }
    Tally::of(diagnostics)
}

/// The handbook folder `dir` as seen from the current folder, ending in
/// `/` (or `""` for the current folder itself): what diagnostics' paths
/// (relative to the handbook) are prefixed with, so that from a
/// repository's root a `docs/` handbook annotates `docs/runbooks/x.md`.
fn display_base(dir: &std::path::Path) -> String {
    let dir = match std::env::current_dir() {
        Ok(cwd) if dir.is_absolute() => dir.strip_prefix(&cwd).unwrap_or(dir).to_path_buf(),
        _ => dir.to_path_buf(),
    };
    folder_prefix(&dir)
}

/// A folder as a prefix of paths: `docs/handbook/`, or `""` for `.`.
fn folder_prefix(dir: &std::path::Path) -> String {
    let parts: Vec<String> = dir
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| match c {
            std::path::Component::RootDir => String::new(),
            other => other.as_os_str().to_string_lossy().into_owned(),
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}/", parts.join("/"))
    }
}

/// The handbook folder `dir` relative to the root of the repository it is
/// in, ending in `/` (or `""` at the root); `None` outside a repository.
fn repository_base(dir: &std::path::Path) -> Option<String> {
    let dir = dir.canonicalize().ok()?;
    let root = dir.ancestors().find(|a| a.join(".git").exists())?;
    Some(folder_prefix(dir.strip_prefix(root).ok()?))
}

/// Today, from the clock or `SOURCE_DATE_EPOCH`.
fn today() -> jiff::civil::Date {
    handbook::site::today(std::env::var("SOURCE_DATE_EPOCH").ok().as_deref())
}

fn fatal(error: &Fatal) -> u8 {
    eprintln!("error: {error}");
    EXIT_USAGE
}

fn exit_code(tally: Tally) -> u8 {
    if tally.errors > 0 {
        EXIT_CONTENT
    } else {
        EXIT_OK
    }
}

/// `--verbose` output: where the time went.
fn print_timings(outcome: &Outcome) {
    for (stage, time) in &outcome.timings {
        eprintln!("  {stage:<36} {:>8.1} ms", time.as_secs_f64() * 1000.0);
    }
}
