//! The build cache (`.handbook-cache/` beside the output): a build that starts
//! from it renders only what changed, leaves every other file as it was, and
//! writes exactly what a fresh build writes. Random edit sequences (the live
//! preview's steps, plus edits of the settings and of the output itself)
//! compare the two, and a check that starts from the cache with a full one;
//! fixed cases check what is kept, what is written, and that a damaged,
//! foreign or hostile cache or output is never trusted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::prelude::*;

use crate::serve_property::{Step, World, step, write};
use crate::support::{Fixture, Run};

const BIN: &str = env!("CARGO_BIN_EXE_handbook");

/// Runs `handbook build ROOT -o OUT ARGS`; the same "today" as other tests.
fn build(root: &Path, out: &Path, args: &[&str]) -> Run {
    build_on(0, root, out, args)
}

/// [`build`], `days` after the other tests' "today".
fn build_on(days: u64, root: &Path, out: &Path, args: &[&str]) -> Run {
    run_on("build", days, root, out, args)
}

/// `handbook check ROOT -o OUT ARGS`, `days` after the other tests' "today".
fn check_on(days: u64, root: &Path, out: &Path, args: &[&str]) -> Run {
    run_on("check", days, root, out, args)
}

fn run_on(command: &str, days: u64, root: &Path, out: &Path, args: &[&str]) -> Run {
    let epoch = (1_795_132_800 + days * 86_400).to_string();
    let output = Command::new(BIN)
        .arg(command)
        .arg(root)
        .arg("-o")
        .arg(out)
        .args(["--format", "json"])
        .args(args)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .expect("run handbook");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Every entry under `dir`: files with their bytes, links with their target.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("prefix");
            let rel = rel.to_string_lossy().replace('\\', "/");
            let bytes = if e.file_type().is_symlink() {
                format!("link to {:?}", std::fs::read_link(e.path())).into_bytes()
            } else {
                std::fs::read(e.path()).expect("read output")
            };
            (rel, bytes)
        })
        .collect()
}

fn assert_same_tree(ours: &Path, fresh: &Path, history: &dyn std::fmt::Debug) {
    let (ours, fresh) = (tree(ours), tree(fresh));
    let names = |t: &BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&ours),
        names(&fresh),
        "the same files after {history:?}"
    );
    for (path, bytes) in &fresh {
        assert!(
            ours.get(path) == Some(bytes),
            "{path} differs after {history:?}:\n--- cached\n{}\n--- fresh\n{}",
            String::from_utf8_lossy(&ours[path]),
            String::from_utf8_lossy(bytes)
        );
    }
}

