//! What `render` keeps while it walks a page's events: the collected results,
//! heading and HTML-block buffers, and how links, raw HTML, headings and code
//! blocks are turned into output.

use super::*;

pub(super) struct State<'o> {
    pub(super) options: Options<'o>,
    pub(super) out: Rendered,
    pub(super) slugs: slug::Slugger,
}

/// The lines of an HTML block, and where each starts in the body.
#[derive(Default)]
pub(super) struct HtmlBlock {
    pub(super) text: String,
    /// (offset in `text`, offset in the body) of each line.
    pub(super) pieces: Vec<(usize, usize)>,
}

/// The body offset of offset `at` in text made of `pieces` (see [`HtmlBlock`]).
pub(super) fn body_offset(pieces: &[(usize, usize)], at: usize) -> usize {
    let i = pieces.partition_point(|&(start, _)| start <= at);
    match i.checked_sub(1).and_then(|i| pieces.get(i)) {
        Some(&(start, body)) => body + (at - start),
        None => at,
    }
}

pub(super) struct HeadingBuffer<'a> {
    pub(super) level: HeadingLevel,
    pub(super) explicit_id: Option<String>,
    pub(super) classes: Vec<String>,
    pub(super) attrs: Vec<(String, Option<String>)>,
    pub(super) events: Vec<Event<'a>>,
    pub(super) text: String,
    /// The text GitHub makes the id from: as written where smart
    /// punctuation changed it (`--`, not `–`).
    pub(super) slug_text: String,
    pub(super) is_title: bool,
}

impl State<'_> {
    /// Adds plain text to the current section, when text is collected.
    pub(super) fn text(&mut self, text: &str) {
        if self.options.collect_text {
            self.section().push(text);
        }
    }

    /// Adds a separator to the current section's text, when text is collected.
    pub(super) fn space(&mut self) {
        if self.options.collect_text {
            self.section().space();
        }
    }

    /// The section text is currently added to.
    pub(super) fn section(&mut self) -> &mut TextSection {
        if self.out.sections.is_empty() {
            self.out.sections.push(TextSection::default());
        }
        let last = self.out.sections.len() - 1;
        &mut self.out.sections[last]
    }

    /// Records a link whose URL could run script, and says so.
    pub(super) fn refuse(
        &mut self,
        body: &str,
        body_start: usize,
        range: &Range<usize>,
        dest: &str,
        image: bool,
    ) -> bool {
        if !is_script_url(dest, image) {
            return false;
        }
        let span = destination_span(body, range, dest);
        self.out.refused.push(Link {
            dest: dest.to_string(),
            span: (span.start + body_start)..(span.end + body_start),
        });
        true
    }

    pub(super) fn link<'a>(
        &mut self,
        body: &str,
        body_start: usize,
        range: &Range<usize>,
        dest: CowStr<'a>,
        rewrite: &dyn Fn(&str) -> Option<String>,
    ) -> CowStr<'a> {
        if dest.is_empty() || is_external(&dest) {
            return dest;
        }
        let span = destination_span(body, range, &dest);
        self.out.links.push(Link {
            dest: dest.to_string(),
            span: (span.start + body_start)..(span.end + body_start),
        });
        match rewrite(&dest) {
            Some(href) => href.into(),
            None => dest,
        }
    }

    /// Raw HTML made of `pieces` of the body: its ids become anchors, its
    /// internal URLs are recorded and rewritten like markdown links.
    pub(super) fn raw_html(
        &mut self,
        body_start: usize,
        pieces: &[(usize, usize)],
        html: &str,
        rewrite: &dyn Fn(&str) -> Option<String>,
    ) -> String {
        let scan = html::scan(html);
        self.out.anchors.extend(scan.ids);
        // Replacements of attribute values, in order: (range in `html`, new text).
        let mut replaced: Vec<(Range<usize>, String)> = Vec::new();
        for attribute in &scan.attributes {
            // The new value, escaped: rewritten URLs as hrefs, the rest
            // (a srcset's descriptors) as attribute text.
            let mut value = String::with_capacity(attribute.value.len());
            let mut at = 0;
            let mut changed = false;
            for url in &attribute.urls {
                let dest = attribute.text(url);
                if dest.is_empty() || is_external(dest) {
                    continue;
                }
                let start = body_offset(pieces, url.span.start) + body_start;
                let end = body_offset(pieces, url.span.end) + body_start;
                self.out.links.push(Link {
                    dest: dest.to_string(),
                    span: start..end,
                });
                if let Some(href) = rewrite(dest) {
                    let before = attribute.value.get(at..url.in_value.start);
                    let _ =
                        pulldown_cmark_escape::escape_html(&mut value, before.unwrap_or_default());
                    let _ = pulldown_cmark_escape::escape_href(&mut value, &href);
                    at = url.in_value.end;
                    changed = true;
                }
            }
            if changed {
                let rest = attribute.value.get(at..).unwrap_or_default();
                let _ = pulldown_cmark_escape::escape_html(&mut value, rest);
                replaced.push((attribute.span.clone(), value));
            }
        }
        if replaced.is_empty() {
            return html.to_string();
        }
        let mut out = String::with_capacity(html.len() + 16 * replaced.len());
        let mut at = 0;
        for (range, text) in replaced {
            out.push_str(html.get(at..range.start).unwrap_or_default());
            out.push_str(&text);
            at = range.end;
        }
        out.push_str(html.get(at..).unwrap_or_default());
        out
    }

    pub(super) fn heading<'a>(&mut self, h: HeadingBuffer<'a>, events: &mut VecDeque<Event<'a>>) {
        let id = match h.explicit_id {
            Some(id) => self.slugs.reserve(id),
            None => self.slugs.slug(&h.slug_text),
        };
        self.out.anchors.push(id.clone());
        if h.is_title {
            self.out.title = Some(h.text.trim().to_string());
            self.out.title_id = Some(id);
            return;
        }
        if self.options.collect_text {
            self.out.sections.push(TextSection {
                id: Some(id.clone()),
                heading: h.text.trim().to_string(),
                text: String::new(),
            });
        }
        let level = h.level as u8;
        if (2..=4).contains(&level) {
            self.out.toc.push(TocEntry {
                level,
                id: id.clone(),
                title: h.text.trim().to_string(),
            });
        }
        let mut open = format!("<h{level} id=\"{}\"", escape(&id));
        if !h.classes.is_empty() {
            open.push_str(&format!(" class=\"{}\"", escape(&h.classes.join(" "))));
        }
        for (k, v) in &h.attrs {
            match v {
                Some(v) => open.push_str(&format!(" {}=\"{}\"", escape(k), escape(v))),
                None => open.push_str(&format!(" {}", escape(k))),
            }
        }
        open.push('>');
        events.push_back(Event::Html(open.into()));
        events.extend(h.events);
        events.push_back(Event::Html(
            format!(
                "<a class=\"anchor\" href=\"#{}\" aria-label=\"Link to this section\">#</a></h{level}>\n",
                escape(&id)
            )
            .into(),
        ));
    }

    /// A code block: highlighted when its language is known, under its
    /// title when the info string gives one (` ```sh title="promote.sh" `).
    pub(super) fn code_block(&self, lang: Option<&str>, title: Option<&str>, text: &str) -> String {
        let block = self.plain_code_block(lang, text);
        match title {
            Some(title) if lang != Some("mermaid") => format!(
                "<figure class=\"code-block\"><figcaption class=\"code-title\">{}</figcaption>\n{block}</figure>\n",
                escape(title)
            ),
            _ => block,
        }
    }

    fn plain_code_block(&self, lang: Option<&str>, text: &str) -> String {
        match lang {
            Some("mermaid") => format!("<pre class=\"mermaid\">{}</pre>\n", escape(text)),
            Some(lang) => self
                .options
                .highlighter
                .and_then(|h| h.highlight(text, lang))
                .unwrap_or_else(|| {
                    format!(
                        "<pre class=\"code\"><code class=\"language-{}\">{}</code></pre>\n",
                        escape(lang),
                        escape(text)
                    )
                }),
            None => format!("<pre class=\"code\"><code>{}</code></pre>\n", escape(text)),
        }
    }
}

