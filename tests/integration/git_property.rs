//! The fast history reader (pack reader, ropes, entry boundaries, cache)
//! against the reference reader (plain gix) on random histories: edits,
//! exact renames, deletes, merges, files inside and outside the handbook's
//! folder, the handbook at the root or in a sub-folder, loose objects or
//! repacked. Both must give the same `History`.

use std::path::Path;

use handbook::git::{Reader, read_with};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    /// Writes version `text` of file `file`.
    Write {
        file: usize,
        text: usize,
    },
    Delete {
        file: usize,
    },
    /// `git mv`: the same contents under another name.
    Rename {
        from: usize,
        to: usize,
    },
    /// Commits what is staged, as author `author`.
    Commit {
        author: usize,
        message: usize,
    },
    /// A commit on a side branch from the first parent, merged back.
    Merge {
        file: usize,
    },
}

const FILES: &[&str] = &[
    "index.md",
    "guides/a.md",
    "guides/b.md",
    "guides/deep/c.md",
    "runbooks/db.md",
    "notes.txt",
];
const AUTHORS: &[&str] = &["Ana Ruiz", "Bo Lind", "Chen Wu"];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..FILES.len(), 0..4usize).prop_map(|(file, text)| Op::Write { file, text }),
        1 => (0..FILES.len()).prop_map(|file| Op::Delete { file }),
        1 => (0..FILES.len(), 0..FILES.len()).prop_map(|(from, to)| Op::Rename { from, to }),
        3 => (0..AUTHORS.len(), 0..3usize).prop_map(|(author, message)| Op::Commit { author, message }),
        1 => (0..FILES.len()).prop_map(|file| Op::Merge { file }),
    ]
}

fn git(dir: &Path, author: &str, tick: u32, args: &[&str]) -> bool {
    let date = format!(
        "2026-0{}-{:02}T{:02}:00:00Z",
        1 + tick / 500 % 9,
        1 + tick / 20 % 28,
        tick % 20
    );
    crate::support::git_command(dir, author, &date, args)
        .status
        .success()
}

/// Plays `ops` into a new repository whose handbook is at `sub` (or the root).
fn play(dir: &Path, sub: &str, ops: &[Op], repack: bool) {
    assert!(git(dir, "Ana Ruiz", 0, &["init", "-q"]));
    let at = |file: usize| {
        // `notes.txt` at the repository's root is outside a sub-folder handbook.
        if FILES[file] == "notes.txt" || sub.is_empty() {
            FILES[file].to_string()
        } else {
            format!("{sub}/{}", FILES[file])
        }
    };
    let write = |rel: &str, text: &str| {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(&at(0), "# Home\n");
    assert!(git(dir, "Ana Ruiz", 1, &["add", "-A"]));
    assert!(git(dir, "Ana Ruiz", 1, &["commit", "-q", "-m", "Start"]));
    for (tick, op) in (2u32..).zip(ops) {
        match op {
            Op::Write { file, text } => {
                write(&at(*file), &format!("# Page {file}\n\nVersion {text}.\n"));
                git(dir, "Ana Ruiz", tick, &["add", "-A"]);
            }
            Op::Delete { file } => {
                let _ = std::fs::remove_file(dir.join(at(*file)));
                git(dir, "Ana Ruiz", tick, &["add", "-A"]);
            }
            Op::Rename { from, to } => {
                if dir.join(at(*from)).exists() && !dir.join(at(*to)).exists() {
                    if let Some(parent) = dir.join(at(*to)).parent() {
                        std::fs::create_dir_all(parent).expect("mkdir");
                    }
                    git(dir, "Ana Ruiz", tick, &["mv", &at(*from), &at(*to)]);
                }
            }
            Op::Commit { author, message } => {
                let message = ["Edit", "Fix a typo", "Rework the steps"][*message];
                git(
                    dir,
                    AUTHORS[*author],
                    tick,
                    &["commit", "-q", "--allow-empty", "-m", message],
                );
            }
            Op::Merge { file } => {
                git(
                    dir,
                    "Bo Lind",
                    tick,
                    &["commit", "-q", "--allow-empty", "-m", "Before"],
                );
                if git(
                    dir,
                    "Bo Lind",
                    tick,
                    &["checkout", "-q", "-b", "side", "HEAD~1"],
                ) {
                    write(&format!("{}.side.md", at(*file)), "# Side\n");
                    git(dir, "Bo Lind", tick, &["add", "-A"]);
                    git(dir, "Bo Lind", tick, &["commit", "-q", "-m", "On the side"]);
                    git(dir, "Bo Lind", tick, &["checkout", "-q", "main"]);
                    git(
                        dir,
                        "Bo Lind",
                        tick,
                        &["merge", "-q", "--no-ff", "--no-edit", "side"],
                    );
                    git(dir, "Bo Lind", tick, &["branch", "-q", "-D", "side"]);
                }
            }
        }
    }
    git(
        dir,
        "Chen Wu",
        9999,
        &["commit", "-q", "--allow-empty", "-m", "End"],
    );
    if repack {
        assert!(git(dir, "Chen Wu", 9999, &["repack", "-adq"]));
    }
}

fn cases() -> u32 {
    crate::support::cases("PROPTEST_CASES", 24)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_fast_history_reader_equals_the_reference_on_any_history(
        ops in prop::collection::vec(op(), 1..24),
        in_sub_folder: bool,
        repack: bool,
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let sub = if in_sub_folder { "docs/handbook" } else { "" };
        play(dir.path(), sub, &ops, repack);
        let root = dir.path().join(sub);
        std::fs::create_dir_all(&root).expect("mkdir");
        let reference = read_with(&root, Reader::Reference).expect("reference reads");
        let fast = read_with(&root, Reader::Fast { use_cache: false }).expect("fast reads");
        prop_assert_eq!(&fast, &reference);
        // With the cache: written by the first read, used by the second.
        let first = read_with(&root, Reader::Fast { use_cache: true }).expect("fast reads");
        let cached = read_with(&root, Reader::Fast { use_cache: true }).expect("fast reads");
        prop_assert_eq!(&first, &reference);
        prop_assert_eq!(&cached, &reference);
        prop_assert!(reference.as_ref().is_some_and(|h| !h.log.is_empty()));
    }
}
