//! The view models templates see. This is the documented template API: every
//! field here is available in every template as `site.*`, `page.*`, `nav.*`.
//!
//! All `href` values are relative to the page being rendered, so the output works
//! under any sub-path. Navigation is bounded: a page carries its breadcrumbs, a
//! window of its section's pages and its prev/next, never the whole site tree.

use serde::Serialize;

use super::Slots;
use crate::markdown::TocEntry;

/// Everything a template is rendered with.
#[derive(Debug, Serialize)]
pub struct PageContext<'a> {
    pub site: SiteView<'a>,
    pub page: PageView<'a>,
    pub nav: NavView,
    /// Handbook-wide lists, filled only on the pages that show them.
    pub aggregates: Aggregates,
    /// True when the page's article is rendered into the whole-handbook
    /// document: its page chrome (contents, previous/next, edit links,
    /// backlinks) is left out and its regions are not named landmarks,
    /// which would repeat once per page.
    pub document: bool,
}

/// Lists gathered from the whole handbook: the action tracker, people pages and
/// the home page's health summary.
#[derive(Debug, Default, Serialize)]
pub struct Aggregates {
    /// What the page kinds list on generated pages (`actions`: the tracker
    /// lists all action items, a person page theirs).
    #[serde(flatten)]
    pub kinds: Slots,
    pub person: Option<PersonView>,
    pub people: Vec<PersonRow>,
    /// On the home page.
    pub health: Option<Health>,
    /// On the needs-review page: pages whose review is overdue or due soon.
    pub reviews_due: Vec<ReviewRow>,
    /// On the recent-changes page: the latest commits.
    pub changes: Vec<ChangeRow>,
    /// On the search page: how to show filter values (`kind` → `ADR`,
    /// an owner's handle → their name), as JSON.
    pub search_labels: Option<String>,
    /// On the whole-handbook document (`print/`).
    pub print: Option<PrintView>,
}

/// The whole handbook as one document: its contents, and where its pages go.
#[derive(Debug, Serialize)]
pub struct PrintView {
    pub contents: Vec<PrintEntry>,
    /// The date it was built (the build's "today").
    pub date: String,
    /// Rendered raw where the pages go; the pages replace it.
    pub pages: &'static str,
}

/// A page in the document's contents, in navigation order.
#[derive(Debug, Serialize)]
pub struct PrintEntry {
    pub title: String,
    /// `#` and the page's anchor in the document.
    pub href: String,
    /// 1 for the home page, 2 for a top-level section or page, ...
    pub level: usize,
    /// A decision record's number (`0007`).
    pub number: Option<String>,
}

/// A page with a review schedule, as the needs-review page lists it.
#[derive(Clone, Debug, Serialize)]
pub struct ReviewRow {
    pub title: String,
    pub href: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub owner: Option<String>,
    pub owner_person: Option<PersonRef>,
    /// `overdue` or `due-soon`.
    pub review: &'static str,
    pub next_review: Option<String>,
    pub last_reviewed: Option<String>,
    /// True when `last_reviewed` is the page's last commit.
    pub from_git: bool,
    pub review_every: String,
}

/// A person's page.
#[derive(Debug, Serialize)]
pub struct PersonView {
    pub handle: String,
    pub name: String,
    pub initials: String,
    pub role: Option<String>,
    pub contact: Option<String>,
    /// What the page kinds say they do: `owns` (runbooks), `decided`
    /// (ADRs), `reviews` (reviews they took part in).
    #[serde(flatten)]
    pub kinds: Slots,
}

/// A row of the people index.
#[derive(Debug, Serialize)]
pub struct PersonRow {
    pub handle: String,
    pub name: String,
    pub initials: String,
    pub role: Option<String>,
    pub href: String,
    /// What the page kinds count for them (`open_actions`).
    #[serde(flatten)]
    pub kinds: Slots,
}

/// The home page's summary of what needs attention.
#[derive(Debug, Default, Serialize)]
pub struct Health {
    /// What each page kind summarises (`open_actions`, `recent_adrs`,
    /// `runbooks_due`, …; see the kinds' views).
    #[serde(flatten)]
    pub kinds: Slots,
    /// The needs-review page, when any page is overdue or due soon.
    pub needs_review_href: Option<String>,
    /// The team health dashboard, when there are surveys.
    pub team_health: Option<TeamHealthCard>,
}

/// The home page's team health card.
#[derive(Debug, Serialize)]
pub struct TeamHealthCard {
    pub href: String,
    /// The latest period (`2026-Q3`).
    pub latest: String,
    /// How many dimensions the checks warn about.
    pub alerts: usize,
}

impl Health {
    /// True when the handbook has nothing for the summary to show.
    pub fn is_empty(&self) -> bool {
        self.needs_review_href.is_none()
            && self.team_health.is_none()
            && self.kinds.values().all(super::is_blank)
    }
}

