//! The crate's top-level modules depend on each other without cycles: a
//! module lower in the pipeline (paths, fields, links, kinds, git, content)
//! never reaches back up to one that uses it. Read from the sources: every
//! `crate::module` outside comments and test code is an edge. `cli` and
//! `fuzzing` are entry points and may use everything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const ENTRY_POINTS: &[&str] = &["cli", "fuzzing", "lib", "main"];

/// module → (module it uses → first place it does).
fn edges() -> BTreeMap<String, BTreeMap<String, String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut edges: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src).into_iter().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).expect("under src");
        let Some(top) = rel.components().next().map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string()
        }) else {
            continue;
        };
        if ENTRY_POINTS.contains(&top.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("read source");
        // Test modules come last in every file; they may use anything.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for (i, _) in line.match_indices("crate::") {
                let used: String = line[i + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if used.is_empty() || used == top || ENTRY_POINTS.contains(&used.as_str()) {
                    continue;
                }
                edges
                    .entry(top.clone())
                    .or_default()
                    .entry(used)
                    .or_insert_with(|| format!("{}:{}", rel.display(), n + 1));
            }
        }
    }
    edges
}

#[test]
fn top_level_modules_have_no_dependency_cycles() {
    let edges = edges();
    // Depth-first search for a back edge; report the cycle it closes.
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeMap<String, String>>,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flat_map(|m| m.keys()) {
            if let Some(cycle) = visit(next, edges, done, path) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for start in edges.keys() {
        if let Some(cycle) = visit(start, &edges, &mut done, &mut Vec::new()) {
            let places: Vec<String> = cycle
                .windows(2)
                .map(|w| format!("{} → {} ({})", w[0], w[1], edges[&w[0]][&w[1]]))
                .collect();
            panic!("module cycle:\n  {}", places.join("\n  "));
        }
    }
    // The graph is not empty: the reader found the uses it should.
    assert!(edges.get("site").is_some_and(|m| m.contains_key("kinds")));
}

/// Within each folder module (`site/`, `kinds/`, `git/`, …), the files
/// depend on each other without cycles either (`context` builds on
/// `reserved`, `aggregates` on `context`, never back).
#[test]
fn sibling_modules_have_no_dependency_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    // Every folder module, nested ones (`site/views/`) included.
    let mut folders = Vec::new();
    let mut todo = vec![src.clone()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).expect("folder").flatten() {
            if entry.path().is_dir() {
                todo.push(entry.path());
                folders.push(entry);
            }
        }
    }
    for folder in folders {
        let siblings: BTreeSet<String> = std::fs::read_dir(folder.path())
            .expect("folder")
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                let stem = name.strip_suffix(".rs").map(str::to_string);
                stem.or_else(|| e.path().is_dir().then_some(name))
            })
            .filter(|n| n != "mod")
            .collect();
        let mut edges: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for name in &siblings {
            let file = folder.path().join(format!("{name}.rs"));
            let file = if file.exists() {
                file
            } else {
                folder.path().join(name).join("mod.rs")
            };
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let strip = |text: &str| -> String {
                text.split("#[cfg(test)]")
                    .next()
                    .unwrap_or_default()
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            let mut code = strip(&text);
            // A folder module's files reach their parent's siblings as
            // `super::super::`: count those as the folder module's uses.
            if file.ends_with("mod.rs") {
                let dir = folder.path().join(name);
                for entry in std::fs::read_dir(&dir).expect("folder").flatten() {
                    let path = entry.path();
                    if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("mod.rs") {
                        let text = std::fs::read_to_string(&path).unwrap_or_default();
                        code.push('\n');
                        code.push_str(&strip(&text).replace("super::super::", "super::"));
                    }
                }
            }
            let mut used: BTreeSet<String> = BTreeSet::new();
            for (i, _) in code.match_indices("super::") {
                let rest = &code[i + "super::".len()..];
                if let Some(list) = rest.strip_prefix('{') {
                    let list = list.split('}').next().unwrap_or_default();
                    used.extend(
                        list.split(',')
                            .map(|s| s.trim().split("::").next().unwrap_or_default().to_string()),
                    );
                } else {
                    used.insert(
                        rest.chars()
                            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                            .collect(),
                    );
                }
            }
            for other in used
                .into_iter()
                .filter(|u| u != name && siblings.contains(u))
            {
                edges
                    .entry(name.clone())
                    .or_default()
                    .insert(other, file.display().to_string());
            }
        }
        // A cycle shows as a node reachable from itself.
        for start in edges.keys() {
            let mut seen = BTreeSet::new();
            let mut stack: Vec<&String> = edges[start].keys().collect();
            while let Some(next) = stack.pop() {
                assert!(
                    next != start,
                    "module cycle in {}: {start} reaches itself ({:?})",
                    folder.path().display(),
                    edges
                );
                if seen.insert(next.clone()) {
                    stack.extend(edges.get(next).into_iter().flat_map(|m| m.keys()));
                }
            }
        }
    }
}
