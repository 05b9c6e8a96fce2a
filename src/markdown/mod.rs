//! Markdown → HTML for one page: [`render`] returns the HTML and everything the
//! later stages need from it (title, heading anchors, table of contents, the
//! links the page makes, with their positions in the file).
//!
//! It rewrites link destinations through a caller-supplied function, so it never
//! needs to know the site; it does not decide whether a link is broken (that is
//! `links`' job, done once every page's anchors are known).

#[cfg(feature = "diagrams")]
mod diagram;
mod highlight;
pub mod html;
pub mod slug;

use std::collections::VecDeque;
use std::ops::Range;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options as ParserOptions,
    Parser, Tag, TagEnd,
};
use serde::{Deserialize, Serialize};

pub use highlight::{Highlighter, stylesheet};

mod state;
mod urls;

use state::*;
pub use urls::{is_external, is_script_url};

/// What the renderer needs to know beyond the text.
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    pub smart_punctuation: bool,
    /// `None` disables highlighting (code is escaped and shown plain).
    pub highlighter: Option<&'a Highlighter>,
    /// Collect plain text per section (for the search index).
    pub collect_text: bool,
    /// What to do with raw HTML written in the markdown.
    pub raw_html: RawHtml,
}

/// `[markdown] raw_html`: raw HTML in markdown is allowed as CommonMark
/// says (the default), shown as text, or sanitized (safe tags and
/// attributes kept, by ammonia).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RawHtml {
    #[default]
    Allow,
    Escape,
    Sanitize,
}

/// One entry of a page's table of contents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocEntry {
    /// 2 for `##`, 3 for `###`, ...
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A link or image written in the page, as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub dest: String,
    /// Byte range of the destination (or the whole link) in the file.
    pub span: Range<usize>,
}

/// The result of rendering one page's markdown body.
/// What a build cache keeps of it is everything but the HTML.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    #[serde(skip)]
    pub html: String,
    /// Text of a leading `# Heading`, which is lifted out of the body.
    pub title: Option<String>,
    pub title_id: Option<String>,
    pub toc: Vec<TocEntry>,
    /// Every id a `#fragment` may point at: headings and ids in raw HTML.
    pub anchors: Vec<String>,
    /// Internal links and images (external ones are left alone and not listed).
    pub links: Vec<Link>,
    /// Links and images whose URL could run script (`javascript:`,
    /// `vbscript:`, `data:` but for images): rendered as their text.
    pub refused: Vec<Link>,
    /// What is wrong with a block (a diagram that cannot be drawn, lines to
    /// mark that are not in the block), for the author to hear about.
    pub problems: Vec<Problem>,
    /// The page's plain text, split at headings, for the search index. The first
    /// section holds the text before any heading (`id` is `None`).
    pub sections: Vec<TextSection>,
}

/// Something wrong with a block of the page; the page still renders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub code: crate::diagnostics::Code,
    /// Where it is written in the file.
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
}

/// Plain text under one heading.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextSection {
    pub id: Option<String>,
    pub heading: String,
    pub text: String,
}

impl TextSection {
    /// Appends inline text as written (smart quotes and the words around
    /// them arrive as separate pieces, and must not be spaced apart).
    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Separates blocks and lines with one space.
    fn space(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with(char::is_whitespace) {
            self.text.push(' ');
        }
    }
}

