//! An object's bytes as pieces of other buffers.
//!
//! A tree version resolved from a delta is mostly ranges of its base. Kept as
//! references to those ranges (and to the delta's inserted bytes) instead of
//! copied, a version costs a few pieces, not a copy of the whole tree; and two
//! versions that share a piece share its bytes, so comparing them skips it
//! without reading it.

use std::rc::Rc;

/// A rope grown longer than this is copied into one piece, which bounds the
/// cost of finding an offset in it.
const MAX_PIECES: usize = 256;

#[derive(Clone, Debug)]
struct Piece {
    /// Where the piece starts in the rope.
    at: usize,
    src: Rc<Vec<u8>>,
    /// Its range in `src`.
    start: usize,
    len: usize,
}

impl Piece {
    fn bytes(&self) -> &[u8] {
        &self.src[self.start..self.start + self.len]
    }
}

#[derive(Clone, Debug, Default)]
pub struct Rope {
    pieces: Vec<Piece>,
    len: usize,
}

impl Rope {
    /// All of `bytes`, in one piece.
    pub fn whole(bytes: Vec<u8>) -> Rope {
        let mut rope = Rope::default();
        let len = bytes.len();
        rope.push(&Rc::new(bytes), 0, len);
        rope
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Appends `src[start..start + len]`, joined to the last piece when it
    /// continues it.
    fn push(&mut self, src: &Rc<Vec<u8>>, start: usize, len: usize) {
        if len == 0 {
            return;
        }
        match self.pieces.last_mut() {
            Some(last) if Rc::ptr_eq(&last.src, src) && last.start + last.len == start => {
                last.len += len;
            }
            _ => self.pieces.push(Piece {
                at: self.len,
                src: src.clone(),
                start,
                len,
            }),
        }
        self.len += len;
    }

    /// The index of the piece holding byte `offset` (the number of pieces at
    /// the end).
    fn piece(&self, offset: usize) -> usize {
        self.pieces.partition_point(|p| p.at + p.len <= offset)
    }

    /// The bytes from `offset` to the end of the piece that holds it; empty
    /// at the end.
    pub fn chunk(&self, offset: usize) -> &[u8] {
        match self.pieces.get(self.piece(offset)) {
            Some(p) => &p.bytes()[offset - p.at..],
            None => &[],
        }
    }

    /// Appends bytes `offset..offset + len` of `self` to `out`; `None` when
    /// they are not all there.
    fn copy_to(&self, offset: usize, len: usize, out: &mut Rope) -> Option<()> {
        let end = offset.checked_add(len).filter(|&e| e <= self.len)?;
        let mut at = offset;
        for p in &self.pieces[self.piece(offset)..] {
            if at >= end {
                break;
            }
            let from = at - p.at;
            let n = (p.len - from).min(end - at);
            out.push(&p.src, p.start + from, n);
            at += n;
        }
        Some(())
    }

    /// The bytes in one slice: borrowed when the rope is one piece.
    pub fn bytes(&self) -> std::borrow::Cow<'_, [u8]> {
        match self.pieces.as_slice() {
            [] => std::borrow::Cow::Borrowed(&[]),
            [one] => std::borrow::Cow::Borrowed(one.bytes()),
            _ => std::borrow::Cow::Owned(self.to_vec()),
        }
    }

    /// One contiguous copy of the bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len);
        for p in &self.pieces {
            out.extend_from_slice(p.bytes());
        }
        out
    }

    /// How many bytes `a[i..]` and `b[j..]` share at their start, up to `max`.
    /// Where both are the same piece of the same buffer nothing is read.
    fn shared(a: &Rope, i: usize, b: &Rope, j: usize, max: usize) -> usize {
        let (mut pa, mut pb) = (a.piece(i), b.piece(j));
        let mut n = 0;
        while n < max {
            let (Some(x), Some(y)) = (a.pieces.get(pa), b.pieces.get(pb)) else {
                break;
            };
            let (ox, oy) = (i + n - x.at, j + n - y.at);
            let step = (x.len - ox).min(y.len - oy).min(max - n);
            if Rc::ptr_eq(&x.src, &y.src) && x.start + ox == y.start + oy {
                n += step;
            } else {
                let k = common_prefix(&x.bytes()[ox..ox + step], &y.bytes()[oy..oy + step]);
                n += k;
                if k < step {
                    break;
                }
            }
            if i + n == x.at + x.len {
                pa += 1;
            }
            if j + n == y.at + y.len {
                pb += 1;
            }
        }
        n
    }

    /// How many bytes `a` and `b` share at their start.
    pub fn common_prefix(a: &Rope, b: &Rope) -> usize {
        Rope::shared(a, 0, b, 0, a.len.min(b.len))
    }

    /// Whether `a[i..]` and `b[j..]` are the same bytes.
    pub fn same_from(a: &Rope, i: usize, b: &Rope, j: usize) -> bool {
        let n = a.len.saturating_sub(i);
        n == b.len.saturating_sub(j) && Rope::shared(a, i, b, j, n) == n
    }

    /// Builds an object from its base and a git delta: two sizes (base,
    /// result) as little-endian base-128 numbers, then instructions that copy
    /// a range of the base or insert the bytes that follow them. The result
    /// refers to the base's buffers and to `delta`; `None` when the delta
    /// does not fit the base.
    pub fn apply(base: &Rope, delta: &Rc<Vec<u8>>) -> Option<Rope> {
        fn varint(d: &[u8], i: &mut usize) -> Option<usize> {
            let mut n = 0usize;
            let mut shift = 0;
            loop {
                let byte = *d.get(*i)?;
                *i += 1;
                n |= usize::from(byte & 0x7f).checked_shl(shift)?;
                shift += 7;
                if byte & 0x80 == 0 {
                    return Some(n);
                }
                if shift > 63 {
                    return None;
                }
            }
        }
        let d: &[u8] = delta;
        let mut i = 0;
        if varint(d, &mut i)? != base.len {
            return None;
        }
        let len = varint(d, &mut i)?;
        let mut out = Rope::default();
        while let Some(&op) = d.get(i) {
            i += 1;
            if op & 0x80 != 0 {
                // Copy: which of 4 offset and 3 size bytes follow is in `op`'s bits.
                let mut field = |bits: u8, first: u8| -> Option<usize> {
                    let mut n = 0usize;
                    for k in 0..bits {
                        if op & (first << k) != 0 {
                            n |= usize::from(*d.get(i)?) << (8 * k);
                            i += 1;
                        }
                    }
                    Some(n)
                };
                let offset = field(4, 0x01)?;
                let size = match field(3, 0x10)? {
                    0 => 0x10000,
                    n => n,
                };
                base.copy_to(offset, size, &mut out)?;
            } else if op != 0 {
                let end = i + usize::from(op);
                d.get(i..end)?;
                out.push(delta, i, usize::from(op));
                i = end;
            } else {
                return None; // reserved
            }
            if out.len > len {
                return None;
            }
        }
        if out.len != len {
            return None;
        }
        if out.pieces.len() > MAX_PIECES {
            out = Rope::whole(out.to_vec());
        }
        Some(out)
    }
}

