//! The team: `team.toml` at the handbook root, and checking every reference to a
//! person (owners, deciders, participants, action owners) against it.
//!
//! Without `team.toml`, names are accepted as written and no person pages exist.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::fields::{self, Extractor, Value, closest};

pub const TEAM_FILE: &str = "team.toml";

/// One member of the team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Person {
    /// Short, stable id used in front matter (`dana`).
    pub handle: String,
    pub name: String,
    pub role: Option<String>,
    pub contact: Option<String>,
    /// Names CODEOWNERS uses for them (`@ines`, `@harbor/dba`), beyond their
    /// handle and contact.
    pub codeowners: Vec<String>,
    /// Skill (lowercase) → level from 1 to 4 (`skills`; see [`super::skills`]).
    pub skills: std::collections::BTreeMap<String, u8>,
}

/// Everyone in `team.toml`, looked up by handle or full name, ignoring case.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Team {
    pub people: Vec<Person>,
    /// `[[services]]`: what the team runs and the skills each needs.
    pub services: Vec<super::skills::Service>,
    by_key: HashMap<String, usize>,
}

/// A mention of a person somewhere in a page, and what for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    pub name: String,
    /// What the person is in that page: "decider", "owner", ...
    pub role: &'static str,
    pub span: Range<usize>,
}

const PERSON_KEYS: &[&str] = &["handle", "name", "role", "contact", "codeowners", "skills"];