/// Builds `root` afresh (`--no-cache`) beside `out` and compares the two.
fn assert_matches_fresh(root: &Path, out: &Path, what: &str) {
    let fresh = out.with_file_name("fresh");
    let _ = std::fs::remove_dir_all(&fresh);
    let run = build(root, &fresh, &["--no-cache"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_same_tree(out, &fresh, &what);
}

/// Edits a page of `world` and builds it into `out`, which must be a full
/// build: `what` says why the cache may not be used.
fn assert_full_build_after_an_edit(world: &World, out: &Path, what: &str) {
    write(
        world.root(),
        "guides/a.md",
        "# Guide A again\n\nNew words.\n",
    );
    let run = build(world.root(), out, &["--verbose"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stderr.contains("pages:"),
        "{what} is not used: {}",
        run.stderr
    );
}

/// `(inode, modification time)` of a file.
fn identity(path: &Path) -> (u64, std::time::SystemTime) {
    use std::os::unix::fs::MetadataExt as _;
    let meta = std::fs::metadata(path).expect("metadata");
    (meta.ino(), meta.modified().expect("mtime"))
}

#[derive(Clone, Debug)]
enum Act {
    /// An edit of the handbook, as in the live preview's property test.
    Edit(Step),
    /// Someone changes a built file by hand (same size, or not).
    Tamper(usize, bool),
    /// Someone deletes a built file.
    Remove(usize),
    /// The settings change.
    Settings(usize),
    /// A day passes (review dates move, "ago" changes).
    Day,
}

const SETTINGS: &[&str] = &[
    "title = \"Property Handbook\"\n",
    "title = \"Renamed Handbook\"\n",
    "title = \"Property Handbook\"\n[search]\nenabled = false\n",
    "title = \"Property Handbook\"\n[output]\nmarkdown_copies = false\n",
];

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        8 => step().prop_map(Act::Edit),
        1 => (0..400usize, any::<bool>()).prop_map(|(f, same)| Act::Tamper(f, same)),
        1 => (0..400usize).prop_map(Act::Remove),
        1 => (0..SETTINGS.len()).prop_map(Act::Settings),
        1 => Just(Act::Day),
    ]
}

/// The built files, sorted, for picking one to tamper with.
fn built_files(out: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(out)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.file_name() != ".handbook-output")
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

fn perform(act: &Act, world: &World, out: &Path) {
    let files = built_files(out);
    let pick = |i: usize| files.get(i % files.len().max(1)).cloned();
    match act {
        Act::Edit(step) => {
            world.apply(step);
        }
        Act::Tamper(f, same_size) => {
            if let Some(path) = pick(*f) {
                let mut bytes = std::fs::read(&path).expect("read");
                match bytes.first_mut() {
                    Some(b) if *same_size => *b = b'~',
                    _ => bytes.extend_from_slice(b"tampered"),
                }
                // A later time than the build's, as an editor would leave.
                std::thread::sleep(std::time::Duration::from_millis(5));
                std::fs::write(&path, bytes).expect("tamper");
            }
        }
        Act::Remove(f) => {
            if let Some(path) = pick(*f) {
                std::fs::remove_file(path).expect("remove");
            }
        }
        Act::Settings(s) => write(world.root(), "handbook.toml", SETTINGS[*s]),
        Act::Day => {}
    }
}

fn cases() -> u32 {
    crate::support::cases("HANDBOOK_CACHE_CASES", 16)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_build_from_the_cache_equals_a_fresh_build(acts in prop::collection::vec(act(), 1..7)) {
        let world = World::new();
        let sites = tempfile::tempdir().expect("temp dir");
        let (ours, fresh) = (sites.path().join("ours"), sites.path().join("fresh"));
        let first = build(world.root(), &ours, &[]);
        prop_assert!(first.code == 0 || first.code == 1, "{}", first.stderr);
        let mut history = Vec::new();
        let mut day = 0;
        for act in acts {
            perform(&act, &world, &ours);
            // Review dates are 30 to 200 days apart: jump far enough to move them.
            day += if matches!(act, Act::Day) { 45 } else { 0 };
            history.push(act);
            // A check reads the cache the last good build left (this act's
            // build has not run yet), and must say what a full check says.
            let checked = check_on(day, world.root(), &ours, &[]);
            let full_check = check_on(day, world.root(), &ours, &["--no-cache"]);
            prop_assert_eq!(checked.code, full_check.code, "{:?}\n{}\n{}", history, checked.stderr, full_check.stderr);
            prop_assert_eq!(&checked.stdout, &full_check.stdout, "a check finds the same after {:?}", history);
            let cached = build_on(day, world.root(), &ours, &[]);
            let _ = std::fs::remove_dir_all(&fresh);
            let clean = build_on(day, world.root(), &fresh, &["--no-cache"]);
            prop_assert_eq!(cached.code, clean.code, "{:?}\n{}\n{}", history, cached.stderr, clean.stderr);
            prop_assert_eq!(&cached.stdout, &clean.stdout, "the same diagnostics after {:?}", history);
            if clean.code != 2 && fresh.exists() {
                assert_same_tree(&ours, &fresh, &history);
            }
        }
    }
}

/// The serve property test's handbook, built once with a cache.
fn built_world() -> (World, tempfile::TempDir, PathBuf) {
    let world = World::new();
    let sites = tempfile::tempdir().expect("temp dir");
    let out = sites.path().join("public");
    let run = build(world.root(), &out, &["--verbose"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stderr.contains("build cache read"),
        "with no earlier output there is no cache to read: {}",
        run.stderr
    );
    (world, sites, out)
}

#[test]
fn a_body_edit_renders_one_page_and_leaves_every_other_file_alone() {
    let (world, sites, out) = built_world();
    let cache = sites.path().join(".handbook-cache");
    assert!(cache.join("public.bin").is_file());
    assert_eq!(
        std::fs::read_to_string(cache.join(".gitignore"))
            .ok()
            .as_deref(),
        Some("*\n")
    );
    assert!(
        std::fs::read_to_string(cache.join("CACHEDIR.TAG"))
            .is_ok_and(|t| t.starts_with("Signature: 8a477f597d28d172789f06886806bc55"))
    );
    let other = out.join("guides/a/index.html");
    let edited = out.join("guides/b/index.html");
    let (other_before, edited_before) = (identity(&other), identity(&edited));
    write(
        world.root(),
        "guides/b.md",
        "+++\ntitle = \"Guide B\"\nweight = 2\n+++\n\n## Steps\n\nRestart the workers twice.\n",
    );
    let run = build(world.root(), &out, &["--verbose"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pages = run
        .stderr
        .lines()
        .find(|l| l.trim_start().starts_with("pages:"))
        .unwrap_or_default();
    assert!(pages.contains("pages: 1 rendered"), "{}", run.stderr);
    assert!(
        run.stderr.contains("└ build cache read, alongside"),
        "{}",
        run.stderr
    );
    assert_eq!(
        identity(&other),
        other_before,
        "an unchanged page is not rewritten"
    );
    assert_ne!(identity(&edited), edited_before);
    assert!(std::fs::read_to_string(&edited).is_ok_and(|h| h.contains("twice")));
    // Nothing pending is left in the output.
    let pending = std::fs::read_dir(&out)
        .expect("read output")
        .flatten()
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".handbook-pending")
        });
    assert!(!pending);
    // `--no-cache` renders everything, and the result is the same.
    assert_matches_fresh(world.root(), &out, "one edit");
    assert!(!sites.path().join(".handbook-cache/fresh.bin").exists());
}

#[test]
fn a_check_from_the_cache_renders_only_what_changed_and_writes_nothing() {
    let (world, sites, out) = built_world();
    let before = (tree(&out), tree(&sites.path().join(".handbook-cache")));
    write(
        world.root(),
        "guides/b.md",
        "+++\ntitle = \"Guide B\"\nweight = 2\n+++\n\n## Steps\n\nSee [the missing page](gone.md).\n",
    );
    let checked = check_on(0, world.root(), &out, &["--verbose"]);
    assert_eq!(
        checked.code, 1,
        "a broken link is an error: {}",
        checked.stderr
    );
    assert!(
        checked.stderr.contains("pages: 1 rendered"),
        "{}",
        checked.stderr
    );
    let full = check_on(0, world.root(), &out, &["--no-cache", "--verbose"]);
    assert_eq!(checked.stdout, full.stdout, "the same diagnostics");
    assert!(!full.stderr.contains("pages:"), "{}", full.stderr);
    assert!(checked.stdout.contains("gone.md"), "{}", checked.stdout);
    assert_eq!(
        (tree(&out), tree(&sites.path().join(".handbook-cache"))),
        before,
        "a check changes neither the output nor the cache"
    );
}

#[test]
fn an_output_restored_with_times_to_the_second_is_still_kept() {
    let (world, _sites, out) = built_world();
    // As a cache archive that keeps whole seconds (GitLab's zip) restores it.
    for path in built_files(&out) {
        let file = std::fs::File::options()
            .write(true)
            .open(&path)
            .expect("open");
        let modified = file
            .metadata()
            .expect("metadata")
            .modified()
            .expect("mtime");
        let since = modified
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970");
        let rounded = std::time::UNIX_EPOCH + std::time::Duration::from_secs(since.as_secs());
        file.set_modified(rounded).expect("set mtime");
    }
    write(
        world.root(),
        "guides/b.md",
        "+++\ntitle = \"Guide B\"\nweight = 2\n+++\n\n## Steps\n\nRestored, then edited.\n",
    );
    let run = build(world.root(), &out, &["--verbose"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("pages: 1 rendered"), "{}", run.stderr);
    assert_matches_fresh(world.root(), &out, "a restore to the second");
}

#[test]
fn a_build_with_errors_leaves_the_output_and_the_cache_as_they_were() {
    let (world, sites, out) = built_world();
    let before = tree(&out);
    let cache = sites.path().join(".handbook-cache/public.bin");
    let cache_before = std::fs::read(&cache).expect("cache");
    write(
        world.root(),
        "guides/b.md",
        "+++\ntitle = \"unclosed\n+++\n\nBody.\n",
    );
    let run = build(world.root(), &out, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(tree(&out), before);
    assert_eq!(std::fs::read(&cache).expect("cache"), cache_before);
}

#[test]
fn a_damaged_or_foreign_cache_is_ignored_and_a_folder_not_ours_is_left_alone() {
    let (world, sites, out) = built_world();
    let cache = sites.path().join(".handbook-cache/public.bin");
    let mut bytes = std::fs::read(&cache).expect("cache");
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&cache, &bytes).expect("damage");
    assert_full_build_after_an_edit(&world, &out, "a damaged cache");
    assert_matches_fresh(world.root(), &out, "a damaged cache");
    // Garbage of the right length with our header is refused too.
    let mut garbage = bytes.clone();
    garbage.iter_mut().skip(48).for_each(|b| *b = 0x5a);
    std::fs::write(&cache, &garbage).expect("garbage");
    assert_eq!(build(world.root(), &out, &[]).code, 0);

    // A `.handbook-cache` folder someone else made is neither read nor written.
    let other = tempfile::tempdir().expect("temp dir");
    let theirs = other.path().join(".handbook-cache");
    std::fs::create_dir(&theirs).expect("mkdir");
    std::fs::write(theirs.join("notes.txt"), "mine").expect("write");
    let out = other.path().join("public");
    assert_eq!(build(world.root(), &out, &[]).code, 0);
    let entries: Vec<_> = std::fs::read_dir(&theirs)
        .expect("read")
        .flatten()
        .collect();
    assert_eq!(
        entries.len(),
        1,
        "nothing added to a folder that is not ours"
    );
}

#[test]
fn a_linked_cache_folder_is_not_followed() {
    let world = World::new();
    let sites = tempfile::tempdir().expect("temp dir");
    let elsewhere = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink(elsewhere.path(), sites.path().join(".handbook-cache"))
        .expect("symlink");
    let out = sites.path().join("public");
    assert_eq!(build(world.root(), &out, &[]).code, 0);
    assert_eq!(
        std::fs::read_dir(elsewhere.path()).expect("read").count(),
        0
    );
}

#[test]
fn an_in_place_update_never_writes_through_a_link_in_the_output() {
    let (world, _sites, out) = built_world();
    // A folder of the output replaced by a link to somewhere else, holding
    // a file where the edited page will be written.
    let elsewhere = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(elsewhere.path().join("b")).expect("mkdir");
    std::fs::write(elsewhere.path().join("b/index.html"), "outside").expect("write");
    std::fs::remove_dir_all(out.join("guides")).expect("remove");
    std::os::unix::fs::symlink(elsewhere.path(), out.join("guides")).expect("symlink");
    write(
        world.root(),
        "guides/b.md",
        "# Guide B\n\n## Steps\n\nChanged.\n",
    );
    let run = build(world.root(), &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(elsewhere.path().join("b/index.html"))
            .ok()
            .as_deref(),
        Some("outside")
    );
    assert!(
        !std::fs::symlink_metadata(out.join("guides"))
            .expect("guides")
            .is_symlink()
    );
    assert_matches_fresh(world.root(), &out, "a linked folder");
}

#[test]
fn the_cache_stays_out_of_the_site_and_out_of_git() {
    // The default output is inside the handbook: the cache beside it is a
    // hidden folder the walk skips, and its own .gitignore keeps it out of git.
    let site = Fixture::new()
        .file("index.md", "# Home\n\nHello.\n")
        .git_init();
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.exists(".handbook-cache/public.bin"));
    let again = site.run(&["build", "--verbose"]);
    assert!(
        again.stderr.contains("pages: 0 rendered"),
        "{}",
        again.stderr
    );
    assert!(!site.exists("public/.handbook-cache"));
    let status = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=all"])
        .current_dir(site.path())
        .output()
        .expect("git status");
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(!status.contains(".handbook-cache"), "{status}");
}

#[test]
fn a_page_whose_source_did_not_change_follows_what_its_links_and_images_now_answer() {
    // The page's markdown is the same; what it points at is not: a page
    // that moved (its slug) and an image that changed size.
    let site = Fixture::new()
        .file(
            "index.md",
            "# Home\n\nSee [the guide](guides/a.md) and ![plan](img/plan.png).\n",
        )
        .file("guides/a.md", "+++\ntitle = \"Guide\"\n+++\n\nWords.\n")
        .bytes("img/plan.png", &crate::support::png_header(40, 30));
    let sites = tempfile::tempdir().expect("temp dir");
    let out = sites.path().join("public");
    assert_eq!(build(site.path(), &out, &[]).code, 0);
    let home = || std::fs::read_to_string(out.join("index.html")).expect("home");
    assert!(home().contains("width=\"40\" height=\"30\""), "{}", home());
    std::fs::write(
        site.path().join("img/plan.png"),
        crate::support::png_header(80, 60),
    )
    .expect("write");
    std::fs::write(
        site.path().join("guides/a.md"),
        "+++\ntitle = \"Guide\"\nslug = \"the-guide\"\n+++\n\nWords.\n",
    )
    .expect("write");
    let run = build(site.path(), &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(home().contains("width=\"80\" height=\"60\""), "{}", home());
    assert!(home().contains("the-guide/"), "{}", home());
    assert_matches_fresh(site.path(), &out, "a moved page and a resized image");
}

#[test]
fn a_new_commit_moves_page_dates_and_the_cache_follows() {
    let site = Fixture::new()
        .file(
            "index.md",
            "# Home\n\nStart with [the guide](guides/a.md).\n",
        )
        .file("guides/a.md", "# Guide A\n\nFirst words.\n")
        .file("guides/b.md", "# Guide B\n\nOther words, see [A](a.md).\n")
        .git_init();
    let git = |who: &str, date: &str, args: &[&str]| {
        let run = crate::support::git_command(site.path(), who, date, args);
        assert!(run.status.success(), "{run:?}");
    };
    git("Ana", "2026-10-01T10:00:00Z", &["add", "-A"]);
    git("Ana", "2026-10-01T10:00:00Z", &["commit", "-qm", "first"]);
    let sites = tempfile::tempdir().expect("temp dir");
    let out = sites.path().join("public");
    assert_eq!(build(site.path(), &out, &[]).code, 0);
    std::fs::write(
        site.path().join("guides/a.md"),
        "# Guide A\n\nNewer words.\n",
    )
    .expect("write");
    git("Bo", "2026-11-02T10:00:00Z", &["commit", "-qam", "second"]);
    let run = build(site.path(), &out, &["--verbose"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_matches_fresh(site.path(), &out, "a new commit");
    let a = std::fs::read_to_string(out.join("guides/a/index.html")).expect("a");
    assert!(a.contains("2026-11-02") && a.contains("Bo"), "{a}");
    // A second commit that touches only one page, after a build from the cache.
    std::fs::write(
        site.path().join("guides/b.md"),
        "# Guide B\n\nOther words, see [A](a.md). More.\n",
    )
    .expect("write");
    git("Cy", "2026-11-05T10:00:00Z", &["commit", "-qam", "third"]);
    assert_eq!(build(site.path(), &out, &[]).code, 0);
    assert_matches_fresh(site.path(), &out, "a third commit");
    // An edit built before it is committed: the commit changes only what
    // git says of the page (its date and author), not its text.
    std::fs::write(
        site.path().join("guides/b.md"),
        "# Guide B\n\nOther words, see [A](a.md). Most.\n",
    )
    .expect("write");
    assert_eq!(build(site.path(), &out, &[]).code, 0);
    git("Di", "2026-11-09T10:00:00Z", &["commit", "-qam", "fourth"]);
    assert_eq!(build(site.path(), &out, &[]).code, 0);
    assert_matches_fresh(site.path(), &out, "a commit of what was built");
    // A title that only the page's leading heading gives shows in its
    // neighbours' navigation.
    std::fs::write(
        site.path().join("guides/a.md"),
        "# Guide Alpha\n\nNewer words.\n",
    )
    .expect("write");
    assert_eq!(build(site.path(), &out, &[]).code, 0);
    let b = std::fs::read_to_string(out.join("guides/b/index.html")).expect("b");
    assert!(b.contains("Guide Alpha"), "{b}");
    assert_matches_fresh(site.path(), &out, "a new title");
}

#[test]
fn the_cache_belongs_to_the_binary_that_wrote_it_wherever_it_was_copied() {
    let (world, sites, out) = built_world();
    let bins = tempfile::tempdir().expect("temp dir");
    let run_with = |bin: &Path| {
        let output = Command::new(bin)
            .arg("build")
            .arg(world.root())
            .arg("-o")
            .arg(&out)
            .arg("--verbose")
            .env("SOURCE_DATE_EPOCH", "1795132800")
            .output()
            .expect("run handbook");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    // The same bytes in another file (a fresh download in CI): the cache holds.
    let copy = bins.path().join("handbook");
    std::fs::copy(BIN, &copy).expect("copy");
    let said = run_with(&copy);
    assert!(said.contains("pages: 0 rendered"), "{said}");
    // Other bytes (another version): a full build, whose cache the next run uses.
    let other = bins.path().join("handbook-other");
    let mut bytes = std::fs::read(BIN).expect("read");
    bytes.extend_from_slice(b"another build");
    std::fs::write(&other, bytes).expect("write");
    std::fs::set_permissions(&other, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let said = run_with(&other);
    assert!(!said.contains("pages:"), "{said}");
    let said = run_with(&other);
    assert!(said.contains("pages: 0 rendered"), "{said}");
    drop(sites);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: crate::support::cases("HANDBOOK_CACHE_CASES", 12), failure_persistence: None, ..ProptestConfig::default() })]

    /// A cache whose checksum is made to match bytes someone changed (a
    /// shared CI cache written by a hostile run) may make a build skip work
    /// it should not, but never makes it (or a check) panic or write outside
    /// its output.
    #[test]
    fn a_forged_cache_never_crashes_the_build(at in 0.0f64..1.0, len in 1usize..64, byte in any::<u8>()) {
        let (world, sites, out) = built_world();
        let cache = sites.path().join(".handbook-cache/public.bin");
        let mut bytes = std::fs::read(&cache).expect("cache");
        const HEADER: usize = 16 + 16 + 40 + 16;
        let payload = bytes.len() - HEADER - 16;
        let start = HEADER + 16 + ((payload as f64 * at) as usize).min(payload - 1);
        let end = (start + len).min(bytes.len());
        bytes[start..end].iter_mut().for_each(|b| *b = byte);
        let checksum = handbook::digest::Digest::of(&bytes[HEADER + 16..]);
        bytes[HEADER..HEADER + 16].copy_from_slice(checksum.as_bytes());
        std::fs::write(&cache, &bytes).expect("forge");
        write(world.root(), "guides/b.md", "+++\ntitle = \"Guide B\"\nweight = 2\n+++\n\n## Steps\n\nForged.\n");
        let before: Vec<_> = std::fs::read_dir(sites.path()).expect("read").flatten().map(|e| e.file_name()).collect();
        let checked = check_on(0, world.root(), &out, &[]);
        prop_assert!(checked.code == 0 || checked.code == 1, "{}", checked.stderr);
        prop_assert!(!checked.stderr.contains("panicked"), "{}", checked.stderr);
        let run = build(world.root(), &out, &[]);
        prop_assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
        prop_assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        let after: Vec<_> = std::fs::read_dir(sites.path()).expect("read").flatten().map(|e| e.file_name()).collect();
        prop_assert_eq!(before, after);
    }
}

#[test]
fn a_link_planted_in_the_cache_folder_is_replaced_not_written_through() {
    let (world, sites, out) = built_world();
    let cache = sites.path().join(".handbook-cache/public.bin");
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let target = elsewhere.path().join("precious");
    std::fs::write(&target, "keep me").expect("write");
    std::fs::remove_file(&cache).expect("remove");
    std::os::unix::fs::symlink(&target, &cache).expect("symlink");
    assert_full_build_after_an_edit(&world, &out, "a linked cache file");
    assert_eq!(
        std::fs::read_to_string(&target).ok().as_deref(),
        Some("keep me")
    );
    assert!(std::fs::symlink_metadata(&cache).is_ok_and(|m| m.is_file()));
}
