//! The fuzz targets (`handbook::fuzzing`, run under libFuzzer by
//! `fuzz/run`) as bounded property tests on stable: random bytes and
//! mutations of the fixtures, so every target keeps compiling and passing
//! on every change even where no nightly toolchain is at hand.
//! `HANDBOOK_FUZZ_CASES` sets the cases per target (default 64).

use std::path::Path;

use handbook::fuzzing;
use proptest::prelude::*;

/// Every fixture and example file: the seeds mutations start from.
fn seeds() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds = Vec::new();
    for dir in ["tests/fixtures", "example-handbook"] {
        for entry in walkdir::WalkDir::new(root.join(dir))
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            let keep = entry
                .path()
                .extension()
                .is_some_and(|x| x == "md" || x == "toml");
            if entry.file_type().is_file() && keep {
                seeds.push(std::fs::read(entry.path()).expect("read seed"));
            }
        }
    }
    seeds
}

/// Random bytes, or a seed with a few bytes changed, inserted or cut.
fn input() -> impl Strategy<Value = Vec<u8>> {
    let seeds = seeds();
    let count = seeds.len().max(1);
    let mutated = (
        0..count,
        prop::collection::vec((any::<u16>(), any::<u8>(), 0..3u8), 0..8),
    )
        .prop_map(move |(i, edits)| {
            let mut bytes = seeds.get(i).cloned().unwrap_or_default();
            for (at, byte, how) in edits {
                let at = usize::from(at) % (bytes.len() + 1);
                match how {
                    0 if at < bytes.len() => bytes[at] = byte,
                    1 => bytes.insert(at, byte),
                    _ => bytes.truncate(at.max(bytes.len() / 2)),
                }
            }
            bytes
        });
    prop_oneof![prop::collection::vec(any::<u8>(), 0..512), mutated]
}

fn cases() -> u32 {
    crate::support::cases("HANDBOOK_FUZZ_CASES", 64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fuzz_front_matter(data in input()) { fuzzing::front_matter(&data); }

    #[test]
    fn fuzz_kinds(which in any::<u8>(), data in input()) {
        let mut all = vec![which];
        all.extend(data);
        fuzzing::kinds(&all);
    }

    #[test]
    fn fuzz_markdown(mode in any::<u8>(), data in input()) {
        let mut all = vec![mode];
        all.extend(data);
        fuzzing::markdown(&all);
    }

    #[test]
    fn fuzz_paths(name in prop_oneof![any::<String>(), "[-./\\\\a-z]{0,12}"]) {
        fuzzing::paths(name.as_bytes());
    }

    #[test]
    fn fuzz_config(data in input()) { fuzzing::config(&data); }

    #[test]
    fn fuzz_serve_path(path in prop_oneof![any::<String>(), "[/%.a-f0-9:\\[\\]\\\\]{0,24}"]) {
        fuzzing::serve_path(path.as_bytes());
    }

    #[test]
    fn fuzz_git(data in prop::collection::vec(any::<u8>(), 0..600)) { fuzzing::git(&data); }

    /// Deltas that mostly fit their base (random bytes rarely do).
    #[test]
    fn fuzz_git_deltas(
        base in prop::collection::vec(any::<u8>(), 0..255),
        ops in prop::collection::vec((any::<bool>(), any::<u8>(), 1..40u8), 0..12),
        wrong_size in any::<u8>(),
    ) {
        let mut body = Vec::new();
        let mut size = 0usize;
        for (copy, at, len) in ops {
            if copy && !base.is_empty() {
                let at = usize::from(at) % base.len();
                let len = usize::from(len).min(base.len() - at).max(1);
                body.extend([0x80 | 0x01 | 0x10, at as u8, len as u8]);
                size += len;
            } else {
                body.push(len);
                body.extend((0..len).map(|i| i.wrapping_mul(at)));
                size += usize::from(len);
            }
        }
        let size = if wrong_size < 16 { size + usize::from(wrong_size) } else { size };
        let mut data = vec![base.len() as u8];
        data.extend(&base);
        for n in [base.len(), size] {
            let mut n = n;
            loop {
                let byte = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    data.push(byte);
                    break;
                }
                data.push(byte | 0x80);
            }
        }
        data.extend(body);
        fuzzing::git(&data);
    }
}

/// Inputs fuzzing once crashed on (`tests/fixtures/fuzz/TARGET/NAME`), run
/// through their target on every change.
#[test]
fn fuzz_regressions_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut ran = 0;
    for entry in walkdir::WalkDir::new(&dir)
        .min_depth(2)
        .into_iter()
        .flatten()
    {
        let target = entry
            .path()
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str());
        let data = std::fs::read(entry.path()).expect("read");
        match target {
            Some("front_matter") => fuzzing::front_matter(&data),
            Some("kinds") => fuzzing::kinds(&data),
            Some("markdown") => fuzzing::markdown(&data),
            Some("paths") => fuzzing::paths(&data),
            Some("config") => fuzzing::config(&data),
            Some("serve_path") => fuzzing::serve_path(&data),
            Some("git") => fuzzing::git(&data),
            other => panic!("no fuzz target {other:?} for {}", entry.path().display()),
        }
        ran += 1;
    }
    assert!(ran > 0);
}
