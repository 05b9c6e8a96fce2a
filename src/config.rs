//! `handbook.toml` → a typed, validated [`Config`].
//!
//! Every key is checked once here; the rest of the code reads typed fields and
//! never looks at raw TOML. Unknown keys and wrong types are diagnostics with a
//! "did you mean" hint, all reported together.

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::fields::{self, Extractor, Field, Table, Value, keys_of};
use crate::kinds::{FolderKinds, Kind};

pub const CONFIG_FILE: &str = "handbook.toml";

pub use crate::links::BrokenLinks;

/// `[markdown]` options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkdownConfig {
    /// Curly quotes, en/em dashes and ellipses.
    pub smart_punctuation: bool,
    /// Syntax highlighting of fenced code blocks.
    pub highlight: bool,
    /// What raw HTML in markdown becomes.
    pub raw_html: crate::markdown::RawHtml,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            smart_punctuation: true,
            highlight: true,
            raw_html: crate::markdown::RawHtml::Allow,
        }
    }
}

/// The validated contents of `handbook.toml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub title: String,
    pub description: Option<String>,
    /// Absolute URL of the published site, used only where a relative URL cannot be
    /// (sitemap, canonical links, the 404 page). Always ends in `/` when set.
    pub base_url: Option<String>,
    /// Output folder, relative to the handbook root.
    pub output_dir: String,
    pub repo_url: Option<String>,
    pub branch: Option<String>,
    /// Name of a theme folder under `themes/`; `None` is the embedded default.
    pub theme: Option<String>,
    pub exclude: Vec<String>,
    pub markdown: MarkdownConfig,
    pub broken_links: BrokenLinks,
    /// `[kinds]`: folder → page kind, tried before the built-in folder names.
    pub kinds: FolderKinds,
    /// `[runbooks] review_every`: how often a runbook must be reviewed.
    pub review_every: crate::kinds::schedule::Interval,
    /// `[runbooks] require`, `service_from_folder`, `alert_from_file`.
    pub runbooks: crate::kinds::runbook::Import,
    /// `[adr] date_order`, `statuses`.
    pub adr: crate::kinds::adr::Settings,
    /// `[search] enabled`: build the search index and show the search box
    /// (on unless disabled).
    pub search: bool,
    /// `[print] enabled` (or `build --print`): the whole handbook as one
    /// document at `print/`.
    pub print: bool,
    /// `[output] markdown_copies`: each page's markdown beside the site
    /// (at its source path), with `llms.txt` and `llms-full.txt` (on unless
    /// disabled).
    pub markdown_copies: bool,
    /// `[output] json`: `handbook.json`, the export, in the site.
    pub json: bool,
    /// `[output] pretty_urls`: a page at `runbooks/db/` (its own folder,
    /// `index.html`), else at `runbooks/db.html` (one file, no folder).
    pub pretty_urls: bool,
    /// `[git] history`: read dates and authors from the repository.
    pub git_history: bool,
    /// `[git] cache`: keep what the history walk learned in
    /// `.git/handbook-history`, so later builds read only new commits.
    pub git_cache: bool,
    /// `[git] forge`, `edit_url`, `history_url`: how edit and history links
    /// are made (with `repo_url` and `branch`).
    pub forge: Option<crate::forge::Forge>,
    pub edit_url: Option<String>,
    pub history_url: Option<String>,
    /// `logo`: an image in the handbook shown before the title in the header.
    pub logo: Option<String>,
    /// `[nav] links`: the header's links, in order; empty means the
    /// top-level sections plus the charter and channel guide.
    pub nav: Vec<NavItem>,
    /// `[links] tickets`: a URL with `{id}`, which ticket ids (`HAR-431`)
    /// in records link to.
    pub tickets_url: Option<String>,
    /// `[home] dashboard`: where the home page's at-a-glance cards sit.
    pub dashboard: Dashboard,
    /// `[health] min_responses`, `alert_below`: the anonymity floor and the
    /// alert line of the team health surveys.
    pub health: crate::kinds::health::Settings,
}

