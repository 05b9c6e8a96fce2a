//! Checking every page's links once all pages are rendered: broken links and
//! anchors, links out of the site, case fixes, backlinks.

use super::*;

/// The page-side inputs to link checking.
#[derive(Debug)]
pub struct CheckedPage<'a> {
    pub source_path: &'a str,
    pub source: &'a str,
    pub links: &'a [Link],
    /// Links rendered as text because their URL could run script.
    pub refused: &'a [Link],
    /// Problems with its blocks (a diagram, lines to mark), reported here
    /// with the page's other findings.
    pub problems: &'a [crate::markdown::Problem],
    pub anchors: &'a HashSet<String>,
}

/// What checking the links found.
#[derive(Debug, Default)]
pub struct Checked {
    /// `backlinks[i]` lists the pages that link to page `i`, sorted, no repeats.
    pub backlinks: PageTable<Vec<PageId>>,
    pub diagnostics: Vec<Diagnostic>,
    /// `fixes[i]`: hrefs page `i`'s HTML must have corrected, `(as
    /// rendered, corrected)`: fragments written in another case than the
    /// id (GitHub finds `#Paging-Rules` at `paging-rules`; a browser does not).
    pub fixes: PageTable<Vec<(String, String)>>,
}

/// `html` with the hrefs `fixes` names replaced (see [`Checked::fixes`]).
/// One pass over the HTML, whatever the number of fixes.
pub fn apply_fixes(html: &str, fixes: &[(String, String)]) -> String {
    if fixes.is_empty() {
        return html.to_string();
    }
    let escaped = |href: &str| {
        let mut out = String::with_capacity(href.len());
        let _ = pulldown_cmark_escape::escape_href(&mut out, href);
        out
    };
    let wanted: HashMap<String, String> = fixes
        .iter()
        .map(|(from, to)| (escaped(from), escaped(to)))
        .collect();
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    let finder = memchr::memmem::Finder::new("href=\"");
    while let Some(i) = finder.find(rest.as_bytes()) {
        let value_start = i + "href=\"".len();
        let Some((head, tail)) = rest.split_at_checked(value_start) else {
            break;
        };
        out.push_str(head);
        let Some(end) = tail.find('"') else {
            rest = tail;
            break;
        };
        let (value, after) = tail.split_at(end);
        out.push_str(wanted.get(value).map_or(value, String::as_str));
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Checks every page's links (pages in parallel) and collects backlinks.
pub fn check(
    index: &LinkIndex,
    pages: &PageTable<CheckedPage<'_>>,
    broken: BrokenLinks,
) -> Checked {
    let folded: PageTable<OnceLock<HashMap<String, String>>> = pages.map(|_| OnceLock::new());
    let per_page: PageTable<PageLinks> =
        pages.par_map(|from, _| check_page(index, pages, &folded, from, broken));
    let mut checked = Checked {
        backlinks: PageTable::filled(pages.len(), Vec::new()),
        diagnostics: Vec::new(),
        fixes: PageTable::new(),
    };
    for (from, page) in pages.ids().zip(per_page) {
        for to in page.targets {
            checked.backlinks[to].push(from);
        }
        checked.diagnostics.extend(page.diagnostics);
        checked.fixes.push(page.fixes);
    }
    for list in checked.backlinks.iter_mut() {
        list.dedup();
    }
    checked
}

/// What one page's links are.
pub(super) struct PageLinks {
    /// The pages it links to.
    pub(super) targets: Vec<PageId>,
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) fixes: Vec<(String, String)>,
}

/// Page `to`'s anchors by their lowercase form (the first, when two fold
/// to one), made once for all the pages linking to it in another case.
pub(super) fn folded_anchors<'f>(
    pages: &PageTable<CheckedPage<'_>>,
    folded: &'f PageTable<OnceLock<HashMap<String, String>>>,
    to: PageId,
) -> Option<&'f HashMap<String, String>> {
    let slot = folded.get(to)?;
    Some(slot.get_or_init(|| {
        let mut anchors: Vec<&String> = pages
            .get(to)
            .map_or(Vec::new(), |p| p.anchors.iter().collect());
        anchors.sort_unstable();
        let mut map = HashMap::with_capacity(anchors.len());
        for anchor in anchors {
            map.entry(anchor.to_lowercase())
                .or_insert_with(|| anchor.clone());
        }
        map
    }))
}

/// The destination `dest` with its fragment replaced by `id`.
pub(super) fn with_fragment(dest: &str, id: &str) -> String {
    let path = dest.split_once('#').map_or(dest, |(p, _)| p);
    format!("{path}#{id}")
}

