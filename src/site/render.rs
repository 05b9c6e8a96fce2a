//! Rendering: markdown → link check → templates → files, for the whole site
//! ([`Site::render`]) or, in a live preview, for what an edit touched
//! ([`Site::apply_edits`]). A render can keep a [`Memo`] of what the next edit
//! needs: every page's markdown results (without the HTML), titles, backlinks,
//! search terms, and a fingerprint of every page's template context.
//!
//! Architecture invariant: an update writes exactly the files a full render of
//! the same sources would write differently, and leaves the memo as a full
//! render would have left it. The serve property test checks it.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::content::Page;
use crate::diagnostics::Diagnostic;
use crate::digest::{Digest, Hasher};
use crate::kinds;
use crate::links::{self, LinkIndex, PageEntry};
use crate::markdown::{self, Rendered};
use crate::pages::{PageId, PageTable};
use crate::search;
use crate::templates::Templates;

use super::cache::{self, PageInputs};
use super::context::{Learned, Renderer};
use super::output::Sink;
use super::views;
use super::{Counts, Progress, Rendering, Site, generated, title_of, write_error};

/// What a render keeps for the next edit (see the module docs).
#[derive(Debug)]
pub struct Memo {
    pub(super) index: LinkIndex,
    /// What the templates read of the pages.
    pub(super) learned: Learned,
    /// Hrefs each page's HTML has corrected ([`links::Checked::fixes`]).
    pub(super) fixes: PageTable<Vec<(String, String)>>,
    link_diagnostics: Vec<Diagnostic>,
    /// Why the templates did not load (they are the site's).
    template_diagnostics: Vec<Diagnostic>,
    /// A failed render or write of page `i`.
    page_errors: PageTable<Option<Diagnostic>>,
    /// Failures writing assets, site files and aggregate pages.
    site_errors: Vec<Diagnostic>,
    search_errors: Vec<Diagnostic>,
    pub(super) vocabulary: Option<search::Vocabulary>,
    pub(super) terms: PageTable<Option<search::PageTerms>>,
    /// [`Renderer::fingerprint`] of every page (empty unless kept).
    pub(super) fingerprints: PageTable<Digest>,
    /// What each page's markdown depended on (for the build cache).
    pub(super) inputs: PageTable<PageInputs>,
    /// What every page's context shares (for the build cache, see
    /// [`Site::world`]).
    pub(super) world: Digest,
    /// What was wrong with `[nav] links`.
    nav_diagnostics: Vec<Diagnostic>,
}

impl Memo {
    /// What the build cache keeps of this render of `site` (see
    /// [`cache::Store::save`]).
    pub(super) fn cache_parts<'a>(&'a self, site: &'a Site) -> cache::Parts<'a> {
        cache::Parts {
            pages: &site.loaded.pages,
            rendered: &self.learned.rendered,
            inputs: &self.inputs,
            terms: &self.terms,
            fingerprints: &self.fingerprints,
            fixes: &self.fixes,
            backlinks: &self.learned.backlinks,
            vocabulary: self.vocabulary.as_ref(),
            world: self.world,
        }
    }

    /// Everything rendering found wrong, in no particular order.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let pages = self.page_errors.iter().flatten();
        self.link_diagnostics
            .iter()
            .chain(&self.template_diagnostics)
            .chain(&self.nav_diagnostics)
            .chain(pages)
            .chain(&self.site_errors)
            .chain(&self.search_errors)
            .cloned()
            .collect()
    }
}

/// What [`Site::apply_edits`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Update {
    /// Pages whose output was rendered again.
    pub pages: usize,
    /// True when the search index is out of date ([`Site::write_search`]).
    pub search_stale: bool,
}

/// Why an edit cannot be applied in place: the caller reloads the site.
#[derive(Debug, PartialEq, Eq)]
pub enum NeedsReload {
    /// The page's URL, order, aliases or draft state changed, or it no longer
    /// reads as a page.
    Structure(String),
}

/// What a render keeps of what it learned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Keep {
    /// Nothing past the render (a build without a cache, a check).
    Nothing,
    /// What [`Site::apply_edits`] needs (a live preview).
    Memo,
    /// What the build cache needs (a build that writes one).
    Cache,
}

/// One page's markdown results.
pub(super) struct Marked {
    pub(super) rendered: Rendered,
    pub(super) terms: Option<search::PageTerms>,
    pub(super) inputs: PageInputs,
}

/// What the cache said of a page whose markdown results it gave: the
/// fingerprint and fixes its files were written with.
struct Vouched {
    fingerprint: Digest,
    fixes: Vec<(String, String)>,
    backlinks: Digest,
}

/// What writing a page gave.
struct Written {
    error: Option<Diagnostic>,
    /// Its article alone, for the whole-handbook document.
    article: Option<String>,
    fingerprint: Option<Digest>,
}

/// What a page's search terms were counted with besides its text.
fn terms_key(title: &str, facts: &search::Facts) -> Digest {
    Hasher::new()
        .part(title.as_bytes())
        .part(facts.names.as_bytes())
        .part(facts.about.as_bytes())
        .finish()
}

