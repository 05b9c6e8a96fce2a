//! Loading a site: the configuration, the walk, reading pages and the git history
//! alongside, the team, CODEOWNERS, the kinds model and the checks that need the
//! whole site.

use super::*;
use crate::pages::PageTable;

impl Site {
    /// Loads everything the build needs; content problems are kept as
    /// diagnostics ([`Site::diagnostics`]).
    pub fn load(options: &BuildOptions) -> Result<Site, Fatal> {
        let started = Instant::now();
        let root = std::path::absolute(&options.root).map_err(|error| Fatal::Io {
            context: format!("cannot use {}", options.root.display()),
            error,
        })?;
        if !root.is_dir() {
            return Err(Fatal::MissingDir(options.root.clone()));
        }
        let fence = match &options.checkout {
            Some(checkout) => content::walk::Fence::at(checkout.repository()),
            None => content::walk::Fence::around(&root),
        };
        let loaded = match config::load(&root, &fence) {
            Ok(l) => l,
            Err(config::LoadError::Missing) => {
                return Err(Fatal::MissingConfig(options.root.clone()));
            }
            Err(config::LoadError::Io(error)) => {
                return Err(Fatal::Io {
                    context: format!("cannot read {}", config::CONFIG_FILE),
                    error,
                });
            }
        };
        let mut config = loaded.config;
        let mut diagnostics = loaded.diagnostics;
        let loaded_source = loaded.source;
        config.print |= options.print;
        if options.no_history || options.checkout.is_some() {
            config.git_history = false;
        }
        if let Some(url) = &options.base_url {
            config.base_url = Some(if url.ends_with('/') {
                url.clone()
            } else {
                format!("{url}/")
            });
        }
        let output_dir = match &options.output_dir {
            Some(dir) => std::path::absolute(dir).map_err(|error| Fatal::Io {
                context: format!("cannot use {}", dir.display()),
                error,
            })?,
            None => root.join(&config.output_dir),
        };
        let mut timings = vec![("config", started.elapsed())];

        let t = Instant::now();
        let mut found = content::walk::walk(&root, &output_dir, &config.exclude, &fence);
        if let Some(checkout) = &options.checkout {
            // A commit's markdown is read from memory, not from the folder.
            found.pages = content::walk::listed_pages(
                &root,
                &output_dir,
                &config.exclude,
                checkout.pages().map(str::to_string),
            );
        }
        diagnostics.extend(found.diagnostics);
        diagnostics.extend(unmatched_kind_folders(
            &config,
            &loaded_source,
            &found.pages,
        ));
        timings.push(("walk", t.elapsed()));

        let t = Instant::now();
        let highlighter = Highlighter::default();
        let (loaded, history) = rayon::join(
            || match &options.checkout {
                Some(checkout) => content::load_pages_with(&found.pages, options.drafts, &|rel| {
                    checkout.read_page(rel)
                }),
                None => content::load_pages(&root, &found.pages, options.drafts),
            },
            || {
                if config.markdown.highlight {
                    highlighter.warm_up();
                }
                config.git_history.then(|| {
                    let t = Instant::now();
                    (crate::git::read(&root, config.git_cache), t.elapsed())
                })
            },
        );
        let mut git_time = None;
        let history = match history {
            Some((read, elapsed)) => {
                git_time = Some(elapsed);
                match read {
                    Ok(history) => history,
                    Err(e) => {
                        diagnostics.push(
                            Diagnostic::warning(
                                crate::diagnostics::Code::GitHistory,
                                config::CONFIG_FILE,
                                format!("cannot read the git history, so pages show no dates from it: {e}"),
                            )
                            .with_help("set `[git] history = false` to stop trying"),
                        );
                        None
                    }
                }
            }
            None => None,
        };
        if history.as_ref().is_some_and(|h| h.shallow) {
            diagnostics.push(
                Diagnostic::warning(
                    crate::diagnostics::Code::ShallowClone,
                    config::CONFIG_FILE,
                    "this is a shallow clone, so page dates and authors only cover the commits it has",
                )
                .with_help(
                    "fetch the whole history: `fetch-depth: 0` in actions/checkout (GitHub Actions), \
                     `GIT_DEPTH: 0` (GitLab CI), or `git fetch --unshallow`",
                ),
            );
        }
        diagnostics.extend(loaded.diagnostics);
        let mut pages = PageTable::from(loaded.pages);
        let loaded_paths: HashSet<&str> = pages.iter().map(|p| p.source_path.as_str()).collect();
        let drafts: Vec<String> = found
            .pages
            .iter()
            .filter(|p| !loaded_paths.contains(p.as_str()))
            .cloned()
            .collect();
        timings.push(("read", t.elapsed()));
        if let Some(elapsed) = git_time {
            timings.push(("└ git history, alongside reading", elapsed));
        }

        if !config.pretty_urls {
            for page in pages
                .iter_mut()
                .filter(|p| !p.is_section_index && !p.generated)
            {
                page.url = content::flat_url(&page.url);
            }
        }
        let tree = sections::build(&mut pages);
        let (team, team_diagnostics) = kinds::people::Team::load(&root, &fence);
        diagnostics.extend(team_diagnostics);
        let (health, health_diagnostics) = kinds::health::load(&root, &fence);
        diagnostics.extend(health_diagnostics);
        if let Some(health) = &health {
            diagnostics.extend(kinds::health::check(health, &config.health));
        }
        let alert_rules = alert_rule_files(&root, &fence, &config.runbooks.alert_rules);
        let today = options.today.unwrap_or_else(|| today(None));
        // CODEOWNERS lives at the repository's root (the handbook's, outside git).
        let codeowners = crate::codeowners::CodeOwners::load(fence.dir(), &fence);
        let mut ownership =
            crate::codeowners::Ownership::new(codeowners, repo_prefix(&root, &fence));
        for asset in &found.assets {
            let (folder, name) = asset.rsplit_once('/').unwrap_or(("", asset.as_str()));
            if name == "OWNERS"
                && let Ok(text) = fence.read_to_string(&root.join(asset))
            {
                ownership.add_owners_file(folder, &text);
            }
        }
        let mut loaded = Loaded {
            root,
            fence,
            checkout: options.checkout.clone(),
            config,
            config_source: loaded_source,
            output_dir,
            pages,
            assets: found.assets,
            tree,
            drafts,
            highlighter,
            today,
            diagnostics: Vec::new(),
            history,
            ownership,
            health,
            alert_rules,
            templates: None,
            templates_digest: 0,
            template_diagnostics: Vec::new(),
            timings,
        };
        let t = Instant::now();
        loaded.reload_templates();
        loaded.timings.push(("templates", t.elapsed()));
        let t = Instant::now();
        let model = Modelled::build(&loaded, team, kinds::adr::history::Statuses::default());
        loaded
            .timings
            .push(("kinds and decision history", t.elapsed()));
        let mut site = Site { loaded, model };
        diagnostics.extend(site.check_outputs());
        site.loaded.diagnostics = diagnostics;
        Ok(site)
    }