/// How many bytes `a` and `b` share at their start.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const STEP: usize = 32;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + STEP <= n && a[i..i + STEP] == b[i..i + STEP] {
        i += STEP;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(base: &Rope, delta: &[u8]) -> Option<Rope> {
        Rope::apply(base, &Rc::new(delta.to_vec()))
    }

    #[test]
    fn deltas_copy_and_insert() {
        let base = Rope::whole(b"0123456789".to_vec());
        // base 10, result 7: copy 3 bytes at 2, insert "ab", copy 2 at 8.
        let delta = [10, 7, 0x91, 2, 3, 2, b'a', b'b', 0x91, 8, 2];
        let rope = apply(&base, &delta).expect("applies");
        assert_eq!(rope.to_vec(), b"234ab89");
        assert_eq!(rope.pieces.len(), 3);
        // A delta of that: its copies refer to the first base's buffer.
        let again = apply(&rope, &[7, 4, 0x91, 1, 4]).expect("applies");
        assert_eq!(again.to_vec(), b"34ab");
        assert!(Rc::ptr_eq(&again.pieces[0].src, &base.pieces[0].src));
        assert_eq!(
            (again.chunk(0), again.chunk(2), again.chunk(4)),
            (&b"34"[..], &b"ab"[..], &b""[..])
        );
    }

    #[test]
    fn damaged_deltas_are_refused() {
        let base = Rope::whole(b"0123456789".to_vec());
        for delta in [
            &[9, 1, 1, b'x'][..],        // wrong base size
            &[10, 2, 1, b'x'][..],       // shorter than promised
            &[10, 1, 2, b'x', b'y'][..], // longer than promised
            &[10, 1, 0x91, 9, 5][..],    // copies past the base
            &[10, 1, 3, b'x'][..],       // insert runs past the end
            &[10, 1, 0][..],             // reserved instruction
            &[10][..],                   // no result size
        ] {
            assert!(apply(&base, delta).is_none(), "{delta:?}");
        }
    }

    #[test]
    fn comparing_ropes_matches_comparing_their_bytes() {
        let base = Rope::whole(b"abcdefghijklmnopqrstuvwxyz".to_vec());
        // Same bytes by other pieces: "abcdefghij" + "KL" + "mnopqrstuvwxyz".
        let edited =
            apply(&base, &[26, 26, 0x90, 10, 2, b'K', b'L', 0x91, 12, 14]).expect("applies");
        let flat = Rope::whole(edited.to_vec());
        for (a, b) in [(&base, &edited), (&edited, &flat), (&base, &flat)] {
            let (x, y) = (a.to_vec(), b.to_vec());
            assert_eq!(Rope::common_prefix(a, b), common_prefix(&x, &y));
            for i in 0..=26 {
                for j in 0..=26 {
                    assert_eq!(Rope::same_from(a, i, b, j), x[i..] == y[j..], "{i} {j}");
                }
            }
        }
        assert_eq!(Rope::common_prefix(&base, &edited), 10);
    }

    #[test]
    fn ropes_of_many_pieces_are_flattened() {
        let mut rope = Rope::whole((0..512).map(|n| n as u8).collect());
        for round in 0..3u8 {
            // 512 → 512 bytes: every even byte copied, every odd one inserted.
            let mut delta = vec![0x80, 0x04, 0x80, 0x04];
            for k in 0..256u16 {
                let [lo, hi] = (k * 2).to_le_bytes();
                delta.extend_from_slice(&[0x93, lo, hi, 1, 1, round]);
            }
            rope = apply(&rope, &delta).expect("applies");
            assert_eq!(rope.pieces.len(), 1);
            let bytes = rope.to_vec();
            assert!((0..256).all(|k| bytes[2 * k] == (2 * k) as u8 && bytes[2 * k + 1] == round));
        }
    }
}