/// An image size as the build cache digests it.
fn size_bytes(size: Option<(u32, u32)>) -> [u8; 9] {
    let mut out = [0; 9];
    if let Some((w, h)) = size {
        out[0] = 1;
        out[1..5].copy_from_slice(&w.to_le_bytes());
        out[5..].copy_from_slice(&h.to_le_bytes());
    }
    out
}

impl Site {
    /// Renders every page and writes the site to `sink`. Returns the problems
    /// found (link checks, template errors, write errors) and what was written.
    pub fn render(&self, sink: &dyn Sink, progress: &dyn Progress) -> Rendering {
        self.render_all(sink, progress, Keep::Nothing, None).0
    }

    /// [`Site::render`], keeping what [`Site::apply_edits`] needs.
    pub fn render_keeping(&self, sink: &dyn Sink) -> (Rendering, Memo) {
        self.render_all(sink, &super::NoProgress, Keep::Memo, None)
    }

    /// What `handbook diff` needs of a render, without page templates or
    /// any file but the export: every page's markdown results (HTML left
    /// out; a page whose file `known` has a result for — same bytes, same
    /// markdown settings — reuses it), the link check, titles, and the JSON
    /// export. Returns the memo, its diagnostics and the export.
    pub(super) fn render_data(
        &self,
        known: &(dyn Fn(&Page) -> Option<Rendered> + Sync),
    ) -> (Memo, Vec<Diagnostic>, serde_json::Value) {
        let index = self.link_index();
        let rendered: PageTable<Rendered> = self.loaded.pages.par_map(|i, page| {
            known(page).unwrap_or_else(|| {
                let mut r = self.markdown(&index, None, i, false).rendered;
                r.html = String::new();
                r
            })
        });
        let checked = self.check_links(&index, &rendered);
        let memo = self.memo(index, rendered, checked, None, PageTable::new());
        let export = match &self.loaded.templates {
            Some(templates) => {
                generated::export_value(&Renderer::new(self, &memo.learned, templates))
            }
            None => serde_json::Value::Null,
        };
        let diagnostics = memo.diagnostics();
        (memo, diagnostics, export)
    }

    /// The memo of a render whose markdown and link check are done: titles,
    /// the header, backlinks and fixes learned; no page rendered yet.
    fn memo(
        &self,
        index: LinkIndex,
        rendered: PageTable<Rendered>,
        checked: links::Checked,
        vocabulary: Option<search::Vocabulary>,
        terms: PageTable<Option<search::PageTerms>>,
    ) -> Memo {
        let titles: PageTable<String> = self
            .loaded
            .pages
            .ids()
            .map(|i| self.title(&rendered, i))
            .collect();
        let (header, nav_diagnostics) = super::navigation::header_links(self, &index);
        Memo {
            nav_diagnostics,
            index,
            learned: Learned {
                titles,
                backlinks: checked.backlinks,
                header,
                rendered,
                feeds: generated::feeds(self),
                tree_entries: generated::tree_entries(self),
            },
            fixes: checked.fixes,
            link_diagnostics: checked.diagnostics,
            template_diagnostics: self.loaded.template_diagnostics.clone(),
            page_errors: PageTable::filled(self.loaded.pages.len(), None),
            site_errors: Vec::new(),
            search_errors: Vec::new(),
            vocabulary,
            terms,
            fingerprints: PageTable::new(),
            inputs: PageTable::new(),
            world: Digest::default(),
        }
    }

    fn link_index(&self) -> LinkIndex {
        let tree = &self.loaded.tree;
        let entries = self.loaded.pages.enumerate().map(|(i, p)| PageEntry {
            source_path: (!p.generated).then_some(p.source_path.as_str()),
            section_folder: tree.section_of[i].map(|s| tree.sections[s].folder.as_str()),
            folder: p.folder(),
            url: &p.url,
        });
        LinkIndex::new(
            entries,
            &self.loaded.assets,
            self.loaded.drafts.iter().cloned(),
        )
        .with_generated(generated::folder_pages(self))
        .with_repository(self.repository())
    }

