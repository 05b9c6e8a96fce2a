//! CODEOWNERS: who the repository says owns a path, compared with who a
//! runbook says owns it. Reads `CODEOWNERS`, `.github/CODEOWNERS`,
//! `.gitlab/CODEOWNERS` or `docs/CODEOWNERS` at the repository's root;
//! patterns follow gitignore rules and the last matching line wins.
//! [`Ownership`] adds Kubernetes-style `OWNERS` files (the nearest one's
//! `approvers`), and is what fills in a runbook's missing `owner`.

use std::path::Path;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::diagnostics::Diagnostic;
use crate::kinds::people::Team;

/// Where CODEOWNERS may live, in the order GitHub looks.
pub const PLACES: &[&str] = &[
    ".github/CODEOWNERS",
    "CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
];

/// One rule: a pattern and its owners.
#[derive(Debug)]
struct Rule {
    matcher: Gitignore,
    owners: Vec<String>,
    /// 1-based line in the file.
    line: usize,
    text: String,
}

/// The parsed file.
#[derive(Debug)]
pub struct CodeOwners {
    /// Where it was found, relative to the repository.
    pub file: String,
    rules: Vec<Rule>,
}

/// The owners of a path and the line that decided it.
#[derive(Debug, PartialEq, Eq)]
pub struct Owners<'a> {
    pub owners: &'a [String],
    pub line: usize,
    pub text: &'a str,
}

impl CodeOwners {
    /// Reads the first CODEOWNERS file found under `repo_root`.
    /// A file whose link leads out of the repository is not read.
    pub fn load(repo_root: &Path, fence: &crate::content::walk::Fence) -> Option<CodeOwners> {
        PLACES.iter().find_map(|place| {
            let text = fence.read_to_string(&repo_root.join(place)).ok()?;
            Some(CodeOwners::parse(place, &text))
        })
    }

    pub fn parse(file: &str, text: &str) -> CodeOwners {
        let mut rules = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.split_once(" #").map_or(raw, |(l, _)| l).trim();
            // Comments, blank lines and GitLab's `[Section]` headers.
            if line.is_empty()
                || line.starts_with('#')
                || line.starts_with('[')
                || line.starts_with("^[")
            {
                continue;
            }
            let mut parts = line.split_whitespace();
            let Some(pattern) = parts.next() else {
                continue;
            };
            let mut builder = GitignoreBuilder::new("");
            if builder.add_line(None, pattern).is_err() {
                continue;
            }
            let Ok(matcher) = builder.build() else {
                continue;
            };
            rules.push(Rule {
                matcher,
                owners: parts.map(str::to_string).collect(),
                line: n + 1,
                text: raw.trim().to_string(),
            });
        }
        CodeOwners {
            file: file.to_string(),
            rules,
        }
    }

    /// Who owns `path` (relative to the repository), if any rule matches.
    pub fn owners(&self, path: &str) -> Option<Owners<'_>> {
        self.rules
            .iter()
            .rev()
            .find(|r| {
                r.matcher
                    .matched_path_or_any_parents(path, false)
                    .is_ignore()
            })
            .map(|r| Owners {
                owners: &r.owners,
                line: r.line,
                text: &r.text,
            })
    }
}

/// Who the repository says owns each page: the nearest `OWNERS` file's
/// first approver, else CODEOWNERS' first owner.
#[derive(Debug, Default)]
pub struct Ownership {
    pub codeowners: Option<CodeOwners>,
    /// The handbook's folder in the repository (`""` or ending in `/`).
    pub prefix: String,
    /// Handbook folder → the approvers its `OWNERS` file lists.
    owners_files: std::collections::HashMap<String, Vec<String>>,
}

impl Ownership {
    pub fn new(codeowners: Option<CodeOwners>, prefix: String) -> Ownership {
        Ownership {
            codeowners,
            prefix,
            owners_files: Default::default(),
        }
    }

