//! Digests that decide whether earlier work can be reused: 128 bits of
//! BLAKE3, so a build cache kept between runs (and restored in CI) cannot be
//! fooled by an accidental or crafted collision the way a 64-bit hash could.

/// A digest of some bytes: the first 128 bits of their BLAKE3 hash.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Digest([u8; 16]);

impl Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        Digest::finish(&blake3::hash(bytes))
    }

    /// The digest of many bytes, hashed on every thread.
    pub fn of_large(bytes: &[u8]) -> Digest {
        Digest::finish(&blake3::Hasher::new().update_rayon(bytes).finalize())
    }

    /// A digest as [`Digest::as_bytes`] gave it.
    pub fn from_bytes(bytes: [u8; 16]) -> Digest {
        Digest(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The digest of a finished [`Hasher::raw`].
    pub fn from_hash(hash: &blake3::Hash) -> Digest {
        Digest::finish(hash)
    }

    fn finish(hash: &blake3::Hash) -> Digest {
        let mut out = [0; 16];
        out.copy_from_slice(&hash.as_bytes()[..16]);
        Digest(out)
    }
}

/// A digest made of several parts, each written with its length so that
/// `("ab", "c")` and `("a", "bc")` differ.
#[derive(Default)]
pub struct Hasher(blake3::Hasher);

impl Hasher {
    pub fn new() -> Hasher {
        Hasher::default()
    }

    /// A plain BLAKE3 hasher, for bytes streamed without parts.
    pub fn raw() -> blake3::Hasher {
        blake3::Hasher::new()
    }

    /// Adds one part.
    pub fn part(&mut self, bytes: &[u8]) -> &mut Hasher {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// Adds an optional part (absent differs from empty).
    pub fn maybe(&mut self, bytes: Option<&[u8]>) -> &mut Hasher {
        match bytes {
            Some(b) => self.part(&[1]).part(b),
            None => self.part(&[0]),
        }
    }

    /// Adds a value's `Debug` form (for values without maps, whose order
    /// would vary), ended by a byte no `Debug` form holds.
    pub fn debug(&mut self, value: &impl std::fmt::Debug) -> &mut Hasher {
        struct Feed<'h>(&'h mut blake3::Hasher);
        impl std::fmt::Write for Feed<'_> {
            fn write_str(&mut self, s: &str) -> std::fmt::Result {
                self.0.update(s.as_bytes());
                Ok(())
            }
        }
        let _ = std::fmt::Write::write_fmt(&mut Feed(&mut self.0), format_args!("{value:?}"));
        self.0.update(&[0xff]);
        self
    }

    pub fn finish(&self) -> Digest {
        Digest::finish(&self.0.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_delimited() {
        let a = Hasher::new().part(b"ab").part(b"c").finish();
        let b = Hasher::new().part(b"a").part(b"bc").finish();
        assert_ne!(a, b);
        let none = Hasher::new().maybe(None).finish();
        let empty = Hasher::new().maybe(Some(b"")).finish();
        assert_ne!(none, empty);
        assert_eq!(Digest::of(b"x"), Digest::of(b"x"));
    }
}
