//! `handbook survey import FILE --period P` and `handbook new survey P`:
//! write a period's team health file under `health/`, counts only. The
//! export is read, counted and forgotten; nothing existing is overwritten.

use std::path::{Path, PathBuf};

use super::{EXIT_OK, EXIT_USAGE};
use handbook::kinds::health::{self, import};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Count a survey tool's CSV export (a row per response) into health/PERIOD.toml
    Import {
        /// The export: one row per response, one column per question, answers 1 to 5 or the scale's words
        file: PathBuf,
        /// The period it covers, e.g. 2026-Q4 (the file's name)
        #[arg(long)]
        period: String,
        /// The handbook folder
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

/// A period name that is a plain file name: letters, digits, `-`, `_`, `.`,
/// not starting with `.` (so `--period ../x` cannot leave `health/`).
fn valid_period(period: &str) -> bool {
    !period.is_empty()
        && !period.starts_with('.')
        && period.len() <= 64
        && period
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Where the period's file goes, or why it cannot.
fn target(dir: &Path, period: &str) -> Result<PathBuf, String> {
    if !valid_period(period) {
        return Err(format!(
            "the period `{period}` is not a file name\n  help: use letters, digits and dashes, e.g. 2026-Q4"
        ));
    }
    let folder = dir.join(health::FOLDER);
    if std::fs::symlink_metadata(&folder).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(format!(
            "{} is a symbolic link; refusing to write through it",
            folder.display()
        ));
    }
    Ok(folder.join(format!("{period}.toml")))
}

/// The latest period already in `health/`, for its standing questions.
fn standing(dir: &Path) -> Option<health::Period> {
    let fence = handbook::content::walk::Fence::around(dir);
    let (found, _) = health::load(dir, &fence);
    found.and_then(|h| h.periods.into_iter().last())
}

/// Writes `contents` to `path`, never over an existing file.
fn write_new(path: &Path, contents: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    use std::io::Write;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| f.write_all(contents.as_bytes()))
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                format!(
                    "{} already exists\n  help: choose another period, or edit that file",
                    path.display()
                )
            }
            _ => format!("cannot write {}: {e}", path.display()),
        })
}

pub fn run(args: Args) -> u8 {
    let Command::Import { file, period, dir } = args.command;
    let result = target(&dir, &period).and_then(|path| {
        let export = std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let (toml, report) = import::import(&export, &period, standing(&dir).as_ref())?;
        write_new(&path, &toml)?;
        Ok((path, report))
    });
    match result {
        Ok((path, report)) => {
            println!("{}", path.display());
            eprintln!(
                "kept the counts of {} questions from {} responses ({} blank answers not counted); the rows were not kept",
                report.questions, report.responses, report.blank
            );
            if !report.dropped.is_empty() {
                eprintln!(
                    "dropped columns that are not answers: {}",
                    report.dropped.join(", ")
                );
            }
            if !report.unassigned.is_empty() {
                eprintln!(
                    "no earlier period asks these, so their dimension is \"unassigned\" (set it in the file): {}",
                    report.unassigned.join("; ")
                );
            }
            EXIT_OK
        }
        Err(message) => {
            eprintln!("error: {message}");
            EXIT_USAGE
        }
    }
}

/// `handbook new survey PERIOD`: an empty period with the standing questions.
pub fn new_period(dir: &Path, period: &str) -> u8 {
    let result = target(dir, period).and_then(|path| {
        write_new(&path, &import::blank(period, standing(dir).as_ref()))?;
        Ok(path)
    });
    match result {
        Ok(path) => {
            println!("{}", path.display());
            EXIT_OK
        }
        Err(message) => {
            eprintln!("error: {message}");
            EXIT_USAGE
        }
    }
}