    /// Adds the `OWNERS` file of handbook folder `folder` (YAML with an
    /// `approvers` list); a file that lists none is ignored.
    pub fn add_owners_file(&mut self, folder: &str, text: &str) {
        let Ok(table) = crate::fields::parse_yaml(text, 0) else {
            return;
        };
        let approvers: Vec<String> = table
            .entries
            .iter()
            .filter(|e| e.key == "approvers")
            .flat_map(|e| match &e.node.value {
                crate::fields::Value::Array(items) => items.clone(),
                _ => Vec::new(),
            })
            .filter_map(|item| match item.value {
                crate::fields::Value::String(s) => Some(s),
                _ => None,
            })
            .collect();
        if !approvers.is_empty() {
            self.owners_files.insert(folder.to_string(), approvers);
        }
    }

    /// The owner of the page at `path` (relative to the handbook) and where
    /// that is said, with names mapped to the team's handles where it knows them.
    pub fn owner_of(&self, path: &str, team: Option<&Team>) -> Option<(String, String)> {
        crate::kinds::Owners::owner_of(self, path, team)
    }
}

impl crate::kinds::Owners for Ownership {
    fn disagreement(
        &self,
        path: &str,
        source: &str,
        owner: &str,
        span: Option<std::ops::Range<usize>>,
        team: Option<&Team>,
    ) -> Option<Diagnostic> {
        let codeowners = self.codeowners.as_ref()?;
        let repo_path = format!("{}{path}", self.prefix);
        check(codeowners, &repo_path, path, source, owner, span, team)
    }

    fn owner_of(&self, path: &str, team: Option<&Team>) -> Option<(String, String)> {
        let handle = |name: &str| {
            let bare = name.trim_start_matches('@');
            team.and_then(|t| {
                t.people.iter().find(|p| {
                    p.handle.eq_ignore_ascii_case(bare)
                        || p.contact
                            .as_deref()
                            .is_some_and(|c| c.eq_ignore_ascii_case(bare))
                        || p.codeowners
                            .iter()
                            .any(|c| c.trim_start_matches('@').eq_ignore_ascii_case(bare))
                })
            })
            .map_or_else(|| bare.to_string(), |p| p.handle.clone())
        };
        let mut folder = path.rsplit_once('/').map_or("", |(f, _)| f);
        loop {
            if let Some(first) = self.owners_files.get(folder).and_then(|a| a.first()) {
                let file = if folder.is_empty() {
                    "OWNERS".to_string()
                } else {
                    format!("{folder}/OWNERS")
                };
                return Some((handle(first), file));
            }
            if folder.is_empty() {
                break;
            }
            folder = folder.rsplit_once('/').map_or("", |(parent, _)| parent);
        }
        let codeowners = self.codeowners.as_ref()?;
        let found = codeowners.owners(&format!("{}{path}", self.prefix))?;
        let first = found.owners.first()?;
        Some((
            handle(first),
            format!("{} line {}", codeowners.file, found.line),
        ))
    }
}

/// True when the CODEOWNERS entry `owner` (`@handle`, `@org/team`, an
/// email) names `person` of the team, or names the written owner directly.
fn same_owner(owner: &str, written: &str, team: Option<&Team>) -> bool {
    let bare = owner.trim_start_matches('@');
    if bare.eq_ignore_ascii_case(written.trim_start_matches('@')) {
        return true;
    }
    let Some(person) = team.and_then(|t| t.find(written)) else {
        return false;
    };
    bare.eq_ignore_ascii_case(&person.handle)
        || person
            .contact
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case(bare))
        || person
            .codeowners
            .iter()
            .any(|c| c.trim_start_matches('@').eq_ignore_ascii_case(bare))
}

