//! The CI recipes under `examples/ci/`, as far as they can be run without a
//! forge: each YAML file parses, and every command of theirs that calls
//! `handbook` (and the sync script) succeeds on the example handbook inside a
//! fixture repository, with the forge's variables filled in.

use std::path::{Path, PathBuf};
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

use crate::support::{BIN, Fixture, git_command};

fn recipe(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/ci")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The example handbook at `docs/handbook` of a repository with one commit.
fn repository() -> Fixture {
    let site = Fixture::empty();
    let example = Fixture::copy_of("example-handbook");
    let book = site.path().join("docs/handbook");
    std::fs::create_dir_all(book.parent().expect("parent")).expect("mkdir");
    std::fs::rename(example.path(), &book)
        .or_else(|_| copy_dir(example.path(), &book))
        .expect("move the example");
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &["commit", "-q", "-m", "Handbook"],
    ] {
        let out = git_command(site.path(), "Ines Duarte", "2026-11-20T09:00:00Z", args);
        assert!(out.status.success(), "git {args:?}: {out:?}");
    }
    site
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(from).into_iter().flatten() {
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// A folder holding `handbook` (the binary under test), for `PATH`.
fn bin_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    #[cfg(unix)]
    std::os::unix::fs::symlink(BIN, dir.path().join("handbook")).expect("symlink");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![dir.path().to_path_buf()];
    paths.extend(std::env::split_paths(&path));
    let joined = std::env::join_paths(paths).expect("PATH");
    (dir, PathBuf::from(joined))
}

/// Runs one shell command line in `cwd` with `env`; asserts it succeeds and
/// returns what it printed on stderr.
fn run(line: &str, cwd: &Path, path: &Path, env: &[(&str, &str)]) -> String {
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", line])
        .current_dir(cwd)
        .env("PATH", path)
        .env("SOURCE_DATE_EPOCH", "1795132800")
        .envs(env.iter().copied())
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "`{line}` failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every `run:` (GitHub) or `script:` line (GitLab) of a parsed file, in order.
fn commands(doc: &Yaml) -> Vec<String> {
    let mut found = Vec::new();
    let mut visit = |key: &str, value: &Yaml| match (key, value) {
        ("run", Yaml::String(line)) => found.push(line.clone()),
        ("script" | "before_script", Yaml::Array(lines)) => {
            found.extend(lines.iter().filter_map(|l| l.as_str().map(str::to_string)));
        }
        _ => {}
    };
    fn walk(node: &Yaml, visit: &mut dyn FnMut(&str, &Yaml)) {
        match node {
            Yaml::Hash(map) => {
                for (k, v) in map {
                    if let Some(k) = k.as_str() {
                        visit(k, v);
                    }
                    walk(v, visit);
                }
            }
            Yaml::Array(items) => items.iter().for_each(|i| walk(i, visit)),
            _ => {}
        }
    }
    walk(doc, &mut visit);
    found
}

/// `(uses, with.path)` of every cache step of a GitHub workflow.
fn cache_steps(doc: &Yaml) -> Vec<(String, String)> {
    doc["jobs"]
        .as_hash()
        .into_iter()
        .flat_map(|jobs| jobs.values())
        .flat_map(|job| job["steps"].as_vec().cloned().unwrap_or_default())
        .filter_map(|step| {
            let uses = step["uses"]
                .as_str()
                .filter(|u| u.starts_with("actions/cache"))?;
            let path = step["with"]["path"].as_str().unwrap_or_default();
            Some((uses.to_string(), path.to_string()))
        })
        .collect()
}

/// The forge's expressions filled in as a run would have them.
fn filled(line: &str) -> String {
    line.replace("${{ github.repository_owner }}", "tidewater")
        .replace("${{ github.event.repository.name }}", "handbook")
        .replace("$CI_PAGES_URL", "https://tidewater.gitlab.io/handbook")
}

#[test]
fn the_ci_recipes_parse_and_their_handbook_commands_succeed_on_the_example() {
    let repo = repository();
    let (_bin, path) = bin_dir();
    let env = [("HANDBOOK_DIR", "docs/handbook")];
    let mut ran = 0;
    for (name, forge) in [
        ("github-pull-request.yml", "github"),
        ("github-pages.yml", "github"),
        ("gitlab-ci.yml", "gitlab"),
    ] {
        let docs =
            YamlLoader::load_from_str(&recipe(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let doc = &docs[0];
        match forge {
            "github" => {
                assert!(
                    doc["jobs"].as_hash().is_some_and(|j| !j.is_empty()),
                    "{name}: jobs"
                );
                // Dates come from history: never a shallow clone.
                let text = recipe(name);
                assert!(text.contains("fetch-depth: 0"), "{name}");
                assert!(
                    text.contains(".git/handbook-history"),
                    "{name}: the history cache"
                );
            }
            _ => assert_eq!(doc["variables"]["GIT_DEPTH"].as_str(), Some("0"), "{name}"),
        }
        let lines = commands(doc);
        assert!(
            lines.iter().any(|l| l.contains("handbook ")),
            "{name}: {lines:?}"
        );
        for line in lines {
            // Installing, uploading and commenting need the forge and the network.
            let network = [
                "cargo install",
                "releases/download",
                "apt-get",
                "sha256sum -c",
            ];
            if network.iter().any(|n| line.contains(n))
                || line.starts_with("tar -xzf")
                || line.starts_with("export ")
                || line.starts_with("gh ")
            {
                continue;
            }
            run(&filled(&line), repo.path(), &path, &env);
            ran += 1;
        }
    }
    assert!(ran >= 5, "{ran} commands ran");
    assert!(repo.path().join("public/index.html").exists());
    assert!(repo.path().join("stale.jsonl").exists());
    let comment = std::fs::read_to_string(repo.path().join("handbook-diff.md")).expect("diff");
    assert!(comment.starts_with("<!-- handbook diff -->"), "{comment}");
    // The Pages deploy caches that folder and the previous site with the history.
    let docs = YamlLoader::load_from_str(&recipe("github-pages.yml")).expect("parses");
    let cached: Vec<(String, String)> = cache_steps(&docs[0]);
    assert_eq!(cached.len(), 1, "{cached:?}");
    let paths: Vec<&str> = cached[0].1.lines().map(str::trim).collect();
    assert_eq!(
        paths,
        [".git/handbook-history", "public", ".handbook-cache"]
    );
    // GitLab's pages job caches the same (its zip keeps times to the second).
    let gitlab = YamlLoader::load_from_str(&recipe("gitlab-ci.yml")).expect("parses");
    let kept: Vec<&str> = gitlab[0]["pages"]["cache"]["paths"]
        .as_vec()
        .into_iter()
        .flatten()
        .filter_map(Yaml::as_str)
        .collect();
    assert_eq!(kept, paths);
    // The pull request's check restores the same paths (a cache's paths are
    // part of its version), never saving, and with the deploy's settings
    // reads its cache.
    let pull = YamlLoader::load_from_str(&recipe("github-pull-request.yml")).expect("parses");
    let restored = cache_steps(&pull[0]);
    assert_eq!(
        restored,
        [("actions/cache/restore@v4".to_string(), cached[0].1.clone())]
    );
    // The deploy's build (the GitLab recipe built `public` since, for its URL).
    let deploy = commands(&docs[0])
        .into_iter()
        .find(|l| l.contains("handbook build"))
        .expect("a build");
    run(&filled(&deploy), repo.path(), &path, &env);
    let check = commands(&pull[0])
        .into_iter()
        .find(|l| l.contains("handbook check") && l.contains("--format github"))
        .expect("a check");
    let said = run(
        &format!("{} --verbose", filled(&check)),
        repo.path(),
        &path,
        &env,
    );
    assert!(said.contains("not rendered again"), "{said}");
    // The sync script builds, then says where (no DEST: nothing uploaded).
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci/sync.sh");
    run(
        &format!("bash {}", script.display()),
        repo.path(),
        &path,
        &env,
    );
    // It builds into a lasting folder, so the next run starts from its cache.
    assert!(repo.path().join(".handbook-cache/public.bin").is_file());
}

#[test]
fn the_release_workflow_builds_every_target_and_its_script_makes_a_verified_reproducible_archive() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(".github/workflows/release.yml")).expect("read");
    let docs = YamlLoader::load_from_str(&text).expect("release.yml parses");
    let targets: Vec<&str> = docs[0]["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_vec()
        .expect("matrix")
        .iter()
        .filter_map(|t| t["target"].as_str())
        .collect();
    assert_eq!(
        targets,
        [
            "x86_64-unknown-linux-musl",
            "aarch64-unknown-linux-musl",
            "aarch64-apple-darwin",
            "x86_64-apple-darwin"
        ]
    );
    assert!(
        commands(&docs[0])
            .iter()
            .any(|l| l.contains("bash .ci/release"))
    );

    // The packaging script, on the binary under test.
    let package = |dist: &Path| {
        let out = Command::new("bash")
            .arg(root.join(".ci/release"))
            .args(["x86_64-unknown-linux-gnu", BIN])
            .env("DIST", dist)
            .env("SOURCE_DATE_EPOCH", "1795132800")
            .output()
            .expect("bash");
        assert!(out.status.success(), "{out:?}");
    };
    let (one, two) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    package(one.path());
    package(two.path());
    let version = env!("CARGO_PKG_VERSION");
    let name = format!("handbook-{version}-x86_64-unknown-linux-gnu.tar.gz");
    let archive = std::fs::read(one.path().join(&name)).expect("archive");
    assert_eq!(
        archive,
        std::fs::read(two.path().join(&name)).expect("archive"),
        "reproducible"
    );
    let verify = Command::new("sha256sum")
        .args(["-c", &format!("{name}.sha256")])
        .current_dir(one.path())
        .output()
        .expect("sha256sum");
    assert!(verify.status.success(), "{verify:?}");
    let unpack = Command::new("tar")
        .args(["-xzf", &name])
        .current_dir(one.path())
        .output()
        .expect("tar");
    assert!(unpack.status.success(), "{unpack:?}");
    let unpacked = one.path().join(format!(
        "handbook-{version}-x86_64-unknown-linux-gnu/handbook"
    ));
    let run = Command::new(&unpacked)
        .arg("--version")
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&run.stdout).contains(version));
}