/// Renders `source[body_start..]`. `rewrite` maps an internal link destination to
/// the href to emit (or `None` to keep it as written).
pub fn render(
    source: &str,
    body_start: usize,
    options: Options<'_>,
    rewrite: &dyn Fn(&str) -> Option<String>,
) -> Rendered {
    let body = source.get(body_start..).unwrap_or_default();
    let mut flags = ParserOptions::ENABLE_TABLES
        | ParserOptions::ENABLE_FOOTNOTES
        | ParserOptions::ENABLE_STRIKETHROUGH
        | ParserOptions::ENABLE_TASKLISTS
        | ParserOptions::ENABLE_HEADING_ATTRIBUTES
        | ParserOptions::ENABLE_GFM;
    if options.smart_punctuation {
        flags |= ParserOptions::ENABLE_SMART_PUNCTUATION;
    }
    let mut state = State {
        options,
        out: Rendered::default(),
        slugs: slug::Slugger::default(),
        diagrams: 0,
    };
    // Events are handed to the HTML writer as they are made, never all
    // held: a 10 MB table is millions of them.
    let mut events: VecDeque<Event<'_>> = VecDeque::new();
    let mut heading: Option<HeadingBuffer<'_>> = None;
    // A fenced block being read.
    let mut code: Option<CodeBuffer> = None;
    let mut first_event = true;
    // Whether each open link and image was refused (its tags left out).
    let mut open_links: Vec<bool> = Vec::new();
    let mut open_images: Vec<bool> = Vec::new();
    // An HTML block arrives a line at a time; a tag can span lines.
    let mut html_block: Option<HtmlBlock> = None;

    let mut parser = Parser::new_ext(body, flags).into_offset_iter();
    let stream = std::iter::from_fn(|| {
        loop {
            if let Some(event) = events.pop_front() {
                return Some(event);
            }
            let (event, range) = parser.next()?;
            let at_start = std::mem::replace(&mut first_event, false);
            let event = match event {
                // `<team@example.com>`: the writer adds `mailto:`.
                event @ Event::Start(Tag::Link {
                    link_type: LinkType::Email,
                    ..
                }) => {
                    open_links.push(false);
                    event
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let refused = state.refuse(body, body_start, &range, &dest_url, false);
                    open_links.push(refused);
                    if refused {
                        continue;
                    }
                    let dest_url = state.link(body, body_start, &range, dest_url, rewrite);
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let refused = state.refuse(body, body_start, &range, &dest_url, true);
                    open_images.push(refused);
                    if refused {
                        continue;
                    }
                    let dest_url = state.link(body, body_start, &range, dest_url, rewrite);
                    Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                }
                Event::End(TagEnd::Link) if open_links.pop().unwrap_or(false) => continue,
                Event::End(TagEnd::Image) if open_images.pop().unwrap_or(false) => continue,
                Event::Html(html) | Event::InlineHtml(html)
                    if options.raw_html == RawHtml::Escape =>
                {
                    Event::Text(html)
                }
                Event::Start(Tag::HtmlBlock) => {
                    html_block = Some(HtmlBlock::default());
                    continue;
                }
                Event::Html(html) => {
                    if let Some(block) = &mut html_block {
                        block.pieces.push((block.text.len(), range.start));
                        block.text.push_str(&html);
                        continue;
                    }
                    let pieces = [(0, range.start)];
                    Event::Html(state.raw_html(body_start, &pieces, &html, rewrite).into())
                }
                Event::End(TagEnd::HtmlBlock) => {
                    let block = html_block.take().unwrap_or_default();
                    let html = state.raw_html(body_start, &block.pieces, &block.text, rewrite);
                    Event::Html(html.into())
                }
                Event::InlineHtml(html) => {
                    let pieces = [(0, range.start)];
                    Event::InlineHtml(state.raw_html(body_start, &pieces, &html, rewrite).into())
                }
                other => other,
            };
            if let Some(block) = &mut code {
                match event {
                    Event::Text(t) => block.text.push_str(&t),
                    Event::End(TagEnd::CodeBlock) => {
                        if let Some(block) = code.take() {
                            state.text(&block.text);
                            state.space();
                            events.push_back(Event::Html(state.code_block(block).into()));
                        }
                    }
                    _ => {}
                }
                continue;
            }
            if let Some(h) = &mut heading {
                match event {
                    Event::End(TagEnd::Heading(_)) => {
                        if let Some(h) = heading.take() {
                            state.heading(h, &mut events);
                        }
                    }
                    event => {
                        if let Event::Text(t) | Event::Code(t) = &event {
                            h.text.push_str(t);
                            h.slug_text.push_str(as_written(body, &range, t));
                        }
                        h.events.push(event);
                    }
                }
                continue;
            }
            match event {
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }) => {
                    heading = Some(HeadingBuffer {
                        level,
                        explicit_id: id.map(|i| i.to_string()),
                        classes: classes.iter().map(|c| c.to_string()).collect(),
                        attrs: attrs
                            .iter()
                            .map(|(k, v)| (k.to_string(), v.as_ref().map(|v| v.to_string())))
                            .collect(),
                        events: Vec::new(),
                        text: String::new(),
                        slug_text: String::new(),
                        is_title: at_start && level == HeadingLevel::H1,
                    });
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let info = match kind {
                        CodeBlockKind::Fenced(info) => info.to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    // The fence's first line, where a problem with the block is shown.
                    let first_line = body
                        .get(range.clone())
                        .and_then(|b| b.find('\n'))
                        .map_or(range.end, |n| range.start + n);
                    code = Some(CodeBuffer::new(
                        &info,
                        body_start + range.start..body_start + first_line,
                    ));
                }
                Event::Start(Tag::BlockQuote(Some(kind))) => {
                    let (class, label) = alert(kind);
                    events.push_back(Event::Html(
                    format!(
                        "<div class=\"alert alert-{class}\" role=\"note\">\n<p class=\"alert-title\">{label}</p>\n"
                    )
                    .into(),
                ));
                }
                Event::End(TagEnd::BlockQuote(Some(_))) => {
                    events.push_back(Event::Html("</div>\n".into()))
                }
                Event::Html(html) | Event::InlineHtml(html) => {
                    events.push_back(Event::Html(html));
                }
                Event::Text(t) => {
                    state.text(&t);
                    events.push_back(Event::Text(t));
                }
                Event::Code(t) => {
                    state.text(&t);
                    events.push_back(Event::Code(t));
                }
                event => {
                    if matches!(
                        event,
                        Event::SoftBreak
                            | Event::HardBreak
                            | Event::End(
                                TagEnd::Paragraph
                                    | TagEnd::Item
                                    | TagEnd::TableCell
                                    | TagEnd::BlockQuote(_)
                            )
                    ) {
                        state.space();
                    }
                    events.push_back(event);
                }
            }
        }
    });
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, stream);
    if options.raw_html == RawHtml::Sanitize {
        html = sanitize(&html);
    }
    // Every page's HTML is held until templates run: give back the slack.
    html.shrink_to_fit();
    state.out.html = html;
    for section in &mut state.out.sections {
        let end = section.text.trim_end().len();
        section.text.truncate(end);
    }
    state.out
}

