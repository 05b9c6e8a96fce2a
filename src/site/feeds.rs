//! Atom feeds and the recent-changes page, from the git history and the page
//! kinds: recent changes to the handbook, decision records, after-action
//! reviews. Every date comes from the content or the history, never the
//! clock, so feeds are as reproducible as pages.

use super::views::{ChangeRow, NavLink};
use crate::kinds::Kind;
use crate::kinds::adr::Status;
use crate::links::relative_href;
use crate::markdown::escape;

use super::context::Renderer;
use crate::pages::PageId;

use super::reserved::{CHANGES, CHANGES_URL, DECISIONS, FEEDS_DIR, Feed, available};

/// An RFC 3339 time from seconds since the epoch.
fn rfc3339(seconds: i64) -> String {
    let time = jiff::Timestamp::from_second(seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    jiff::tz::Offset::UTC
        .to_datetime(time)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

struct Entry {
    title: String,
    /// Site URL of the page it is about.
    url: String,
    /// Told apart from other entries about the same page by this fragment.
    fragment: Option<String>,
    updated: String,
    author: Option<String>,
    summary: String,
}

impl Renderer<'_> {
    /// A page's last change: git's time, else its front matter dates.
    fn updated(&self, page: PageId) -> Option<(String, Option<String>)> {
        let p = &self.site.pages[page];
        if let Some(date) = p.front.updated.as_ref().or(p.front.date.as_ref()) {
            return Some((format!("{}T00:00:00Z", date.as_str()), None));
        }
        let file = self.site.history.as_ref()?.files.get(&p.source_path)?;
        Some((rfc3339(file.updated), Some(file.updated_by.clone())))
    }

    /// The rows of the recent-changes page: commits with the pages they touched.
    #[allow(clippy::string_slice)] // an RFC 3339 time is ASCII and longer than 10 bytes
    pub(super) fn changes(&self, from_url: &str) -> Vec<ChangeRow> {
        let Some(history) = &self.site.history else {
            return Vec::new();
        };
        // Looked up once for every path of every listed commit.
        let pages: std::collections::HashMap<&str, PageId> = self
            .site
            .pages
            .enumerate()
            .filter(|(_, p)| !p.generated)
            .map(|(i, p)| (p.source_path.as_str(), i))
            .collect();
        let page_of = |path: &str| pages.get(path).copied();
        history
            .recent
            .iter()
            .map(|commit| {
                let (pages, files): (Vec<_>, Vec<_>) =
                    commit.paths.iter().partition(|p| page_of(p).is_some());
                ChangeRow {
                    id: commit.id.clone(),
                    time: rfc3339(commit.time),
                    date: rfc3339(commit.time)[..10].to_string(),
                    author: commit.author.clone(),
                    summary: commit.summary.clone(),
                    pages: pages
                        .into_iter()
                        .filter_map(|p| page_of(p))
                        .map(|i| NavLink {
                            title: self.titles[i].clone(),
                            href: relative_href(from_url, &self.site.pages[i].url),
                            current: false,
                        })
                        .collect(),
                    files: files.into_iter().cloned().collect(),
                }
            })
            .collect()
    }

    /// Every feed, as (output path, XML).
    pub(super) fn feeds(&self) -> Vec<(String, String)> {
        let site = self.site;
        let mut out = Vec::new();
        for feed in available(site) {
            let mut entries: Vec<Entry> = if feed == CHANGES {
                site.history
                    .iter()
                    .flat_map(|h| &h.recent)
                    .map(|c| Entry {
                        title: c.summary.clone(),
                        url: format!("{CHANGES_URL}#c-{}", c.id),
                        fragment: None,
                        updated: rfc3339(c.time),
                        author: Some(c.author.clone()),
                        summary: c.paths.join(", "),
                    })
                    .collect()
            } else if feed == DECISIONS {
                self.decision_entries()
            } else {
                site.pages
                    .ids()
                    .filter(|&p| site.model.kind(p) == Kind::Aar)
                    .filter_map(|p| self.page_entry(p, self.titles[p].clone()))
                    .collect()
            };
            // Newest first; ties by URL, so the order never depends on maps.
            entries.sort_by(|a, b| {
                (b.updated.cmp(&a.updated))
                    .then_with(|| a.url.cmp(&b.url))
                    .then_with(|| b.fragment.cmp(&a.fragment))
            });
            out.push((format!("{FEEDS_DIR}{}", feed.1), self.atom(feed, &entries)));
        }
        out
    }

    /// An entry for a page as it is now: dated by its last change.
    fn page_entry(&self, p: PageId, title: String) -> Option<Entry> {
        let (updated, author) = self.updated(p)?;
        let page = &self.site.pages[p];
        Some(Entry {
            title,
            url: page.url.clone(),
            fragment: None,
            updated,
            author,
            summary: page.front.description.clone().unwrap_or_default(),
        })
    }

    /// The decisions feed: an entry when a record was committed and one each
    /// time a commit changed its status; a record with no committed versions
    /// has one entry, as it is now.
    fn decision_entries(&self) -> Vec<Entry> {
        let site = self.site;
        let status = |s: Option<Status>| s.map_or("no status", Status::name);
        let label = |p: PageId| {
            let number = site.model.adr(p).and_then(|a| a.number);
            let number = number.map_or_else(|| "ADR".to_string(), |n| format!("ADR {n:04}"));
            format!("{number}: {}", self.titles[p])
        };
        let mut entries = Vec::new();
        let mut with_events = std::collections::HashSet::new();
        let log = site.history.as_ref().map_or(&[][..], |h| h.log.as_slice());
        for event in &site.decisions {
            let Some(commit) = log.get(event.commit as usize) else {
                continue;
            };
            with_events.insert(event.page);
            let what = match event.previous {
                None => format!("recorded, {}", status(event.status)),
                Some(before) => format!("{} → {}", status(before), status(event.status)),
            };
            let page = &site.pages[event.page];
            entries.push(Entry {
                title: format!("{} ({what})", label(event.page)),
                url: page.url.clone(),
                fragment: Some(format!("c-{}", commit.id)),
                updated: rfc3339(commit.time),
                author: Some(commit.author.clone()),
                summary: page.front.description.clone().unwrap_or_default(),
            });
        }
        for (p, adr) in site.model.adrs() {
            if !with_events.contains(&p) {
                let title = format!("{} ({})", label(p), status(adr.status));
                entries.extend(self.page_entry(p, title));
            }
        }
        entries
    }

    fn atom(&self, (title, file): Feed, entries: &[Entry]) -> String {
        let site = self.site;
        let base = site.config.base_url.as_deref();
        // Without base_url, links are relative to the feed file.
        let href = |url: &str| match base {
            Some(base) => format!("{base}{url}"),
            None => relative_href(FEEDS_DIR, url),
        };
        let updated = entries
            .first()
            .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |e| e.updated.clone());
        let mut xml = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
             <title>{} — {}</title>\n<id>{}</id>\n<updated>{updated}</updated>\n\
             <link rel=\"self\" href=\"{}\"/>\n<link href=\"{}\"/>\n<generator>handbook</generator>\n",
            escape(&site.config.title),
            escape(title),
            escape(&href(&format!("{FEEDS_DIR}{file}"))),
            escape(&href(&format!("{FEEDS_DIR}{file}"))),
            escape(&href("")),
        );
        for e in entries {
            // A page's URL (with the commit for one of its events), or the
            // recent-changes page with the commit id: the same from build to
            // build.
            let id = match &e.fragment {
                Some(fragment) => format!("{}#{fragment}", href(&e.url)),
                None => href(&e.url),
            };
            xml.push_str(&format!(
                "<entry>\n<title>{}</title>\n<id>{}</id>\n<link href=\"{}\"/>\n<updated>{}</updated>\n",
                escape(&e.title),
                escape(&id),
                escape(&href(&e.url)),
                e.updated
            ));
            if let Some(author) = &e.author {
                xml.push_str(&format!(
                    "<author><name>{}</name></author>\n",
                    escape(author)
                ));
            }
            if !e.summary.is_empty() {
                xml.push_str(&format!("<summary>{}</summary>\n", escape(&e.summary)));
            }
            xml.push_str("</entry>\n");
        }
        xml.push_str("</feed>\n");
        xml
    }
}
