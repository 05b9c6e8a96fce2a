//! The records of a folder checked against each other: unique numbers, supersede
//! and amend targets, superseded records' status, supersede cycles.

use super::*;

/// A decision record with its page, as the cross-checks see it.
pub type Record<'a> = super::super::OnPage<'a, Adr>;

/// The supersede graph between records, by page index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Graph {
    pub supersedes: HashMap<PageId, Vec<PageId>>,
    pub superseded_by: HashMap<PageId, Vec<PageId>>,
    /// "Amends" relations, which leave both records standing.
    pub amends: HashMap<PageId, Vec<PageId>>,
    pub amended_by: HashMap<PageId, Vec<PageId>>,
}

/// Checks records against each other: numbers unique per folder, supersede
/// targets exist, superseded records say so, no cycles.
pub fn check(records: &[Record<'_>]) -> (Graph, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut by_number: HashMap<(&str, u32), &Record<'_>> = HashMap::new();
    let by_path: HashMap<&str, &Record<'_>> = records.iter().map(|r| (r.path, r)).collect();
    for record in records {
        let Some(n) = record.record.number else {
            continue;
        };
        match by_number.get(&(record.folder, n)) {
            Some(first) => diagnostics.push(
                Diagnostic::error(
                    crate::diagnostics::Code::DuplicateAdrNumber,
                    record.path,
                    format!(
                        "ADR number {n} is used by both `{}` and `{}`",
                        first.path, record.path
                    ),
                )
                .with_help("renumber one of them (usually the one merged last)"),
            ),
            None => {
                by_number.insert((record.folder, n), record);
            }
        }
    }
    let mut graph = Graph::default();
    let resolve = |record: &Record<'_>, reference: &Reference| match &reference.target {
        Target::Number(n) => by_number.get(&(record.folder, *n)).copied(),
        Target::Path(p) => {
            let decoded = percent_encoding::percent_decode_str(p).decode_utf8_lossy();
            let path = decoded.split('#').next().unwrap_or_default();
            normalize(record.folder, path).and_then(|full| by_path.get(full.as_str()).copied())
        }
    };
    for record in records {
        // (references, this record is the "from" side, into supersedes?)
        let relations = [
            (&record.record.supersedes, true, true),
            (&record.record.superseded_by, false, true),
            (&record.record.amends, true, false),
            (&record.record.amended_by, false, false),
        ];
        for (references, forward, supersede) in relations {
            for reference in references {
                let Some(target) = resolve(record, reference) else {
                    // A body link that leads nowhere is the link check's
                    // to report; saying it twice is noise.
                    if reference.in_body {
                        continue;
                    }
                    let what = match &reference.target {
                        Target::Number(n) => format!("ADR {n}"),
                        Target::Path(p) => format!("`{p}`"),
                    };
                    diagnostics.push(
                        Diagnostic::error(crate::diagnostics::Code::MissingSupersedeTarget, record.path, format!("supersedes {what}, which is not an ADR here"))
                            .at(record.source, reference.span.clone())
                            .with_help("supersede by number within the same folder, or by a relative path to the ADR file"),
                    );
                    continue;
                };
                if target.page == record.page {
                    continue;
                }
                let (from, to) = if forward {
                    (record.page, target.page)
                } else {
                    (target.page, record.page)
                };
                let (out, back) = if supersede {
                    (&mut graph.supersedes, &mut graph.superseded_by)
                } else {
                    (&mut graph.amends, &mut graph.amended_by)
                };
                out.entry(from).or_default().push(to);
                back.entry(to).or_default().push(from);
            }
        }
    }
    for list in graph
        .supersedes
        .values_mut()
        .chain(graph.superseded_by.values_mut())
    {
        list.sort_unstable();
        list.dedup();
    }
    let by_page: HashMap<PageId, &Record<'_>> = records.iter().map(|r| (r.page, r)).collect();
    let mut targets: Vec<_> = graph.superseded_by.iter().collect();
    targets.sort();
    for (target, by) in targets {
        let (Some(t), Some(first)) = (by_page.get(target), by.first().and_then(|b| by_page.get(b)))
        else {
            continue;
        };
        if t.record.status != Some(Status::Superseded) {
            let status = t.record.status.map_or("unknown", Status::name);
            let mut d = Diagnostic::warning(
                crate::diagnostics::Code::SupersededStatus,
                t.path,
                format!(
                    "this ADR is superseded by `{}`, but its status is {status}",
                    first.path
                ),
            )
            .with_help("set its status to superseded");
            if let Some(span) = t.record.status_span.clone() {
                d = d.at(t.source, span);
            }
            diagnostics.push(d);
        }
    }
    diagnostics.extend(cycles(&graph, &by_page));
    for list in graph
        .supersedes
        .values_mut()
        .chain(graph.superseded_by.values_mut())
        .chain(graph.amends.values_mut())
        .chain(graph.amended_by.values_mut())
    {
        list.sort_unstable();
        list.dedup();
    }
    (graph, diagnostics)
}

/// One error per supersede cycle, reported at its lowest-numbered page.
pub(super) fn cycles(graph: &Graph, by_page: &HashMap<PageId, &Record<'_>>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut state: HashMap<PageId, u8> = HashMap::new(); // 1 = on the path, 2 = done
    let mut starts: Vec<PageId> = graph.supersedes.keys().copied().collect();
    starts.sort_unstable();
    for start in starts {
        let mut path = Vec::new();
        visit(
            start,
            graph,
            &mut state,
            &mut path,
            &mut |cycle: &[PageId]| {
                let names: Vec<String> = cycle
                    .iter()
                    .chain(cycle.first())
                    .filter_map(|p| by_page.get(p))
                    .map(|r| {
                        r.record
                            .number
                            .map_or_else(|| r.path.to_string(), |n| n.to_string())
                    })
                    .collect();
                if let Some(first) = cycle.iter().min().and_then(|p| by_page.get(p)) {
                    diagnostics.push(
                    Diagnostic::error(crate::diagnostics::Code::SupersedeCycle, first.path, format!("ADRs supersede each other in a cycle: {}", names.join(" → ")))
                        .with_help("a decision can only be superseded by a later one; remove one `supersedes`"),
                );
                }
            },
        );
    }
    diagnostics
}

pub(super) fn visit(
    node: PageId,
    graph: &Graph,
    state: &mut HashMap<PageId, u8>,
    path: &mut Vec<PageId>,
    found: &mut dyn FnMut(&[PageId]),
) {
    match state.get(&node) {
        Some(2) => return,
        Some(1) => {
            if let Some(i) = path.iter().position(|p| *p == node) {
                found(&path[i..]);
            }
            return;
        }
        _ => {}
    }
    state.insert(node, 1);
    path.push(node);
    let mut next = graph.supersedes.get(&node).cloned().unwrap_or_default();
    next.sort_unstable();
    for n in next {
        visit(n, graph, state, path, found);
    }
    path.pop();
    state.insert(node, 2);
}
