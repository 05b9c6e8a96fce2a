//! `handbook diff`: what the work tree changes in the handbook compared with
//! a commit, for a person, a pull request comment or a script. Exit 1 only
//! when the change brings new errors.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use super::{EXIT_CONTENT, EXIT_OK, EXIT_USAGE, display_base, repository_base};
use handbook::diff::{self, DiffOptions, Format};

/// How the report is printed.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum DiffFormat {
    /// readable text, new problems with their source lines
    Human,
    /// a pull request comment (GitHub-flavoured Markdown)
    Markdown,
    /// one JSON object
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The commit to compare with (`main`, `origin/main`, `HEAD~1`, an id);
    /// default: the merge base of HEAD with the default branch
    base: Option<String>,
    /// The handbook folder (holding handbook.toml)
    dir: Option<PathBuf>,
    /// How to print the report
    #[arg(long, value_enum, default_value = "human")]
    format: DiffFormat,
    /// Include pages marked `draft = true`
    #[arg(long)]
    drafts: bool,
    /// Also say where the time went
    #[arg(short, long)]
    verbose: bool,
}

/// Branches CI systems say a change targets, tried first for the default branch.
const TARGET_VARIABLES: &[&str] = &[
    "GITHUB_BASE_REF",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
    "CI_DEFAULT_BRANCH",
    "BITBUCKET_PR_DESTINATION_BRANCH",
];

pub fn run(args: Args) -> u8 {
    let started = Instant::now();
    // `handbook diff docs/handbook`: one argument that is a handbook folder
    // is the folder, as `git diff` reads a path.
    let (base, dir) = match (args.base, args.dir) {
        (Some(one), None) if PathBuf::from(&one).join("handbook.toml").is_file() => {
            (None, PathBuf::from(one))
        }
        (base, dir) => (base, dir.unwrap_or_else(|| PathBuf::from("."))),
    };
    let options = DiffOptions {
        root: dir.clone(),
        base,
        targets: TARGET_VARIABLES
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .collect(),
        drafts: args.drafts,
        today: Some(super::today()),
    };
    let report = match diff::run(&options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let (format, base) = match args.format {
        DiffFormat::Human => (Format::Human, display_base(&dir)),
        DiffFormat::Markdown => (
            Format::Markdown,
            repository_base(&dir).unwrap_or_else(|| display_base(&dir)),
        ),
        DiffFormat::Json => (Format::Json, display_base(&dir)),
    };
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    print!("{}", diff::render(&report, format, color, &base));
    let errors = report.new_errors();
    eprintln!(
        "compared {} pages with {} in {:.2} s — {}",
        report.pages_after,
        report.pages_before,
        started.elapsed().as_secs_f64(),
        match errors {
            0 => "no new errors".to_string(),
            1 => "1 new error".to_string(),
            n => format!("{n} new errors"),
        }
    );
    if args.verbose {
        for (stage, time) in &report.timings {
            eprintln!("  {stage:<36} {:>8.1} ms", time.as_secs_f64() * 1000.0);
        }
    }
    if errors > 0 { EXIT_CONTENT } else { EXIT_OK }
}
