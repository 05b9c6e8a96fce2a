//! `handbook export`: the handbook as data for other tools, on stdout (or
//! into a file), in the shape `handbook.json`'s schema describes.

use std::io::Write;
use std::path::PathBuf;

use super::{EXIT_CONTENT, EXIT_OK, fatal};
use handbook::diagnostics::Tally;
use handbook::site::{self, BuildOptions};

/// What to export as.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ExportFormat {
    /// every page, decision, runbook, action and person (`handbook.json`)
    Json,
    /// the JSON Schema of that export
    Schema,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The handbook folder (holding handbook.toml)
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// What to write
    #[arg(long, value_enum, default_value = "json")]
    format: ExportFormat,
    /// Write here instead of to stdout (never over a file it did not make:
    /// an existing file is refused)
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> u8 {
    let (bytes, tally) = match args.format {
        ExportFormat::Schema => (site::EXPORT_SCHEMA.as_bytes().to_vec(), Tally::default()),
        ExportFormat::Json => {
            let options = BuildOptions {
                root: args.dir.clone(),
                today: Some(super::today()),
                ..BuildOptions::default()
            };
            match site::export(&options) {
                Ok((bytes, outcome)) => (bytes, Tally::of(&outcome.diagnostics)),
                Err(e) => return fatal(&e),
            }
        }
    };
    let written = match &args.output {
        Some(path) => std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .and_then(|mut f| f.write_all(&bytes)),
        None => std::io::stdout().lock().write_all(&bytes),
    };
    if let Err(e) = written {
        let to = args
            .output
            .as_ref()
            .map_or("stdout".to_string(), |p| p.display().to_string());
        eprintln!("error: cannot write {to}: {e}");
        return EXIT_CONTENT;
    }
    if tally.errors > 0 {
        eprintln!("exported, with {tally}: `handbook check` shows them");
        return EXIT_CONTENT;
    }
    EXIT_OK
}
