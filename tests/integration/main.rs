//! The one integration-test binary: runs the real `handbook` binary on fixtures.
//! Modules are split by feature; `support` holds the fixture builder, a static
//! file server and a small WebDriver client for the browser tests.

// Tests slice strings they made themselves.
#![allow(clippy::string_slice)]

mod browser;
mod build;
mod build_cache;
mod check;
mod diff;
mod exports;
mod fuzz_drivers;
mod git;
mod git_property;
mod kinds;
mod links;
mod module_graph;
mod recipes;
mod reference_docs;
mod safety;
mod scaffold;
mod search;
mod search_bench;
mod serve;
mod serve_property;
mod snapshots;
mod support;
mod theme;