/// Site-wide values.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    /// Absolute URL of the published site (ends in `/`), if configured.
    pub base_url: Option<&'a str>,
    /// Relative prefix from this page to the site root (`./`, `../../`).
    pub root: String,
    /// Href of the theme's static files folder, ending in `/`.
    pub theme: String,
    /// The stylesheet itself, for a page that must look right at any URL
    /// (the 404 page, which a host answers any missing path with).
    pub inline_style: Option<String>,
    /// Top-level sections.
    pub sections: Vec<NavLink>,
    /// The header's links (`[nav] links`, or the top-level sections with
    /// the charter and channel guide).
    pub nav: Vec<NavLink>,
    /// Where the home page's dashboard sits: `first` or `last`.
    pub dashboard: &'static str,
    /// Href of the header's logo image, when `logo` is set.
    pub logo: Option<String>,
    /// Href of `nav.json`, the whole navigation tree, from which the theme
    /// opens the branches a page does not carry.
    pub nav_data: String,
    /// Pages the page kinds add to the header (`actions_href`: the action
    /// tracker).
    #[serde(flatten)]
    pub kinds: Slots,
    /// The people index, when the handbook has a team.
    pub people_href: Option<String>,
    /// The search page, when search is enabled; the index lives beside it.
    pub search_href: Option<String>,
    /// The whole handbook as one document, when it is built.
    pub print_href: Option<String>,
    /// Atom feeds (recent changes, decisions, after-action reviews) the site has.
    pub feeds: Vec<FeedLink>,
    /// The recent-changes page, when the handbook is in git.
    pub changes_href: Option<String>,
    /// The team health dashboard, when there are surveys.
    pub team_health_href: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FeedLink {
    pub title: &'static str,
    pub href: String,
}

/// One commit on the recent-changes page.
#[derive(Clone, Debug, Serialize)]
pub struct ChangeRow {
    /// Abbreviated commit id.
    pub id: String,
    pub time: String,
    pub date: String,
    pub author: String,
    pub summary: String,
    /// The pages it changed.
    pub pages: Vec<NavLink>,
    /// Other files it changed (assets, configuration), as paths.
    pub files: Vec<String>,
}

/// A person where a page names them: their name from `team.toml` (else as
/// written), their person page when the team knows them, and initials for
/// an avatar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PersonRef {
    pub name: String,
    pub href: Option<String>,
    pub initials: String,
}

/// A link in navigation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NavLink {
    pub title: String,
    pub href: String,
    /// True when the link points at the page being rendered (or its ancestor, in
    /// the header).
    pub current: bool,
}

/// The page being rendered.
#[derive(Debug, Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    /// Id of the page title's anchor (from a leading `# Heading`).
    pub title_id: Option<&'a str>,
    pub description: Option<&'a str>,
    pub date: Option<&'a str>,
    pub updated: Option<&'a str>,
    pub tags: &'a [String],
    /// `page`, or the kind given in front matter.
    pub kind: &'a str,
    pub draft: bool,
    /// URL relative to the site root (`""` for the home page).
    pub url: &'a str,
    /// Absolute URL, when `base_url` is set.
    pub permalink: Option<String>,
    /// Source path relative to the handbook root; `None` for generated pages.
    pub source_path: Option<String>,
    /// The page's markdown copy, relative to the page (`[output] markdown_copies`).
    pub markdown_href: Option<String>,
    /// Rendered body HTML (use `{{ page.content | safe }}`).
    pub content: &'a str,
    pub toc: &'a [TocEntry],
    /// Pages that link here ("Linked from").
    pub backlinks: Vec<NavLink>,
    /// Front-matter keys the tool does not know, as written.
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
    /// The page's record, under its kind's name (`adr`, `runbook`,
    /// `review`, `charter`, `channels`; `null` on other pages).
    #[serde(flatten)]
    pub record: Slots,
    /// A page's `[[raci]]` rows as an activities × people matrix.
    pub raci: Option<RaciMatrix>,
    /// A decision's `[rapid]` roles.
    pub rapid: Option<RapidView>,
    /// What the repository's history says about the page (when it is in one).
    pub history: Option<HistoryView>,
    /// A page's review schedule (`review_every`), on pages whose record does
    /// not show it (a runbook's is in `runbook`): `last_reviewed`, `from_git`,
    /// `review_every`, `next_review`, `review` (`current`, `due-soon`, `overdue`).
    pub review_schedule: Option<&'a crate::kinds::schedule::Schedule>,
    /// Where to edit the page's source and browse its commits on the forge.
    pub edit_url: Option<String>,
    pub history_url: Option<String>,
}