/// One link of the header navigation, as `[nav] links` gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavItem {
    /// A path in the handbook as a link from the root page would write it
    /// (`decisions/`, `charter.md`), or an absolute URL.
    pub target: String,
    /// The label; a page's title when not given.
    pub title: Option<String>,
    /// Where it was written in `handbook.toml`.
    pub span: std::ops::Range<usize>,
}

/// Where the home page shows its at-a-glance dashboard.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dashboard {
    /// Before the page's text (the default: it is what people come for).
    #[default]
    First,
    /// After the page's text.
    Last,
    /// Not at all.
    Off,
}

impl Default for Config {
    /// What a `handbook.toml` that sets nothing means.
    fn default() -> Self {
        Config {
            title: "Handbook".into(),
            description: None,
            base_url: None,
            output_dir: "public".into(),
            repo_url: None,
            branch: None,
            theme: None,
            exclude: Vec::new(),
            markdown: MarkdownConfig::default(),
            broken_links: BrokenLinks::default(),
            kinds: FolderKinds::default(),
            review_every: crate::kinds::schedule::Interval::parse(
                crate::kinds::runbook::DEFAULT_REVIEW_EVERY,
            )
            .unwrap_or(crate::kinds::schedule::Interval {
                text: crate::kinds::runbook::DEFAULT_REVIEW_EVERY.into(),
                span: jiff::Span::new().days(180),
            }),
            runbooks: crate::kinds::runbook::Import::default(),
            adr: crate::kinds::adr::Settings::default(),
            search: true,
            print: false,
            markdown_copies: true,
            json: false,
            pretty_urls: true,
            git_history: true,
            git_cache: true,
            forge: None,
            edit_url: None,
            history_url: None,
            logo: None,
            nav: Vec::new(),
            tickets_url: None,
            dashboard: Dashboard::First,
            health: crate::kinds::health::Settings::default(),
        }
    }
}

/// Every key of `handbook.toml`, as README.md's reference table documents
/// it (`tests/integration/reference_docs.rs` compares the two).
pub const SCHEMA: &[Field] = &[
    Field::new("", &["title"], "string").default("`\"Handbook\"`"),
    Field::new("", &["description"], "string").default("—"),
    Field::new("", &["base_url"], "string").default("—"),
    Field::new("", &["output_dir"], "string").default("`\"public\"`"),
    Field::new("", &["repo_url", "branch"], "string").default("—"),
    Field::new("", &["theme"], "string").default("embedded default"),
    Field::new("", &["exclude"], "array of globs").default("`[]`"),
    Field::new("", &["logo"], "path of an image").default("—"),
    Field::new(
        "nav",
        &["links"],
        "list of paths, or `{ title, url }` tables",
    )
    .default("top-level sections, charter, channels"),
    Field::new(
        "home",
        &["dashboard"],
        "`\"first\"`, `\"last\"` or `\"off\"`",
    )
    .default("`\"first\"`"),
    Field::new("markdown", &["smart_punctuation"], "bool").default("`true`"),
    Field::new("markdown", &["highlight"], "bool").default("`true`"),
    Field::new(
        "markdown",
        &["raw_html"],
        "`\"allow\"`, `\"escape\"` or `\"sanitize\"`",
    )
    .default("`\"allow\"`"),
    Field::new("links", &["broken"], "`\"error\"` or `\"warn\"`").default("`\"error\"`"),
    Field::new("links", &["tickets"], "URL with `{id}`").default("—"),
    Field::new("kinds", &[], "folder = kind").default("built-in folder names"),
    Field::new("runbooks", &["review_every"], "duration").default("`\"180d\"`"),
    Field::new(
        "runbooks",
        &["require"],
        "list of `\"owner\"`, `\"service\"`",
    )
    .default("`[]`"),
    Field::new("runbooks", &["service_from_folder"], "bool").default("`true`"),
    Field::new(
        "runbooks",
        &["alert_from_file"],
        "`\"auto\"`, `\"always\"`, `\"never\"`",
    )
    .default("`\"auto\"`"),
    Field::new("runbooks", &["alert_rules"], "list of globs").default("`[]`"),
    Field::new("adr", &["date_order"], "`\"dmy\"` or `\"mdy\"`").default("—"),
    Field::new("adr", &["statuses"], "table of word = status").default("`{}`"),
    Field::new("adr", &["not_records"], "list of file names (`*` wildcard)")
        .default("`[\"*template*.md\"]`"),
    Field::new("search", &["enabled"], "bool").default("`true`"),
    Field::new("print", &["enabled"], "bool").default("`false`"),
    Field::new("output", &["markdown_copies"], "bool").default("`true`"),
    Field::new("output", &["json"], "bool").default("`false`"),
    Field::new("output", &["pretty_urls"], "bool").default("`true`"),
    Field::new("health", &["min_responses"], "integer").default("`5`"),
    Field::new("health", &["alert_below"], "number").default("`3.0`"),
    Field::new("health", &["dimensions"], "list of strings").default("seven, below"),
    Field::new("git", &["history"], "bool").default("`true`"),
    Field::new("git", &["cache"], "bool").default("`true`"),
    Field::new(
        "git",
        &["forge"],
        "`\"github\"`, `\"gitlab\"`, `\"gitea\"`, `\"forgejo\"`, `\"bitbucket\"`",
    )
    .default("from the host of `repo_url`"),
    Field::new("git", &["edit_url", "history_url"], "string").default("—"),
];