    /// The output folder, if a build may replace it ([`output::check_target`]),
    /// with what it holds when it is an earlier output;
    /// one from `handbook.toml` must stay inside the repository (or the
    /// handbook, outside one).
    /// `alongside` runs while an earlier output is listed (see
    /// [`output::check_target`]).
    pub(super) fn checked_output<T: Send>(
        &self,
        from_config: bool,
        alongside: impl FnOnce(&Path, bool) -> T + Send,
    ) -> Result<(PathBuf, Option<output::Listing>, T), Fatal> {
        let root = self
            .loaded
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.loaded.root.clone());
        let fence = from_config.then(|| {
            crate::git::open(&root)
                .and_then(|repo| repo.workdir().and_then(|w| w.canonicalize().ok()))
                .filter(|workdir| root.starts_with(workdir))
                .unwrap_or_else(|| root.clone())
        });
        let rules = output::Rules {
            root: &root,
            fence: fence.as_deref(),
        };
        output::check_target(&self.loaded.output_dir, rules, alongside).map_err(|reason| {
            Fatal::UnsafeOutput {
                dir: self.loaded.output_dir.clone(),
                reason,
            }
        })
    }

    /// Everything loading found wrong, in no particular order.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let pages = self.loaded.pages.iter().flat_map(|p| p.diagnostics.iter());
        self.loaded
            .diagnostics
            .iter()
            .chain(pages)
            .chain(&self.model.diagnostics)
            .cloned()
            .collect()
    }

    /// How the forge's URLs are made.
    pub(super) fn forge_settings(&self) -> crate::forge::Settings {
        crate::forge::Settings {
            repo_url: self.loaded.config.repo_url.clone(),
            branch: self.loaded.config.branch.clone(),
            forge: self.loaded.config.forge,
            edit_url: self.loaded.config.edit_url.clone(),
            history_url: self.loaded.config.history_url.clone(),
        }
    }

    /// The repository around the handbook, for links that leave the site:
    /// where the handbook sits in it, and what exists there (read through
    /// the fence, never from `.git`).
    pub(super) fn repository(&self) -> crate::links::Repository {
        let dir = self.loaded.fence.dir().to_path_buf();
        let prefix = repo_prefix(&self.loaded.root, &self.loaded.fence);
        let fence = self.loaded.fence.clone();
        if let Some(checkout) = self.loaded.checkout.clone() {
            return crate::links::Repository {
                prefix,
                lookup: Box::new(move |path: &str| checkout.lookup(path)),
                forge: self.forge_settings(),
            };
        }
        crate::links::Repository {
            prefix,
            lookup: Box::new(move |path: &str| {
                if path.split('/').any(|part| part == ".git") {
                    return None;
                }
                let full = dir.join(path);
                fence.admits(&full).ok()?;
                std::fs::metadata(&full).ok().map(|m| m.is_dir())
            }),
            forge: self.forge_settings(),
        }
    }

    /// Edit and history links of a file (path relative to the handbook).
    pub fn source_links(&self, path: &str) -> crate::forge::Links {
        let settings = self.forge_settings();
        let prefix = self
            .loaded
            .history
            .as_ref()
            .map_or("", |h| h.prefix.as_str());
        crate::forge::links(&settings, &format!("{prefix}{path}"))
    }

    /// Runs the model stage again on the pages as they are now (the team
    /// and the statuses already read from old versions are kept).
    pub(super) fn rebuild_model(&mut self) {
        let team = self.model.kinds.team.take();
        let statuses = std::mem::take(&mut self.model.statuses);
        self.model = Modelled::build(&self.loaded, team, statuses);
    }
}