impl Team {
    /// Reads `team.toml` if there is one.
    pub fn load(
        root: &Path,
        fence: &crate::content::walk::Fence,
    ) -> (Option<Team>, Vec<Diagnostic>) {
        match fence.read_to_string(&root.join(TEAM_FILE)) {
            Ok(text) => {
                let (team, diagnostics) = Team::parse(&text);
                (Some(team), diagnostics)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (None, Vec::new()),
            Err(e) => (
                None,
                vec![Diagnostic::error(
                    crate::diagnostics::Code::UnreadableFile,
                    TEAM_FILE,
                    format!("cannot read this file: {e}"),
                )],
            ),
        }
    }

    pub fn parse(source: &str) -> (Team, Vec<Diagnostic>) {
        let mut x = Extractor::new(TEAM_FILE, source);
        let mut team = Team::default();
        let table = match fields::parse_toml(source, 0) {
            Ok(t) => t,
            Err(e) => {
                let d = Diagnostic::error(
                    crate::diagnostics::Code::InvalidToml,
                    TEAM_FILE,
                    format!("invalid TOML: {}", e.message),
                )
                .at(source, e.span);
                return (team, vec![d]);
            }
        };
        for entry in &table.entries {
            if entry.key == "services" {
                team.services = super::skills::services(&mut x, entry);
                continue;
            }
            if entry.key != "people" {
                x.unknown_key(entry, TEAM_FILE, &["people", "services"]);
                continue;
            }
            let Value::Array(items) = &entry.node.value else {
                x.diagnostics.push(
                    Diagnostic::error(
                        crate::diagnostics::Code::WrongType,
                        TEAM_FILE,
                        "`people` must be an array of tables",
                    )
                    .at(source, entry.node.span.clone())
                    .with_help("write each person as a [[people]] table"),
                );
                continue;
            };
            for item in items {
                let Value::Table(person) = &item.value else {
                    continue;
                };
                let mut p = Person {
                    handle: String::new(),
                    name: String::new(),
                    role: None,
                    contact: None,
                    codeowners: Vec::new(),
                    skills: Default::default(),
                };
                for field in &person.entries {
                    match field.key.as_str() {
                        "handle" => p.handle = x.string(field).unwrap_or_default(),
                        "name" => p.name = x.string(field).unwrap_or_default(),
                        "role" => p.role = x.string(field),
                        "contact" => p.contact = x.string(field),
                        "codeowners" => p.codeowners = x.string_list(field).unwrap_or_default(),
                        "skills" => p.skills = super::skills::levels(&mut x, field),
                        _ => x.unknown_key(field, "[[people]]", PERSON_KEYS),
                    }
                }
                if p.handle.is_empty() {
                    x.diagnostics.push(
                        Diagnostic::error(
                            crate::diagnostics::Code::MissingField,
                            TEAM_FILE,
                            "this person has no `handle`",
                        )
                        .at(source, item.span.start..item.span.start)
                        .with_help("add a short id, e.g. handle = \"dana\""),
                    );
                    continue;
                }
                if p.name.is_empty() {
                    p.name = p.handle.clone();
                }
                team.add(p, &mut x, item.span.clone());
            }
        }
        let mut diagnostics = x.diagnostics;
        let levels: Vec<(&str, &std::collections::BTreeMap<String, u8>)> = team
            .people
            .iter()
            .map(|p| (p.name.as_str(), &p.skills))
            .collect();
        diagnostics.extend(super::skills::bus_factor(&levels, &team.services, source));
        (team, diagnostics)
    }

    /// The people at [`super::skills::EXPERT`] level or above in `skill`, in
    /// `team.toml` order.
    pub fn experts(&self, skill: &str) -> Vec<&Person> {
        self.people
            .iter()
            .filter(|p| {
                p.skills
                    .get(skill)
                    .is_some_and(|l| *l >= super::skills::EXPERT)
            })
            .collect()
    }

    /// Every skill anyone has or any service needs, sorted.
    pub fn skill_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .people
            .iter()
            .flat_map(|p| p.skills.keys().cloned())
            .chain(self.services.iter().flat_map(|s| s.skills.iter().cloned()))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The service of `team.toml` called `name` (ignoring case).
    pub fn service(&self, name: &str) -> Option<&super::skills::Service> {
        self.services
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name.trim()))
    }

    fn add(&mut self, person: Person, x: &mut Extractor<'_>, span: Range<usize>) {
        let handle = person.handle.to_lowercase();
        if let Some(&first) = self.by_key.get(&handle) {
            x.report(
                Diagnostic::error(
                    crate::diagnostics::Code::DuplicatePerson,
                    TEAM_FILE,
                    format!(
                        "handle \"{}\" is used twice (first by {})",
                        person.handle, self.people[first].name
                    ),
                ),
                span.start..span.start,
            );
            return;
        }
        let index = self.people.len();
        self.by_key.insert(handle, index);
        self.by_key
            .entry(person.name.to_lowercase())
            .or_insert(index);
        self.people.push(person);
    }

    /// The person a name refers to: a handle or a full name, any case.
    pub fn find(&self, name: &str) -> Option<&Person> {
        self.by_key
            .get(&name.trim().trim_start_matches('@').to_lowercase())
            .map(|&i| &self.people[i])
    }

    /// An error for each mention that names nobody on the team.
    pub fn check(&self, path: &str, source: &str, mentions: &[Mention]) -> Vec<Diagnostic> {
        let index = std::cell::OnceCell::new();
        mentions
            .iter()
            .filter(|m| self.find(&m.name).is_none())
            .map(|m| {
                let d = Diagnostic::error(
                    crate::diagnostics::Code::UnknownPerson,
                    path,
                    format!("unknown person \"{}\" (as {})", m.name, m.role),
                )
                .at_in(
                    source,
                    index.get_or_init(|| crate::diagnostics::LineIndex::new(source)),
                    m.span.clone(),
                );
                let handles = self.people.iter().map(|p| p.handle.as_str());
                match closest(&m.name.to_lowercase(), handles) {
                    Some(best) => d.with_help(format!("did you mean \"{best}\"?")),
                    None => d.with_help(format!(
                        "add them to {TEAM_FILE}, or use one of its handles"
                    )),
                }
            })
            .collect()
    }
}