/// The top-level keys: plain keys, then each table, in schema order.
fn top_keys() -> Vec<&'static str> {
    let mut keys = keys_of(SCHEMA, "");
    for field in SCHEMA.iter().filter(|f| !f.table.is_empty()) {
        if !keys.contains(&field.table) {
            keys.push(field.table);
        }
    }
    keys
}

/// The outcome of loading the configuration: a usable config (defaults filled in
/// where a key was wrong) plus every problem found.
#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    pub diagnostics: Vec<Diagnostic>,
    /// The file's text, for diagnostics about it found later (a `[kinds]`
    /// folder that does not exist).
    pub source: String,
}

/// Why no configuration could be loaded at all.
#[derive(Debug)]
pub enum LoadError {
    Missing,
    Io(std::io::Error),
}

/// Reads and validates `DIR/handbook.toml`.
pub fn load(root: &Path, fence: &crate::content::walk::Fence) -> Result<Loaded, LoadError> {
    let path = root.join(CONFIG_FILE);
    let bytes = match fence.read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(LoadError::Missing),
        Err(e) => return Err(LoadError::Io(e)),
    };
    match String::from_utf8(bytes) {
        Ok(text) => {
            let mut loaded = parse(&text);
            loaded.source = text;
            Ok(loaded)
        }
        Err(e) => {
            // Like a page: the error points at the first byte that is not UTF-8.
            let at = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
            let d = Diagnostic::error(
                crate::diagnostics::Code::NotUtf8,
                CONFIG_FILE,
                format!("{CONFIG_FILE} is not valid UTF-8, so none of it was used"),
            )
            .at(&valid, at..at)
            .with_help("save the file as UTF-8 (most editors have an \"encoding\" option)");
            Ok(Loaded {
                config: Config::default(),
                diagnostics: vec![d],
                source: valid,
            })
        }
    }
}

