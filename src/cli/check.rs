//! `handbook check`: validate everything a build validates, write nothing.

use std::time::Instant;

use super::{Common, exit_code, fatal, report};
use crate::site::{self, BuildOptions};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: Common,
    /// Treat warnings as errors
    #[arg(long)]
    strict: bool,
    /// Include pages marked `draft = true`
    #[arg(long)]
    drafts: bool,
}

pub fn run(args: Args) -> u8 {
    let started = Instant::now();
    let options = BuildOptions {
        root: args.common.dir,
        drafts: args.drafts,
        today: Some(super::today()),
        ..BuildOptions::default()
    };
    let mut outcome = match site::check(&options) {
        Ok(o) => o,
        Err(e) => return fatal(&e),
    };
    let tally = report(&mut outcome.diagnostics, args.common.format, args.strict);
    eprintln!(
        "checked {} pages in {:.2} s — {tally}",
        outcome.counts.pages,
        started.elapsed().as_secs_f64()
    );
    exit_code(tally)
}
