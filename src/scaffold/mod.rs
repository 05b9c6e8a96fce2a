//! Writing new pages (`handbook new`) and starter handbooks (`handbook init`).
//!
//! Planning is pure: [`plan_page`] and [`starter`] return the files to write,
//! given what already exists and today's date; [`write_new`] only creates files
//! that do not exist yet, so nothing a person wrote is ever overwritten.

pub mod adopt;

use std::io;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::{slugify, walk};
use crate::kinds::{FolderKinds, Kind};

/// The kinds `handbook new` can create.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewKind {
    Adr,
    Runbook,
    Aar,
    Retro,
    Page,
}

impl NewKind {
    fn kind(self) -> Kind {
        match self {
            NewKind::Adr => Kind::Adr,
            NewKind::Runbook => Kind::Runbook,
            NewKind::Aar => Kind::Aar,
            NewKind::Retro => Kind::Retro,
            NewKind::Page => Kind::Page,
        }
    }

    /// Where a handbook without such a folder gets one.
    fn default_folder(self) -> &'static str {
        match self {
            NewKind::Adr => "decisions",
            NewKind::Runbook => "runbooks",
            NewKind::Aar => "aars",
            NewKind::Retro => "retros",
            NewKind::Page => "",
        }
    }
}

/// A file to create, relative to the handbook root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFile {
    pub path: String,
    pub contents: String,
}

/// Plans a new page of `kind` titled `title`, given the handbook's existing
/// markdown files (`existing`, root-relative) and its kind rules.
/// Who runs `handbook new`: the `team.toml` handle of the person whose
/// email or name git is configured with, else the team's only person.
pub fn author(
    team: Option<&crate::kinds::people::Team>,
    email: Option<&str>,
    name: Option<&str>,
) -> Option<String> {
    let team = team?;
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
    team.people
        .iter()
        .find(|p| {
            email.is_some_and(|e| p.contact.as_deref().is_some_and(|c| same(c, e)))
                || name.is_some_and(|n| same(&p.name, n) || same(&p.handle, n))
        })
        .or(match team.people.as_slice() {
            [only] => Some(only),
            _ => None,
        })
        .map(|p| p.handle.clone())
}

/// Why a page cannot be planned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The title is empty, or has nothing a file name can be made of.
    EmptyTitle,
}

pub fn plan_page(
    kind: NewKind,
    title: &str,
    existing: &[String],
    folders: &FolderKinds,
    today: jiff::civil::Date,
    author: Option<&str>,
) -> Result<NewFile, Refused> {
    let title = title.trim();
    let slug = slugify(title);
    if title.is_empty() || !crate::content::is_meaningful_slug(&slug) {
        return Err(Refused::EmptyTitle);
    }
    let folder = folder_for(kind, existing, folders);
    let name = match kind {
        NewKind::Adr => format!("{:04}-{slug}.md", next_adr_number(&folder, existing)),
        NewKind::Aar | NewKind::Retro => format!("{today}-{slug}.md"),
        _ => format!("{slug}.md"),
    };
    let path = if folder.is_empty() {
        name
    } else {
        format!("{folder}/{name}")
    };
    Ok(NewFile {
        path,
        contents: page_text(kind, title, today, author),
    })
}

/// The folder that already holds pages of `kind`, else the conventional one.
fn folder_for(kind: NewKind, existing: &[String], folders: &FolderKinds) -> String {
    if kind == NewKind::Page {
        return String::new();
    }
    let wanted = kind.kind();
    let mut candidates: Vec<&str> = existing
        .iter()
        .filter_map(|p| p.rsplit_once('/').map(|(dir, _)| dir))
        .filter(|dir| folders.for_folder(dir) == Some(wanted))
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    // The shallowest such folder is the collection's root.
    candidates
        .into_iter()
        .min_by_key(|d| (d.matches('/').count(), *d))
        .map_or_else(
            || {
                folders
                    .configured
                    .iter()
                    .find(|(_, k)| *k == wanted)
                    .map_or_else(|| kind.default_folder().to_string(), |(f, _)| f.clone())
            },
            str::to_string,
        )
}

/// One more than the highest `NNNN-` prefix in `folder`.
fn next_adr_number(folder: &str, existing: &[String]) -> u32 {
    existing
        .iter()
        .filter_map(|p| {
            let (dir, name) = p.rsplit_once('/').unwrap_or(("", p));
            (dir == folder).then_some(name)
        })
        .filter_map(|name| {
            let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
            (!digits.is_empty() && digits.len() < 8)
                .then(|| digits.parse::<u32>().ok())
                .flatten()
        })
        .max()
        .map_or(1, |n| n + 1)
}

fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn page_text(kind: NewKind, title: &str, today: jiff::civil::Date, author: Option<&str>) -> String {
    let title_line = format!("title = {}", toml_string(title));
    let placeholder = toml_string(crate::kinds::PLACEHOLDER);
    let person = author.map_or_else(|| placeholder.clone(), toml_string);
    let people = author.map_or_else(String::new, toml_string);
    match kind {
        NewKind::Adr => format!(
            "+++\n{title_line}\ndate = {today}\nstatus = \"proposed\"\ndeciders = [{people}]\nconsulted = []\ninformed = []\n# supersedes = [3]\n+++\n\n\
             ## Context\n\nWhat is the situation, and what forces are at play?\n\n\
             ## Decision\n\nWhat we will do, stated plainly.\n\n\
             ## Consequences\n\nWhat becomes easier, and what becomes harder.\n"
        ),
        NewKind::Runbook => format!(
            "+++\n{title_line}\nservice = {placeholder}\nowner = {person}\nalerts = []\nlast_reviewed = {today}\n# review_every = \"90d\"\n+++\n\n\
             Use this runbook when …\n\n\
             ## Confirm the problem\n\nHow to tell that this is the right runbook.\n\n\
             ## Fix it\n\nThe steps, with commands to copy.\n\n\
             ## Check that it worked\n\nWhat you should see afterwards.\n"
        ),
        NewKind::Aar => format!(
            "+++\n{title_line}\ndate = {today}\nseverity = \"SEV2\"\nservices = []\nparticipants = [{people}]\nfacilitator = {person}\n\n\
             [[timeline]]\nat = \"{today}T00:00\"\nevent = \"What happened first\"\n\n\
             [[actions]]\nwhat = \"What we will change\"\nowner = {person}\ndue = {today}\ndone = false\n+++\n\n\
             ## What did we set out to do?\n\n\n\
             ## What actually happened?\n\n\n\
             ## Why was there a difference?\n\n\n\
             ## What will we do differently?\n\n"
        ),
        NewKind::Retro => format!(
            "+++\n{title_line}\ndate = {today}\nparticipants = [{people}]\nfacilitator = {person}\n\n\
             [[actions]]\nwhat = \"What we will change\"\nowner = {person}\ndue = {today}\ndone = false\n+++\n\n\
             ## Start\n\n\n## Stop\n\n\n## Continue\n\n"
        ),
        NewKind::Page => format!("+++\n{title_line}\n+++\n\nWrite here.\n"),
    }
}

/// The files of a starter handbook: configuration, a home page, a charter, a
/// team file and a first decision record.
pub fn starter(title: &str, today: jiff::civil::Date) -> Vec<NewFile> {
    let file = |path: &str, contents: String| NewFile {
        path: path.into(),
        contents,
    };
    vec![
        file(
            crate::config::CONFIG_FILE,
            format!(
                "title = {}\n# base_url = \"https://example.org/handbook/\"\n# exclude = [\"drafts/**\"]\n\n[links]\nbroken = \"error\"\n",
                toml_string(title)
            ),
        ),
        file(
            "index.md",
            format!(
                "+++\ntitle = {}\n+++\n\nStart here. Read the [charter](charter.md), then the [decisions](decisions/).\n",
                toml_string(title)
            ),
        ),
        file(
            "charter.md",
            "+++\ntitle = \"Charter\"\npurpose = \"Why this team exists, in one sentence.\"\n\n[[metrics]]\nname = \"A number we want to move\"\ntarget = 100\ncurrent = 0\nunit = \"%\"\n+++\n\nWhat we own, and what we do not.\n".into(),
        ),
        file(
            crate::kinds::people::TEAM_FILE,
            "# Everyone front matter may name: owners, deciders, participants.\n[[people]]\nhandle = \"you\"\nname = \"Your Name\"\nrole = \"Engineer\"\n".into(),
        ),
        file(
            "decisions/0001-record-architecture-decisions.md",
            format!(
                "+++\ntitle = \"Record architecture decisions\"\ndate = {today}\nstatus = \"accepted\"\ndeciders = [\"you\"]\n+++\n\n\
                 ## Context\n\nWe need to remember why we decided what we decided.\n\n\
                 ## Decision\n\nWe write a short, numbered record for each decision that is expensive to reverse.\n\n\
                 ## Consequences\n\nNew decisions supersede old ones instead of rewriting them.\n"
            ),
        ),
    ]
}

/// The markdown files of the handbook at `root`, for planning.
pub fn existing_pages(root: &Path, config: &Config) -> Vec<String> {
    let fence = walk::Fence::around(root);
    walk::walk(
        root,
        &root.join(&config.output_dir),
        &config.exclude,
        &fence,
    )
    .pages
}

/// Adds the output folder `output` to the `.gitignore` at `root` (creating
/// it if there is none), appending one line and changing nothing else.
/// False when a line already ignores it.
pub fn ignore_output(root: &Path, output: &str) -> io::Result<bool> {
    let path = root.join(".gitignore");
    if let Err(target) = walk::Fence::around(root).admits(&path) {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "it is a symbolic link to {}, outside the repository",
                target.display()
            ),
        ));
    }
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    let covered = existing.lines().any(|l| {
        let l = l.trim();
        l.trim_start_matches('/').trim_end_matches('/') == output
    });
    if covered {
        return Ok(false);
    }
    let mut line = String::new();
    if !existing.is_empty() && !existing.ends_with('\n') {
        line.push('\n');
    }
    line.push_str(&format!("/{output}/\n"));
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)?
        .write_all(line.as_bytes())?;
    Ok(true)
}