/// Validates the text of a `handbook.toml`.
pub fn parse(source: &str) -> Loaded {
    let mut x = Extractor::new(CONFIG_FILE, source);
    let mut config = Config::default();
    let table = match fields::parse_toml(source, 0) {
        Ok(t) => t,
        Err(e) => {
            let d = Diagnostic::error(
                crate::diagnostics::Code::InvalidToml,
                CONFIG_FILE,
                format!("invalid TOML: {}", e.message),
            )
            .at(source, e.span)
            .with_help(
                "fix the TOML syntax at the mark; until then no setting of this file is used",
            );
            return Loaded {
                config,
                diagnostics: vec![d],
                source: source.to_string(),
            };
        }
    };
    for entry in &table.entries {
        match entry.key.as_str() {
            "title" => {
                if let Some(title) = x.string(entry).filter(|t| !t.trim().is_empty()) {
                    config.title = title;
                }
            }
            "description" => config.description = x.string(entry),
            "base_url" => {
                config.base_url = url(&mut x, entry).map(|mut url| {
                    if !url.ends_with('/') {
                        url.push('/');
                    }
                    url
                });
            }
            "output_dir" => {
                if let Some(dir) = x.string(entry) {
                    config.output_dir = dir;
                }
            }
            "repo_url" => config.repo_url = url(&mut x, entry),
            "branch" => config.branch = x.string(entry),
            "theme" => config.theme = x.string(entry),
            "exclude" => config.exclude = x.string_list(entry).unwrap_or_default(),
            "logo" => config.logo = x.string(entry),
            "nav" => {
                if let Some(t) = x.table(entry) {
                    config.nav = nav_options(&mut x, t);
                }
            }
            "home" => {
                if let Some(t) = x.table(entry) {
                    home_options(&mut x, t, &mut config);
                }
            }
            "markdown" => {
                if let Some(t) = x.table(entry) {
                    config.markdown = markdown_options(&mut x, t);
                }
            }
            "links" => {
                if let Some(t) = x.table(entry) {
                    links_options(&mut x, t, &mut config);
                }
            }
            "kinds" => {
                if let Some(t) = x.table(entry) {
                    let rules = folder_kinds(&mut x, t);
                    config.kinds.configured = rules.configured;
                    config.kinds.spans = rules.spans;
                }
            }
            "search" => {
                if let Some(t) = x.table(entry) {
                    config.search = enabled(&mut x, t, "search", true);
                }
            }
            "print" => {
                if let Some(t) = x.table(entry) {
                    config.print = enabled(&mut x, t, "print", false);
                }
            }
            "output" => {
                if let Some(t) = x.table(entry) {
                    for field in &t.entries {
                        match field.key.as_str() {
                            "markdown_copies" => {
                                config.markdown_copies = x.boolean(field).unwrap_or(true);
                            }
                            "json" => config.json = x.boolean(field).unwrap_or(false),
                            "pretty_urls" => {
                                config.pretty_urls = x.boolean(field).unwrap_or(true);
                            }
                            _ => x.unknown_key(field, "[output]", &keys_of(SCHEMA, "output")),
                        }
                    }
                }
            }
            "health" => {
                if let Some(t) = x.table(entry) {
                    health_options(&mut x, t, &mut config.health);
                }
            }
            "git" => {
                if let Some(t) = x.table(entry) {
                    git_options(&mut x, t, &mut config);
                }
            }
            "runbooks" => {
                if let Some(t) = x.table(entry) {
                    runbook_options(&mut x, t, &mut config);
                }
            }
            "adr" => {
                if let Some(t) = x.table(entry) {
                    adr_options(&mut x, t, &mut config);
                }
            }
            _ => x.unknown_key(entry, CONFIG_FILE, &top_keys()),
        }
    }
    for pattern in &config.exclude {
        if let Err(e) = globset::Glob::new(pattern) {
            let span = table.get("exclude").map_or(0..0, |e| e.node.span.clone());
            x.diagnostics.push(
                Diagnostic::error(
                    crate::diagnostics::Code::InvalidGlob,
                    CONFIG_FILE,
                    format!("invalid exclude pattern `{pattern}`: {e}"),
                )
                .at(source, span),
            );
        }
    }
    Loaded {
        config,
        diagnostics: x.diagnostics,
        source: source.to_string(),
    }
}

/// A URL setting; one that could run script in a page is an error.
pub(crate) fn url(x: &mut Extractor<'_>, entry: &fields::Entry) -> Option<String> {
    let url = x.string(entry)?;
    if !crate::markdown::is_script_url(&url, false) {
        return Some(url);
    }
    x.report(
        Diagnostic::error(
            crate::diagnostics::Code::UnsafeUrl,
            x.path,
            format!("`{}` must be a web address, not a script", entry.key),
        )
        .with_help("use an https:// address"),
        entry.node.span.clone(),
    );
    None
}