/// A page's history: front matter `updated` and `date` win over git.
#[derive(Debug, Serialize)]
pub struct HistoryView {
    /// When it last changed: `2026-10-30T09:12:00Z` from git, or the front
    /// matter date.
    pub updated: String,
    /// `2026-10-30`
    pub updated_date: String,
    /// `3 weeks ago`, counted from the build's "today".
    pub updated_ago: String,
    /// Who made the last commit (absent when front matter sets `updated`).
    pub updated_by: Option<String>,
    pub created: String,
    pub created_date: String,
    /// Who wrote it, by number of commits.
    pub authors: Vec<AuthorView>,
    pub commits: u32,
}

#[derive(Debug, Serialize)]
pub struct AuthorView {
    pub name: String,
    pub commits: u32,
}

/// Activities × people, each cell the person's letters (`R`, `A`, `C`, `I`).
#[derive(Debug, Serialize)]
pub struct RaciMatrix {
    /// Column headings, in order of first appearance.
    pub people: Vec<PersonRef>,
    pub rows: Vec<RaciMatrixRow>,
}

/// A page's RAPID roles, each a list of people.
#[derive(Debug, Serialize)]
pub struct RapidView {
    pub recommend: Vec<PersonRef>,
    pub agree: Vec<PersonRef>,
    pub perform: Vec<PersonRef>,
    pub input: Vec<PersonRef>,
    pub decide: Vec<PersonRef>,
}

#[derive(Debug, Serialize)]
pub struct RaciMatrixRow {
    pub activity: String,
    /// One per person in `people`; empty when they have no role.
    pub cells: Vec<String>,
}

impl RaciMatrix {
    /// The matrix of `rows`, each person shown as `person` makes them.
    pub fn new(
        rows: &[crate::kinds::roles::RaciRow],
        person: &dyn Fn(&str) -> PersonRef,
    ) -> RaciMatrix {
        let mut people: Vec<String> = Vec::new();
        for row in rows {
            for name in row
                .responsible
                .iter()
                .chain(&row.accountable)
                .chain(&row.consulted)
                .chain(&row.informed)
            {
                if !people.contains(name) {
                    people.push(name.clone());
                }
            }
        }
        let rows = rows
            .iter()
            .map(|row| RaciMatrixRow {
                activity: row.activity.clone(),
                cells: people
                    .iter()
                    .map(|person| {
                        let lists = [
                            (&row.responsible, "R"),
                            (&row.accountable, "A"),
                            (&row.consulted, "C"),
                            (&row.informed, "I"),
                        ];
                        lists
                            .iter()
                            .filter(|(list, _)| list.contains(person))
                            .map(|(_, letter)| *letter)
                            .collect::<Vec<_>>()
                            .join("/")
                    })
                    .collect(),
            })
            .collect();
        RaciMatrix {
            people: people.iter().map(|p| person(p)).collect(),
            rows,
        }
    }
}

/// An entry of the navigation tree.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TreeNode {
    pub title: String,
    pub href: String,
    /// The page being rendered.
    pub current: bool,
    /// On the way to the page being rendered: its entries are listed.
    pub open: bool,
    /// A numbered record's number (`0007`), shown before its title.
    pub number: Option<String>,
    /// A closed section with entries: its folder, the key of its entries in
    /// `nav.json`.
    pub folder: Option<String>,
    /// The listed entries (of an open section), a window of them.
    pub children: Vec<TreeNode>,
    /// How many entries come before / after the window.
    pub more_before: usize,
    pub more_after: usize,
}

/// Where the page sits in the handbook.
#[derive(Debug, Default, Serialize)]
pub struct NavView {
    /// The navigation tree from the root, open down to this page.
    pub tree: Option<TreeNode>,
    /// From the home page down to the page's section (excluding the page).
    pub breadcrumbs: Vec<NavLink>,
    /// The section the page belongs to.
    pub section: Option<NavLink>,
    /// A window of the section's pages around this one.
    pub siblings: Vec<NavLink>,
    /// How many of the section's pages come before / after the window.
    pub more_before: usize,
    pub more_after: usize,
    /// For section pages: their sub-sections and pages.
    pub subsections: Vec<ChildView>,
    pub children: Vec<ChildView>,
    /// The page kinds' listings of a section (`adr_log`, `runbook_index`,
    /// `alerts`); empty on other pages.
    #[serde(flatten)]
    pub listings: Slots,

    pub prev: Option<NavLink>,
    pub next: Option<NavLink>,
}

/// An entry in a section listing.
#[derive(Clone, Debug, Serialize)]
pub struct ChildView {
    pub title: String,
    pub href: String,
    pub description: Option<String>,
    pub date: Option<String>,
    pub kind: String,
    /// The kind as readers name it (`ADR`).
    pub kind_label: &'static str,
}

/// One entry of an Atom feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedEntry {
    pub title: String,
    /// Site URL of the page it is about.
    pub url: String,
    /// Told apart from other entries about the same page by this fragment.
    pub fragment: Option<String>,
    /// RFC 3339.
    pub updated: String,
    pub author: Option<String>,
    pub summary: String,
}