    /// Renders page `i`'s markdown, counting its search terms into
    /// `vocabulary` (when search is on); only excerpts of its text are kept.
    /// Without `html` the HTML is not kept, so code is not highlighted and
    /// images are not measured (neither changes anything else it returns).
    /// Records what it asked the link index and the image files
    /// ([`cache::Asked`]).
    fn markdown(
        &self,
        index: &LinkIndex,
        vocabulary: Option<&search::Vocabulary>,
        i: PageId,
        html: bool,
    ) -> Marked {
        let page = &self.loaded.pages[i];
        let options = markdown::Options {
            smart_punctuation: self.loaded.config.markdown.smart_punctuation,
            highlighter: (html && self.loaded.config.markdown.highlight)
                .then_some(&self.loaded.highlighter),
            collect_text: self.loaded.config.search,
            raw_html: self.loaded.config.markdown.raw_html,
        };
        let asked = std::cell::RefCell::new((cache::Asked::default(), Hasher::new()));
        let mut rendered = markdown::render(&page.source, page.body_start, options, &|dest| {
            let href = index.rewrite(i, dest);
            let (asked, answers) = &mut *asked.borrow_mut();
            asked.dests.push(dest.to_string());
            answers
                .part(dest.as_bytes())
                .maybe(href.as_deref().map(str::as_bytes));
            href
        });
        // Images of the handbook get their size, so the page does not shift
        // as they load.
        if html && rendered.html.contains("<img") {
            rendered.html = markdown::html::sized_images(&rendered.html, &|src| {
                let size = self.image_size(index, i, src);
                let (asked, answers) = &mut *asked.borrow_mut();
                asked.images.push(src.to_string());
                answers.part(src.as_bytes()).part(&size_bytes(size));
                size
            });
        }
        let (mut asked, answers) = asked.into_inner();
        asked.answers = answers.finish();
        let (title, facts) = self.search_facts(i, &rendered);
        // Search terms are counted while the page's text is at hand.
        let terms = vocabulary.filter(|_| !page.generated).map(|v| {
            let terms = v.count(&title, &facts, &rendered.sections);
            for section in &mut rendered.sections {
                section.text = search::excerpt(&section.text);
            }
            terms
        });
        Marked {
            rendered,
            terms,
            inputs: PageInputs {
                source: Digest::of(page.source.as_bytes()),
                asked,
                terms_key: terms_key(&title, &facts),
            },
        }
    }

    /// The digest of everything page contexts read besides each page's own
    /// markdown results and backlinks: every page's place, front matter,
    /// title and record, the model's relations, the tree, the header, the
    /// feeds, the history of every page, the surveys and "today". Settings,
    /// templates and the binary are the cache's key. Two renders with the same
    /// world give a page that kept its markdown results and backlinks the
    /// same context, so its fingerprint need not be worked out again (the
    /// live preview's edits rest on the same rule, and the build cache's
    /// property test checks it).
    fn world(&self, learned: &Learned) -> Digest {
        let loaded = &self.loaded;
        let model = &self.model.kinds;
        let history = loaded.history.as_ref();
        let per_page: PageTable<Digest> = loaded.pages.par_map(|i, page| {
            let mut h = Hasher::new();
            h.part(page.url.as_bytes())
                .part(page.source_path.as_bytes())
                .part(
                    page.source
                        .as_bytes()
                        .get(..page.body_start)
                        .unwrap_or_default(),
                )
                .part(&[u8::from(page.generated), u8::from(page.is_section_index)])
                .part(learned.titles[i].as_bytes())
                .debug(&model.pages[i])
                .debug(&history.and_then(|h| h.files.get(&page.source_path)));
            h.finish()
        });
        let mut h = Hasher::new();
        for digest in per_page.iter() {
            h.part(digest.as_bytes());
        }
        let graph = &model.adr_graph;
        for relation in [
            &graph.supersedes,
            &graph.superseded_by,
            &graph.amends,
            &graph.amended_by,
        ] {
            let mut pairs: Vec<_> = relation.iter().collect();
            pairs.sort_unstable();
            h.debug(&pairs);
        }
        h.debug(&model.team.as_ref().map(|t| (&t.people, &t.services)))
            .debug(&model.alerts)
            .debug(&model.open_actions)
            .debug(&self.model.decisions)
            .debug(&loaded.tree)
            .debug(&loaded.today)
            .debug(&loaded.health)
            .debug(&loaded.assets)
            .debug(&loaded.drafts)
            .debug(&learned.header)
            .debug(&learned.feeds)
            .debug(&learned.tree_entries)
            .debug(&history.map(|h| (h.recent.is_empty(), h.shallow, &h.prefix)))
            .debug(&self.source_links(""));
        h.finish()
    }

    /// The size of the image `src` on page `i`, when it is one of the
    /// handbook's files whose header says it.
    fn image_size(&self, index: &LinkIndex, i: PageId, src: &str) -> Option<(u32, u32)> {
        let path = asset_path(&self.loaded.pages[i].url, src)?;
        index
            .is_asset(&path)
            .then(|| image_size(&self.loaded.root.join(&path)))?
    }

    /// The digest of what page `i`'s markdown would ask now of what the
    /// cache says it asked ([`cache::Asked`]).
    fn ask_again(&self, index: &LinkIndex, i: PageId, asked: &cache::Asked) -> Digest {
        let mut answers = Hasher::new();
        for dest in &asked.dests {
            let href = index.rewrite(i, dest);
            answers
                .part(dest.as_bytes())
                .maybe(href.as_deref().map(str::as_bytes));
        }
        for src in &asked.images {
            let size = self.image_size(index, i, src);
            answers.part(src.as_bytes()).part(&size_bytes(size));
        }
        answers.finish()
    }