/// A table whose one key is `enabled` (`[search]`, `[print]`): its value,
/// `default` when it is not given or not a boolean.
fn enabled(x: &mut Extractor<'_>, table: &Table, name: &str, default: bool) -> bool {
    let mut on = default;
    for field in &table.entries {
        if field.key == "enabled" {
            on = x.boolean(field).unwrap_or(default);
        } else {
            x.unknown_key(field, &format!("[{name}]"), &keys_of(SCHEMA, name));
        }
    }
    on
}

fn markdown_options(x: &mut Extractor<'_>, table: &Table) -> MarkdownConfig {
    let mut options = MarkdownConfig::default();
    for entry in &table.entries {
        match entry.key.as_str() {
            "smart_punctuation" => {
                options.smart_punctuation = x.boolean(entry).unwrap_or(options.smart_punctuation);
            }
            "highlight" => options.highlight = x.boolean(entry).unwrap_or(options.highlight),
            "raw_html" => {
                use crate::markdown::RawHtml;
                match x.string(entry).as_deref() {
                    Some("allow") => options.raw_html = RawHtml::Allow,
                    Some("escape") => options.raw_html = RawHtml::Escape,
                    Some("sanitize") => options.raw_html = RawHtml::Sanitize,
                    Some(other) => {
                        x.report(
                        Diagnostic::error(
                            crate::diagnostics::Code::InvalidValue,
                            x.path,
                            format!(
                                "`raw_html` must be \"allow\", \"escape\" or \"sanitize\", found \"{other}\""
                            ),
                        ),
                        entry.node.span.clone(),
                        );
                    }
                    None => {}
                }
            }
            _ => x.unknown_key(entry, "[markdown]", &keys_of(SCHEMA, "markdown")),
        }
    }
    options
}

fn links_options(x: &mut Extractor<'_>, table: &Table, config: &mut Config) {
    for entry in &table.entries {
        match entry.key.as_str() {
            "tickets" => {
                config.tickets_url = url(x, entry);
                if config
                    .tickets_url
                    .as_ref()
                    .is_some_and(|u| !u.contains("{id}"))
                {
                    x.report(
                        Diagnostic::error(
                            crate::diagnostics::Code::InvalidValue,
                            x.path,
                            "`tickets` must contain `{id}`, where the ticket's id goes",
                        )
                        .with_help("e.g. tickets = \"https://tracker.example/browse/{id}\""),
                        entry.node.span.clone(),
                    );
                    config.tickets_url = None;
                }
            }
            "broken" => match x.string(entry).as_deref() {
                Some("error") => config.broken_links = BrokenLinks::Error,
                Some("warn") => config.broken_links = BrokenLinks::Warn,
                Some(other) => {
                    x.report(
                        Diagnostic::error(
                            crate::diagnostics::Code::InvalidValue,
                            x.path,
                            format!("`broken` must be \"error\" or \"warn\", found \"{other}\""),
                        ),
                        entry.node.span.clone(),
                    );
                }
                None => {}
            },
            _ => x.unknown_key(entry, "[links]", &keys_of(SCHEMA, "links")),
        }
    }
}

/// `[nav] links`: each a path string, or a `{ title, url }` / `{ title, path }` table.
fn nav_options(x: &mut Extractor<'_>, table: &Table) -> Vec<NavItem> {
    let mut items = Vec::new();
    for entry in &table.entries {
        if entry.key != "links" {
            x.unknown_key(entry, "[nav]", &keys_of(SCHEMA, "nav"));
            continue;
        }
        let Value::Array(list) = &entry.node.value else {
            x.report(
                Diagnostic::error(
                    crate::diagnostics::Code::WrongType,
                    x.path,
                    "`links` must be a list of paths or { title, url } tables",
                )
                .with_help("e.g. links = [\"decisions/\", \"charter.md\", { title = \"Status\", url = \"https://status.example\" }]"),
                entry.node.span.clone(),
            );
            continue;
        };
        for node in list {
            let item = match &node.value {
                Value::String(path) => Some(NavItem {
                    target: path.clone(),
                    title: None,
                    span: node.span.clone(),
                }),
                Value::Table(t) => {
                    let text = |key: &str| match t.get(key).map(|e| &e.node.value) {
                        Some(Value::String(s)) => Some(s.clone()),
                        _ => None,
                    };
                    let target = text("url").or_else(|| text("path"));
                    let title = text("title");
                    if target.is_none() || (text("url").is_some() && title.is_none()) {
                        None
                    } else {
                        target.map(|target| NavItem {
                            target,
                            title,
                            span: node.span.clone(),
                        })
                    }
                }
                _ => None,
            };
            match item {
                Some(item) => items.push(item),
                None => x.report(
                    Diagnostic::error(
                        crate::diagnostics::Code::WrongType,
                        x.path,
                        "a `links` item must be a path, or a table with `title` and `url` (or `path`)",
                    )
                    .with_help("e.g. { title = \"Status\", url = \"https://status.example\" }"),
                    node.span.clone(),
                ),
            }
        }
    }
    items
}