impl Loaded {
    /// What reading page kinds needs from the site.
    pub(super) fn kind_settings(&self) -> kinds::Settings<'_> {
        kinds::Settings {
            folders: &self.config.kinds,
            today: self.today,
            review_every: &self.config.review_every,
            history: self.history.as_ref(),
            runbooks: &self.config.runbooks,
            adr: &self.config.adr,
            owners: Some(&self.ownership),
        }
    }

    /// Loads the templates again (the default theme, the configured theme
    /// folder, the handbook's overrides); a failure leaves none, with its
    /// diagnostics, and the render then writes no pages.
    pub fn reload_templates(&mut self) {
        let (sources, mut diagnostics) =
            templates::sources(&self.root, self.config.theme.as_deref());
        let mut hasher = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(&sources.templates, &mut hasher);
        self.templates_digest = std::hash::Hasher::finish(&hasher);
        self.templates = match templates::Templates::load(&sources) {
            Ok(t) => Some(t),
            Err(errors) => {
                diagnostics.extend(errors);
                None
            }
        };
        self.template_diagnostics = diagnostics;
    }
}

impl Site {
    /// Every output file must come from one source: two pages with one URL,
    /// an alias on a page, or an asset where the theme writes are errors.
    pub(super) fn check_outputs(&self) -> Vec<Diagnostic> {
        let mut claims: HashMap<String, String> = HashMap::new();
        let mut diagnostics = Vec::new();
        let mut claim = |output: String, owner: String, help: &str| {
            if let Some(first) = claims.get(&output) {
                diagnostics.push(
                    Diagnostic::error(
                        crate::diagnostics::Code::DuplicateUrl,
                        owner.clone(),
                        format!("`{owner}` and `{first}` both produce `/{output}`"),
                    )
                    .with_help(help.to_string()),
                );
            } else {
                claims.insert(output, owner);
            }
        };
        // Files the tool writes itself are claimed first, so a clash is reported
        // on the handbook's own file, where it can be fixed.
        for file in generated::files(self) {
            claim(file.to_string(), format!("<generated {file}>"), "");
        }
        let page_help = "rename one of them, or give the page a `slug` in front matter";
        for page in &self.loaded.pages {
            let output = crate::paths::page_file(&page.url);
            if page.generated {
                let help = "this folder's listing page clashes with a page the tool writes; rename the folder";
                claim(output, format!("{}/", page.folder()), help);
            } else {
                claim(output, page.source_path.clone(), page_help);
            }
        }
        for page in self.loaded.pages.iter().filter(|p| !p.generated) {
            for alias in &page.front.aliases {
                let Ok(file) = crate::confine::alias_file(alias) else {
                    continue;
                };
                let owner = format!("{} (alias `{alias}`)", page.source_path);
                claim(file, owner, "change or remove the alias");
            }
        }
        for asset in &self.loaded.assets {
            claim(asset.clone(), asset.clone(), "rename or move the file");
        }
        diagnostics
    }
}