    /// The title and facts page `i`'s search terms are counted with.
    fn search_facts(&self, i: PageId, rendered: &Rendered) -> (String, search::Facts) {
        let page = &self.loaded.pages[i];
        let title = title_of(
            page,
            rendered,
            &self.loaded.config,
            self.model.kinds.kind(i),
        );
        let model = &self.model.kinds;
        let entry = &model.pages[i];
        let mut facts = search::Facts::default();
        views::of(entry.kind).search_facts(model, entry, &mut facts);
        page.front.tags.iter().for_each(|t| facts.about(t));
        facts.about(page.front.description.as_deref().unwrap_or_default());
        (title, facts)
    }

    /// Takes the cached pages that pages may reuse: same URL, file and
    /// source, and the same answers to what its markdown asked (links and
    /// images) and to what its terms were counted with.
    /// Cached terms must name ids of the vocabulary (`sizes`: its stems
    /// and forms) the cache came with.
    fn reusable(
        &self,
        index: &LinkIndex,
        previous: cache::Previous,
        sizes: Option<(usize, usize)>,
    ) -> PageTable<Option<cache::CachedPage>> {
        let found: PageTable<Option<usize>> = self.loaded.pages.par_map(|i, page| {
            let k = previous.find(&page.url)?;
            let cached = previous.pages.get(k)?;
            let counted = self.loaded.config.search && !page.generated;
            let same = cached.source_path == page.source_path
                && cached.terms.is_some() == counted
                && cached
                    .terms
                    .as_ref()
                    .is_none_or(|t| sizes.is_some_and(|(stems, forms)| t.fits(stems, forms)))
                && cached.inputs.source == Digest::of(page.source.as_bytes())
                && self.ask_again(index, i, &cached.inputs.asked) == cached.inputs.asked.answers
                && {
                    let (title, facts) = self.search_facts(i, &cached.rendered);
                    terms_key(&title, &facts) == cached.inputs.terms_key
                };
            same.then_some(k)
        });
        let mut slots: Vec<Option<cache::CachedPage>> =
            previous.pages.into_iter().map(Some).collect();
        found
            .iter()
            .map(|k| k.and_then(|k| slots.get_mut(k)?.take()))
            .collect()
    }

    fn title(&self, rendered: &PageTable<Rendered>, i: PageId) -> String {
        title_of(
            &self.loaded.pages[i],
            &rendered[i],
            &self.loaded.config,
            self.model.kinds.kind(i),
        )
    }

    fn check_links(&self, index: &LinkIndex, rendered: &PageTable<Rendered>) -> links::Checked {
        let anchors: PageTable<HashSet<String>> =
            rendered.par_map(|_, r| r.anchors.iter().cloned().collect());
        let checked: PageTable<links::CheckedPage<'_>> = self
            .loaded
            .pages
            .iter()
            .zip(rendered)
            .zip(anchors.iter())
            .map(|((page, r), anchors)| links::CheckedPage {
                source_path: &page.source_path,
                source: &page.source,
                links: &r.links,
                refused: &r.refused,
                problems: &r.problems,
                anchors,
            })
            .collect();
        links::check(index, &checked, self.loaded.config.broken_links)
    }

