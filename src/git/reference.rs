//! The reference reader: the same [`History`] read with plain gix (its
//! object database and its commit and tree decoders), without the fast
//! path's pack reader, ropes, entry boundaries or cache. It is used when the
//! fast path declines (a SHA-256 repository, anything it cannot read), and
//! it is what the fast path is tested against: a property test builds random
//! histories and compares the two readers' `History`.
//!
//! It shares with the fast path only what is not reading: the commit order
//! (`super::ordered`) and the attribution of changes to files
//! (`super::attribute`).

use std::collections::HashMap;

use gix::ObjectId;
use gix::prelude::Find;

use super::{Change, Error, History, Node, attribute, ordered};

/// The history of the handbook folder `history.prefix` from `head`.
pub fn read(
    repo: &gix::Repository,
    mut history: History,
    head: ObjectId,
) -> Result<History, Error> {
    let hash = repo.object_hash();
    let commits = walk(repo, head, history.shallow, hash)?;
    let prefix: Vec<&str> = history
        .prefix
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    let changes: Vec<Result<Vec<Change>, Error>> = commits
        .iter()
        .map(|commit| changes(repo, commit, &commits, &prefix, hash))
        .collect();
    attribute(&mut history, &commits, changes)?;
    Ok(history)
}

/// Every commit reachable from `head`, decoded by gix.
fn walk(
    repo: &gix::Repository,
    head: ObjectId,
    shallow: bool,
    hash: gix::hash::Kind,
) -> Result<Vec<Node>, Error> {
    let mut index: HashMap<ObjectId, usize> = HashMap::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut queue = vec![head];
    let mut buf = Vec::new();
    while let Some(id) = queue.pop() {
        if index.contains_key(&id) {
            continue;
        }
        let Some(data) = repo
            .objects
            .try_find(&id, &mut buf)
            .map_err(|e| super::error("cannot read a commit", e))?
        else {
            if shallow && id != head {
                continue;
            }
            return Err(Error(format!("commit {id} is missing")));
        };
        let commit = gix::objs::CommitRef::from_bytes(data.data, hash)
            .map_err(|e| super::error(&format!("cannot parse commit {id}"), e))?;
        let author = commit
            .author()
            .map_err(|e| super::error(&format!("cannot parse the author of {id}"), e))?;
        let parents: Vec<ObjectId> = commit.parents().collect();
        let summary = commit
            .message
            .split(|&b| b == b'\n')
            .next()
            .unwrap_or_default();
        index.insert(id, nodes.len());
        queue.extend(parents.iter().copied());
        nodes.push(Node {
            tree: commit.tree(),
            parents: Vec::new(),
            parent_count: parents.len(),
            parent_ids: parents,
            author: String::from_utf8_lossy(author.name.trim_ascii()).into_owned(),
            time: author.seconds(),
            summary: String::from_utf8_lossy(summary.trim_ascii()).into_owned(),
            id,
        });
    }
    Ok(ordered(nodes, &index))
}

/// One entry of a tree, as gix decodes it.
struct Entry {
    name: Vec<u8>,
    is_tree: bool,
    id: ObjectId,
}

fn tree(repo: &gix::Repository, id: ObjectId, hash: gix::hash::Kind) -> Result<Vec<Entry>, Error> {
    let mut buf = Vec::new();
    let data = repo
        .objects
        .try_find(&id, &mut buf)
        .map_err(|e| super::error("cannot read a tree", e))?
        .ok_or_else(|| Error(format!("tree {id} is missing")))?;
    if data.kind != gix::objs::Kind::Tree {
        return Err(Error(format!("object {id} is not a tree")));
    }
    let decoded = gix::objs::TreeRef::from_bytes(data.data, hash)
        .map_err(|e| super::error(&format!("cannot parse tree {id}"), e))?;
    Ok(decoded
        .entries
        .iter()
        .map(|e| Entry {
            name: e.filename.to_vec(),
            // Submodules are not entered, like the fast path.
            is_tree: e.mode.is_tree(),
            id: e.oid.to_owned(),
        })
        .collect())
}

/// The tree of the handbook folder in commit tree `root`.
fn folder(
    repo: &gix::Repository,
    root: ObjectId,
    prefix: &[&str],
    hash: gix::hash::Kind,
) -> Result<Option<ObjectId>, Error> {
    let mut at = root;
    for part in prefix {
        match tree(repo, at, hash)?
            .into_iter()
            .find(|e| e.is_tree && e.name == part.as_bytes())
        {
            Some(e) => at = e.id,
            None => return Ok(None),
        }
    }
    Ok(Some(at))
}

/// What a non-merge commit changed in the handbook folder against its
/// first parent, depth first in git's tree order.
fn changes(
    repo: &gix::Repository,
    commit: &Node,
    all: &[Node],
    prefix: &[&str],
    hash: gix::hash::Kind,
) -> Result<Vec<Change>, Error> {
    if commit.parent_count > 1 {
        return Ok(Vec::new());
    }
    let after = folder(repo, commit.tree, prefix, hash)?;
    let before = match commit.parents.first() {
        Some(&p) => folder(repo, all[p].tree, prefix, hash)?,
        None => None,
    };
    let mut out = Vec::new();
    diff(repo, before, after, "", hash, &mut out)?;
    Ok(out)
}

fn diff(
    repo: &gix::Repository,
    a: Option<ObjectId>,
    b: Option<ObjectId>,
    path: &str,
    hash: gix::hash::Kind,
    out: &mut Vec<Change>,
) -> Result<(), Error> {
    if a == b {
        return Ok(());
    }
    let entries = |id: Option<ObjectId>| id.map_or(Ok(Vec::new()), |id| tree(repo, id, hash));
    let (left, right) = (entries(a)?, entries(b)?);
    // Git's order: a tree's name sorts as if it ended in `/`.
    let key = |e: &Entry| {
        let mut k = e.name.clone();
        if e.is_tree {
            k.push(b'/');
        }
        k
    };
    let (mut l, mut r) = (left.iter().peekable(), right.iter().peekable());
    loop {
        let (x, y) = match (l.peek(), r.peek()) {
            (Some(x), Some(y)) => match key(x).cmp(&key(y)) {
                std::cmp::Ordering::Less => (l.next(), None),
                std::cmp::Ordering::Greater => (None, r.next()),
                std::cmp::Ordering::Equal => (l.next(), r.next()),
            },
            (Some(_), None) => (l.next(), None),
            (None, Some(_)) => (None, r.next()),
            (None, None) => return Ok(()),
        };
        let name = x.or(y).map_or(&[][..], |e| e.name.as_slice());
        let name = String::from_utf8_lossy(name);
        let child = if path.is_empty() {
            name.into_owned()
        } else {
            format!("{path}/{name}")
        };
        let tree_id = |e: Option<&Entry>| e.filter(|e| e.is_tree).map(|e| e.id);
        let blob_id = |e: Option<&Entry>| e.filter(|e| !e.is_tree).map(|e| e.id);
        if x.is_some_and(|x| x.is_tree) || y.is_some_and(|y| y.is_tree) {
            // A folder (the two sides share a name and kind, else only one is here).
            diff(repo, tree_id(x), tree_id(y), &child, hash, out)?;
        } else if blob_id(x) != blob_id(y) {
            out.push(Change {
                path: child,
                before: blob_id(x),
                after: blob_id(y),
            });
        }
    }
}
