//! Every URL the tool itself generates (outside the pages' own), in one
//! place: the action tracker, people pages, search, needs-review, recent
//! changes and the feeds. The generated outputs and the views that link to
//! them read them from here.

use super::Site;

pub(super) const ACTIONS_URL: &str = "actions/";
pub(super) const PEOPLE_URL: &str = "people/";
/// The skills matrix, when `team.toml` records skills or services.
pub(super) const SKILLS_URL: &str = "skills/";
/// The team health dashboard, when `health/` has surveys (not `health/`,
/// which holds the survey files).
pub(super) const TEAM_HEALTH_URL: &str = "team-health/";
pub(super) const SEARCH_URL: &str = "search/";
pub(super) const REVIEWS_URL: &str = "needs-review/";
/// The whole handbook as one document (`[print] enabled`).
pub(super) const PRINT_URL: &str = "print/";

pub(super) const CHANGES_URL: &str = "changes/";
pub(super) const FEEDS_DIR: &str = "feeds/";

/// The URL of a person's page.
pub(super) fn person_url(handle: &str) -> String {
    format!("{PEOPLE_URL}{}/", crate::content::slugify(handle))
}

/// A feed the site offers: (title, file under `feeds/`).
pub(super) type Feed = (&'static str, &'static str);

pub(super) const CHANGES: Feed = ("Recent changes", "changes.xml");
pub(super) const DECISIONS: Feed = ("Decisions", "decisions.xml");
pub(super) const REVIEWS: Feed = ("After-action reviews", "reviews.xml");

/// Whether the recent-changes page is written.
pub(super) fn has_changes(site: &Site) -> bool {
    site.loaded
        .history
        .as_ref()
        .is_some_and(|h| !h.recent.is_empty())
}