impl Modelled {
    /// The model stage: classifies every page and reads its record (in
    /// parallel), checks records against each other and CODEOWNERS, and
    /// reads each decision record's committed versions for its status
    /// (those already in `statuses` are not read again).
    pub(super) fn build(
        loaded: &Loaded,
        team: Option<kinds::people::Team>,
        mut statuses: kinds::adr::history::Statuses,
    ) -> Modelled {
        let (kinds, diagnostics) = kinds::build(&loaded.pages, loaded.kind_settings(), team);
        let decisions = match &loaded.history {
            Some(history) => kinds::adr::history::events(
                &loaded.root,
                history,
                kinds
                    .adrs()
                    .map(|(p, _)| (p, loaded.pages[p].source_path.as_str())),
                &mut statuses,
                &loaded.config.adr,
            ),
            None => Vec::new(),
        };
        let mut kinds = kinds;
        let mut diagnostics = diagnostics;
        let log = loaded
            .history
            .as_ref()
            .map_or(&[][..], |h| h.log.as_slice());
        let read = |file: &str| -> Result<String, String> {
            let path = loaded.root.join(file);
            loaded
                .fence
                .admits(&path)
                .map_err(|_| "it is a link out of the repository".to_string())?;
            loaded
                .fence
                .read_to_string(&path)
                .map_err(|e| e.to_string())
        };
        let outside = kinds::Outside {
            lead_times: kinds::adr::history::lead_times(&decisions, log),
            read: &read,
        };
        diagnostics.extend(kinds::fill_histories(
            &mut kinds,
            &loaded.pages,
            loaded.today,
            outside,
        ));
        if !loaded.config.runbooks.alert_rules.is_empty() {
            diagnostics.extend(check_alert_rules(loaded, &kinds));
        }
        Modelled {
            kinds,
            diagnostics,
            decisions,
            statuses,
        }
    }
}

/// A warning for each `[kinds]` folder that no page's folder matches (a
/// typo, or a folder since renamed), with the closest folder as a hint.
pub(super) fn unmatched_kind_folders(
    config: &Config,
    source: &str,
    pages: &[String],
) -> Vec<Diagnostic> {
    let mut folders: HashSet<&str> = HashSet::new();
    for page in pages {
        let mut folder = page.rsplit_once('/').map_or("", |(f, _)| f);
        while !folder.is_empty() && folders.insert(folder) {
            folder = folder.rsplit_once('/').map_or("", |(parent, _)| parent);
        }
    }
    let kinds = &config.kinds;
    let mut sorted: Vec<&str> = folders.iter().copied().collect();
    sorted.sort_unstable();
    kinds
        .configured
        .iter()
        .zip(&kinds.spans)
        .filter(|((folder, _), _)| {
            !folder.is_empty()
                && !folders.iter().any(|f| {
                    let (f, folder) = (f.to_ascii_lowercase(), folder.to_ascii_lowercase());
                    f == folder || f.ends_with(&format!("/{folder}"))
                })
        })
        .map(|((folder, _), span)| {
            let mut d = Diagnostic::warning(
                crate::diagnostics::Code::UnknownFolder,
                config::CONFIG_FILE,
                format!(
                    "`[kinds]` names the folder `{folder}`, but no folder of pages is called that"
                ),
            )
            .at(source, span.clone());
            if let Some(best) = crate::fields::closest(folder, sorted.iter().copied()) {
                d = d.with_help(format!("did you mean `{best}`?"));
            } else {
                d = d.with_help(
                    "use the folder's path from the handbook root; `\".\"` is the root itself",
                );
            }
            d
        })
        .collect()
}

