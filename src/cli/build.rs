//! `handbook build`: build the site into the output folder, atomically.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Common, EXIT_CONTENT, exit_code, fatal, print_timings, report};
use handbook::site::{self, BuildOptions, Progress};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: Common,
    /// Output folder [default: DIR/public, or output_dir from handbook.toml]
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Absolute URL the site is published at (for the sitemap and canonical links)
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include pages marked `draft = true`
    #[arg(long)]
    drafts: bool,
    /// Also write the whole handbook as one printable document, at print/
    #[arg(long)]
    print: bool,
    /// Neither read nor write the build cache (.handbook-cache/ beside the
    /// output): render every page
    #[arg(long)]
    no_cache: bool,
    /// Print only diagnostics
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,
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
        print: args.print,
        today: Some(super::today()),
        no_cache: args.no_cache,
        ..BuildOptions::default()
    };
    let bar = Bar::new(!args.quiet && std::io::stderr().is_terminal());
    let mut outcome = match site::build(&options, &bar) {
        Ok(o) => o,
        Err(e) => return fatal(&e),
    };
    bar.finish();
    let tally = report(&mut outcome.diagnostics, &args.common, false);
    if !args.quiet {
        let secs = started.elapsed().as_secs_f64();
        if outcome.written {
            eprintln!(
                "built {} pages, {} assets in {secs:.2} s — {tally}",
                outcome.counts.pages, outcome.counts.assets
            );
        } else {
            eprintln!("build failed in {secs:.2} s — {tally}; nothing was written");
        }
        if args.verbose {
            if let (Some((rendered, kept)), true) = (outcome.pages, outcome.written) {
                eprintln!(
                    "  pages: {rendered} rendered, {kept} unchanged (the build cache vouched for them)"
                );
            }
            if let (Some((written, kept)), true) = (outcome.files, outcome.written) {
                eprintln!(
                    "  files: {written} written, {kept} unchanged (kept from the previous output, with their dates)"
                );
            }
            print_timings(&outcome);
        }
    }
    if outcome.written {
        exit_code(tally)
    } else {
        EXIT_CONTENT
    }
}

/// A progress bar on a terminal, nothing elsewhere.
struct Bar(Option<ProgressBar>);

impl Bar {
    fn new(enabled: bool) -> Bar {
        Bar(enabled.then(|| {
            let bar = ProgressBar::hidden();
            if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} pages") {
                bar.set_style(style);
            }
            bar
        }))
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn start(&self, total: usize) {
        if let Some(bar) = &self.0 {
            bar.set_length(total as u64);
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn advance(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }
}
