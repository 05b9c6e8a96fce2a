//! Prometheus alerting rules, compared with the runbooks (`[runbooks]
//! alert_rules`): every alert a rule defines should have a runbook, every
//! alert a runbook names should be defined by a rule, and a rule's
//! `runbook_url` annotation should lead to the runbook for its alert.
//!
//! [`parse`] reads one file: plain rule groups (`groups: [{rules: [{alert,
//! annotations}]}]`) or Kubernetes `PrometheusRule` manifests (the same
//! under `spec:`), several YAML documents apart by `---`. Spans are byte
//! offsets in the whole file. Pure: reading the files is the caller's.

use std::ops::Range;

use crate::fields::{Node, Table, Value};

/// One alerting rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub alert: String,
    /// The alert's name in the file.
    pub span: Range<usize>,
    /// The `runbook_url` annotation (or `runbook`), with its span.
    pub runbook_url: Option<(String, Range<usize>)>,
}

/// A YAML document of the file that cannot be read: where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    pub span: Range<usize>,
    pub message: String,
}

fn get<'t>(table: &'t Table, key: &str) -> Option<&'t Node> {
    table.entries.iter().find(|e| e.key == key).map(|e| &e.node)
}

fn table(node: &Node) -> Option<&Table> {
    match &node.value {
        Value::Table(t) => Some(t),
        _ => None,
    }
}

fn items(node: Option<&Node>) -> &[Node] {
    match node.map(|n| &n.value) {
        Some(Value::Array(items)) => items,
        _ => &[],
    }
}

/// The start of each YAML document of `text` (after a `---` line).
fn documents(text: &str) -> Vec<Range<usize>> {
    let mut starts = vec![0];
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        at += line.len();
        if line.trim_end() == "---" || line.starts_with("--- ") {
            starts.push(at);
        }
    }
    starts
        .iter()
        .enumerate()
        .map(|(i, &start)| {
            let end = starts.get(i + 1).map_or(text.len(), |&next| {
                // The separator line belongs to neither document.
                text.get(..next)
                    .and_then(|t| t.trim_end_matches('\n').rfind('\n'))
                    .map_or(0, |n| n + 1)
                    .max(start)
            });
            start..end
        })
        .collect()
}

/// The alerting rules of one file (recording rules, which have no `alert`,
/// are left out), and the documents that could not be read.
pub fn parse(text: &str) -> (Vec<Rule>, Vec<Unreadable>) {
    let mut rules = Vec::new();
    let mut unreadable = Vec::new();
    for doc in documents(text) {
        let Some(body) = text.get(doc.clone()) else {
            continue;
        };
        if body.trim().is_empty() {
            continue;
        }
        let root = match crate::fields::parse_yaml(body, doc.start) {
            Ok(root) => root,
            Err(e) => {
                unreadable.push(Unreadable {
                    span: e.span.clone(),
                    message: e.message.clone(),
                });
                continue;
            }
        };
        let groups = get(&root, "groups").or_else(|| {
            get(&root, "spec")
                .and_then(table)
                .and_then(|spec| get(spec, "groups"))
        });
        for group in items(groups).iter().filter_map(table) {
            for rule in items(get(group, "rules")).iter().filter_map(table) {
                let Some(Node {
                    value: Value::String(alert),
                    span,
                }) = get(rule, "alert")
                else {
                    continue;
                };
                let runbook_url = get(rule, "annotations")
                    .and_then(table)
                    .and_then(|a| get(a, "runbook_url").or_else(|| get(a, "runbook")))
                    .and_then(|n| match &n.value {
                        Value::String(url) => Some((url.clone(), n.span.clone())),
                        _ => None,
                    });
                rules.push(Rule {
                    alert: alert.clone(),
                    span: span.clone(),
                    runbook_url,
                });
            }
        }
    }
    (rules, unreadable)
}

/// One rule file as read: its path as diagnostics name it (relative to the
/// handbook, `../monitoring/x.rules.yml` when outside it), its text and
/// what [`parse`] found.
#[derive(Clone, Debug)]
pub struct RuleFile {
    pub path: String,
    pub text: String,
    pub rules: Vec<Rule>,
    pub unreadable: Vec<Unreadable>,
}

/// Where an alert's runbook is: its URL and the URLs that redirect there.
pub struct RunbookUrls<'a> {
    pub url: &'a str,
    pub aliases: &'a [String],
}

/// What comparing the rules with the runbooks needs of the site.
pub struct Runbooks<'a> {
    /// Alert → its runbook's URLs.
    pub by_alert: &'a dyn Fn(&str) -> Option<RunbookUrls<'a>>,
    /// Every alert a runbook names, with its runbook's source path and text.
    pub alerts: Vec<(&'a str, &'a str, &'a str)>,
    pub base_url: Option<&'a str>,
}