    /// Renders the site into `sink`. With `previous` (a build cache read
    /// back, and `sink` an in-place update of the output it describes), a
    /// page whose markdown inputs are unchanged reuses its cached results,
    /// and one whose template context and link fixes are unchanged too is
    /// not rendered at all: `sink` keeps its files.
    pub(super) fn render_all(
        &self,
        sink: &dyn Sink,
        progress: &dyn Progress,
        keep: Keep,
        previous: Option<cache::Previous>,
    ) -> (Rendering, Memo) {
        let mut timings = Vec::new();
        let t = Instant::now();
        let index = self.link_index();
        let previous_world = previous.as_ref().map(|p| p.world);
        let (vocabulary, cached) = match previous {
            Some(mut previous) if self.loaded.templates.is_some() => {
                let words = previous.words.take();
                // Cached terms name the cached vocabulary's ids.
                let vocabulary = match (self.loaded.config.search, words) {
                    (true, Some(words)) => search::Vocabulary::from_words(words).map(Some),
                    (false, None) => Some(None),
                    _ => None,
                };
                match vocabulary {
                    Some(vocabulary) => {
                        let sizes = vocabulary.as_ref().map(search::Vocabulary::sizes);
                        (vocabulary, self.reusable(&index, previous, sizes))
                    }
                    None => (None, PageTable::new()),
                }
            }
            _ => (None, PageTable::new()),
        };
        let vocabulary =
            vocabulary.or_else(|| self.loaded.config.search.then(search::Vocabulary::default));
        let mut cached: Vec<Option<cache::CachedPage>> = cached.into_iter().collect();
        cached.resize_with(self.loaded.pages.len(), || None);
        let results: Vec<(Marked, Option<Vouched>)> = cached
            .into_par_iter()
            .enumerate()
            .map(|(i, cached)| match cached {
                Some(c) => (
                    Marked {
                        rendered: c.rendered,
                        terms: c.terms,
                        inputs: c.inputs,
                    },
                    Some(Vouched {
                        fingerprint: c.fingerprint,
                        fixes: c.fixes,
                        backlinks: c.backlinks,
                    }),
                ),
                None => (
                    self.markdown(&index, vocabulary.as_ref(), PageId::new(i), true),
                    None,
                ),
            })
            .collect();
        let mut rendered = PageTable::new();
        let mut terms = PageTable::new();
        let mut inputs = PageTable::new();
        let mut reused = PageTable::new();
        // Each page's HTML is consumed by its own template below and freed on
        // the thread that used it, so it does not outlive the page.
        let mut bodies: Vec<Option<String>> = Vec::with_capacity(results.len());
        for (mut marked, was) in results {
            bodies.push(
                was.is_none()
                    .then(|| std::mem::take(&mut marked.rendered.html)),
            );
            rendered.push(marked.rendered);
            terms.push(marked.terms);
            inputs.push(marked.inputs);
            reused.push(was);
        }
        timings.push(("markdown", t.elapsed()));

        let t = Instant::now();
        let checked = self.check_links(&index, &rendered);
        for (body, fixes) in bodies.iter_mut().zip(checked.fixes.iter()) {
            if let Some(body) = body
                && !fixes.is_empty()
            {
                *body = links::apply_fixes(body, fixes);
            }
        }
        timings.push(("links", t.elapsed()));

        let t = Instant::now();
        let mut memo = self.memo(index, rendered, checked, vocabulary, terms);
        memo.inputs = inputs;
        let Some(templates) = &self.loaded.templates else {
            // Without templates there is nothing to render pages with.
            let rendering = Rendering {
                counts: Counts::default(),
                diagnostics: memo.diagnostics(),
                timings,
                rendered: 0,
            };
            return (rendering, memo);
        };
        let render = Renderer::new(self, &memo.learned, templates);
        let print = generated::PrintPlan::new(self);
        if keep == Keep::Cache {
            memo.world = self.world(&memo.learned);
        }
        // Fingerprints, where kept: a page the cache gave whose context shares
        // everything with the previous build's (the same world) and lists the
        // same backlinks has the same one; other pages the cache gave have
        // theirs worked out here, to tell whether they changed; the rest get
        // theirs as they render.
        let same_world = previous_world == Some(memo.world);
        let mut fingerprints: PageTable<Option<Digest>> = match keep {
            Keep::Nothing => PageTable::new(),
            _ => self.loaded.pages.par_map(|i, _| {
                let v = reused[i].as_ref()?;
                Some(
                    if same_world && v.backlinks == cache::backlinks(&memo.learned.backlinks[i]) {
                        v.fingerprint
                    } else {
                        render.fingerprint(i)
                    },
                )
            }),
        };
        // The pages to render: all of them, but for those the cache vouches
        // for whose context and fixes did not move and whose files the sink
        // keeps.
        let clean: PageTable<bool> = self.loaded.pages.par_map(|i, page| {
            let Some(vouched) = &reused[i] else {
                return false;
            };
            print.is_none()
                && fingerprints.get(i) == Some(&Some(vouched.fingerprint))
                && memo.fixes[i] == vouched.fixes
                && sink.keep(&crate::paths::page_file(&page.url))
                && (!self.loaded.config.markdown_copies
                    || page.generated
                    || sink.keep(&page.source_path))
        });
        let work: Vec<(PageId, Option<String>)> = self
            .loaded
            .pages
            .ids()
            .filter(|&i| !clean[i])
            .map(|i| (i, bodies[i.index()].take()))
            .collect();
        drop(bodies);
        let rendered_pages = work.len();
        progress.start(rendered_pages);
        // Thread time spent in the sink, to tell rendering from file-system cost.
        let writing_ns = AtomicU64::new(0);
        let want_fingerprint = |i: PageId| keep != Keep::Nothing && fingerprints[i].is_none();
        let results: Vec<(PageId, Written)> = work
            .into_par_iter()
            .map(|(i, body)| {
                // A page reused from the cache needs its HTML again.
                let body = body.unwrap_or_else(|| {
                    let html = self.markdown(&memo.index, None, i, true).rendered.html;
                    match memo.fixes.get(i) {
                        Some(fixes) if !fixes.is_empty() => links::apply_fixes(&html, fixes),
                        _ => html,
                    }
                });
                let print = print.as_ref().filter(|p| p.has(i));
                let mut written = self.write_page(
                    &render,
                    i,
                    &body,
                    (print.is_some(), want_fingerprint(i)),
                    sink,
                    &writing_ns,
                );
                written.article = print
                    .zip(written.article)
                    .map(|(p, a)| p.article(render.site, i, &a));
                progress.advance();
                (i, written)
            })
            .collect();
        let mut page_errors = PageTable::filled(self.loaded.pages.len(), None);
        let mut articles = PageTable::filled(self.loaded.pages.len(), None);
        for (i, written) in results {
            page_errors[i] = written.error;
            articles[i] = written.article;
            if let (Some(slot), Some(f)) = (fingerprints.get_mut(i), written.fingerprint) {
                *slot = Some(f);
            }
        }
        if keep != Keep::Nothing {
            memo.fingerprints = fingerprints.iter().map(|f| f.unwrap_or_default()).collect();
        }
        timings.push(("pages", t.elapsed()));
        let threads = u64::try_from(rayon::current_num_threads())
            .unwrap_or(1)
            .max(1);
        let writing = Duration::from_nanos(writing_ns.into_inner() / threads);
        timings.push(("└ of which file writes, per thread", writing));

        // The site's own files and the search index, side by side.
        let t = Instant::now();
        let site_files = || {
            let mut site_errors: Vec<Diagnostic> = self
                .loaded
                .assets
                .par_iter()
                .filter_map(|a| {
                    sink.copy(&self.loaded.root.join(a), a)
                        .err()
                        .map(|e| write_error(a, &e))
                })
                .collect();
            site_errors.extend(generated::write(&render, sink));
            if let Some(print) = &print {
                site_errors.extend(print.write(&render, &articles, sink));
            }
            site_errors
        };
        let ((site_errors, site_time), (search_errors, search_time)) = rayon::join(
            || (site_files(), t.elapsed()),
            || (self.search_files(&memo, sink), t.elapsed()),
        );
        drop(articles);
        timings.push(("assets and site files", site_time));
        if self.loaded.config.search {
            timings.push(("search index, alongside", search_time));
        }
        memo.page_errors = page_errors;
        memo.site_errors = site_errors;
        memo.search_errors = search_errors;
        if keep == Keep::Nothing {
            // A build keeps nothing: let the rest go before the caller
            // reports, as the index held the largest part of it.
            memo.terms = PageTable::new();
        }
        let rendering = Rendering {
            counts: Counts {
                pages: self.loaded.pages.len(),
                assets: self.loaded.assets.len(),
            },
            diagnostics: memo.diagnostics(),
            timings,
            rendered: rendered_pages,
        };
        (rendering, memo)
    }

