//! The commit walk: raw commit objects from `HEAD`, parsed without gix's decoder,
//! and put in the order the attribution reads them.

use super::*;

/// A commit as the walk read it.
#[derive(Debug)]
pub(super) struct Node {
    pub(super) tree: ObjectId,
    /// Indexes of the parents in the walk's list (missing parents of a
    /// shallow clone left out).
    pub(super) parents: Vec<usize>,
    /// Parents named by the commit (a merge has several).
    pub(super) parent_count: usize,
    pub(super) parent_ids: Vec<ObjectId>,
    pub(super) author: String,
    pub(super) time: i64,
    pub(super) summary: String,
    pub(super) id: ObjectId,
}

/// Every commit reachable from `head`, children before parents.
pub(super) fn walk(
    mut objects: pack::Reader<'_>,
    head: ObjectId,
    known: &HashMap<ObjectId, ParsedCommit>,
    shallow: bool,
) -> Result<Vec<Node>, Error> {
    let mut index: HashMap<ObjectId, usize> = HashMap::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut queue = vec![head];
    while let Some(id) = queue.pop() {
        if index.contains_key(&id) {
            continue;
        }
        let parsed = match known.get(&id) {
            Some(parsed) => parsed.clone(),
            None => {
                let Some((_, data)) = objects.find(&id)? else {
                    // Beyond a shallow clone's boundary; anywhere else an
                    // object the repository names is missing.
                    if shallow && id != head {
                        continue;
                    }
                    return Err(Error(format!(
                        "commit {id} is missing (is a pack index missing or damaged? \
                         `git fsck` tells), so the history is off"
                    )));
                };
                parse_commit(&data.bytes())
                    .ok_or_else(|| Error(format!("cannot parse commit {id}")))?
            }
        };
        index.insert(id, nodes.len());
        queue.extend(parsed.parents.iter().copied());
        nodes.push(Node {
            tree: parsed.tree,
            parents: Vec::new(),
            parent_count: parsed.parents.len(),
            parent_ids: parsed.parents,
            author: parsed.author,
            time: parsed.time,
            summary: parsed.summary,
            id,
        });
    }
    Ok(ordered(nodes, &index))
}

/// The walk's commits with their parents' indexes filled in (parents it
/// did not read, beyond a shallow boundary, left out), in [`topological`]
/// order. `index` gives each commit's place in `nodes`.
pub(super) fn ordered(mut nodes: Vec<Node>, index: &HashMap<ObjectId, usize>) -> Vec<Node> {
    for node in &mut nodes {
        node.parents = node
            .parent_ids
            .iter()
            .filter_map(|p| index.get(p).copied())
            .collect();
    }
    topological(nodes)
}

/// Orders commits so that every commit comes before its parents (newest
/// first where history is linear), keeping parent indexes right.
pub(super) fn topological(nodes: Vec<Node>) -> Vec<Node> {
    let n = nodes.len();
    let mut children = vec![0usize; n];
    for node in &nodes {
        for &p in &node.parents {
            children[p] += 1;
        }
    }
    // Kahn's algorithm from the tips; among ready commits, newest first.
    let mut ready: std::collections::BinaryHeap<(i64, std::cmp::Reverse<usize>)> = (0..n)
        .filter(|&i| children[i] == 0)
        .map(|i| (nodes[i].time, std::cmp::Reverse(i)))
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some((_, std::cmp::Reverse(i))) = ready.pop() {
        order.push(i);
        for &p in &nodes[i].parents {
            children[p] -= 1;
            if children[p] == 0 {
                ready.push((nodes[p].time, std::cmp::Reverse(p)));
            }
        }
    }
    let mut position = vec![0usize; n];
    for (at, &i) in order.iter().enumerate() {
        position[i] = at;
    }
    let mut slots: Vec<Option<Node>> = nodes.into_iter().map(Some).collect();
    order
        .iter()
        .filter_map(|&i| slots[i].take())
        .map(|mut node| {
            for p in &mut node.parents {
                *p = position[*p];
            }
            node
        })
        .collect()
}

#[derive(Clone, Debug)]
pub(super) struct ParsedCommit {
    pub(super) tree: ObjectId,
    pub(super) parents: Vec<ObjectId>,
    pub(super) author: String,
    pub(super) time: i64,
    pub(super) summary: String,
}

/// Reads the headers and the first message line of a commit object.
pub(super) fn parse_commit(data: &[u8]) -> Option<ParsedCommit> {
    let (headers, message) = match memchr::memmem::find(data, b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let mut tree = None;
    let mut parents = Vec::new();
    let mut author = String::new();
    let mut time = 0;
    for line in headers.split(|&b| b == b'\n') {
        if let Some(hex) = line.strip_prefix(b"tree ") {
            tree = ObjectId::from_hex(hex.trim_ascii()).ok();
        } else if let Some(hex) = line.strip_prefix(b"parent ") {
            parents.push(ObjectId::from_hex(hex.trim_ascii()).ok()?);
        } else if let Some(sig) = line.strip_prefix(b"author ") {
            // `Name <email> 1700000000 +0100`
            let (name, rest) = match memchr::memmem::find(sig, b" <") {
                Some(at) => (&sig[..at], &sig[at..]),
                None => (sig, &[][..]),
            };
            author = String::from_utf8_lossy(name.trim_ascii()).into_owned();
            time = memchr::memmem::rfind(rest, b"> ")
                .and_then(|at| rest[at + 2..].split(|&b| b == b' ').next())
                .and_then(|s| std::str::from_utf8(s).ok()?.parse().ok())
                .unwrap_or(0);
        }
    }
    let summary = message.split(|&b| b == b'\n').next().unwrap_or(&[]);
    Some(ParsedCommit {
        tree: tree?,
        parents,
        author,
        time,
        summary: String::from_utf8_lossy(summary.trim_ascii()).into_owned(),
    })
}
