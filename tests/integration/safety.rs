//! A build must never delete, write or publish anything it did not create:
//! hostile output folders, aliases, slugs, symbolic links and themes, as a
//! pull request could bring them.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::Path;

use crate::support::{Fixture, Run};

/// Every file and link under `dir` (except the handbook's own output) with a
/// hash of its contents or link target.
fn checksum(dir: &Path, output: &Path) -> BTreeMap<String, u64> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.path().starts_with(output))
        .flatten()
        .map(|e| {
            let mut hasher = std::hash::DefaultHasher::new();
            if e.path_is_symlink() {
                std::fs::read_link(e.path()).ok().hash(&mut hasher);
            } else if e.file_type().is_file() {
                std::fs::read(e.path()).ok().hash(&mut hasher);
            }
            (e.path().display().to_string(), hasher.finish())
        })
        .collect()
}

/// `outer/` holding a handbook (`outer/repo/handbook/`), a sibling folder and
/// secrets, so that anything a build touches outside its output shows.
/// `git init` in `dir`.
fn git_init(dir: &Path) {
    let init = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir)
        .status()
        .expect("git is needed for this test");
    assert!(init.success());
}

struct World {
    outer: Fixture,
}

impl World {
    fn new(config: &str) -> World {
        let outer = Fixture::empty()
            .file("secret.txt", "AWS_SECRET=hunter2\n")
            .file("secret.md", "# Secret\n\nAWS_SECRET=hunter2\n")
            .file("secrets/key.txt", "AWS_SECRET=hunter2\n")
            .file("other/notes.txt", "someone else's files\n")
            .file("repo/README.md", "# The repository\n")
            .file("repo/handbook/handbook.toml", config)
            .file(
                "repo/handbook/index.md",
                "# Home\n\nSee [decisions](decisions/).\n",
            )
            .file(
                "repo/handbook/decisions/0001-queues.md",
                "+++\nstatus = \"accepted\"\n+++\n# Use queues\n",
            );
        World { outer }
    }

    fn handbook(&self) -> std::path::PathBuf {
        self.outer.path().join("repo/handbook")
    }

    fn file(self, rel: &str, contents: &str) -> World {
        World {
            outer: self.outer.file(&format!("repo/handbook/{rel}"), contents),
        }
    }

    #[cfg(unix)]
    fn symlink(self, rel: &str, to: &Path) -> World {
        let at = self.handbook().join(rel);
        std::fs::create_dir_all(at.parent().expect("parent")).expect("mkdir");
        std::os::unix::fs::symlink(to, at).expect("symlink");
        self
    }

    fn run(&self, args: &[&str]) -> Run {
        self.outer.run_in("repo/handbook", args)
    }

    /// Makes `repo/` a git repository (no commits): the fence is its work tree.
    fn git_init(self) -> World {
        git_init(&self.outer.path().join("repo"));
        self
    }

    fn sums(&self) -> BTreeMap<String, u64> {
        checksum(self.outer.path(), &self.handbook().join("public"))
    }
}

#[test]
fn an_output_folder_the_tool_did_not_make_is_refused_and_nothing_is_deleted() {
    let world = World::new("title = \"Ops\"\n");
    let outer = world.outer.path().display().to_string();
    let before = world.sums();
    for (config, args, why) in [
        (
            format!("output_dir = \"{outer}\""),
            vec![],
            "contains the handbook",
        ),
        (
            "output_dir = \"..\"".into(),
            vec![],
            "contains the handbook",
        ),
        (
            "output_dir = \".\"".into(),
            vec![],
            "handbook folder itself",
        ),
        (
            "output_dir = \"../../other\"".into(),
            vec![],
            "must stay inside",
        ),
        (
            "output_dir = \"decisions\"".into(),
            vec![],
            "not made by handbook",
        ),
        (String::new(), vec!["-o", ".."], "contains the handbook"),
        (
            String::new(),
            vec!["-o", "../../other"],
            "not made by handbook",
        ),
    ] {
        std::fs::write(
            world.handbook().join("handbook.toml"),
            format!("title = \"Ops\"\n{config}\n"),
        )
        .expect("config");
        let mut all = vec!["build"];
        all.extend(&args);
        let run = world.run(&all);
        assert_eq!(run.code, 2, "{config} {args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("refusing to build into") && run.stderr.contains(why),
            "{config} {args:?}: {}",
            run.stderr
        );
        // `check` refuses the same folders, so CI fails before a build would.
        let mut all = vec!["check"];
        all.extend(
            args.iter()
                .filter(|a| **a != "-o" && **a != ".." && **a != "../../other"),
        );
        if args.is_empty() {
            assert_eq!(world.run(&all).code, 2, "check with {config}");
        }
        std::fs::write(world.handbook().join("handbook.toml"), "title = \"Ops\"\n")
            .expect("config");
        let now = world.sums();
        assert_eq!(before.len(), now.len(), "{config} {args:?}");
        assert!(before == now, "{config} {args:?} changed files");
    }
}