/// A warning when a runbook's `owner` is not among the CODEOWNERS owners of
/// its file; `None` when they agree or no rule covers the file.
pub fn check(
    codeowners: &CodeOwners,
    repo_path: &str,
    page_path: &str,
    source: &str,
    owner: &str,
    owner_span: Option<std::ops::Range<usize>>,
    team: Option<&Team>,
) -> Option<Diagnostic> {
    let found = codeowners.owners(repo_path)?;
    if found.owners.is_empty() || found.owners.iter().any(|o| same_owner(o, owner, team)) {
        return None;
    }
    let mut d = Diagnostic::warning(
        crate::diagnostics::Code::CodeownersMismatch,
        page_path,
        format!(
            "the runbook's owner is `{owner}`, but {} line {} gives `{}` to {}",
            codeowners.file,
            found.line,
            found.text,
            found.owners.join(", ")
        ),
    )
    .with_help(
        "make them agree: change `owner` or the CODEOWNERS line, or list the owner's \
         CODEOWNERS names in team.toml (`codeowners = [\"@handle\"]`)",
    );
    if let Some(span) = owner_span {
        d = d.at(source, span);
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_matching_rule_wins() {
        let owners = CodeOwners::parse(
            "CODEOWNERS",
            "# comment\n* @harbor/all\n/docs/handbook/runbooks/ @harbor/sre\n*.md @writers\ndocs/handbook/runbooks/db.md @ines @harbor/dba # database\n",
        );
        let of = |p: &str| owners.owners(p).map(|o| (o.owners.to_vec(), o.line));
        assert_eq!(
            of("docs/handbook/runbooks/db.md"),
            Some((vec!["@ines".to_string(), "@harbor/dba".to_string()], 5))
        );
        assert_eq!(
            of("docs/handbook/runbooks/queue.md"),
            Some((vec!["@writers".to_string()], 4))
        );
        assert_eq!(
            of("docs/handbook/runbooks/img.png"),
            Some((vec!["@harbor/sre".to_string()], 3))
        );
        assert_eq!(
            of("src/main.rs"),
            Some((vec!["@harbor/all".to_string()], 2))
        );
    }

    #[test]
    fn the_nearest_owners_file_then_codeowners_names_the_owner() {
        let codeowners =
            CodeOwners::parse("CODEOWNERS", "* @harbor/all\n/docs/runbooks/ @iduarte\n");
        let (team, _) = Team::parse(
            "[[people]]\nhandle = \"ines\"\nname = \"Ines Duarte\"\ncodeowners = [\"@iduarte\"]\n",
        );
        let mut ownership = Ownership::new(Some(codeowners), "docs/".into());
        ownership.add_owners_file(
            "runbooks/queue",
            "approvers:\n  - tomas\n  - ines\nreviewers:\n  - ana\n",
        );
        ownership.add_owners_file("runbooks/empty", "reviewers:\n  - ana\n");
        let of = |p: &str| ownership.owner_of(p, Some(&team));
        assert_eq!(
            of("runbooks/queue/deep/Backlog.md"),
            Some(("tomas".into(), "runbooks/queue/OWNERS".into()))
        );
        assert_eq!(
            of("runbooks/empty/x.md"),
            Some(("ines".into(), "CODEOWNERS line 2".into()))
        );
        assert_eq!(
            of("guides/x.md"),
            Some(("harbor/all".into(), "CODEOWNERS line 1".into()))
        );
    }

    #[test]
    fn owners_match_by_handle_contact_or_listed_names() {
        let (team, _) = Team::parse(
            "[[people]]\nhandle = \"ines\"\nname = \"Ines Duarte\"\ncontact = \"ines@tidewater.example\"\ncodeowners = [\"@iduarte\"]\n",
        );
        let team = Some(&team);
        assert!(same_owner("@ines", "ines", team));
        assert!(same_owner("ines@tidewater.example", "Ines Duarte", team));
        assert!(same_owner("@iduarte", "ines", team));
        assert!(!same_owner("@kofi", "ines", team));
        assert!(
            same_owner("@kofi", "kofi", None),
            "without a team, names are compared as written"
        );
    }
}