/// The handbook's folder in its repository (`""` or ending in `/`): where
/// the handbook root sits inside the fence.
pub(super) fn repo_prefix(root: &Path, fence: &content::walk::Fence) -> String {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let dir = fence.dir();
    let rel = content::walk::relative(dir, &root);
    if rel.is_empty() || !root.starts_with(dir) {
        String::new()
    } else {
        format!("{rel}/")
    }
}

/// The rule files `[runbooks] alert_rules` matches: globs from the
/// repository's root (the handbook's, outside one), each walked from its
/// literal folder without following links, read through the fence.
fn alert_rule_files(
    root: &Path,
    fence: &content::walk::Fence,
    globs: &[String],
) -> Vec<kinds::runbook::rules::RuleFile> {
    if globs.is_empty() {
        return Vec::new();
    }
    let set = crate::paths::path_globs(globs);
    let repo = fence.dir();
    let prefix = repo_prefix(root, fence);
    let depth = prefix.matches('/').count();
    let mut found = std::collections::BTreeSet::new();
    for glob in globs {
        let literal: Vec<&str> = glob
            .split('/')
            .take_while(|part| !part.contains(['*', '?', '[', '{']))
            .filter(|part| !part.is_empty() && *part != "." && *part != "..")
            .collect();
        let start = repo.join(literal.join("/"));
        let walk = walkdir::WalkDir::new(&start)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| {
                let name = e.file_name().to_string_lossy();
                !(name == ".git" || name == "node_modules" || name == "target")
            });
        for entry in walk.flatten().filter(|e| e.file_type().is_file()) {
            let Ok(rel) = entry.path().strip_prefix(repo) else {
                continue;
            };
            let rel = crate::paths::relative(Path::new(""), rel);
            if set.is_match(&rel) {
                found.insert(rel);
            }
        }
    }
    found
        .into_iter()
        .filter_map(|rel| {
            let text = fence.read_to_string(&repo.join(&rel)).ok()?;
            let (rules, unreadable) = kinds::runbook::rules::parse(&text);
            let path = match rel.strip_prefix(&prefix) {
                Some(inside) if !prefix.is_empty() => inside.to_string(),
                _ if prefix.is_empty() => rel.clone(),
                _ => format!("{}{rel}", "../".repeat(depth)),
            };
            Some(kinds::runbook::rules::RuleFile {
                path,
                text,
                rules,
                unreadable,
            })
        })
        .collect()
}

/// The alerting rules compared with the runbooks' alerts.
fn check_alert_rules(loaded: &Loaded, kinds: &kinds::Model) -> Vec<Diagnostic> {
    let pages = &loaded.pages;
    let by_alert = |alert: &str| {
        let page = &pages[*kinds.alerts.get(alert)?];
        Some(kinds::runbook::rules::RunbookUrls {
            url: page.url.as_str(),
            aliases: page.front.aliases.as_slice(),
        })
    };
    let alerts = kinds
        .runbooks()
        .flat_map(|(p, r)| {
            r.alerts.iter().map(move |a| {
                (
                    a.as_str(),
                    pages[p].source_path.as_str(),
                    pages[p].source.as_str(),
                )
            })
        })
        .collect();
    kinds::runbook::rules::check(
        &loaded.alert_rules,
        &kinds::runbook::rules::Runbooks {
            by_alert: &by_alert,
            alerts,
            base_url: loaded.config.base_url.as_deref(),
        },
    )
}
