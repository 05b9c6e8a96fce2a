//! `handbook check`: validate everything a build validates, write nothing.

use std::time::Instant;

use super::{Common, EXIT_CONTENT, FormatArg, exit_code, fatal, print_timings, report};
use handbook::site::{self, BuildOptions};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: Common,
    /// The output folder a build would write [default: DIR/public, or
    /// output_dir from handbook.toml]: refused as a build would refuse it,
    /// and its build cache read
    #[arg(short, long, value_name = "OUT")]
    output: Option<std::path::PathBuf>,
    /// Absolute URL the site is published at, as the build that publishes it
    /// is given (its build cache is then read)
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Treat warnings as errors
    #[arg(long)]
    strict: bool,
    /// Include pages marked `draft = true`
    #[arg(long)]
    drafts: bool,
    /// List the pages whose review is overdue on stdout (with --strict, fail if any)
    #[arg(long)]
    stale: bool,
    /// Do not read the build cache (.handbook-cache/ beside the output
    /// folder): check every page in full
    #[arg(long)]
    no_cache: bool,
    /// Also print where the time went
    #[arg(short, long)]
    verbose: bool,
}

pub fn run(args: Args) -> u8 {
    let started = Instant::now();
    let options = BuildOptions {
        root: args.common.dir.clone(),
        output_dir: args.output,
        base_url: args.base_url,
        drafts: args.drafts,
        today: Some(super::today()),
        no_cache: args.no_cache,
        ..BuildOptions::default()
    };
    let mut outcome = match site::check(&options) {
        Ok(o) => o,
        Err(e) => return fatal(&e),
    };
    let tally = report(&mut outcome.diagnostics, &args.common, args.strict);
    if args.stale {
        print_stale(&outcome.stale, args.common.format);
        if args.strict && !outcome.stale.is_empty() {
            eprintln!(
                "{} pages need review — failing because of --strict",
                outcome.stale.len()
            );
            return EXIT_CONTENT;
        }
    }
    eprintln!(
        "checked {} pages in {:.2} s — {tally}",
        outcome.counts.pages,
        started.elapsed().as_secs_f64()
    );
    if args.verbose {
        if let Some((rendered, kept)) = outcome.pages {
            eprintln!(
                "  pages: {rendered} rendered, {kept} not rendered again (the build cache vouched for them)"
            );
        }
        print_timings(&outcome);
    }
    exit_code(tally)
}

/// One line per page whose review is overdue: readable, or JSON lines.
fn print_stale(stale: &[site::Stale], format: FormatArg) {
    for page in stale {
        match format {
            FormatArg::Json => println!("{}", serde_json::to_string(page).unwrap_or_default()),
            FormatArg::Human | FormatArg::Github => {
                let since = match (&page.last_reviewed, page.from_git) {
                    (Some(date), false) => format!("last reviewed {date}"),
                    (Some(date), true) => format!("last changed {date}"),
                    (None, _) => "never reviewed".to_string(),
                };
                println!(
                    "{}: review was due {} ({since}, every {})",
                    page.path, page.due, page.review_every
                );
            }
        }
    }
}