    /// Renders page `i` and writes it; returns the failure, if any, its
    /// article alone when `want.0` (for the whole-handbook document) and its
    /// fingerprint when `want.1`.
    fn write_page(
        &self,
        render: &Renderer<'_>,
        i: PageId,
        body: &str,
        want: (bool, bool),
        sink: &dyn Sink,
        writing_ns: &AtomicU64,
    ) -> Written {
        let url = &self.loaded.pages[i].url;
        let mut fingerprint = Digest::default();
        let made = render.page(i, body, want.0, want.1.then_some(&mut fingerprint));
        let fingerprint = want.1.then_some(fingerprint);
        let (html, article) = match made {
            Ok(made) => made,
            Err(d) => {
                return Written {
                    error: Some(d),
                    article: None,
                    fingerprint,
                };
            }
        };
        let started = Instant::now();
        let mut written = sink
            .write(&crate::paths::page_file(url), html.as_bytes())
            .map_err(|e| write_error(url, &e));
        let page = &self.loaded.pages[i];
        if self.loaded.config.markdown_copies && !page.generated && written.is_ok() {
            let copy = super::generated::markdown_copy(page, &render.titles[i]);
            written = sink
                .write(&page.source_path, copy.as_bytes())
                .map_err(|e| write_error(&page.source_path, &e));
        }
        let ns = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        writing_ns.fetch_add(ns, Ordering::Relaxed);
        Written {
            error: written.err(),
            article,
            fingerprint,
        }
    }

    /// Writes the search index from the memo's counted terms (nothing when
    /// search is off). A live preview calls it after sending the reload.
    pub fn write_search(&self, memo: &mut Memo, sink: &dyn Sink) {
        memo.search_errors = self.search_files(memo, sink);
    }

    /// [`Site::write_search`]'s work; returns the files it could not write.
    fn search_files(&self, memo: &Memo, sink: &dyn Sink) -> Vec<Diagnostic> {
        let Some(vocabulary) = &memo.vocabulary else {
            return Vec::new();
        };
        let sections: PageTable<&[markdown::TextSection]> =
            memo.learned.rendered.map(|r| r.sections.as_slice());
        let mut docs = search_documents(self, &memo.learned.titles, &sections);
        let mut counted: Vec<&search::PageTerms> = memo.terms.iter().flatten().collect();
        // Person pages are found by handle, name, role and contact.
        let people: Vec<(&crate::kinds::people::Person, String, search::PageTerms)> = self
            .model
            .kinds
            .team
            .iter()
            .flat_map(|team| &team.people)
            .map(|person| {
                let mut facts = search::Facts::default();
                facts.name(&person.handle);
                person
                    .role
                    .iter()
                    .chain(&person.contact)
                    .for_each(|f| facts.about(f));
                let terms = vocabulary.count(&person.name, &facts, &[]);
                (person, super::reserved::person_url(&person.handle), terms)
            })
            .collect();
        for (person, url, terms) in &people {
            docs.push(search::Document {
                url,
                title: &person.name,
                kind: "person",
                date: None,
                facets: vec![("kind", "person".to_string())],
                sections: &[],
            });
            counted.push(terms);
        }
        let failed = Mutex::new(Vec::new());
        search::write(vocabulary, &docs, &counted, &|path, bytes| {
            if let Err(e) = sink.write(path, bytes) {
                failed
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .push(write_error(path, &e));
            }
        });
        failed.into_inner().unwrap_or_else(|p| p.into_inner())
    }

