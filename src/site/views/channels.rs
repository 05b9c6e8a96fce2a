//! How the channel guide is shown: its rows on its page (`page.channels`).

use super::{Cx, KindView, Slots, slot};
use crate::pages::PageId;

/// The channel guide views (see the module docs).
pub(super) struct ChannelGuides;

impl KindView for ChannelGuides {
    fn llms_group(&self) -> &'static str {
        "Charter and channels"
    }

    /// `page.channels`: the [`crate::kinds::channels::Channel`] rows.
    fn page(&self, cx: &Cx<'_>, id: PageId, slots: &mut Slots) {
        slots.insert("channels", slot(cx.model.channels(id)));
    }
}
