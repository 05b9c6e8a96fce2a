//! A page's counted terms, packed as LEB128 varints (`PageTerms`), and reading them
//! back.

use super::SURFACE_BIT;

/// A page's counted terms, packed: every page's terms are held until the index
/// is written (and by a live preview for as long as it runs), so they are kept
/// as LEB128 varints, about 3.5 bytes a term instead of 8.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PageTerms {
    /// Triples (stem id − previous stem id, frequency ×2, bits), by stem id.
    /// `bits` are the sections the term occurs in, plus [`TITLE_BIT`] and [`FACT_BIT`].
    #[serde(with = "raw")]
    pub(super) packed: Box<[u8]>,
    /// The surface forms the page uses that differ from their stems, as
    /// ascending form ids, delta-encoded: the index lists exactly the forms of
    /// the pages it is written from, so a page that drops a word drops its form.
    #[serde(with = "raw")]
    pub(super) forms: Box<[u8]>,
    pub(super) length: f32,
}

/// Bytes kept as one run of bytes (the build cache writes these), rather
/// than serde's default of a sequence of numbers, one call per byte.
mod raw {
    pub(super) fn serialize<S: serde::Serializer>(
        bytes: &[u8],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(bytes)
    }

    pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Box<[u8]>, D::Error> {
        struct Bytes;
        impl<'de> serde::de::Visitor<'de> for Bytes {
            type Value = Box<[u8]>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Self::Value, E> {
                Ok(bytes.into())
            }
            fn visit_byte_buf<E: serde::de::Error>(self, bytes: Vec<u8>) -> Result<Self::Value, E> {
                Ok(bytes.into_boxed_slice())
            }
        }
        deserializer.deserialize_bytes(Bytes)
    }
}

/// A counted term: stem id, weighted frequency ×2, bits.
pub(super) type Counted = (u32, u16, u32);

pub(super) fn push_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Bits as packed: [`SURFACE_BIT`], set on most terms, moves to bit 0 so it
/// costs no varint byte (at bit 17 it made most terms' bits three bytes).
fn store_bits(bits: u32) -> u32 {
    ((bits & !SURFACE_BIT) << 1) | u32::from(bits & SURFACE_BIT != 0)
}

fn load_bits(stored: u32) -> u32 {
    (stored >> 1) | if stored & 1 != 0 { SURFACE_BIT } else { 0 }
}

/// A position in a page's packed terms: a byte offset, and the stem id of the
/// term before it (ids are delta-encoded).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Cursor {
    pub(super) at: usize,
    pub(super) id: u32,
}

/// Reads LEB128 varints (written by [`push_varint`], so never truncated).
pub(super) struct Varints<'b> {
    pub(super) bytes: &'b [u8],
    pub(super) at: usize,
}

impl<'b> Varints<'b> {
    pub(super) fn new(bytes: &'b [u8]) -> Self {
        Varints { bytes, at: 0 }
    }
}

impl Iterator for Varints<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let mut value = 0u32;
        let mut shift = 0;
        loop {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            value |= u32::from(byte & 0x7f).checked_shl(shift)?;
            if byte < 0x80 {
                return Some(value);
            }
            // A u32 takes at most five bytes: more is not a varint we wrote.
            shift += 7;
            if shift > 28 {
                return None;
            }
        }
    }
}

impl PageTerms {
    pub(super) fn pack(terms: &[Counted], forms: &[u32], length: f32) -> PageTerms {
        let mut packed = Vec::with_capacity(terms.len() * 4);
        let mut previous = 0;
        for &(id, tf, bits) in terms {
            push_varint(&mut packed, id - previous);
            push_varint(&mut packed, u32::from(tf));
            push_varint(&mut packed, store_bits(bits));
            previous = id;
        }
        let mut packed_forms = Vec::with_capacity(forms.len() * 2);
        let mut previous = 0;
        for &form in forms {
            push_varint(&mut packed_forms, form - previous);
            previous = form;
        }
        PageTerms {
            packed: packed.into_boxed_slice(),
            forms: packed_forms.into_boxed_slice(),
            length,
        }
    }