    /// Applies edits of existing pages (`(index, the page as read now)`) and
    /// writes to `sink` exactly the files whose contents change; the memo ends
    /// as a full render would leave it. The search index is left for
    /// [`Site::write_search`], so a preview can reload first.
    #[allow(clippy::string_slice)] // `body_start` is where `split` found the end of the front matter
    pub fn apply_edits(
        &mut self,
        memo: &mut Memo,
        edits: Vec<(PageId, Page)>,
        sink: &dyn Sink,
    ) -> Result<Update, NeedsReload> {
        let settings = self.loaded.kind_settings();
        let team = self.model.kinds.team.as_ref();
        let mut model_changed = false;
        let mut front_changed = false;
        for (i, new) in &edits {
            let old = self
                .loaded
                .pages
                .get(*i)
                .ok_or_else(|| NeedsReload::Structure(new.source_path.clone()))?;
            if !same_structure(old, new) {
                return Err(NeedsReload::Structure(new.source_path.clone()));
            }
            front_changed |= old.source[..old.body_start] != new.source[..new.body_start];
            model_changed |=
                kinds::fingerprint(old, settings, team) != kinds::fingerprint(new, settings, team);
        }
        let changed: Vec<PageId> = edits.iter().map(|(i, _)| *i).collect();
        for (i, page) in edits {
            self.loaded.pages[i] = page;
        }
        if model_changed {
            let outputs = generated::files(self);
            self.rebuild_model();
            // The tracker and people pages exist only while there are
            // reviews and a team: a change there is a change of structure.
            if generated::files(self) != outputs {
                return Err(NeedsReload::Structure("generated pages".into()));
            }
        }
        let Some(templates) = &self.loaded.templates else {
            return Err(NeedsReload::Structure("templates".into()));
        };
        Ok(self.apply_with(
            memo,
            templates,
            &changed,
            model_changed || front_changed,
            sink,
        ))
    }

    fn apply_with(
        &self,
        memo: &mut Memo,
        templates: &Templates,
        changed: &[PageId],
        context_may_change: bool,
        sink: &dyn Sink,
    ) -> Update {
        let mut bodies: Vec<(PageId, String)> = Vec::new();
        let mut title_changed = false;
        for &i in changed {
            let Marked {
                mut rendered,
                terms,
                inputs,
            } = self.markdown(&memo.index, memo.vocabulary.as_ref(), i, true);
            bodies.push((i, std::mem::take(&mut rendered.html)));
            memo.learned.rendered[i] = rendered;
            memo.terms[i] = terms;
            if let Some(slot) = memo.inputs.get_mut(i) {
                *slot = inputs;
            }
            let title = self.title(&memo.learned.rendered, i);
            title_changed |= title != memo.learned.titles[i];
            memo.learned.titles[i] = title;
        }
        let checked = self.check_links(&memo.index, &memo.learned.rendered);
        let old_backlinks = std::mem::replace(&mut memo.learned.backlinks, checked.backlinks);
        let old_fixes = std::mem::replace(&mut memo.fixes, checked.fixes);
        memo.link_diagnostics = checked.diagnostics;
        // A heading renamed elsewhere can change the href a page must correct.
        let refixed = self
            .loaded
            .pages
            .ids()
            .filter(|&i| old_fixes.get(i) != memo.fixes.get(i));
        let general = context_may_change || title_changed;
        memo.learned.feeds = generated::feeds(self);
        if general {
            // The header names the charter and the channel guide by their
            // kind and title, and the tree lists records: a page that stops
            // being the charter leaves both.
            let (header, nav_diagnostics) = super::navigation::header_links(self, &memo.index);
            memo.learned.header = header;
            memo.nav_diagnostics = nav_diagnostics;
            memo.learned.tree_entries = generated::tree_entries(self);
        }
        let render = Renderer::new(self, &memo.learned, templates);
        // Which pages' output may differ: the edited ones, and those whose
        // template context moved. An edit that keeps the page's title, front
        // matter and records can only move the backlinks of pages it links to.
        let mut todo: Vec<PageId> = if general {
            let now: PageTable<Digest> = self.loaded.pages.par_map(|i, _| render.fingerprint(i));
            // A memo kept without fingerprints (`render`) moves every page.
            let moved = self
                .loaded
                .pages
                .ids()
                .filter(|&i| memo.fingerprints.get(i) != Some(&now[i]));
            let list = moved
                .chain(refixed)
                .chain(changed.iter().copied())
                .collect();
            memo.fingerprints = now;
            list
        } else {
            let moved = self
                .loaded
                .pages
                .ids()
                .filter(|&i| old_backlinks[i] != memo.learned.backlinks[i]);
            let list: Vec<PageId> = moved
                .chain(refixed)
                .chain(changed.iter().copied())
                .collect();
            for &i in &list {
                if let Some(slot) = memo.fingerprints.get_mut(i) {
                    *slot = render.fingerprint(i);
                }
            }
            list
        };
        todo.sort_unstable();
        todo.dedup();
        // Pages rendered again for their context need their markdown again
        // (HTML is not kept); its results are what the memo already holds.
        let writing_ns = AtomicU64::new(0);
        let errors: Vec<(PageId, Option<Diagnostic>)> = todo
            .par_iter()
            .map(|&i| {
                let body = match bodies.iter().find(|(b, _)| *b == i) {
                    Some((_, body)) => body.clone(),
                    None => self.markdown(&memo.index, None, i, true).rendered.html,
                };
                let body = match memo.fixes.get(i) {
                    Some(fixes) if !fixes.is_empty() => links::apply_fixes(&body, fixes),
                    _ => body,
                };
                (
                    i,
                    self.write_page(&render, i, &body, (false, false), sink, &writing_ns)
                        .error,
                )
            })
            .collect();
        for (i, error) in errors {
            memo.page_errors[i] = error;
        }
        if general {
            // Site files and aggregate pages list titles and records; they
            // are few and cheap, so they are written again whole.
            let mut site_errors: Vec<Diagnostic> = memo
                .site_errors
                .iter()
                .filter(|d| self.loaded.assets.contains(&d.path))
                .cloned()
                .collect();
            site_errors.extend(generated::write(&render, sink));
            memo.site_errors = site_errors;
        } else if !changed.is_empty() {
            // The exports hold every page's markdown and headings.
            for d in generated::write_one(&generated::Exports, &render, sink) {
                if !memo.site_errors.contains(&d) {
                    memo.site_errors.push(d);
                }
            }
        }
        Update {
            pages: todo.len(),
            search_stale: memo.vocabulary.is_some(),
        }
    }
}

