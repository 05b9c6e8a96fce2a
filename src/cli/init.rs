//! `handbook init [DIR]`: write a small starter handbook, or, where
//! markdown already is, adopt it (see `scaffold::adopt`).

use std::path::PathBuf;

use super::{EXIT_OK, EXIT_USAGE};
use handbook::scaffold;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to create the handbook
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// The handbook's title (in a folder that already has markdown: its
    /// README's heading, unless given)
    #[arg(long, default_value = DEFAULT_TITLE)]
    title: String,
}

const DEFAULT_TITLE: &str = "Our Handbook";

pub fn run(args: Args) -> u8 {
    let existing = scaffold::existing_pages(&args.dir, &handbook::config::Config::default());
    if !existing.is_empty() {
        return adopt(&args, &existing);
    }
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

/// `init` where markdown already is: write only `handbook.toml` (from what
/// the files say) and the output folder's `.gitignore` line, then report
/// what was found and what `check` says.
fn adopt(args: &Args, pages: &[String]) -> u8 {
    let root = &args.dir;
    let fence = handbook::content::walk::Fence::around(root);
    let found = handbook::content::walk::walk(root, &root.join("public"), &[], &fence);
    let mut html_dirs: Vec<String> = found
        .assets
        .iter()
        .filter_map(|a| a.strip_suffix("/index.html").map(str::to_string))
        .collect();
    html_dirs.sort();
    // Only the outermost folder of a built site.
    let outer: Vec<String> = html_dirs
        .iter()
        .filter(|d| !html_dirs.iter().any(|o| d.starts_with(&format!("{o}/"))))
        .cloned()
        .collect();
    let name = std::path::absolute(root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "handbook".to_string());
    let read = |rel: &str| fence.read_to_string(&root.join(rel)).ok();
    let mut plan = scaffold::adopt::plan(&name, pages, &outer, &read);
    if args.title != DEFAULT_TITLE {
        plan.title = args.title.clone();
    }
    let config = scaffold::NewFile {
        path: handbook::config::CONFIG_FILE.to_string(),
        contents: plan.config(),
    };
    if let Err(e) = scaffold::write_new(root, std::slice::from_ref(&config)) {
        eprintln!(
            "error: {e}\n  help: `handbook init` only creates a new handbook; it never overwrites files"
        );
        return EXIT_USAGE;
    }
    println!("{}", root.join(handbook::config::CONFIG_FILE).display());
    match scaffold::ignore_output(root, "public") {
        Ok(true) => println!("{}", root.join(".gitignore").display()),
        Ok(false) => {}
        Err(e) => eprintln!("warning: could not add public/ to .gitignore: {e}"),
    }
    eprintln!("found {} markdown files:", plan.pages);
    for f in &plan.folders {
        let place = if f.folder.is_empty() {
            "the root".to_string()
        } else {
            format!("{}/", f.folder)
        };
        let rule = if f.needs_rule {
            ""
        } else {
            " (its name already says so)"
        };
        eprintln!(
            "  {place}: {} of {} files read as {}{rule}",
            f.matching,
            f.files,
            kind_plural(f.kind)
        );
    }
    for (path, why) in &plan.exclude {
        eprintln!("  left out {path}: {why}");
    }
    let options = handbook::site::BuildOptions {
        root: root.clone(),
        today: Some(super::today()),
        ..handbook::site::BuildOptions::default()
    };
    match handbook::site::check(&options) {
        Ok(outcome) => {
            let tally = handbook::diagnostics::Tally::of(&outcome.diagnostics);
            let mut codes: std::collections::BTreeMap<&str, usize> = Default::default();
            for d in &outcome.diagnostics {
                *codes.entry(d.code.as_str()).or_default() += 1;
            }
            eprintln!("check: {} pages — {tally}", outcome.counts.pages);
            for (code, n) in codes {
                eprintln!("  {code}: {n}");
            }
            eprintln!(
                "next: handbook check {} (for the details), then handbook serve {}",
                root.display(),
                root.display()
            );
        }
        Err(e) => eprintln!("check could not run: {e}"),
    }
    EXIT_OK
}

fn kind_plural(kind: handbook::kinds::Kind) -> &'static str {
    use handbook::kinds::Kind;
    match kind {
        Kind::Adr => "decision records",
        Kind::Runbook => "runbooks",
        Kind::Aar => "after-action reviews",
        Kind::Retro => "retrospectives",
        Kind::Charter => "charters",
        Kind::Channels => "channel guides",
        Kind::Page => "pages",
    }
}
