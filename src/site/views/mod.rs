//! How the handbook is shown: the view models templates see (the documented
//! template API, [`model`]) and, one file per page kind, what each kind
//! adds to them. A kind's views file implements `KindView`; the renderer
//! calls every view in `ALL` and never names a kind itself, so a kind's
//! presentation (its record on its page, its section listing, its part of
//! the home page, of person pages and of the search filters) lives in one
//! file.
//!
//! A kind adds to a generic view by name, in that view's [`Slots`]: the ADR
//! view puts `adr` on every page (the record, or `null`), `adr_log` in
//! every page's `nav`, `recent_adrs` in the home page's summary. Templates
//! see these as fields (`page.adr.number`), exactly as if they were
//! declared in the view model.

mod adr;
mod channels;
mod charter;
mod cx;
pub mod model;
mod review;
mod runbook;

use std::collections::BTreeMap;

use crate::kinds::{Entry, Kind, Model};
use crate::pages::PageId;
use crate::search::Facts;

pub(super) use adr::feed_entries as adr_feed_entries;
pub(super) use cx::{Cx, initials, rfc3339};
pub use model::*;
pub(super) use review::{action_rows, feed_entries as review_feed_entries, owner_load};

/// How many entries each list on the home page shows.
pub(in crate::site) const HOME_LIST: usize = 5;

/// What the page kinds add to one view, by field name. Values are
/// serialised once, when the view is made; templates see them as fields of
/// the view.
pub type Slots = BTreeMap<&'static str, serde_json::Value>;

/// A value a template's truth test finds false: nothing to show.
pub(in crate::site) fn is_blank(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

/// `value` as a slot value (a view model that cannot be serialised, which
/// none of ours is, shows as `null`).
pub(in crate::site) fn slot(value: impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// Everything one page kind shows beyond a generic page. Every method has a
/// default that adds nothing; each fills only the slots it names, and fills
/// them on every call (with an empty value when it has nothing), so every
/// page's view has the same fields.
pub(in crate::site) trait KindView: Sync {
    /// Its part of page `id`'s own view (`page.adr`).
    fn page(&self, _cx: &Cx<'_>, _id: PageId, _slots: &mut Slots) {}

    /// Its listing on section pages (`nav.adr_log`): `section` holds the
    /// section's pages when `id` is a section's page.
    fn listing(&self, _cx: &Cx<'_>, _id: PageId, _section: Option<&[PageId]>, _slots: &mut Slots) {}

    /// True when its listing shows this page, so the section does not list
    /// it again as a plain page.
    fn lists(&self, _entry: &Entry) -> bool {
        false
    }

    /// True when its record shows the page's review schedule itself.
    fn shows_schedule(&self, _entry: &Entry) -> bool {
        false
    }

    /// Who owns the page, by its record.
    fn owner<'m>(&self, _entry: &'m Entry) -> Option<&'m str> {
        None
    }

    /// Header links it adds to every page (`site.actions_href`); `href`
    /// turns a site URL into a link from the page being rendered.
    fn site(&self, _model: &Model, _href: &dyn Fn(&str) -> String, _slots: &mut Slots) {}

    /// Its part of the home page's summary.
    fn home(&self, _cx: &Cx<'_>, _from_url: &str, _slots: &mut Slots) {}

    /// What a person does in it, for their page at `url` (`person` slots)
    /// and that page's lists (`aggregates` slots).
    fn person(
        &self,
        _cx: &Cx<'_>,
        _url: &str,
        _is_them: &dyn Fn(&str) -> bool,
        _person: &mut Slots,
        _aggregates: &mut Slots,
    ) {
    }

    /// The heading its pages are listed under in `llms.txt`.
    fn llms_group(&self) -> &'static str {
        "Pages"
    }

    /// Its records in the JSON export (`adrs`, `runbooks`, `actions`; see
    /// `generated/handbook.schema.json`), URLs relative to the site root.
    fn export(&self, _cx: &Cx<'_>, _slots: &mut Slots) {}

    /// What it counts for a person in the people index.
    fn person_row(&self, _model: &Model, _is_them: &dyn Fn(&str) -> bool, _slots: &mut Slots) {}

    /// Search filter values of page `id` (`status`, `service`, …).
    fn facets(&self, _entry: &Entry, _facets: &mut Vec<(&'static str, String)>) {}

    /// What search finds the page by beyond its text: its names (alerts, ADR
    /// numbers) and facts (owner, service, status, severity).
    fn search_facts(&self, _model: &Model, _entry: &Entry, _facts: &mut Facts) {}
}

/// A person named in a page's facts, as search finds them: as written, and
/// by the handle and full name `team.toml` gives them.
pub(in crate::site) fn person_facts(model: &Model, name: &str, facts: &mut Facts) {
    facts.about(name);
    if let Some(person) = model.team.as_ref().and_then(|t| t.find(name)) {
        facts.about(&person.handle);
        facts.about(&person.name);
    }
}

/// A plain page: nothing beyond the generic view.
struct Plain;

impl KindView for Plain {}

/// Every kind's views, in the order they fill the views (the registry: a
/// new kind's views are one line here).
pub(in crate::site) const ALL: [&dyn KindView; 6] = [
    &Plain,
    &adr::Adrs,
    &runbook::Runbooks,
    &review::Reviews,
    &charter::Charters,
    &channels::ChannelGuides,
];

/// Every kind's views in `llms.txt` order: records first, plain pages last.
pub(in crate::site) fn llms_order() -> impl Iterator<Item = &'static dyn KindView> {
    ALL.iter().skip(1).chain(ALL.first()).copied()
}

/// The views of `kind`. A kind without views does not compile.
pub(in crate::site) fn of(kind: Kind) -> &'static dyn KindView {
    match kind {
        Kind::Page => ALL[0],
        Kind::Adr => ALL[1],
        Kind::Runbook => ALL[2],
        Kind::Aar | Kind::Retro => ALL[3],
        Kind::Charter => ALL[4],
        Kind::Channels => ALL[5],
    }
}

/// Fills `slots` with every kind's `fill`, in registry order.
pub(super) fn fill(slots: &mut Slots, mut fill: impl FnMut(&dyn KindView, &mut Slots)) {
    for view in ALL {
        fill(view, slots);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_views_in_the_registry_and_every_view_a_kind() {
        let same = |a: &dyn KindView, b: &dyn KindView| {
            std::ptr::addr_eq(a as *const dyn KindView, b as *const dyn KindView)
        };
        for kind in Kind::ALL {
            assert!(ALL.iter().any(|v| same(*v, of(kind))), "{}", kind.name());
        }
        for (i, view) in ALL.iter().enumerate() {
            assert!(Kind::ALL.iter().any(|&k| same(of(k), *view)), "ALL[{i}]");
        }
    }
}