    /// The page's terms in stem-id order.
    pub(super) fn terms(&self) -> impl Iterator<Item = Counted> + '_ {
        let end = Cursor {
            at: self.packed.len(),
            id: 0,
        };
        self.terms_between(Cursor::default(), end)
    }

    /// Where each stripe starts in [`PageTerms::packed`]: the first term whose
    /// id is at least the stripe's first id.
    pub(super) fn cursors(&self, stripes: &[u32]) -> Vec<Cursor> {
        let mut cursors = Vec::with_capacity(stripes.len());
        let mut next = stripes.iter().peekable();
        let mut cursor = Cursor::default();
        let mut bytes = Varints::new(&self.packed);
        loop {
            let at = bytes.at;
            let Some(delta) = bytes.next() else { break };
            let id = cursor.id + delta;
            while next.next_if(|&&first| first <= id).is_some() {
                cursors.push(Cursor { at, id: cursor.id });
            }
            let _ = (bytes.next(), bytes.next());
            cursor = Cursor { at: bytes.at, id };
        }
        cursors.resize(stripes.len(), cursor);
        cursors
    }

    /// The terms from one cursor up to another.
    pub(super) fn terms_between(
        &self,
        from: Cursor,
        to: Cursor,
    ) -> impl Iterator<Item = Counted> + '_ {
        let mut values = Varints::new(self.packed.get(from.at..to.at).unwrap_or_default());
        let mut id = from.id;
        std::iter::from_fn(move || {
            id += values.next()?;
            let tf = values.next()?;
            let bits = load_bits(values.next()?);
            Some((id, tf as u16, bits))
        })
    }

    /// True when these terms are what packing counted terms writes for a
    /// vocabulary of `stems` stems and `forms` forms: complete triples, ids
    /// ascending and in range. Terms read back from a build cache are
    /// checked with it, since the index looks their ids up.
    pub fn fits(&self, stems: usize, forms: usize) -> bool {
        // Ids delta-encoded and ascending, each below `limit`, each followed
        // by `then` more values that `check` accepts.
        let ascending = |bytes: &[u8], limit: usize, then: &dyn Fn(&mut Varints<'_>) -> bool| {
            let mut values = Varints::new(bytes);
            let mut id: Option<u32> = None;
            while values.at < bytes.len() {
                let next = match (values.next(), id) {
                    (Some(delta), None) => Some(delta),
                    (Some(delta), Some(id)) if delta > 0 => id.checked_add(delta),
                    _ => None,
                };
                match next {
                    Some(n) if (n as usize) < limit && then(&mut values) => id = Some(n),
                    _ => return false,
                }
            }
            true
        };
        let frequency_and_bits = |values: &mut Varints<'_>| {
            values.next().is_some_and(|tf| tf <= u32::from(u16::MAX)) && values.next().is_some()
        };
        ascending(&self.packed, stems, &frequency_and_bits)
            && ascending(&self.forms, forms, &|_| true)
    }

    /// The ids of the forms the page uses, ascending.
    pub(super) fn forms(&self) -> impl Iterator<Item = u32> + '_ {
        let mut id = 0;
        Varints::new(&self.forms).map(move |delta| {
            id += delta;
            id
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_that_name_ids_the_vocabulary_lacks_do_not_fit() {
        let terms = PageTerms::pack(&[(0, 2, 1), (5, 4, SURFACE_BIT)], &[1, 3], 3.0);
        assert!(terms.fits(6, 4));
        assert!(!terms.fits(5, 4), "stem 5 of 5");
        assert!(!terms.fits(6, 3), "form 3 of 3");
        // Damaged bytes: a varint that never ends, a triple cut short.
        let broken = PageTerms {
            packed: vec![0xff; 8].into_boxed_slice(),
            ..terms.clone()
        };
        assert!(!broken.fits(usize::MAX, usize::MAX));
        let short = PageTerms {
            packed: terms.packed[..2].into(),
            ..terms.clone()
        };
        assert!(!short.fits(6, 4));
        // Ids that do not ascend.
        let repeated = PageTerms::pack(&[(2, 1, 1), (2, 1, 1)], &[], 1.0);
        assert!(!repeated.fits(6, 4));
    }
}
