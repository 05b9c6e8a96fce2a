//! `handbook` compiles a team handbook (markdown with TOML front matter, kept in
//! git) into a linked static site.
//!
//! The crate is a pipeline, one module per stage or domain noun:
//!
//! - [`config`]: `handbook.toml` → typed [`config::Config`].
//! - [`content`]: walking the repository, front matter, the [`content::Page`] model.
//! - [`kinds`]: page kinds (ADR, runbook, …) and their models and checks.
//! - [`markdown`]: one page's markdown → HTML, anchors, table of contents, links.
//! - [`links`]: resolving links to pages and assets, checking them, backlinks.
//! - [`templates`]: Tera, the embedded default theme and the view models.
//! - [`scaffold`]: `handbook new` and `handbook init`: planning and writing new files.
//! - [`search`]: the sharded static search index.
//! - [`site`]: the pipeline itself (load → render → write atomically), and
//!   incremental re-rendering of edited pages.
//! - [`serve`]: the live preview: watching, planning, rebuilding, serving.
//! - [`diff`]: what a change does to the handbook (`handbook diff`), for pull requests.
//! - [`diagnostics`]: the one type for user mistakes, and how it is printed.
//! - [`confine`]: the one check every output path goes through.
//! - [`codeowners`]: CODEOWNERS rules, compared with runbook owners.
//! - [`forge`]: edit and history links for GitHub, GitLab, Gitea/Forgejo, Bitbucket.
//! - [`git`]: history facts (dates, authors, recent commits) read with gix.
//! - [`fields`]: spanned TOML/YAML values shared by config and front matter.
//! - [`paths`]: `/`-separated path strings and relative hrefs (the lowest layer).
//! - [`pages`]: typed page ids ([`pages::PageId`]) and per-page tables.
//! - `fuzzing`: entry points for the fuzzers in `fuzz/` (and their stable drivers).
//!
//! The command line (`src/cli/`, thin wrappers that call [`site`]) belongs to
//! the binary, so the library does not depend on clap or indicatif.

// Tests slice strings they made themselves.
#![cfg_attr(test, allow(clippy::string_slice))]

pub mod codeowners;
pub mod config;
pub mod confine;
pub mod content;
pub mod diagnostics;
pub mod diff;
pub mod digest;
pub mod fields;
pub mod forge;
#[doc(hidden)]
pub mod fuzzing;
pub mod git;
pub mod kinds;
pub mod links;
pub mod markdown;
pub mod pages;
pub mod paths;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod templates;
