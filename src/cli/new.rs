//! `handbook new KIND "Title"`: write a new page in the right folder.

use std::path::PathBuf;

use clap::ValueEnum;

use super::{EXIT_OK, EXIT_USAGE};
use handbook::config;
use handbook::scaffold::{self, NewKind};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum KindArg {
    /// an architecture decision record (next number, today's date)
    Adr,
    /// a runbook
    Runbook,
    /// an after-action review (the four questions, a timeline, actions)
    Aar,
    /// a start / stop / continue retrospective
    Retro,
    /// a plain page at the root
    Page,
    /// an empty team health survey period, named by the "title" (e.g. 2026-Q4)
    Survey,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to create
    #[arg(value_enum)]
    kind: KindArg,
    /// Its title
    title: String,
    /// The handbook folder (holding handbook.toml)
    #[arg(default_value = ".")]
    dir: PathBuf,
}

pub fn run(args: Args) -> u8 {
    let kind = match args.kind {
        KindArg::Survey => return super::survey::new_period(&args.dir, &args.title),
        KindArg::Adr => NewKind::Adr,
        KindArg::Runbook => NewKind::Runbook,
        KindArg::Aar => NewKind::Aar,
        KindArg::Retro => NewKind::Retro,
        KindArg::Page => NewKind::Page,
    };
    let loaded = match config::load(
        &args.dir,
        &handbook::content::walk::Fence::around(&args.dir),
    ) {
        Ok(l) => l,
        Err(config::LoadError::Missing) => {
            eprintln!(
                "error: no {} in {}\n  help: run `handbook init {}` to start a handbook",
                config::CONFIG_FILE,
                args.dir.display(),
                args.dir.display()
            );
            return EXIT_USAGE;
        }
        Err(config::LoadError::Io(e)) => {
            eprintln!("error: cannot read {}: {e}", config::CONFIG_FILE);
            return EXIT_USAGE;
        }
    };
    let existing = scaffold::existing_pages(&args.dir, &loaded.config);
    let today = super::today();
    let fence = handbook::content::walk::Fence::around(&args.dir);
    let (team, _) = handbook::kinds::people::Team::load(&args.dir, &fence);
    let (email, name) = handbook::git::user(&args.dir);
    let author = scaffold::author(team.as_ref(), email.as_deref(), name.as_deref());
    let planned = scaffold::plan_page(
        kind,
        &args.title,
        &existing,
        &loaded.config.kinds,
        today,
        author.as_deref(),
    );
    let file = match planned {
        Ok(file) => file,
        Err(scaffold::Refused::EmptyTitle) => {
            eprintln!(
                "error: the title has nothing to name the file after\n  help: give a title in words, e.g. handbook new adr \"Use Kafka for status fan-out\""
            );
            return EXIT_USAGE;
        }
    };
    match scaffold::write_new(&args.dir, std::slice::from_ref(&file)) {
        Ok(paths) => {
            for path in paths {
                println!("{}", path.display());
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}\n  help: choose another title, or edit the existing file");
            EXIT_USAGE
        }
    }
}