/// The `title="…"` (or `title=word`) of a fenced block's info string.
pub(super) fn code_title(info: &str) -> Option<String> {
    let (_, rest) = info.split_once("title=")?;
    let title = match rest.strip_prefix('"') {
        Some(quoted) => quoted.split_once('"').map_or(quoted, |(t, _)| t),
        None => rest.split_whitespace().next().unwrap_or_default(),
    };
    let title = title.trim();
    (!title.is_empty()).then(|| title.to_string())
}

/// `text` as the author wrote it, when smart punctuation made it: a
/// curly quote, dash or ellipsis comes back as the `'`, `"`, `--` or `...`
/// it was made from. Entities (`&#32;`) and everything else stay decoded.
pub(super) fn as_written<'t>(body: &'t str, range: &Range<usize>, text: &'t str) -> &'t str {
    let smart = matches!(
        text,
        "\u{2013}" | "\u{2014}" | "\u{2018}" | "\u{2019}" | "\u{201c}" | "\u{201d}" | "\u{2026}"
    );
    match body.get(range.clone()) {
        Some(source) if smart && source.chars().all(|c| matches!(c, '\'' | '"' | '-' | '.')) => {
            source
        }
        _ => text,
    }
}

/// Where a link's destination is written: its text when it is written
/// inline, else the whole link.
pub(super) fn destination_span(body: &str, range: &Range<usize>, dest: &str) -> Range<usize> {
    body.get(range.clone())
        .and_then(|text| text.rfind(dest))
        .map_or(range.clone(), |i| {
            (range.start + i)..(range.start + i + dest.len())
        })
}

/// Keeps safe tags and attributes of a rendered body (raw HTML included),
/// with the attributes this renderer writes itself (ids, classes, roles
/// and labels of headings, alerts and highlighted code).
pub(super) fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["id", "class", "role", "aria-label", "aria-hidden"])
        .rm_clean_content_tags(["style"])
        .clean(html)
        .to_string()
}

pub(super) fn alert(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}
