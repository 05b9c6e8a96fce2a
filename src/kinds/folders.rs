//! Which kind a page is: front matter, file name, or the nearest folder rule
//! (configured in `[kinds]`, else the built-in names, matched ignoring case;
//! templates in a decision folder are pages).

use super::*;

/// Folder names that imply a kind unless `[kinds]` says otherwise.
pub(super) const DEFAULT_FOLDERS: &[(&str, Kind)] = &[
    ("architecture/decisions", Kind::Adr),
    ("decisions", Kind::Adr),
    ("adr", Kind::Adr),
    ("adrs", Kind::Adr),
    ("runbooks", Kind::Runbook),
    ("playbooks", Kind::Runbook),
    ("aars", Kind::Aar),
    ("postmortems", Kind::Aar),
    ("post-mortems", Kind::Aar),
    ("incidents", Kind::Aar),
    ("reviews", Kind::Aar),
    ("retros", Kind::Retro),
    ("retrospectives", Kind::Retro),
];

/// Folder → kind rules: the configured ones first, then the defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FolderKinds {
    /// Folder (`""` for the handbook's root) and kind, as `[kinds]` lists them.
    pub configured: Vec<(String, Kind)>,
    /// Where each configured folder is written in `handbook.toml`.
    pub spans: Vec<Range<usize>>,
    /// `[adr] not_records`: file names (`*` matches anything) that a
    /// decision folder holds but that are not decisions: templates.
    pub not_records: Vec<String>,
}

impl Default for FolderKinds {
    fn default() -> Self {
        FolderKinds {
            configured: Vec::new(),
            spans: Vec::new(),
            not_records: vec!["*template*.md".to_string()],
        }
    }
}

/// True when file name `name` matches `pattern`, ignoring case; `*` in the
/// pattern matches any run of characters.
pub(super) fn name_matches(pattern: &str, name: &str) -> bool {
    let pattern = pattern.to_lowercase();
    let name = name.to_lowercase();
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = rest.get(i + part.len()..).unwrap_or_default(),
            None => return false,
        }
    }
    rest.ends_with(last)
}

impl FolderKinds {
    /// The kind the folders around `folder` imply, nearest folder first.
    pub fn for_folder(&self, folder: &str) -> Option<Kind> {
        self.matching(folder).map(|(_, kind)| kind)
    }

    /// The nearest folder around `folder` (itself included) that a rule
    /// gives a kind, and the kind.
    pub fn matching<'f>(&self, folder: &'f str) -> Option<(&'f str, Kind)> {
        let mut current = folder;
        loop {
            if current.is_empty() {
                // `"." = "aar"` covers the files at the root, not every folder.
                return self
                    .configured
                    .iter()
                    .find(|(f, _)| f.is_empty() && folder.is_empty())
                    .map(|&(_, kind)| ("", kind));
            }
            let rules = self
                .configured
                .iter()
                .map(|(f, k)| (f.as_str(), *k))
                .chain(DEFAULT_FOLDERS.iter().copied());
            // Folder names match ignoring case (`DECISIONS/`, `Runbooks/`), as
            // teams name them however they like.
            let name_len = current.len();
            for (rule, kind) in rules {
                let tail = name_len
                    .checked_sub(rule.len())
                    .and_then(|at| current.get(at..).map(|tail| (at, tail)));
                let matches = tail.is_some_and(|(at, tail)| {
                    tail.eq_ignore_ascii_case(rule)
                        && (at == 0 || current.as_bytes().get(at - 1) == Some(&b'/'))
                });
                if matches {
                    return Some((current, kind));
                }
            }
            current = current.rsplit_once('/').map_or("", |(parent, _)| parent);
        }
    }
}

/// The kind of one page. A folder's own page (`decisions/README.md`) is a plain
/// page: it is where the folder's log is shown, not a record itself.
pub fn infer(
    path: &str,
    source: &str,
    declared: Option<(&str, Range<usize>)>,
    is_section_index: bool,
    folders: &FolderKinds,
) -> (Kind, Option<Diagnostic>) {
    if let Some((name, span)) = declared {
        return match Kind::parse(name) {
            Some(kind) => (kind, None),
            None => {
                let d = Diagnostic::error(
                    crate::diagnostics::Code::UnknownValue,
                    path,
                    format!("unknown kind \"{name}\""),
                )
                .at(source, span)
                .with_help(format!("allowed values: {}", Kind::names()));
                (Kind::Page, Some(d))
            }
        };
    }
    if is_section_index {
        return (Kind::Page, None);
    }
    let (folder, file) = path.rsplit_once('/').unwrap_or(("", path));
    let by_name = match file.to_ascii_lowercase().as_str() {
        "charter.md" => Some(Kind::Charter),
        "channels.md" | "communication.md" => Some(Kind::Channels),
        _ => None,
    };
    let kind = by_name
        .or_else(|| folders.for_folder(folder))
        .unwrap_or(Kind::Page);
    // A decision folder's template is not a decision.
    if kind == Kind::Adr && folders.not_records.iter().any(|p| name_matches(p, file)) {
        return (Kind::Page, None);
    }
    (kind, None)
}