/// One page's links: the pages it links to, and what is wrong with them.
pub(super) fn check_page(
    index: &LinkIndex,
    pages: &PageTable<CheckedPage<'_>>,
    folded: &PageTable<OnceLock<HashMap<String, String>>>,
    from: PageId,
    broken: BrokenLinks,
) -> PageLinks {
    let mut targets = Vec::new();
    let mut diagnostics = Vec::new();
    let mut fixes = Vec::new();
    // Made on this page's first problem, kept for the rest.
    let lines = std::cell::OnceCell::new();
    let lines = || lines.get_or_init(|| crate::diagnostics::LineIndex::new(pages[from].source));
    let mut anchor_candidates: HashMap<PageId, Candidates> = HashMap::new();
    let report = |code, path: &str, message: String| match broken {
        BrokenLinks::Error => Diagnostic::error(code, path, message),
        BrokenLinks::Warn => Diagnostic::warning(code, path, message),
    };
    let page = &pages[from];
    for link in page.refused {
        let scheme = link.dest.split(':').next().unwrap_or_default().trim();
        diagnostics.push(
            Diagnostic::warning(
                crate::diagnostics::Code::UnsafeUrl,
                page.source_path,
                format!("a `{scheme}:` link could run script, so it is shown as text"),
            )
            .at_in(page.source, lines(), link.span.clone())
            .with_help("link to an https:// page instead"),
        );
    }
    for problem in page.problems {
        diagnostics.push(
            Diagnostic::warning(problem.code, page.source_path, problem.message.clone())
                .at_in(page.source, lines(), problem.span.clone())
                .with_help(problem.help.clone()),
        );
    }
    {
        for link in page.links {
            match index.resolve(from, &link.dest) {
                Ok(Resolved {
                    target: Target::Page(to),
                    fragment,
                    ..
                }) => {
                    if to != from {
                        targets.push(to);
                    }
                    let Some(fragment) = fragment.filter(|f| !f.is_empty()) else {
                        continue;
                    };
                    let Some(target) = pages.get(to) else {
                        continue;
                    };
                    if target.anchors.contains(&fragment) {
                        continue;
                    }
                    // GitHub compares fragments ignoring case; the site's
                    // href gets the id as it is.
                    let same_but_case = folded_anchors(pages, folded, to)
                        .and_then(|anchors| anchors.get(&fragment.to_lowercase()));
                    if let Some(id) = same_but_case {
                        let fixed = index.rewrite(from, &with_fragment(&link.dest, id));
                        if let (Some(old), Some(new)) = (index.rewrite(from, &link.dest), fixed) {
                            fixes.push((old, new));
                        }
                        continue;
                    }
                    let mut d = report(
                        crate::diagnostics::Code::MissingAnchor,
                        page.source_path,
                        format!(
                            "`#{fragment}` is not a heading or anchor in `{}`",
                            target.source_path
                        ),
                    )
                    .at_in(page.source, lines(), link.span.clone());
                    let anchors = anchor_candidates.entry(to).or_insert_with(|| {
                        Candidates::new(target.anchors.iter().map(String::as_str))
                    });
                    if let Some(best) = anchors.closest(&fragment) {
                        d = d.with_help(format!("did you mean `#{best}`?"));
                    } else if !anchors.is_empty() {
                        let list: Vec<_> = anchors.first(8).map(|a| format!("#{a}")).collect();
                        d = d.with_help(format!("anchors there: {}", list.join(", ")));
                    }
                    diagnostics.push(d);
                }
                Ok(Resolved {
                    target: Target::Repository { folder },
                    path,
                    ..
                }) => {
                    if index.forge_url(&path, folder).is_some() {
                        continue;
                    }
                    let (message, help) = if index.copied_folder(&path, folder).is_some() {
                        (
                            format!(
                                "`{}` is a folder without a page: the site links to its copied files, \
                                 which most static hosts do not list",
                                link.dest
                            ),
                            "set `repo_url` in handbook.toml to link to the folder on the forge, \
                             or add a README.md to it",
                        )
                    } else {
                        (
                            format!(
                                "`{}` is in the repository but not in the site, so this link only works on the forge",
                                link.dest
                            ),
                            "set `repo_url` in handbook.toml (and `[git] forge` for a self-hosted forge) \
                             to link to it there",
                        )
                    };
                    diagnostics.push(
                        Diagnostic::warning(
                            crate::diagnostics::Code::UnpublishedLink,
                            page.source_path,
                            message,
                        )
                        .at_in(page.source, lines(), link.span.clone())
                        .with_help(help),
                    );
                }
                Ok(_) => {}
                Err(why) => {
                    let (message, help) = match &why {
                        Unresolved::Missing(path) => (
                            format!("broken link: `{}` does not exist", link.dest),
                            index.closest_path(path).map(|best| {
                                let folder =
                                    page.source_path.rsplit_once('/').map_or("", |(d, _)| d);
                                format!("did you mean `{}`?", relative_path(folder, &best))
                            }),
                        ),
                        Unresolved::OutsideRoot => {
                            let in_repository = index
                                .repository
                                .as_ref()
                                .is_some_and(|r| !r.prefix.is_empty());
                            let place = if in_repository {
                                "repository"
                            } else {
                                "handbook"
                            };
                            (
                                format!("broken link: `{}` points outside the {place}", link.dest),
                                Some(format!("links must stay inside the {place} folder")),
                            )
                        }
                        Unresolved::MissingInRepository(path) => (
                            format!("broken link: `{}` does not exist", link.dest),
                            Some(format!("it would be `{path}` in the repository")),
                        ),
                        Unresolved::Draft(path) => (
                            format!("broken link: `{path}` is a draft"),
                            Some("drafts are only built with --drafts".to_string()),
                        ),
                    };
                    let mut d = report(
                        crate::diagnostics::Code::BrokenLink,
                        page.source_path,
                        message,
                    )
                    .at_in(page.source, lines(), link.span.clone());
                    if let Some(help) = help {
                        d = d.with_help(help);
                    }
                    diagnostics.push(d);
                }
            }
        }
    }
    PageLinks {
        targets,
        diagnostics,
        fixes,
    }
}

/// How `file` (root-relative) is written relative to `folder` (root-relative).
pub(super) fn relative_path(folder: &str, file: &str) -> String {
    let href = relative_href(&format!("{folder}/"), file);
    href.strip_prefix("./").map_or(href.clone(), str::to_string)
}