/// Creates `files` under `root`, refusing to overwrite anything. Returns the
/// paths written; on a conflict nothing is written.
pub fn write_new(root: &Path, files: &[NewFile]) -> io::Result<Vec<PathBuf>> {
    if let Some(taken) = files.iter().find(|f| root.join(&f.path).exists()) {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} already exists", taken.path),
        ));
    }
    let mut written = Vec::new();
    for f in files {
        let path = root.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut out| {
                use std::io::Write;
                out.write_all(f.contents.as_bytes())
            })?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn existing(paths: &[&str]) -> Vec<String> {
        paths.iter().map(|p| p.to_string()).collect()
    }

    fn plan(kind: NewKind, title: &str, pages: &[String], author: Option<&str>) -> NewFile {
        let today = jiff::civil::date(2026, 11, 24);
        plan_page(kind, title, pages, &FolderKinds::default(), today, author)
            .unwrap_or_else(|e| panic!("{title}: {e:?}"))
    }

    #[test]
    fn adrs_get_the_next_number_in_the_existing_folder() {
        let pages = existing(&[
            "docs/adr/0001-a.md",
            "docs/adr/0007-b.md",
            "docs/adr/README.md",
            "index.md",
        ]);
        let f = plan(NewKind::Adr, "Use Kafka for fan-out", &pages, Some("ana"));
        assert_eq!(f.path, "docs/adr/0008-use-kafka-for-fan-out.md");
        assert!(
            f.contents.contains("status = \"proposed\"\n")
                && f.contents.contains("date = 2026-11-24\n")
                && f.contents.contains("deciders = [\"ana\"]\n")
        );
    }

    #[test]
    fn a_title_with_dots_and_slashes_is_never_a_hidden_or_outside_file() {
        for (title, path) in [
            ("../x", "x.md"),
            (".env", "env.md"),
            ("a/../../b", "a-..-..-b.md"),
        ] {
            assert_eq!(plan(NewKind::Page, title, &[], None).path, path, "{title}");
        }
    }

    #[test]
    fn an_empty_title_is_refused() {
        let today = jiff::civil::date(2026, 11, 24);
        for title in ["", "   ", "..", "?!"] {
            assert_eq!(
                plan_page(
                    NewKind::Adr,
                    title,
                    &[],
                    &FolderKinds::default(),
                    today,
                    None
                ),
                Err(Refused::EmptyTitle),
                "{title:?}"
            );
        }
    }

    #[test]
    fn kinds_without_a_folder_get_the_conventional_one() {
        let f = plan(NewKind::Adr, "First", &[], None);
        assert_eq!(f.path, "decisions/0001-first.md");
        let f = plan(NewKind::Aar, "Queue outage", &[], None);
        assert_eq!(f.path, "aars/2026-11-24-queue-outage.md");
        assert!(f.contents.contains("## What will we do differently?"));
        assert!(
            f.contents.contains("facilitator = \"<fill in>\""),
            "{}",
            f.contents
        );
        let f = plan(NewKind::Retro, "Sprint 12", &[], Some("bo"));
        assert_eq!(f.path, "retros/2026-11-24-sprint-12.md");
        assert!(
            f.contents.contains("facilitator = \"bo\""),
            "{}",
            f.contents
        );
        let f = plan(NewKind::Page, "On \"call\"", &[], None);
        assert_eq!(f.path, "on-call.md");
        assert!(f.contents.starts_with("+++\ntitle = \"On \\\"call\\\"\"\n"));
    }

    #[test]
    fn the_author_is_the_person_git_names_else_the_only_one() {
        let (team, _) = crate::kinds::people::Team::parse(
            "[[people]]\nhandle = \"ana\"\nname = \"Ana Ruiz\"\ncontact = \"ana@tidewater.example\"\n\n[[people]]\nhandle = \"bo\"\nname = \"Bo Lind\"\n",
        );
        assert_eq!(
            author(Some(&team), Some("ANA@tidewater.example"), None).as_deref(),
            Some("ana")
        );
        assert_eq!(
            author(Some(&team), None, Some("Bo Lind")).as_deref(),
            Some("bo")
        );
        assert_eq!(author(Some(&team), Some("zed@x"), Some("Zed")), None);
        let (alone, _) =
            crate::kinds::people::Team::parse("[[people]]\nhandle = \"cy\"\nname = \"Cy\"\n");
        assert_eq!(author(Some(&alone), None, None).as_deref(), Some("cy"));
        assert_eq!(author(None, Some("a@b"), None), None);
    }
}