/// The lines of `text` outside fenced code blocks (```` ``` ```` or `~~~`),
/// trimmed at the start: for readers that look for headings and labels
/// line by line without rendering.
pub fn prose_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut in_fence = false;
    text.lines().filter_map(move |line| {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            return None;
        }
        (!in_fence).then_some(t)
    })
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // pulldown-cmark's escaper is the one its own HTML writer uses.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTIONS: Options<'static> = Options {
        smart_punctuation: true,
        highlighter: None,
        collect_text: true,
        raw_html: RawHtml::Allow,
    };

    fn md(text: &str) -> Rendered {
        render(text, 0, OPTIONS, &|dest: &str| {
            Some(format!("REWRITTEN:{dest}"))
        })
    }

    #[test]
    fn leading_h1_becomes_the_title() {
        let r = md("# Use Rust\n\nBody.\n");
        assert_eq!(r.title.as_deref(), Some("Use Rust"));
        assert_eq!(r.html, "<p>Body.</p>\n");
    }

    #[test]
    fn headings_get_github_ids_and_anchor_links() {
        let r = md("text\n\n## Fail over\n\n## Fail over\n");
        assert_eq!(r.anchors, vec!["fail-over", "fail-over-1"]);
        assert!(
            r.html.contains(
                "<h2 id=\"fail-over-1\">Fail over<a class=\"anchor\" href=\"#fail-over-1\""
            )
        );
        assert_eq!(r.toc.len(), 2);
    }

    #[test]
    fn heading_ids_come_from_the_text_as_written_not_as_smartened() {
        let r = md(
            "intro\n\n## Already-hyphenated--double\n\n## Don't \"quote\" me...\n\n## A&#32;b&nbsp;c &amp; `d'e`\n",
        );
        assert_eq!(
            r.anchors,
            vec!["already-hyphenated--double", "dont-quote-me", "a-bc--de"]
        );
        // The page still shows the smart text.
        assert_eq!(r.toc[0].title, "Already-hyphenated\u{2013}double");
    }

    #[test]
    fn explicit_heading_ids_win() {
        let r = md("intro\n\n## Rollback {#undo}\n");
        assert_eq!(r.anchors, vec!["undo"]);
    }

    #[test]
    fn internal_links_are_rewritten_and_recorded_with_file_offsets() {
        let src =
            "+++\n+++\nSee [db](../runbooks/db.md#failover) and [web](https://example.org).\n";
        let options = Options {
            smart_punctuation: false,
            highlighter: None,
            collect_text: true,
            raw_html: RawHtml::Allow,
        };
        let r = render(src, 8, options, &|d: &str| Some(format!("X{d}")));
        assert_eq!(r.links.len(), 1);
        assert_eq!(&src[r.links[0].span.clone()], "../runbooks/db.md#failover");
        assert!(r.html.contains("href=\"X../runbooks/db.md#failover\""));
        assert!(r.html.contains("href=\"https://example.org\""));
    }

    #[test]
    fn alerts_render_as_labelled_boxes() {
        let r = md("> [!WARNING]\n> Paging wakes people up.\n");
        assert!(
            r.html
                .starts_with("<div class=\"alert alert-warning\" role=\"note\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("Paging wakes people up."));
    }

    #[test]
    fn mermaid_blocks_are_drawn_for_light_and_dark_with_their_source_kept() {
        let r = md(
            "```mermaid title=\"Deploy\"\ngraph TD; A-->B\n```\n\n```mermaid\ngraph TD; C-->D\n```\n",
        );
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let html = &r.html;
        assert!(html.starts_with("<figure class=\"diagram\">\n<figcaption class=\"diagram-title\">Deploy</figcaption>\n<div class=\"diagram-light\"><svg id=\"diagram-1-light\""));
        for id in ["diagram-1-dark", "diagram-2-light", "diagram-2-dark"] {
            assert!(html.contains(&format!("<svg id=\"{id}\"")), "{id}");
        }
        assert!(html.contains("<details class=\"diagram-source\"><summary>Diagram source</summary>\n<pre class=\"code\"><code class=\"language-mermaid\">graph TD; A--&gt;B\n</code></pre>"));
    }

    #[test]
    fn a_diagram_that_cannot_be_drawn_shows_as_source_and_says_where() {
        let source = "Intro.\n\n```mermaid\nflowchart TD\n  A -->\n```\n";
        let r = md(source);
        assert_eq!(
            r.html,
            "<p>Intro.</p>\n<pre class=\"code\"><code class=\"language-mermaid\">flowchart TD\n  A --&gt;\n</code></pre>\n"
        );
        let [problem] = r.problems.as_slice() else {
            panic!("{:?}", r.problems);
        };
        assert_eq!(problem.code, crate::diagnostics::Code::InvalidDiagram);
        assert_eq!(&source[problem.span.clone()], "```mermaid");
        assert!(
            problem
                .message
                .starts_with("this Mermaid diagram cannot be drawn: ")
        );
    }

    #[test]
    fn named_lines_are_marked_in_plain_and_highlighted_code() {
        let plain = md("```text {1,3-4}\na\nb\nc\nd\ne\n```\n");
        assert_eq!(
            plain.html,
            "<pre class=\"code\"><code class=\"language-text\"><mark class=\"code-line\">a\n</mark>b\n<mark class=\"code-line\">c\n</mark><mark class=\"code-line\">d\n</mark>e\n</code></pre>\n"
        );
        // Overlapping ranges mark each line once.
        let overlapping = md("```text {1-2,2,2-3}\na\nb\nc\nd\n```\n");
        assert_eq!(
            overlapping
                .html
                .matches("<mark class=\"code-line\">")
                .count(),
            3,
            "{}",
            overlapping.html
        );
        let zola = md("```text hl_lines=\"2\"\na\nb\n```\n");
        assert!(
            zola.html
                .contains("a\n<mark class=\"code-line\">b\n</mark>"),
            "{}",
            zola.html
        );
        let h = Highlighter::default();
        let options = Options {
            highlighter: Some(&h),
            ..OPTIONS
        };
        // A multi-line string: its span is open across the marked line's edges.
        let code = "x = \"\"\"one\ntwo\nthree\"\"\"\ny = 1\n";
        let source = format!("```python {{2}}\n{code}```\n");
        let r = render(&source, 0, options, &|_| None);
        let inner = r
            .html
            .split_once("<code class=\"language-python\">")
            .expect("as written")
            .1;
        let inner = inner.strip_suffix("</code></pre>\n").expect("as written");
        assert!(inner.contains("<mark class=\"code-line\">"), "{inner}");
        assert_eq!(
            inner.matches("<span").count(),
            inner.matches("</span>").count(),
            "{inner}"
        );
        // Nested correctly: no span closes across the mark.
        let marked = inner
            .split_once("<mark class=\"code-line\">")
            .expect("as written")
            .1;
        let marked = marked.split_once("</mark>").expect("as written").0;
        assert_eq!(
            marked.matches("<span").count(),
            marked.matches("</span>").count(),
            "{marked}"
        );
        assert!(marked.contains("two"), "{marked}");
        let text: String = strip_tags(inner);
        assert_eq!(text, code.replace('"', "&quot;"));
    }

    fn strip_tags(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn lines_to_mark_that_are_not_in_the_block_are_reported() {
        let source = "```sh {2,9,x}\nls\npwd\n```\n";
        let r = md(source);
        assert!(
            r.html
                .contains("ls\n<mark class=\"code-line\">pwd\n</mark>"),
            "{}",
            r.html
        );
        let [problem] = r.problems.as_slice() else {
            panic!("{:?}", r.problems);
        };
        assert_eq!(problem.code, crate::diagnostics::Code::InvalidValue);
        assert_eq!(
            problem.message,
            "lines to mark `9, x` are not lines of this 2-line block"
        );
        assert_eq!(&source[problem.span.clone()], "```sh {2,9,x}");
        // An attribute list in braces is not a list of lines.
        assert!(md("```sh {.wide}\nls\n```\n").problems.is_empty());
    }

    #[test]
    fn unknown_language_is_a_plain_block() {
        let r = md("```nosuchlang\n<x>\n```\n");
        assert_eq!(
            r.html,
            "<pre class=\"code\"><code class=\"language-nosuchlang\">&lt;x&gt;\n</code></pre>\n"
        );
    }

    #[test]
    fn plain_text_is_collected_per_section() {
        let r = md("# Title\n\nIntro `code`.\n\n## Steps\n\nRun *this*.\n\n```sh\nls\n```\n");
        let got: Vec<_> = r
            .sections
            .iter()
            .map(|s| (s.id.clone(), s.heading.clone(), s.text.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (None, String::new(), "Intro code.".to_string()),
                (Some("steps".into()), "Steps".into(), "Run this. ls".into()),
            ]
        );
    }

    #[test]
    fn links_in_raw_html_are_recorded_and_rewritten_like_markdown_links() {
        let src = "Intro <a href=\"db.md#Fail\">db</a>.\n\n<p align=\"center\">\n  <img\n    src=\"img/map.png\" alt=\"map\">\n  <source srcset=\"a%20b.png 1x, https://cdn.example.org/c.png 2x\">\n</p>\n\n> <a href=\"x.md\">quoted</a>\n";
        let r = md(src);
        let got: Vec<(&str, &str)> = r
            .links
            .iter()
            .map(|l| (l.dest.as_str(), &src[l.span.clone()]))
            .collect();
        assert_eq!(
            got,
            vec![
                ("db.md#Fail", "db.md#Fail"),
                ("img/map.png", "img/map.png"),
                ("a%20b.png", "a%20b.png"),
                ("x.md", "x.md"),
            ]
        );
        assert!(
            r.html.contains("<a href=\"REWRITTEN:db.md#Fail\">"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("src=\"REWRITTEN:img/map.png\" alt"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("srcset=\"REWRITTEN:a%20b.png 1x, https://cdn.example.org/c.png 2x\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<a href=\"REWRITTEN:x.md\">quoted"),
            "{}",
            r.html
        );
    }

    #[test]
    fn email_autolinks_and_mail_and_phone_links_are_not_internal() {
        let r = md(
            "Write <team@example.com>, [mail](mailto:ops@example.com) or [call](tel:+15550100).\n",
        );
        assert!(r.links.is_empty(), "{:?}", r.links);
        assert!(
            r.html.contains("href=\"mailto:team@example.com\""),
            "{}",
            r.html
        );
    }

    #[test]
    fn raw_html_ids_are_anchors() {
        let r = md("<a id=\"legacy\"></a>\n\ntext\n");
        assert_eq!(r.anchors, vec!["legacy"]);
    }

    #[test]
    fn script_urls_are_rendered_as_text_and_reported() {
        let r = md(
            "[a](javascript:alert(1)) <JavaScript:alert(2)> ![i](data:text/html,x) \
                    ![ok](data:image/png;base64,AAAA) [b](java%09script:x)\n",
        );
        assert_eq!(r.refused.len(), 3, "{:?}", r.refused);
        let lower = r.html.to_lowercase();
        assert!(
            !lower.contains("href=\"java") && !lower.contains("src=\"data:text"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("JavaScript:alert(2)"),
            "the text stays: {}",
            r.html
        );
        assert!(r.html.contains("<p>a "), "{}", r.html);
        assert!(
            r.html.contains("src=\"data:image/png;base64,AAAA\""),
            "{}",
            r.html
        );
        for url in [
            "javascript:x",
            " JAVA\tSCRIPT:x",
            "vbscript:x",
            "data:text/html,x",
            "\u{1}javascript:x",
        ] {
            assert!(is_script_url(url, false), "{url:?}");
        }
        assert!(is_script_url("data:text/html,x", true));
        for url in [
            "https://x",
            "mailto:a@b",
            "java script:x",
            "javascript",
            "./javascript:x",
        ] {
            assert!(!is_script_url(url, false), "{url:?}");
        }
        assert!(!is_script_url("data:image/svg+xml,<svg/>", true));
    }

    #[test]
    fn raw_html_can_be_escaped_or_sanitized() {
        let text = "<div onclick=\"x()\"><script>alert(1)</script><b>bold</b></div>\n\n## Steps\n";
        let with = |raw_html| {
            let options = Options {
                smart_punctuation: false,
                highlighter: None,
                collect_text: false,
                raw_html,
            };
            render(text, 0, options, &|_: &str| None).html
        };
        assert!(with(RawHtml::Allow).contains("<script>"));
        let escaped = with(RawHtml::Escape);
        assert!(escaped.contains("&lt;script&gt;") && !escaped.contains("<script>"));
        let clean = with(RawHtml::Sanitize);
        assert!(
            !clean.contains("script") && !clean.contains("onclick"),
            "{clean}"
        );
        assert!(
            clean.contains("<b>bold</b>") && clean.contains("<h2 id=\"steps\">"),
            "{clean}"
        );
        assert!(clean.contains("class=\"anchor\""), "{clean}");
    }

    #[test]
    fn external_destinations() {
        assert!(is_external("https://x.org"));
        assert!(is_external("mailto:a@b.c"));
        assert!(is_external("//cdn.example.org/x.js"));
        assert!(!is_external("../a.md"));
        assert!(!is_external("a.md#x:y"));
        assert!(!is_external("dir/x:y.md"));
    }
}
