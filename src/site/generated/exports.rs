//! What other tools read instead of the HTML: each page's markdown (written
//! by the page stage at the page's source path, so the relative links
//! between pages and to images keep working), `llms.txt` (the handbook's
//! pages by kind, each linking its markdown) and `llms-full.txt` (every page's
//! markdown in one file) when `[output] markdown_copies` is on, and
//! `handbook.json` (the export `handbook export` prints, described by
//! `handbook.schema.json` beside this file) when `[output] json` is.

use serde_json::{Value, json};

use super::super::Site;
use super::super::context::Renderer;
use super::super::views;
use super::{Generated, Made};
use crate::content::Page;
use crate::pages::PageId;

/// The version of `handbook.json`'s shape: raised when a field changes
/// meaning or goes away (new fields keep it).
pub const EXPORT_VERSION: u32 = 1;

/// The JSON Schema of `handbook.json`.
pub const EXPORT_SCHEMA: &str = include_str!("handbook.schema.json");

/// The file names, at the output's root.
const LLMS: &str = "llms.txt";
const LLMS_FULL: &str = "llms-full.txt";
pub const EXPORT_FILE: &str = "handbook.json";

/// A page's markdown as published: its body as written (front matter left
/// out), under its title when the body does not open with one.
pub(in crate::site) fn markdown_copy(page: &Page, title: &str) -> String {
    let mut copy = String::new();
    push_markdown_copy(&mut copy, page, title);
    copy
}

/// Appends [`markdown_copy`] to `out`.
fn push_markdown_copy(out: &mut String, page: &Page, title: &str) {
    let body = page.source.get(page.body_start..).unwrap_or_default();
    let body = body.trim_start_matches(['\n', '\r']);
    if !body.starts_with("# ") {
        out.push_str("# ");
        out.push_str(title);
        out.push_str("\n\n");
    }
    out.push_str(body);
}

pub(in crate::site) struct Exports;

impl Generated for Exports {
    fn files(&self, site: &Site) -> Vec<String> {
        let config = &site.loaded.config;
        let mut files = Vec::new();
        if config.markdown_copies {
            files.extend([LLMS.to_string(), LLMS_FULL.to_string()]);
        }
        if config.json {
            files.push(EXPORT_FILE.to_string());
        }
        files
    }

    fn render(&self, render: &Renderer<'_>) -> Vec<Made> {
        let config = &render.site.loaded.config;
        let mut made = Vec::new();
        if config.markdown_copies {
            let (index, full) = llms(render);
            made.push(Ok((LLMS.to_string(), index.into_bytes())));
            made.push(Ok((LLMS_FULL.to_string(), full.into_bytes())));
        }
        if config.json {
            made.push(Ok((EXPORT_FILE.to_string(), export(render))));
        }
        made
    }
}

/// The pages that have markdown: the handbook's own, in page order.
fn own_pages<'r>(render: &'r Renderer<'_>) -> impl Iterator<Item = (PageId, &'r Page)> {
    render
        .site
        .loaded
        .pages
        .enumerate()
        .filter(|(_, p)| !p.generated)
}

