//! What every view reads: the site's pages, their titles and the kinds
//! model, borrowed for one render, and the links and listing entries made
//! from them (every href relative to the page being rendered).

use super::model::{ChildView, NavLink};
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
        }
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
}