/// Mentions of `names` in `source`: each is located at its first occurrence at or
/// after `from`, so diagnostics point at the line that names the person.
pub fn mentions(source: &str, from: usize, names: &[String], role: &'static str) -> Vec<Mention> {
    names
        .iter()
        .map(|name| {
            let at = source
                .get(from..)
                .and_then(|s| s.find(name.as_str()))
                .map_or(from, |i| from + i);
            Mention {
                name: name.clone(),
                role,
                span: at..at + name.len(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SKILLED: &str = "[[people]]\nhandle = \"ines\"\nname = \"Ines Duarte\"\nskills = { postgres = 4, kafka = 2 }\n\n\
        [[people]]\nhandle = \"kofi\"\nname = \"Kofi Mensah\"\nskills = { Kafka = 3, postgres = 3 }\n\n\
        [[people]]\nhandle = \"aiko\"\nname = \"Aiko Tanaka\"\nskills = { go = 3, terraform = 5, dns = \"some\" }\n\n\
        [[services]]\nname = \"shipment-state\"\nskills = [\"postgres\"]\n\n\
        [[services]]\nname = \"status-fanout\"\nskills = [\"kafka\"]\n\n\
        [[services]]\nname = \"scan-intake\"\nskills = [\"go\", \"rust\"]\n";

    #[test]
    fn skills_and_services_are_read_and_bad_levels_reported() {
        let (team, d) = Team::parse(SKILLED);
        let messages: Vec<(&str, usize, &str)> = d
            .iter()
            .map(|d| (d.code.as_str(), d.line, d.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    "invalid-value",
                    14,
                    "the level of `terraform` must be a whole number from 1 to 4"
                ),
                (
                    "invalid-value",
                    14,
                    "the level of `dns` must be a whole number from 1 to 4"
                ),
                (
                    "bus-factor",
                    26,
                    "only Aiko Tanaka knows go at level 3 or more (scan-intake needs it)"
                ),
                (
                    "bus-factor",
                    22,
                    "only Kofi Mensah knows kafka at level 3 or more (status-fanout needs it)"
                ),
                (
                    "bus-factor",
                    26,
                    "nobody knows rust at level 3 or more (scan-intake needs it)"
                ),
            ]
        );
        assert_eq!(team.experts("postgres").len(), 2);
        assert_eq!(
            team.skill_names(),
            ["go", "kafka", "postgres", "rust"],
            "names lowercased; a bad level is not a skill"
        );
    }

    const TEAM: &str = "[[people]]\nhandle = \"dana\"\nname = \"Dana Okafor\"\nrole = \"SRE\"\n\n[[people]]\nhandle = \"bob\"\nname = \"Bob Lin\"\n";

    #[test]
    fn finds_people_by_handle_or_name_in_any_case() {
        let (team, d) = Team::parse(TEAM);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(team.find("DANA").map(|p| p.handle.as_str()), Some("dana"));
        assert_eq!(team.find("bob lin").map(|p| p.handle.as_str()), Some("bob"));
        assert_eq!(team.find("@bob").map(|p| p.handle.as_str()), Some("bob"));
        assert!(team.find("carol").is_none());
    }

    #[test]
    fn unknown_people_get_a_did_you_mean() {
        let (team, _) = Team::parse(TEAM);
        let source = "owner = \"bbo\"\n";
        let found = team.check(
            "r.md",
            source,
            &mentions(source, 0, &["bbo".to_string()], "owner"),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "unknown person \"bbo\" (as owner)");
        assert_eq!(found[0].help.as_deref(), Some("did you mean \"bob\"?"));
        assert_eq!((found[0].line, found[0].column), (1, 10));
    }

    #[test]
    fn team_file_mistakes_are_reported() {
        let (_, d) = Team::parse(
            "[[people]]\nname = \"No Handle\"\n[[people]]\nhandle = \"a\"\nemail = \"x\"\n[[people]]\nhandle = \"A\"\n",
        );
        let codes: Vec<_> = d.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(
            codes,
            vec!["missing-field", "unknown-key", "duplicate-person"]
        );
    }
}