fn home_options(x: &mut Extractor<'_>, table: &Table, config: &mut Config) {
    for entry in &table.entries {
        if entry.key != "dashboard" {
            x.unknown_key(entry, "[home]", &keys_of(SCHEMA, "home"));
            continue;
        }
        match x.string(entry).as_deref() {
            Some("first") => config.dashboard = Dashboard::First,
            Some("last") => config.dashboard = Dashboard::Last,
            Some("off") => config.dashboard = Dashboard::Off,
            Some(other) => x.report(
                Diagnostic::error(
                    crate::diagnostics::Code::InvalidValue,
                    x.path,
                    format!(
                        "`dashboard` must be \"first\", \"last\" or \"off\", found \"{other}\""
                    ),
                ),
                entry.node.span.clone(),
            ),
            None => {}
        }
    }
}

fn health_options(
    x: &mut Extractor<'_>,
    table: &Table,
    health: &mut crate::kinds::health::Settings,
) {
    for entry in &table.entries {
        match (entry.key.as_str(), &entry.node.value) {
            ("min_responses", Value::Integer(n)) if *n >= 1 => {
                health.min_responses = u32::try_from(*n).unwrap_or(u32::MAX);
            }
            ("alert_below", Value::Integer(n)) if (1..=5).contains(n) => {
                health.alert_below = *n as f64
            }
            ("alert_below", Value::Float(f)) if (1.0..=5.0).contains(f) => health.alert_below = *f,
            ("dimensions", _) => {
                if let Some(list) = x.string_list(entry) {
                    health.dimensions = list.iter().map(|d| d.trim().to_lowercase()).collect();
                }
            }
            ("min_responses" | "alert_below", _) => x.report(
                Diagnostic::error(
                    crate::diagnostics::Code::InvalidValue,
                    x.path,
                    if entry.key == "min_responses" {
                        "`min_responses` must be a whole number of at least 1"
                    } else {
                        "`alert_below` must be a number from 1 to 5"
                    },
                ),
                entry.node.span.clone(),
            ),
            _ => x.unknown_key(entry, "[health]", &keys_of(SCHEMA, "health")),
        }
    }
}

fn git_options(x: &mut Extractor<'_>, table: &Table, config: &mut Config) {
    for field in &table.entries {
        match field.key.as_str() {
            "history" => config.git_history = x.boolean(field).unwrap_or(true),
            "cache" => config.git_cache = x.boolean(field).unwrap_or(true),
            "forge" => {
                let Some(name) = x.string(field) else {
                    continue;
                };
                config.forge = crate::forge::Forge::parse(&name);
                if config.forge.is_none() {
                    let names = crate::forge::Forge::NAMES;
                    let help = match crate::fields::closest(&name, names.iter().copied()) {
                        Some(best) => format!("did you mean \"{best}\"?"),
                        None => format!(
                            "one of {}; or give `edit_url` and `history_url` templates",
                            names.join(", ")
                        ),
                    };
                    x.report(
                        Diagnostic::error(
                            crate::diagnostics::Code::InvalidValue,
                            x.path,
                            format!("unknown forge \"{name}\""),
                        )
                        .with_help(help),
                        field.node.span.clone(),
                    );
                }
            }
            "edit_url" => config.edit_url = url(x, field),
            "history_url" => config.history_url = url(x, field),
            _ => x.unknown_key(field, "[git]", &keys_of(SCHEMA, "git")),
        }
    }
}

