//! Typed page ids: [`PageId`] names one page of a loaded site, and
//! [`PageTable`] holds one value per page, indexable only by a `PageId`, so a
//! page index can never be confused with a line, an asset or a count. The
//! lowest layer beside `paths`: it knows nothing about what a page is.

use std::ops::{Index, IndexMut};

/// One page of a loaded site: its position in the site's page table (pages
/// sorted by source path, generated section pages last).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageId(u32);

impl PageId {
    /// The page at `index` of its table. Only tables hand these out, and
    /// tests that build ids by hand.
    pub fn new(index: usize) -> PageId {
        // A site holds far fewer than 4 billion pages: the walk reads each
        // file into memory first.
        PageId(u32::try_from(index).unwrap_or(u32::MAX))
    }

    /// The position in its table (for ordering and for the `Vec`s the
    /// search index packs).
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One value per page, in page order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageTable<T>(Vec<T>);

impl<T> Default for PageTable<T> {
    fn default() -> Self {
        PageTable(Vec::new())
    }
}

impl<T> PageTable<T> {
    pub fn new() -> Self {
        PageTable(Vec::new())
    }

    /// A table of `len` pages, each `value`.
    pub fn filled(len: usize, value: T) -> Self
    where
        T: Clone,
    {
        PageTable(vec![value; len])
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, id: PageId) -> Option<&T> {
        self.0.get(id.index())
    }

    pub fn get_mut(&mut self, id: PageId) -> Option<&mut T> {
        self.0.get_mut(id.index())
    }

    /// Adds the next page and returns its id.
    pub fn push(&mut self, value: T) -> PageId {
        let id = PageId::new(self.0.len());
        self.0.push(value);
        id
    }

    /// Every page's id, in page order.
    pub fn ids(&self) -> impl DoubleEndedIterator<Item = PageId> + ExactSizeIterator + use<T> {
        (0..self.0.len()).map(PageId::new)
    }

    /// The values, in page order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.0.iter_mut()
    }

    /// Each page's id and value, in page order.
    pub fn enumerate(&self) -> impl DoubleEndedIterator<Item = (PageId, &T)> + ExactSizeIterator {
        self.0.iter().enumerate().map(|(i, v)| (PageId::new(i), v))
    }

    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    /// A table of `f` applied to each page, in page order.
    pub fn map<'a, U>(&'a self, f: impl FnMut(&'a T) -> U) -> PageTable<U> {
        PageTable(self.0.iter().map(f).collect())
    }

    /// The last page's id.
    pub fn last_id(&self) -> Option<PageId> {
        self.0.len().checked_sub(1).map(PageId::new)
    }

    pub fn truncate(&mut self, len: usize) {
        self.0.truncate(len);
    }
}

impl<T: Send + Sync> PageTable<T> {
    /// A table of `f` applied to each page in parallel, in page order.
    pub fn par_map<'a, U: Send>(
        &'a self,
        f: impl Fn(PageId, &'a T) -> U + Sync + Send,
    ) -> PageTable<U> {
        use rayon::prelude::*;
        PageTable(
            self.0
                .par_iter()
                .enumerate()
                .map(|(i, v)| f(PageId::new(i), v))
                .collect(),
        )
    }

    /// The values, in parallel.
    pub fn par_iter(&self) -> rayon::slice::Iter<'_, T> {
        use rayon::prelude::*;
        self.0.par_iter()
    }
}

impl<T> FromIterator<T> for PageTable<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        PageTable(iter.into_iter().collect())
    }
}

impl<T> Extend<T> for PageTable<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, values: I) {
        self.0.extend(values);
    }
}

impl<T> From<Vec<T>> for PageTable<T> {
    fn from(values: Vec<T>) -> Self {
        PageTable(values)
    }
}

impl<T> IntoIterator for PageTable<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a PageTable<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T> Index<PageId> for PageTable<T> {
    type Output = T;
    fn index(&self, id: PageId) -> &T {
        &self.0[id.index()]
    }
}

impl<T> IndexMut<PageId> for PageTable<T> {
    fn index_mut(&mut self, id: PageId) -> &mut T {
        &mut self.0[id.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_page_order_and_index_only_their_table() {
        let mut table = PageTable::new();
        let a = table.push("a.md");
        let b = table.push("b.md");
        assert!(a < b);
        assert_eq!(table[b], "b.md");
        assert_eq!(table.ids().collect::<Vec<_>>(), vec![a, b]);
        assert_eq!(table.get(PageId::new(2)), None);
        let lengths = table.par_map(|_, name| name.len());
        assert_eq!(lengths[a], 4);
    }
}
