//! The section tree: every folder that holds pages is a section with a page of
//! its own (its `index.md`/`README.md`, a page whose URL is the folder's, or a
//! generated listing), its pages in order, and its sub-sections.

use std::collections::{BTreeSet, HashMap};

use crate::content::{self, FrontMatter, Page};
use crate::pages::{PageId, PageTable};

/// One folder of the handbook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// Folder path relative to the root (`""` for the root).
    pub folder: String,
    /// The page that represents the folder.
    pub page: PageId,
    pub parent: Option<usize>,
    /// Pages directly in the folder, in display order (the section page excluded).
    pub pages: Vec<PageId>,
    /// Sub-folders, in display order.
    pub subsections: Vec<usize>,
}

/// Sections plus, for each page, where it sits.
#[derive(Debug, Default)]
pub struct Tree {
    pub sections: Vec<Section>,
    /// For each page: the section it is listed in (for a section's own page, the
    /// parent section; the root page is in the root section).
    pub parent_of: PageTable<usize>,
    /// For each page: the section it is the page of, if any.
    pub section_of: PageTable<Option<usize>>,
}

impl Tree {
    /// Ancestors of section `s` from the root down, including `s`.
    pub fn chain(&self, mut s: usize) -> Vec<usize> {
        let mut chain = vec![s];
        while let Some(p) = self.sections[s].parent {
            chain.push(p);
            s = p;
        }
        chain.reverse();
        chain
    }
}

/// Builds the tree, appending a generated page to `pages` for every folder
/// that has no page of its own. `pages` must be sorted by source path.
pub fn build(pages: &mut PageTable<Page>) -> Tree {
    let mut folders: BTreeSet<String> = BTreeSet::new();
    folders.insert(String::new());
    for page in pages.iter() {
        let mut folder = page.folder();
        loop {
            folders.insert(folder.to_string());
            match folder.rsplit_once('/') {
                Some((parent, _)) => folder = parent,
                None if !folder.is_empty() => folder = "",
                None => break,
            }
        }
    }
    // A folder's page: its index file, else a page whose URL is the folder's URL.
    let mut page_of_folder: HashMap<String, PageId> = HashMap::new();
    for (i, page) in pages.enumerate() {
        if page.is_section_index {
            page_of_folder.insert(page.folder().to_string(), i);
        }
    }
    let by_url: HashMap<&str, PageId> = pages
        .enumerate()
        .filter(|(_, p)| !p.is_section_index)
        .map(|(i, p)| (p.url.as_str(), i))
        .collect();
    let mut adopted = Vec::new();
    for folder in &folders {
        if page_of_folder.contains_key(folder) {
            continue;
        }
        if let Some(&i) = by_url.get(content::folder_url(folder).as_str()) {
            adopted.push((folder.clone(), i));
        }
    }
    for (folder, i) in adopted {
        page_of_folder.insert(folder, i);
    }
    for folder in &folders {
        if !page_of_folder.contains_key(folder) {
            let id = pages.push(generated_page(folder));
            page_of_folder.insert(folder.clone(), id);
        }
    }

    let index_of: HashMap<&str, usize> = folders
        .iter()
        .enumerate()
        .map(|(i, f)| (f.as_str(), i))
        .collect();
    let mut sections: Vec<Section> = folders
        .iter()
        .map(|folder| Section {
            folder: folder.clone(),
            page: page_of_folder[folder],
            parent: parent_folder(folder).and_then(|p| index_of.get(p).copied()),
            pages: Vec::new(),
            subsections: Vec::new(),
        })
        .collect();
    let mut section_of = PageTable::filled(pages.len(), None);
    for (s, section) in sections.iter().enumerate() {
        section_of[section.page] = Some(s);
    }
    let mut parent_of = PageTable::filled(pages.len(), 0);
    for (i, page) in pages.enumerate() {
        parent_of[i] = match section_of[i] {
            Some(s) => sections[s].parent.unwrap_or(s),
            None => index_of.get(page.folder()).copied().unwrap_or(0),
        };
        if section_of[i].is_none() {
            sections[parent_of[i]].pages.push(i);
        }
    }
    for s in 1..sections.len() {
        if let Some(p) = sections[s].parent {
            sections[p].subsections.push(s);
        }
    }
    let order = |page: &Page| {
        (
            page.front.weight.is_none(),
            page.front.weight,
            page.source_path.clone(),
        )
    };
    for s in 0..sections.len() {
        let mut list = std::mem::take(&mut sections[s].pages);
        list.sort_by_cached_key(|&i| order(&pages[i]));
        sections[s].pages = list;
        let mut subs = std::mem::take(&mut sections[s].subsections);
        subs.sort_by_cached_key(|&c| {
            let page = &pages[sections[c].page];
            (
                page.front.weight.is_none(),
                page.front.weight,
                sections[c].folder.clone(),
            )
        });
        sections[s].subsections = subs;
    }
    Tree {
        sections,
        parent_of,
        section_of,
    }
}

fn parent_folder(folder: &str) -> Option<&str> {
    if folder.is_empty() {
        return None;
    }
    Some(folder.rsplit_once('/').map_or("", |(p, _)| p))
}

/// A listing page for a folder without a page of its own.
fn generated_page(folder: &str) -> Page {
    let name = folder.rsplit('/').next().unwrap_or(folder);
    Page {
        source_path: String::new(),
        url: content::folder_url(folder),
        source: String::new(),
        body_start: 0,
        front: FrontMatter {
            title: Some(humanize(name)),
            ..FrontMatter::default()
        },
        is_section_index: true,
        generated: true,
        folder: folder.to_string(),
        diagnostics: Vec::new(),
    }
}

/// `on-call_guides` → `On call guides`.
pub fn humanize(name: &str) -> String {
    let spaced: String = name
        .chars()
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .collect();
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