fn runbook_options(x: &mut Extractor<'_>, table: &Table, config: &mut Config) {
    use crate::kinds::runbook::{AlertFromFile, EXPECTED as FIELDS};
    for entry in &table.entries {
        match entry.key.as_str() {
            "review_every" => {
                let Some(text) = x.string(entry) else {
                    continue;
                };
                if let Some(interval) = crate::kinds::schedule::Interval::parse(&text) {
                    config.review_every = interval;
                } else {
                    x.report(
                        Diagnostic::error(
                            crate::diagnostics::Code::InvalidValue,
                            x.path,
                            format!("`review_every` must be a duration, found \"{text}\""),
                        )
                        .with_help("write it like \"90d\", \"6w\" or \"6 months\""),
                        entry.node.span.clone(),
                    );
                }
            }
            "require" => {
                let fields = x.string_list(entry).unwrap_or_default();
                for field in &fields {
                    if !FIELDS.contains(&field.as_str()) {
                        x.report(
                            Diagnostic::error(
                                crate::diagnostics::Code::UnknownValue,
                                x.path,
                                format!("`require` lists \"{field}\", which runbooks do not have"),
                            )
                            .with_help(format!("allowed values: {}", FIELDS.join(", "))),
                            entry.node.span.clone(),
                        );
                    }
                }
                config.runbooks.require = fields;
            }
            "alert_rules" => {
                let globs = x.string_list(entry).unwrap_or_default();
                for glob in &globs {
                    if let Err(e) = globset::Glob::new(glob) {
                        let d = Diagnostic::error(
                            crate::diagnostics::Code::InvalidGlob,
                            x.path,
                            format!("invalid `alert_rules` pattern `{glob}`: {e}"),
                        )
                        .at_in(
                            x.source,
                            x.index(),
                            entry.node.span.clone(),
                        );
                        x.diagnostics.push(d);
                    }
                }
                config.runbooks.alert_rules = globs;
            }
            "service_from_folder" => {
                if let Some(on) = x.boolean(entry) {
                    config.runbooks.service_from_folder = on;
                }
            }
            "alert_from_file" => {
                let Some(text) = x.string(entry) else {
                    continue;
                };
                match AlertFromFile::parse(&text) {
                    Some(mode) => config.runbooks.alert_from_file = mode,
                    None => {
                        let d = Diagnostic::error(
                            crate::diagnostics::Code::UnknownValue,
                            x.path,
                            format!(
                                "`alert_from_file` must be one of {}, found \"{text}\"",
                                AlertFromFile::NAMES.join(", ")
                            ),
                        )
                        .at_in(
                            x.source,
                            x.index(),
                            entry.node.span.clone(),
                        );
                        x.diagnostics.push(d);
                    }
                }
            }
            _ => x.unknown_key(entry, "[runbooks]", &keys_of(SCHEMA, "runbooks")),
        }
    }
}

