//! Entry points for fuzzers: each takes arbitrary bytes, must never panic
//! (a panic is the bug a fuzzer reports), and asserts the invariants the
//! code promises. `fuzz/` runs them under libFuzzer; the integration tests
//! run the same functions as bounded property tests on stable, so they keep
//! compiling and passing on every change. Not part of the stable API.

use crate::content;

/// Text from arbitrary bytes: the UTF-8 prefix, as a file would be read.
fn text(data: &[u8]) -> &str {
    match std::str::from_utf8(data) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&data[..e.valid_up_to()]).unwrap_or_default(),
    }
}

/// Which page kind's folder a fuzz input is read in (its first byte).
const PATHS: &[&str] = &[
    "index.md",
    "decisions/0007-use-queues.md",
    "runbooks/db.md",
    "aars/2026-03-02-outage.md",
    "retros/2026-q1.md",
    "charter.md",
    "channels.md",
    "adr/2024-決定事項.md",
];

/// Front matter (TOML and YAML) split and validated into a page.
pub fn front_matter(data: &[u8]) {
    let source = text(data).to_string();
    if let Ok((page, diagnostics)) = content::page_from_source("a.md", source, false) {
        assert!(page.body_start <= page.source.len());
        assert!(page.source.is_char_boundary(page.body_start));
        for d in diagnostics {
            assert!(d.line > 0 || d.snippet.is_none());
        }
    }
}

/// Every page kind's parser and checks: the page is read as the kind its
/// folder or name gives (chosen by the first byte).
pub fn kinds(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let path = PATHS[usize::from(which) % PATHS.len()];
    let Ok((page, _)) = content::page_from_source(path, text(rest).to_string(), false) else {
        return;
    };
    let folders = crate::kinds::FolderKinds::default();
    let runbooks = crate::kinds::runbook::Import::default();
    let adr = crate::kinds::adr::Settings::default();
    let every = crate::config::Config::default().review_every;
    let settings = crate::kinds::Settings {
        folders: &folders,
        today: jiff::civil::date(2026, 11, 20),
        review_every: &every,
        history: None,
        runbooks: &runbooks,
        adr: &adr,
        owners: None,
    };
    let (team, _) = crate::kinds::people::Team::parse(
        "[[people]]\nhandle = \"ines\"\nname = \"Ines Duarte\"\n",
    );
    let _ = crate::kinds::build(&vec![page].into(), settings, Some(team));
}

/// Markdown rendering with link rewriting, under every raw-HTML mode.
pub fn markdown(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let source = text(rest);
    let raw_html = match mode % 3 {
        0 => crate::markdown::RawHtml::Allow,
        1 => crate::markdown::RawHtml::Escape,
        _ => crate::markdown::RawHtml::Sanitize,
    };
    let options = crate::markdown::Options {
        smart_punctuation: mode & 4 != 0,
        highlighter: None,
        collect_text: true,
        raw_html,
    };
    let rendered = crate::markdown::render(source, 0, options, &|dest| {
        Some(format!("../{}", dest.trim_start_matches('/')))
    });
    for link in rendered.links.iter().chain(&rendered.refused) {
        assert!(link.span.end <= source.len());
        assert!(source.is_char_boundary(link.span.start) && source.is_char_boundary(link.span.end));
    }
    let mut seen = std::collections::HashSet::new();
    for id in &rendered.anchors {
        // Raw HTML may repeat an id; generated ones never collide.
        seen.insert(id);
    }
    if raw_html != crate::markdown::RawHtml::Allow {
        let lower = rendered.html.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "raw HTML let a script through");
    }
    for link in &rendered.refused {
        assert!(
            crate::markdown::is_script_url(&link.dest, true)
                || crate::markdown::is_script_url(&link.dest, false)
        );
    }
}

/// Slugs, page URLs, alias files and the output-path check: whatever a
/// name is, what it becomes stays inside the output folder.
pub fn paths(data: &[u8]) {
    let name = text(data);
    let slug = content::slugify(name);
    assert!(crate::confine::output_file(&slug).is_ok(), "slug {slug:?}");
    assert!(!slug.starts_with('.') && !slug.contains('/'));
    for is_index in [false, true] {
        let url = content::page_url(&format!("{name}.md"), is_index, Some(name));
        if !url.is_empty() {
            assert!(
                crate::confine::output_file(&format!("{url}index.html")).is_ok(),
                "{url:?}"
            );
        }
    }
    if let Ok(file) = crate::confine::alias_file(name) {
        let joined = crate::confine::join(std::path::Path::new("/out"), &file);
        assert!(joined.is_ok_and(|p| p.starts_with("/out/")), "{file:?}");
    }
    if let Ok(rel) = crate::confine::output_file(name) {
        assert!(
            rel.split('/')
                .all(|s| !s.is_empty() && s != "." && s != "..")
        );
    }
}

/// `handbook.toml`, `team.toml` and CODEOWNERS.
pub fn config(data: &[u8]) {
    let source = text(data);
    let _ = crate::config::parse(source);
    let _ = crate::kinds::people::Team::parse(source);
    let owners = crate::codeowners::CodeOwners::parse("CODEOWNERS", source);
    let _ = owners.owners("runbooks/db.md");
}

/// The preview's request-path lookup and Host check.
pub fn serve_path(data: &[u8]) {
    let path = text(data);
    let files: crate::site::output::Files = ["index.html", "a/index.html", "theme/style.css"]
        .into_iter()
        .map(|p| (p.to_string(), std::sync::Arc::from(&b"x"[..])))
        .collect();
    match crate::serve::http::lookup(path, &files) {
        crate::serve::http::Lookup::File(name) => assert!(files.contains_key(&name)),
        crate::serve::http::Lookup::Redirect(to) => {
            assert!(to.starts_with('/') && to.ends_with('/'))
        }
        _ => {}
    }
    let hosts = crate::serve::http::Hosts {
        bind: std::net::IpAddr::from([127, 0, 0, 1]),
        port: 1111,
    };
    if hosts.allows(path) {
        let name = path.rsplit_once(':').map_or(path, |(n, _)| n);
        let name = name.trim_start_matches('[').trim_end_matches(']');
        assert!(
            name.eq_ignore_ascii_case("localhost")
                || name
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback()),
            "allowed {path:?}"
        );
    }
}

/// Git: delta application (ropes against a plain application), tree entries
/// and commit headers from arbitrary bytes.
pub fn git(data: &[u8]) {
    crate::git::fuzz(data);
}
