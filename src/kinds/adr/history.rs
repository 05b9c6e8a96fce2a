//! Decision history: each record's status as the commits left it, read from
//! every committed version of the record (for the decisions feed). Versions
//! are read once and their statuses kept, so rebuilding the model after an
//! edit reads only new versions.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{Settings, Status};
use crate::content;
use crate::git::History;
use crate::pages::PageId;

/// A decision record's status as one commit left it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub page: PageId,
    /// Index in the history's log.
    pub commit: u32,
    pub status: Option<Status>,
    /// The status before; `None` when the commit recorded the decision.
    pub previous: Option<Option<Status>>,
}

/// The status read from each committed version of a decision record, by
/// blob id.
#[derive(Debug, Default)]
pub struct Statuses(HashMap<gix::ObjectId, Option<Status>>);

/// Every record's events, records in the order given and each record's
/// oldest first: its first version, then each change of status. `records`
/// are `(page, source path)`; versions not yet in `statuses` are read from
/// the repository at `root`. Unreadable versions make no events; the feed
/// then has the record's current state.
pub fn events<'a>(
    root: &Path,
    history: &History,
    records: impl Iterator<Item = (PageId, &'a str)>,
    statuses: &mut Statuses,
    settings: &Settings,
) -> Vec<Event> {
    let records: Vec<(PageId, &str)> = records.collect();
    let versions = |path: &str| {
        history
            .files
            .get(path)
            .map_or(&[][..], |f| f.versions.as_slice())
    };
    let mut wanted: Vec<gix::ObjectId> = Vec::new();
    let mut seen = HashSet::new();
    for &(_, path) in &records {
        for (_, blob) in versions(path) {
            if !statuses.0.contains_key(blob) && seen.insert(*blob) {
                wanted.push(*blob);
            }
        }
    }
    if !wanted.is_empty() {
        let read = crate::git::read_blobs(root, &wanted, || {
            let mut known = HashMap::new();
            move |start: &[u8], complete: bool, all: &mut dyn FnMut() -> Option<Vec<u8>>| {
                status_of(start, complete, all, &mut known, settings)
            }
        });
        if let Ok(read) = read {
            statuses.0.extend(read);
        }
    }
    let mut events = Vec::new();
    for &(page, path) in &records {
        let mut last: Option<Option<Status>> = None;
        for &(commit, blob) in versions(path).iter().rev() {
            let Some(&status) = statuses.0.get(&blob) else {
                continue;
            };
            if last != Some(status) {
                events.push(Event {
                    page,
                    commit,
                    status,
                    previous: last,
                });
            }
            last = Some(status);
        }
    }
    events
}

/// `(day accepted, days since proposed)` for each record whose events show
/// it proposed and, later, accepted (the first time each), with the days to
/// one decimal; `log` gives the commits' times.
pub fn lead_times(events: &[Event], log: &[crate::git::Logged]) -> Vec<(String, f64)> {
    let time = |e: &Event| log.get(e.commit as usize).map(|c| c.time);
    let mut proposed: HashMap<PageId, i64> = HashMap::new();
    let mut done: HashSet<PageId> = HashSet::new();
    let mut out = Vec::new();
    // Each record's events are oldest first.
    for event in events {
        let Some(at) = time(event) else { continue };
        match event.status {
            Some(Status::Proposed) => {
                proposed.entry(event.page).or_insert(at);
            }
            Some(Status::Accepted) if !done.contains(&event.page) => {
                if let Some(&since) = proposed.get(&event.page)
                    && let Ok(when) = jiff::Timestamp::from_second(at)
                {
                    done.insert(event.page);
                    let days = ((at - since).max(0) as f64 / 8640.0).round() / 10.0;
                    let day = jiff::tz::Offset::UTC.to_datetime(when).date();
                    out.push((day.to_string(), days));
                }
            }
            _ => {}
        }
    }
    out
}

