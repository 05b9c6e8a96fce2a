//! The Atom feeds: recent changes to the handbook, decision records (each
//! status change a commit made), after-action reviews. Every date comes from
//! the content or the history, never the clock, so feeds are as
//! reproducible as pages.

use crate::kinds::Kind;
use crate::links::relative_href;
use crate::markdown::escape;

use super::super::Site;
use super::super::context::Renderer;
use super::super::reserved::{self, CHANGES_URL, FEEDS_DIR, Feed};
use super::super::views::{self, FeedEntry, rfc3339};
use super::{Generated, Made};

/// One Atom feed under `feeds/`: when the site has it, and its entries.
pub(super) struct Atom {
    feed: Feed,
    has: fn(&Site) -> bool,
    entries: fn(&Renderer<'_>) -> Vec<FeedEntry>,
}

/// Recent commits, each linking to its entry on the recent-changes page.
pub(super) const CHANGES: Atom = Atom {
    feed: reserved::CHANGES,
    has: reserved::has_changes,
    entries: |render| {
        render
            .site
            .loaded
            .history
            .iter()
            .flat_map(|h| &h.recent)
            .map(|c| FeedEntry {
                title: c.summary.clone(),
                url: format!("{CHANGES_URL}#c-{}", c.id),
                fragment: None,
                updated: rfc3339(c.time),
                author: Some(c.author.clone()),
                summary: c.paths.join(", "),
            })
            .collect()
    },
};

/// Decision records (see [`views::adr_feed_entries`]).
pub(super) const DECISIONS: Atom = Atom {
    feed: reserved::DECISIONS,
    has: |site| site.model.kinds.count(Kind::Adr) > 0,
    entries: |render| views::adr_feed_entries(&render.cx, &render.site.model.decisions),
};

/// After-action reviews, as they are now.
pub(super) const REVIEWS: Atom = Atom {
    feed: reserved::REVIEWS,
    has: |site| site.model.kinds.count(Kind::Aar) > 0,
    entries: |render| views::review_feed_entries(&render.cx),
};

impl Generated for Atom {
    fn files(&self, site: &Site) -> Vec<String> {
        self.feed(site)
            .map(|(_, file)| format!("{FEEDS_DIR}{file}"))
            .into_iter()
            .collect()
    }

    fn feed(&self, site: &Site) -> Option<Feed> {
        (self.has)(site).then_some(self.feed)
    }

    fn render(&self, render: &Renderer<'_>) -> Vec<Made> {
        if !(self.has)(render.site) {
            return Vec::new();
        }
        let mut entries = (self.entries)(render);
        // Newest first; ties by URL, so the order never depends on maps.
        entries.sort_by(|a, b| {
            (b.updated.cmp(&a.updated))
                .then_with(|| a.url.cmp(&b.url))
                .then_with(|| b.fragment.cmp(&a.fragment))
        });
        let xml = atom(render.site, self.feed, &entries);
        vec![Ok((
            format!("{FEEDS_DIR}{}", self.feed.1),
            xml.into_bytes(),
        ))]
    }
}

fn atom(site: &Site, (title, file): Feed, entries: &[FeedEntry]) -> String {
    let base = site.loaded.config.base_url.as_deref();
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
        escape(&site.loaded.config.title),
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
