//! What `render` keeps while it walks a page's events: the collected results,
//! heading and HTML-block buffers, and how links, raw HTML, headings and code
//! blocks are turned into output.

use super::*;

pub(super) struct State<'o> {
    pub(super) options: Options<'o>,
    pub(super) out: Rendered,
    pub(super) slugs: slug::Slugger,
    /// Diagrams drawn so far (each one's SVG ids are numbered).
    pub(super) diagrams: usize,
}

/// A fenced (or indented) code block being read.
pub(super) struct CodeBuffer {
    pub(super) lang: Option<String>,
    pub(super) title: Option<String>,
    /// The lines to mark, as written: `{2,4-5}` or `hl_lines="2 4-5"`.
    pub(super) marks: Option<String>,
    /// The fence's first line, in the file.
    pub(super) span: Range<usize>,
    pub(super) text: String,
}

impl CodeBuffer {
    pub(super) fn new(info: &str, span: Range<usize>) -> Self {
        let first = info.split_whitespace().next().unwrap_or_default();
        // `js{1,3}` is written too: the language ends where the braces start.
        let lang = first.split('{').next().unwrap_or_default();
        let lang = (!lang.is_empty() && !lang.contains('=')).then(|| lang.to_string());
        Self {
            lang,
            title: attribute(info, "title"),
            marks: line_marks_spec(info),
            span,
            text: String::new(),
        }
    }
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

    /// A code block: highlighted when its language is known, with the
    /// lines the info string names marked (` ```sh {2,4-5} `), under its
    /// title when it gives one (` ```sh title="promote.sh" `). A
    /// ` ```mermaid ` block is drawn as a diagram when it can be.
    pub(super) fn code_block(&mut self, block: CodeBuffer) -> String {
        if block.lang.as_deref() == Some("mermaid")
            && let Some(figure) = self.diagram(&block)
        {
            return figure;
        }
        let marks = match &block.marks {
            Some(spec) => self.line_marks(spec, &block),
            None => Vec::new(),
        };
        let html = self.plain_code_block(block.lang.as_deref(), &block.text, &marks);
        match &block.title {
            Some(title) => format!(
                "<figure class=\"code-block\"><figcaption class=\"code-title\">{}</figcaption>\n{html}</figure>\n",
                escape(title)
            ),
            None => html,
        }
    }

    fn plain_code_block(&self, lang: Option<&str>, text: &str, marks: &[bool]) -> String {
        let highlighted = lang.and_then(|lang| {
            let h = self.options.highlighter?.highlight_spans(text, lang)?;
            Some((lang, h))
        });
        let (open, inner) = match (lang, highlighted) {
            (_, Some((lang, inner))) => {
                let lang = escape(lang);
                (
                    format!(
                        "<pre class=\"code highlight\" data-lang=\"{lang}\"><code class=\"language-{lang}\">"
                    ),
                    inner,
                )
            }
            #[cfg(not(feature = "diagrams"))]
            (Some("mermaid"), None) => {
                return format!("<pre class=\"mermaid\">{}</pre>\n", escape(text));
            }
            (Some(lang), None) => (
                format!(
                    "<pre class=\"code\"><code class=\"language-{}\">",
                    escape(lang)
                ),
                escape(text),
            ),
            (None, None) => ("<pre class=\"code\"><code>".to_string(), escape(text)),
        };
        let inner = if !marks.contains(&true) {
            inner
        } else {
            mark_lines(&inner, marks)
        };
        format!("{open}{inner}</code></pre>\n")
    }

    /// Whether each line (from 1; index 0 unused) is one `spec` names; what
    /// is not a line of the block is reported and left out. Linear in the
    /// lines and the ranges, however they overlap.
    fn line_marks(&mut self, spec: &str, block: &CodeBuffer) -> Vec<bool> {
        let lines = block.text.lines().count();
        // +1 where a range starts, -1 after it ends; the running sum marks.
        let mut edges = vec![0i64; lines + 2];
        let mut wrong = Vec::new();
        for part in spec.split(|c: char| c == ',' || c.is_whitespace()) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let range = match part.split_once('-') {
                Some((a, b)) => a
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .zip(b.trim().parse::<usize>().ok()),
                None => part.parse::<usize>().ok().map(|n| (n, n)),
            };
            match range {
                Some((a, b)) if 1 <= a && a <= b && b <= lines => {
                    edges[a] += 1;
                    edges[b + 1] -= 1;
                }
                _ => wrong.push(part.to_string()),
            }
        }
        if !wrong.is_empty() {
            self.out.problems.push(Problem {
                code: crate::diagnostics::Code::InvalidValue,
                span: block.span.clone(),
                message: format!(
                    "lines to mark `{}` are not lines of this {lines}-line block",
                    wrong.join(", ")
                ),
                help: format!("name lines from 1 to {lines}, as `{{2,4-5}}`"),
            });
        }
        let mut depth = 0;
        edges
            .iter()
            .take(lines + 1)
            .map(|e| {
                depth += e;
                depth > 0
            })
            .collect()
    }

    /// A ` ```mermaid ` block drawn as SVG for light and dark, its source
    /// kept under it; `None` (reported) when it cannot be drawn, so it
    /// shows as source.
    #[cfg(feature = "diagrams")]
    fn diagram(&mut self, block: &CodeBuffer) -> Option<String> {
        self.diagrams += 1;
        let id = format!("diagram-{}", self.diagrams);
        let drawn = match diagram::draw(&block.text, &id) {
            Ok(drawn) => drawn,
            Err(refused) => {
                let (code, message, help) = match refused {
                    diagram::Refused::Invalid(why) => (
                        crate::diagnostics::Code::InvalidDiagram,
                        format!("this Mermaid diagram cannot be drawn: {why}"),
                        "the block is shown as source until it reads as a Mermaid diagram".to_string(),
                    ),
                    diagram::Refused::Unsafe(what) => (
                        crate::diagnostics::Code::UnsafeUrl,
                        format!("this Mermaid diagram would put {what} in the page"),
                        "it is shown as source; a diagram's labels and links cannot run script or load from elsewhere".to_string(),
                    ),
                };
                self.out.problems.push(Problem {
                    code,
                    span: block.span.clone(),
                    message,
                    help,
                });
                return None;
            }
        };
        let caption = block
            .title
            .as_ref()
            .map(|t| {
                format!(
                    "<figcaption class=\"diagram-title\">{}</figcaption>\n",
                    escape(t)
                )
            })
            .unwrap_or_default();
        Some(format!(
            "<figure class=\"diagram\">\n{caption}<div class=\"diagram-light\">{}</div>\n<div class=\"diagram-dark\">{}</div>\n<details class=\"diagram-source\"><summary>Diagram source</summary>\n<pre class=\"code\"><code class=\"language-mermaid\">{}</code></pre>\n</details>\n</figure>\n",
            drawn.light,
            drawn.dark,
            escape(&block.text)
        ))
    }

    #[cfg(not(feature = "diagrams"))]
    fn diagram(&mut self, _block: &CodeBuffer) -> Option<String> {
        None
    }
}