/// The status of a decision record's text (an older version's, from git),
/// from its start (all of it when `complete`) and, when that is not enough,
/// `all` of it. A status in the front matter wins over the body, so versions
/// with the same front matter as one whose front matter had a status have
/// that status: `known` keeps those by front matter, and most versions
/// (edits to the body) are never parsed, or even read past their start.
fn status_of(
    start: &[u8],
    complete: bool,
    all: &mut dyn FnMut() -> Option<Vec<u8>>,
    known: &mut HashMap<Vec<u8>, Option<Status>>,
    settings: &Settings,
) -> Option<Status> {
    // Where the front matter is, when it closes within the bytes there are
    // (a line cut at the end of a partial start is left out, so it cannot
    // pass for a closing fence) and they are UTF-8.
    let front = |bytes: &[u8]| -> Option<std::ops::Range<usize>> {
        let skip = if bytes.starts_with("\u{feff}".as_bytes()) {
            3
        } else {
            0
        };
        let text = std::str::from_utf8(&bytes[skip..]).ok()?;
        let split = content::frontmatter::split("decision.md", text).ok()?;
        split
            .format
            .is_some()
            .then_some(skip..skip + split.body_start)
    };
    let lines = match complete {
        true => start,
        false => &start[..memchr::memrchr(b'\n', start).map_or(0, |at| at + 1)],
    };
    if let Some(status) = front(lines).and_then(|f| known.get(&lines[f])) {
        return *status;
    }
    let whole;
    let bytes = match complete {
        true => start,
        false => {
            whole = all()?;
            &whole
        }
    };
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let (page, _) = content::page_from_source("decision.md", text.to_string(), false).ok()?;
    let status = super::parse(&page, settings).0.status;
    if page.front.extra_fields.get("status").is_some()
        && let Some(front) = front(bytes)
    {
        known.insert(bytes[front].to_vec(), status);
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The status of a whole text.
    fn status(text: &str, known: &mut HashMap<Vec<u8>, Option<Status>>) -> Option<Status> {
        status_of(
            text.as_bytes(),
            true,
            &mut || None,
            known,
            &Default::default(),
        )
    }

    #[test]
    fn an_older_version_status_comes_from_front_matter_then_body() {
        let mut known = HashMap::new();
        let toml = "+++\ntitle = \"Queues\"\nstatus = \"proposed\"\n+++\nWe queue.\n";
        assert_eq!(status(toml, &mut known), Some(Status::Proposed));
        assert_eq!(
            known.len(),
            1,
            "a front-matter status is kept by its front matter"
        );
        // The same front matter with another body (even one naming a status):
        // front matter wins, so the kept status is right.
        let edited = "+++\ntitle = \"Queues\"\nstatus = \"proposed\"\n+++\n* Status: accepted\n";
        assert_eq!(status(edited, &mut known), Some(Status::Proposed));
        // Statuses in the body are read every time, never kept.
        let madr = |s: &str| format!("+++\ntitle = \"Queues\"\n+++\n* Status: {s}\n");
        assert_eq!(
            status(&madr("accepted"), &mut known),
            Some(Status::Accepted)
        );
        assert_eq!(
            status(&madr("rejected"), &mut known),
            Some(Status::Rejected)
        );
        assert_eq!(known.len(), 1);
        // A byte-order mark hides nothing; a different front matter is parsed.
        let bom = "\u{feff}+++\ntitle = \"Queues\"\nstatus = \"accepted\"\n+++\nWe queue.\n";
        assert_eq!(status(bom, &mut known), Some(Status::Accepted));
        assert_eq!(status("no front matter, no status\n", &mut known), None);
    }

    #[test]
    fn the_start_of_a_version_is_enough_when_its_front_matter_is_known() {
        let mut known = HashMap::new();
        let text = "+++\ntitle = \"Queues\"\nstatus = \"proposed\"\n+++\nWe queue, and more.\n";
        assert_eq!(status(text, &mut known), Some(Status::Proposed));
        let mut asked = 0;
        let mut all = || {
            asked += 1;
            Some(text.as_bytes().to_vec())
        };
        // Cut in the body: the known front matter answers.
        let cut = &text.as_bytes()[..text.len() - 5];
        assert_eq!(
            status_of(cut, false, &mut all, &mut known, &Default::default()),
            Some(Status::Proposed)
        );
        // Cut inside the closing fence: not enough, so all of it is read.
        let fence = text.find("+++\nWe").expect("fence") + 2;
        let cut = &text.as_bytes()[..fence];
        assert_eq!(
            status_of(cut, false, &mut all, &mut known, &Default::default()),
            Some(Status::Proposed)
        );
        assert_eq!(asked, 1);
        // An unknown front matter is parsed from all of it.
        let other = "+++\ntitle = \"Queues\"\nstatus = \"accepted\"\n+++\nWe queue.\n";
        let mut all = || Some(other.as_bytes().to_vec());
        assert_eq!(
            status_of(
                &other.as_bytes()[..40],
                false,
                &mut all,
                &mut known,
                &Default::default()
            ),
            Some(Status::Accepted)
        );
    }
}