/// What the search index is built from: every page written from a source (the
/// pages whose terms were counted), with its excerpts and filter values (kind,
/// ADR status, runbook service and owner, tags). Takes the excerpts on their own so
/// the rendered HTML can be freed before the index is built.
fn search_documents<'a>(
    site: &'a Site,
    titles: &'a PageTable<String>,
    sections: &PageTable<&'a [crate::markdown::TextSection]>,
) -> Vec<crate::search::Document<'a>> {
    let model = &site.model.kinds;
    site.loaded
        .pages
        .enumerate()
        .filter(|(_, page)| !page.generated)
        .map(|(i, page)| {
            let kind = model.kind(i).name();
            let mut facets = vec![("kind", kind.to_string())];
            let entry = &model.pages[i];
            views::of(entry.kind).facets(entry, &mut facets);
            facets.extend(page.front.tags.iter().map(|t| ("tag", t.clone())));
            crate::search::Document {
                url: &page.url,
                title: &titles[i],
                kind,
                date: page.front.date.as_ref().map(|d| d.as_str()),
                facets,
                sections: sections.get(i).copied().unwrap_or_default(),
            }
        })
        .collect()
}

/// True when `new` is the same page as `old` as far as the site's structure
/// goes: the same file, URL, place in its section, aliases and draft state.
fn same_structure(old: &Page, new: &Page) -> bool {
    old.source_path == new.source_path
        && old.url == new.url
        && old.is_section_index == new.is_section_index
        && old.front.weight == new.front.weight
        && old.front.aliases == new.front.aliases
        && old.front.draft == new.front.draft
}

/// The handbook path of the local file `src` points at from the page at
/// `from` (a folder URL), if it is one.
fn asset_path(from: &str, src: &str) -> Option<String> {
    if src.is_empty() || src.starts_with('/') || markdown::is_external(src) {
        return None;
    }
    let path = src.split(['?', '#']).next().unwrap_or_default();
    let path = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    crate::paths::normalize(from.trim_end_matches('/'), &path)
}

/// The size an image file draws at, read from its header (an SVG's root).
fn image_size(path: &std::path::Path) -> Option<(u32, u32)> {
    let is_svg = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if is_svg {
        use std::io::Read as _;
        // The root element is at the start; a large drawing is not read whole.
        let mut head = Vec::new();
        std::fs::File::open(path)
            .ok()?
            .take(64 * 1024)
            .read_to_end(&mut head)
            .ok()?;
        return markdown::html::svg_size(&String::from_utf8_lossy(&head));
    }
    let size = imagesize::size(path).ok()?;
    Some((
        u32::try_from(size.width).ok()?,
        u32::try_from(size.height).ok()?,
    ))
}
