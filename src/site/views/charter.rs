//! How the charter is shown: its purpose, mission and metrics on its page
//! (`page.charter`).

use super::{Cx, KindView, Slots, slot};
use crate::pages::PageId;

/// The charter views (see the module docs).
pub(super) struct Charters;

impl KindView for Charters {
    /// `page.charter`: the [`crate::kinds::charter::Charter`] as read.
    fn page(&self, cx: &Cx<'_>, id: PageId, slots: &mut Slots) {
        slots.insert("charter", slot(cx.model.charter(id)));
    }
}