/// `llms.txt` (the site's title and description, then its pages grouped
/// by kind, each a link to its markdown with its description) and
/// `llms-full.txt` (every page's markdown, each after a line naming its URL).
fn llms(render: &Renderer<'_>) -> (String, String) {
    let site = render.site;
    let config = &site.loaded.config;
    let base = config.base_url.as_deref().unwrap_or("");
    let mut index = format!("# {}\n\n", one_line(&config.title));
    if let Some(description) = &config.description {
        index.push_str(&format!("> {}\n\n", one_line(description)));
    }
    index.push_str(
        "Each page below links to its markdown; `llms-full.txt` holds all of them in one file.\n",
    );
    // Each kind's pages under its heading, records first; kinds that share a
    // heading (charter and channels) share the list. One pass over the pages.
    let mut groups: Vec<(&str, Vec<(PageId, &Page)>)> = Vec::new();
    for view in views::llms_order() {
        if !groups.iter().any(|(h, _)| *h == view.llms_group()) {
            groups.push((view.llms_group(), Vec::new()));
        }
    }
    for (i, page) in own_pages(render) {
        let heading = views::of(site.model.kinds.kind(i)).llms_group();
        if let Some((_, list)) = groups.iter_mut().find(|(h, _)| *h == heading) {
            list.push((i, page));
        }
    }
    for (heading, list) in groups.iter().filter(|(_, list)| !list.is_empty()) {
        index.push_str(&format!("\n## {heading}\n\n"));
        for &(i, page) in list {
            let title = one_line(&render.titles[i]);
            index.push_str(&format!("- [{title}]({base}{})", page.source_path));
            if let Some(description) = &page.front.description {
                index.push_str(&format!(": {}", one_line(description)));
            }
            index.push('\n');
        }
    }
    // One string, sized once and filled page by page: made in parallel, the
    // parts and their join would hold the whole text twice (30 MB more at
    // 10,000 pages, for 20-50 ms), and grown by doubling it would be copied
    // as often.
    let size: usize = own_pages(render)
        .map(|(i, page)| page.source.len() + page.url.len() + render.titles[i].len() + 32)
        .sum();
    let mut full = String::with_capacity(size + base.len() * render.site.loaded.pages.len());
    for (i, page) in own_pages(render) {
        if !full.is_empty() {
            full.push('\n');
        }
        full.push_str("<!-- ");
        full.push_str(base);
        full.push_str(&page.url);
        full.push_str(" -->\n");
        push_markdown_copy(&mut full, page, &render.titles[i]);
        full.truncate(full.trim_end().len());
        full.push('\n');
    }
    (index, full)
}

/// Text on one line (a title or description written over several).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `handbook.json`: the handbook as data (see `handbook.schema.json`): the
/// pages, then what each kind's views export, then the people.
pub(in crate::site) fn export(render: &Renderer<'_>) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(&export_value(render)).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// [`export`], as a value (`handbook diff` reads it without the text).
pub(in crate::site) fn export_value(render: &Renderer<'_>) -> Value {
    let site = render.site;
    let kinds = &site.model.kinds;
    let date = |d: Option<&crate::content::Date>| d.map(|d| d.as_str().to_string());
    let page_list: Vec<Value> = own_pages(render)
        .map(|(i, page)| {
            let entry = &kinds.pages[i];
            let owner = views::of(entry.kind)
                .owner(entry)
                .map(str::to_string)
                .or_else(|| {
                    page.front
                        .extra
                        .get("owner")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                });
            json!({
                "url": page.url,
                "source": page.source_path,
                "kind": entry.kind.name(),
                "title": render.titles[i],
                "description": page.front.description,
                "date": date(page.front.date.as_ref()),
                "updated": date(page.front.updated.as_ref()),
                "owner": owner,
                "tags": page.front.tags,
                "headings": render.rendered[i].toc.iter().map(|h| json!({
                    "level": h.level,
                    "id": h.id,
                    "text": h.title,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut records = views::Slots::new();
    views::fill(&mut records, |v, slots| v.export(&render.cx, slots));
    let people: Vec<Value> = kinds
        .team
        .iter()
        .flat_map(|t| &t.people)
        .map(|person| {
            json!({
                "handle": person.handle,
                "name": person.name,
                "role": person.role,
                "url": super::super::reserved::person_url(&person.handle),
                "skills": person.skills,
            })
        })
        .collect();
    let config = &site.loaded.config;
    let mut export = serde_json::Map::new();
    export.insert("version".into(), json!(EXPORT_VERSION));
    export.insert("title".into(), json!(config.title));
    export.insert("base_url".into(), json!(config.base_url));
    export.insert("pages".into(), json!(page_list));
    for (key, value) in records {
        export.insert(key.to_string(), value);
    }
    export.insert("people".into(), json!(people));
    Value::Object(export)
}