fn adr_options(x: &mut Extractor<'_>, table: &Table, config: &mut Config) {
    use crate::kinds::adr::{DateOrder, Status, status_key};
    for entry in &table.entries {
        match entry.key.as_str() {
            "date_order" => match x.string(entry).as_deref() {
                Some("dmy") => config.adr.date_order = Some(DateOrder::Dmy),
                Some("mdy") => config.adr.date_order = Some(DateOrder::Mdy),
                Some(other) => {
                    x.report(
                        Diagnostic::error(
                            crate::diagnostics::Code::UnknownValue,
                            x.path,
                            format!("`date_order` must be \"dmy\" or \"mdy\", found \"{other}\""),
                        )
                        .with_help("\"dmy\" reads 09/04/2018 as 9 April, \"mdy\" as 4 September"),
                        entry.node.span.clone(),
                    );
                }
                None => {}
            },
            "statuses" => {
                let Some(map) = x.table(entry) else {
                    continue;
                };
                for word in &map.entries {
                    let Some(meaning) = x.string(word) else {
                        continue;
                    };
                    match Status::ALL.into_iter().find(|s| s.name() == meaning.trim()) {
                        Some(status) => {
                            config.adr.statuses.insert(status_key(&word.key), status);
                        }
                        None => {
                            let names: Vec<&str> = Status::ALL.map(Status::name).to_vec();
                            x.report(
                            Diagnostic::error(
                                crate::diagnostics::Code::UnknownValue,
                                x.path,
                                format!("\"{}\" is not a status: `statuses` maps a team's words to one of {}", meaning, names.join(", ")),
                            ),
                            word.node.span.clone(),
                            );
                        }
                    }
                }
            }
            "not_records" => {
                if let Some(patterns) = x.string_list(entry) {
                    config.kinds.not_records = patterns;
                }
            }
            _ => x.unknown_key(entry, "[adr]", &keys_of(SCHEMA, "adr")),
        }
    }
}

fn folder_kinds(x: &mut Extractor<'_>, table: &Table) -> FolderKinds {
    let mut kinds = FolderKinds::default();
    for entry in &table.entries {
        let Some(name) = x.string(entry) else {
            continue;
        };
        // `"."` is the handbook's root folder.
        let folder = entry.key.trim_matches('/');
        let folder = if folder == "." { "" } else { folder };
        match Kind::parse(&name) {
            Some(kind) => {
                kinds.configured.push((folder.to_string(), kind));
                kinds.spans.push(entry.key_span.clone());
            }
            None => {
                x.report(
                    Diagnostic::error(
                        crate::diagnostics::Code::UnknownValue,
                        x.path,
                        format!("unknown kind \"{name}\" for folder `{}`", entry.key),
                    )
                    .with_help(format!("allowed values: {}", Kind::names())),
                    entry.node.span.clone(),
                );
            }
        }
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_in_what_is_not_written() {
        let loaded = parse("title = \"Ops\"\n");
        assert!(loaded.diagnostics.is_empty());
        assert_eq!(loaded.config.output_dir, "public");
        assert_eq!(loaded.config.broken_links, BrokenLinks::Error);
        assert!(loaded.config.markdown.smart_punctuation);
    }

    #[test]
    fn base_url_gets_a_trailing_slash() {
        let loaded = parse("base_url = \"https://example.org/handbook\"\n");
        assert_eq!(
            loaded.config.base_url.as_deref(),
            Some("https://example.org/handbook/")
        );
    }

    #[test]
    fn unknown_keys_suggest_the_closest_known_key() {
        let loaded = parse("titel = \"x\"\n[markdown]\nsmart_punctuaton = false\n");
        let messages: Vec<_> = loaded
            .diagnostics
            .iter()
            .map(|d| (d.line, d.help.clone().unwrap_or_default()))
            .collect();
        assert_eq!(
            messages,
            vec![
                (1, "did you mean `title`?".into()),
                (3, "did you mean `smart_punctuation`?".into())
            ]
        );
    }

    #[test]
    fn kinds_map_folders_and_reject_unknown_kinds() {
        let loaded = parse("[kinds]\n\"ops/howto\" = \"runbook\"\n\"notes\" = \"memo\"\n");
        assert_eq!(
            loaded.config.kinds.configured,
            vec![("ops/howto".to_string(), Kind::Runbook)]
        );
        assert_eq!(loaded.diagnostics.len(), 1);
        assert_eq!(loaded.diagnostics[0].line, 3);
    }

    #[test]
    fn all_type_errors_are_reported_together() {
        let loaded = parse("title = 1\nexclude = \"drafts/**\"\n[links]\nbroken = \"maybe\"\n");
        let lines: Vec<_> = loaded
            .diagnostics
            .iter()
            .map(|d| (d.code.as_str(), d.line))
            .collect();
        assert_eq!(
            lines,
            vec![("wrong-type", 1), ("wrong-type", 2), ("invalid-value", 4)]
        );
    }
}