/// The diagnostics of comparing `files` with the runbooks (see the module docs).
pub fn check(files: &[RuleFile], runbooks: &Runbooks<'_>) -> Vec<crate::diagnostics::Diagnostic> {
    use crate::diagnostics::{Code, Diagnostic};
    let mut out = Vec::new();
    let mut defined = std::collections::HashSet::new();
    for file in files {
        for bad in &file.unreadable {
            out.push(
                Diagnostic::warning(
                    Code::InvalidYaml,
                    &file.path,
                    format!("cannot read these alerting rules: {}", bad.message),
                )
                .at(&file.text, bad.span.clone())
                .with_help("the rules of this document are not compared with the runbooks"),
            );
        }
        for rule in &file.rules {
            defined.insert(rule.alert.as_str());
            let Some(RunbookUrls { url, aliases }) = (runbooks.by_alert)(&rule.alert) else {
                out.push(
                    Diagnostic::warning(
                        Code::AlertWithoutRunbook,
                        &file.path,
                        format!("alert `{}` has no runbook", rule.alert),
                    )
                    .at(&file.text, rule.span.clone())
                    .with_help(format!(
                        "name it in a runbook's `alerts`, or write one: `handbook new runbook \"{}\"`",
                        rule.alert
                    )),
                );
                continue;
            };
            let Some((written, span)) = &rule.runbook_url else {
                continue;
            };
            let Some(path) = site_path(written, runbooks.base_url) else {
                continue;
            };
            let key = |u: &str| u.trim_matches('/').to_string();
            let leads_there =
                key(&path) == key(url) || aliases.iter().any(|a| key(a) == key(&path));
            if !leads_there {
                let expected = format!("{}{url}", runbooks.base_url.unwrap_or("/"));
                out.push(
                    Diagnostic::warning(
                        Code::RunbookUrlMismatch,
                        &file.path,
                        format!(
                            "`runbook_url` of `{}` leads to `{written}`, not to its runbook at `{expected}`",
                            rule.alert
                        ),
                    )
                    .at(&file.text, span.clone())
                    .with_help(format!(
                        "set it to `{expected}` (alerts.json lists every alert's runbook URL)"
                    )),
                );
            }
        }
    }
    for (alert, path, source) in &runbooks.alerts {
        if defined.contains(alert) {
            continue;
        }
        let quoted = format!("\"{alert}\"");
        let d = Diagnostic::warning(
            Code::AlertWithoutRule,
            *path,
            format!("no alerting rule defines `{alert}`"),
        )
        .with_help(
            "use the alert's name as the rules write it, or remove it; \
             the rules read are those `[runbooks] alert_rules` matches",
        );
        out.push(match source.find(&quoted) {
            Some(at) => d.at(source, at + 1..at + 1 + alert.len()),
            None => d,
        });
    }
    out
}

/// The site path a `runbook_url` leads to (`runbooks/db/`), given the
/// site's `base_url`: the URL without the base (or, without one, without
/// its scheme and host), query and fragment. `None` for a templated URL
/// (`{{ $labels.runbook }}`), which cannot be checked.
pub fn site_path(url: &str, base_url: Option<&str>) -> Option<String> {
    if url.contains("{{") {
        return None;
    }
    let url = url.split(['#', '?']).next().unwrap_or(url);
    let rest = match base_url.and_then(|b| url.strip_prefix(b)) {
        Some(rest) => rest,
        None => match url.split_once("://") {
            Some((_, after)) => after.find('/').and_then(|i| after.get(i..)).unwrap_or(""),
            None => url,
        },
    };
    let rest = rest.trim_start_matches('/');
    let rest = rest.strip_suffix("index.html").unwrap_or(rest);
    Some(rest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_groups_and_prometheus_rule_manifests_in_several_documents() {
        let text = "groups:\n  - name: ledger\n    rules:\n      - record: job:up:sum\n        expr: sum(up)\n      \
                    - alert: LedgerPrimaryDown\n        expr: up == 0\n        annotations:\n          \
                    runbook_url: https://handbook.example/runbooks/db/\n---\napiVersion: monitoring.coreos.com/v1\n\
                    kind: PrometheusRule\nspec:\n  groups:\n    - name: cache\n      rules:\n        \
                    - alert: CacheHot\n          expr: hits > 9\n";
        let (rules, unreadable) = parse(text);
        assert!(unreadable.is_empty(), "{unreadable:?}");
        let names: Vec<&str> = rules.iter().map(|r| r.alert.as_str()).collect();
        assert_eq!(names, ["LedgerPrimaryDown", "CacheHot"]);
        assert_eq!(&text[rules[1].span.clone()], "CacheHot");
        let (url, span) = rules[0].runbook_url.clone().expect("url");
        assert_eq!(&text[span], url);
    }

    #[test]
    fn a_broken_document_is_reported_and_the_others_are_read() {
        let text = "groups: [\n---\ngroups:\n  - rules:\n      - alert: A\n";
        let (rules, unreadable) = parse(text);
        assert_eq!(rules.len(), 1);
        assert_eq!(unreadable.len(), 1);
    }

    #[test]
    fn runbook_urls_become_site_paths() {
        let base = Some("https://h.example/handbook/");
        assert_eq!(
            site_path("https://h.example/handbook/runbooks/db/", base).as_deref(),
            Some("runbooks/db/")
        );
        assert_eq!(
            site_path("https://other.example/runbooks/db/index.html#x", None).as_deref(),
            Some("runbooks/db/")
        );
        assert_eq!(site_path("{{ $labels.runbook }}", base), None);
    }
}