/// The value of `name="…"` (or `name=word`) in a fenced block's info string.
fn attribute(info: &str, name: &str) -> Option<String> {
    let (_, rest) = info.split_once(&format!("{name}="))?;
    let value = match rest.strip_prefix('"') {
        Some(quoted) => quoted.split_once('"').map_or(quoted, |(t, _)| t),
        None => rest.split_whitespace().next().unwrap_or_default(),
    };
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// The lines to mark as the info string writes them: `{2,4-5}` (as
/// Docusaurus and VitePress read it) or `hl_lines="2 4-5"` (Zola, MkDocs).
fn line_marks_spec(info: &str) -> Option<String> {
    if let Some(spec) = attribute(info, "hl_lines") {
        return Some(spec);
    }
    let (_, rest) = info.split_once('{')?;
    let (spec, _) = rest.split_once('}')?;
    // `{.class #id}` attribute lists are not lines; `{2,x}` is, written wrong.
    spec.trim_start()
        .starts_with(|c: char| c.is_ascii_digit())
        .then(|| spec.to_string())
}

/// `inner` (escaped code, perhaps with syntect's `<span>`s) with the lines
/// `marks` says (by line number) each wrapped in `<mark class="code-line">`. Spans open across
/// a marked line's edge are closed before it and opened again inside, so
/// the markup stays nested.
fn mark_lines(inner: &str, marks: &[bool]) -> String {
    let marked = |line: usize| marks.get(line).copied().unwrap_or(false);
    let mut out = String::with_capacity(inner.len() + inner.len() / 4);
    let mut open: Vec<&str> = Vec::new();
    let mut line = 1;
    let mut at_line_start = true;
    let mut in_mark = false;
    // Spans closed at the end of a marked line and not yet opened again.
    let mut closed = false;
    let close_all = |out: &mut String, open: &[&str]| {
        for _ in open {
            out.push_str("</span>");
        }
    };
    let start_line =
        |out: &mut String, open: &[&str], line: usize, in_mark: &mut bool, closed: &mut bool| {
            if marked(line) {
                if !*closed {
                    close_all(out, open);
                }
                out.push_str("<mark class=\"code-line\">");
                *in_mark = true;
                *closed = true;
            }
            if *closed {
                open.iter().for_each(|tag| out.push_str(tag));
                *closed = false;
            }
        };
    let mut rest = inner;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("</span>") {
            if !closed {
                out.push_str("</span>");
            }
            open.pop();
            rest = after;
            continue;
        }
        if rest.starts_with("<span") {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let (tag, after) = rest.split_at(end);
            if at_line_start {
                start_line(&mut out, &open, line, &mut in_mark, &mut closed);
                at_line_start = false;
            }
            out.push_str(tag);
            open.push(tag);
            rest = after;
            continue;
        }
        // Text up to the next tag or the end of the line.
        let end = rest.find(['<', '\n']).map_or(rest.len(), |i| {
            if rest.as_bytes().get(i) == Some(&b'\n') {
                i + 1
            } else {
                i.max(1)
            }
        });
        let (text, after) = rest.split_at(end);
        rest = after;
        if at_line_start {
            start_line(&mut out, &open, line, &mut in_mark, &mut closed);
            at_line_start = false;
        }
        match text.strip_suffix('\n') {
            Some(text) => {
                out.push_str(text);
                if in_mark {
                    close_all(&mut out, &open);
                    out.push_str("\n</mark>");
                    in_mark = false;
                    closed = true;
                } else {
                    out.push('\n');
                }
                line += 1;
                at_line_start = true;
            }
            None => out.push_str(text),
        }
    }
    if in_mark {
        if !closed {
            close_all(&mut out, &open);
        }
        out.push_str("</mark>");
    }
    out
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
