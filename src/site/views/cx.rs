//! What every view reads: the site's pages, their titles and the kinds
//! model, borrowed for one render, and the links and listing entries made
//! from them (every href relative to the page being rendered).

use super::model::{ChildView, FeedEntry, NavLink, PersonRef};
use crate::content::Page;
use crate::kinds::Model;
use crate::links::relative_href;
use crate::pages::{PageId, PageTable};

/// The borrowed inputs of the views (see the module docs).
#[derive(Clone, Copy)]
pub(in crate::site) struct Cx<'a> {
    pub pages: &'a PageTable<Page>,
    pub model: &'a Model,
    pub titles: &'a PageTable<String>,
    pub history: Option<&'a crate::git::History>,
    /// `[links] tickets`: a URL with `{id}`.
    pub tickets_url: Option<&'a str>,
}

impl Cx<'_> {
    /// A link from the page at `from_url` to page `to`.
    pub fn link(&self, from_url: &str, to: PageId, current: bool) -> NavLink {
        NavLink {
            title: self.titles[to].clone(),
            href: relative_href(from_url, &self.pages[to].url),
            current,
        }
    }

    /// Page `i` as an entry in a listing on the page at `from_url`.
    pub fn child(&self, from_url: &str, i: PageId) -> ChildView {
        let page = &self.pages[i];
        ChildView {
            title: self.titles[i].clone(),
            href: relative_href(from_url, &page.url),
            description: page.front.description.clone(),
            date: page.front.date.as_ref().map(|d| d.as_str().to_string()),
            kind: self.model.kind(i).name().to_string(),
            kind_label: self.model.kind(i).label(),
        }
    }

    /// `written` (a handle or a name) as a person, from the page at `from_url`.
    pub fn person(&self, from_url: &str, written: &str) -> PersonRef {
        let known = self.model.team.as_ref().and_then(|t| t.find(written));
        let name = known.map_or_else(|| written.trim().to_string(), |p| p.name.clone());
        PersonRef {
            initials: initials(&name),
            href: known
                .map(|p| relative_href(from_url, &super::super::reserved::person_url(&p.handle))),
            name,
        }
    }

    /// The page of ticket `id` (`HAR-431`), with `[links] tickets`.
    pub fn ticket_href(&self, id: &str) -> Option<String> {
        let id = id.trim();
        let safe = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '#'));
        let id = id.trim_start_matches('#');
        self.tickets_url
            .filter(|_| safe)
            .map(|url| url.replace("{id}", id))
    }

    /// Each of `written` as a person (see [`Cx::person`]).
    pub fn people(&self, from_url: &str, written: &[String]) -> Vec<PersonRef> {
        written.iter().map(|w| self.person(from_url, w)).collect()
    }

    /// `pages` as listing entries, newest first (by front matter `date`,
    /// ties in page order).
    pub fn newest(&self, from_url: &str, pages: impl Iterator<Item = PageId>) -> Vec<ChildView> {
        let mut list: Vec<PageId> = pages.collect();
        list.sort_by(|&a, &b| {
            let date = |p: PageId| self.pages[p].front.date.clone();
            date(b).cmp(&date(a)).then(a.cmp(&b))
        });
        list.into_iter().map(|p| self.child(from_url, p)).collect()
    }

    /// A page's last change: git's time, else its front matter dates.
    fn updated(&self, page: PageId) -> Option<(String, Option<String>)> {
        let p = &self.pages[page];
        if let Some(date) = p.front.updated.as_ref().or(p.front.date.as_ref()) {
            return Some((format!("{}T00:00:00Z", date.as_str()), None));
        }
        let file = self.history?.files.get(&p.source_path)?;
        Some((rfc3339(file.updated), Some(file.updated_by.clone())))
    }

    /// An entry for a page as it is now: dated by its last change.
    pub fn page_entry(&self, p: PageId, title: String) -> Option<FeedEntry> {
        let (updated, author) = self.updated(p)?;
        let page = &self.pages[p];
        Some(FeedEntry {
            title,
            url: page.url.clone(),
            fragment: None,
            updated,
            author,
            summary: page.front.description.clone().unwrap_or_default(),
        })
    }
}

/// Up to two initials of a name: `Ines Duarte` → `ID`, `kofi` → `K`.
pub(in crate::site) fn initials(name: &str) -> String {
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_' || c == '.')
        .filter(|w| w.chars().next().is_some_and(char::is_alphanumeric))
        .collect();
    let pick = match words.as_slice() {
        [] => Vec::new(),
        [one] => vec![*one],
        [first, .., last] => vec![*first, *last],
    };
    pick.iter()
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}

/// An RFC 3339 time from seconds since the epoch.
pub(in crate::site) fn rfc3339(seconds: i64) -> String {
    let time = jiff::Timestamp::from_second(seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    jiff::tz::Offset::UTC
        .to_datetime(time)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}