#[test]
fn output_dir_from_the_config_stays_in_the_repository_but_the_command_line_may_go_anywhere() {
    let world = World::new("title = \"Ops\"\n");
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(world.outer.path().join("repo"))
            .output()
            .map(|o| o.status.success());
        ok.unwrap_or(false)
    };
    if !git(&["init", "-q"]) {
        panic!("git is needed for this test");
    }
    // Inside the repository but outside the handbook: allowed.
    std::fs::write(
        world.handbook().join("handbook.toml"),
        "title = \"Ops\"\noutput_dir = \"../site\"\n",
    )
    .expect("config");
    let run = world.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(world.outer.exists("repo/site/index.html"));
    // Outside the repository: only from the command line.
    let elsewhere = world.outer.path().join("published");
    std::fs::write(
        world.handbook().join("handbook.toml"),
        format!(
            "title = \"Ops\"\noutput_dir = \"{}\"\n",
            elsewhere.display()
        ),
    )
    .expect("config");
    let run = world.run(&["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!elsewhere.exists());
    let out = elsewhere.display().to_string();
    let run = world.run(&["build", "-o", &out]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(elsewhere.join("index.html").exists());
    // An earlier output is replaced; a second build leaves no leftovers.
    let run = world.run(&["build", "-o", &out]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let names: Vec<String> = std::fs::read_dir(world.outer.path())
        .expect("read")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".handbook-") && n != ".handbook-cache")
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn an_earlier_output_holding_pages_is_not_replaced() {
    // A pull request adds the marker to a folder of sources and aims the
    // build at it.
    let world = World::new("title = \"Ops\"\noutput_dir = \"decisions\"\n")
        .file("decisions/.handbook-output", "Built by handbook\n");
    let before = world.sums();
    let run = world.run(&["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("holds sources"), "{}", run.stderr);
    assert!(before == world.sums());
}

#[test]
fn a_marker_listing_sources_as_markdown_copies_does_not_make_them_replaceable() {
    // The marker names the folder's committed pages as the build's own copies.
    let world = World::new("title = \"Ops\"\noutput_dir = \"decisions\"\n")
        .file(
            "decisions/.handbook-output",
            "Built by handbook; safe to delete with this folder.\n0001-queues.md\n",
        )
        .file("decisions/0001-queues.md", "# Use queues\n\nWe queue.\n")
        .git_init();
    let repo = world.outer.path().join("repo");
    for args in [
        &["add", "-A"][..],
        &["commit", "-q", "-m", "Forge a marker"],
    ] {
        let out = crate::support::git_command(&repo, "Eve", "2026-11-01T10:00:00Z", args);
        assert!(out.status.success(), "git {args:?}: {out:?}");
    }
    // A first run keeps what the history walk learned in `.git`.
    world.run(&["check"]);
    let before = world.sums();
    let run = world.run(&["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("holds sources (`0001-queues.md` is committed to git"),
        "{}",
        run.stderr
    );
    assert!(before == world.sums());
}

#[test]
fn a_page_added_to_an_earlier_output_stops_the_next_build() {
    let world = World::new("title = \"Ops\"\n").file("guide.md", "# Guide\n");
    let run = world.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The build's own copy is replaced freely; a note someone put there is not.
    assert!(world.handbook().join("public/guide.md").exists());
    let run = world.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::write(world.handbook().join("public/notes.md"), "mine").expect("write");
    let run = world.run(&["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("holds sources (`notes.md`)"),
        "{}",
        run.stderr
    );
    let notes = std::fs::read_to_string(world.handbook().join("public/notes.md"));
    assert_eq!(notes.ok().as_deref(), Some("mine"));
}

#[test]
fn aliases_and_slugs_never_write_outside_the_output() {
    let world = World::new("title = \"Ops\"\n")
        .file(
            "moved.md",
            "+++\naliases = [\"../../../escaped/\", \"/a/../../escaped2/\", \"/old/moved/\"]\n+++\n# Moved\n",
        )
        .file("dots.md", "+++\nslug = \"-..\"\n+++\n# Dots\n")
        .file("-../index.md", "# A folder named -..\n");
    let before = world.sums();
    let run = world.run(&["build", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let codes: Vec<(String, u64)> = run
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|d| {
            (
                format!(
                    "{} {}",
                    d["code"].as_str().unwrap_or(""),
                    d["path"].as_str().unwrap_or("")
                ),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            ("invalid-slug dots.md".to_string(), 2),
            ("invalid-alias moved.md".to_string(), 2),
            ("invalid-alias moved.md".to_string(), 2),
        ]
    );
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert!(before == world.sums(), "files outside the output changed");
    for escaped in [
        "escaped",
        "escaped2",
        "repo/escaped",
        "repo/handbook/escaped",
    ] {
        assert!(!world.outer.exists(escaped), "{escaped} was written");
    }
    // Without the hostile aliases and slug the rest builds, the folder `-..`
    // inside the output.
    std::fs::write(world.handbook().join("moved.md"), "# Moved\n").expect("write");
    std::fs::write(world.handbook().join("dots.md"), "# Dots\n").expect("write");
    let run = world.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(world.handbook().join("public/-/index.html").exists());
    let after = world.sums();
    let (cache, changed): (Vec<&String>, Vec<&String>) = after
        .iter()
        .filter(|(path, sum)| before.get(*path) != Some(sum))
        .map(|(path, _)| path)
        .partition(|path| path.contains("/.handbook-cache"));
    assert_eq!(
        changed.len(),
        2,
        "only moved.md and dots.md changed: {changed:?}"
    );
    // Besides the output, the build wrote only its cache, beside it.
    let cache_folder = world.handbook().join(".handbook-cache");
    let names: Vec<String> = cache
        .iter()
        .filter_map(|p| Path::new(p.as_str()).strip_prefix(&cache_folder).ok())
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(
        names,
        ["", ".gitignore", "CACHEDIR.TAG", "public.bin"],
        "{cache:?}"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_repository_are_skipped_and_never_published() {
    let outer = |rel: &str| -> std::path::PathBuf { Path::new("../..").join(rel) };
    let world = World::new("title = \"Ops\"\n")
        .file(
            "notes.md",
            "# Notes\n\nSee [the key](leak.txt) and [home](home.md).\n",
        )
        .symlink("leak.txt", &outer("secret.txt"))
        .symlink("secret.md", &outer("secret.md"))
        .symlink("etc", &outer("secrets"))
        .symlink("environ.txt", Path::new("/proc/self/environ"))
        .symlink("git-config.txt", Path::new("../.git/config"))
        .symlink("home.md", Path::new("index.md"))
        .symlink("readme.md", Path::new("../README.md"))
        .symlink("guides/loop", Path::new(".."));
    let world = world.git_init();
    // What a CI checkout keeps in `.git/config`.
    let config = world.outer.path().join("repo/.git/config");
    let mut text = std::fs::read_to_string(&config).expect("git config");
    text.push_str("[http]\n\textraheader = AUTHORIZATION: basic hunter2\n");
    std::fs::write(&config, text).expect("git config");
    let run = world.run(&["build", "--format", "json"]);
    // `leak.txt` is skipped, so the link to it is broken.
    assert_eq!(run.code, 1, "{}", run.stderr);
    let warned: Vec<String> = run
        .stdout
        .lines()
        .filter(|l| l.contains("symlink-outside"))
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|d| d["path"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        warned,
        [
            "environ.txt",
            "etc",
            "git-config.txt",
            "leak.txt",
            "secret.md"
        ]
    );
    assert!(run.stdout.contains("broken-link"), "{}", run.stdout);
    // A link back up the tree is a loop: an error, as before.
    assert!(
        run.stdout
            .lines()
            .any(|l| l.contains("unreadable-file") && l.contains("guides/loop")),
        "{}",
        run.stdout
    );
    // Fixed, the build publishes the links inside the handbook only.
    std::fs::write(
        world.handbook().join("notes.md"),
        "# Notes\n\n[home](home.md)\n",
    )
    .expect("w");
    std::fs::remove_file(world.handbook().join("guides/loop")).expect("rm");
    let run = world.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let public = world.handbook().join("public");
    assert!(
        public.join("home/index.html").exists(),
        "a link inside still works"
    );
    for entry in walkdir::WalkDir::new(&public).into_iter().flatten() {
        if entry.file_type().is_file() {
            let text =
                String::from_utf8_lossy(&std::fs::read(entry.path()).expect("read")).into_owned();
            assert!(
                !text.contains("hunter2") && !text.contains("PATH="),
                "{} leaks",
                entry.path().display()
            );
        }
    }
    assert!(!public.join("etc").exists() && !public.join("leak.txt").exists());
}

#[cfg(unix)]
#[test]
fn a_theme_must_be_a_folder_of_the_handbook() {
    let named = World::new("title = \"Ops\"\ntheme = \"../../../secrets\"\n");
    let linked = World::new("title = \"Ops\"\ntheme = \"linked\"\n")
        .symlink("themes/linked", Path::new("../../../secrets"));
    for world in [named, linked] {
        let run = world.run(&["build"]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("outside the handbook"),
            "{}",
            run.stderr
        );
        assert!(!world.handbook().join("public").exists());
    }
}

#[test]
fn a_build_killed_between_two_renames_gets_its_site_back() {
    let world = World::new("title = \"Ops\"\n");
    assert_eq!(world.run(&["build"]).code, 0);
    let public = world.handbook().join("public");
    // What a kill after the first rename of the two-step swap leaves.
    std::fs::rename(&public, world.handbook().join(".handbook-retired-public")).expect("rename");
    // The next build fails, but the previous site is back in place.
    std::fs::write(world.handbook().join("index.md"), "[x](nowhere.md)\n").expect("write");
    assert_eq!(world.run(&["build"]).code, 1);
    assert!(
        public.join("index.html").exists(),
        "the previous site is restored"
    );
    assert!(!world.handbook().join(".handbook-retired-public").exists());
}

#[test]
fn script_urls_are_never_live_links() {
    let site = Fixture::new()
        .file(
            "index.md",
            "# Home\n\n[click](javascript:alert(1)) <vbscript:msgbox(1)> \
             ![x](data:text/html,<script>alert(1)</script>) [ok](https://example.org)\n",
        )
        .file(
            "runbooks/db.md",
            "+++\nservice = \"db\"\nowner = \"ines\"\ndashboards = [\"JavaScript:alert(document.cookie)\", \"https://grafana.example/d/db\"]\n+++\n# DB\n",
        );
    let run = site.run(&["build", "--format", "json"]);
    assert_eq!(
        run.code, 0,
        "a neutralised link is a warning: {}",
        run.stderr
    );
    let lines: Vec<(String, String, u64)> = run
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|d| d["code"] == "unsafe-url")
        .map(|d| {
            (
                d["path"].as_str().unwrap_or_default().to_string(),
                d["message"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    for page in ["public/index.html", "public/runbooks/db/index.html"] {
        let html = site.read(page).to_lowercase();
        assert!(
            !html.contains("href=\"javascript")
                && !html.contains("href=\"vbscript")
                && !html.contains("src=\"data:text"),
            "{page}: {html}"
        );
    }
    assert!(
        site.read("public/index.html").contains("click"),
        "the text stays"
    );
    assert!(
        site.read("public/runbooks/db/index.html")
            .contains("href=\"https://grafana.example/d/db\"")
    );
    // URL settings that could run script are errors at their line.
    let site = Fixture::new()
        .file(
            "handbook.toml",
            "title = \"T\"\nrepo_url = \"javascript:alert(1)\"\n",
        )
        .file("index.md", "# Home\n");
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(diags[0]["code"], "unsafe-url");
    assert_eq!(diags[0]["line"], 2);
}

#[test]
fn raw_html_can_be_sanitized_or_escaped() {
    let page = "# Home\n\n<div onmouseover=\"steal()\"><img src=dot.png onerror=alert(1)><b>kept</b></div>\n\n<script>alert(2)</script>\n";
    let build = |mode: &str| {
        let site = Fixture::new()
            .file(
                "handbook.toml",
                &format!("title = \"T\"\n[markdown]\nraw_html = \"{mode}\"\n"),
            )
            .file("index.md", page)
            .bytes("dot.png", b"\x89PNG");
        site.build_ok();
        site.read("public/index.html")
    };
    let clean = build("sanitize");
    assert!(
        !clean.contains("onerror") && !clean.contains("onmouseover") && !clean.contains("alert(2)"),
        "{clean}"
    );
    assert!(clean.contains("<b>kept</b>"), "{clean}");
    let escaped = build("escape");
    assert!(
        escaped.contains("&lt;script&gt;") && !escaped.contains("<script>alert"),
        "{escaped}"
    );
    let allowed = build("allow");
    assert!(
        allowed.contains("<script>alert(2)</script>"),
        "CommonMark allows raw HTML by default"
    );
}

#[test]
fn many_diagnostics_on_one_long_line_stay_fast_and_are_summarised() {
    // 20,000 broken anchors on one 340 KB line (before, 10,000 took 65 s and 5.7 GB).
    let line: Vec<String> = (0..20_000).map(|i| format!("[a](#nope-{i})")).collect();
    let site = Fixture::new().file("index.md", &format!("# Home\n\n{}\n", line.join(" ")));
    let started = std::time::Instant::now();
    let run = site.run(&["check"]);
    let took = started.elapsed();
    assert_eq!(run.code, 1);
    assert!(
        took < std::time::Duration::from_secs(20),
        "check took {took:?}"
    );
    assert_eq!(run.stderr.matches("error[missing-anchor]").count(), 20);
    assert!(
        run.stderr.contains("note: 19980 more not shown"),
        "{}",
        &run.stderr[run.stderr.len().saturating_sub(600)..]
    );
    assert!(
        run.stderr.lines().all(|l| l.len() < 400),
        "snippets are windows of the line"
    );
    let all = site.run(&["check", "--max-diagnostics", "0"]);
    assert_eq!(all.stderr.matches("error[missing-anchor]").count(), 20_000);
    let (_, json) = site.check_json();
    assert_eq!(json.len(), 20_000);
    assert_eq!(
        json[19_999]["column"],
        1 + line[..19_999].iter().map(|l| l.len() + 1).sum::<usize>() + 4
    );
}

#[test]
fn thousands_of_identical_headings_build_in_linear_time() {
    let site = Fixture::new().file("index.md", &"## same\n\n".repeat(30_000));
    let started = std::time::Instant::now();
    site.build_ok();
    let took = started.elapsed();
    assert!(
        took < std::time::Duration::from_secs(20),
        "build took {took:?}"
    );
    let html = site.read("public/index.html");
    assert!(html.contains("id=\"same-29999\""));
}

#[test]
fn file_names_in_any_script_never_take_the_build_down() {
    let site = Fixture::new()
        .file(
            "decisions/2024-決定事項.md",
            "+++\nstatus = \"accepted\"\n+++\n# 決定事項\n",
        )
        .file(
            "decisions/0002-ü.md",
            "+++\nstatus = \"accepted\"\n+++\n# Umlaut\n",
        )
        .file(
            "runbooks/日本語.md",
            "+++\nservice = \"db\"\nowner = \"ines\"\n+++\n# 手順\n",
        );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(site.exists("public/decisions/2024-決定事項/index.html"));
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_named_escaped() {
    use std::os::unix::ffi::OsStrExt;
    let site = Fixture::new().file("index.md", "# Home\n");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    std::fs::write(site.path().join(name), "# Cafe\n").expect("write");
    let (code, diags) = site.check_json();
    assert_eq!(code, 0, "{diags:?}");
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], "non-utf8-name");
    assert_eq!(diags[0]["path"], "caf\\xe9.md");
}

#[test]
fn a_config_that_is_not_utf8_is_an_error_at_its_position() {
    let site = Fixture::empty()
        .bytes(
            "handbook.toml",
            b"title = \"Ops\"\ndescription = \"caf\xe9\"\n",
        )
        .file("index.md", "# Home\n");
    let (code, diags) = site.check_json();
    assert_eq!(code, 1);
    assert_eq!(diags[0]["code"], "not-utf8");
    assert_eq!(
        (diags[0]["line"].as_u64(), diags[0]["column"].as_u64()),
        (Some(2), Some(19))
    );
}

#[test]
fn links_out_of_the_site_never_reach_outside_the_repository_or_into_git() {
    let world = World::new(
        "repo_url = \"https://github.com/acme/ops\"\ntitle = \"Ops\"\n[links]\nbroken = \"warn\"\n",
    )
    .file(
        "notes.md",
        "# Notes\n\n[readme](../README.md) [git](../.git/config) [head](../.git/HEAD) \
         [outside](../../secret.txt) [leak](../leak.txt)\n",
    );
    let world = world.git_init();
    #[cfg(unix)]
    std::os::unix::fs::symlink("../secret.txt", world.outer.path().join("repo/leak.txt"))
        .expect("symlink");
    let run = world.run(&["build", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let found: Vec<(String, String)> = run
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|d| d["code"] != "git-history")
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let codes: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        codes,
        ["broken-link", "broken-link", "broken-link", "broken-link"],
        "only the README resolves (to the forge): {found:#?}"
    );
    let page =
        std::fs::read_to_string(world.handbook().join("public/notes/index.html")).expect("page");
    assert!(
        page.contains("href=\"https://github.com/acme/ops/blob/main/README.md\""),
        "{page}"
    );
    assert!(
        !page.contains("github.com/acme/ops/blob/main/.git"),
        "{page}"
    );
    assert!(!page.contains("blob/main/secret"), "{page}");
    assert!(
        !page.contains("blob/main/leak.txt"),
        "a link out of the fence is not published: {page}"
    );
}

#[cfg(unix)]
#[test]
fn init_never_appends_to_a_gitignore_that_leads_outside_the_repository() {
    let outer = Fixture::empty()
        .file("elsewhere.txt", "someone else's file\n")
        .file(
            "repo/docs/runbooks/PaymentQueueBacklog.md",
            "# PaymentQueueBacklog\n\n## Meaning\n\n## Mitigation\n",
        );
    let repo = outer.path().join("repo");
    git_init(&repo);
    std::os::unix::fs::symlink("../../elsewhere.txt", repo.join("docs/.gitignore"))
        .expect("symlink");
    let run = outer.run_in("repo/docs", &["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("could not add public/ to .gitignore"),
        "{}",
        run.stderr
    );
    assert_eq!(outer.read("elsewhere.txt"), "someone else's file\n");
    assert!(outer.exists("repo/docs/handbook.toml"));
}

#[cfg(unix)]
#[test]
fn a_theme_stylesheet_linked_out_of_the_repository_is_not_inlined_into_the_404_page() {
    let world = World::new("title = \"Ops\"\ntheme = \"mine\"\n")
        .file("themes/mine/templates/.keep", "")
        .symlink(
            "themes/mine/static/style.css",
            &Path::new("../../../../..").join("secret.txt"),
        )
        .git_init();
    let link = world.handbook().join("themes/mine/static/style.css");
    assert!(
        std::fs::read_to_string(&link).is_ok_and(|t| t.contains("hunter2")),
        "the link leads to the secret"
    );
    let run = world.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let public = world.handbook().join("public");
    let not_found = std::fs::read_to_string(public.join("404.html")).expect("404.html");
    assert!(!not_found.contains("hunter2"), "the secret was inlined");
    // The default stylesheet stands in.
    assert!(not_found.contains("/* handbook default theme."));
    for file in walkdir::WalkDir::new(&public).into_iter().flatten() {
        if file.file_type().is_file() {
            let bytes = std::fs::read(file.path()).expect("read");
            assert!(
                !String::from_utf8_lossy(&bytes).contains("hunter2"),
                "{} holds the secret",
                file.path().display()
            );
        }
    }
}

#[test]
fn a_nav_link_out_must_be_a_web_address() {
    for url in [
        "javascript:alert(document.cookie)",
        "JavaScript://%0aalert(1)",
        "data:text/html,<script>alert(1)</script>",
    ] {
        let toml =
            format!("title = \"T\"\n[nav]\nlinks = [{{ title = \"Status\", url = \"{url}\" }}]\n");
        let site = Fixture::new()
            .file("handbook.toml", &toml)
            .file("index.md", "# Home\n");
        let (code, diags) = site.check_json();
        assert_eq!(code, 1, "{url}");
        assert_eq!(diags[0]["code"], "unsafe-url", "{diags:#?}");
        assert_eq!(diags[0]["line"], 3);
        let run = site.run(&["build"]);
        assert_eq!(run.code, 1);
        assert!(!site.exists("public/index.html"), "nothing is published");
    }
}

#[test]
fn a_hostile_mermaid_diagram_puts_no_script_or_outside_load_in_the_page() {
    let hostile = [
        "flowchart TD\n  A[\"<img src=x onerror=alert(1)>\"] --> B[\"<script>alert(2)</script>\"]\n",
        "flowchart TD\n  A --> B\n  click A \"javascript:alert(3)\"\n  click B call alert(4)\n",
        "flowchart TD\n  A --> B\n  style A fill:url(https://tracker.example/p.png)\n",
        "flowchart TD\n  A[\"<iframe src=https://elsewhere.example></iframe>\"] --> B\n",
        "%%{init: {\"securityLevel\": \"loose\"}}%%\nflowchart TD\n  A[\"<b onmouseover=alert(5)>x</b>\"] --> B\n",
    ];
    let mut page = String::from("# Home\n");
    for d in hostile {
        page.push_str(&format!("\n```mermaid\n{d}```\n"));
    }
    let site = Fixture::new().file("index.md", &page);
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = site.read("public/index.html").to_ascii_lowercase();
    // The source under each drawing is escaped text; the drawings carry none of it live.
    let drawings: Vec<&str> = html
        .split("<svg")
        .skip(1)
        .map(|s| s.split_once("</svg>").map_or(s, |(svg, _)| svg))
        .collect();
    for svg in &drawings {
        for live in [
            "<script",
            "onerror",
            "onmouseover",
            "javascript:",
            "url(https://",
            "<iframe",
        ] {
            assert!(!svg.contains(live), "{live} is live in a drawing: {svg}");
        }
    }
    for raw in [
        "<img src=x onerror",
        "<b onmouseover",
        "<script>alert",
        "<iframe src",
    ] {
        assert!(!html.contains(raw), "{raw} is live in the page");
    }
}

#[cfg(unix)]
#[test]
fn an_image_outside_the_repository_is_not_read_for_its_size() {
    let png = crate::support::png_header(4321, 1234);
    let world = World::new("title = \"Ops\"\n[links]\nbroken = \"warn\"\n")
        .file(
            "maps.md",
            "# Maps\n\n![linked](map.png) ![up](../map.png) ![climbing](../../secret.png) ![rooted](/secret.png)\n",
        )
        .symlink("map.png", &Path::new("../..").join("secret.png"));
    let world = World {
        outer: world.outer.bytes("secret.png", &png),
    }
    .git_init();
    let run = world.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html =
        std::fs::read_to_string(world.handbook().join("public/maps/index.html")).expect("the page");
    assert!(html.contains("alt=\"linked\""), "{html}");
    for size in ["4321", "1234"] {
        assert!(
            !html.contains(size),
            "the outside image's size is in the page: {html}"
        );
    }
}

/// A survey file of another team, outside the repository.
const OUTSIDE_SURVEY: &str = "[[questions]]\nid = \"x\"\ntext = \"Secret question\"\ndimension = \"leaked\"\nanswers = [9, 9, 9, 9, 9]\n";

#[cfg(unix)]
#[test]
fn survey_files_linked_out_of_the_repository_are_never_read_or_written_through() {
    let outer = |rel: &str| -> std::path::PathBuf { Path::new("../..").join(rel) };
    // `health/` itself a link out of the repository.
    let world = World::new("title = \"Ops\"\n")
        .symlink("health", &outer("other"))
        .git_init();
    std::fs::write(
        world.outer.path().join("other/2026-Q3.toml"),
        OUTSIDE_SURVEY,
    )
    .expect("write");
    let run = world.run(&["build", "--format", "json"]);
    assert!(
        !run.stdout.contains("Secret question") && !run.stderr.contains("Secret question"),
        "{}",
        run.stdout
    );
    assert!(
        !world.handbook().join("public/team-health").exists(),
        "nothing read, nothing shown"
    );
    // `survey import` refuses to write through the link; the outside is untouched.
    std::fs::write(world.handbook().join("export.csv"), "Q\n4\n").expect("write");
    let import = world.run(&["survey", "import", "export.csv", "--period", "2026-Q4"]);
    assert_eq!(import.code, 2, "{}", import.stderr);
    assert!(
        import
            .stderr
            .contains("is a symbolic link; refusing to write through it"),
        "{}",
        import.stderr
    );
    let new = world.run(&["new", "survey", "2026-Q4"]);
    assert_eq!(new.code, 2, "{}", new.stderr);
    assert!(!world.outer.path().join("other/2026-Q4.toml").exists());

    // One survey file linked out, in a real `health/` folder.
    let world = World::new("title = \"Ops\"\n")
        .file("health/2026-Q2.toml", "[[questions]]\nid = \"a\"\ntext = \"Ours\"\ndimension = \"d\"\nanswers = [0, 0, 1, 2, 2]\n")
        .symlink("health/2026-Q3.toml", &outer("../secret-survey.toml"))
        .git_init();
    std::fs::write(
        world.outer.path().join("secret-survey.toml"),
        OUTSIDE_SURVEY,
    )
    .expect("write");
    let run = world.run(&["build", "--format", "json"]);
    assert_eq!(
        run.code, 0,
        "skipped with the walk's warning, as any link out: {}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("\"code\":\"symlink-outside\",\"path\":\"health/2026-Q3.toml\""),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("Secret question"), "{}", run.stdout);
    let page = std::fs::read_to_string(world.handbook().join("public/team-health/index.html"))
        .expect("the dashboard, from our own survey");
    assert!(page.contains("Ours"), "{page}");
    assert!(
        !page.contains("Secret question") && !page.contains("leaked"),
        "{page}"
    );
    // A link at the very file `survey import` would write is not followed.
    std::fs::write(world.handbook().join("export.csv"), "Q\n4\n").expect("write");
    let world = world.symlink("health/2026-Q4.toml", &outer("../planted.toml"));
    let import = world.run(&["survey", "import", "export.csv", "--period", "2026-Q4"]);
    assert_eq!(import.code, 2, "{}", import.stderr);
    assert!(
        !world.outer.path().join("planted.toml").exists(),
        "nothing written through the link"
    );
}
