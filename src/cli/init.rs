//! `handbook init [DIR]`: write a small starter handbook.

use std::path::PathBuf;

use super::{EXIT_OK, EXIT_USAGE};
use crate::scaffold;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to create the handbook
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// The handbook's title
    #[arg(long, default_value = "Our Handbook")]
    title: String,
}

pub fn run(args: Args) -> u8 {
    let files = scaffold::starter(&args.title, super::today());
    match scaffold::write_new(&args.dir, &files) {
        Ok(paths) => {
            for path in paths {
                println!("{}", path.display());
            }
            eprintln!("next: handbook build {}", args.dir.display());
            EXIT_OK
        }
        Err(e) => {
            eprintln!(
                "error: {e}\n  help: `handbook init` only creates a new handbook; it never overwrites files"
            );
            EXIT_USAGE
        }
    }
}
